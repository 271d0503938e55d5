from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from roadmap.management.editions import add_body_argument, find_body
from roadmap.models import Edition, PlanTemplate
from roadmap.workflow.next_edition import default_template, edition_start
from roadmap.workflow.steps import WorkflowError


class Command(BaseCommand):
    help = (
        "Commence l'édition d'un exercice pour un organisme : un brouillon ayant la structure "
        "du modèle de plan par défaut (ou --template CODE:VERSION), ou (--from) une copie "
        "complète d'une de ses éditions approuvées — comme le fait l'interface."
    )

    def add_arguments(self, parser) -> None:
        add_body_argument(parser)
        parser.add_argument("--fiscal-year", required=True, help="Exercice, ex. : 2024-2025")
        parser.add_argument(
            "--from", dest="source", help="L'édition approuvée à copier, ex. : 2023-2024"
        )
        parser.add_argument(
            "--template",
            help="Le modèle de plan et sa version, ex. : ptn:1 (par défaut : le modèle par défaut)",
        )
        parser.add_argument(
            "--empty",
            action="store_true",
            help="Un plan vide, sans structure, à remplir dans l'interface ou par un import "
            "(« Un plan vide » de la page « Commencer une édition »).",
        )

    @transaction.atomic
    def handle(
        self,
        *args,
        body: str | None,
        fiscal_year: str,
        source: str | None,
        template: str | None,
        empty: bool = False,
        **options,
    ) -> None:
        public_body = find_body(body)
        if sum(map(bool, (source, template, empty))) > 1:
            raise CommandError("Choisissez une seule de --from, --template et --empty.")
        copied = None
        if source:
            copied = Edition.objects.filter(body=public_body, fiscal_year=source).first()
            if copied is None:
                raise CommandError(f"L'édition « {source} » de {public_body.acronym} n'existe pas.")
        if template:
            chosen = _template(template)
        elif source or empty:
            chosen = None
        else:
            chosen = default_template()
        try:
            edition = edition_start(
                body=public_body,
                fiscal_year=fiscal_year,
                user=None,
                source=copied,
                template=chosen,
                empty=chosen is None,
            )
        except (WorkflowError, PermissionDenied) as error:
            raise CommandError(str(error)) from error
        if source:
            origin = f"copie de l'édition {source}"
        elif chosen:
            origin = f"modèle {chosen.label}"
        elif empty:
            origin = "plan vide"
        else:
            origin = "brouillon vide : aucun modèle de plan dans l'installation"
        self.stdout.write(
            self.style.SUCCESS(
                f"Édition {edition.fiscal_year} de {public_body.acronym} commencée ({origin}) : "
                f"/plan/{public_body.slug}/{edition.fiscal_year}/"
            )
        )


def _template(label: str) -> PlanTemplate:
    code, _sep, version = label.partition(":")
    found = (
        PlanTemplate.objects.filter(code=code, version=int(version)).first()
        if version.isdigit()
        else None
    )
    if found is None:
        known = ", ".join(t.label for t in PlanTemplate.objects.all()) or "aucun"
        raise CommandError(
            f"Le modèle « {label} » n'existe pas (modèles : {known}; format : CODE:VERSION)."
        )
    return found
