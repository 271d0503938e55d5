"""Markdown of the plan's narrative text → sanitised HTML (web pages and, later, the PDF)."""

import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "blockquote",
    "ul",
    "ol",
    "li",
    "sup",
    "div",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "li": {"id"},
    "sup": {"id"},
    "ol": {"start"},
    "th": {"scope"},
}
# Only the footnote markup's own classes (the PDF hides the back-links by class).
ALLOWED_CLASSES = {
    "a": {"footnote-ref", "footnote-backref"},
    "div": {"footnote"},
}
# No image at all (no remote fetch), no style, no script; links only to the web or a footnote.
URL_SCHEMES = {"https", "http", "mailto"}


def render_markdown(text: str, *, id_prefix: str = "md", figures=None) -> SafeString:
    """Render user-written Markdown; ``id_prefix`` keeps footnote anchors unique on a page.

    ``figures`` (roadmap.figures.EditionFigures) replaces the figures the text quotes by name,
    after sanitising; templates do the same with ``|markdown:key|figures:figures``.
    """
    if not text:
        return mark_safe("")  # an empty string: nothing to escape
    html = markdown.markdown(
        text,
        extensions=["footnotes", "sane_lists"],
        extension_configs={"footnotes": {"BACKLINK_TEXT": "↩", "BACKLINK_TITLE": ""}},
        output_format="html",
        tab_length=2,  # nested lists are indented by two spaces in the plan's text
    )
    html = html.replace('id="fn:', f'id="{id_prefix}-fn:').replace(
        'href="#fn:', f'href="#{id_prefix}-fn:'
    )
    html = html.replace('id="fnref:', f'id="{id_prefix}-fnref:').replace(
        'href="#fnref:', f'href="#{id_prefix}-fnref:'
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        allowed_classes=ALLOWED_CLASSES,
        strip_comments=True,
    )
    if figures is not None:
        return figures.replace(clean)  # escapes what it inserts
    # Safe: the HTML above went through nh3 with an allow-list (see tests/test_models.py).
    return mark_safe(clean)  # noqa: S308


HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")


def shift_headings(html: str, levels: int, *, top: int) -> str:
    """``html`` with every heading tag moved ``levels`` levels (negative: up), never above
    ``top`` nor below h6: a text written under the report's section title (an h2 or h3) shown
    on a page of its own, where that title is the h1. Only tag names change, attributes stay:
    what was safe stays safe."""

    def move(match: re.Match) -> str:
        return f"<{match[1]}h{min(6, max(top, int(match[2]) + levels))}"

    return HEADING_TAG.sub(move, html)
