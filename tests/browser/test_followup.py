"""A progress report in a real browser: the lead files it, the guard asks for the justification
of a health declared better than the figures say, the coordinator sends it back.

The browser tests share one database: this test uses the demo's draft report of 1.1.1 for the
period ending 31 March 2024 (no other test writes it) and leaves it a draft again, sent back.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import BODY, YEAR

REPORT = f"/plan/{BODY}/{YEAR}/suivi/initiatives/1.1.1/2024-03-31/"


def test_a_lead_files_a_report_with_its_justification_and_the_coordinator_sends_it_back(
    page: Page, new_page, login
):
    login(page, "responsable")
    page.goto(f"/plan/{BODY}/{YEAR}/suivi/?periode=2024-03-31")
    page.get_by_role("link", name="1.1.1 PSLU").first.click()
    page.get_by_role("link", name="Bilan au 31 mars 2024").click()
    expect(page).to_have_url(re.compile(re.escape(REPORT) + "$"))

    # Planned end: 31 March 2026. A forecast end nine months later, declared green.
    page.get_by_label("Date de fin prévue").fill("2026-12-31")
    page.get_by_label("Santé déclarée : échéancier").select_option(label="Vert")
    page.get_by_label("Santé déclarée : globale").select_option(label="Vert")
    page.get_by_label("Justification de l'écart").fill("")
    page.get_by_role("button", name="Soumettre à la coordination").click()

    # Refused: the guard names the divergence; nothing typed is lost.
    expect(page.locator(".qc-form-error")).to_contain_text("justifiez l'écart")
    expect(page.get_by_label("Date de fin prévue")).to_have_value("2026-12-31")
    health = page.locator("table", has=page.get_by_text("Santé déclarée par le responsable"))
    expect(health.get_by_role("row", name=re.compile("Échéancier"))).to_contain_text("Rouge")

    page.get_by_label("Justification de l'écart").fill(
        "Le report tient au calendrier du fournisseur; le périmètre est inchangé."
    )
    page.get_by_role("button", name="Soumettre à la coordination").click()
    expect(page.locator(".ptn-messages")).to_contain_text("Bilan soumis à la coordination.")
    expect(page.get_by_role("button", name="Soumettre à la coordination")).to_have_count(0)

    coordinator = new_page()
    login(coordinator, "coordonnateur")
    coordinator.goto(REPORT)
    review = coordinator.locator("section[aria-labelledby='review-title']")
    expect(review).to_contain_text("Le report tient au calendrier du fournisseur")
    review.get_by_role("button", name="Retourner au responsable").click()
    expect(coordinator.locator(".qc-form-error")).to_contain_text("ce qui doit être revu")
    coordinator.get_by_label("Commentaire au responsable").fill(
        "Précisez la nouvelle date de mise en production."
    )
    coordinator.get_by_role("button", name="Retourner au responsable").click()
    expect(coordinator.locator(".ptn-messages")).to_contain_text("Bilan retourné au responsable.")

    page.reload()
    expect(page.locator(".qc-notice.qc-warning").first).to_contain_text(
        "Précisez la nouvelle date de mise en production."
    )
    expect(page.get_by_role("button", name="Soumettre à la coordination")).to_be_visible()
