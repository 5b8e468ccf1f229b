"""Batch builds: ``briefgen build PACK PACK...`` builds every pack, in parallel processes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pptx import Presentation
from typer.testing import CliRunner

from briefgen.batch import PackOutcome, build_many, build_one
from briefgen.build import BuildOptions
from briefgen.cli import app

from .conftest import FIXTURES, ROOT, default_ctrl_c

runner = CliRunner()
CHECKED = FIXTURES / "checked"


def _copy(source: Path, target: Path, title: str | None = None) -> Path:
    shutil.copytree(source, target)
    if title is not None:
        pack_file = target / "pack.yaml"
        text = pack_file.read_text()
        pack_file.write_text(text.replace(text.splitlines()[2], f"title: {title}", 1))
    return target


def _slide_count(deck: Path) -> int:
    return len(Presentation(str(deck)).slides)


def _single_build_slides(pack: Path, out: Path) -> int:
    """How many slides a build of the pack on its own gives."""
    result = runner.invoke(app, ["build", str(pack), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return _slide_count(out / f"{pack.name}-default.pptx")


@pytest.fixture
def packs(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "content"
    return [
        _copy(FIXTURES / "mini", folder / "alpha", "Alpha investor brief"),
        _copy(FIXTURES / "mini", folder / "beta", "Beta investor brief"),
    ]


def test_builds_every_pack_in_parallel(packs: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", *map(str, packs), "--out", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    expected = _single_build_slides(packs[0], tmp_path / "alone")
    for pack, title in zip(packs, ("Alpha", "Beta"), strict=True):
        deck = out / f"{pack.name}-default.pptx"
        assert f"wrote {deck} ({expected} slides, template 'default')" in result.output
        assert _slide_count(deck) == expected
        first = Presentation(str(deck)).slides[0]
        assert any(
            f"{title} investor brief" in s.text_frame.text for s in first.shapes if s.has_text_frame
        )
        assert (out / f"{pack.name}-default.md").read_text().strip()
    assert "2 packs: 2 built, 0 failed" in result.output


def test_parallel_outputs_equal_one_at_a_time(packs: list[Path], tmp_path: Path) -> None:
    both = [*map(str, packs)]
    parallel = runner.invoke(app, ["build", *both, "--out", str(tmp_path / "p"), "--jobs", "2"])
    serial = runner.invoke(app, ["build", *both, "--out", str(tmp_path / "s"), "--jobs", "1"])
    assert parallel.exit_code == serial.exit_code == 0, parallel.output + serial.output
    for pack in packs:
        for suffix in (".pptx", ".md"):
            name = f"{pack.name}-default{suffix}"
            assert (tmp_path / "p" / name).read_bytes() == (tmp_path / "s" / name).read_bytes()


def test_failed_pack_is_reported_at_the_end_and_the_others_built(
    packs: list[Path], tmp_path: Path
) -> None:
    broken = _copy(FIXTURES / "mini", tmp_path / "content" / "broken")
    (broken / "figures.yaml").write_text("figures: [\n")
    out = tmp_path / "out"
    args = ["build", str(packs[0]), str(broken), str(packs[1]), "--out", str(out), "-j", "2"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    for pack in packs:
        assert _slide_count(out / f"{pack.name}-default.pptx") > 0
    assert not (out / "broken-default.pptx").exists()
    assert f"{broken}: failed (bad input):" in result.output
    assert f"{broken / 'figures.yaml'}:2: " in result.output and "[yaml-syntax]" in result.output
    assert f"3 packs: 2 built, 1 failed: {broken}" in result.output
    assert "Traceback" not in result.output


def _unverifiable(tmp_path: Path) -> Path:
    """A copy of the checked pack whose revenue no longer matches its quote."""
    pack = _copy(CHECKED / "pack", tmp_path / "content" / "unverified")
    figures = pack / "figures.yaml"
    figures.write_text(figures.read_text().replace("value: 120.50", "value: 125.50", 1))
    return pack


def test_exit_code_is_the_worst_of_the_packs(tmp_path: Path) -> None:
    good = _copy(CHECKED / "pack", tmp_path / "content" / "good")
    unverified = _unverifiable(tmp_path)
    sources = ["--sources", str(CHECKED / "sources"), "--out", str(tmp_path / "out")]
    checks_failed = runner.invoke(app, ["build", str(good), str(unverified), *sources])
    assert checks_failed.exit_code == 1, checks_failed.output
    assert f"{unverified}: failed (checks failed):" in checks_failed.output
    assert f"{unverified / 'figures.yaml'}:11: " in checks_failed.output
    assert "[value-mismatch]" in checks_failed.output
    assert _slide_count(tmp_path / "out" / "good-default.pptx") > 0

    broken = _copy(CHECKED / "pack", tmp_path / "content" / "broken")
    (broken / "pack.yaml").write_text("name: [\n")
    worst = runner.invoke(app, ["build", str(unverified), str(broken), str(good), *sources])
    assert worst.exit_code == 2, worst.output


def test_packs_of_the_same_name_are_refused_before_any_build(tmp_path: Path) -> None:
    first = _copy(FIXTURES / "mini", tmp_path / "one" / "mini")
    second = _copy(FIXTURES / "mini", tmp_path / "two" / "mini")
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(first), str(second), "--out", str(out)])
    assert result.exit_code == 2
    assert f"both {first} and {second} are called 'mini'" in result.output
    assert "[usage]" in result.output
    assert not out.exists()
    twice = runner.invoke(app, ["build", str(first), str(first), "--out", str(out)])
    assert twice.exit_code == 2 and f"{first} is given twice" in twice.output
    assert not out.exists()


def test_a_bug_in_one_pack_keeps_its_traceback_and_the_others_build(
    packs: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.render_brief

    real = briefgen.render_brief.render_brief

    def render_brief(resolved: object, *args: object) -> str:
        if "Beta" in resolved.meta.title:  # type: ignore[attr-defined]
            raise ZeroDivisionError("planted")
        return real(resolved, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(briefgen.render_brief, "render_brief", render_brief)
    options = [BuildOptions(pack_dir=p, out_dir=tmp_path / "out") for p in packs]
    heard: list[PackOutcome] = []
    outcomes = build_many(options, jobs=1, on_done=heard.append)
    assert heard == outcomes
    assert [o.kind for o in outcomes] == ["built", "internal error"]
    assert outcomes[1].bug and "ZeroDivisionError: planted" in outcomes[1].problems[-1]
    assert _slide_count(outcomes[0].deck) > 0  # type: ignore[arg-type]


def test_one_outcome_carries_warnings_and_files(packs: list[Path], tmp_path: Path) -> None:
    outcome = build_one(BuildOptions(pack_dir=packs[0], out_dir=tmp_path))
    assert outcome.ok and outcome.deck == tmp_path / "alpha-default.pptx"
    assert outcome.brief == tmp_path / "alpha-default.md"
    assert any("[quotes-unverified]" in w for w in outcome.warnings)


_DRIVER = textwrap.dedent(
    """
    import os, sys, time

    real = os.replace

    def replace(src, dst):
        if str(dst).endswith("slow-default.md"):
            print("STALLED", flush=True)  # the deck is in place; the brief is not
            time.sleep(60)
        real(src, dst)

    os.replace = replace
    from briefgen.cli import main

    sys.argv = ["briefgen", *sys.argv[1:]]
    main()
    """
)


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_ctrl_c_stops_every_worker_and_leaves_no_half_written_pack(tmp_path: Path) -> None:
    slow = _copy(FIXTURES / "mini", tmp_path / "content" / "slow")
    others = [_copy(FIXTURES / "mini", tmp_path / "content" / f"p{i}") for i in range(4)]
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(slow), "--out", str(out)]).exit_code == 0
    before = _listing(out)
    changed = (slow / "pack.yaml").read_text().replace("Example", "Changed", 1)
    (slow / "pack.yaml").write_text(changed)
    driver = tmp_path / "driver.py"
    driver.write_text(_DRIVER)
    packs = [str(slow), *map(str, others)]
    child = subprocess.Popen(
        [sys.executable, str(driver), "build", *packs, "--out", str(out), "--jobs", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches
        preexec_fn=default_ctrl_c,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "STALLED"
        os.killpg(child.pid, signal.SIGINT)
        _, stderr = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    after = _listing(out)
    assert after["slow-default.pptx"] == before["slow-default.pptx"]  # put back
    assert after["slow-default.md"] == before["slow-default.md"]
    assert not [name for name in after if name.endswith((".part", ".bak"))]
    for name in after:
        if name.endswith(".pptx"):
            assert _slide_count(out / name) > 0  # every deck there is whole
    with pytest.raises(ProcessLookupError):  # no worker left behind
        os.killpg(child.pid, 0)


def test_help_shows_a_batch_example() -> None:
    result = runner.invoke(app, ["build", "--help"])
    assert result.exit_code == 0
    assert "briefgen build content/* --sources ../shared/sources --jobs 2" in result.output
