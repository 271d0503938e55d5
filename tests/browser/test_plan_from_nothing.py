"""Issue 11's proof in a real browser: a new body's coordinator enters a plan of a shape of its
own (3 orientations, 9 ambitions, gapped initiative codes, a 6-axis radar on 0 to 5) from an
empty edition, and its roadmap shows it in order, in a portal that also holds the MEIE."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import _manage

USERNAME, PASSWORD = "coord-sqe", "une-phrase-de-passe-pour-la-sqe-42"
HOME = "/plan/sqe/2024-2025/"
ORIENTATIONS = {
    "Des services simples": ["Un guichet unique", "Des démarches en ligne"],
    "Des données utiles": ["Un catalogue", "Une qualité mesurée", "Des données ouvertes"],
    "Une organisation prête": [
        "Des compétences",
        "Une sécurité éprouvée",
        "Une architecture commune",
        "Une gouvernance claire",
    ],
}
# Typed in this order: 3.2.4 before 3.2.1, each gap left as the plan has it.
INITIATIVES = {
    "1.1.1": "Portail des clients",
    "3.2.4": "Centre de surveillance",
    "3.2.1": "Tests d'intrusion",
    "3.4.7": "Comité des données",
}
AXES = ["Clientèle", "Services", "Données", "Sécurité", "Compétences", "Gouvernance"]
MEIE = re.compile(r"Ministère de l.Économie|\bMEIE\b")
TIMEOUT_MS = 30_000  # a loaded machine: every step may be slow, none is timed


@pytest.fixture(scope="module")
def sqe(portal) -> None:
    """The body and its coordinator, made with the operator's commands; no edition yet."""
    _manage(
        portal.env,
        "create_body",
        "SQE",
        "Société québécoise des essais",
        "--kind",
        "organisme_autre_que_budgetaire",
        "--head-title",
        "présidente-directrice générale",
        "--name-in-sentence",
        "de la Société québécoise des essais",
    )
    # A demonstration account (DEBUG is on): no second factor to set up for the test.
    _manage(
        portal.env,
        "shell",
        "-c",
        "from accounts.models import User; "
        f"User.objects.create_user('{USERNAME}', password='{PASSWORD}', is_demo=True)",
    )
    _manage(portal.env, "grant_role", USERNAME, "coordonnateur PTN", "--body", "SQE")


def save(page: Page) -> None:
    page.get_by_role("button", name="Enregistrer", exact=True).click()


def test_a_plan_of_its_own_shape_is_entered_from_nothing(page: Page, sqe, server_url):
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    visited: list[str] = []
    page.on("load", lambda loaded: visited.append(loaded.url))

    page.goto("/connexion/")
    page.fill("#id_login", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click(".ptn-local-login button[type=submit]")
    expect(page).to_have_url(re.compile(r"/plan/sqe/$"), timeout=TIMEOUT_MS)

    # An empty edition.
    page.get_by_role("link", name="Commencer une édition").click()
    page.get_by_label("Exercice financier").fill("2024-2025")
    page.get_by_label("Point de départ").select_option(label="Un plan vide")
    page.get_by_role("button", name="Commencer l'édition").click()
    expect(page).to_have_url(re.compile(r"/plan/sqe/2024-2025/edition/$"), timeout=TIMEOUT_MS)

    # Orientations and their ambitions, added in place on the plan's home page.
    page.goto(HOME)
    for number, (orientation, ambitions) in enumerate(ORIENTATIONS.items(), start=1):
        page.get_by_role("link", name="+ Ajouter une orientation", exact=True).click()
        page.get_by_label("Libellé").fill(orientation)
        save(page)
        card = page.locator("article.ptn-orientation").filter(
            has=page.get_by_role("heading", name=f"Orientation {number}", exact=True)
        )
        expect(card).to_contain_text(orientation, timeout=TIMEOUT_MS)
        for rank, ambition in enumerate(ambitions, start=1):
            add = f"+ Ajouter une ambition à l'orientation {number}"
            card.get_by_role("link", name=add, exact=True).click()
            page.get_by_label("Libellé").fill(ambition)
            save(page)
            expect(card.get_by_role("link", name=f"{number}.{rank} {ambition}")).to_be_visible(
                timeout=TIMEOUT_MS
            )

    # Initiatives, their codes typed (the next free number is only the default).
    for code, title in INITIATIVES.items():
        ambition = code.rsplit(".", 1)[0]
        page.goto(f"{HOME}feuille-de-route/")
        add = f"+ Ajouter une initiative à l'ambition {ambition}"
        page.get_by_role("link", name=add, exact=True).click()
        page.get_by_label("Code", exact=True).fill(code)
        page.get_by_label("Titre", exact=True).fill(title)
        save(page)
        expect(page.locator("h1")).to_contain_text(title, timeout=TIMEOUT_MS)

    # The radar: its 0 to 5 scale, then six axes.
    page.goto(HOME)
    radar = page.locator("section[aria-labelledby='radar-section-title']")
    radar.get_by_role("link", name="Ajouter le Radar numériQc").click()
    page.fill("#id_scale_min", "0")
    page.fill("#id_scale_max", "5")
    save(page)
    expect(radar).to_contain_text("Échelle de 0 à 5", timeout=TIMEOUT_MS)
    for score, axis in enumerate(AXES):
        radar.get_by_role("link", name="Ajouter un axe").click()
        page.fill("#id_category", axis)
        page.fill("#id_score", str(score))
        save(page)
        expect(radar.locator("tbody tr th").nth(score)).to_have_text(axis, timeout=TIMEOUT_MS)
    expect(radar).to_contain_text("sur une échelle de 0 à 5")

    # The roadmap: orientations, ambitions and codes in the plan's order.
    page.goto(f"{HOME}feuille-de-route/")
    expect(page.locator(".ptn-roadmap-orientation h2")).to_have_text(
        [f"Orientation {n} {title}" for n, title in enumerate(ORIENTATIONS, start=1)]
    )
    expect(page.locator(".ptn-roadmap-table caption")).to_have_text(
        [
            f"{n}.{rank} {ambition}"
            for n, ambitions in enumerate(ORIENTATIONS.values(), start=1)
            for rank, ambition in enumerate(ambitions, start=1)
        ]
    )
    codes = ["1.1.1", "3.2.1", "3.2.4", "3.4.7"]
    expect(page.locator(".ptn-roadmap-table tbody td.ptn-code")).to_have_text(
        [re.compile(rf"(^|\s){re.escape(code)}$") for code in codes]
    )
    expect(page.locator(".ptn-roadmap-table tbody th[scope=row]")).to_have_text(
        [INITIATIVES[code] for code in codes]
    )

    # Nothing of the other body on any page the coordinator saw.
    for url in dict.fromkeys(visited):
        page.goto(url)
        expect(page.locator("body")).not_to_contain_text(MEIE)
