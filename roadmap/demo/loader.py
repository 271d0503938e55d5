"""Load the demo plan (the MEIE's real PTN, first update) from plan_2023-2024.yaml.

The body and the edition are made by the same services as any other (`load_demo` calls
`body_create` and `edition_start`); this fills them. Idempotent: every record is found by its
natural key (edition, code, key, order…) and saved only when a value differs, so a second run
writes nothing.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction

from accounts.models import ParticipatingBody, PublicBody, Unit, User
from accounts.services import body_create
from benefits.models import Benefit, Indicator
from initiatives.models import (
    Contribution,
    Dependency,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
)
from roadmap.models import (
    Ambition,
    Edition,
    Maturity,
    MaturityStage,
    Orientation,
    PlanRisk,
    PlanRiskMitigation,
    Radar,
    RadarScore,
    Section,
    SectionItem,
    StrategicOrientation,
    Topic,
)

DEMO_FILE = Path(__file__).with_name("plan_2023-2024.yaml")


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    touched: set[tuple[str, int]] = field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, Decimal) and wanted is not None:
        return current == Decimal(str(wanted))
    return current == wanted


class Upserter:
    def __init__(self) -> None:
        self.report = LoadReport()

    def upsert[M: models.Model](self, model: type[M], lookup: dict, values: dict) -> M:
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            obj.full_clean()
            obj.save()
            self.report.created += 1
        else:
            changed = [k for k, v in values.items() if not _same(getattr(obj, k), v)]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                obj.full_clean()
                obj.save(update_fields=changed)
                self.report.updated += 1
        return obj

    def prune(self, queryset: models.QuerySet, keep: list[models.Model]) -> None:
        """Delete what the file no longer has (one by one, so history can record it later)."""
        for obj in queryset.exclude(pk__in=[k.pk for k in keep]):
            obj.delete()
            self.report.deleted += 1

    def set_m2m(self, manager, wanted: list[models.Model]) -> None:
        if {o.pk for o in manager.all()} != {o.pk for o in wanted}:
            manager.set(wanted)
            self.report.updated += 1


def _text(value: str | None) -> str:
    return (value or "").strip()


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def demo_body_fields(path: Path = DEMO_FILE) -> dict:
    """The demo's public body as the file describes it (``body_create``'s arguments)."""
    b = _read(path)["body"]
    return {
        "acronym": b["acronym"],
        "slug": b["slug"],
        "name": b["name"],
        "name_in_sentence": b["name_in_sentence"],
        "kind": b["kind"],
        "head_title": b["head_title"],
        "information_director_title": b["information_director_title"],
        "diffusion": _text(b["diffusion"]),
    }


@transaction.atomic
def ensure_body(path: Path = DEMO_FILE) -> PublicBody:
    """The demo's public body: created through ``body_create`` the first time, then kept as
    the file says."""
    fields = demo_body_fields(path)
    body = PublicBody.objects.filter(acronym=fields["acronym"]).first()
    if body is None:
        return body_create(**fields)
    up = Upserter()
    return up.upsert(PublicBody, {"acronym": fields.pop("acronym")}, fields)


def _load_organisation(up: "Upserter", data: dict, body: PublicBody) -> dict[str, Unit]:
    for b in data.get("participating_bodies", []):
        up.upsert(
            ParticipatingBody, {"public_body": body, "acronym": b["acronym"]}, {"name": b["name"]}
        )
    return {
        u["acronym"]: up.upsert(Unit, {"body": body, "acronym": u["acronym"]}, {"name": u["name"]})
        for u in data.get("units", [])
    }


@transaction.atomic
def load_organisation(body: PublicBody, path: Path = DEMO_FILE) -> LoadReport:
    """The body's units and participating bodies (users refer to them)."""
    up = Upserter()
    _load_organisation(up, _read(path), body)
    return up.report


def demo_fiscal_year(path: Path = DEMO_FILE) -> str:
    return _read(path)["edition"]["fiscal_year"]


