"""A slide in the making: its layout, placeholders, regions, footnote band and notes.

Layouts are found by name. Text goes into the layout's placeholders; shapes the
layout has no placeholder for (tables, charts, key-figure tiles) take the place
of a *region* placeholder, which is read for its position and then removed, or
else fill the space between the title and the footnote band.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import MSO_CONNECTOR, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Inches, Pt

from briefgen.deck.cite import SlideCitations, source_label
from briefgen.deck.fit import Pager, line_count, text_height
from briefgen.deck.text import add_run, set_fonts
from briefgen.errors import Problem, TemplateError, did_you_mean
from briefgen.resolve import Resolved
from briefgen.templates import Fonts, Manifest, PlaceholderRef, Role, SlideSpec, Template

EMU_PER_INCH = 914400
_GAP = 0.12  # inches between the content and the footnote band
_BAND_INSETS = 0.1  # inches the footnote band adds to its lines
_TYPES: dict[str, Any] = {
    "title": PP_PLACEHOLDER.TITLE,
    "ctrTitle": PP_PLACEHOLDER.CENTER_TITLE,
    "subTitle": PP_PLACEHOLDER.SUBTITLE,
    "body": PP_PLACEHOLDER.BODY,
    "obj": PP_PLACEHOLDER.OBJECT,
    "tbl": PP_PLACEHOLDER.TABLE,
    "chart": PP_PLACEHOLDER.CHART,
    "pic": PP_PLACEHOLDER.PICTURE,
}
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
        """Where the layout puts each role, read before any slide is made (for paging)."""
        return Geometry(self, spec, list(self.layout(spec.layout).placeholders))

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


def find_placeholder(shapes: Sequence[Any], spec: SlideSpec, role: Role) -> Any | None:
    """The placeholder for ``role``: as the manifest names it, else a default by type."""
    ref = spec.placeholders.get(role)
    refs: Sequence[PlaceholderRef] = (ref,) if ref is not None else _DEFAULT_REFS[role]
    for wanted in refs:
        for shape in shapes:
            fmt = shape.placeholder_format
            if isinstance(wanted, int) and fmt.idx == wanted:
                return shape
            if isinstance(wanted, str) and fmt.type == _TYPES[wanted]:
                if role in ("body", "table", "chart") and fmt.idx == 0:
                    continue
                return shape
    return None


class Geometry:
    """A layout's boxes for one slide spec, and the room left above the footnote band."""

    def __init__(self, deck: Deck, spec: SlideSpec, shapes: list[Any]) -> None:
        self.deck = deck
        self.spec = spec
        self.shapes = shapes
        title = find_placeholder(shapes, spec, "title")
        self.title = box_of(title) if title is not None else None

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

    def region(self, role: Role) -> Box:
        shape = find_placeholder(self.shapes, self.spec, role)
        return box_of(shape) if shape is not None else self.content_box()

    def has(self, role: Role) -> bool:
        return find_placeholder(self.shapes, self.spec, role) is not None

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
        self.title_shape = self.placeholder("title")
        if self.title_shape is not None:
            self._write_title(title)

    def placeholder(self, role: Role) -> Any | None:
        return find_placeholder(list(self.slide.placeholders), self.spec, role)

    def region(self, role: Role) -> Box:
        """Where ``role``'s content goes: its placeholder's box (the placeholder is removed)."""
        shape = self.placeholder(role)
        if shape is None:
            return self.geometry.content_box()
        box = box_of(shape)
        shape._element.getparent().remove(shape._element)
        return box

    def _write_title(self, title: str) -> None:
        """The title at the layout's size, or smaller when it would take more than two
        lines or more than its box's height."""
        assert self.title_shape is not None
        frame = self.title_shape.text_frame
        width = int(self.title_shape.width) / EMU_PER_INCH - 0.2
        height = int(self.title_shape.height) / EMU_PER_INCH
        size = self.deck.manifest.typography.title
        face = self.deck.heading_face

        def too_big(points: float) -> bool:
            lines = line_count(title, points, width, bold=True, face=face)
            needed = text_height(title, points, width, bold=True, face=face, spacing=0.9)
            return lines > 2 or needed + 0.1 > height

        chosen = size
        while chosen > 18 and too_big(chosen):
            chosen -= 2
        frame.clear()
        fonts = self.fonts.for_headings()
        add_run(frame.paragraphs[0], title, fonts, chosen if chosen != size else None)

    def _add_slide_number(self) -> None:
        for shape in self.layout.placeholders:
            if shape.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER:
                element = copy.deepcopy(shape._element)
                element.nvSpPr.cNvPr.id = self.slide.shapes._next_shape_id
                for rpr in element.iter("{*}rPr", "{*}endParaRPr"):
                    set_fonts(rpr, self.fonts, "")
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
        size = self.deck.manifest.footnote.size
        left, width = self.geometry.margins()
        height = self.geometry.band_height(list(self.cites.numbers))
        top = self.deck.band_bottom - inches(height)
        box = self.slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(inches(height)))
        box.name = "Footnotes"
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.BOTTOM
        frame.margin_left = frame.margin_right = 0
        frame.margin_top = frame.margin_bottom = Inches(0.03)
        for i, line in enumerate(footnotes):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            add_run(paragraph, line, self.fonts, size, tone="muted")
        rule = self.slide.shapes.add_connector(
            MSO_CONNECTOR.STRAIGHT, Emu(left), Emu(top), Emu(left + inches(1.5)), Emu(top)
        )
        rule.name = "Footnote Rule"
        rule.line.width = Pt(0.75)
        rule.line.color.theme_color = MSO_THEME_COLOR.TEXT_1
        rule.line.color.brightness = 0.6

    def _write_notes(self, notes: str) -> None:
        frame = self.slide.notes_slide.notes_text_frame
        frame.clear()
        for i, line in enumerate(notes.split("\n")):
            paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            add_run(paragraph, line, self.fonts)

    def _drop_empty_placeholders(self) -> None:
        for shape in list(self.slide.placeholders):
            if shape.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER:
                continue
            if shape.has_text_frame and not shape.text_frame.text.strip():
                shape._element.getparent().remove(shape._element)
