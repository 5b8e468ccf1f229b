"""Key figures that do not fit beside the executive summary get a slide of their own.

The summary slide shares its width between the summary's text and the key-figure
tiles. When the tiles cannot be made to fit that narrow box at any size or grid,
the summary takes the whole width and the tiles follow on a slide titled "Key
figures", across the summary's whole width. A copy of the real pack whose key
figures have long labels forces it; the unchanged pack keeps them beside the text.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from pptx import Presentation
from typer.testing import CliRunner

from briefgen.cli import app

from .conftest import REAL_PACK

runner = CliRunner()
EMU_PER_INCH = 914400
# Added to every key figure's label: then too long for tiles beside the summary, not
# for tiles across the whole width.
LONGER = ", as reported for the quarter"


def _build(pack: Path, out: Path, sources: Path) -> Any:
    result = runner.invoke(
        app,
        ["build", str(pack), "--template", "default", "--out", str(out), "--sources", str(sources)],
    )
    assert result.exit_code == 0, result.output
    [deck] = out.glob("*.pptx")
    return Presentation(str(deck))


def _key_ids(pack: Path) -> list[str]:
    meta = yaml.safe_load((pack / "pack.yaml").read_text(encoding="utf-8"))
    return list(meta["key_figures"])


def _tiles(slide: Any) -> dict[str, Any]:
    """The slide's key-figure tiles by figure id."""
    prefix = "Key figure "
    return {
        s.name.removeprefix(prefix): s
        for s in slide.shapes
        if s.name.startswith(prefix) and not s.name.startswith("Key figure rule")
    }


def _title(slide: Any) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


@pytest.fixture
def long_labels(tmp_path: Path) -> Path:
    """A copy of the real pack whose key figures' labels are longer; it keeps five of
    its risks, so that its brief, listing the longer labels, still fits its page."""
    pack = tmp_path / "pack"
    shutil.copytree(REAL_PACK, pack)
    risks = pack / "risks.yaml"
    kept = yaml.safe_load(risks.read_text(encoding="utf-8"))["risks"][:5]
    risks.write_text(yaml.safe_dump({"risks": kept}, allow_unicode=True), encoding="utf-8")
    keys = set(_key_ids(pack))
    for path in pack.glob("figures-*.yaml"):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        for i, line in enumerate(lines[:-1]):
            ident = line.strip().removeprefix("- id: ")
            if line.strip().startswith("- id: ") and ident in keys:
                assert lines[i + 1].strip().startswith("label: "), path
                lines[i + 1] = lines[i + 1].rstrip("\n") + LONGER + "\n"
        path.write_text("".join(lines), encoding="utf-8")
    return pack


def test_tiles_too_big_for_the_summary_get_a_slide_of_their_own(
    long_labels: Path, tmp_path: Path, sources_dir: Path
) -> None:
    prs = _build(long_labels, tmp_path / "out", sources_dir)
    slides = list(prs.slides)
    titles = [_title(s) for s in slides]
    summary = titles.index("Executive summary")
    assert not _tiles(slides[summary])  # the summary alone, across the whole width
    assert titles[summary + 1] == "Key figures"
    alone = slides[summary + 1]
    tiles = _tiles(alone)
    keys = _key_ids(long_labels)
    assert sorted(tiles) == sorted(keys)
    for ident, shape in tiles.items():
        assert LONGER.strip(", ") in shape.text_frame.text, ident  # its label, in full
    # Across the summary's whole width: the tiles span more than half the slide.
    left = min(int(s.left) for s in tiles.values())
    right = max(int(s.left) + int(s.width) for s in tiles.values())
    assert right - left > int(prs.slide_width) / 2
    # No tile overlaps another or leaves the slide.
    boxes = [(int(s.left), int(s.top), int(s.width), int(s.height)) for s in tiles.values()]
    for i, (x, y, w, h) in enumerate(boxes):
        assert x >= 0 and y >= 0 and x + w <= prs.slide_width and y + h <= prs.slide_height
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


def test_tiles_that_fit_stay_beside_the_summary(tmp_path: Path, sources_dir: Path) -> None:
    prs = _build(REAL_PACK, tmp_path / "out", sources_dir)
    titles = [_title(s) for s in prs.slides]
    summary = titles.index("Executive summary")
    assert sorted(_tiles(list(prs.slides)[summary])) == sorted(_key_ids(REAL_PACK))
    assert "Key figures" not in titles
