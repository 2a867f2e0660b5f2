"""Geometry for every server-rendered SVG chart, on the dashboards and in
the reports.

Pure functions: numbers in, coordinates out. Templates draw the SVG (with
role="img", a title, a description and a data table beside it; dashboards in
templates/collaborations/dashboards/, reports in templates/reporting/pdf/);
nothing here touches the database or the request, so the arithmetic is
tested on its own. Colours are given as values, not only CSS classes, so a
PDF renderer that ignores stylesheets inside SVG draws them the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

LIGHTS = ("green", "amber", "red")
# Fill and text colour of each light; the same hues as the pages' CSS.
LIGHT_FILL = {"green": "#1a6b32", "amber": "#e0a100", "red": "#a4161a"}
LIGHT_TEXT = {"green": "#ffffff", "amber": "#000000", "red": "#ffffff"}


def nice_scale(value: float, count: int = 4) -> tuple[int, int]:
    """(maximum, step) for an axis of whole numbers up to `value`: a round
    step (1, 2, 5, 10, 20, 50...) giving about `count` intervals, and the
    first multiple of it at or above `value`. 26 gives (30, 10): 0 10 20 30."""
    if value <= 0:
        return 1, 1
    raw = value / count
    exponent = math.floor(math.log10(raw)) if raw >= 1 else 0
    step = next(m * 10 ** exponent for m in (1, 2, 5, 10) if m * 10 ** exponent >= raw)
    return max(step, math.ceil(value / step) * step), step


def ticks(maximum: int, step: int) -> list[int]:
    """The ticks 0, step, 2 × step ... up to `maximum`."""
    return list(range(0, maximum + 1, step))


# ---------------------------------------------------------------- stacked columns (trend)

@dataclass(frozen=True)
class Segment:
    key: str            # green / amber / red
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Column:
    label: str
    total: int
    x: float
    label_x: float
    segments: list[Segment]


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass
class StackedColumns:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    columns: list[Column]
    ticks: list[Tick]
    maximum: int


def stacked_columns(points: list[tuple[str, dict[str, int]]], *, width: int = 640, height: int = 260,
                    keys: tuple[str, ...] = LIGHTS) -> StackedColumns:
    """One column per point, stacked bottom-up in `keys` order.

    `points` = [(label, {"green": 3, "amber": 1, "red": 0}), ...].
    """
    left, top, bottom = 44, 12, height - 36
    plot_h = bottom - top
    maximum, step = nice_scale(max((sum(c.get(k, 0) for k in keys) for _label, c in points), default=0))
    n = max(len(points), 1)
    slot = (width - left - 8) / n
    bar_w = min(64.0, slot * 0.6)
    columns = []
    for i, (label, counts) in enumerate(points):
        x = left + i * slot + (slot - bar_w) / 2
        y = float(bottom)
        segments = []
        for key in keys:
            value = counts.get(key, 0)
            h = plot_h * value / maximum
            y -= h
            segments.append(Segment(key=key, value=value, x=round(x, 1), y=round(y, 1), width=round(bar_w, 1),
                                    height=round(h, 1)))
        columns.append(Column(label=label, total=sum(counts.get(k, 0) for k in keys), x=round(x, 1),
                              label_x=round(x + bar_w / 2, 1), segments=segments))
    tick_list = [Tick(value=v, y=round(bottom - plot_h * v / maximum, 1)) for v in ticks(maximum, step)]
    return StackedColumns(width=width, height=height, plot_top=top, plot_bottom=bottom, plot_left=left,
                          columns=columns, ticks=tick_list, maximum=maximum)


# ---------------------------------------------------------------- horizontal bars (host balance)

@dataclass(frozen=True)
class HBar:
    label: str
    value: Decimal | int
    y: float
    width: float
    text_y: float
    href: str = ""


@dataclass
class HorizontalBars:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[HBar]
    maximum: Decimal | int


def horizontal_bars(rows: list[tuple[str, Decimal | int, str]], *, width: int = 640, label_width: int = 150,
                    bar_height: int = 22, gap: int = 10) -> HorizontalBars:
    """One bar per row = (label, value, href), scaled to the largest value.
    Room is left right of the longest bar for its value."""
    maximum = max((v for _l, v, _h in rows), default=0) or 1
    plot_w = width - label_width - 70
    bars = []
    for i, (label, value, href) in enumerate(rows):
        y = 6 + i * (bar_height + gap)
        bars.append(HBar(label=label, value=value, y=y, width=round(float(plot_w * value / maximum), 1),
                         text_y=y + bar_height * 0.7, href=href))
    height = 12 + len(rows) * (bar_height + gap)
    return HorizontalBars(width=width, height=max(height, 40), label_width=label_width, bar_height=bar_height,
                          bars=bars, maximum=maximum)


# ---------------------------------------------------------------- scatter (priority matrix)

@dataclass(frozen=True)
class Dot:
    key: object         # the measure id
    label: str
    number: int         # rank, shown in the dot and in the list beside it
    x_value: int
    y_value: int
    cx: float
    cy: float
    href: str = ""
    css_class: str = ""


@dataclass
class Scatter:
    size: int
    plot_left: int
    plot_top: int
    plot_size: int
    dots: list[Dot]
    axis_x: list[tuple[int, float]] = field(default_factory=list)   # (value, x) for tick labels
    axis_y: list[tuple[int, float]] = field(default_factory=list)   # (value, y) for tick labels
    middle_x: float = 0.0
    middle_y: float = 0.0


def scatter(items: list[dict], *, size: int = 420, low: int = 1, high: int = 10) -> Scatter:
    """Place items = [{"key", "label", "number", "x", "y", "href", "css_class"}]
    on a square grid from `low` to `high` on both axes (x = feasibility,
    y = potential, higher is up). Items in the same cell are spread on a small
    circle around the cell's centre so that none hides another."""
    left, top = 48, 12
    plot = size - left - 40
    cell = plot / (high - low + 1)

    def pos_x(v: float) -> float:
        return left + (v - low + 0.5) * cell

    def pos_y(v: float) -> float:
        return top + plot - (v - low + 0.5) * cell

    by_cell: dict[tuple[int, int], list[dict]] = {}
    for item in items:
        by_cell.setdefault((item["x"], item["y"]), []).append(item)
    dots = []
    for (x, y), group in by_cell.items():
        n = len(group)
        radius = 0 if n == 1 else min(cell * 0.32, 4 + 2 * n)
        for i, item in enumerate(group):
            angle = 2 * math.pi * i / n
            dots.append(Dot(key=item["key"], label=item["label"], number=item["number"], x_value=x, y_value=y,
                            cx=round(pos_x(x) + radius * math.cos(angle), 1),
                            cy=round(pos_y(y) + radius * math.sin(angle), 1),
                            href=item.get("href", ""), css_class=item.get("css_class", "")))
    dots.sort(key=lambda d: d.number)
    return Scatter(size=size, plot_left=left, plot_top=top, plot_size=round(plot), dots=dots,
                   axis_x=[(v, round(pos_x(v), 1)) for v in range(low, high + 1)],
                   axis_y=[(v, round(pos_y(v), 1)) for v in range(low, high + 1)],
                   middle_x=round(left + plot / 2, 1), middle_y=round(top + plot / 2, 1))


