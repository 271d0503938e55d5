"""Editing an initiative in place, in a real browser, as its lead and the coordinator would.

Each test changes data no other test checks, with values unique to the run (see conftest.py).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    MODIFIER,
    edit_link,
    expect_displayed,
    fiche,
    field_value,
    initiative_path,
    open_form,
    save,
    unique,
)

MAX_TABS = 80


def test_the_lead_changes_the_status_and_a_benefit_and_both_are_still_there_after_reload(
    page: Page, login
):
    login(page, "responsable")
    page.goto(initiative_path("1.1.1"))
    card = fiche(page)

    form = open_form(card)
    status = form.locator("#id_status")
    current = status.input_value()
    choices = status.locator("option").evaluate_all(
        "options => options.map(o => [o.value, o.textContent.trim()])"
    )
    new_status, new_label = next((v, t) for v, t in choices if v and v != current)
    status.select_option(new_status)
    save(form)
    expect_displayed(card)
    expect(field_value(card, "Statut")).to_have_text(new_label)

    benefit_id = page.locator("article[id^='benefit-']").nth(1).get_attribute("id")
    benefit = page.locator(f"#{benefit_id}")
    description = unique("Réduction des délais de traitement, revue par le responsable")
    form = open_form(benefit)
    form.locator("#id_description").fill(description)
    save(form)
    expect_displayed(benefit)
    expect(benefit.locator("h3")).to_have_text(description)

    page.reload()
    card = fiche(page)
    expect(field_value(card, "Statut")).to_have_text(new_label)
    expect(page.locator("main .ptn-lead .ptn-badge")).to_have_text(new_label)
    expect(page.locator(f"#{benefit_id} > h3")).to_have_text(description)


def test_the_lead_sees_no_modifier_button_on_an_initiative_that_is_not_theirs(page: Page, login):
    login(page, "responsable")
    page.goto(initiative_path("1.2.1"))
    expect(page.locator("h1")).to_contain_text("1.2.1")
    expect(page.locator("main section[aria-labelledby='fields-title']")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name=MODIFIER)).to_have_count(0)
    expect(page.locator("main").get_by_role("link", name=re.compile(r"Ajouter"))).to_have_count(0)

    # …while on their own initiative they do.
    page.goto(initiative_path("1.1.1"))
    expect(edit_link(fiche(page))).to_be_visible()


def test_saving_a_fiche_someone_else_saved_meanwhile_shows_the_conflict_and_keeps_the_typing(
    new_page, login
):
    coordinator, lead = new_page(), new_page()
    login(coordinator, "coordonnateur")
    login(lead, "responsable")
    for person in (coordinator, lead):
        person.goto(initiative_path("2.2.3"))
    coordinator_form = open_form(fiche(coordinator))
    lead_form = open_form(fiche(lead))

    coordinator_title = unique("Suivi des demandes ministérielles (coordination)")
    lead_title = unique("Suivi des demandes ministérielles (responsable)")
    coordinator_form.locator("#id_title").fill(coordinator_title)
    save(coordinator_form)
    expect_displayed(fiche(coordinator))
    expect(field_value(fiche(coordinator), "Titre")).to_have_text(coordinator_title)

    lead_form.locator("#id_title").fill(lead_title)
    save(lead_form)
    conflict = lead.locator(".ptn-conflict")
    expect(conflict).to_be_visible()
    expect(conflict).to_contain_text("pendant que vous modifiiez")
    expect(conflict).to_contain_text(coordinator_title)  # what was saved meanwhile
    expect(lead.locator("#id_title")).to_have_value(lead_title)

    lead.reload()
    expect(field_value(fiche(lead), "Titre")).to_have_text(coordinator_title)
    expect(lead.locator("h1")).to_contain_text(coordinator_title)


def _tab_until(page: Page, target, what: str) -> None:
    """Press Tab until ``target`` has the focus (at most MAX_TABS times)."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if handle.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{what} never got the focus after {MAX_TABS} presses of Tab")


def test_a_keyboard_user_edits_the_fiche_and_hears_that_it_was_saved(page: Page, login):
    login(page, "responsable")
    page.goto(initiative_path("2.2.3"))
    card = fiche(page)
    card_id = card.get_attribute("id")

    _tab_until(page, edit_link(card), "The fiche's « Modifier »")
    page.keyboard.press("Enter")

    form = card.locator("form")
    first_field = form.locator("input:not([type=hidden]), select, textarea").first
    expect(first_field).to_be_focused()
    expect(first_field).to_have_id("id_title")
    title = unique("Suivi des demandes ministérielles (clavier)")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(title)

    _tab_until(page, form.get_by_role("button", name="Enregistrer", exact=True), "« Enregistrer »")
    page.keyboard.press("Enter")

    expect_displayed(card)
    expect(field_value(card, "Titre")).to_have_text(title)
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.id === id", arg=card_id
    )
    assert page.evaluate("document.activeElement.id").startswith("initiative-")
    expect(page.locator("#ptn-live")).to_have_text("Modification enregistrée.")


def test_a_required_field_left_empty_is_explained_next_to_it_and_the_other_values_are_kept(
    page: Page, login
):
    login(page, "responsable")
    page.goto(initiative_path("1.1.1"))
    card = fiche(page)
    saved_title = field_value(card, "Titre").inner_text()

    form = open_form(card)
    phase = unique("Réalisation, lot 2")
    form.locator("#id_title").fill("")
    form.locator("#id_phase").fill(phase)
    form.locator("#id_budget").fill("1234567")
    save(form)

    title = card.locator("#id_title")
    error = card.locator(".qc-textfield", has=page.locator("#id_title")).locator(".qc-form-error")
    expect(error).to_have_text("Ce champ est obligatoire.")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(title).to_have_attribute("aria-describedby", re.compile(r"\bid_title_error\b"))
    expect(title).to_have_value("")
    expect(card.locator("#id_phase")).to_have_value(phase)
    expect(card.locator("#id_budget")).to_have_value("1234567")

    page.reload()  # nothing was saved
    expect(field_value(fiche(page), "Titre")).to_have_text(saved_title)
    expect(field_value(fiche(page), "Phase")).not_to_have_text(phase)


def test_without_javascript_the_fiche_is_edited_on_a_page_of_its_own(new_page, login):
    page = new_page(java_script_enabled=False)
    login(page, "responsable")
    page.goto(initiative_path("2.2.3"))
    card_id = fiche(page).get_attribute("id")

    edit_link(fiche(page)).click()
    expect(page).to_have_url(
        re.compile(rf"/plan/meie/2023-2024/modifier/initiative/{card_id[11:]}/$")
    )
    form = page.locator(f"main #{card_id} form")
    expect(form).to_be_visible()
    phase = unique("Déploiement (sans JavaScript)")
    form.locator("#id_phase").fill(phase)
    save(form)

    expect(page).to_have_url(re.compile(rf"{re.escape(initiative_path('2.2.3'))}#{card_id}$"))
    expect(page.locator(".ptn-messages")).to_contain_text("Modification enregistrée.")
    expect(field_value(fiche(page), "Phase")).to_have_text(phase)
