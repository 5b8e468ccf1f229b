"""Audit a deck people may have edited since it was built, against its provenance record.

The build records every slide's paragraphs, chart values and the figures they show
(:mod:`briefgen.provenance`). The audit reads the deck again, pairs its slides and
paragraphs with the recorded ones, and reports:

- ``deck-number-changed``: a figure's displayed value is no longer where it was, and a
  different number stands in its place;
- ``deck-number-added``: a number no figure accounts for (not a figure's value, a date or
  period of the pack, a year, a page mark or part of a name);
- ``deck-figure-removed``: a figure's displayed value is gone from its slide, or its
  slide is gone.

Slides are paired by title (a slide moved elsewhere is still found), then by position;
paragraphs by their words with every number masked, so a paragraph whose number was
edited still pairs with its original. Reading needs only ``zipfile`` and the XML parser
(:class:`briefgen.audit.DeckParts`).
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

from briefgen.audit import DeckParts, SlideContent
from briefgen.errors import Problem
from briefgen.provenance.measures import decimal_key, measures, squash
from briefgen.provenance.package import read_record
from briefgen.provenance.record import Provenance, Shown, SlideRecord
from briefgen.provenance.serialise import DeckError
from briefgen.quantities import Quantity

_NUMBER = re.compile(r"[0-9][0-9.,]*")
_SIMILAR = 0.6  # how alike two texts must be, numbers masked, to count as one edited


# --- Reading a deck ------------------------------------------------------------------------


def read_slides(archive: zipfile.ZipFile) -> list[SlideContent]:
    """Every slide of an open package, in presentation order."""
    return DeckParts.in_zip(archive).slides()


# --- Comparing with the record ---------------------------------------------------------------

CHANGED = "deck-number-changed"
ADDED = "deck-number-added"
REMOVED = "deck-figure-removed"


@dataclass(frozen=True)
class Finding:
    """One thing that differs from the deck as built."""

    code: str
    message: str
    slide: int | None  # position in the deck as it is now; None when the slide is gone
    built_slide: int | None  # position in the deck as built; None for a new slide
    figure: str | None = None
    was: str | None = None
    now: str | None = None
    shown: Shown | None = None


@dataclass
class AuditReport:
    deck: str
    record: Provenance
    carrier: str
    slides: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def figures(self) -> int:
        return sum(len(s.figures) for s in self.record.slides)

    def count(self, code: str) -> int:
        return sum(1 for f in self.findings if f.code == code)


def audit_deck_file(path: Path) -> AuditReport:
    """Audit the deck at ``path`` against the provenance record it carries."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise _unreadable(path, "no such file") from None
    except IsADirectoryError:
        raise _unreadable(path, "is a folder, not a .pptx file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        detail = "not a .pptx file (not a zip package)"
        if isinstance(exc, OSError) and not isinstance(exc, zipfile.BadZipFile):
            detail = f"cannot read: {exc.strerror or exc}"
        raise _unreadable(path, detail) from None
    with archive:
        # Judge sizes from the zip directory before expanding any part of a stranger's deck.
        from briefgen.safety import zip_size_problems

        bombs = [
            p for p in zip_size_problems(archive.infolist(), str(path)) if p.severity == "error"
        ]
        if bombs:
            raise DeckError(f"{path}: {bombs[0].message}", bombs)
        try:
            slides = read_slides(archive)
            found = read_record(archive)
        except ElementTree.ParseError as exc:
            raise _unreadable(path, f"damaged presentation XML ({exc})") from None
        except DeckError as exc:
            raise _unreadable(path, str(exc)) from None
    if found is None:
        message = (
            "no briefgen provenance record in this deck; audit works on decks made by "
            "`briefgen build` (rebuild it, then edit the new deck)"
        )
        raise DeckError(f"{path}: {message}", [Problem("deck-no-provenance", message, str(path))])
    record, carrier = found
    report = AuditReport(str(path), record, carrier, len(slides))
    report.findings = _Auditor(record, slides).run()
    return report


def _unreadable(path: Path, detail: str) -> DeckError:
    return DeckError(f"{path}: {detail}", [Problem("deck-unreadable", detail, str(path))])


def _mask(text: str) -> str:
    return squash(_NUMBER.sub("#", text))


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _align(old: Sequence[str], new: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Pairs of (old index, new index); a paragraph only on one side pairs with None."""
    masked_old = [_mask(t) for t in old]
    masked_new = [_mask(t) for t in new]
    matcher = difflib.SequenceMatcher(None, masked_old, masked_new, autojunk=False)
    pairs: list[tuple[int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += [(i1 + k, j1 + k) for k in range(i2 - i1)]
            continue
        taken: set[int] = set()
        last = j1 - 1
        for i in range(i1, i2):
            best = max(
                (j for j in range(last + 1, j2) if j not in taken),
                key=lambda j: _similar(masked_old[i], masked_new[j]),
                default=None,
            )
            if best is not None and _similar(masked_old[i], masked_new[best]) >= _SIMILAR:
                pairs.append((i, best))
                taken.add(best)
                last = best
            else:
                pairs.append((i, None))
        pairs += [(None, j) for j in range(j1, j2) if j not in taken]
    return pairs


@dataclass
class _Fresh:
    """A number on the slide that was not there as built, and where it stands."""

    text: str
    value: Decimal
    context: str
    used: bool = False


class _Auditor:
    def __init__(self, record: Provenance, slides: list[SlideContent]) -> None:
        self.record = record
        self.slides = slides
        self.allowed = record.allowed_values()
        self.findings: list[Finding] = []

    def run(self) -> list[Finding]:
        pairs = self._pair_slides()
        for old, new in pairs:
            if old is not None and new is not None:
                self._slide(self.record.slides[old], self.slides[new], new + 1)
            elif old is not None:
                self._slide_gone(self.record.slides[old])
            elif new is not None:
                self._slide_new(self.slides[new], new + 1)
        return self.findings

    # -- pairing slides -------------------------------------------------------------------

    def _pair_slides(self) -> list[tuple[int | None, int | None]]:
        recorded, current = self.record.slides, self.slides
        pairs: dict[int, int] = {}
        for i, slide in enumerate(recorded):
            same = [
                j
                for j, now in enumerate(current)
                if slide.title and now.title == slide.title and j not in pairs.values()
            ]
            if same:
                pairs[i] = min(same, key=lambda j: abs(j - i))
        for i, slide in enumerate(recorded):
            if i in pairs:
                continue
            text = _mask(" ".join(slide.paragraphs))
            free = [j for j in range(len(current)) if j not in pairs.values()]
            best = max(
                free,
                key=lambda j: _similar(text, _mask(" ".join(current[j].paragraphs))),
                default=None,
            )
            if best is not None:
                score = _similar(text, _mask(" ".join(current[best].paragraphs)))
                if score >= _SIMILAR:
                    pairs[i] = best
        ordered: list[tuple[int | None, int | None]] = [(i, j) for i, j in pairs.items()]
        ordered += [(i, None) for i in range(len(recorded)) if i not in pairs]
        ordered += [(None, j) for j in range(len(current)) if j not in pairs.values()]
        return sorted(ordered, key=lambda p: (p[1] if p[1] is not None else 10**6, p[0] or 0))

    # -- one slide ------------------------------------------------------------------------

    def _slide(self, old: SlideRecord, new: SlideContent, position: int) -> None:
        fresh: list[_Fresh] = []
        lost: list[Shown] = []
        by_paragraph: dict[int, list[Shown]] = {}
        for shown in old.figures:
            if shown.paragraph is not None:
                by_paragraph.setdefault(shown.paragraph, []).append(shown)
        for i, j in _align(old.paragraphs, new.paragraphs):
            recorded = by_paragraph.get(i, []) if i is not None else []
            if j is None:
                lost += recorded
                continue
            now_text = new.paragraphs[j]
            if i is None:
                fresh += [_fresh(q, now_text) for q in measures(now_text)]
                continue
            gone, extra = _difference(measures(old.paragraphs[i]), measures(now_text), now_text)
            for shown in _figures_in(recorded, gone):
                replacement = next((q for q in extra if not q.used), None)
                if replacement is None:
                    lost.append(shown)
                    continue
                replacement.used = True
                self._changed(shown, replacement.text, position, old.index)
            fresh += [q for q in extra if not q.used]
        self._charts(old, new, position, lost, fresh)
        for shown in lost:
            moved = next((f for f in fresh if not f.used and f.text == shown.text), None)
            if moved is not None:
                moved.used = True
                continue
            still = any(shown.text == squash(q.raw) for t in new.paragraphs for q in measures(t))
            self._removed(shown, position, old.index, still)
        for number in fresh:
            if not number.used and number.value not in self.allowed:
                self._added(number, position, old.index)

    def _charts(
        self,
        old: SlideRecord,
        new: SlideContent,
        position: int,
        lost: list[Shown],
        fresh: list[_Fresh],
    ) -> None:
        at = {(s.chart, s.series, s.point): s for s in old.figures if s.chart is not None}
        for c, chart in enumerate(old.charts):
            now_chart = new.charts[c] if c < len(new.charts) else ()
            for s, series in enumerate(chart):
                now_series = now_chart[s] if s < len(now_chart) else ()
                for p, value in enumerate(series):
                    shown = at.get((c, s, p))
                    if p >= len(now_series):
                        if shown is not None:
                            lost.append(shown)
                        continue
                    now = now_series[p]
                    if _same_value(value, now):
                        continue
                    key = decimal_key(now)
                    if shown is not None:
                        self._changed(shown, now, position, old.index)
                    elif key is not None:
                        fresh.append(_Fresh(now, key, f"chart {c + 1}, series {s + 1}"))
                for p in range(len(series), len(now_series)):
                    fresh += _chart_fresh(now_series[p], c, s)
            for s in range(len(chart), len(now_chart)):
                for value in now_chart[s]:
                    fresh += _chart_fresh(value, c, s)
        for c in range(len(old.charts), len(new.charts)):
            for s, series in enumerate(new.charts[c]):
                for value in series:
                    fresh += _chart_fresh(value, c, s)

    def _slide_gone(self, old: SlideRecord) -> None:
        for shown in old.figures:
            self.findings.append(
                Finding(
                    REMOVED,
                    f"{shown.figure} ('{shown.text}') was on slide {old.index} "
                    f"('{old.title}') as built, and that slide is gone{_cited(shown)}",
                    None,
                    old.index,
                    shown.figure,
                    shown.text,
                    None,
                    shown,
                )
            )

    def _slide_new(self, new: SlideContent, position: int) -> None:
        fresh = [_fresh(q, t) for t in new.paragraphs for q in measures(t)]
        for c, chart in enumerate(new.charts):
            for s, series in enumerate(chart):
                for value in series:
                    fresh += _chart_fresh(value, c, s)
        for number in fresh:
            if number.value not in self.allowed:
                self._added(number, position, None)

    # -- findings -------------------------------------------------------------------------

    def _changed(self, shown: Shown, now: str, position: int, built: int) -> None:
        self.findings.append(
            Finding(
                CHANGED,
                f"{shown.figure} was '{shown.text}' as built, now '{now}'{_cited(shown)}",
                position,
                built,
                shown.figure,
                shown.text,
                now,
                shown,
            )
        )

    def _removed(self, shown: Shown, position: int, built: int, still: bool) -> None:
        where = "; it is still shown elsewhere on the slide" if still else ""
        self.findings.append(
            Finding(
                REMOVED,
                f"{shown.figure} ('{shown.text}') is no longer on the slide{where}{_cited(shown)}",
                position,
                built,
                shown.figure,
                shown.text,
                None,
                shown,
            )
        )

    def _added(self, number: _Fresh, position: int, built: int | None) -> None:
        self.findings.append(
            Finding(
                ADDED,
                f"'{number.text}' is not the value of any figure of the pack "
                f'(in "{number.context}"); cite it as a figure and rebuild, or remove it',
                position,
                built,
                None,
                None,
                number.text,
            )
        )


def _fresh(quantity: Quantity, text: str) -> _Fresh:
    context = squash(text)
    if len(context) > 90:
        start = max(0, context.find(squash(quantity.raw)) - 40)
        context = ("…" if start else "") + context[start : start + 90] + "…"
    return _Fresh(squash(quantity.raw), abs(quantity.value).normalize(), context)


def _chart_fresh(value: str, chart: int, series: int) -> list[_Fresh]:
    key = decimal_key(value)
    if key is None:
        return []
    return [_Fresh(value, key, f"chart {chart + 1}, series {series + 1}")]


def _same_value(a: str, b: str) -> bool:
    """Chart values as cached; an editor may write 71.077 as 71.07700000000001."""
    first, second = decimal_key(a), decimal_key(b)
    if first is None or second is None:
        return a.strip() == b.strip()
    if first == second:
        return True
    return abs(first - second) <= max(first, second) * Decimal("1e-12")


def _difference(
    old: list[Quantity], new: list[Quantity], text: str
) -> tuple[list[Quantity], list[_Fresh]]:
    """Numbers of ``old`` missing from ``new``, and numbers of ``new`` not in ``old``."""
    remaining = [squash(q.raw) for q in new]
    taken = [False] * len(new)
    gone = []
    for quantity in old:
        raw = squash(quantity.raw)
        index = next((k for k, r in enumerate(remaining) if r == raw and not taken[k]), None)
        if index is None:
            gone.append(quantity)
        else:
            taken[index] = True
    extra = [_fresh(q, text) for q, used in zip(new, taken, strict=True) if not used]
    return gone, extra


def _figures_in(recorded: list[Shown], gone: list[Quantity]) -> list[Shown]:
    """The recorded figures whose numbers are among ``gone``, in order."""
    left = [squash(q.raw) for q in gone]
    found = []
    for shown in recorded:
        if shown.text in left:
            left.remove(shown.text)
            found.append(shown)
    return found


def _cited(shown: Shown) -> str:
    if not shown.quotes:
        return ""
    quote = shown.quotes[0]
    where = f", {quote.locator}" if quote.locator else ""
    return f" (source {quote.source}{where}: \u201c{quote.quote}\u201d)"
