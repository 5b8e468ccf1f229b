"""Measuring text with the fonts' real advance widths, wrapping it, and paging it.

Expected widths are read here from the font files themselves with fontTools, apart
from the bundled table, so a stale or wrongly built table fails. Without the fonts
(Debian's fonts-crosextra-carlito, fonts-crosextra-caladea, fonts-liberation2 and
fonts-noto-cjk) those tests skip, except under CI, where they fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.deck.fit import (
    AUTOSPACE,
    Block,
    Pager,
    Piece,
    blocks_height,
    line_count,
    line_height,
    paginate,
    text_height,
    text_lines,
    text_width,
)
from briefgen.deck.metrics import MARGIN, UNKNOWN_MARGIN, bundled, face_metrics

from .conftest import ROOT

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
SAMPLES = (
    "Revenue grew 13% to RMB 31.74bn",
    "Capex: US$53bn (FY2026–FY2028) — “at least”",
    "Wąż, façade, Ærø, naïve, Straße",
    "WWW mmm iii lll 0123456789 @&%",
)
FACES = [
    ("Calibri", False, "Carlito-Regular.ttf"),
    ("Calibri", True, "Carlito-Bold.ttf"),
    ("Carlito", False, "Carlito-Regular.ttf"),
    ("Cambria", False, "Caladea-Regular.ttf"),
    ("Cambria", True, "Caladea-Bold.ttf"),
    ("Arial", False, "LiberationSans-Regular.ttf"),
    ("Helvetica", True, "LiberationSans-Bold.ttf"),
    ("Liberation Sans", False, "LiberationSans-Regular.ttf"),
    ("Times New Roman", False, "LiberationSerif-Regular.ttf"),
    ("Times New Roman", True, "LiberationSerif-Bold.ttf"),
    ("Courier New", False, "LiberationMono-Regular.ttf"),
]
PROPORTIONAL = ("Carlito", "Caladea", "LiberationSans", "LiberationSerif")
KNOWN = ("Calibri", "Cambria", "Arial", "Times New Roman", "Courier New")


def _missing(what: str) -> Any:
    if os.environ.get("CI"):
        pytest.fail(f"CI must measure against the fonts; not installed: {what}")
    pytest.skip(f"not installed: {what}")


def _font_file(name: str) -> Path:
    for folder in FONT_DIRS:
        found = sorted(folder.rglob(name)) if folder.is_dir() else []
        if found:
            return found[0]
    return _missing(name)  # type: ignore[no-any-return]


@cache
def _advances(name: str) -> tuple[dict[int, int], int]:
    """Each character's advance width in the font file ``name``, and its units per em."""
    try:
        from fontTools.ttLib import TTCollection, TTFont
    except ImportError:
        return _missing("fontTools (pip install -e '.[dev]')")  # type: ignore[no-any-return]
    path = _font_file(name)
    if path.suffix == ".ttc":
        with TTCollection(str(path)) as collection:
            font = next(f for f in collection.fonts if f["name"].getDebugName(1).endswith(" SC"))
            return _read(font)
    with TTFont(str(path)) as font:
        return _read(font)


def _read(font: Any) -> tuple[dict[int, int], int]:
    metrics = font["hmtx"].metrics
    return {code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()}, font[
        "head"
    ].unitsPerEm


def _advance_ems(name: str, text: str) -> float:
    """The sum of the glyphs' advance widths, in ems, read from the font file."""
    advances, units = _advances(name)
    return sum(advances[ord(c)] for c in text) / units


# -- widths ---------------------------------------------------------------------------


@pytest.mark.parametrize(("face", "bold", "file"), FACES)
@pytest.mark.parametrize("text", SAMPLES)
def test_width_is_the_fonts_advance_widths_summed(
    face: str, bold: bool, file: str, text: str
) -> None:
    """A character the font lacks counts as wide as the widest proportional font sets it."""
    weight = "Bold" if bold else "Regular"
    others = [f"{name}-{weight}.ttf" for name in PROPORTIONAL]
    expected = sum(
        _advance_ems(file, c)
        if ord(c) in _advances(file)[0]
        else max(_advance_ems(other, c) for other in others if ord(c) in _advances(other)[0])
        for c in text
    )
    assert text_width(text, 11, bold=bold, face=face) == pytest.approx(
        expected * 11 / 72 * MARGIN, rel=1e-9
    )


def test_face_names_are_matched_whatever_their_case_and_spacing() -> None:
    assert text_width("Revenue", 12, face="  CALIBRI ") == text_width("Revenue", 12, face="Calibri")
    assert bundled("times new roman") == "Liberation Serif"
    assert bundled("Segoe UI") is None


