"""Where a chart draws things: axis scales and data label positions, as plain numbers.

Two value axes share their zero line: both get the same number of steps with the
same number of them below zero, so a negative rate on the line is drawn below the
bars' baseline rather than on a bar. Each end of an axis keeps as much room beyond
the data as a data label there needs, and no more. Heights are fractions of the
plot's height from its bottom; across the plot, positions are in category widths
(category ``i``'s bar and point at ``i + 0.5``), so that a line's segments can be
kept off the bars' labels as well as its points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

BarLabel = Literal["inside", "outside", "base"]  # within or beyond the bar's end, or at its foot
PointLabel = Literal["above", "below"]
Band = tuple[float, float]
Margins = tuple[float, float]  # room kept below and above the data, as plot fractions

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


def aligned_scales(
    ranges: Sequence[tuple[float, float]], margins: Sequence[Margins] | None = None
) -> list[AxisScale] | None:
    """Scales for axes whose data spans ``ranges`` (low, high), with zero at one height.

    Every axis gets the same number of steps, as many of them below zero, and a
    1-2-2.5-5 step; of those choices, the one whose data fill the most of the plot,
    all axes together (the product of their shares: a line squeezed flat to give
    bars more height is no gain). Beyond its data, an axis keeps ``margins`` of the
    plot free below and above (a tenth of it at each end when not given), for the
    labels there. None when every value is zero.
    """
    kept = list(margins) if margins is not None else [(_HEADROOM, _HEADROOM)] * len(ranges)
    best: tuple[float, list[AxisScale]] | None = None
    for steps in _STEPS:
        for below in range(steps + 1):
            scales = [
                _fit(low, high, steps, below, margin)
                for (low, high), margin in zip(ranges, kept, strict=True)
            ]
            fitted = [s for s in scales if s is not None]
            if len(fitted) < len(scales):
                continue
            filled = math.prod(
                (max(high, 0) - min(low, 0)) / (s.high - s.low)
                for (low, high), s in zip(ranges, fitted, strict=True)
            )
            if best is None or filled > best[0] + 1e-9:
                best = (filled, fitted)
    return best[1] if best else None


def _fit(low: float, high: float, steps: int, below: int, margins: Margins) -> AxisScale | None:
    """The scale of ``steps`` steps, ``below`` of them under zero, that holds low..high
    and leaves ``margins`` of the plot free beyond it."""
    room_below = below - margins[0] * steps if low < 0 else float(below)
    room_above = steps - below - margins[1] * steps if high > 0 else float(steps - below)
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
        """Where a bar's label is drawn: just inside or just beyond the bar's end, or
        just inside its foot."""
        outward = 1 if end >= zero else -1
        if position == "inside":
            outward = -outward
        start = zero if position == "base" else end
        near = start + outward * self.gap
        far = near + outward * self.label
        return (min(near, far), max(near, far))

    def fits_inside(self, end: float, zero: float) -> bool:
        return abs(end - zero) >= self.label + 2 * self.gap


@dataclass(frozen=True)
class Widths:
    """How wide each bar's label and each point's label is, in category widths."""

    bars: Sequence[float]
    points: Sequence[float]


# How bad each kind of clash is: a label cut off by the plot's edge is worst, then two
# labels on one another, a marker on a bar's label, a segment of the line through a
# bar's label, and last a segment through the line's own label (which is backed).
_CLIPPED, _LABELS, _MARKER, _SEGMENT_BAR, _SEGMENT_POINT = 16, 8, 8, 4, 1


def settle(
    bars: Sequence[float],
    line: Sequence[float],
    scales: Sequence[AxisScale],
    sizes: Sizes,
    widths: Widths | None = None,
) -> tuple[list[BarLabel], list[PointLabel]]:
    """Labels for one bar series and one line over the same categories, kept apart.

    Bar labels go inside the bars' ends when every bar has room, else beyond them;
    a line's label above its point, or below when the value is negative. Where
    that puts a line label, marker or segment on a bar label, or a segment through
    the line's label, the labels try the other places: the line label the other
    side, the bar label the other end of its bar or inside its foot. The place with
    the least clash wins, the usual one among equals. Without ``widths`` labels are
    as narrow as a point, so only what passes their middle counts.
    """
    bar_scale, line_scale = scales
    zero = bar_scale.height(0)
    scene = _Scene(
        tuple(bar_scale.height(v) for v in bars),
        tuple(line_scale.height(v) for v in line),
        zero,
        sizes,
        widths or Widths([0.0] * len(bars), [0.0] * len(line)),
    )
    roomy = [sizes.fits_inside(end, zero) for end in scene.ends]
    usual: BarLabel = "inside" if all(roomy) else "outside"
    other: BarLabel = "outside" if usual == "inside" else "inside"
    bar_at: list[BarLabel] = []
    line_at: list[PointLabel] = []
    for i, (fits, value) in enumerate(zip(roomy, line, strict=True)):
        sides: tuple[PointLabel, PointLabel] = (
            ("above", "below") if value >= 0 else ("below", "above")
        )
        places: tuple[BarLabel, ...] = (usual, other, "base")
        options = [(b, s) for b in places for s in sides if b == "outside" or fits]
        bar, side = min(options, key=lambda o: scene.clash(i, *o))  # first of the least
        bar_at.append(bar)
        line_at.append(side)
    return bar_at, line_at


@dataclass(frozen=True)
class _Scene:
    """Bar ends and line points as plot heights, with the sizes of what labels them."""

    ends: tuple[float, ...]
    points: tuple[float, ...]
    zero: float
    sizes: Sizes
    widths: Widths

    def clash(self, i: int, bar: BarLabel, side: PointLabel) -> int:
        """How badly category ``i``'s labels meet, placed so, weighted by kind."""
        band = self.sizes.bar_band(self.ends[i], self.zero, bar)
        label = self.sizes.point_band(self.points[i], side)
        score = _clashes(band, self.points[i], label, self.sizes)
        x = i + 0.5
        half_bar, half_point = self.widths.bars[i] / 2, self.widths.points[i] / 2
        for segment in _segments(self.points, i):
            score += _SEGMENT_BAR * _crosses(segment, (x - half_bar, x + half_bar), band)
            score += _SEGMENT_POINT * _crosses(segment, (x - half_point, x + half_point), label)
        return score


