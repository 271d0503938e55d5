from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import ensure_demo_users
from roadmap.demo.loader import load_organisation, load_plan


class Command(BaseCommand):
    help = (
        "Charge le plan de démonstration (PTN du MEIE, 2023-2024) et les comptes de démonstration."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        # Users belong to units, and the plan names its initiative leads among the users.
        report = load_organisation()
        ensure_demo_users()
        report = load_plan()
        self.stdout.write(
            self.style.SUCCESS(
                f"Plan de démonstration chargé : {report.created} créés, "
                f"{report.updated} mis à jour, {report.deleted} supprimés."
            )
        )
