"""The whole edition as one JSON document (format ``ptn-plan/1``), out and in.

The document follows the published schema ``schemas/ptn-plan-1.schema.json`` (JSON Schema
draft 2020-12): what the chief's office or another tool can ingest, and what moves a plan
between installations. Records are identified by their natural keys only (section keys,
orientation and ambition numbers, initiative codes, orders), never by database identifiers.

The export reads the edition in a fixed number of queries, whatever its size. The import
checks the document against the schema (each error with its JSON path, in French), then the
references between its parts, then every record with the model's own rules; it writes in one
transaction, record by record (each with its history row), and only if nothing at all is
wrong. Like the workbook's import it previews first: the same report (what would be created,
changed or deleted), and a confirmation applies only what the preview showed.

The document is the whole edition: what it does not hold is deleted (and shown as such in the
preview).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError as SchemaError

from accounts.models import Unit
from benefits.models import Benefit, BenefitYear, Indicator, Measurement
from initiatives.models import (
    CODE_RE,
    Contribution,
    Dependency,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from roadmap.exchange.files import MAX_UPLOAD_BYTES, ImportFileError
from roadmap.exchange.resources import _fold, _people
from roadmap.exchange.service import Change, ImportReport, Problem, SheetReport
from roadmap.models import (
    Ambition,
    Edition,
    EditionFrozenError,
    Maturity,
    MaturityStage,
    Orientation,
    PlanRisk,
    PlanRiskMitigation,
    PlanTemplate,
    Radar,
    RadarScore,
    RiskBase,
    Section,
    SectionItem,
    StrategicOrientation,
    Topic,
)

FORMAT = "ptn-plan/1"
SCHEMA_PATH = Path(settings.BASE_DIR) / "schemas" / "ptn-plan-1.schema.json"
JSON_CONTENT_TYPE = "application/json"
# The document is the whole edition: an approved (or transmitted) plan does not take it; its
# follow-up comes back in the workbook (roadmap/exchange/service.py, run_import).
REFUSED_AFTER_APPROVAL = gettext_lazy(
    "Le plan est approuvé : un document JSON, qui remplace l'édition entière, n'y est plus "
    "importé. Importez le classeur (.xlsx) : son suivi (bilans d'étape, mesures, montants "
    "réalisés, suivi des risques) y est pris en compte."
)


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema(), format_checker=FormatChecker())


# --- Export ---------------------------------------------------------------------------------


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def export_document(edition: Edition) -> dict:
    """The whole edition, in a fixed number of queries (no query per record)."""
    return {**export_structure(edition), "initiatives": _export_initiatives(edition)}


def export_structure(edition: Edition) -> dict:
    """The document without its initiatives: the body, the edition and the plan's structure."""
    edition = Edition.objects.select_related("body", "template").get(pk=edition.pk)
    body = edition.body
    header: dict[str, Any] = {
        "fiscal_year": edition.fiscal_year,
        "update_number": edition.update_number,
        "vision": edition.vision,
        "notice": edition.notice,
        "status": edition.status,
    }
    template = edition.template
    if template is not None:
        header["template"] = {"code": template.code, "version": template.version}
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "body": {
            "acronym": body.acronym,
            "name": body.name,
            "kind": body.kind,
            "head_title": body.head_title,
            "information_director_title": body.information_director_title,
        },
        "edition": header,
        "sections": _export_sections(edition),
        "strategic_orientations": [
            {"number": s.number, "title": s.title}
            for s in StrategicOrientation.objects.filter(edition=edition).order_by("number")
        ],
        "orientations": _export_orientations(edition),
        "maturity": _export_maturity(edition),
        "radar": _export_radar(edition),
        "plan_risks": [
            _export_risk(r)
            for r in PlanRisk.objects.filter(edition=edition)
            .order_by("order", "pk")
            .prefetch_related("mitigations")
        ],
    }


def _export_sections(edition: Edition) -> list[dict]:
    sections = []
    for s in (
        Section.objects.filter(edition=edition)
        .order_by("order", "pk")
        .prefetch_related("items", "topics")
    ):
        sections.append(
            {
                "key": s.key,
                "title": s.title,
                "level": s.level,
                "order": s.order,
                "kind": s.kind,
                "signer_role": s.signer_role,
                "shows_vision": s.shows_vision,
                "signatory_name": s.signatory_name,
                "signatory_title": s.signatory_title,
                "body": s.body,
                "conclusion": s.conclusion,
                "guidance": s.guidance,
                "no_contribution_reason": s.no_contribution_reason,
                "items": [
                    {"order": i.order, "title": i.title, "text": i.text}
                    for i in sorted(s.items.all(), key=lambda i: (i.order, i.pk))
                ],
                "topics": [
                    {"order": t.order, "title": t.title, "intro": t.intro}
                    for t in sorted(s.topics.all(), key=lambda t: (t.order, t.pk))
                ],
            }
        )
    return sections


def _export_orientations(edition: Edition) -> list[dict]:
    return [
        {
            "number": o.number,
            "title": o.title,
            "strategic_orientations": sorted(s.number for s in o.strategic_orientations.all()),
            "ambitions": [
                {"number": a.number, "title": a.title}
                for a in sorted(o.ambitions.all(), key=lambda a: a.number)
            ],
        }
        for o in Orientation.objects.filter(edition=edition)
        .order_by("number")
        .prefetch_related("strategic_orientations", "ambitions")
    ]


def _export_maturity(edition: Edition) -> dict | None:
    m = Maturity.objects.filter(edition=edition).prefetch_related("stages").first()
    if m is None:
        return None
    return {
        "score": _number(m.score),
        "scale_min": m.scale_min,
        "scale_max": m.scale_max,
        "target_stage": m.target_stage,
        "target_date": _date(m.target_date),
        "source": m.source,
        "stages": [
            {"number": s.number, "label": s.label}
            for s in sorted(m.stages.all(), key=lambda s: s.number)
        ],
    }


