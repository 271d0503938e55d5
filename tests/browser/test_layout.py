"""Layout on a phone (390 px) and on a desktop: no page scrolls sideways, the roadmap becomes
cards, the radar fits its column, the main menu folds behind a button, and the roadmap's
« Horizon » column is whole at every desktop width."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.helpers import BODY, YEAR, fiche, initiative_path, open_form
from tests.pages import plan_pages

PHONE = {"width": 390, "height": 844}

# Every page of the demo plan, and the pages that are not in the plan's list.
PAGES = {
    **plan_pages(),
    "edition": reverse("roadmap:edition", args=[BODY, YEAR]),
    "comparison": reverse("roadmap:compare", args=[BODY, YEAR]),
    "import": reverse("roadmap:import", args=[BODY, YEAR]),
    "pdf_progress": reverse("roadmap:pdf_progress", args=[BODY, YEAR]),
    "body": reverse("body", args=[BODY]),
    "edition_start": reverse("edition_start", args=[BODY]),
    # The coordinator's structure editing: the sections with their actions, adding one.
    "section_add": reverse("roadmap:add", args=[BODY, YEAR, "section"]),
    "add_orientation": reverse("roadmap:add", args=[BODY, YEAR, "orientation"]),
    "add_strategic_orientation": reverse("roadmap:add", args=[BODY, YEAR, "strategic-orientation"]),
}

SIDEWAYS = "document.documentElement.scrollWidth - window.innerWidth"


def wider_than_the_window(page: Page) -> list[str]:
    """What sticks out on the right, to say why a page scrolls sideways."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
            .slice(0, 5)
            .map(e => `${e.tagName.toLowerCase()}.${e.getAttribute("class") || ""}`)"""
    )


def assert_fits_the_window(page: Page) -> None:
    overflow = page.evaluate(SIDEWAYS)
    assert overflow <= 0, f"{page.url} is {overflow} px too wide: {wider_than_the_window(page)}"


@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways_on_a_phone(new_page, login, name: str):
    # The coordinator sees the most: every « Modifier », the import, the selection boxes.
    page = new_page(viewport=PHONE)
    login(page, "coordonnateur")
    page.goto(PAGES[name])
    expect(page.locator("main h1")).to_be_visible()
    assert_fits_the_window(page)


def test_the_login_page_fits_a_phone(new_page):
    page = new_page(viewport=PHONE)
    page.goto("/connexion/")
    expect(page.locator("#id_login")).to_be_visible()
    assert_fits_the_window(page)


def test_an_initiative_with_its_fiche_form_open_fits_a_phone(new_page, login):
    page = new_page(viewport=PHONE)
    login(page, "coordonnateur")
    page.goto(initiative_path("1.1.1"))
    open_form(fiche(page))
    assert_fits_the_window(page)


def test_the_roadmap_is_a_list_of_cards_on_a_phone(new_page, login):
    page = new_page(viewport=PHONE)
    login(page, "lecteur")
    page.goto(f"/plan/{BODY}/{YEAR}/feuille-de-route/")
    card = page.locator("tbody tr").filter(has_text="1.1.1").first
    code, title = card.locator("td.ptn-code"), card.locator("th[scope=row]")
    card.scroll_into_view_if_needed()
    expect(code).to_be_in_viewport(ratio=1)
    # Code and title side by side, the other columns below them, each with its name.
    code_box, title_box = code.bounding_box(), title.bounding_box()
    assert code_box["x"] < title_box["x"] and code_box["y"] == pytest.approx(title_box["y"], abs=4)
    assert title_box["x"] + title_box["width"] <= PHONE["width"]
    horizon = card.locator("td[data-label='Horizon']")
    assert horizon.evaluate("e => getComputedStyle(e, '::before').content") == '"Horizon\xa0: "'
    assert horizon.bounding_box()["y"] > title_box["y"] + title_box["height"] - 1


def test_the_radar_chart_shrinks_to_its_column_on_a_phone(new_page, login):
    page = new_page(viewport=PHONE)
    login(page, "coordonnateur")  # whose table of scores beside it has « Modifier » links
    page.goto(f"/plan/{BODY}/{YEAR}/sections/radar/")
    chart = page.locator("svg.radar-chart")
    column = page.locator(".ptn-radar-figure")
    chart_box, column_box = chart.bounding_box(), column.bounding_box()
    assert chart_box["width"] <= column_box["width"] + 0.5
    assert chart_box["x"] + chart_box["width"] <= PHONE["width"]
    assert chart.get_attribute("viewBox") == "0 0 640 640" and chart.get_attribute("width") is None


def test_the_main_menu_folds_behind_a_button_on_a_phone(new_page, login):
    page = new_page(viewport=PHONE)
    login(page, "lecteur")
    page.goto(f"/plan/{BODY}/{YEAR}/")
    button = page.get_by_role("button", name="Menu")
    history = page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Historique"
    )
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(history).to_be_hidden()

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(history).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")  # closes the menu, back on its button
    expect(history).to_be_hidden()
    expect(button).to_be_focused()

    button.click()
    history.click()
    expect(page.locator("main h1")).to_have_text("Historique des modifications")


def test_the_main_menu_stays_open_without_javascript(new_page, login):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    login(page, "lecteur")
    page.goto(f"/plan/{BODY}/{YEAR}/")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Historique")).to_be_visible()
    expect(page.locator(".ptn-mainnav__toggle")).to_be_hidden()


def test_the_main_menu_is_a_row_of_links_on_a_desktop(new_page, login):
    page = new_page(viewport={"width": 1280, "height": 900})
    login(page, "lecteur")
    page.goto(f"/plan/{BODY}/{YEAR}/")
    expect(page.locator(".ptn-mainnav__toggle")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Historique")).to_be_visible()


@pytest.mark.parametrize("width", [1024, 1100, 1280, 1440])
def test_the_roadmap_horizon_column_is_whole_on_a_desktop(new_page, login, width: int):
    # The coordinator's roadmap has the most in its first column (the selection boxes).
    page = new_page(viewport={"width": width, "height": 900})
    login(page, "coordonnateur")
    page.goto(f"/plan/{BODY}/{YEAR}/feuille-de-route/")
    assert_fits_the_window(page)
    cut = page.evaluate(
        """() => [...document.querySelectorAll(".ptn-table-scroll")].flatMap(box => {
            const edge = box.getBoundingClientRect().right;
            const cells = [...box.querySelectorAll("tr > :nth-child(7)")];
            return [
                ...(box.scrollWidth > box.clientWidth ? [`${box.id} scrolls sideways`] : []),
                ...cells.filter(c => c.getBoundingClientRect().right > edge + 0.5
                                  || c.scrollWidth > c.clientWidth)
                        .map(c => `${box.id}: « ${c.textContent.trim()} » is cut`),
            ];
        })"""
    )
    assert cut == []
    header = page.locator("#ambition-1\\.1 thead th").nth(6)
    expect(header).to_have_text("Horizon")
    header.scroll_into_view_if_needed()
    expect(header).to_be_in_viewport(ratio=1)
