"""The deck: reopen the rendered .pptx and check what each slide really says."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation

from briefgen.deck.cite import source_label
from briefgen.deck.fit import best_size, line_count, paginate, text_width
from briefgen.display import marks as marker_text
from briefgen.display import superscript
from briefgen.errors import RenderError, TemplateError
from briefgen.load import load_pack
from briefgen.render_deck import render_deck
from briefgen.resolve import Resolved, resolve_pack
from briefgen.templates import BUILTIN_DIR, Template, find_template, load_template, search_path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
MARKER = f"[{SUPERSCRIPTS}]+(?:,[{SUPERSCRIPTS}]+)*"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


# --- helpers -----------------------------------------------------------------------


def resolve(path: Path) -> Resolved:
    return resolve_pack(load_pack(path))


def default_template(tmp_path: Path | None = None) -> Template:
    return find_template("default", search_path(None, tmp_path or Path("/nonexistent")))


def open_deck(data: bytes) -> Any:
    return Presentation(io.BytesIO(data))


def numbers(marker: str) -> list[int]:
    return [
        int(part.translate(str.maketrans(SUPERSCRIPTS, "0123456789"))) for part in marker.split(",")
    ]


def title_of(slide: Any) -> str:
    return str(slide.shapes.title.text) if slide.shapes.title is not None else ""


def footnote_shape(slide: Any) -> Any | None:
    return next((s for s in slide.shapes if s.name == "Footnotes"), None)


def footnotes(slide: Any) -> dict[int, str]:
    """The footnote band's lines, by number: ``{1: 'Lantern Group, “...”'}``."""
    shape = footnote_shape(slide)
    if shape is None:
        return {}
    found = {}
    for paragraph in shape.text_frame.paragraphs:
        marker, _, label = paragraph.text.partition(" ")
        found[numbers(marker)[0]] = label
    return found


def texts(slide: Any) -> list[str]:
    """Every text the audience sees except the footnote band: shapes, table cells, chart legends."""
    found: list[str] = []
    for shape in slide.shapes:
        if shape.name == "Footnotes":
            continue
        if shape.has_text_frame:
            found.append(shape.text_frame.text)
        if shape.has_table:
            found.extend(cell.text_frame.text for row in shape.table.rows for cell in row.cells)
        if shape.has_chart:
            found.extend(s.name for plot in shape.chart.plots for s in plot.series)
    return found


def marked(slide: Any, display: str) -> list[list[int]]:
    """Marker numbers after each occurrence of ``display`` followed by a marker."""
    pattern = re.compile(rf"(?<![\d.,]){re.escape(display)}({MARKER})")
    return [numbers(m.group(1)) for text in texts(slide) for m in pattern.finditer(text)]


def notes(slide: Any) -> str:
    return str(slide.notes_slide.notes_text_frame.text) if slide.has_notes_slide else ""


def noted_figures(slide: Any, resolved: Resolved) -> list[str]:
    """Figure ids the notes describe (each gets a ``Label: value (period`` line)."""
    lines = notes(slide).splitlines()
    return [
        fid
        for fid, view in resolved.figures.items()
        if any(line.startswith(f"{view.figure.label}: {view.display} (") for line in lines)
    ]


def all_runs(slide: Any) -> Iterator[Any]:
    yield from slide._element.iter(f"{A}rPr")


@pytest.fixture(scope="module")
def full() -> Resolved:
    return resolve(FIXTURES / "full")


@pytest.fixture(scope="module")
def full_deck(full: Resolved) -> Any:
    return open_deck(render_deck(full, default_template()))


# --- the slide sequence ----------------------------------------------------------------


def test_slides_in_order_with_layouts(full_deck: Any) -> None:
    got = [(title_of(s), s.slide_layout.name) for s in full_deck.slides]
    assert got == [
        ("Lantern Group: AI-led growth", "BG Title"),
        ("Executive summary", "BG Key Figures"),  # the key figures beside the text
        ("Cloud growth is quickening on AI demand", "BG Title and Body"),
        ("A multi-year commitment to AI infrastructure", "BG Title and Body"),
        ("Core commerce keeps funding the build-out", "BG Title and Body"),
        ("Financial highlights", "BG Table"),
        ("Group revenue by quarter", "BG Chart"),
        ("Cloud revenue and growth", "BG Chart"),
        ("Key risks", "BG Table"),
        ("Appendix", "BG Section"),
        ("Figure register (1/2)", "BG Table"),
        ("Figure register (2/2)", "BG Table"),
        ("Sources", "BG Table"),
    ]
    assert (full_deck.slide_width, full_deck.slide_height) == (12192000, 6858000)


