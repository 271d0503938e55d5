"""Server-side geometry of the follow-up's charts, drawn as SVG by templates (no JavaScript, no
raster image; each chart has a table alternative next to it):

- the timeline of initiatives (planned window), their milestones and dependencies;
- an indicator's measurements against its baseline, threshold and target trajectories;
- the risk heat map (probability × impact, 5 × 5).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from followup.health import planned_window

# ---------------------------------------------------------------- timeline

ROW = 24
LEFT = 70
WIDTH = 900
TOP = 30


@dataclass(frozen=True)
class Bar:
    initiative: object
    y: float
    x: float
    width: float
    late: bool


@dataclass(frozen=True)
class Mark:
    milestone: object
    x: float
    y: float
    late: bool

    @property
    def points(self) -> str:
        x, y = self.x, self.y
        return f"{x},{y - 6} {x + 6},{y} {x},{y + 6} {x - 6},{y}"


@dataclass(frozen=True)
class Link:
    source: object
    target: object
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    bars: list[Bar]
    marks: list[Mark]
    links: list[Link]
    years: list[tuple[str, float]]  # (fiscal year label, x)
    today_x: float | None
    left: int


def timeline(edition, initiatives: list, today: datetime.date) -> Timeline | None:
    """Each initiative with a horizon as a bar from 1 April of its first fiscal year to 31 March
    after its last; its milestones as diamonds; its dependencies as lines."""
    windows = {i.pk: planned_window(i) for i in initiatives}
    shown = [i for i in initiatives if windows[i.pk]]
    if not shown:
        return None
    first = min(windows[i.pk][0] for i in shown)
    last = max(windows[i.pk][1] for i in shown)
    for i in shown:
        for m in i.milestones.all():
            if m.due_date:
                first, last = min(first, m.due_date), max(last, m.due_date)
    span = max((last - first).days, 1)
    usable = WIDTH - LEFT - 10

    def x(day: datetime.date) -> float:
        return round(LEFT + usable * (day - first).days / span, 1)

    bars, marks, rows = [], [], {}
    for index, initiative in enumerate(shown):
        y = TOP + index * ROW
        rows[initiative.pk] = y
        start, end = windows[initiative.pk]
        late_marks = []
        for m in initiative.milestones.all():
            if m.due_date:
                late = not m.done and m.due_date < today
                late_marks.append(late)
                marks.append(Mark(m, x(m.due_date), y + ROW / 2 - 2, late))
        bars.append(Bar(initiative, y + 4, x(start), round(x(end) - x(start), 1), any(late_marks)))
    links = []
    for initiative in shown:
        for dependency in initiative.dependencies.all():
            if dependency.depends_on_id in rows:
                source_end = windows[dependency.depends_on_id][1]
                links.append(
                    Link(
                        dependency.depends_on_id,
                        initiative,
                        x(source_end),
                        rows[dependency.depends_on_id] + ROW / 2 - 2,
                        x(windows[initiative.pk][0]),
                        rows[initiative.pk] + ROW / 2 - 2,
                    )
                )
    years = []
    year = first.year if first >= datetime.date(first.year, 4, 1) else first.year - 1
    while datetime.date(year, 4, 1) <= last:
        day = max(datetime.date(year, 4, 1), first)
        years.append((f"{year}-{year + 1}", x(day)))
        year += 1
    today_x = x(today) if first <= today <= last else None
    return Timeline(WIDTH, TOP + len(shown) * ROW + 10, bars, marks, links, years, today_x, LEFT)


# ---------------------------------------------------------------- indicator


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    measurement: object
    off: bool


@dataclass(frozen=True)
class IndicatorChart:
    width: int
    height: int
    points: list[Point]
    line: str
    target_line: tuple[float, float, float, float] | None
    threshold_line: tuple[float, float, float, float] | None
    ticks: list[tuple[str, float]]  # (value, y)
    dates: list[tuple[str, float]]  # (label, x)
    left: int
    bottom: int


def indicator_chart(indicator, measurements: list, date_label) -> IndicatorChart | None:
    """Measurements as a line of points; the trajectories from the baseline to the target and
    to the threshold as straight lines (from the baseline's date to the target date)."""
    start = indicator.trajectory_start()
    days = [m.measured_on for m in measurements]
    if indicator.target_date:
        days += [start, indicator.target_date]
    values = [m.value for m in measurements] + [
        v for v in (indicator.baseline, indicator.target, indicator.threshold) if v is not None
    ]
    if not days or not values:
        return None
    width, height, left, right, top, bottom = 640, 300, 70, 620, 20, 250
    first, last = min(days), max(days)
    span = max((last - first).days, 1)
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    pad = (high - low) / 10
    low, high = low - pad, high + pad

    def x(day: datetime.date) -> float:
        return round(left + (right - left) * (day - first).days / span, 1)

    def y(value: Decimal) -> float:
        return round(bottom - (bottom - top) * float((value - low) / (high - low)), 1)

    points = [
        Point(x(m.measured_on), y(m.value), m, indicator.is_off_trajectory(m)) for m in measurements
    ]
    target_line = threshold_line = None
    if indicator.baseline is not None and indicator.target_date:
        if indicator.target is not None:
            target_line = (
                x(start),
                y(indicator.baseline),
                x(indicator.target_date),
                y(indicator.target),
            )
        if indicator.threshold is not None:
            threshold_line = (
                x(start),
                y(indicator.baseline),
                x(indicator.target_date),
                y(indicator.threshold),
            )
    step = (high - low) / 4
    ticks = [(low + step * i, y(low + step * i)) for i in range(5)]
    dates = [(date_label(first), x(first)), (date_label(last), x(last))]
    return IndicatorChart(
        width,
        height,
        points,
        " ".join(f"{p.x},{p.y}" for p in points),
        target_line,
        threshold_line,
        ticks,
        dates,
        left,
        bottom,
    )


# ---------------------------------------------------------------- heat map


@dataclass(frozen=True)
class HeatCell:
    probability: int
    impact: int
    x: int
    y: int
    risks: list
    level: str  # green / yellow / red, by score

    @property
    def score(self) -> int:
        return self.probability * self.impact


def heat_level(score: int) -> str:
    """The usual 5 × 5 matrix zones: 1–4 low, 5–12 medium, 15–25 high."""
    if score >= 15:
        return "red"
    if score >= 5:
        return "yellow"
    return "green"


def heat_map(risks: list) -> list[HeatCell]:
    """25 cells: impact 1–5 left to right, probability 5–1 top to bottom."""
    cells = []
    for probability in range(5, 0, -1):
        for impact in range(1, 6):
            found = [r for r in risks if r.probability == probability and r.impact == impact]
            cells.append(
                HeatCell(
                    probability,
                    impact,
                    60 + (impact - 1) * 90,
                    10 + (5 - probability) * 60,
                    found,
                    heat_level(probability * impact),
                )
            )
    return cells
