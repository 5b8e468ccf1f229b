"""Native tables: financial highlights, risks, sources and the figure register.

Rows are measured before any slide is made and split onto continuation slides
(``Key risks (2/2)``) with the header repeated, rather than overflowing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import MSO_ANCHOR
from pptx.oxml.ns import qn
from pptx.oxml.table import CT_TableCell
from pptx.table import _Cell
from pptx.util import Emu, Inches

from briefgen import display
from briefgen.deck.cite import formula_words, when
from briefgen.deck.content import Align, Para, Span, Tone, blocks, sources_in, spans_of, text_para
from briefgen.deck.fit import Pager, Piece, best_size, blocks_height
from briefgen.deck.frame import Deck, SlideWriter
from briefgen.deck.geometry import Box, inches
from briefgen.deck.slides import continued, too_big
from briefgen.deck.text import append_paras, copy_element, write_paras
from briefgen.templates import SlideSpec

MARGIN_X = 0.08  # cell insets, inches
MARGIN_Y = 0.05
_DASH = "\u2014"


@dataclass(frozen=True)
class Column:
    header: str
    weight: float
    align: Align = "l"
    max_width: float | None = None  # inches; the first column takes what others leave
    subheader: str | None = None


Row = tuple[tuple[Para, ...], ...]  # a row: per cell, its paragraphs


def column_widths(columns: Sequence[Column], available: float) -> list[float]:
    """Widths by weight across the whole of ``available``: a column after the first is no
    wider than its ``max_width``, and what that leaves over goes to the first column."""
    total = sum(c.weight for c in columns)
    widths = [available * c.weight / total for c in columns]
    for i, column in enumerate(columns[1:], start=1):
        if column.max_width is not None:
            widths[i] = min(widths[i], column.max_width)
    widths[0] = available - sum(widths[1:])
    return widths


def cell_height(paras: Sequence[Para], width: float, deck: Deck) -> float:
    height = blocks_height(blocks(paras, deck.resolved, deck.fonts), width - 2 * MARGIN_X)
    return height + 2 * MARGIN_Y


def _header(column: Column, size: float) -> tuple[Para, ...]:
    head = Para((Span(column.header),), size, bold=True, tone="inverse", align=column.align)
    if column.subheader is None:
        return (head,)
    return head, text_para(
        column.subheader, max(12.0, size - 2), tone="inverse", align=column.align
    )


def row_heights(
    deck: Deck, columns: Sequence[Column], widths: list[float], rows: Sequence[Row], size: float
) -> list[float]:
    """Inches each row needs, the header's first: its tallest cell."""
    header = max(
        cell_height(_header(c, size), w, deck) for c, w in zip(columns, widths, strict=True)
    )
    body = [
        max(cell_height(cell, w, deck) for cell, w in zip(row, widths, strict=True)) for row in rows
    ]
    return [header, *body]


def _row_sources(rows: Sequence[Row], deck: Deck) -> list[str]:
    return sources_in((p for row in rows for cell in row for p in cell), deck.resolved)


def table_slides(
    deck: Deck,
    spec: SlideSpec,
    title: str,
    columns: Sequence[Column],
    make_rows: Callable[[float], list[Row]],
) -> None:
    """One table, split over as many slides as it needs, header repeated."""
    geometry = deck.geometry(spec)
    box = geometry.region("table")
    widths = column_widths(columns, box.width)
    pagers: dict[float, Pager] = {}

    def pages_at(size: float) -> list[list[Piece[Row]]]:
        rows = make_rows(size)
        header, *heights = row_heights(deck, columns, widths, rows, size)
        pieces = [
            Piece(row, height, notes=tuple(_row_sources([row], deck)))
            for row, height in zip(rows, heights, strict=True)
        ]
        pagers[size] = geometry.pager(box, fixed=header)
        return pagers[size].paginate(pieces)

    size, pages = best_size(deck.manifest.typography.table, pages_at)
    for index, page in enumerate(pages):
        needed, room = pagers[size].measure(page, index)
        if needed > room:
            first = "".join(span.text for para in page[0].item[0] for span in para.spans)
            raise too_big(f"the row '{first[:60]}' of '{title}'", spec)
    for index, page in enumerate(pages):
        writer = SlideWriter(deck, spec, continued(title, index, len(pages)))
        region = writer.region("table")
        heights = [pagers[size].fixed, *(piece.height for piece in page)]
        rows = [piece.item for piece in page]
        draw_table(writer, region, columns, widths, rows, size, heights)
        writer.finish()


def draw_table(
    writer: SlideWriter,
    box: Box,
    columns: Sequence[Column],
    widths: list[float],
    rows: Sequence[Row],
    size: float,
    heights: Sequence[float],
) -> None:
    """The table at ``box``'s corner, each row as tall as measured (the header's first),
    so that its frame holds what LibreOffice and PowerPoint draw."""
    total = sum(inches(h) for h in heights)
    cells = [[(_header(column, size), HEADER_FILL) for column in columns]]
    for r, row in enumerate(rows, start=1):
        cells.append([(paras, _BAND if r % 2 == 0 else _PLAIN) for paras in row])
    shape = add_table(writer, Box(box.x, box.y, inches(sum(widths)), total), cells)
    name(shape, "Table")
    set_widths(shape, [inches(w) for w in widths])
    set_heights(shape, [inches(h) for h in heights])


