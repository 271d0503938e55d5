from django.test import Client

from accounts.models import User


def client_for(username: str) -> Client:
    """Log in as the demo account's persona. Demo accounts only work with DEBUG on (tests run
    with it off), so the persona is the same account made a regular one for this test."""
    user = User.objects.get(username=username)
    user.is_demo = False
    user.save(update_fields=["is_demo"])
    client = Client()
    client.force_login(user)
    return client
