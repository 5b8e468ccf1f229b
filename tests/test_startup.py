"""Start-up: what each command imports, and a warm process reusing the compiled brief.

A command imports only what it uses: ``briefgen --help`` and ``--version`` load no
data library, ``check`` nothing that draws decks, a build of one pack nothing for
building many. Each is run as a user runs it, in a fresh interpreter, and the
modules it left loaded are inspected.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest

from briefgen import __version__
from briefgen.errors import TemplateError
from briefgen.load import load_pack
from briefgen.render_brief import COMPILED_LIMIT, render_brief
from briefgen.resolve import Resolved, resolve_pack

from .conftest import FIXTURES, ROOT

CHECKED = FIXTURES / "checked"  # a pack (pack/) whose figures its sources (sources/) prove

_RUN = """
import json, sys
from briefgen.cli import main
sys.argv = ["briefgen", *json.loads(sys.argv[1])]
code = 0
try:
    main()
except SystemExit as exit:
    code = exit.code or 0
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + json.dumps([code, sorted(sys.modules)]) + "\\n")
"""

# Libraries only some commands need; none is imported to show help or the version.
DATA_LIBRARIES = ("pydantic", "pydantic_core", "jinja2", "yaml", "pptx", "lxml", "PIL")
STAGES = (
    "briefgen.build",
    "briefgen.load",
    "briefgen.models",
    "briefgen.templates",
    "briefgen.verify",
    "briefgen.render_brief",
    "briefgen.render_deck",
)
DECK_MACHINERY = (
    "pptx",
    "lxml",
    "PIL",
    "xlsxwriter",
    "briefgen.render_deck",
    "briefgen.deck",
    "briefgen.deck_audit",
    "briefgen.provenance",
    "briefgen.write",
)
OTHER_COMMANDS = ("briefgen.find", "briefgen.scaffold", "briefgen.schema", "briefgen.preview")
MANY_PACKS = ("briefgen.batch", "briefgen.watch", "multiprocessing")


def _child(script: str, marker: str, *argv: str) -> tuple[Any, str]:
    """Run ``script`` in a fresh interpreter from the repository root: the JSON it wrote
    to stderr after ``marker``, and its stdout."""
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    done = subprocess.run(
        [sys.executable, "-c", script, *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )
    found = done.stderr.rfind(f"\n{marker} ")
    assert found >= 0, done.stderr
    return json.loads(done.stderr[found + len(marker) + 2 :]), done.stdout


def _run(*args: str | Path) -> tuple[int, str, set[str]]:
    """Run ``briefgen ARGS`` in a fresh interpreter: exit code, stdout, modules loaded."""
    (code, modules), out = _child(_RUN, "MODULES", json.dumps([str(arg) for arg in args]))
    return code, out, set(modules)


def _loaded(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    """Which of ``packages`` (or modules inside them) are loaded."""
    return sorted(
        name for name in packages if any(m == name or m.startswith(name + ".") for m in modules)
    )


def test_help_loads_no_data_library_and_no_stage() -> None:
    code, out, modules = _run("--help")
    assert code == 0
    assert "Usage: briefgen" in out and "check" in out and "build" in out
    assert _loaded(modules, DATA_LIBRARIES + STAGES + ("importlib.metadata",)) == []


def test_version_is_read_without_package_metadata() -> None:
    code, out, modules = _run("--version")
    assert (code, out) == (0, f"briefgen {__version__}\n")
    assert _loaded(modules, DATA_LIBRARIES + STAGES + ("importlib.metadata",)) == []


def test_check_loads_nothing_that_draws_or_writes_decks() -> None:
    code, out, modules = _run("check", CHECKED / "pack", "--sources", CHECKED / "sources")
    assert code == 0, out
    assert ": ok: " in out
    assert {"briefgen.verify", "briefgen.render_brief"} <= modules  # it did check
    assert _loaded(modules, DECK_MACHINERY + OTHER_COMMANDS + MANY_PACKS) == []


def test_build_of_one_pack_loads_nothing_for_many(tmp_path: Path) -> None:
    pack, sources = CHECKED / "pack", CHECKED / "sources"
    code, out, modules = _run("build", pack, "--sources", sources, "--out", tmp_path)
    assert code == 0, out
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".md", ".pptx"]
    assert _loaded(modules, MANY_PACKS + OTHER_COMMANDS) == []


def test_listing_templates_loads_neither_python_pptx_nor_jinja() -> None:
    code, out, modules = _run("templates")
    assert code == 0, out
    assert "default" in out
    assert _loaded(modules, ("pptx", "lxml", "jinja2", "briefgen.build")) == []


# -- the collector during start-up (briefgen/memory.py) -----------------------------------

_COLLECTOR = """
import gc, json, sys
from pathlib import Path
default = gc.get_threshold()
seen = {}
def note(what):
    seen[what] = [gc.get_threshold()[0], gc.get_freeze_count()]
