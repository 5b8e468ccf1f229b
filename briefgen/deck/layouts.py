"""What a ``.pptx`` offers a template: its layouts, their placeholders, their boxes.

Used to inspect a corporate file and to start a template from it. A file that is
not a presentation (a Word document, an old binary ``.ppt``, a macro-enabled
deck, anything that is not a zip) is refused with a message that says what it is.
A PowerPoint template (``.potx``) is read as the presentation it would start.
"""

from __future__ import annotations

import importlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from xml.etree import ElementTree

from briefgen.errors import Problem, TemplateError

EMU_PER_INCH = 914400
EMU_PER_CM = 360000
Units = Literal["in", "cm"]
FOOTER_TYPES = frozenset({"dt", "ftr", "sldNum"})
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_MAIN = {
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": "potx",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": "ppsx",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": "macro",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml": "macro",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml": "macro",
}
_OTHER = {"word/": "a Word document", "xl/": "an Excel workbook", "visio/": "a Visio drawing"}
_PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_TYPES_MAX = 1_000_000  # bytes: a real [Content_Types].xml is a few kilobytes


@dataclass(frozen=True)
class PlaceholderInfo:
    idx: int
    type: str  # as the layout XML writes it; a placeholder with no type is an "obj"
    name: str
    box: tuple[int, int, int, int]  # left, top, width, height in EMU, inherited if unset
    vertical: bool = False

    @property
    def area(self) -> int:
        return self.box[2] * self.box[3]


@dataclass(frozen=True)
class LayoutDesc:
    master: int
    index: int
    name: str
    type: str  # the layout's own type (title, obj, twoObj, titleOnly, secHead...), or "cust"
    placeholders: tuple[PlaceholderInfo, ...]

    def of_type(self, *types: str) -> list[PlaceholderInfo]:
        return [p for p in self.placeholders if p.type in types]

    @property
    def content(self) -> list[PlaceholderInfo]:
        """Placeholders content can go in: not the title, not the footers."""
        skip = FOOTER_TYPES | {"title", "ctrTitle"}
        return [p for p in self.placeholders if p.type not in skip]


@dataclass(frozen=True)
class PptxInfo:
    path: Path
    width: int
    height: int
    masters: int
    layouts: tuple[LayoutDesc, ...]
    heading_font: str | None
    body_font: str | None
    title_size: float | None  # points, the master's title style
    footer_top: int | None  # EMU: the highest footer placeholder's top edge


def _refuse(path: Path, why: str) -> TemplateError:
    message = f"{path}: {why}"
    return TemplateError(message, [Problem("template-pptx", why, str(path))])


def _safety(path: Path) -> None:
    """The untrusted-file checks of ``briefgen.safety`` (macros, embedded objects, zip
    bombs), where that module is installed."""
    try:
        safety: Any = importlib.import_module("briefgen.safety")
    except ModuleNotFoundError:
        return
    safety.check_pptx(path)


def _kind(archive: zipfile.ZipFile) -> str:
    try:
        if archive.getinfo("[Content_Types].xml").file_size > _TYPES_MAX:
            return "pptx"  # too big to be honest: briefgen.safety judges it
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
    except (KeyError, ElementTree.ParseError):
        return "not an Office file"
    for override in types.iterfind(f"{_CT}Override"):
        found = _MAIN.get(override.attrib.get("ContentType", ""))
        if found:
            return found
    names = archive.namelist()
    for prefix, what in _OTHER.items():
        if any(n.startswith(prefix) for n in names):
            return what
    return "an Office file with no presentation in it"


def presentation_bytes(path: Path) -> bytes:
    """The file as ``.pptx`` bytes, refusing anything that is not a presentation."""
    if path.is_dir():
        raise _refuse(path, "a folder, not a .pptx file")
    if not path.is_file():
        raise _refuse(path, "no such file")
    with path.open("rb") as handle:
        head = handle.read(4)
    if head == _OLE_MAGIC:
        raise _refuse(path, "an old binary PowerPoint (.ppt) or other OLE file; save it as .pptx")
    if not zipfile.is_zipfile(path):
        raise _refuse(path, "not a PowerPoint file (.pptx is a zip archive; this is not)")
    with zipfile.ZipFile(path) as archive:
        kind = _kind(archive)
    if kind == "macro":
        raise _refuse(path, "a macro-enabled presentation; save it as a plain .pptx")
    if kind not in ("pptx", "potx", "ppsx"):
        raise _refuse(path, f"{kind}, not a PowerPoint presentation")
    _safety(path)
    data = path.read_bytes()
    return data if kind == "pptx" else _as_pptx(data)


