"""Derived health: what the figures say, whatever the report declares.

Québec's public dashboard of IT projects showed nearly every project green while several of them
overran their costs and schedules, because health was declared. Here each dimension is also
derived from the figures, by rules whose thresholds are settings (``FOLLOWUP_HEALTH``; their
defaults and where each comes from are in the README, « Suivi »):

- cost: the estimate at completion against the authorized budget (the initiative's budget);
- schedule: the forecast end against the planned end (the end of the initiative's horizon,
  31 March of its last fiscal year), as a share of the planned duration; and the milestones due
  by the end of the period and not reached — the worse of the two;
- scope: the indicators of the initiative's benefits that are off their trajectory at the end of
  the period (benefits.Indicator.is_off_trajectory; lower-is-better indicators handled there);
- overall: the worst of the three.

A dimension whose figures are missing (no budget, no estimate) is not derived (None): nothing is
invented. **The guard**: a declared colour better than the derived one is flagged, and the
report cannot be submitted without a justification (services.report_submit).

Everything here works on rows already loaded (prefetched milestones, indicators and
measurements): the dashboard derives hundreds of reports without a query each.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from followup.models import Health, ProgressReport
from roadmap import formatting

DEFAULT_THRESHOLDS = {
    # Estimate at completion over the authorized budget, as a share of the budget.
    "COST_YELLOW": Decimal("0.05"),
    "COST_RED": Decimal("0.10"),
    # Forecast end past the planned end, as a share of the planned duration.
    "SCHEDULE_YELLOW": Decimal("0.05"),
    "SCHEDULE_RED": Decimal("0.10"),
    # Milestones due by the end of the period and not reached.
    "LATE_MILESTONES_YELLOW": 1,
    "LATE_MILESTONES_RED": 2,
    # Indicators off their trajectory at the end of the period.
    "OFF_TRAJECTORY_YELLOW": 1,
    "OFF_TRAJECTORY_RED": 2,
}


def thresholds() -> dict:
    return {**DEFAULT_THRESHOLDS, **getattr(settings, "FOLLOWUP_HEALTH", {})}


def _by_share(share: Decimal | None, yellow, red) -> Health | None:
    if share is None:
        return None
    if share > Decimal(str(red)):
        return Health.RED
    if share > Decimal(str(yellow)):
        return Health.YELLOW
    return Health.GREEN


def _by_count(count: int, yellow: int, red: int) -> Health:
    if count >= red:
        return Health.RED
    if count >= yellow:
        return Health.YELLOW
    return Health.GREEN


def worst(*colours: Health | None) -> Health | None:
    known = [c for c in colours if c is not None]
    return max(known, key=lambda c: c.rank) if known else None


def planned_window(initiative) -> tuple[datetime.date, datetime.date] | None:
    """1 April of the horizon's first fiscal year to 31 March after its last one."""
    if initiative.horizon_start is None:
        return None
    end_year = (
        initiative.horizon_end if initiative.horizon_end is not None else initiative.horizon_start
    )
    return datetime.date(initiative.horizon_start, 4, 1), datetime.date(end_year + 1, 3, 31)


@dataclass
class Derived:
    cost: Health | None = None
    schedule: Health | None = None
    scope: Health | None = None
    cost_variance: Decimal | None = None
    schedule_variance: Decimal | None = None
    planned_end: datetime.date | None = None
    late_milestones: list = field(default_factory=list)
    off_trajectory: list = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Health | None:
        return worst(self.cost, self.schedule, self.scope)

    def as_dict(self) -> dict[str, Health | None]:
        return {
            "cost": self.cost,
            "schedule": self.schedule,
            "scope": self.scope,
            "overall": self.overall,
        }


def late_milestones(initiative, on: datetime.date) -> list:
    return [
        m
        for m in initiative.milestones.all()
        if not m.done and m.due_date is not None and m.due_date <= on
    ]


def indicators_off_trajectory(initiative, on: datetime.date) -> list:
    """The initiative's indicators whose last measurement by ``on`` is off trajectory."""
    found = []
    for benefit in initiative.benefits.all():
        for indicator in benefit.indicators.all():
            measured = [m for m in indicator.measurements.all() if m.measured_on <= on]
            if measured and indicator.is_off_trajectory(measured[-1]):
                found.append(indicator)
    return found


def derive(report: ProgressReport) -> Derived:
    """The derived health of ``report`` (its initiative's milestones, benefits, indicators and
    measurements prefetched; its initiative's edition loaded)."""
    limits = thresholds()
    initiative = report.initiative
    on = report.period.end_date
    derived = Derived()

    budget = initiative.budget
    if budget and report.estimate_at_completion is not None:
        derived.cost_variance = (Decimal(report.estimate_at_completion) - budget) / budget
        derived.cost = _by_share(derived.cost_variance, limits["COST_YELLOW"], limits["COST_RED"])
        if derived.cost != Health.GREEN:
            derived.reasons.append(
                _("L'estimation à l'achèvement dépasse le budget autorisé de %(share)s %%.")
                % {"share": _percent(derived.cost_variance)}
            )

    window = planned_window(initiative)
    schedule_by_date = None
    if window is not None:
        derived.planned_end = window[1]
        if report.forecast_end is not None:
            duration = (window[1] - window[0]).days
            derived.schedule_variance = Decimal((report.forecast_end - window[1]).days) / duration
            schedule_by_date = _by_share(
                derived.schedule_variance, limits["SCHEDULE_YELLOW"], limits["SCHEDULE_RED"]
            )
            if schedule_by_date != Health.GREEN:
                derived.reasons.append(
                    _("La fin prévue dépasse la fin planifiée de %(share)s %% de la durée.")
                    % {"share": _percent(derived.schedule_variance)}
                )
    derived.late_milestones = late_milestones(initiative, on)
    schedule_by_milestones = _by_count(
        len(derived.late_milestones),
        limits["LATE_MILESTONES_YELLOW"],
        limits["LATE_MILESTONES_RED"],
    )
    if derived.late_milestones:
        derived.reasons.append(
            _("Jalons en retard : %(titles)s.")
            % {"titles": ", ".join(m.title for m in derived.late_milestones)}
        )
    derived.schedule = worst(schedule_by_date, schedule_by_milestones)

    derived.off_trajectory = indicators_off_trajectory(initiative, on)
    derived.scope = _by_count(
        len(derived.off_trajectory),
        limits["OFF_TRAJECTORY_YELLOW"],
        limits["OFF_TRAJECTORY_RED"],
    )
    if derived.off_trajectory:
        derived.reasons.append(
            _("Indicateurs hors trajectoire : %(names)s.")
            % {"names": ", ".join(i.name for i in derived.off_trajectory)}
        )
    return derived


def _percent(share: Decimal) -> str:
    return formatting.decimal((share * 100).quantize(Decimal("1")))


def divergences(report: ProgressReport, derived: Derived) -> list[str]:
    """The dimensions whose declared colour is better than the derived one (the guard)."""
    declared = report.declared()
    return [
        name
        for name, colour in derived.as_dict().items()
        if colour is not None and declared[name].rank < colour.rank
    ]
