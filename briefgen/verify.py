"""Verify a resolved pack against its sources, in the order the design sets out.

1. coverage: every figure cited, or derived from figures that are;
2. source integrity: each file inside the sources folder, present, readable, and
   matching its pinned sha256;
3. quote match: each quote found in its source, with its locator;
4. value match: each figure's value stated in its quote at the quote's precision;
5. derived figures recomputed from their inputs;
6. conflicts between sources, and whether the pack resolves them.

The output audit (step 7) lives in :mod:`briefgen.audit`. Nothing here imports
python-pptx: ``briefgen check`` must stay fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from weakref import WeakKeyDictionary

from briefgen import display
from briefgen.conflicts import Disagreement, find_disagreements, idle_resolutions
from briefgen.derive import recompute
from briefgen.errors import Problem, Severity, SourceError
from briefgen.load import LoadedPack
from briefgen.memory import LastVersions, collector_paused
from briefgen.models import Currency, Figure, Kind, Scale, Source
from briefgen.quotes import (
    IndexedSource,
    QuoteMatch,
    ValueMatch,
    explain_quote_miss,
    find_quote,
    index_source,
    value_in_quote,
)
from briefgen.resolve import Resolved
from briefgen.sources import fingerprint, read_source

# The last index of each source file, with the digest of the bytes it was made from, so a
# process that checks again and again (watch mode) reads and folds only changed sources.
_indexed: LastVersions[IndexedSource] = LastVersions(512)


def indexed_source(path: Path, digest: str, data: bytes | None = None) -> IndexedSource:
    """The source at ``path``, read and indexed, or as indexed before for this ``digest``.

    ``digest`` is the SHA-256 of ``data``, the file's content (read again when None).
    """
    found = _indexed.get(path, digest)
    if found is None:
        found = _indexed.put(path, digest, index_source(read_source(path, data)))
    return found


# Quote checks, remembered per indexed source and per figure value, so a long-running
# process checks again only the citations an edit touched. Bounded by emptying.
_MEMO_SIZE = 50_000
_matches: WeakKeyDictionary[IndexedSource, dict[str, QuoteMatch | None]] = WeakKeyDictionary()
_values: dict[tuple[str, str, Kind, Scale, Currency | None], ValueMatch] = {}


def _find_quote(quote: str, indexed: IndexedSource) -> QuoteMatch | None:
    found = _matches.setdefault(indexed, {})
    if quote not in found:
        if len(found) >= _MEMO_SIZE:
            found.clear()
        found[quote] = find_quote(quote, indexed)
    return found[quote]


def _value_in_quote(quote: str, figure: Figure) -> ValueMatch:
    # str(value), not value: 280.15 and 280.150 are equal but claim different precision.
    key = (quote, str(figure.value), figure.kind, figure.scale, figure.currency)
    stated = _values.get(key)
    if stated is None:
        if len(_values) >= _MEMO_SIZE:
            _values.clear()
        stated = _values[key] = value_in_quote(
            quote, figure.value, figure.kind, figure.scale, figure.currency
        )
    return stated


@dataclass(frozen=True)
class CitationCheck:
    figure: str
    source: str
    quote: str
    locator: str | None  # where the quote was found ("line 12", "page 3"), if it was
    ok: bool


@dataclass(frozen=True)
class ConflictCheck:
    figures: tuple[str, str]
    values: tuple[str, str]
    sources: tuple[str, str]
    resolution: str | None
    stands: str | None


@dataclass
class Report:
    """Everything a check found: problems, and the evidence for what passed."""

    figures: int = 0
    cited: int = 0
    derived: int = 0
    verified: int = 0
    problems: list[Problem] = field(default_factory=list)
    citations: list[CitationCheck] = field(default_factory=list)
    conflicts: list[ConflictCheck] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def coverage(self) -> float:
        """Share of figures verified end to end, in percent."""
        return 100.0 * self.verified / self.figures if self.figures else 100.0


@dataclass
class _SourceState:
    source: Source
    indexed: IndexedSource | None = None
    usable: bool = False


class _Verifier:
    def __init__(self, loaded: LoadedPack, resolved: Resolved, sources_dir: Path | None) -> None:
        self.loaded = loaded
        self.resolved = resolved
        self.sources_dir = sources_dir
        self.report = Report()
        self.figure_index = {f.id: i for i, f in enumerate(loaded.pack.figures)}
        self.source_index = {s.id: i for i, s in enumerate(loaded.pack.sources)}

    def problem(
        self,
        code: str,
        message: str,
        path: tuple[str | int, ...],
        severity: Severity = "error",
        figure: str | None = None,
        source: str | None = None,
    ) -> None:
        where = self.loaded.where(path)
        self.report.problems.append(
            Problem(code, message, severity=severity, figure=figure, source=source, **where)
        )

    def run(self, missing_is_error: bool) -> Report:
        states = {s.id: self._open(s, missing_is_error) for s in self.loaded.pack.sources}
        good: set[str] = set()
        for figure in self.loaded.pack.figures:
            if figure.citations and self._citations_hold(figure, states):
                good.add(figure.id)
        for figure in self.loaded.pack.figures:
            if figure.derived is not None and self._derivation_holds(figure, good):
                good.add(figure.id)
        self._conflicts()
        pack = self.loaded.pack
        self.report.figures = len(pack.figures)
        self.report.cited = sum(1 for f in pack.figures if f.citations)
        self.report.derived = sum(1 for f in pack.figures if f.derived is not None)
        self.report.verified = len(good)
        return self.report

    # -- sources ----------------------------------------------------------------------

    def _open(self, source: Source, missing_is_error: bool) -> _SourceState:
        state = _SourceState(source)
        path = ("sources", self.source_index[source.id], "file")
        if self.sources_dir is None:
            return state
        root = self.sources_dir.resolve()
        target = (root / source.file).resolve()
        if not target.is_relative_to(root):
            self.problem(
                "source-outside",
                f"'{source.file}' is outside the sources folder {self.sources_dir}",
                path,
                source=source.id,
            )
            return state
        if not target.is_file():
            self.problem(
                "source-missing",
                f"source file '{source.file}' is not in {self.sources_dir}",
                path,
                "error" if missing_is_error else "warning",
                source=source.id,
            )
            return state
        digest, data = fingerprint(target)
        self._check_pin(source, digest)
        try:
            state.indexed = indexed_source(target, digest, data)
        except SourceError as exc:
            self.problem("source-unreadable", str(exc), path, source=source.id)
            return state
        state.usable = True
        return state

    def _check_pin(self, source: Source, digest: str) -> None:
        index = self.source_index[source.id]
        if source.sha256 is None:
            self.problem(
                "source-unpinned",
                f"no sha256 pinned; pin it to notice later edits: sha256: {digest}",
                ("sources", index, "sha256"),
                "warning",
                source=source.id,
            )
        elif source.sha256 != digest:
            self.problem(
                "source-stale",
                f"'{source.file}' has changed since it was pinned (sha256 now {digest}); "
                "re-check its quotes, then update the pin",
                ("sources", index, "sha256"),
                source=source.id,
            )

    # -- citations --------------------------------------------------------------------

    def _citations_hold(self, figure: Figure, states: dict[str, _SourceState]) -> bool:
        index = self.figure_index[figure.id]
        holds = True
        for j, citation in enumerate(figure.citations):
            path = ("figures", index, "citations", j, "quote")
            state = states.get(citation.source)
            if state is None or state.indexed is None:
                holds = False  # the source's own problem is already reported
                continue
            match = _find_quote(citation.quote, state.indexed)
            if match is None:
                why = explain_quote_miss(citation.quote, state.indexed)
                detail = "" if why == "not found in source" else f": {why}"
                self.problem(
                    "quote-not-found",
                    f"quote not found in source '{citation.source}' ({state.source.file}){detail}",
                    path,
                    figure=figure.id,
                    source=citation.source,
                )
                holds = False
                continue
            stated = _value_in_quote(citation.quote, figure)
            if not stated.ok:
                self.problem(
                    stated.code,
                    f"{display.figure_value(figure)}: {stated.reason}",
                    path,
                    figure=figure.id,
                    source=citation.source,
                )
                holds = False
            self.report.citations.append(
                CitationCheck(figure.id, citation.source, citation.quote, match.locator, stated.ok)
            )
        return holds

    # -- derived figures --------------------------------------------------------------

    def _derivation_holds(self, figure: Figure, good: set[str]) -> bool:
        assert figure.derived is not None
        index = self.figure_index[figure.id]
        figures = self.loaded.pack.figures
        inputs = [figures[self.figure_index[i]] for i in figure.derived.inputs]
        result = recompute(figure, inputs)
        path = ("figures", index, "value")
        if result is None:
            self.problem(
                "derived-undefined",
                "cannot be recomputed: an input divides by zero",
                path,
                figure=figure.id,
            )
            return False
        if not result.consistent:
            self.problem(
                "derived-mismatch",
                f"stated {figure.value} but {figure.derived.op} of "
                f"{', '.join(figure.derived.inputs)} gives {_round(result.value, figure)} "
                f"(anything from {_round(result.low, figure)} to {_round(result.high, figure)} "
                "at the inputs' precision)",
                path,
                figure=figure.id,
            )
            return False
        return all(i in good for i in figure.derived.inputs)

    # -- conflicts --------------------------------------------------------------------

    def _conflicts(self) -> None:
        pack = self.loaded.pack
        for found in find_disagreements(list(pack.figures), list(pack.resolutions)):
            self.report.conflicts.append(_conflict_check(found))
            if found.resolution is None:
                a, b = found.first, found.second
                self.problem(
                    "conflict-unresolved",
                    f"'{a.id}' ({display.figure_value(a)}, {_cited_by(a)}) and '{b.id}' "
                    f"({display.figure_value(b)}, {_cited_by(b)}) disagree about {a.metric} "
                    f"({a.entity}, {display.calendar_label(a.period)}); add a resolution "
                    "saying which stands and why",
                    ("figures", self.figure_index[b.id]),
                    figure=b.id,
                )
        for resolution in idle_resolutions(list(pack.figures), list(pack.resolutions)):
            index = next(i for i, r in enumerate(pack.resolutions) if r.id == resolution.id)
            self.problem(
                "resolution-idle",
                f"the figures of resolution '{resolution.id}' agree; the record can go",
                ("resolutions", index),
                "warning",
            )


def _cited_by(figure: Figure) -> str:
    return ", ".join(dict.fromkeys(c.source for c in figure.citations))


def _round(value: object, figure: Figure) -> str:
    from decimal import Decimal

    assert isinstance(value, Decimal)
    return display.number(value, figure.decimals + 1)


def _conflict_check(found: Disagreement) -> ConflictCheck:
    a, b = found.first, found.second
    return ConflictCheck(
        figures=(a.id, b.id),
        values=(display.figure_value(a), display.figure_value(b)),
        sources=(_cited_by(a), _cited_by(b)),
        resolution=found.resolution.id if found.resolution else None,
        stands=found.resolution.stands if found.resolution else None,
    )


@collector_paused
def verify_pack(
    loaded: LoadedPack,
    resolved: Resolved,
    sources_dir: Path | None,
    *,
    missing_is_error: bool = True,
) -> Report:
    """Run checks 1-6 on a resolved pack; problems are collected, never raised."""
    return _Verifier(loaded, resolved, sources_dir).run(missing_is_error)


def iter_problems(report: Report) -> Iterator[Problem]:
    yield from sorted(report.problems, key=Problem.sort_key)
