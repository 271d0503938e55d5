from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import PublicBody
from accounts.services import body_create


def _label(field: str) -> str:
    """A field's French name (« sigle »), as the person reads it in the admin."""
    try:
        return str(PublicBody._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def participating(value: str) -> tuple[str, str]:
    acronym, sep, name = value.partition("=")
    if not sep or not acronym.strip() or not name.strip():
        raise ValueError(value)
    return acronym.strip(), name.strip()


class Command(BaseCommand):
    help = (
        "Crée un organisme public (ministère ou organisme) : son sigle, son nom, les titres de "
        "sa tête et de sa DI, la diffusion de son plan et ses organismes participants."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("acronym", help="Sigle, ex. : MEIE")
        parser.add_argument("name", help="Nom, ex. : « Ministère de l'Économie… »")
        parser.add_argument(
            "--kind",
            choices=PublicBody.Kind.values,
            default=PublicBody.Kind.MINISTRY,
            help="Type d'organisme (ministere par défaut)",
        )
        parser.add_argument(
            "--head-title",
            default="",
            help="Titre de la tête de l'organisme (sous-ministre par défaut pour un ministère), "
            "ex. : « présidente-directrice générale »",
        )
        parser.add_argument(
            "--information-director-title",
            default="dirigeante de l'information",
            help="Titre de la personne dirigeante de l'information",
        )
        parser.add_argument(
            "--name-in-sentence",
            default="",
            help="Le nom avec sa préposition, ex. : « de la Régie de l'énergie » (déduit pour "
            "un ministère)",
        )
        parser.add_argument("--diffusion", default="", help="La mention de diffusion du plan")
        parser.add_argument("--slug", default="", help="Identifiant dans les adresses (le sigle)")
        parser.add_argument(
            "--participating",
            action="append",
            type=participating,
            default=[],
            metavar="SIGLE=Nom",
            help="Un organisme participant de son portefeuille (répétable)",
        )

    def handle(self, *args, acronym: str, name: str, **options) -> None:
        try:
            body = body_create(
                acronym=acronym,
                name=name,
                kind=options["kind"],
                head_title=options["head_title"],
                information_director_title=options["information_director_title"],
                name_in_sentence=options["name_in_sentence"],
                diffusion=options["diffusion"],
                slug=options["slug"],
                participating=options["participating"],
            )
        except ValidationError as error:
            problems = [
                f"{_label(field)} : {message}" if field != "__all__" else message
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("Organisme non créé. " + " ".join(problems)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Organisme créé : {body.acronym} — {body.name} (adresses : /plan/{body.slug}/)."
            )
        )
