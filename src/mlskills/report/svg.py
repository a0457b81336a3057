"""Inline SVG charts and colour scales for the HTML report (no chart library, no network).

Colours are colour-blind safe: scores use one blue ramp, differences a blue/orange
diverging pair, arms the Okabe–Ito palette. Every text is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

ARM_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
UP, DOWN, FLAT = "#1d5fbf", "#c45a00", "#8a8f98"


def _mix(low: tuple[int, int, int], high: tuple[int, int, int], t: float) -> str:
    t = min(1.0, max(0.0, t))
    r, g, b = (round(a + (z - a) * t) for a, z in zip(low, high, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def score_fill(score: float | None) -> tuple[str, str]:
    """(background, text colour) for a score in [0, 1]; None is a neutral grey."""
    if score is None:
        return "#e5e7eb", "#555"
    return _mix((241, 245, 249), (23, 64, 150), score), "#fff" if score > 0.55 else "#111"


def diff_fill(diff: float | None) -> tuple[str, str]:
    """(background, text colour) for a difference in [-1, 1]: orange down, blue up."""
    if diff is None:
        return "#e5e7eb", "#555"
    end = (29, 95, 191) if diff >= 0 else (196, 90, 0)
    strength = min(1.0, abs(diff) / 0.5)
    return _mix((246, 246, 246), end, strength), "#fff" if strength > 0.6 else "#111"


def arm_colour(index: int) -> str:
    return ARM_COLOURS[index % len(ARM_COLOURS)]


@dataclass(frozen=True)
class Axis:
    """A linear map from data [lo, hi] to pixels [start, end]."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = (self.hi - self.lo) or 1.0
        return self.start + (value - self.lo) / span * (self.end - self.start)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    span = (hi - lo) or 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = min(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    first = -(-lo // step) * step
    ticks, value = [], first
    while value <= hi + step * 1e-9:
        ticks.append(round(value, 10) + 0.0)  # + 0.0 turns -0.0 into 0.0
        value += step
    return ticks


def text(x: float, y: float, label: str, cls: str = "", anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">{escape(label)}</text>'
    )


@dataclass(frozen=True)
class Row:
    """One line of a forest plot: a label, an estimate and its interval."""

    label: str
    mean: float
    low: float | None  # None: no interval (too few epochs), the dot alone is drawn
    high: float | None
    strong: bool = False


def _row_colour(row: Row, tie: float) -> str:
    return UP if row.mean >= tie else DOWN if row.mean <= -tie else FLAT


def forest(rows: list[Row], tie: float, unit: str = "Δ score") -> str:
    """A forest plot: each row's interval as a line, its estimate as a dot, zero marked."""
    label_w, width, row_h, top = 200, 720, 22, 26
    lo = min(0.0, *(r.mean if r.low is None else r.low for r in rows)) - 0.02
    hi = max(0.0, *(r.mean if r.high is None else r.high for r in rows)) + 0.02
    x = Axis(lo, hi, label_w + 10, width - 20)
    height = top + row_h * len(rows) + 10
    parts = [_grid(x, nice_ticks(lo, hi), top - 6, height - 6, signed=True)]
    parts.append(
        f'<line x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top - 6}" y2="{height - 6}" class="zero"/>'
    )
    for i, row in enumerate(rows):
        y = top + row_h * i + row_h / 2
        colour = _row_colour(row, tie)
        tip = f"{row.label}: {row.mean:+.3f}"
        if row.low is not None and row.high is not None:
            tip += f" [{row.low:+.3f}, {row.high:+.3f}]"
            line = (
                f'<line x1="{x(row.low):.1f}" x2="{x(row.high):.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{colour}" stroke-width="{3 if row.strong else 2}"/>'
            )
        else:
            tip += " (no interval: fewer than 2 epochs per side)"
            line = ""
        cls = "lbl strong" if row.strong else "lbl"
        short = row.label if len(row.label) <= 28 else row.label[:27] + "…"
        parts.append(
            f'<g class="frow"><title>{escape(tip)}</title>'
            f"{text(label_w, y + 4, short, cls, 'end')}"
            f"{line}"
            f'<circle cx="{x(row.mean):.1f}" cy="{y:.1f}" r="{6 if row.strong else 4}" '
            f'fill="{colour}"/></g>'
        )
    parts.append(text(label_w, 14, unit, "axis-title", "end"))
    return _svg(width, height, parts, "Uplift per task with 95% intervals")


def _grid(x: Axis, ticks: list[float], y0: float, y1: float, signed: bool = False) -> str:
    lines = []
    for tick in ticks:
        label = f"{tick:+.2g}" if signed and tick else f"{tick:.3g}"
        lines.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{y0}" y2="{y1}" class="grid"/>'
            + text(x(tick), y0 - 4, label, "tick", "middle")
        )
    return "".join(lines)


def _svg(width: int, height: float, parts: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(label)}" class="chart">'
        + "".join(parts)
        + "</svg>"
    )


