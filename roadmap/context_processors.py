from django.http import HttpRequest

from accounts.roles import can_read_plan
from roadmap.models import Edition


def editions(request: HttpRequest) -> dict:
    """Every edition, for the switcher in the header (one small query, lazily evaluated)."""
    if not can_read_plan(request.user):
        return {}
    return {"all_editions": Edition.objects.only("fiscal_year", "status").order_by("-fiscal_year")}
