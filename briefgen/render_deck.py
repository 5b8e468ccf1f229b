"""Render the investor deck: resolved content through a template -> ``.pptx`` bytes.

The template's manifest lists the slides in order; each entry's kind says what
goes on it and its layout (by name) how it looks. A kind may give several slides
(one per pillar or chart, or continuation slides when content is long) or none
(no risks in the pack, no risks slide). Every slide that shows a figure carries
source markers, a footnote band resolving them, and speaker notes quoting the
sources' exact words.

Each render starts from its own copy of the template, made from a parse kept per
template content (a process that builds again and again, as a watch does, reads and
parses the template once). The copy is python-pptx's package with three things done
in time independent of the deck's length, where python-pptx walks every part or
relationship: naming new parts (a running number per kind of part), relating a new
slide (a new part cannot be related already) and numbering slide ids. A slide is
final once the next one is started: its XML (and its notes') is then kept as bytes
and its parsed tree let go, so memory does not grow with the deck; what it shows is
read from the tree first, for the audit (:func:`briefgen.audit.remember_part`). The
package is written uncompressed: the build compresses the deck once, as it makes it
reproducible.
"""

from __future__ import annotations

import copy
import io
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.oxml import CT_Relationships, serialize_part_xml
from pptx.opc.package import XmlPart
from pptx.opc.packuri import PACKAGE_URI, PackURI
from pptx.opc.serialized import PackageWriter, _ZipPkgWriter
from pptx.oxml.slide import CT_NotesSlide
from pptx.package import Package
from pptx.parts.presentation import PresentationPart
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.presentation import Presentation
from pptx.slide import Slides
from pptx.util import lazyproperty

from briefgen.audit import remember_part
from briefgen.errors import Problem, TemplateError
from briefgen.resolve import Resolved
from briefgen.templates import SlideSpec, Template


def render_deck(resolved: Resolved, template: Template) -> bytes:
    """The deck as ``.pptx`` bytes; raise TemplateError or RenderError when it cannot be made."""
    from briefgen.deck.frame import Deck

    deck = Deck(resolved, template, fresh_presentation(template.pptx_path))
    builders = _builders()
    for spec in template.manifest.slides:
        builders[spec.kind](deck, spec)
    return deck.save()


def _builders() -> dict[str, Callable[..., None]]:
    from briefgen.deck import cards, charts, figures, risks, slides, tables

    return {
        "title": slides.title_slide,
        "section": slides.section_slide,
        "summary": figures.summary_slides,
        "key_figures": figures.key_figures_slide,
        "pillar": slides.pillar_slides,
        "table": tables.highlights_slides,
        "risks": risks.risks_slides,
        "risk_matrix": risks.risk_matrix_slide,
        "pillars": cards.pillars_slide,
        "sources": tables.sources_slides,
        "appendix": tables.appendix_slides,
        "conflicts": tables.conflict_slides,
        "chart": charts.chart_slides,
    }


# --- The template, parsed once per content -------------------------------------------------


@dataclass(frozen=True)
class _PartCopy:
    """One part of a parsed template, never changed: each render copies it."""

    partname: PackURI
    content_type: str
    kind: type[Any]
    element: Any  # the parsed XML of an XML part, else None
    blob: bytes
    rels: Any  # CT_Relationships, in the order the template lists them


@dataclass(frozen=True)
class _Snapshot:
    parts: tuple[_PartCopy, ...]
    rels: Any  # the package's own relationships


_SNAPSHOTS: OrderedDict[str, _Snapshot] = OrderedDict()
_CACHED = 4  # parsed templates a long-running process keeps


def fresh_presentation(path: Path) -> Any:
    """A new python-pptx Presentation of the template at ``path``, sharing nothing mutable
    with any other: its XML is deep-copied from a parse kept per content (SHA-256)."""
    from briefgen.safety import checked_pptx

    checked = checked_pptx(path)
    snapshot = _SNAPSHOTS.pop(checked.digest, None) or _snapshot(checked.data, path)
    _SNAPSHOTS[checked.digest] = snapshot  # the newest last; the oldest forgotten
    while len(_SNAPSHOTS) > _CACHED:
        _SNAPSHOTS.popitem(last=False)
    return _copy(snapshot).main_document_part.presentation


