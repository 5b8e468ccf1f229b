"""Estimate how much room text takes, conservatively, without font files.

Widths are per character class in ems of the font size, a little wider than
Calibri (and its metric twin Carlito) really is, so an estimate that says "fits"
is safe; lines are wrapped greedily at spaces as a renderer does, and CJK text
may break between any two characters. Heights use Calibri's line height.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

LINE_HEIGHT = 1.22  # Calibri's ascent + descent + line gap, in ems
POINTS_PER_INCH = 72.0
_SPACE = 0.25
_NARROW = set("il.,:;'|!()[]{}`jI")
_SEMI = set('tfrsz-/"')
_WIDE = set("mwMW@%&")
_BOLD_FACTOR = 1.07
# How much wider than Calibri a typeface sets the same text, against the estimate
# below (measured on the metric twins LibreOffice uses: Carlito, Caladea, Liberation;
# the estimate runs about a tenth wider than Calibri, and Arial sets that wide). An
# unknown face is assumed wider still, so that its estimate errs towards "does not fit".
_FACE_WIDTH = {
    "calibri": 1.0,
    "carlito": 1.0,
    "cambria": 1.0,
    "caladea": 1.0,
    "times new roman": 1.0,
    "liberation serif": 1.0,
    "arial": 1.03,
    "liberation sans": 1.03,
    "helvetica": 1.03,
}
_UNKNOWN_FACE_WIDTH = 1.1

T = TypeVar("T")


def is_wide(char: str) -> bool:
    """Full-width characters (CJK ideographs, kana, hangul, full-width forms)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def has_cjk(text: str) -> bool:
    return any(is_wide(c) for c in text)


def width_scale(face: str) -> float:
    """How much wider than Calibri ``face`` sets text."""
    return _FACE_WIDTH.get(face.strip().lower(), _UNKNOWN_FACE_WIDTH)


def char_em(char: str) -> float:
    if is_wide(char):
        return 1.0
    if char == " ":
        return _SPACE
    if char in _NARROW:
        return 0.3
    if char in _SEMI:
        return 0.42
    if char in _WIDE:
        return 0.9
    if char.isupper():
        return 0.62
    if char.isdigit():
        return 0.55
    return 0.52


def text_width(text: str, size: float, bold: bool = False, scale: float = 1.0) -> float:
    """Width in inches of ``text`` set on one line at ``size`` points.

    ``scale`` is the typeface's width relative to Calibri (:func:`width_scale`).
    """
    ems = sum(char_em(c) if is_wide(c) else char_em(c) * scale for c in text)
    return ems * size * (_BOLD_FACTOR if bold else 1.0) / POINTS_PER_INCH


def _tokens(text: str) -> list[str]:
    """Break opportunities: words with their trailing space, and each wide character."""
    tokens: list[str] = []
    word = ""
    for char in text:
        if is_wide(char):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(char)
        else:
            word += char
            if char == " ":
                tokens.append(word)
                word = ""
    if word:
        tokens.append(word)
    return tokens


def line_count(text: str, size: float, width: float, bold: bool = False, scale: float = 1.0) -> int:
    """Lines ``text`` wraps to in a column ``width`` inches wide (at least one)."""
    if width <= 0:
        return max(1, len(text))
    lines, used = 1, 0.0
    for token in _tokens(text):
        token_width = text_width(token, size, bold, scale)
        trimmed = text_width(token.rstrip(" "), size, bold, scale)
        if used > 0 and used + trimmed > width:
            lines += 1
            used = 0.0
        while token_width > width:  # a word longer than the line breaks mid-word
            lines += 1
            token_width -= width
        used += token_width
    return lines


def line_height(size: float, spacing: float = 1.0) -> float:
    """Height in inches of one line at ``size`` points."""
    return size * LINE_HEIGHT * spacing / POINTS_PER_INCH


@dataclass(frozen=True)
class Block:
    """One paragraph to measure: its text, size, boldness and spacing before it."""

    text: str
    size: float
    bold: bool = False
    space_before: float = 0.0  # points
    indent: float = 0.0  # inches taken from the column width (bullets)
    scale: float = 1.0  # the typeface's width relative to Calibri


def blocks_height(blocks: Sequence[Block], width: float) -> float:
    """Height in inches of paragraphs stacked in a column ``width`` inches wide."""
    total = 0.0
    for i, block in enumerate(blocks):
        if i:
            total += block.space_before / POINTS_PER_INCH
        lines = line_count(block.text, block.size, width - block.indent, block.bold, block.scale)
        total += lines * line_height(block.size)
    return total


Measure = Callable[[Sequence[T], int], tuple[float, float]]


def _greedy(items: Sequence[T], measure: Measure[T], factor: float) -> list[list[T]]:
    pages: list[list[T]] = []
    current: list[T] = []
    for item in items:
        trial = [*current, item]
        needed, room = measure(trial, len(pages))
        if current and needed > room * factor:
            pages.append(current)
            current = [item]
        else:
            current = trial
    if current:
        pages.append(current)
    return pages


def paginate(items: Sequence[T], measure: Measure[T]) -> list[list[T]]:
    """Split ``items`` into as few pages as fit, then even the pages out.

    ``measure(page, page_index)`` gives the height a page needs and the room it has.
    Filling greedily leaves a short last page; the least share of the room that
    still needs no more pages spreads the items evenly instead. An item too big
    for a page even alone still gets one: the caller checks.
    """
    pages = _greedy(items, measure, 1.0)
    if len(pages) < 2:
        return pages
    low, high = 0.0, 1.0
    for _ in range(12):
        middle = (low + high) / 2
        if len(_greedy(items, measure, middle)) <= len(pages):
            high = middle
        else:
            low = middle
    return _greedy(items, measure, high)


def best_size(
    sizes: Sequence[float], pages_at: Callable[[float], list[list[T]]]
) -> tuple[float, list[list[T]]]:
    """The largest size that needs no more pages than the smallest size does."""
    ladder = sorted(set(sizes), reverse=True)
    results = [(size, pages_at(size)) for size in ladder]
    fewest = min(len(pages) for _, pages in results)
    for size, pages in results:
        if len(pages) == fewest:
            return size, pages
    return results[-1]  # pragma: no cover