def test_title_slide(full_deck: Any) -> None:
    slide = full_deck.slides[0]
    text = "\n".join(texts(slide))
    assert "Investor briefing on the December quarter" in text
    assert "Lantern Group  灯笼集团  ·  LTRN" in text
    assert "As of 24 Feb 2025" in text
    assert footnote_shape(slide) is None
    assert not slide.has_notes_slide


# --- footnotes and markers, on every slide ----------------------------------------------


def test_every_marker_resolves_to_its_figures_sources(full_deck: Any, full: Resolved) -> None:
    checked = 0
    for slide in full_deck.slides:
        band = footnotes(slide)
        assert sorted(band) == list(range(1, len(band) + 1)), title_of(slide)
        for view in full.figures.values():
            for found in marked(slide, view.display):
                expected = {source_label(full.sources[s]) for s in view.sources}
                assert {band[n] for n in found} == expected, (title_of(slide), view.id)
                checked += 1
    assert checked >= 40


def test_every_figure_in_the_notes_is_shown_with_a_marker(full_deck: Any, full: Resolved) -> None:
    for slide in full_deck.slides:
        if any(shape.has_chart for shape in slide.shapes):
            continue  # charts show values as data, checked below
        for figure_id in noted_figures(slide, full):
            assert marked(slide, full.figures[figure_id].display), (title_of(slide), figure_id)


def test_sources_numbered_in_order_of_first_use(full_deck: Any, full: Resolved) -> None:
    pillar = full_deck.slides[2]  # cloud: 13% (Q3 results), 31.74bn (Q3), 7% (Q2), call
    assert footnotes(pillar) == {
        1: "Lantern Group, \u201cLantern Group announces December quarter 2024 results\u201d",
        2: "Lantern Group, \u201cLantern Group announces September quarter 2024 results\u201d",
        3: "Lantern Group, \u201cDecember quarter 2024 earnings call\u201d",
    }
    body = "\n".join(texts(pillar))
    assert "grew 13%¹ to RMB 31.74bn¹, after 7%² growth in the previous quarter.³\n" in body


def test_summary_has_headline_bullets_and_key_figure_tiles(full_deck: Any, full: Resolved) -> None:
    slide = full_deck.slides[1]  # the tiles fit beside the text, their periods inline
    body = "\n".join(texts(slide))
    assert "Revenue reached RMB 280.15bn¹ as cloud growth quickened to 13%¹." in body
    for item in full.summary:
        words = [s.text for s in item.segments if s.figure is None and s.text.strip()]
        assert all(w in body for w in words)
    tiles = {
        s.name.removeprefix("Key figure "): s
        for s in slide.shapes
        if s.name.startswith("Key figure ")
    }
    tiles = {k: v for k, v in tiles.items() if not k.startswith("rule")}
    assert list(tiles) == list(full.meta.key_figures)
    band = footnotes(slide)
    for figure_id, shape in tiles.items():
        view = full.figures[figure_id]
        value, label = (p.text for p in shape.text_frame.paragraphs)
        marker = value.removeprefix(view.display)
        assert marker and re.fullmatch(MARKER, marker)
        assert {band[n] for n in numbers(marker)} == {
            source_label(full.sources[s]) for s in view.sources
        }
        assert label.startswith(f"{view.figure.label} ({view.period}")
    assert tiles["capex_plan"].text_frame.paragraphs[1].text == (
        "Planned AI and cloud investment (FY2026-FY2028, Apr 2025-Mar 2028)"
    )


