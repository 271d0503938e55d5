"""Security events: one structured log record (logger ``ptn.security``, JSON in production) and
one row of the « Journal de sécurité » each, from the signals of Django, django-allauth and
django-axes. ``record_role_change`` is the one way a role change is recorded: Django groups call
it today (``m2m_changed``), per-body role assignments will call it tomorrow."""

from __future__ import annotations

import logging
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, pre_save
from django.http import HttpRequest

from operations.logs import current_request_id
from security.models import SecurityEvent

logger = logging.getLogger("ptn.security")
Kind = SecurityEvent.Kind

# Session keys of the session's lifetime (security.middleware).
LOGIN_AT = "ptn_login_at"
SEEN_AT = "ptn_seen_at"


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def _current_request() -> HttpRequest | None:
    """The request being handled, if any (django-simple-history's middleware keeps it)."""
    from simple_history.models import HistoricalRecords

    return getattr(HistoricalRecords.context, "request", None)


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user=None,
    username: str = "",
    actor=None,
    **detail,
) -> SecurityEvent:
    """Write one security event to the log and to the journal."""
    if user is not None and not getattr(user, "pk", None):
        user = None
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        actor=actor,
        ip_address=_client_ip(request),
        request_id=current_request_id() if current_request_id() != "-" else "",
        detail=detail,
    )
    logger.info(
        "security %s %s",
        kind,
        event.username,
        extra={
            "security_event": kind,
            "username": event.username,
            "user_id": event.user_id,
            "actor_id": event.actor_id,
            "ip": event.ip_address,
            "detail": detail,
        },
    )
    return event


def record_role_change(*, user, role: str, granted: bool, actor=None, request=None) -> None:
    """A role granted to or taken from ``user`` (by ``actor``, the person signed in)."""
    request = request or _current_request()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    record(
        Kind.ROLE_ADDED if granted else Kind.ROLE_REMOVED,
        request=request,
        user=user,
        actor=actor,
        role=role,
    )


# --- Signal handlers ----------------------------------------------------------------------


def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, user) if request else []
    methods = [r.get("method") for r in records]
    record(Kind.LOGIN, request=request, user=user, methods=methods)


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        reason = getattr(request, "ptn_logout_reason", "")
        kind = Kind.SESSION_EXPIRED if reason else Kind.LOGOUT
        record(kind, request=request, user=user, **({"reason": reason} if reason else {}))


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or credentials.get("login") or "")
    detail = {"step": "mfa"} if credentials.get("mfa") else {}
    user = get_user_model().objects.filter(username=username).first() if username else None
    record(Kind.LOGIN_FAILED, request=request, user=user, username=username, **detail)


def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    user = get_user_model().objects.filter(username=username).first() if username else None
    record(Kind.LOCKOUT, request=request, user=user, username=username or "")


def _mfa_failed(sender, request, user, **kwargs) -> None:
    """A wrong MFA code counts as a failed login for django-axes (and the journal)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username(), "mfa": True}, request=request
    )


def _mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    record(Kind.MFA_ADDED, request=request, user=user, actor=request.user, type=authenticator.type)


def _mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    record(
        Kind.MFA_REMOVED, request=request, user=user, actor=request.user, type=authenticator.type
    )


def _mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    record(Kind.MFA_RESET, request=request, user=user, actor=request.user, type=authenticator.type)


def _signed_up(sender, request, user, **kwargs) -> None:
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        record(
            Kind.SSO_ACCOUNT_CREATED,
            request=request,
            user=user,
            provider=sociallogin.account.provider,
            subject=sociallogin.account.uid,
        )


def _password_changed(sender, request, user, **kwargs) -> None:
    record(Kind.PASSWORD_CHANGED, request=request, user=user, actor=request.user)


def _password_reset(sender, request, user, **kwargs) -> None:
    record(Kind.PASSWORD_RESET, request=request, user=user)


def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """Django groups are the roles today: each one added to or removed from an account."""
    User = get_user_model()
    if action == "pre_clear":
        # The set is about to be emptied: remember what it held (post_clear has no pk_set).
        if reverse:
            instance._ptn_cleared = list(instance.user_set.all())
        else:
            instance._ptn_cleared = list(instance.groups.all())
        return
    if action == "post_clear":
        pk_set = {obj.pk for obj in getattr(instance, "_ptn_cleared", [])}
        granted = False
    elif action in ("post_add", "post_remove"):
        granted = action == "post_add"
    else:
        return
    if not pk_set:
        return
    if reverse:  # group.user_set.add(...)
        for user in User.objects.filter(pk__in=pk_set):
            record_role_change(user=user, role=instance.name, granted=granted)
    else:  # user.groups.add(...)
        for group in Group.objects.filter(pk__in=pk_set):
            record_role_change(user=instance, role=group.name, granted=granted)


def _account_flags_changed(sender, instance, raw=False, **kwargs) -> None:
    """Administrator (superuser) and admin access (staff) are roles too."""
    update_fields = kwargs.get("update_fields")
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"is_superuser", "is_staff"} & set(update_fields):
        return  # e.g. the last login's date: nothing to compare
    before = sender.objects.filter(pk=instance.pk).values("is_superuser", "is_staff").first()
    if before is None:
        return
    for flag, role in (("is_superuser", "superutilisateur"), ("is_staff", "accès à l'admin")):
        if before[flag] != getattr(instance, flag):
            record_role_change(user=instance, role=role, granted=getattr(instance, flag))


def connect_signals() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals
    from axes.signals import user_locked_out

    User = get_user_model()
    user_logged_in.connect(_logged_in, dispatch_uid="ptn-security-login")
    user_logged_out.connect(_logged_out, dispatch_uid="ptn-security-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="ptn-security-login-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="ptn-security-lockout")
    mfa_signals.authentication_failed.connect(_mfa_failed, dispatch_uid="ptn-security-mfa-failed")
    mfa_signals.authenticator_added.connect(_mfa_added, dispatch_uid="ptn-security-mfa-added")
    mfa_signals.authenticator_removed.connect(_mfa_removed, dispatch_uid="ptn-security-mfa-rm")
    mfa_signals.authenticator_reset.connect(_mfa_reset, dispatch_uid="ptn-security-mfa-reset")
    account_signals.user_signed_up.connect(_signed_up, dispatch_uid="ptn-security-signup")
    account_signals.password_changed.connect(_password_changed, dispatch_uid="ptn-security-pw")
    account_signals.password_reset.connect(_password_reset, dispatch_uid="ptn-security-pw-reset")
    m2m_changed.connect(
        _groups_changed, sender=User.groups.through, dispatch_uid="ptn-security-groups"
    )
    pre_save.connect(_account_flags_changed, sender=User, dispatch_uid="ptn-security-flags")
