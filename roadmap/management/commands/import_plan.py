from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roadmap.exchange.files import ImportFileError, read_upload
from roadmap.exchange.service import run_import
from roadmap.management.editions import add_body_argument, find_edition
from roadmap.models import EditionFrozenError


class Command(BaseCommand):
    help = (
        "Importe un classeur .xlsx ou un CSV dans une édition. Affiche l'aperçu; n'écrit rien "
        "si le fichier contient une erreur (code de sortie non nul) ou avec --dry-run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        add_body_argument(parser)
        parser.add_argument("--edition", required=True, help="Exercice, ex. : 2024-2025")
        parser.add_argument("--dry-run", action="store_true", help="Aperçu seulement")

    def handle(
        self, *args, file: str, body: str | None, edition: str, dry_run: bool, **options
    ) -> None:
        found = find_edition(body, edition)
        path = Path(file)
        try:
            sheets = read_upload(path.name, path.read_bytes())
            report = run_import(found, sheets, apply=not dry_run)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        except EditionFrozenError as error:
            raise CommandError(str(error)) from error
        for sheet in report.sheets:
            counts = [
                ngettext("%(n)s ligne créée", "%(n)s lignes créées", sheet.created),
                # Translators: after « N lignes créées, »: the rows of the sheet.
                ngettext("%(n)s modifiée", "%(n)s modifiées", sheet.updated),
                # Translators: after « N lignes créées, »: the rows of the sheet.
                ngettext("%(n)s inchangée", "%(n)s inchangées", sheet.unchanged),
            ]
            numbers = [sheet.created, sheet.updated, sheet.unchanged]
            self.stdout.write(
                f"{sheet.name} : "
                + ", ".join(text % {"n": n} for text, n in zip(counts, numbers, strict=True))
            )
            for change in sheet.changes:
                details = "; ".join(
                    f"{c} : {old or '—'} → {new or '—'}" for c, old, new in change.fields
                )
                self.stdout.write(f"  {change.key} — {details or _('nouvelle ligne')}")
        for problem in report.problems:
            where = _("ligne %(row)s") % {"row": problem.row} if problem.row else _("fichier")
            self.stderr.write(
                f"{problem.sheet}, {where}, {problem.column or '—'} : {problem.message}"
            )
        if report.has_errors:
            count = len(report.problems)
            raise CommandError(
                ngettext(
                    "%(count)s erreur : rien n'a été importé.",
                    "%(count)s erreurs : rien n'a été importé.",
                    count,
                )
                % {"count": count}
            )
        verb = _("appliqué") if report.applied else _("aperçu seulement, rien n'a été écrit")
        changes = ngettext(
            "%(count)s changement (%(verb)s).",
            "%(count)s changements (%(verb)s).",
            report.change_count,
        )
        self.stdout.write(
            self.style.SUCCESS(changes % {"count": report.change_count, "verb": verb})
        )
