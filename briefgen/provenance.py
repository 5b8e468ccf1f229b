"""Provenance carried inside a built deck: which figure each number on a slide is.

The build records, per slide, every figure shown (its id, the text as displayed, and
where: a paragraph or a chart point), the figure's sources and quotes, the slide's
paragraphs and chart values as built, and the values any slide may show. The record
travels in the deck twice, because editors differ in what they keep:

1. a custom XML part (``customXml/itemN.xml`` with ``itemPropsN.xml``, related from
   the presentation part): PowerPoint's own place for a document's data;
2. custom document properties in ``docProps/custom.xml``: the same XML,
   zlib-compressed and base64-encoded, split into properties named
   ``briefgen.provenance.000`` ... of at most 255 characters (Office's limit).

LibreOffice Impress (7.4) keeps both through a round trip, though it moves the custom
XML part's relationship to the package root; readers therefore find the part by its
XML namespace, not by its relationship. Both serialisations are deterministic, so
builds stay byte-identical.

Reading needs only ``zipfile`` and the XML parser.
"""

from __future__ import annotations

import base64
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from briefgen import __version__, display
from briefgen.errors import BriefgenError, Problem
from briefgen.quantities import CACHED_TEXTS, Quantity, find_quantities

if TYPE_CHECKING:
    from briefgen.audit import Allowed, DeckParts, SlideContent
    from briefgen.resolve import Resolved
    from briefgen.verify import Report

NAMESPACE = "urn:briefgen:provenance:1"
VERSION = 1
PROPERTY_PREFIX = "briefgen.provenance."
CARRIER_XML = "customXml"
CARRIER_PROPERTIES = "docProps/custom.xml"
_CHUNK = 255
_ITEM_ID = "{4F1C2B7E-5D3A-4E8B-9C61-B2E0A7D5F390}"  # fixed, so builds stay identical
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the user-defined property set

_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_REL_CUSTOM_XML = f"{_OFFICE_REL}/customXml"
_REL_CUSTOM_XML_PROPS = f"{_OFFICE_REL}/customXmlProps"
_REL_CUSTOM_PROPS = f"{_OFFICE_REL}/custom-properties"
_CT_ITEM_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_CT_CUSTOM_PROPS = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_PRESENTATION = "ppt/presentation.xml"
_CUSTOM_PROPS = "docProps/custom.xml"
_ITEM = re.compile(r"customXml/item(\d+)\.xml$")
_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# --- The record --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRecord:
    source: str
    quote: str
    locator: str | None = None


@dataclass(frozen=True)
class Shown:
    """One figure shown on a slide: in a paragraph, or at a point of a chart."""

    figure: str
    text: str  # as displayed: "RMB 280.15bn", "+8%", or the chart's cached value
    sources: tuple[str, ...]
    quotes: tuple[QuoteRecord, ...]
    paragraph: int | None = None  # index into the slide's paragraphs
    chart: int | None = None  # index of the chart on the slide, its series and point
    series: int | None = None
    point: int | None = None


@dataclass(frozen=True)
class SlideRecord:
    index: int  # 1-based position in the deck as built
    title: str
    paragraphs: tuple[str, ...]
    charts: tuple[tuple[tuple[str, ...], ...], ...]  # chart -> series -> cached point values
    figures: tuple[Shown, ...]


@dataclass(frozen=True)
class Provenance:
    pack: str
    template: str
    as_of: str
    generator: str
    allowed: tuple[str, ...]  # values any slide may show (figures, dates, periods), sorted
    slides: tuple[SlideRecord, ...]

    def allowed_values(self) -> frozenset[Decimal]:
        return frozenset(Decimal(v) for v in self.allowed)


# --- Serialising -------------------------------------------------------------------------


class DeckError(BriefgenError):
    """The file is not a presentation briefgen can read, or carries no record."""


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _newer(version: int) -> DeckError:
    message = (
        f"the deck's provenance record is version {version}, newer than this briefgen "
        f"({__version__}) reads; upgrade briefgen"
    )
    return DeckError(message, [Problem("deck-no-provenance", message)])


