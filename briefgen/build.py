"""The pipeline: pack -> resolved content -> verified -> deck and brief -> files.

Everything is loaded, checked and rendered in memory before anything is written,
and nothing is written when verification fails (unless asked to skip it).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.errors import Problem, RenderError, TemplateError, VerificationError
from briefgen.load import LoadedPack, load_pack
from briefgen.memory import settle
from briefgen.resolve import Resolved, resolve_pack
from briefgen.safety import check_pptx
from briefgen.verify import Report, verify_pack

if TYPE_CHECKING:
    from briefgen.audit import Allowed, DeckParts
    from briefgen.templates import Template


@dataclass(frozen=True)
class BuildOptions:
    pack_dir: Path
    out_dir: Path = Path("out")
    template: str | None = None
    sources_dir: Path | None = None
    templates_dir: Path | None = None
    project_dir: Path = field(default_factory=Path.cwd)
    verify: bool = True
    pdf: bool = False  # also write the deck as PDF, through LibreOffice


@dataclass(frozen=True)
class BuildResult:
    deck: Path
    brief: Path
    template: str
    slides: int
    warnings: tuple[Problem, ...] = ()
    pdf: Path | None = None


@dataclass(frozen=True)
class Rendered:
    """A build's outputs, made and checked in memory, and where they are to be written."""

    deck: bytes  # the reproducible .pptx bytes, exactly as written
    brief: str
    deck_path: Path
    brief_path: Path
    template: str
    slides: int
    warnings: tuple[Problem, ...] = ()

    @property
    def stem(self) -> str:
        return self.deck_path.stem


@dataclass
class Timings:
    """Wall-clock and CPU seconds spent in each stage of a build, in the order they ran."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.wall[name] = self.wall.get(name, 0.0) + time.perf_counter() - wall
            self.cpu[name] = self.cpu.get(name, 0.0) + time.process_time() - cpu

    def summary(self) -> str:
        """``load 12 ms, verify 0 ms, ...``: wall-clock milliseconds per stage."""
        return ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in self.wall.items())


class Session:
    """What builds of one pack in one process hand on to the next, as a watch rebuilds.

    It remembers what the last build read (the cited source files, the template's
    folder), so a watch knows which files to watch; and it keeps the last verification.
    Verification (checks 1-6) reads only the figures, sources and resolutions, where
    each was written, and the source files: when none of those changed, as after an
    edit to a pillar's text, its report is reused rather than made again. Any change
    to them, or to a source file, verifies the pack afresh.
    """

    def __init__(self) -> None:
        self.sources: tuple[Path, ...] = ()
        self.template_root: Path | None = None
        self._verified: tuple[tuple[object, ...], Report] | None = None

    def verify(self, loaded: LoadedPack, resolved: Resolved, sources_dir: Path) -> Report:
        key = _verification_inputs(loaded, sources_dir)
        if self._verified is not None and self._verified[0] == key:
            return _copy(self._verified[1])
        report = verify_pack(loaded, resolved, sources_dir, missing_is_error=False)
        self._verified = (key, _copy(report))
        return report

    def note_pack(self, loaded: LoadedPack, sources_dir: Path | None) -> None:
        if sources_dir is not None:
            self.sources = tuple(sources_dir / s.file for s in loaded.pack.sources)


_VERIFIED_SECTIONS = ("figures", "sources", "resolutions")


def _verification_inputs(loaded: LoadedPack, sources_dir: Path) -> tuple[object, ...]:
    """Everything verification reads, exactly (``repr`` tells 1.0 from 1.00; ``==`` does not)."""
    pack = loaded.pack
    # The files holding those sections, by content: equal means every value and the
    # line it was written on are unchanged (the problems name those lines).
    origins = loaded.files(*_VERIFIED_SECTIONS)
    files: list[tuple[str, tuple[int, int, int] | None]] = []
    for source in pack.sources:
        try:
            info = (sources_dir / source.file).stat()
        except (OSError, ValueError):
            files.append((source.file, None))
        else:
            files.append((source.file, (info.st_mtime_ns, info.st_size, info.st_ino)))
    texts = repr((pack.figures, pack.sources, pack.resolutions))
    return (str(loaded.root.resolve()), str(sources_dir.resolve()), texts, origins, files)


def _copy(report: Report) -> Report:
    """A report whose lists the build may extend without touching the one kept."""
    return replace(
        report,
        problems=list(report.problems),
        citations=list(report.citations),
        conflicts=list(report.conflicts),
    )


def pack_slug(pack_dir: Path) -> str:
    """The name outputs are called by: the pack folder's name."""
    return pack_dir.resolve().name


