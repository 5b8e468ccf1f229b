"""The output audit: no number reaches a reader without a figure behind it.

Every numeric token in the rendered deck (text, tables, chart data and labels,
notes) and in the brief must be the value of a pack figure, or allowed: a date or
period the pack itself defines, a year, a slide's "(2/3)" page mark, or part of a
name (Qwen2.5-Max, 88VIP). The speaker notes may also repeat the numbers of the
quotes they cite. Static text in templates is scanned too, so a number typed into
a template is reported at its own file and line.

Reading the deck needs only ``zipfile`` and the XML parser, not python-pptx. A
build reads its deck once (:class:`DeckParts`): each slide, notes and chart part is
parsed once, and what it shows is kept per content (a SHA-256 digest), so the audit,
the provenance record and the next build of an unchanged slide share one reading.
Which numbers a text holds is worked out once per text (:func:`_candidates`).
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from xml.etree import ElementTree

from briefgen import display
from briefgen.errors import Problem
from briefgen.memory import LastVersions
from briefgen.quantities import CACHED_TEXTS, Quantity, find_quantities

if TYPE_CHECKING:
    from briefgen.resolve import Resolved

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PRESENTATION = "ppt/presentation.xml"
_PAGE_MARK = re.compile(r"\(\d+/\d+\)")
_SLIDE = re.compile(r"ppt/slides/slide(\d+)\.xml$")
_NOTES = re.compile(r"ppt/notesSlides/notesSlide(\d+)\.xml$")
_CHART = re.compile(r"ppt/charts/chart\d+\.xml$")


@dataclass(frozen=True)
class Allowed:
    """The values a reader may meet: in body text, and in notes (which quote sources)."""

    body: frozenset[Decimal]
    quotes: tuple[str, ...]  # scanned only when notes are read: check never reads them

    @cached_property
    def notes(self) -> frozenset[Decimal]:
        return frozenset(_values(self.quotes))

    def permits(self, quantity: Quantity, in_notes: bool = False) -> bool:
        return self.admits(_key(quantity.value), in_notes)

    def admits(self, value: Decimal, in_notes: bool = False) -> bool:
        """Whether ``value`` (as :func:`_key` makes it) may be shown."""
        return value in self.body or (in_notes and value in self.notes)


def _key(value: Decimal) -> Decimal:
    return abs(value).normalize()


def _values(texts: Iterable[str]) -> set[Decimal]:
    return {_key(q.value) for text in set(texts) for q in find_quantities(text)}


def allowed_values(resolved: Resolved) -> Allowed:
    """Every value the pack defines, and the dates and periods it shows.

    A figure's displayed value is its own value, so only the texts around values
    (periods, dates, names) need scanning; they repeat, and each is scanned once.
    """
    fy_end = resolved.meta.fiscal_year_end_month
    meta = resolved.meta
    texts: set[str] = {display.day(meta.as_of), meta.ticker or "", *meta.names, *resolved.names}
    for view in resolved.figures.values():
        period = view.figure.period
        texts.update(
            (view.period, view.calendar, display.day(period.start), display.day(period.end))
        )
    texts.update(display.day(s.published) for s in resolved.sources.values() if s.published)
    if resolved.pack.highlights is not None:
        texts.update(display.fiscal_label(p, fy_end) for p in resolved.pack.highlights.periods)
    body = _values(texts) | {_key(v.figure.value) for v in resolved.figures.values()}
    quotes = tuple(c.quote for v in resolved.figures.values() for c in v.citations)
    return Allowed(frozenset(body), quotes)


def unsourced(text: str, allowed: Allowed, in_notes: bool = False) -> list[Quantity]:
    """Quantities in ``text`` that no figure accounts for."""
    return [q for q, key in _candidates(text) if not allowed.admits(key, in_notes)]


@lru_cache(maxsize=CACHED_TEXTS)
def _candidates(text: str) -> tuple[tuple[Quantity, Decimal], ...]:
    """The quantities of ``text`` that need a figure behind them, each with its value as
    compared: all but years, page marks and parts of names. Depends on the text alone."""
    text = _PAGE_MARK.sub(lambda m: " " * len(m.group()), text)
    return tuple(
        (q, _key(q.value)) for q in find_quantities(text) if not q.in_name and not q.is_year
    )


def _unique(problems: list[Problem]) -> list[Problem]:
    """One line per number and place: a value repeated on a slide is reported once."""
    return list(dict.fromkeys(problems))


def _problem(quantity: Quantity, file: str, line: int | None, where: str) -> Problem:
    return Problem(
        "output-unsourced-number",
        f"'{quantity.raw}' in {where} is not the value of any figure; cite it as a figure "
        "or remove it",
        file,
        line,
    )


def audit_brief(markdown: str, allowed: Allowed, file: str) -> list[Problem]:
    """Numbers in the rendered brief that no figure accounts for, by line."""
    problems = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        for quantity in unsourced(line, allowed):
            problems.append(_problem(quantity, file, number, "the brief"))
    return _unique(problems)


def _paragraphs(xml: bytes) -> list[str]:
    return list(part_text(xml).lines)


def _chart_problems(shows: PartText, allowed: Allowed, file: str, part: str) -> list[Problem]:
    problems = []
    for number in shows.numbers:
        value = Decimal((number or "0").strip())
        if _key(value) not in allowed.body:
            quantity = find_quantities(number or "0")[0]
            problems.append(_problem(quantity, file, None, f"chart data ({part})"))
    for text in shows.lines + shows.labels:
        problems += [
            _problem(q, file, None, f"chart text ({part})") for q in unsourced(text, allowed)
        ]
    return problems


def audit_deck(deck: bytes | DeckParts, allowed: Allowed, file: str) -> list[Problem]:
    """Numbers in the deck's slides, tables, charts and notes that no figure accounts for."""
    parts = deck if isinstance(deck, DeckParts) else DeckParts.of(deck)
    problems: list[Problem] = []
    for name in sorted(parts.names):
        slide = _SLIDE.search(name) or _NOTES.search(name)
        if slide is not None:
            in_notes = name.startswith("ppt/notesSlides/")
            where = f"{'notes of ' if in_notes else ''}slide {slide.group(1)}"
            for text in parts.shows(name).lines:
                for quantity in unsourced(text, allowed, in_notes):
                    problems.append(_problem(quantity, file, None, where))
        elif _CHART.search(name):
            problems += _chart_problems(parts.shows(name), allowed, file, name)
    return _unique(problems)


