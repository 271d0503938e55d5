"""The portal's roles: this module names them once and answers every question about them.

A person holds roles **per public body** (coordinator for one, reader of another) through
`RoleAssignment` rows; two roles are global (no body): administrator, and the office of the
government's chief of digital transformation (« bureau du chef gouvernemental »), which reads
every body's transmitted editions and nothing else. Staff of a participating body read the plans
of its public body. Everything is read once per request and cached on the user object.

Editions are passed in duck-typed (``body_id``, ``status``): accounts knows nothing of the plan.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from accounts.models import BODY_ROLES as BODY_ROLES
from accounts.models import GLOBAL_ROLES as GLOBAL_ROLES
from accounts.models import (
    ParticipatingBody,
    PublicBody,
    Role,
    RoleAssignment,
    User,
)

READER = Role.READER
LEAD = Role.LEAD
COORDINATOR = Role.COORDINATOR
INFORMATION_DIRECTOR = Role.INFORMATION_DIRECTOR
HEAD = Role.HEAD
ACCESS_OFFICER = Role.ACCESS_OFFICER
ADMINISTRATOR = Role.ADMINISTRATOR
CGTN_OFFICE = Role.CGTN_OFFICE

ALL_ROLES = list(Role)

# An edition's status once the coordinator has recorded its transmission to the CGTN.
TRANSMITTED = "transmitted"

Person = User | AnonymousUser
BodyRef = PublicBody | int | None


def _body_id(body: BodyRef) -> int | None:
    return body.pk if isinstance(body, PublicBody) else body


def assignments(user: Person) -> dict[int | None, frozenset[str]]:
    """The person's roles by body id (None: the global roles); one query per request."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_ptn_roles", None)
    if cached is None:
        found: dict[int | None, set[str]] = {}
        rows = RoleAssignment.objects.filter(user=user).order_by().values_list("body_id", "role")
        for body_id, role in rows:
            found.setdefault(body_id, set()).add(role)
        cached = {body_id: frozenset(names) for body_id, names in found.items()}
        user._ptn_roles = cached
    return cached


def forget(user: Person) -> None:
    """Drop what was cached on the user object (after a role is granted or revoked)."""
    for name in ("_ptn_roles", "_ptn_participating_in"):
        if hasattr(user, name):
            delattr(user, name)


def role_names(user: Person, body: BodyRef) -> frozenset[str]:
    """The roles the person holds in ``body`` (a PublicBody or its id)."""
    body_id = _body_id(body)
    if body_id is None:
        return frozenset()
    return assignments(user).get(body_id, frozenset())


def global_role_names(user: Person) -> frozenset[str]:
    return assignments(user).get(None, frozenset())


def has_role(user: Person, role: str, body: BodyRef) -> bool:
    return user.is_active and role in role_names(user, body)


def holds_any(user: Person, roles: set[str] | frozenset[str]) -> bool:
    """Whether the person holds one of ``roles`` in any body (or globally)."""
    return any(names & roles for names in assignments(user).values())


def bodies_with(user: Person, roles: set[str] | frozenset[str]) -> set[int]:
    """The ids of the bodies in which the person holds one of ``roles``."""
    return {
        body_id
        for body_id, names in assignments(user).items()
        if body_id is not None and names & roles
    }


def _participating_in(user: Person) -> int | None:
    """The public body whose portfolio the person's participating body belongs to."""
    if not user.is_authenticated or user.participating_body_id is None:
        return None
    if not hasattr(user, "_ptn_participating_in"):
        user._ptn_participating_in = (
            ParticipatingBody.objects.filter(pk=user.participating_body_id)
            .values_list("public_body_id", flat=True)
            .first()
        )
    return user._ptn_participating_in


def bodies_of(user: Person) -> set[int]:
    """The ids of the bodies the person belongs to: a role there, or staff of a participating
    body of its portfolio. Their plans are the ones the person reads (whatever their status)."""
    bodies = {body_id for body_id in assignments(user) if body_id is not None}
    participating = _participating_in(user)
    if participating is not None:
        bodies.add(participating)
    return bodies


def reads_every_body(user: Person) -> bool:
    """Superusers and administrators read every body's plans (they edit none)."""
    return user.is_authenticated and (user.is_superuser or ADMINISTRATOR in global_role_names(user))


def reads_transmitted_editions(user: Person) -> bool:
    """The chief's office reads every body's transmitted editions."""
    return CGTN_OFFICE in global_role_names(user)


def can_read_any_plan(user: Person) -> bool:
    """Whether the person may read some plan at all (otherwise every plan page is refused)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return reads_every_body(user) or bool(assignments(user)) or bool(bodies_of(user))


def can_read_plan(user: Person, edition) -> bool:
    """Whether the person may read ``edition`` (anything with ``body_id`` and ``status``)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if reads_every_body(user) or edition.body_id in bodies_of(user):
        return True
    return edition.status == TRANSMITTED and reads_transmitted_editions(user)


def role_by_name(name: str, body: PublicBody | None = None) -> Role | None:
    """A role from its French name (« coordonnateur PTN »), its code (``coordinator``) or, in
    ``body``, the body's own title of its head or DI (« présidente-directrice générale »)."""
    wanted = name.strip().casefold()
    with translation.override("fr-ca"):
        for role in Role:
            if wanted in {role.value, str(role.label).casefold()}:
                return role
    if body is not None:
        for role in (HEAD, INFORMATION_DIRECTOR):
            if wanted == body.role_title(role).strip().casefold():
                return role
    return None
