from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_USERS, demo_password
from accounts.models import GLOBAL_ROLES, Role


class Command(BaseCommand):
    help = "Affiche les comptes de démonstration et leurs mots de passe (développement seulement)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            self.stderr.write(
                "Les comptes de démonstration ne fonctionnent que si DEBUG est activé."
            )
            return
        self.stdout.write("\nComptes de démonstration — http://127.0.0.1:8000/\n")
        width = max(len(demo.username) for demo in DEMO_USERS)
        for demo in DEMO_USERS:
            if demo.role is None:
                role = f"organisme participant ({demo.participating_body})"
            elif demo.role in GLOBAL_ROLES:
                role = f"{Role(demo.role).label} (global)"
            else:
                role = f"{Role(demo.role).label} (MEIE)"
            self.stdout.write(
                f"  {demo.username:<{width}} {demo_password(demo.username):<18} {role}"
            )
        self.stdout.write("")
