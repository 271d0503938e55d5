"""Workbook import and export (roadmap/exchange): hostile files, wrong rows, CSV, formula
injection, round trips, frozen editions.

Fixture files are in tests/fixtures/imports (README.md lists them; make_fixtures.py rebuilds them
byte for byte). Every refused file goes through what the upload does — ``read_upload`` then
``run_import(apply=True)`` — and the test checks that nothing at all was written.

"Before parsing" is proved with spies, not with timings: which zip entries were opened, whether
openpyxl was asked to load the workbook, how many XML events its parsers produced and how many
rows it handed out. Timings are measured (time.perf_counter) and printed at the end of the
module; no test asserts on them.
"""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
import types
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from defusedxml import EntitiesForbidden
from django.apps import apps
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from openpyxl.worksheet import _reader as openpyxl_sheet_reader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from simple_history.models import HistoricalChanges

from accounts.models import User
from benefits.models import Benefit, Indicator, Measurement
from initiatives.models import (
    Contribution,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from roadmap.exchange.files import MAX_ROWS, MAX_UPLOAD_BYTES, ImportFileError, read_upload
from roadmap.exchange.service import export_csv, export_workbook, run_import
from roadmap.models import Edition, EditionFrozenError

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
EXPORT_SHEETS = [
    "Initiatives", "Bénéfices", "Montants annuels", "Indicateurs", "Mesures", "Risques", "Atténuations", "Jalons",
    "Contributions", "Bilans d'étape", "Tableau de bord", "Risques principaux",
    "Indicateurs hors trajectoire", "Jalons en retard",
]  # fmt: skip
# The dashboard's sheets (when asked for): for information, passed over by the import.
INFORMATION_SHEETS = EXPORT_SHEETS[-4:]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MiB = 1024 * 1024


def _load_builder() -> types.ModuleType:
    """make_fixtures.py, loaded without writing a __pycache__ into the fixtures folder."""
    path = FIXTURES / "make_fixtures.py"
    module = types.ModuleType("import_fixtures")
    module.__file__ = str(path)
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


mk = _load_builder()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- Nothing written: the plan's tables and every history table --------------------------------

PLAN_MODELS = [
    Initiative, Benefit, Indicator, Measurement, InitiativeRisk, InitiativeRiskMitigation,
    Milestone, Contribution,
]  # fmt: skip


def history_models() -> list:
    return [m for m in apps.get_models() if issubclass(m, HistoricalChanges)]


def snapshot() -> dict:
    return {
        "rows": {m._meta.label: list(m.objects.order_by("pk").values()) for m in PLAN_MODELS},
        "history": {m._meta.label: m.objects.count() for m in history_models()},
    }


def history_counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in history_models()}


# --- Spies: what was parsed -------------------------------------------------------------------


@dataclass
class ParseSpy:
    opened: list[str] = field(default_factory=list)  # zip entries opened (read or streamed)
    workbooks: int = 0  # openpyxl.load_workbook calls
    csv_readers: int = 0  # csv.reader calls
    xml_events: int = 0  # events produced by openpyxl's XML parsers (sheets, shared strings)
    rows: int = 0  # rows openpyxl's read-only worksheets handed out

    def reset(self) -> None:
        """Forget what the test itself did (building or checking its fixture)."""
        self.opened.clear()
        self.workbooks = self.csv_readers = self.xml_events = self.rows = 0


@pytest.fixture
def spy(monkeypatch) -> ParseSpy:
    seen = ParseSpy()

    real_open = zipfile.ZipFile.open

    def open_entry(self, name, *args, **kwargs):
        seen.opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", open_entry)

    real_load = openpyxl.load_workbook

    def load_workbook(*args, **kwargs):
        seen.workbooks += 1
        return real_load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", load_workbook)

    real_reader = csv.reader

    def reader(*args, **kwargs):
        seen.csv_readers += 1
        return real_reader(*args, **kwargs)

    monkeypatch.setattr(csv, "reader", reader)

    def counting(real):
        def iterparse(*args, **kwargs):
            for event in real(*args, **kwargs):
                seen.xml_events += 1
                yield event

        return iterparse

    monkeypatch.setattr(
        openpyxl_sheet_reader, "iterparse", counting(openpyxl_sheet_reader.iterparse)
    )
    from openpyxl.reader import strings as openpyxl_strings

    monkeypatch.setattr(openpyxl_strings, "iterparse", counting(openpyxl_strings.iterparse))

    real_rows = ReadOnlyWorksheet._cells_by_row

    def cells_by_row(self, *args, **kwargs):
        for row in real_rows(self, *args, **kwargs):
            seen.rows += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", cells_by_row)
    return seen


