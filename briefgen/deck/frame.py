"""A slide in the making: its layout, placeholders, regions, footnote band and notes.

Layouts are found by name. Text goes into the layout's placeholders; shapes the
layout has no placeholder for (tables, charts, key-figure tiles) take the place
of a *region* placeholder, which is read for its position and then removed, or
else fill the space between the title and the footnote band.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import MSO_ANCHOR
from pptx.shapes.shapetree import SlideShapeFactory
from pptx.util import Emu, Inches, Pt

from briefgen.deck.cite import SlideCitations, source_label
from briefgen.deck.fit import Pager, line_count, text_height
from briefgen.deck.text import add_run, set_fonts, write_lines
from briefgen.errors import Problem, RenderError, TemplateError, did_you_mean
from briefgen.resolve import Resolved
from briefgen.templates import Fonts, Manifest, PlaceholderRef, Role, SlideSpec, Template
from briefgen.yamlsrc import dotted, shorten

EMU_PER_INCH = 914400
_GAP = 0.12  # inches between the content and the footnote band
TITLE_FLOOR = 18  # points: a title shrinks this far to fit two lines, and no further
_BAND_INSETS = 0.1  # inches the footnote band adds to its lines
_DEFAULT_REFS: dict[str, tuple[PlaceholderRef, ...]] = {
    "title": ("title", "ctrTitle"),
    "subtitle": ("subTitle",),
    "body": ("body", "obj"),
    "table": ("tbl", "obj", "body"),
    "chart": ("chart", "obj", "body"),
    "figures": (),
}


@dataclass(frozen=True)
class Box:
    """A rectangle in EMU."""

    x: int
    y: int
    w: int
    h: int

    @property
    def width(self) -> float:
        return self.w / EMU_PER_INCH

    @property
    def height(self) -> float:
        return self.h / EMU_PER_INCH

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def down_to(self, bottom: int) -> Box:
        """The box cut off at ``bottom``, if it reaches further."""
        return replace(self, h=max(0, min(self.bottom, bottom) - self.y))


def box_of(shape: Any) -> Box:
    return Box(int(shape.left), int(shape.top), int(shape.width), int(shape.height))


def inches(value: float) -> int:
    return int(Inches(value))


class Deck:
    """The presentation being built from a template, and what every slide needs."""

    def __init__(self, resolved: Resolved, template: Template, prs: Any = None) -> None:
        self.resolved = resolved
        self.template = template
        self.prs: Any = prs if prs is not None else Presentation(str(template.pptx_path))
        self._drop_sample_slides()
        self._notes: dict[tuple[str, float], float] = {}
        self._layouts: dict[str, Any] = {}
        self._geometries: dict[int, tuple[SlideSpec, Geometry]] = {}
        self._slide_numbers: dict[str, list[Any]] = {}
        self._inherited: dict[tuple[str, int], Box] = {}
        self.band_shapes: tuple[Any, Any] | None = None  # a footnote band's box and rule

    @property
    def manifest(self) -> Manifest:
        return self.template.manifest

    @property
    def fonts(self) -> Fonts:
        return self.manifest.fonts

    @property
    def face(self) -> str:
        """The body typeface, for measuring."""
        return self.fonts.latin

    @property
    def heading_face(self) -> str:
        return self.fonts.for_headings().latin

    def _drop_sample_slides(self) -> None:
        """A corporate template may carry example slides; the deck starts empty."""
        id_list = self.prs.slides._sldIdLst
        for slide_id in list(id_list):
            self.prs.part.drop_rel(slide_id.rId)
            id_list.remove(slide_id)

    def layout(self, name: str) -> Any:
        """The layout called ``name``, of any slide master; the first if several are."""
        found = self._layouts.get(name)
        if found is None:
            found = self._layouts[name] = self._find_layout(name)
        return found

    def _find_layout(self, name: str) -> Any:
        masters = list(self.prs.slide_masters)
        found = next(
            (f for m in masters if (f := m.slide_layouts.get_by_name(name)) is not None), None
        )
        if found is None:
            names = [layout.name for m in masters for layout in m.slide_layouts]
            message = (
                f"{self.template.pptx_path.name} has no layout named '{name}'"
                f"{did_you_mean(name, names)}; its layouts are {', '.join(map(repr, names))}"
            )
            raise TemplateError(
                message, [Problem("template-layout", message, str(self.template.pptx_path))]
            )
        return found

    @property
    def band_bottom(self) -> int:
        """Lower edge of the footnote band."""
        bottom = self.manifest.footnote.bottom
        if bottom is not None:
            return inches(bottom)
        return int(self.prs.slide_height) - inches(0.55)

    def geometry(self, spec: SlideSpec) -> Geometry:
        """Where the layout puts each role, read before any slide is made (for paging);
        read once per slide spec."""
        kept = self._geometries.get(id(spec))
        if kept is None:
            geometry = Geometry(self, spec, list(self.layout(spec.layout).placeholders))
            kept = self._geometries[id(spec)] = (spec, geometry)
        return kept[1]

    def slide_numbers(self, layout_name: str) -> list[Any]:
        """The layout's slide-number placeholders, copied and given the deck's fonts; a
        slide gets copies of these."""
        found = self._slide_numbers.get(layout_name)
        if found is None:
            found = self._slide_numbers[layout_name] = []
            for element in _placeholder_elements(self.layout(layout_name).shapes._spTree):
                if _ph_info(element)[0] == _SLIDE_NUMBER:
                    numbered = copy.deepcopy(element)
                    for rpr in numbered.iter("{*}rPr", "{*}endParaRPr"):
                        set_fonts(rpr, self.fonts, "")
                    found.append(numbered)
        return found

    def inherited_box(self, shape: Any, layout_name: str, idx: int) -> Box:
        """The box of a slide placeholder that sets none of its own: its layout's."""
        key = (layout_name, idx)
        found = self._inherited.get(key)
        if found is None:
            found = self._inherited[key] = box_of(shape)
        return found

    def note_height(self, source_id: str, width: float) -> float:
        """Inches one source's footnote takes in a band ``width`` inches wide."""
        key = (source_id, width)
        height = self._notes.get(key)
        if height is None:
            size = self.manifest.footnote.size
            label = f"9 {source_label(self.resolved.sources[source_id])}"
            height = self._notes[key] = text_height(label, size, width, face=self.face)
        return height

    def band_height(self, source_ids: Sequence[str], width: float) -> float:
        """Inches the footnote band needs for these sources in a band ``width`` inches wide."""
        if not source_ids:
            return 0.0
        return sum(self.note_height(s, width) for s in source_ids) + _BAND_INSETS

    def save(self) -> bytes:
        meta = self.resolved.meta
        props = self.prs.core_properties
        props.title = meta.title
        props.subject = meta.company
        props.comments = f"Generated by briefgen with the '{self.template.name}' template"
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_SHAPE_TAGS = frozenset(
    _P + tag for tag in ("sp", "grpSp", "graphicFrame", "cxnSp", "pic", "contentPart")
)
_SLIDE_NUMBER = "sldNum"
_SHAPE: Any = SlideShapeFactory  # python-pptx leaves it loosely annotated


