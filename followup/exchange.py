"""The « Bilans d'étape » sheet of the plan's workbook: exported with the other sheets, and
imported with them, all or nothing.

The exchange (roadmap/exchange) does not know the follow-up: this module registers the sheet
with it (``register``, called from FollowupConfig.ready) through ``register_sheet``.

One row per progress report, keyed by the initiative's code and the period's end date. The
import creates a report missing for an existing period, or updates a draft or a report sent
back; a submitted or accepted report is never changed (a row that would change one is
refused). The model's validators and **the guard** apply: a declared colour better than the
derived one without a justification is refused at its cell. The derived health is written for
information and not read back. Concurrency: the reports are locked when read, the preview's
digest holds every change (old and new values) and the version is checked before the write, as
the other sheets; every write has its history row.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from benefits.models import Benefit, Indicator
from followup.health import derive, divergences
from followup.models import Health, ProgressReport
from followup.services import DIMENSION_LABELS
from initiatives.models import Initiative
from roadmap.exchange import vocabulary
from roadmap.exchange.files import Sheet
from roadmap.exchange.service import (
    Change,
    ExtraSheet,
    ImportReport,
    Problem,
    SheetReport,
    register_sheet,
)
from roadmap.models import Edition

SHEET = "Bilans d'étape"
ENGLISH = "Progress reports"
CODE, PERIOD, STATUS = "Code de l'initiative", "Fin de la période", "Statut du bilan"
DECLARED = {
    "cost": "Santé déclarée : coût",
    "schedule": "Santé déclarée : échéancier",
    "scope": "Santé déclarée : portée",
    "overall": "Santé déclarée : globale",
}
DERIVED = {
    "cost": "Santé calculée : coût",
    "schedule": "Santé calculée : échéancier",
    "scope": "Santé calculée : portée",
    "overall": "Santé calculée : globale",
}
JUSTIFICATION = "Justification de l'écart"
# The columns the import writes: header → model field.
FIELDS = {
    "Avancement (%)": "percent_done",
    "Phase en cours": "phase",
    "Coûts réels à date ($)": "spent_to_date",
    "Estimation à l'achèvement ($)": "estimate_at_completion",
    "Fin prévue": "forecast_end",
    "Faits saillants": "narrative",
    **{header: f"declared_{name}" for name, header in DECLARED.items()},
    JUSTIFICATION: "justification",
}
HEADERS = [CODE, PERIOD, STATUS, *list(FIELDS)[:6], *DECLARED.values(), *DERIVED.values()]
HEADERS.append(JUSTIFICATION)
# Written for information, not read back (the status changes through the review, the derived
# health is computed).
INFORMATION = {STATUS, *DERIVED.values()}
ENGLISH_COLUMNS = {
    CODE: "Initiative code",
    PERIOD: "Period end",
    STATUS: "Report status",
    "Avancement (%)": "Percent done",
    "Phase en cours": "Current phase",
    "Coûts réels à date ($)": "Spent to date ($)",
    "Estimation à l'achèvement ($)": "Estimate at completion ($)",
    "Fin prévue": "Forecast end",
    "Faits saillants": "Narrative",
    "Santé déclarée : coût": "Declared health: cost",
    "Santé déclarée : échéancier": "Declared health: schedule",
    "Santé déclarée : portée": "Declared health: scope",
    "Santé déclarée : globale": "Declared health: overall",
    "Santé calculée : coût": "Derived health: cost",
    "Santé calculée : échéancier": "Derived health: schedule",
    "Santé calculée : portée": "Derived health: scope",
    "Santé calculée : globale": "Derived health: overall",
    JUSTIFICATION: "Justification",
}
NUMBERS = {"percent_done", "spent_to_date", "estimate_at_completion"}


def _initiatives(edition: Edition, *, reporting_only: bool = False) -> dict[int, Initiative]:
    """The edition's initiatives by id (``reporting_only``: those with a report), with what the
    derived health reads, in a fixed number of queries."""
    initiatives = Initiative.objects.filter(edition=edition)
    if reporting_only:  # the export: early in the year, few initiatives have a report
        initiatives = initiatives.filter(
            pk__in=ProgressReport.objects.filter(period__edition=edition).values("initiative_id")
        )
    loaded = initiatives.prefetch_related(
        "milestones",
        Prefetch(
            "benefits",
            queryset=Benefit.objects.prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements"))
            ),
        ),
    )
    by_id = {}
    for initiative in loaded:
        initiative.edition = edition  # an indicator's trajectory starts in its fiscal year
        by_id[initiative.pk] = initiative
    return by_id


def _reports(edition: Edition, initiatives: dict[int, Initiative], periods: dict, lock: bool):
    queryset = ProgressReport.objects.filter(period__edition=edition)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    reports = list(queryset.order_by("period__end_date", "initiative__code"))
    for report in reports:  # the rows already loaded, for derive() and the keys
        report.initiative = initiatives[report.initiative_id]
        report.period = periods[report.period_id]
    return reports


def _colour(value: str | None, lang: str) -> str:
    if value is None:
        return ""
    with translation.override(vocabulary.translation_code(lang)):
        return str(Health(value).label)


def export(edition: Edition, initiatives, lang: str, value: str | None = None) -> tablib.Dataset:
    """One row per report of the edition (of ``initiatives`` when the roadmap is filtered)."""
    dataset = tablib.Dataset(headers=[_column(h, lang) for h in HEADERS])
    by_id = _initiatives(edition, reporting_only=True)
    periods = {p.pk: p for p in edition.reporting_periods.all()}
    codes = None if initiatives is None else set(initiatives.values_list("code", flat=True))
    with translation.override(vocabulary.translation_code(lang)):
        for report in _reports(edition, by_id, periods, lock=False):
            if codes is not None and report.initiative.code not in codes:
                continue
            derived = derive(report).as_dict()
            dataset.append(
                [
                    report.initiative.code,
                    report.period.end_date,
                    str(report.get_status_display()),
                    *(_value(getattr(report, FIELDS[h])) for h in list(FIELDS)[:6]),
                    *(_colour(getattr(report, f"declared_{n}"), lang) for n in DECLARED),
                    *(_colour(derived[n], lang) for n in DERIVED),
                    report.justification,
                ]
            )
    return dataset


def _column(french: str, lang: str) -> str:
    return ENGLISH_COLUMNS[french] if lang == vocabulary.ENGLISH else french


def _value(value):
    return "" if value is None else value


# --- Import ---------------------------------------------------------------------------------


class _Row:
    """One row's cells read into the model's values; a problem is reported at its cell."""

    def __init__(self, report: ImportReport, number: int) -> None:
        self.report, self.number, self.ok = report, number, True

    def problem(self, column: str, message: str) -> None:
        self.report.problems.append(Problem(SHEET, self.number, column, message))
        self.ok = False

    def text(self, value) -> str:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value).strip()

    def whole(self, value, column: str) -> int | None:
        text = self.text(value)
        if not text:
            return None
        try:
            number = Decimal(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value() or number < 0:
            self.problem(column, f"« {text} » n'est pas un nombre entier positif.")
            return None
        return int(number)

    def date(self, value, column: str) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = self.text(value)
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            self.problem(column, f"« {text} » n'est pas une date (ex. : 2025-03-31).")
            return None

    def colour(self, value, column: str) -> str:
        text = self.text(value).casefold()
        if not text:
            return Health.GREEN.value  # the form's default
        for health in Health:
            labels = {health.value}
            for lang in (vocabulary.FRENCH, vocabulary.ENGLISH):
                labels.add(_colour(health.value, lang).casefold())
            if text in labels:
                return health.value
        self.problem(
            column, f"« {self.text(value)} » n'est pas une santé permise (Vert, Jaune, Rouge)."
        )
        return Health.GREEN.value


def _check_headers(sheet: Sheet, report: ImportReport) -> bool:
    ok = True
    for header in sheet.headers:
        if header not in HEADERS:
            report.problems.append(Problem(SHEET, 1, header or "(vide)", "Colonne inconnue."))
            ok = False
    for header in HEADERS:
        if header not in INFORMATION and header not in sheet.headers:
            report.problems.append(Problem(SHEET, 1, header, "Colonne manquante."))
            ok = False
    return ok


def read(edition: Edition, sheet: Sheet, report: ImportReport) -> SheetReport:
    """Creates or updates the reports of the sheet's rows (see the module's docstring)."""
    summary = SheetReport(SHEET)
    if not _check_headers(sheet, report):
        return summary
    by_id = _initiatives(edition)
    by_code = {i.code: i for i in by_id.values()}
    periods = {p.pk: p for p in edition.reporting_periods.all()}
    by_date = {p.end_date: p for p in periods.values()}
    existing = {
        (r.initiative_id, r.period_id): r for r in _reports(edition, by_id, periods, lock=True)
    }
    position = {h: i for i, h in enumerate(sheet.headers)}
    seen: dict[tuple, int] = {}
    created, updated = [], []
    now = timezone.now()
    for number, cells in enumerate(sheet.rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
            continue
        row = _Row(report, number)
        cell = lambda header: cells[position[header]] if position[header] < len(cells) else None  # noqa: B023, E731
        code = row.text(cell(CODE))
        initiative = by_code.get(code)
        if initiative is None:
            row.problem(CODE, f"Initiative inconnue : « {code} »." if code else "Code attendu.")
        end = row.date(cell(PERIOD), PERIOD)
        period = by_date.get(end) if end else None
        if period is None and row.ok:
            row.problem(
                PERIOD,
                f"Aucune période de suivi ne finit le {end} : la coordination l'ajoute sur la "
                "page Suivi du plan." if end else "Une date est attendue (ex. : 2025-03-31).",
            )  # fmt: skip
        if not row.ok:
            continue
        key = (initiative.pk, period.pk)
        if key in seen:
            row.problem(CODE, f"« {code} / {end} » est en double (déjà à la ligne {seen[key]}).")
            continue
        seen[key] = number
        values = {}
        for header, name in FIELDS.items():
            value = cell(header)
            if name in NUMBERS:
                values[name] = row.whole(value, header)
            elif name == "forecast_end":
                values[name] = row.date(value, header)
            elif name.startswith("declared_"):
                values[name] = row.colour(value, header)
            else:
                values[name] = row.text(value)
        if not row.ok:
            continue
        current = existing.get(key)
        target = current or ProgressReport(period=period, initiative=initiative)
        changed = [
            (header, _shown(getattr(target, name)), _shown(values[name]))
            for header, name in FIELDS.items()
            if current is None or getattr(current, name) != values[name]
        ]
        if current is not None and not changed:
            summary.unchanged += 1
            continue
        if current is not None and not current.is_editable:
            row.problem(
                STATUS,
                f"Ce bilan est {current.get_status_display().lower()} : un import ne peut plus "
                "le modifier (la coordination le retourne au responsable pour qu'il soit revu).",
            )
            continue
        for name, value in values.items():
            setattr(target, name, value)
        _validate(target, row)
        _guard(target, row)
        if not row.ok:
            continue
        change = Change("update" if current else "new", f"{code} / {end}")
        if current is not None:
            change.fields = changed
            target.version_read = target.version
            target.version += 1
            target.updated_at = now
            updated.append(target)
            summary.updated += 1
        else:
            created.append(target)
            summary.created += 1
        summary.changes.append(change)
    if created or updated:
        _write(created, updated, report)
    return summary


def _shown(value) -> str:
    return "" if value is None else str(value)


def _validate(target: ProgressReport, row: _Row) -> None:
    """The model's own rules (the percentage up to 100, the lengths)."""
    try:
        target.clean_fields(exclude=["period", "initiative", "submitted_by", "reviewed_by"])
    except ValidationError as error:
        columns = {name: header for header, name in FIELDS.items()}
        for name, messages in error.message_dict.items():
            for message in messages:
                row.problem(columns.get(name, ""), message)


