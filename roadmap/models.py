"""An edition of the plan and everything in it that is not about one initiative."""

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import roles
from roadmap import formatting

FISCAL_YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")


def fiscal_year_label(start_year: int) -> str:
    """Québec's fiscal year runs from 1 April to 31 March: 2024 → « 2024-2025 »."""
    return f"{start_year}-{start_year + 1}"


def validate_fiscal_year(value: str) -> None:
    match = FISCAL_YEAR_RE.match(value or "")
    if not match or int(match[2]) != int(match[1]) + 1:
        raise ValidationError(
            _("« %(value)s » n'est pas un exercice financier (ex. : 2024-2025)."),
            params={"value": value},
        )


# Once the DI recommends an edition its content is frozen (until it is returned to draft);
# once approved, for good. The statuses are Edition.Status values.
FROZEN_STATUSES = ("recommended", "approved", "transmitted")
# But a plan is lived all year: once approved (not while the DI and the SM review it), its
# follow-up is still entered — each model declares which of its fields are follow-up
# (`Versioned.FOLLOW_UP_FIELDS`) or that its records are follow-up as a whole
# (`Versioned.FOLLOW_UP_RECORD`, e.g. an indicator's measurements); the rest stays frozen.
FOLLOW_UP_STATUSES = ("approved", "transmitted")
VERSION_FIELD = "version"