# --- Timings, printed at the end of the module (never asserted) --------------------------------

TIMINGS: list[tuple[str, float, int | None]] = []


@pytest.fixture(scope="module", autouse=True)
def _print_timings(pytestconfig):
    yield
    reporter = pytestconfig.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not TIMINGS:
        return
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        reporter.ensure_newline()
        reporter.write_sep("-", "refused files: time to refusal (time.perf_counter), peak memory")
        for name, seconds, peak in TIMINGS:
            memory = f"{peak / MiB:7.1f} Mio" if peak is not None else " " * 11
            reporter.write_line(f"{seconds * 1000:9.1f} ms {memory}  {name}")


@dataclass
class Refusal:
    message: str
    error: ImportFileError
    seconds: float
    peak: int | None


def refuse(
    edition, filename: str, data: bytes, *, label: str, trace_memory: bool = False
) -> Refusal:
    """Upload ``data`` as the view would (read, then import with apply=True): it must be refused
    with an ImportFileError, and nothing may be written."""
    before = snapshot()
    if trace_memory:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ImportFileError) as caught:
            sheets = read_upload(filename, data)
            run_import(edition, sheets, apply=True)  # reached only if the file was accepted
    finally:
        seconds = time.perf_counter() - started
        peak = None
        if trace_memory:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    TIMINGS.append((label, seconds, peak))
    assert snapshot() == before, "a refused file wrote to the database"
    return Refusal(str(caught.value), caught.value, seconds, peak)


def import_file(edition, name: str, data: bytes | None = None, *, apply: bool):
    return run_import(
        edition, read_upload(name, fixture_bytes(name) if data is None else data), apply=apply
    )


def csv_rows(data: bytes, delimiter: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def problems(report) -> list[tuple]:
    return [(p.sheet, p.row, p.column, p.message) for p in report.problems]


def cell_changes(report) -> list[tuple]:
    """(sheet, key, column, old, new) of every changed cell of every updated row."""
    return [
        (s.name, c.key, column, old, new)
        for s in report.sheets
        for c in s.changes
        for column, old, new in c.fields
    ]


# === Files refused as a whole, before they are parsed ==========================================


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_file_over_10_mo_is_refused_before_it_is_read(edition, spy, tmp_path, kind):
    size = MAX_UPLOAD_BYTES + 1
    build = mk.oversized_workbook if kind == "xlsx" else mk.oversized_csv
    path = tmp_path / f"plan.{kind}"
    path.write_bytes(build(size))
    data = path.read_bytes()
    assert len(data) == size == 10 * 1024 * 1024 + 1
    spy.reset()

    refusal = refuse(edition, path.name, data, label=f"10 Mo + 1 octet ({kind})")

    assert "10 Mo" in refusal.message and "refusé" in refusal.message
    assert spy.opened == [] and spy.workbooks == 0 and spy.csv_readers == 0


def test_file_of_exactly_10_mo_is_not_refused_for_its_size(edition, tmp_path):
    """The limit is « over 10 Mo »: a real workbook of exactly 10 Mio is read."""
    path = tmp_path / "plan.xlsx"
    path.write_bytes(mk.oversized_workbook(MAX_UPLOAD_BYTES))
    sheets = read_upload(path.name, path.read_bytes())
    assert [s.name for s in sheets] == ["Initiatives"]


def test_pdf_renamed_xlsx_is_refused_before_parsing(edition, spy):
    data = fixture_bytes("pdf_renamed.xlsx")
    import pypdf  # a dev dependency: proves the fixture is a real PDF

    assert data.startswith(b"%PDF-") and len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1
    spy.reset()

    refusal = refuse(edition, "pdf_renamed.xlsx", data, label="PDF renommé .xlsx")

    assert "n'est pas un classeur Excel (.xlsx) valide" in refusal.message
    assert spy.opened == [] and spy.workbooks == 0


@pytest.mark.parametrize("name", ["macros.xlsm", "macros_renamed.xlsx"])
def test_macro_workbook_is_refused_even_renamed_xlsx(edition, spy, name):
    data = fixture_bytes(name)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # the fixture really is a macro workbook
        assert "xl/vbaProject.bin" in archive.namelist()
        assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in archive.read(
            "[Content_Types].xml"
        )
    spy.reset()

    refusal = refuse(edition, name, data, label=f"classeur à macros ({name})")

    assert "macros" in refusal.message and ".xlsx" in refusal.message
    assert spy.workbooks == 0
    assert "xl/vbaProject.bin" not in spy.opened
    assert not any(n.startswith("xl/worksheets/") for n in spy.opened)
    if name.endswith(".xlsm"):
        assert spy.opened == []  # refused on its name alone


def test_zip_bomb_is_refused_without_decompressing(edition, spy):
    data = fixture_bytes("zip_bomb.xlsx")
    assert len(data) < 2 * MiB
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
        assert sheet.file_size > 1024 * MiB and sheet.file_size / sheet.compress_size > 900
    spy.reset()

    refusal = refuse(
        edition, "zip_bomb.xlsx", data, label="bombe de décompression (1 Gio)", trace_memory=True
    )

    assert "bombe de décompression" in refusal.message
    assert "xl/worksheets/sheet1.xml" not in spy.opened
    assert spy.workbooks == 0 and spy.xml_events == 0
    assert refusal.peak < 64 * MiB  # decompressing would have needed over 1 Gio


@pytest.mark.parametrize(
    "name", ["billion_laughs_sheet.xlsx", "billion_laughs_shared_strings.xlsx"]
)
def test_xml_entity_expansion_is_refused(edition, spy, name):
    data = fixture_bytes(name)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = "xl/sharedStrings.xml" if "shared" in name else "xl/worksheets/sheet1.xml"
        assert b"<!ENTITY lol9" in archive.read(part)
    spy.reset()

    refusal = refuse(edition, name, data, label=f"billion laughs ({name})", trace_memory=True)

    assert "XML refusé" in refusal.message
    causes, error = [], refusal.error
    while error is not None:
        causes.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(e, EntitiesForbidden) for e in causes), causes  # defusedxml said no
    assert refusal.peak < 64 * MiB  # 10⁹ « lol » were never expanded


