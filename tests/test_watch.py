"""Watch mode: a pack is rebuilt when one of its files, a source or the template changes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pptx import Presentation
from typer.testing import CliRunner

from briefgen.build import BuildOptions
from briefgen.cli import app
from briefgen.watch import SETTLE, Rebuild, Watcher, shown, watch_loop

from .conftest import FIXTURES, ROOT, default_ctrl_c

CHECKED = FIXTURES / "checked"


def _title_on_deck(deck: Path) -> str:
    first = Presentation(str(deck)).slides[0]
    return "\n".join(s.text_frame.text for s in first.shapes if s.has_text_frame)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def mini(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BuildOptions:
    shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    monkeypatch.chdir(tmp_path)
    return BuildOptions(pack_dir=Path("mini"), out_dir=Path("out"))


def test_an_edit_to_a_pack_file_rebuilds_the_deck(mini: BuildOptions) -> None:
    watcher = Watcher(mini, sleep=lambda seconds: None)
    first = watcher.build()
    assert first.ok and first.changed == ()
    deck = Path("out/mini-default.pptx")
    assert "Example investor brief" in _title_on_deck(deck)
    assert watcher.poll() is None  # nothing changed, nothing built

    _edit(Path("mini/pack.yaml"), "Example investor brief", "Revised investor brief")
    rebuilt = watcher.poll()
    assert rebuilt is not None and rebuilt.ok, rebuilt
    assert rebuilt.changed == (str(Path("mini/pack.yaml")),)
    assert rebuilt.result is not None and rebuilt.result.slides == len(
        Presentation(str(deck)).slides
    )
    assert "Revised investor brief" in _title_on_deck(deck)
    assert rebuilt.seconds > 0 and "render deck" in rebuilt.timings.wall
    assert watcher.poll() is None


def test_a_broken_edit_keeps_the_outputs_then_the_fix_rebuilds(mini: BuildOptions) -> None:
    watcher = Watcher(mini, sleep=lambda seconds: None)
    assert watcher.build().ok
    outputs = {p: p.read_bytes() for p in Path("out").iterdir()}

    figures = Path("mini/figures.yaml")
    good = figures.read_text()
    figures.write_text("figures: [\n")
    broken = watcher.poll()
    assert broken is not None and not broken.ok and broken.code == 2
    assert broken.changed == (str(figures),)
    assert any(line.startswith(f"{figures}:2: ") for line in broken.problems), broken.problems
    assert "[yaml-syntax]" in "\n".join(broken.problems)
    assert {p: p.read_bytes() for p in Path("out").iterdir()} == outputs

    figures.write_text(good)
    _edit(Path("mini/pack.yaml"), "Example investor brief", "Mended investor brief")
    fixed = watcher.poll()
    assert fixed is not None and fixed.ok, fixed
    assert set(fixed.changed) == {str(figures), str(Path("mini/pack.yaml"))}
    assert "Mended investor brief" in _title_on_deck(Path("out/mini-default.pptx"))


def test_a_new_pack_file_is_seen(mini: BuildOptions) -> None:
    watcher = Watcher(mini, sleep=lambda seconds: None)
    assert watcher.build().ok
    Path("mini/risks.yaml").write_text(
        "risks:\n  - id: demand\n    title: Demand may slow\n    detail: Buyers may wait.\n"
        "    severity: high\n    likelihood: low\n    sources: [report]\n"
    )
    rebuilt = watcher.poll()
    assert rebuilt is not None and rebuilt.changed == (str(Path("mini/risks.yaml")),)
    assert rebuilt.ok, rebuilt.problems
    assert "Demand may slow" in Path("out/mini-default.md").read_text()


def test_a_changed_source_is_verified_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(CHECKED, tmp_path / "checked")
    monkeypatch.chdir(tmp_path / "checked")
    options = BuildOptions(pack_dir=Path("pack"), out_dir=Path("out"), sources_dir=Path("sources"))
    watcher = Watcher(options, sleep=lambda seconds: None)
    assert watcher.build().ok
    before = Path("out/pack-default.pptx").read_bytes()

    with Path("sources/wire.txt").open("a") as source:
        source.write("A later paragraph.\n")
    rebuilt = watcher.poll()
    assert rebuilt is not None and rebuilt.changed == (str(Path("sources/wire.txt")),)
    assert rebuilt.code == 1  # the pinned hash no longer matches: checks fail
    assert "[source-stale]" in "\n".join(rebuilt.problems)
    assert Path("out/pack-default.pptx").read_bytes() == before


def test_an_edit_to_the_template_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    shutil.copytree(ROOT / "briefgen" / "templates" / "default", tmp_path / "house" / "default")
    monkeypatch.chdir(tmp_path)
    options = BuildOptions(pack_dir=Path("mini"), out_dir=Path("out"), templates_dir=Path("house"))
    watcher = Watcher(options, sleep=lambda seconds: None)
    assert watcher.build().ok
    brief_template = Path("house/default/brief.md.jinja")
    brief_template.write_text(brief_template.read_text() + "\nPrepared for the board.\n")
    rebuilt = watcher.poll()
    assert rebuilt is not None and rebuilt.changed == (str(brief_template),)
    assert rebuilt.ok, rebuilt.problems
    assert "Prepared for the board." in Path("out/mini-default.md").read_text()


def test_the_loop_reports_every_build(mini: BuildOptions) -> None:
    looks = 0

    def sleep(seconds: float) -> None:
        nonlocal looks
        if seconds == SETTLE:
            return
        looks += 1
        if looks == 2:
            _edit(Path("mini/pack.yaml"), "Example investor brief", "Looped investor brief")
        if looks == 4:
            Path("mini/figures.yaml").write_text("figures: {\n")

    heard: list[Rebuild] = []
    watch_loop(mini, heard.append, iterations=6, sleep=sleep)
    assert [(r.changed, r.code) for r in heard] == [
        ((), 0),
        ((str(Path("mini/pack.yaml")),), 0),
        ((str(Path("mini/figures.yaml")),), 2),
    ]
    assert "Looped investor brief" in _title_on_deck(Path("out/mini-default.pptx"))


def test_paths_are_shown_relative_to_the_working_folder(mini: BuildOptions) -> None:
    assert shown(Path.cwd() / "mini" / "pack.yaml") == str(Path("mini/pack.yaml"))
    assert shown(Path("/")) == "/"


def _read_until(stream: object, wanted: str, seen: list[str], timeout: float = 60) -> None:
    """Read lines until one contains ``wanted``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()  # type: ignore[attr-defined]
        if not line:
            break
        seen.append(line)
        if wanted in line:
            return
    pytest.fail(f"no {wanted!r} in:\n{''.join(seen)}")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_the_command_prints_what_changed_and_stops_on_ctrl_c(
    tmp_path: Path, stop: signal.Signals
) -> None:
    shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    child = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "watch", "mini", "--out", "out", "--timings"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=default_ctrl_c,
    )
    seen: list[str] = []
    try:
        _read_until(child.stdout, "watching for changes", seen)
        assert any(line.startswith("built out/mini-default.pptx (") for line in seen), seen
        _edit(tmp_path / "mini" / "pack.yaml", "Example investor brief", "Watched brief")
        _read_until(child.stdout, "rebuilt out/mini-default.pptx", seen)
        assert f"changed: {Path('mini/pack.yaml')}\n" in seen
        assert seen[-1].rstrip().endswith(" ms")
        _read_until(child.stdout, "load ", seen)  # the stage timings
        child.send_signal(stop)
        _, stderr = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, stderr
    assert "stopped watching" in stderr and "Traceback" not in stderr
    assert "Watched brief" in _title_on_deck(tmp_path / "out" / "mini-default.pptx")


