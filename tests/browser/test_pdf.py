"""« Télécharger le PDF » in a real browser: a click always ends in the PDF, also when it must be
rendered first (the background worker renders it while the progress page follows)."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

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

RENDER_TIMEOUT_MS = 60_000  # the worker's first render also starts its forkserver


def test_the_coordinator_downloads_the_pdf_of_a_plan_just_changed(page: Page, login, task_worker):
    login(page, "coordonnateur")
    # A change: no PDF of the current content exists, it must be rendered first.
    page.goto(initiative_path("1.2.2"))
    card = fiche(page)
    form = open_form(card)
    title = unique("Explorer l'arrimage avec la plateforme de notification gouvernementale")
    form.locator("#id_title").fill(title)
    save(form)
    expect_displayed(card)

    page.goto(f"/plan/{BODY}/{YEAR}/")
    with page.expect_download(timeout=RENDER_TIMEOUT_MS) as started:
        page.get_by_role("link", name="Télécharger le PDF").click()
    download = started.value
    assert download.suggested_filename == f"PTN-MEIE-{YEAR}.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)
    assert title.split()[-1] in text  # the render of the plan as changed

    # The page the click led to says so, and still offers the file.
    expect(page).to_have_url(re.compile(rf"/plan/{BODY}/{YEAR}/pdf/production/$"))
    expect(page.get_by_text("Le PDF est prêt.")).to_be_visible()
    expect(page.get_by_role("link", name="Télécharger le PDF")).to_have_attribute(
        "href", f"/plan/{BODY}/{YEAR}/pdf/"
    )


def test_the_dashboards_annex_pdf_is_rendered_by_the_worker_and_downloaded(
    page: Page, login, task_worker
):
    """« PDF du plan avec l'annexe « État d'avancement » »: the worker renders it too (no
    render in a web request); the click ends in the file, for the period shown."""
    login(page, "lecteur")
    page.goto(f"/plan/{BODY}/{YEAR}/suivi/?periode=2024-03-31")
    with page.expect_download(timeout=RENDER_TIMEOUT_MS) as started:
        page.get_by_role("link", name=re.compile("PDF du plan avec l'annexe")).click()
    download = started.value
    assert download.suggested_filename == f"PTN-MEIE-{YEAR}-avancement-2024-03-31.pdf"
    content = Path(download.path()).read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages)
    assert "État d'avancement au 31 mars 2024" in " ".join(text.split())
    expect(page).to_have_url(re.compile(rf"/plan/{BODY}/{YEAR}/suivi/pdf/production/"))
    expect(page.get_by_text("Le PDF est prêt.")).to_be_visible()
