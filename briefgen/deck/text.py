"""Writing paragraphs into python-pptx text frames, every run with its fonts.

Each run gets the template's latin and East Asian typefaces and a language pair,
so Chinese names render with a CJK font in PowerPoint and LibreOffice alike
instead of showing missing-glyph boxes.

A deck writes thousands of runs in a few dozen styles, so each style's XML is made
once, by python-pptx, and copied after: the first run of a style (its ``a:rPr``) and
the first paragraph of a style (its ``a:pPr`` and ``a:endParaRPr``) are built on a
scratch paragraph and kept; every later one is a copy of that element tree, with its
own text. The XML is the same as python-pptx makes run by run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import PP_ALIGN
from pptx.oxml import oxml_parser
from pptx.oxml import parse_xml as _parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.text.text import _Paragraph, _Run
from pptx.util import Inches, Pt

from briefgen.deck.cite import SlideCitations
from briefgen.deck.content import BULLET_INDENT, Align, Para, Tone
from briefgen.deck.fit import has_cjk
from briefgen.templates import Fonts

_PARSE: Any = _parse_xml  # python-pptx leaves it unannotated
_MAKE: Any = oxml_parser.makeelement
_PARAGRAPH: Any = _Paragraph  # a paragraph or run proxy without a parent shape
_RUN: Any = _Run
_NSMAP = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
_P, _R, _BR, _FLD, _END = (qn(t) for t in ("a:p", "a:r", "a:br", "a:fld", "a:endParaRPr"))
_CONTENT = frozenset((_R, _BR, _FLD))  # what clearing a paragraph removes
_FACES = frozenset(qn(t) for t in ("a:latin", "a:ea", "a:cs"))
_AFTER_FACES = tuple(
    qn(t) for t in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")
)
_LATIN, _EA, _CS = qn("a:latin"), qn("a:ea"), qn("a:cs")
_CTRL = re.compile(r"[\x00-\x08\x0B-\x1F]")  # escaped in run text, as python-pptx does
_STYLES = 512  # run and paragraph styles kept; a deck uses a few dozen


def copy_element(element: Any) -> Any:
    """A deep copy of an element (as ``copy.deepcopy``, without its bookkeeping)."""
    return element.__deepcopy__(None)


def xml_element(xml: str) -> Any:
    """An element parsed from XML text, with python-pptx's element classes."""
    return _PARSE(xml)


@lru_cache(maxsize=256)
def _clark(tag: str) -> tuple[str, dict[str, str]]:
    prefix = tag.split(":", 1)[0]
    return qn(tag), {prefix: qn(tag)[1:].split("}", 1)[0]}


def element(tag: str, **attrs: str) -> Any:
    """A new element ``tag`` (``"c:marker"``) with attributes."""
    clark, nsmap = _clark(tag)
    made = _MAKE(clark, nsmap=nsmap)
    for key, value in attrs.items():
        made.set(key, value)
    return made


def sub_element(parent: Any, tag: str, **attrs: str) -> Any:
    made = element(tag, **attrs)
    parent.append(made)
    return made


_ALIGN = {"l": PP_ALIGN.LEFT, "r": PP_ALIGN.RIGHT, "ctr": PP_ALIGN.CENTER}
_TONE: dict[Tone, tuple[Any, float]] = {
    "muted": (MSO_THEME_COLOR.TEXT_1, 0.35),
    "accent": (MSO_THEME_COLOR.ACCENT_1, 0.0),
    "inverse": (MSO_THEME_COLOR.BACKGROUND_1, 0.0),
}


def set_fonts(rpr: Any, fonts: Fonts, text: str) -> None:
    """Typefaces and languages on one ``a:rPr`` (or ``a:defRPr``/``a:endParaRPr``)."""
    _set_faces(rpr, _font_key(fonts), has_cjk(text))


FontKey = tuple[str, str, str, str]  # latin and East Asian faces, their languages


def _font_key(fonts: Fonts) -> FontKey:
    return fonts.latin, fonts.east_asian, fonts.lang, fonts.east_asian_lang


def _heading_key(fonts: Fonts) -> FontKey:
    """The font key of ``fonts.for_headings()``."""
    latin = fonts.heading or fonts.latin
    return latin, fonts.heading_east_asian or fonts.east_asian, fonts.lang, fonts.east_asian_lang


