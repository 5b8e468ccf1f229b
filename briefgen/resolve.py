"""Resolve a loaded pack: every reference checked, every figure given its display.

The result, :class:`Resolved`, is what the renderers draw from. It is built only
when the whole pack is consistent: unknown ids, duplicate ids, naked figures in
prose and broken derivations are all collected and raised together.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from briefgen import display
from briefgen.errors import PackError, Problem, ProblemLog, did_you_mean
from briefgen.load import LoadedPack
from briefgen.memory import collector_paused
from briefgen.models import (
    Basis,
    Chart,
    Figure,
    Kind,
    Pack,
    PackMeta,
    Pillar,
    Resolution,
    Risk,
    Source,
)
from briefgen.prose import Segment, parse_prose
from briefgen.yamlsrc import PathKey


@dataclass(frozen=True)
class CitationView:
    figure: str  # the cited figure (for a derived figure, one of its inputs)
    source: str
    quote: str
    locator: str | None


@dataclass(frozen=True)
class FigureView:
    figure: Figure
    display: str
    period: str  # fiscal label, e.g. "Q3 FY2025"
    calendar: str  # e.g. "Oct-Dec 2024"
    citations: tuple[CitationView, ...]  # own, or for a derived figure its inputs', transitively
    set_aside_by: str | None = None  # id of a resolution that prefers another figure

    @property
    def id(self) -> str:
        return self.figure.id

    @cached_property  # asked for by every mark and footnote on a slide
    def sources(self) -> tuple[str, ...]:
        """Source ids behind this figure, first-cited first, without repeats."""
        return tuple(dict.fromkeys(c.source for c in self.citations))


@dataclass(frozen=True)
class Text:
    """Resolved prose: figure segments carry their displayed value as text."""

    segments: tuple[Segment, ...]

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.segments)

    @property
    def figures(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.figure for s in self.segments if s.figure))


@dataclass(frozen=True)
class PillarView:
    pillar: Pillar
    summary: Text
    evidence: tuple[Text, ...]

    @property
    def figures(self) -> tuple[str, ...]:
        ids = [*self.summary.figures, *(f for e in self.evidence for f in e.figures)]
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class RiskView:
    risk: Risk
    detail: Text


@dataclass(frozen=True)
class ResolutionView:
    resolution: Resolution
    reason: Text


@dataclass(frozen=True)
class TableCell:
    level: str | None  # figure id of the amount
    growth: str | None  # figure id of its year-on-year growth


@dataclass(frozen=True)
class TableRow:
    label: str
    cells: tuple[TableCell, ...]


@dataclass(frozen=True)
class Table:
    title: str
    columns: tuple[str, ...]  # period labels
    rows: tuple[TableRow, ...]

    @property
    def figures(self) -> tuple[str, ...]:
        ids = [i for r in self.rows for c in r.cells for i in (c.level, c.growth) if i]
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class Resolved:
    pack: Pack
    figures: dict[str, FigureView]
    sources: dict[str, Source]
    headline: Text
    summary: tuple[Text, ...]
    pillars: tuple[PillarView, ...]
    risks: tuple[RiskView, ...]
    resolutions: tuple[ResolutionView, ...]
    table: Table | None
    charts: tuple[Chart, ...]
    names: tuple[str, ...] = field(default_factory=tuple)  # {name:...} texts, allowed digits
    findings: tuple[Problem, ...] = ()  # naked figures, when the caller asked to keep them

    @property
    def meta(self) -> PackMeta:
        return self.pack.meta

    def cited_sources(self) -> list[Source]:
        """Sources that back at least one figure, pillar or risk, in registry order."""
        used: set[str] = {s for v in self.figures.values() for s in v.sources}
        used.update(s for p in self.pack.pillars for s in p.sources)
        used.update(s for r in self.pack.risks for s in r.sources)
        return [s for s in self.pack.sources if s.id in used]


NAKED_CODES = frozenset({"prose-naked-figure"})


@collector_paused
def resolve_pack(loaded: LoadedPack, *, keep_naked: bool = False) -> Resolved:
    """Check every cross-reference in the pack and build the renderers' view of it.

    A number typed into prose is an input error, unless ``keep_naked`` is set: then
    such numbers are handed back in ``findings`` for ``check`` to report as failures
    of the check, with the rest of its findings.
    """
    return _Resolver(loaded, keep_naked).run()


class _Resolver:
    def __init__(self, loaded: LoadedPack, keep_naked: bool) -> None:
        self.loaded = loaded
        self.keep_naked = keep_naked
        self.pack = loaded.pack
        self.log = ProblemLog()
        self.figures = {f.id: f for f in self.pack.figures}
        self.source_ids = {s.id for s in self.pack.sources}
        self.names: list[str] = []
        # Figures by metric, entity, period and basis, in pack order, for the table.
        self._by_identity: dict[tuple[object, ...], list[FigureView]] | None = None

    def _error(self, code: str, message: str, path: PathKey, **extra: str | None) -> None:
        self.log.error(code, message, **self.loaded.where(path), **extra)

    def run(self) -> Resolved:
        pack = self.pack
        self._check_unique("sources", [s.id for s in pack.sources])
        self._check_unique("figures", [f.id for f in pack.figures])
        self._check_unique("pillars", [p.id for p in pack.pillars])
        self._check_unique("risks", [r.id for r in pack.risks])
        self._check_citations()
        self._check_derivations()
        set_aside = self._check_resolutions()
        views = {f.id: self._figure_view(f, set_aside) for f in pack.figures}
        meta = pack.meta
        headline = self._text(meta.headline, ("meta", "headline"), views)
        summary = tuple(
            self._text(t, ("meta", "summary", i), views) for i, t in enumerate(meta.summary)
        )
        self._check_ids(meta.key_figures, ("meta", "key_figures"), self.figures, "figure")
        pillars = tuple(self._pillar(i, p, views) for i, p in enumerate(pack.pillars))
        risks = tuple(
            RiskView(r, self._text(r.detail, ("risks", i, "detail"), views))
            for i, r in enumerate(pack.risks)
        )
        for i, risk in enumerate(pack.risks):
            self._check_ids(risk.sources, ("risks", i, "sources"), self.source_ids, "source")
        resolutions = tuple(
            ResolutionView(r, self._text(r.reason, ("resolutions", i, "reason"), views))
            for i, r in enumerate(pack.resolutions)
        )
        for i, chart in enumerate(pack.charts):
            for j, series in enumerate(chart.series):
                path = ("charts", i, "series", j, "figures")
                self._check_ids(series.figures, path, self.figures, "figure")
        table = self._table(views)
        findings: tuple[Problem, ...] = ()
        if self.keep_naked:
            findings = tuple(p for p in self.log.problems if p.code in NAKED_CODES)
            self.log.problems = [p for p in self.log.problems if p.code not in NAKED_CODES]
        self.log.raise_if_errors(PackError, f"{self.loaded.root}: the pack has errors")
        return Resolved(
            pack=pack,
            figures=views,
            sources={s.id: s for s in pack.sources},
            headline=headline,
            summary=summary,
            pillars=pillars,
            risks=risks,
            resolutions=resolutions,
            table=table,
            charts=tuple(pack.charts),
            names=tuple(dict.fromkeys(self.names)),
            findings=findings,
        )

    def _check_unique(self, section: str, ids: list[str]) -> None:
        seen: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if ident in seen:
                first = self.loaded.origin((section, seen[ident]))
                self._error(
                    "duplicate-id",
                    f"id '{ident}' is used twice (first at line {first.line})",
                    (section, i, "id"),
                )
            else:
                seen[ident] = i

    def _check_ids(
        self, ids: Iterable[str], path: PathKey, known: Collection[str], what: str
    ) -> None:
        for i, ident in enumerate(ids):
            if ident not in known:
                self._error(
                    f"unknown-{what}",
                    f"unknown {what} '{ident}'{did_you_mean(ident, known)}",
                    (*path, i),
                )

    def _check_citations(self) -> None:
        for i, figure in enumerate(self.pack.figures):
            for j, citation in enumerate(figure.citations):
                if citation.source not in self.source_ids:
                    self._error(
                        "unknown-source",
                        f"unknown source '{citation.source}'"
                        + did_you_mean(citation.source, self.source_ids),
                        ("figures", i, "citations", j, "source"),
                        figure=figure.id,
                    )
        for i, pillar in enumerate(self.pack.pillars):
            self._check_ids(pillar.sources, ("pillars", i, "sources"), self.source_ids, "source")

    def _check_derivations(self) -> None:
        for i, figure in enumerate(self.pack.figures):
            if figure.derived is None:
                continue
            path = ("figures", i, "derived", "inputs")
            self._check_ids(figure.derived.inputs, path, self.figures, "figure")
            if figure.id in self._ancestors(figure.id):
                self._error(
                    "derived-cycle", f"'{figure.id}' is derived from itself", path, figure=figure.id
                )
            if figure.derived.op == "growth" and figure.kind is not Kind.PERCENT:
                self._error(
                    "derived-kind",
                    "a 'growth' figure must be of kind 'percent'",
                    ("figures", i, "kind"),
                    figure=figure.id,
                )

    def _ancestors(self, ident: str) -> set[str]:
        seen: set[str] = set()
        stack = list(self._inputs(ident))
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self._inputs(current))
        return seen

    def _inputs(self, ident: str) -> list[str]:
        figure = self.figures.get(ident)
        if figure is None or figure.derived is None:
            return []
        return [i for i in figure.derived.inputs if i in self.figures]

    def _check_resolutions(self) -> dict[str, str]:
        set_aside: dict[str, str] = {}
        for i, resolution in enumerate(self.pack.resolutions):
            self._check_ids(
                resolution.figures, ("resolutions", i, "figures"), self.figures, "figure"
            )
            for ident in resolution.figures:
                if ident != resolution.stands:
                    set_aside[ident] = resolution.id
        return set_aside

    def _citations(self, figure: Figure) -> tuple[CitationView, ...]:
        own = [CitationView(figure.id, c.source, c.quote, c.locator) for c in figure.citations]
        if figure.derived is None or own:
            return tuple(own)
        ordered = [figure.id, *sorted(self._ancestors(figure.id))]
        inherited = []
        for ident in ordered:
            for c in self.figures[ident].citations:
                inherited.append(CitationView(ident, c.source, c.quote, c.locator))
        return tuple(inherited)

    def _figure_view(self, figure: Figure, set_aside: dict[str, str]) -> FigureView:
        fy_end = self.pack.meta.fiscal_year_end_month
        return FigureView(
            figure=figure,
            display=display.figure_value(figure),
            period=display.fiscal_label(figure.period, fy_end),
            calendar=display.calendar_label(figure.period),
            citations=self._citations(figure),
            set_aside_by=set_aside.get(figure.id),
        )

    def _text(self, prose: str, path: PathKey, views: dict[str, FigureView]) -> Text:
        segments, issues = parse_prose(prose)
        for issue in issues:
            self._error(issue.code, issue.message, path)
        out = []
        for segment in segments:
            if segment.figure is None:
                if segment.is_name:
                    self.names.append(segment.text)
                out.append(segment)
                continue
            view = views.get(segment.figure)
            if view is None:
                self._error(
                    "unknown-figure",
                    f"unknown figure '{{{segment.figure}}}'{did_you_mean(segment.figure, views)}",
                    path,
                )
                continue
            if view.set_aside_by is not None:
                self._error(
                    "figure-set-aside",
                    f"'{segment.figure}' was set aside by resolution '{view.set_aside_by}'; "
                    "cite the reading that stands",
                    path,
                )
            out.append(Segment(view.display, figure=segment.figure))
        return Text(tuple(out))

    def _pillar(self, i: int, pillar: Pillar, views: dict[str, FigureView]) -> PillarView:
        summary = self._text(pillar.summary, ("pillars", i, "summary"), views)
        evidence = tuple(
            self._text(e, ("pillars", i, "evidence", j), views)
            for j, e in enumerate(pillar.evidence)
        )
        return PillarView(pillar, summary, evidence)

    def _table(self, views: dict[str, FigureView]) -> Table | None:
        spec = self.pack.highlights
        if spec is None:
            return None
        fy_end = self.pack.meta.fiscal_year_end_month
        columns = tuple(display.fiscal_label(p, fy_end) for p in spec.periods)
        rows = []
        for i, row in enumerate(spec.rows):
            cells = []
            for period in spec.periods:
                level = self._find(row.metric, row.entity, period, Basis.LEVEL, row.currency, views)
                growth = self._find(row.metric, row.entity, period, Basis.YOY, None, views)
                cells.append(TableCell(level, growth))
            if all(c.level is None and c.growth is None for c in cells):
                self._error(
                    "table-empty-row",
                    f"no figure has metric '{row.metric}' and entity '{row.entity}' "
                    "in these periods",
                    ("highlights", "rows", i),
                )
            rows.append(TableRow(row.label, tuple(cells)))
        return Table(spec.title, columns, tuple(rows))

    def _find(
        self,
        metric: str,
        entity: str,
        period: object,
        basis: Basis,
        currency: object,
        views: dict[str, FigureView],
    ) -> str | None:
        if self._by_identity is None:
            self._by_identity = {}
            for view in views.values():
                f = view.figure
                self._by_identity.setdefault((f.metric, f.entity, f.period, f.basis), []).append(
                    view
                )
        for view in self._by_identity.get((metric, entity, period, basis), []):
            if view.set_aside_by is not None:
                continue
            if currency is not None and view.figure.currency != currency:
                continue
            return view.figure.id
        return None