@pytest.mark.parametrize(
    "name",
    ["million_rows_declared.xlsx", "million_rows_undeclared.xlsx", "million_rows_elements.xlsx"],
)
def test_million_rows_are_refused_without_reading_them(edition, spy, name):
    refusal = refuse(edition, name, fixture_bytes(name), label=f"un million de lignes ({name})")

    assert "Initiatives" in refusal.message and "lignes" in refusal.message
    if name == "million_rows_declared.xlsx":
        assert "1 000 001 lignes" in refusal.message
        assert spy.rows == 0  # refused on the declared dimension, before any row
    # Neither the app nor openpyxl may walk a million rows (XML elements or filler rows): at
    # most the app's own limit of MAX_ROWS data rows, plus the header and the one over.
    assert spy.rows <= MAX_ROWS + 3
    assert spy.xml_events < 100_000, f"{spy.xml_events:,} XML events parsed before refusing"


# === Problems in rows: reported where they are; nothing written, even with apply=True ===========


def assert_nothing_applied(edition, name: str):
    """Preview, then apply=True: the same problems, report not applied, database untouched."""
    before = snapshot()
    preview = import_file(edition, name, apply=False)
    assert snapshot() == before
    applied = import_file(edition, name, apply=True)
    assert snapshot() == before
    assert applied.has_errors and not applied.applied
    assert problems(applied) == problems(preview)
    return preview


def test_unknown_and_missing_columns_are_reported_at_row_1(edition):
    report = assert_nothing_applied(edition, "initiatives_bad_columns.xlsx")

    found = {(p.row, p.column): p.message for p in report.problems if p.sheet == "Initiatives"}
    assert "inconnue" in found[(1, "Commentaire")]
    assert "manquante" in found[(1, "Budget ($)")]
    assert len(report.problems) == 2


def test_unknown_ambition_on_a_new_initiative_row(edition):
    report = assert_nothing_applied(edition, "initiatives_unknown_ambition.xlsx")

    ambition = [p for p in report.problems if p.column == "Ambition"]
    assert [(p.sheet, p.row) for p in ambition] == [("Initiatives", 3)]
    assert "9.9" in ambition[0].message and "inconnu" in ambition[0].message
    assert {p.row for p in report.problems} == {3}  # the good row 2 is not blamed
    assert not Initiative.objects.filter(code="9.9.1").exists()