def _snapshot(data: bytes, path: Path) -> _Snapshot:
    try:
        package = Package.open(io.BytesIO(data))
        main = package.main_document_part
    except Exception as exc:  # python-pptx raises many kinds for a damaged package
        raise _unreadable(path, f"cannot be read as a presentation ({exc})") from None
    if main.content_type not in (CT.PML_PRESENTATION_MAIN, CT.PML_PRES_MACRO_MAIN):
        raise _unreadable(path, f"its main part is a '{main.content_type}', not a presentation")
    parts = tuple(
        _PartCopy(
            part.partname,
            part.content_type,
            type(part),
            cast(Any, part)._element if _copyable(part) else None,
            b"" if _copyable(part) else part.blob,
            _rels_xml(part.rels),
        )
        for part in package.iter_parts()
    )
    return _Snapshot(parts, _rels_xml(package._rels))


def _unreadable(path: Path, why: str) -> TemplateError:
    return TemplateError(f"{path}: {why}", [Problem("template-pptx", why, str(path))])


def _copyable(part: Any) -> bool:
    """An XML part python-pptx makes from its tree alone, so a deep copy of the tree will do."""
    return isinstance(part, XmlPart) and type(part).__init__ is XmlPart.__init__


def _rels_xml(rels: Any) -> Any:
    """Relationships as python-pptx loads them, kept in their order (which orders the parts)."""
    xml = CT_Relationships.new()
    for rel in rels.values():
        xml.add_rel(rel.rId, rel.reltype, rel.target_ref, rel.is_external)
    return xml


def _copy(snapshot: _Snapshot) -> _RenderPackage:
    package = _RenderPackage()
    parts: dict[PackURI, Any] = {}
    for item in snapshot.parts:
        kind = _RenderPresentationPart if item.kind is PresentationPart else item.kind
        if item.element is not None:
            element = copy.deepcopy(item.element)
            parts[item.partname] = kind(item.partname, item.content_type, package, element)
        else:
            parts[item.partname] = kind.load(item.partname, item.content_type, package, item.blob)
    for item in snapshot.parts:
        parts[item.partname].load_rels_from_xml(item.rels, parts)
    package._rels.load_from_xml(PACKAGE_URI, snapshot.rels, parts)
    return package


# --- python-pptx's package, at a constant cost per slide ----------------------------------


class _RenderPackage(Package):
    """One render's package: new parts named by a running number, written uncompressed.

    ``blanks`` holds the XML python-pptx gives a new slide of each layout (its
    placeholders cloned) and a new notes slide, made through python-pptx the first time
    and deep-copied for the next ones: that XML depends on the layout (or the notes
    master) alone and names no relationship. It is kept per render, so that a change one
    render makes to its copy of a layout is never seen by another.
    """

    def __init__(self) -> None:
        super().__init__(io.BytesIO())
        self._numbers: dict[str, tuple[int, set[str]]] = {}
        self.blanks: dict[str, Any] = {}

    def next_partname(self, tmpl: str) -> PackURI:
        """The name python-pptx would give (the first free number, found by one walk of
        the parts), then the next number up for each new part of that kind."""
        if tmpl not in self._numbers:
            prefix = tmpl[: (tmpl % 42).find("42")]
            taken = {str(p.partname) for p in self.iter_parts() if p.partname.startswith(prefix)}
            first = next(n for n in range(len(taken) + 1, 0, -1) if tmpl % n not in taken)
            self._numbers[tmpl] = (first - 1, taken)
        number, taken = self._numbers[tmpl]
        number += 1
        while tmpl % number in taken:
            number += 1
        taken.add(tmpl % number)
        self._numbers[tmpl] = (number, taken)
        return PackURI(tmpl % number)

    def save(self, pkg_file: Any) -> None:
        _StoredWriter.write(pkg_file, self._rels, tuple(self.iter_parts()))


class _StoredZip(_ZipPkgWriter):
    """Entries stored, with one fixed time: the same deck gives the same bytes."""

    @lazyproperty
    def _zipf(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(self._pkg_file, "w", compression=zipfile.ZIP_STORED)

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, date_time=_ZIP_EPOCH)
        entry.external_attr = 0o644 << 16
        self._zipf.writestr(entry, blob)


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class _StoredWriter(PackageWriter):
    """python-pptx's writer, in the same order, storing entries rather than deflating them."""

    def _write(self) -> None:
        with _StoredZip(self._pkg_file) as phys_writer:
            self._write_content_types_stream(phys_writer)
            self._write_pkg_rels(phys_writer)
            self._write_parts(phys_writer)