def to_xml(record: Provenance) -> bytes:
    """The record as the custom XML part: one element per slide, figure and quote.

    Written as ElementTree writes the same tree (``tostring`` with the namespace as the
    default one), character for character, without building the tree.
    """
    out = [_HEADER, f'<provenance xmlns="{_attr(NAMESPACE)}"']
    for key, value in (
        ("version", str(VERSION)),
        ("generator", record.generator),
        ("pack", record.pack),
        ("template", record.template),
        ("as_of", record.as_of),
    ):
        out.append(f' {key}="{_attr(value)}"')
    out.append(">")
    _leaf(out, "allowed", "", " ".join(record.allowed))
    for slide in record.slides:
        _slide_xml(out, slide)
    out.append("</provenance>")
    return "".join(out).encode("utf-8")


def _slide_xml(out: list[str], slide: SlideRecord) -> None:
    head = f'<slide index="{slide.index}" title="{_attr(slide.title)}"'
    if not (slide.paragraphs or slide.charts or slide.figures):
        out.append(f"{head} />")
        return
    out.append(f"{head}>")
    for text in slide.paragraphs:
        _leaf(out, "p", "", text)
    for chart in slide.charts:
        out.append("<chart>" if chart else "<chart />")
        for series in chart:
            out.append("<series>" if series else "<series />")
            for value in series:
                _leaf(out, "v", "", value)
            if series:
                out.append("</series>")
        if chart:
            out.append("</chart>")
    for shown in slide.figures:
        attrs = (
            f' id="{_attr(shown.figure)}" text="{_attr(shown.text)}"'
            f' sources="{_attr(" ".join(shown.sources))}"'
        )
        for key in ("paragraph", "chart", "series", "point"):
            value = getattr(shown, key)
            if value is not None:
                attrs += f' {key}="{value}"'
        out.append(f"<figure{attrs}>" if shown.quotes else f"<figure{attrs} />")
        for quote in shown.quotes:
            where = f' locator="{_attr(quote.locator)}"' if quote.locator else ""
            _leaf(out, "quote", f' source="{_attr(quote.source)}"{where}', quote.quote)
        if shown.quotes:
            out.append("</figure>")
    out.append("</slide>")


def _leaf(out: list[str], tag: str, attrs: str, text: str) -> None:
    """An element with text only: empty, it closes itself, as ElementTree writes it."""
    out.append(f"<{tag}{attrs}>{_text(text)}</{tag}>" if text else f"<{tag}{attrs} />")