def _as_pptx(data: bytes) -> bytes:
    """A .potx or .ppsx with its main part declared a presentation, as saving would."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            member = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                text = member.decode("utf-8")
                for content_type, kind in _MAIN.items():
                    if kind in ("potx", "ppsx"):
                        text = text.replace(content_type, _PPTX_MAIN)
                member = text.encode("utf-8")
            dst.writestr(info, member)
    return out.getvalue()


def open_presentation(path: Path) -> Any:
    """python-pptx's Presentation of a checked file."""
    from pptx import Presentation

    data = presentation_bytes(path)
    try:
        return Presentation(io.BytesIO(data))
    except Exception as exc:  # python-pptx raises many kinds for a damaged package
        raise _refuse(path, f"cannot be read as a presentation ({exc})") from None


def _placeholder(shape: Any) -> PlaceholderInfo:
    ph = shape._element.ph
    vertical = 'vert="vert' in shape._element.xml or "eaVert" in shape._element.xml
    box = tuple(int(v or 0) for v in (shape.left, shape.top, shape.width, shape.height))
    return PlaceholderInfo(
        int(ph.get("idx", "0")),
        ph.get("type", "obj"),
        str(shape.name),
        (box[0], box[1], box[2], box[3]),
        vertical,
    )


def describe(path: Path) -> PptxInfo:
    """Every layout of every master, with its placeholders' types and boxes."""
    prs = open_presentation(path)
    layouts = []
    for m, master in enumerate(prs.slide_masters):
        for i, layout in enumerate(master.slide_layouts):
            kind = layout._element.get("type", "cust")
            holders = tuple(_placeholder(s) for s in layout.placeholders)
            layouts.append(LayoutDesc(m, i, str(layout.name), kind, holders))
    master = prs.slide_masters[0]
    footers = [int(s.top) for s in master.placeholders if s._element.ph.get("type") in FOOTER_TYPES]
    heading, body = _theme_fonts(master)
    return PptxInfo(
        path,
        int(prs.slide_width),
        int(prs.slide_height),
        len(prs.slide_masters),
        tuple(layouts),
        heading,
        body,
        _title_size(master),
        min(footers) if footers else None,
    )


_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"


def _theme_fonts(master: Any) -> tuple[str | None, str | None]:
    try:
        theme = ElementTree.fromstring(master.part.part_related_by(_THEME).blob)
    except (KeyError, ElementTree.ParseError):
        return None, None
    faces = []
    for group in ("majorFont", "minorFont"):
        latin = theme.find(f"{_A}themeElements/{_A}fontScheme/{_A}{group}/{_A}latin")
        face = latin.attrib.get("typeface") if latin is not None else None
        faces.append(face or None)
    return faces[0], faces[1]


def _title_size(master: Any) -> float | None:
    node = master._element.find(
        ".//{http://schemas.openxmlformats.org/presentationml/2006/main}titleStyle"
        f"/{_A}lvl1pPr/{_A}defRPr"
    )
    size = node.get("sz") if node is not None else None
    return int(size) / 100 if size else None


def measure(emu: int, units: Units) -> str:
    per = EMU_PER_INCH if units == "in" else EMU_PER_CM
    return f"{emu / per:.2f}"


def format_info(info: PptxInfo, units: Units = "in") -> list[str]:
    """The file's layouts and placeholders as a readable listing."""
    size = f"{measure(info.width, units)} x {measure(info.height, units)} {units}"
    plural = "s" if info.masters != 1 else ""
    lines = [
        f"{info.path.name}: {size}, {info.masters} master{plural}, {len(info.layouts)} layouts; "
        f"theme fonts: headings {info.heading_font or '?'}, body {info.body_font or '?'}",
    ]
    for layout in info.layouts:
        where = f"master {layout.master + 1}, " if info.masters > 1 else ""
        lines.append("")
        lines.append(f"layout '{layout.name}' ({where}type {layout.type})")
        if not layout.placeholders:
            lines.append("  no placeholders")
            continue
        lines.append(
            f"  {'idx':>4}  {'type':<9} {'name':<30} {'left':>6} {'top':>6} {'width':>6} "
            f"{'height':>6} ({units})"
        )
        for ph in layout.placeholders:
            left, top, width, height = (measure(v, units) for v in ph.box)
            name = ph.name if len(ph.name) <= 30 else ph.name[:29] + "…"
            lines.append(
                f"  {ph.idx:>4}  {ph.type:<9} {name:<30} {left:>6} {top:>6} {width:>6} {height:>6}"
            )
    return lines
