"""Reading the history kept by django-simple-history: who changed what, when, from what to what.

Records are found by identity (ids), not by joining live rows, so changes to rows deleted since
are still shown. A page of history reads only the records it shows: the history tables are
ordered and cut into pages in SQL (one UNION), then the page's records are read with the record
before each, for the field-by-field differences.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
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

# Where history is read from: each model with the query of its history records in scope.
Sources = list[tuple[type[models.Model], QuerySet]]


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


def initiative_sources(initiative_ids) -> Sources:
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


def edition_sources(edition: Edition) -> Sources:
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


def change_index(sources: Sources) -> QuerySet:
    """Every history record of the sources as (date, history id, source number), newest
    first: one UNION of the history tables, so that a page reads only the rows it shows
    (``change_index(sources)[50:100]`` is one query with LIMIT and OFFSET; ``.count()`` one
    more). Records saved together (same date) keep a stable order."""
    parts = [
        queryset.order_by()
        .annotate(ptn_source=Value(number, output_field=models.IntegerField()))
        .values_list("history_date", "history_id", "ptn_source")
        for number, (_model, queryset) in enumerate(sources)
    ]
    return (
        parts[0].union(*parts[1:], all=True).order_by("-history_date", "-ptn_source", "-history_id")
    )


def filter_sources(
    sources: Sources,
    *,
    who: User | None = None,
    since: datetime.datetime | None = None,
    before: datetime.datetime | None = None,
) -> Sources:
    """The same sources, limited to one person's changes and to a period [since, before)."""
    lookups: dict[str, object] = {}
    if who is not None:
        lookups["history_user_id"] = who.pk
    if since is not None:
        lookups["history_date__gte"] = since
    if before is not None:
        lookups["history_date__lt"] = before
    return [(model, queryset.filter(**lookups)) for model, queryset in sources]


def describe(sources: Sources, index_rows) -> list[Change]:
    """The changes of ``index_rows`` (rows of ``change_index``), in their order, each with its
    field-by-field differences from the record before it.

    One query per kind of record on the page (its records and their predecessors together),
    plus one per kind of related name shown (users, units, initiatives, topics): a fixed
    number, whatever the amount of history.
    """
    wanted: dict[int, list[int]] = defaultdict(list)
    for _when, history_id, number in index_rows:
        wanted[number].append(history_id)
    found: dict[tuple[int, int], object] = {}
    predecessors: dict[tuple[int, int], object] = {}
    fetched = []
    for number, ids in wanted.items():
        model = sources[number][0]
        records = _with_predecessors(sources[number][1].model, ids)
        fetched.append((model, records))
        previous: dict[int, object] = {}
        for record in records:  # by object, then in the order of the history
            if record.history_id in ids:
                found[(number, record.history_id)] = record
                predecessors[(number, record.history_id)] = previous.get(record.id)
            previous[record.id] = record
    names = _related_names(fetched)
    entries: list[Change] = []
    for _when, history_id, number in index_rows:
        record = found[(number, history_id)]
        entry = _change(sources[number][0], record, predecessors[(number, history_id)], names)
        if entry is not None:
            entries.append(entry)
    return entries


def _with_predecessors(history_model: type[models.Model], ids: list[int]) -> list:
    """The records ``ids`` and, for each, the record of the same object just before it."""
    just_before = Subquery(
        history_model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    before_ids = (
        history_model.objects.filter(history_id__in=ids)
        .annotate(before=just_before)
        .values("before")
    )
    return list(
        history_model.objects.filter(Q(history_id__in=ids) | Q(history_id__in=before_ids))
        .select_related("history_user")
        .order_by("id", "history_id")
    )


def _change(model: type[models.Model], record, before, names) -> Change | None:
    entry = Change(
        when=record.history_date,
        who=record.history_user,
        action=record.history_type,
        kind=str(model._meta.verbose_name),
        label=_label(record),
    )
    if record.history_type == "~" and before is not None:
        for f in model._meta.fields:
            if f.name in HIDDEN_FIELDS:
                continue
            old, new = getattr(before, f.attname), getattr(record, f.attname)
            if old != new:
                entry.fields.append(
                    FieldChange(str(f.verbose_name), _value(f, old, names), _value(f, new, names))
                )
        if not entry.fields:
            return None  # a save that changed nothing a person would see
    return entry


def changes(sources: Sources, limit: int = 200) -> list[Change]:
    """The latest ``limit`` changes, newest first (a short history, without pages)."""
    return describe(sources, list(change_index(sources)[:limit]))


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
