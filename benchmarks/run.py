#!/usr/bin/env python3
"""Benchmark briefgen end to end and print one Markdown table.

    python benchmarks/run.py [--quick] [--keep]

Every measurement is a fresh ``briefgen`` process (the console script beside this
Python, else ``python -m briefgen``) run from the repository root, after one untimed
run of the same command (so the files it reads are in the system's cache, as they are
for a user's second build of the evening). Each row gives the median wall-clock and
CPU (user + system) seconds over its runs, a rate computed from the CPU time (steadier
than wall time on a shared machine), and the largest peak RSS, measured by
``/usr/bin/time -f %M`` (else ``os.wait4``, an upper bound). Rows:

- ``briefgen --help``, cold: interpreter start, imports and the CLI, median of 5;
- ``check`` and ``build`` of the real pack (``content/alibaba-ai-2025``, sources in
  ``../shared/sources``), median of 5;
- ``check`` of synthetic packs of 2,500, 5,000 and 10,000 figures over 100 sources
  (``benchmarks/generate.py``), median of 5, in seconds and seconds per 1,000 figures;
- ``build`` of synthetic packs sized to give about 30, 100 and 300 slides, verified
  against their sources (``--sources``: the build runs every check first), median of 5;
- the floor (``benchmarks/floor.py``): the same number of slides of the same kinds
  (counted in the deck the build wrote) made with bare python-pptx, median of 5, and
  the ratio build / floor, in CPU and in wall time; for the real pack also the floor
  after a first use of the rest of briefgen's stack (``floor.py --stack``: typer,
  PyYAML, pydantic, Jinja), the floor under any tool built on it;
- a batch build of 20 copies of the real pack (``build pack-01 ... pack-20``), one at a
  time (``--jobs 1``) and two at a time (``--jobs 2``), 5 runs of each, alternating, and
  the speedup in wall time (the median of the 5 pairs' ratios, with the lowest and
  highest); then the same for 20 packs that differ (generated with seeds 1 to 20, each
  the size of the smallest synthetic build, their sources in one folder);
- the host itself: two copies of a CPU-bound loop one after the other, then both at
  once, alternating as the batch runs do: the speedup two processes can have on this
  machine at all, the ceiling for the batch's;
- ``watch`` of the real pack: one process watches while a pillar's text is edited 7
  times; each row run is one rebuild as the watch itself reports it (wall and CPU), with
  the median rebuild's time per stage.

Generated packs and outputs go to a temporary folder, removed at the end unless
``--keep``. ``--quick`` uses small sizes and fewer runs, for a smoke test.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from floor import Mix  # noqa: E402
from generate import generate  # noqa: E402

REAL_PACK = "content/alibaba-ai-2025"
REAL_SOURCES = "../shared/sources"


@dataclass(frozen=True)
class Sizes:
    help_runs: int
    runs: int  # real pack, synthetic checks, builds and floors
    check_figures: tuple[int, ...]
    check_sources: int
    builds: tuple[tuple[str, int, int, int, int], ...]  # target, figures, pillars, risks, sources
    batch_packs: int  # copies of the real pack built at once, one at a time and two at a time
    batch_runs: int
    watch_edits: int  # one-file edits the watch rebuilds after


FULL = Sizes(
    help_runs=5,
    runs=5,
    check_figures=(2500, 5000, 10000),
    check_sources=100,
    builds=(
        ("~30", 150, 4, 8, 8),
        ("~100", 800, 8, 16, 24),
        ("~300", 2500, 10, 20, 40),
    ),
    batch_packs=20,
    batch_runs=5,
    watch_edits=7,
)
QUICK = Sizes(
    help_runs=3,
    runs=1,
    check_figures=(250, 500, 1000),
    check_sources=10,
    builds=(("~12", 40, 1, 2, 3), ("~20", 100, 3, 4, 5), ("~40", 260, 4, 6, 8)),
    batch_packs=4,
    batch_runs=1,
    watch_edits=3,
)


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    cpu: float  # user + system, the child's and its children's
    max_rss_kb: int
    code: int
    stdout: str
    stderr: str


@dataclass
class Measured:
    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.code == 0 for r in self.runs)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(r.max_rss_kb for r in self.runs) / 1024

    @property
    def last(self) -> Run:
        return self.runs[-1]


TIME = Path("/usr/bin/time")


def run_once(command: Sequence[str], scratch: Path) -> Run:
    """One child process: its wall and CPU time and its own peak RSS (kB).

    The peak comes from ``/usr/bin/time -f %M`` where it exists: a child forked from
    this (larger) Python would count this process's pages in its ``ru_maxrss`` until it
    execs, so a small launcher gives the true figure. Without it, ``os.wait4`` gives an
    upper bound.
    """
    out_path, err_path = scratch / "stdout.txt", scratch / "stderr.txt"
    rss_path = scratch / "rss.txt"
    rss_path.write_text("")
    launcher = [str(TIME), "-f", "%M", "-o", str(rss_path)] if TIME.exists() else []
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        child = subprocess.Popen([*launcher, *command], cwd=REPO, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    reported = rss_path.read_text().split()
    max_rss = int(reported[-1]) if reported and reported[-1].isdigit() else int(usage.ru_maxrss)
    return Run(
        seconds,
        usage.ru_utime + usage.ru_stime,
        max_rss,
        child.returncode,
        out_path.read_text(errors="replace"),
        err_path.read_text(errors="replace"),
    )


def measure(command: Sequence[str], runs: int, scratch: Path, what: str) -> Measured:
    """``runs`` timed runs of ``command``, after one untimed run (as ``hyperfine --warmup
    1``): each timed run is still a new process, but with the files it reads (Python's
    compiled modules, the template, the sources) already in the system's cache, so that
    the first run does not time the disk."""
    progress(f"{what}: {' '.join(command)} (x{runs}, after one untimed)")
    result = Measured()
    warmup = run_once(command, scratch)
    if warmup.code != 0:
        result.runs.append(warmup)
        progress(f"  failed with exit {warmup.code}:\n{tail(warmup)}")
        return result
    for _ in range(runs):
        result.runs.append(run_once(command, scratch))
        if result.last.code != 0:
            progress(f"  failed with exit {result.last.code}:\n{tail(result.last)}")
            break
    return result


def tail(run: Run, lines: int = 15) -> str:
    text = (run.stderr.strip() or run.stdout.strip()).splitlines()
    return "\n".join("    " + line for line in text[-lines:])


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def briefgen_command() -> list[str]:
    script = Path(sys.executable).parent / "briefgen"
    return [str(script)] if script.exists() else [sys.executable, "-m", "briefgen"]


# --- the machine ------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine()
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else platform.machine()


def git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return ""
    return done.stdout.strip()


def describe_briefgen() -> str:
    probe = subprocess.run(  # not from REPO: "-c" would put the working tree first
        [sys.executable, "-c", "import briefgen; print(briefgen.__version__, briefgen.__file__)"],
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
    )
    version, _, location = probe.stdout.strip().partition(" ")
    package = Path(location).parent if location else Path("?")
    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    if package.is_relative_to(REPO):
        dirty = git("status", "--porcelain", "--", "briefgen")
        state = " plus uncommitted changes in briefgen/" if dirty else ""
        return f"briefgen {version}: this working tree, commit {commit}{state}"
    return f"briefgen {version} imported from {package} (this repository is at commit {commit})"


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def header(start_load: str) -> list[str]:
    cores = os.cpu_count() or 0
    python = f"{platform.python_implementation()} {platform.python_version()}"
    memory = "/usr/bin/time -f %M" if TIME.exists() else "os.wait4 ru_maxrss (upper bound)"
    return [
        f"Date: {date.today().isoformat()}",
        f"Machine: {cpu_model()}, {cores} cores, {platform.system()} {platform.machine()}, "
        f"{python}",
        describe_briefgen(),
        f"Load average (1, 5, 15 min) at start: {start_load}; at end: {load_average()}",
        f"Peak RSS from {memory}",
        "",
    ]


# --- the table --------------------------------------------------------------------------


Row = tuple[str, ...]
HEADINGS = (
    "step",
    "input",
    "runs",
    "wall s (median)",
    "CPU s (median)",
    "rate (CPU)",
    "peak RSS (MB)",
    "notes",
)


def row(step: str, given: str, result: Measured, rate: str = "", note: str = "") -> Row:
    if not result.ok:
        failed = f"failed: exit {result.last.code}"
        return (step, given, str(len(result.runs)), "", "", "", "", failed)
    return (
        step,
        given,
        str(len(result.runs)),
        f"{result.seconds:.2f}",
        f"{result.cpu:.2f}",
        rate,
        f"{result.rss_mb:.0f}",
        note,
    )


def table(rows: list[Row]) -> list[str]:
    align = ("---", "---", "---:", "---:", "---:", "---:", "---:", "---")
    lines = ["| " + " | ".join(HEADINGS) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return lines


_SLIDES = re.compile(r"\((\d+) slides")


def slides_in(output: str) -> int | None:
    found = _SLIDES.search(output)
    return int(found.group(1)) if found else None


def deck_mix(path: Path) -> Mix:
    """Text, table and chart slides in a built deck, by their layouts."""
    from pptx import Presentation

    counts = {"text": 0, "table": 0, "chart": 0}
    for slide in Presentation(str(path)).slides:
        name = slide.slide_layout.name.lower()
        kind = "table" if "table" in name else "chart" if "chart" in name else "text"
        counts[kind] += 1
    return Mix(counts["text"], counts["table"], counts["chart"])


def per_thousand(seconds: float, figures: int) -> str:
    return f"{seconds / figures * 1000:.2f} s/1k figures"


def per_slide(seconds: float, slides: int) -> str:
    return f"{seconds / slides:.3f} s/slide" if slides else ""


def benchmark(sizes: Sizes, work: Path) -> list[Row]:
    bg = briefgen_command()
    rows: list[Row] = []

    baseline = measure([sys.executable, "-c", "pass"], sizes.help_runs, work, "python")
    rows.append(row("python -c pass (baseline)", "", baseline, note="interpreter start only"))
    helped = measure([*bg, "--help"], sizes.help_runs, work, "help")
    rows.append(row("`briefgen --help`, cold", "", helped, note="new process each run"))

    if (REPO / REAL_SOURCES).is_dir():
        checked = measure(
            [*bg, "check", REAL_PACK, "--sources", REAL_SOURCES], sizes.runs, work, "real check"
        )
        figures = _figures_in(checked.last.stdout)
        rows.append(
            row(
                "`check` real pack",
                f"alibaba-ai-2025, {figures or '?'} figures",
                checked,
                per_thousand(checked.cpu, figures) if figures else "",
            )
        )
        out = work / "real-out"
        built = measure(
            [*bg, "build", REAL_PACK, "--sources", REAL_SOURCES, "--out", str(out)],
            sizes.runs,
            work,
            "real build",
        )
        slides = slides_in(built.last.stdout) or 0
        rows.append(
            row(
                "`build` real pack",
                f"alibaba-ai-2025, {slides} slides",
                built,
                per_slide(built.cpu, slides),
                "verified (`--sources`)",
            )
        )
        if built.ok and slides:
            deck = out / "alibaba-ai-2025-default.pptx"
            rows.append(floor_row(built, deck, sizes, work))
            rows.append(floor_row(built, deck, sizes, work, stack=True))
    else:
        progress(f"no {REAL_SOURCES} beside the repository: the real pack is skipped")

    for figures in sizes.check_figures:
        folder = work / f"check-{figures}"
        made = generate(
            folder, figures=figures, pillars=8, risks=20, sources=sizes.check_sources, seed=0
        )
        command = [*bg, "check", str(made.pack), "--sources", str(made.sources)]
        checked = measure(command, sizes.runs, work, f"check {figures}")
        note = "" if "(100.0%)" in checked.last.stdout else "coverage below 100%"
        rows.append(
            row(
                "`check` synthetic",
                f"{figures:,} figures, {sizes.check_sources} sources "
                f"({made.source_bytes / 1e6:.2f} MB)",
                checked,
                per_thousand(checked.cpu, figures),
                note,
            )
        )

    for target, figures, pillars, risks, sources in sizes.builds:
        folder = work / f"build-{figures}"
        made = generate(
            folder, figures=figures, pillars=pillars, risks=risks, sources=sources, seed=0
        )
        out = folder / "out"
        command = [
            *bg,
            *("build", str(made.pack), "--sources", str(made.sources), "--out", str(out)),
        ]
        built = measure(command, sizes.runs, work, f"build {target} slides")
        slides = slides_in(built.last.stdout) or 0
        rows.append(
            row(
                "`build` synthetic",
                f"{figures:,} figures, {pillars} pillars, {risks} risks, {sources} sources "
                f"-> {slides} slides",
                built,
                per_slide(built.cpu, slides),
                "verified (`--sources`)",
            )
        )
        if built.ok and slides:
            rows.append(floor_row(built, out / "pack-default.pptx", sizes, work))
    rows += batch_rows(sizes, work)
    rows.append(host_row(sizes))
    rows.append(watch_row(sizes, work))
    return rows


def floor_row(built: Measured, deck: Path, sizes: Sizes, work: Path, *, stack: bool = False) -> Row:
    """The floor making the slides of ``deck`` (as many of each kind), against ``built``;
    with ``stack``, after a first use of each other library of briefgen's stack."""
    mix = deck_mix(deck)
    floor = measure(
        [
            sys.executable,
            str(HERE / "floor.py"),
            str(mix.slides),
            "--mix",
            f"{mix.text},{mix.tables},{mix.charts}",
            *(["--stack"] if stack else []),
        ],
        sizes.runs,
        work,
        f"floor {mix.slides} slides" + (" with the stack" if stack else ""),
    )
    ratio = ""
    if floor.ok:
        name = "floor+stack" if stack else "floor"
        ratio = (
            f"build/{name} {built.cpu / floor.cpu:.1f}x CPU, "
            f"{built.seconds / floor.seconds:.1f}x wall"
        )
    return row(
        "floor + first use of typer, PyYAML, pydantic, Jinja"
        if stack
        else "floor (bare python-pptx)",
        f"{mix.slides} slides: {mix}",
        floor,
        per_slide(floor.cpu, mix.slides),
        ratio,
    )


