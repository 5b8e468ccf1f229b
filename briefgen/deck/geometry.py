"""Where things go on a slide: boxes in EMU, and a layout's boxes for one slide spec.

A layout gives each role (title, body, table, chart ...) the box of its placeholder;
a role the layout has no placeholder for fills the space between the title and the
footnote band. The band grows with the sources a slide footnotes, so the room left
for content depends on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from pptx.shapes.placeholder import _InheritsDimensions
from pptx.util import Inches

from briefgen.deck.fit import Pager
from briefgen.deck.placeholders import DML, PML, Placeholders
from briefgen.templates import Role, SlideSpec

if TYPE_CHECKING:
    from briefgen.deck.frame import Deck

EMU_PER_INCH = 914400
BAND_INSETS = 0.1  # inches the footnote band adds to its lines
_GAP = 0.12  # inches between the content and the footnote band


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


_DIMENSIONS = ("left", "top", "width", "height")


def box_of(shape: Any) -> Box:
    """A shape's box, a placeholder's as python-pptx reads it (see :func:`_dimensions`)."""
    x, y, w, h = _dimensions(shape)
    return Box(int(x), int(y), int(w), int(h))


def _dimensions(shape: Any) -> tuple[Any, ...]:
    """``left``, ``top``, ``width`` and ``height`` as python-pptx gives them.

    A placeholder takes each dimension it does not set itself from the placeholder it
    inherits from (a slide's from its layout's, a layout's from its master's). python-pptx
    finds that placeholder again for each dimension, walking the layout's or master's
    shapes with an XPath query per shape: a sixth of the deck's rendering time. Here it
    is found once for all four; the values are the same.
    """
    if not isinstance(shape, _InheritsDimensions):
        return tuple(getattr(shape, name) for name in _DIMENSIONS)
    own = tuple(getattr(super(_InheritsDimensions, shape), name) for name in _DIMENSIONS)
    if all(value is not None for value in own):
        return own
    base = shape._base_placeholder
    inherited = _dimensions(base) if base is not None else (None,) * len(_DIMENSIONS)
    return tuple(o if o is not None else i for o, i in zip(own, inherited, strict=True))


def inches(value: float) -> int:
    return int(Inches(value))


def own_box(element: Any) -> Box | None:
    """The box a shape's element (``p:sp``) sets itself in its ``a:xfrm``; None when it
    sets none, or only part of one."""
    xfrm = element.find(f"{PML}spPr/{DML}xfrm") if element.tag == PML + "sp" else None
    if xfrm is None:
        return None
    off, ext = xfrm.find(DML + "off"), xfrm.find(DML + "ext")
    values = [
        None if part is None else part.get(name)
        for part, name in ((off, "x"), (off, "y"), (ext, "cx"), (ext, "cy"))
    ]
    if any(v is None for v in values):
        return None
    x, y, w, h = (int(v) for v in values if v is not None)
    return Box(x, y, w, h)


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
                band = notes + BAND_INSETS if notes else 0.0
                found = rooms[notes] = box.down_to(self._bottom(band)).height
            return found

        notes: dict[str, float] = {}

        def note(source_id: str) -> float:
            found = notes.get(source_id)
            if found is None:
                found = notes[source_id] = self.note_height(source_id)
            return found

        return Pager(room, note, fixed, tuple(first_notes))