def test_cjk_characters_are_one_em_wide_in_any_face() -> None:
    assert _advance_ems("NotoSansCJK-Regular.ttc", "阿里巴巴集团") == 6.0
    for face in (*KNOWN, "Unheard Of Sans"):
        assert text_width("阿里巴巴集团", 12, face=face) == pytest.approx(6 * 12 / 72 * MARGIN)
        assert text_width("淘宝", 12, bold=True, face=face) == pytest.approx(2 * 12 / 72 * MARGIN)


def test_chinese_is_set_a_quarter_em_apart_from_other_text() -> None:
    em = 12 / 72 * MARGIN
    alone = text_width("Competition on ", 12) + text_width("淘宝", 12) + text_width(" and", 12)
    assert text_width("Competition on 淘宝 and", 12) == pytest.approx(alone + 2 * AUTOSPACE * em)
    assert text_width("淘宝天猫", 12) == pytest.approx(4 * em)  # none between CJK characters


def test_quotes_next_to_chinese_are_measured_as_wide_as_the_cjk_font_sets_them() -> None:
    em = 12 / 72 * MARGIN
    assert text_width("“Taobao”", 12) - text_width("Taobao", 12) < em
    # Noto CJK sets curly quotes a full em wide
    assert text_width("“淘宝”", 12) == pytest.approx((4 + 2 * AUTOSPACE) * em)


@pytest.mark.parametrize("text", SAMPLES)
def test_an_unknown_face_is_measured_wider_than_every_known_one(text: str) -> None:
    unknown = text_width(text, 12, face="Unheard Of Sans")
    for face in KNOWN[:-1]:  # the monospaced face excepted: it is named when used
        assert unknown > text_width(text, 12, face=face)
    for char in text:
        widest = max(text_width(char, 12, face=f) for f in KNOWN[:-1])
        assert text_width(char, 12, face="Unheard Of Sans") >= widest * UNKNOWN_MARGIN - 1e-12


@pytest.mark.parametrize("face", KNOWN)
def test_bold_is_wider_than_regular(face: str) -> None:
    text = "Cloud revenue grew 13% to RMB 31.74bn"
    bold, regular = text_width(text, 12, bold=True, face=face), text_width(text, 12, face=face)
    if face == "Courier New":  # monospaced: every character 0.6 em, bold or not
        assert bold == regular == pytest.approx(len(text) * 0.6 * 12 / 72 * MARGIN, rel=1e-3)
    else:
        assert bold > regular


def test_faces_differ_as_the_real_fonts_do() -> None:
    text = "Management describes the plan as the largest commitment"
    calibri, arial = text_width(text, 12, face="Calibri"), text_width(text, 12, face="Arial")
    assert 1.05 < arial / calibri < 1.2  # Arial sets text roughly a tenth wider than Calibri


def test_a_character_no_font_has_is_one_em_wide() -> None:
    assert text_width("\U0001f600", 12) == pytest.approx(12 / 72 * MARGIN)
    assert face_metrics("Calibri").em("\U0001f600") == MARGIN


# -- wrapping -------------------------------------------------------------------------


def test_lines_wrap_at_spaces_and_trailing_spaces_take_no_room() -> None:
    text = "alpha beta gamma"
    whole = text_width(text, 12)
    assert line_count(text, 12, whole + 1e-9) == 1
    assert line_count(text + "   ", 12, whole + 1e-9) == 1
    assert line_count(text, 12, whole - 0.001) == 2
    two = text_width("alpha beta", 12)
    assert line_count(text, 12, two + 0.001) == 2
    assert line_count(text, 12, two - 0.001) == 3
    assert line_count(text, 24, 2 * two + 0.002) == 2  # twice the size, twice the column
    assert line_count(text, 24, two + 0.001) == 4  # "gamma" alone is wider: it breaks


def test_a_word_longer_than_the_line_breaks_inside_the_word() -> None:
    word = "Supercalifragilistic"
    width = text_width(word, 12)
    assert line_count(word, 12, width / 2 + 0.001) == 2
    assert line_count(word, 12, width / 3 + 0.001) == 3
    assert line_count("a " + word, 12, width / 2 + 0.001) == 3


def test_chinese_breaks_between_any_two_characters() -> None:
    one = text_width("阿", 12)
    assert line_count("阿里巴巴集团", 12, 3 * one + 0.001) == 2
    assert line_count("阿里巴巴集团", 12, 2 * one + 0.001) == 3
    assert text_lines("Alibaba 阿里巴巴集团", 12, text_width("Alibaba ", 12) + 0.001) == (3, 2)


def test_a_line_holding_chinese_is_as_high_as_the_cjk_font_sets_it() -> None:
    latin = text_height("Alibaba Group", 12, 5.0)
    assert latin == pytest.approx(line_height(12))
    assert latin == pytest.approx(12 * 1.2207 / 72)  # Carlito's ascent, descent and gap
    assert text_height("Alibaba 阿里巴巴", 12, 5.0) == pytest.approx(12 * 1.448 / 72)
    narrow = text_width("Alibaba ", 12) + 0.001
    assert text_height("Alibaba 阿里 Alibaba", 12, narrow) == pytest.approx(
        12 * (1.2207 * 2 + 1.448) / 72
    )