@dataclass(frozen=True)
class Point:
    """A scatter point: x (cost or time), y (score) with an optional interval on y."""

    label: str
    x: float
    y: float
    colour: str
    low: float | None = None
    high: float | None = None
    big: bool = False


def scatter(points: list[Point], x_title: str, x_format: str = "${:.3g}") -> str:
    """Score (y, 0–1) against cost or time (x); big points carry an interval and a label."""
    width, height, left, bottom = 720, 320, 56, 40
    x_hi = max([p.x for p in points] + [1e-9]) * 1.1
    x = Axis(0.0, x_hi, left, width - 24)
    y = Axis(0.0, 1.0, height - bottom, 16)
    parts = [_y_grid(y, left, width - 24), _x_ticks(x, x_hi, y(0), x_format)]
    for p in sorted(points, key=lambda p: p.big):
        parts.append(_point(p, x, y))
    parts.append(text((left + width) / 2, height - 6, x_title, "axis-title", "middle"))
    parts.append(
        f'<text transform="translate(14 {y(0.5):.0f}) rotate(-90)" class="axis-title" '
        'text-anchor="middle">mean score</text>'
    )
    return _svg(width, height, parts, f"Mean score against {x_title}")


def _y_grid(y: Axis, x0: float, x1: float) -> str:
    return "".join(
        f'<line x1="{x0}" x2="{x1}" y1="{y(v):.1f}" y2="{y(v):.1f}" class="grid"/>'
        + text(x0 - 6, y(v) + 4, f"{v:.2f}", "tick", "end")
        for v in (0.0, 0.25, 0.5, 0.75, 1.0)
    )


def _x_ticks(x: Axis, hi: float, base: float, form: str) -> str:
    return "".join(
        text(x(v), base + 16, form.format(v), "tick", "middle") for v in nice_ticks(0.0, hi, 5)
    )


def _point(p: Point, x: Axis, y: Axis) -> str:
    tip = f"{p.label}: score {p.y:.3f}"
    if p.low is not None and p.high is not None:
        tip += f" [{p.low:.3f}, {p.high:.3f}]"
    cx, cy = x(p.x), y(p.y)
    body = ""
    if p.big and p.low is not None and p.high is not None:
        body += (
            f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(p.low):.1f}" y2="{y(p.high):.1f}" '
            f'stroke="{p.colour}" stroke-width="3"/>'
        )
    radius, opacity = (7, 1.0) if p.big else (3.5, 0.45)
    body += (
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="{p.colour}" '
        f'fill-opacity="{opacity}" stroke="#fff" stroke-width="{1 if p.big else 0}"/>'
    )
    if p.big:
        body += text(cx + 10, cy - 8, p.label, "lbl strong")
    return f"<g><title>{escape(tip)}</title>{body}</g>"
