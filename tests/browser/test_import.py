"""The coordinator's round trip through a spreadsheet, in a real browser: export the roadmap,
change a cell, upload the file, read the preview, confirm, find the change in the plan and in
its history.

The test changes initiative 2.3.2 only (no other browser test reads it), with a value unique
to the run.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

from tests.browser.helpers import BODY, YEAR, initiative_path, unique

CODE = "2.3.2"


def test_the_coordinator_exports_edits_and_imports_back_a_title(page: Page, login):
    login(page, "coordonnateur")
    page.goto(f"/plan/{BODY}/{YEAR}/feuille-de-route/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter (.xlsx)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")

    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet = book["Initiatives"]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == CODE)
    old_title = row[headers.index("Titre")].value
    new_title = unique("Titre revu dans le tableur")
    row[headers.index("Titre")].value = new_title
    folder = Path(tempfile.mkdtemp(prefix="ptn-import-"))
    edited = folder / "plan-modifie.xlsx"
    buffer = io.BytesIO()
    book.save(buffer)
    edited.write_bytes(buffer.getvalue())

    page.get_by_role("link", name="Importer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importer un classeur")
    page.get_by_label("Fichier .xlsx ou .csv").set_input_files(str(edited))
    page.get_by_role("button", name="Voir l'aperçu").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import")
    expect(page.get_by_role("status").filter(has_text="changement")).to_contain_text(
        "1 changement à appliquer."
    )
    change = page.locator("main li").filter(has_text=CODE)
    expect(change.locator("del")).to_have_text(old_title)
    expect(change.locator("ins")).to_have_text(new_title)
    page.screenshot(path=str(folder / "preview.png"), full_page=True)
    # Nothing is written before the confirmation.
    check = page.context.new_page()
    check.goto(initiative_path(CODE))
    expect(check.get_by_role("heading", level=1)).not_to_contain_text(new_title)
    check.close()

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.locator(".ptn-messages")).to_contain_text("Import appliqué : 1 modification")
    expect(page.locator("main")).to_contain_text(new_title)

    page.goto(initiative_path(CODE))
    expect(page.get_by_role("heading", level=1)).to_contain_text(new_title)
    history = page.locator("section:has(#history-title)")
    expect(history).to_contain_text(new_title)
    if not os.environ.get("PTN_KEEP_SCREENSHOTS"):
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
