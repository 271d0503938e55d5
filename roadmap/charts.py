"""Server-side geometry of the Radar numériQc chart, drawn as SVG by a template.

The same SVG goes into the web page and the PDF, so it is computed here once,
with no JavaScript and no raster image.
"""

import math
import textwrap
from dataclasses import dataclass
from decimal import Decimal

SIZE = 640
CENTER = SIZE / 2
RADIUS = 190
LABEL_GAP = 22


@dataclass(frozen=True)
class Axis:
    label_lines: list[str]
    score: Decimal
    x: float  # end of the axis (scale maximum)
    y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor of the label
    point_x: float  # the score's point
    point_y: float


@dataclass(frozen=True)
class RadarChart:
    size: int
    center: float
    axes: list[Axis]
    rings: list[tuple[int, str]]  # (scale value, polygon points)
    ring_labels: list[tuple[int, float, float]]
    polygon: str

    @property
    def line_height(self) -> int:
        return 17


def _point(index: int, count: int, fraction: float, radius: float = RADIUS) -> tuple[float, float]:
    # First axis straight up, then clockwise.
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (
        round(CENTER + radius * fraction * math.cos(angle), 1),
        round(CENTER + radius * fraction * math.sin(angle), 1),
    )


def _points(coords: list[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y}" for x, y in coords)


def radar_chart(
    scores: list[tuple[str, Decimal]], scale_max: int, scale_min: int = 0
) -> RadarChart | None:
    """Geometry for a radar of ``scores`` (label, value) on a scale_min..scale_max scale: the
    centre is the scale's minimum, the outer ring its maximum, one ring per whole value."""
    count = len(scores)
    if count < 3 or scale_max <= scale_min:
        return None
    span = scale_max - scale_min

    def fraction(value: float) -> float:
        return max(0.0, min(1.0, (float(value) - scale_min) / span))

    axes = []
    for index, (label, score) in enumerate(scores):
        x, y = _point(index, count, 1.0)
        lx, ly = _point(index, count, 1.0, RADIUS + LABEL_GAP)
        px, py = _point(index, count, fraction(score))
        dx = lx - CENTER
        anchor = "middle" if abs(dx) < 1 else ("start" if dx > 0 else "end")
        lines = textwrap.wrap(label, width=20) or [label]
        # Labels above the centre grow upwards so they never cross the chart.
        if ly < CENTER - 1:
            ly -= (len(lines) - 1) * 17 + 4
        elif ly > CENTER + 1:
            ly += 12
        else:
            ly -= (len(lines) - 1) * 17 / 2 - 5
        axes.append(Axis(lines, score, x, y, lx, round(ly, 1), anchor, px, py))
    values = range(scale_min + 1, scale_max + 1)
    rings = [
        (value, _points([_point(i, count, fraction(value)) for i in range(count)]))
        for value in values
    ]
    # The minimum is written at the centre when it is not 0 (a 1 to 4 scale starts at 1).
    ring_labels = [
        (value, CENTER + 4, round(CENTER - RADIUS * fraction(value) - 3, 1))
        for value in ([scale_min] if scale_min else []) + list(values)
    ]
    polygon = _points([(a.point_x, a.point_y) for a in axes])
    return RadarChart(SIZE, CENTER, axes, rings, ring_labels, polygon)


@dataclass(frozen=True)
class MaturityChart:
    width: int
    height: int
    stages: list[tuple[int, float, float, str]]  # (stage, x, width, label)
    score_x: float
    target_x: float
    axis_y: float


def maturity_chart(maturity) -> MaturityChart:
    """The maturity stages as equal bands (stage 2 runs from 2,0 to 3,0), with the measured
    score and the target stage marked; each band is labelled with its stage's label (data)."""
    width, height, left, right = 640, 150, 20, 620
    low, high = maturity.scale_min, maturity.scale_max
    band = (right - left) / (high - low + 1)

    def x(value: float) -> float:
        return round(left + band * (float(value) - low), 1)

    stages = [
        (stage, x(stage), round(band, 1), maturity.stage_label(stage))
        for stage in range(low, high + 1)
    ]
    return MaturityChart(width, height, stages, x(maturity.score), x(maturity.target_stage), 70)
