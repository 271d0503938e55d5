from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from roadmap.management.editions import add_body_argument, find_body
from roadmap.models import Edition
from roadmap.workflow.next_edition import edition_start
from roadmap.workflow.steps import WorkflowError


class Command(BaseCommand):
    help = (
        "Commence l'édition d'un exercice pour un organisme : un brouillon vide, ou (--from) "
        "une copie complète d'une de ses éditions approuvées — comme le fait l'interface."
    )

    def add_arguments(self, parser) -> None:
        add_body_argument(parser)
        parser.add_argument("--fiscal-year", required=True, help="Exercice, ex. : 2024-2025")
        parser.add_argument(
            "--from", dest="source", help="L'édition approuvée à copier, ex. : 2023-2024"
        )

    @transaction.atomic
    def handle(
        self, *args, body: str | None, fiscal_year: str, source: str | None, **options
    ) -> None:
        public_body = find_body(body)
        copied = None
        if source:
            copied = Edition.objects.filter(body=public_body, fiscal_year=source).first()
            if copied is None:
                raise CommandError(f"L'édition « {source} » de {public_body.acronym} n'existe pas.")
        try:
            edition = edition_start(
                body=public_body, fiscal_year=fiscal_year, user=None, source=copied
            )
        except (WorkflowError, PermissionDenied) as error:
            raise CommandError(str(error)) from error
        origin = f"copie de l'édition {source}" if source else "brouillon vide"
        self.stdout.write(
            self.style.SUCCESS(
                f"Édition {edition.fiscal_year} de {public_body.acronym} commencée ({origin}) : "
                f"/plan/{public_body.slug}/{edition.fiscal_year}/"
            )
        )
