"""Charts as geometry, with no Django: columns (stacked when there are several series) and lines,
laid out in a fixed viewBox that the SVG template (templates/charts/chart.html) scales to the page.

Server-side SVG keeps the page free of chart scripts (the Content-Security-Policy allows none
inline) and readable without JavaScript; every chart is shown with its data table beside it, which
is what a screen reader reads (the SVG is labelled and hidden from assistive technology).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

Number = int | float | Decimal

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 36
MAX_COLUMN = 48  # a single month is a column, not a wall
# Series colours, told apart by lightness too (print, colour blindness); the legend names each.
PALETTE = ("#1f5f99", "#e08a1e", "#3d8b3d", "#8a3d8b", "#b33c3c", "#5b6f7d")


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Line:
    points: str
    colour: str
    dots: list[tuple[float, float, str]]
    dashed: bool = False


@dataclass(frozen=True)
class Tick:
    x: float
    y: float
    text: str


@dataclass
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.rects and not any(line.dots for line in self.lines)


def nice_ceiling(value: float) -> float:
    """The axis's top: 1, 2, 2.5 or 5 times a power of ten at or above ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def _y_axis(chart: Chart, top: float, suffix: str = "", *, whole: bool = False) -> None:
    """Five gridlines; for counts (``whole``) only those at whole numbers (no 「3.75 件」)."""
    plot = HEIGHT - TOP - BOTTOM
    chart.y_ticks = [
        Tick(LEFT - 6, TOP + plot * (1 - share), f"{top * share:g}{suffix}")
        for share in (0, 0.25, 0.5, 0.75, 1)
        if not whole or float(top * share).is_integer()
    ]


def _x_positions(count: int) -> tuple[float, float]:
    """Each slot's width and the first slot's left edge."""
    slot = (WIDTH - LEFT - RIGHT) / max(count, 1)
    return slot, LEFT


def columns(
    title: str, labels: Sequence[str], series: Mapping[str, Sequence[Number]], *, suffix: str = ""
) -> Chart:
    """One column per label; with several series the columns stack, in the order given."""
    chart = Chart(title)
    floats = {name: [float(v) for v in values] for name, values in series.items()}
    totals = [sum(values[i] for values in floats.values()) for i in range(len(labels))]
    top = nice_ceiling(max(totals, default=0))
    _y_axis(chart, top, suffix, whole=all(float(v).is_integer() for v in totals))
    slot, left = _x_positions(len(labels))
    plot = HEIGHT - TOP - BOTTOM
    width = min(slot * 0.7, MAX_COLUMN)
    for index, label in enumerate(labels):
        x = left + slot * (index + 0.5) - width / 2
        stacked = 0.0
        for number, (name, values) in enumerate(floats.items()):
            value = values[index]
            if value <= 0:
                continue
            height = plot * value / top
            y = HEIGHT - BOTTOM - plot * stacked / top - height
            shown = f"{label} {name}：{value:g}{suffix}" if len(series) > 1 else f"{label}：{value:g}{suffix}"
            chart.rects.append(Rect(x, y, width, height, PALETTE[number % len(PALETTE)], shown))
            stacked += value
        chart.x_ticks.append(Tick(left + slot * (index + 0.5), HEIGHT - BOTTOM + 16, label))
    chart.legend = (
        [(PALETTE[n % len(PALETTE)], name) for n, name in enumerate(series)] if len(series) > 1 else []
    )
    return chart


def lines(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[Number | None]],
    *,
    top: float | None = None,
    suffix: str = "",
    dashed: Sequence[str] = (),
) -> Chart:
    """One line per series across the labels; a missing value (None) breaks nothing, it is skipped."""
    chart = Chart(title)
    floats = {name: [None if v is None else float(v) for v in values] for name, values in series.items()}
    known = [v for values in floats.values() for v in values if v is not None]
    top = top if top is not None else nice_ceiling(max(known, default=0))
    _y_axis(chart, top, suffix)
    slot, left = _x_positions(len(labels))
    plot = HEIGHT - TOP - BOTTOM
    for number, (name, values) in enumerate(floats.items()):
        colour = PALETTE[number % len(PALETTE)]
        dots = [
            (
                left + slot * (i + 0.5),
                HEIGHT - BOTTOM - plot * min(v, top) / top,
                f"{labels[i]} {name}：{v:g}{suffix}",
            )
            for i, v in enumerate(values)
            if v is not None
        ]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in dots)
        chart.lines.append(Line(points, colour, dots, dashed=name in dashed))
    chart.x_ticks = [
        Tick(left + slot * (i + 0.5), HEIGHT - BOTTOM + 16, label) for i, label in enumerate(labels)
    ]
    chart.legend = [(PALETTE[n % len(PALETTE)], name) for n, name in enumerate(series)]
    return chart