def test_pillar_slides_have_summary_and_evidence(full_deck: Any, full: Resolved) -> None:
    for index, view in enumerate(full.pillars):
        slide = full_deck.slides[2 + index]
        assert title_of(slide) == view.pillar.title
        body = next(s for s in slide.placeholders if s.placeholder_format.idx == 1)
        paragraphs = [p.text for p in body.text_frame.paragraphs]
        assert len(paragraphs) == 1 + len(view.evidence)
        plain = [re.sub(MARKER, "", p) for p in paragraphs]
        assert plain[0] == view.summary.plain
        assert plain[1:] == [e.plain for e in view.evidence]
    investment = full_deck.slides[3]
    assert "more than RMB 380bn¹,² in cloud" in "\n".join(texts(investment))


# --- speaker notes ------------------------------------------------------------------------


def test_notes_quote_every_citation(full_deck: Any, full: Resolved) -> None:
    for slide in full_deck.slides:
        text = notes(slide)
        for figure_id in noted_figures(slide, full):
            view = full.figures[figure_id]
            assert f"{view.figure.label}: {view.display} ({view.period}" in text
            for citation in view.citations:
                title = full.sources[citation.source].title
                assert f"{title}: \u201c{citation.quote}\u201d" in text


def test_notes_explain_derived_figures_and_locators(full_deck: Any) -> None:
    text = notes(full_deck.slides[4])  # commerce: revenue growth is derived
    assert (
        "Revenue growth: 7.6% (Q3 FY2025, Oct-Dec 2024)\n"
        "  Derived: percentage change from Revenue a year earlier (RMB 260.35bn, Q3 FY2024) "
        "to Revenue (RMB 280.15bn, Q3 FY2025)."
    ) in text
    assert "\u201cRevenue was RMB 280.15 billion\u201d (paragraph 3)" in text
    assert "\u201ccompared with RMB 260.35 billion in the same quarter of 2023\u201d" in text


# --- the financial highlights table -------------------------------------------------------


def table_cells(slide: Any) -> list[list[str]]:
    shape = next(s for s in slide.shapes if s.has_table)
    return [[cell.text_frame.text for cell in row.cells] for row in shape.table.rows]


def test_highlights_table_cells(full_deck: Any) -> None:
    slide = full_deck.slides[5]
    cells = table_cells(slide)
    assert cells[0] == ["", "Q2 FY2025\nJul-Sep 2024", "y/y\n", "Q3 FY2025\nOct-Dec 2024", "y/y\n"]
    assert cells[1] == ["Revenue", "RMB 236.50bn¹", "+5.2%¹", "RMB 280.15bn²", "+7.6%²"]
    assert cells[2] == ["Cloud revenue", "RMB 29.61bn¹", "+7%¹", "RMB 31.74bn²", "+13%²"]
    assert cells[3] == ["Adjusted EBITA", "\u2014", "\u2014", "RMB 49.08bn²", "+36%²"]
    assert cells[4] == ["Capital expenditure", "\u2014", "\u2014", "RMB 31.78bn²", "\u2014"]
    band = footnotes(slide)
    assert band[1].endswith("\u201cLantern Group announces September quarter 2024 results\u201d")
    assert band[2].endswith("\u201cLantern Group announces December quarter 2024 results\u201d")


# --- charts --------------------------------------------------------------------------------


def chart_of(slide: Any) -> Any:
    return next(s for s in slide.shapes if s.has_chart).chart


def test_column_chart_is_native_with_pack_values(full_deck: Any, full: Resolved) -> None:
    slide = full_deck.slides[6]
    chart = chart_of(slide)
    [plot] = chart.plots
    assert list(plot.categories) == ["Q2 FY2024", "Q3 FY2024", "Q2 FY2025", "Q3 FY2025"]
    [series] = plot.series
    assert list(series.values) == [224.79, 260.35, 236.50, 280.15]
    assert series.name == "Revenue (RMB bn)¹,²"
    band = footnotes(slide)
    assert band[1].endswith("September quarter 2024 results\u201d")
    assert band[2].endswith("December quarter 2024 results\u201d")
    assert "Revenue a year earlier: RMB 224.79bn (Q2 FY2024, Jul-Sep 2023)" in notes(slide)


