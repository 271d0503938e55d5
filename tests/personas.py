from django.test import Client

from accounts.models import GLOBAL_ROLES, PublicBody, User
from accounts.services import role_grant


def client_for(username: str) -> Client:
    """Log in as the demo account's persona. Demo accounts only work with DEBUG on (tests run
    with it off), so the persona is the same account made a regular one for this test."""
    user = User.objects.get(username=username)
    user.is_demo = False
    user.save(update_fields=["is_demo"])
    client = Client()
    client.force_login(user)
    return client


def give_roles(user: User, *role_names: str, body: str = "meie") -> User:
    """Give ``user`` these roles in the body of slug ``body`` (global roles: no body), as the
    administrators' pages and ``grant_role`` do."""
    public_body = PublicBody.objects.get(slug=body)
    for role in role_names:
        role_grant(user=user, role=role, body=None if role in GLOBAL_ROLES else public_body)
    return user
