"""Security events: one structured log record (logger ``ptn.security``, JSON in production) and
one row of the « Journal de sécurité » each, from the signals of Django, django-allauth and
django-axes. ``record_role_change`` is the one way a role change is recorded: every role
assignment saved or deleted (``accounts.RoleAssignment``, whichever path: the services behind the
admin and the commands, the admin's forms) and the administrator and staff flags call it."""

from __future__ import annotations

import logging
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest
from django.utils import translation

from accounts.models import PublicBody, Role, RoleAssignment
from operations.logs import current_request_id
from security.models import SecurityEvent
from security.policy import client_ip

logger = logging.getLogger("ptn.security")
Kind = SecurityEvent.Kind

# Session keys of the session's lifetime (security.middleware).
LOGIN_AT = "ptn_login_at"
SEEN_AT = "ptn_seen_at"


def _client_ip(request: HttpRequest | None) -> str | None:
    return None if request is None else client_ip(request)


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


def record_role_change(
    *, user, role: str, granted: bool, actor=None, request=None, body: str = ""
) -> None:
    """A role granted to or taken from ``user`` (by ``actor``, else the person signed in), in
    ``body`` (its acronym; empty for a global role)."""
    request = request or _current_request()
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    detail = {"role": role, **({"body": body} if body else {})}
    record(
        Kind.ROLE_ADDED if granted else Kind.ROLE_REMOVED,
        request=request,
        user=user,
        actor=actor,
        **detail,
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


def _role_name(role: str) -> str:
    """The role's French name, as the journal has always written it (« coordonnateur PTN »)."""
    with translation.override("fr-ca"):
        return str(Role(role).label) if role in Role.values else role


def _record_assignment(values: tuple, *, granted: bool, actor) -> None:
    user_id, body_id, role = values
    User = get_user_model()
    user = User.objects.filter(pk=user_id).first()
    acronym = ""
    if body_id is not None:
        acronym = PublicBody.objects.filter(pk=body_id).values_list("acronym", flat=True).first()
    record_role_change(
        user=user, role=_role_name(role), granted=granted, actor=actor, body=acronym or ""
    )


def _values(assignment) -> tuple:
    return (assignment.user_id, assignment.body_id, assignment.role)


def _role_before_save(sender, instance, raw=False, **kwargs) -> None:
    """A change of an existing assignment (in the admin) is a role taken and another given."""
    if raw or instance.pk is None:
        return
    instance._ptn_before = (
        sender.objects.filter(pk=instance.pk).values_list("user_id", "body_id", "role").first()
    )


def _role_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    actor = getattr(instance, "_ptn_actor", None)
    before = getattr(instance, "_ptn_before", None)
    if not created and (before is None or before == _values(instance)):
        return
    if before is not None:
        _record_assignment(before, granted=False, actor=actor)
    _record_assignment(_values(instance), granted=True, actor=actor)


def _role_deleted(sender, instance, origin=None, **kwargs) -> None:
    if isinstance(origin, get_user_model()):
        return  # the account itself is deleted: no role change to record for it
    _record_assignment(
        _values(instance), granted=False, actor=getattr(instance, "_ptn_actor", None)
    )


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
    pre_save.connect(_role_before_save, sender=RoleAssignment, dispatch_uid="ptn-security-role-")
    post_save.connect(_role_saved, sender=RoleAssignment, dispatch_uid="ptn-security-role+")
    post_delete.connect(_role_deleted, sender=RoleAssignment, dispatch_uid="ptn-security-role-x")
    pre_save.connect(_account_flags_changed, sender=User, dispatch_uid="ptn-security-flags")
