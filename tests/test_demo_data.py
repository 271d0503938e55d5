"""The demo loader carries the whole source plan, exactly, and a second run changes nothing."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from accounts import roles
from accounts.models import ParticipatingBody, PublicBody, RoleAssignment, Unit, User
from benefits.models import Benefit, Indicator
from initiatives.models import Contribution, Dependency, InitiativeRisk
from roadmap.demo.loader import load_plan
from roadmap.models import Edition, Maturity, PlanRisk, Radar
from roadmap.pdf.report import render_pdf
from tests.test_pages import text_of
from tests.test_report import fold, pages_text

YEAR = "2023-2024"
BODY = "meie"

# DOMAIN.md's table; 2.1.3, 2.1.4 and 2.1.5 are described there, not titled, hence prefixes.
INITIATIVES = {
    "1.1.1": "Faciliter l'accès aux programmes ministériels par la mise en œuvre d'une prestation de services en ligne unifiée pour les programmes normés du Ministère",
    "1.1.2": "Identifier et documenter les parcours des clients et des contributeurs actuels du ministère",
    "1.2.1": "Assurer une gestion responsable des données, notamment en mettant en place des mécanismes d'intégration, de diffusion, de protection et de sécurité des données",
    "1.2.2": "Explorer l'opportunité d'arrimage avec la plateforme de notification gouvernementale Le gouvernement vous parle de la Zone entreprise",
    "2.1.1": "Développer les compétences numériques du personnel du ministère",
    "2.1.3": "Migrer vers l'infonuagique avec des fondations et des bases techniques solides, la montée en compétence du personnel et l'évolution de la gouvernance",
    "2.1.4": "",
    "2.1.5": "",
    "2.2.1": "Amorcer les travaux de gouvernance quant à l'utilisation de l'intelligence artificielle",
    "2.2.2": "Améliorer les processus de façon continue en veillant à former, accompagner et soutenir le personnel du ministère",
    "2.2.3": "Suivi des demandes ministérielles",
    "2.2.5": "Inventaire du financement de la recherche dans le secteur de l'enseignement supérieur du Québec",
    "2.3.1": "Améliorer l'accès et l'utilisation des données publiques",
    "2.3.2": "Explorer et expérimenter l'utilisation de l'intelligence artificielle et arrimer avec les initiatives en cours tels que la catégorisation de la sécurité des données numériques et l'étiquetage des données",
}
RADAR = [
    ("Expérience utilisateur/client", "1.25"),
    ("Qualité des services numériques", "1.67"),
    ("Intégration du numérique", "1.75"),
    ("Responsabilité sociale", "3.00"),
    ("Conception de services numériques", "2.50"),
    ("Expérience employé", "1.14"),
    ("Évaluation de la performance", "1.20"),
    ("Gouvernance numérique", "1.50"),
]


def plain(text: str) -> str:
    """The source mixes ’ and ' ; compare words, not apostrophes."""
    return text.replace("’", "'").strip().rstrip(".")


def test_every_initiative_of_the_source_is_there_with_its_title(edition):
    loaded = {i.code: i for i in edition.initiatives.all()}
    assert sorted(loaded) == sorted(INITIATIVES)
    for code, title in INITIATIVES.items():
        assert plain(loaded[code].title).startswith(plain(title)), code
    assert loaded["1.1.1"].acronym == "PSLU"
    assert loaded["2.2.3"].acronym == "SDM"
    assert loaded["2.2.5"].acronym == "IFRIQ"


def test_initiatives_sit_under_the_ambitions_of_their_code(edition):
    for initiative in edition.initiatives.select_related("ambition__orientation"):
        assert initiative.code.startswith(initiative.ambition.code + ".")


def test_vision_maturity_and_radar(edition):
    assert edition.vision.startswith("Créer de la richesse par le développement économique")
    maturity = Maturity.objects.get(edition=edition)
    assert maturity.score == Decimal("2.3")
    assert (maturity.scale_min, maturity.scale_max) == (1, 4)
    assert maturity.current_stage == 2 and maturity.current_stage_label == "Fait du numérique"
    assert maturity.target_stage == 3 and maturity.target_stage_label == "Devient numérique"
    assert list(maturity.stages.values_list("number", "label")) == [
        (1, "Débute"),
        (2, "Fait du numérique"),
        (3, "Devient numérique"),
        (4, "Est numérique"),
    ]
    assert maturity.target_date.isoformat() == "2027-03-31"
    radar = Radar.objects.get(edition=edition)
    assert radar.overall == Decimal("1.75")  # the mean of the eight scores, as in the source
    assert [(s.category, str(s.score)) for s in radar.scores.all()] == RADAR


