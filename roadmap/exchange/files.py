"""Reading and writing workbooks safely: hostile files are refused before they are parsed.

Refused, with a French message: files over 10 Mo; anything that is not a real XLSX or CSV
(a PDF renamed, an .xlsm with macros, an .xls); zip bombs (the declared uncompressed size and
the number of entries are checked before anything is decompressed); XML entity expansion
(openpyxl parses with defusedxml when it is installed, and it is a dependency); sheets declaring
more rows than a plan can have.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import tablib
import xlsxwriter
from defusedxml import ElementTree as DefusedET

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ZIP_ENTRIES = 300
MAX_COMPRESSION_RATIO = 150
MAX_ROWS = 20_000
MAX_COLUMNS = 60
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(Exception):
    """The file is refused as a whole; the message says why, in French."""


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[list]  # data rows only; row i is spreadsheet row i + 2


def read_upload(filename: str, data: bytes) -> list[Sheet]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError("Le fichier dépasse 10 Mo : il est refusé.")
    name = filename.lower()
    if name.endswith((".xlsm", ".xltm", ".xlsb")):
        raise ImportFileError(
            "Les classeurs avec macros (.xlsm) sont refusés : enregistrez le classeur en .xlsx."
        )
    if name.endswith(".xls"):
        raise ImportFileError("L'ancien format .xls n'est pas accepté : enregistrez en .xlsx.")
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return [_read_csv(filename, data)]
    raise ImportFileError("Seuls les fichiers .xlsx, .csv et .json sont acceptés.")


def _read_xlsx(data: bytes) -> list[Sheet]:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError("Ce fichier n'est pas un classeur Excel (.xlsx) valide.")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        names = {e.filename for e in entries}
        if len(entries) > MAX_ZIP_ENTRIES:
            raise ImportFileError("Le classeur contient trop d'éléments : il est refusé.")
        total = sum(e.file_size for e in entries)
        packed = sum(e.compress_size for e in entries) or 1
        if total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
            raise ImportFileError(
                "Le classeur se décompresse en un volume anormal (bombe de décompression) : "
                "il est refusé."
            )
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise ImportFileError("Ce fichier n'est pas un classeur Excel (.xlsx) valide.")
        content_types = archive.read("[Content_Types].xml")
        if (
            b"vbaProject" in content_types
            or b"macroEnabled" in content_types
            or any(n.endswith("vbaProject.bin") for n in names)
        ):
            raise ImportFileError(
                "Les classeurs avec macros (.xlsm) sont refusés : enregistrez le classeur en .xlsx."
            )
        titles = _sheet_titles(archive)
        for entry in entries:
            if entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml"):
                _refuse_too_many_rows(archive, entry, titles.get(entry.filename, entry.filename))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # defusedxml, a broken zip, a malformed sheet…
        raise ImportFileError(
            "Le classeur n'a pas pu être lu (il est endommagé ou contient du XML refusé)."
        ) from error
    sheets = []
    try:
        for worksheet in workbook.worksheets:
            sheets.append(_read_worksheet(worksheet))
    finally:
        workbook.close()
    return sheets


ROW_TAGS = (b"<row ", b"<row>", b"<row/>")


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet file → sheet title, from the workbook's small XML files (parsed with defusedxml)."""
    try:
        workbook = DefusedET.fromstring(archive.read("xl/workbook.xml"))
        rels = DefusedET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    titles = {}
    for sheet in workbook.iter():
        if sheet.tag.endswith("}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "").lstrip("/")
            path = target if target.startswith("xl/") else f"xl/{target}"
            titles[path] = sheet.get("name", path)
    return titles


def _refuse_too_many_rows(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, title: str) -> None:
    """Count a sheet's rows in its XML, streaming, before openpyxl (which, without a declared
    dimension, would parse every row just to size the sheet). Bounded by the size check."""
    count, tail = 0, b""
    with archive.open(entry) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            count += sum(data.count(tag) for tag in ROW_TAGS)
            tail = data[-6:]
            count -= sum(tail.count(tag) for tag in ROW_TAGS)  # counted again next round
            if count > MAX_ROWS + 1:
                raise ImportFileError(
                    f"La feuille « {title} » a plus de {MAX_ROWS:,} lignes : un plan n'en a pas "
                    "tant. Supprimez les lignes vides en trop.".replace(",", " ")
                )


def _read_worksheet(worksheet) -> Sheet:
    declared = worksheet.max_row or 0
    if declared > MAX_ROWS + 1 or (worksheet.max_column or 0) > MAX_COLUMNS:
        raise ImportFileError(
            f"La feuille « {worksheet.title} » déclare {declared:,} lignes : un plan n'en a pas "
            f"tant ({MAX_ROWS:,} au plus). Supprimez les lignes vides en trop.".replace(",", " ")
        )
    rows = []
    for count, values in enumerate(worksheet.iter_rows(values_only=True)):
        if count > MAX_ROWS + 1:
            raise ImportFileError(f"La feuille « {worksheet.title} » a trop de lignes.")
        rows.append([_uncr(v) for v in values])
    return _sheet(worksheet.title, rows)


CR_ESCAPE = "_x000D_"  # OOXML's escape for a carriage return, which XML would turn into « \n »


def _uncr(value):
    return (
        value.replace(CR_ESCAPE, "\r") if isinstance(value, str) and CR_ESCAPE in value else value
    )


def _sheet(name: str, rows: list[list]) -> Sheet:
    while rows and all(_empty(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        return Sheet(name, [], [])
    headers = [("" if h is None else str(h).strip()) for h in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    body = [list(r[: len(headers)]) + [None] * (len(headers) - len(r)) for r in rows[1:]]
    return Sheet(name, headers, body)


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(filename: str, data: bytes) -> Sheet:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ImportFileError(
            "L'encodage du fichier CSV n'est pas reconnu (UTF-8 ou Windows-1252)."
        )
    if "\x00" in text:
        raise ImportFileError("Ce fichier n'est pas un fichier CSV texte.")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    rows = []
    for count, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        if count > MAX_ROWS + 1:
            raise ImportFileError("Le fichier CSV a trop de lignes.")
        rows.append([_unprotect(v) for v in row])
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return _sheet(stem, rows)


def _unprotect(value: str):
    """Undo the apostrophe the export put before text that a spreadsheet would run."""
    if value.startswith("'") and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value if value != "" else None


# --- Writing -----------------------------------------------------------------------------------


def _safe_text(value):
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


# Column widths, in characters: wide enough for a column's usual content, at most WIDEST (a
# longer text wraps in its cell), at least enough for the header's longest word.
NARROWEST, WIDEST = 8, 50
WIDTH_SAMPLE = 200  # rows looked at to size a column


def _text_width(value) -> int:
    """Characters of the longest line a value shows in its cell."""
    if isinstance(value, str):
        return max(map(len, value.splitlines()), default=0)
    if isinstance(value, datetime.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if isinstance(value, int):
        return len(f"{value:,}")
    return len(str(value))


def _column_widths(dataset: tablib.Dataset) -> list[tuple[int, bool]]:
    """Each column's width and whether its long texts wrap."""
    widths = []
    for column, name in enumerate(dataset.headers):
        sample = [v for v in dataset.get_col(column)[:WIDTH_SAMPLE] if v not in (None, "")]
        longest = max(map(_text_width, sample), default=0)
        header_word = max(map(len, str(name).split()), default=0)
        width = max(NARROWEST, header_word + 2, min(longest, WIDEST) + 2, min(len(name), 16) + 2)
        widths.append((min(width, WIDEST + 2), longest > WIDEST))
    return widths


def write_xlsx(datasets: list[tuple[str, tablib.Dataset]]) -> bytes:
    """One sheet per dataset, ready to work in: a frozen header row with an auto-filter,
    columns as wide as their content (long texts wrap), numbers and dates stored as numbers
    and dates, and no cell that a spreadsheet could run as a formula (text is always written
    as text). XlsxWriter, built in memory (about 200 bytes a cell: 4 Mo for the demo plus 200
    initiatives): its constant-memory mode writes each sheet through a temporary file, and
    took twice the time."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    header = workbook.add_format(
        {
            "bold": True,
            "font_color": "#FFFFFF",
            "bg_color": "#223654",
            "valign": "top",
            "text_wrap": True,
        }
    )
    text = workbook.add_format({"valign": "top"})
    wrapped = workbook.add_format({"valign": "top", "text_wrap": True})
    guarded = workbook.add_format({"valign": "top", "quote_prefix": True})
    wrapped_guarded = workbook.add_format(
        {"valign": "top", "text_wrap": True, "quote_prefix": True}
    )
    whole = workbook.add_format({"valign": "top", "num_format": "0"})
    decimal = workbook.add_format({"valign": "top", "num_format": "0.00##"})
    money = workbook.add_format({"valign": "top", "num_format": "#,##0"})
    date = workbook.add_format({"valign": "top", "num_format": "yyyy-mm-dd"})
    for title, dataset in datasets:
        sheet = workbook.add_worksheet(title[:31])
        sheet.freeze_panes(1, 0)
        widths = _column_widths(dataset)
        for column, name in enumerate(dataset.headers):
            sheet.set_column(column, column, widths[column][0])
            sheet.write_string(0, column, str(name), header)
        if dataset.headers:
            sheet.autofilter(0, 0, max(dataset.height, 1), len(dataset.headers) - 1)
        money_columns = {i for i, name in enumerate(dataset.headers) if "($)" in str(name)}
        for row_number, row in enumerate(dataset, start=1):
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    # write_string never makes a formula; the quote prefix also keeps text
                    # that a spreadsheet would re-read as a formula when the cell is edited.
                    wraps = widths[column][1]
                    if _safe_text(value):
                        style = wrapped_guarded if wraps else guarded
                    else:
                        style = wrapped if wraps else text
                    sheet.write_string(row_number, column, value, style)
                elif isinstance(value, bool):
                    sheet.write_boolean(row_number, column, value, text)
                elif isinstance(value, datetime.date):
                    sheet.write_datetime(
                        row_number, column, datetime.datetime.combine(value, datetime.time()), date
                    )
                elif isinstance(value, int):
                    style = money if column in money_columns else whole
                    sheet.write_number(row_number, column, value, style)
                elif isinstance(value, float | Decimal):
                    sheet.write_number(row_number, column, float(value), decimal)
                else:
                    sheet.write_string(row_number, column, str(value), text)
    workbook.close()
    return buffer.getvalue()


def write_csv(dataset: tablib.Dataset) -> bytes:
    """UTF-8 with BOM (Excel then reads accents right), « ; » as French Excel expects; text that
    a spreadsheet would run as a formula is prefixed with an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(dataset.headers)
    for row in dataset:
        writer.writerow(
            [
                "'" + v
                if _safe_text(v)
                else ("" if v is None else v.isoformat() if isinstance(v, datetime.date) else v)
                for v in row
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
