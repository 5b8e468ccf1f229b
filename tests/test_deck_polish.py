"""Details a reader notices on the page: how negative numbers are written, and tables
that fill the width they are given. Decks are built with the CLI from the real pack."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.display import MINUS, bare_value, number
from briefgen.load import load_pack
from briefgen.quantities import find_quantities
from briefgen.resolve import resolve_pack

from .conftest import REAL_PACK

TEMPLATES = ("default", "board", "ic")
EMU_PER_INCH = 914400
HYPHEN_BEFORE_DIGIT = re.compile(r"(?<![\w.])-(?=[0-9])")


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, Path]:
    """The real pack built with each template, as a user builds it: template -> folder."""
    from .conftest import shared_sources

    sources = shared_sources()
    if not sources.is_dir():
        pytest.skip(f"real sources not found at {sources}")
    folders: dict[str, Path] = {}
    for template in TEMPLATES:
        out = tmp_path_factory.mktemp(template)
        args = ["build", str(REAL_PACK), "--sources", str(sources), "--template", template]
        result = CliRunner().invoke(app, [*args, "--out", str(out)])
        assert result.exit_code == 0, result.output
        folders[template] = out
    return folders


def _deck(built: dict[str, Path], template: str) -> Any:
    return Presentation(str(next(built[template].glob("*.pptx"))))


def _texts(prs: Any) -> Iterator[tuple[int, str]]:
    """Every text of every slide, table cells one by one."""
    for number_, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if shape.has_text_frame:
                yield number_, shape.text_frame.text
            if shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        yield number_, cell.text_frame.text


def _negatives() -> list[str]:
    resolved = resolve_pack(load_pack(REAL_PACK))
    return [bare_value(v.figure) for v in resolved.figures.values() if v.figure.value < 0]


# --- negative numbers ---------------------------------------------------------------------


def test_negative_numbers_use_the_minus_sign_and_read_back_as_negative() -> None:
    assert number(Decimal("-12")) == "\u221212"
    for text in ("\u221212%", "\u2212RMB 3.5bn", "a change of \u221222pp"):
        (found,) = find_quantities(text)
        assert found.value < 0, text


@pytest.mark.parametrize("template", TEMPLATES)
def test_no_negative_number_in_the_deck_is_written_with_a_hyphen(
    built: dict[str, Path], template: str
) -> None:
    negatives = _negatives()
    assert negatives, "the real pack has a negative figure to show"
    texts = list(_texts(_deck(built, template)))
    hyphens = [(n, t) for n, t in texts if HYPHEN_BEFORE_DIGIT.search(t)]
    assert not hyphens, hyphens[:5]
    shown = "\n".join(t for _, t in texts)
    assert any(value in shown for value in negatives), negatives
    assert all(value.startswith(MINUS) for value in negatives), negatives


@pytest.mark.parametrize("template", TEMPLATES)
def test_no_negative_number_in_the_brief_is_written_with_a_hyphen(
    built: dict[str, Path], template: str
) -> None:
    brief = next(built[template].glob("*.md")).read_text(encoding="utf-8")
    assert not HYPHEN_BEFORE_DIGIT.search(brief)


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_audit_reads_the_minus_sign(
    built: dict[str, Path], template: str, tmp_path: Path
) -> None:
    """The deck as built passes its audit; with a minus sign deleted by hand it does not."""
    deck = next(built[template].glob("*.pptx"))
    assert CliRunner().invoke(app, ["audit", str(deck)]).exit_code == 0
    prs = Presentation(str(deck))
    edited = 0
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = (
                [c.text_frame for r in shape.table.rows for c in r.cells] if shape.has_table else []
            )
            for frame in frames:
                for run in (r for p in frame.paragraphs for r in p.runs):
                    if run.text.startswith(MINUS) and not edited:
                        run.text = run.text.removeprefix(MINUS)
                        edited += 1
    assert edited == 1
    changed = tmp_path / deck.name
    prs.save(str(changed))
    result = CliRunner().invoke(app, ["audit", str(changed)])
    assert result.exit_code == 1, result.output


# --- table width ---------------------------------------------------------------------------


def _tables(prs: Any, title: str) -> list[Any]:
    return [
        shape
        for slide in prs.slides
        if slide.shapes.title is not None and slide.shapes.title.text.startswith(title)
        for shape in slide.shapes
        if shape.has_table
    ]


@pytest.mark.parametrize("template", TEMPLATES)
def test_highlights_table_spans_the_content_width(built: dict[str, Path], template: str) -> None:
    prs = _deck(built, template)
    (highlights,) = _tables(prs, "Financial highlights")
    # The risk register is drawn in the same layout's table region across its whole width.
    risks = _tables(prs, "Key risks" if template == "default" else "Risk register")
    assert risks
    width = risks[0].width
    assert highlights.left == risks[0].left
    assert abs(highlights.width - width) / EMU_PER_INCH < 0.02, (highlights.width, width)
    columns = sum(column.width for column in highlights.table.columns)
    assert abs(columns - width) / EMU_PER_INCH < 0.02