Fill = tuple[Any, float]  # a theme colour and its brightness
Cell = tuple[Sequence[Para], Fill]  # a table cell's paragraphs and fill
HEADER_FILL: Fill = (MSO_THEME_COLOR.ACCENT_1, 0.0)
_PLAIN: Fill = (MSO_THEME_COLOR.BACKGROUND_1, 0.0)
_BAND: Fill = (MSO_THEME_COLOR.BACKGROUND_1, -0.05)
_TR, _TC, _TX_BODY, _TC_PR = (qn(t) for t in ("a:tr", "a:tc", "a:txBody", "a:tcPr"))
_GRID, _P = qn("a:tblGrid"), qn("a:p")
_NEW_CELL = [("txBody", ["bodyPr", "lstStyle", "p"]), ("tcPr", [])]  # a new cell's elements
_CELL: Any = _Cell  # a cell proxy without its table


def add_table(writer: SlideWriter, box: Box, rows: Sequence[Sequence[Cell]]) -> Any:
    """A table shape at ``box`` holding these cells, its columns' widths and rows' heights
    still to be set (``set_widths``, ``set_heights``).

    python-pptx makes the table with one row of new cells. Each row is a copy of that
    row, and each cell a copy of a new cell styled once per fill (by python-pptx), with
    its paragraphs: the XML python-pptx writes cell by cell."""
    shape = writer.slide.shapes.add_table(
        1, len(rows[0]), Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h)
    )
    tbl = _tbl(shape)
    made = tbl.find(_TR)
    tbl.remove(made)
    cells = made.findall(_TC)
    for tc in cells:
        made.remove(tc)
    new = all(_is_new(tc) for tc in cells)
    for row in rows:
        tr = copy_element(made)
        for c, (paras, fill) in enumerate(row):
            if new:
                tc = copy_element(_styled_cell(fill))
                append_paras(tc[0], paras, writer.fonts, writer.cites)
            else:  # not a cell as python-pptx makes them today: python-pptx's own way
                tc = copy_element(cells[c])
                _fill_cell(writer, _CELL(tc, None), paras, fill)
            tr.append(tc)
        tbl.append(tr)
    return shape


def _is_new(tc: Any) -> bool:
    """Whether a cell is as python-pptx makes a new one: an empty text body and no
    properties."""
    children = list(tc)
    if tc.attrib or len(children) != len(_NEW_CELL):
        return False
    for child, (tag, inner) in zip(children, _NEW_CELL, strict=True):
        grandchildren = list(child)
        if child.tag != qn(f"a:{tag}") or child.attrib or len(grandchildren) != len(inner):
            return False
        for element, name in zip(grandchildren, inner, strict=True):
            if element.tag != qn(f"a:{name}") or element.attrib or len(element):
                return False
    return True


@lru_cache(maxsize=64)
def _styled_cell(fill: Fill) -> Any:
    """A new cell with no paragraph, its text wrapped, its insets set and filled: made
    once per fill by python-pptx, as ``_fill_cell`` does; cells are copies of it."""
    tc = CT_TableCell.new()
    cell = _CELL(tc, None)
    cell.text_frame.word_wrap = True
    _style_cell(cell, fill)
    body = tc.find(_TX_BODY)
    body.remove(body.find(_P))
    return tc


def name(shape: Any, text: str) -> None:
    """Name a graphic frame (as ``shape.name = text`` does, without python-pptx's lookups)."""
    shape._element[0][0].set("name", text)  # p:nvGraphicFramePr/p:cNvPr


def _tbl(shape: Any) -> Any:
    return shape._element.graphic.graphicData.tbl


def set_widths(shape: Any, widths: Sequence[int]) -> None:
    """Column widths in EMU; the frame as wide as they are together."""
    for column, width in zip(_tbl(shape).find(_GRID), widths, strict=True):
        column.set("w", str(width))
    shape.width = Emu(sum(widths))


def set_heights(shape: Any, heights: Sequence[int]) -> None:
    """Row heights in EMU; the frame as tall as they are together."""
    for row, height in zip(_tbl(shape).iterchildren(_TR), heights, strict=True):
        row.set("h", str(height))
    shape.height = Emu(sum(heights))


def _fill_cell(writer: SlideWriter, cell: Any, paras: Sequence[Para], fill: Fill) -> None:
    """Write a cell's paragraphs, set its insets and fill it with a theme colour."""
    frame = cell.text_frame
    frame.word_wrap = True
    write_paras(frame, paras, writer.fonts, writer.cites)
    _style_cell(cell, fill)


def _style_cell(cell: Any, fill: Fill) -> None:
    cell.margin_left = cell.margin_right = Inches(MARGIN_X)
    cell.margin_top = cell.margin_bottom = Inches(MARGIN_Y)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    cell.fill.solid()
    color, brightness = fill
    cell.fill.fore_color.theme_color = color
    if brightness:
        cell.fill.fore_color.brightness = brightness


