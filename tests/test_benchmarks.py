"""The benchmark kit (benchmarks/): run as its README runs it, and its output opened.

The kit's numbers are only worth reading if the synthetic packs really verify
against the sources written with them, and the floor really makes the slides it
says; these tests hold it to that. Timings are not asserted: they belong to
`benchmarks/run.py`.
"""

from __future__ import annotations

import hashlib
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pptx import Presentation

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"


def _module(name: str) -> ModuleType:
    """A script of benchmarks/ as a module, under its own name: run.py imports floor.py and
    generate.py by their bare names, and must get the same modules (and classes) as here."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


floor = _module("floor")
run = _module("run")


def _script(name: str, *args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / f"{name}.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _briefgen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


SIZES = ("--figures", "150", "--pillars", "4", "--risks", "8", "--sources", "8")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    made = _script("generate", str(folder), *SIZES)
    assert made.returncode == 0, made.stderr
    assert "150 figures" in made.stdout
    return folder


def test_a_generated_pack_verifies_against_the_sources_written_with_it(synthetic: Path) -> None:
    checked = _briefgen("check", str(synthetic / "pack"), "--sources", str(synthetic / "sources"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "(100.0%)" in checked.stdout  # every figure cited or derived, none left bare


def test_a_generated_pack_fails_check_when_a_quoted_number_is_changed(
    synthetic: Path, tmp_path: Path
) -> None:
    """The clean check above is not one that passes whatever the sources say: with a
    source's "billion" made "million" and its pin in sources.yaml updated to match, the
    quote that held the number is no longer found."""
    pack, sources = tmp_path / "pack", tmp_path / "sources"
    for name in ("pack", "sources"):
        (tmp_path / name).mkdir()
        for path in (synthetic / name).iterdir():
            (tmp_path / name / path.name).write_bytes(path.read_bytes())
    source = sorted(sources.glob("*.txt"))[0]
    before = source.read_bytes()
    after = before.replace(b"billion yuan", b"million yuan", 1)
    assert after != before
    source.write_bytes(after)
    pins = pack / "sources.yaml"
    old, new = hashlib.sha256(before).hexdigest(), hashlib.sha256(after).hexdigest()
    assert old in pins.read_text()
    pins.write_text(pins.read_text().replace(old, new))
    checked = _briefgen("check", str(pack), "--sources", str(sources))
    assert checked.returncode == 1
    assert f"quote not found in source '{source.stem}'" in checked.stdout
    assert "[quote-not-found]" in checked.stdout and "sha256" not in checked.stdout


def test_a_generated_pack_builds_a_deck_with_the_slides_it_reports(
    synthetic: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    built = _briefgen(
        "build", str(synthetic / "pack"), "--sources", str(synthetic / "sources"), "--out", str(out)
    )
    assert built.returncode == 0, built.stderr
    slides = run.slides_in(built.stdout)
    deck = Presentation(str(out / "pack-default.pptx"))
    assert slides == len(deck.slides) > 20
    mix = run.deck_mix(out / "pack-default.pptx")
    assert mix.slides == slides and mix.tables > 0 and mix.charts > 0 and mix.text > 0


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    small = ("--figures", "60", "--pillars", "3", "--risks", "4", "--sources", "5")
    for folder, seed in (("a", "0"), ("b", "0"), ("c", "1")):
        made = _script("generate", str(tmp_path / folder), *small, "--seed", seed)
        assert made.returncode == 0, made.stderr
    first, again, other = (_tree(tmp_path / name) for name in "abc")
    assert first == again
    assert len(first) > 5 and first != other


def test_mix_for_splits_by_largest_remainder() -> None:
    assert floor.mix_for(21) == floor.Mix(6, 12, 3)  # the real pack's own counts
    assert floor.mix_for(13, (2, 10, 1)) == floor.Mix(2, 10, 1)
    for slides in (1, 30, 100, 293, 301):
        assert floor.mix_for(slides).slides == slides
    with pytest.raises(ValueError):
        floor.mix_for(10, (0, 0, 0))


def _kind(slide: Any) -> str:
    shapes = list(slide.shapes)
    if any(shape.has_chart for shape in shapes):
        return "chart"
    if any(shape.has_table for shape in shapes):
        return "table"
    return "text"


def test_the_floor_makes_the_slides_it_is_asked_for(tmp_path: Path) -> None:
    path = tmp_path / "floor.pptx"
    made = _script("floor", "7", "--mix", "2,4,1", "--out", str(path))
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("7 slides (2 text, 4 table, 1 chart)")
    deck = Presentation(str(path))
    kinds = [_kind(slide) for slide in deck.slides]
    assert kinds.count("text") == 2 and kinds.count("table") == 4 and kinds.count("chart") == 1
    assert run.deck_mix(path) == floor.Mix(2, 4, 1)  # as the runner reads a build's deck
    for slide in deck.slides:
        assert slide.shapes.title.text
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text
        assert any(
            "Harbour Wire" in shape.text_frame.text
            for shape in slide.shapes
            if shape.has_text_frame
        )  # the footnote box
    tables = [shape.table for slide in deck.slides for shape in slide.shapes if shape.has_table]
    assert all(len(t.rows) == 12 and len(t.columns) == 4 for t in tables)
    (chart,) = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    assert len(list(chart.plots[0].series)) == 2


def test_the_floor_with_the_stack_uses_each_library_once(tmp_path: Path) -> None:
    assert floor.use_stack() == "Revenue 1"  # YAML read, model validated, template rendered
    made = _script("floor", "3", "--stack")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("3 slides (1 text, 2 table, 0 chart)")


def test_packs_generated_with_source_prefixes_share_one_sources_folder(tmp_path: Path) -> None:
    """As run.py's portfolio batch uses them: each pack verifies against the shared folder."""
    shared = tmp_path / "shared"
    shared.mkdir()
    small = ("--figures", "60", "--pillars", "3", "--risks", "4", "--sources", "5")
    for seed in ("1", "2"):
        folder = tmp_path / f"made-{seed}"
        made = _script(
            "generate", str(folder), *small, "--seed", seed, "--source-prefix", f"p{seed}_"
        )
        assert made.returncode == 0, made.stderr
        for source in (folder / "sources").iterdir():
            assert source.name.startswith(f"p{seed}_news_")
            source.rename(shared / source.name)
    assert len(list(shared.iterdir())) == 10
    for seed in ("1", "2"):
        checked = _briefgen(
            "check", str(tmp_path / f"made-{seed}" / "pack"), "--sources", str(shared)
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "(100.0%)" in checked.stdout
    refused = _script("generate", str(tmp_path / "bad"), *small, "--source-prefix", "P-1")
    assert refused.returncode != 0 and "--source-prefix" in refused.stderr
