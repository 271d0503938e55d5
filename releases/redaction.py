"""The redacted copy of a plan: what the templates read, with the withheld information replaced.

Redaction happens on the data, never on the templates nor on the PDF: every record the report
(or a public page) reads is wrapped in a `Redacted` proxy that answers the template's questions.
A withheld field answers a `Withheld` marker (it renders as the box « Renseignement retiré —
art. 22 »); a field with withheld passages answers its text with each passage replaced by the
marker's token; a withheld record answers markers for all its content and no children. Since the
original value is never handed to a template, it cannot reach the output — not the text, not a
tag, not a font subset.

Markers reach the HTML in two ways: directly (``{{ item.title }}``: ``__html__``) or through a
filter that turns them into text (``|markdown``, ``|money``): the marker is then its token, and
`finish_html` replaces every token left in the rendered page with the box (or, inside a tag's
attribute, with the words).

`REDACTABLE` lists, per model, the fields that may be withheld and the lists of children the
templates read; it is also what the release page offers (releases/views.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _

from benefits.models import Benefit, Indicator, Measurement
from initiatives.models import (
    Contribution,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from releases.models import Ground, Withholding
from roadmap.models import (
    Ambition,
    Edition,
    Orientation,
    PlanRisk,
    PlanRiskMitigation,
    Section,
    SectionItem,
    StrategicOrientation,
    Topic,
)


@dataclass(frozen=True)
class Spec:
    """What may be withheld in a model's records, and what the templates read through them."""

    label: str
    fields: tuple[str, ...]
    children: tuple[str, ...] = ()
    # Attributes computed from fields (a property, a display method): withheld with any of them.
    derived: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Fields whose text may be withheld in part (a passage).
    texts: tuple[str, ...] = ()
    # The field that names the record on the release page.
    name: str = "title"
    # Fields that name a person: never on a published page.
    people: tuple[str, ...] = ()
    derived_people: tuple[str, ...] = ()


REDACTABLE: dict[type[models.Model], Spec] = {
    Edition: Spec("édition", ("vision", "notice"), texts=("vision", "notice"), name="fiscal_year"),
    Section: Spec(
        "section",
        ("title", "body", "conclusion", "signatory_name", "signatory_title"),
        children=("items", "topics"),
        texts=("body", "conclusion"),
    ),
    SectionItem: Spec("élément de liste", ("title", "text"), texts=("title", "text")),
    Topic: Spec("sujet", ("title", "intro"), children=("contributions",), texts=("intro",)),
    Contribution: Spec("contribution", ("title", "text"), texts=("text",), name="text"),
    StrategicOrientation: Spec("orientation du plan stratégique", ("title",), texts=("title",)),
    Orientation: Spec("orientation", ("title",), children=("ambitions",), texts=("title",)),
    Ambition: Spec("ambition", ("title",), texts=("title",)),
    Initiative: Spec(
        "initiative",
        Initiative.FICHE_FIELDS,  # the fiche's fields, described once (initiatives/models.py)
        children=("benefits", "risks", "milestones", "contributions", "dependencies"),
        derived={
            "horizon": ("horizon_start", "horizon_end"),
            "get_status_display": ("status",),
            "lead_id": ("lead",),
            "unit_id": ("unit",),
        },
        texts=("title", "description", "phase"),
        people=("lead",),
        derived_people=("lead_id",),
    ),
    Benefit: Spec(
        "bénéfice",
        ("description", "amount", "horizon_years"),
        children=("indicators",),
        texts=("description",),
        name="description",
    ),
    Indicator: Spec(
        "indicateur",
        ("name", "unit", "baseline", "target", "threshold"),
        children=("measurements",),
        texts=("name",),
        name="name",
    ),
    Measurement: Spec("mesure", ("value", "note"), name="note"),
    PlanRisk: Spec(
        "risque du plan",
        ("title", "description"),
        children=("mitigations",),
        texts=("title", "description"),
    ),
    PlanRiskMitigation: Spec("mesure d'atténuation", ("text",), texts=("text",), name="text"),
    InitiativeRisk: Spec(
        "risque d'initiative",
        ("title", "description"),
        children=("mitigations",),
        texts=("title", "description"),
    ),
    InitiativeRiskMitigation: Spec("mesure d'atténuation", ("text",), texts=("text",), name="text"),
    Milestone: Spec("jalon", ("title", "due_date"), texts=("title",)),
}

# Copies of the content that no document shows: never handed out.
HIDDEN = {"search_text", "history", "history_set", "review_comments"}

TOKEN_RE = re.compile(r"PTNWITHHELD(\d+)X")


