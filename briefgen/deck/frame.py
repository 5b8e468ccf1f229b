"""A deck and a slide in the making: the template's layouts, and one slide's title,
placeholders, regions, footnote band and notes.

Layouts are found by name. Text goes into the layout's placeholders; shapes the
layout has no placeholder for (tables, charts, key-figure tiles) take the place
of a *region* placeholder, which is read for its position and then removed, or
else fill the space between the title and the footnote band. Where each role goes
is :mod:`briefgen.deck.geometry`'s; the placeholders' XML, the title's size and the
band are :mod:`~briefgen.deck.placeholders`', :mod:`~briefgen.deck.title`'s and
:mod:`~briefgen.deck.band`'s.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from typing import Any

from pptx import Presentation
from pptx.shapes.shapetree import SlideShapeFactory

from briefgen.deck.band import draw_band
from briefgen.deck.cite import SlideCitations, source_label
from briefgen.deck.fit import text_height
from briefgen.deck.geometry import BAND_INSETS, Box, Geometry, box_of, inches, own_box
from briefgen.deck.placeholders import (
    DML,
    PML,
    SLIDE_NUMBER,
    Placeholders,
    drop_empty_placeholders,
    notes_body,
    placeholder_elements,
    placeholder_info,
)
from briefgen.deck.text import add_run, set_fonts, write_lines
from briefgen.deck.title import title_size
from briefgen.errors import Problem, TemplateError, did_you_mean
from briefgen.resolve import Resolved
from briefgen.templates import Fonts, Manifest, Role, SlideSpec, Template

_SHAPE: Any = SlideShapeFactory  # python-pptx leaves it loosely annotated


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
            for element in placeholder_elements(self.layout(layout_name).shapes._spTree):
                if placeholder_info(element)[0] == SLIDE_NUMBER:
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
        return sum(self.note_height(s, width) for s in source_ids) + BAND_INSETS

    def save(self) -> bytes:
        meta = self.resolved.meta
        props = self.prs.core_properties
        props.title = meta.title
        props.subject = meta.company
        props.comments = f"Generated by briefgen with the '{self.template.name}' template"
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


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
        elements = placeholder_elements(self.slide.shapes._spTree)
        return Placeholders(sorted(elements, key=lambda e: placeholder_info(e)[1]))

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
        if element.tag == PML + "sp" and element.find(f"{PML}spPr/{DML}xfrm") is None:
            kind, idx = placeholder_info(element)
            if kind is not None:
                return self.deck.inherited_box(shape, self.spec.layout, idx)
            return box_of(shape)
        own = own_box(element)
        return own if own is not None else box_of(shape)

    def region(self, role: Role) -> Box:
        """Where ``role``'s content goes: its placeholder's box (the placeholder is removed)."""
        shape = self.placeholder(role)
        if shape is None:
            return self.geometry.content_box()
        box = self.box(shape)
        shape._element.getparent().remove(shape._element)
        return box

    def _write_title(self, title: str) -> None:
        """The title, at the size that fits its box (:func:`title_size`)."""
        assert self.title_shape is not None
        frame = self.title_shape.text_frame
        size = title_size(self.deck, self.spec, title, self.box(self.title_shape))
        frame.clear()
        fonts = self.fonts.for_headings()
        layout_size = self.deck.manifest.typography.title
        add_run(frame.paragraphs[0], title, fonts, size if size != layout_size else None)

    def _add_slide_number(self) -> None:
        for numbered in self.deck.slide_numbers(self.spec.layout):
            element = copy.deepcopy(numbered)
            element.nvSpPr.cNvPr.id = self.slide.shapes._next_shape_id
            self.slide.shapes._spTree.append(element)

    def finish(self) -> None:
        footnotes = self.cites.footnotes()
        if footnotes:
            sources = list(self.cites.numbers)
            draw_band(self.deck, self.slide, self.geometry, footnotes, sources)
        notes = self.cites.notes()
        if notes:
            write_lines(notes_body(self.slide.notes_slide), notes.split("\n"), self.fonts)
        drop_empty_placeholders(self.slide.shapes._spTree)
