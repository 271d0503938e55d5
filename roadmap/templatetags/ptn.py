"""Template filters shared by the plan's pages (and the PDF report)."""

from django import template

from roadmap import formatting
from roadmap.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str, id_prefix: object = "md"):
    return render_markdown(text, id_prefix=str(id_prefix))


@register.filter(is_safe=True)
def figures(html: str, edition_figures):
    """``{{ text|markdown:key|figures:figures }}``: the figures the text quotes by name
    (roadmap/figures.py), replaced in the sanitised HTML; unchanged without figures."""
    if edition_figures is None or not html:
        return html
    return edition_figures.replace(html)


@register.filter
def money(amount):
    return formatting.money(amount)


@register.filter
def money_short(amount):
    return formatting.money_short(amount)


@register.filter
def number(value, places=None):
    """« 1,14 » / « 1.14 »; ``number:2`` keeps exactly two decimals (« 3,00 »)."""
    if value is None or value == "":
        return ""
    return formatting.decimal(value, places=int(places) if places not in (None, "") else None)


@register.filter
def long_date(value):
    return formatting.long_date(value)


@register.filter
def long_datetime(value):
    return formatting.long_datetime(value)


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if mapping else None
