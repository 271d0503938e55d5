"""Initiatives of the roadmap and what hangs off them (except benefits, in the benefits app)."""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from roadmap.models import (
    Ambition,
    Edition,
    GuardedQuerySet,
    MitigationBase,
    RiskBase,
    Topic,
    Versioned,
    fiscal_year_label,
)

CODE_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def normalize_for_search(text: str) -> str:
    """Lower case without accents: « Numérique » and « numerique » compare equal."""
    # œ and æ are letters of their own in Unicode; French readers type them as « oe », « ae ».
    folded = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class InitiativeQuerySet(GuardedQuerySet):
    def with_roadmap_relations(self) -> "InitiativeQuerySet":
        return self.select_related("ambition__orientation", "lead", "unit")

    def search(self, text: str) -> "InitiativeQuerySet":
        """Accent- and case-insensitive search, one condition per word."""
        qs = self
        for word in normalize_for_search(text).split():
            qs = qs.filter(search_text__contains=word)
        return qs


class Initiative(Versioned):
    """An initiative of the roadmap. Its code is the ambition's code plus a number (2.2.3)."""

    edition_path = "edition"
    # The initiative's fiche, in the order a person reads it: what the coordinator edits in
    # place (roadmap/editing/registry.py) and what the comparison of two editions shows
    # (roadmap/workflow/compare.py, where the horizon's start and end are one row).
    FICHE_FIELDS = (
        "title",
        "acronym",
        "description",
        "lead",
        "unit",
        "status",
        "funded",
        "qualified_project",
        "phase",
        "horizon_start",
        "horizon_end",
        "budget",
    )

    class Status(models.TextChoices):
        IDEATION = "ideation", _("Idéation")
        EXPLORATION = "exploration", _("Exploration")
        PLANNED = "planned", _("Planifiée")
        IN_PROGRESS = "in_progress", _("En cours")
        COMPLETED = "completed", _("Réalisée")
        SUSPENDED = "suspended", _("Suspendue")

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="initiatives")
    ambition = models.ForeignKey(
        Ambition, verbose_name=_("ambition"), on_delete=models.PROTECT, related_name="initiatives"
    )
    number = models.PositiveSmallIntegerField(_("numéro"), validators=[MinValueValidator(1)])
    code = models.CharField(
        _("code"),
        max_length=20,
        blank=True,  # derived from the ambition and number when left blank (see clean())
        help_text=_("Code de l'ambition suivi du numéro de l'initiative, ex. : 2.2.3."),
    )
    title = models.CharField(_("titre"), max_length=500)
    acronym = models.CharField(_("acronyme"), max_length=30, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_initiatives",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unité"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.IDEATION
    )
    funded = models.BooleanField(
        _("financée"), default=False, help_text=_("Budget alloué et effectifs confirmés.")
    )
    qualified_project = models.BooleanField(
        _("projet qualifié"),
        default=False,
        help_text=_("Projet qualifié (TI) au sens des Règles relatives à la gestion des RI."),
    )
    phase = models.CharField(_("phase"), max_length=200, blank=True)
    horizon_start = models.PositiveSmallIntegerField(
        _("début de l'horizon"),
        null=True,
        blank=True,
        help_text=_("Année de début du premier exercice (2024 pour 2024-2025)."),
    )
    horizon_end = models.PositiveSmallIntegerField(
        _("fin de l'horizon"),
        null=True,
        blank=True,
        help_text=_("Année de début du dernier exercice (2026 pour 2026-2027)."),
    )
    budget = models.PositiveBigIntegerField(_("budget ($)"), null=True, blank=True)
    # Accent-free copy of the searchable text, kept in step by save(): portable
    # accent-insensitive search on SQLite and PostgreSQL without extensions.
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["edition", "code"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="initiative_code_unique"),
            models.UniqueConstraint(fields=["ambition", "number"], name="initiative_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # The code as stored: checking that it is free is needed only when it changes.
        instance._loaded_code = instance.__dict__.get("code")
        return instance

    def save(self, *args, **kwargs) -> None:
        self.search_text = self.compute_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @property
    def horizon(self) -> str:
        if self.horizon_start is None:
            return ""
        if self.horizon_end is None or self.horizon_end == self.horizon_start:
            return fiscal_year_label(self.horizon_start)
        return f"{fiscal_year_label(self.horizon_start)} à {fiscal_year_label(self.horizon_end)}"

    @property
    def sort_key(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.code.split("."))

    def compute_search_text(self) -> str:
        return normalize_for_search(
            " ".join([self.code, self.acronym, self.title, self.description])
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        ambition = self.ambition if self.ambition_id else None
        if ambition is not None:
            if self.edition_id and ambition.orientation.edition_id != self.edition_id:
                errors["ambition"] = _("L'ambition appartient à une autre édition.")
            code_error = self._clean_code(ambition.code)
            if code_error:
                errors["code"] = code_error
        if (
            self.horizon_start is not None
            and self.horizon_end is not None
            and self.horizon_end < self.horizon_start
        ):
            errors["horizon_end"] = _("La fin de l'horizon précède son début.")
        if errors:
            raise ValidationError(errors)

    def _clean_code(self, prefix: str) -> str | None:
        """The code is free within its ambition (3.2.4 may follow 3.2.1): its prefix is the
        ambition's code, its number any whole number not taken in the edition. The number
        follows the code (« 3.2.04 » is written 3.2.4); a blank code takes ``number``."""
        if self.code:
            match = CODE_RE.match(self.code.strip())
            if not match or f"{int(match[1])}.{int(match[2])}" != prefix:
                return _(
                    "Le code « %(code)s » ne correspond pas à l'ambition %(ambition)s : il doit "
                    "commencer par « %(ambition)s. » suivi du numéro de l'initiative, "
                    "ex. : %(ambition)s.4."
                ) % {"code": self.code, "ambition": prefix}
            self.number = int(match[3])
        elif not self.number:
            return _("Indiquez le code de l'initiative, ex. : %(ambition)s.1.") % {
                "ambition": prefix
            }
        if not self.number:
            return _("Le numéro de l'initiative (après « %(ambition)s. ») commence à 1.") % {
                "ambition": prefix
            }
        self.code = f"{prefix}.{self.number}"
        unchanged = not self._state.adding and self.code == getattr(self, "_loaded_code", None)
        if self.edition_id and not unchanged and self.code_is_taken():
            return _("Le code %(code)s est déjà celui d'une autre initiative de cette édition.") % {
                "code": self.code
            }
        return None

    def code_is_taken(self) -> bool:
        """Whether another initiative of the edition has this code. The import, which has
        already read them all, sets ``other_codes`` so that checking a row costs no query."""
        other_codes = getattr(self, "other_codes", None)
        if other_codes is not None:
            return self.code in other_codes
        others = Initiative.objects.filter(edition_id=self.edition_id, code=self.code)
        return others.exclude(pk=self.pk).exists() if self.pk else others.exists()


class Dependency(Versioned):
    """An initiative depends on, or must be coordinated with, another one of the same edition."""

    edition_path = "initiative__edition"

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="dependencies"
    )
    depends_on = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative liée"),
        on_delete=models.CASCADE,
        related_name="dependents",
    )
    description = models.TextField(_("nature de l'interdépendance"), blank=True)

    class Meta:
        ordering = ["initiative", "depends_on__code"]
        verbose_name = _("interdépendance")
        verbose_name_plural = _("interdépendances")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "depends_on"], name="dependency_unique_pair"
            ),
            models.CheckConstraint(
                condition=~models.Q(initiative=models.F("depends_on")),
                name="dependency_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} → {self.depends_on.code}"

    def clean(self) -> None:
        if self.initiative_id and self.depends_on_id:
            if self.initiative_id == self.depends_on_id:
                raise ValidationError(_("Une initiative ne peut dépendre d'elle-même."))
            if self.initiative.edition_id != self.depends_on.edition_id:
                raise ValidationError(_("Les deux initiatives doivent être de la même édition."))


class Contribution(Versioned):
    """What an initiative brings to a topic of sections 6 to 9 (simplification, data, AI…)."""

    edition_path = "initiative__edition"

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="contributions"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("sujet"), on_delete=models.CASCADE, related_name="contributions"
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("intitulé"), max_length=300, blank=True)
    text = models.TextField(_("texte"), help_text=_("Markdown."))

    class Meta:
        ordering = ["topic", "order"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return f"{self.initiative.code} — {self.topic}"

    def clean(self) -> None:
        if (
            self.initiative_id
            and self.topic_id
            and self.initiative.edition_id != self.topic.section.edition_id
        ):
            raise ValidationError(_("Le sujet et l'initiative doivent être de la même édition."))


class InitiativeRisk(RiskBase):
    edition_path = "initiative__edition"
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="risks")

    class Meta(RiskBase.Meta):
        ordering = ["initiative", "order"]
        verbose_name = _("risque d'initiative")
        verbose_name_plural = _("risques d'initiative")


class InitiativeRiskMitigation(MitigationBase):
    edition_path = "risk__initiative__edition"
    risk = models.ForeignKey(InitiativeRisk, on_delete=models.CASCADE, related_name="mitigations")

    class Meta(MitigationBase.Meta):
        ordering = ["risk", "order"]
        verbose_name = _("mesure d'atténuation (risque d'initiative)")
        verbose_name_plural = _("mesures d'atténuation (risques d'initiative)")


class Milestone(Versioned):
    edition_path = "initiative__edition"
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("jalon"), max_length=300)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    done = models.BooleanField(_("atteint"), default=False)

    class Meta:
        ordering = ["initiative", "order", "due_date"]
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")

    def __str__(self) -> str:
        return self.title