from briefgen import memory
from briefgen.build import BuildOptions, build
if sys.argv[1] == "cli":
    from briefgen.cli import main
    import briefgen.build as pipeline
    pipeline.settle = lambda: (note("before settle"), memory.settle(), note("after settle"))
    sys.argv = ["briefgen", *json.loads(sys.argv[2])]
    try:
        main()
    except SystemExit:
        pass
else:  # a batch or a watch: preload, then build twice
    from briefgen.batch import preload
    memory.hold_collector()
    note("held")
    preload()
    note("preloaded")
    pack, sources, out = (Path(a) for a in json.loads(sys.argv[2]))
    for _ in range(2):
        build(BuildOptions(pack_dir=pack, sources_dir=sources, out_dir=out))
    note("built twice")
note("end")
sys.stdout.flush()
sys.stderr.write("\\nCOLLECTOR " + json.dumps([default[0], seen]) + "\\n")
"""


def _collector(mode: str, *args: str | Path) -> tuple[int, dict[str, list[int]]]:
    """Young-collection threshold and frozen object count at points of a fresh process."""
    (default, seen), _ = _child(_COLLECTOR, "COLLECTOR", mode, json.dumps([str(a) for a in args]))
    return default, seen


def test_a_build_holds_the_collector_until_its_pack_is_verified(tmp_path: Path) -> None:
    pack, sources = CHECKED / "pack", CHECKED / "sources"
    default, seen = _collector("cli", "build", pack, "--sources", sources, "--out", tmp_path)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".md", ".pptx"]
    assert seen["before settle"] == [100_000, 0]  # held while the modules loaded
    threshold, frozen = seen["after settle"]
    assert threshold == default and frozen > 50_000  # modules and pack out of every collection
    assert seen["end"][0] == default and seen["end"][1] <= frozen  # settled once


def test_help_keeps_a_collector_that_still_runs() -> None:
    default, seen = _collector("cli", "--help")
    assert "before settle" not in seen
    assert seen["end"] == [100_000, 0]  # rarely, not never
    assert default < 100_000


def test_many_builds_settle_once_before_the_first(tmp_path: Path) -> None:
    """A batch or a watch freezes its modules, never a build's objects."""
    pack, sources = CHECKED / "pack", CHECKED / "sources"
    default, seen = _collector("preload", pack, sources, tmp_path)
    assert seen["held"] == [100_000, 0]
    threshold, frozen = seen["preloaded"]
    assert threshold == default and frozen > 50_000
    threshold, still = seen["built twice"]
    assert threshold == default
    assert still <= frozen  # frozen objects can die; no new ones joined them


# -- a warm process and the brief template ---------------------------------------------


@pytest.fixture(scope="module")
def resolved() -> Resolved:
    return resolve_pack(load_pack(FIXTURES / "mini"))


