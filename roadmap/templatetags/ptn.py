"""Template filters shared by the plan's pages (and the PDF report)."""

from django import template
from django.utils import timezone

from roadmap import formatting, links
from roadmap.markdown import render_markdown, shift_headings

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


@register.filter(is_safe=True)
def page_headings(html: str, section_level: int = 1):
    """Headings of a section's text, renumbered for the section's own page.

    The text is written for the report, where a level-1 section is an h2 (its subheadings
    h3) and a level-2 one an h3 (subheadings h4); on the section's page its title is the h1,
    so its subheadings start at h2.
    """
    if not html:
        return html
    # is_safe: Django keeps the result safe only if the input was (Markdown sanitised, or
    # escaped); only tag names change. Plain text stays plain and is escaped.
    return shift_headings(str(html), -int(section_level or 1), top=2)


@register.simple_tag
def plan_url(name: str, edition, *args) -> str:
    """``{% plan_url 'roadmap:section' edition section.key %}``: a page of ``edition``."""
    return links.plan_url(name, edition, *args)


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
def iso_datetime(value) -> str:
    """For <time datetime>: ISO 8601 to the second (HTML allows at most 3 decimal digits)."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if mapping else None