class EditionFrozenError(PermissionDenied):
    """A write to the content of an edition that is recommended, approved or transmitted."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Cette édition est recommandée ou approuvée : son contenu ne peut plus être "
                "modifié (elle doit d'abord être retournée en brouillon, ce qui n'est plus "
                "possible une fois approuvée)."
            )
        )


class GuardedQuerySet(models.QuerySet):
    """Bulk writes (update, delete, bulk_create, bulk_update) refuse frozen editions too.

    This is the layer under the views, the admin, imports and management commands: whatever
    the path, a frozen edition's content does not change.
    """

    def _refuse_if_frozen(self, fields: set[str] | None = None) -> None:
        """Refuse if a row is in a frozen edition, unless only follow-up is written (``fields``,
        or a whole follow-up record when None) and the edition is approved or transmitted."""
        path = self.model.edition_path
        statuses = FROZEN_STATUSES
        if self.model.writes_follow_up(fields):
            statuses = tuple(s for s in FROZEN_STATUSES if s not in FOLLOW_UP_STATUSES)
        if self.filter(**{f"{path}__status__in": statuses}).exists():
            raise EditionFrozenError

    def update(self, **kwargs):
        self._refuse_if_frozen(set(kwargs))
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()

    delete.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        _refuse_objects_in_frozen_editions(self.model, objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        _refuse_objects_in_frozen_editions(self.model, objs, set(fields))
        return super().bulk_update(objs, fields, *args, **kwargs)


def _frozen_lookup(
    model: type[models.Model], statuses: tuple[str, ...] = FROZEN_STATUSES
) -> tuple[models.Field, dict]:
    """The first foreign key on the way to the edition, and the lookup that finds a frozen one."""
    first, _sep, rest = model.edition_path.partition("__")
    field = model._meta.get_field(first)
    status = f"{rest}__status__in" if rest else "status__in"
    return field, {status: statuses}


def _refuse_objects_in_frozen_editions(
    model: type[models.Model], objs: list, fields: set[str] | None = None
) -> None:
    statuses = FROZEN_STATUSES
    if model.writes_follow_up(fields):
        statuses = tuple(s for s in FROZEN_STATUSES if s not in FOLLOW_UP_STATUSES)
    field, lookup = _frozen_lookup(model, statuses)
    parents = {getattr(obj, field.attname) for obj in objs} - {None}
    if parents and field.related_model._base_manager.filter(pk__in=parents, **lookup).exists():
        raise EditionFrozenError


class Versioned(models.Model):
    """A row of an edition's content, edited by people.

    Its version number detects concurrent edits (no lost update); its history keeps every
    change; and it refuses to change once its edition is frozen.
    """

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Every change to every record is kept: who, when, and the values before and after.
    history = HistoricalRecords(inherit=True)

    # ORM path from the row to its edition, set by every concrete model.
    edition_path: ClassVar[str] = ""
    # Follow-up during the year: the fields still written once the edition is approved or
    # transmitted (a risk's scoring, a benefit's realized amount); the others stay frozen.
    FOLLOW_UP_FIELDS: ClassVar[frozenset[str]] = frozenset()
    # Records that are follow-up as a whole (an indicator's measurements): added, changed
    # and removed after approval too.
    FOLLOW_UP_RECORD: ClassVar[bool] = False

    objects = GuardedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.refuse_if_frozen(saving=True)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.refuse_if_frozen()
        return super().delete(*args, **kwargs)

    @classmethod
    def writes_follow_up(cls, fields: set[str] | None) -> bool:
        """Whether writing ``fields`` (None: whole records) is follow-up, allowed after approval."""
        if cls.FOLLOW_UP_RECORD:
            return True
        return (
            fields is not None
            and bool(cls.FOLLOW_UP_FIELDS)
            and (fields - {VERSION_FIELD} <= cls.FOLLOW_UP_FIELDS)
        )

    def edition_status(self) -> str | None:
        """The status of the edition the record is in (None while it has no parent yet)."""
        first, _sep, rest = self.edition_path.partition("__")
        field = self._meta.get_field(first)
        parent = getattr(self, field.attname)
        if parent is None:
            return None
        status = f"{rest}__status" if rest else "status"
        manager = field.related_model._base_manager
        return manager.filter(pk=parent).values_list(status, flat=True).first()

    def is_in_frozen_edition(self) -> bool:
        field, lookup = _frozen_lookup(type(self))
        parent = getattr(self, field.attname)
        return parent is not None and (
            field.related_model._base_manager.filter(pk=parent, **lookup).exists()
        )

    def is_in_follow_up(self) -> bool:
        """Its edition is approved or transmitted and the record has follow-up to enter."""
        if not (self.FOLLOW_UP_RECORD or self.FOLLOW_UP_FIELDS):
            return False
        return self.edition_status() in FOLLOW_UP_STATUSES

    def changed_fields(self) -> set[str]:
        """The fields whose value differs from the stored row (all of them for a new record)."""
        names = {f.attname: f.name for f in self._meta.concrete_fields if not f.primary_key}
        stored = (
            type(self)._base_manager.filter(pk=self.pk).values(*names).first()
            if self.pk is not None
            else None
        )
        if stored is None:
            return set(names.values())
        return {names[a] for a in names if getattr(self, a) != stored[a]}

    def refuse_if_frozen(self, *, saving: bool = False) -> None:
        status = self.edition_status()
        if status not in FROZEN_STATUSES:
            return
        if status in FOLLOW_UP_STATUSES and (
            self.FOLLOW_UP_RECORD
            or (saving and self.pk is not None and self.writes_follow_up(self.changed_fields()))
        ):
            return  # follow-up during the year: history records it like any change
        raise EditionFrozenError


class EditionQuerySet(models.QuerySet):
    def current(self) -> "Edition | None":
        """The newest edition: the one people mean when they say « the plan »."""
        return self.order_by("-fiscal_year").first()

    def visible_to(self, user) -> "EditionQuerySet":
        """The editions ``user`` may read: those of the bodies they belong to (a role, or staff
        of a participating body), every body's transmitted ones for the chief's office, all of
        them for administrators. The one scoping query of the portal."""
        if roles.reads_every_body(user):
            return self.all()
        if not user.is_authenticated or not user.is_active:
            return self.none()
        visible = models.Q(body_id__in=roles.bodies_of(user))
        if roles.reads_transmitted_editions(user):
            visible |= models.Q(status=Edition.Status.TRANSMITTED)
        return self.filter(visible)

    def update(self, **kwargs):
        names = {"body_id" if name == "body" else name for name in kwargs}
        if names & set(Edition.CONTENT_FIELDS) and self.filter(status__in=FROZEN_STATUSES).exists():
            raise EditionFrozenError
        return super().update(**kwargs)

    update.alters_data = True

    def delete(self):
        if self.filter(status__in=FROZEN_STATUSES).exists():
            raise EditionFrozenError
        return super().delete()

    delete.alters_data = True


def template_errors(data: object) -> list[str]:
    """What is wrong with a template's structure, in French (empty: it can start an edition)."""
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        return [_("Le modèle doit avoir une liste de sections.")]
    errors = []
    keys = set()
    for n, section in enumerate(data["sections"], start=1):
        if not isinstance(section, dict):
            errors.append(_("Section %(n)s : elle doit être un objet.") % {"n": n})
            continue
        key = section.get("key") or ""
        if not re.fullmatch(r"[-a-z0-9_]{1,60}", key) or key in keys:
            errors.append(_("Section %(n)s : clé absente, invalide ou répétée.") % {"n": n})
        keys.add(key)
        if not section.get("title"):
            errors.append(_("Section %(n)s : titre absent.") % {"n": n})
        if section.get("kind") not in SectionKind.values:
            errors.append(_("Section %(n)s : type de section inconnu.") % {"n": n})
        signer = section.get("signer_role") or ""
        if (section.get("kind") == SectionKind.SIGNED_MESSAGE) != bool(signer) or (
            signer and signer not in dict(SIGNER_ROLES)
        ):
            errors.append(
                _("Section %(n)s : seul un message signé a un rôle signataire, et il en a un.")
                % {"n": n}
            )
        if section.get("level", 1) not in (1, 2):
            errors.append(_("Section %(n)s : le niveau doit être 1 ou 2.") % {"n": n})
    return errors


