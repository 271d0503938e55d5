from django.conf import settings
from django.http import HttpRequest

from security.events import LOGIN_AT


def session_lifetime(request: HttpRequest) -> dict:
    """For the warning before a session ends (static/js/session.js): its limits, in seconds."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    login_at = request.session.get(LOGIN_AT)
    return {
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_ends_at": int(login_at + settings.SESSION_ABSOLUTE_LIFETIME) if login_at else "",
    }
