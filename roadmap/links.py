"""Links to an edition's pages: the one place that knows what identifies an edition in a URL.

Templates use ``{% plan_url 'roadmap:section' edition section.key %}`` (roadmap/templatetags/
ptn.py) and Python ``plan_url("roadmap:section", edition, key)``, so a change of the URL's shape
(e.g. the body in the path) is made here only.
"""

from django.urls import reverse


def plan_url(name: str, edition, *args) -> str:
    """The URL named ``name`` of ``edition`` (its own arguments after the edition's)."""
    return reverse(name, args=[edition.fiscal_year, *args])
