"""Sources that disagree: figures of one metric, entity and period, compared.

Two figures describe the same thing when their metric, entity, basis, period,
kind and currency agree. Written to different precisions (Rmb280bn against
280.15 billion yuan), they are compared at the coarser one. A pair that still
differs is a conflict, and fails the check unless a resolution in the pack
names both and says which reading stands.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations

from briefgen.models import Bound, Figure, Resolution

Identity = tuple[str, str, str, object, str, str | None]


@dataclass(frozen=True)
class Disagreement:
    first: Figure
    second: Figure
    resolution: Resolution | None  # the record that settles it, if any


def identity(figure: Figure) -> Identity:
    currency = figure.currency.value if figure.currency else None
    return (
        figure.metric,
        figure.entity,
        figure.basis.value,
        figure.period,
        figure.kind.value,
        currency,
    )


_LOWER = (Bound.OVER, Bound.AT_LEAST)
_UPPER = (Bound.UNDER, Bound.UP_TO)


def agree(a: Figure, b: Figure) -> bool:
    """Equal once the finer value is rounded to the coarser one's last place.

    A bound ("over 30 billion") agrees with any value on its side of the bound.
    """
    if a.bound in (*_LOWER, *_UPPER) or b.bound in (*_LOWER, *_UPPER):
        return _within_bounds(a, b) and _within_bounds(b, a)
    exact_a, exact_b = a.value * a.scale.factor, b.value * b.scale.factor
    quantum = max(_last_place(a), _last_place(b))
    rounded_a = (exact_a / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum
    rounded_b = (exact_b / quantum).quantize(Decimal(1), rounding=ROUND_HALF_UP) * quantum
    return rounded_a == rounded_b


def _within_bounds(bound: Figure, other: Figure) -> bool:
    """Whether ``other`` can hold given ``bound``'s statement (exact figures bound nothing)."""
    limit, value = bound.value * bound.scale.factor, other.value * other.scale.factor
    if bound.bound in _LOWER:
        return other.bound in _LOWER or value >= limit
    if bound.bound in _UPPER:
        return other.bound in _UPPER or value <= limit
    return True


def _last_place(figure: Figure) -> Decimal:
    """The size of the figure's last written place, in absolute units: 280.15bn -> 10 million."""
    return Decimal(1).scaleb(-figure.decimals) * figure.scale.factor


def _sources(figure: Figure) -> set[str]:
    return {c.source for c in figure.citations}


def find_disagreements(figures: list[Figure], resolutions: list[Resolution]) -> list[Disagreement]:
    """Every pair of figures from different sources that describe one thing and differ."""
    groups: dict[Identity, list[Figure]] = defaultdict(list)
    for figure in figures:
        if figure.citations:
            groups[identity(figure)].append(figure)
    found = []
    for members in groups.values():
        for a, b in combinations(members, 2):
            if _sources(a) & _sources(b) or agree(a, b):
                continue
            found.append(Disagreement(a, b, _settling(a, b, resolutions)))
    return found


def _settling(a: Figure, b: Figure, resolutions: list[Resolution]) -> Resolution | None:
    for resolution in resolutions:
        if a.id in resolution.figures and b.id in resolution.figures:
            return resolution
    return None


def idle_resolutions(figures: list[Figure], resolutions: list[Resolution]) -> list[Resolution]:
    """Resolutions whose figures do not in fact disagree: stale records worth a warning."""
    by_id = {f.id: f for f in figures}
    idle = []
    for resolution in resolutions:
        members = [by_id[i] for i in resolution.figures if i in by_id]
        if members and all(agree(a, b) for a, b in combinations(members, 2)):
            idle.append(resolution)
    return idle
