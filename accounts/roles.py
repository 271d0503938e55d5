"""The portal's roles are Django groups; this module names them once."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

READER = "lecteur"
LEAD = "responsable d'initiative"
COORDINATOR = "coordonnateur PTN"
INFORMATION_DIRECTOR = "dirigeante de l'information"
DEPUTY_MINISTER = "sous-ministre"
ADMINISTRATOR = "administrateur"

ALL_ROLES = [READER, LEAD, COORDINATOR, INFORMATION_DIRECTOR, DEPUTY_MINISTER, ADMINISTRATOR]


def role_names(user: User | AnonymousUser) -> set[str]:
    """The user's role names, read once per request and cached on the user object."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_ptn_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._ptn_roles = cached
    return cached


def can_read_plan(user: User | AnonymousUser) -> bool:
    """Anyone with a role, or the staff of a participating body, may read the plan."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.body_id is not None or bool(role_names(user))
