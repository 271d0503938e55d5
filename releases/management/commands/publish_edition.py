from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from releases.models import Release
from releases.pdf import publication_produce
from releases.services import edition_publish
from roadmap.models import Edition


def find_edition(body: str, fiscal_year: str) -> Edition:
    edition = (
        Edition.objects.select_related("body")
        .filter(fiscal_year=fiscal_year, body__acronym__iexact=body)
        .first()
    ) or (
        Edition.objects.select_related("body")
        .filter(fiscal_year=fiscal_year, body__slug=body.lower())
        .first()
    )
    if edition is None:
        raise CommandError(f"Aucune édition {fiscal_year} pour l'organisme « {body} ».")
    return edition


class Command(BaseCommand):
    help = (
        "Publie une édition transmise sur les pages publiques (/public/<organisme>/<exercice>/), "
        "avec les retraits d'une diffusion (--release N) ou aucun."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--body", required=True, help="Sigle ou identifiant de l'organisme.")
        parser.add_argument("--edition", required=True, help="Exercice, ex. : 2024-2025.")
        parser.add_argument("--release", type=int, help="Numéro de la diffusion appliquée.")

    def handle(self, *args, body: str, edition: str, release: int | None, **options) -> None:
        found = find_edition(body, edition)
        applied = None
        if release is not None:
            applied = Release.objects.filter(edition=found, number=release).first()
            if applied is None:
                raise CommandError(f"Aucune diffusion {release} pour l'édition {found}.")
        try:
            publication = edition_publish(edition=found, user=None, release=applied)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        publication_produce(publication)
        self.stdout.write(
            self.style.SUCCESS(
                f"Édition publiée : /public/{found.body.slug}/{found.fiscal_year}/"
                + (f" (retraits de la diffusion {release})" if applied else "")
            )
        )