def test_orientations_ambitions_and_the_integration_mapping(edition):
    assert [so.number for so in edition.strategic_orientations.all()] == [1, 3]
    orientations = list(
        edition.orientations.prefetch_related("ambitions", "strategic_orientations")
    )
    assert [o.number for o in orientations] == [1, 2]
    assert [a.code for o in orientations for a in o.ambitions.all()] == [
        "1.1",
        "1.2",
        "2.1",
        "2.2",
        "2.3",
    ]
    assert [[so.number for so in o.strategic_orientations.all()] for o in orientations] == [
        [1],
        [3],
    ]
    assert orientations[1].title.startswith(
        "Mettre en place une organisation efficace et efficiente"
    )


def test_sections_messages_and_lists(edition):
    sections = {s.key: s for s in edition.sections.prefetch_related("items")}
    assert len(sections) == 23
    assert sections["message-sous-ministre"].signatory_name == "Jonathan Gignac"
    assert sections["message-dirigeante-information"].signatory_name == "Marie Fortier, CPA"
    assert "article 12.8" in sections["note-au-lecteur"].body
    assert "Office québécois de la langue française" in sections["definition"].body
    principles = sections["principes-directeurs"].body
    assert principles.count("[^") >= 4  # two footnotes, referenced and defined
    assert len(sections["parties-prenantes"].items.all()) == 3
    assert len(sections["thematiques"].items.all()) == 8
    assert len(sections["plan-changement"].items.all()) == 5


def test_financial_benefits_and_indicators(edition):
    financial = {
        b.initiative.code: (b.amount, b.horizon_years)
        for b in Benefit.objects.filter(initiative__edition=edition, kind=Benefit.Kind.FINANCIAL)
    }
    assert financial == {"1.1.1": (2_000_000, 5), "2.2.3": (105_000, 5)}
    non_financial = Benefit.objects.filter(
        initiative__edition=edition, kind=Benefit.Kind.NON_FINANCIAL
    )
    assert {b.initiative.code for b in non_financial} == {"1.1.1", "2.2.3"}
    assert non_financial.filter(initiative__code="1.1.1").count() == 4
    assert non_financial.filter(initiative__code="2.2.3").count() == 4
    indicators = Indicator.objects.filter(benefit__initiative__edition=edition)
    names = " ".join(i.name for i in indicators)
    assert "15 jours ouvrables" in names and "45 jours ouvrables" in names


def test_contributions_generate_the_thematic_sections(edition):
    def codes(section_key: str) -> set[str]:
        return set(
            Contribution.objects.filter(
                topic__section__edition=edition, topic__section__key=section_key
            ).values_list("initiative__code", flat=True)
        )

    assert codes("simplification") == {"1.1.1", "1.2.1", "1.2.2", "2.1.3"}
    assert {"2.2.2", "2.1.1", "2.1.4", "2.1.3", "2.1.5"} <= codes("competences")
    assert codes("donnees") == {"1.1.1", "1.1.2", "1.2.1", "2.1.3", "2.3.1"}
    ai_titles = " ".join(
        Contribution.objects.filter(topic__section__key="intelligence-artificielle").values_list(
            "title", flat=True
        )
    )
    assert "DLP" in ai_titles and "EDR" in ai_titles and "hyper-automatisation" in ai_titles


def test_plan_risks_with_all_their_mitigations(edition):
    risks = list(PlanRisk.objects.filter(edition=edition).prefetch_related("mitigations"))
    assert [len(r.mitigations.all()) for r in risks] == [3, 3, 3, 6]
    assert risks[0].title.startswith("Non-disponibilité des ressources financières et humaines")
    assert risks[3].title.startswith("Perte de l’adhésion") or risks[3].title.startswith(
        "Perte de l'adhésion"
    )


def test_dependency_between_open_data_and_research_funding(edition):
    assert Dependency.objects.filter(
        initiative__edition=edition, initiative__code="2.3.1", depends_on__code="2.2.5"
    ).exists()


