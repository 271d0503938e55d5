"""Filters of the follow-up's pages."""

from decimal import Decimal

from django import template

from roadmap import formatting

register = template.Library()


@register.filter
def percent(share: Decimal | None) -> str:
    """A share as a signed percentage: 0.3 → « +30 % »."""
    if share is None:
        return "—"
    value = (Decimal(share) * 100).quantize(Decimal("1"))
    sign = "+" if value > 0 else ""
    return f"{sign}{formatting.decimal(value)} %"


@register.filter
def amount(value) -> str:
    """Whole dollars (« 1 300 000 $ »), or « — » when there is no value."""
    if value is None or value == "":
        return "—"
    return formatting.money(value)