def _export_radar(edition: Edition) -> dict | None:
    r = Radar.objects.filter(edition=edition).prefetch_related("scores").first()
    if r is None:
        return None
    return {
        "scale_min": r.scale_min,
        "scale_max": r.scale_max,
        "source": r.source,
        "axes": [
            {"order": s.order, "category": s.category, "score": _number(s.score)}
            for s in sorted(r.scores.all(), key=lambda s: (s.order, s.pk))
        ],
    }


def _export_risk(risk) -> dict:
    return {
        "order": risk.order,
        "title": risk.title,
        "description": risk.description,
        "probability": risk.probability,
        "impact": risk.impact,
        "owner": risk.owner,
        "status": risk.status,
        "review_date": _date(risk.review_date),
        "mitigations": [
            {"order": m.order, "text": m.text}
            for m in sorted(risk.mitigations.all(), key=lambda m: (m.order, m.pk))
        ],
    }


def _export_initiatives(edition: Edition) -> list[dict]:
    initiatives = (
        Initiative.objects.filter(edition=edition)
        .select_related("ambition__orientation", "lead", "unit")
        .prefetch_related(
            "milestones",
            "dependencies__depends_on",
            "risks__mitigations",
            "contributions__topic__section",
            "benefits__indicators__measurements",
            "benefits__years",
        )
    )
    found = []
    for i in sorted(initiatives, key=lambda i: i.sort_key):
        found.append(
            {
                "code": i.code,
                "ambition": i.ambition.code,
                "title": i.title,
                "acronym": i.acronym,
                "description": i.description,
                "lead": (
                    {"login": i.lead.username, "name": i.lead.get_full_name()} if i.lead else None
                ),
                "unit": {"acronym": i.unit.acronym, "name": i.unit.name} if i.unit else None,
                "status": i.status,
                "funded": i.funded,
                "qualified_project": i.qualified_project,
                "phase": i.phase,
                "horizon_start": i.horizon_start,
                "horizon_end": i.horizon_end,
                "budget": i.budget,
                "milestones": [
                    {
                        "order": m.order,
                        "title": m.title,
                        "due_date": _date(m.due_date),
                        "done": m.done,
                    }
                    for m in sorted(i.milestones.all(), key=lambda m: (m.order, m.pk))
                ],
                "dependencies": [
                    {"initiative": d.depends_on.code, "description": d.description}
                    for d in sorted(i.dependencies.all(), key=lambda d: d.depends_on.sort_key)
                ],
                "risks": [
                    _export_risk(r) for r in sorted(i.risks.all(), key=lambda r: (r.order, r.pk))
                ],
                "contributions": [
                    {
                        "section": c.topic.section.key,
                        "topic": c.topic.order,
                        "order": c.order,
                        "title": c.title,
                        "text": c.text,
                    }
                    for c in sorted(
                        i.contributions.all(),
                        key=lambda c: (c.topic.section.order, c.topic.order, c.order, c.pk),
                    )
                ],
                "benefits": [
                    _export_benefit(b)
                    for b in sorted(i.benefits.all(), key=lambda b: (b.order, b.pk))
                ],
            }
        )
    return found


def _export_benefit(b: Benefit) -> dict:
    return {
        "order": b.order,
        "kind": b.kind,
        "description": b.description,
        "amount": b.amount,
        "horizon_years": b.horizon_years,
        "measurable": b.measurable,
        "years": [
            {"fiscal_year": y.fiscal_year, "planned": y.planned, "realized": y.realized}
            for y in sorted(b.years.all(), key=lambda y: y.fiscal_year)
        ],
        "indicators": [
            {
                "order": ind.order,
                "name": ind.name,
                "unit": ind.unit,
                "direction": ind.direction,
                "baseline": _number(ind.baseline),
                "target": _number(ind.target),
                "threshold": _number(ind.threshold),
                "baseline_date": _date(ind.baseline_date),
                "target_date": _date(ind.target_date),
                "source": ind.source,
                "frequency": ind.frequency,
                "measurements": [
                    {"measured_on": _date(m.measured_on), "value": _number(m.value), "note": m.note}
                    for m in sorted(ind.measurements.all(), key=lambda m: m.measured_on)
                ],
            }
            for ind in sorted(b.indicators.all(), key=lambda ind: (ind.order, ind.pk))
        ],
    }


