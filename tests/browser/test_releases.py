"""The access officer withholds passages in a browser and produces the release's PDF; the
release and public pages pass axe-core and fit a phone.

A body of its own (« ESSAI », one transmitted edition) keeps the demo plan, which other browser
tests edit as a draft, untouched; the demo's access officer is given the role there too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import _manage
from tests.browser.test_accessibility import assert_no_serious_violation
from tests.browser.test_layout import PHONE, assert_fits_the_window
from tests.releasing import found_in, pdf_haystacks

CANARY = "CANARYNAVIGATEUR"
BODY = "essai"
YEAR = "2024-2025"
SETUP = f"""
from accounts.models import User
from accounts.services import body_create, role_grant
from accounts import roles
from roadmap.models import Edition, Section, Orientation, Ambition
from initiatives.models import Initiative
body = body_create(acronym="ESSAI", name="Régie des essais", name_in_sentence="de la Régie des essais", slug="{BODY}")
edition = Edition.objects.create(body=body, fiscal_year="{YEAR}")
Section.objects.create(edition=edition, key="note-au-lecteur", title="Note au lecteur", order=1,
    body="Ce plan est public. Le montant négocié {CANARY} reste confidentiel. La suite est publique.")
Section.objects.create(edition=edition, key="feuille-de-route", title="Feuille de route", order=2)
orientation = Orientation.objects.create(edition=edition, number=1, title="Servir mieux")
ambition = Ambition.objects.create(orientation=orientation, number=1, title="Des services simples")
Initiative.objects.create(edition=edition, ambition=ambition, number=1, code="1.1.1",
    title="Guichet unique", description="Un guichet pour tout.")
Edition.objects.filter(pk=edition.pk).update(status="transmitted")
role_grant(user=User.objects.get(username="acces"), role=roles.ACCESS_OFFICER, body=body)
"""


@pytest.fixture(scope="module")
def essai(portal) -> str:
    _manage(portal.env, "shell", "-c", SETUP)
    _manage(portal.env, "publish_edition", "--body", "ESSAI", "--edition", YEAR)
    return f"/plan/{BODY}/{YEAR}/diffusions/"


def test_the_access_officer_withholds_a_passage_and_produces_the_pdf(
    page: Page, login, essai, task_worker
):
    login(page, "acces")
    page.goto(essai)
    page.get_by_label("Numéro de la demande").fill("2026-0777")
    page.get_by_label("Date de réception").fill("2026-11-02")
    page.get_by_label("Date limite de réponse").fill("2026-12-02")
    page.get_by_label("Demandeur").fill("Jean Demandeur")
    page.get_by_role("button", name="Ouvrir la diffusion").click()
    expect(page.locator("main h1")).to_contain_text("Diffusion 1")
    assert_no_serious_violation(page)

    page.get_by_label("Élément").select_option(label="Section — Note au lecteur")
    page.get_by_role("button", name="Examiner").click()
    expect(page.locator("#decision")).to_contain_text(CANARY)
    page.get_by_label("Ce qui est retiré").select_option(label="Texte")
    page.get_by_label("Passage retiré (facultatif)").fill(CANARY)
    page.get_by_label("Motif").select_option(
        label="art. 22 — Renseignements ayant des incidences sur les intérêts économiques de l'organisme"
    )
    assert_no_serious_violation(page)
    page.get_by_role("button", name="Retirer").click()
    decisions = page.locator("#decisions + .ptn-table-scroll")
    expect(decisions).to_contain_text("art. 22")
    expect(decisions).to_contain_text(CANARY)

    page.get_by_role("button", name="Produire le PDF").click()
    # The worker renders it; the progress page comes back to the release once it is done.
    expect(page.locator(".ptn-messages")).to_contain_text(
        "Le PDF de la diffusion est produit.", timeout=60_000
    )
    expect(page.locator("main")).to_contain_text("Empreinte SHA-256")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF de la diffusion").click()
    pdf = Path(download.value.path()).read_bytes()
    haystacks = pdf_haystacks(pdf)
    assert found_in(haystacks, "Renseignement retiré")
    assert found_in(haystacks, "La suite est publique")
    assert found_in(haystacks, "2026-0777")
    assert not found_in(haystacks, CANARY)
    assert not found_in(haystacks, "Jean Demandeur")


@pytest.mark.parametrize(
    "path",
    [
        f"/public/{BODY}/{YEAR}/",
        f"/public/{BODY}/{YEAR}/feuille-de-route/",
        f"/public/{BODY}/{YEAR}/initiatives/1.1.1/",
        f"/public/{BODY}/{YEAR}/sections/",
        f"/public/{BODY}/{YEAR}/sections/note-au-lecteur/",
        f"/public/{BODY}/{YEAR}/donnees/",
    ],
)
def test_public_pages_are_accessible_and_fit_a_phone(new_page, essai, path: str):
    page = new_page()
    page.goto(path)
    expect(page.locator("main h1")).to_be_visible()
    assert_no_serious_violation(page)
    phone = new_page(viewport=PHONE)
    phone.goto(path)
    assert_fits_the_window(phone)


def test_the_release_pages_fit_a_phone(new_page, login, essai):
    page = new_page(viewport=PHONE)
    login(page, "acces")
    page.goto(essai)
    expect(page.locator("main h1")).to_be_visible()
    assert_fits_the_window(page)