def _guard(target: ProgressReport, row: _Row) -> None:
    """A declared colour better than the derived one needs its justification (the guard)."""
    if target.justification.strip():
        return
    found = derive(target)
    derived = found.as_dict()
    for name in divergences(target, found):
        row.problem(
            DECLARED[name],
            f"La santé déclarée ({_colour(getattr(target, f'declared_{name}'), 'fr')}) est "
            f"meilleure que la santé calculée ({_colour(derived[name], 'fr')}) pour la "
            f"dimension {DIMENSION_LABELS[name]} : écrivez la justification de l'écart dans la "
            f"colonne « {JUSTIFICATION} ».",
        )


def _write(created: list, updated: list, report: ImportReport) -> None:
    """The sheet's new and changed reports with their history rows, in a few queries; a
    report saved by someone else since it was read is refused."""
    if updated:
        read_versions = {r.pk: r.version_read for r in updated}
        current = dict(
            ProgressReport.objects.filter(pk__in=read_versions).values_list("pk", "version")
        )
        if any(current.get(pk) != version for pk, version in read_versions.items()):
            message = (
                "Un bilan a été modifié par quelqu'un d'autre pendant l'import. Rien n'a été "
                "importé; téléversez le fichier de nouveau pour voir l'aperçu à jour."
            )
            report.problems.append(Problem(SHEET, None, "", message))
            return
        bulk_update_with_history(
            updated, ProgressReport, [*FIELDS.values(), "version", "updated_at"]
        )
    if created:
        bulk_create_with_history(created, ProgressReport)


def register() -> None:
    register_sheet(
        ExtraSheet(sheet=SHEET, english=ENGLISH, columns=ENGLISH_COLUMNS, export=export, read=read)
    )