# ---------------------------------------------------------------- horizontal stacked bars (lights per strategy)

@dataclass(frozen=True)
class BarSegment:
    key: str
    value: int
    x: float
    width: float
    text_x: float
    fill: str
    text_fill: str


@dataclass(frozen=True)
class StackedBar:
    label: str
    y: float
    text_y: float
    segments: list[BarSegment]


@dataclass
class StackedBars:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[StackedBar]
    legend: list[tuple[str, float, str, str]]     # (key, x, fill, label)


def stacked_bars(rows: list[tuple[str, dict[str, int]]], *, key_labels: dict[str, str], width: int = 630,
                 label_width: int = 230, bar_height: int = 18, gap: int = 8, keys: tuple[str, ...] = LIGHTS,
                 label_chars: int = 38) -> StackedBars:
    """One horizontal bar per row = (label, {"green": 3, ...}), split by `keys`
    and scaled to the longest bar; a legend row on top naming each key
    (`key_labels`). Long labels are cut with an ellipsis (the table beside the
    chart has them in full)."""
    top = 30
    plot_w = width - label_width - 10
    biggest = max((sum(c.get(k, 0) for k in keys) for _label, c in rows), default=0) or 1
    bars = []
    for i, (label, counts) in enumerate(rows):
        y = top + i * (bar_height + gap)
        x, segments = float(label_width), []
        for key in keys:
            n = counts.get(key, 0)
            if not n:
                continue
            w = plot_w * n / biggest
            segments.append(BarSegment(key=key, value=n, x=round(x, 1), width=round(w, 1),
                                       text_x=round(x + w / 2, 1), fill=LIGHT_FILL[key], text_fill=LIGHT_TEXT[key]))
            x += w
        short = label if len(label) <= label_chars else label[:label_chars - 1] + "…"
        bars.append(StackedBar(label=short, y=y, text_y=round(y + bar_height * 0.72, 1), segments=segments))
    legend = [(key, label_width + i * 120, LIGHT_FILL[key], key_labels[key]) for i, key in enumerate(keys)]
    return StackedBars(width=width, height=top + len(rows) * (bar_height + gap) + 4, label_width=label_width,
                       bar_height=bar_height, bars=bars, legend=legend)