class _RenderPresentationPart(PresentationPart):
    """Adds slides without looking through the slides already there."""

    _open_slide: _RenderSlidePart | None = None

    def add_slide(self, slide_layout: Any) -> tuple[str, Any]:
        if self._open_slide is not None:
            self._open_slide.seal()  # a new slide is started: the last one is final
        partname = self._next_slide_partname
        blanks = cast(_RenderPackage, self.package).blanks
        key = f"slide {slide_layout.part.partname}"
        if key in blanks:
            element = copy.deepcopy(blanks[key])
            slide_part = _RenderSlidePart(partname, CT.PML_SLIDE, self.package, element)
            slide_part.relate_to(slide_layout.part, RT.SLIDE_LAYOUT)
        else:
            slide_part = _NEW_SLIDE(partname, self.package, slide_layout.part)
            slide_part.slide.shapes.clone_layout_placeholders(slide_layout)
            blanks[key] = copy.deepcopy(slide_part._element)
        rId = self._rels._add_relationship(RT.SLIDE, slide_part)  # new: not related yet
        self._open_slide = slide_part
        return rId, slide_part.slide

    @lazyproperty
    def presentation(self) -> Any:
        return _RenderPresentation(self._element, self)


class _RenderPresentation(Presentation):
    @lazyproperty
    def slides(self) -> Any:
        id_list = self._element.get_or_add_sldIdLst()
        self.part.rename_slide_parts([slide_id.rId for slide_id in id_list])
        return _RenderSlides(id_list, self)


_MAX_SLIDE_ID = 2147483647


class _RenderSlides(Slides):
    """Slide ids from a running number: the largest in use, plus one, as python-pptx gives."""

    _last_id: int | None = None

    def add_slide(self, slide_layout: Any) -> Any:
        rId, slide = self.part.add_slide(slide_layout)  # its placeholders cloned
        if self._last_id is None:
            self._last_id = max((int(s.id) for s in self._sldIdLst.sldId_lst), default=255)
        if self._last_id < _MAX_SLIDE_ID:
            self._last_id += 1
            self._sldIdLst._add_sldId(id=self._last_id, rId=rId)
        else:
            self._sldIdLst.add_sldId(rId)  # python-pptx looks for an unused id
        return slide


class _Sealable:
    """An XML part whose XML, once final, is kept as bytes and its parsed tree let go.

    Reaching the tree of a sealed part raises AttributeError rather than changing a
    copy that would never be saved.
    """

    _element: Any
    _sealed: bytes | None = None

    def seal(self) -> None:
        if self._sealed is None:
            self._sealed = serialize_part_xml(self._element)
            remember_part(self._sealed, self._element)  # what it shows, for the audit
            for cached in ("_element", "slide", "notes_slide"):
                self.__dict__.pop(cached, None)

    @property
    def blob(self) -> bytes:
        return self._sealed if self._sealed is not None else serialize_part_xml(self._element)


class _RenderNotesSlidePart(_Sealable, NotesSlidePart):  # type: ignore[override]
    @classmethod
    def new(cls, package: Any, slide_part: Any) -> Any:
        """As python-pptx does the first time; a copy of that first one's XML after."""
        blank = package.blanks.get("notes")
        if blank is None:
            part = cast(Any, super()).new(package, slide_part)
            package.blanks["notes"] = copy.deepcopy(part._element)
            return part
        master_part = package.presentation_part.notes_master_part
        return cls._add_notes_slide_part(package, slide_part, master_part, blank)

    @classmethod
    def _add_notes_slide_part(
        cls, package: Any, slide_part: Any, master_part: Any, blank: Any = None
    ) -> Any:
        """As python-pptx does, but a part of this class (of ``blank``'s XML if given)."""
        part = cls(
            package.next_partname("/ppt/notesSlides/notesSlide%d.xml"),
            CT.PML_NOTES_SLIDE,
            package,
            CT_NotesSlide.new() if blank is None else copy.deepcopy(blank),
        )
        part.relate_to(master_part, RT.NOTES_MASTER)
        part.relate_to(slide_part, RT.SLIDE)
        return part


class _RenderSlidePart(_Sealable, SlidePart):  # type: ignore[override]
    _notes: _RenderNotesSlidePart | None = None

    def seal(self) -> None:
        if self._notes is not None:
            self._notes.seal()
        super().seal()

    def _add_notes_slide_part(self) -> Any:
        notes = _NEW_NOTES(self.package, self)
        self.relate_to(notes, RT.NOTES_SLIDE)
        self._notes = notes
        return notes


# python-pptx leaves these constructors unannotated
_NEW_SLIDE: Any = _RenderSlidePart.new
_NEW_NOTES: Any = _RenderNotesSlidePart.new

__all__ = ["SlideSpec", "fresh_presentation", "render_deck"]