@transaction.atomic
def load_plan(body: PublicBody, path: Path = DEMO_FILE) -> LoadReport:
    """The whole plan, in the body's edition of the file's fiscal year; initiative leads are
    found among existing users by username."""
    data = _read(path)
    up = Upserter()
    units = _load_organisation(up, data, body)
    lead_names = {
        i["lead"]
        for o in data["orientations"]
        for a in o["ambitions"]
        for i in a.get("initiatives", [])
        if i.get("lead")
    }
    users = {u.username: u for u in User.objects.filter(username__in=lead_names)}

    e = data["edition"]
    edition = up.upsert(
        Edition,
        {"body": body, "fiscal_year": e["fiscal_year"]},
        {
            "update_number": e["update_number"],
            "vision": _text(e.get("vision")),
            "notice": _text(e.get("notice")),
        },
    )

    m = data["maturity"]
    maturity = up.upsert(
        Maturity,
        {"edition": edition},
        {
            "score": Decimal(m["score"]),
            "scale_min": m["scale_min"],
            "scale_max": m["scale_max"],
            "target_stage": m["target_stage"],
            "target_date": _date(m["target_date"]),
            "source": _text(m.get("source")),
        },
    )
    stages = [
        up.upsert(MaturityStage, {"maturity": maturity, "number": number}, {"label": label})
        for number, label in m["stages"].items()
    ]
    up.prune(maturity.stages.all(), stages)

    r = data["radar"]
    radar = up.upsert(
        Radar,
        {"edition": edition},
        {
            "scale_min": r["scale_min"],
            "scale_max": r["scale_max"],
            "source": _text(r.get("source")),
        },
    )
    scores = [
        up.upsert(
            RadarScore,
            {"radar": radar, "order": i},
            {"category": s["category"], "score": Decimal(s["score"])},
        )
        for i, s in enumerate(r["scores"], start=1)
    ]
    up.prune(radar.scores.all(), scores)

    strategic = {
        so["number"]: up.upsert(
            StrategicOrientation,
            {"edition": edition, "number": so["number"]},
            {"title": _text(so["title"])},
        )
        for so in data["strategic_orientations"]
    }
    up.prune(edition.strategic_orientations.all(), list(strategic.values()))

    initiatives: dict[str, Initiative] = {}
    orientations = []
    for o in data["orientations"]:
        orientation = up.upsert(
            Orientation, {"edition": edition, "number": o["number"]}, {"title": _text(o["title"])}
        )
        orientations.append(orientation)
        up.set_m2m(
            orientation.strategic_orientations,
            [strategic[n] for n in o.get("strategic_orientations", [])],
        )
        ambitions = []
        for a in o["ambitions"]:
            ambition = up.upsert(
                Ambition,
                {"orientation": orientation, "number": a["number"]},
                {"title": _text(a["title"])},
            )
            ambitions.append(ambition)
            for i in a.get("initiatives", []):
                initiative = _load_initiative(up, edition, ambition, i, units, users)
                initiatives[initiative.code] = initiative
        up.prune(orientation.ambitions.all(), ambitions)
    up.prune(edition.initiatives.all(), list(initiatives.values()))
    up.prune(edition.orientations.all(), orientations)

    dependencies = [
        up.upsert(
            Dependency,
            {"initiative": initiatives[d["from"]], "depends_on": initiatives[d["to"]]},
            {"description": _text(d.get("description"))},
        )
        for d in data.get("dependencies", [])
    ]
    up.prune(Dependency.objects.filter(initiative__edition=edition), dependencies)

    sections = []
    for order, s in enumerate(data["sections"], start=1):
        section = up.upsert(
            Section,
            {"edition": edition, "key": s["key"]},
            {
                "title": s["title"],
                "level": s.get("level", 1),
                "order": order,
                "body": _text(s.get("body")),
                "conclusion": _text(s.get("conclusion")),
                "kind": s.get("kind", "narrative"),
                "signer_role": s.get("signer_role") or "",
                "shows_vision": bool(s.get("shows_vision")),
                "no_contribution_reason": _text(s.get("no_contribution_reason")),
                "signatory_name": s.get("signatory_name") or "",
                "signatory_title": s.get("signatory_title") or "",
            },
        )
        sections.append(section)
        items = [
            up.upsert(
                SectionItem,
                {"section": section, "order": n},
                {"title": _text(item["title"]), "text": _text(item.get("text"))},
            )
            for n, item in enumerate(s.get("items") or [], start=1)
        ]
        up.prune(section.items.all(), items)
        topics = []
        for n, t in enumerate(s.get("topics") or [], start=1):
            topic = up.upsert(
                Topic,
                {"section": section, "order": n},
                {"title": _text(t["title"]), "intro": _text(t.get("intro"))},
            )
            topics.append(topic)
            contributions = [
                up.upsert(
                    Contribution,
                    {"topic": topic, "order": k},
                    {
                        "initiative": initiatives[c["initiative"]],
                        "title": _text(c.get("title")),
                        "text": _text(c.get("text")),
                    },
                )
                for k, c in enumerate(t.get("contributions") or [], start=1)
            ]
            up.prune(topic.contributions.all(), contributions)
        up.prune(section.topics.all(), topics)
    up.prune(edition.sections.all(), sections)

    risks = []
    for n, risk_data in enumerate(data["plan_risks"], start=1):
        risk = up.upsert(
            PlanRisk,
            {"edition": edition, "order": n},
            {
                "title": _text(risk_data["title"]),
                "description": _text(risk_data.get("description")),
                **_risk_follow_up(risk_data),
            },
        )
        risks.append(risk)
        mitigations = [
            up.upsert(PlanRiskMitigation, {"risk": risk, "order": k}, {"text": _text(text)})
            for k, text in enumerate(risk_data["mitigations"], start=1)
        ]
        up.prune(risk.mitigations.all(), mitigations)
    up.prune(edition.plan_risks.all(), risks)
    return up.report


