"""The built-in templates: each a different deck and brief, each true to its design.

Golden outlines (per slide: layout, title, text, footnotes, notes) pin what every
template makes of the fixture pack; rebuild them with BRIEFGEN_UPDATE_GOLDEN=1.
The real pack checks the slide counts a template promises, and LibreOffice renders
every template's real deck (one page per slide, Chinese text in a CJK font).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation

from briefgen.load import load_pack
from briefgen.render_brief import fit_budget, render_brief
from briefgen.render_deck import render_deck
from briefgen.resolve import Resolved, resolve_pack
from briefgen.templates import BUILTIN_DIR, Template, find_template, read_layouts, search_path

from .conftest import FIXTURES, REAL_PACK, ROOT

BUILT_INS = ("default", "board", "teaser", "ic")
GOLDEN = ROOT / "tests" / "golden"
THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"


def template(name: str) -> Template:
    return find_template(name, search_path(None, Path("/nonexistent")))


@pytest.fixture(scope="module")
def full() -> Resolved:
    return resolve_pack(load_pack(FIXTURES / "full"))


@pytest.fixture(scope="module")
def real() -> Resolved:
    return resolve_pack(load_pack(REAL_PACK))


@pytest.fixture(scope="module")
def real_decks(real: Resolved) -> dict[str, bytes]:
    return {name: render_deck(real, template(name)) for name in BUILT_INS}


def open_deck(data: bytes) -> Any:
    return Presentation(io.BytesIO(data))


def _shape_text(shape: Any) -> list[str]:
    if shape.has_text_frame:
        return [p.text for p in shape.text_frame.paragraphs if p.text.strip()]
    if shape.has_table:
        return [" | ".join(c.text_frame.text for c in row.cells) for row in shape.table.rows]
    if shape.has_chart:
        chart = shape.chart
        lines = [f"chart: {', '.join(str(c) for c in chart.plots[0].categories)}"]
        for plot in chart.plots:
            kind = plot._element.tag.rsplit("}", 1)[-1]
            lines += [f"{kind} {s.name}: {list(s.values)}" for s in plot.series]
        return lines
    return []


def outline(data: bytes) -> str:
    """The deck as text: per slide its layout, title, other text, footnotes and notes."""
    lines = []
    for number, slide in enumerate(open_deck(data).slides, start=1):
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        lines.append(f"== {number} [{slide.slide_layout.name}] {title}")
        for shape in slide.shapes:
            if shape == slide.shapes.title or shape.name.startswith("Slide Number"):
                continue
            prefix = "footnote" if shape.name == "Footnotes" else "text"
            lines += [f"  {prefix}: {line}" for line in _shape_text(shape)]
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame.text
            lines += [f"  notes: {line}" for line in notes.splitlines()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", BUILT_INS)
def test_outline_of_the_fixture_pack_matches_golden(name: str, full: Resolved) -> None:
    text = outline(render_deck(full, template(name)))
    path = GOLDEN / f"outline-{name}.txt"
    if os.environ.get("BRIEFGEN_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"differs from {path}; rerun with BRIEFGEN_UPDATE_GOLDEN=1 if intended"
    )


def _sequence(data: bytes) -> list[str]:
    return [slide.slide_layout.name for slide in open_deck(data).slides]


def test_templates_differ_in_purpose_not_only_colour(real_decks: dict[str, bytes]) -> None:
    kinds = {name: [s.kind for s in template(name).manifest.slides] for name in BUILT_INS}
    assert len({tuple(k) for k in kinds.values()}) == len(BUILT_INS)
    counts = {name: len(open_deck(data).slides) for name, data in real_decks.items()}
    assert 5 <= counts["teaser"] <= 6, counts
    assert 12 <= counts["board"] <= 18, counts
    assert counts["teaser"] < counts["board"] < counts["ic"], counts
    assert {"risk_matrix", "risks", "appendix", "conflicts", "sources"} <= set(kinds["ic"])
    assert kinds["ic"][1] == "summary" and "risk_matrix" not in kinds["teaser"]
    fonts = {template(n).manifest.fonts.model_dump_json() for n in BUILT_INS}
    assert len(fonts) == len(BUILT_INS)


@pytest.mark.parametrize("name", BUILT_INS)
def test_slides_use_the_templates_own_layouts(name: str, real_decks: dict[str, bytes]) -> None:
    chosen = template(name)
    names = {layout.name for layout in read_layouts(chosen.pptx_path)}
    used = _sequence(real_decks[name])
    assert set(used) <= names
    assert used == [s for s in used if s in names]
    assert used[0] == chosen.manifest.slides[0].layout


@pytest.mark.parametrize("name", BUILT_INS)
def test_theme_carries_the_manifest_fonts_and_colours(name: str) -> None:
    chosen = template(name)
    prs = Presentation(str(chosen.pptx_path))
    theme = prs.slide_master.part.part_related_by(THEME).blob.decode("utf-8")
    fonts = chosen.manifest.fonts
    major = re.search(r"<a:majorFont><a:latin typeface=\"([^\"]+)\"", theme)
    minor = re.search(r"<a:minorFont><a:latin typeface=\"([^\"]+)\"", theme)
    assert major and major.group(1) == (fonts.heading or fonts.latin)
    assert minor and minor.group(1) == fonts.latin
    assert f'<a:ea typeface="{fonts.east_asian}"/>' in theme
    accents = re.findall(r"<a:accent\d><a:srgbClr val=\"([0-9A-F]{6})\"/>", theme)
    assert len(accents) == 6


def test_each_template_has_its_own_palette() -> None:
    palettes = set()
    for name in BUILT_INS:
        prs = Presentation(str(template(name).pptx_path))
        theme = prs.slide_master.part.part_related_by(THEME).blob.decode("utf-8")
        palettes.add(tuple(re.findall(r"<a:accent[12]><a:srgbClr val=\"(\w+)\"", theme)))
    assert len(palettes) == len(BUILT_INS)


@pytest.mark.parametrize("name", BUILT_INS)
def test_charts_take_theme_colours(name: str, real_decks: dict[str, bytes]) -> None:
    with zipfile.ZipFile(io.BytesIO(real_decks[name])) as archive:
        charts = [n for n in archive.namelist() if re.match(r"ppt/charts/chart\d+\.xml$", n)]
        assert charts
        for member in charts:
            assert "srgbClr" not in archive.read(member).decode("utf-8"), member


@pytest.mark.parametrize("name", BUILT_INS)
def test_every_slide_with_a_figure_has_footnotes_and_quotes(
    name: str, real_decks: dict[str, bytes], real: Resolved
) -> None:
    for slide in open_deck(real_decks[name]).slides:
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        band = [s for s in slide.shapes if s.name == "Footnotes"]
        if notes:
            assert band, slide.shapes.title.text
            assert "\u201c" in notes  # a quote from a source
        for shape in slide.shapes:
            text = shape.text_frame.text if shape.has_text_frame else ""
            if re.search(r"RMB \d", text) and shape.name != "Footnotes":
                assert band, (name, slide.shapes.title.text, text)


@pytest.mark.parametrize("name", BUILT_INS)
def test_every_run_carries_east_asian_font_and_language(
    name: str, real_decks: dict[str, bytes]
) -> None:
    fonts = template(name).manifest.fonts
    east_asian = {fonts.east_asian, fonts.heading_east_asian or fonts.east_asian}
    chinese = 0
    for slide in open_deck(real_decks[name]).slides:
        for rpr in slide._element.iter("{*}rPr"):
            ea = rpr.find("{*}ea")
            assert ea is not None and ea.get("typeface") in east_asian
            assert rpr.get("lang") and rpr.get("altLang")
            text = rpr.getparent().findtext("{*}t") or ""
            if "阿里巴巴" in text:
                chinese += 1
                assert rpr.get("lang") == "zh-CN"
    assert chinese >= 1


@pytest.mark.parametrize("name", BUILT_INS)
def test_brief_fits_the_budget_and_leads_as_designed(name: str, real: Resolved) -> None:
    chosen = template(name)
    text = render_brief(real, chosen.root, chosen.manifest.brief)
    assert fit_budget(text) == []
    assert "阿里巴巴" in text
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    if name == "ic":
        assert headings[:2] == ["Thesis", "Risks"]
        assert "| Risk | Severity | Likelihood |" in text
        assert "| Chip supply and export restrictions | High | High |" in text
    if name == "teaser":
        assert len(text) < 0.8 * len(render_brief(real, template("board").root, "brief.md.jinja"))


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found is None and os.environ.get("CI"):
        pytest.fail(f"{name} is required in CI")
    return found


@pytest.fixture(scope="module")
def pdfs(real_decks: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = _tool("soffice")
    if soffice is None or _tool("pdfinfo") is None:
        pytest.skip("LibreOffice or poppler not installed")
    folder = tmp_path_factory.mktemp("render")
    decks = []
    for name, data in real_decks.items():
        deck = folder / f"real-{name}.pptx"
        deck.write_bytes(data)
        decks.append(str(deck))
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(folder), *decks],
        check=True,
        capture_output=True,
        timeout=600,
        env={**os.environ, "HOME": str(folder)},
    )
    return {name: folder / f"real-{name}.pdf" for name in real_decks}


@pytest.mark.parametrize("name", BUILT_INS)
def test_real_deck_renders_one_page_per_slide(
    name: str, pdfs: dict[str, Path], real_decks: dict[str, bytes]
) -> None:
    info = subprocess.run(["pdfinfo", str(pdfs[name])], capture_output=True, text=True, check=True)
    pages = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert pages and int(pages.group(1)) == len(open_deck(real_decks[name]).slides)


@pytest.mark.parametrize("name", BUILT_INS)
def test_chinese_renders_in_an_embedded_cjk_font(name: str, pdfs: dict[str, Path]) -> None:
    fonts = subprocess.run(["pdffonts", str(pdfs[name])], capture_output=True, text=True)
    embedded = [line for line in fonts.stdout.splitlines()[2:] if " yes " in line]
    assert any("CJK" in line for line in embedded), fonts.stdout
    assert not any(re.search(r"LastResort|OpenSymbol|Unifont", line) for line in embedded)
    text = subprocess.run(["pdftotext", str(pdfs[name]), "-"], capture_output=True, text=True)
    assert "阿里巴巴集团" in text.stdout
    if name != "teaser":  # the teaser has no summary slide, where Taobao is named
        assert "淘宝" in text.stdout
    assert "\ufffd" not in text.stdout


def test_builtins_ship_complete_folders() -> None:
    for name in BUILT_INS:
        root = BUILTIN_DIR / name
        assert sorted(p.name for p in root.iterdir()) == [
            "brief.md.jinja",
            "manifest.yaml",
            "template.pptx",
        ]


@pytest.mark.parametrize("name", BUILT_INS)
def test_real_brief_prints_on_one_page(name: str, real: Resolved, tmp_path: Path) -> None:
    """Pandoc's Word output printed by LibreOffice, on A4 and on Letter: one page each."""
    from .test_brief import _docx_with_page

    pandoc, soffice = _tool("pandoc"), _tool("soffice")
    if pandoc is None or soffice is None:
        pytest.skip("pandoc or LibreOffice not installed")
    chosen = template(name)
    brief = tmp_path / "brief.md"
    brief.write_text(render_brief(real, chosen.root, chosen.manifest.brief), encoding="utf-8")
    subprocess.run([pandoc, str(brief), "-o", str(tmp_path / "plain.docx")], check=True)
    papers = []
    for size in ("a4", "letter"):
        papers.append(tmp_path / f"brief-{size}.docx")
        _docx_with_page(tmp_path / "plain.docx", papers[-1], size)
    subprocess.run(
        [
            soffice,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *map(str, papers),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    for paper in papers:
        info = subprocess.run(
            ["pdfinfo", str(paper.with_suffix(".pdf"))], capture_output=True, text=True, check=True
        )
        assert re.search(r"^Pages:\s+1$", info.stdout, re.MULTILINE), (paper.name, info.stdout)
