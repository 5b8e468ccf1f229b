"""Slide text is written from copies of each style's first run, paragraph and cell.

The XML must be what python-pptx writes through its own API, run by run: here the
same paragraphs, lines and cells are written both ways and compared as bytes. Whole
decks are then checked for what PowerPoint needs: every run with its typefaces and
languages, and every element's children in the schema's order (PowerPoint offers to
repair a file whose order is wrong).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Inches, Pt

from briefgen.deck.cite import SlideCitations
from briefgen.deck.content import BULLET_INDENT, Para, Span
from briefgen.deck.fit import has_cjk
from briefgen.deck.geometry import Box
from briefgen.deck.tables import (
    HEADER_FILL,
    MARGIN_X,
    MARGIN_Y,
    Fill,
    add_table,
    set_heights,
    set_widths,
)
from briefgen.deck.text import write_lines, write_paras
from briefgen.load import load_pack
from briefgen.render_deck import render_deck
from briefgen.resolve import Resolved, resolve_pack
from briefgen.templates import BUILTIN_DIR, Fonts, Template, find_template, search_path

from .conftest import FIXTURES, REAL_PACK

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
TEMPLATES = ("default", "board", "teaser", "ic")


def template(name: str) -> Template:
    return find_template(name, search_path(None, Path("/nonexistent")))


@pytest.fixture(scope="module")
def full() -> Resolved:
    return resolve_pack(load_pack(FIXTURES / "full"))


# --- python-pptx's own way: each run, paragraph and cell through its API --------------------

_TONES = {
    "muted": (MSO_THEME_COLOR.TEXT_1, 0.35),
    "accent": (MSO_THEME_COLOR.ACCENT_1, 0.0),
    "inverse": (MSO_THEME_COLOR.BACKGROUND_1, 0.0),
}
_ALIGNS = {"l": PP_ALIGN.LEFT, "r": PP_ALIGN.RIGHT, "ctr": PP_ALIGN.CENTER}


def api_fonts(rpr: Any, fonts: Fonts, text: str) -> None:
    cjk = has_cjk(text)
    rpr.set("lang", fonts.east_asian_lang if cjk else fonts.lang)
    rpr.set("altLang", fonts.lang if cjk else fonts.east_asian_lang)
    for old in [c for c in rpr if c.tag in (qn("a:latin"), qn("a:ea"), qn("a:cs"))]:
        rpr.remove(old)
    for tag, face in (("a:latin", fonts.latin), ("a:ea", fonts.east_asian), ("a:cs", fonts.latin)):
        font = OxmlElement(tag)
        font.set("typeface", face)
        rpr.append(font)


def api_run(paragraph: Any, text: str, fonts: Fonts, size: Any, bold: bool, tone: str) -> None:
    run = paragraph.add_run()
    run.text = text
    if size is not None:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if tone != "normal":
        color, brightness = _TONES[tone]
        run.font.color.theme_color = color
        if brightness:
            run.font.color.brightness = brightness
    api_fonts(run._r.get_or_add_rPr(), fonts, run.text)


def api_paras(frame: Any, paras: Sequence[Para], fonts: Fonts, cites: Any, bullets: bool) -> None:
    frame.clear()
    for i, para in enumerate(paras):
        used = fonts.for_headings() if para.face == "heading" else fonts
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if para.space_before and i:
            paragraph.space_before = Pt(para.space_before)
        elif i == 0:
            paragraph.space_before = Pt(0)
        if para.align is not None:
            paragraph.alignment = _ALIGNS[para.align]
        ppr = paragraph._p.get_or_add_pPr() if not para.bullet or bullets else None
        if ppr is not None and not para.bullet:
            ppr.set("marL", "0")
            ppr.set("indent", "0")
            for old in [c for c in ppr if c.tag in (qn("a:buNone"), qn("a:buChar"))]:
                ppr.remove(old)
            ppr.append(OxmlElement("a:buNone"))
        elif ppr is not None:
            ppr.set("marL", str(int(Inches(BULLET_INDENT))))
            ppr.set("indent", str(-int(Inches(BULLET_INDENT))))
            ppr.append(OxmlElement("a:buChar"))
            ppr[-1].set("char", "•")
        for span in para.spans:
            bold = para.bold or span.bold
            if span.text:
                api_run(paragraph, span.text, used, para.size, bold, para.tone)
            figures = (span.figure,) if span.figure else ()
            marker = cites.mark(figures, span.sources) if figures or span.sources else ""
            if marker:
                api_run(paragraph, marker, used, para.size, bold, para.tone)
        end = paragraph._p.get_or_add_endParaRPr()
        end.set("sz", str(int(para.size * 100)))
        api_fonts(end, used, "")


def api_cell(cell: Any, paras: Sequence[Para], fonts: Fonts, cites: Any, fill: Fill) -> None:
    cell.text_frame.word_wrap = True
    api_paras(cell.text_frame, paras, fonts, cites, False)
    cell.margin_left = cell.margin_right = Inches(MARGIN_X)
    cell.margin_top = cell.margin_bottom = Inches(MARGIN_Y)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    cell.fill.solid()
    cell.fill.fore_color.theme_color = fill[0]
    if fill[1]:
        cell.fill.fore_color.brightness = fill[1]


# --- both ways, compared -----------------------------------------------------------------------


def sample_paras(resolved: Resolved) -> list[Para]:
    """Paragraphs in many styles: sizes, weights, tones, faces, bullets, alignments,
    spacing, markers, Chinese text, control characters and empty spans."""
    figure, other = list(resolved.figures)[:2]
    source = next(iter(resolved.sources))
    return [
        Para((Span("Headline "), Span("12.5bn", figure=figure)), 20, bold=True, tone="accent"),
        Para((Span("阿里巴巴 cloud"), Span(" grew", bold=True)), 16, bullet=True, space_before=9.6),
        Para((Span("A claim", sources=(source,)),), 14, tone="muted", align="r"),
        Para((Span("Tile", figure=other),), 44, face="heading", tone="accent", align="ctr"),
        Para((Span(""), Span("bell\x07 and tab\t"), Span("", sources=(source,))), 12.7),
        Para((Span("White"),), 12, tone="inverse", space_before=0.0, bullet=True),
        Para((), 18, space_before=4),
    ]


def slide_frames(count: int) -> tuple[Any, list[Any]]:
    prs = Presentation(str(BUILTIN_DIR / "default" / "template.pptx"))
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    boxes = [slide.shapes.add_textbox(0, 0, Inches(4), Inches(2)) for _ in range(count)]
    return slide, [box.text_frame for box in boxes]


def xml(element: Any) -> bytes:
    return bytes(etree.tostring(element))


@pytest.mark.parametrize("name", ["default", "board"])
@pytest.mark.parametrize("bullets", [False, True])
def test_paragraphs_are_written_as_python_pptx_writes_them(
    full: Resolved, name: str, bullets: bool
) -> None:
    fonts = template(name).manifest.fonts
    paras = sample_paras(full)
    _, (ours, theirs) = slide_frames(2)
    ours_cites, their_cites = SlideCitations(full), SlideCitations(full)
    for _ in range(2):  # the second time from the kept styles, over the first text
        write_paras(ours, paras, fonts, ours_cites, explicit_bullets=bullets)
        api_paras(theirs, paras, fonts, their_cites, bullets)
        assert xml(ours._txBody) == xml(theirs._txBody)
    assert ours_cites.numbers == their_cites.numbers and ours_cites.numbers


def test_a_first_paragraph_keeps_its_own_properties(full: Resolved) -> None:
    fonts = template("default").manifest.fonts
    _, (ours, theirs) = slide_frames(2)
    for frame in (ours, theirs):
        frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
        frame.paragraphs[0].add_run().text = "old"
        frame.paragraphs[0]._p.get_or_add_endParaRPr().set("dirty", "0")
    write_paras(ours, sample_paras(full), fonts, SlideCitations(full))
    api_paras(theirs, sample_paras(full), fonts, SlideCitations(full), False)
    assert b'algn="r"' in xml(ours._txBody) and b"dirty" in xml(ours._txBody)
    assert xml(ours._txBody) == xml(theirs._txBody)


def test_lines_are_written_as_python_pptx_writes_them() -> None:
    fonts = template("ic").manifest.fonts
    lines = ["¹ Lantern Group, “Results”", "", "² 阿里巴巴, “业绩”", "  indented\x0b line"]
    _, (ours, theirs) = slide_frames(2)
    for frame in (ours, theirs):
        frame.paragraphs[0]._p.get_or_add_endParaRPr()
        frame.add_paragraph().add_run().text = "old"
    write_lines(ours._txBody, lines, fonts, 9, tone="muted")
    theirs.clear()
    for i, line in enumerate(lines):
        paragraph = theirs.paragraphs[0] if i == 0 else theirs.add_paragraph()
        api_run(paragraph, line, fonts, 9, False, "muted")
    assert xml(ours._txBody) == xml(theirs._txBody)


FILLS: list[Fill] = [
    HEADER_FILL,
    (MSO_THEME_COLOR.BACKGROUND_1, -0.05),
    (MSO_THEME_COLOR.ACCENT_2, 0.45),
]


def test_tables_are_written_as_python_pptx_writes_them(full: Resolved) -> None:
    fonts = template("default").manifest.fonts
    slide, _ = slide_frames(0)
    paras = sample_paras(full)
    rows = [[(paras[r + c : r + c + 2], FILLS[(r + c) % 3]) for c in range(3)] for r in range(4)]
    ours_cites, their_cites = SlideCitations(full), SlideCitations(full)
    writer = SimpleNamespace(slide=slide, fonts=fonts, cites=ours_cites)
    box = Box(Inches(1), Inches(2), Inches(6), Inches(3))
    ours = add_table(writer, box, rows)
    widths, heights = [Inches(1), Inches(2), Inches(3)], [Inches(0.5), *[Inches(0.8)] * 3]
    set_widths(ours, widths)
    set_heights(ours, heights)
    theirs = slide.shapes.add_table(4, 3, box.x, box.y, box.w, box.h)
    for c, width in enumerate(widths):
        theirs.table.columns[c].width = width
    for r, row in enumerate(rows):
        for c, (cell_paras, fill) in enumerate(row):
            api_cell(theirs.table.cell(r, c), cell_paras, fonts, their_cites, fill)
    for r, height in enumerate(heights):
        theirs.table.rows[r].height = height
    assert xml(ours.table._tbl) == xml(theirs.table._tbl)
    assert (ours.width, ours.height) == (theirs.width, theirs.height) == (Inches(6), Inches(2.9))
    assert ours_cites.numbers == their_cites.numbers and ours_cites.numbers


# --- whole decks: what PowerPoint needs -------------------------------------------------------

R_PR = [
    ["ln"],
    ["noFill", "solidFill", "gradFill", "blipFill", "pattFill", "grpFill"],
    ["effectLst", "effectDag"],
    ["highlight"],
    ["uLnTx", "uLn"],
    ["uFillTx", "uFill"],
    ["latin"],
    ["ea"],
    ["cs"],
    ["sym"],
    ["hlinkClick"],
    ["hlinkMouseOver"],
    ["rtl"],
    ["extLst"],
]
P_PR = [
    ["lnSpc"],
    ["spcBef"],
    ["spcAft"],
    ["buClrTx", "buClr"],
    ["buSzTx", "buSzPct", "buSzPts"],
    ["buFontTx", "buFont"],
    ["buNone", "buAutoNum", "buChar", "buBlip"],
    ["tabLst"],
    ["defRPr"],
    ["extLst"],
]
PARAGRAPH = [["pPr"], ["r", "br", "fld"], ["endParaRPr"]]
TEXT_BODY = [["bodyPr"], ["lstStyle"], ["p"]]
CELL = [["txBody"], ["tcPr"], ["extLst"]]
CELL_PR = [
    ["lnL"],
    ["lnR"],
    ["lnT"],
    ["lnB"],
    ["lnTlToBr"],
    ["lnBlToTr"],
    ["cell3D"],
    ["noFill", "solidFill", "gradFill", "blipFill", "pattFill", "grpFill"],
    ["headers"],
    ["extLst"],
]
ORDERS = {
    "rPr": R_PR,
    "endParaRPr": R_PR,
    "defRPr": R_PR,
    "pPr": P_PR,
    "p": PARAGRAPH,
    "txBody": TEXT_BODY,
    "tc": CELL,
    "tcPr": CELL_PR,
}


def out_of_order(element: Any, order: list[list[str]]) -> str | None:
    """The first child out of the schema's order (or unknown to it), as text; else None."""
    rank = {f"{A}{tag}": i for i, tags in enumerate(order) for tag in tags}
    last = -1
    for child in element:
        here = rank.get(child.tag)
        if here is None or here < last:
            names = [etree.QName(c).localname for c in element]
            return f"{etree.QName(element).localname}: {names}"
        last = here
    return None