def write_document(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def export_json(edition: Edition) -> bytes:
    return write_document(export_document(edition))


# --- Reading and checking a document --------------------------------------------------------


def read_document(data: bytes) -> Any:
    """The parsed JSON (not yet checked against the schema); a file that is not JSON at all is
    refused as a whole."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError("Le fichier dépasse 10 Mo : il est refusé.")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ImportFileError("Le fichier JSON doit être encodé en UTF-8.") from error
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"Ce fichier n'est pas un document JSON valide (ligne {error.lineno}, "
            f"colonne {error.colno})."
        ) from error


_TYPES = {
    "string": "du texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "true ou false",
    "object": "un objet",
    "array": "une liste",
    "null": "null",
}


def _path(parts: Iterable) -> str:
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _schema_problems(error: SchemaError) -> list[Problem]:
    """One schema error in French, at its JSON path."""
    path = _path(error.absolute_path)
    kind, expected, instance = error.validator, error.validator_value, error.instance
    if kind in ("anyOf", "oneOf") and error.context:
        # « an object or null »: the error of the alternative that is not null says more.
        nullable = any(e.validator == "type" and e.validator_value == "null" for e in error.context)
        useful = [e for e in error.context if e.validator_value != "null"]
        if useful:
            best = max(useful, key=lambda e: len(e.absolute_path))
            found = _schema_problems(best)
            if nullable and best.validator == "type" and len(found) == 1:
                found[0].message = found[0].message.removesuffix(".") + " ou null."
            return found
    if kind == "required":
        missing = [name for name in expected if name not in instance]
        return [
            Problem(_path([*error.absolute_path, n]), None, "", "Champ obligatoire manquant.")
            for n in missing
        ]
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        return [
            Problem(
                _path([*error.absolute_path, n]), None, "", "Champ inconnu du format ptn-plan/1."
            )
            for n in instance
            if n not in known
        ]
    if kind == "type":
        wanted = [expected] if isinstance(expected, str) else list(expected)
        message = "Valeur attendue : " + " ou ".join(_TYPES.get(t, t) for t in wanted) + "."
    elif kind == "const":
        message = f"La valeur doit être « {expected} »."
    elif kind == "enum":
        message = f"« {instance} » n'est pas une valeur permise ({', '.join(map(str, expected))})."
    elif kind == "pattern":
        message = f"« {instance} » n'a pas la forme attendue."
    elif kind == "format":
        message = f"« {instance} » n'est pas une date valide (AAAA-MM-JJ)."
    elif kind == "minLength":
        message = "Ce texte ne peut pas être vide."
    elif kind == "maxLength":
        message = f"Ce texte dépasse {expected} caractères."
    elif kind == "minimum":
        message = f"La valeur doit être au moins {expected}."
    elif kind == "maximum":
        message = f"La valeur doit être au plus {expected}."
    else:
        message = f"Valeur refusée par le schéma ({kind})."
    return [Problem(path, None, "", message)]


def check_document(document: Any) -> list[Problem]:
    """Every error of the document against the schema, then its internal references."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        return [
            Problem(
                "$.format",
                None,
                "",
                f"Ce document n'est pas au format {FORMAT} (format indiqué : « {found} »)."
                if found
                else f"Ce document n'est pas au format {FORMAT} (champ « format » absent).",
            )
        ]
    problems: list[Problem] = []
    for error in sorted(
        _validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path))
    ):
        problems.extend(_schema_problems(error))
    if problems:
        return problems
    return _reference_problems(document)


def _duplicates(items: list, key, path: str, what: str) -> list[Problem]:
    seen: dict = {}
    problems = []
    for index, item in enumerate(items):
        value = key(item)
        if value in seen:
            problems.append(
                Problem(
                    f"{path}[{index}]",
                    None,
                    "",
                    f"{what} « {_key_text(value)} » en double (déjà en {path}[{seen[value]}]).",
                )
            )
        else:
            seen[value] = index
    return problems


def _key_text(value) -> str:
    return " / ".join(map(str, value)) if isinstance(value, tuple) else str(value)


def _reference_problems(doc: dict) -> list[Problem]:
    """Keys unique where the plan needs them, and every reference to something in the
    document."""
    p: list[Problem] = []
    p += _duplicates(doc["sections"], lambda s: s["key"], "$.sections", "Section")
    p += _duplicates(
        doc["strategic_orientations"], lambda s: s["number"], "$.strategic_orientations",
        "Orientation du plan stratégique",
    )  # fmt: skip
    p += _duplicates(doc["orientations"], lambda o: o["number"], "$.orientations", "Orientation")
    p += _duplicates(doc["plan_risks"], lambda r: r["order"], "$.plan_risks", "Risque")
    strategic = {s["number"] for s in doc["strategic_orientations"]}
    ambitions = set()
    for n, o in enumerate(doc["orientations"]):
        path = f"$.orientations[{n}]"
        p += _duplicates(
            o.get("ambitions", []), lambda a: a["number"], f"{path}.ambitions", "Ambition"
        )
        ambitions |= {f"{o['number']}.{a['number']}" for a in o.get("ambitions", [])}
        for k, number in enumerate(o.get("strategic_orientations", [])):
            if number not in strategic:
                p.append(
                    Problem(
                        f"{path}.strategic_orientations[{k}]",
                        None,
                        "",
                        f"L'orientation {number} du plan stratégique n'est pas dans le document.",
                    )  # fmt: skip
                )
    topics = set()
    for n, s in enumerate(doc["sections"]):
        path = f"$.sections[{n}]"
        p += _duplicates(s.get("items", []), lambda i: i["order"], f"{path}.items", "Élément")
        p += _duplicates(s.get("topics", []), lambda t: t["order"], f"{path}.topics", "Sujet")
        topics |= {(s["key"], t["order"]) for t in s.get("topics", [])}
    if doc.get("maturity"):
        p += _duplicates(
            doc["maturity"].get("stages", []), lambda s: s["number"], "$.maturity.stages", "Étape"
        )
    if doc.get("radar"):
        p += _duplicates(doc["radar"].get("axes", []), lambda a: a["order"], "$.radar.axes", "Axe")
    p += _duplicates(doc["initiatives"], lambda i: i["code"], "$.initiatives", "Initiative")
    codes = {i["code"] for i in doc["initiatives"]}
    for n, i in enumerate(doc["initiatives"]):
        path = f"$.initiatives[{n}]"
        if i["ambition"] not in ambitions:
            p.append(
                Problem(
                    f"{path}.ambition",
                    None,
                    "",
                    f"L'ambition {i['ambition']} n'est pas dans le document.",
                )
            )
        elif not i["code"].startswith(i["ambition"] + "."):
            p.append(
                Problem(
                    f"{path}.code",
                    None,
                    "",
                    f"Le code « {i['code']} » doit commencer par celui de son ambition, "
                    f"« {i['ambition']}. ».",
                )  # fmt: skip
            )
        for name, what in (("milestones", "Jalon"), ("risks", "Risque"), ("benefits", "Bénéfice")):
            p += _duplicates(i.get(name, []), lambda x: x["order"], f"{path}.{name}", what)
        p += _duplicates(
            i.get("dependencies", []),
            lambda d: d["initiative"],
            f"{path}.dependencies",
            "Interdépendance",
        )
        for k, d in enumerate(i.get("dependencies", [])):
            if d["initiative"] == i["code"]:
                p.append(
                    Problem(
                        f"{path}.dependencies[{k}]",
                        None,
                        "",
                        "Une initiative ne peut dépendre d'elle-même.",
                    )
                )
            elif d["initiative"] not in codes:
                p.append(
                    Problem(
                        f"{path}.dependencies[{k}]",
                        None,
                        "",
                        f"L'initiative {d['initiative']} n'est pas dans le document.",
                    )
                )
        p += _duplicates(
            i.get("contributions", []),
            lambda c: (c["section"], c["topic"], c["order"]),
            f"{path}.contributions",
            "Contribution",
        )
        for k, c in enumerate(i.get("contributions", [])):
            if (c["section"], c["topic"]) not in topics:
                p.append(
                    Problem(
                        f"{path}.contributions[{k}]",
                        None,
                        "",
                        f"Le sujet {c['topic']} de la section « {c['section']} » n'est pas dans le document.",
                    )  # fmt: skip
                )
        for b_index, b in enumerate(i.get("benefits", [])):
            b_path = f"{path}.benefits[{b_index}]"
            p += _duplicates(
                b.get("indicators", []), lambda x: x["order"], f"{b_path}.indicators", "Indicateur"
            )
            for k, ind in enumerate(b.get("indicators", [])):
                p += _duplicates(
                    ind.get("measurements", []), lambda m: m["measured_on"],
                    f"{b_path}.indicators[{k}].measurements", "Mesure du",
                )  # fmt: skip
    return p