class PlanTemplate(models.Model):
    """A version of the plan's expected structure (sections and their kinds, topics, radar axes,
    maturity scale): what the minister responsible for digital transformation requires (art.
    12.8 LGGRI). A change of requirements is a new version, not a code change; an edition keeps
    the version it was started from.

    ``data``: {"sections": [{"key", "title", "level", "kind", "signer_role"?, "shows_vision"?,
    "guidance"?, "topics"?: [{"title", "intro"?}]}], "radar": {"scale_min", "scale_max",
    "axes": [str]}, "maturity": {"scale_min", "scale_max", "stages": [{"number", "label"}]},
    "strategic_orientations": [...]}. The default ships in roadmap/plan_templates/.
    """

    code = models.SlugField(_("code"), max_length=30)
    version = models.PositiveIntegerField(_("version"), validators=[MinValueValidator(1)])
    name = models.CharField(_("nom"), max_length=200)
    published_on = models.DateField(_("publié le"))
    is_default = models.BooleanField(
        _("modèle par défaut"),
        default=False,
        help_text=_("Le modèle proposé pour commencer une édition."),
    )
    data = models.JSONField(_("structure"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("modèle de plan")
        verbose_name_plural = _("modèles de plan")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="plan_template_version"),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="plan_template_one_default",
            ),
        ]

    def __str__(self) -> str:
        return _("%(name)s (%(code)s, version %(version)s)") % {
            "name": self.name,
            "code": self.code,
            "version": self.version,
        }

    def clean(self) -> None:
        errors = template_errors(self.data)
        if errors:
            raise ValidationError({"data": errors})

    @property
    def label(self) -> str:
        """« ptn:1 », as the command's --template option takes it."""
        return f"{self.code}:{self.version}"

    @property
    def sections(self) -> list[dict]:
        return self.data.get("sections", [])


class Edition(Versioned):
    """One annual edition of the plan (the plan is « évolutif et mis à jour annuellement »)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        # Labels agree with « édition » (feminine): « l'édition est soumise à la DI ».
        SUBMITTED = "submitted", _("Soumise à la DI")
        RECOMMENDED = "recommended", _("Recommandée")
        APPROVED = "approved", _("Approuvée")
        TRANSMITTED = "transmitted", _("Transmise")

    # The public body whose plan this is: its name, titles and diffusion are read from it.
    body = models.ForeignKey(
        "accounts.PublicBody",
        verbose_name=_("organisme public"),
        on_delete=models.PROTECT,
        related_name="editions",
    )
    fiscal_year = models.CharField(
        _("exercice financier"),
        max_length=9,
        validators=[validate_fiscal_year],
        help_text=_("Du 1er avril au 31 mars, ex. : 2024-2025."),
    )
    update_number = models.PositiveSmallIntegerField(
        _("numéro de mise à jour"), default=0, help_text=_("0 pour le plan initial.")
    )
    vision = models.TextField(_("énoncé de vision"), blank=True)
    # The version of the plan's template the edition follows (None: entered before templates).
    template = models.ForeignKey(
        PlanTemplate,
        verbose_name=_("modèle de plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="editions",
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # The PDF rendered once at approval: what is served from then on, byte for byte.
    archived_pdf = models.FileField(_("PDF approuvé"), upload_to="plans/", blank=True)
    archived_pdf_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    # Shown on the edition's pages and in its PDF: e.g. that some values are illustrative.
    notice = models.TextField(
        _("avertissement"),
        blank=True,
        help_text=_(
            "Affiché sur les pages de l'édition et dans son PDF, par exemple pour signaler des "
            "valeurs illustratives."
        ),
    )

    # What the freeze protects; the status itself keeps moving through the workflow.
    CONTENT_FIELDS = (
        "body_id",
        "fiscal_year",
        "update_number",
        "vision",
        "notice",
    )

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("édition")
        verbose_name_plural = _("éditions")
        constraints = [
            # Every body has its own 2024-2025 edition.
            models.UniqueConstraint(
                fields=["body", "fiscal_year"], name="edition_fiscal_year_unique_in_body"
            )
        ]

    def __str__(self) -> str:
        return f"PTN {self.body.acronym} {self.fiscal_year}"

    def delete(self, *args, **kwargs):
        if self.is_in_frozen_edition():
            raise EditionFrozenError
        return super().delete(*args, **kwargs)

    def is_in_frozen_edition(self) -> bool:
        return (
            self.pk is not None
            and Edition._base_manager.filter(pk=self.pk, status__in=FROZEN_STATUSES).exists()
        )

    def is_in_follow_up(self) -> bool:
        return False  # its own fields are the plan's, never follow-up

    def refuse_if_frozen(self, *, saving: bool = False) -> None:
        if self.pk is None:
            return
        stored = (
            Edition._base_manager.filter(pk=self.pk).values("status", *self.CONTENT_FIELDS).first()
        )
        if (
            stored
            and stored["status"] in FROZEN_STATUSES
            and any(getattr(self, name) != stored[name] for name in self.CONTENT_FIELDS)
        ):
            raise EditionFrozenError

    @property
    def is_content_editable(self) -> bool:
        """Content can change while in draft or under the DI's review, never once recommended."""
        return self.status in {self.Status.DRAFT, self.Status.SUBMITTED}

    @property
    def is_followed_up(self) -> bool:
        """Approved or transmitted: only its follow-up changes (Versioned.FOLLOW_UP_FIELDS)."""
        return self.status in FOLLOW_UP_STATUSES


