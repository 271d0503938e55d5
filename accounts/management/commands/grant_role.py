from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from accounts import roles
from accounts.models import PublicBody, Role, User
from accounts.services import role_grant, role_revoke


def role_arguments(parser) -> None:
    parser.add_argument("username", help="Identifiant de connexion de la personne")
    parser.add_argument(
        "role",
        help="Le rôle par son nom : "
        + ", ".join(f"« {role.label} »" for role in Role)
        + " (ou le titre de la tête ou de la DI de l'organisme)",
    )
    parser.add_argument("--body", help="Sigle de l'organisme public (sauf pour un rôle global)")


def resolve(username: str, role_name: str, acronym: str | None):
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"La personne « {username} » n'existe pas.")
    body = None
    if acronym:
        body = PublicBody.objects.filter(Q(acronym__iexact=acronym) | Q(slug=acronym)).first()
        if body is None:
            raise CommandError(f"L'organisme « {acronym} » n'existe pas.")
    role = roles.role_by_name(role_name, body)
    if role is None:
        raise CommandError(f"Rôle inconnu : « {role_name} ».")
    return user, role, body


class Command(BaseCommand):
    help = (
        "Donne un rôle à une personne dans un organisme public (« coordonnateur PTN » --body "
        "MEIE), ou un rôle global sans --body. Inscrit à l'historique et au journal de sécurité."
    )
    revoke = False

    def add_arguments(self, parser) -> None:
        role_arguments(parser)

    def handle(self, *args, username: str, role: str, body: str | None, **options) -> None:
        user, found, public_body = resolve(username, role, body)
        where = f" ({public_body.acronym})" if public_body else ""
        name = public_body.role_title(found) if public_body else found.label
        try:
            if self.revoke:
                done = role_revoke(user=user, role=found, body=public_body)
                message = (
                    f"Rôle retiré à {username} : {name}{where}."
                    if done
                    else f"{username} n'avait pas ce rôle : {name}{where}."
                )
            else:
                created = role_grant(user=user, role=found, body=public_body)[1]
                message = (
                    f"Rôle donné à {username} : {name}{where}."
                    if created
                    else f"{username} avait déjà ce rôle : {name}{where}."
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(message))
