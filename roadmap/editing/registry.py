"""The registry of what can be edited in place: each editable kind of record, described once.

A `Kind` says its model and fields, where it sits in an edition, who may change it, how its
forms are titled and which fragment displays it; one set of views (roadmap/editing/views.py)
serves them all, with the forms of roadmap/editing/forms.py and the saves of
roadmap/editing/services.py (which guard against lost updates).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import attrgetter

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts import roles
from accounts.models import Unit, User
from benefits.models import Benefit, BenefitYear, Indicator, Measurement
from initiatives.models import (
    Contribution,
    Dependency,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from roadmap import formatting
from roadmap.access import can_edit_edition, can_edit_initiative, is_coordinator
from roadmap.editing.forms import VersionedForm, formfield
from roadmap.links import plan_url
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
    Versioned,
)

NAME_MAX_CHARS = 60  # a record's name in a heading (a benefit's description can be long)


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[Versioned]
    fields: tuple[str, ...]
    label: str
    # Path to the initiative the record belongs to ("" when it is the initiative itself);
    # None for plan-level records, which only the coordinator edits.
    initiative_path: str | None = None
    parent_field: str | None = None  # the foreign key set when adding (None: the edition)
    parent_kind: str | None = None
    can_add: bool = True
    can_delete: bool = True
    # One per edition (the radar, the maturity): added only while the edition has none.
    single: bool = False
    # The field that places a record among its siblings (those of the same parent): a new
    # record takes the next value; ``movable`` records get « Monter » / « Descendre », which
    # swap it with the neighbour's (services.move_record).
    order_field: str | None = None
    movable: bool = False
    # Why a record cannot be moved past ``other`` or deleted ("" when it can): said to the
    # person in French instead of doing it.
    move_refusal: Callable[[models.Model, models.Model], str] | None = None
    delete_refusal: Callable[[models.Model], str] | None = None
    # The plan's structure: added, moved and removed only while the edition is a draft (its text
    # still changes under the DI's review).
    structure_in_draft_only: bool = False
    # The whole add form when it differs from ``fields`` (None: ``fields`` plus ``add_fields``),
    # e.g. a section's title, kind, level and signer, chosen once.
    add_form_fields: tuple[str, ...] | None = None
    # Where to go once a record is deleted (None: the page it was on), e.g. a section's own
    # page is gone with it.
    after_delete: Callable[[Edition], str] | None = None
    # What a new record gets besides its form's fields, just before it is saved.
    on_add: Callable[[models.Model, Edition], None] | None = None
    inline: bool = True  # edited in place with htmx (False: on a page of its own)
    inline_add: bool = True
    markdown_fields: tuple[str, ...] = ()
    # Markdown fields that may quote computed figures by name (roadmap/figures.py).
    figure_fields: tuple[str, ...] = ()
    money_fields: tuple[str, ...] = ()  # whole dollars (the others numbers are decimals)
    lead_excluded_fields: tuple[str, ...] = ()  # fields only the coordinator may change
    # Fields offered only when adding (e.g. an initiative's code, fixed once it exists: codes
    # are stable from one edition to the next).
    add_fields: tuple[str, ...] = ()
    # (field, attribute): the field is offered only on records whose attribute is true
    # (e.g. the signatory of a section that is signed).
    only_when: tuple[tuple[str, str], ...] = ()
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()
    page: Callable[[models.Model, Edition], str] | None = None
    # What a person reads about the record: its name (an attribute path), the headings of its
    # forms and, for a deletion, how many of them go with their parent. In the headings,
    # %(name)s is the record's name, %(parent)s its parent's, %(initiative)s its initiative's
    # code.
    name_path: str = ""
    edit_title: str = _("Modifier : %(label)s")
    add_title: str = _("Ajouter : %(label)s")
    delete_title: str = _("Supprimer : %(label)s")
    counted: str | None = None  # ngettext_lazy("%(count)s x", "%(count)s xs", "count")

    @property
    def template(self) -> str:
        return f"editing/display/{self.slug}.html"

    def initiative_of(self, obj: models.Model) -> Initiative | None:
        if self.initiative_path is None:
            return None
        if self.initiative_path == "":
            return obj  # type: ignore[return-value]
        return attrgetter(self.initiative_path.replace("__", "."))(obj)

    def queryset(self, edition: Edition) -> models.QuerySet:
        related = list(self.select_related)
        if self.initiative_path:
            related.append(f"{self.initiative_path}__edition")
        # Each model knows its path to the edition; the edition itself is found by its key.
        path = self.model.edition_path
        qs = self.model.objects.filter(**({path: edition} if path else {"pk": edition.pk}))
        if related:
            qs = qs.select_related(*related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    @property
    def follow_up_fields(self) -> tuple[str, ...]:
        """The fields still offered once the edition is approved (its follow-up)."""
        if self.model.FOLLOW_UP_RECORD:
            return self.fields
        return tuple(name for name in self.fields if name in self.model.FOLLOW_UP_FIELDS)

    def can_edit(
        self, user: User, obj: models.Model, edition: Edition, *, whole_record: bool = False
    ) -> bool:
        """Whether ``user`` may change ``obj`` now; ``whole_record``: add, move or remove it.
        Once approved, only follow-up is written (a risk's scoring, a new measurement)."""
        follow_up = bool(self.follow_up_fields) and (
            not whole_record or self.model.FOLLOW_UP_RECORD
        )
        initiative = self.initiative_of(obj)
        if initiative is not None:
            return can_edit_initiative(user, initiative, follow_up=follow_up)
        return can_edit_edition(user, edition, follow_up=follow_up)

    def form_class(
        self, user: User, obj: models.Model | None = None, *, edition: Edition
    ) -> type[forms.ModelForm]:
        fields = self.fields
        if obj is None or obj.pk is None:  # adding
            if self.add_form_fields is not None:
                fields = self.add_form_fields
            elif self.add_fields:
                fields = (*self.add_fields, *fields)
        if not is_coordinator(user, edition):
            fields = tuple(f for f in fields if f not in self.lead_excluded_fields)
        if not edition.is_content_editable:  # approved: its follow-up only
            fields = tuple(f for f in fields if f in self.follow_up_fields)
        hidden = {name for name, attribute in self.only_when if not getattr(obj, attribute, False)}
        fields = tuple(f for f in fields if f not in hidden)
        return forms.modelform_factory(
            self.model,
            fields=fields,
            formfield_callback=partial(formfield, money_fields=self.money_fields),
            form=VersionedForm,
        )

    def structure_frozen(self, edition: Edition) -> bool:
        """Whether adding, moving or removing a record of this kind is refused now."""
        return self.structure_in_draft_only and edition.status != Edition.Status.DRAFT

    def name_of(self, obj: models.Model | None) -> str:
        if obj is None or not self.name_path:
            return ""
        try:
            value = attrgetter(self.name_path)(obj)
        except ObjectDoesNotExist:  # a record being added has no related name yet
            return ""
        text = formatting.long_date(value) if isinstance(value, datetime.date) else str(value)
        return text if len(text) <= NAME_MAX_CHARS else text[: NAME_MAX_CHARS - 1] + "…"

    def title(self, template: str, obj: models.Model, parent: models.Model | None = None) -> str:
        """A heading that says what is edited: « Modifier la fiche de l'initiative 1.1.1 »."""
        initiative = self.initiative_of(obj)
        parent_kind = KINDS.get(self.parent_kind or "")
        return template % {
            "label": self.label,
            "name": self.name_of(obj),
            "parent": parent_kind.name_of(parent) if parent_kind else "",
            "initiative": initiative.code if initiative else "",
        }

    def page_url(self, obj: models.Model, edition: Edition) -> str:
        initiative = self.initiative_of(obj)
        if initiative is not None:
            url = plan_url("initiatives:detail", edition, initiative.code)
        elif self.page is not None:
            url = self.page(obj, edition)
        else:
            url = plan_url("roadmap:home", edition)
        return f"{url}#{self.slug}-{obj.pk}" if obj.pk else url


def _home(obj: models.Model, edition: Edition) -> str:
    return plan_url("roadmap:home", edition)


def _risks(obj: models.Model, edition: Edition) -> str:
    return plan_url("roadmap:risks", edition)


def _section(obj: models.Model, edition: Edition) -> str:
    section = obj if isinstance(obj, Section) else obj.section
    if not section.key:  # being added: the plan's sections
        return plan_url("roadmap:sections", edition)
    return plan_url("roadmap:section", edition, section.key)


# Initiative codes are the ambition's code plus a number, and they are stable from one edition
# to the next (« Ce qui a changé » compares by code): an orientation or an ambition that has
# initiatives keeps its number, so it is neither moved nor removed. One without initiatives
# moves freely (the numbers follow the order) and is removed with what it holds.


def _initiative_codes(initiatives) -> str:
    codes = sorted(initiatives.values_list("code", flat=True), key=_code_key)
    return ", ".join(codes[:5]) + (" …" if len(codes) > 5 else "")


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split(".") if part.isdigit())


