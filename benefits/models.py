"""Benefits of initiatives, their indicators and the values measured over time."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative
from roadmap import formatting
from roadmap.models import Versioned, validate_fiscal_year


class Benefit(Versioned):
    edition_path = "initiative__edition"

    class Kind(models.TextChoices):
        FINANCIAL = "financial", _("Financier")
        NON_FINANCIAL = "non_financial", _("Non financier")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="benefits")
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    # Most benefits are non-financial (a financial one needs an amount): the sensible default.
    kind = models.CharField(
        _("nature"), max_length=20, choices=Kind.choices, default=Kind.NON_FINANCIAL
    )
    description = models.TextField(_("bénéfice"))
    amount = models.PositiveBigIntegerField(
        _("montant net ($)"), null=True, blank=True, help_text=_("En dollars, sans décimales.")
    )
    horizon_years = models.PositiveSmallIntegerField(
        _("horizon (années d'exploitation)"), null=True, blank=True
    )
    measurable = models.BooleanField(_("mesurable"), default=False)

    class Meta:
        ordering = ["initiative", "order"]
        verbose_name = _("bénéfice")
        verbose_name_plural = _("bénéfices")

    def __str__(self) -> str:
        return self.description

    @property
    def is_financial(self) -> bool:
        return self.kind == self.Kind.FINANCIAL

    @property
    def planned_total(self) -> int:
        """The amounts planned over its fiscal years (reads the prefetched years)."""
        return sum(year.planned or 0 for year in self.years.all())

    @property
    def realized_total(self) -> int:
        """The amounts realized so far over its fiscal years (reads the prefetched years)."""
        return sum(year.realized or 0 for year in self.years.all())

    def clean(self) -> None:
        if self.kind == self.Kind.FINANCIAL and self.amount is None:
            raise ValidationError({"amount": _("Un bénéfice financier doit avoir un montant.")})
        if self.kind == self.Kind.NON_FINANCIAL and self.amount is not None:
            raise ValidationError({"amount": _("Un bénéfice non financier n'a pas de montant.")})


class Indicator(Versioned):
    edition_path = "benefit__initiative__edition"

    class Direction(models.TextChoices):
        INCREASE = "increase", _("À la hausse")
        DECREASE = "decrease", _("À la baisse")

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    name = models.CharField(_("indicateur"), max_length=500)
    unit = models.CharField(_("unité de mesure"), max_length=50, blank=True)
    direction = models.CharField(
        _("sens de l'amélioration"),
        max_length=10,
        choices=Direction.choices,
        default=Direction.INCREASE,
    )
    baseline = models.DecimalField(
        _("valeur de départ"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(_("cible"), max_digits=14, decimal_places=2, null=True, blank=True)
    threshold = models.DecimalField(
        _("seuil"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Valeur en deçà de laquelle le bénéfice n'est pas jugé atteint."),
    )
    baseline_date = models.DateField(
        _("date de la valeur de départ"),
        null=True,
        blank=True,
        help_text=_("Début de la trajectoire; à défaut, le début de l'exercice de l'édition."),
    )
    target_date = models.DateField(_("échéance de la cible"), null=True, blank=True)
    source = models.CharField(_("source des données"), max_length=300, blank=True)
    frequency = models.CharField(
        _("fréquence de mesure"),
        max_length=20,
        choices=[
            ("monthly", _("Mensuelle")),
            ("quarterly", _("Trimestrielle")),
            ("semiannual", _("Semestrielle")),
            ("annual", _("Annuelle")),
        ],
        blank=True,
    )

    class Meta:
        ordering = ["benefit", "order"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self) -> str:
        return self.name

    @property
    def improves_downward(self) -> bool:
        return self.direction == self.Direction.DECREASE

    def trajectory_start(self) -> datetime.date | None:
        if self.baseline_date is not None:
            return self.baseline_date
        edition = self.benefit.initiative.edition
        return datetime.date(int(edition.fiscal_year[:4]), 4, 1)

    def _along(self, end_value: Decimal, on: datetime.date) -> Decimal | None:
        """The straight line from the baseline (at its date) to ``end_value`` (at the target
        date), read at ``on``; flat at both ends."""
        start = self.trajectory_start()
        if self.baseline is None or self.target_date is None or start is None:
            return None
        span = (self.target_date - start).days
        if span <= 0:
            return end_value
        share = min(max((on - start).days / span, 0), 1)
        return self.baseline + (end_value - self.baseline) * Decimal(str(share))

    def expected_at(self, on: datetime.date) -> Decimal | None:
        """Where the trajectory from baseline to target stands at ``on``."""
        return None if self.target is None else self._along(self.target, on)

    def tolerated_at(self, on: datetime.date) -> Decimal | None:
        """The least good value still on trajectory at ``on``: the same straight line, ending at
        the threshold instead of the target (no threshold: no tolerance)."""
        if self.target is None:
            return None
        return self._along(self.threshold if self.threshold is not None else self.target, on)

    def is_off_trajectory(self, measurement: "Measurement | None" = None) -> bool:
        """Whether ``measurement`` (the latest one by default) is worse than the tolerated
        trajectory; « worse » is above it for an indicator whose target goes down."""
        measurement = measurement or self.latest_measurement
        if measurement is None:
            return False
        tolerated = self.tolerated_at(measurement.measured_on)
        if tolerated is None:
            return False
        if self.improves_downward:
            return measurement.value > tolerated
        return measurement.value < tolerated

    @property
    def latest_measurement(self) -> "Measurement | None":
        """The last value measured (uses the prefetched measurements when there are some)."""
        measurements = list(self.measurements.all())
        return measurements[-1] if measurements else None


class Measurement(Versioned):
    edition_path = "indicator__benefit__initiative__edition"
    FOLLOW_UP_RECORD = True  # measured during the year, after approval too
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("date de la mesure"))
    value = models.DecimalField(_("valeur mesurée"), max_digits=14, decimal_places=2)
    note = models.CharField(_("remarque"), max_length=300, blank=True)

    class Meta:
        ordering = ["indicator", "measured_on"]
        verbose_name = _("mesure")
        verbose_name_plural = _("mesures")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"], name="measurement_one_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{formatting.long_date(self.measured_on)} : {formatting.decimal(self.value)}"


class BenefitYear(Versioned):
    """A financial benefit's planned and realized amounts for one fiscal year."""

    edition_path = "benefit__initiative__edition"
    FOLLOW_UP_FIELDS = frozenset({"realized"})  # entered after approval (the plan is « planned »)

    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="years")
    fiscal_year = models.CharField(
        _("exercice financier"),
        max_length=9,
        validators=[validate_fiscal_year],
        help_text=_("Du 1er avril au 31 mars, ex. : 2024-2025."),
    )
    planned = models.PositiveBigIntegerField(_("montant prévu ($)"), null=True, blank=True)
    realized = models.PositiveBigIntegerField(_("montant réalisé ($)"), null=True, blank=True)

    class Meta:
        ordering = ["benefit", "fiscal_year"]
        verbose_name = _("montant annuel d'un bénéfice")
        verbose_name_plural = _("montants annuels des bénéfices")
        constraints = [
            models.UniqueConstraint(fields=["benefit", "fiscal_year"], name="benefit_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year} : {formatting.money(self.planned)} / {formatting.money(self.realized)}"