# --- Import ---------------------------------------------------------------------------------


def _same(current, wanted) -> bool:
    if isinstance(current, models.Model) or isinstance(wanted, models.Model):
        return getattr(current, "pk", current) == getattr(wanted, "pk", wanted)
    if isinstance(current, Decimal) and wanted is not None:
        return current == Decimal(str(wanted))
    if isinstance(current, datetime.date) and isinstance(wanted, str):
        return current.isoformat() == wanted
    return current == wanted


def _stored(obj: models.Model, name: str):
    """A field's value as stored: a foreign key's id (reading the related object would cost a
    query per record), any other field's value."""
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname) if field.is_relation else getattr(obj, name)


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, models.Model):
        return getattr(value, "code", None) or str(value)
    return str(value)


def _text(value) -> str:
    return value or ""


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _parse_date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


class _Sync:
    """Brings the edition to what the document says, record by record, and tells what it did.

    Every record is found by its natural key among those read once per kind; only records
    that differ are saved (each save writes its history row); what the document no longer
    holds is deleted at the end, children first.
    """

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.parts: dict[str, SheetReport] = {}
        self.kept: dict[str, set] = {}
        self.existing: dict[str, dict] = {}
        self.failed = False
        # Set by the workbook's import into an approved (or transmitted) edition: why a change
        # that is not follow-up (Versioned.FOLLOW_UP_FIELDS) is refused, given the model and
        # whether the record is new. Such a change is reported at its field, never written.
        self.frozen: Callable[[type[models.Model], bool], str] | None = None

    def part(self, name: str) -> SheetReport:
        if name not in self.parts:
            self.parts[name] = SheetReport(name)
            self.report.sheets.append(self.parts[name])
        return self.parts[name]

    def load(self, part: str, objects: Iterable, key) -> None:
        """The records of ``part`` by natural key, locked until the import's transaction ends
        (on PostgreSQL): an edit cannot slip in between this read and the import's write."""
        self.part(part)
        if isinstance(objects, models.QuerySet):
            objects = objects.select_for_update(of=("self",))
        self.existing[part] = {key(o): o for o in objects}
        self.kept.setdefault(part, set())

    def problem(self, path: str, message: str) -> None:
        self.failed = True
        self.report.problems.append(Problem(path, None, "", message))

    def save(
        self,
        part: str,
        model: type[models.Model],
        key,
        label: str,
        values: dict,
        path: str,
        m2m: dict | None = None,
    ):
        """Create or update the record ``key`` of ``part`` with ``values``; None if it is
        invalid (the problems are reported at ``path``)."""
        summary = self.part(part)
        obj = self.existing[part].get(key)
        self.kept[part].add(key)
        change = None
        if obj is None:
            obj = model(**values)
            change = Change("new", label)
            changed = list(values)
        else:
            changed = [
                name for name, value in values.items() if not _same(_stored(obj, name), value)
            ]
            if changed:
                change = Change("update", label)
                for name in changed:
                    field = model._meta.get_field(name)
                    change.fields.append(
                        (
                            capfirst(str(field.verbose_name)),
                            _shown(getattr(obj, name)),
                            _shown(values[name]),
                        )
                    )
                    setattr(obj, name, values[name])
        if changed and self.frozen is not None and not self._follow_up(model, obj, changed, path):
            return None
        if changed and not self._write(obj, change.action == "update" and changed, path):
            return None
        for name, wanted in (m2m or {}).items():
            manager = getattr(obj, name)
            before = set() if change and change.action == "new" else {o.pk for o in manager.all()}
            if before != {o.pk for o in wanted}:
                if self.frozen is not None:
                    self.problem(f"{path}.{name}", self.frozen(model, False))
                    continue
                if change is None:
                    change = Change("update", label)
                if change.action == "update":
                    old = sorted(o.number for o in manager.all())
                    change.fields.append(
                        (
                            capfirst(str(model._meta.get_field(name).verbose_name)),
                            ", ".join(map(str, old)),
                            ", ".join(
                                str(o.number) for o in sorted(wanted, key=lambda o: o.number)
                            ),
                        )
                    )
                manager.set(wanted)
        if change is None:
            summary.unchanged += 1
        else:
            summary.changes.append(change)
            if change.action == "new":
                summary.created += 1
            else:
                summary.updated += 1
        return obj

    def _follow_up(self, model: type[models.Model], obj, changed: list[str], path: str) -> bool:
        """Whether the change of ``changed`` fields is follow-up only; if not, each frozen
        field is a problem (a new record: at the record) and nothing is written."""
        if getattr(model, "FOLLOW_UP_RECORD", False):
            return True
        if obj.pk is None:
            self.problem(path, self.frozen(model, True))
            return False
        allowed = getattr(model, "FOLLOW_UP_FIELDS", frozenset())
        refused = [name for name in changed if name not in allowed]
        for name in refused:
            self.problem(f"{path}.{name}", self.frozen(model, False))
        return not refused

    def _write(self, obj: models.Model, changed: list | bool, path: str) -> bool:
        """Validate and save one record (a new one when ``changed`` is false). An update takes
        the next version number, as an edit in the portal does, so that an editor holding the
        record's previous version is told of the change instead of overwriting it."""
        update_fields = None
        if changed:
            obj.version += 1
            auto = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
            update_fields = [*changed, "version", *auto]
        relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
        try:
            obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                where = path if name == "__all__" else f"{path}.{name}"
                for message in messages:
                    self.problem(where, message)
            return False
        try:
            with transaction.atomic():
                obj.save(update_fields=update_fields)
        except IntegrityError:
            self.problem(path, "Cet élément entre en conflit avec un autre (clé en double).")
            return False
        return True

    def prune(self, part: str, fallback: str) -> None:
        """Delete the records of ``part`` that the document no longer holds."""
        summary = self.part(part)
        for key, obj in self.existing[part].items():
            if key in self.kept[part]:
                continue
            summary.changes.append(Change("delete", _key_text(key) or fallback))
            summary.deleted += 1
            if type(obj)._base_manager.filter(pk=obj.pk).exists():  # not gone with its parent
                obj.delete()


