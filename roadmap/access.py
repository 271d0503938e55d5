"""Who may read and who may edit a plan, checked in every view (never only by hiding links).

Every check is about one edition, hence one public body: a person's roles are per body
(accounts/roles.py). A plan page finds its edition with `get_edition`, which 404s for an edition
the person may not read (another body's plan looks like one that does not exist).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts import roles
from accounts.models import PublicBody, User
from accounts.roles import can_read_any_plan
from roadmap.models import Edition


def plan_reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login is enforced by LoginRequiredMiddleware; this adds « may read some plan » (a role in
    a body, staff of a participating body, the chief's office, an administrator)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_read_any_plan(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_edition(request: HttpRequest, body: str, fiscal_year: str) -> Edition:
    """The edition of ``body`` (its slug) and ``fiscal_year``, if the person may read it (404
    otherwise: whether another body's edition exists is not told)."""
    return get_object_or_404(
        Edition.objects.visible_to(request.user).select_related("body"),
        body__slug=body,
        fiscal_year=fiscal_year,
    )


# Those who work on a body's plan land on its edition in preparation; readers on the approved one.
WORKING_ROLES = {roles.COORDINATOR, roles.LEAD, roles.INFORMATION_DIRECTOR, roles.HEAD}


def default_edition(user: User | AnonymousUser, editions: list[Edition]) -> Edition | None:
    """Which of one body's editions (newest first) the person opens: the newest for those who
    work on the plan, the newest approved (or transmitted) one for readers."""
    if not editions:
        return None
    if roles.role_names(user, editions[0].body_id) & WORKING_ROLES:
        return editions[0]
    published = [Edition.Status.APPROVED, Edition.Status.TRANSMITTED]
    return next((e for e in editions if e.status in published), editions[0])


def _body_of(where: Edition | PublicBody | int) -> int:
    if isinstance(where, Edition):
        return where.body_id
    if isinstance(where, PublicBody):
        return where.pk
    return where


def is_coordinator(user: User | AnonymousUser, where: Edition | PublicBody | int) -> bool:
    """The PTN coordinator of the body of ``where`` (an edition, a body or its id)."""
    return roles.has_role(user, roles.COORDINATOR, _body_of(where))


def _editable(edition: Edition, follow_up: bool) -> bool:
    """Content may change; or, for ``follow_up``, the edition is approved and followed."""
    return edition.is_content_editable or (follow_up and edition.is_followed_up)


def can_edit_edition(user: User | AnonymousUser, edition: Edition, *, follow_up=False) -> bool:
    """The body's PTN coordinator edits everything in an edition whose content may still change
    (with ``follow_up``: also the follow-up of an approved one)."""
    return _editable(edition, follow_up) and is_coordinator(user, edition)


def can_edit_initiative(user: User | AnonymousUser, initiative, *, follow_up=False) -> bool:
    """The body's coordinator, or the initiative's own lead (who holds the lead role there)."""
    edition = initiative.edition
    if not _editable(edition, follow_up) or not user.is_authenticated:
        return False
    if is_coordinator(user, edition):
        return True
    return initiative.lead_id == user.pk and roles.has_role(user, roles.LEAD, edition.body_id)
