"""Key figures as tiles of large numbers: beside the executive summary, under the
headline, or on a slide of their own.

Tiles are laid out on the usual grid when they fit it, else on the nearest grid they
fit; a headline above them takes the largest size that still leaves the tiles room.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pptx.util import Emu

from briefgen.deck.cite import when
from briefgen.deck.content import Para, Span, blocks, measured_text, sources_in, spans_of
from briefgen.deck.fit import blocks_height, text_width
from briefgen.deck.frame import Deck, SlideWriter
from briefgen.deck.geometry import EMU_PER_INCH, Box, inches
from briefgen.deck.slides import (
    Overflow,
    accent_rule,
    continued,
    fit_body,
    text_pages,
    text_room,
    too_big,
)
from briefgen.deck.text import write_paras
from briefgen.templates import SlideSpec

_TILE_GAP = 0.25  # inches between key-figure tiles
_TILE_MAX = 1.7  # inches: the tallest a tile gets
_SUMMARY_SPLIT = 0.6  # share of the width the summary text takes when the layout has no tiles box
_BELOW_HEADLINE = 0.15  # inches between the headline and the tiles


@dataclass(frozen=True)
class TileStyle:
    """Type sizes of a key-figure tile; ``inline`` sets the period after the label, a
    line shorter, for tiles with little height."""

    size: float
    label: float = 14
    inline: bool = False


@dataclass(frozen=True)
class TilePlan:
    cols: int
    width: int  # EMU, each tile
    height: int
    style: TileStyle
    fits: bool


def key_ids(deck: Deck) -> list[str]:
    return list(deck.resolved.meta.key_figures)


def key_sources(deck: Deck) -> list[str]:
    ids = [s for f in key_ids(deck) for s in deck.resolved.figures[f].sources]
    return list(dict.fromkeys(ids))


def tile_paras(deck: Deck, figure_id: str, style: TileStyle) -> list[Para]:
    """A key figure as a large number, its label and its period."""
    view = deck.resolved.figures[figure_id]
    number = Para(
        (Span(view.display, figure=figure_id),),
        style.size,
        bold=True,
        tone="accent",
        face="heading",
    )
    if style.inline:
        label = Para((Span(f"{view.figure.label} ({when(view)})"),), style.label, space_before=2)
        return [number, label]
    return [
        number,
        Para((Span(view.figure.label),), style.label, space_before=2),
        Para((Span(when(view)),), 12, tone="muted", space_before=1),
    ]


def _tile_fits(deck: Deck, figure_id: str, style: TileStyle, width: float, height: float) -> bool:
    paras = tile_paras(deck, figure_id, style)
    one_line = measured_text(paras[0], deck.resolved)
    tall = blocks_height(blocks(paras, deck.resolved, deck.fonts), width)
    wide = text_width(one_line, style.size, bold=True, face=deck.heading_face)
    return wide <= width and tall <= height


def tile_size(
    deck: Deck, figure_ids: Sequence[str], width: float, height: float
) -> TileStyle | None:
    """One style for every tile: the largest sizes at which each tile fits, the number
    shrinking first, then the label, then the period joining the label; None if none fits."""
    largest = deck.manifest.typography.figure
    ladder = [largest, *(s for s in (40.0, 36.0, 32.0, 28.0, 24.0, 20.0, 18.0) if s < largest)]
    for label, inline in ((14.0, False), (12.0, False), (12.0, True)):
        for size in ladder:
            style = TileStyle(size, label, inline)
            if all(_tile_fits(deck, f, style, width, height) for f in figure_ids):
                return style
    return None


def _grids(count: int, narrow: bool) -> list[tuple[int, int]]:
    """Columns and rows for ``count`` tiles: the usual grid first, then the others."""
    usual = min(2, count) if narrow else math.ceil(count / math.ceil(count / 4))
    others = sorted(range(1, count + 1), key=lambda cols: (abs(cols - usual), -cols))
    return [(cols, math.ceil(count / cols)) for cols in others]


def tile_plan(deck: Deck, box: Box, figure_ids: Sequence[str], narrow: bool) -> TilePlan:
    """The usual grid if the tiles fit it, else the nearest grid they fit, else the usual
    grid at the smallest sizes (``fits`` False)."""
    gap = inches(_TILE_GAP)
    plans = []
    for cols, rows in _grids(len(figure_ids), narrow):
        width = (box.w - (cols - 1) * gap) // cols
        height = min((box.h - (rows - 1) * gap) // rows, inches(_TILE_MAX))
        inner = (height - inches(0.2)) / EMU_PER_INCH
        style = tile_size(deck, figure_ids, width / EMU_PER_INCH, inner)
        if style is not None:
            return TilePlan(cols, width, height, style, True)
        plans.append((cols, width, height))
    cols, width, height = plans[0]
    return TilePlan(cols, width, height, TileStyle(18.0, 12.0), False)


def draw_tiles(writer: SlideWriter, box: Box, figure_ids: Sequence[str], plan: TilePlan) -> None:
    """Key figures in a grid of tiles, each under a thin highlight rule."""
    gap = inches(_TILE_GAP)
    for i, figure_id in enumerate(figure_ids):
        x = box.x + (i % plan.cols) * (plan.width + gap)
        y = box.y + (i // plan.cols) * (plan.height + gap)
        accent_rule(writer, Box(x, y, plan.width, inches(0.04)), f"Key figure rule {i + 1}")
        shape = writer.slide.shapes.add_textbox(
            Emu(x), Emu(y + inches(0.1)), Emu(plan.width), Emu(plan.height - inches(0.1))
        )
        shape.name = f"Key figure {figure_id}"
        frame = shape.text_frame
        frame.word_wrap = True
        frame.margin_left = frame.margin_right = 0
        write_paras(
            frame, tile_paras(writer.deck, figure_id, plan.style), writer.fonts, writer.cites
        )


def tiles_in(writer: SlideWriter, box: Box, narrow: bool) -> None:
    ids = key_ids(writer.deck)
    if ids:
        draw_tiles(writer, box, ids, tile_plan(writer.deck, box, ids, narrow))


# --- the slides ---------------------------------------------------------------------------


def summary_paras(deck: Deck, size: float) -> list[Para]:
    resolved = deck.resolved
    head = Para(spans_of(resolved.headline), size + 2, bold=True, tone="accent")
    bullets = [
        Para(spans_of(t), size, bullet=True, space_before=size * 0.6) for t in resolved.summary
    ]
    return [head, *bullets]


def summary_slides(deck: Deck, spec: SlideSpec) -> None:
    """The headline and summary points, with the key figures beside them unless the
    manifest says ``style: compact`` (the figures then have a slide of their own). Tiles
    too big for the space beside the text get a slide of their own after it."""
    geometry = deck.geometry(spec)
    body, tiles = geometry.region("body"), geometry.region("figures")
    whole = _union(body, tiles) if geometry.has("figures") else body
    with_tiles = spec.style != "compact" and bool(key_ids(deck))
    if with_tiles and not geometry.has("figures"):  # no box for the tiles: share the body's
        split = int(body.w * _SUMMARY_SPLIT)
        tiles = Box(body.x + split + inches(0.3), body.y, body.w - split - inches(0.3), body.h)
        body = replace(body, w=split)
    plan = None
    if with_tiles:
        pages = _summary_pages(deck, spec, body, key_sources(deck))
        sources = [*sources_in(pages[0], deck.resolved), *key_sources(deck)]
        tiles = tiles.down_to(geometry.content_bottom(sources))
        plan = tile_plan(deck, tiles, key_ids(deck), narrow=True)
    if plan is None or not plan.fits:
        body = whole
        pages = _summary_pages(deck, spec, body, [])
    title = spec.title or "Executive summary"
    for index, page in enumerate(pages):
        writer = SlideWriter(deck, spec, continued(title, index, len(pages)))
        if geometry.has("figures"):
            writer.region("figures")  # the tiles take its place (or, after page one, nothing)
        fit_body(writer, body, page)
        if index == 0 and plan is not None and plan.fits:
            draw_tiles(writer, tiles, key_ids(deck), plan)
        writer.finish()
    if with_tiles and plan is not None and not plan.fits:
        _tiles_alone(deck, spec, whole)


def _union(a: Box, b: Box) -> Box:
    left, top = min(a.x, b.x), min(a.y, b.y)
    return Box(left, top, max(a.x + a.w, b.x + b.w) - left, max(a.bottom, b.bottom) - top)


def _summary_pages(deck: Deck, spec: SlideSpec, body: Box, cited: list[str]) -> list[list[Para]]:
    try:
        _, pages = text_pages(
            deck.geometry(spec),
            body,
            lambda s: summary_paras(deck, s),
            deck.manifest.typography.body,
            cited,
        )
    except Overflow:
        raise too_big("the executive summary", spec) from None
    return pages


def _tiles_alone(deck: Deck, spec: SlideSpec, whole: Box) -> None:
    """The key figures across the summary's whole width, on a slide of their own."""
    writer = SlideWriter(deck, spec, "Key figures")
    writer.region("body")
    writer.region("figures")
    tiles_in(writer, whole.down_to(writer.geometry.content_bottom(key_sources(deck))), False)
    writer.finish()