def import_document(
    edition: Edition, document: Any, *, apply: bool, previewed: str | None = None
) -> ImportReport:
    """Check the whole document; bring ``edition`` to it only if ``apply`` and nothing at all
    is wrong (one transaction: a preview, an error or a stale preview rolls it back)."""
    report = ImportReport(document=True)
    report.problems.extend(check_document(document))
    if report.problems:
        return report
    with transaction.atomic():
        edition = Edition.objects.select_for_update().select_related("body").get(pk=edition.pk)
        if edition.is_followed_up:
            raise EditionFrozenError(str(REFUSED_AFTER_APPROVAL))
        if not edition.is_content_editable:
            raise EditionFrozenError
        sync = _Sync(report)
        _apply(sync, edition, document)
        report.outdated = previewed is not None and previewed != report.digest
        report.applied = apply and not report.has_errors and not report.outdated
        if not report.applied:
            transaction.set_rollback(True)
    return report


def _apply(sync: _Sync, edition: Edition, doc: dict) -> None:
    # The document is the whole edition: one that names no template follows none.
    _apply_edition(sync, edition, {"template": None, **doc["edition"]})
    sections, topics = _apply_sections(sync, edition, doc["sections"])
    ambitions = _apply_orientations(sync, edition, doc)
    _apply_maturity(sync, edition, doc["maturity"])
    _apply_radar(sync, edition, doc["radar"])
    _apply_risks(
        sync, _("Risques du plan"), _("Mesures d'atténuation du plan"),
        PlanRisk.objects.filter(edition=edition), PlanRiskMitigation.objects.filter(risk__edition=edition).select_related("risk"),
        lambda r: (), lambda m: (), [((), {"edition": edition}, "$.plan_risks", doc["plan_risks"], "")],
        PlanRisk, PlanRiskMitigation,
    )  # fmt: skip
    _apply_initiatives(sync, edition, doc["initiatives"], ambitions, topics)
    if sync.failed:
        return  # nothing is written anyway; deletions would only report noise
    # What the document no longer holds, children before their parents; initiatives before
    # the ambitions they belong to (an ambition with initiatives cannot be deleted).
    for part in (
        _("Mesures"), _("Indicateurs"), _("Montants annuels des bénéfices"), _("Bénéfices"), _("Contributions"),
        _("Interdépendances"), _("Jalons"), _("Mesures d'atténuation des initiatives"),
        _("Risques des initiatives"), _("Initiatives"), _("Mesures d'atténuation du plan"),
        _("Risques du plan"), _("Étapes de maturité"), _("Maturité"), _("Axes du radar"),
        _("Radar"), _("Ambitions"), _("Orientations"), _("Orientations du plan stratégique"),
        _("Éléments de section"), _("Sujets"), _("Sections"),
    ):  # fmt: skip
        sync.prune(part, edition.fiscal_year)


def _apply_edition(sync: _Sync, edition: Edition, data: dict) -> None:
    part = _("Édition")
    sync.load(part, [edition], lambda e: ())
    values = {
        "update_number": data["update_number"],
        "vision": _text(data.get("vision")),
        "notice": _text(data.get("notice")),
    }
    if "template" in data and not data["template"]:
        values["template"] = None
    elif data.get("template"):
        wanted = data["template"]
        template = PlanTemplate.objects.filter(
            code=wanted["code"], version=wanted["version"]
        ).first()
        if template is None:
            sync.problem(
                "$.edition.template",
                f"Le modèle de plan « {wanted['code']} » version {wanted['version']} "
                "n'existe pas dans ce portail.",
            )
        else:
            values["template"] = template
    sync.save(part, Edition, (), edition.fiscal_year, values, "$.edition")


