"""Issue 11's proof in a real browser: a new body's coordinator enters a plan of a shape of its
own (3 orientations, 9 ambitions, gapped initiative codes, a 6-axis radar on 0 to 5) from an
empty edition, and its roadmap shows it in order, in a portal that also holds the MEIE."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

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


def add(page: Page, link: Locator, fields: dict[str, str]) -> None:
    """Open an « Ajouter » link's form as a page of its own (its real address, not the htmx
    swap: no race with htmx on a loaded machine), fill it, save, and wait to be sent back."""
    page.goto(link.get_attribute("href"))
    located = [
        (page.locator(label) if label.startswith("#") else page.get_by_label(label), value)
        for label, value in fields.items()
    ]
    for field, value in located:
        field.fill(value)
    # Once seen on a starved CI machine: a field's text typed into the previous field (no
    # script of the page moves the focus here). Each field is read back, and filled again if
    # so, before saving; what is saved is checked on the pages that follow.
    for field, value in located:
        if field.input_value() != value:
            field.fill(value)
        expect(field).to_have_value(value)
    with page.expect_navigation(timeout=TIMEOUT_MS):
        page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".qc-form-error")).to_have_text([])  # else their messages show
    expect(page).not_to_have_url(re.compile(r"/ajouter/"))


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

    # Orientations and their ambitions, added from the plan's home page.
    page.goto(HOME)
    for number, (orientation, ambitions) in enumerate(ORIENTATIONS.items(), start=1):
        add(
            page,
            page.get_by_role("link", name="+ Ajouter une orientation", exact=True),
            {"Libellé": orientation},
        )
        for ambition in ambitions:
            name = f"+ Ajouter une ambition à l'orientation {number}"
            add(page, page.get_by_role("link", name=name, exact=True), {"Libellé": ambition})

    # Initiatives, their codes typed (the next free number is only the default).
    for code, title in INITIATIVES.items():
        page.goto(f"{HOME}feuille-de-route/")
        name = f"+ Ajouter une initiative à l'ambition {code.rsplit('.', 1)[0]}"
        add(
            page,
            page.get_by_role("link", name=name, exact=True),
            {"#id_code": code, "Titre": title},
        )
        expect(page.locator("h1")).to_contain_text(title, timeout=TIMEOUT_MS)

    # The radar: its 0 to 5 scale, then six axes.
    page.goto(HOME)
    radar = page.locator("section[aria-labelledby='radar-section-title']")
    scale = {"#id_scale_min": "0", "#id_scale_max": "5"}
    add(page, radar.get_by_role("link", name="Ajouter le Radar numériQc"), scale)
    for score, axis in enumerate(AXES):
        link = radar.get_by_role("link", name="Ajouter un axe")
        add(page, link, {"#id_category": axis, "#id_score": str(score)})
    page.goto(HOME)
    expect(radar.locator("tbody tr th")).to_have_text(AXES)
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