def test_combo_chart_has_line_on_secondary_axis(full_deck: Any) -> None:
    chart = chart_of(full_deck.slides[7])
    bars, line = chart.plots
    assert bars._element.tag.endswith("barChart") and line._element.tag.endswith("lineChart")
    assert list(bars.categories) == ["Q1 FY2025", "Q2 FY2025", "Q3 FY2025"]
    assert [list(s.values) for s in bars.series] == [[26.55, 29.61, 31.74]]
    assert [list(s.values) for s in line.series] == [[6.0, 7.0, 13.0]]
    xml = chart._chartSpace.xml
    value_axes = chart._chartSpace.valAx_lst
    assert len(value_axes) == 2
    secondary = value_axes[1]
    assert secondary.find(f"{{{secondary.nsmap['c']}}}axPos").get("val") == "r"
    assert (
        'formatCode="#,##0&quot;%&quot;"' in xml
        or "formatCode=\"#,##0'%'\"" in xml
        or '#,##0"%"' in xml
    )
    line_ax_ids = [el.get("val") for el in line._element.findall(f"{{{secondary.nsmap['c']}}}axId")]
    assert secondary.find(f"{{{secondary.nsmap['c']}}}axId").get("val") in line_ax_ids


def test_chart_workbook_is_embedded_and_has_no_clock_time(full: Resolved) -> None:
    data = render_deck(full, default_template())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        books = [n for n in archive.namelist() if n.endswith(".xlsx")]
        assert len(books) == 2
        for name in books:
            with zipfile.ZipFile(io.BytesIO(archive.read(name))) as book:
                core = book.read("docProps/core.xml").decode()
                assert "2000-01-01T00:00:00Z" in core
                assert {i.date_time for i in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}


# --- risks and sources ------------------------------------------------------------------------


def test_risks_table(full_deck: Any, full: Resolved) -> None:
    slide = full_deck.slides[8]
    cells = table_cells(slide)
    assert cells[0] == ["Risk", "Detail", "Severity", "Likelihood"]
    assert cells[1][0] == "Returns on AI spending¹"
    assert cells[1][1].startswith("Spending of more than RMB 380bn¹,² may earn less")
    assert cells[1][2:] == ["High", "Medium"]
    assert cells[2][0] == "Price competition in cloud²"
    assert (
        cells[2][1] == "Rivals cutting model and compute prices could slow cloud growth from 13%³."
    )
    assert [row[0] for row in cells[1:]] == [
        "Returns on AI spending¹",
        "Price competition in cloud²",
        "Access to advanced chips³",
    ]
    band = footnotes(slide)
    assert band == {
        1: "Harbour Daily, \u201cLantern to step up AI infrastructure spending\u201d",
        2: "Lantern Group, \u201cDecember quarter 2024 earnings call\u201d",
        3: "Lantern Group, \u201cLantern Group announces December quarter 2024 results\u201d",
    }


def test_sources_slide_lists_every_cited_source(full_deck: Any, full: Resolved) -> None:
    cells = table_cells(full_deck.slides[-1])
    assert cells[0] == ["Source", "Publisher", "Published", "File"]
    assert cells[1:] == [
        [
            s.title,
            s.publisher or "\u2014",
            f"{s.published.day} {s.published:%b %Y}" if s.published else "\u2014",
            s.file,
        ]
        for s in full.cited_sources()
    ]
    assert len(cells) - 1 == len(full.pack.sources)


# --- fonts, sizes, fit ----------------------------------------------------------------------


def test_every_run_has_latin_and_east_asian_fonts(full_deck: Any) -> None:
    for slide in full_deck.slides:
        for rpr in all_runs(slide):
            latin, ea = rpr.find(f"{A}latin"), rpr.find(f"{A}ea")
            assert latin is not None and latin.get("typeface") == "Calibri"
            assert ea is not None and ea.get("typeface") == "Noto Sans CJK SC"
            assert rpr.get("lang") and rpr.get("altLang")
    chinese = [
        r
        for r in all_runs(full_deck.slides[0])
        if "灯笼" in (r.getparent().findtext(f"{A}t") or "")
    ]
    assert chinese and chinese[0].get("lang") == "zh-CN"


def test_sizes_respect_minimums(full_deck: Any) -> None:
    for slide in full_deck.slides:
        band = footnote_shape(slide)
        band_runs = set(band._element.iter(f"{A}rPr")) if band is not None else set()
        for rpr in all_runs(slide):
            size = rpr.get("sz")
            if size is None:
                continue
            minimum = 800 if rpr in band_runs else 1200
            assert int(size) >= minimum, (title_of(slide), size)