def _text(value: str) -> str:
    """Character data escaped as ElementTree escapes it."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _attr(value: str) -> str:
    """An attribute value escaped as ElementTree escapes it (line ends as references)."""
    value = _text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "\n" in value:
        value = value.replace("\n", "&#10;")
    if "\t" in value:
        value = value.replace("\t", "&#09;")
    return value


def from_xml(xml: bytes) -> Provenance:
    ns = f"{{{NAMESPACE}}}"
    root = ElementTree.fromstring(xml)
    version = int(root.get("version", "0"))
    if version > VERSION:
        raise _newer(version)
    slides = []
    for node in root.iterfind(f"{ns}slide"):
        charts = tuple(
            tuple(
                tuple((v.text or "") for v in series.iterfind(f"{ns}v"))
                for series in chart.iterfind(f"{ns}series")
            )
            for chart in node.iterfind(f"{ns}chart")
        )
        figures = []
        for figure in node.iterfind(f"{ns}figure"):
            quotes = tuple(
                QuoteRecord(q.get("source", ""), q.text or "", q.get("locator"))
                for q in figure.iterfind(f"{ns}quote")
            )
            figures.append(
                Shown(
                    figure=figure.get("id", ""),
                    text=figure.get("text", ""),
                    sources=tuple(figure.get("sources", "").split()),
                    quotes=quotes,
                    paragraph=_int_attr(figure, "paragraph"),
                    chart=_int_attr(figure, "chart"),
                    series=_int_attr(figure, "series"),
                    point=_int_attr(figure, "point"),
                )
            )
        slides.append(
            SlideRecord(
                index=int(node.get("index", "0")),
                title=node.get("title", ""),
                paragraphs=tuple((p.text or "") for p in node.iterfind(f"{ns}p")),
                charts=charts,
                figures=tuple(figures),
            )
        )
    allowed = root.find(f"{ns}allowed")
    return Provenance(
        pack=root.get("pack", ""),
        template=root.get("template", ""),
        as_of=root.get("as_of", ""),
        generator=root.get("generator", ""),
        allowed=tuple((allowed.text or "").split()) if allowed is not None else (),
        slides=tuple(slides),
    )


def _int_attr(node: ElementTree.Element, name: str) -> int | None:
    value = node.get(name)
    return None if value is None else int(value)


def to_properties(record: Provenance, xml: bytes | None = None) -> list[tuple[str, str]]:
    """The record as (name, value) custom properties of at most 255 characters each;
    ``xml`` is the record's :func:`to_xml`, when already made."""
    packed = base64.b64encode(zlib.compress(xml or to_xml(record), 9)).decode("ascii")
    chunks = [packed[i : i + _CHUNK] for i in range(0, len(packed), _CHUNK)]
    return [(f"{PROPERTY_PREFIX}{i:03d}", chunk) for i, chunk in enumerate(chunks)]


def from_properties(properties: Iterable[tuple[str, str]]) -> Provenance | None:
    chunks = sorted(
        (int(name[len(PROPERTY_PREFIX) :]), value)
        for name, value in properties
        if name.startswith(PROPERTY_PREFIX) and name[len(PROPERTY_PREFIX) :].isdigit()
    )
    if not chunks:
        return None
    packed = "".join(value for _, value in chunks)
    try:
        xml = zlib.decompress(base64.b64decode(packed))
        return from_xml(xml)
    except (ValueError, zlib.error, ElementTree.ParseError):
        return None  # damaged, e.g. a property edited by hand


# --- Embedding -----------------------------------------------------------------------------


