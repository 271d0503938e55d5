from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from roadmap import formatting
from roadmap.exchange import vocabulary
from roadmap.exchange.service import export_csv, export_workbook
from roadmap.management.editions import add_body_argument, find_edition


class Command(BaseCommand):
    help = "Exporte le plan d'une édition en classeur .xlsx (ou une feuille en .csv)."

    def add_arguments(self, parser) -> None:
        add_body_argument(parser)
        parser.add_argument("--edition", required=True, help="Exercice, ex. : 2024-2025")
        parser.add_argument(
            "--output", required=True, help="plan.xlsx, ou feuille.csv avec --sheet"
        )
        parser.add_argument("--sheet", help="Pour un CSV : la feuille (ex. : Initiatives)")
        parser.add_argument(
            "--language",
            choices=[vocabulary.FRENCH, vocabulary.ENGLISH],
            default=vocabulary.FRENCH,
            help="Langue des en-têtes et des valeurs (fr par défaut, ou en)",
        )

    def handle(
        self,
        *args,
        body: str | None,
        edition: str,
        output: str,
        sheet: str | None,
        language: str,
        **options,
    ) -> None:
        found = find_edition(body, edition)
        if output.lower().endswith(".csv"):
            try:
                content = export_csv(found, sheet or "Initiatives", lang=language)
            except KeyError as error:
                raise CommandError(f"Feuille inconnue : « {sheet} ».") from error
        else:
            content = export_workbook(found, lang=language)
        Path(output).write_bytes(content)
        size = formatting.decimal(len(content))  # « 20 497 » in French
        self.stdout.write(
            self.style.SUCCESS(_("%(file)s : %(size)s octets.") % {"file": output, "size": size})
        )
