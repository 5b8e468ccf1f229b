"""Measure how much room text takes with the typefaces' real advance widths, and page it.

Widths come from metric-compatible fonts (:mod:`briefgen.deck.metrics`: Carlito for
Calibri, Caladea for Cambria, Liberation for Arial, Times New Roman and Courier
New, Noto CJK for Chinese, Japanese and Korean), with a small margin, so an estimate
that says "fits" is safe. Lines are wrapped greedily at spaces as a renderer does,
and CJK text may break between any two characters; a line holding CJK characters is
as high as the CJK font's lines.

Measuring is memoised: a text's break opportunities and their widths are worked out
once per face, and its line count once per column width, so measuring the same rows
again at another size or on another trial page costs a lookup. Pages are filled from
each item's height, measured once (:class:`Piece`, :class:`Pager`), rather than by
measuring every trial page again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from briefgen.deck.metrics import cjk_line, face_metrics, is_wide

POINTS_PER_INCH = 72.0
BODY_FACE = "Calibri"  # measured when no face is given
AUTOSPACE = 0.25  # ems between a CJK character and other text, as LibreOffice sets it
_CACHE = 1 << 16  # texts (and widths) remembered per memoised function

T = TypeVar("T")


@lru_cache(maxsize=_CACHE)
def has_cjk(text: str) -> bool:
    return not text.isascii() and any(is_wide(c) for c in text)


@lru_cache(maxsize=_CACHE)
def text_ems(text: str, bold: bool = False, face: str = BODY_FACE) -> float:
    """Width of ``text`` on one line in ems of its size, margin included."""
    return sum(full for full, _, _ in _tokens(text, bold, face))


def text_width(text: str, size: float, bold: bool = False, face: str = BODY_FACE) -> float:
    """Width in inches of ``text`` set on one line at ``size`` points in typeface ``face``."""
    return text_ems(text, bold, face) * size / POINTS_PER_INCH


Token = tuple[float, float, bool]  # width in ems, without its trailing space, whether wide


@lru_cache(maxsize=_CACHE)
def _tokens(text: str, bold: bool, face: str) -> tuple[Token, ...]:
    """Break opportunities: words with their trailing space, and each wide character.

    A wide character next to any other (a space too) is set :data:`AUTOSPACE` further
    apart from it, as renderers space East Asian from other text.
    """
    metrics = face_metrics(face, bold, has_cjk(text))
    em = metrics.em
    tokens: list[Token] = []
    word = 0.0
    space = 0.0  # the width of the word's trailing spaces
    last = len(text) - 1
    for i, char in enumerate(text):
        if char == " ":
            space += em(char)
            continue
        if space:
            tokens.append((word + space, word, False))
            word = space = 0.0
        if is_wide(char):
            if word:
                tokens.append((word, word, False))
                word = 0.0
            width = em(char)
            if i and not is_wide(text[i - 1]):
                width += AUTOSPACE * metrics.default
            if i < last and not is_wide(text[i + 1]):
                width += AUTOSPACE * metrics.default
            tokens.append((width, width, True))
        else:
            word += em(char)
    if word or space:
        tokens.append((word + space, word, False))
    return tuple(tokens)


@lru_cache(maxsize=_CACHE)
def _wrap(text: str, bold: bool, face: str, width: float) -> tuple[int, int]:
    """Lines ``text`` wraps to in a column ``width`` ems wide, and how many hold CJK."""
    if width <= 0:
        return max(1, len(text)), 0
    lines, cjk_lines, used, here = 1, 0, 0.0, False
    for full, trimmed, wide in _tokens(text, bold, face):
        if used > 0 and used + trimmed > width:
            lines += 1
            cjk_lines += here
            used, here = 0.0, False
        here = here or wide
        rest = trimmed
        while rest > width:  # a word longer than the line breaks mid-word
            lines += 1
            cjk_lines += here
            rest -= width
            here = wide
        used += rest + (full - trimmed)  # trailing spaces may hang past the edge
    return lines, cjk_lines + here


def text_lines(
    text: str, size: float, width: float, bold: bool = False, face: str = BODY_FACE
) -> tuple[int, int]:
    """Lines ``text`` wraps to in a column ``width`` inches wide (at least one), and how
    many of them hold CJK characters."""
    if width <= 0:
        return max(1, len(text)), 0
    return _wrap(text, bold, face, width * POINTS_PER_INCH / size)


def line_count(
    text: str, size: float, width: float, bold: bool = False, face: str = BODY_FACE
) -> int:
    """Lines ``text`` wraps to in a column ``width`` inches wide (at least one)."""
    return text_lines(text, size, width, bold, face)[0]


def line_height(
    size: float, spacing: float = 1.0, face: str = BODY_FACE, bold: bool = False
) -> float:
    """Height in inches of one line at ``size`` points in typeface ``face``."""
    return size * face_metrics(face, bold).line * spacing / POINTS_PER_INCH


@lru_cache(maxsize=_CACHE)
def text_height(
    text: str,
    size: float,
    width: float,
    bold: bool = False,
    face: str = BODY_FACE,
    spacing: float = 1.0,
) -> float:
    """Height in inches of ``text`` wrapped in a column ``width`` inches wide."""
    lines, cjk_lines = text_lines(text, size, width, bold, face)
    line = face_metrics(face, bold).line
    extra = max(0.0, cjk_line() - line)
    return (lines * line + cjk_lines * extra) * size * spacing / POINTS_PER_INCH


@dataclass(frozen=True)
class Block:
    """One paragraph to measure: its text, size, boldness, spacing before it and face."""

    text: str
    size: float
    bold: bool = False
    space_before: float = 0.0  # points
    indent: float = 0.0  # inches taken from the column width (bullets)
    face: str = BODY_FACE  # the typeface's name, as the template gives it


def blocks_height(blocks: Sequence[Block], width: float) -> float:
    """Height in inches of paragraphs stacked in a column ``width`` inches wide."""
    total = 0.0
    for i, block in enumerate(blocks):
        if i:
            total += block.space_before / POINTS_PER_INCH
        total += text_height(block.text, block.size, width - block.indent, block.bold, block.face)
    return total


# --- pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece(Generic[T]):
    """An item to page, measured once: its height at the top of a page, the height it
    adds below another piece (its space before) and the footnotes it brings."""

    item: T
    height: float  # inches
    lead: float = 0.0  # inches more when it follows another piece on its page
    notes: tuple[str, ...] = ()  # footnote keys (source ids), each counted once a page


Room = Callable[[int, float], float]  # (page index, footnote band's height) -> inches


@dataclass(frozen=True)
class Pager:
    """How pages are filled: the room a page has given the height its footnotes take,
    each footnote's height, a height every page needs (a table's header) and
    footnotes the first page carries whatever its pieces."""

    room: Room
    note: Callable[[str], float]
    fixed: float = 0.0
    first_notes: tuple[str, ...] = ()

    def _opening(self, index: int) -> tuple[set[str], float]:
        notes = set(self.first_notes) if index == 0 else set()
        return notes, sum(self.note(n) for n in notes)

    def measure(self, page: Sequence[Piece[T]], index: int) -> tuple[float, float]:
        """The height page ``index`` needs, and the room it has."""
        notes, band = self._opening(index)
        needed = self.fixed
        for i, piece in enumerate(page):
            needed += piece.height + (piece.lead if i else 0.0)
            for note in piece.notes:
                if note not in notes:
                    notes.add(note)
                    band += self.note(note)
        return needed, self.room(index, band)

    def _greedy(self, pieces: Sequence[Piece[T]], factor: float) -> list[list[Piece[T]]]:
        pages: list[list[Piece[T]]] = []
        current: list[Piece[T]] = []
        notes, band = self._opening(0)
        needed = self.fixed
        for piece in pieces:
            grown = needed + (piece.height + (piece.lead if current else 0.0))
            added = _new(piece.notes, notes)
            widened = self._band(band, added)
            if current and grown > self.room(len(pages), widened) * factor:
                pages.append(current)
                current = []
                notes, band = self._opening(len(pages))
                grown = self.fixed + (piece.height + 0.0)
                added = _new(piece.notes, notes)
                widened = self._band(band, added)
            current.append(piece)
            notes.update(added)
            needed, band = grown, widened
        if current:
            pages.append(current)
        return pages

    def _band(self, band: float, added: Sequence[str]) -> float:
        for note in added:
            band += self.note(note)
        return band

    def paginate(self, pieces: Sequence[Piece[T]]) -> list[list[Piece[T]]]:
        """Split ``pieces`` into as few pages as fit, then even the pages out.

        Filling greedily leaves a short last page; the least share of the room that
        still needs no more pages spreads the pieces evenly instead. A piece too big
        for a page even alone still gets one: the caller checks (:meth:`measure`).
        """
        return _even(lambda factor: self._greedy(pieces, factor))


def _new(keys: tuple[str, ...], seen: set[str]) -> Sequence[str]:
    """``keys`` not yet ``seen``, each once."""
    if not keys:
        return ()
    if len(keys) == 1:
        return () if keys[0] in seen else keys
    return [k for k in dict.fromkeys(keys) if k not in seen]


def _even(greedy: Callable[[float], list[list[T]]]) -> list[list[T]]:
    pages = greedy(1.0)
    if len(pages) < 2:
        return pages
    low, high = 0.0, 1.0
    for _ in range(12):
        middle = (low + high) / 2
        if len(greedy(middle)) <= len(pages):
            high = middle
        else:
            low = middle
    return greedy(high)


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

    ``measure(page, page_index)`` gives the height a page needs and the room it has,
    measured again for every trial page: for many items, :class:`Pager` is faster.
    An item too big for a page even alone still gets one: the caller checks.
    """
    return _even(lambda factor: _greedy(items, measure, factor))


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
