"""The forms of in-place editing: every kind's model form is built on `VersionedForm` (which
carries the version the person started from) with the fields and widgets chosen here — numbers
typed as a Québec reader types them, whole dollars, dates, check boxes, text areas.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from roadmap import formatting
from roadmap.formatting import NumberError, parse_decimal

NUMBER_ERRORS = {
    "invalid": _("Saisissez un nombre, par exemple 38,5 ou 1 234,5."),
    "ambiguous": _(
        "« %(value)s » peut se lire de deux façons : séparez les milliers par une espace "
        "(1 234) et les décimales par une virgule (1,5)."
    ),
}


class TypedNumberMixin:
    """A number typed as a Québec reader writes it: « 38,5 », « 1 234,5 », or « 1234.5 »
    (see formatting.parse_decimal), shown back in the interface's language (« 1,14 »).

    A text input, not ``type="number"``: browsers read a number input by their own locale
    rules and turned « 38,5 » into 385, or refused it without saying why.
    """

    def read(self, value: object) -> Decimal | None:
        if value in self.empty_values:  # type: ignore[attr-defined]
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return Decimal(value)
        try:
            return parse_decimal(str(value))
        except NumberError as error:
            raise ValidationError(
                self.error_messages[error.code],  # type: ignore[attr-defined]
                code=error.code,
                params={"value": value},
            ) from None

    def prepare_value(self, value: object) -> object:
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return formatting.decimal(value)
        return value  # what the person typed, as typed


class NumberField(TypedNumberMixin, forms.DecimalField):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = NUMBER_ERRORS

    def to_python(self, value: object) -> Decimal | None:
        return self.read(value)


class DollarsField(TypedNumberMixin, forms.IntegerField):
    """An amount in whole dollars, typed « 2 000 000 $ », « 2000000 » or « $2,000,000 »."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        **NUMBER_ERRORS,
        "invalid": _("Saisissez un montant en dollars, par exemple 2 000 000 $."),
        "cents": _("Le montant est en dollars, sans cents : par exemple 2 000 000 $."),
    }

    def to_python(self, value: object) -> int | None:
        amount = self.read(value)
        if amount is None:
            return None
        if amount != amount.to_integral_value():
            raise ValidationError(self.error_messages["cents"], code="cents")
        return int(amount)


def formfield(
    db_field: models.Field, *, money_fields: tuple[str, ...] = (), **kwargs
) -> forms.Field | None:
    if isinstance(db_field, models.DecimalField):
        kwargs["form_class"] = NumberField
    if db_field.name in money_fields:
        kwargs["form_class"] = DollarsField
    if isinstance(db_field, models.BooleanField):
        kwargs["widget"] = forms.CheckboxInput(attrs={"class": "qc-choicefield"})
    if isinstance(db_field, models.DateField):
        kwargs["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    if isinstance(db_field, models.TextField):
        kwargs["widget"] = forms.Textarea(attrs={"rows": 6})
    if isinstance(db_field, models.ManyToManyField):
        kwargs["widget"] = forms.CheckboxSelectMultiple
    return db_field.formfield(**kwargs)


class VersionedForm(forms.ModelForm):
    """A model form that carries the version the person started from."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["expected_version"] = self.instance.version

    def validate_constraints(self) -> None:
        """Also the constraints that hold a record among its parent's (one amount per fiscal
        year of a benefit, one measurement per day of an indicator): the parent is set on the
        record, not chosen in the form, and a duplicate is said in the form rather than
        failing at the database."""
        parents = {
            f.name
            for f in self.instance._meta.concrete_fields
            if f.many_to_one and getattr(self.instance, f.attname) is not None
        }
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions() - parents)
        except ValidationError as error:
            self._update_errors(error)
