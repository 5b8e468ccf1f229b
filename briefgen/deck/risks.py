"""Risks: the table (full, or compact and ranked) and the severity-by-likelihood matrix.

The matrix is a native table, so it stays editable: likelihood across, severity up,
each cell shaded by exposure (severity times likelihood) in the theme's colours, and
each risk named in its cell with the marker of its sources.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pptx.enum.dml import MSO_THEME_COLOR

from briefgen.deck.content import Para, Span, Tone, spans_of, text_para
from briefgen.deck.frame import Deck, SlideWriter
from briefgen.deck.geometry import EMU_PER_INCH, Box, inches
from briefgen.deck.slides import too_big
from briefgen.deck.tables import (
    Cell,
    Column,
    Fill,
    Row,
    add_table,
    cell_height,
    name,
    set_heights,
    set_widths,
    table_slides,
)
from briefgen.models import Level
from briefgen.resolve import RiskView
from briefgen.templates import SlideSpec

_LEVEL = {Level.LOW: "Low", Level.MEDIUM: "Medium", Level.HIGH: "High"}
_RANK = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}
_DOWN = (Level.HIGH, Level.MEDIUM, Level.LOW)  # severity, top row first
_ACROSS = (Level.LOW, Level.MEDIUM, Level.HIGH)  # likelihood, left column first
_LABEL_WIDTH = 1.7  # inches: the severity labels' column
_MAX_HEIGHT = 4.8  # inches: taller than this and the matrix looks stretched
_PLAIN: Fill = (MSO_THEME_COLOR.BACKGROUND_1, 0.0)


def ranked(risks: Sequence[RiskView]) -> list[RiskView]:
    """Most exposed first: by severity, then likelihood; pack order among equals."""
    return sorted(risks, key=lambda v: (-_RANK[v.risk.severity], -_RANK[v.risk.likelihood]))


def _level(level: Level, size: float) -> Para:
    return text_para(_LEVEL[level], size, bold=level is Level.HIGH)


def _title(view: RiskView, size: float, tone: Tone = "normal", bold: bool = True) -> Para:
    span = Span(view.risk.title, sources=tuple(view.risk.sources))
    return Para((span,), size, bold=bold, tone=tone)


def risk_rows(deck: Deck, size: float) -> list[Row]:
    return [
        (
            (_title(view, size),),
            (Para(spans_of(view.detail), size),),
            (_level(view.risk.severity, size),),
            (_level(view.risk.likelihood, size),),
        )
        for view in deck.resolved.risks
    ]


def compact_rows(deck: Deck, size: float) -> list[Row]:
    return [
        (
            (_title(view, size),),
            (_level(view.risk.severity, size),),
            (_level(view.risk.likelihood, size),),
        )
        for view in ranked(deck.resolved.risks)
    ]


def risks_slides(deck: Deck, spec: SlideSpec) -> None:
    if not deck.resolved.risks:
        return
    title = spec.title or "Key risks"
    if spec.style == "compact":
        columns = [
            Column("Risk", 0.6, max_width=7.0),
            Column("Severity", 0.2, max_width=2.0),
            Column("Likelihood", 0.2, max_width=2.0),
        ]
        table_slides(deck, spec, title, columns, lambda s: compact_rows(deck, s))
        return
    columns = [
        Column("Risk", 0.26),
        Column("Detail", 0.5),
        Column("Severity", 0.12),
        Column("Likelihood", 0.12),
    ]
    table_slides(deck, spec, title, columns, lambda s: risk_rows(deck, s))


# --- the matrix ---------------------------------------------------------------------------


def _exposure_fill(severity: Level, likelihood: Level) -> tuple[Fill, Tone]:
    """High exposure in the first accent, medium in a tint of the second, low in the
    theme's light background: a heat scale in any template's own colours."""
    score = _RANK[severity] * _RANK[likelihood]
    if score >= 6:
        return (MSO_THEME_COLOR.ACCENT_1, 0.0), "inverse"
    if score >= 3:
        return (MSO_THEME_COLOR.ACCENT_2, 0.45), "normal"
    return (MSO_THEME_COLOR.BACKGROUND_2, 0.0), "normal"


def _grid(deck: Deck) -> dict[tuple[Level, Level], list[RiskView]]:
    grid: dict[tuple[Level, Level], list[RiskView]] = {(s, lk): [] for s in _DOWN for lk in _ACROSS}
    for view in deck.resolved.risks:
        grid[(view.risk.severity, view.risk.likelihood)].append(view)
    return grid


def _cell_paras(views: Sequence[RiskView], size: float, tone: Tone) -> tuple[Para, ...]:
    if not views:
        return (text_para("", size),)
    return tuple(
        replace(_title(view, size, tone, bold=False), space_before=size * 0.4 if i else 0.0)
        for i, view in enumerate(views)
    )


def _corner(size: float) -> Para:
    return text_para("Severity / likelihood", size, tone="muted")


def _likelihood(likelihood: Level, size: float) -> Para:
    return text_para(f"{_LEVEL[likelihood]} likelihood", size, bold=True, align="ctr")


def _row_heights(deck: Deck, size: float, widths: list[float]) -> list[float]:
    """Inches each row needs at ``size``: the header, then a row per severity."""
    grid = _grid(deck)
    labels = zip(_ACROSS, widths[1:], strict=True)
    header = max(
        cell_height((_corner(size),), widths[0], deck),
        *(cell_height((_likelihood(lk, size),), w, deck) for lk, w in labels),
    )
    heights = [header]
    for severity in _DOWN:
        needed = [cell_height((_level(severity, size),), widths[0], deck)]
        for likelihood, width in zip(_ACROSS, widths[1:], strict=True):
            _, tone = _exposure_fill(severity, likelihood)
            needed.append(
                cell_height(_cell_paras(grid[(severity, likelihood)], size, tone), width, deck)
            )
        heights.append(max(needed))
    return heights


def risk_matrix_slide(deck: Deck, spec: SlideSpec) -> None:
    """One slide: every risk placed by severity and likelihood."""
    if not deck.resolved.risks:
        return
    geometry = deck.geometry(spec)
    ordered = [v for s in _DOWN for lk in _ACROSS for v in _grid(deck)[(s, lk)]]
    sources = list(dict.fromkeys(s for v in ordered for s in v.risk.sources))
    room = min(geometry.room(geometry.region("table"), sources), _MAX_HEIGHT)
    box = geometry.region("table")
    rest = (box.width - _LABEL_WIDTH) / 3
    widths = [_LABEL_WIDTH, rest, rest, rest]
    for size in sorted(set(deck.manifest.typography.table), reverse=True):
        heights = _row_heights(deck, size, widths)
        if sum(heights) <= room:
            break
    else:
        raise too_big("the risk matrix", spec)
    even = (room - heights[0]) / 3
    spare = room - sum(heights)
    rows = [
        heights[0],
        *(max(h, even) if max(heights[1:]) <= even else h + spare / 3 for h in heights[1:]),
    ]
    writer = SlideWriter(deck, spec, spec.title or "Risk matrix")
    region = writer.region("table")
    _draw_matrix(
        writer, Box(region.x, region.y, inches(sum(widths)), inches(sum(rows))), widths, rows, size
    )
    writer.finish()


def _draw_matrix(
    writer: SlideWriter, box: Box, widths: list[float], heights: list[float], size: float
) -> None:
    header: list[Cell] = [((_corner(size),), _PLAIN)]
    header += [((_likelihood(likelihood, size),), _PLAIN) for likelihood in _ACROSS]
    rows = [header]
    grid = _grid(writer.deck)
    for severity in _DOWN:
        label = text_para(f"{_LEVEL[severity]} severity", size, bold=True)
        row: list[Cell] = [((label,), _PLAIN)]
        for likelihood in _ACROSS:
            fill, tone = _exposure_fill(severity, likelihood)
            row.append((_cell_paras(grid[(severity, likelihood)], size, tone), fill))
        rows.append(row)
    shape = add_table(writer, box, rows)
    name(shape, "Risk matrix")
    table = shape.table
    table.first_row = False
    table.horz_banding = False
    set_widths(shape, [inches(width) for width in widths])
    set_heights(shape, [int(height * EMU_PER_INCH) for height in heights])