def test_the_same_new_initiative_row_with_a_real_ambition_is_created(edition):
    """Control for the test above: fixed (ambition 1.1, code 1.1.9) the row is a valid new
    initiative, so the only thing wrong with it there was the ambition."""
    sheets = read_upload("x.xlsx", fixture_bytes("initiatives_unknown_ambition.xlsx"))
    headers = sheets[0].headers
    new = sheets[0].rows[1]
    new[headers.index("Code")], new[headers.index("Ambition")] = "1.1.9", "1.1"
    before = history_counts()

    report = run_import(edition, sheets, apply=True)

    assert problems(report) == []
    assert report.applied and report.sheets[0].created == 1
    created = Initiative.objects.get(edition=edition, code="1.1.9")
    assert (created.number, created.ambition.code, created.title) == (
        9,
        "1.1",
        "Nouvelle initiative",
    )
    assert created.history.count() == 1
    assert (
        history_counts()["initiatives.HistoricalInitiative"]
        == before["initiatives.HistoricalInitiative"] + 1
    )


def test_duplicate_initiative_code_names_both_rows(edition):
    report = assert_nothing_applied(edition, "initiatives_duplicate_code.xlsx")

    duplicates = [p for p in report.problems if "double" in p.message]
    assert len(duplicates) == 1
    problem = duplicates[0]
    assert (problem.sheet, problem.row, problem.column) == ("Initiatives", 4, "Code")
    assert "1.1.1" in problem.message and "ligne 2" in problem.message
    assert len(report.problems) == 1


def test_text_in_a_money_column(edition):
    report = assert_nothing_applied(edition, "initiatives_budget_text.xlsx")

    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Initiatives", 3, "Budget ($)")
    assert "deux millions" in problem.message and "montant" in problem.message


@pytest.mark.parametrize(
    ("name", "sheet", "column", "value"),
    [
        ("jalons_bad_date.xlsx", "Jalons", "Échéance", "bientôt"),
        ("mesures_bad_date.xlsx", "Mesures", "Date de la mesure", "31/02/2024"),
    ],
)
def test_a_date_that_is_not_a_date(edition, name, sheet, column, value):
    report = assert_nothing_applied(edition, name)

    assert len(report.problems) == 1
    problem = report.problems[0]
    assert value in problem.message and "n'est pas une date" in problem.message
    assert (problem.sheet, problem.row, problem.column) == (sheet, 2, column)


def test_one_bad_row_among_good_ones_imports_nothing(edition):
    before = snapshot()
    history_before = {
        "1.1.1": Initiative.objects.get(edition=edition, code="1.1.1").history.count(),
        "2.2.3": Initiative.objects.get(edition=edition, code="2.2.3").history.count(),
    }

    report = import_file(edition, "one_bad_row.xlsx", apply=True)

    assert problems(report) == [
        ("Initiatives", mk.ONE_BAD_ROW["bad_row"], "Budget ($)", report.problems[0].message)
    ]
    assert report.has_errors and not report.applied
    assert snapshot() == before
    first = Initiative.objects.get(edition=edition, code="1.1.1")
    assert first.title == mk.DEMO_INITIATIVES["1.1.1"][2]
    assert Initiative.objects.get(edition=edition, code="2.2.3").phase == ""
    assert Benefit.objects.get(initiative=first, order=1).amount == 2000000
    assert not Milestone.objects.filter(initiative__edition=edition).exists()
    assert first.history.count() == history_before["1.1.1"]


def test_one_bad_row_fixture_without_its_bad_cell_imports_everything(edition):
    """Control for the test above: its other rows are good and would have been written."""
    sheets = read_upload("one_bad_row.xlsx", fixture_bytes("one_bad_row.xlsx"))
    initiatives = sheets[0]
    bad = initiatives.rows[mk.ONE_BAD_ROW["bad_row"] - 2]
    bad[initiatives.headers.index("Budget ($)")] = None

    report = run_import(edition, sheets, apply=True)

    assert problems(report) == [] and report.applied
    assert report.change_count == 4  # two titles/phases, one amount, one new milestone
    first = Initiative.objects.get(edition=edition, code="1.1.1")
    assert first.title == mk.ONE_BAD_ROW["title_1_1_1"]
    assert (
        Initiative.objects.get(edition=edition, code="2.2.3").phase == mk.ONE_BAD_ROW["phase_2_2_3"]
    )
    assert Benefit.objects.get(initiative=first, order=1).amount == mk.ONE_BAD_ROW["amount_1_1_1_1"]
    assert (
        Milestone.objects.filter(initiative__code="2.2.3", initiative__edition=edition).count() == 1
    )


# === CSV ==================================================================================