class SectionKind(models.TextChoices):
    """What a section shows besides its own text: the closed list of kinds (the registry of
    what each one loads, renders and requires is roadmap/section_kinds.py)."""

    NARRATIVE = "narrative", _("Texte")
    SIGNED_MESSAGE = "signed_message", _("Message signé")
    MATURITY = "maturity", _("Maturité numérique")
    RADAR = "radar", _("Radar numériQc")
    STRATEGIC_ALIGNMENT = "strategic_alignment", _("Arrimage au plan stratégique")
    ORIENTATIONS = "orientations", _("Orientations et ambitions d'affaires")
    BENEFITS = "benefits", _("Bénéfices")
    PLAN_RISKS = "plan_risks", _("Risques du plan")
    ROADMAP = "roadmap", _("Feuille de route")
    TOPIC_CONTRIBUTIONS = "topic_contributions", _("Contributions des initiatives par sujet")
    ANNEX = "annex", _("Annexe : schéma d'intégration")


# Kinds whose content comes right after the section's text, before its list of items (the
# others come after the items): a signature closes its message, a figure follows its text.
KINDS_BEFORE_ITEMS = frozenset(
    {SectionKind.SIGNED_MESSAGE, SectionKind.MATURITY, SectionKind.RADAR, SectionKind.NARRATIVE}
)


# The roles whose step of the workflow signs a message: the DI recommends, the head approves.
SIGNER_ROLES = [
    (roles.INFORMATION_DIRECTOR, _("dirigeante ou dirigeant de l'information (recommande)")),
    (roles.HEAD, _("dirigeante ou dirigeant de l'organisme (approuve)")),
]


