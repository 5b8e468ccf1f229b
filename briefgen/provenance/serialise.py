"""The provenance record as XML (the custom XML part) and as custom properties, and
read back from either.

The XML is written as ElementTree writes the same tree, character for character, so
builds stay byte-identical; the properties are that XML, zlib-compressed and
base64-encoded, in chunks of at most 255 characters (Office's limit).
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable
from xml.etree import ElementTree

from briefgen import __version__
from briefgen.errors import BriefgenError, Problem
from briefgen.provenance.record import (
    NAMESPACE,
    VERSION,
    Provenance,
    QuoteRecord,
    Shown,
    SlideRecord,
)

PROPERTY_PREFIX = "briefgen.provenance."
XML_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CHUNK = 255


class DeckError(BriefgenError):
    """The file is not a presentation briefgen can read, or carries no record."""


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
    out = [XML_HEADER, f'<provenance xmlns="{_attr(NAMESPACE)}"']
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


_NS = f"{{{NAMESPACE}}}"


def from_xml(xml: bytes) -> Provenance:
    """The record the custom XML part holds; :class:`DeckError` if a newer briefgen wrote it."""
    root = ElementTree.fromstring(xml)
    version = int(root.get("version", "0"))
    if version > VERSION:
        raise _newer(version)
    allowed = root.find(f"{_NS}allowed")
    return Provenance(
        pack=root.get("pack", ""),
        template=root.get("template", ""),
        as_of=root.get("as_of", ""),
        generator=root.get("generator", ""),
        allowed=tuple((allowed.text or "").split()) if allowed is not None else (),
        slides=tuple(_slide_from_xml(node) for node in root.iterfind(f"{_NS}slide")),
    )


def _slide_from_xml(node: ElementTree.Element) -> SlideRecord:
    charts = tuple(
        tuple(
            tuple((v.text or "") for v in series.iterfind(f"{_NS}v"))
            for series in chart.iterfind(f"{_NS}series")
        )
        for chart in node.iterfind(f"{_NS}chart")
    )
    return SlideRecord(
        index=int(node.get("index", "0")),
        title=node.get("title", ""),
        paragraphs=tuple((p.text or "") for p in node.iterfind(f"{_NS}p")),
        charts=charts,
        figures=tuple(_shown_from_xml(figure) for figure in node.iterfind(f"{_NS}figure")),
    )


def _shown_from_xml(figure: ElementTree.Element) -> Shown:
    quotes = tuple(
        QuoteRecord(q.get("source", ""), q.text or "", q.get("locator"))
        for q in figure.iterfind(f"{_NS}quote")
    )
    return Shown(
        figure=figure.get("id", ""),
        text=figure.get("text", ""),
        sources=tuple(figure.get("sources", "").split()),
        quotes=quotes,
        paragraph=_int_attr(figure, "paragraph"),
        chart=_int_attr(figure, "chart"),
        series=_int_attr(figure, "series"),
        point=_int_attr(figure, "point"),
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
