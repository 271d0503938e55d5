"""Who may read the plan, checked in every view (never only by hiding links)."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.roles import can_read_plan
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
