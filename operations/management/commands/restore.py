from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an empty database and storage, then check the "
        "archived PDFs' SHA-256 and the row counts."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", type=Path, help="the folder written by `backup --output`")

    def handle(self, *args, source: Path, **options) -> None:
        try:
            summary = restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored from {source}: {summary.rows} rows, {summary.files} files; "
            f"{summary.archives} archived PDFs match their SHA-256."
        )
