"""Export the plan as a workbook; import a workbook with a preview, all or nothing."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import tablib
from django.db import transaction
from django.utils import translation
from import_export.results import RowResult

from roadmap.exchange import vocabulary
from roadmap.exchange.files import Sheet, write_csv, write_xlsx
from roadmap.exchange.resources import RESOURCES, PlanResource, StaleRowError
from roadmap.models import Edition, EditionFrozenError

RESOURCE_BY_SHEET = {r.sheet: r for r in RESOURCES}


@dataclass(frozen=True)
class ExtraSheet:
    """A sheet another app adds to the workbook (the follow-up's progress reports), so that
    the exchange never imports that app: it registers itself (``register_sheet``, from its
    AppConfig.ready) and the export and the import call it.

    ``export(edition, initiatives, lang)`` returns the sheet's dataset in ``lang`` (headers
    and values); ``read(edition, sheet, report)`` reads a sheet whose name and headers are in
    French, within the import's transaction, after the initiatives' sheets, appends its
    problems to ``report`` and returns its summary. ``columns`` maps its French headers to
    English ones.

    Without ``read`` the sheet is for information only (the dashboard's figures): exported, and
    recognised and passed over by the import, so that a workbook exported, edited elsewhere and
    imported back still holds it without a problem.

    With ``option`` the sheet is exported only when the export is asked for it: the export's
    options (its query string) hold that name, and its value is passed to ``export`` as
    ``value`` (the follow-up's « État d'avancement » of a period, as the PDF's annex is chosen
    per download; the plan's own export stays as it is)."""

    sheet: str
    english: str
    columns: dict[str, str]
    export: Callable[..., tablib.Dataset]
    read: Callable[[Edition, Sheet, ImportReport], SheetReport] | None = None
    option: str | None = None

    @property
    def information_only(self) -> bool:
        return self.read is None

    def name(self, lang: str) -> str:
        return self.english if lang == vocabulary.ENGLISH else self.sheet

    def french(self, sheet: Sheet) -> Sheet:
        french = {english: french for french, english in self.columns.items()}
        return Sheet(self.sheet, [french.get(h, h) for h in sheet.headers], sheet.rows)


EXTRA_SHEETS: list[ExtraSheet] = []


def register_sheet(extra: ExtraSheet) -> None:
    """Adds ``extra`` to the workbook (once: ready() may run more than once in tests)."""
    EXTRA_SHEETS[:] = [e for e in EXTRA_SHEETS if e.sheet != extra.sheet]
    EXTRA_SHEETS.append(extra)


def _extra_sheet(name: str) -> ExtraSheet | None:
    return next((e for e in EXTRA_SHEETS if name in {e.sheet, e.english}), None)


# --- Export ---------------------------------------------------------------------------------


def _export_datasets(
    edition: Edition, initiatives=None, lang: str = vocabulary.FRENCH
) -> list[tuple[str, tablib.Dataset]]:
    """Each sheet's dataset, in ``lang`` (``fr`` or ``en``: headers, yes/no, choice labels);
    ``initiatives`` (a filtered queryset) limits every sheet."""
    datasets = []
    codes = None if initiatives is None else set(initiatives.values_list("code", flat=True))
    with translation.override(vocabulary.translation_code(lang)):
        for resource_class in RESOURCES:
            resource = resource_class(edition)
            queryset = resource.get_queryset()
            if codes is not None:
                queryset = queryset.filter(**{_code_path(resource_class): codes})
            dataset = resource.export(queryset=queryset)
            dataset.headers = [vocabulary.column_name(h, lang) for h in dataset.headers]
            datasets.append((vocabulary.sheet_name(resource_class.sheet, lang), dataset))
    return datasets


def _extra_datasets(
    edition: Edition,
    initiatives=None,
    lang: str = vocabulary.FRENCH,
    options: Mapping[str, str] | None = None,
) -> list[tuple[str, tablib.Dataset]]:
    """The sheets other apps registered (``register_sheet``), last in the workbook; a sheet
    with an ``option`` only when ``options`` asks for it."""
    options = options or {}
    with translation.override(vocabulary.translation_code(lang)):
        return [
            (e.name(lang), e.export(edition, initiatives, lang, value=options.get(e.option)))
            for e in EXTRA_SHEETS
            if e.option is None or e.option in options
        ]


def _code_path(resource_class: type[PlanResource]) -> str:
    paths = {
        "Initiatives": "code__in",
        "Bénéfices": "initiative__code__in",
        "Montants annuels": "benefit__initiative__code__in",
        "Indicateurs": "benefit__initiative__code__in",
        "Mesures": "indicator__benefit__initiative__code__in",
        "Risques": "initiative__code__in",
        "Atténuations": "risk__initiative__code__in",
        "Jalons": "initiative__code__in",
        "Contributions": "initiative__code__in",
    }
    return paths[resource_class.sheet]


def export_workbook(
    edition: Edition,
    initiatives=None,
    lang: str = vocabulary.FRENCH,
    options: Mapping[str, str] | None = None,
) -> bytes:
    return write_xlsx(
        [
            *_export_datasets(edition, initiatives, lang),
            *_extra_datasets(edition, initiatives, lang, options),
        ]
    )


def export_csv(
    edition: Edition, sheet: str, initiatives=None, lang: str = vocabulary.FRENCH
) -> bytes:
    """One sheet (named in either language) as CSV, in ``lang``."""
    wanted = vocabulary.sheet_name(vocabulary.french_sheet(sheet), lang)
    for title, dataset in _export_datasets(edition, initiatives, lang):
        if title == wanted:
            return write_csv(dataset)
    raise KeyError(sheet)


# --- Import ---------------------------------------------------------------------------------


@dataclass
class Problem:
    sheet: str
    row: int | None  # spreadsheet row (the header is row 1)
    column: str
    message: str


@dataclass
class Change:
    action: str  # "new", "update", "delete" (a JSON document is the whole edition)
    key: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # column, old, new


@dataclass
class SheetReport:
    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    changes: list[Change] = field(default_factory=list)


@dataclass
class ImportReport:
    sheets: list[SheetReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    applied: bool = False
    # The plan changed between the preview a person confirmed and the confirmation.
    outdated: bool = False
    # From a JSON document (ptn-plan/1): problems are located by their JSON path (in
    # ``sheet``), and parts of the plan take the place of sheets.
    document: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.problems)

    @property
    def digest(self) -> str:
        """What the preview showed: every change with its old and new values."""
        shown = [(s.name, c.action, c.key, c.fields) for s in self.sheets for c in s.changes]
        return hashlib.sha256(json.dumps(shown, default=str).encode()).hexdigest()

    @property
    def change_count(self) -> int:
        """Cells changed in existing rows, plus rows created."""
        return sum(
            (len(c.fields) if c.action == "update" else 1) for s in self.sheets for c in s.changes
        )


def _check_headers(sheet: Sheet, resource: PlanResource, report: ImportReport) -> bool:
    expected = resource.headers
    known = set(expected)
    unknown = [h for h in sheet.headers if h not in known]
    missing = [h for h in expected if h not in sheet.headers and not _may_be_missing(resource, h)]
    for header in unknown:
        report.problems.append(Problem(sheet.name, 1, header or "(vide)", "Colonne inconnue."))
    for header in missing:
        report.problems.append(Problem(sheet.name, 1, header, "Colonne manquante."))
    duplicates = {h for h in sheet.headers if sheet.headers.count(h) > 1}
    for header in duplicates:
        report.problems.append(Problem(sheet.name, 1, header, "Colonne en double."))
    return not (unknown or missing or duplicates)


def _may_be_missing(resource: PlanResource | type[PlanResource], header: str) -> bool:
    """Columns shown for information only, and those added after the format's first version,
    may be left out of a file."""
    return header == "Sujet (pour information)" or header in resource.optional_columns


def _check_duplicate_keys(sheet: Sheet, resource: PlanResource, report: ImportReport) -> None:
    columns = [sheet.headers.index(c) for c in resource.key_columns if c in sheet.headers]
    seen: dict[tuple, int] = {}
    for number, row in enumerate(sheet.rows, start=2):
        key = tuple(_norm(row[i]) for i in columns)
        if all(k == "" for k in key):
            continue
        if key in seen:
            report.problems.append(
                Problem(
                    sheet.name,
                    number,
                    " / ".join(resource.key_columns),
                    f"« {' / '.join(key)} » est en double (déjà à la ligne {seen[key]}).",
                )
            )
        else:
            seen[key] = number


def _norm(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _blank_row(row: list) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _cell_key(value) -> str:
    """A cell as text, the same whether it came from the export or back from a spreadsheet."""
    if type(value) is str:  # most cells: the fast path
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value).strip()


def _current_rows(resource: PlanResource, headers: list[str], lang: str) -> dict[tuple, tuple]:
    """The rows the export would write now (in the file's language), by key: a file row equal
    to one is unchanged."""
    with translation.override(vocabulary.translation_code(lang)):
        exported = resource.export(queryset=resource.get_queryset())
    positions = [exported.headers.index(h) for h in headers]
    keys = [exported.headers.index(c) for c in resource.key_columns]
    return {
        tuple(_cell_key(row[i]) for i in keys): tuple(_cell_key(row[i]) for i in positions)
        for row in exported
    }


def _dataset(
    sheet: Sheet, resource: PlanResource, lang: str
) -> tuple[tablib.Dataset, list[int], int]:
    """The rows to import (blank and unchanged rows left out), their spreadsheet row numbers,
    and how many rows are unchanged. Comparing with the current export first spares the
    library thousands of rows when a person changed a few cells."""
    current = _current_rows(resource, sheet.headers, lang)
    keys = [sheet.headers.index(c) for c in resource.key_columns]
    dataset = tablib.Dataset(headers=sheet.headers)
    numbers, unchanged = [], 0
    for number, row in enumerate(sheet.rows, start=2):
        if _blank_row(row):
            continue
        key = tuple(_cell_key(row[i]) for i in keys)
        if current.get(key) == tuple(_cell_key(v) for v in row):
            unchanged += 1
            continue
        dataset.append(row)
        numbers.append(number)
    return dataset, numbers, unchanged


def _identify(sheet: Sheet, single_csv: bool) -> type[PlanResource] | None:
    if sheet.name in RESOURCE_BY_SHEET:
        return RESOURCE_BY_SHEET[sheet.name]
    if single_csv:
        # A CSV is one sheet: recognise it by its columns (the most specific sheet first).
        for resource_class in sorted(RESOURCES, key=lambda r: -len(_headers_of(r))):
            headers = _headers_of(resource_class)
            if set(sheet.headers) >= {h for h in headers if not _may_be_missing(resource_class, h)}:
                return resource_class
    return None


_HEADERS: dict[type, list[str]] = {}


def _headers_of(resource_class: type[PlanResource]) -> list[str]:
    if resource_class not in _HEADERS:
        _HEADERS[resource_class] = [
            f.column_name for f in resource_class.fields.values() if f.column_name
        ]
    return _HEADERS[resource_class]


# Reads the sheets of the plan's structure (roadmap/exchange/workbook.py) within the import's
# transaction, before the initiatives' sheets: the sheets it knows are returned by name.
StructureReader = Callable[[Edition, list[Sheet], ImportReport], set[str]]


def run_import(
    edition: Edition,
    sheets: list[Sheet],
    *,
    apply: bool,
    previewed: str | None = None,
    structure: StructureReader | None = None,
) -> ImportReport:
    """Check every sheet and row; write only if ``apply`` and nothing at all is wrong.

    ``previewed`` is the digest of the preview a person confirmed: if the changes are no longer
    those (someone edited the plan in between), nothing is written and the report is marked
    ``outdated``, so that an edit made since the preview is never silently overwritten.

    Everything runs in one transaction: the preview (``apply=False``) and any file with an
    error roll it back, so nothing is ever half-imported. The changed rows of each sheet are
    written in bulk with a history row each, like any edit.

    ``structure`` reads the sheets that are not an initiative's (the « Plan » sheet, the
    sections, orientations…), first, in the same transaction.

    A recommended edition refuses the import as a whole (EditionFrozenError); an approved or
    transmitted one imports its follow-up only (progress reports, measurements, realized
    amounts, risks' follow-up columns) and reports any other change as a problem.
    """
    report = ImportReport()
    others: list[Sheet] = []
    single_csv = len(sheets) == 1
    planned: list[tuple[Sheet, type[PlanResource]]] = []
    extras: list[tuple[Sheet, ExtraSheet]] = []
    languages: dict[int, str] = {}
    for original in sheets:
        extra = _extra_sheet(original.name)
        if extra is not None:
            if not extra.information_only:  # an information sheet is never read back
                extras.append((extra.french(original), extra))
            continue
        # A sheet in English (or with the headers of an earlier export) is read in the
        # French words the resources know.
        sheet = Sheet(
            vocabulary.french_sheet(original.name),
            [vocabulary.french_column(h) for h in original.headers],
            original.rows,
        )
        languages[id(sheet)] = vocabulary.language_of(original.headers)
        resource_class = _identify(sheet, single_csv)
        if resource_class is None:
            if sheet.headers:
                others.append(sheet)
            continue
        planned.append((sheet, resource_class))
    planned.sort(key=lambda pair: RESOURCES.index(pair[1]))
    with transaction.atomic():
        # Read the status inside the transaction (and lock it): an edition recommended since
        # the page was loaded refuses the import as a whole. An approved (or transmitted) one
        # takes its follow-up only: any other change is refused at its cell (the resources'
        # ``frozen_cells``, the structure's reader), while the rows a person left as they were
        # pass — the whole exported workbook comes back with only its follow-up edited.
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if not (edition.is_content_editable or edition.is_followed_up):
            raise EditionFrozenError
        known = structure(edition, others, report) if structure and others else set()
        for sheet in others:
            if sheet.name not in known:
                report.problems.append(
                    Problem(
                        sheet.name,
                        None,
                        "",
                        "Feuille inconnue : elle ne correspond à aucune feuille de l'export.",
                    )
                )
        if not planned and not known and not extras and not report.problems:
            report.problems.append(
                Problem("", None, "", "Le fichier ne contient aucune feuille du plan.")
            )
        for sheet, resource_class in planned:
            resource = resource_class(edition)
            if not _check_headers(sheet, resource, report):
                continue
            _check_duplicate_keys(sheet, resource, report)
            dataset, numbers, unchanged = _dataset(sheet, resource, languages[id(sheet)])
            result = resource.import_data(
                dataset,
                dry_run=False,
                raise_errors=False,
                use_transactions=False,
                collect_failed_rows=True,
                retain_instance_in_row_result=True,
            )
            summary = _sheet_report(sheet, resource, result, numbers, report)
            summary.unchanged += unchanged
            report.sheets.append(summary)
        for sheet, extra in extras:  # after the initiatives: a new one may have its report
            report.sheets.append(extra.read(edition, sheet, report))
        report.outdated = previewed is not None and previewed != report.digest
        report.applied = apply and not report.has_errors and not report.outdated
        if not report.applied:
            transaction.set_rollback(True)
    return report


def _sheet_report(
    sheet: Sheet, resource: PlanResource, result, numbers: list[int], report: ImportReport
) -> SheetReport:
    summary = SheetReport(sheet.name)
    columns = {name: f.column_name for name, f in resource.fields.items()}
    columns.update({f.attribute: f.column_name for f in resource.fields.values() if f.attribute})
    columns.setdefault("number", "Code")  # an initiative's number comes from its code
    for index, row_result in enumerate(result.rows):
        number = numbers[index] if index < len(numbers) else None
        kind = row_result.import_type
        if kind == RowResult.IMPORT_TYPE_SKIP:
            summary.unchanged += 1
        elif kind in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
            change = Change(kind, _row_key(sheet, resource, number))
            if kind == RowResult.IMPORT_TYPE_NEW:
                summary.created += 1
            else:
                summary.updated += 1
                for field_ in resource.get_import_fields():
                    before = (
                        _shown(field_.export(row_result.original)) if row_result.original else ""
                    )
                    after = _shown(field_.export(row_result.instance))
                    if before != after:
                        change.fields.append((field_.column_name, before, after))
            summary.changes.append(change)
        elif kind == RowResult.IMPORT_TYPE_INVALID:
            error = row_result.validation_error
            for name, messages in getattr(error, "message_dict", {"": error.messages}).items():
                for message in messages:
                    report.problems.append(
                        Problem(
                            sheet.name,
                            number,
                            columns.get(name, name if name != "__all__" else ""),
                            message,
                        )
                    )
        elif kind == RowResult.IMPORT_TYPE_ERROR:
            for error in row_result.errors:
                report.problems.append(Problem(sheet.name, number, "", _error_text(error.error)))
    for error in result.base_errors:  # the sheet's rows could not be written together
        report.problems.append(Problem(sheet.name, None, "", _write_error_text(error.error)))
    return summary


def _shown(value) -> str:
    return "" if value is None else str(value)


def _error_text(error: Exception) -> str:
    if isinstance(error, KeyError):
        return str(error.args[0]) if error.args else "Colonne manquante."
    return str(error)


def _write_error_text(error: Exception) -> str:
    if isinstance(error, StaleRowError | EditionFrozenError):
        return str(error.args[0]) if error.args else str(error)
    return f"Les lignes de cette feuille n'ont pas pu être enregistrées ({error})."


def _row_key(sheet: Sheet, resource: PlanResource, number: int | None) -> str:
    row = sheet.rows[number - 2] if number else []
    parts = [_norm(row[sheet.headers.index(c)]) for c in resource.key_columns if c in sheet.headers]
    return " / ".join(parts)