def _apply_sections(sync: _Sync, edition: Edition, sections: list[dict]):
    parts = (_("Sections"), _("Éléments de section"), _("Sujets"))
    sync.load(parts[0], Section.objects.filter(edition=edition), lambda s: s.key)
    sync.load(parts[1], SectionItem.objects.filter(section__edition=edition).select_related("section"),
              lambda i: (i.section.key, i.order))  # fmt: skip
    sync.load(parts[2], Topic.objects.filter(section__edition=edition).select_related("section"),
              lambda t: (t.section.key, t.order))  # fmt: skip
    found, topics = {}, {}
    for n, s in enumerate(sections):
        path = f"$.sections[{n}]"
        values = {
            "edition": edition,
            "key": s["key"],
            "title": s["title"],
            "level": s.get("level", 1),
            "order": s.get("order", n + 1),
            "kind": s["kind"],
            "signer_role": _text(s.get("signer_role")),
            "shows_vision": bool(s.get("shows_vision")),
            "signatory_name": _text(s.get("signatory_name")),
            "signatory_title": _text(s.get("signatory_title")),
            "body": _text(s.get("body")),
            "conclusion": _text(s.get("conclusion")),
            "guidance": _text(s.get("guidance")),
            "no_contribution_reason": _text(s.get("no_contribution_reason")),
        }
        section = sync.save(parts[0], Section, s["key"], s["key"], values, path)
        if section is None:
            continue
        found[s["key"]] = section
        for k, item in enumerate(s.get("items", [])):
            sync.save(
                parts[1], SectionItem, (s["key"], item["order"]),
                f"{s['key']} / {item['order']}",
                {"section": section, "order": item["order"], "title": item["title"], "text": _text(item.get("text"))},
                f"{path}.items[{k}]",
            )  # fmt: skip
        for k, t in enumerate(s.get("topics", [])):
            topic = sync.save(
                parts[2], Topic, (s["key"], t["order"]), f"{s['key']} / {t['order']}",
                {"section": section, "order": t["order"], "title": t["title"], "intro": _text(t.get("intro"))},
                f"{path}.topics[{k}]",
            )  # fmt: skip
            topics[(s["key"], t["order"])] = topic
    return found, topics


def _apply_orientations(sync: _Sync, edition: Edition, doc: dict) -> dict[str, Ambition]:
    parts = (_("Orientations du plan stratégique"), _("Orientations"), _("Ambitions"))
    sync.load(parts[0], StrategicOrientation.objects.filter(edition=edition), lambda s: s.number)
    sync.load(
        parts[1],
        Orientation.objects.filter(edition=edition).prefetch_related("strategic_orientations"),
        lambda o: o.number,
    )
    sync.load(parts[2], Ambition.objects.filter(orientation__edition=edition).select_related("orientation"),
              lambda a: (a.orientation.number, a.number))  # fmt: skip
    strategic = {}
    for n, s in enumerate(doc["strategic_orientations"]):
        found = sync.save(
            parts[0], StrategicOrientation, s["number"], str(s["number"]),
            {"edition": edition, "number": s["number"], "title": s["title"]},
            f"$.strategic_orientations[{n}]",
        )  # fmt: skip
        strategic[s["number"]] = found
    ambitions = {}
    for n, o in enumerate(doc["orientations"]):
        path = f"$.orientations[{n}]"
        wanted = [strategic[k] for k in o.get("strategic_orientations", []) if strategic.get(k)]
        orientation = sync.save(
            parts[1], Orientation, o["number"], str(o["number"]),
            {"edition": edition, "number": o["number"], "title": o["title"]},
            path, m2m={"strategic_orientations": wanted},
        )  # fmt: skip
        if orientation is None:
            continue
        for k, a in enumerate(o.get("ambitions", [])):
            ambition = sync.save(
                parts[2], Ambition, (o["number"], a["number"]), f"{o['number']}.{a['number']}",
                {"orientation": orientation, "number": a["number"], "title": a["title"]},
                f"{path}.ambitions[{k}]",
            )  # fmt: skip
            if ambition is not None:
                ambitions[f"{o['number']}.{a['number']}"] = ambition
    return ambitions


def _apply_maturity(sync: _Sync, edition: Edition, data: dict | None) -> None:
    parts = (_("Maturité"), _("Étapes de maturité"))
    sync.load(parts[0], Maturity.objects.filter(edition=edition), lambda m: ())
    sync.load(parts[1], MaturityStage.objects.filter(maturity__edition=edition), lambda s: s.number)
    if data is not None:
        maturity = sync.save(
            parts[0], Maturity, (), edition.fiscal_year,
            {
                "edition": edition, "score": _decimal(data.get("score")),
                "scale_min": data["scale_min"], "scale_max": data["scale_max"],
                "target_stage": data.get("target_stage"),
                "target_date": _parse_date(data.get("target_date")),
                "source": _text(data.get("source")),
            },
            "$.maturity",
        )  # fmt: skip
        if maturity is not None:
            for k, s in enumerate(data.get("stages", [])):
                sync.save(
                    parts[1], MaturityStage, s["number"], str(s["number"]),
                    {"maturity": maturity, "number": s["number"], "label": s["label"]},
                    f"$.maturity.stages[{k}]",
                )  # fmt: skip