def copies_of_real_pack(folder: Path, count: int) -> list[str]:
    """``count`` copies of the real pack, pack-01 ... (outputs are named by the folder)."""
    names = []
    for i in range(1, count + 1):
        target = folder / f"pack-{i:02d}"
        shutil.copytree(REPO / REAL_PACK, target)
        names.append(str(target))
    return names


def batch_rows(sizes: Sizes, work: Path) -> list[Row]:
    """20 copies of the real pack, then 20 different generated packs, each built one at
    a time and two at a time (see :func:`_batch_pair`)."""
    packs = copies_of_real_pack(work / "batch", sizes.batch_packs)
    sources = ["--sources", REAL_SOURCES] if (REPO / REAL_SOURCES).is_dir() else []
    given = f"{sizes.batch_packs} copies of alibaba-ai-2025"
    rows = _batch_pair(sizes, work, packs, sources, given)
    packs, shared, each = portfolio(sizes, work / "portfolio")
    given = f"{sizes.batch_packs} different generated packs ({each} each)"
    return rows + _batch_pair(sizes, work, packs, ["--sources", str(shared)], given)


def portfolio(sizes: Sizes, folder: Path) -> tuple[list[str], Path, str]:
    """Packs that differ, as a fund's do: the smallest synthetic build's size, one seed
    each, their sources (named apart) in one folder. Their paths, that folder, and
    what each holds (for the row)."""
    _, figures, pillars, risks, source_count = sizes.builds[0]
    shared = folder / "sources"
    shared.mkdir(parents=True)
    packs = []
    for i in range(1, sizes.batch_packs + 1):
        made = generate(
            folder / f"made-{i:02d}",
            figures=figures,
            pillars=pillars,
            risks=risks,
            sources=source_count,
            seed=i,
            source_prefix=f"p{i:02d}_",
        )
        target = folder / f"pack-{i:02d}"
        made.pack.rename(target)
        for source in made.sources.iterdir():
            source.rename(shared / source.name)
        packs.append(str(target))
    return packs, shared, f"{figures:,} figures, {pillars} pillars, {risks} risks"


