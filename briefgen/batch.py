"""Build many packs at once, each in its own worker process.

Every pack is built exactly as ``briefgen build PACK`` builds it, all or nothing; a
pack that fails does not stop the others. Each worker sends back what happened as
plain data (:class:`PackOutcome`): the files written, or the problems as the lines a
single build prints.

Workers are forked after the heavy modules are imported, so each starts warm (where
the system has no fork, or another thread runs, they are spawned and import their
own). Ctrl-C reaches every worker: a build being written rolls back
(``briefgen/write.py``), builds not yet started never start, and no half-written file
is left behind.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Protocol

from briefgen.build import BuildOptions, build, pack_slug
from briefgen.errors import BriefgenError, Problem
from briefgen.memory import settle
from briefgen.write import terminate_as_interrupt

INTERRUPTED = 130


class EventLike(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class PackOutcome:
    """What building one pack did: the files it wrote, or why it wrote none."""

    pack: Path
    code: int  # 0 built; else the exit code a single build would have given
    seconds: float = 0.0
    deck: Path | None = None
    brief: Path | None = None
    pdf: Path | None = None
    template: str = ""
    slides: int = 0
    warnings: tuple[str, ...] = ()  # formatted as single builds print them
    problems: tuple[str, ...] = ()
    message: str = ""
    bug: bool = False  # failed on an error of briefgen's own, with its traceback

    @property
    def ok(self) -> bool:
        return self.code == 0

    @property
    def kind(self) -> str:
        """What became of the pack, in a word or two."""
        if self.bug:
            return "internal error"
        return {0: "built", 1: "checks failed", 2: "bad input"}.get(self.code, "interrupted")


def default_jobs() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every system
        return os.cpu_count() or 1


def check_distinct(packs: Sequence[Path]) -> None:
    """Refuse packs whose outputs would land on the same files (folders of the same name)."""
    seen: dict[str, Path] = {}
    problems = []
    for pack in packs:
        slug = pack_slug(pack)
        if slug in seen and seen[slug].resolve() == pack.resolve():
            problems.append(Problem("usage", f"{pack} is given twice", str(pack)))
        elif slug in seen:
            message = (
                f"both {seen[slug]} and {pack} are called '{slug}', so their outputs would "
                f"overwrite each other ({slug}-<template>.pptx); rename a folder, or build "
                "them one at a time into different --out folders"
            )
            problems.append(Problem("usage", message, str(pack)))
        else:
            seen[slug] = pack
    if problems:
        raise BriefgenError("packs with the same name", problems)


def build_one(options: BuildOptions) -> PackOutcome:
    """Build one pack; every failure, even a bug's, comes back as an outcome."""
    started = time.perf_counter()
    try:
        result = build(options)
    except BriefgenError as exc:
        return PackOutcome(
            options.pack_dir,
            exc.exit_code,
            time.perf_counter() - started,
            problems=tuple(exc.lines()),
            message=str(exc),
        )
    except Exception as exc:  # a bug: keep its traceback, and build the other packs
        return PackOutcome(
            options.pack_dir,
            1,
            time.perf_counter() - started,
            problems=tuple(traceback.format_exc().rstrip().splitlines()),
            message=f"internal error: {type(exc).__name__}: {exc}",
            bug=True,
        )
    return PackOutcome(
        options.pack_dir,
        0,
        time.perf_counter() - started,
        deck=result.deck,
        brief=result.brief,
        pdf=result.pdf,
        template=result.template,
        slides=result.slides,
        warnings=tuple(w.format() for w in result.warnings),
    )


def build_many(
    packs: Sequence[BuildOptions],
    jobs: int,
    on_done: Callable[[PackOutcome], None] = lambda outcome: None,
) -> list[PackOutcome]:
    """Build every pack, ``jobs`` at a time; outcomes in the order of ``packs``.

    ``on_done`` hears of each pack as it finishes. Ctrl-C stops the workers and raises
    KeyboardInterrupt once every one of them has let go of its files.
    """
    if jobs <= 1 or len(packs) <= 1:
        preload()
        outcomes = []
        for options in packs:
            outcomes.append(build_one(options))
            on_done(outcomes[-1])
        return outcomes
    return _in_workers(packs, min(jobs, len(packs)), on_done)


