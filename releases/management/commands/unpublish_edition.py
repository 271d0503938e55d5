from django.core.management.base import BaseCommand

from releases.management.commands.publish_edition import find_edition
from releases.services import edition_unpublish


class Command(BaseCommand):
    help = "Retire la publication d'une édition : ses pages publiques n'existent plus (404)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--body", required=True, help="Sigle ou identifiant de l'organisme.")
        parser.add_argument("--edition", required=True, help="Exercice, ex. : 2024-2025.")

    def handle(self, *args, body: str, edition: str, **options) -> None:
        found = find_edition(body, edition)
        if edition_unpublish(edition=found) is None:
            self.stdout.write(f"L'édition {found} n'était pas publiée.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Publication retirée : {found}."))
