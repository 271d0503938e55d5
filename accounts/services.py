"""Creating public bodies, and granting and revoking roles: what the administrators' pages and
the commands (create_body, grant_role, revoke_role) do, in one place.

A role granted or revoked is kept in the assignments' history (who, when) and in the security
journal: `security` records every saved or deleted `RoleAssignment` (accounts may not import
it), with the person passed here as ``by`` or, in a request, the person signed in.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import (
    GLOBAL_ROLES,
    ParticipatingBody,
    PublicBody,
    Role,
    RoleAssignment,
    User,
)

DEFAULT_HEAD_TITLE = {PublicBody.Kind.MINISTRY: "sous-ministre"}


def default_name_in_sentence(name: str) -> str:
    """« Ministère de l'Économie… » → « du ministère de l'Économie… »; other names need their
    own (« de la Régie… », « du Fonds… »): French articles are not guessed."""
    if name.startswith("Ministère "):
        return "du m" + name[1:]
    return ""


def default_diffusion(name_in_sentence: str) -> str:
    return (
        f"Diffusion limitée : personnel {name_in_sentence} et organismes participants de son "
        "portefeuille; transmis au chef gouvernemental de la transformation numérique "
        "(art. 12.8 LGGRI)."
    )


@transaction.atomic
def body_create(
    *,
    acronym: str,
    name: str,
    kind: str = PublicBody.Kind.MINISTRY,
    head_title: str = "",
    information_director_title: str = "dirigeante de l'information",
    name_in_sentence: str = "",
    diffusion: str = "",
    slug: str = "",
    participating: list[tuple[str, str]] | tuple = (),
) -> PublicBody:
    """A new public body (validated: a French message names each problem), with the
    participating bodies of its portfolio as (acronym, name) pairs."""
    name_in_sentence = name_in_sentence or default_name_in_sentence(name)
    body = PublicBody(
        acronym=acronym.strip(),
        slug=slug or slugify(acronym),
        name=name.strip(),
        name_in_sentence=name_in_sentence,
        kind=kind,
        head_title=head_title or DEFAULT_HEAD_TITLE.get(kind, ""),
        information_director_title=information_director_title,
        diffusion=diffusion or (default_diffusion(name_in_sentence) if name_in_sentence else ""),
    )
    body.full_clean()
    body.save()
    for participating_acronym, participating_name in participating:
        member = ParticipatingBody(
            public_body=body, acronym=participating_acronym.strip(), name=participating_name.strip()
        )
        member.full_clean()
        member.save()
    return body


def _check_scope(role: str, body: PublicBody | None) -> None:
    if role not in Role.values:
        raise ValidationError(_("Rôle inconnu : « %(role)s ».") % {"role": role})
    if role in GLOBAL_ROLES and body is not None:
        raise ValidationError(
            _("« %(role)s » est un rôle global : il ne se donne pas dans un organisme.")
            % {"role": Role(role).label}
        )
    if role not in GLOBAL_ROLES and body is None:
        raise ValidationError(
            _("« %(role)s » se donne dans un organisme : précisez lequel.")
            % {"role": Role(role).label}
        )


@transaction.atomic
def role_grant(
    *, user: User, role: str, body: PublicBody | None = None, by: User | None = None
) -> tuple[RoleAssignment, bool]:
    """Give ``user`` the role in ``body`` (None for a global role); (assignment, created).
    Granting a role the person already holds changes nothing."""
    _check_scope(role, body)
    found = RoleAssignment.objects.filter(user=user, body=body, role=role).first()
    if found is not None:
        return found, False
    assignment = RoleAssignment(user=user, body=body, role=role)
    assignment._ptn_actor = by  # for the security journal
    if by is not None:
        assignment._history_user = by
    assignment.save()
    roles.forget(user)
    return assignment, True


@transaction.atomic
def role_revoke(
    *, user: User, role: str, body: PublicBody | None = None, by: User | None = None
) -> bool:
    """Take the role in ``body`` from ``user``; False when they did not hold it."""
    _check_scope(role, body)
    found = RoleAssignment.objects.filter(user=user, body=body, role=role).first()
    if found is None:
        return False
    found._ptn_actor = by
    if by is not None:
        found._history_user = by
    found.delete()
    roles.forget(user)
    return True