def _unverified(options: BuildOptions) -> Problem:
    return Problem(
        "quotes-unverified",
        "no sources folder given, so no quote was checked against its source; "
        "pass --sources DIR to verify them",
        str(options.pack_dir),
        severity="warning",
    )


def _template(options: BuildOptions, loaded: LoadedPack) -> Template:
    """The template named on the command line, else the pack's; a bad name is located."""
    from briefgen.templates import find_template, search_path

    search = search_path(options.templates_dir, options.project_dir)
    if options.template is not None:
        return find_template(options.template, search)
    try:
        return find_template(loaded.pack.meta.template, search)
    except TemplateError as exc:
        where = loaded.where(("meta", "template"))
        relocated = [replace(p, **where) if p.file is None else p for p in exc.problems]
        raise TemplateError(str(exc), relocated) from None


_SECTION_OF_KIND = {
    "pillar": "pillars",
    "pillars": "pillars",
    "risks": "risks",
    "risk_matrix": "risks",
    "summary": "meta",
    "key_figures": "meta",
    "table": "highlights",
    "appendix": "figures",
    "sources": "sources",
    "conflicts": "resolutions",
}


def _overflow_path(problem: Problem, loaded: LoadedPack) -> tuple[str | int, ...]:
    """The pack item a slide could not hold: named in the message, else its section."""
    kind = (problem.field or "").removeprefix("slides.")
    section = _SECTION_OF_KIND.get(kind, "meta")
    if section in ("pillars", "risks"):
        named = [(p.id, p.title) for p in loaded.pack.pillars]
        if section == "risks":
            named = [(r.id, r.title) for r in loaded.pack.risks]
        for i, (ident, title) in enumerate(named):
            if f"'{ident}'" in problem.message or f"'{title[:60]}'" in problem.message:
                return (section, i)
    return (section,) if section != "meta" else ("meta", "summary")


_PACK_SECTIONS = ("sources", "figures", "pillars", "risks", "resolutions", "charts", "highlights")


def _render_path(problem: Problem, loaded: LoadedPack) -> tuple[str | int, ...]:
    """The pack item a render problem is about: its field when that is a pack path
    (``charts[0].series[1]``, ``title``), else the item a slide could not hold."""
    field = problem.field or ""
    if field.startswith("slides."):
        return _overflow_path(problem, loaded)
    path = tuple(int(i) if i else name for name, i in re.findall(r"(\w+)|\[(\d+)\]", field))
    return path if path[:1] and path[0] in _PACK_SECTIONS else ("meta", *path)


def _located_render(
    render: Callable[[Resolved, Template], bytes],
    resolved: Resolved,
    template: Template,
    loaded: LoadedPack,
) -> bytes:
    """Render the deck; content too long for a slide is reported at the pack item it came from."""
    try:
        return render(resolved, template)
    except RenderError as exc:
        located = [
            replace(p, **loaded.where(_render_path(p, loaded)))
            if p.code in ("deck-overflow", "deck-chart") and p.file is None
            else p
            for p in exc.problems
        ]
        raise RenderError(str(exc), located) from None


def check(options: BuildOptions) -> Report:
    """Verify a pack against its sources and audit its brief and template; never writes."""
    from briefgen.audit import (
        allowed_values,
        audit_brief,
        audit_brief_template,
        audit_pptx_template,
    )
    from briefgen.render_brief import render_brief

    loaded = load_pack(options.pack_dir)
    resolved = resolve_pack(loaded, keep_naked=True)
    report = verify_pack(loaded, resolved, options.sources_dir, missing_is_error=True)
    report.problems += resolved.findings
    template = _template(options, loaded)
    check_pptx(template.pptx_path)  # no macros, external links, embedded objects, bombs
    brief = render_brief(resolved, template.root, template.manifest.brief)
    stem = f"{pack_slug(options.pack_dir)}-{template.name}"
    allowed = allowed_values(resolved)
    report.problems += audit_brief(brief, allowed, f"{stem}.md (rendered)")
    report.problems += audit_brief_template(template.root / template.manifest.brief, allowed)
    report.problems += audit_pptx_template(template.pptx_path, allowed)
    return report