class Withheld(str):
    """Information withheld on a ground: the box in HTML, its token when a filter makes it text."""

    ground: Ground

    def __new__(cls, ground: Ground) -> Withheld:
        marker = super().__new__(cls, f"PTNWITHHELD{ground.pk}X")
        marker.ground = ground
        return marker

    def __html__(self) -> str:
        return box(self.ground)

    # Filters that format numbers or dates receive the marker: it stays itself.
    def __format__(self, spec: str) -> str:
        return str.__str__(self)


def box(ground: Ground) -> str:
    return format_html(
        '<span class="withheld">{} — {}</span>', _("Renseignement retiré"), ground.label
    )


def box_words(ground: Ground) -> str:
    return f"{_('Renseignement retiré')} — {ground.label}"


TAG_RE = re.compile(r"(<[^>]*>)")


def finish_html(html: str, grounds: dict[int, Ground]) -> str:
    """Every token left in the rendered page becomes the box (in an attribute: the words)."""

    def words(match: re.Match) -> str:
        ground = grounds.get(int(match[1]))
        return escape(box_words(ground)) if ground else ""

    def boxed(match: re.Match) -> str:
        ground = grounds.get(int(match[1]))
        return box(ground) if ground else ""

    parts = TAG_RE.split(html)
    return "".join(
        TOKEN_RE.sub(words, part) if TAG_RE.fullmatch(part) else TOKEN_RE.sub(boxed, part)
        for part in parts
    )


def replace_passages(text: str, passages: list[tuple[str, Ground]]) -> str:
    """The text with every occurrence of each passage replaced by its marker's token."""
    for passage, ground in sorted(passages, key=lambda p: -len(p[0])):
        if passage:
            text = text.replace(passage, str.__str__(Withheld(ground)))
    return text


class Redaction:
    """The decisions of a release (or none), looked up by record."""

    def __init__(self, withholdings: Iterable[Withholding] = (), *, public: bool = False) -> None:
        # Published pages name no person: the fields that do answer None (« — »).
        self.public = public
        self.whole: dict[tuple[int, int], Ground] = {}
        self.fields: dict[tuple[int, int, str], Ground] = {}
        self.passages: dict[tuple[int, int, str], list[tuple[str, Ground]]] = {}
        self.grounds: dict[int, Ground] = {}
        for w in withholdings:
            key = (w.content_type_id, w.object_id)
            self.grounds[w.ground_id] = w.ground
            if not w.field:
                self.whole[key] = w.ground
            elif not w.passage:
                self.fields[(*key, w.field)] = w.ground
            else:
                self.passages.setdefault((*key, w.field), []).append((w.passage, w.ground))
        self._content_types: dict[type, int] = {}

    @classmethod
    def of_release(cls, release, *, public: bool = False) -> Redaction:
        if release is None:
            return cls(public=public)
        return cls(release.withholdings.select_related("ground"), public=public)

    def content_type_id(self, model: type[models.Model]) -> int:
        if model not in self._content_types:
            self._content_types[model] = ContentType.objects.get_for_model(model).pk
        return self._content_types[model]

    def wrap(self, value: Any) -> Any:
        """The redacted view of ``value``: records wrapped, lists, tuples and dicts walked."""
        if isinstance(value, Redacted | Withheld):
            return value
        if isinstance(value, models.Model):
            return Redacted(value, self) if type(value) in REDACTABLE else value
        if isinstance(value, list):
            return [self.wrap(v) for v in value]
        if isinstance(value, tuple):
            return tuple(self.wrap(v) for v in value)
        if isinstance(value, dict):
            return {k: self.wrap(v) for k, v in value.items()}
        return value

    def used_grounds(self) -> list[Ground]:
        return sorted(self.grounds.values(), key=lambda g: (g.order, g.article))


class RedactedList:
    """A related manager as the templates use it (``section.items.all``)."""

    def __init__(self, items: list) -> None:
        self._items = items

    def all(self) -> list:
        return self._items

    def __iter__(self) -> Iterator:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def count(self) -> int:
        return len(self._items)

    def exists(self) -> bool:
        return bool(self._items)

    def first(self):
        return self._items[0] if self._items else None


