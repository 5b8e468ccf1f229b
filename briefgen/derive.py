"""Recompute derived figures, with the tolerance their inputs' precision allows.

Each input is known only to the places it was written with: 280.15 stands for
anything in [280.145, 280.155]. A derived figure is consistent when its own
rounding interval overlaps the range the formula gives over those intervals.
Every supported formula is monotonic in each input, so the range is found at the
corners of the input box.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext
from itertools import product

from briefgen.models import Derivation, Figure, Kind

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Recomputed:
    value: Decimal  # the formula on the inputs as written
    low: Decimal  # the least the formula gives within the inputs' precision
    high: Decimal
    consistent: bool  # the stated value's rounding interval overlaps [low, high]


def half_unit(value: Decimal) -> Decimal:
    """Half of the last written place: 280.15 -> 0.005, 53 -> 0.5."""
    exponent = int(value.as_tuple().exponent)
    return Decimal(5).scaleb(exponent - 1)


def _absolute(figure: Figure, value: Decimal) -> Decimal:
    return value * figure.scale.factor


def _formula(derivation: Derivation) -> Callable[[Sequence[Decimal]], Decimal]:
    op = derivation.op
    if op == "growth":
        return lambda v: (v[0] / v[1] - 1) * _HUNDRED
    if op == "difference":
        return lambda v: v[0] - v[1]
    if op == "sum":
        return lambda v: sum(v, Decimal(0))
    if op == "ratio":
        return lambda v: v[0] / v[1]
    if op == "share":
        return lambda v: v[0] / v[1] * _HUNDRED
    if op == "average":
        count = Decimal(derivation.count or 1)
        return lambda v: v[0] / count
    return lambda v: v[0] / v[1]  # convert: amount / rate


def _scaled_inputs(
    derivation: Derivation, inputs: Sequence[Figure]
) -> list[tuple[Decimal, Decimal]]:
    """(value, half-unit) per input, in absolute units where scale matters."""
    scaled = []
    for i, figure in enumerate(inputs):
        is_rate = derivation.op == "convert" and i == 1
        is_unitless = figure.kind in (
            Kind.PERCENT,
            Kind.PERCENTAGE_POINTS,
            Kind.RATIO,
            Kind.MULTIPLE,
        )
        if is_rate or is_unitless:
            scaled.append((figure.value, half_unit(figure.value)))
        else:
            scaled.append(
                (_absolute(figure, figure.value), _absolute(figure, half_unit(figure.value)))
            )
    return scaled


def _result_scale(derivation: Derivation, target: Figure) -> Decimal:
    scale_free = derivation.op in ("growth", "ratio", "share") or target.kind in (
        Kind.PERCENT,
        Kind.PERCENTAGE_POINTS,
        Kind.RATIO,
        Kind.MULTIPLE,
    )
    return Decimal(1) if scale_free else target.scale.factor


def recompute(target: Figure, inputs: Sequence[Figure]) -> Recomputed | None:
    """Recompute ``target`` from its inputs; None when the formula is undefined (a zero divisor)."""
    assert target.derived is not None
    formula = _formula(target.derived)
    scaled = _scaled_inputs(target.derived, inputs)
    divisor = _result_scale(target.derived, target)
    with localcontext() as ctx:
        ctx.prec = 34
        try:
            central = formula([v for v, _ in scaled]) / divisor
            if target.derived.op == "sum":  # monotonic increasing in every input
                corners = [
                    sum((v - h for v, h in scaled), Decimal(0)) / divisor,
                    sum((v + h for v, h in scaled), Decimal(0)) / divisor,
                ]
            else:
                corners = [
                    formula([v + sign * h for (v, h), sign in zip(scaled, signs, strict=True)])
                    / divisor
                    for signs in product((-1, 1), repeat=len(scaled))
                ]
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            return None
    low, high = min(corners), max(corners)
    margin = half_unit(target.value)
    consistent = target.value + margin >= low and target.value - margin <= high
    return Recomputed(central, low, high, consistent)