def render_outputs(
    options: BuildOptions, timings: Timings | None = None, session: Session | None = None
) -> Rendered:
    """Make and check the deck and the brief for one pack without writing anything.

    Raise a BriefgenError on any problem, as :func:`build` does. ``timings`` records
    how long each stage took; ``session`` carries what earlier builds of this pack in
    this process hand on (a watch rebuilding after each edit).
    """
    from briefgen.render_deck import render_deck

    clock = timings if timings is not None else Timings()
    with clock.stage("load"):
        loaded = load_pack(options.pack_dir)
        resolved = resolve_pack(loaded)
    if session is not None:
        session.note_pack(loaded, options.sources_dir)
    with clock.stage("verify"):
        report = _verify(options, loaded, resolved, session)
    with clock.stage("template"):
        template = _template(options, loaded)
        if session is not None:
            session.template_root = template.root
        check_pptx(template.pptx_path)  # no macros, external links, embedded objects, bombs
    settle()  # the modules and the verified pack live to the end (briefgen/memory.py)
    stem = f"{pack_slug(options.pack_dir)}-{template.name}"
    deck_path = options.out_dir / f"{stem}.pptx"
    brief_path = options.out_dir / f"{stem}.md"
    with clock.stage("render deck"):
        deck = _located_render(render_deck, resolved, template, loaded)
    with clock.stage("render brief"):
        brief = _render_brief(resolved, template, brief_path)
    with clock.stage("audit"):
        parts, allowed = _audit(deck, brief, resolved, report, deck_path, brief_path)
    if options.verify and report.errors:
        raise VerificationError(
            f"{len(report.errors)} problems found; nothing was written "
            "(fix them, or build anyway with --no-verify)",
            report.problems,
        )
    with clock.stage("package"):
        final, slides = _package(parts, allowed, resolved, template.name, report)
    warnings = tuple(p for p in report.problems if p.severity != "error" or not options.verify)
    return Rendered(final, brief, deck_path, brief_path, template.name, slides, warnings)


def _verify(
    options: BuildOptions, loaded: LoadedPack, resolved: Resolved, session: Session | None
) -> Report:
    """Checks 1-6, or the note that they were skipped for want of sources."""
    if options.sources_dir is None:
        return Report(problems=[_unverified(options)])
    if session is not None:
        return session.verify(loaded, resolved, options.sources_dir)
    return verify_pack(loaded, resolved, options.sources_dir, missing_is_error=False)


def _render_brief(resolved: Resolved, template: Template, brief_path: Path) -> str:
    from briefgen.render_brief import check_budget, render_brief

    brief = render_brief(resolved, template.root, template.manifest.brief)
    check_budget(brief, str(brief_path))
    return brief


def _audit(
    deck: bytes, brief: str, resolved: Resolved, report: Report, deck_path: Path, brief_path: Path
) -> tuple[DeckParts, Allowed]:
    """Every number in the deck and the brief must come from a figure (check 7).

    The deck's parts, read here once, and the values allowed are handed on to packaging."""
    from briefgen.audit import DeckParts, allowed_values, audit_brief, audit_deck

    parts = DeckParts.of(deck)
    allowed = allowed_values(resolved)
    report.problems += audit_deck(parts, allowed, str(deck_path))
    report.problems += audit_brief(brief, allowed, str(brief_path))
    return parts, allowed


def _package(
    parts: DeckParts, allowed: Allowed, resolved: Resolved, template: str, report: Report
) -> tuple[bytes, int]:
    """The deck as written, its provenance stamped in and its zip made reproducible (one
    compression of the whole package), and how many slides it has."""
    from briefgen.provenance.build import stamp as stamp_provenance
    from briefgen.write import build_time, reproducible_package

    # Which figure each number on a slide is, for `briefgen audit` (briefgen/provenance/).
    files = stamp_provenance(parts, resolved, template, report, allowed)
    deck = reproducible_package(files, build_time(resolved.meta.as_of))
    slides = sum(1 for n in files if n.startswith("ppt/slides/slide") and n.endswith(".xml"))
    return deck, slides


def build(
    options: BuildOptions, timings: Timings | None = None, session: Session | None = None
) -> BuildResult:
    """Build the deck and the brief (and with ``pdf``, the deck's PDF) for one pack.

    Raise a BriefgenError on any problem; then nothing is written. The PDF is made
    from the final deck bytes before any file is replaced, so the three files are
    written together or not at all. ``timings`` and ``session`` are as for
    :func:`render_outputs`.
    """
    from briefgen.write import write_outputs

    if options.pdf:
        from briefgen.office import find_soffice

        find_soffice()  # before the work, not after it
    clock = timings if timings is not None else Timings()
    rendered = render_outputs(options, clock, session)
    outputs = {rendered.deck_path: rendered.deck, rendered.brief_path: rendered.brief.encode()}
    pdf_path = None
    if options.pdf:
        from briefgen.office import deck_pdf

        with clock.stage("pdf"):
            pdf_path = rendered.deck_path.with_suffix(".pdf")
            outputs[pdf_path] = deck_pdf(rendered.deck, rendered.stem)
    with clock.stage("write"):
        write_outputs(outputs)
    return BuildResult(
        rendered.deck_path,
        rendered.brief_path,
        rendered.template,
        rendered.slides,
        rendered.warnings,
        pdf_path,
    )
