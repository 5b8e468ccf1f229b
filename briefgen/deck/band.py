"""The footnote band: a slide's source lines in a text box above the band's bottom,
under a short rule.

The deck's first band is made by python-pptx and kept; later bands are copies of it,
placed and numbered as python-pptx would place and number them.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from briefgen.deck.geometry import Geometry, inches
from briefgen.deck.placeholders import DML, PML
from briefgen.deck.text import write_lines

if TYPE_CHECKING:
    from briefgen.deck.frame import Deck


def draw_band(
    deck: Deck, slide: Any, geometry: Geometry, footnotes: list[str], sources: Sequence[str]
) -> None:
    """The ``footnotes`` lines of ``slide``, whose band is as tall as ``sources`` need."""
    size = deck.manifest.footnote.size
    left, width = geometry.margins()
    height = inches(geometry.band_height(list(sources)))
    top = deck.band_bottom - height
    if deck.band_shapes is None:
        deck.band_shapes = _first_band(slide, left, top, width, height)
    box, rule = (copy.deepcopy(e) for e in deck.band_shapes)
    _add_shape(slide, box, (left, top, width, height))
    write_lines(box.find(PML + "txBody"), footnotes, deck.fonts, size, tone="muted")
    _add_shape(slide, rule, (left, top, inches(1.5), 0))


def _first_band(slide: Any, left: int, top: int, width: int, height: int) -> tuple[Any, Any]:
    """Make the band's box (still empty) and rule with python-pptx, on ``slide``, and
    take them off it again: copies are the originals of every slide's band."""
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    box.name = "Footnotes"
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    frame.margin_left = frame.margin_right = 0
    frame.margin_top = frame.margin_bottom = Inches(0.03)
    rule = slide.shapes.add_connector(
        MSO_CONNECTOR.STRAIGHT, Emu(left), Emu(top), Emu(left + inches(1.5)), Emu(top)
    )
    rule.name = "Footnote Rule"
    rule.line.width = Pt(0.75)
    rule.line.color.theme_color = MSO_THEME_COLOR.TEXT_1
    rule.line.color.brightness = 0.6
    for made in (box, rule):
        made._element.getparent().remove(made._element)
    return copy.deepcopy(box._element), copy.deepcopy(rule._element)  # not the slide's


def _add_shape(slide: Any, element: Any, box: tuple[int, int, int, int]) -> None:
    """Add a shape copied from an original: with the next shape id, at ``box`` (x, y,
    cx, cy in EMU), before the shape tree's extensions, as python-pptx adds shapes."""
    element[0][0].set("id", str(slide.shapes._next_shape_id))  # nv*Pr/cNvPr
    xfrm = element.find(f"{PML}spPr/{DML}xfrm")
    off, ext = xfrm.find(DML + "off"), xfrm.find(DML + "ext")
    for part, name, value in zip((off, off, ext, ext), ("x", "y", "cx", "cy"), box, strict=True):
        part.set(name, str(value))
    tree = slide.shapes._spTree
    extensions = tree.find(PML + "extLst")
    if extensions is None:
        tree.append(element)
    else:
        extensions.addprevious(element)