def embed(deck: bytes, record: Provenance, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The deck with the record added as a custom XML part and as custom properties.

    ``compression`` is the zip's: a deck made reproducible next (which compresses it
    again) is best stored, not compressed twice.
    """
    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        files = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for name, data in embed_parts(files, record).items():
            target.writestr(name, data)
    return out.getvalue()


def embed_parts(files: dict[str, bytes], record: Provenance) -> dict[str, bytes]:
    """A package's parts by name (in its order), with the record added as in :func:`embed`;
    the parts changed keep their places, the new ones come last. ``files`` is changed."""
    _drop_old_record(files)
    numbers = [int(m.group(1)) for name in files if (m := _ITEM.match(name))]
    n = max(numbers, default=0) + 1
    item, props = f"customXml/item{n}.xml", f"customXml/itemProps{n}.xml"
    xml = files[item] = to_xml(record)
    files[props] = (
        f'{_HEADER}<ds:datastoreItem ds:itemID="{_ITEM_ID}" xmlns:ds="{_DS_NS}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs>'
        "</ds:datastoreItem>"
    ).encode()
    files[f"customXml/_rels/item{n}.xml.rels"] = _rels_xml(
        [("rId1", _REL_CUSTOM_XML_PROPS, f"itemProps{n}.xml")]
    )
    _add_relationship(files, _rels_path(_PRESENTATION), _REL_CUSTOM_XML, f"../{item}")
    _add_content_type(files, f"/{props}", _CT_ITEM_PROPS)
    ours = to_properties(record, xml)
    files[_CUSTOM_PROPS] = _custom_properties(files.get(_CUSTOM_PROPS), ours)
    _add_relationship(files, "_rels/.rels", _REL_CUSTOM_PROPS, _CUSTOM_PROPS)
    _add_content_type(files, f"/{_CUSTOM_PROPS}", _CT_CUSTOM_PROPS)
    return files


def _drop_old_record(files: dict[str, bytes]) -> None:
    """A deck stamped before (a template saved from a built deck) loses its old record."""
    for name in list(files):
        match = _ITEM.match(name)
        if match is None or not _is_record(files[name]):
            continue
        props = f"customXml/itemProps{match.group(1)}.xml"
        for part in (name, props, f"customXml/_rels/item{match.group(1)}.xml.rels"):
            files.pop(part, None)
        types = "[Content_Types].xml"
        files[types] = _without(files[types], "Override", "PartName", f"/{props}")
        for rels in (_rels_path(_PRESENTATION), "_rels/.rels"):
            if rels in files:
                files[rels] = _without(files[rels], "Relationship", "Target", name)


def _is_record(xml: bytes) -> bool:
    try:
        return ElementTree.fromstring(xml).tag == f"{{{NAMESPACE}}}provenance"
    except ElementTree.ParseError:
        return False


def _without(xml: bytes, element: str, attribute: str, ending: str) -> bytes:
    """``xml`` without the empty ``element`` whose ``attribute`` ends in ``ending``."""
    pattern = rf'<{element} [^>]*{attribute}="[^"]*{re.escape(ending)}"[^>]*/>'
    return re.sub(pattern, "", xml.decode("utf-8")).encode("utf-8")


def _rels_xml(entries: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
        for rid, kind, target in entries
    )
    return (
        f'{_HEADER}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships">{body}</Relationships>'
    ).encode()


def _add_relationship(files: dict[str, bytes], rels: str, kind: str, target: str) -> None:
    text = files[rels].decode("utf-8") if rels in files else _rels_xml([]).decode("utf-8")
    if f'Target="{target}"' in text and f'Type="{kind}"' in text:
        return
    used = set(re.findall(r'Id="([^"]+)"', text))
    number = 1
    while f"rId{number}" in used:
        number += 1
    entry = f'<Relationship Id="rId{number}" Type="{kind}" Target="{target}"/>'
    head, tail = text.rsplit("</Relationships>", 1)
    files[rels] = (head + entry + "</Relationships>" + tail).encode("utf-8")


def _add_content_type(files: dict[str, bytes], part: str, content_type: str) -> None:
    name = "[Content_Types].xml"
    text = files[name].decode("utf-8")
    if f'PartName="{part}"' in text:
        return
    entry = f'<Override PartName="{part}" ContentType="{content_type}"/>'
    head, tail = text.rsplit("</Types>", 1)
    files[name] = (head + entry + "</Types>" + tail).encode("utf-8")


def _custom_properties(existing: bytes | None, ours: list[tuple[str, str]]) -> bytes:
    """``docProps/custom.xml`` with our properties replacing any earlier ones."""
    kept: list[tuple[str, str]] = []
    if existing is not None:
        for prop in ElementTree.fromstring(existing):
            name = prop.get("name", "")
            if name.startswith(PROPERTY_PREFIX):
                continue
            kept.append((name, _element_xml(prop)))
    items = [inner for _, inner in kept] + [
        f'<property fmtid="{_FMTID}" pid="0" name="{name}"><vt:lpwstr>{value}</vt:lpwstr>'
        "</property>"
        for name, value in ours
    ]
    # Property ids start at 2 and run on without gaps.
    numbered = [
        re.sub(r' pid="\d+"', f' pid="{i}"', item, count=1) for i, item in enumerate(items, 2)
    ]
    return (
        f'{_HEADER}<Properties xmlns="{_CUSTOM_PROPS_NS}" xmlns:vt="{_VT_NS}">'
        + "".join(numbered)
        + "</Properties>"
    ).encode("utf-8")


def _element_xml(element: ElementTree.Element) -> str:
    """An existing property (or its value) written again, values in the ``vt`` prefix."""
    from xml.sax.saxutils import escape, quoteattr

    local = element.tag.rsplit("}", 1)[-1]
    name = local if local == "property" else f"vt:{local}"
    attrs = "".join(f" {key}={quoteattr(value)}" for key, value in element.attrib.items())
    inner = escape(element.text or "") + "".join(_element_xml(child) for child in element)
    return f"<{name}{attrs}>{inner}</{name}>"


# --- Finding the record in a deck ----------------------------------------------------------


def read_record(archive: zipfile.ZipFile) -> tuple[Provenance, str] | None:
    """The deck's provenance record and which carrier held it, or None."""
    names = archive.namelist()
    for name in sorted(names, key=lambda n: (len(n), n)):
        if _ITEM.match(name):
            xml = archive.read(name)
            try:
                root = ElementTree.fromstring(xml)
            except ElementTree.ParseError:
                continue
            if root.tag == f"{{{NAMESPACE}}}provenance":
                return from_xml(xml), CARRIER_XML
    if _CUSTOM_PROPS in names:
        try:
            root = ElementTree.fromstring(archive.read(_CUSTOM_PROPS))
        except ElementTree.ParseError:
            return None
        properties = [(prop.get("name", ""), "".join(prop.itertext())) for prop in root]
        found = from_properties(properties)
        if found is not None:
            return found, CARRIER_PROPERTIES
    return None


