from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roadmap.management.editions import add_body_argument, find_edition
from roadmap.pdf.report import RenderError, pdf_for_edition


class Command(BaseCommand):
    help = "Produit le PDF du Plan de transformation numérique d'une édition."

    def add_arguments(self, parser) -> None:
        add_body_argument(parser)
        parser.add_argument("--edition", required=True, help="Exercice, ex. : 2023-2024")
        parser.add_argument("--output", required=True, help="Fichier PDF à écrire")

    def handle(self, *args, body: str | None, edition: str, output: str, **options) -> None:
        found = find_edition(body, edition)
        try:
            pdf = pdf_for_edition(found)
        except RenderError as error:
            raise CommandError(str(error)) from error
        Path(output).write_bytes(pdf.content)
        origin = "archive approuvée" if pdf.archived else "rendu"
        self.stdout.write(
            self.style.SUCCESS(
                f"{output} : {len(pdf.content):,} octets ({origin}), SHA-256 {pdf.sha256}"
            )
        )