def parts(deck: bytes) -> dict[str, Any]:
    """Each slide's and notes slide's XML, parsed, by part name."""
    prs = Presentation(io.BytesIO(deck))
    found = {}
    for slide in prs.slides:
        found[str(slide.part.partname)] = slide._element
        if slide.has_notes_slide:
            found[str(slide.notes_slide.part.partname)] = slide.notes_slide._element
    return found


@pytest.fixture(scope="module")
def decks() -> dict[str, bytes]:
    """The real pack with every built-in template, rendered one after another in this
    process, so that each template's styles follow others' in the kept ones."""
    resolved = resolve_pack(load_pack(REAL_PACK))
    return {name: render_deck(resolved, template(name)) for name in TEMPLATES}


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_run_carries_the_templates_fonts_and_languages(
    decks: dict[str, bytes], name: str
) -> None:
    fonts = template(name).manifest.fonts
    faces = {
        (f.latin, f.east_asian, f.latin) for f in (fonts, fonts.for_headings())
    }  # body and heading
    runs = [r for xml_ in parts(decks[name]).values() for r in xml_.iter(f"{A}r")]
    assert len(runs) > 100
    for run in runs:
        rpr, text = run.find(f"{A}rPr"), run.findtext(f"{A}t") or ""
        assert rpr is not None, text
        found = tuple(rpr.find(f"{A}{tag}").get("typeface") for tag in ("latin", "ea", "cs"))
        assert found in faces, (text, found)
        cjk = has_cjk(text)
        assert rpr.get("lang") == (fonts.east_asian_lang if cjk else fonts.lang), text
        assert rpr.get("altLang") == (fonts.lang if cjk else fonts.east_asian_lang), text


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_text_element_is_in_schema_order(decks: dict[str, bytes], name: str) -> None:
    checked = 0
    for part, root in parts(decks[name]).items():
        for local, order in ORDERS.items():
            for element in root.iter(f"{A}{local}", f"{P}{local}"):
                if local == "txBody" or etree.QName(element).namespace == A[1:-1]:
                    problem = out_of_order(element, order)
                    assert problem is None, f"{part}: {problem}"
                    checked += 1
    assert checked > 300


