"""Issue 11's proof: a plan of another shape than the MEIE's, for a body that is not a ministry,
in the same database as the MEIE's 2023-2024 edition. Entered through the JSON import (the
workbook and the browser paths have their own tests: tests/test_exchange_workbook.py,
tests/test_plan_templates.py, tests/test_structure.py), it is shown, submitted, recommended,
approved and printed without any MEIE section, and neither body's people see the other's plan."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accounts import roles
from accounts.models import Unit, User
from initiatives.models import Initiative
from roadmap.models import Edition
from roadmap.pdf.report import render_pdf
from roadmap.workflow.readiness import readiness
from roadmap.workflow.steps import edition_transition
from tests.bodies import other_body, person
from tests.personas import client_for
from tests.test_exchange_json import shaped_plan, write
from tests.test_pages import text_of

SQE, YEAR = "sqe", "2024-2025"
MEIE_NAMES = ("Ministère de l", "MEIE")


def document() -> dict:
    """The SQE's plan: the shaped plan of the exchange tests, every axis of its radar assessed,
    with sections of its own keys for its roadmap, orientations, benefits, risks, maturity and
    radar."""
    plan = shaped_plan()
    plan["radar"]["axes"][-1]["score"] = 3.5
    narrative = next(s for s in plan["sections"] if s["kind"] == "narrative")
    for order, (key, title, kind) in enumerate(
        [
            ("nos-orientations", "Nos orientations et ambitions", "orientations"),
            ("notre-feuille-de-route", "Notre feuille de route", "roadmap"),
            ("ce-que-nous-en-attendons", "Ce que nous en attendons", "benefits"),
            ("ce-qui-pourrait-nuire", "Ce qui pourrait nuire", "plan_risks"),
            ("ou-nous-en-sommes", "Où nous en sommes", "maturity"),
            ("notre-radar", "Notre radar", "radar"),
        ],
        start=len(plan["sections"]) + 1,
    ):
        plan["sections"].append(
            {**narrative, "key": key, "title": title, "kind": kind, "order": order, "items": []}
        )
    return plan


@pytest.fixture
def sqe(edition, tmp_path) -> Edition:
    """The SQE's 2024-2025 plan, imported from its JSON document beside the MEIE's demo."""
    body = other_body()
    lead = person("sqe-responsable", roles.LEAD, body=SQE)
    for username, role in [
        ("sqe-coordonnatrice", roles.COORDINATOR),
        ("sqe-di", roles.INFORMATION_DIRECTOR),
        ("sqe-pdg", roles.HEAD),
        ("sqe-lecteur", roles.READER),
    ]:
        person(username, role, body=SQE)
    call_command("import_plan", write(tmp_path, document()), body=body.acronym, edition=YEAR)
    plan = Edition.objects.get(body=body, fiscal_year=YEAR)
    # What the coordinator completes before submitting: a lead and a unit for each initiative.
    unit = Unit.objects.filter(body=body).first() or Unit.objects.create(
        body=body, acronym="DTN", name="Direction du numérique"
    )
    for initiative in plan.initiatives.all():
        initiative.lead, initiative.unit = lead, initiative.unit or unit
        initiative.save()
    return plan


def reader(username: str = "sqe-lecteur") -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def pages(plan: Edition) -> dict[str, str]:
    args = [SQE, YEAR]
    urls = {
        "home": reverse("roadmap:home", args=args),
        "roadmap": reverse("roadmap:roadmap", args=args),
        "risks": reverse("roadmap:risks", args=args),
        "benefits": reverse("benefits:summary", args=args),
        "sections": reverse("roadmap:sections", args=args),
        "3.2.4": reverse("initiatives:detail", args=[*args, "3.2.4"]),
    }
    for section in plan.sections.all():
        urls[section.key] = reverse("roadmap:section", args=[*args, section.key])
    return urls


def test_its_pages_show_its_own_shape_and_never_the_ministry(sqe):
    client = reader()
    texts = {}
    for name, url in pages(sqe).items():
        response = client.get(url)
        assert response.status_code == 200, name
        texts[name] = text_of(response)
        for meie in MEIE_NAMES:
            assert meie not in texts[name], (name, meie)
    assert "Société québécoise des essais" in texts["home"]
    # Its roadmap: 3 orientations, 9 ambitions, gapped codes.
    for code in ("1.1.1", "2.3.2", "3.2.1", "3.2.4", "3.4.7"):
        assert code in texts["roadmap"], code
    assert "Orientation 3" in texts["roadmap"] and "Ambition 3.4" in texts["roadmap"]
    assert "Pénurie d'expertise" in texts["risks"] and "Retard" in texts["risks"]
    assert "Économies" in texts["benefits"]
    assert "Portrait de la société" in texts["sections"]
    assert "Ce que fait l'initiative 3.2.4." in texts["3.2.4"]


def test_its_pdf_shows_roadmap_benefits_risks_maturity_and_radar_and_never_the_ministry(sqe):
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(sqe))).pages
    ).replace("\u00a0", " ")
    for meie in MEIE_NAMES:
        assert meie not in text
    assert "Société québécoise des essais" in text
    for piece in (
        "Notre feuille de route",
        "3.2.4",
        "3.4.7",
        "Ambition 3.4",
        "Économies",
        "Pénurie d",
        "Axe 6",
    ):
        assert piece in text, piece
    assert "Étape 4 de la société" in text  # the maturity's own stage labels
    assert "Anne Tremblay" in text and "présidente-directrice générale" in text


def test_its_workflow_runs_with_its_own_people_and_no_meie_section(sqe):
    assert not sqe.sections.filter(
        key__in=["maturite", "radar", "benefices", "gestion-risques", "intelligence-artificielle"]
    ).exists()
    assert readiness(sqe) == []
    for username, step in [
        ("sqe-coordonnatrice", "soumettre"),
        ("sqe-di", "recommander"),
        ("sqe-pdg", "approuver"),
    ]:
        edition_transition(edition=sqe, user=User.objects.get(username=username), step=step)
        sqe.refresh_from_db()
    assert sqe.status == Edition.Status.APPROVED
    # The MEIE's edition did not move.
    assert Edition.objects.get(body__slug="meie", fiscal_year="2023-2024").status == (
        Edition.Status.DRAFT
    )


def test_neither_bodys_people_see_the_others_plan(sqe):
    meie_reader = client_for("lecteur")
    for name, url in pages(sqe).items():
        assert meie_reader.get(url).status_code == 404, name
    sqe_reader = reader()
    meie_home = reverse("roadmap:home", args=["meie", "2023-2024"])
    assert sqe_reader.get(meie_home).status_code == 404
    # Nor can the MEIE's coordinator act on it.
    meie_coordinator = client_for("coordonnateur")
    step = reverse("roadmap:transition", args=[SQE, YEAR, "soumettre"])
    assert meie_coordinator.post(step).status_code == 404
    sqe.refresh_from_db()
    assert sqe.status == Edition.Status.DRAFT
    assert Initiative.objects.filter(edition=sqe).count() == 5