def _ambition_fixed(ambition: Ambition) -> str:
    initiatives = Initiative.objects.filter(ambition=ambition)
    if not initiatives.exists():
        return ""
    return _(
        "L'ambition %(code)s a des initiatives (%(codes)s) : leur code commence par le sien et "
        "reste le même d'une édition à l'autre. Déplacez ou supprimez d'abord ses initiatives."
    ) % {"code": ambition.code, "codes": _initiative_codes(initiatives)}


def _orientation_fixed(orientation: Orientation) -> str:
    initiatives = Initiative.objects.filter(ambition__orientation=orientation)
    if not initiatives.exists():
        return ""
    return _(
        "L'orientation %(number)s a des initiatives (%(codes)s) : leur code commence par son "
        "numéro et reste le même d'une édition à l'autre. Déplacez ou supprimez d'abord ses "
        "initiatives."
    ) % {"number": orientation.number, "codes": _initiative_codes(initiatives)}


def _either_fixed(check: Callable[[models.Model], str]):
    return lambda obj, other: check(obj) or check(other)


def _stage_fixed(stage: MaturityStage) -> str:
    return stage.deletion_refusal()


def _section_key(section: Section, edition: Edition) -> None:
    """A new section's address: its title as a slug, unique in the edition (« -2 », « -3 »…)."""
    base = slugify(section.title)[:50].strip("-") or "section"
    taken = set(
        Section.objects.filter(edition=edition, key__startswith=base).values_list("key", flat=True)
    )
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    section.key = key


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in [
        Kind(
            "initiative",
            Initiative,
            Initiative.FICHE_FIELDS,
            _("initiative"),
            initiative_path="",
            parent_field="ambition",
            parent_kind="ambition",
            markdown_fields=("description",),
            money_fields=("budget",),
            lead_excluded_fields=("lead",),
            add_fields=("code",),
            select_related=("ambition__orientation", "lead", "unit"),
            can_delete=False,
            inline_add=False,
            name_path="code",
            edit_title=_("Modifier la fiche de l'initiative %(name)s"),
            add_title=_("Ajouter une initiative à l'ambition %(parent)s"),
        ),
        Kind(
            "benefit",
            Benefit,
            ("kind", "description", "amount", "horizon_years", "measurable"),
            _("bénéfice"),
            initiative_path="initiative",
            parent_field="initiative",
            parent_kind="initiative",
            money_fields=("amount",),
            prefetch_related=("indicators__measurements", "years"),
            name_path="description",
            edit_title=_("Modifier le bénéfice « %(name)s »"),
            add_title=_("Ajouter un bénéfice à l'initiative %(initiative)s"),
            delete_title=_("Supprimer le bénéfice « %(name)s »"),
            counted=ngettext_lazy("%(count)s bénéfice", "%(count)s bénéfices", "count"),
        ),
        Kind(
            # A financial benefit's amounts for one fiscal year: both planned while the plan is
            # prepared; once approved, only the realized one (BenefitYear.FOLLOW_UP_FIELDS).
            "benefit-year",
            BenefitYear,
            ("fiscal_year", "planned", "realized"),
            _("montant annuel"),
            initiative_path="benefit__initiative",
            parent_field="benefit",
            parent_kind="benefit",
            money_fields=("planned", "realized"),
            # The benefit's totals, shown again with the saved year.
            prefetch_related=("benefit__years",),
            name_path="fiscal_year",
            edit_title=_("Modifier les montants de l'exercice %(name)s"),
            add_title=_("Ajouter les montants d'un exercice au bénéfice « %(parent)s »"),
            delete_title=_("Supprimer les montants de l'exercice %(name)s"),
            counted=ngettext_lazy(
                "%(count)s montant annuel", "%(count)s montants annuels", "count"
            ),
        ),
        Kind(
            "indicator",
            Indicator,
            (
                "name",
                "unit",
                "direction",
                "baseline",
                "baseline_date",
                "target",
                "target_date",
                "threshold",
                "source",
                "frequency",
            ),
            _("indicateur"),
            initiative_path="benefit__initiative",
            parent_field="benefit",
            parent_kind="benefit",
            prefetch_related=("measurements",),
            name_path="name",
            edit_title=_("Modifier l'indicateur « %(name)s »"),
            add_title=_("Ajouter un indicateur au bénéfice « %(parent)s »"),
            delete_title=_("Supprimer l'indicateur « %(name)s »"),
            counted=ngettext_lazy("%(count)s indicateur", "%(count)s indicateurs", "count"),
        ),
        Kind(
            "measurement",
            Measurement,
            ("measured_on", "value", "note"),
            _("mesure"),
            initiative_path="indicator__benefit__initiative",
            parent_field="indicator",
            parent_kind="indicator",
            name_path="measured_on",
            edit_title=_("Modifier la mesure du %(name)s"),
            add_title=_("Ajouter une mesure à l'indicateur « %(parent)s »"),
            delete_title=_("Supprimer la mesure du %(name)s"),
            counted=ngettext_lazy("%(count)s mesure", "%(count)s mesures", "count"),
        ),
        Kind(
            "risk",
            InitiativeRisk,
            ("title", "description", "probability", "impact", "owner", "status", "review_date"),
            _("risque"),
            initiative_path="initiative",
            parent_field="initiative",
            parent_kind="initiative",
            prefetch_related=("mitigations",),
            name_path="title",
            edit_title=_("Modifier le risque « %(name)s »"),
            add_title=_("Ajouter un risque à l'initiative %(initiative)s"),
            delete_title=_("Supprimer le risque « %(name)s »"),
            counted=ngettext_lazy("%(count)s risque", "%(count)s risques", "count"),
        ),
        Kind(
            "mitigation",
            InitiativeRiskMitigation,
            ("text",),
            _("mesure d'atténuation"),
            initiative_path="risk__initiative",
            parent_field="risk",
            parent_kind="risk",
            name_path="text",
            edit_title=_("Modifier la mesure d'atténuation « %(name)s »"),
            add_title=_("Ajouter une mesure d'atténuation au risque « %(parent)s »"),
            delete_title=_("Supprimer la mesure d'atténuation « %(name)s »"),
            counted=ngettext_lazy(
                "%(count)s mesure d'atténuation", "%(count)s mesures d'atténuation", "count"
            ),
        ),
        Kind(
            "milestone",
            Milestone,
            ("title", "due_date", "done"),
            _("jalon"),
            initiative_path="initiative",
            parent_field="initiative",
            parent_kind="initiative",
            name_path="title",
            edit_title=_("Modifier le jalon « %(name)s »"),
            add_title=_("Ajouter un jalon à l'initiative %(initiative)s"),
            delete_title=_("Supprimer le jalon « %(name)s »"),
            counted=ngettext_lazy("%(count)s jalon", "%(count)s jalons", "count"),
        ),
        Kind(
            "dependency",
            Dependency,
            ("depends_on", "description"),
            _("interdépendance"),
            initiative_path="initiative",
            parent_field="initiative",
            parent_kind="initiative",
            select_related=("depends_on",),
            name_path="depends_on.code",
            edit_title=_("Modifier l'interdépendance avec l'initiative %(name)s"),
            add_title=_("Ajouter une interdépendance à l'initiative %(initiative)s"),
            delete_title=_("Supprimer l'interdépendance avec l'initiative %(name)s"),
            counted=ngettext_lazy(
                "%(count)s interdépendance", "%(count)s interdépendances", "count"
            ),
        ),
        Kind(
            "contribution",
            Contribution,
            ("topic", "title", "text"),
            _("contribution"),
            initiative_path="initiative",
            parent_field="initiative",
            parent_kind="initiative",
            markdown_fields=("text",),
            select_related=("topic__section",),
            name_path="topic.title",
            edit_title=_("Modifier la contribution de l'initiative %(initiative)s à « %(name)s »"),
            add_title=_("Ajouter une contribution de l'initiative %(initiative)s"),
            delete_title=_(
                "Supprimer la contribution de l'initiative %(initiative)s à « %(name)s »"
            ),
            counted=ngettext_lazy("%(count)s contribution", "%(count)s contributions", "count"),
        ),
        Kind(
            "edition",
            Edition,
            ("vision",),
            _("énoncé de vision"),
            can_add=False,
            can_delete=False,
            page=_home,
            edit_title=_("Modifier l'énoncé de vision"),
        ),
        Kind(
            "strategic-orientation",
            StrategicOrientation,
            ("number", "title"),
            _("orientation du plan stratégique"),
            parent_field="edition",
            # Their numbers are the strategic plan's own (1 and 3 may be the ones served):
            # typed, not moved; the list follows them.
            order_field="number",
            page=_home,
            name_path="number",
            inline_add=False,
            edit_title=_("Modifier l'orientation %(name)s du plan stratégique"),
            add_title=_("Ajouter une orientation du plan stratégique"),
            delete_title=_("Supprimer l'orientation %(name)s du plan stratégique"),
        ),
        Kind(
            "orientation",
            Orientation,
            ("title", "strategic_orientations"),
            _("orientation"),
            parent_field="edition",
            order_field="number",
            movable=True,
            move_refusal=_either_fixed(_orientation_fixed),
            delete_refusal=_orientation_fixed,
            page=_home,
            prefetch_related=("ambitions", "strategic_orientations"),
            inline_add=False,
            name_path="number",
            edit_title=_("Modifier l'orientation %(name)s"),
            add_title=_("Ajouter une orientation"),
            delete_title=_("Supprimer l'orientation %(name)s"),
        ),
        Kind(
            "ambition",
            Ambition,
            ("title",),
            _("ambition"),
            parent_field="orientation",
            parent_kind="orientation",
            order_field="number",
            movable=True,
            move_refusal=_either_fixed(_ambition_fixed),
            delete_refusal=_ambition_fixed,
            select_related=("orientation",),
            page=_home,
            inline_add=False,
            name_path="code",
            edit_title=_("Modifier l'ambition %(name)s"),
            add_title=_("Ajouter une ambition à l'orientation %(parent)s"),
            delete_title=_("Supprimer l'ambition %(name)s"),
            counted=ngettext_lazy(
                "%(count)s ambition d'affaires", "%(count)s ambitions d'affaires", "count"
            ),
        ),
        Kind(
            "maturity",
            Maturity,
            # The current stage follows from the score; the stages' labels are data of their own.
            ("score", "scale_min", "scale_max", "target_stage", "target_date", "source"),
            _("maturité numérique"),
            parent_field="edition",
            single=True,
            can_delete=False,
            inline_add=False,
            page=_home,
            edit_title=_("Modifier la maturité numérique"),
            add_title=_("Ajouter la maturité numérique"),
        ),
        Kind(
            "maturity-stage",
            MaturityStage,
            ("number", "label"),
            _("étape de maturité"),
            parent_field="maturity",
            parent_kind="maturity",
            order_field="number",
            delete_refusal=_stage_fixed,
            select_related=("maturity",),
            inline=False,
            inline_add=False,
            page=_home,
            name_path="number",
            edit_title=_("Modifier l'étape %(name)s de maturité"),
            add_title=_("Ajouter une étape de maturité"),
            delete_title=_("Supprimer l'étape %(name)s de maturité"),
            counted=ngettext_lazy(
                "%(count)s étape de maturité", "%(count)s étapes de maturité", "count"
            ),
        ),
        Kind(
            "radar",
            Radar,
            ("scale_min", "scale_max", "source"),
            _("Radar numériQc"),
            parent_field="edition",
            single=True,
            can_delete=False,
            inline=False,
            inline_add=False,
            page=_home,
            edit_title=_("Modifier l'échelle et la source du Radar numériQc"),
            add_title=_("Ajouter le Radar numériQc"),
        ),
        Kind(
            "radar-score",
            RadarScore,
            ("category", "score"),
            _("axe du Radar numériQc"),
            parent_field="radar",
            parent_kind="radar",
            order_field="order",
            movable=True,
            select_related=("radar",),
            inline=False,  # a table row: edited on a page of its own
            inline_add=False,
            page=_home,
            name_path="category",
            edit_title=_("Modifier l'axe « %(name)s » du Radar numériQc"),
            add_title=_("Ajouter un axe au Radar numériQc"),
            delete_title=_("Supprimer l'axe « %(name)s » du Radar numériQc"),
            counted=ngettext_lazy(
                "%(count)s axe du Radar numériQc", "%(count)s axes du Radar numériQc", "count"
            ),
        ),
        Kind(
            "plan-risk",
            PlanRisk,
            ("title", "description", "probability", "impact", "owner", "status", "review_date"),
            _("risque du plan"),
            parent_field="edition",
            prefetch_related=("mitigations",),
            page=_risks,
            name_path="title",
            edit_title=_("Modifier le risque du plan « %(name)s »"),
            add_title=_("Ajouter un risque du plan"),
            delete_title=_("Supprimer le risque du plan « %(name)s »"),
        ),
        Kind(
            "plan-mitigation",
            PlanRiskMitigation,
            ("text",),
            _("mesure d'atténuation"),
            parent_field="risk",
            parent_kind="plan-risk",
            page=_risks,
            name_path="text",
            edit_title=_("Modifier la mesure d'atténuation « %(name)s »"),
            add_title=_("Ajouter une mesure d'atténuation au risque « %(parent)s »"),
            delete_title=_("Supprimer la mesure d'atténuation « %(name)s »"),
            counted=ngettext_lazy(
                "%(count)s mesure d'atténuation", "%(count)s mesures d'atténuation", "count"
            ),
        ),
        Kind(
            "section",
            Section,
            (
                "title",
                "body",
                "conclusion",
                "signatory_name",
                "signatory_title",
                "no_contribution_reason",
            ),
            _("section"),
            parent_field="edition",
            markdown_fields=("body", "conclusion"),
            order_field="order",
            movable=True,
            structure_in_draft_only=True,
            add_form_fields=("title", "kind", "level", "signer_role"),
            on_add=_section_key,
            after_delete=lambda edition: plan_url("roadmap:sections", edition),
            inline=False,
            inline_add=False,
            page=_section,
            name_path="title",
            edit_title=_("Modifier la section « %(name)s »"),
            add_title=_("Ajouter une section au plan"),
            delete_title=_("Supprimer la section « %(name)s »"),
            counted=ngettext_lazy("%(count)s section", "%(count)s sections", "count"),
            figure_fields=("body", "conclusion"),
            only_when=(
                ("signatory_name", "signed"),
                ("signatory_title", "signed"),
                ("no_contribution_reason", "is_topic_contributions"),
            ),
        ),
        Kind(
            "section-item",
            SectionItem,
            ("title", "text"),
            _("élément"),
            parent_field="section",
            parent_kind="section",
            markdown_fields=("text",),
            select_related=("section",),
            page=_section,
            name_path="title",
            edit_title=_("Modifier l'élément « %(name)s »"),
            add_title=_("Ajouter un élément à la section « %(parent)s »"),
            delete_title=_("Supprimer l'élément « %(name)s »"),
        ),
        Kind(
            "topic",
            Topic,
            ("title", "intro"),
            _("sujet"),
            parent_field="section",
            parent_kind="section",
            order_field="order",
            movable=True,
            markdown_fields=("intro",),
            select_related=("section",),
            page=_section,
            inline_add=False,
            name_path="title",
            edit_title=_("Modifier le sujet « %(name)s »"),
            add_title=_("Ajouter un sujet à la section « %(parent)s »"),
            delete_title=_("Supprimer le sujet « %(name)s »"),
            counted=ngettext_lazy("%(count)s sujet", "%(count)s sujets", "count"),
        ),
    ]
}