@pytest.mark.parametrize("sheet", ["Initiatives", "Bénéfices", "Indicateurs", "Contributions"])
def test_exported_csv_reimported_unchanged_has_no_change(edition, sheet):
    data = export_csv(edition, sheet)
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM, as the export promises

    report = run_import(edition, read_upload(f"{sheet}.csv", data), apply=False)

    assert problems(report) == []
    assert report.change_count == 0
    rows = csv_rows(data)
    assert sum(s.unchanged for s in report.sheets) == len(rows) - 1 > 0


def test_cp1252_semicolon_csv_one_title_changed(edition):
    data = fixture_bytes("initiatives_cp1252_semicolon.csv")
    assert not data.startswith(b"\xef\xbb\xbf") and data.count(b";") > data.count(b",")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # really Windows-1252, as French Excel saves it
    old = mk.DEMO_INITIATIVES["1.1.1"][2]

    preview = import_file(edition, "initiatives_cp1252_semicolon.csv", apply=False)

    assert problems(preview) == []
    assert preview.change_count == 1
    assert [c[1:] for c in cell_changes(preview)] == [("1.1.1", "Titre", old, mk.NEW_TITLE_CP1252)]

    initiative = Initiative.objects.get(edition=edition, code="1.1.1")
    versions = initiative.history.count()
    applied = import_file(edition, "initiatives_cp1252_semicolon.csv", apply=True)
    assert applied.applied
    initiative.refresh_from_db()
    assert initiative.title == mk.NEW_TITLE_CP1252  # ’ « » — é œ intact
    assert initiative.history.count() == versions + 1


def test_export_resaved_by_french_excel_with_one_title_changed(edition):
    """The live export, opened and saved again as « CSV (séparateur : point-virgule) »."""
    rows = csv_rows(export_csv(edition, "Initiatives"))
    title = rows[0].index("Titre")
    target = next(r for r in rows if r[0] == "2.1.4")
    old = target[title]
    new = "Veille technologique appliquée — révisée « 2025 » (œuvre, cœur, à-propos)"
    target[title] = new
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode("cp1252")

    report = run_import(edition, read_upload("Initiatives.csv", data), apply=True)

    assert problems(report) == []
    assert [c[1:] for c in cell_changes(report)] == [("2.1.4", "Titre", old, new)]
    assert report.change_count == 1 and report.applied
    assert Initiative.objects.get(edition=edition, code="2.1.4").title == new


def test_utf8_comma_csv_works_too(edition):
    data = fixture_bytes("initiatives_utf8_comma.csv")
    assert not data.startswith(b"\xef\xbb\xbf") and b";" not in data.split(b"\r\n")[0]
    old = mk.DEMO_INITIATIVES["1.1.2"][2]

    report = import_file(edition, "initiatives_utf8_comma.csv", apply=True)

    assert problems(report) == []
    assert [c[1:] for c in cell_changes(report)] == [("1.1.2", "Titre", old, mk.NEW_TITLE_UTF8)]
    assert report.applied
    assert Initiative.objects.get(edition=edition, code="1.1.2").title == mk.NEW_TITLE_UTF8


# === Formula injection on export ============================================================


@pytest.fixture
def formula_titles(edition) -> dict[str, str]:
    for code, title in mk.FORMULA_TITLES.items():
        assert Initiative.objects.filter(edition=edition, code=code).update(title=title) == 1
    return mk.FORMULA_TITLES