def _set_faces(rpr: Any, key: FontKey, cjk: bool) -> None:
    latin, east_asian, lang, east_asian_lang = key
    rpr.set("lang", east_asian_lang if cjk else lang)
    rpr.set("altLang", lang if cjk else east_asian_lang)
    for old in [child for child in rpr if child.tag in _FACES]:
        rpr.remove(old)
    anchor = None
    for tag in _AFTER_FACES:
        anchor = rpr.find(tag)
        if anchor is not None:
            break
    for tag, face in ((_LATIN, latin), (_EA, east_asian), (_CS, latin)):
        font = _MAKE(tag, nsmap=_NSMAP)
        font.set("typeface", face)
        if anchor is None:
            rpr.append(font)
        else:
            anchor.addprevious(font)


def _style_rpr(
    rpr: Any, key: FontKey, size: float | None, bold: bool, tone: Tone, cjk: bool
) -> None:
    """Size, weight, colour, typefaces and languages on a run's ``a:rPr``."""
    font = _RUN(rpr.getparent(), None).font
    if size is not None:
        font.size = Pt(size)
    if bold:
        font.bold = True
    if tone != "normal":
        color, brightness = _TONE[tone]
        font.color.theme_color = color
        if brightness:
            font.color.brightness = brightness
    _set_faces(rpr, key, cjk)


def _scratch() -> Any:
    return _PARSE(f"<a:p {nsdecls('a')}/>")


@lru_cache(maxsize=_STYLES)
def _run_style(key: FontKey, size: float | None, bold: bool, tone: Tone, cjk: bool) -> Any:
    """An ``a:r`` of this style with an empty ``a:t``: the original of its copies."""
    run = _scratch().add_r()
    _style_rpr(run.get_or_add_rPr(), key, size, bold, tone, cjk)
    return run


def _run(text: str, key: FontKey, size: float | None, bold: bool, tone: Tone) -> Any:
    """A styled ``a:r`` holding ``text``, not yet in any paragraph."""
    run = copy_element(_run_style(key, size, bold, tone, has_cjk(text)))
    run[-1].text = _CTRL.sub(_escape, text) if text else text
    return run


def _escape(found: re.Match[str]) -> str:
    return f"_x{ord(found.group()):04X}_"


def add_run(
    paragraph: Any,
    text: str,
    fonts: Fonts,
    size: float | None = None,
    bold: bool = False,
    tone: Tone = "normal",
) -> Any:
    """A run appended to ``paragraph`` (before its end-of-paragraph properties)."""
    run = _run(text, _font_key(fonts), size, bold, tone)
    p = paragraph._p
    end = p.find(_END)
    if end is None:
        p.append(run)
    else:
        end.addprevious(run)
    return _RUN(run, paragraph)


def _no_bullet(paragraph: Any) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", "0")
    ppr.set("indent", "0")
    for child in list(ppr):
        if child.tag in (qn("a:buNone"), qn("a:buChar"), qn("a:buAutoNum")):
            ppr.remove(child)
    ppr.append(element("a:buNone"))


def _bullet(paragraph: Any) -> None:
    """An explicit bullet, for text boxes that have no bulleted list style to inherit."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", str(int(Inches(BULLET_INDENT))))
    ppr.set("indent", str(-int(Inches(BULLET_INDENT))))
    sub_element(ppr, "a:buChar", char="•")


def _dress(paragraph: Any, para: Para, first: bool, explicit_bullets: bool) -> None:
    """The paragraph's spacing, alignment and bullet."""
    if para.space_before and not first:
        paragraph.space_before = Pt(para.space_before)
    elif first:
        paragraph.space_before = Pt(0)
    if para.align is not None:
        paragraph.alignment = _ALIGN[para.align]
    if not para.bullet:
        _no_bullet(paragraph)
    elif explicit_bullets:
        _bullet(paragraph)


def _close(p: Any, para: Para, key: FontKey) -> None:
    end = p.get_or_add_endParaRPr()
    end.set("sz", str(int(para.size * 100)))
    _set_faces(end, key, False)


ParaStyle = tuple[float, bool, float, Align | None]  # size, bullet, space before, alignment


@lru_cache(maxsize=_STYLES)
def _para_style(style: ParaStyle, key: FontKey, first: bool, explicit_bullets: bool) -> Any:
    """An ``a:p`` with this paragraph's properties and end properties and no runs."""
    size, bullet, space_before, align = style
    para = Para((), size, bullet=bullet, space_before=space_before, align=align)
    p = _scratch()
    _dress(_PARAGRAPH(p, None), para, first, explicit_bullets)
    _close(p, para, key)
    return p