def test_one_demo_user_per_role_and_three_leads_share_the_initiatives(edition):
    meie = edition.body
    for role in roles.ALL_ROLES:
        expected = 3 if role == roles.LEAD else 1
        held = RoleAssignment.objects.filter(
            role=role, body=None if role in roles.GLOBAL_ROLES else meie, user__is_demo=True
        )
        assert held.count() == expected, role
    lead = User.objects.get(username="responsable")
    assert sorted(lead.led_initiatives.values_list("code", flat=True)) == ["1.1.1", "2.2.3"]
    # Every initiative has an (illustrative) lead but 1.2.2, left open for the readiness check.
    assert list(edition.initiatives.filter(lead=None).values_list("code", flat=True)) == ["1.2.2"]
    assert set(edition.initiatives.exclude(lead=None).values_list("lead__username", flat=True)) == {
        "responsable",
        "responsable-donnees",
        "responsable-ti",
    }
    assert ParticipatingBody.objects.filter(public_body=meie).count() == 3
    assert User.objects.get(username="organisme").participating_body.name == "Régie de l’énergie"


def test_the_demo_plan_is_the_meies_made_by_the_services_of_any_body(edition):
    """The body and its edition come from body_create and edition_start, like any other's."""
    meie = edition.body
    assert (meie.acronym, meie.slug, meie.kind) == ("MEIE", "meie", PublicBody.Kind.MINISTRY)
    assert meie.name == "Ministère de l’Économie, de l’Innovation et de l’Énergie"
    assert (meie.head_title, meie.information_director_title) == (
        "sous-ministre",
        "dirigeante de l'information",
    )
    assert meie.diffusion.startswith("Diffusion limitée : employés du Ministère")
    assert meie.history.filter(history_type="+").exists()
    created = edition.transitions.get(action="create")
    # Started from the default template, like any body's first edition, then filled.
    assert (created.user, created.comment) == (
        None,
        "Créée à partir du modèle « Plan de transformation numérique — structure attendue » "
        "(version 1).",
    )
    assert edition.template.label == "ptn:1"
    assert set(Unit.objects.values_list("body__acronym", flat=True)) == {"MEIE"}


def test_illustrative_indicator_values_risks_and_mitigations(edition):
    indicators = Indicator.objects.filter(
        benefit__initiative__edition=edition, benefit__initiative__code="2.2.3"
    ).order_by("benefit__order")
    assert [(i.baseline, i.target) for i in indicators] == [
        (None, None),  # left open for the readiness check
        (Decimal("55"), Decimal("80")),
        (Decimal("60"), Decimal("45")),
        (Decimal("50"), Decimal("75")),
    ]
    risks = {
        r.initiative.code: [m.text for m in r.mitigations.all()]
        for r in InitiativeRisk.objects.filter(initiative__edition=edition)
        .select_related("initiative")
        .prefetch_related("mitigations")
    }
    assert sorted(risks) == ["2.1.3", "2.3.1", "2.3.2"]
    assert len(risks["2.1.3"]) == 2 and risks["2.3.2"] == []


NOTICE = "ces valeurs sont illustratives"


@pytest.mark.parametrize(
    "url",
    [
        reverse("roadmap:home", args=[BODY, YEAR]),
        reverse("roadmap:roadmap", args=[BODY, YEAR]),
        reverse("initiatives:detail", args=[BODY, YEAR, "2.1.3"]),
        reverse("roadmap:risks", args=[BODY, YEAR]),
        reverse("benefits:summary", args=[BODY, YEAR]),
        reverse("roadmap:edition", args=[BODY, YEAR]),
    ],
)
def test_the_demo_edition_tells_readers_its_values_are_illustrative(reader_client, url):
    page = text_of(reader_client.get(url))
    assert "Avertissement : Édition de démonstration." in page
    assert NOTICE in page


def test_the_notice_is_data_of_the_edition(reader_client, edition):
    assert NOTICE in edition.notice
    Edition.objects.filter(pk=edition.pk).update(notice="")
    page = text_of(reader_client.get(reverse("roadmap:home", args=[BODY, YEAR])))
    assert "Avertissement" not in page and NOTICE not in page


def test_the_demo_pdf_says_its_values_are_illustrative_on_its_cover(edition):
    cover = fold(pages_text(render_pdf(edition))[0])
    assert "Avertissement : Édition de démonstration." in cover
    assert NOTICE in cover


def _snapshot() -> dict[str, list]:
    models = [
        m
        for app in ("accounts", "roadmap", "initiatives", "benefits", "followup")
        for m in apps.get_app_config(app).get_models()
    ]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing():
    before = _snapshot()
    report = load_plan(PublicBody.objects.get(slug=BODY))
    assert not report.changed
    call_command("load_demo", verbosity=0)
    assert _snapshot() == before
