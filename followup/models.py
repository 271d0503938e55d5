"""Follow-up during the year: the edition's reporting periods and each initiative's progress
report (« bilan d'étape ») for each of them.

These rows are not the plan's content: they are written all year long, including once the
edition is approved, so they are not `Versioned` (which freezes with the edition). They keep the
same two guarantees by themselves: a version number (no lost update, see services.py) and
django-simple-history (every change: who, when, before and after).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from initiatives.models import Initiative
from roadmap import formatting
from roadmap.models import Edition


class Health(models.TextChoices):
    """The three colours of the government's dashboards; their order is their gravity."""

    GREEN = "green", _("Vert")
    YELLOW = "yellow", _("Jaune")
    RED = "red", _("Rouge")

    @property
    def rank(self) -> int:
        return list(Health).index(self)


def default_period_ends(edition: Edition) -> list[datetime.date]:
    """30 September and 31 March of the edition's fiscal year (mid-year and year end)."""
    start = int(edition.fiscal_year[:4])
    return [datetime.date(start, 9, 30), datetime.date(start + 1, 3, 31)]


class ReportingPeriod(models.Model):
    """A date at which every initiative of the edition reports its progress."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="reporting_periods")
    end_date = models.DateField(_("fin de la période"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "end_date"]
        verbose_name = _("période de suivi")
        verbose_name_plural = _("périodes de suivi")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "end_date"], name="reporting_period_unique_date"
            )
        ]

    def __str__(self) -> str:
        return str(_("Bilan au %(date)s") % {"date": formatting.long_date(self.end_date)})


class ProgressReport(models.Model):
    """An initiative's progress for one period, filed by its lead, reviewed by the coordinator."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Soumis")
        ACCEPTED = "accepted", _("Accepté")
        SENT_BACK = "sent_back", _("Retourné")

    # Declared health: one field per dimension, in the order they are shown.
    DIMENSIONS = ("cost", "schedule", "scope", "overall")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reports")
    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="progress_reports"
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    percent_done = models.PositiveSmallIntegerField(
        _("avancement (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    phase = models.CharField(_("phase en cours"), max_length=200, blank=True)
    spent_to_date = models.PositiveBigIntegerField(
        _("coûts réels à date ($)"), null=True, blank=True
    )
    estimate_at_completion = models.PositiveBigIntegerField(
        _("estimation à l'achèvement ($)"), null=True, blank=True
    )
    forecast_end = models.DateField(_("date de fin prévue"), null=True, blank=True)
    narrative = models.TextField(_("faits saillants"), blank=True)
    declared_cost = models.CharField(
        _("santé déclarée : coût"), max_length=10, choices=Health.choices, default=Health.GREEN
    )
    declared_schedule = models.CharField(
        _("santé déclarée : échéancier"),
        max_length=10,
        choices=Health.choices,
        default=Health.GREEN,
    )
    declared_scope = models.CharField(
        _("santé déclarée : portée"), max_length=10, choices=Health.choices, default=Health.GREEN
    )
    declared_overall = models.CharField(
        _("santé déclarée : globale"),
        max_length=10,
        choices=Health.choices,
        default=Health.GREEN,
    )
    justification = models.TextField(
        _("justification de l'écart"),
        blank=True,
        help_text=_(
            "Obligatoire pour soumettre lorsqu'une santé déclarée est meilleure que la santé "
            "calculée : la DI et le sous-ministre la lisent."
        ),
    )
    review_comment = models.TextField(_("commentaire de la coordination"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("soumis par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("examiné par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("examiné le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "initiative__code"]
        verbose_name = _("bilan d'étape")
        verbose_name_plural = _("bilans d'étape")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "initiative"], name="progress_report_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} — {self.period}"

    @property
    def is_editable(self) -> bool:
        """The lead writes while it is a draft or after it was sent back."""
        return self.status in {self.Status.DRAFT, self.Status.SENT_BACK}

    def declared(self) -> dict[str, Health]:
        return {name: Health(getattr(self, f"declared_{name}")) for name in self.DIMENSIONS}


class Reminder(models.Model):
    """A reminder e-mail queued for a period and a recipient: each is sent once."""

    class Kind(models.TextChoices):
        LEAD = "lead", _("Rappel au responsable")
        COORDINATOR = "coordinator", _("Liste des retards à la coordination")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField(_("destinataire"))
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    queued_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rappel de suivi")
        verbose_name_plural = _("rappels de suivi")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "email", "kind"], name="reminder_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} → {self.email}"
