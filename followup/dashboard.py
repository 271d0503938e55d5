"""What the « Tableau de bord » shows, read once for the web page (and the same figures for any
other rendering): every initiative of the edition that passes the roadmap's filters, with its
report of the period, the report's declared and derived health, and the figures behind them.

The number of queries does not depend on the number of initiatives (tests/test_followup_pages.py
pins it at two sizes): everything is prefetched, then derived in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import chain

from django.db.models import Prefetch
from django.utils import timezone

from benefits.models import Benefit, Indicator
from followup import charts
from followup.health import Derived, derive, divergences
from followup.models import Health, ProgressReport, ReportingPeriod
from initiatives.models import Dependency, Initiative, InitiativeRisk
from roadmap.models import Edition, PlanRisk

TOP_RISKS = 10


@dataclass
class Row:
    """One initiative on the dashboard."""

    initiative: Initiative
    report: ProgressReport | None
    derived: Derived | None
    flagged: list[str]
    planned_benefits: int
    realized_benefits: int

    @property
    def declared_overall(self) -> Health | None:
        return Health(self.report.declared_overall) if self.report else None

    @property
    def derived_overall(self) -> Health | None:
        return self.derived.overall if self.derived else None


@dataclass
class Cell:
    """One ambition of the health matrix: its rows by declared and by derived colour."""

    declared: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    derived: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))


@dataclass
class Dashboard:
    edition: Edition
    period: ReportingPeriod | None
    periods: list[ReportingPeriod]
    rows: list[Row]
    matrix: list  # [(orientation, [(ambition, Cell)])]
    late_milestones: list  # [(initiative, milestone)]
    top_risks: list
    off_trajectory: list  # [(initiative, indicator, latest measurement)]
    timeline: charts.Timeline | None

    @property
    def divergent(self) -> list[Row]:
        return [row for row in self.rows if row.flagged]

    @property
    def missing(self) -> list[Row]:
        return [row for row in self.rows if row.report is None]

    @property
    def budget_total(self) -> int:
        return sum(row.initiative.budget or 0 for row in self.rows)

    @property
    def eac_total(self) -> int:
        return sum((row.report.estimate_at_completion or 0) for row in self.rows if row.report)

    @property
    def spent_total(self) -> int:
        return sum((row.report.spent_to_date or 0) for row in self.rows if row.report)

    @property
    def planned_benefits_total(self) -> int:
        return sum(row.planned_benefits for row in self.rows)

    @property
    def realized_benefits_total(self) -> int:
        return sum(row.realized_benefits for row in self.rows)

    @property
    def colours(self) -> list[tuple[str, str]]:
        return [(c.value, c.label) for c in Health]


def choose_period(periods: list[ReportingPeriod], wanted: str | None) -> ReportingPeriod | None:
    """The period asked for (its end date, « 2024-03-31 »), else the last one already ended, else the first one."""
    by_date = {p.end_date.isoformat(): p for p in periods}
    if wanted and wanted in by_date:
        return by_date[wanted]
    today = timezone.localdate()
    ended = [p for p in periods if p.end_date <= today]
    return ended[-1] if ended else (periods[0] if periods else None)


def followup_initiatives(initiatives, period: ReportingPeriod | None):
    """``initiatives`` with everything the derived health and the dashboard read."""
    reports = (
        ProgressReport.objects.filter(period=period) if period else ProgressReport.objects.none()
    )
    return initiatives.with_roadmap_relations().prefetch_related(
        "milestones",
        Prefetch("dependencies", queryset=Dependency.objects.select_related("depends_on")),
        Prefetch(
            "benefits",
            queryset=Benefit.objects.prefetch_related(
                "years",
                Prefetch("indicators", queryset=Indicator.objects.prefetch_related("measurements")),
            ),
        ),
        Prefetch("progress_reports", queryset=reports, to_attr="period_reports"),
    )


def build(edition: Edition, initiatives, period: ReportingPeriod | None, periods) -> Dashboard:
    """The dashboard of ``edition`` for ``period``, limited to ``initiatives`` (a filtered
    queryset of the edition's initiatives)."""
    loaded = sorted(followup_initiatives(initiatives, period), key=lambda i: i.sort_key)
    rows = []
    today = timezone.localdate()
    on = period.end_date if period else today
    late, off = [], []
    for initiative in loaded:
        initiative.edition = edition
        report = initiative.period_reports[0] if initiative.period_reports else None
        derived = None
        flagged: list[str] = []
        if report is not None:
            report.initiative = initiative
            report.period = period
            derived = derive(report)
            flagged = divergences(report, derived)
        planned = realized = 0
        for benefit in initiative.benefits.all():
            for year in benefit.years.all():
                planned += year.planned or 0
                realized += year.realized or 0
            for indicator in benefit.indicators.all():
                measured = [m for m in indicator.measurements.all() if m.measured_on <= on]
                if measured and indicator.is_off_trajectory(measured[-1]):
                    off.append((initiative, indicator, measured[-1]))
        for milestone in initiative.milestones.all():
            if not milestone.done and milestone.due_date and milestone.due_date <= on:
                late.append((initiative, milestone))
        rows.append(Row(initiative, report, derived, flagged, planned, realized))
    return Dashboard(
        edition=edition,
        period=period,
        periods=list(periods),
        rows=rows,
        matrix=_matrix(edition, rows),
        late_milestones=late,
        top_risks=_top_risks(edition, [row.initiative.pk for row in rows]),
        off_trajectory=off,
        timeline=charts.timeline(edition, [row.initiative for row in rows], today),
    )


def _matrix(edition: Edition, rows: list[Row]) -> list:
    cells: dict[int, Cell] = defaultdict(Cell)
    for row in rows:
        cell = cells[row.initiative.ambition_id]
        cell.declared[row.declared_overall.value if row.declared_overall else "none"].append(row)
        cell.derived[row.derived_overall.value if row.derived_overall else "none"].append(row)
    return [
        (orientation, [(ambition, cells[ambition.pk]) for ambition in orientation.ambitions.all()])
        for orientation in edition.orientations.prefetch_related("ambitions")
    ]


def _top_risks(edition: Edition, initiative_ids: list[int]) -> list:
    """The ten highest-scored open risks, of the plan and of the initiatives shown."""
    scored = dict(probability__isnull=False, impact__isnull=False)
    plan = PlanRisk.objects.filter(edition=edition, **scored).exclude(status="closed")
    own = (
        InitiativeRisk.objects.filter(initiative_id__in=initiative_ids, **scored)
        .exclude(status="closed")
        .select_related("initiative")
    )
    return sorted(chain(plan, own), key=lambda r: (-r.score, r.title))[:TOP_RISKS]
