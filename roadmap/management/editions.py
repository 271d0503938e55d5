"""What the plan's commands share: finding the public body (``--body``, which may be left out
while the installation holds a single body) and one of its editions (``--edition``)."""

from django.core.management.base import CommandError
from django.db.models import Q

from accounts.models import PublicBody
from roadmap.models import Edition


def add_body_argument(parser) -> None:
    parser.add_argument(
        "--body",
        help="Sigle de l'organisme public, ex. : MEIE (facultatif s'il n'y en a qu'un)",
    )


def find_body(acronym: str | None) -> PublicBody:
    if acronym:
        body = PublicBody.objects.filter(Q(acronym__iexact=acronym) | Q(slug=acronym)).first()
        if body is None:
            raise CommandError(f"L'organisme « {acronym} » n'existe pas.")
        return body
    bodies = list(PublicBody.objects.all()[:2])
    if len(bodies) != 1:
        raise CommandError(
            "Précisez l'organisme avec --body : l'installation en compte plusieurs."
            if bodies
            else "Aucun organisme public n'existe : créez-le d'abord (create_body)."
        )
    return bodies[0]


def find_edition(acronym: str | None, fiscal_year: str) -> Edition:
    body = find_body(acronym)
    edition = Edition.objects.filter(body=body, fiscal_year=fiscal_year).select_related("body")
    found = edition.first()
    if found is None:
        raise CommandError(f"L'édition « {fiscal_year} » de {body.acronym} n'existe pas.")
    return found
