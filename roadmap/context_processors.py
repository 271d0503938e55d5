from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import PublicBody
from accounts.roles import can_read_any_plan
from roadmap.access import default_edition
from roadmap.models import Edition


@dataclass
class Switcher:
    """The header's switchers: the current body's editions, and the bodies the person reads
    (each with the edition to open), from one query of the editions the person may read."""

    editions: list[Edition] = field(default_factory=list)
    bodies: list[tuple[PublicBody, Edition]] = field(default_factory=list)


def _switcher(request: HttpRequest) -> Switcher:
    slug = (request.resolver_match.kwargs.get("body") if request.resolver_match else None) or ""
    visible = list(
        Edition.objects.visible_to(request.user)
        .select_related("body")
        .only("fiscal_year", "status", "body__slug", "body__acronym", "body__name")
    )
    by_body: dict[int, list[Edition]] = {}
    for edition in visible:
        by_body.setdefault(edition.body_id, []).append(edition)
    bodies = sorted(
        (
            (editions[0].body, default_edition(request.user, editions))
            for editions in by_body.values()
        ),
        key=lambda pair: pair[0].name,
    )
    return Switcher(
        editions=[e for e in visible if e.body.slug == slug],
        bodies=bodies,
    )


def editions(request: HttpRequest) -> dict:
    """The header's switchers (lazily evaluated: pages without them cost no query)."""
    if not can_read_any_plan(request.user):
        return {}
    switcher = SimpleLazyObject(lambda: _switcher(request))
    return {"switcher": switcher}
