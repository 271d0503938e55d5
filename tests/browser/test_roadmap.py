"""The coordinator assigns a lead and a unit to several initiatives from the roadmap."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import BODY, YEAR
from tests.browser.test_accessibility import assert_no_serious_violation

ROADMAP = f"/plan/{BODY}/{YEAR}/feuille-de-route/"


def row(page: Page, code: str):
    return page.locator("tbody tr").filter(has=page.locator("td.ptn-code", has_text=code))


def test_coordinator_assigns_a_lead_and_a_unit_to_two_initiatives_with_the_keyboard(
    page: Page, login
):
    login(page, "coordonnateur")
    page.goto(ROADMAP)
    first = page.get_by_role("checkbox", name="Cocher l'initiative 1.2.2")
    second = page.get_by_role("checkbox", name="Cocher l'initiative 2.1.4")
    first.focus()
    page.keyboard.press("Space")
    second.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    expect(second).to_be_checked()

    bar = page.get_by_role("group", name="Assigner aux initiatives cochées")
    bar.get_by_label("Responsable").select_option(label="Démo Coordonnateur PTN")
    bar.get_by_label("Unité").select_option(
        label="DPPC — " + ("Direction de la planification, de la performance et de la coordination")
    )
    bar.get_by_role("button", name="Assigner").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(rf"{re.escape(ROADMAP)}$"))
    expect(page.locator(".ptn-messages")).to_contain_text(
        "2 initiatives modifiées (1.2.2, 2.1.4); les changements sont inscrits à l'historique."
    )
    for code in ("1.2.2", "2.1.4"):
        expect(row(page, code).locator("td[data-label='Responsable']")).to_have_text(
            "Démo Coordonnateur PTN"
        )
        expect(row(page, code).locator("td[data-label='Unité']")).to_have_text("DPPC")
    # The others kept theirs.
    expect(row(page, "1.1.1").locator("td[data-label='Responsable']")).to_have_text(
        "Démo Responsable d'initiative"
    )


def test_the_assignment_works_without_javascript(new_page, login):
    page = new_page(java_script_enabled=False)
    login(page, "coordonnateur")
    page.goto(ROADMAP + "?status=planned")
    assert page.locator("td.ptn-code", has_text="2.1.5").count() == 1
    row(page, "2.1.5").locator("label").click()  # the code is the checkbox's label
    expect(page.get_by_role("checkbox", name="Cocher l'initiative 2.1.5")).to_be_checked()
    bar = page.get_by_role("group", name="Assigner aux initiatives cochées")
    bar.get_by_label("Unité").select_option(label="DRH — Direction des ressources humaines")
    bar.get_by_role("button", name="Assigner").click()

    # Back on the same filtered roadmap, with the confirmation.
    expect(page).to_have_url(re.compile(rf"{re.escape(ROADMAP)}\?status=planned$"))
    expect(page.locator(".ptn-messages")).to_contain_text("1 initiative modifiée (2.1.5)")
    expect(row(page, "2.1.5").locator("td[data-label='Unité']")).to_have_text("DRH")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_coordinators_roadmap_and_the_history_have_no_serious_accessibility_violation(
    new_page, login, width: int
):
    page = new_page(viewport={"width": width, "height": 900})
    login(page, "coordonnateur")
    for path in (ROADMAP, f"/plan/{BODY}/{YEAR}/historique/?page=2"):
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        assert_no_serious_violation(page)
