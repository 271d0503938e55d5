"""What the portal decides about who must do what to get in. Roles are read through
``accounts.roles``: a role held in any public body counts."""

from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts import roles
from accounts.models import User

# Roles that approve, sign, decide what leaves the body (the access officer: releases, with the
# applicants' names) or administer: a local account holding one must use MFA.
MFA_ROLES = frozenset(
    {
        roles.COORDINATOR,
        roles.INFORMATION_DIRECTOR,
        roles.HEAD,
        roles.ADMINISTRATOR,
        roles.ACCESS_OFFICER,
    }
)


def requires_mfa(user: User | AnonymousUser) -> bool:
    """Whether this account must use a second factor when it signs in with a local password.

    The coordinator, the DI, the head of the body (deputy minister…) in any body,
    administrators and anyone who reaches the admin. Demo accounts (DEBUG on only) are exempt, so that the demo stays easy to try; single
    sign-on relies on the identity provider's own MFA (see the README).
    """
    if not user.is_authenticated:
        return False
    if user.is_demo and settings.DEBUG:
        return False
    return user.is_superuser or user.is_staff or roles.holds_any(user, MFA_ROLES)


def client_ip(request: HttpRequest) -> str | None:
    """The address a request counts as, for django-axes's lockouts, allauth's rate limits and
    the security journal alike: REMOTE_ADDR, or behind the TLS proxy (BEHIND_TLS_PROXY) the
    address the proxy put last in X-Forwarded-For (ALLAUTH_TRUSTED_PROXY_COUNT), never one a
    client wrote there itself."""
    try:
        return get_account_adapter().get_client_ip(request)
    except PermissionDenied:
        return None