def _runs(para: Para, key: FontKey, cites: SlideCitations) -> list[Any]:
    """The paragraph's runs: each span's text, then the marker of what it cites."""
    runs = []
    for span in para.spans:
        bold = para.bold or span.bold
        if span.text:
            runs.append(_run(span.text, key, para.size, bold, para.tone))
        figures = (span.figure,) if span.figure else ()
        marker = cites.mark(figures, span.sources) if figures or span.sources else ""
        if marker:
            runs.append(_run(marker, key, para.size, bold, para.tone))
    return runs


def _clear(body: Any) -> Any:
    """Remove a ``txBody``'s paragraphs but the first, and that one's runs, breaks and
    fields (its properties stay), as python-pptx clears a text frame; the first."""
    first, *rest = body.findall(_P)
    for extra in rest:
        body.remove(extra)
    for child in [c for c in first if c.tag in _CONTENT]:
        first.remove(child)
    return first


def write_lines(
    body: Any, lines: Sequence[str], fonts: Fonts, size: float | None = None, tone: Tone = "normal"
) -> None:
    """Replace the text of a ``txBody`` element with ``lines``, a paragraph each, in runs
    of one style and no paragraph properties of their own."""
    first = _clear(body)
    key = _font_key(fonts)
    for i, line in enumerate(lines):
        run = _run(line, key, size, False, tone)
        if i:
            p = _MAKE(_P, nsmap=_NSMAP)
            p.append(run)
            body.append(p)
            continue
        end = first.find(_END)
        if end is None:
            first.append(run)
        else:
            end.addprevious(run)


def write_paras(
    frame: Any,
    paras: Sequence[Para],
    fonts: Fonts,
    cites: SlideCitations,
    explicit_bullets: bool = False,
) -> None:
    """Replace the frame's text with ``paras``, registering each marker with ``cites``."""
    write_body(frame._txBody, paras, fonts, cites, explicit_bullets)


def write_body(
    body: Any,
    paras: Sequence[Para],
    fonts: Fonts,
    cites: SlideCitations,
    explicit_bullets: bool = False,
) -> None:
    """Replace the text of a ``txBody`` element with ``paras`` (as ``write_paras``)."""
    first = _clear(body)
    for i, para in enumerate(paras):
        key = _heading_key(fonts) if para.face == "heading" else _font_key(fonts)
        if i == 0 and (len(first) or first.attrib):  # kept properties: python-pptx's way
            _rewrite(first, para, key, cites, explicit_bullets)
        elif i == 0:
            body.replace(first, _paragraph(para, key, True, cites, explicit_bullets))
        else:
            body.append(_paragraph(para, key, False, cites, explicit_bullets))


def append_paras(
    body: Any,
    paras: Sequence[Para],
    fonts: Fonts,
    cites: SlideCitations,
    explicit_bullets: bool = False,
) -> None:
    """Add ``paras`` to a ``txBody`` element that has no paragraph yet (a new table
    cell's, say): the same XML as ``write_body`` writes over a new body's one empty
    paragraph."""
    if not paras:
        body.append(_MAKE(_P, nsmap=_NSMAP))
    for i, para in enumerate(paras):
        key = _heading_key(fonts) if para.face == "heading" else _font_key(fonts)
        body.append(_paragraph(para, key, i == 0, cites, explicit_bullets))


def _paragraph(
    para: Para, key: FontKey, first: bool, cites: SlideCitations, explicit_bullets: bool
) -> Any:
    """A new ``a:p``: a copy of its style's original, with its runs."""
    runs = _runs(para, key, cites)
    style = (para.size, para.bullet, para.space_before, para.align)
    p = copy_element(_para_style(style, key, first, explicit_bullets))
    end = p[-1]
    for run in runs:
        end.addprevious(run)
    return p


def _rewrite(
    p: Any, para: Para, key: FontKey, cites: SlideCitations, explicit_bullets: bool
) -> None:
    """Write ``para`` into a first paragraph that kept properties of its own, with
    python-pptx's API."""
    runs = _runs(para, key, cites)
    _dress(_PARAGRAPH(p, None), para, True, explicit_bullets)
    for run in runs:
        end = p.find(_END)
        if end is None:
            p.append(run)
        else:
            end.addprevious(run)
    _close(p, para, key)
