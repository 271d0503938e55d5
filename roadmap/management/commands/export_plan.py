from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from roadmap import formatting
from roadmap.exchange import vocabulary
from roadmap.exchange.document import export_json
from roadmap.exchange.service import export_csv
from roadmap.exchange.workbook import export_workbook
from roadmap.management.editions import add_body_argument, find_edition


class Command(BaseCommand):
    help = (
        "Exporte le plan d'une édition en classeur .xlsx, une feuille en .csv, ou l'édition "
        "entière en document JSON (format ptn-plan/1, schemas/ptn-plan-1.schema.json)."
    )

    def add_arguments(self, parser) -> None:
        add_body_argument(parser)
        parser.add_argument("--edition", required=True, help="Exercice, ex. : 2024-2025")
        parser.add_argument(
            "--output", required=True, help="plan.xlsx, feuille.csv avec --sheet, ou plan.json"
        )
        parser.add_argument(
            "--format",
            choices=["xlsx", "csv", "json"],
            help="Format du fichier (par défaut : selon l'extension de --output)",
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
        format: str | None = None,  # noqa: A002 - the option's name
        **options,
    ) -> None:
        found = find_edition(body, edition)
        kind = format or output.lower().rsplit(".", 1)[-1]
        if kind == "json":
            content = export_json(found)
        elif kind == "csv":
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
