"""The edition page in a real browser: readiness links land on the field to fix, « Soumettre »
waits until nothing is left to fix, and a refused submission keeps what was typed.

The browser tests share one database (see conftest.py) and the demo edition must stay a draft
for them: each test makes its own readiness problem (a risk with a title unique to the run, on
initiative 2.1.4, which no other test reads, or its lead taken away) and fixes it before it
ends, through the readiness link; none submits.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    BODY,
    YEAR,
    expect_displayed,
    fiche,
    initiative_path,
    open_form,
    save,
    unique,
)

EDITION = f"/plan/{BODY}/{YEAR}/edition/"


def add_risk_without_mitigation(page: Page, code: str = "2.1.4") -> str:
    """As the coordinator: a new risk on initiative ``code``, which makes a readiness problem."""
    title = unique("Dépendance à un fournisseur unique")
    page.goto(initiative_path(code))
    page.get_by_role("link", name="+ Ajouter un risque").click()
    form = page.locator("section[aria-labelledby='risks-title'] form")
    form.locator("#id_title").fill(title)
    save(form)
    expect(page.locator("article.ptn-risk h3", has_text=title)).to_be_visible()
    return title


def problem_link(page: Page, text: str):
    return page.locator("#preparation ~ .ptn-problems a", has_text=text)


def fix_by_following_its_link(page: Page, title: str) -> None:
    """Follow the problem's link (the mitigation form, its text field focused) and fix it."""
    page.goto(EDITION)
    problem_link(page, title).click()
    expect(page).to_have_url(re.compile(r"/modifier/mitigation/ajouter/\d+/#id_text$"))
    expect(page.locator("#id_text")).to_be_focused()
    page.keyboard.type("Un second fournisseur est qualifié d'ici la fin de l'exercice.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".ptn-messages")).to_contain_text("Ajout enregistré.")
    page.goto(EDITION)
    expect(problem_link(page, title)).to_have_count(0)


def test_each_readiness_link_lands_on_the_field_to_fix_with_the_focus_on_it(page: Page, login):
    login(page, "coordonnateur")
    title = add_risk_without_mitigation(page)
    page.goto(EDITION)
    links = page.locator("#preparation ~ .ptn-problems a")
    expect(problem_link(page, title)).to_be_visible()
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    # The demo's own problems (a lead and a unit to name, a benefit, an indicator's values, a
    # mitigation): each link opens a form whose control named by the fragment has the focus.
    for href in hrefs:
        path, _, field = href.partition("#")
        assert field.startswith("id_"), href
        page.goto(href)
        page.wait_for_load_state("networkidle")  # e.g. the live Markdown preview has loaded
        expect(page.locator(f"#{field}")).to_be_focused()
        expect(page.locator("main form")).to_be_visible()

    fix_by_following_its_link(page, title)


def test_the_missing_lead_link_opens_the_initiatives_form_on_the_lead(page: Page, login):
    login(page, "coordonnateur")
    page.goto(initiative_path("2.1.4"))
    form = open_form(fiche(page))
    lead = form.locator("#id_lead")
    named = lead.input_value()
    assert named, "2.1.4 has a lead in the demo"
    lead.select_option("")
    save(form)
    expect_displayed(fiche(page))

    page.goto(EDITION)
    problem_link(page, "Initiative 2.1.4 : responsable à préciser.").click()
    expect(page).to_have_url(re.compile(r"/modifier/initiative/\d+/#id_lead$"))
    page.wait_for_load_state("networkidle")  # the description's live preview has loaded
    expect(page.locator("#id_lead")).to_be_focused()
    page.locator("#id_lead").select_option(named)  # the keyboard user picks the lead at once
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".ptn-messages")).to_contain_text("Modification enregistrée.")
    page.goto(EDITION)
    expect(problem_link(page, "Initiative 2.1.4")).to_have_count(0)


def test_submit_waits_for_the_fixes_and_a_refused_submission_keeps_the_comment(page: Page, login):
    login(page, "coordonnateur")
    title = add_risk_without_mitigation(page)
    page.goto(EDITION)
    form = page.locator("#step-soumettre")
    button = form.get_by_role("button", name="Soumettre à la DI")
    expect(button).to_be_disabled()
    expect(form.locator(".ptn-step-blocked")).to_contain_text(
        re.compile(r"Pas encore possible : \d+ éléments? (est|sont) à corriger")
    )
    expect(button).to_have_attribute("aria-describedby", "blocked-soumettre")

    # A page opened before the last problem appeared still has an active button: the server
    # refuses, and nothing typed is lost.
    button.evaluate("button => button.removeAttribute('disabled')")
    comment = unique("Version revue avec les directions, prête pour la DI.")
    form.locator("#comment-soumettre").fill(comment)
    button.click()

    error = page.locator("#error-soumettre")
    expect(error).to_contain_text("Soumission refusée")
    expect(page.locator("#comment-soumettre")).to_have_value(comment)
    expect(page.locator("#comment-soumettre")).to_be_focused()
    expect(problem_link(page, title)).to_be_visible()
    expect(page.locator("main h1 .ptn-badge")).to_have_text(re.compile("Brouillon"))

    fix_by_following_its_link(page, title)
