"""The plan's template as data: the default template ships with the portal, a new edition starts
from it (interface and command), and the MEIE's plan is an instance of it."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import roles
from roadmap.models import Edition, PlanTemplate, SectionKind, template_errors
from roadmap.workflow.next_edition import edition_start
from roadmap.workflow.readiness import readiness
from tests.bodies import other_body, person
from tests.personas import client_for
from tests.test_pages import text_of

SHIPPED = Path(settings.BASE_DIR, "roadmap", "plan_templates", "ptn-v1.json")


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def default(db) -> PlanTemplate:
    return PlanTemplate.objects.get(is_default=True)


def test_the_default_template_ships_valid_and_is_loaded_by_the_migrations(default):
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert (default.code, default.version, default.label) == ("ptn", 1, "ptn:1")
    assert default.data == shipped["data"]
    assert template_errors(default.data) == []
    assert {s["kind"] for s in default.sections} == set(SectionKind.values)  # every kind
    assert PlanTemplate.objects.filter(is_default=True).count() == 1


def test_the_meie_plan_is_an_instance_of_the_default_template(default, edition):
    """Same sections (kinds, levels, in order), topics, radar axes and maturity stages."""
    sections = list(edition.sections.prefetch_related("topics"))
    assert [(s.kind, s.level, s.signer_role) for s in sections] == [
        (s["kind"], s["level"], s.get("signer_role", "")) for s in default.sections
    ]
    assert [[t.title for t in s.topics.all()] for s in sections] == [
        [t["title"] for t in s.get("topics", [])] for s in default.sections
    ]
    assert [a.category for a in edition.radar.scores.all()] == default.data["radar"]["axes"]
    assert [(st.number, st.label) for st in edition.maturity.stages.all()] == [
        (st["number"], st["label"]) for st in default.data["maturity"]["stages"]
    ]
    assert edition.template == default


def test_a_template_with_an_unknown_kind_or_a_signer_outside_a_message_is_refused(default):
    data = {
        "sections": [
            {"key": "a", "title": "A", "level": 1, "kind": "galerie"},
            {"key": "b", "title": "B", "level": 1, "kind": "narrative", "signer_role": "head"},
            {"key": "b", "title": "C", "level": 3, "kind": "signed_message"},
        ]
    }
    assert template_errors(data) == [
        "Section 1 : type de section inconnu.",
        "Section 2 : seul un message signé a un rôle signataire, et il en a un.",
        "Section 3 : clé absente, invalide ou répétée.",
        "Section 3 : seul un message signé a un rôle signataire, et il en a un.",
        "Section 3 : le niveau doit être 1 ou 2.",
    ]


def test_a_new_edition_gets_the_templates_structure_to_fill(default):
    body = other_body("NOU", "Nouvel organisme")
    edition = edition_start(body=body, fiscal_year="2024-2025", user=None)
    assert edition.template == default
    sections = list(edition.sections.all())
    assert [s.key for s in sections] == [s["key"] for s in default.sections]
    assert all(s.guidance for s in sections if s.kind != SectionKind.NARRATIVE)
    topics = edition.sections.get(key="intelligence-artificielle").topics.all()
    assert [t.title for t in topics] == [
        "Gouvernance de l’intelligence artificielle",
        "Projets pilotes",
        "Projets en cours",
    ]
    assert [(s.category, s.score) for s in edition.radar.scores.all()][0] == (
        "Expérience utilisateur/client",
        None,
    )
    assert (edition.maturity.score, edition.maturity.stages.count()) == (None, 4)
    assert edition.transitions.get().comment == (
        "Créée à partir du modèle « Plan de transformation numérique — structure attendue » "
        "(version 1)."
    )
    # What is left to fill is listed, each with the form that fills it.
    problems = {p.message: p.url for p in readiness(edition)}
    assert problems["La maturité numérique n'est pas renseignée."].endswith(
        f"/modifier/maturity/{edition.maturity.pk}/#id_score"
    )
    first_axis = edition.radar.scores.get(order=1)
    assert problems["Le Radar numériQc n'est pas renseigné."].endswith(
        f"/modifier/radar-score/{first_axis.pk}/#id_score"
    )
    assert any("ne présente la contribution d'aucune initiative" in m for m in problems)
    assert any("signataire, titre du signataire à préciser" in m for m in problems)


def test_the_pages_of_an_edition_not_yet_measured_open_without_radar_or_maturity(default):
    body = other_body("NOU", "Nouvel organisme")
    edition = edition_start(body=body, fiscal_year="2024-2025", user=None, template=default)
    client = client_for_body_coordinator()
    for key in ("radar", "maturite", "feuille-de-route"):
        page = client.get(reverse("roadmap:section", args=["nou", "2024-2025", key]))
        assert page.status_code == 200
    home = client.get(reverse("roadmap:home", args=["nou", "2024-2025"]))
    assert home.status_code == 200
    from roadmap.pdf.report import plan_html

    assert "Résultats du Radar numériQc" not in plan_html(edition)


def client_for_body_coordinator():
    from django.test import Client

    client = Client()
    client.force_login(person("coord-nou", roles.COORDINATOR, body="nou"))
    return client


def test_start_edition_uses_the_default_template_or_the_one_named(default):
    other_body("NOU", "Nouvel organisme")
    output = run("start_edition", body="NOU", fiscal_year="2024-2025", template="ptn:1")
    assert "modèle ptn:1" in output
    assert Edition.objects.get(body__acronym="NOU").sections.count() == len(default.sections)
    with pytest.raises(CommandError, match="Le modèle « ptn:9 » n'existe pas"):
        run("start_edition", body="NOU", fiscal_year="2025-2026", template="ptn:9")
    with pytest.raises(CommandError, match="Choisissez une seule"):
        run("start_edition", body="NOU", fiscal_year="2025-2026", template="ptn:1", source="x")


def test_start_edition_empty_starts_a_plan_without_structure(default):
    other_body("NOU", "Nouvel organisme")
    output = run("start_edition", body="NOU", fiscal_year="2024-2025", empty=True)
    assert "plan vide" in output
    edition = Edition.objects.get(body__acronym="NOU")
    assert not edition.sections.exists() and edition.template is None
    with pytest.raises(CommandError, match="Choisissez une seule"):
        run("start_edition", body="NOU", fiscal_year="2025-2026", template="ptn:1", empty=True)


def test_the_start_page_offers_the_template_and_starts_from_it(default):
    other_body("NOU", "Nouvel organisme")
    client = client_for_body_coordinator()
    start = reverse("edition_start", args=["nou"])
    page = client.get(start)
    assert (
        "Le modèle « Plan de transformation numérique — structure attendue », version 1 "
        "(modèle par défaut)"
    ) in text_of(page)
    response = client.post(start, {"fiscal_year": "2024-2025", "source": f"modele-{default.pk}"})
    assert response.status_code == 302
    edition = Edition.objects.get(body__slug="nou")
    assert edition.template == default and edition.sections.count() == len(default.sections)
    section = client.get(reverse("roadmap:section", args=["nou", "2024-2025", "radar"]))
    assert "Attendu par le modèle : Résultats de l’exercice Radar numériQc" in text_of(section)


def test_the_admin_shows_the_templates_and_changes_none(default):
    admin = client_for("admin")
    change = reverse("admin:roadmap_plantemplate_change", args=[default.pk])
    page = admin.get(change)
    assert page.status_code == 200 and "ptn" in page.content.decode()
    admin.post(change, {"name": "Autre", "is_default": ""})
    default.refresh_from_db()
    assert (default.name, default.is_default) == (
        "Plan de transformation numérique — structure attendue",
        True,
    )
    assert admin.get(reverse("admin:roadmap_plantemplate_add")).status_code == 403