_HEAVY = (
    "jinja2",
    "lxml.etree",
    "pptx",
    "briefgen.models",
    "briefgen.templates",
    "briefgen.render_deck",
    "briefgen.deck.frame",
    "briefgen.deck.cards",
    "briefgen.deck.charts",
    "briefgen.deck.figures",
    "briefgen.deck.risks",
    "briefgen.deck.slides",
    "briefgen.deck.tables",
    "briefgen.render_brief",
    "briefgen.audit",
    "briefgen.provenance.build",
    "briefgen.write",
)


def preload() -> None:
    """Import what every build needs, so forked workers inherit it rather than each
    paying, and settle (briefgen/memory.py) before any build."""
    import importlib

    for name in _HEAVY:
        importlib.import_module(name)
    settle()


def _context() -> multiprocessing.context.BaseContext:
    """Fork, warm, where the system has it and no other thread runs (forking then is safe)."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        preload()
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _in_workers(
    packs: Sequence[BuildOptions], jobs: int, on_done: Callable[[PackOutcome], None]
) -> list[PackOutcome]:
    context = _context()
    stop = context.Event()
    others = set(multiprocessing.active_children())
    # Workers ignore Ctrl-C but while they build; the parent passes it on to them.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pool = ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_start_worker, initargs=(stop,)
        )
        futures = {pool.submit(_work, options): i for i, options in enumerate(packs)}
        workers = [p for p in multiprocessing.active_children() if p not in others]
    finally:
        signal.signal(signal.SIGINT, previous)
    found: dict[int, PackOutcome] = {}
    try:
        with terminate_as_interrupt():
            for future in as_completed(futures):
                index = futures[future]
                found[index] = _outcome(future, packs[index])
                on_done(found[index])
    except KeyboardInterrupt:
        stop.set()
        _stop(pool, futures, workers)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [found[i] for i in range(len(packs))]


def _outcome(future: Future[PackOutcome], options: BuildOptions) -> PackOutcome:
    try:
        return future.result()
    except BrokenProcessPool as exc:  # a worker killed from outside, or crashed
        message = f"the process building it stopped unexpectedly ({exc})"
        return PackOutcome(options.pack_dir, 1, message=message, bug=True)


def _stop(
    pool: ProcessPoolExecutor,
    futures: dict[Future[PackOutcome], int],
    workers: Sequence[multiprocessing.process.BaseProcess],
) -> None:
    """Cancel the builds not started, interrupt the running ones, wait for them to let go."""
    for future in futures:
        future.cancel()
    for worker in workers:
        if worker.pid is not None and worker.is_alive():
            with suppress(ProcessLookupError):
                os.kill(worker.pid, signal.SIGINT)
    while True:
        try:
            pool.shutdown(wait=True, cancel_futures=True)
            return
        except KeyboardInterrupt:  # pressed again: the workers are already stopping
            continue


_STOP: EventLike | None = None


def _start_worker(stop: EventLike) -> None:
    global _STOP
    _STOP = stop
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interrupt_once(signum: int, frame: FrameType | None) -> None:
    # A second Ctrl-C must not cut short the roll-back the first one started.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def _work(options: BuildOptions) -> PackOutcome:
    """One pack in a worker; Ctrl-C while it runs gives an "interrupted" outcome."""
    outcome = None
    if _STOP is None or not _STOP.is_set():
        signal.signal(signal.SIGINT, _interrupt_once)
        try:
            outcome = build_one(options)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    if outcome is None:
        message = "interrupted; outputs already in place were left as they were"
        return PackOutcome(options.pack_dir, INTERRUPTED, message=message)
    return outcome
