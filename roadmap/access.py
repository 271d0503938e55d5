"""Who may read and who may edit the plan, checked in every view (never only by hiding links)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts import roles
from accounts.models import User
from accounts.roles import can_read_plan, role_names
from roadmap.models import Edition


def plan_reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login is enforced by LoginRequiredMiddleware; this adds « has a role in the plan »."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_read_plan(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_edition(fiscal_year: str) -> Edition:
    return get_object_or_404(Edition, fiscal_year=fiscal_year)


def is_coordinator(user: User | AnonymousUser) -> bool:
    return user.is_active and roles.COORDINATOR in role_names(user)


def can_edit_edition(user: User | AnonymousUser, edition: Edition) -> bool:
    """The PTN coordinator edits everything in an edition whose content may still change."""
    return edition.is_content_editable and is_coordinator(user)


def can_edit_initiative(user: User | AnonymousUser, initiative) -> bool:
    """The coordinator, or the initiative's own lead (who holds the lead role)."""
    edition = initiative.edition
    if not edition.is_content_editable or not user.is_authenticated:
        return False
    if is_coordinator(user):
        return True
    return user.is_active and initiative.lead_id == user.pk and roles.LEAD in role_names(user)
