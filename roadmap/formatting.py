"""Numbers, money and dates as a Québec reader expects them (DOMAIN.md), in the active language."""

import datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_currency, format_decimal
from django.utils import timezone, translation

NBSP = "\u00a0"


def babel_locale() -> str:
    language = translation.get_language() or "fr-ca"
    return "en_CA" if language.startswith("en") else "fr_CA"


def money(amount: int | Decimal | None) -> str:
    """2000000 → « 2 000 000 $ » (whole dollars; the plan never shows cents)."""
    if amount is None:
        return ""
    locale = babel_locale()
    pattern = "¤#,##0" if locale.startswith("en") else f"#,##0{NBSP}¤"
    return format_currency(amount, "CAD", format=pattern, locale=locale, currency_digits=False)


def money_short(amount: int | Decimal | None) -> str:
    """2000000 → « 2 M$ », 105000 → « 105 k$ » (the plan's short form)."""
    if amount is None:
        return ""
    locale = babel_locale()
    compact = format_compact_decimal(amount, format_type="short", locale=locale, fraction_digits=2)
    if locale.startswith("en"):
        return f"${compact}"
    # Babel writes « 2 M » ; the plan writes « 2 M$ » with the sign glued to the unit.
    return f"{compact}$" if compact[-1].isalpha() else f"{compact}{NBSP}$"


def long_date(value: datetime.date | None) -> str:
    """« 31 mars 2027 », « 1er avril 2026 » (the ordinal for the first, as French requires)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    locale = babel_locale()
    text = format_date(value, format="long", locale=locale)
    if locale.startswith("fr") and value.day == 1:
        text = "1er" + text[1:]
    return text


def decimal(value: Decimal) -> str:
    """« 2,3 » in French, « 2.3 » in English."""
    return format_decimal(value, locale=babel_locale())
