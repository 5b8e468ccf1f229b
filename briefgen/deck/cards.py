"""Every strategy pillar on one slide, side by side as cards: its title and summary.

For decks that tell the strategy at a glance (a teaser, an investment thesis); the
``pillar`` kind gives each pillar a slide of its own, with its evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pptx.enum.dml import MSO_THEME_COLOR
from pptx.util import Emu, Inches

from briefgen.deck.content import Para, Span, blocks, sources_in, spans_of
from briefgen.deck.fit import blocks_height
from briefgen.deck.frame import Deck, SlideWriter
from briefgen.deck.geometry import Box, inches
from briefgen.deck.slides import accent_rule, filled_box, too_big
from briefgen.deck.text import write_paras
from briefgen.resolve import PillarView
from briefgen.templates import SlideSpec

_GAP = 0.35  # inches between cards
_RULE = 0.05  # inches: the accent bar over each card
_TEXT_TOP = 0.2  # inches from the bar to the card's title
_INSET = 0.22  # inches between a card's edge and its text


def card_paras(deck: Deck, view: PillarView, size: float) -> list[Para]:
    """The pillar's title, then its summary marked with the pillar's own sources."""
    spans = spans_of(view.summary)
    cited = set(sources_in([Para(spans, size)], deck.resolved))
    rest = tuple(s for s in view.pillar.sources if s not in cited)
    summary = (*spans, Span("", sources=rest)) if rest else spans
    return [
        Para((Span(view.pillar.title),), size + 2, bold=True, tone="accent", face="heading"),
        Para(summary, size, space_before=size * 0.6),
    ]


def _layout(count: int, box: Box, height: float) -> tuple[int, float, float]:
    """Columns (three at most; two rows beyond), and each card's width and height in inches."""
    cols = count if count <= 3 else math.ceil(count / 2)
    rows = math.ceil(count / cols)
    width = (box.width - (cols - 1) * _GAP) / cols
    return cols, width, (height - (rows - 1) * _GAP) / rows


def _size(deck: Deck, views: Sequence[PillarView], width: float, height: float) -> float | None:
    """The largest body size at which every card fits, or None."""
    room = height - _RULE - _TEXT_TOP - _INSET
    inner = width - 2 * _INSET
    for size in sorted(set(deck.manifest.typography.body), reverse=True):
        needed = [
            blocks_height(blocks(card_paras(deck, v, size), deck.resolved, deck.fonts), inner)
            for v in views
        ]
        if max(needed) <= room:
            return size
    return None


def pillars_slide(deck: Deck, spec: SlideSpec) -> None:
    views = deck.resolved.pillars[: spec.limit] if spec.limit else deck.resolved.pillars
    if not views:
        return
    geometry = deck.geometry(spec)
    box = geometry.region("body")
    paras = [p for v in views for p in card_paras(deck, v, 12)]
    room = geometry.room(box, sources_in(paras, deck.resolved))
    cols, width, height = _layout(len(views), box, room)
    size = _size(deck, views, width, height)
    if size is None:
        raise too_big("the pillars, side by side,", spec)
    writer = SlideWriter(deck, spec, spec.title or "Strategy")
    region = writer.region("body")
    for i, view in enumerate(views):
        x = region.x + (i % cols) * inches(width + _GAP)
        y = region.y + (i // cols) * inches(height + _GAP)
        card = Box(x, y, inches(width), inches(height))
        filled_box(writer, card, f"Pillar card {i + 1}", MSO_THEME_COLOR.BACKGROUND_2)
        accent_rule(writer, Box(x, y, inches(width), inches(_RULE)), f"Pillar rule {i + 1}")
        top = y + inches(_RULE + _TEXT_TOP)
        shape = writer.slide.shapes.add_textbox(
            Emu(x + inches(_INSET)),
            Emu(top),
            Emu(inches(width - 2 * _INSET)),
            Emu(card.bottom - top - inches(_INSET)),
        )
        shape.name = f"Pillar {view.pillar.id}"
        frame = shape.text_frame
        frame.word_wrap = True
        frame.margin_left = frame.margin_right = frame.margin_top = 0
        frame.margin_bottom = Inches(0.02)
        write_paras(frame, card_paras(deck, view, size), writer.fonts, writer.cites)
    writer.finish()