def _placeholder_elements(tree: Any) -> list[Any]:
    """The placeholder shapes of a shape tree (``p:spTree``), in document order."""
    return [e for e in tree if e.tag in _SHAPE_TAGS and _ph_info(e)[0] is not None]


def _ph_info(element: Any) -> tuple[str | None, int]:
    """A shape's placeholder type as its XML names it (``obj`` when unnamed) and index;
    ``(None, 0)`` for a shape that is no placeholder."""
    ph = None
    if len(element):
        nv_pr = element[0].find(_P + "nvPr")
        ph = nv_pr.find(_P + "ph") if nv_pr is not None else None
    if ph is None:
        return None, 0
    return ph.get("type", "obj"), int(ph.get("idx", "0"))


class Placeholders:
    """A slide's or layout's placeholder elements with their types (as the XML names
    them: ``title``, ``body``, ``obj`` ...) and indexes, read once."""

    def __init__(self, elements: Sequence[Any]) -> None:
        self._found = [(element, *_ph_info(element)) for element in elements]

    def find(self, spec: SlideSpec, role: Role) -> Any | None:
        """The element of ``role``'s placeholder: as the manifest names it, else a default
        by type; never one already removed from its slide."""
        ref = spec.placeholders.get(role)
        refs: Sequence[PlaceholderRef] = (ref,) if ref is not None else _DEFAULT_REFS[role]
        for wanted in refs:
            for element, kind, idx in self._found:
                if element.getparent() is None:
                    continue
                if isinstance(wanted, int) and idx == wanted:
                    return element
                if isinstance(wanted, str) and kind == wanted:
                    if role in ("body", "table", "chart") and idx == 0:
                        continue
                    return element
        return None


