"""Demo accounts, one per role. Their passwords are derived from this machine's SECRET_KEY,
so none is written in the repository, and they are refused when DEBUG is off."""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import Body, Unit, User


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str | None
    unit: str | None = None  # unit acronym
    body: str | None = None  # body acronym
    superuser: bool = False
    job_title: str = ""


DEMO_USERS = [
    DemoUser("lecteur", "Démo", "Lecteur", roles.READER, unit="DPSE"),
    DemoUser("organisme", "Démo", "Organisme participant", None, body="RDE"),
    DemoUser("responsable", "Démo", "Responsable d'initiative", roles.LEAD, unit="DPSE"),
    # Two more initiative leads, so that the demo plan has a lead for most initiatives. Invented
    # names (plausible, nobody's): the demo plan marks its leads as illustrative.
    DemoUser("responsable-donnees", "Élise", "Marchand-Doyon", roles.LEAD, unit="DDIA"),
    DemoUser("responsable-ti", "Samuel", "Ouellet-Brisson", roles.LEAD, unit="DRI"),
    DemoUser("coordonnateur", "Démo", "Coordonnateur PTN", roles.COORDINATOR, unit="DPPC"),
    DemoUser(
        "di",
        "Démo",
        "Dirigeante de l'information",
        roles.INFORMATION_DIRECTOR,
        unit="DRI",
        job_title="Dirigeante de l'information",
    ),
    DemoUser("sm", "Démo", "Sous-ministre", roles.DEPUTY_MINISTER, job_title="Sous-ministre"),
    DemoUser("admin", "Démo", "Administrateur", roles.ADMINISTRATOR, superuser=True),
]


def demo_password(username: str, secret_key: str | None = None) -> str:
    key = secret_key if secret_key is not None else settings.SECRET_KEY
    digest = hmac.new(key.encode(), f"demo:{username}".encode(), hashlib.sha256)
    return f"ptn-{digest.hexdigest()[:12]}"


def ensure_demo_users() -> dict[str, User]:
    """Create or refresh the demo accounts; saves nothing that is already as it should be."""
    units = {u.acronym: u for u in Unit.objects.all()}
    bodies = {b.acronym: b for b in Body.objects.all()}
    users = {}
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username, defaults={"is_demo": True}
        )
        wanted = {
            "first_name": demo.first_name,
            "last_name": demo.last_name,
            "email": f"{demo.username}@ptn.example",  # a reserved domain: mail goes nowhere
            "job_title": demo.job_title,
            "is_demo": True,
            "is_staff": demo.superuser,
            "is_superuser": demo.superuser,
            "unit": units.get(demo.unit) if demo.unit else None,
            "body": bodies.get(demo.body) if demo.body else None,
        }
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        password = demo_password(demo.username)
        if created or not user.check_password(password):
            user.set_password(password)
            changed.append("password")
        if changed:
            user.save(update_fields=None if created else changed)
        if demo.role and not user.groups.filter(name=demo.role).exists():
            user.groups.add(Group.objects.get(name=demo.role))
        users[demo.username] = user
    return users