@pytest.mark.parametrize("name", TEMPLATES)
def test_footnote_bands_are_numbered_and_placed_as_their_own_shapes(
    decks: dict[str, bytes], name: str
) -> None:
    prs = Presentation(io.BytesIO(decks[name]))
    banded = 0
    for slide in prs.slides:
        ids = [shape.shape_id for shape in slide.shapes]
        assert len(ids) == len(set(ids)), ids
        shapes = {shape.name: shape for shape in slide.shapes}
        box, rule = shapes.get("Footnotes"), shapes.get("Footnote Rule")
        assert (box is None) == (rule is None)
        if box is None or rule is None:
            continue
        banded += 1
        assert rule.shape_id == box.shape_id + 1
        assert (rule.left, rule.top, rule.width, rule.height) == (
            box.left,
            box.top,
            Inches(1.5),
            0,
        )
        assert box.text_frame.text.startswith("¹ ")
    assert banded >= 3


@pytest.mark.parametrize("name", ["default", "board", "teaser", "ic"])
def test_placeholder_boxes_are_python_pptx_s_own(name: str, tmp_path: Path) -> None:
    """box_of looks a placeholder's base up once for all four dimensions; python-pptx
    looks it up for each. Every placeholder of every layout, of a slide on each layout
    (which sets no box of its own), and of one that sets only its position, must come out
    as python-pptx reads it."""
    from briefgen.deck.geometry import box_of

    prs = Presentation(str(BUILTIN_DIR / name / "template.pptx"))
    shapes: list[Any] = list(prs.slide_master.placeholders)
    for layout in prs.slide_layouts:
        shapes += list(layout.placeholders)
        slide = prs.slides.add_slide(layout)
        shapes += list(slide.placeholders)
    moved = next(s for s in prs.slides[0].placeholders)
    moved.left, moved.top = Inches(1), Inches(2)  # an a:xfrm with an offset only
    del moved._element.spPr.xfrm[1:]
    assert moved._element.spPr.xfrm.ext is None
    assert len(shapes) > 10
    for shape in shapes:
        expected = Box(int(shape.left), int(shape.top), int(shape.width), int(shape.height))
        assert box_of(shape) == expected, (name, shape.name)
