"""Placeholders as the slide XML holds them: found by role, read once, removed when empty.

Text goes into a layout's placeholders. A role is found as the manifest names its
placeholder (by type or index), else by the type a template usually gives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from briefgen.templates import PlaceholderRef, Role, SlideSpec

PML = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
DML = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
SLIDE_NUMBER = "sldNum"
_SHAPE_TAGS = frozenset(
    PML + tag for tag in ("sp", "grpSp", "graphicFrame", "cxnSp", "pic", "contentPart")
)
_DEFAULT_REFS: dict[str, tuple[PlaceholderRef, ...]] = {
    "title": ("title", "ctrTitle"),
    "subtitle": ("subTitle",),
    "body": ("body", "obj"),
    "table": ("tbl", "obj", "body"),
    "chart": ("chart", "obj", "body"),
    "figures": (),
}


def placeholder_elements(tree: Any) -> list[Any]:
    """The placeholder shapes of a shape tree (``p:spTree``), in document order."""
    return [e for e in tree if e.tag in _SHAPE_TAGS and placeholder_info(e)[0] is not None]


def placeholder_info(element: Any) -> tuple[str | None, int]:
    """A shape's placeholder type as its XML names it (``obj`` when unnamed) and index;
    ``(None, 0)`` for a shape that is no placeholder."""
    ph = None
    if len(element):
        nv_pr = element[0].find(PML + "nvPr")
        ph = nv_pr.find(PML + "ph") if nv_pr is not None else None
    if ph is None:
        return None, 0
    return ph.get("type", "obj"), int(ph.get("idx", "0"))


class Placeholders:
    """A slide's or layout's placeholder elements with their types (as the XML names
    them: ``title``, ``body``, ``obj`` ...) and indexes, read once."""

    def __init__(self, elements: Sequence[Any]) -> None:
        self._found = [(element, *placeholder_info(element)) for element in elements]

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


def notes_body(notes_slide: Any) -> Any:
    """The text body (``p:txBody``) of a notes slide's first body placeholder, the one
    python-pptx writes notes into."""
    for element in placeholder_elements(notes_slide.shapes._spTree):
        if placeholder_info(element)[0] == "body":
            body = element.find(PML + "txBody")
            if body is not None:
                return body
            break
    return notes_slide.notes_text_frame._txBody


def drop_empty_placeholders(tree: Any) -> None:
    """Placeholders left without text (other than slide numbers) are removed from the
    shape tree, so that no "Click to add text" prompt shows."""
    for element in placeholder_elements(tree):
        if element.tag != PML + "sp" or placeholder_info(element)[0] == SLIDE_NUMBER:
            continue
        body = element.find(PML + "txBody")
        texts = [] if body is None else [t.text or "" for t in body.iter(DML + "t")]
        if not "".join(texts).strip():
            tree.remove(element)
