"""Numbers, money and dates as a Québec reader expects them (DOMAIN.md), in the active language."""

import datetime
import re
from decimal import Decimal

from babel.dates import format_date, format_time
from babel.numbers import format_compact_decimal, format_currency, format_decimal
from django.utils import timezone, translation

NBSP = "\u00a0"


def babel_locale() -> str:
    language = translation.get_language() or "fr-ca"
    return "en_CA" if language.startswith("en") else "fr_CA"


def is_words(value: object) -> bool:
    """A value that is already what a reader sees (safe text, e.g. the marker of withheld
    information in a released plan, releases/redaction.py): shown as it is, never formatted."""
    return isinstance(value, str) and hasattr(value, "__html__")


def money(amount: int | Decimal | None) -> str:
    """2000000 → « 2 000 000 $ » (whole dollars; the plan never shows cents)."""
    if is_words(amount):
        return amount
    if amount is None:
        return ""
    locale = babel_locale()
    pattern = "¤#,##0" if locale.startswith("en") else f"#,##0{NBSP}¤"
    return format_currency(amount, "CAD", format=pattern, locale=locale, currency_digits=False)


def money_short(amount: int | Decimal | None) -> str:
    """2000000 → « 2 M$ », 105000 → « 105 k$ » (the plan's short form)."""
    if is_words(amount):
        return amount
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
    if is_words(value):
        return value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    locale = babel_locale()
    text = format_date(value, format="long", locale=locale)
    if locale.startswith("fr") and value.day == 1:
        text = "1er" + text[1:]
    return text


def long_datetime(value: datetime.datetime | None) -> str:
    """« 1er décembre 2025, 14 h 05 » (fr), « December 1, 2025, 2:05 p.m. » (en), local time."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    if babel_locale().startswith("fr"):
        time = f"{value.hour}\u00a0h\u00a0{value.minute:02d}"
    else:
        time = format_time(value, format="short", locale="en_CA")
    return f"{long_date(value)}, {time}"


def decimal(value: Decimal | int | None, places: int | None = None) -> str:
    """« 2,3 », « 1 234,5 » in French, « 2.3 », « 1,234.5 » in English.

    Without ``places`` the trailing zeros of the fraction are dropped (38.50 → « 38,5 »);
    with it the fraction has exactly that many digits (a score of 3 → « 3,00 »).
    """
    if is_words(value):
        return value
    if value is None:
        return ""
    locale = babel_locale()
    if places is None:
        return format_decimal(value, locale=locale, decimal_quantization=False)
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=locale)


# Reading numbers typed by a person. A Québec user writes « 38,5 » and « 1 234,5 » (space,
# no-break space or narrow no-break space between thousands), sometimes « 1234.5 », and a
# dollar sign before or after. What « 1,234 » means depends on the interface's language:
#   - in French the comma marks the decimals, so « 1,234 » would be 1.234; since a French
#     writer may also have meant one thousand two hundred and thirty-four (the English
#     habit), a single comma or dot followed by exactly three digits is refused as ambiguous
#     (« écrivez 1 234 ou 1,23 »); « 1,234.5 » and « 1.234,5 » are refused too;
#   - in English the comma groups thousands (« 1,234 » is 1234, « 1,234.5 » is 1234.5) and
#     the dot marks the decimals; a comma followed by anything but groups of three digits
#     can only be a decimal comma (« 38,5 » is 38.5), as in the French form.
# A value is never guessed: anything else is refused with a message, so nothing is stored
# ten or a hundred times off.
SPACES = " \u00a0\u202f\u2009"
MINUS_SIGNS = "-\u2212"
_PLAIN = r"\d+"
_SPACED = r"\d{1,3}(?: \d{3})+"
_COMMA_GROUPED = r"\d{1,3}(?:,\d{3})+"
_ONE_SEPARATOR = re.compile(rf"(?P<int>{_SPACED}|{_PLAIN})(?:(?P<sep>[.,])(?P<frac>\d+))?")
_ENGLISH_GROUPS = re.compile(rf"(?P<int>{_COMMA_GROUPED})(?:\.(?P<frac>\d+))?")


class NumberError(ValueError):
    """A typed number that cannot be read without guessing; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code  # "invalid" or "ambiguous"


def parse_decimal(text: str, *, language: str | None = None) -> Decimal:
    """The value of a number typed in the interface's ``language`` (default: the active one).

    Raises NumberError("invalid") for what is not a number and NumberError("ambiguous") for
    what could be read two ways (see above).
    """
    english = (language or translation.get_language() or "fr").startswith("en")
    value = text.strip()
    negative = value[:1] in MINUS_SIGNS
    if negative:
        value = value[1:].lstrip()
    value = value.removesuffix("$").rstrip() if value.endswith("$") else value
    value = value.removeprefix("$").lstrip() if value.startswith("$") else value
    for space in SPACES[1:]:
        value = value.replace(space, " ")
    match = _ONE_SEPARATOR.fullmatch(value)
    if match:
        whole, separator, fraction = match["int"], match["sep"], match["frac"] or ""
        thousands_like = (
            separator is not None and len(fraction) == 3 and re.fullmatch(r"\d{1,3}", whole)
        )
        if thousands_like and separator == "," and english:
            whole, fraction = whole + fraction, ""  # « 1,234 » in English: 1234
        elif thousands_like and not english:
            raise NumberError("ambiguous")
        number = whole.replace(" ", "") + (f".{fraction}" if fraction else "")
    elif english and (match := _ENGLISH_GROUPS.fullmatch(value)):
        fraction = match["frac"]
        number = match["int"].replace(",", "") + (f".{fraction}" if fraction else "")
    elif _ENGLISH_GROUPS.fullmatch(value):
        raise NumberError("ambiguous")  # « 1,234,567 » or « 1,234.5 » in French
    else:
        raise NumberError("invalid")
    result = Decimal(number)
    return -result if negative else result