def test_exported_workbook_contains_no_formula(edition, formula_titles):
    # With the dashboard's sheets (asked for, as the dashboard's link does): their text too.
    data = export_workbook(edition, options={"periode": ""})
    workbook = openpyxl.load_workbook(io.BytesIO(data))  # not read-only

    assert workbook.sheetnames == EXPORT_SHEETS
    formulas = [
        f"{ws.title}!{cell.coordinate}"
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []


@pytest.mark.parametrize(
    "code", list(mk.FORMULA_TITLES), ids=[repr(t[0]) for t in mk.FORMULA_TITLES.values()]
)
def test_exported_workbook_keeps_dangerous_text_as_text(edition, formula_titles, code):
    data = export_workbook(edition)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Initiatives"]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == code)
    cell = row[headers.index("Titre")]

    assert cell.data_type == "s"
    # XML turns a raw carriage return into a line feed, so OOXML writes it « _x000D_ » (Excel
    # shows a line break; the portal's import reads it back as « \r »).
    assert cell.value.replace("_x000D_", "\r") == formula_titles[code]
    # …and re-importing the export changes nothing.
    report = run_import(edition, read_upload("plan.xlsx", data), apply=False)
    assert problems(report) == [] and cell_changes(report) == []


def test_exported_csv_protects_dangerous_text_and_reimport_restores_it(edition, formula_titles):
    data = export_csv(edition, "Initiatives")
    rows = csv_rows(data)
    title = rows[0].index("Titre")
    by_code = {r[0]: r for r in rows[1:]}

    for code, text in formula_titles.items():
        assert by_code[code][title] == "'" + text
    raw = [v for r in rows for v in r if v[:1] in FORMULA_STARTS]
    assert [v for v in raw if not (v.startswith("-") and v[1:].replace(".", "").isdigit())] == []

    before = {i.code: i.title for i in Initiative.objects.filter(edition=edition)}
    report = run_import(edition, read_upload("Initiatives.csv", data), apply=True)
    assert problems(report) == [] and report.change_count == 0
    assert {i.code: i.title for i in Initiative.objects.filter(edition=edition)} == before


def test_formula_titles_csv_fixture_imports_the_text_without_the_apostrophe(edition):
    report = import_file(edition, "initiatives_formula_titles.csv", apply=True)

    assert problems(report) == [] and report.applied
    expected = [
        (code, "Titre", mk.DEMO_INITIATIVES[code][2], text)
        for code, text in mk.FORMULA_TITLES.items()
    ]
    assert sorted(c[1:] for c in cell_changes(report)) == sorted(expected)
    stored = dict(
        Initiative.objects.filter(edition=edition, code__in=mk.FORMULA_TITLES).values_list(
            "code", "title"
        )
    )
    assert stored == mk.FORMULA_TITLES
    # Exported again, those rows are the fixture's rows (apostrophes back in place), the lead
    # written by name where the fixture (an earlier export) has the login.
    exported = csv_rows(export_csv(edition, "Initiatives"))
    kept = csv_rows(fixture_bytes("initiatives_formula_titles.csv"))
    names = {u.username: u.get_full_name() for u in User.objects.all()}
    kept = [[*r[:5], names.get(r[5], r[5]), *r[6:]] for r in kept]
    assert [r for r in exported if r[0] in mk.FORMULA_TITLES] == kept[1:]


# === XLSX round trip =========================================================================


def test_exported_workbook_reimported_unchanged_has_no_change(edition):
    data = export_workbook(edition, options={"periode": ""})  # the dashboard's sheets too
    sheets = read_upload("plan.xlsx", data)
    assert [s.name for s in sheets] == EXPORT_SHEETS

    before = snapshot()
    report = run_import(edition, sheets, apply=True)

    assert problems(report) == []
    assert report.change_count == 0
    assert all(s.created == s.updated == 0 for s in report.sheets)
    assert {s.name: s.unchanged for s in report.sheets} == {
        s.name: len(s.rows) for s in sheets if s.name not in INFORMATION_SHEETS
    }
    assert snapshot() == before  # no row re-saved, no history row


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_round_trip_keeps_multiline_text_typed_in_a_browser(edition, kind):
    """A <textarea> submits its line breaks as CRLF and Django stores them as they came: the
    export of such a description, imported back unchanged, must not change it."""
    description = "Premier paragraphe.\r\n\r\n- un point\r\n- un autre point"
    Initiative.objects.filter(edition=edition, code="1.1.2").update(description=description)
    data = export_workbook(edition) if kind == "xlsx" else export_csv(edition, "Initiatives")

    report = run_import(edition, read_upload(f"Initiatives.{kind}", data), apply=True)

    assert problems(report) == []
    assert cell_changes(report) == []
    assert Initiative.objects.get(edition=edition, code="1.1.2").description == description


def _edited_export(edition) -> bytes:
    """The export with exactly three cells changed in openpyxl, in three sheets."""
    workbook = openpyxl.load_workbook(io.BytesIO(export_workbook(edition)))

    def set_cell(sheet: str, key: tuple, column: str, value) -> None:
        ws = workbook[sheet]
        headers = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            if tuple(str(c.value) for c in row[: len(key)]) == key:
                row[headers.index(column)].value = value
                return
        raise AssertionError((sheet, key))

    for sheet, (key, column, _old, new) in mk.THREE_CHANGES.items():
        set_cell(sheet, tuple(key.split(" / ")), column, new)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _same(actual: str, expected) -> bool:
    if expected is None:
        return actual == ""
    if isinstance(expected, int):
        try:
            return Decimal(actual) == expected
        except ArithmeticError:
            return False
    return actual == expected


SOURCES = {
    "export edited with openpyxl": _edited_export,
    "kept sparse workbook": lambda edition: fixture_bytes("three_changes.xlsx"),
}


@pytest.mark.parametrize("source", list(SOURCES))
def test_three_changed_cells_are_exactly_the_reported_changes(edition, source):
    data = SOURCES[source](edition)
    before = snapshot()

    report = run_import(edition, read_upload("plan.xlsx", data), apply=False)

    assert snapshot() == before  # a preview writes nothing
    assert problems(report) == []
    assert report.change_count == 3
    changes = cell_changes(report)
    assert [c[:3] for c in changes] == [
        (s, k, col) for s, (k, col, _o, _n) in mk.THREE_CHANGES.items()
    ]
    for (sheet, key, column, old, new), (_k, _c, expected_old, expected_new) in zip(
        changes, mk.THREE_CHANGES.values(), strict=True
    ):
        assert _same(old, expected_old), (sheet, key, column, "old", old, expected_old)
        assert _same(new, expected_new), (sheet, key, column, "new", new, expected_new)


@pytest.mark.parametrize("source", list(SOURCES))
def test_three_changed_cells_applied_with_one_history_row_each(edition, source):
    data = SOURCES[source](edition)
    initiative = Initiative.objects.get(edition=edition, code="2.2.3")
    benefit = Benefit.objects.get(initiative__edition=edition, initiative__code="1.1.1", order=1)
    indicator = Indicator.objects.get(
        benefit__initiative__edition=edition,
        benefit__initiative__code="2.2.3",
        benefit__order=2,
        order=1,
    )
    versions = {o: o.history.count() for o in (initiative, benefit, indicator)}
    before = history_counts()

    report = run_import(edition, read_upload("plan.xlsx", data), apply=True)

    assert problems(report) == [] and report.applied and report.change_count == 3
    for record in versions:
        record.refresh_from_db()
    assert initiative.title == mk.THREE_CHANGES["Initiatives"][3]
    assert benefit.amount == mk.THREE_CHANGES["Bénéfices"][3]
    assert indicator.target == Decimal(mk.THREE_CHANGES["Indicateurs"][3])
    for record, count in versions.items():
        assert record.history.count() == count + 1, record
    assert initiative.history.first().title == initiative.title  # the newest history row
    after = history_counts()
    assert sum(after.values()) - sum(before.values()) == 3  # nothing else was re-saved


# === Queries and concurrent edits ===========================================================


def _workbook_with_changes(edition, count: int) -> bytes:
    """The export with ``count`` initiative titles and benefit descriptions changed, and
    ``count`` milestones added."""
    workbook = openpyxl.load_workbook(io.BytesIO(export_workbook(edition)))
    for sheet, column in (("Initiatives", "Titre"), ("Bénéfices", "Bénéfice")):
        ws = workbook[sheet]
        index = [c.value for c in ws[1]].index(column) + 1
        for row in range(2, 2 + count):
            ws.cell(
                row=row, column=index
            ).value = f"{ws.cell(row=row, column=index).value} (révisé)"
    codes = [r[0] for r in workbook["Initiatives"].iter_rows(min_row=2, values_only=True)]
    for code in codes[:count]:
        workbook["Jalons"].append([code, 1, f"Jalon de {code}", "2025-03-31", "Non"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_queries_do_not_grow_with_the_number_of_changed_rows(edition):
    """One changed row or ten per sheet (updates and new rows): the same queries. The rows of
    a sheet are read once and written together with their history rows."""
    counts = {}
    for count in (1, 10):
        sheets = read_upload("plan.xlsx", _workbook_with_changes(edition, count))
        with CaptureQueriesContext(connection) as queries:
            report = run_import(edition, sheets, apply=False)
        assert problems(report) == []
        changed = {s.name: (s.created, s.updated) for s in report.sheets if s.changes}
        assert changed == {
            "Initiatives": (0, count),
            "Bénéfices": (0, count),
            "Jalons": (count, 0),
        }
        counts[count] = len(queries)
    assert counts[10] == counts[1], counts


def test_bulk_applied_rows_have_their_history_and_next_version(edition):
    sheets = read_upload("plan.xlsx", _workbook_with_changes(edition, 3))
    initiatives = list(Initiative.objects.filter(edition=edition).order_by("code")[:3])
    before = {i.pk: (i.version, i.history.count(), i.updated_at) for i in initiatives}

    report = run_import(edition, sheets, apply=True)

    assert problems(report) == [] and report.applied
    for initiative in initiatives:
        version, records, updated_at = before[initiative.pk]
        initiative.refresh_from_db()
        assert initiative.title.endswith(" (révisé)")
        assert initiative.version == version + 1
        assert initiative.updated_at > updated_at
        assert "revise" in initiative.search_text  # kept in step, as save() does
        assert initiative.history.count() == records + 1
        newest = initiative.history.first()
        assert (newest.history_type, newest.title, newest.version) == (
            "~",
            initiative.title,
            initiative.version,
        )
    milestones = Milestone.objects.filter(initiative__in=initiatives)
    assert milestones.count() == 3
    assert all(m.history.get().history_type == "+" for m in milestones)


def test_a_row_changed_by_someone_else_during_the_import_is_not_overwritten(edition, monkeypatch):
    """Between the moment the import reads the initiatives and the moment it writes them,
    another person saves 1.1.1 (as a concurrent request would commit): the import refuses
    as a whole instead of overwriting that edit."""
    from roadmap.exchange.resources import InitiativeResource

    real = InitiativeResource.before_save_instance
    done = []

    def someone_else_saves_first(self, instance, row, **kwargs):
        if not done:
            Initiative.objects.filter(pk=instance.pk).update(
                title="Modifié par la DI", version=F("version") + 1
            )
            done.append(instance.code)
        real(self, instance, row, **kwargs)

    monkeypatch.setattr(InitiativeResource, "before_save_instance", someone_else_saves_first)
    sheets = read_upload("plan.xlsx", _workbook_with_changes(edition, 2))

    report = run_import(edition, sheets, apply=True)

    assert not report.applied
    stale = [p for p in report.problems if "quelqu'un d'autre" in p.message]
    assert [(p.sheet, p.row) for p in stale] == [("Initiatives", None)]
    assert f"« {done[0]} »" in stale[0].message
    assert not Initiative.objects.filter(title__endswith="(révisé)").exists()


# === Frozen editions =========================================================================


def test_frozen_edition_refuses_imports(edition):
    """A recommended edition refuses the import as a whole (an approved one takes its
    follow-up only: tests/test_exchange_after_approval.py)."""
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.RECOMMENDED)
    recommended = Edition.objects.get(pk=edition.pk)
    sheets = read_upload("three_changes.xlsx", fixture_bytes("three_changes.xlsx"))
    before = snapshot()

    with pytest.raises(EditionFrozenError):
        run_import(recommended, sheets, apply=True)
    with pytest.raises(EditionFrozenError):
        run_import(recommended, sheets, apply=False)
    assert snapshot() == before


def test_an_approved_edition_refuses_changes_to_its_plan_at_their_cells(edition):
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.APPROVED)
    sheets = read_upload("three_changes.xlsx", fixture_bytes("three_changes.xlsx"))
    before = snapshot()

    report = run_import(edition, sheets, apply=True)

    assert not report.applied and report.problems
    assert all(p.row and p.column for p in report.problems)
    assert all(p.message.startswith("Le plan est approuvé : ") for p in report.problems)
    assert snapshot() == before


def test_frozen_edition_refuses_imports_with_the_edition_loaded_before_its_recommendation(
    edition,
):
    """The edition object is the one loaded before the approval (as a view that loaded it, then
    saw the DI recommend it meanwhile): the import must still raise EditionFrozenError."""
    assert edition.is_content_editable
    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.RECOMMENDED)
    sheets = read_upload("three_changes.xlsx", fixture_bytes("three_changes.xlsx"))
    before = snapshot()

    try:
        with pytest.raises(EditionFrozenError):
            run_import(edition, sheets, apply=True)
    finally:
        assert snapshot() == before


# === The fixtures themselves ================================================================


def test_fixtures_are_reproducible_and_documented():
    """make_fixtures.py rebuilds every kept file byte for byte (the 1 Gio bomb is left out:
    deflating it takes seconds — run ``make_fixtures.py --check``), and the README lists each."""
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    kept = sorted(
        p.name
        for p in FIXTURES.iterdir()
        if p.name not in {"README.md", "make_fixtures.py"} and p.is_file()
    )
    assert kept == sorted(mk.FIXTURES)
    for name, build in mk.FIXTURES.items():
        assert f"`{name}`" in readme, name
        assert (FIXTURES / name).stat().st_size < 2 * MiB, name
        if name not in mk.SLOW:
            assert build() == fixture_bytes(name), f"{name} is stale: run make_fixtures.py"
