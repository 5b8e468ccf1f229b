"""The provenance record of a freshly rendered deck, and the deck stamped with it.

Each number a slide shows is matched to the figure it is, by its value and the form
it is shown in, preferring the figures the slide's speaker notes name.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from briefgen import __version__, display
from briefgen.provenance.measures import decimal_key, is_footnote, measures, squash
from briefgen.provenance.package import embed_parts
from briefgen.provenance.record import Provenance, QuoteRecord, Shown, SlideRecord

if TYPE_CHECKING:
    from briefgen.audit import Allowed, DeckParts, SlideContent
    from briefgen.resolve import Resolved
    from briefgen.verify import Report


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
        for quantity in measures(text):
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
