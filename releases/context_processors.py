from django.http import HttpRequest

from accounts import roles


def release_roles(request: HttpRequest) -> dict:
    """The bodies where the person opens releases (access officer) or publishes (coordinator),
    for the header's links; read from the roles already loaded for the request (no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "release_bodies": {
            "officer": roles.bodies_with(user, {roles.ACCESS_OFFICER}),
            "coordinator": roles.bodies_with(user, {roles.COORDINATOR}),
        }
    }