# --- Building the record -----------------------------------------------------------------


def decimal_key(text: str) -> Decimal | None:
    """A number as compared: sign dropped, trailing zeros dropped; None if not a number."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return abs(value).normalize() if value.is_finite() else None


_PAGE_MARK = re.compile(r"\(\d+/\d+\)")


_MARKS = str.maketrans(dict.fromkeys(display.FOOTNOTE_DIGITS, " "))
_FOOTNOTE = re.compile(f"[{display.FOOTNOTE_DIGITS}][{display.FOOTNOTE_DIGITS},]* ")


def measures(text: str) -> list[Quantity]:
    """The numbers in ``text`` a reader takes as measures: not names, years or page marks.

    Source marks (superscript digits) are blanked first: "90,000¹" is the number 90,000
    with its mark, not a name.
    """
    return list(_measures(text))


@lru_cache(maxsize=CACHED_TEXTS)
def _measures(text: str) -> tuple[Quantity, ...]:
    """:func:`measures`, worked out once per text: it depends on the text alone."""
    blanked = _PAGE_MARK.sub(lambda m: " " * len(m.group()), text.translate(_MARKS))
    return tuple(q for q in find_quantities(blanked) if not q.in_name and not q.is_year)


def is_footnote(text: str) -> bool:
    """A line of a slide's footnote band: a source's mark, then its name."""
    return _FOOTNOTE.match(text) is not None


def squash(text: str) -> str:
    return " ".join(text.split())


class _Matcher:
    """Which figure a number on a slide is: by its value and the form it is shown in."""

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self.by_value: dict[Decimal, list[str]] = {}
        self.forms: dict[str, set[str]] = {}
        for fid, view in resolved.figures.items():
            key = abs(view.figure.value).normalize()
            self.by_value.setdefault(key, []).append(fid)
            bare = display.bare_value(view.figure)
            self.forms[fid] = {
                squash(f) for f in (view.display, bare, f"+{view.display}", f"+{bare}")
            }
        self.note_lines = self._note_lines()

    def _note_lines(self) -> dict[str, list[str]]:
        """The first speaker-note line of each figure, which names the figures on a slide."""
        try:
            from briefgen.deck.cite import figure_notes
        except ImportError:  # pragma: no cover - the deck package is always there
            return {}
        lines: dict[str, list[str]] = {}
        for fid in self.resolved.figures:
            notes = figure_notes(self.resolved, fid)
            if notes:
                lines.setdefault(squash(notes[0]), []).append(fid)
        return lines

    def on_slide(self, slide: SlideContent) -> list[str]:
        return [fid for line in slide.notes for fid in self.note_lines.get(squash(line), [])]

    def pick(
        self, value: Decimal, raw: str | None, on_slide: list[str], used: set[str]
    ) -> str | None:
        candidates = self.by_value.get(abs(value).normalize(), [])
        if raw is not None:  # text shows a figure in one of its forms; a date never is one
            shown_as = squash(raw)
            candidates = [fid for fid in candidates if shown_as in self.forms[fid]]
        if not candidates:
            return None
        ranked = sorted(
            candidates, key=lambda fid: (fid not in on_slide, fid in used, candidates.index(fid))
        )
        return ranked[0]

    def shown(self, fid: str, text: str, locators: Locators, **where: int) -> Shown:
        view = self.resolved.figures[fid]
        quotes = tuple(
            QuoteRecord(c.source, c.quote, c.locator or locators.get((c.figure, c.source, c.quote)))
            for c in view.citations
        )
        return Shown(fid, text, view.sources, quotes, **where)


Locators = Mapping[tuple[str, str, str], "str | None"]


def build_record(
    deck: bytes | DeckParts,
    resolved: Resolved,
    template: str,
    locators: Locators | None = None,
    allowed: Allowed | None = None,
) -> Provenance:
    """The provenance record of a freshly rendered deck (its bytes, or its parts as read);
    ``allowed`` is ``allowed_values(resolved)``, when already made."""
    from briefgen.audit import DeckParts, allowed_values

    matcher = _Matcher(resolved)
    found = locators or {}
    parts = deck if isinstance(deck, DeckParts) else DeckParts.of(deck)
    records = [_slide_record(i, s, matcher, found) for i, s in enumerate(parts.slides(), 1)]
    values = sorted((allowed or allowed_values(resolved)).body)
    return Provenance(
        pack=resolved.meta.name,
        template=template,
        as_of=resolved.meta.as_of.isoformat(),
        generator=f"briefgen {__version__}",
        allowed=tuple(_plain(v) for v in values),
        slides=tuple(records),
    )


def _slide_record(
    index: int, slide: SlideContent, matcher: _Matcher, found: Locators
) -> SlideRecord:
    on_slide = matcher.on_slide(slide)
    used: set[str] = set()
    shown: list[Shown] = []
    for number, text in enumerate(slide.paragraphs):
        if is_footnote(text):
            continue  # a source's title may hold a figure's number; it shows no figure
        for quantity in _measures(text):
            fid = matcher.pick(quantity.value, quantity.raw, on_slide, used)
            if fid is not None:
                used.add(fid)
                shown.append(matcher.shown(fid, squash(quantity.raw), found, paragraph=number))
    for c, chart in enumerate(slide.charts):
        for s, series in enumerate(chart):
            for p, value in enumerate(series):
                key = decimal_key(value)
                fid = None if key is None else matcher.pick(key, None, on_slide, used)
                if fid is not None:
                    used.add(fid)
                    shown.append(matcher.shown(fid, value, found, chart=c, series=s, point=p))
    return SlideRecord(index, slide.title, slide.paragraphs, slide.charts, tuple(shown))


def _plain(value: Decimal) -> str:
    """``1E+3`` -> ``1000``: plain digits, which read back as the same number."""
    return format(value, "f")


def stamp(
    deck: bytes | DeckParts,
    resolved: Resolved,
    template: str,
    report: Report | None = None,
    allowed: Allowed | None = None,
) -> dict[str, bytes]:
    """The rendered deck's parts, by name in its order, with its provenance record added
    (see the module's doc): ready to be zipped once, as the build makes the deck
    reproducible (:func:`briefgen.write.reproducible_package`)."""
    from briefgen.audit import DeckParts

    locators: dict[tuple[str, str, str], str | None] = {}
    if report is not None:
        locators = {(c.figure, c.source, c.quote): c.locator for c in report.citations}
    parts = deck if isinstance(deck, DeckParts) else DeckParts.of(deck)
    record = build_record(parts, resolved, template, locators, allowed)
    return embed_parts(parts.files, record)
