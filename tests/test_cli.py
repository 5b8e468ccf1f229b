"""The command line as a user runs it, on the real pack and on broken ones."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pptx import Presentation
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.load import load_pack
from briefgen.resolve import resolve_pack

from .conftest import REAL_PACK, ROOT

runner = CliRunner()
_MARKS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def _build(out: Path, *extra: str) -> str:
    result = runner.invoke(app, ["build", str(REAL_PACK), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def real_deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    sources = ROOT.parent / "shared" / "sources"
    extra = ["--sources", str(sources)] if sources.is_dir() else []
    printed = _build(out, *extra)
    deck = out / "alibaba-ai-2025-default.pptx"
    assert f"wrote {deck} (" in printed
    assert f"wrote {out / 'alibaba-ai-2025-default.md'}" in printed
    return deck


def _slide_texts(slide: object) -> tuple[str, list[str]]:
    """The slide's body text (shapes, tables) and its footnote lines."""
    body, notes = [], []
    for shape in slide.shapes:  # type: ignore[attr-defined]
        if shape.name == "Footnotes":
            notes += [p.text for p in shape.text_frame.paragraphs]
        elif shape.has_text_frame:
            body.append(shape.text_frame.text)
        elif shape.has_table:
            body += [cell.text for row in shape.table.rows for cell in row.cells]
        elif shape.has_chart:
            chart = shape.chart
            body += [s.name for s in chart.plots[0].series]
    return "\n".join(body), notes


def test_real_deck_slides_in_order(real_deck: Path) -> None:
    titles = [s.shapes.title.text for s in Presentation(str(real_deck)).slides]
    resolved = resolve_pack(load_pack(REAL_PACK))
    pillars = [p.pillar.title for p in resolved.pillars]
    assert titles[0] == resolved.meta.title
    assert titles[1] == "Executive summary"
    assert titles[2:5] == pillars
    assert titles[5] == "Financial highlights"
    charts = [c.title for c in resolved.charts]
    assert titles[6 : 6 + len(charts)] == charts
    assert titles[9].startswith("Key risks")
    assert "Where the sources disagree" in titles
    assert titles[-1] == "Sources"


def test_every_pillar_risk_and_figure_is_in_the_deck(real_deck: Path) -> None:
    resolved = resolve_pack(load_pack(REAL_PACK))
    prs = Presentation(str(real_deck))
    everything = "\n".join(_slide_texts(s)[0] for s in prs.slides)
    for pillar in resolved.pillars:
        assert pillar.pillar.title in everything
    for risk in resolved.risks:
        assert risk.risk.title in everything
    for view in resolved.figures.values():
        assert view.display in everything, view.id


def test_each_figure_has_a_marker_resolving_to_a_source_on_its_slide(real_deck: Path) -> None:
    resolved = resolve_pack(load_pack(REAL_PACK))
    by_display: dict[str, list[set[str]]] = {}
    for view in resolved.figures.values():  # two figures may show the same value
        by_display.setdefault(view.display, []).append(set(view.sources))
    longest_first = sorted(by_display, key=len, reverse=True)
    checked = 0
    for slide in list(Presentation(str(real_deck)).slides)[1:]:
        body, footnotes = _slide_texts(slide)
        notes = {line[0]: line[1:].strip() for line in footnotes if line and line[0] in _MARKS}
        for display in longest_first:
            pattern = r"(?<![\d.,$])" + re.escape(display) + f"([{_MARKS},]+)"
            for match in re.finditer(pattern, body):
                assert notes, f"'{slide.shapes.title.text}' shows {display} but has no footnotes"
                titles = [notes[m] for m in match.group(1) if m in _MARKS]
                named = {
                    s.id for s in resolved.sources.values() if any(s.title in t for t in titles)
                }
                assert any(sources <= named for sources in by_display[display]), (display, titles)
                checked += 1
    assert checked > 100


def test_speaker_notes_carry_the_quotes(real_deck: Path) -> None:
    resolved = resolve_pack(load_pack(REAL_PACK))
    prs = Presentation(str(real_deck))
    notes = "\n".join(s.notes_slide.notes_text_frame.text for s in prs.slides if s.has_notes_slide)
    for view in resolved.figures.values():
        for citation in view.figure.citations:
            assert citation.quote in notes, view.id


def test_broken_pack_reports_every_problem_and_keeps_outputs(tmp_path: Path) -> None:
    pack = tmp_path / "broken"
    shutil.copytree(REAL_PACK, pack)
    out = tmp_path / "out"
    out.mkdir()
    (out / "broken-default.pptx").write_bytes(b"previous deck")
    figures = pack / "figures-q4-fy2025.yaml"
    text = figures.read_text(encoding="utf-8")
    text = text.replace("    kind: amount\n", "    kind: amont\n", 1)
    figures.write_text(text, encoding="utf-8")
    pillars = pack / "pillars.yaml"
    text = pillars.read_text(encoding="utf-8").replace("{cmr_growth_q4}", "{cmr_growth_q9}", 1)
    pillars.write_text(text.replace("back at double digits", "back above 10%", 1), encoding="utf-8")
    (pack / "risks.yaml").write_text("risks: [\n", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(pack), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert any(
        re.match(rf"{re.escape(str(pack / 'risks.yaml'))}:\d+: .*\[yaml-syntax\]", x) for x in lines
    )
    assert any(
        re.match(rf"{re.escape(str(figures))}:\d+: figures\[\d+\]\.kind: ", x) for x in lines
    )
    assert lines[-1].startswith("error: ")
    assert (out / "broken-default.pptx").read_bytes() == b"previous deck"
    assert sorted(p.name for p in out.iterdir()) == ["broken-default.pptx"]

    (pack / "risks.yaml").write_text("risks: []\n", encoding="utf-8")
    figures.write_text(figures.read_text(encoding="utf-8").replace("kind: amont", "kind: amount"))
    again = runner.invoke(app, ["build", str(pack), "--out", str(out)])
    assert again.exit_code == 2
    found = again.output
    assert f"{pillars}:" in found and "unknown figure '{cmr_growth_q9}'" in found
    assert "number '10%' typed into prose" in found


def test_rebuild_is_byte_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    _build(first)
    _build(second)
    for name in ("alibaba-ai-2025-default.pptx", "alibaba-ai-2025-default.md"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_build_without_sources_warns_how_to_verify(tmp_path: Path) -> None:
    result = runner.invoke(app, ["build", str(REAL_PACK), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "pass --sources DIR to verify them" in result.output


def test_version_and_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "--version"], capture_output=True, text=True, check=True
    )
    assert re.fullmatch(r"briefgen \d+\.\d+\.\d+\n", result.stdout)


@pytest.mark.parametrize("command", ["build", "check"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "briefgen " + command in result.output


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        pytest.fail("LibreOffice is required in CI")
    return found


def test_deck_renders_one_page_per_slide(real_deck: Path, tmp_path: Path) -> None:
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(real_deck)],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / real_deck.with_suffix(".pdf").name
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))  # type: ignore[union-attr]
    assert pages == len(Presentation(str(real_deck)).slides)
