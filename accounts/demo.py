"""Demo accounts, one per role. Their passwords are derived from this machine's SECRET_KEY,
so none is written in the repository, and they are refused when DEBUG is off."""

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

from accounts import roles
from accounts.models import ParticipatingBody, PublicBody, Unit, User
from accounts.services import role_grant


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str | None  # in the demo body, or global (administrator, the chief's office)
    unit: str | None = None  # unit acronym
    participating_body: str | None = None  # its acronym
    superuser: bool = False
    job_title: str = ""


DEMO_USERS = [
    DemoUser("lecteur", "Démo", "Lecteur", roles.READER, unit="DPSE"),
    DemoUser("organisme", "Démo", "Organisme participant", None, participating_body="RDE"),
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
    DemoUser("sm", "Démo", "Sous-ministre", roles.HEAD, job_title="Sous-ministre"),
    DemoUser(
        "acces",
        "Démo",
        "Responsable de l'accès aux documents",
        roles.ACCESS_OFFICER,
        job_title="Responsable de l'accès aux documents",
    ),
    DemoUser("admin", "Démo", "Administrateur", roles.ADMINISTRATOR, superuser=True),
    # Reads every body's transmitted editions (the demo's is a draft until transmitted).
    DemoUser("cgtn", "Démo", "Bureau du chef gouvernemental", roles.CGTN_OFFICE),
]


def demo_password(username: str, secret_key: str | None = None) -> str:
    key = secret_key if secret_key is not None else settings.SECRET_KEY
    digest = hmac.new(key.encode(), f"demo:{username}".encode(), hashlib.sha256)
    return f"ptn-{digest.hexdigest()[:12]}"


def ensure_demo_users(body: PublicBody) -> dict[str, User]:
    """Create or refresh the demo accounts, with their roles in ``body`` (the demo's public
    body); saves nothing that is already as it should be."""
    units = {u.acronym: u for u in Unit.objects.filter(body=body)}
    bodies = {b.acronym: b for b in ParticipatingBody.objects.filter(public_body=body)}
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
            "participating_body": bodies.get(demo.participating_body)
            if demo.participating_body
            else None,
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
        if demo.role:
            role_grant(
                user=user, role=demo.role, body=None if demo.role in roles.GLOBAL_ROLES else body
            )
        users[demo.username] = user
    return users