def _date(value: Any) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _load_initiative(
    up: Upserter,
    edition: Edition,
    ambition: Ambition,
    data: dict,
    units: dict[str, Unit],
    users: dict[str, User],
) -> Initiative:
    code = f"{ambition.code}.{data['number']}"
    initiative = up.upsert(
        Initiative,
        {"edition": edition, "code": code},
        {
            "ambition": ambition,
            "number": data["number"],
            "title": _text(data["title"]),
            "acronym": data.get("acronym") or "",
            "description": _text(data.get("description")),
            "status": data["status"],
            "funded": bool(data.get("funded")),
            "qualified_project": bool(data.get("qualified_project")),
            "phase": data.get("phase") or "",
            "horizon_start": data.get("horizon_start"),
            "horizon_end": data.get("horizon_end"),
            "budget": data.get("budget"),
            "unit": units.get(data.get("unit")) if data.get("unit") else None,
            "lead": users.get(data.get("lead")) if data.get("lead") else None,
        },
    )
    benefits = []
    for n, b in enumerate(data.get("benefits") or [], start=1):
        benefit = up.upsert(
            Benefit,
            {"initiative": initiative, "order": n},
            {
                "kind": b["kind"],
                "description": _text(b["description"]),
                "amount": b.get("amount"),
                "horizon_years": b.get("horizon_years"),
                "measurable": bool(b.get("measurable")),
            },
        )
        benefits.append(benefit)
        indicators = [
            up.upsert(
                Indicator,
                {"benefit": benefit, "order": k},
                {
                    "name": _text(ind["name"]),
                    "unit": ind.get("unit") or "",
                    "direction": ind.get("direction") or Indicator.Direction.INCREASE,
                    "baseline": _decimal(ind.get("baseline")),
                    "target": _decimal(ind.get("target")),
                    "threshold": _decimal(ind.get("threshold")),
                },
            )
            for k, ind in enumerate(b.get("indicators") or [], start=1)
        ]
        up.prune(benefit.indicators.all(), indicators)
    up.prune(initiative.benefits.all(), benefits)
    risks = []
    for n, r in enumerate(data.get("risks") or [], start=1):
        risk = up.upsert(
            InitiativeRisk,
            {"initiative": initiative, "order": n},
            {
                "title": _text(r["title"]),
                "description": _text(r.get("description")),
                **_risk_follow_up(r),
            },
        )
        risks.append(risk)
        mitigations = [
            up.upsert(InitiativeRiskMitigation, {"risk": risk, "order": k}, {"text": _text(text)})
            for k, text in enumerate(r.get("mitigations") or [], start=1)
        ]
        up.prune(risk.mitigations.all(), mitigations)
    up.prune(initiative.risks.all(), risks)
    return initiative


def _risk_follow_up(data: dict) -> dict:
    """A risk's scoring and follow-up (probability, impact, owner, status, review date)."""
    review = data.get("review_date")
    return {
        "probability": data.get("probability"),
        "impact": data.get("impact"),
        "owner": data.get("owner") or "",
        "status": data.get("status") or "open",
        "review_date": _date(review) if review else None,
    }


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