# --- the tables ---------------------------------------------------------------------


def _growth(deck: Deck, figure_id: str) -> str:
    view = deck.resolved.figures[figure_id]
    sign = "+" if view.figure.value > 0 else ""
    return f"{sign}{view.display}"


def highlight_rows(deck: Deck, size: float) -> list[Row]:
    """Per period a value column and a year-on-year column; a dash where a figure is missing."""
    table = deck.resolved.table
    assert table is not None
    rows: list[Row] = []
    for row in table.rows:
        cells: list[tuple[Para, ...]] = [(text_para(row.label, size, bold=True),)]
        for cell in row.cells:
            cells.append((_figure_cell(deck, cell.level, size, growth=False),))
            cells.append((_figure_cell(deck, cell.growth, size, growth=True),))
        rows.append(tuple(cells))
    return rows


def _figure_cell(deck: Deck, figure_id: str | None, size: float, growth: bool) -> Para:
    if figure_id is None:
        return text_para(_DASH, size, tone="muted", align="r")
    text = _growth(deck, figure_id) if growth else deck.resolved.figures[figure_id].display
    tone: Tone = "muted" if growth else "normal"
    return Para((Span(text, figure=figure_id),), size, tone=tone, align="r")


def highlights_slides(deck: Deck, spec: SlideSpec) -> None:
    table = deck.resolved.table
    if table is None or deck.resolved.pack.highlights is None:
        return
    periods = deck.resolved.pack.highlights.periods
    columns = [Column("", 3.0)]
    for label, period in zip(table.columns, periods, strict=True):
        calendar = display.calendar_label(period)
        columns.append(Column(label, 2.0, "r", max_width=2.2, subheader=calendar))
        columns.append(Column("y/y", 1.1, "r", max_width=1.2, subheader=""))
    title = spec.title or table.title
    table_slides(deck, spec, title, columns, lambda s: highlight_rows(deck, s))


def source_rows(deck: Deck, size: float) -> list[Row]:
    rows: list[Row] = []
    for source in deck.resolved.cited_sources():
        published = display.day(source.published) if source.published else _DASH
        rows.append(
            (
                (text_para(source.title, size),),
                (text_para(source.publisher or source.author or _DASH, size),),
                (text_para(published, size),),
                (text_para(source.file, size, tone="muted"),),
            )
        )
    return rows


def sources_slides(deck: Deck, spec: SlideSpec) -> None:
    if not deck.resolved.cited_sources():
        return
    columns = [
        Column("Source", 0.42),
        Column("Publisher", 0.2),
        Column("Published", 0.13),
        Column("File", 0.25),
    ]
    table_slides(deck, spec, spec.title or "Sources", columns, lambda s: source_rows(deck, s))


def appendix_rows(deck: Deck, size: float) -> list[Row]:
    rows: list[Row] = []
    for figure_id, view in deck.resolved.figures.items():
        if view.set_aside_by is not None:
            continue
        derived = view.figure.derived
        how = (
            f"Derived: {formula_words(deck.resolved, derived, values=False)}"
            if derived
            else "Reported"
        )
        rows.append(
            (
                (text_para(view.figure.label, size),),
                (Para((Span(view.display, figure=figure_id),), size),),
                (text_para(when(view), size),),
                (text_para(how, size, tone="muted"),),
            )
        )
    return rows


def appendix_slides(deck: Deck, spec: SlideSpec) -> None:
    columns = [
        Column("Figure", 0.24),
        Column("Value", 0.16),
        Column("Period", 0.22),
        Column("How it was obtained", 0.38),
    ]
    title = spec.title or "Figure register"
    table_slides(deck, spec, title, columns, lambda s: appendix_rows(deck, s))


def conflict_rows(deck: Deck, size: float) -> list[Row]:
    """One row per resolution: every reading with its source, then which stands and why."""
    rows: list[Row] = []
    for view in deck.resolved.resolutions:
        resolution = view.resolution
        readings = []
        for figure_id in resolution.figures:
            figure = deck.resolved.figures[figure_id]
            verdict = "stands" if figure_id == resolution.stands else "set aside"
            spans = (Span(figure.display, figure=figure_id), Span(f" ({verdict})"))
            readings.append(Para(spans, size, bold=figure_id == resolution.stands))
        label = deck.resolved.figures[resolution.stands]
        rows.append(
            (
                (text_para(f"{label.figure.label}, {label.period}", size, bold=True),),
                tuple(readings),
                (Para(spans_of(view.reason), size),),
            )
        )
    return rows


def conflict_slides(deck: Deck, spec: SlideSpec) -> None:
    if not deck.resolved.resolutions:
        return
    columns = [
        Column("Figure", 0.24),
        Column("Readings", 0.22),
        Column("Which stands, and why", 0.54),
    ]
    title = spec.title or "Where the sources disagree"
    table_slides(deck, spec, title, columns, lambda s: conflict_rows(deck, s))