class Redacted:
    """A record as the redacted document shows it."""

    def __init__(self, obj: models.Model, redaction: Redaction) -> None:
        self._obj = obj
        self._redaction = redaction
        self._spec = REDACTABLE[type(obj)]
        ct = redaction.content_type_id(type(obj))
        self._key = (ct, obj.pk)
        self._whole = redaction.whole.get(self._key)
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<Redacted {type(self._obj).__name__} {self._obj.pk}>"

    def __str__(self) -> str:
        name = self._spec.name
        value = self.__getattr__(name) if name else ""
        return str.__str__(value) if isinstance(value, Withheld) else str(value)

    def __html__(self) -> str:
        name = self._spec.name
        value = self.__getattr__(name) if name else ""
        return value.__html__() if isinstance(value, Withheld) else escape(value)

    @property
    def pk(self):
        return self._obj.pk

    @property
    def original(self) -> models.Model:
        return self._obj

    def _ground_of(self, name: str) -> Ground | None:
        if self._whole is not None:
            return self._whole
        return self._redaction.fields.get((*self._key, name))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._cache:
            return self._cache[name]
        value = self._resolve(name)
        self._cache[name] = value
        return value

    def _resolve(self, name: str) -> Any:
        spec = self._spec
        if self._redaction.public and (name in spec.people or name in spec.derived_people):
            return None
        if name in spec.fields:
            ground = self._ground_of(name)
            if ground is not None:
                return Withheld(ground)
            value = getattr(self._obj, name)
            passages = self._redaction.passages.get((*self._key, name))
            if passages and isinstance(value, str):
                return replace_passages(value, passages)
            return self._redaction.wrap(value)
        if name in spec.derived:
            for source in spec.derived[name]:
                ground = self._ground_of(source)
                if ground is not None:
                    return Withheld(ground)
            return getattr(self._obj, name)
        if name in spec.children:
            if self._whole is not None:
                return RedactedList([])
            return RedactedList(self._redaction.wrap(list(getattr(self._obj, name).all())))
        if name in HIDDEN:
            raise AttributeError(name)
        value = getattr(self._obj, name)
        if isinstance(value, models.Manager):
            # A list the registry does not name: not shown in a redacted document.
            return RedactedList(self._redaction.wrap(list(value.all())))
        return self._redaction.wrap(value)


@dataclass(frozen=True)
class Record:
    """A record of the edition that a release may withhold, as the release page lists it."""

    key: str  # « <content type id>-<pk> », what the page's links carry
    model: type[models.Model]
    obj: models.Model
    kind: str
    name: str


def record_key(model: type[models.Model], pk: int) -> str:
    return f"{ContentType.objects.get_for_model(model).pk}-{pk}"


def record_name(obj: models.Model) -> str:
    spec = REDACTABLE[type(obj)]
    code = getattr(obj, "code", "") if not isinstance(obj, Edition) else ""
    name = str(getattr(obj, spec.name, "") or "")
    name = name if len(name) <= 90 else name[:89] + "…"
    return f"{code} {name}".strip()


def edition_records(edition: Edition) -> list[Record]:
    """Every record of ``edition`` a release may withhold, in the order of the report (one
    query per model)."""
    found: list[tuple[type[models.Model], list[models.Model]]] = [(Edition, [edition])]
    querysets = [
        (Section, Section.objects.filter(edition=edition)),
        (SectionItem, SectionItem.objects.filter(section__edition=edition)),
        (Topic, Topic.objects.filter(section__edition=edition)),
        (
            Contribution,
            Contribution.objects.filter(initiative__edition=edition).select_related("initiative"),
        ),
        (StrategicOrientation, StrategicOrientation.objects.filter(edition=edition)),
        (Orientation, Orientation.objects.filter(edition=edition)),
        (
            Ambition,
            Ambition.objects.filter(orientation__edition=edition).select_related("orientation"),
        ),
        (Initiative, Initiative.objects.filter(edition=edition)),
        (Benefit, Benefit.objects.filter(initiative__edition=edition).select_related("initiative")),
        (
            Indicator,
            Indicator.objects.filter(benefit__initiative__edition=edition).select_related(
                "benefit__initiative"
            ),
        ),
        (
            Measurement,
            Measurement.objects.filter(indicator__benefit__initiative__edition=edition),
        ),
        (Milestone, Milestone.objects.filter(initiative__edition=edition)),
        (PlanRisk, PlanRisk.objects.filter(edition=edition)),
        (PlanRiskMitigation, PlanRiskMitigation.objects.filter(risk__edition=edition)),
        (InitiativeRisk, InitiativeRisk.objects.filter(initiative__edition=edition)),
        (
            InitiativeRiskMitigation,
            InitiativeRiskMitigation.objects.filter(risk__initiative__edition=edition),
        ),
    ]
    found += [(model, list(queryset)) for model, queryset in querysets]
    content_types = ContentType.objects.get_for_models(*[model for model, _objs in found])
    return [
        Record(
            f"{content_types[model].pk}-{obj.pk}",
            model,
            obj,
            REDACTABLE[model].label,
            record_name(obj),
        )
        for model, objs in found
        for obj in objs
    ]
