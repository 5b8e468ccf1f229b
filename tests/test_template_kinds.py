"""The slide kinds the new templates added: risk matrix, ranked risks, pillar cards, the
key figures under the headline, a summary without tiles, limits, heading fonts."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation

from briefgen.deck.fit import line_count, text_width
from briefgen.errors import RenderError, TemplateError
from briefgen.load import load_pack
from briefgen.render_deck import render_deck
from briefgen.resolve import Resolved, resolve_pack
from briefgen.templates import BUILTIN_DIR, Template, find_template, load_template, search_path

from .conftest import FIXTURES

MARKS = "⁰¹²³⁴⁵⁶⁷⁸⁹,"


def template(name: str) -> Template:
    return find_template(name, search_path(None, Path("/nonexistent")))


@pytest.fixture(scope="module")
def full() -> Resolved:
    return resolve_pack(load_pack(FIXTURES / "full"))


def deck_of(resolved: Resolved, name: str) -> Any:
    return Presentation(io.BytesIO(render_deck(resolved, template(name))))


def slide_titled(deck: Any, title: str) -> Any:
    return next(s for s in deck.slides if s.shapes.title.text == title)


def plain(text: str) -> str:
    return text.rstrip(MARKS)


def cells(shape: Any) -> list[list[str]]:
    return [[c.text_frame.text for c in row.cells] for row in shape.table.rows]


def test_risk_matrix_places_each_risk_by_severity_and_likelihood(full: Resolved) -> None:
    slide = slide_titled(deck_of(full, "board"), "Risk map")
    matrix = next(s for s in slide.shapes if s.name == "Risk matrix")
    grid = cells(matrix)
    assert grid[0] == [
        "Severity / likelihood",
        "Low likelihood",
        "Medium likelihood",
        "High likelihood",
    ]
    assert [row[0] for row in grid[1:]] == ["High severity", "Medium severity", "Low severity"]
    high_medium = [plain(t) for t in grid[1][2].split("\n")]
    assert high_medium == ["Returns on AI spending", "Access to advanced chips"]
    assert plain(grid[2][3]) == "Price competition in cloud"
    assert all(
        not grid[r][c] for r in (1, 2, 3) for c in (1, 2, 3) if (r, c) not in {(1, 2), (2, 3)}
    )
    band = next(s for s in slide.shapes if s.name == "Footnotes")
    assert len(band.text_frame.paragraphs) == 3  # each risk's source, numbered
    fill = matrix.table.cell(1, 3)._tc.tcPr.find("{*}solidFill/{*}schemeClr")
    assert fill.get("val") == "accent1"  # the most exposed corner in the theme's accent


def test_compact_risks_are_ranked_without_detail(full: Resolved) -> None:
    slide = slide_titled(deck_of(full, "teaser"), "What could go wrong")
    table = next(s for s in slide.shapes if s.has_table)
    rows = cells(table)
    assert rows[0] == ["Risk", "Severity", "Likelihood"]
    assert [(plain(r[0]), r[1], r[2]) for r in rows[1:]] == [
        ("Returns on AI spending", "High", "Medium"),
        ("Access to advanced chips", "High", "Medium"),
        ("Price competition in cloud", "Medium", "High"),
    ]


def test_pillar_cards_show_every_pillar_with_its_sources(full: Resolved) -> None:
    slide = slide_titled(deck_of(full, "teaser"), "Where the company is heading")
    cards = [s for s in slide.shapes if s.name.startswith("Pillar ") and s.has_text_frame]
    cards = [s for s in cards if s.text_frame.text]
    assert [c.text_frame.paragraphs[0].text for c in cards] == [
        p.pillar.title for p in full.pillars
    ]
    investment = cards[1].text_frame.paragraphs[1].text
    expected = rf"The group plans to invest more than RMB 380bn[{MARKS}]+ in cloud and AI infra"
    assert re.fullmatch(expected + r"structure\.", investment)
    band = next(s for s in slide.shapes if s.name == "Footnotes").text_frame.text
    assert "Harbour Daily" in band and "earnings call" in band
    lefts = [c.left for c in cards]
    assert lefts == sorted(lefts) and len(set(c.top for c in cards)) == 1


def test_key_figures_slide_puts_the_headline_above_the_tiles(full: Resolved) -> None:
    slide = slide_titled(deck_of(full, "teaser"), "The story in numbers")
    headline = next(s for s in slide.placeholders if s.placeholder_format.idx == 1)
    assert (
        headline.text_frame.text
        == "Revenue reached RMB 280.15bn¹ as cloud growth quickened to 13%¹."
    )
    tiles = [s for s in slide.shapes if s.name.startswith("Key figure ") and "rule" not in s.name]
    assert len(tiles) == len(full.meta.key_figures)
    assert min(t.top for t in tiles) > headline.top + headline.height - 1


def test_compact_summary_has_no_tiles_and_limit_keeps_the_first_chart(full: Resolved) -> None:
    board = deck_of(full, "board")
    summary = slide_titled(board, "Executive summary")
    assert not [s for s in summary.shapes if s.name.startswith("Key figure")]
    teaser = deck_of(full, "teaser")
    charts = [s for s in teaser.slides if any(sh.has_chart for sh in s.shapes)]
    assert [s.shapes.title.text for s in charts] == [full.charts[0].title]


def test_titles_and_big_numbers_use_the_heading_font(full: Resolved) -> None:
    deck = deck_of(full, "board")
    title_run = deck.slides[1].shapes.title._element.find(".//{*}rPr")
    assert title_run.find("{*}latin").get("typeface") == "Cambria"
    assert title_run.find("{*}ea").get("typeface") == "Noto Serif CJK SC"
    tile = next(s for s in deck.slides[1].shapes if s.name.startswith("Key figure rev"))
    number, label = tile.text_frame.paragraphs[:2]
    assert number.runs[0]._r.find(".//{*}latin").get("typeface") == "Cambria"
    assert label.runs[0]._r.find(".//{*}latin").get("typeface") == "Calibri"


def _variant(tmp_path: Path, base: str, old: str, new: str) -> Template:
    root = tmp_path / "variant"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(BUILTIN_DIR / base, root)
    manifest = root / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(
        text.replace(old, new).replace(f"name: {base}", "name: variant"), encoding="utf-8"
    )
    return load_template(root, "project")


def test_limit_and_style_apply_only_where_they_mean_something(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        _variant(
            tmp_path, "teaser", "    title: What could go wrong\n", "    title: W\n    limit: 2\n"
        )
    assert (
        "'limit' applies only to kinds 'chart', 'pillar' and 'pillars'" in caught.value.lines()[0]
    )
    with pytest.raises(TemplateError) as caught:
        _variant(tmp_path, "teaser", "    limit: 1\n", "    style: compact\n")
    assert "'style' applies only to kinds 'risks' and 'summary'" in caught.value.lines()[0]


def test_cards_too_long_for_the_slide_are_an_error(tmp_path: Path, full: Resolved) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(FIXTURES / "full", pack)
    story = pack / "story.yaml"
    long = "Management says the plan exceeds what the group spent in the past decade. " * 14
    text = story.read_text(encoding="utf-8").replace(
        "summary: The group plans to invest more than {capex_plan} in cloud and AI infrastructure.",
        f"summary: {long.strip()}",
    )
    story.write_text(text, encoding="utf-8")
    resolved = resolve_pack(load_pack(pack))
    with pytest.raises(RenderError, match="the pillars, side by side, does not fit"):
        render_deck(resolved, template("teaser"))


def test_text_is_measured_in_the_templates_typeface() -> None:
    text = "Cloud revenue growth excluding consolidated subsidiaries and more words " * 3
    assert text_width(text, 14, face="Arial") > text_width(text, 14, face="Calibri")
    assert text_width(text, 14, face="Some Corporate Sans") > text_width(text, 14, face="Arial")
    assert line_count(text, 14, 4.0, face="Some Corporate Sans") > line_count(text, 14, 4.0)