class Section(Versioned):
    """A section of the plan, in the order of the report. Text is Markdown; its kind says what
    it shows besides its text (the data the plan generates it from)."""

    Kind = SectionKind

    edition_path = "edition"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("clé"), max_length=60)
    title = models.CharField(_("titre"), max_length=300)
    level = models.PositiveSmallIntegerField(
        _("niveau"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(2)],
        help_text=_("1 : un chapitre du plan; 2 : une sous-section du chapitre qui la précède."),
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(
        _("type de section"),
        max_length=30,
        choices=SectionKind.choices,
        default=SectionKind.NARRATIVE,
        help_text=_("Ce que la section présente en plus de son texte."),
    )
    body = models.TextField(_("texte"), blank=True, help_text=_("Markdown."))
    conclusion = models.TextField(
        _("texte de clôture"), blank=True, help_text=_("Affiché après le contenu généré.")
    )
    # Whether the edition's vision statement is quoted at the top of this section.
    shows_vision = models.BooleanField(
        _("affiche l'énoncé de vision"),
        default=False,
        help_text=_("L'énoncé de vision de l'édition est cité au début de la section."),
    )
    # A signed message names the role whose workflow step fills its signature block; other
    # sections have no signature block, and their edit form does not offer the signatory.
    signer_role = models.CharField(
        _("rôle signataire"),
        max_length=30,
        choices=SIGNER_ROLES,
        blank=True,
        help_text=_(
            "Pour un message signé seulement : l'étape du cheminement de ce rôle remplit le bloc "
            "de signature."
        ),
    )
    signatory_name = models.CharField(_("signataire"), max_length=200, blank=True)
    signatory_title = models.CharField(_("titre du signataire"), max_length=200, blank=True)
    # What the template expects of the section, shown to those who write it.
    guidance = models.TextField(_("consignes du modèle"), blank=True)
    # A section of contributions by topic that names none says why (readiness accepts either).
    no_contribution_reason = models.TextField(
        _("raison de l'absence de contribution"),
        blank=True,
        help_text=_("Si aucune initiative ne contribue encore aux sujets de cette section."),
    )

    class Meta:
        ordering = ["edition", "order"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["edition", "key"], name="section_key_unique_in_edition")
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.kind == SectionKind.SIGNED_MESSAGE and not self.signer_role:
            raise ValidationError(
                {"signer_role": _("Un message signé doit indiquer le rôle qui le signe.")}
            )
        if self.kind != SectionKind.SIGNED_MESSAGE and self.signer_role:
            raise ValidationError({"signer_role": _("Seul un message signé a un rôle signataire.")})

    @property
    def signed(self) -> bool:
        """The section carries a signature block (its form offers the signatory)."""
        return self.kind == SectionKind.SIGNED_MESSAGE

    @property
    def is_topic_contributions(self) -> bool:
        """Its form offers the reason why no initiative contributes yet."""
        return self.kind == SectionKind.TOPIC_CONTRIBUTIONS

    @property
    def kind_before_items(self) -> bool:
        return self.kind in KINDS_BEFORE_ITEMS

    @property
    def kind_template(self) -> str:
        """The partial that shows the kind, on the web page (#web) and in the PDF (#pdf)."""
        return f"sections/kinds/{self.kind}.html"


class SectionItem(Versioned):
    """An entry of a section's list that is data: a stakeholder statement, a theme, an action."""

    edition_path = "section__edition"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=500)
    text = models.TextField(_("texte"), blank=True, help_text=_("Markdown."))

    class Meta:
        ordering = ["section", "order"]
        verbose_name = _("élément de section")
        verbose_name_plural = _("éléments de section")

    def __str__(self) -> str:
        return self.title


class Topic(Versioned):
    """A topic of a generated section (e.g. « Mobilité des données »): initiatives contribute to it."""

    edition_path = "section__edition"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="topics")
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("titre"), max_length=300)
    intro = models.TextField(_("introduction"), blank=True, help_text=_("Markdown."))

    class Meta:
        ordering = ["section", "order"]
        verbose_name = _("sujet")
        verbose_name_plural = _("sujets")

    def __str__(self) -> str:
        return self.title


class StrategicOrientation(Versioned):
    """An orientation of the ministry's strategic plan, to which the PTN is aligned."""

    edition_path = "edition"

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="strategic_orientations"
    )
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.TextField(_("libellé"))

    class Meta:
        ordering = ["edition", "number"]
        verbose_name = _("orientation du plan stratégique")
        verbose_name_plural = _("orientations du plan stratégique")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "number"], name="strategic_orientation_unique_number"
            )
        ]

    def __str__(self) -> str:
        return _("Orientation %(number)s du plan stratégique") % {"number": self.number}

    def clean(self) -> None:
        if self.number is None or not self.edition_id:
            return
        others = StrategicOrientation.objects.filter(edition_id=self.edition_id, number=self.number)
        if others.exclude(pk=self.pk).exists() if self.pk else others.exists():
            raise ValidationError(
                {
                    "number": _(
                        "L'orientation %(number)s du plan stratégique existe déjà dans cette "
                        "édition."
                    )
                    % {"number": self.number}
                }
            )


class Orientation(Versioned):
    """An orientation of the PTN itself."""

    edition_path = "edition"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="orientations")
    number = models.PositiveSmallIntegerField(_("numéro"), validators=[MinValueValidator(1)])
    title = models.TextField(_("libellé"))
    strategic_orientations = models.ManyToManyField(
        StrategicOrientation,
        verbose_name=_("orientations du plan stratégique servies"),
        related_name="orientations",
        blank=True,
        help_text=_("Le schéma d'intégration de l'annexe."),
    )

    class Meta:
        ordering = ["edition", "number"]
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="orientation_unique_number")
        ]

    def __str__(self) -> str:
        return _("Orientation %(number)s") % {"number": self.number}

    @property
    def code(self) -> str:
        return str(self.number)


