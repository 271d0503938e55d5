"""Request-level guards: body size, the session's lifetime, no-store, MFA enrolment."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from security.events import LOGIN_AT, SEEN_AT
from security.policy import requires_mfa


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """A redirect the browser follows, also for an htmx request (a whole-page navigation)."""
    if request.headers.get("HX-Request") == "true":  # before django-htmx's middleware runs
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


class RequestSizeLimitMiddleware:
    """Refuses (413) a body larger than allowed from its ``Content-Length``, before anything
    reads it: ``REQUEST_MAX_BYTES`` for a signed-in person (the import's limit and its form),
    ``ANONYMOUS_REQUEST_MAX_BYTES`` without a session. A body without ``Content-Length`` is not
    read by Django at all (WSGI)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ANONYMOUS_REQUEST_MAX_BYTES:
            authenticated = request.user.is_authenticated
            limit = (
                settings.REQUEST_MAX_BYTES
                if authenticated
                else settings.ANONYMOUS_REQUEST_MAX_BYTES
            )
            if length > limit:
                response = render(request, "413.html", {"limit": limit}, status=413)
                response["Connection"] = "close"  # the unread body is not kept on the line
                return response
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """Ends a session idle for ``SESSION_IDLE_TIMEOUT`` seconds, or older than
    ``SESSION_ABSOLUTE_LIFETIME`` since login, and sends the person to the login page. Activity
    is written to the session at most every few minutes (not a write per request)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            now = time.time()
            login_at = session.get(LOGIN_AT)
            seen_at = session.get(SEEN_AT)
            if login_at is None or seen_at is None:
                session[LOGIN_AT] = login_at = login_at or now
                session[SEEN_AT] = seen_at = now
            if now - login_at > settings.SESSION_ABSOLUTE_LIFETIME:
                return self._expire(request, "absolute")
            if now - seen_at > settings.SESSION_IDLE_TIMEOUT:
                return self._expire(request, "idle")
            if now - seen_at > max(60, settings.SESSION_IDLE_TIMEOUT // 10):
                session[SEEN_AT] = now
        return self.get_response(request)

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        request.ptn_logout_reason = reason
        logout(request)
        if reason == "idle":
            message = _(
                "Votre session a pris fin après %(minutes)s minutes d'inactivité : "
                "reconnectez-vous."
            ) % {"minutes": settings.SESSION_IDLE_TIMEOUT // 60}
        else:
            message = _(
                "Votre session a atteint sa durée maximale de %(hours)s heures : reconnectez-vous."
            ) % {"hours": round(settings.SESSION_ABSOLUTE_LIFETIME / 3600, 1)}
        messages.info(request, message)
        if request.headers.get("HX-Request") == "true" or request.method != "GET":
            return _redirect(request, f"{reverse(settings.LOGIN_URL)}")
        return redirect_to_login(request.get_full_path())


class NoStoreMiddleware:
    """What a signed-in person sees (pages, fragments, downloads) is never stored by the
    browser or a proxy: ``Cache-Control: no-store`` (and the rest of never_cache)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


# Pages a person who must enrol can still reach: their account's pages (MFA, password, logout),
# the language switch, health checks and static files.
ENROLMENT_OPEN_PREFIXES = ("/compte/", "/deconnexion/", "/langue/", "/sante/", "/static/")


# A successful POST to these (adding an authenticator app, a security key, recovery codes).
ROTATE_AFTER_PREFIXES = ("/compte/2fa/totp/activate/", "/compte/2fa/webauthn/add/")


class MFAEnrolmentMiddleware:
    """A person who signed in with a local password, and whose roles require MFA
    (``policy.requires_mfa``), is sent to the authenticator app's enrolment page until they
    have a second factor; from then on allauth asks for it at every login."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(ENROLMENT_OPEN_PREFIXES)
            and _signed_in_with_password(request)
            and requires_mfa(request.user)
        ):
            from allauth.mfa.utils import is_mfa_enabled

            if not is_mfa_enabled(request.user):
                messages.warning(
                    request,
                    _(
                        "Vos rôles demandent une authentification à deux facteurs : "
                        "configurez une application d'authentification pour continuer."
                    ),
                )
                return _redirect(request, reverse("mfa_activate_totp"))
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code == 302
            and request.path.startswith(ROTATE_AFTER_PREFIXES)
            and request.user.is_authenticated
        ):
            # A factor was added: what the session proves changed, so it gets a new key (a
            # key seen before cannot be fixed on the person).
            request.session.cycle_key()
        return response


def _signed_in_with_password(request: HttpRequest) -> bool:
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, request.user)
    return any(r.get("method") == "password" for r in records)