def _apply_radar(sync: _Sync, edition: Edition, data: dict | None) -> None:
    parts = (_("Radar"), _("Axes du radar"))
    sync.load(parts[0], Radar.objects.filter(edition=edition), lambda r: ())
    sync.load(parts[1], RadarScore.objects.filter(radar__edition=edition), lambda s: s.order)
    if data is not None:
        values = {
            "edition": edition,
            "scale_min": data["scale_min"],
            "scale_max": data["scale_max"],
            "source": _text(data.get("source")),
        }
        radar = sync.save(parts[0], Radar, (), edition.fiscal_year, values, "$.radar")
        if radar is not None:
            for k, a in enumerate(data.get("axes", [])):
                sync.save(
                    parts[1], RadarScore, a["order"], f"{a['order']} {a['category']}",
                    {"radar": radar, "order": a["order"], "category": a["category"], "score": _decimal(a.get("score"))},
                    f"$.radar.axes[{k}]",
                )  # fmt: skip


def _apply_risks(
    sync, risk_part, mitigation_part, risks, mitigations, risk_prefix, mitigation_prefix,
    owners, risk_model, mitigation_model,
) -> None:  # fmt: skip
    """Risks and their mitigations, of the plan or of initiatives (``owners``: the key prefix,
    the owner's values, the JSON path and the risks of each owner)."""
    if risk_part not in sync.existing:
        sync.load(risk_part, risks, lambda r: (*risk_prefix(r), r.order))
        sync.load(
            mitigation_part, mitigations, lambda m: (*mitigation_prefix(m), m.risk.order, m.order)
        )
    for prefix, owner, path, items, label in owners:
        for n, r in enumerate(items):
            risk = sync.save(
                risk_part, risk_model, (*prefix, r["order"]), f"{label}{r['order']}",
                {**owner, "order": r["order"], "title": r["title"], "description": _text(r.get("description")),
                 "probability": r.get("probability"), "impact": r.get("impact"),
                 "owner": _text(r.get("owner")), "status": r.get("status", RiskBase.Status.OPEN),
                 "review_date": _parse_date(r.get("review_date"))},
                f"{path}[{n}]",
            )  # fmt: skip
            if risk is None:
                continue
            for k, m in enumerate(r.get("mitigations", [])):
                sync.save(
                    mitigation_part, mitigation_model, (*prefix, r["order"], m["order"]),
                    f"{label}{r['order']} / {m['order']}",
                    {"risk": risk, "order": m["order"], "text": m["text"]},
                    f"{path}[{n}].mitigations[{k}]",
                )  # fmt: skip