def test_a_missing_pack_folder_is_refused_at_once(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["watch", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert f"{tmp_path / 'nowhere'}: no such pack folder [pack-missing]" in result.output


def test_a_prose_edit_reuses_verification_and_writes_what_a_fresh_build_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.build
    import briefgen.verify

    shutil.copytree(CHECKED, tmp_path / "checked")
    monkeypatch.chdir(tmp_path / "checked")
    verified: list[object] = []
    real = briefgen.verify.verify_pack

    def verify_pack(*args: object, **kwargs: object) -> object:
        verified.append(args[0])
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(briefgen.build, "verify_pack", verify_pack)
    options = BuildOptions(pack_dir=Path("pack"), out_dir=Path("out"), sources_dir=Path("sources"))
    watcher = Watcher(options, sleep=lambda seconds: None)
    assert watcher.build().ok and len(verified) == 1

    _edit(Path("pack/pack.yaml"), "Kestrel quarterly brief", "Kestrel results brief")
    rebuilt = watcher.poll()
    assert rebuilt is not None and rebuilt.ok and len(verified) == 1  # no figure changed
    fresh = BuildOptions(pack_dir=Path("pack"), out_dir=Path("fresh"), sources_dir=Path("sources"))
    briefgen.build.build(fresh)
    for name in ("pack-default.pptx", "pack-default.md"):
        assert (Path("out") / name).read_bytes() == (Path("fresh") / name).read_bytes()

    _edit(Path("pack/figures.yaml"), "value: 120.50", "value: 125.50")
    failed = watcher.poll()
    assert failed is not None and failed.code == 1 and len(verified) == 3
    assert "[value-mismatch]" in "\n".join(failed.problems)
