"""Other public bodies beside the demo's MEIE, made with the services any body is made with."""

from accounts.models import PublicBody, User
from accounts.services import body_create
from roadmap.models import Edition
from roadmap.workflow.next_edition import edition_start
from tests.personas import give_roles

PASSWORD = "un-mot-de-passe-solide-42"


def other_body(
    acronym: str = "SQE",
    name: str = "Société québécoise des essais",
    *,
    head_title: str = "présidente-directrice générale",
) -> PublicBody:
    """An organisme (not a ministry): its head is not a deputy minister."""
    return body_create(
        acronym=acronym,
        name=name,
        kind=PublicBody.Kind.NON_BUDGETARY,
        head_title=head_title,
        information_director_title="dirigeant de l'information",
        name_in_sentence=f"de la {name}",
        diffusion=f"Diffusion limitée : personnel de la {name}.",
        participating=[(f"{acronym}-P", f"Filiale de la {name}")],
    )


def body_with_edition(
    acronym: str = "SQE",
    name: str = "Société québécoise des essais",
    *,
    fiscal_year: str = "2023-2024",
    status: str = Edition.Status.DRAFT,
) -> Edition:
    """A body with an (empty) edition of ``fiscal_year``, started as the interface would."""
    body = other_body(acronym, name)
    edition = edition_start(body=body, fiscal_year=fiscal_year, user=None, empty=True)
    if status != Edition.Status.DRAFT:
        Edition.objects.filter(pk=edition.pk).update(status=status)  # setup only
        edition.refresh_from_db()
    return edition


def person(username: str, *roles: str, body: str = "meie") -> User:
    """An account holding ``roles`` in the body of slug ``body`` (global roles: no body)."""
    user = User.objects.create_user(
        username, password=PASSWORD, email=f"{username}@organisme.example"
    )
    return give_roles(user, *roles, body=body)


def add_bodies(count: int) -> list[Edition]:
    """``count`` more bodies with one edition each (for the query counts at many bodies)."""
    return [
        body_with_edition(f"ORG{n}", f"Organisme numéro {n}", status=Edition.Status.TRANSMITTED)
        for n in range(1, count + 1)
    ]