def _apply_initiatives(sync, edition, initiatives, ambitions, topics) -> None:
    parts = {
        "initiatives": _("Initiatives"),
        "milestones": _("Jalons"),
        "dependencies": _("Interdépendances"),
        "contributions": _("Contributions"),
        "benefits": _("Bénéfices"),
        "years": _("Montants annuels des bénéfices"),
        "indicators": _("Indicateurs"),
        "measurements": _("Mesures"),
        "units": _("Unités"),
    }
    sync.load(parts["initiatives"], Initiative.objects.filter(edition=edition), lambda i: i.code)
    sync.load(parts["milestones"], Milestone.objects.filter(initiative__edition=edition).select_related("initiative"),
              lambda m: (m.initiative.code, m.order))  # fmt: skip
    sync.load(parts["dependencies"],
              Dependency.objects.filter(initiative__edition=edition).select_related("initiative", "depends_on"),
              lambda d: (d.initiative.code, d.depends_on.code))  # fmt: skip
    sync.load(parts["contributions"],
              Contribution.objects.filter(initiative__edition=edition).select_related("initiative", "topic__section"),
              lambda c: (c.initiative.code, c.topic.section.key, c.topic.order, c.order))  # fmt: skip
    sync.load(parts["benefits"], Benefit.objects.filter(initiative__edition=edition).select_related("initiative"),
              lambda b: (b.initiative.code, b.order))  # fmt: skip
    sync.load(parts["years"], BenefitYear.objects.filter(benefit__initiative__edition=edition)
              .select_related("benefit__initiative"),
              lambda y: (y.benefit.initiative.code, y.benefit.order, y.fiscal_year))  # fmt: skip
    sync.load(parts["indicators"],
              Indicator.objects.filter(benefit__initiative__edition=edition).select_related("benefit__initiative"),
              lambda i: (i.benefit.initiative.code, i.benefit.order, i.order))  # fmt: skip
    sync.load(parts["measurements"],
              Measurement.objects.filter(indicator__benefit__initiative__edition=edition)
              .select_related("indicator__benefit__initiative"),
              lambda m: (m.indicator.benefit.initiative.code, m.indicator.benefit.order, m.indicator.order,
                         m.measured_on.isoformat()))  # fmt: skip
    units = {u.acronym: u for u in Unit.objects.filter(body=edition.body_id)}
    people = _people(edition.body_id)
    found: dict[str, Initiative] = {}
    risk_owners = []
    for n, i in enumerate(initiatives):
        path = f"$.initiatives[{n}]"
        ambition = ambitions.get(i["ambition"])
        if ambition is None:
            continue  # its ambition could not be written: already reported
        values = {
            "edition": edition,
            "ambition": ambition,
            "code": i["code"],
            "number": int(CODE_RE.match(i["code"])[3]),
            "title": i["title"],
            "acronym": _text(i.get("acronym")),
            "description": _text(i.get("description")),
            "lead": _person(sync, people, i.get("lead"), f"{path}.lead"),
            "unit": _unit(sync, edition, units, i.get("unit"), f"{path}.unit", parts["units"]),
            "status": i.get("status", Initiative.Status.IDEATION),
            "funded": bool(i.get("funded")),
            "qualified_project": bool(i.get("qualified_project")),
            "phase": _text(i.get("phase")),
            "horizon_start": i.get("horizon_start"),
            "horizon_end": i.get("horizon_end"),
            "budget": i.get("budget"),
        }
        initiative = sync.save(parts["initiatives"], Initiative, i["code"], i["code"], values, path)
        if initiative is None:
            continue
        found[i["code"]] = initiative
        code = i["code"]
        for k, m in enumerate(i.get("milestones", [])):
            sync.save(
                parts["milestones"], Milestone, (code, m["order"]), f"{code} / {m['order']}",
                {"initiative": initiative, "order": m["order"], "title": m["title"],
                 "due_date": _parse_date(m.get("due_date")), "done": bool(m.get("done"))},
                f"{path}.milestones[{k}]",
            )  # fmt: skip
        for k, c in enumerate(i.get("contributions", [])):
            topic = topics.get((c["section"], c["topic"]))
            if topic is None:
                continue
            sync.save(
                parts["contributions"], Contribution, (code, c["section"], c["topic"], c["order"]),
                f"{code} / {c['section']} / {c['topic']} / {c['order']}",
                {"initiative": initiative, "topic": topic, "order": c["order"],
                 "title": _text(c.get("title")), "text": c["text"]},
                f"{path}.contributions[{k}]",
            )  # fmt: skip
        for k, b in enumerate(i.get("benefits", [])):
            b_path = f"{path}.benefits[{k}]"
            benefit = sync.save(
                parts["benefits"], Benefit, (code, b["order"]), f"{code} / {b['order']}",
                {"initiative": initiative, "order": b["order"], "kind": b["kind"],
                 "description": b["description"], "amount": b.get("amount"),
                 "horizon_years": b.get("horizon_years"), "measurable": bool(b.get("measurable"))},
                b_path,
            )  # fmt: skip
            if benefit is None:
                continue
            for x, y in enumerate(b.get("years", [])):
                key = (code, b["order"], y["fiscal_year"])
                sync.save(
                    parts["years"], BenefitYear, key, _key_text(key),
                    {"benefit": benefit, "fiscal_year": y["fiscal_year"],
                     "planned": y.get("planned"), "realized": y.get("realized")},
                    f"{b_path}.years[{x}]",
                )  # fmt: skip
            for x, ind in enumerate(b.get("indicators", [])):
                key = (code, b["order"], ind["order"])
                indicator = sync.save(
                    parts["indicators"], Indicator, key, _key_text(key),
                    {"benefit": benefit, "order": ind["order"], "name": ind["name"],
                     "unit": _text(ind.get("unit")), "direction": ind.get("direction", "increase"),
                     "baseline": _decimal(ind.get("baseline")), "target": _decimal(ind.get("target")),
                     "threshold": _decimal(ind.get("threshold")),
                     "baseline_date": _parse_date(ind.get("baseline_date")),
                     "target_date": _parse_date(ind.get("target_date")),
                     "source": _text(ind.get("source")), "frequency": _text(ind.get("frequency"))},
                    f"{b_path}.indicators[{x}]",
                )  # fmt: skip
                if indicator is None:
                    continue
                for y, m in enumerate(ind.get("measurements", [])):
                    sync.save(
                        parts["measurements"], Measurement, (*key, m["measured_on"]),
                        _key_text((*key, m["measured_on"])),
                        {"indicator": indicator, "measured_on": _parse_date(m["measured_on"]),
                         "value": _decimal(m["value"]), "note": _text(m.get("note"))},
                        f"{b_path}.indicators[{x}].measurements[{y}]",
                    )  # fmt: skip
        risk_owners.append(
            ((code,), {"initiative": initiative}, f"{path}.risks", i.get("risks", []), f"{code} / ")
        )
    _apply_risks(
        sync, _("Risques des initiatives"), _("Mesures d'atténuation des initiatives"),
        InitiativeRisk.objects.filter(initiative__edition=edition).select_related("initiative"),
        InitiativeRiskMitigation.objects.filter(risk__initiative__edition=edition).select_related("risk__initiative"),
        lambda r: (r.initiative.code,), lambda m: (m.risk.initiative.code,), risk_owners,
        InitiativeRisk, InitiativeRiskMitigation,
    )  # fmt: skip
    # Dependencies once every initiative of the document exists.
    for n, i in enumerate(initiatives):
        initiative = found.get(i["code"])
        for k, d in enumerate(i.get("dependencies", [])):
            target = found.get(d["initiative"])
            if initiative is None or target is None:
                continue
            sync.save(
                parts["dependencies"], Dependency, (i["code"], d["initiative"]),
                f"{i['code']} → {d['initiative']}",
                {"initiative": initiative, "depends_on": target, "description": _text(d.get("description"))},
                f"$.initiatives[{n}].dependencies[{k}]",
            )  # fmt: skip


def _person(sync: _Sync, people: dict, data: dict | None, path: str):
    if not data:
        return None
    user = people["login"].get(data["login"])
    if user is None and data.get("name"):
        named = people["name"].get(_fold(data["name"]), [])
        user = named[0] if len(named) == 1 else None
    if user is None:
        sync.problem(
            path,
            f"Responsable inconnu(e) dans l'organisme : « {data.get('name') or data['login']} » "
            f"({data['login']}). Donnez-lui un rôle dans l'organisme, ou retirez-le du document.",
        )
    return user


def _unit(sync: _Sync, edition: Edition, units: dict, data: dict | None, path: str, part: str):
    """An administrative unit of the body, by its acronym; one the body does not have yet is
    created (with the document's name)."""
    if not data:
        return None
    unit = units.get(data["acronym"])
    if unit is None:
        unit = Unit(
            body=edition.body, acronym=data["acronym"], name=data.get("name") or data["acronym"]
        )
        try:
            with transaction.atomic():
                unit.save()
        except IntegrityError:
            sync.problem(
                path, f"L'unité « {data['acronym']} » ne peut pas être créée (nom déjà pris)."
            )
            return None
        units[data["acronym"]] = unit
        summary = sync.part(part)
        summary.created += 1
        summary.changes.append(Change("new", data["acronym"]))
    return unit