def _batch_pair(
    sizes: Sizes, work: Path, packs: list[str], sources: list[str], given: str
) -> list[Row]:
    """The packs built one at a time and two at a time, in alternating runs.

    The runs alternate (``--jobs 1``, ``--jobs 2``, ``--jobs 1``, ...) so that a change in
    what else the host runs falls on both alike; the speedup is the median of each pair's
    ratio, with the lowest and highest.
    """
    bg = briefgen_command()
    measured = {1: Measured(), 2: Measured()}
    progress(f"batch: {given}, --jobs 1 and 2 alternating (x{sizes.batch_runs})")
    for _ in range(sizes.batch_runs):
        for jobs in (1, 2):
            out = work / f"batch-out-{jobs}"
            command = [*bg, "build", *packs, *sources, "--out", str(out), "--jobs", str(jobs)]
            measured[jobs].runs.append(run_once(command, work))
            if not measured[jobs].ok:
                progress(f"  --jobs {jobs} failed with exit {measured[jobs].last.code}:")
                progress(tail(measured[jobs].last))
                break
        if not (measured[1].ok and measured[2].ok):
            break
    serial, parallel = measured[1], measured[2]
    per_pack = f"{serial.cpu / len(packs):.2f} s CPU/pack" if serial.ok else ""
    rows = [row("`build` batch, `--jobs 1`", given, serial, per_pack, "one at a time")]
    note = ""
    if serial.ok and parallel.ok and len(parallel.runs) == len(serial.runs):
        pairs = [
            one.seconds / two.seconds for one, two in zip(serial.runs, parallel.runs, strict=True)
        ]
        spread = f" ({min(pairs):.2f}-{max(pairs):.2f})" if len(pairs) > 1 else ""
        note = (
            f"speedup {statistics.median(pairs):.2f}x wall{spread}; "
            f"CPU {parallel.cpu / serial.cpu:.2f}x of `--jobs 1`"
        )
    rows.append(row("`build` batch, `--jobs 2`", given, parallel, "", note))
    return rows


