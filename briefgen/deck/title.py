"""A slide's title, fitted to its box: the layout's size, or smaller, down to a floor.

A title shrinks in two-point steps while it would take more than two lines or more
than its box's height; one still too tall at the floor is an error, reported at the
manifest's slide or at the pack's item whose title it is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from briefgen.deck.fit import line_count, text_height
from briefgen.deck.geometry import Box
from briefgen.errors import Problem, RenderError
from briefgen.templates import SlideSpec
from briefgen.yamlsrc import dotted, shorten

if TYPE_CHECKING:
    from briefgen.deck.frame import Deck

TITLE_FLOOR = 18  # points: a title shrinks this far to fit two lines, and no further


def title_size(deck: Deck, spec: SlideSpec, title: str, placed: Box) -> float:
    """The size ``title`` is set at in its box ``placed``: the layout's, or smaller when
    it would take more than two lines or more than the box's height."""
    width, height = placed.width - 0.2, placed.height
    size = deck.manifest.typography.title
    face = deck.heading_face

    def overflows(points: float) -> bool:
        needed = text_height(title, points, width, bold=True, face=face, spacing=0.9)
        return needed + 0.1 > height

    def too_big(points: float) -> bool:
        lines = line_count(title, points, width, bold=True, face=face)
        return lines > 2 or overflows(points)

    chosen = size
    while chosen > TITLE_FLOOR and too_big(chosen):
        chosen -= 2
    # At the floor a title may take a third line only if its box holds it (a cover's).
    if overflows(chosen):
        raise title_overflow(deck, spec, title, chosen)
    return chosen


def title_overflow(deck: Deck, spec: SlideSpec, title: str, size: float) -> RenderError:
    """A title too tall for its box even at the smallest size, at the manifest's slide
    when the template gave it, else at the pack's item whose title it is (the build
    finds that item's file and line from the field)."""
    message = (
        f"the slide title '{shorten(title, 60)}' does not fit the '{spec.layout}' "
        f"layout's title box even at {size:g} pt; shorten it"
    )
    if spec.title is not None:
        index = next(i for i, s in enumerate(deck.manifest.slides) if s is spec)
        where = deck.template.where(("slides", index, "title"))
        return RenderError(message, [Problem("deck-overflow", message, **where)])
    pack = deck.resolved.pack
    named: list[tuple[tuple[str | int, ...], str]] = [(("title",), pack.meta.title)]
    if spec.kind == "pillar":
        named = [(("pillars", i, "title"), p.title) for i, p in enumerate(pack.pillars)]
    elif spec.kind == "chart":
        named = [(("charts", i, "title"), c.title) for i, c in enumerate(pack.charts)]
    elif spec.kind == "table" and pack.highlights is not None:
        named = [(("highlights", "title"), pack.highlights.title)]
    # A continued slide's title ends in " (2/3)".
    path = next(
        (p for p, text in named if re.fullmatch(rf"{re.escape(text)}( \(\d+/\d+\))?", title)),
        None,
    )
    field = dotted(path) if path is not None else f"slides.{spec.kind}"
    return RenderError(message, [Problem("deck-overflow", message, field=field)])
