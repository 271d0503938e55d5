"""Benefits of initiatives, their indicators and the values measured over time."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative
from roadmap import formatting
from roadmap.models import Versioned


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

    class Meta:
        ordering = ["benefit", "order"]
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self) -> str:
        return self.name

    @property
    def latest_measurement(self) -> "Measurement | None":
        """The last value measured (uses the prefetched measurements when there are some)."""
        measurements = list(self.measurements.all())
        return measurements[-1] if measurements else None


class Measurement(Versioned):
    edition_path = "indicator__benefit__initiative__edition"
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
