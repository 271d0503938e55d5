"""Template filters shared by the plan's pages (and the PDF report)."""

from django import template

from roadmap import formatting
from roadmap.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str, id_prefix: object = "md"):
    return render_markdown(text, id_prefix=str(id_prefix))


@register.filter
def money(amount):
    return formatting.money(amount)


@register.filter
def money_short(amount):
    return formatting.money_short(amount)


@register.filter
def long_date(value):
    return formatting.long_date(value)


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if mapping else None
