"""A new body on a fresh installation (no demo): its coordinator starts the first edition from
the default template in the browser and finds every section of the plan, ready to fill."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    ACTION_TIMEOUT_MS,
    SECRET_KEY,
    Portal,
    _free_port,
    _manage,
    _start,
    _stop,
    _wait_until_answering,
)

PASSWORD = "un-mot-de-passe-solide-42"
SHIPPED = Path(__file__).resolve().parents[2] / "roadmap" / "plan_templates" / "ptn-v1.json"

MAKE_COORDINATOR = f"""
from accounts.models import User
user = User.objects.create_user("coord-nou", password={PASSWORD!r}, email="coord@nou.example",
                                first_name="Camille", last_name="Nouvel")
user.is_demo = True  # DEBUG run: no second factor to enrol, as for the demo's accounts
user.save()
"""


@pytest.fixture(scope="module")
def fresh_url() -> Iterator[str]:
    """A portal server on a database with the migrations only, then one body and its
    coordinator, made with the commands an operator uses."""
    workdir = Path(tempfile.mkdtemp(prefix="ptn-fresh-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'ptn.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "DEBUG": "1",
        "SECRET_KEY": SECRET_KEY,
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "ptn.settings",
        "PYTHONUNBUFFERED": "1",
    }
    portal = Portal(env, workdir)
    _manage(env, "migrate", "--noinput")
    _manage(
        env,
        "create_body",
        "NOU",
        "Société nouvelle des essais",
        "--kind",
        "organisme_autre_que_budgetaire",
        "--head-title",
        "présidente-directrice générale",
        "--name-in-sentence",
        "de la Société nouvelle des essais",
    )
    _manage(env, "shell", "-c", MAKE_COORDINATOR)
    _manage(env, "grant_role", "coord-nou", "coordonnateur PTN", "--body", "NOU")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process, log = _start(portal, "server", "runserver", f"127.0.0.1:{port}", "--noreload")
    try:
        _wait_until_answering(process, f"{url}/connexion/", log)
        yield url
    finally:
        _stop(portal, process, log)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def fresh_page(browser: Browser, fresh_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=fresh_url, locale="fr-CA")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_a_new_bodys_coordinator_starts_the_first_edition_from_the_default_template(fresh_page):
    page = fresh_page
    page.goto("/connexion/")
    page.fill("#id_login", "coord-nou")
    page.fill("#id_password", PASSWORD)
    page.click(".ptn-local-login button[type=submit]")
    expect(page).to_have_url(re.compile(r"/plan/nou/$"))
    expect(page.get_by_text("Aucune édition du plan n'a encore été commencée.")).to_be_visible()

    page.get_by_role("link", name="Commencer une édition").click()
    source = page.get_by_label("Point de départ")
    expect(source).to_have_value(re.compile(r"^modele-\d+$"))  # the default, preselected
    expect(source.locator("option:checked")).to_have_text(
        "Le modèle « Plan de transformation numérique — structure attendue », version 1 "
        "(modèle par défaut)"
    )
    page.get_by_label("Exercice financier").fill("2024-2025")
    page.get_by_role("button", name="Commencer l'édition").click()
    expect(page).to_have_url(re.compile(r"/plan/nou/2024-2025/edition/$"))
    expect(page.get_by_text("L'édition 2024-2025 est créée.")).to_be_visible()

    page.goto("/plan/nou/2024-2025/sections/")
    titles = [
        s["title"] for s in json.loads(SHIPPED.read_text(encoding="utf-8"))["data"]["sections"]
    ]
    toc = page.locator(".ptn-toc li > a")  # each section's title (then its actions)
    expect(toc).to_have_count(len(titles))
    expect(toc).to_have_text(titles)

    page.get_by_role("link", name="Radar numériQc", exact=True).click()
    expect(page.get_by_text("Attendu par le modèle :")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Radar numériQc")
