"""Where a chart draws things: axis scales and data label positions, as plain numbers.

Two value axes share their zero line: both get the same number of steps with the
same number of them below zero, so a negative rate on the line is drawn below the
bars' baseline rather than on a bar. Positions are fractions of the plot's height
from its bottom, which is all that is needed to keep a line's labels off the bars'.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

BarLabel = Literal["inside", "outside"]  # at the bar's end, within it or beyond it
PointLabel = Literal["above", "below"]
Band = tuple[float, float]

_NICE = (1.0, 2.0, 2.5, 5.0)
_HEADROOM = 0.1  # of the axis, kept free beyond the data for the labels at its ends
_STEPS = range(4, 8)


@dataclass(frozen=True)
class AxisScale:
    """A value axis from ``low`` to ``high`` in steps of ``step``."""

    low: float
    high: float
    step: float

    def height(self, value: float) -> float:
        """Where ``value`` is drawn, as a fraction of the plot's height from its bottom."""
        return (value - self.low) / (self.high - self.low)


def nice_step(need: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is at least ``need`` (> 0)."""
    power = math.floor(math.log10(need))
    for exponent in (power, power + 1):
        for mantissa in _NICE:
            step = round(mantissa * 10.0**exponent, 12)
            if step >= need * (1 - 1e-9):
                return step
    raise AssertionError(need)  # 10 ** (power + 1) > need always


def aligned_scales(ranges: Sequence[tuple[float, float]]) -> list[AxisScale] | None:
    """Scales for axes whose data spans ``ranges`` (low, high), with zero at one height.

    Every axis gets the same number of steps, as many of them below zero, and a
    1-2-2.5-5 step; of those choices, the one that leaves the least of the plot
    empty. None when every value is zero.
    """
    best: tuple[float, list[AxisScale]] | None = None
    for steps in _STEPS:
        for below in range(steps + 1):
            scales = [_fit(low, high, steps, below) for low, high in ranges]
            fitted = [s for s in scales if s is not None]
            if len(fitted) < len(scales):
                continue
            filled = sum(
                (max(high, 0) - min(low, 0)) / (s.high - s.low)
                for (low, high), s in zip(ranges, fitted, strict=True)
            )
            if best is None or filled > best[0] + 1e-9:
                best = (filled, fitted)
    return best[1] if best else None


def _fit(low: float, high: float, steps: int, below: int) -> AxisScale | None:
    """The scale of ``steps`` steps, ``below`` of them under zero, that holds low..high."""
    margin = _HEADROOM * steps
    room_below = below - margin if low < 0 else float(below)
    room_above = steps - below - margin if high > 0 else float(steps - below)
    if (low < 0 and room_below <= 0) or (high > 0 and room_above <= 0):
        return None
    need = max(-low / room_below if low < 0 else 0.0, high / room_above if high > 0 else 0.0)
    if need <= 0:
        return None
    step = nice_step(need)
    return AxisScale(round(-below * step, 10), round((steps - below) * step, 10), step)


@dataclass(frozen=True)
class Sizes:
    """A label's height, its gap from what it labels, and a marker's size: plot fractions."""

    label: float
    gap: float
    marker: float

    def point_band(self, point: float, side: PointLabel) -> Band:
        if side == "above":
            return (point + self.gap, point + self.gap + self.label)
        return (point - self.gap - self.label, point - self.gap)

    def bar_band(self, end: float, zero: float, position: BarLabel) -> Band:
        """Where a bar's label is drawn: just inside or just beyond the bar's end."""
        outward = 1 if end >= zero else -1
        if position == "inside":
            outward = -outward
        near = end + outward * self.gap
        far = near + outward * self.label
        return (min(near, far), max(near, far))

    def fits_inside(self, end: float, zero: float) -> bool:
        return abs(end - zero) >= self.label + 2 * self.gap


def settle(
    bars: Sequence[float], line: Sequence[float], scales: Sequence[AxisScale], sizes: Sizes
) -> tuple[list[BarLabel], list[PointLabel]]:
    """Labels for one bar series and one line over the same categories, kept apart.

    Bar labels go inside the bars' ends when every bar has room, else beyond them;
    a line's label above its point, or below when the value is negative. Where
    that puts a line label or marker on a bar label, the line label tries the
    other side, then the bar label the other end of its bar.
    """
    bar_scale, line_scale = scales
    zero = bar_scale.height(0)
    ends = [bar_scale.height(v) for v in bars]
    roomy = [sizes.fits_inside(end, zero) for end in ends]
    usual: BarLabel = "inside" if all(roomy) else "outside"
    other: BarLabel = "outside" if usual == "inside" else "inside"
    bar_at: list[BarLabel] = []
    line_at: list[PointLabel] = []
    for end, fits, value in zip(ends, roomy, line, strict=True):
        point = line_scale.height(value)
        sides: tuple[PointLabel, PointLabel] = (
            ("above", "below") if value >= 0 else ("below", "above")
        )
        options = [(b, s) for b in (usual, other) for s in sides if b == "outside" or fits]
        clear = [
            (b, s) for b, s in options if _clear(sizes.bar_band(end, zero, b), point, s, sizes)
        ]
        bar, side = (clear or options)[0]
        bar_at.append(bar)
        line_at.append(side)
    return bar_at, line_at


def _clear(bar: Band, point: float, side: PointLabel, sizes: Sizes) -> bool:
    """A line label on ``side`` of ``point`` is inside the plot and, like the point's
    marker, clear of the bar's label."""
    label = sizes.point_band(point, side)
    marker = (point - sizes.marker / 2, point + sizes.marker / 2)
    inside = label[0] >= 0 and label[1] <= 1
    return inside and not _overlap(bar, label) and not _overlap(bar, marker)


def _overlap(a: Band, b: Band) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def apart(first: Sequence[float], second: Sequence[float]) -> tuple[list[str], list[str]]:
    """Labels for two lines, given the heights of their points: at each category the
    upper point's label above it and the lower point's below, so they never meet."""
    upper = [a >= b for a, b in zip(first, second, strict=True)]
    return (
        ["above" if up else "below" for up in upper],
        ["below" if up else "above" for up in upper],
    )
