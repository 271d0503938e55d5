"""The « Tableau de bord » as sheets of the plan's workbook (issue 14): the same figures as the
dashboard page and the PDF annex, for a spreadsheet to sort, filter and sum.

Four information sheets, after « Bilans d'étape »: « Tableau de bord » (one row per initiative:
both healths, the flagged divergence, budget, spent, estimate at completion, cost variance,
planned and forecast end, late milestones and off-trajectory indicators, benefits), « Risques
principaux » (the ten highest), « Indicateurs hors trajectoire » and « Jalons en retard ». The
health matrix is the first sheet counted by ambition and colour. They are added when the export
is asked for them (``?periode=<end date>``, from the dashboard's « Classeur Excel » link; the
plan's own export keeps its sheets), for that period (empty: the one the dashboard opens on,
``choose_period``), named on each row (« Fin de la période »), for the initiatives of the
export (the roadmap's filters). Numbers are numbers and dates are dates.

They are registered without ``read``: the import recognises them and passes over them, so a
workbook exported, edited (its « Bilans d'étape ») and imported back brings no problem and no
change from them.

The four sheets come from one ``dashboard.build``: the first sheet builds it, the others read
the one built for the same edition and initiatives in the same export (``_board``), so the
export's queries do not grow fourfold.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from decimal import Decimal

import tablib
from django.utils import timezone
from django.utils.translation import gettext as _

from followup import dashboard as board_data
from followup.health import indicators_off_trajectory, late_milestones, planned_window
from followup.models import Health
from roadmap.exchange import vocabulary
from roadmap.exchange.service import ExtraSheet, register_sheet
from roadmap.models import Edition

PERIOD, CODE = "Fin de la période", "Code de l'initiative"

# Each sheet: French name, English name, its columns (French → English).
DASHBOARD = (
    "Tableau de bord",
    "Dashboard",
    {
        PERIOD: "Period end",
        "Orientation": "Orientation",
        "Ambition": "Ambition",
        CODE: "Initiative code",
        "Titre": "Title",
        "Statut du bilan": "Report status",
        "Santé déclarée : globale": "Declared health: overall",
        "Santé calculée : globale": "Derived health: overall",
        "Écart à justifier": "Divergence flagged",
        "Justification de l'écart": "Justification",
        "Avancement (%)": "Percent done",
        "Budget autorisé ($)": "Authorized budget ($)",
        "Coûts réels à date ($)": "Spent to date ($)",
        "Estimation à l'achèvement ($)": "Estimate at completion ($)",
        "Écart de coût (%)": "Cost variance (%)",
        "Fin planifiée": "Planned end",
        "Fin prévue": "Forecast end",
        "Jalons en retard": "Late milestones",
        "Indicateurs hors trajectoire": "Indicators off trajectory",
        "Bénéfices prévus ($)": "Planned benefits ($)",
        "Bénéfices réalisés ($)": "Realized benefits ($)",
    },
)
TOP_RISKS = (
    "Risques principaux",
    "Top risks",
    {
        "Rang": "Rank",
        "Initiative": "Initiative",
        "Risque": "Risk",
        "Probabilité": "Probability",
        "Impact": "Impact",
        "Cote": "Score",
        "Responsable du risque": "Risk owner",
        "État": "Status",
        "Prochaine revue": "Next review",
        "Revue en retard": "Review overdue",
    },
)
OFF_TRAJECTORY = (
    "Indicateurs hors trajectoire",
    "Off-trajectory indicators",
    {
        PERIOD: "Period end",
        CODE: "Initiative code",
        "Indicateur": "Indicator",
        "Unité": "Unit",
        "Date de la mesure": "Measured on",
        "Valeur mesurée": "Measured value",
        "Valeur attendue": "Expected value",
        "Valeur tolérée": "Tolerated value",
        "Cible": "Target",
        "Échéance de la cible": "Target date",
    },
)
LATE_MILESTONES = (
    "Jalons en retard",
    "Late milestones",
    {
        PERIOD: "Period end",
        CODE: "Initiative code",
        "Jalon": "Milestone",
        "Échéance": "Due date",
        "Jours de retard": "Days late",
    },
)

# The export's query parameter that asks for these sheets, its value the period's end date
# (empty: the period the dashboard opens on), as the dashboard's own period choice.
OPTION = "periode"

# The dashboard of the export running in this thread: (edition, initiatives, period, board).
_BUILT: contextvars.ContextVar[tuple | None] = contextvars.ContextVar("board", default=None)


def _board(
    edition: Edition, initiatives, wanted: str | None, *, fresh: bool = False
) -> board_data.Dashboard:
    """The dashboard of the ``wanted`` period (the one the page opens on when empty), for
    ``initiatives`` (all the edition's when None); ``fresh`` builds it anew (the export's first
    sheet), else the one the same export built is read again."""
    built = _BUILT.get()
    if (
        not fresh
        and built is not None
        and built[0] is edition
        and built[1] is initiatives
        and built[2] == wanted
    ):
        return built[3]
    periods = list(edition.reporting_periods.all())
    shown = edition.initiatives.all() if initiatives is None else initiatives
    board = board_data.build(edition, shown, board_data.choose_period(periods, wanted), periods)
    _BUILT.set((edition, initiatives, wanted, board))
    return board


def _dataset(sheet: tuple, lang: str) -> tablib.Dataset:
    _name, _english, columns = sheet
    english = lang == vocabulary.ENGLISH
    return tablib.Dataset(headers=[columns[c] if english else c for c in columns])


def _colour(health: Health | None) -> str:
    return "" if health is None else str(health.label)  # in the export's language


def _yes_no(value: bool, lang: str) -> str:
    return (vocabulary.YES if value else vocabulary.NO)[lang]


def _percent(share: Decimal | None) -> Decimal | None:
    return None if share is None else (share * 100).quantize(Decimal("0.1"))


def export_dashboard(
    edition: Edition, initiatives, lang: str, value: str | None = None
) -> tablib.Dataset:
    board = _board(edition, initiatives, value, fresh=True)
    end = board.period.end_date if board.period else None
    on = end or timezone.localdate()  # as the dashboard counts them
    dataset = _dataset(DASHBOARD, lang)
    for row in board.rows:
        initiative, report, derived = row.initiative, row.report, row.derived
        window = planned_window(initiative)
        dataset.append(
            [
                end,
                initiative.ambition.orientation.number,
                initiative.ambition.code,
                initiative.code,
                initiative.title,
                str(report.get_status_display()) if report else _("Manquant"),
                _colour(row.declared_overall),
                _colour(row.derived_overall),
                _yes_no(bool(row.flagged), lang),
                report.justification if report else "",
                report.percent_done if report else None,
                initiative.budget,
                report.spent_to_date if report else None,
                report.estimate_at_completion if report else None,
                _percent(derived.cost_variance) if derived else None,
                window[1] if window else None,
                report.forecast_end if report else None,
                len(late_milestones(initiative, on)),
                len(indicators_off_trajectory(initiative, on)),
                row.planned_benefits,
                row.realized_benefits,
            ]
        )
    return dataset


def export_top_risks(
    edition: Edition, initiatives, lang: str, value: str | None = None
) -> tablib.Dataset:
    board = _board(edition, initiatives, value)
    dataset = _dataset(TOP_RISKS, lang)
    for rank, risk in enumerate(board.top_risks, start=1):
        initiative_id = getattr(risk, "initiative_id", None)
        dataset.append(
            [
                rank,
                risk.initiative.code if initiative_id else _("Plan"),
                risk.title,
                risk.probability,
                risk.impact,
                risk.score,
                risk.owner,
                str(risk.get_status_display()),
                risk.review_date,
                _yes_no(risk.is_review_overdue, lang),
            ]
        )
    return dataset


def export_off_trajectory(
    edition: Edition, initiatives, lang: str, value: str | None = None
) -> tablib.Dataset:
    board = _board(edition, initiatives, value)
    dataset = _dataset(OFF_TRAJECTORY, lang)
    end = board.period.end_date if board.period else None
    for initiative, indicator, measurement in board.off_trajectory:
        on = measurement.measured_on
        dataset.append(
            [
                end,
                initiative.code,
                indicator.name,
                indicator.unit,
                on,
                measurement.value,
                indicator.expected_at(on),
                indicator.tolerated_at(on),
                indicator.target,
                indicator.target_date,
            ]
        )
    return dataset


def export_late_milestones(
    edition: Edition, initiatives, lang: str, value: str | None = None
) -> tablib.Dataset:
    board = _board(edition, initiatives, value)
    _BUILT.set(None)  # the export's last sheet: the board is not kept beyond it
    dataset = _dataset(LATE_MILESTONES, lang)
    end = board.period.end_date if board.period else None
    for initiative, milestone in board.late_milestones:
        dataset.append(
            [
                end,
                initiative.code,
                milestone.title,
                milestone.due_date,
                ((end or timezone.localdate()) - milestone.due_date).days,
            ]
        )
    return dataset


SHEETS: list[tuple[tuple, Callable]] = [
    (DASHBOARD, export_dashboard),
    (TOP_RISKS, export_top_risks),
    (OFF_TRAJECTORY, export_off_trajectory),
    (LATE_MILESTONES, export_late_milestones),
]


def register() -> None:
    """After « Bilans d'étape », in this order (the first builds the board the others read)."""
    for (sheet, english, columns), export in SHEETS:
        register_sheet(
            ExtraSheet(sheet=sheet, english=english, columns=columns, export=export, option=OPTION)
        )
