"""Slides made of text: title, section, executive summary, key figures, pillars."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial

from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Emu

from briefgen import display
from briefgen.deck.cite import when
from briefgen.deck.content import Para, Span, blocks, measured_text, sources_in, spans_of, text_para
from briefgen.deck.fit import best_size, blocks_height, paginate, text_width
from briefgen.deck.frame import EMU_PER_INCH, Box, Deck, Geometry, SlideWriter, inches
from briefgen.deck.text import write_paras
from briefgen.errors import Problem, RenderError
from briefgen.resolve import PillarView, Resolved
from briefgen.templates import SlideSpec

_TILE_GAP = 0.25  # inches between key-figure tiles
_SUMMARY_SPLIT = 0.6  # share of the width the summary text takes when the layout has no tiles box


class Overflow(Exception):
    """One item is too big for a slide even alone; the caller says which."""


def continued(title: str, index: int, count: int) -> str:
    """``Risks (2/3)`` on continuation slides; the plain title when one slide is enough."""
    return f"{title} ({index + 1}/{count})" if count > 1 else title


def too_big(what: str, spec: SlideSpec) -> RenderError:
    message = (
        f"{what} does not fit on one '{spec.layout}' slide even at the smallest text size; "
        "shorten it"
    )
    return RenderError(message, [Problem("deck-overflow", message, field=f"slides.{spec.kind}")])


def title_slide(deck: Deck, spec: SlideSpec) -> None:
    meta = deck.resolved.meta
    writer = SlideWriter(deck, spec, spec.title or meta.title)
    company = meta.company + (f"  {meta.company_local}" if meta.company_local else "")
    if meta.ticker:
        company += f"  ·  {meta.ticker}"
    dated = f"As of {display.day(meta.as_of)}"
    if meta.audience:
        dated += f"  ·  {meta.audience}"
    lines = [company, dated]
    subtitle = writer.placeholder("subtitle")
    body = writer.placeholder("body")
    if body is None and subtitle is not None:
        lines = [meta.subtitle, *lines] if meta.subtitle else lines
        body, subtitle = subtitle, None
    if subtitle is not None and meta.subtitle:
        write_paras(subtitle.text_frame, [text_para(meta.subtitle, 22)], deck.fonts, writer.cites)
    if body is not None:
        paras = [text_para(line, 16, space_before=4) for line in lines]
        write_paras(body.text_frame, paras, deck.fonts, writer.cites)
    writer.finish()


def section_slide(deck: Deck, spec: SlideSpec) -> None:
    SlideWriter(deck, spec, spec.title or "").finish()


def text_pages(
    geometry: Geometry,
    box: Box,
    make: Callable[[float], list[Para]],
    sizes: Sequence[float],
    first_page_sources: Sequence[str] = (),
) -> tuple[float, list[list[Para]]]:
    """Paragraphs at the largest size that needs fewest slides, split to fit ``box``."""
    resolved = geometry.deck.resolved
    width = box.width - 0.2

    def measure(page: Sequence[Para], index: int) -> tuple[float, float]:
        extra = list(first_page_sources) if index == 0 else []
        room = geometry.room(box, [*sources_in(page, resolved), *extra])
        return blocks_height(blocks(page, resolved), width), room

    size, pages = best_size(sizes, lambda s: paginate(make(s), measure))
    for index, page in enumerate(pages):
        needed, room = measure(page, index)
        if needed > room:
            raise Overflow
    return size, pages


def _fit_body(writer: SlideWriter, box: Box, page: Sequence[Para]) -> None:
    """Write ``page`` into the body placeholder, ending it above the footnote band."""
    shape = writer.placeholder("body")
    resolved = writer.deck.resolved
    bottom = writer.geometry.content_bottom(sources_in(page, resolved))
    if shape is None:
        area = box.down_to(bottom)
        shape = writer.slide.shapes.add_textbox(Emu(area.x), Emu(area.y), Emu(area.w), Emu(area.h))
        shape.text_frame.word_wrap = True
        write_paras(shape.text_frame, page, writer.fonts, writer.cites, explicit_bullets=True)
        return
    left, top, width = int(shape.left), int(shape.top), int(shape.width)
    if top + int(shape.height) > bottom:
        # Placeholders inherit their box; give all four sides before changing one.
        shape.left, shape.top, shape.width = Emu(left), Emu(top), Emu(width)
        shape.height = Emu(max(0, bottom - top))
    write_paras(shape.text_frame, page, writer.fonts, writer.cites)


def pillar_paras(resolved: Resolved, view: PillarView, size: float) -> list[Para]:
    """The pillar's summary as a lead, then its evidence as bullets.

    The pillar's own sources are marked at the end of the summary, less those its
    figures already cite there.
    """
    spans = spans_of(view.summary)
    cited = set(sources_in([Para(spans, size)], resolved))
    rest = tuple(s for s in view.pillar.sources if s not in cited)
    lead = Para((*spans, Span("", sources=rest)) if rest else spans, size + 2, tone="accent")
    evidence = [
        Para(spans_of(e), size, bullet=True, space_before=size * 0.6) for e in view.evidence
    ]
    return [lead, *evidence]


def pillar_slides(deck: Deck, spec: SlideSpec) -> None:
    pillars = deck.resolved.pillars
    if spec.pillar is not None:
        pillars = tuple(p for p in pillars if p.pillar.id == spec.pillar)
        if not pillars:
            raise _missing(deck, spec, "pillar", spec.pillar)
    for view in pillars:
        geometry = deck.geometry(spec)
        box = geometry.region("body")
        try:
            _, pages = text_pages(
                geometry,
                box,
                partial(pillar_paras, deck.resolved, view),
                deck.manifest.typography.body,
            )
        except Overflow:
            raise too_big(f"pillar '{view.pillar.id}'", spec) from None
        for index, page in enumerate(pages):
            writer = SlideWriter(deck, spec, continued(view.pillar.title, index, len(pages)))
            _fit_body(writer, box, page)
            writer.finish()


def _missing(deck: Deck, spec: SlideSpec, what: str, ident: str) -> RenderError:
    message = (
        f"the template's {spec.kind} slide names {what} '{ident}', which the pack does not have"
    )
    path = str(deck.template.manifest_path)
    return RenderError(
        message, [Problem(f"deck-unknown-{what}", message, path, field=f"slides.{what}")]
    )


def summary_paras(deck: Deck, size: float) -> list[Para]:
    resolved = deck.resolved
    head = Para(spans_of(resolved.headline), size + 2, bold=True, tone="accent")
    bullets = [
        Para(spans_of(t), size, bullet=True, space_before=size * 0.6) for t in resolved.summary
    ]
    return [head, *bullets]


def summary_slides(deck: Deck, spec: SlideSpec) -> None:
    geometry = deck.geometry(spec)
    body, tiles = geometry.region("body"), geometry.region("figures")
    if not geometry.has("figures"):  # no box for the tiles: share the body's
        split = int(body.w * _SUMMARY_SPLIT)
        tiles = Box(body.x + split + inches(0.3), body.y, body.w - split - inches(0.3), body.h)
        body = replace(body, w=split)
    key = list(deck.resolved.meta.key_figures)
    key_sources = list(dict.fromkeys(s for f in key for s in deck.resolved.figures[f].sources))
    try:
        _, pages = text_pages(
            geometry,
            body,
            lambda s: summary_paras(deck, s),
            deck.manifest.typography.body,
            first_page_sources=key_sources,
        )
    except Overflow:
        raise too_big("the executive summary", spec) from None
    title = spec.title or "Executive summary"
    for index, page in enumerate(pages):
        writer = SlideWriter(deck, spec, continued(title, index, len(pages)))
        if geometry.has("figures"):
            writer.region("figures")  # the tiles take its place (or, after page one, nothing)
        _fit_body(writer, body, page)
        if index == 0:
            sources = [*sources_in(page, deck.resolved), *key_sources]
            draw_tiles(writer, tiles.down_to(geometry.content_bottom(sources)), key, narrow=True)
        writer.finish()


def key_figures_slide(deck: Deck, spec: SlideSpec) -> None:
    writer = SlideWriter(deck, spec, spec.title or "Key figures")
    key = list(deck.resolved.meta.key_figures)
    sources = list(dict.fromkeys(s for f in key for s in deck.resolved.figures[f].sources))
    region = writer.region("figures")
    draw_tiles(writer, region.down_to(writer.geometry.content_bottom(sources)), key, narrow=False)
    writer.finish()


def _grid(count: int, narrow: bool) -> tuple[int, int]:
    if narrow:
        cols = min(2, count)
    else:
        rows = math.ceil(count / 4)
        cols = math.ceil(count / rows)
    return cols, math.ceil(count / cols)


def tile_paras(deck: Deck, figure_id: str, size: float) -> list[Para]:
    """A key figure as a large number, its label and its period."""
    view = deck.resolved.figures[figure_id]
    return [
        Para((Span(view.display, figure=figure_id),), size, bold=True, tone="accent"),
        Para((Span(view.figure.label),), 14, space_before=2),
        Para((Span(when(view)),), 12, tone="muted", space_before=1),
    ]


def tile_size(deck: Deck, figure_ids: Sequence[str], width: float, height: float) -> float:
    """One size for every tile's number: the largest at which each fits its tile."""
    largest = deck.manifest.typography.figure
    ladder = [largest, *(s for s in (24.0, 20.0, 18.0) if s < largest)]
    for size in ladder:
        fits = True
        for figure_id in figure_ids:
            paras = tile_paras(deck, figure_id, size)
            one_line = measured_text(paras[0], deck.resolved)
            tall = blocks_height(blocks(paras, deck.resolved), width)
            fits = fits and text_width(one_line, size, bold=True) <= width and tall <= height
        if fits:
            return size
    return ladder[-1]