def test_nothing_reaches_into_the_footnote_band(full_deck: Any) -> None:
    for slide in full_deck.slides:
        band = footnote_shape(slide)
        if band is None:
            continue
        for shape in slide.shapes:
            if shape.name in ("Footnotes", "Footnote Rule", "Slide Number"):
                continue
            assert shape.top + shape.height <= band.top, (title_of(slide), shape.name)


def test_rendering_is_deterministic(full: Resolved) -> None:
    def members(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {n: archive.read(n) for n in archive.namelist()}

    template = default_template()
    assert members(render_deck(full, template)) == members(render_deck(full, template))


# --- continuation slides and overflow ---------------------------------------------------------

LONG_DETAIL = (
    "Competition could squeeze margins across the core marketplaces while heavy "
    "investment in logistics, cloud capacity and new consumer services continues, "
    "and the payback on that spending may take longer than investors expect. "
)


def pack_with_risks(tmp_path: Path, count: int, detail: str) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURES / "full", pack)
    lines = ["risks:"]
    for i in range(count):
        lines += [
            f"  - id: extra_{i}",
            f"    title: Additional risk {chr(65 + i % 26)}",
            f"    detail: {detail}",
            "    severity: medium",
            "    likelihood: low",
            "    sources: [news_capex]",
        ]
    (pack / "zz-risks.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pack


def test_long_risk_table_continues_on_numbered_slides(tmp_path: Path) -> None:
    resolved = resolve(pack_with_risks(tmp_path, 12, LONG_DETAIL))
    deck = open_deck(render_deck(resolved, default_template()))
    risk_slides = [s for s in deck.slides if title_of(s).startswith("Key risks")]
    count = len(risk_slides)
    assert count >= 2
    assert [title_of(s) for s in risk_slides] == [
        f"Key risks ({i}/{count})" for i in range(1, count + 1)
    ]
    rows = [row for s in risk_slides for row in table_cells(s)[1:]]
    assert len(rows) == len(resolved.risks) == 15
    for slide in risk_slides:
        assert table_cells(slide)[0] == ["Risk", "Detail", "Severity", "Likelihood"]


def test_an_item_too_big_for_any_slide_is_an_error(tmp_path: Path) -> None:
    detail = (LONG_DETAIL * 9)[:1990].rsplit(" ", 1)[0]
    resolved = resolve(pack_with_risks(tmp_path, 1, detail))
    with pytest.raises(RenderError, match="does not fit on one 'BG Table' slide"):
        render_deck(resolved, default_template())


# --- other kinds and manifest choices ----------------------------------------------------------

ALL_KINDS = """\
name: every
description: every slide kind
pptx: template.pptx
brief: brief.md.jinja
slides:
  - {kind: title, layout: BG Title, placeholders: {title: ctrTitle, subtitle: subTitle, body: 13}}
  - {kind: key_figures, layout: BG Title and Body, placeholders: {figures: 1}}
  - {kind: pillar, layout: BG Title and Body, pillar: investment}
  - {kind: chart, layout: BG Chart, chart: cloud_combo, title: "Cloud, quarter by quarter"}
  - {kind: section, layout: BG Section, title: Appendix}
  - {kind: appendix, layout: BG Table}
"""


def custom_template(tmp_path: Path, manifest: str) -> Template:
    root = tmp_path / "every"
    shutil.copytree(BUILTIN_DIR / "default", root)
    (root / "manifest.yaml").write_text(manifest, encoding="utf-8")
    return load_template(root, "project")


def test_every_other_kind_renders(tmp_path: Path, full: Resolved) -> None:
    deck = open_deck(render_deck(full, custom_template(tmp_path, ALL_KINDS)))
    titles = [title_of(s) for s in deck.slides]
    register = [t for t in titles if t.startswith("Figure register")]
    assert titles[:5] == [
        "Lantern Group: AI-led growth",
        "Key figures",
        "A multi-year commitment to AI infrastructure",
        "Cloud, quarter by quarter",
        "Appendix",
    ]
    assert register and titles[5:] == register
    tiles = [
        s
        for s in deck.slides[1].shapes
        if s.name.startswith("Key figure ") and "rule" not in s.name
    ]
    assert len(tiles) == len(full.meta.key_figures)
    shown = [row for s in list(deck.slides)[5:] for row in table_cells(s)[1:]]
    assert len(shown) == len(full.figures)
    derived = next(row for row in shown if row[0] == "Revenue growth" and row[2].startswith("Q3"))
    assert derived[1] == "7.6%" + marker_text([1])
    assert derived[3].startswith(
        "Derived: percentage change from Revenue a year earlier (Q3 FY2024)"
    )


def test_unknown_pillar_or_chart_in_manifest_is_an_error(tmp_path: Path, full: Resolved) -> None:
    manifest = ALL_KINDS.replace("pillar: investment", "pillar: nowhere")
    with pytest.raises(RenderError, match="pillar 'nowhere'"):
        render_deck(full, custom_template(tmp_path, manifest))


def test_layout_missing_at_render_time_names_the_layouts(tmp_path: Path, full: Resolved) -> None:
    template = default_template()
    spec = template.manifest.slides[0].model_copy(update={"layout": "Corporate Title"})
    manifest = template.manifest.model_copy(update={"slides": [spec]})
    broken = Template(template.name, template.description, template.root, template.origin, manifest)
    with pytest.raises(
        TemplateError, match=r"template.pptx has no layout named 'Corporate Title'.*'BG Title'"
    ):
        render_deck(full, broken)


def test_mini_pack_renders(tmp_path: Path) -> None:
    mini = resolve(FIXTURES / "mini")
    deck = open_deck(render_deck(mini, default_template()))
    assert [title_of(s) for s in deck.slides] == [
        "Example investor brief",
        "Executive summary",
        "Financial highlights",
        "Appendix",
        "Figure register",
        "Sources",
    ]
    cells = table_cells(deck.slides[2])
    assert cells[1] == ["Revenue", "RMB 120.50bn¹", "+20.5%¹"]
    assert footnotes(deck.slides[2]) == {1: "\u201cExample results\u201d"}
    assert "Derived: percentage change from Revenue a year earlier (RMB 100bn, Q4 FY2024)" in notes(
        deck.slides[2]
    )


def test_template_with_sample_slides_starts_empty(tmp_path: Path, full: Resolved) -> None:
    root = tmp_path / "sampled"
    shutil.copytree(BUILTIN_DIR / "default", root)
    prs = Presentation(str(root / "template.pptx"))
    prs.slides.add_slide(prs.slide_layouts[1]).shapes.title.text = "Sample"
    prs.save(str(root / "template.pptx"))
    (root / "manifest.yaml").write_text(
        (root / "manifest.yaml")
        .read_text(encoding="utf-8")
        .replace("name: default", "name: sampled"),
        encoding="utf-8",
    )
    deck = open_deck(render_deck(full, load_template(root, "project")))
    assert "Sample" not in [title_of(s) for s in deck.slides]


# --- measuring ----------------------------------------------------------------------------------


def test_superscripts_and_markers() -> None:
    assert superscript(12) == "¹²"
    assert marker_text([3, 1, 3]) == "¹,³"


def test_line_count_wraps_words_and_cjk() -> None:
    assert line_count("short", 12, 5.0) == 1
    words = "word " * 60
    assert line_count(words, 12, 3.0) > line_count(words, 12, 6.0) > 1
    assert line_count("阿里巴巴集团" * 10, 12, 2.0) >= 5
    assert text_width("阿", 12) > text_width("a", 12)
    assert line_count("x" * 500, 12, 1.0) > 10  # one long word breaks mid-word


def test_paginate_fills_then_evens_out_pages() -> None:
    def measure(page: Sequence[int], index: int) -> tuple[float, float]:
        return float(len(page)), 4.0

    assert paginate(list(range(3)), measure) == [[0, 1, 2]]
    assert paginate(list(range(5)), measure) == [[0, 1, 2], [3, 4]]  # not 4 + 1
    assert paginate(list(range(9)), measure) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]


def test_best_size_prefers_large_text_on_fewest_slides() -> None:
    def pages_at(size: float) -> list[list[int]]:
        return paginate(list(range(6)), lambda page, i: (len(page) * size, 50.0))

    size, chosen = best_size([14, 18, 16], pages_at)
    assert (size, len(chosen)) == (16, 2)  # 18 would need three slides