# A fixed amount of pure-Python work: about half a second, several packs' worth.
_SPIN = "def spin():\n    x = 0\n    for i in range(6_000_000):\n        x += i * i % 7\nspin()\n"


def _spin(at_once: int) -> Run:
    """Wall time of ``at_once`` copies of the loop started together; their CPU time."""
    started = time.perf_counter()
    children = [subprocess.Popen([sys.executable, "-c", _SPIN]) for _ in range(at_once)]
    cpu = 0.0
    for child in children:
        _, _, usage = os.wait4(child.pid, 0)
        cpu += usage.ru_utime + usage.ru_stime
    return Run(time.perf_counter() - started, cpu, 0, 0, "", "")


def host_row(sizes: Sizes) -> Row:
    """What two processes gain on this host when nothing is shared: the ceiling for batch.

    Two copies of the same CPU-bound loop, one after the other and then both at once,
    alternating as the batch rows do; the speedup is the median of the pairs' ratios.
    On a machine with two free processors it is close to 2; a virtual machine whose
    processors share a physical core, or a busy host, gives less, to briefgen as well.
    """
    progress(f"host: two CPU-bound loops one after the other, then at once (x{sizes.batch_runs})")
    serial, parallel, ratios = Measured(), Measured(), []
    for _ in range(sizes.batch_runs):
        one, two = _spin(1), _spin(1)
        serial.runs.append(Run(one.seconds + two.seconds, one.cpu + two.cpu, 0, 0, "", ""))
        parallel.runs.append(_spin(2))
        ratios.append(serial.runs[-1].seconds / parallel.runs[-1].seconds)
    spread = f" ({min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
    return (
        "host: 2 CPU-bound loops at once",
        "pure Python, no files, nothing shared",
        str(len(ratios)),
        f"{parallel.seconds:.2f}",
        f"{parallel.cpu:.2f}",
        "",
        "",
        f"speedup {statistics.median(ratios):.2f}x wall{spread} over one after the other; "
        f"CPU {parallel.cpu / serial.cpu:.2f}x",
    )


