"""Per-slide citations: markers, the footnote band's lines, and speaker notes.

Sources are numbered per slide in the order a reader meets them. A figure's
marker lists the numbers of its sources (for a derived figure, its inputs'
sources), written in Unicode superscript digits so that no audit or reader
mistakes a marker for a quantity.
"""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.display import marks, superscript
from briefgen.models import Derivation, Source
from briefgen.resolve import FigureView, Resolved

_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]


def source_label(source: Source) -> str:
    """``China Daily, "Alibaba to aggressively increase investment in AI"``."""
    who = source.publisher or source.author
    title = f"\u201c{source.title}\u201d"
    return f"{who}, {title}" if who else title


class SlideCitations:
    """Collects what one slide cites, numbering sources in order of first use."""

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self.numbers: dict[str, int] = {}
        self.figures: list[str] = []

    def _number(self, source: str) -> int:
        if source not in self.numbers:
            self.numbers[source] = len(self.numbers) + 1
        return self.numbers[source]

    def mark(self, figure_ids: Iterable[str] = (), source_ids: Iterable[str] = ()) -> str:
        """Register figures shown and sources cited together; the marker for them."""
        numbers: list[int] = []
        for figure_id in figure_ids:
            if figure_id not in self.figures:
                self.figures.append(figure_id)
            numbers.extend(self._number(s) for s in self.resolved.figures[figure_id].sources)
        numbers.extend(self._number(s) for s in source_ids)
        return marks(numbers)

    def footnotes(self) -> list[str]:
        """The slide's numbered source lines, in number order."""
        return [
            f"{superscript(n)} {source_label(self.resolved.sources[s])}"
            for s, n in sorted(self.numbers.items(), key=lambda item: item[1])
        ]

    def notes(self) -> str:
        """Speaker notes: every figure on the slide with its sources' exact words."""
        return "\n".join(line for f in self.figures for line in figure_notes(self.resolved, f))


def sources_of(resolved: Resolved, figure_ids: Iterable[str]) -> list[str]:
    """Source ids behind some figures, first-cited first, without repeats."""
    ids = [s for f in figure_ids for s in resolved.figures[f].sources]
    return list(dict.fromkeys(ids))


def when(view: FigureView) -> str:
    """``Q3 FY2025, Oct-Dec 2024``: the fiscal label and, if different, the calendar one."""
    return view.period if view.calendar == view.period else f"{view.period}, {view.calendar}"


def figure_notes(resolved: Resolved, figure_id: str) -> list[str]:
    view = resolved.figures[figure_id]
    figure = view.figure
    lines = [f"{figure.label}: {view.display} ({when(view)})"]
    if figure.derived is not None:
        lines.append(f"  Derived: {formula_words(resolved, figure.derived)}.")
    for citation in view.citations:
        source = resolved.sources[citation.source]
        about = ""
        if citation.figure != figure_id:
            input_view = resolved.figures[citation.figure]
            about = f" [{input_view.figure.label}, {input_view.display}, {input_view.period}]"
        locator = f" ({citation.locator})" if citation.locator else ""
        lines.append(f"  {source.title}: \u201c{citation.quote}\u201d{locator}{about}")
    for resolution in resolved.resolutions:
        if resolution.resolution.stands == figure_id:
            lines.append(f"  Sources differ; this reading stands: {resolution.reason.plain}")
    return lines


def _named(resolved: Resolved, figure_id: str, values: bool) -> str:
    view = resolved.figures[figure_id]
    if values:
        return f"{view.figure.label} ({view.display}, {view.period})"
    return f"{view.figure.label} ({view.period})"


def formula_words(resolved: Resolved, derivation: Derivation, values: bool = True) -> str:
    """The formula in words, e.g. ``percentage change from Revenue (...) to Revenue (...)``.

    With ``values`` the inputs' displayed values are named too (for speaker notes);
    without, only their labels and periods (for slides, where a value needs a marker).
    """
    names = [_named(resolved, i, values) for i in derivation.inputs]
    op = derivation.op
    if op == "growth":
        return f"percentage change from {names[1]} to {names[0]}"
    if op == "difference":
        return f"{names[0]} minus {names[1]}"
    if op == "sum":
        return "sum of " + ", ".join(names)
    if op == "ratio":
        return f"{names[0]} divided by {names[1]}"
    if op == "share":
        return f"{names[0]} as a percentage of {names[1]}"
    if op == "average":
        count = derivation.count or 1
        spelled = _WORDS[count] if count < len(_WORDS) else f"{count}"
        return f"{names[0]} averaged over {spelled} sub-periods"
    return f"{names[0]} converted at {names[1]}"