def audit_brief_template(path: Path, allowed: Allowed) -> list[Problem]:
    """Numbers typed into the static text of a brief template, by line."""
    from jinja2 import Environment

    problems = []
    source = path.read_text(encoding="utf-8")
    for line, kind, value in Environment().lex(source):
        if kind != "data":
            continue
        for offset, text in enumerate(value.split("\n")):
            for quantity in unsourced(text, allowed):
                problems.append(
                    Problem(
                        "template-naked-figure",
                        f"number '{quantity.raw}' typed into the template; numbers must come "
                        "from the pack's figures",
                        str(path),
                        line + offset,
                    )
                )
    return problems


def audit_pptx_template(path: Path, allowed: Allowed) -> list[Problem]:
    """Numbers typed into a template deck's masters, layouts or slides."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if not re.match(r"ppt/(slideMasters|slideLayouts|slides)/[^/]+\.xml$", name):
                continue
            for text in _paragraphs(archive.read(name)):
                for quantity in unsourced(text, allowed):
                    problems.append(
                        Problem(
                            "template-naked-figure",
                            f"number '{quantity.raw}' typed into {name}; numbers must come "
                            "from the pack's figures",
                            str(path),
                            field=name,
                        )
                    )
    return problems


# --- Reading a deck's parts ----------------------------------------------------------------


@dataclass(frozen=True)
class PartText:
    """What one slide, notes or chart part shows, read from its XML.

    ``lines`` are its paragraphs as the output audit reads them (line breaks left out,
    empty ones kept); ``paragraphs`` the ones that are not blank, line breaks kept as
    newlines, as the provenance record and the deck audit read them.
    """

    lines: tuple[str, ...]
    paragraphs: tuple[str, ...]
    title: str  # the title placeholder's text: a slide's title
    charts: tuple[str, ...]  # relationship ids of the charts drawn, in order
    numbers: tuple[str | None, ...]  # a chart's cached numbers, as written
    labels: tuple[str, ...]  # a chart's cached texts (categories, series names)
    series: tuple[tuple[str, ...], ...] | None  # a chart's cached values, per series;
    # None when they cannot be read, which matters only when the part is a chart


_Made = TypeVar("_Made")
_READINGS: LastVersions[object] = LastVersions(4096)  # parts' readings, by content


def _once(xml: bytes, kind: str, make: Callable[[bytes], _Made]) -> _Made:
    """``make(xml)``, made once per content: an unchanged part is not parsed again."""
    digest = (kind, hashlib.sha256(xml).digest())
    found = _READINGS.get(digest, True)
    if found is None:
        found = _READINGS.put(digest, True, make(xml))
    return cast(_Made, found)  # stored under its kind, so made by ``make``


def part_text(xml: bytes) -> PartText:
    """What the part ``xml`` shows (parsed once per content)."""
    return _once(xml, "part", _read_part)


def remember_part(xml: bytes, tree: Any) -> None:
    """Note what the part ``xml`` shows, read from ``tree``: the parsed XML it was just
    written from (the renderer's, as a slide is finished), so that it is not parsed again.

    A tree whose texts hold anything but text (a comment or an entity reference, which
    a parser of ``xml`` would fold into the text) is left to be read from ``xml``.
    """
    if any(len(node) for tag in (f"{_A}t", f"{_C}v") for node in tree.iter(tag)):
        return
    _READINGS.put(("part", hashlib.sha256(xml).digest()), True, _part_of(tree))


def _read_part(xml: bytes) -> PartText:
    return _part_of(ElementTree.fromstring(xml))


def _part_of(root: ElementTree.Element) -> PartText:
    lines, paragraphs = [], []
    for paragraph in root.iter(f"{_A}p"):
        line, shown = _paragraph_texts(paragraph)
        lines.append(line)
        if shown.strip():
            paragraphs.append(shown)
    return PartText(
        tuple(lines),
        tuple(paragraphs),
        _title(root),
        tuple(chart.get(f"{_R}id", "") for chart in root.iter(f"{_C}chart")),
        tuple(v.text for cache in root.iter(f"{_C}numCache") for v in cache.iter(f"{_C}v")),
        tuple(v.text or "" for cache in root.iter(f"{_C}strCache") for v in cache.iter(f"{_C}v")),
        _values_if_readable(root),
    )


def _values_if_readable(root: ElementTree.Element) -> tuple[tuple[str, ...], ...] | None:
    try:
        return _chart_values(root)
    except ValueError:  # a point numbered in words: an error only where a chart is read
        return None


def _series(xml: bytes) -> tuple[tuple[str, ...], ...]:
    """A chart part's cached values, per series."""
    found = part_text(xml).series
    return found if found is not None else _chart_values(ElementTree.fromstring(xml))


def _paragraph_texts(paragraph: ElementTree.Element) -> tuple[str, str]:
    """A paragraph's text without its line breaks, and with them as newlines; a slide
    number field is left out of both."""
    plain: list[str] = []
    shown: list[str] = []
    for node in paragraph:
        if node.tag == f"{_A}fld" and node.get("type") == "slidenum":
            continue
        if node.tag == f"{_A}br":
            shown.append("\n")
        texts = [t.text or "" for t in node.iter(f"{_A}t")]
        plain += texts
        shown += texts
    return "".join(plain), "".join(shown)


def _shown(root: ElementTree.Element) -> tuple[str, ...]:
    texts = (_paragraph_texts(p)[1] for p in root.iter(f"{_A}p"))
    return tuple(t for t in texts if t.strip())


def _title(root: ElementTree.Element) -> str:
    for shape in root.iter(f"{_P}sp"):
        placeholder = shape.find(f"{_P}nvSpPr/{_P}nvPr/{_P}ph")
        if placeholder is not None and placeholder.get("type") in ("title", "ctrTitle"):
            body = shape.find(f"{_P}txBody")
            if body is not None:
                return " ".join(" ".join(_shown(body)).split())
    return ""


def _chart_values(root: ElementTree.Element) -> tuple[tuple[str, ...], ...]:
    series = []
    for ser in root.iter(f"{_C}ser"):
        points: dict[int, str] = {}
        for tag in ("val", "yVal"):
            for cache in ser.iterfind(f"{_C}{tag}//{_C}numCache"):
                for point in cache.iter(f"{_C}pt"):
                    value = point.find(f"{_C}v")
                    text = value.text if value is not None else None
                    points[int(point.get("idx", "0"))] = (text or "").strip()
        series.append(tuple(points[i] for i in sorted(points)))
    return tuple(series)


Relationship = tuple[str, str, str, str | None]  # id, type, target as written, target mode


def _relationship_list(xml: bytes) -> tuple[Relationship, ...]:
    root = ElementTree.fromstring(xml)
    return tuple(
        (rel.get("Id", ""), rel.get("Type", ""), rel.get("Target", ""), rel.get("TargetMode"))
        for rel in root.iter(f"{_PKG_REL}Relationship")
    )


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


@dataclass(frozen=True)
class SlideContent:
    """What a slide shows, read from the package: its title, paragraphs and chart values."""

    part: str
    title: str
    paragraphs: tuple[str, ...]
    charts: tuple[tuple[tuple[str, ...], ...], ...]
    notes: tuple[str, ...] = field(default=(), repr=False)


def _content(deck: bytes, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """An entry's content; a stored one (as the renderer writes them) is sliced from the
    package's bytes, which were made in this process, rather than copied and checked."""
    start = info.header_offset
    plain = info.compress_type == zipfile.ZIP_STORED and not info.flag_bits & 0x1  # unencrypted
    if not plain or deck[start : start + 4] != b"PK\x03\x04":
        return archive.read(info)
    name, extra = struct.unpack_from("<2H", deck, start + 26)
    begin = start + 30 + name + extra
    return deck[begin : begin + info.compress_size]


class DeckParts:
    """A deck's parts by name, read from its zip package as they are asked for.

    A stranger's deck is read lazily (its sizes are judged first); a built deck is
    read whole (:meth:`of`), once, and handed on from the audit to the packaging.
    """

    def __init__(
        self,
        names: Iterable[str],
        read: Callable[[str], bytes | None],
        has: Callable[[str], bool],
    ) -> None:
        self.names = tuple(names)
        self._read = read
        self.has = has
        self._slides: list[SlideContent] | None = None

    @classmethod
    def of(cls, deck: bytes) -> DeckParts:
        """Every part of the zip package ``deck``, in its order (a name once: its last)."""
        with zipfile.ZipFile(io.BytesIO(deck)) as archive:
            files = {info.filename: _content(deck, archive, info) for info in archive.infolist()}
        return cls(files, files.get, files.__contains__)

    @classmethod
    def in_zip(cls, archive: zipfile.ZipFile) -> DeckParts:
        """The parts of an open package, each read when asked for."""

        def has(name: str) -> bool:  # looked up rather than listed (decks are long)
            try:
                archive.getinfo(name)
            except KeyError:
                return False
            return True

        def read(name: str) -> bytes | None:
            return archive.read(name) if has(name) else None

        return cls(archive.namelist(), read, has)

    @property
    def files(self) -> dict[str, bytes]:
        """Every part, by name, in the package's order."""
        return {name: self.read(name) for name in dict.fromkeys(self.names)}

    def read(self, name: str) -> bytes:
        found = self._read(name)
        if found is None:
            raise KeyError(name)
        return found

    def shows(self, name: str) -> PartText:
        return part_text(self.read(name))

    def relationships(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type, target part) of each relationship of ``part``; targets made absolute."""
        xml = self._read(_rels_path(part))
        if xml is None:
            return []
        base = posixpath.dirname(part)
        found = []
        for rid, kind, target, mode in _once(xml, "rels", _relationship_list):
            if mode == "External":
                continue
            resolved = (
                target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
            )
            found.append((rid, kind, posixpath.normpath(resolved)))
        return found

    def slides(self) -> list[SlideContent]:
        """Every slide, in presentation order (read once)."""
        if self._slides is None:
            self._slides = [self.slide(part) for part in self.slide_parts()]
        return self._slides

    def slide_parts(self) -> list[str]:
        """The slide parts in presentation order."""
        from briefgen.provenance.serialise import DeckError

        presentation = self._read(_PRESENTATION)
        if presentation is None:
            message = "not a presentation: the package has no ppt/presentation.xml"
            raise DeckError(message, [Problem("deck-unreadable", message)])
        targets = {rid: target for rid, _, target in self.relationships(_PRESENTATION)}
        root = ElementTree.fromstring(presentation)
        parts = []
        for slide_id in root.iter(f"{_P}sldId"):
            target = targets.get(slide_id.get(f"{_R}id", ""))
            if target is not None and self.has(target):
                parts.append(target)
        return parts

    def slide(self, part: str) -> SlideContent:
        shows = self.shows(part)
        rels = self.relationships(part)
        by_id = {rid: target for rid, _, target in rels}
        charts = []
        for rid in shows.charts:
            target = by_id.get(rid)
            xml = None if target is None else self._read(target)
            if xml is not None:
                charts.append(_series(xml))
        notes: tuple[str, ...] = ()
        for _, kind, target in rels:
            xml = self._read(target) if kind.endswith("/notesSlide") else None
            if xml is not None:
                notes = part_text(xml).paragraphs
        return SlideContent(part, shows.title, shows.paragraphs, tuple(charts), notes)