def key_figures_slide(deck: Deck, spec: SlideSpec) -> None:
    """The key figures as large tiles; the headline above them when the manifest gives
    the slide a ``body`` placeholder."""
    writer = SlideWriter(deck, spec, spec.title or "Key figures")
    region = writer.region("figures")
    headline = writer.placeholder("body") if "body" in spec.placeholders else None
    if headline is None:
        tiles_in(writer, region.down_to(writer.geometry.content_bottom(key_sources(deck))), False)
    else:
        _headline_over_tiles(writer, headline, region)
    writer.finish()


def _headline_over_tiles(writer: SlideWriter, shape: Any, region: Box) -> None:
    """The headline at the largest size that leaves the tiles below it room to fit."""
    deck = writer.deck
    spans = spans_of(deck.resolved.headline)
    width, height = text_room(shape)
    ladder = sorted({*(s + 2 for s in deck.manifest.typography.body), 12.0}, reverse=True)
    ids = key_ids(deck)
    for size in ladder:
        para = Para(spans, size, tone="accent")
        needed = max(height, blocks_height(blocks([para], deck.resolved, deck.fonts), width))
        top = max(region.y, int(shape.top) + inches(needed + 0.1 + _BELOW_HEADLINE))
        sources = list(dict.fromkeys([*sources_in([para], deck.resolved), *key_sources(deck)]))
        box = Box(region.x, top, region.w, max(0, region.bottom - top))
        box = box.down_to(writer.geometry.content_bottom(sources))
        plan = tile_plan(deck, box, ids, narrow=False)
        if plan.fits:
            break
    if needed > height:
        shape.left, shape.top, shape.width = shape.left, shape.top, shape.width
        shape.height = Emu(inches(needed + 0.1))
    write_paras(shape.text_frame, [para], writer.fonts, writer.cites)
    if ids:
        draw_tiles(writer, box, ids, plan)
