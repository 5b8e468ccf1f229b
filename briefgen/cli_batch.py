"""Commands for many packs or repeated builds: batch builds and watch mode.

``briefgen build PACK PACK...`` hands its packs to :func:`build_packs`; ``briefgen
watch PACK`` rebuilds a pack whenever one of its files changes.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefgen.cli import (
    NoVerifyOption,
    OutOption,
    PackArg,
    SourcesOption,
    TemplateOption,
    TemplatesOption,
    app,
    err,
    report_lines,
    user_errors,
)

if TYPE_CHECKING:
    from briefgen.batch import PackOutcome
    from briefgen.build import BuildOptions
    from briefgen.watch import Rebuild


def build_packs(packs: Sequence[BuildOptions], jobs: int | None) -> None:
    """Build several packs in parallel; report each failure at the end; exit with the worst."""
    from briefgen.batch import build_many, check_distinct, default_jobs

    check_distinct([options.pack_dir for options in packs])
    workers = min(jobs or default_jobs(), len(packs))
    with _progress(len(packs), workers) as on_done:
        outcomes = build_many(packs, workers, on_done)
    for outcome in outcomes:
        if outcome.ok:
            typer.echo(
                f"wrote {outcome.deck} ({outcome.slides} slides, template '{outcome.template}')"
            )
            typer.echo(f"wrote {outcome.brief}")
            if outcome.pdf is not None:
                typer.echo(f"wrote {outcome.pdf}")
    for outcome in outcomes:
        for warning in outcome.warnings:
            err(warning)
    failed = [outcome for outcome in outcomes if not outcome.ok]
    for outcome in failed:
        err(f"{outcome.pack}: failed ({outcome.kind}):")
        report_lines(outcome.problems)
        err(f"error: {outcome.message}")
    built = len(outcomes) - len(failed)
    summary = f"{len(outcomes)} packs: {built} built, {len(failed)} failed"
    if failed:
        summary += ": " + ", ".join(str(outcome.pack) for outcome in failed)
    typer.echo(summary)
    if failed:
        raise typer.Exit(max(outcome.code for outcome in failed))


@contextmanager
def _progress(total: int, workers: int) -> Iterator[Callable[[PackOutcome], None]]:
    """A progress bar on a terminal; elsewhere (CI logs, pipes) one line per pack finished."""
    done = 0
    what = f"{total} packs in {workers} process{'es' if workers != 1 else ''}"
    if sys.stderr.isatty():
        try:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
        except ImportError:  # typer installs rich, but it may have been left out
            pass
        else:
            columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(
                "building {task.description}",
                *columns,
                console=Console(stderr=True, highlight=False),
            ) as bar:
                task = bar.add_task(what, total=total)

                def advance(outcome: PackOutcome) -> None:
                    if not outcome.ok:
                        bar.console.print(f"failed: {outcome.pack}", markup=False)
                    bar.advance(task)

                yield advance
            return
    err(f"building {what}")

    def line(outcome: PackOutcome) -> None:
        nonlocal done
        done += 1
        result = f"built ({outcome.slides} slides)" if outcome.ok else f"failed ({outcome.kind})"
        err(f"[{done}/{total}] {outcome.pack}: {result} in {outcome.seconds:.1f} s")

    yield line


@app.command()
@user_errors
def watch(
    pack: PackArg,
    template: TemplateOption = None,
    out: OutOption = Path("out"),
    sources: SourcesOption = None,
    templates: TemplatesOption = None,
    no_verify: NoVerifyOption = False,
    timings: Annotated[
        bool, typer.Option("--timings", help="Show how long each stage of each build took.")
    ] = False,
) -> None:
    """Build a pack, then rebuild it each time a pack file, a source or the template changes.

    Prints what changed and how long the rebuild took, or the problems; a failed
    rebuild leaves the outputs already written as they were, and the watch goes on.
    Press Ctrl-C to stop.

    Example:

        briefgen watch content/alibaba-ai-2025 --sources ../shared/sources --timings
    """
    from briefgen.batch import preload
    from briefgen.build import BuildOptions
    from briefgen.errors import PackError, Problem
    from briefgen.watch import watch_loop
    from briefgen.write import terminate_as_interrupt

    if not pack.is_dir():  # a mistyped folder is not worth waiting for
        problem = Problem("pack-missing", "no such pack folder", str(pack))
        raise PackError(f"{pack}: is not a pack folder", [problem])
    options = BuildOptions(
        pack_dir=pack,
        out_dir=out,
        template=template,
        sources_dir=sources,
        templates_dir=templates,
        verify=not no_verify,
    )
    preload()  # and settle, before the first build: no build's objects are frozen
    try:
        with terminate_as_interrupt():  # `kill` stops it as Ctrl-C does
            watch_loop(options, _Reporter(timings).report)
    except KeyboardInterrupt:
        err("stopped watching")


class _Reporter:
    """Prints each build of the watch; warnings only when they differ from the last build's."""

    def __init__(self, timings: bool) -> None:
        self.timings = timings
        self.first = True
        self.warnings: tuple[str, ...] = ()

    def report(self, rebuild: Rebuild) -> None:
        if rebuild.changed:
            typer.echo("changed: " + ", ".join(rebuild.changed))
        ms = f"{rebuild.seconds * 1000:.0f} ms"
        verb = "built" if self.first else "rebuilt"
        if rebuild.result is not None:
            result = rebuild.result
            warnings = tuple(w.format() for w in result.warnings)
            if warnings != self.warnings:
                for warning in warnings:
                    err(warning)
            self.warnings = warnings
            typer.echo(
                f"{verb} {result.deck} ({result.slides} slides, template '{result.template}') "
                f"and {result.brief.name} in {ms}"
            )
        else:
            for line in rebuild.problems:
                err(line)
            err(f"error: {rebuild.message}")
            typer.echo(f"build failed in {ms}; the outputs already written were left as they were")
        if self.timings:
            cpu = sum(rebuild.timings.cpu.values()) * 1000
            typer.echo(f"  {rebuild.timings.summary()} (CPU {cpu:.0f} ms)")
        if self.first:
            typer.echo("watching for changes; press Ctrl-C to stop")
        self.first = False