class Ambition(Versioned):
    """An « ambition d'affaires » of an orientation; its code is « orientation.number » (e.g. 2.2)."""

    edition_path = "orientation__edition"

    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="ambitions")
    number = models.PositiveSmallIntegerField(_("numéro"), validators=[MinValueValidator(1)])
    title = models.TextField(_("libellé"))

    class Meta:
        ordering = ["orientation__edition", "orientation__number", "number"]
        verbose_name = _("ambition d'affaires")
        verbose_name_plural = _("ambitions d'affaires")
        constraints = [
            models.UniqueConstraint(fields=["orientation", "number"], name="ambition_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def code(self) -> str:
        return f"{self.orientation.number}.{self.number}"


class Maturity(Versioned):
    """Digital maturity of the ministry (MCN-CQEN scale), measured and targeted.

    The current stage is derived from the score (stage 2 runs from 2,0 to 3,0), and every
    stage's label is data (MaturityStage): nothing here is typed twice.
    """

    edition_path = "edition"

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="maturity")
    # Empty until measured (a draft started from a template has the scale, not yet the score).
    score = models.DecimalField(
        _("maturité mesurée"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    scale_min = models.PositiveSmallIntegerField(_("minimum de l'échelle"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("maximum de l'échelle"), default=4)
    target_stage = models.PositiveSmallIntegerField(_("étape visée"), null=True, blank=True)
    target_date = models.DateField(_("échéance de la cible"), null=True, blank=True)
    source = models.CharField(_("source de la mesure"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("maturité numérique")
        verbose_name_plural = _("maturités numériques")

    def __str__(self) -> str:
        if self.score is None:
            return _("non mesurée")
        return f"{formatting.decimal(self.score)} / {self.scale_max}"

    @property
    def is_measured(self) -> bool:
        """Score, target stage and its date entered: what the pages and the PDF show."""
        return None not in (self.score, self.target_stage, self.target_date)

    def clean(self) -> None:
        """The scale runs from its minimum to its maximum; the score lies on it; the target is
        one of the scale's stages (its labels are MaturityStage rows: once some exist, the
        target must be one of them)."""
        errors = {}
        low, high = self.scale_min, self.scale_max
        if low is not None and high is not None and low >= high:
            errors["scale_max"] = _("Le maximum de l'échelle doit dépasser son minimum.")
        elif low is not None and high is not None:
            if self.score is not None and not low <= self.score <= high:
                errors["score"] = _(
                    "La maturité mesurée doit être sur l'échelle, de %(min)s à %(max)s."
                ) % {"min": low, "max": high}
            stages = set(self.stages.values_list("number", flat=True)) if self.pk else set()
            outside = sorted(n for n in stages if not low <= n <= high)
            if outside:
                errors["scale_max" if outside[-1] > high else "scale_min"] = _(
                    "Les étapes %(stages)s sont hors de cette échelle : supprimez-les ou "
                    "choisissez une échelle qui les contient."
                ) % {"stages": ", ".join(map(str, outside))}
            if self.target_stage is not None:
                if stages and self.target_stage not in stages:
                    errors["target_stage"] = _(
                        "L'étape visée doit être une étape de l'échelle : %(stages)s."
                    ) % {"stages": ", ".join(map(str, sorted(stages)))}
                elif not low <= self.target_stage <= high:
                    errors["target_stage"] = _(
                        "L'étape visée doit être sur l'échelle, de %(min)s à %(max)s."
                    ) % {"min": low, "max": high}
        if errors:
            raise ValidationError(errors)

    @property
    def current_stage(self) -> int | None:
        """The stage the score falls in: from 2,0 up to (not including) 3,0 is stage 2."""
        if self.score is None:
            return None
        return max(self.scale_min, min(self.scale_max, math.floor(self.score)))

    @cached_property
    def stage_labels(self) -> dict[int, str]:
        """Every stage's label (one query, or none when the stages were prefetched)."""
        return {stage.number: stage.label for stage in self.stages.all()}

    def stage_label(self, number: int | None) -> str:
        return self.stage_labels.get(number, "") if number is not None else ""

    @property
    def current_stage_label(self) -> str:
        return self.stage_label(self.current_stage)

    @property
    def target_stage_label(self) -> str:
        return self.stage_label(self.target_stage)


class MaturityStage(Versioned):
    """A stage of the maturity scale and its label (« Fait du numérique »)."""

    edition_path = "maturity__edition"

    maturity = models.ForeignKey(Maturity, on_delete=models.CASCADE, related_name="stages")
    number = models.PositiveSmallIntegerField(_("étape"))
    label = models.CharField(_("libellé"), max_length=200)

    class Meta:
        ordering = ["maturity", "number"]
        verbose_name = _("étape de maturité")
        verbose_name_plural = _("étapes de maturité")
        constraints = [
            models.UniqueConstraint(
                fields=["maturity", "number"], name="maturity_stage_unique_number"
            )
        ]

    def __str__(self) -> str:
        return _("Étape %(number)s : %(label)s") % {"number": self.number, "label": self.label}

    def clean(self) -> None:
        if self.number is None or not self.maturity_id:
            return
        maturity = self.maturity
        if not maturity.scale_min <= self.number <= maturity.scale_max:
            raise ValidationError(
                {
                    "number": _(
                        "L'étape doit être sur l'échelle de maturité, de %(min)s à %(max)s "
                        "(modifiez l'échelle pour en ajouter)."
                    )
                    % {"min": maturity.scale_min, "max": maturity.scale_max}
                }
            )
        others = MaturityStage.objects.filter(maturity_id=self.maturity_id, number=self.number)
        if others.exclude(pk=self.pk).exists() if self.pk else others.exists():
            raise ValidationError(
                {"number": _("L'étape %(number)s existe déjà.") % {"number": self.number}}
            )

    def deletion_refusal(self) -> str:
        """Why this stage cannot be removed (« » when it can): the target is one of them."""
        if self.maturity.target_stage == self.number:
            return _(
                "L'étape %(number)s est l'étape visée : choisissez une autre étape visée avant "
                "de la supprimer."
            ) % {"number": self.number}
        return ""


class Radar(Versioned):
    """The Radar numériQc assessment: one score per category; the overall result is their
    mean, computed (never typed), so it cannot go stale when a score changes."""

    edition_path = "edition"

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="radar")
    scale_min = models.PositiveSmallIntegerField(_("minimum de l'échelle"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("maximum de l'échelle"), default=4)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Radar numériQc")
        verbose_name_plural = _("Radars numériQc")

    def __str__(self) -> str:
        return f"Radar numériQc {self.edition.fiscal_year}"

    def clean(self) -> None:
        """The scale runs upwards and keeps every score already entered."""
        if self.scale_min is None or self.scale_max is None:
            return
        if self.scale_min >= self.scale_max:
            raise ValidationError(
                {"scale_max": _("Le maximum de l'échelle doit dépasser son minimum.")}
            )
        if self.pk:
            # Axes not yet assessed (no score) lie on any scale.
            outside = (
                self.scores.exclude(score__isnull=True)
                .exclude(score__gte=self.scale_min, score__lte=self.scale_max)
                .values_list("category", flat=True)
            )
            if outside:
                raise ValidationError(
                    {
                        "scale_max": _(
                            "Des résultats sont hors de cette échelle (%(categories)s) : "
                            "corrigez-les d'abord."
                        )
                        % {"categories": ", ".join(outside)}
                    }
                )

    def scale_error(self, score: Decimal) -> str:
        """The French message refusing ``score`` when it is off this radar's scale (« »)."""
        if self.scale_min <= score <= self.scale_max:
            return ""
        return _("Le résultat doit être sur l'échelle du radar, de %(min)s à %(max)s.") % {
            "min": self.scale_min,
            "max": self.scale_max,
        }

    @property
    def is_assessed(self) -> bool:
        """Every axis has its score (uses prefetched scores): what the pages and the PDF show."""
        scores = [score.score for score in self.scores.all()]
        return bool(scores) and None not in scores

    @property
    def overall(self) -> Decimal | None:
        """The mean of the category scores, to the hundredth (uses prefetched scores)."""
        scores = [score.score for score in self.scores.all()]
        if not scores or None in scores:
            return None
        return (sum(scores) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class RadarScore(Versioned):
    edition_path = "radar__edition"
    radar = models.ForeignKey(Radar, on_delete=models.CASCADE, related_name="scores")
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    category = models.CharField(_("catégorie"), max_length=200)
    # On the radar's own scale (Radar.scale_min to scale_max), checked by clean(); empty until
    # assessed (a draft started from a template has the axes, not yet the scores).
    score = models.DecimalField(
        _("résultat"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["radar", "order"]
        verbose_name = _("résultat par catégorie")
        verbose_name_plural = _("résultats par catégorie")

    def __str__(self) -> str:
        if self.score is None:
            return self.category
        return f"{self.category} : {formatting.decimal(self.score, places=2)}"

    def clean(self) -> None:
        if self.score is not None and self.radar_id:
            error = self.radar.scale_error(self.score)
            if error:
                raise ValidationError({"score": error})


class RiskBase(Versioned):
    """What plan-level and initiative-level risks have in common.

    Scored on two 1–5 scales (probability, impact; the score is their product, 1–25, as in the
    usual 5 × 5 risk matrix), followed by an owner, a status and a date of next review."""

    class Status(models.TextChoices):
        OPEN = "open", _("Ouvert")
        MONITORED = "monitored", _("Sous surveillance")
        OCCURRED = "occurred", _("Survenu")
        CLOSED = "closed", _("Fermé")

    SCALE = [MinValueValidator(1), MaxValueValidator(5)]

    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("risque"), max_length=500)
    description = models.TextField(_("précisions"), blank=True)
    probability = models.PositiveSmallIntegerField(
        _("probabilité (1 à 5)"), null=True, blank=True, validators=SCALE
    )
    impact = models.PositiveSmallIntegerField(
        _("impact (1 à 5)"), null=True, blank=True, validators=SCALE
    )
    owner = models.CharField(_("responsable du risque"), max_length=200, blank=True)
    status = models.CharField(
        _("état du risque"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    review_date = models.DateField(_("prochaine revue"), null=True, blank=True)

    # Followed during the year, after approval: its scoring, owner, status and next review
    # (its title and description are the approved plan's).
    FOLLOW_UP_FIELDS = frozenset({"probability", "impact", "owner", "status", "review_date"})

    class Meta:
        abstract = True
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int | None:
        """Probability × impact (1–25); None while either is not assessed."""
        if self.probability is None or self.impact is None:
            return None
        return self.probability * self.impact

    @property
    def is_review_overdue(self) -> bool:
        """A review date passed for a risk that is not closed."""
        return (
            self.review_date is not None
            and self.review_date < timezone.localdate()
            and self.status != self.Status.CLOSED
        )


class MitigationBase(Versioned):
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    text = models.TextField(_("mesure de gestion ou d'atténuation"))

    class Meta:
        abstract = True
        ordering = ["order"]

    def __str__(self) -> str:
        return self.text


class PlanRisk(RiskBase):
    """A risk of the plan as a whole (« Plan de gestion des risques »)."""

    edition_path = "edition"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="plan_risks")

    class Meta(RiskBase.Meta):
        ordering = ["edition", "order"]
        verbose_name = _("risque du plan")
        verbose_name_plural = _("risques du plan")


class PlanRiskMitigation(MitigationBase):
    edition_path = "risk__edition"
    risk = models.ForeignKey(PlanRisk, on_delete=models.CASCADE, related_name="mitigations")

    class Meta(MitigationBase.Meta):
        ordering = ["risk", "order"]
        verbose_name = _("mesure d'atténuation (risque du plan)")
        verbose_name_plural = _("mesures d'atténuation (risques du plan)")


class Transition(models.Model):
    """A step of an edition through the approval workflow: who, when, why. Append-only."""

    class Action(models.TextChoices):
        CREATE = "create", _("Création")
        SUBMIT = "submit", _("Soumission à la DI")
        RETURN = "return", _("Retour en brouillon")
        RECOMMEND = "recommend", _("Recommandation")
        APPROVE = "approve", _("Approbation")
        TRANSMIT = "transmit", _("Transmission")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(
        _("statut de départ"), max_length=20, choices=Edition.Status.choices, blank=True
    )
    to_status = models.CharField(_("nouveau statut"), max_length=20, choices=Edition.Status.choices)
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("par"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)
    comment = models.TextField(_("commentaire"), blank=True)
    transmitted_on = models.DateField(_("date de transmission"), null=True, blank=True)
    recipient = models.CharField(_("destinataire"), max_length=300, blank=True)
    # Review comments still open when the step was taken (recommending or approving with open
    # comments needs an explicit confirmation; this records what was confirmed).
    open_comments = models.PositiveSmallIntegerField(
        _("commentaires de révision non réglés"), default=0
    )

    class Meta:
        ordering = ["edition", "at", "pk"]
        verbose_name = _("étape du cheminement")
        verbose_name_plural = _("étapes du cheminement")

    def __str__(self) -> str:
        return f"{self.edition.fiscal_year} : {self.get_action_display()}"


class ReviewComment(models.Model):
    """A comment of the DI or the deputy minister during review, on the edition or an initiative."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="comments")
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="review_comments",
    )
    author = models.ForeignKey(
        "accounts.User",
        verbose_name=_("auteur"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="review_comments",
    )
    text = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(_("écrit le"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("réglé par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("réglé le"), null=True, blank=True)

    class Meta:
        ordering = ["edition", "created_at", "pk"]
        verbose_name = _("commentaire de révision")
        verbose_name_plural = _("commentaires de révision")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
