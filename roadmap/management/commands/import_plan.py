from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roadmap.exchange.document import import_document, read_document
from roadmap.exchange.files import ImportFileError, read_upload
from roadmap.exchange.service import ImportReport
from roadmap.exchange.workbook import import_workbook
from roadmap.management.editions import add_body_argument, find_body
from roadmap.models import Edition, EditionFrozenError
from roadmap.workflow.next_edition import edition_start
from roadmap.workflow.steps import WorkflowError


class Command(BaseCommand):
    help = (
        "Importe un classeur .xlsx, un CSV ou un document JSON (ptn-plan/1) dans une édition. "
        "Affiche l'aperçu; n'écrit rien si le fichier contient une erreur (code de sortie non "
        "nul) ou avec --dry-run. L'édition est créée (en brouillon) si elle n'existe pas. Un "
        "document JSON est l'édition entière : ce qu'il ne contient plus est retiré."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        add_body_argument(parser)
        parser.add_argument("--edition", required=True, help="Exercice, ex. : 2024-2025")
        parser.add_argument("--dry-run", action="store_true", help="Aperçu seulement")

    def handle(
        self, *args, file: str, body: str | None, edition: str, dry_run: bool, **options
    ) -> None:
        path = Path(file)
        try:
            report = self._import(body, edition, path, dry_run)
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
        for problem in report.problems if report.document else []:
            self.stderr.write(f"{problem.sheet} : {problem.message}")
        for problem in [] if report.document else report.problems:
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

    def _import(
        self, body: str | None, fiscal_year: str, path: Path, dry_run: bool
    ) -> ImportReport:
        """The file into the body's edition; the edition is started (a draft, as
        `start_edition` does) when the body does not have it yet, and that too is undone by
        --dry-run or an error. A JSON document is the whole edition; a workbook that holds the
        plan's structure sheets can start a plan too."""
        data = path.read_bytes()
        if path.suffix.lower() == ".json":
            document, sheets = read_document(data), None
        else:
            document, sheets = None, read_upload(path.name, data)
        found_body = find_body(body)
        with transaction.atomic():
            target = Edition.objects.filter(body=found_body, fiscal_year=fiscal_year).first()
            if target is None:
                try:
                    # Empty: the document or workbook brings the whole structure.
                    target = edition_start(
                        body=found_body, fiscal_year=fiscal_year, user=None, empty=True
                    )
                except WorkflowError as error:
                    raise CommandError(str(error)) from error
                self.stdout.write(
                    _("Édition %(year)s de %(body)s : créée (brouillon).")
                    % {"year": fiscal_year, "body": found_body.acronym}
                )
            if document is not None:
                report = import_document(target, document, apply=not dry_run)
            else:
                report = import_workbook(target, sheets, apply=not dry_run)
            if not report.applied:
                transaction.set_rollback(True)
        return report
