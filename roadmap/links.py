"""Links to an edition's pages: the one place that knows what identifies an edition in a URL —
its public body's slug, then its fiscal year (``/plan/meie/2024-2025/…``).

Templates use ``{% plan_url 'roadmap:section' edition section.key %}`` (roadmap/templatetags/
ptn.py) and Python ``plan_url("roadmap:section", edition, key)``. The edition's body must be
loaded with it (``select_related("body")``): a link costs no query.
"""

from django.urls import reverse


def plan_url(name: str, edition, *args) -> str:
    """The URL named ``name`` of ``edition`` (its own arguments after the edition's)."""
    return reverse(name, args=[edition.body.slug, edition.fiscal_year, *args])


def body_url(name: str, body, *args) -> str:
    """A page of a public body (``/plan/meie/``, its editions and how to start one)."""
    return reverse(name, args=[body.slug, *args])
