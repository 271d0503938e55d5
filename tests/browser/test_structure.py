"""A new body's coordinator shapes a plan from nothing in a real browser: a 6-axis Radar
numériQc on a 0 to 5 scale and a 5-stage maturity scale, with the keyboard's « Monter »."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import _manage
from tests.browser.test_layout import PHONE, assert_fits_the_window

USERNAME, PASSWORD = "coord-rte", "une-phrase-de-passe-pour-la-regie-42"
HOME = "/plan/rte/2024-2025/"
AXES = [
    ("Expérience client", "5"),
    ("Services numériques", "3,5"),
    ("Données", "0"),
    ("Cybersécurité", "2,25"),
    ("Compétences", "4"),
    ("Gouvernance", "1,5"),
]
STAGES = ["Explore", "Expérimente", "Structure", "Optimise", "Transforme"]


@pytest.fixture(scope="module")
def new_body(portal) -> None:
    """A body that is not a ministry, its coordinator, and an empty 2024-2025 edition."""
    _manage(
        portal.env,
        "create_body",
        "RTE",
        "Régie des tests de l'essai",
        "--kind",
        "organisme_autre_que_budgetaire",
        "--head-title",
        "présidente-directrice générale",
        "--name-in-sentence",
        "de la Régie des tests de l'essai",
    )
    # A demonstration account (DEBUG is on): no second factor to set up for the test.
    _manage(
        portal.env,
        "shell",
        "-c",
        "from accounts.models import User; "
        f"User.objects.create_user('{USERNAME}', password='{PASSWORD}', is_demo=True)",
    )
    _manage(portal.env, "grant_role", USERNAME, "coordonnateur PTN", "--body", "RTE")
    _manage(portal.env, "start_edition", "--body", "RTE", "--fiscal-year", "2024-2025", "--empty")


def sign_in(page: Page) -> None:
    page.goto("/connexion/")
    page.fill("#id_login", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click(".ptn-local-login button[type=submit]")
    expect(page.locator(".ptn-piv-user")).to_be_visible()


def save(page: Page) -> None:
    page.get_by_role("button", name="Enregistrer", exact=True).click()


def test_a_radar_and_a_maturity_scale_are_entered_from_nothing(page: Page, new_body, server_url):
    sign_in(page)
    page.goto(HOME)
    radar = page.locator("section[aria-labelledby='radar-section-title']")

    # The radar, its scale first (the form opens in place).
    radar.get_by_role("link", name="Ajouter le Radar numériQc").click()
    page.fill("#id_scale_min", "0")
    page.fill("#id_scale_max", "5")
    save(page)
    expect(radar).to_contain_text("Échelle de 0 à 5")

    for category, score in AXES:
        radar.get_by_role("link", name="Ajouter un axe").click()
        page.fill("#id_category", category)
        page.fill("#id_score", score)
        save(page)
        expect(page).to_have_url(re.compile(re.escape(HOME)))

    # A 6 is off the scale: refused, with the scale named.
    radar.get_by_role("link", name="Ajouter un axe").click()
    page.fill("#id_category", "Hors échelle")
    page.fill("#id_score", "6")
    save(page)
    expect(page.locator(".qc-form-error")).to_contain_text("de 0 à 5")
    page.goto(HOME)

    rows = radar.locator("tbody tr th")
    expect(rows).to_have_text([category for category, _score in AXES])
    expect(radar).to_contain_text("sur une échelle de 0 à 5")
    expect(radar.locator("thead")).to_contain_text("Résultat (0 à 5)")
    expect(radar.locator("svg.radar-chart")).to_be_visible()
    expect(radar.locator("svg.radar-chart desc")).to_contain_text("Expérience client : 5")

    # « Monter », from the keyboard: the last axis goes before the fifth.
    up = radar.get_by_role("button", name="Monter : Gouvernance")
    up.focus()
    page.keyboard.press("Enter")
    expect(rows.nth(4)).to_have_text("Gouvernance")
    expect(rows.nth(5)).to_have_text("Compétences")

    # The maturity: a 1 to 5 scale, then the label of each of its five stages.
    maturity = page.locator("section[aria-labelledby='maturity-title']")
    maturity.get_by_role("link", name="Ajouter la maturité numérique").click()
    page.fill("#id_score", "2,6")
    page.fill("#id_scale_min", "1")
    page.fill("#id_scale_max", "5")
    page.fill("#id_target_stage", "4")
    page.fill("#id_target_date", "2028-03-31")
    save(page)
    expect(maturity).to_contain_text("sur une échelle de 1 à 5")
    for number, label in enumerate(STAGES, start=1):
        maturity.get_by_role("link", name="Ajouter une étape").click()
        expect(page.locator("#id_number")).to_have_value(str(number))  # the next one
        page.fill("#id_label", label)
        save(page)
    expect(maturity.locator("tbody tr td:first-of-type")).to_have_text(STAGES)
    expect(maturity).to_contain_text("Étape 2 : « Expérimente »")
    expect(maturity).to_contain_text("Étape 4 : « Optimise », d'ici le 31 mars 2028")
    expect(page.locator("main")).not_to_contain_text("Ministère de l'Économie")

    # All of it is usable at a phone's width.
    page.set_viewport_size(PHONE)
    page.reload()
    assert_fits_the_window(page)