class _Compiles:
    """Counts Jinja compiling each template file, by file name."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.files: list[str] = []
        compile_template = jinja2.Environment.compile

        def counted(env: jinja2.Environment, source: str, *args: object, **kw: object) -> object:
            filename = kw.get("filename", args[1] if len(args) > 1 else None)
            self.files.append(Path(str(filename)).name)
            return compile_template(env, source, *args, **kw)  # type: ignore[arg-type]

        monkeypatch.setattr(jinja2.Environment, "compile", counted)


def _brief_folder(folder: Path, text: str, **more: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "brief.md.jinja").write_text(text, encoding="utf-8")
    for name, body in more.items():
        (folder / f"{name}.md.jinja").write_text(body, encoding="utf-8")
    return folder


def _edit_keeping_size_and_time(path: Path, old: str, new: str) -> None:
    """Rewrite ``old`` as ``new`` (same length) and put the file's times back."""
    assert len(old) == len(new)
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def test_unchanged_brief_template_is_compiled_once_per_process(
    tmp_path: Path, resolved: Resolved, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiles = _Compiles(monkeypatch)
    shutil.copytree(ROOT / "briefgen" / "templates" / "default", tmp_path / "default")
    first = render_brief(resolved, tmp_path / "default", "brief.md.jinja")
    again = render_brief(resolved, tmp_path / "default", "brief.md.jinja")
    assert first == again
    assert resolved.meta.company in first
    assert compiles.files == ["brief.md.jinja"]


def test_edit_of_same_size_and_old_time_is_seen_by_a_warm_process(
    tmp_path: Path, resolved: Resolved, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiles = _Compiles(monkeypatch)
    folder = _brief_folder(
        tmp_path / "t",
        "# Brief: {{ company }}\n{% include 'part.md.jinja' %}\n",
        part="Part: alpha\n",
    )
    brief = folder / "brief.md.jinja"
    assert render_brief(resolved, folder, brief.name).startswith("# Brief: ")

    _edit_keeping_size_and_time(brief, "# Brief: ", "# Notes: ")
    text = render_brief(resolved, folder, brief.name)
    assert text.startswith("# Notes: ") and "Part: alpha" in text

    _edit_keeping_size_and_time(folder / "part.md.jinja", "alpha", "omega")
    assert "Part: omega" in render_brief(resolved, folder, brief.name)

    _edit_keeping_size_and_time(brief, "# Notes: ", "# Brief: ")  # back as it first was
    text = render_brief(resolved, folder, brief.name)
    assert text.startswith("# Brief: ") and "Part: omega" in text
    assert compiles.files.count("part.md.jinja") == 2  # once per text it had
    assert render_brief(resolved, folder, brief.name) == text
    assert len(compiles.files) == 5  # nothing more once nothing changed


def test_identical_templates_in_two_folders_report_their_own_file(
    tmp_path: Path, resolved: Resolved
) -> None:
    broken = "# {{ company }}\n\n{{ no_such_name }}\n"
    for name in ("one", "two"):
        folder = _brief_folder(tmp_path / name, broken)
        with pytest.raises(TemplateError) as caught:
            render_brief(resolved, folder, "brief.md.jinja")
        problem = caught.value.problems[0]
        assert (problem.code, problem.file, problem.line) == (
            "brief-undefined",
            str(folder / "brief.md.jinja"),
            3,
        )


def test_each_render_has_its_own_range_budget(tmp_path: Path, resolved: Resolved) -> None:
    # 600,000 items a render, under the million one render may ask for; twice is over it.
    template = (
        "{% set ns = namespace(items=0) %}{% for _ in range(6) %}"
        "{% set ns.items = ns.items + (range(100000) | length) %}{% endfor %}{{ ns.items }}\n"
    )
    folder = _brief_folder(tmp_path / "t", template)
    for _ in range(3):
        assert render_brief(resolved, folder, "brief.md.jinja") == "600000\n"


def test_compiled_templates_kept_are_bounded(
    tmp_path: Path, resolved: Resolved, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _brief_folder(tmp_path / "first", "{{ company }}\n")
    compiles = _Compiles(monkeypatch)
    render_brief(resolved, first, "brief.md.jinja")
    for i in range(COMPILED_LIMIT):
        render_brief(resolved, _brief_folder(tmp_path / f"t{i}", "{{ title }}\n"), "brief.md.jinja")
    render_brief(resolved, first, "brief.md.jinja")  # pushed out by the others: compiled again
    assert len(compiles.files) == COMPILED_LIMIT + 2