_REBUILT = re.compile(r"^rebuilt .* in (\d+) ms$")
_STAGES = re.compile(r"^  (.*) \(CPU (\d+) ms\)$")


def watch_row(sizes: Sizes, work: Path) -> Row:
    """Rebuild times the watch reports after one-file edits of the real pack.

    One watch process runs throughout, as a user's would; each edit toggles a word in a
    pillar's summary (so each rebuild verifies nothing anew: no figure changed).
    """
    pack = Path(copies_of_real_pack(work / "watch", 1)[0])
    sources = ["--sources", REAL_SOURCES] if (REPO / REAL_SOURCES).is_dir() else []
    command = [*briefgen_command(), "watch", str(pack), *sources, "--out", str(work / "watch-out")]
    progress(f"watch: {' '.join(command)} ({sizes.watch_edits} edits)")
    log = (work / "watch-stderr.txt").open("w")
    child = subprocess.Popen(
        [*command, "--timings"], cwd=REPO, stdout=subprocess.PIPE, stderr=log, text=True
    )
    result, stages = Measured(), []
    try:
        assert child.stdout is not None
        _watch_output(child.stdout, "watching for changes")
        pillars = pack / "pillars.yaml"
        for edit in range(sizes.watch_edits):
            old, new = ("betting", "wagering") if edit % 2 == 0 else ("wagering", "betting")
            pillars.write_text(pillars.read_text().replace(old, new, 1))
            ms = _REBUILT.match(_watch_output(child.stdout, "rebuilt "))
            timed = _STAGES.match(_watch_output(child.stdout, "(CPU "))
            if ms is None or timed is None:
                break
            result.runs.append(
                Run(int(ms.group(1)) / 1000, int(timed.group(2)) / 1000, 0, 0, "", "")
            )
            stages.append((int(ms.group(1)), timed.group(1)))
    finally:
        peak = _peak_rss_kb(child.pid)
        child.send_signal(signal.SIGTERM)  # a background job ignores SIGINT
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        log.close()
    if not result.runs:
        return ("`watch` warm rebuild", "alibaba-ai-2025", "0", "", "", "", "", "failed")
    rss = peak or int(usage.ru_maxrss)
    result.runs = [replace(r, max_rss_kb=rss) for r in result.runs]
    median = sorted(stages)[len(stages) // 2][1]
    given = "alibaba-ai-2025, one edit to pillars.yaml"
    return row("`watch` warm rebuild", given, result, "", f"as reported; median: {median}")


def _peak_rss_kb(pid: int) -> int | None:
    """The process's own peak memory (``VmHWM``; unlike ``ru_maxrss``, it does not count
    the pages of the Python that started it), where ``/proc`` has it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else None


def _watch_output(stream: IO[str], wanted: str, timeout: float = 300) -> str:
    """The first line of the watch's output holding ``wanted``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            raise RuntimeError(f"the watch stopped before printing {wanted!r}")
        if wanted in line:
            return line.rstrip("\n")
    raise RuntimeError(f"the watch printed no {wanted!r} in {timeout} s")


_TOTALS = re.compile(r"(\d+)/(\d+) figures verified")


def _figures_in(output: str) -> int:
    found = _TOTALS.search(output)
    return int(found.group(2)) if found else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each")
    parser.add_argument("--keep", action="store_true", help="keep the generated packs")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    # Cold runs should measure a normal install, which has its bytecode; without it every
    # run would compile the modules edited since the last one (PYTHONDONTWRITEBYTECODE).
    compile_package = (
        "import briefgen, compileall, pathlib; "
        "compileall.compile_dir(pathlib.Path(briefgen.__file__).parent, quiet=1)"
    )
    subprocess.run([sys.executable, "-c", compile_package], check=False)
    work = Path(tempfile.mkdtemp(prefix="briefgen-bench-"))
    start_load = load_average()
    try:
        rows = benchmark(sizes, work)
        lines = header(start_load)
    finally:
        if args.keep:
            progress(f"generated packs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("\n".join(lines + table(rows)))
    return 0 if not any(r[-1].startswith("failed") for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