class Geometry:
    """A layout's boxes for one slide spec, and the room left above the footnote band."""

    def __init__(self, deck: Deck, spec: SlideSpec, shapes: list[Any]) -> None:
        self.deck = deck
        self.spec = spec
        self.shapes = shapes
        self._by_element = {id(s._element): s for s in shapes}
        self._placeholders = Placeholders([s._element for s in shapes])
        self._regions: dict[Role, Box | None] = {}
        self.title = self._box("title")

    def margins(self) -> tuple[int, int]:
        """Left edge and width of the content, from the title; else a twentieth of the slide."""
        if self.title is not None:
            return self.title.x, self.title.w
        slide_width = int(self.deck.prs.slide_width)
        return slide_width // 20, slide_width - slide_width // 10

    def content_box(self) -> Box:
        """Between the title and the footnote band, within the title's margins."""
        left, width = self.margins()
        top = self.title.bottom + inches(0.2) if self.title is not None else inches(1.5)
        return Box(left, top, width, max(0, self.deck.band_bottom - top))

    def _box(self, role: Role) -> Box | None:
        """The box of ``role``'s placeholder, None if the layout has none."""
        if role not in self._regions:
            found = self._placeholders.find(self.spec, role)
            shape = None if found is None else self._by_element[id(found)]
            self._regions[role] = box_of(shape) if shape is not None else None
        return self._regions[role]

    def region(self, role: Role) -> Box:
        box = self._box(role)
        return box if box is not None else self.content_box()

    def has(self, role: Role) -> bool:
        return self._box(role) is not None

    @property
    def band_width(self) -> float:
        return self.margins()[1] / EMU_PER_INCH

    def band_height(self, source_ids: Sequence[str]) -> float:
        return self.deck.band_height(source_ids, self.band_width)

    def note_height(self, source_id: str) -> float:
        """Inches one source's footnote takes in this layout's band."""
        return self.deck.note_height(source_id, self.band_width)

    def content_bottom(self, source_ids: Sequence[str]) -> int:
        """How far down content may reach when these sources are footnoted."""
        return self._bottom(self.band_height(source_ids))

    def _bottom(self, band: float) -> int:
        gap = _GAP if band else 0.0
        return self.deck.band_bottom - inches(band + gap)

    def room(self, box: Box, source_ids: Sequence[str]) -> float:
        """Inches of height left in ``box`` above the footnote band for these sources."""
        return box.down_to(self.content_bottom(source_ids)).height

    def pager(self, box: Box, fixed: float = 0.0, first_notes: Sequence[str] = ()) -> Pager:
        """Pages of ``box``, each needing ``fixed`` inches besides its pieces, footnoted
        in this layout's band; the first also footnotes ``first_notes``."""

        rooms: dict[float, float] = {}

        def room(index: int, notes: float) -> float:
            found = rooms.get(notes)
            if found is None:
                band = notes + _BAND_INSETS if notes else 0.0
                found = rooms[notes] = box.down_to(self._bottom(band)).height
            return found

        notes: dict[str, float] = {}

        def note(source_id: str) -> float:
            found = notes.get(source_id)
            if found is None:
                found = notes[source_id] = self.note_height(source_id)
            return found

        return Pager(room, note, fixed, tuple(first_notes))


