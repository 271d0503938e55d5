"""Reading the history kept by django-simple-history: who changed what, when, from what to what.

Records are found by identity (ids), not by joining live rows, so changes to rows deleted since
are still shown. Each source is one query, whatever the number of changes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Unit, User
from benefits.models import Benefit, Indicator, Measurement
from initiatives.models import (
    Contribution,
    Dependency,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from roadmap import formatting
from roadmap.models import (
    Ambition,
    Edition,
    Maturity,
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

HIDDEN_FIELDS = {"id", "version", "search_text", "updated_at", "created_at"}
LABEL_FIELDS = ("code", "title", "name", "category", "description", "text", "measured_on", "key")


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    when: datetime.datetime
    who: User | None
    action: str  # "+", "~", "-"
    kind: str
    label: str
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return {"+": _("Ajout"), "~": _("Modification"), "-": _("Suppression")}[self.action]


def initiative_sources(initiative_ids) -> list[tuple[type[models.Model], QuerySet]]:
    """History of initiatives and of every row that hangs off them (deleted rows included)."""
    benefit_ids = Benefit.history.filter(initiative_id__in=initiative_ids).values("id")
    indicator_ids = Indicator.history.filter(benefit_id__in=benefit_ids).values("id")
    risk_ids = InitiativeRisk.history.filter(initiative_id__in=initiative_ids).values("id")
    return [
        (Initiative, Initiative.history.filter(id__in=initiative_ids)),
        (Benefit, Benefit.history.filter(initiative_id__in=initiative_ids)),
        (Indicator, Indicator.history.filter(benefit_id__in=benefit_ids)),
        (Measurement, Measurement.history.filter(indicator_id__in=indicator_ids)),
        (InitiativeRisk, InitiativeRisk.history.filter(initiative_id__in=initiative_ids)),
        (
            InitiativeRiskMitigation,
            InitiativeRiskMitigation.history.filter(risk_id__in=risk_ids),
        ),
        (Milestone, Milestone.history.filter(initiative_id__in=initiative_ids)),
        (
            Dependency,
            Dependency.history.filter(
                Q(initiative_id__in=initiative_ids) | Q(depends_on_id__in=initiative_ids)
            ),
        ),
        (Contribution, Contribution.history.filter(initiative_id__in=initiative_ids)),
    ]


def edition_sources(edition: Edition) -> list[tuple[type[models.Model], QuerySet]]:
    initiative_ids = Initiative.history.filter(edition_id=edition.pk).values("id")
    section_ids = Section.history.filter(edition_id=edition.pk).values("id")
    orientation_ids = Orientation.history.filter(edition_id=edition.pk).values("id")
    radar_ids = Radar.history.filter(edition_id=edition.pk).values("id")
    plan_risk_ids = PlanRisk.history.filter(edition_id=edition.pk).values("id")
    return [
        (Edition, Edition.history.filter(id=edition.pk)),
        (Section, Section.history.filter(edition_id=edition.pk)),
        (SectionItem, SectionItem.history.filter(section_id__in=section_ids)),
        (Topic, Topic.history.filter(section_id__in=section_ids)),
        (StrategicOrientation, StrategicOrientation.history.filter(edition_id=edition.pk)),
        (Orientation, Orientation.history.filter(edition_id=edition.pk)),
        (Ambition, Ambition.history.filter(orientation_id__in=orientation_ids)),
        (Maturity, Maturity.history.filter(edition_id=edition.pk)),
        (Radar, Radar.history.filter(edition_id=edition.pk)),
        (RadarScore, RadarScore.history.filter(radar_id__in=radar_ids)),
        (PlanRisk, PlanRisk.history.filter(edition_id=edition.pk)),
        (PlanRiskMitigation, PlanRiskMitigation.history.filter(risk_id__in=plan_risk_ids)),
        *initiative_sources(initiative_ids),
    ]


def changes(sources: list[tuple[type[models.Model], QuerySet]], limit: int = 200) -> list[Change]:
    """The latest ``limit`` changes, newest first, each with its field-by-field differences.

    One query per source, plus one per kind of related name shown (users, units, topics…).
    """
    fetched = [
        (model, list(qs.select_related("history_user").order_by("id", "history_id")))
        for model, qs in sources
    ]
    names = _related_names(fetched)
    entries: list[Change] = []
    for model, records in fetched:
        fields = [f for f in model._meta.fields if f.name not in HIDDEN_FIELDS]
        previous: dict[int, object] = {}
        for record in records:
            before = previous.get(record.id)
            previous[record.id] = record
            entry = Change(
                when=record.history_date,
                who=record.history_user,
                action=record.history_type,
                kind=str(model._meta.verbose_name),
                label=_label(record),
            )
            if record.history_type == "~" and before is not None:
                for f in fields:
                    old, new = getattr(before, f.attname), getattr(record, f.attname)
                    if old != new:
                        entry.fields.append(
                            FieldChange(
                                str(f.verbose_name),
                                _value(f, old, names),
                                _value(f, new, names),
                            )
                        )
                if not entry.fields:
                    continue  # a save that changed nothing a person would see
            entries.append(entry)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


NAMED_MODELS = (User, Unit, Initiative, Topic)


def _related_names(fetched) -> dict[tuple[type, object], str]:
    """Names of the users, units, initiatives and topics that foreign keys point to."""
    wanted: dict[type, set] = {}
    for model, records in fetched:
        for f in model._meta.fields:
            if f.is_relation and f.related_model in NAMED_MODELS and f.name not in HIDDEN_FIELDS:
                ids = {getattr(r, f.attname) for r in records} - {None}
                wanted.setdefault(f.related_model, set()).update(ids)
    names = {}
    for model, ids in wanted.items():
        if not ids:
            continue
        for obj in model.objects.filter(pk__in=ids):
            names[(model, obj.pk)] = obj.code if model is Initiative else str(obj)
    return names


def _value(f: models.Field, value, names) -> str:
    if value is None or value == "":
        return "—"
    if f.is_relation:
        return names.get((f.related_model, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, datetime.date):
        return formatting.long_date(value)
    if isinstance(value, Decimal):
        return formatting.decimal(value)
    text = str(value)
    return text if len(text) <= 300 else text[:297] + "…"


def _label(record) -> str:
    for name in LABEL_FIELDS:
        value = getattr(record, name, None)
        if value:
            text = formatting.long_date(value) if isinstance(value, datetime.date) else str(value)
            return text if len(text) <= 90 else text[:87] + "…"
    return str(record.id)
