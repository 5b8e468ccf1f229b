"""Slides made of text (title, section, pillars) and the helpers every slide kind shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_SHAPE
from pptx.oxml.ns import qn
from pptx.util import Emu

from briefgen import display
from briefgen.deck.content import Para, Span, blocks, sources_in, spans_of, text_para
from briefgen.deck.fit import best_size, blocks_height, paginate
from briefgen.deck.frame import Deck, SlideWriter
from briefgen.deck.geometry import EMU_PER_INCH, Box, Geometry, box_of, inches
from briefgen.deck.text import write_paras
from briefgen.errors import Problem, RenderError
from briefgen.resolve import PillarView, Resolved
from briefgen.templates import SlideSpec


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
        text = meta.subtitle
        paras = fitted(deck, subtitle, lambda s: [text_para(text, s)], _SUBTITLE_SIZES)
        write_paras(subtitle.text_frame, paras, deck.fonts, writer.cites)
    if body is not None:

        def body_paras(size: float) -> list[Para]:
            return [text_para(line, size, space_before=4) for line in lines]

        paras = fitted(deck, body, body_paras, _TITLE_BODY_SIZES)
        write_paras(body.text_frame, paras, deck.fonts, writer.cites)
    writer.finish()


_SUBTITLE_SIZES = (22.0, 20.0, 18.0, 16.0, 14.0)
_TITLE_BODY_SIZES = (16.0, 14.0, 12.0)


def text_room(shape: Any) -> tuple[float, float]:
    """Width and height in inches a placeholder leaves its text, inside its insets."""
    return int(shape.width) / EMU_PER_INCH - 0.2, int(shape.height) / EMU_PER_INCH - 0.1


def fitted(
    deck: Deck, shape: Any, make: Callable[[float], list[Para]], sizes: Sequence[float]
) -> list[Para]:
    """The paragraphs at the largest size that fits the shape; at the smallest, the shape
    grows down to hold them."""
    width, height = text_room(shape)
    ladder = sorted(set(sizes), reverse=True)
    for size in ladder:
        paras = make(size)
        needed = blocks_height(blocks(paras, deck.resolved, deck.fonts), width)
        if needed <= height:
            return paras
    shape.left, shape.top, shape.width = shape.left, shape.top, shape.width
    shape.height = Emu(inches(needed + 0.1))
    return paras


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
        return blocks_height(blocks(page, resolved, geometry.deck.fonts), width), room

    size, pages = best_size(sizes, lambda s: paginate(make(s), measure))
    for index, page in enumerate(pages):
        needed, room = measure(page, index)
        if needed > room:
            raise Overflow
    return size, pages


def fit_body(writer: SlideWriter, box: Box, page: Sequence[Para]) -> None:
    """Write ``page`` into the body placeholder, as wide as ``box`` (narrower when tiles
    share its width) and ending above the footnote band."""
    shape = writer.placeholder("body")
    resolved = writer.deck.resolved
    bottom = writer.geometry.content_bottom(sources_in(page, resolved))
    if shape is None:
        area = box.down_to(bottom)
        shape = writer.slide.shapes.add_textbox(Emu(area.x), Emu(area.y), Emu(area.w), Emu(area.h))
        shape.text_frame.word_wrap = True
        write_paras(shape.text_frame, page, writer.fonts, writer.cites, explicit_bullets=True)
        return
    placed = box_of(shape)
    wanted = Box(box.x, box.y, box.w, placed.h) if box.w != placed.w else placed
    if wanted != placed or wanted.bottom > bottom:
        # Placeholders inherit their box; give all four sides before changing one.
        shape.left, shape.top, shape.width = Emu(wanted.x), Emu(wanted.y), Emu(wanted.w)
        shape.height = Emu(max(0, min(wanted.bottom, bottom) - wanted.y))
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
    for view in pillars[: spec.limit] if spec.limit else pillars:
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
            fit_body(writer, box, page)
            writer.finish()


def _missing(deck: Deck, spec: SlideSpec, what: str, ident: str) -> RenderError:
    message = (
        f"the template's {spec.kind} slide names {what} '{ident}', which the pack does not have"
    )
    index = next(i for i, s in enumerate(deck.manifest.slides) if s is spec)
    where = deck.template.where(("slides", index, what))
    return RenderError(message, [Problem(f"deck-unknown-{what}", message, **where)])


def filled_box(writer: SlideWriter, box: Box, name: str, color: Any) -> None:
    """A rectangle in a theme colour, with no outline and no theme effects (shadows)."""
    shape = writer.slide.shapes.add_shape(
        MSO_SHAPE.RECTANGLE, Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h)
    )
    shape.name = name
    shape.fill.solid()
    shape.fill.fore_color.theme_color = color
    shape.line.fill.background()
    style = shape._element.find(qn("p:style"))
    if style is not None:  # its effect reference would draw the theme's shadow
        shape._element.remove(style)


def accent_rule(writer: SlideWriter, box: Box, name: str) -> None:
    """A thin bar in the theme's second accent, over a tile or card."""
    filled_box(writer, box, name, MSO_THEME_COLOR.ACCENT_2)
