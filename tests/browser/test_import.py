"""The coordinator's round trip through a spreadsheet, in a real browser: export the roadmap,
change a cell, upload the file, read the preview, confirm, find the change in the plan and in
its history.

The test changes initiative 2.3.2 only (no other browser test reads it), with a value unique
to the run.
"""

from __future__ import annotations

import io
import json
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
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Importer un classeur ou un document JSON"
    )
    page.get_by_label("Fichier .xlsx, .csv ou .json").set_input_files(str(edited))
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


# Initiatives other browser tests read or change: the JSON round trip changes another one.
USED_ELSEWHERE = {"1.1.1", "1.2.1", "1.2.2", "2.1.4", "2.2.3", "2.3.1", "2.3.2"}


def test_the_coordinator_imports_the_whole_edition_as_json(page: Page, login):
    login(page, "coordonnateur")
    page.goto(f"/plan/{BODY}/{YEAR}/feuille-de-route/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter l'édition (.json)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    document = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert document["format"] == "ptn-plan/1"
    initiative = next(i for i in document["initiatives"] if i["code"] not in USED_ELSEWHERE)
    code, old_title = initiative["code"], initiative["title"]
    new_title = unique("Titre revu dans le document JSON")
    initiative["title"] = new_title
    folder = Path(tempfile.mkdtemp(prefix="ptn-import-json-"))
    edited = folder / "plan.json"
    edited.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    page.get_by_role("link", name="Importer", exact=True).click()
    page.get_by_label("Fichier .xlsx, .csv ou .json").set_input_files(str(edited))
    page.get_by_role("button", name="Voir l'aperçu").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import")
    expect(page.get_by_role("status").filter(has_text="changement")).to_contain_text(
        "1 changement à appliquer."
    )
    expect(page.get_by_role("table", name="Par partie du plan")).to_contain_text("Initiatives")
    change = page.locator("main li").filter(has_text=code)
    expect(change.locator("del")).to_have_text(old_title)
    expect(change.locator("ins")).to_have_text(new_title)
    page.screenshot(path=str(folder / "preview-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(folder / "preview-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.locator(".ptn-messages")).to_contain_text("Import appliqué : 1 modification")
    page.goto(initiative_path(code))
    expect(page.get_by_role("heading", level=1)).to_contain_text(new_title)
    if not os.environ.get("PTN_KEEP_SCREENSHOTS"):
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