def _clashes(bar: Band, point: float, label: Band, sizes: Sizes) -> int:
    """How badly a line label ``label`` of ``point`` and its marker meet a bar's label,
    or the label the plot's edge."""
    marker = (point - sizes.marker / 2, point + sizes.marker / 2)
    clipped = label[0] < 0 or label[1] > 1
    return _CLIPPED * clipped + _LABELS * _overlap(bar, label) + _MARKER * _overlap(bar, marker)


Segment = tuple[tuple[float, float], tuple[float, float]]


def _segments(points: Sequence[float], i: int) -> list[Segment]:
    """The line's segments to point ``i`` from its neighbours, as (x, height) pairs."""
    found = []
    for j in (i - 1, i + 1):
        if 0 <= j < len(points):
            a, b = sorted((i, j))
            found.append(((a + 0.5, points[a]), (b + 0.5, points[b])))
    return found


def _crosses(segment: Segment, across: Band, band: Band) -> bool:
    """Whether ``segment`` passes through the box ``across`` x ``band``."""
    (xa, ya), (xb, yb) = segment
    lo, hi = max(xa, across[0]), min(xb, across[1])
    if lo > hi:
        return False
    at_lo = ya + (yb - ya) * (lo - xa) / (xb - xa)
    at_hi = ya + (yb - ya) * (hi - xa) / (xb - xa)
    return _overlap(band, (min(at_lo, at_hi), max(at_lo, at_hi)))


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