def draw_tiles(writer: SlideWriter, box: Box, figure_ids: Sequence[str], narrow: bool) -> None:
    """Key figures in a grid of tiles, each under a thin highlight rule."""
    if not figure_ids:
        return
    cols, rows = _grid(len(figure_ids), narrow)
    gap = inches(_TILE_GAP)
    tile_w = (box.w - (cols - 1) * gap) // cols
    tile_h = min((box.h - (rows - 1) * gap) // rows, inches(1.7))
    inner_h = (tile_h - inches(0.2)) / EMU_PER_INCH
    size = tile_size(writer.deck, figure_ids, tile_w / EMU_PER_INCH, inner_h)
    for i, figure_id in enumerate(figure_ids):
        x = box.x + (i % cols) * (tile_w + gap)
        y = box.y + (i // cols) * (tile_h + gap)
        rule = writer.slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, Emu(x), Emu(y), Emu(tile_w), Emu(inches(0.04))
        )
        rule.name = f"Key figure rule {i + 1}"
        rule.fill.solid()
        rule.fill.fore_color.theme_color = MSO_THEME_COLOR.ACCENT_2
        rule.line.fill.background()
        rule.shadow.inherit = False
        text_top = y + inches(0.1)
        shape = writer.slide.shapes.add_textbox(
            Emu(x), Emu(text_top), Emu(tile_w), Emu(tile_h - inches(0.1))
        )
        shape.name = f"Key figure {figure_id}"
        frame = shape.text_frame
        frame.word_wrap = True
        frame.margin_left = frame.margin_right = 0
        write_paras(frame, tile_paras(writer.deck, figure_id, size), writer.fonts, writer.cites)
