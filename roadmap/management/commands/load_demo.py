from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import ensure_demo_users
from followup.demo import load_followup_demo
from roadmap.demo.loader import demo_fiscal_year, ensure_body, load_organisation, load_plan
from roadmap.models import Edition
from roadmap.workflow.next_edition import edition_start


class Command(BaseCommand):
    help = (
        "Charge le plan de démonstration (PTN du MEIE, 2023-2024) et les comptes de démonstration."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        # The body and its edition are made as any other's (body_create, edition_start); users
        # belong to its units, and the plan names its initiative leads among the users.
        body = ensure_body()
        load_organisation(body)
        ensure_demo_users(body)
        fiscal_year = demo_fiscal_year()
        if not Edition.objects.filter(body=body, fiscal_year=fiscal_year).exists():
            edition_start(body=body, fiscal_year=fiscal_year, user=None)
        report = load_plan(body)
        # The follow-up of the year (issue 14): periods and a few progress reports.
        load_followup_demo(Edition.objects.get(body=body, fiscal_year=fiscal_year))
        self.stdout.write(
            self.style.SUCCESS(
                f"Plan de démonstration chargé : {report.created} créés, "
                f"{report.updated} mis à jour, {report.deleted} supprimés."
            )
        )