class SlideWriter:
    """One slide: title, placeholders by role, regions, and on finishing, footnotes and notes."""

    def __init__(self, deck: Deck, spec: SlideSpec, title: str) -> None:
        self.deck = deck
        self.spec = spec
        self.fonts = deck.fonts
        self.layout = deck.layout(spec.layout)
        self.slide: Any = deck.prs.slides.add_slide(self.layout)
        self.cites = SlideCitations(deck.resolved)
        self.geometry = deck.geometry(spec)
        self._add_slide_number()
        self._placeholders = self._read_placeholders()
        self._shapes: dict[int, Any] = {}  # placeholder shapes by their elements' ids
        self.title_shape = self.placeholder("title")
        if self.title_shape is not None:
            self._write_title(title)

    def _read_placeholders(self) -> Placeholders:
        """The slide's placeholders in index order, as python-pptx lists a slide's."""
        elements = _placeholder_elements(self.slide.shapes._spTree)
        return Placeholders(sorted(elements, key=lambda e: _ph_info(e)[1]))

    def placeholder(self, role: Role) -> Any | None:
        """The shape of ``role``'s placeholder on this slide, or None."""
        element = self._placeholders.find(self.spec, role)
        if element is None:
            return None
        shape = self._shapes.get(id(element))
        if shape is None:
            shape = self._shapes[id(element)] = _SHAPE(element, self.slide.placeholders)
        return shape

    def box(self, shape: Any) -> Box:
        """A placeholder's box: its own, else its layout placeholder's (read once)."""
        element = shape._element
        xfrm = element.find(f"{_P}spPr/{_A}xfrm") if element.tag == _P + "sp" else None
        if xfrm is None:
            kind, idx = _ph_info(element)
            if element.tag == _P + "sp" and kind is not None:
                return self.deck.inherited_box(shape, self.spec.layout, idx)
            return box_of(shape)
        off, ext = xfrm.find(_A + "off"), xfrm.find(_A + "ext")
        values = [
            None if part is None else part.get(name)
            for part, name in ((off, "x"), (off, "y"), (ext, "cx"), (ext, "cy"))
        ]
        if any(v is None for v in values):
            return box_of(shape)
        x, y, w, h = (int(v) for v in values if v is not None)
        return Box(x, y, w, h)

    def region(self, role: Role) -> Box:
        """Where ``role``'s content goes: its placeholder's box (the placeholder is removed)."""
        shape = self.placeholder(role)
        if shape is None:
            return self.geometry.content_box()
        box = self.box(shape)
        shape._element.getparent().remove(shape._element)
        return box

    def _write_title(self, title: str) -> None:
        """The title at the layout's size, or smaller when it would take more than two
        lines or more than its box's height."""
        assert self.title_shape is not None
        frame = self.title_shape.text_frame
        placed = self.box(self.title_shape)
        width, height = placed.width - 0.2, placed.height
        size = self.deck.manifest.typography.title
        face = self.deck.heading_face

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
            raise self._title_overflow(title, chosen)
        frame.clear()
        fonts = self.fonts.for_headings()
        add_run(frame.paragraphs[0], title, fonts, chosen if chosen != size else None)

    def _title_overflow(self, title: str, size: float) -> RenderError:
        """A title too tall for its box even at the smallest size, at the manifest's slide
        when the template gave it, else at the pack's item whose title it is (the build
        finds that item's file and line from the field)."""
        message = (
            f"the slide title '{shorten(title, 60)}' does not fit the '{self.spec.layout}' "
            f"layout's title box even at {size:g} pt; shorten it"
        )
        spec = self.spec
        if spec.title is not None:
            index = next(i for i, s in enumerate(self.deck.manifest.slides) if s is spec)
            where = self.deck.template.where(("slides", index, "title"))
            return RenderError(message, [Problem("deck-overflow", message, **where)])
        pack = self.deck.resolved.pack
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

    def _add_slide_number(self) -> None:
        for numbered in self.deck.slide_numbers(self.spec.layout):
            element = copy.deepcopy(numbered)
            element.nvSpPr.cNvPr.id = self.slide.shapes._next_shape_id
            self.slide.shapes._spTree.append(element)

    def finish(self) -> None:
        footnotes = self.cites.footnotes()
        if footnotes:
            self._draw_band(footnotes)
        notes = self.cites.notes()
        if notes:
            self._write_notes(notes)
        self._drop_empty_placeholders()

    def _draw_band(self, footnotes: list[str]) -> None:
        """The footnote lines in a text box above the band's bottom, under a short rule.

        The deck's first band is made by python-pptx and kept; later bands are copies of
        it, placed and numbered as python-pptx would place and number them."""
        size = self.deck.manifest.footnote.size
        left, width = self.geometry.margins()
        height = inches(self.geometry.band_height(list(self.cites.numbers)))
        top = self.deck.band_bottom - height
        if self.deck.band_shapes is None:
            self.deck.band_shapes = self._first_band(left, top, width, height)
        box, rule = (copy.deepcopy(e) for e in self.deck.band_shapes)
        self._add_shape(box, (left, top, width, height))
        write_lines(box.find(_P + "txBody"), footnotes, self.fonts, size, tone="muted")
        self._add_shape(rule, (left, top, inches(1.5), 0))

    def _first_band(self, left: int, top: int, width: int, height: int) -> tuple[Any, Any]:
        """Make the band's box (still empty) and rule with python-pptx, on this slide, and
        take them off it again: copies are the originals of every slide's band."""
        box = self.slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
        box.name = "Footnotes"
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        frame.margin_left = frame.margin_right = 0
        frame.margin_top = frame.margin_bottom = Inches(0.03)
        rule = self.slide.shapes.add_connector(
            MSO_CONNECTOR.STRAIGHT, Emu(left), Emu(top), Emu(left + inches(1.5)), Emu(top)
        )
        rule.name = "Footnote Rule"
        rule.line.width = Pt(0.75)
        rule.line.color.theme_color = MSO_THEME_COLOR.TEXT_1
        rule.line.color.brightness = 0.6
        for made in (box, rule):
            made._element.getparent().remove(made._element)
        return copy.deepcopy(box._element), copy.deepcopy(rule._element)  # not the slide's

    def _add_shape(self, element: Any, box: tuple[int, int, int, int]) -> None:
        """Add a shape copied from an original: with the next shape id, at ``box`` (x, y,
        cx, cy in EMU), before the shape tree's extensions, as python-pptx adds shapes."""
        element[0][0].set("id", str(self.slide.shapes._next_shape_id))  # nv*Pr/cNvPr
        xfrm = element.find(f"{_P}spPr/{_A}xfrm")
        off, ext = xfrm.find(_A + "off"), xfrm.find(_A + "ext")
        for part, name, value in zip(
            (off, off, ext, ext), ("x", "y", "cx", "cy"), box, strict=True
        ):
            part.set(name, str(value))
        tree = self.slide.shapes._spTree
        extensions = tree.find(_P + "extLst")
        if extensions is None:
            tree.append(element)
        else:
            extensions.addprevious(element)

    def _write_notes(self, notes: str) -> None:
        notes_slide = self.slide.notes_slide
        body = None
        for element in _placeholder_elements(notes_slide.shapes._spTree):
            if _ph_info(element)[0] == "body":  # the first body placeholder, as python-pptx's
                body = element.find(_P + "txBody")
                break
        if body is None:
            body = notes_slide.notes_text_frame._txBody
        write_lines(body, notes.split("\n"), self.fonts)

    def _drop_empty_placeholders(self) -> None:
        """Placeholders left without text (other than slide numbers) are removed, so that
        no "Click to add text" prompt shows."""
        tree = self.slide.shapes._spTree
        for element in _placeholder_elements(tree):
            if element.tag != _P + "sp" or _ph_info(element)[0] == _SLIDE_NUMBER:
                continue
            body = element.find(_P + "txBody")
            texts = [] if body is None else [t.text or "" for t in body.iter(_A + "t")]
            if not "".join(texts).strip():
                tree.remove(element)