def test_a_line_is_never_lower_than_calibris() -> None:
    assert line_height(12, face="Arial") == pytest.approx(12 * 1.22 / 72)  # Arial's own: 1.15
    assert line_height(12, face="Cambria") > line_height(12)  # Caladea's Windows metrics: 1.3


def test_blocks_stack_with_space_between_not_before_the_first() -> None:
    blocks = [
        Block("Heading", 20, bold=True, space_before=30),
        Block("Body text", 12, space_before=6),
    ]
    expected = line_height(20, bold=True) + 6 / 72 + line_height(12)
    assert blocks_height(blocks, 5.0) == pytest.approx(expected)
    bullet = Block("alpha beta gamma", 12, indent=0.35)
    width = text_width("alpha beta gamma", 12) + 0.2
    assert blocks_height([bullet], width) == pytest.approx(2 * line_height(12))
    assert blocks_height([bullet], width + 0.35) == pytest.approx(line_height(12))


# -- pages ----------------------------------------------------------------------------

NOTE = 0.3  # inches each footnote takes in the pager below


def _pager(room: float = 10.0, fixed: float = 0.0, first: Sequence[str] = ()) -> Pager:
    def space(index: int, band: float) -> float:
        return room - (band + 0.2 if band else 0.0)

    return Pager(space, lambda note: NOTE, fixed, tuple(first))


pieces_strategy = st.lists(
    st.tuples(
        st.floats(0.1, 6.0),
        st.floats(0.0, 0.5),
        st.lists(st.sampled_from("abcdef"), max_size=3),
    ),
    max_size=40,
)


def _pieces(raw: list[tuple[float, float, list[str]]]) -> list[Piece[int]]:
    return [Piece(i, h, lead, tuple(n)) for i, (h, lead, n) in enumerate(raw)]


@settings(max_examples=200, deadline=None)
@given(raw=pieces_strategy, fixed=st.floats(0.0, 1.0), first=st.lists(st.sampled_from("aeg")))
def test_pages_keep_every_piece_in_order_and_each_fits_or_holds_one(
    raw: list[tuple[float, float, list[str]]], fixed: float, first: list[str]
) -> None:
    pager = _pager(fixed=fixed, first=first)
    pieces = _pieces(raw)
    pages = pager.paginate(pieces)
    assert [p.item for page in pages for p in page] == list(range(len(pieces)))
    assert all(pages)
    for index, page in enumerate(pages):
        needed, room = pager.measure(page, index)
        assert needed <= room + 1e-9 or len(page) == 1
    greedy = pager._greedy(pieces, 1.0)
    assert len(pages) == len(greedy)  # evening out never costs a page


@settings(max_examples=200, deadline=None)
@given(raw=pieces_strategy, first=st.lists(st.sampled_from("aeg")))
def test_pages_from_measured_pieces_are_those_from_measuring_whole_pages(
    raw: list[tuple[float, float, list[str]]], first: list[str]
) -> None:
    pager = _pager(fixed=0.4, first=first)
    pieces = _pieces(raw)

    def measure(page: Sequence[Piece[int]], index: int) -> tuple[float, float]:
        return pager.measure(page, index)

    assert paginate(pieces, measure) == pager.paginate(pieces)


def test_footnotes_a_page_shares_are_counted_once() -> None:
    pager = _pager(room=4.0)
    page = [Piece(0, 1.0, notes=("a", "b")), Piece(1, 1.0, 0.1, notes=("b", "a"))]
    needed, room = pager.measure(page, 0)
    assert needed == pytest.approx(2.1)
    assert room == pytest.approx(4.0 - 2 * NOTE - 0.2)


def test_pages_are_evened_out_rather_than_leaving_a_short_last_page() -> None:
    pieces = [Piece(i, 1.0) for i in range(7)]
    pages = _pager(room=6.0).paginate(pieces)
    assert [len(page) for page in pages] == [4, 3]


def test_a_piece_too_big_for_any_page_gets_a_page_of_its_own() -> None:
    pieces = [Piece(0, 1.0), Piece(1, 12.0), Piece(2, 1.0)]
    pages = _pager(room=10.0).paginate(pieces)
    assert [[p.item for p in page] for page in pages] == [[0], [1], [2]]
    needed, room = _pager(room=10.0).measure(pages[1], 1)
    assert needed > room


# -- the committed table ----------------------------------------------------------------


def test_the_bundled_table_is_what_the_fonts_give() -> None:
    _advances("Carlito-Regular.ttf")  # skips (or fails under CI) without fontTools or fonts
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_metrics.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
