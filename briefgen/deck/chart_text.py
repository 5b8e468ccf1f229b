"""What a chart writes: its units (number formats, axis titles), how wide its data
labels are, and its category names, level or slanted.

Units are taken from the figures, never typed: a series' kind, currency and scale
give its labels' number format ("71.077bn", "-12%") and its axis's title ("RMB bn",
"% year on year"). Category names wrap at spaces under their bars; when a word is
wider than a category, a renderer would break it mid-word ("marketplac/e"), so the
names are slanted instead, the longer ones on two lines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from briefgen import display
from briefgen.deck.fit import text_width
from briefgen.deck.frame import Deck
from briefgen.errors import Problem, RenderError
from briefgen.models import Basis, Chart, ChartSeries, Figure, Kind
from briefgen.yamlsrc import dotted

TEXT_PT = 12  # every chart text: the body floor
LINE_PT = TEXT_PT * 1.2
# Ticks show a symbol unit on every number; an amount's unit is in the axis title.
_TICK_SUFFIX = {Kind.PERCENT: '"%"', Kind.PERCENTAGE_POINTS: '"pp"', Kind.MULTIPLE: '"x"'}
_TITLE_WORDS = {Kind.MULTIPLE: "Times (x)", Kind.RATIO: "Ratio", Kind.COUNT: "Number"}
_BASIS_WORDS = {
    Basis.YOY: "year on year",
    Basis.QOQ: "quarter on quarter",
    Basis.YTD: "year to date",
}
_LABEL_INSET_PT = 6.0  # a data label's padding, across
_CATEGORY_INSET_PT = 4.0  # of a category's width, not given to its name
_LEVEL_NAMES_PT = 2 * LINE_PT  # what level category names take of a chart's height


def chart_error(deck: Deck, chart: Chart, message: str, *within: str | int) -> RenderError:
    """A chart the deck cannot draw, at its entry in the pack (``charts[0].series[1]``),
    which the build locates in the pack's files."""
    text = f"chart '{chart.id}': {message}"
    index = [c.id for c in deck.resolved.charts].index(chart.id)
    field = dotted(("charts", index, *within))
    return RenderError(text, [Problem("deck-chart", text, field=field)])


# --- units -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """How one series' values are written: in its data labels and on its axis's ticks."""

    key: tuple[object, ...]  # kind, currency and scale: series sharing an axis share these
    label_format: str  # an Excel number format: '#,##0.000"bn"', '#,##0"%"'
    tick_suffix: str  # '"%"', or none for an amount: its axis title names the unit

    def tick_format(self, step: float | None) -> str:
        """Ticks ``step`` apart to as many places as the step has; General when unknown."""
        if step is None:
            return "General" + self.tick_suffix
        exponent = Decimal(repr(step)).normalize().as_tuple().exponent
        return _digits(max(0, -int(exponent))) + self.tick_suffix


def series_unit(deck: Deck, chart: Chart, series: ChartSeries) -> Unit:
    """A series' unit, from its figures' kind, currency, scale and written places."""
    figures = [deck.resolved.figures[f].figure for f in series.figures]
    keys = {(f.kind, f.currency, f.scale) for f in figures}
    if len(keys) > 1:
        where = ("series", chart.series.index(series))
        raise chart_error(
            deck, chart, f"series '{series.name}' mixes units; one series, one unit", *where
        )
    places = {f.decimals for f in figures}
    # With mixed places one fixed format would pad 24 to 24.0 beside 72.5, claiming
    # precision the source does not give; General shows each value as it was written.
    digits = "General" if len(places) > 1 else _digits(places.pop())
    before, after = _affixes(figures[0])
    # "71.077bn": the currency is in the axis title and the label stays short.
    label = f'{digits}"{after}"' if after else f'"{before}"{digits}' if before else digits
    return Unit(tuple(keys.pop()), label, _TICK_SUFFIX.get(figures[0].kind, ""))


def _digits(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places else "")


def _affixes(figure: Figure) -> tuple[str, str]:
    """What the deck writes before and after a figure's digits: ("RMB ", "bn"), ("", "%")."""
    shown = display.bare_value(figure).removeprefix(display.MINUS)
    digits = display.number(abs(figure.value), figure.decimals)
    start = shown.index(digits)
    return shown[:start], shown[start + len(digits) :]


def axis_title(figures: Sequence[Figure]) -> str:
    """The unit of a value axis in words: "RMB bn", "US$ m", "% year on year", "Number"."""
    first = figures[0]
    unit = display.unit_label(first)
    words = _TITLE_WORDS.get(first.kind)
    if words is not None:
        unit = f"{words} ({unit})" if first.kind is Kind.COUNT and unit else words
    bases = {f.basis for f in figures}
    basis = _BASIS_WORDS.get(bases.pop()) if len(bases) == 1 else None
    return f"{unit} {basis}" if basis else unit


def label_width(figure: Figure, face: str) -> float:
    """Points a data label takes across: the value as its number format writes it."""
    before, after = _affixes(figure)
    digits = display.number(figure.value, figure.decimals)
    text = digits + after if after else before + digits
    return text_width(text, TEXT_PT, face=face) * 72 + _LABEL_INSET_PT


# --- category names --------------------------------------------------------------------------


def category_names(
    categories: Sequence[str], category_pt: float, face: str, level: bool
) -> tuple[tuple[str, ...], float]:
    """The names as drawn, and how much higher than level names they stand (0 when
    level). Level, wrapping at spaces, when every word fits ``category_pt`` or when
    ``level`` (a horizontal bar chart's names sit beside it); else slanted, each name
    wider than a category on two lines."""
    names = tuple(categories)

    def wide(text: str) -> float:
        return text_width(text, TEXT_PT, face=face) * 72

    room = category_pt - _CATEGORY_INSET_PT
    if level or all(wide(w) <= room for n in names for w in n.split()):
        return names, 0.0
    drawn = tuple(_two_lines(n) if wide(n) > room else n for n in names)
    across = max(
        max(wide(line) for line in n.split("\n")) + LINE_PT * (n.count("\n") + 1) for n in drawn
    )
    return drawn, max(across * math.sqrt(0.5) - _LEVEL_NAMES_PT, 1.0)


def _two_lines(name: str) -> str:
    """``name`` broken at the space that makes its two lines the most even."""
    words = name.split()
    if len(words) < 2:
        return name
    cut = min(
        range(1, len(words)),
        key=lambda k: abs(len(" ".join(words[:k])) - len(" ".join(words[k:]))),
    )
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
