"""Advance widths of the typefaces decks are set in, from metric-compatible fonts.

``widths.json`` beside this module is written by ``tools/make_metrics.py`` from the
fonts LibreOffice substitutes for Office's: Carlito sets text exactly as wide as
Calibri, Caladea as Cambria, Liberation Sans, Serif and Mono as Arial (and
Helvetica), Times New Roman and Courier New. Noto Sans and Serif CJK give the widths
of Chinese, Japanese and Korean characters, which every renderer sets in the East
Asian face. The table is read once per process, when text is first measured.

How a template's typeface is measured:

- a face named above, or one of the stand-ins by its own name: that font's widths;
- any other face: for each character the widest of Carlito, Caladea, Liberation
  Sans and Liberation Serif, plus :data:`UNKNOWN_MARGIN`, so that "fits" stays
  true for faces a little wider than Arial (Verdana, Segoe UI, Aptos);
- a character the face's font lacks (a renderer takes it from another font): the
  widest bundled width for it, else one em.

Every width carries :data:`MARGIN`, for the small differences between renderers
(kerning, which only narrows text, is ignored). A line is never less than 1.22 ems
high (Calibri's), and a line holding CJK characters is as high as the CJK font's.
"""

from __future__ import annotations

import json
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

MARGIN = 1.025  # every width, for renderers' small differences
UNKNOWN_MARGIN = 1.1  # more for a face the table does not have
MIN_LINE = 1.22  # ems: Calibri's ascent, descent and line gap
CJK_FACE = "Noto CJK"
# Typeface names (lower case) and the bundled font with their widths.
ALIASES = {
    "calibri": "Carlito",
    "carlito": "Carlito",
    "cambria": "Caladea",
    "caladea": "Caladea",
    "arial": "Liberation Sans",
    "helvetica": "Liberation Sans",
    "liberation sans": "Liberation Sans",
    "times new roman": "Liberation Serif",
    "times": "Liberation Serif",
    "liberation serif": "Liberation Serif",
    "courier new": "Liberation Mono",
    "courier": "Liberation Mono",
    "liberation mono": "Liberation Mono",
}
_PROPORTIONAL = ("Carlito", "Caladea", "Liberation Sans", "Liberation Serif")
_AMBIGUOUS = ("A",)


@dataclass(frozen=True)
class FaceMetrics:
    """One face and weight: each character's width in ems (margins included) and a
    line's height in ems. Characters the face's table lacks (CJK among them) are
    looked up in the CJK font's runs, else are one em wide."""

    name: str
    widths: dict[str, float]
    cjk: Runs
    default: float
    line: float

    def em(self, char: str) -> float:
        width = self.widths.get(char)
        if width is None:
            width = self.cjk.em(ord(char), self.default)
        return width


@dataclass(frozen=True)
class Runs:
    """Widths over runs of consecutive characters: run ``i`` covers ``starts[i]`` to
    ``ends[i]``, each character ``ems[i]`` wide."""

    starts: list[int]
    ends: list[int]
    ems: list[float]

    def em(self, code: int, default: float) -> float:
        i = bisect_right(self.starts, code) - 1
        return self.ems[i] if i >= 0 and code <= self.ends[i] else default


@cache
def _table() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("widths.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data["faces"]  # type: ignore[no-any-return]


def _runs(table: dict[str, Any]) -> Iterator[tuple[int, int, float]]:
    """First character, count and width in ems of each run of the table."""
    units = float(table["units_per_em"])
    for first, *cells in table["widths"]:
        code = first
        for cell in cells:
            width, count = (cell, 1) if isinstance(cell, int) else cell
            yield code, count, width / units
            code += count


def _weight(bold: bool) -> str:
    return "bold" if bold else "regular"


@cache
def raw_widths(face: str, bold: bool) -> dict[str, float]:
    """A bundled Latin font's widths in ems, as the font has them (no margin)."""
    return {
        chr(code + i): width
        for code, count, width in _runs(_table()[face][_weight(bold)])
        for i in range(count)
    }


@cache
def cjk_runs(bold: bool) -> Runs:
    """The CJK font's widths, margin included."""
    runs = list(_runs(_table()[CJK_FACE][_weight(bold)]))
    return Runs(
        [code for code, _, _ in runs],
        [code + count - 1 for code, count, _ in runs],
        [width * MARGIN for _, _, width in runs],
    )


def _line(face: str, bold: bool) -> float:
    return float(_table()[face][_weight(bold)]["line"])


@cache
def _widest(bold: bool) -> dict[str, float]:
    """For each character, the widest of the proportional bundled faces."""
    widest: dict[str, float] = {}
    for face in _PROPORTIONAL:
        for char, width in raw_widths(face, bold).items():
            if width > widest.get(char, 0.0):
                widest[char] = width
    return widest


def bundled(face: str) -> str | None:
    """The bundled font that measures typeface ``face``, or None for an unknown face."""
    return ALIASES.get(face.strip().lower())


@cache
def face_metrics(face: str, bold: bool = False, cjk_text: bool = False) -> FaceMetrics:
    """How wide typeface ``face`` sets each character.

    With ``cjk_text``, for text that holds CJK characters: characters of ambiguous
    width (curly quotes, dashes, the middle dot) are as wide as the CJK font's,
    where that is wider, since renderers may set them in the East Asian face.
    """
    name = bundled(face)
    if name is None:
        own, margin = _widest(bold), MARGIN * UNKNOWN_MARGIN
        line = max(_line(f, bold) for f in _PROPORTIONAL)
    else:
        own, margin, line = raw_widths(name, bold), MARGIN, _line(name, bold)
    widths = {c: w * margin for c, w in _widest(bold).items()}
    widths.update({c: w * margin for c, w in own.items()})
    cjk = cjk_runs(bold)
    if cjk_text:
        for char, width in widths.items():
            if _ambiguous(char):
                widths[char] = max(width, cjk.em(ord(char), 0.0))
    return FaceMetrics(name or face, widths, cjk, margin, max(MIN_LINE, line))


def cjk_line() -> float:
    """A line's height in ems when it holds CJK characters."""
    return max(MIN_LINE, _line(CJK_FACE, False), _line(CJK_FACE, True))


def is_wide(char: str) -> bool:
    """Full-width characters (CJK ideographs, kana, hangul, full-width forms)."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _ambiguous(char: str) -> bool:
    return unicodedata.east_asian_width(char) in _AMBIGUOUS
