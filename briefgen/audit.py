"""The output audit: no number reaches a reader without a figure behind it.

Every numeric token in the rendered deck (text, tables, chart data and labels,
notes) and in the brief must be the value of a pack figure, or allowed: a date or
period the pack itself defines, a year, a slide's "(2/3)" page mark, or part of a
name (Qwen2.5-Max, 88VIP). The speaker notes may also repeat the numbers of the
quotes they cite. Static text in templates is scanned too, so a number typed into
a template is reported at its own file and line.

Reading the deck needs only ``zipfile`` and the XML parser, not python-pptx.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree

from briefgen import display
from briefgen.errors import Problem
from briefgen.quantities import Quantity, find_quantities
from briefgen.resolve import Resolved

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
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
        value = _key(quantity.value)
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
    text = _PAGE_MARK.sub(lambda m: " " * len(m.group()), text)
    return [
        q
        for q in find_quantities(text)
        if not q.in_name and not q.is_year and not allowed.permits(q, in_notes)
    ]


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
    root = ElementTree.fromstring(xml)
    out = []
    for paragraph in root.iter(f"{_A}p"):
        parts = []
        for node in paragraph:
            if node.tag == f"{_A}fld" and node.get("type") == "slidenum":
                continue
            parts += [t.text or "" for t in node.iter(f"{_A}t")]
        out.append("".join(parts))
    return out


def _chart_problems(xml: bytes, allowed: Allowed, file: str, part: str) -> list[Problem]:
    root = ElementTree.fromstring(xml)
    problems = []
    for cache in root.iter(f"{_C}numCache"):
        for point in cache.iter(f"{_C}v"):
            value = Decimal((point.text or "0").strip())
            if _key(value) not in allowed.body:
                quantity = find_quantities(point.text or "0")[0]
                problems.append(_problem(quantity, file, None, f"chart data ({part})"))
    for text in _paragraphs(xml) + [
        v.text or "" for cache in root.iter(f"{_C}strCache") for v in cache.iter(f"{_C}v")
    ]:
        problems += [
            _problem(q, file, None, f"chart text ({part})") for q in unsourced(text, allowed)
        ]
    return problems


def audit_deck(deck: bytes, allowed: Allowed, file: str) -> list[Problem]:
    """Numbers in the deck's slides, tables, charts and notes that no figure accounts for."""
    problems: list[Problem] = []
    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        for name in sorted(archive.namelist()):
            slide = _SLIDE.search(name) or _NOTES.search(name)
            if slide is not None:
                in_notes = name.startswith("ppt/notesSlides/")
                where = f"{'notes of ' if in_notes else ''}slide {slide.group(1)}"
                for text in _paragraphs(archive.read(name)):
                    for quantity in unsourced(text, allowed, in_notes):
                        problems.append(_problem(quantity, file, None, where))
            elif _CHART.search(name):
                problems += _chart_problems(archive.read(name), allowed, file, name)
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
