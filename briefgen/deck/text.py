"""Writing paragraphs into python-pptx text frames, every run with its fonts.

Each run gets the template's latin and East Asian typefaces and a language pair,
so Chinese names render with a CJK font in PowerPoint and LibreOffice alike
instead of showing missing-glyph boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.text import PP_ALIGN
from pptx.oxml import parse_xml as _parse_xml
from pptx.oxml.ns import qn
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Inches, Pt

from briefgen.deck.cite import SlideCitations
from briefgen.deck.content import BULLET_INDENT, Para, Tone, para_fonts
from briefgen.deck.fit import has_cjk
from briefgen.templates import Fonts

_PARSE: Any = _parse_xml  # python-pptx leaves it unannotated


def xml_element(xml: str) -> Any:
    """An element parsed from XML text, with python-pptx's element classes."""
    return _PARSE(xml)


def element(tag: str, **attrs: str) -> Any:
    """A new element ``tag`` (``"c:marker"``) with attributes."""
    made = OxmlElement(tag)
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
    cjk = has_cjk(text)
    rpr.set("lang", fonts.east_asian_lang if cjk else fonts.lang)
    rpr.set("altLang", fonts.lang if cjk else fonts.east_asian_lang)
    for tag in ("a:latin", "a:ea", "a:cs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    anchor = None
    for tag in ("a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst"):
        anchor = rpr.find(qn(tag))
        if anchor is not None:
            break
    for tag, face in (("a:latin", fonts.latin), ("a:ea", fonts.east_asian), ("a:cs", fonts.latin)):
        font = element(tag, typeface=face)
        if anchor is None:
            rpr.append(font)
        else:
            anchor.addprevious(font)


def style_run(
    run: Any, fonts: Fonts, size: float | None = None, bold: bool = False, tone: Tone = "normal"
) -> None:
    font = run.font
    if size is not None:
        font.size = Pt(size)
    if bold:
        font.bold = True
    if tone != "normal":
        color, brightness = _TONE[tone]
        font.color.theme_color = color
        if brightness:
            font.color.brightness = brightness
    set_fonts(run._r.get_or_add_rPr(), fonts, run.text)


def add_run(
    paragraph: Any,
    text: str,
    fonts: Fonts,
    size: float | None = None,
    bold: bool = False,
    tone: Tone = "normal",
) -> Any:
    run = paragraph.add_run()
    run.text = text
    style_run(run, fonts, size, bold, tone)
    return run


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


def write_paras(
    frame: Any,
    paras: Sequence[Para],
    fonts: Fonts,
    cites: SlideCitations,
    explicit_bullets: bool = False,
) -> None:
    """Replace the frame's text with ``paras``, registering each marker with ``cites``."""
    frame.clear()
    body_fonts = fonts
    for i, para in enumerate(paras):
        fonts = para_fonts(para, body_fonts)
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if para.space_before and i:
            paragraph.space_before = Pt(para.space_before)
        elif i == 0:
            paragraph.space_before = Pt(0)
        if para.align is not None:
            paragraph.alignment = _ALIGN[para.align]
        if not para.bullet:
            _no_bullet(paragraph)
        elif explicit_bullets:
            _bullet(paragraph)
        for span in para.spans:
            bold = para.bold or span.bold
            if span.text:
                add_run(paragraph, span.text, fonts, para.size, bold, para.tone)
            figures = (span.figure,) if span.figure else ()
            marker = cites.mark(figures, span.sources) if figures or span.sources else ""
            if marker:
                add_run(paragraph, marker, fonts, para.size, bold, para.tone)
        end = paragraph._p.get_or_add_endParaRPr()
        end.set("sz", str(int(para.size * 100)))
        set_fonts(end, fonts, "")
