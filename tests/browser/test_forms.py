"""Forms as a Québec user fills them in a real browser: numbers typed with a decimal comma, a
visible confirmation of each save, empty-list texts that go when the first item comes, and
delete confirmations that say what goes with the item.

Each test changes data no other test checks, with values unique to the run (see conftest.py).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import (
    edit_link,
    expect_displayed,
    fiche,
    initiative_path,
    open_form,
    save,
    unique,
    wait_for_settled_focus,
)

SAVED_NOTE_TIMEOUT_MS = 12_000  # the confirmation fades after 6 s


def indicator(page: Page, index: int) -> Locator:
    """The ``index``-th indicator of the page, found once and then by its id (kept by the
    inline form that replaces it)."""
    element_id = page.locator("[id^='indicator-']").nth(index).get_attribute("id")
    assert element_id and re.fullmatch(r"indicator-\d+", element_id), element_id
    return page.locator(f"#{element_id}")


def row_value(part: Locator, row: int) -> Locator:
    """The value cell of the indicator table's ``row``-th line (0: direction, 1: baseline,
    2: target, 3: threshold)."""
    return part.locator("table tbody tr").nth(row).locator("td")


def open_indicator_form(part: Locator, edit: str) -> Locator:
    """Click the indicator's own « Modifier » (``edit``: its label in the interface's language)
    and wait for the inline form."""
    part.locator(":scope > .ptn-row-actions").get_by_role(
        "link", name=re.compile(rf"^\s*{edit}\b")
    ).click()
    form = part.locator("form")
    expect(form).to_be_visible()
    wait_for_settled_focus(part.page)
    return form


def switch_to_english(page: Page) -> None:
    page.locator("header").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^en"))


@pytest.mark.parametrize(
    "locale, index, edit, shown",
    [
        # (browser locale, which indicator of 2.2.3, « Modifier » in the interface's language,
        # values shown back for 38,5 / 1 234,5 / 1234.5)
        ("fr-CA", 0, "Modifier", ("38,5", "1\u00a0234,5", "1\u00a0234,5")),
        ("en-CA", 1, "Edit", ("38.5", "1,234.5", "1,234.5")),
    ],
)
def test_numbers_typed_with_a_decimal_comma_are_kept_as_meant(
    new_page, login, locale, index, edit, shown
):
    page = new_page(locale=locale)
    login(page, "coordonnateur")
    page.goto(initiative_path("2.2.3"))
    if locale == "en-CA":
        switch_to_english(page)  # the interface's language is the switch's, not the browser's
    part = indicator(page, index)

    form = open_indicator_form(part, edit)
    for name in ("baseline", "target", "threshold"):
        field = form.locator(f"#id_{name}")
        expect(field).to_have_attribute("type", "text")
        expect(field).to_have_attribute("inputmode", "decimal")
    form.locator("#id_baseline").fill("38,5")
    form.locator("#id_target").fill("1 234,5")
    form.locator("#id_threshold").fill("1234.5")
    form.locator("button[type=submit]").first.click()  # « Enregistrer », « Save »
    expect_displayed(part)
    for row, value in enumerate(shown, start=1):
        expect(row_value(part, row)).to_have_text(value)

    page.reload()  # what was stored, not what the browser kept
    part = indicator(page, index)
    for row, value in enumerate(shown, start=1):
        expect(row_value(part, row)).to_have_text(value)
    form = open_indicator_form(part, edit)
    expect(form.locator("#id_baseline")).to_have_value(shown[0])
    expect(form.locator("#id_target")).to_have_value(shown[1])


def test_an_ambiguous_number_is_explained_and_nothing_is_saved(page: Page, login):
    login(page, "coordonnateur")
    page.goto(initiative_path("2.2.3"))
    part = indicator(page, 0)
    form = open_form(part)
    form.locator("#id_threshold").fill("1,234")
    save(form)
    error = part.locator(".qc-textfield", has=page.locator("#id_threshold")).locator(
        ".qc-form-error"
    )
    expect(error).to_contain_text("« 1,234 » peut se lire de deux façons")
    expect(part.locator("#id_threshold")).to_have_value("1,234")
    expect(part.locator("#id_threshold")).to_have_attribute("aria-invalid", "true")


def test_a_form_arriving_late_leaves_the_focus_where_the_person_went(page: Page, login):
    """A person clicks « Modifier », then moves on (here to the header's language button) while
    a slow answer is on its way: when the form arrives it does not pull the focus back, and
    what they type next goes where they are (the same rule keeps a field someone has started
    typing in)."""
    login(page, "coordonnateur")
    page.goto(initiative_path("2.2.3"))
    part = indicator(page, 0)
    arrived = []

    def slow(route):
        page.wait_for_timeout(1_500)
        arrived.append(route.request.url)
        route.continue_()

    page.route("**/modifier/indicator/*/", slow)
    edit_link(part).click()
    elsewhere = page.locator("header").get_by_role("button", name="English")
    elsewhere.focus()

    expect(part.locator("form")).to_be_visible()
    wait_for_settled_focus(page)
    assert arrived
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.textContent.trim() === 'English'"
    )


def test_a_save_is_confirmed_next_to_the_record_without_taking_the_focus(page: Page, login):
    login(page, "coordonnateur")
    page.goto(initiative_path("2.3.1"))
    card = fiche(page)
    card_id = card.get_attribute("id")
    form = open_form(card)
    form.locator("#id_phase").fill(unique("Phase de confirmation"))
    save(form)

    expect_displayed(card)
    note = card.locator(":scope > .ptn-row-actions .ptn-saved")
    expect(note).to_be_visible()
    expect(note).to_have_text(re.compile(r"Modification enregistrée\."))
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id", arg=card_id
    )
    expect(page.locator("#ptn-live")).to_have_text("Modification enregistrée.")
    expect(note).to_be_hidden(timeout=SAVED_NOTE_TIMEOUT_MS)  # it does not stay
    assert page.evaluate("document.activeElement.id") == card_id


def test_the_empty_texts_go_when_the_first_item_is_added(page: Page, login):
    login(page, "coordonnateur")
    page.goto(initiative_path("2.3.1"))

    # A new risk says, in red, that it has no mitigation yet…
    risks = page.locator("section[aria-labelledby='risks-title']")
    risks.get_by_role("link", name=re.compile(r"Ajouter un risque")).click()
    title = unique("Départ d'une ressource clé")
    risks.locator("form #id_title").fill(title)
    save(risks.locator("form"))
    risk = risks.locator("article.ptn-risk", has=page.get_by_role("heading", name=title))
    warning = risk.locator(".ptn-warning-text")
    expect(warning).to_have_text("Aucune mesure d'atténuation n'est documentée.")
    expect(warning).to_be_visible()

    # …until its first mitigation is added in place.
    risk.get_by_role("link", name=re.compile(r"Ajouter une mesure d'atténuation")).click()
    mitigation = unique("Plan de relève documenté")
    risk.locator("form #id_text").fill(mitigation)
    save(risk.locator("form"))
    expect(risk.locator(".ptn-line p", has_text=mitigation)).to_be_visible()
    expect(warning).to_be_hidden()

    # The same for « Aucune mesure pour l'instant » under an indicator.
    page.goto(initiative_path("2.2.3"))
    part = indicator(page, 1)
    empty = part.locator(".ptn-empty", has_text="Aucune mesure pour l'instant.")
    expect(empty).to_be_visible()
    part.get_by_role("link", name=re.compile(r"Ajouter une mesure")).click()
    part.locator("form #id_measured_on").fill("2024-06-03")
    part.locator("form #id_value").fill("12,5")
    save(part.locator("form"))
    expect(part.get_by_text(re.compile(r"Mesure du 3 juin 2024 : 12,5"))).to_be_visible()
    expect(empty).to_be_hidden()


def test_a_delete_confirmation_says_what_goes_with_the_item_and_can_be_cancelled(page: Page, login):
    login(page, "coordonnateur")
    page.goto(initiative_path("2.2.3"))
    benefit_id = page.locator(
        "article[id^='benefit-']", has=page.locator("[id^='indicator-']")
    ).first.get_attribute("id")
    benefit = page.locator(f"#{benefit_id}")
    description = benefit.locator(":scope > h3").inner_text()

    benefit.locator(":scope > .ptn-row-actions").get_by_role(
        "link", name=re.compile(r"^\s*Supprimer")
    ).click()
    heading = benefit.locator("h3")
    expect(heading).to_contain_text(f"Supprimer le bénéfice « {description[:40]}")
    expect(benefit).to_contain_text(re.compile(r"Cela supprimera aussi 1 indicateur"))
    expect(benefit.get_by_role("button", name="Supprimer")).to_be_visible()

    benefit.get_by_role("link", name="Annuler").click()
    expect(benefit.locator(":scope > h3")).to_have_text(description)
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id", arg=benefit_id
    )
    expect(edit_link(benefit)).to_be_visible()
