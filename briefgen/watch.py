"""Watch a pack: rebuild when a pack file, a cited source or the template changes.

The watch polls: every quarter of a second it looks at the modification time, size
and inode of the pack's YAML files, of the source files the pack cites and of every
file in the template's folder (and, after a failed build, of the files its problems
name). That is a few dozen ``stat`` calls, cheap enough to need no file-event library,
and it works the same on every system and file system (network drives, containers).

A rebuild is a full build, all or nothing as always, so a failed one leaves the
outputs already in ``out/`` as they were. It runs in the same process as the last,
so it reuses what did not change: imported modules, the opened template and source
texts (cached by their own modules), and the last verification when neither the
figures nor the sources changed (:class:`briefgen.build.Session`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.build import BuildOptions, BuildResult, Session, Timings, build
from briefgen.errors import BriefgenError

INTERVAL = 0.25  # seconds between looks at the files
SETTLE = 0.05  # seconds a change must hold still before a rebuild (editors save in steps)
_MAX_SETTLE = 20  # looks before rebuilding anyway, for a file that never stops changing

Stamp = tuple[int, int, int] | None  # modification time (ns), size, inode; None: absent


@dataclass(frozen=True)
class Rebuild:
    """One build the watch ran: what set it off, how long it took, what came of it."""

    changed: tuple[str, ...]  # the files that changed, as shown; empty for the first build
    seconds: float  # wall-clock time of the build
    result: BuildResult | None = None
    code: int = 0  # the exit code a single build would have given
    problems: tuple[str, ...] = ()  # formatted as a single build prints them
    message: str = ""
    timings: Timings = field(default_factory=Timings)

    @property
    def ok(self) -> bool:
        return self.result is not None


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class Watcher:
    """Knows which files a pack's build reads, and rebuilds when one of them changes."""

    def __init__(self, options: BuildOptions, sleep: Callable[[float], None] = time.sleep) -> None:
        self.options = options
        self.session = Session()
        self.sleep = sleep
        self.stamps: dict[Path, Stamp] = {}
        self._named: set[Path] = set()  # files named by the last failed build's problems

    def watched(self) -> set[Path]:
        """The files the next build reads, as far as the last one showed."""
        files = set(self.options.pack_dir.glob("*.yaml"))
        files.update(self.session.sources)
        if self.session.template_root is not None:
            files.update(_tree(self.session.template_root))
        return files | self._named

    def build(self, changed: Iterable[Path] = ()) -> Rebuild:
        """Build now; the files' state is taken first, so an edit made meanwhile is seen."""
        before = _stamps(self.watched())
        timings = Timings()
        started = time.perf_counter()
        names = tuple(dict.fromkeys(shown(path) for path in sorted(changed)))
        try:
            result = build(self.options, timings, self.session)
        except BriefgenError as exc:
            seconds = time.perf_counter() - started
            self._named = self._files_named(exc)
            self._settle_stamps(before)
            return Rebuild(
                names, seconds, None, exc.exit_code, tuple(exc.lines()), str(exc), timings
            )
        seconds = time.perf_counter() - started
        self._named = set()
        self._settle_stamps(before)
        return Rebuild(names, seconds, result, timings=timings)

    def changes(self) -> list[Path]:
        """The watched files whose state differs from what the last build saw."""
        now = _stamps(self.watched() | set(self.stamps))
        return sorted(path for path, stamp in now.items() if self.stamps.get(path) != stamp)

    def poll(self) -> Rebuild | None:
        """Rebuild if anything changed since the last build, once the change holds still."""
        changed = self.changes()
        if not changed:
            return None
        seen = set(changed)
        for _ in range(_MAX_SETTLE):
            state = _stamps(seen | self.watched())
            self.sleep(SETTLE)
            if _stamps(state) == state:
                break
            seen.update(self.changes())
        return self.build(seen)

    def _files_named(self, exc: BriefgenError) -> set[Path]:
        """The files a failed build's problems point at, but for the outputs themselves."""
        out = self.options.out_dir.resolve()
        named = {Path(p.file) for p in exc.problems if p.file}
        return {p for p in named if not p.is_dir() and not p.resolve().is_relative_to(out)}

    def _settle_stamps(self, before: dict[Path, Stamp]) -> None:
        """Remember the files as the build saw them; files newly known are taken as now."""
        known = self.watched()
        later = _stamps(known - set(before))
        self.stamps = {path: before[path] for path in known if path in before} | later


def _tree(root: Path) -> list[Path]:
    """The template's files, leaving out hidden files and editors' backups."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        found += [
            Path(folder) / name
            for name in files
            if not name.startswith((".", "#")) and not name.endswith("~")
        ]
    return found


def _stamps(paths: Iterable[Path]) -> dict[Path, Stamp]:
    stamps: dict[Path, Stamp] = {}
    for path in paths:
        try:
            info = path.stat()
        except (OSError, ValueError):
            stamps[path] = None
        else:
            stamps[path] = (info.st_mtime_ns, info.st_size, info.st_ino)
    return stamps


def watch_loop(
    options: BuildOptions,
    report: Callable[[Rebuild], None],
    *,
    interval: float = INTERVAL,
    iterations: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Watcher:
    """Build once, then look for changes every ``interval`` seconds and rebuild on each.

    Every build, good or bad, goes to ``report``; the loop runs until interrupted, or
    for ``iterations`` looks when given (tests drive it so, with their own ``sleep``).
    """
    watcher = Watcher(options, sleep)
    report(watcher.build())
    looks = 0
    while iterations is None or looks < iterations:
        sleep(interval)
        rebuilt = watcher.poll()
        if rebuilt is not None:
            report(rebuilt)
        looks += 1
    return watcher