KIND_OF_MODEL = {kind.model: kind for kind in KINDS.values()}

EDITOR_ROLES = {roles.COORDINATOR, roles.LEAD}


def limit_choices(form: forms.ModelForm, edition: Edition) -> None:
    """Choices offered by a form are those of the same edition, and its body's units and
    people (a lead is someone with the lead or coordinator role in that body)."""
    fields = form.fields
    if "depends_on" in fields:
        qs = Initiative.objects.filter(edition=edition).order_by("code")
        if form.instance.initiative_id:
            qs = qs.exclude(pk=form.instance.initiative_id)
        fields["depends_on"].queryset = qs
    if "strategic_orientations" in fields:
        fields["strategic_orientations"].queryset = StrategicOrientation.objects.filter(
            edition=edition
        )
        fields["strategic_orientations"].label_from_instance = lambda so: f"{so} — {so.title}"
    if "topic" in fields:
        fields["topic"].queryset = Topic.objects.filter(section__edition=edition).select_related(
            "section"
        )
        fields["topic"].label_from_instance = lambda t: f"{t.section.title} — {t.title}"
    if "lead" in fields:
        fields["lead"].queryset = (
            User.objects.filter(
                is_active=True,
                role_assignments__body=edition.body_id,
                role_assignments__role__in=EDITOR_ROLES,
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
    if isinstance(fields.get("unit"), forms.ModelChoiceField):
        fields["unit"].queryset = Unit.objects.filter(body=edition.body_id)
