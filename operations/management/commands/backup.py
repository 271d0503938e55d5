from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, or SQLite's online backup) and the stored files "
        "(archived PDFs with their SHA-256) into a new folder."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="a new or empty folder")

    def handle(self, *args, output: Path, **options) -> None:
        try:
            summary = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backup in {output}: {summary.rows} rows, {summary.files} files "
            f"({summary.archives} archived PDFs checked against their SHA-256)."
        )
