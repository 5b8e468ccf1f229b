#!/usr/bin/env python3
"""The cost floor: "the same slides" made with bare python-pptx, with no pipeline.

    python benchmarks/floor.py SLIDES [--mix TEXT,TABLES,CHARTS] [--stack] [--out FILE]

builds a deck of SLIDES slides on the default template's layouts and saves it to a
BytesIO (or FILE): text slides (a title and a lead with bullets, as a pillar slide),
table slides (a title and a 4-column, 11-row table, as a page of the figure register)
and chart slides (a title and a clustered column chart, six categories by two series).
Each slide also gets a footnote box and speaker notes, as briefgen's do. By default the
kinds come in the proportions of the real pack's 21-slide build (6 text, 12 tables,
3 charts); ``--mix`` gives other proportions, or the exact counts of another deck.

Nothing is loaded, resolved, verified, measured, paginated or audited, so the time
this takes is a floor under what any deck builder needs for that many slides.

``--stack`` first imports and uses once each library briefgen is built on besides
python-pptx (typer runs a one-argument command, PyYAML reads a two-key document,
pydantic validates it into a two-field model, Jinja compiles and renders a one-line
template), then makes the same slides: the floor under any tool on that stack, whatever
it does with it. A first use costs more than an import: pydantic, for one, loads its
validation machinery and looks for plugins when the first model is defined.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.chart import data as chart_data
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu, Inches, Pt

TEMPLATE = (
    Path(__file__).resolve().parent.parent / "briefgen" / "templates" / "default" / "template.pptx"
)
REAL_MIX = (6, 12, 3)  # text, table and chart slides in the real pack's build
TEXT_LAYOUT, TABLE_LAYOUT, CHART_LAYOUT = "BG Title and Body", "BG Table", "BG Chart"
TABLE_ROWS, TABLE_COLUMNS = 11, 4
_CategoryChartData: Any = (
    chart_data.CategoryChartData
)  # python-pptx leaves it unannotated  # a page of the figure register, header excluded
_BULLETS = (
    "Cloud revenue grew faster than the group for the fourth quarter running.",
    "Capital spending rose as new data-centre capacity came online.",
    "Enterprise contracts lengthened, and renewals held up.",
)


@dataclass(frozen=True)
class Mix:
    text: int
    tables: int
    charts: int

    @property
    def slides(self) -> int:
        return self.text + self.tables + self.charts

    def __str__(self) -> str:
        return f"{self.text} text, {self.tables} table, {self.charts} chart"


def mix_for(slides: int, proportions: Sequence[float] = REAL_MIX) -> Mix:
    """``slides`` split over text, table and chart slides in these proportions.

    Largest remainder: when the proportions are already counts summing to ``slides``,
    they are returned as they are.
    """
    if slides < 0 or len(proportions) != 3 or min(proportions) < 0 or sum(proportions) <= 0:
        raise ValueError("need a slide count >= 0 and three proportions >= 0, not all zero")
    total = sum(proportions)
    exact = [slides * p / total for p in proportions]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(3), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_remainder[: slides - sum(counts)]:
        counts[i] += 1
    return Mix(*counts)


def _layout(prs: Any, name: str) -> Any:
    layout = prs.slide_layouts.get_by_name(name)
    if layout is None:
        raise SystemExit(f"{TEMPLATE} has no layout named {name!r}")
    return layout


def _placeholder(slide: Any, idx: int) -> Any:
    for shape in slide.placeholders:
        if shape.placeholder_format.idx == idx:
            return shape
    raise SystemExit(f"layout {slide.slide_layout.name!r} has no placeholder {idx}")


def _footnote_and_notes(slide: Any, prs: Any, number: int, notes: int) -> None:
    box = slide.shapes.add_textbox(
        Inches(0.6), Inches(6.55), prs.slide_width - Inches(1.2), Inches(0.4)
    )
    frame = box.text_frame
    frame.word_wrap = True
    frame.text = f"\u00b9 Harbour Wire, \u201cResults roundup\u201d, slide {number}"
    frame.paragraphs[0].runs[0].font.size = Pt(9)
    lines = slide.notes_slide.notes_text_frame
    lines.text = f"Figure {number}: revenue of 120.50 billion yuan (Q4 2024)"
    for i in range(1, notes):
        lines.add_paragraph().text = f"  Harbour Wire: \u201crevenue of {i}.50 billion yuan\u201d"


def _text_slide(prs: Any, number: int) -> None:
    slide = prs.slides.add_slide(_layout(prs, TEXT_LAYOUT))
    slide.shapes.title.text = f"Strategy pillar {number}"
    frame = _placeholder(slide, 1).text_frame
    frame.text = "Invest where demand is proven, and make every unit pay its own way."
    frame.paragraphs[0].runs[0].font.size = Pt(20)
    for bullet in _BULLETS:
        paragraph = frame.add_paragraph()
        paragraph.text = bullet
        paragraph.level = 0
        paragraph.runs[0].font.size = Pt(18)
    _footnote_and_notes(slide, prs, number, 4)


def _table_slide(prs: Any, number: int) -> None:
    slide = prs.slides.add_slide(_layout(prs, TABLE_LAYOUT))
    slide.shapes.title.text = f"Figure register ({number})"
    holder = _placeholder(slide, 1)
    left, top, width = holder.left, holder.top, holder.width
    holder._element.getparent().remove(holder._element)
    shape = slide.shapes.add_table(
        TABLE_ROWS + 1, TABLE_COLUMNS, left, top, width, Emu(Inches(0.4) * (TABLE_ROWS + 1))
    )
    table = shape.table
    for c, header in enumerate(("Figure", "Value", "Period", "How it was obtained")):
        table.cell(0, c).text = header
    for r in range(1, TABLE_ROWS + 1):
        row = (
            f"Segment {r} revenue",
            f"RMB {r}0.25bn",
            "Q4 2024, Oct-Dec 2024",
            "Derived: percentage change from Segment revenue (Q4 2023) to (Q4 2024)",
        )
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.text = text
            cell.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
    _footnote_and_notes(slide, prs, number, 2 * TABLE_ROWS)


def _chart_slide(prs: Any, number: int) -> None:
    slide = prs.slides.add_slide(_layout(prs, CHART_LAYOUT))
    slide.shapes.title.text = f"Segment revenue and growth ({number})"
    holder = _placeholder(slide, 1)
    left, top, width, height = holder.left, holder.top, holder.width, holder.height
    holder._element.getparent().remove(holder._element)
    data = _CategoryChartData()
    data.categories = ["Cloud", "Retail", "Logistics", "Payments", "Media", "Travel"]
    data.add_series("Revenue (RMB bn)", (41.2, 101.4, 28.1, 17.5, 16.8, 5.6))
    data.add_series("Growth (%)", (18.0, 9.0, 4.0, 12.0, 7.5, 2.0))
    graphic = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, left, top, width, height, data)
    graphic.chart.has_legend = True
    _footnote_and_notes(slide, prs, number, 12)


def make_deck(mix: Mix, template: Path = TEMPLATE) -> bytes:
    """A deck of ``mix.slides`` slides, text first, then charts, then tables; its bytes."""
    prs = Presentation(str(template))
    number = 0
    for count, make in ((mix.text, _text_slide), (mix.charts, _chart_slide)):
        for _ in range(count):
            number += 1
            make(prs, number)
    for _ in range(mix.tables):
        number += 1
        _table_slide(prs, number)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def use_stack() -> str:
    """Import and use once, as little as can be, each library of briefgen's stack but pptx."""
    import jinja2
    import pydantic
    import typer
    import yaml

    class Slide(pydantic.BaseModel):
        title: str
        number: int

    app = typer.Typer(add_completion=False)
    made: list[str] = []

    @app.command()
    def render(number: int) -> None:
        data = yaml.safe_load(f"title: Revenue\nnumber: {number}\n")
        slide = Slide.model_validate(data)
        template = jinja2.Environment().from_string("{{ s.title }} {{ s.number }}")
        made.append(template.render(s=slide))

    app([str(1)], standalone_mode=False)
    return made[0]


def _proportions(text: str) -> tuple[float, float, float]:
    parts = [float(p) for p in text.split(",")]
    if len(parts) != 3:
        raise argparse.ArgumentTypeError("give three numbers: TEXT,TABLES,CHARTS")
    return parts[0], parts[1], parts[2]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("slides", type=int, help="slides in the deck")
    parser.add_argument(
        "--mix",
        type=_proportions,
        default=REAL_MIX,
        help="proportions (or counts) of text, table and chart slides; default 6,12,3",
    )
    parser.add_argument(
        "--stack",
        action="store_true",
        help="first import and use once typer, PyYAML, pydantic and Jinja",
    )
    parser.add_argument("--out", type=Path, help="also write the deck here")
    args = parser.parse_args(argv)
    mix = mix_for(args.slides, args.mix)
    started = time.perf_counter()
    if args.stack:
        use_stack()
    deck = make_deck(mix)
    seconds = time.perf_counter() - started
    if args.out is not None:
        args.out.write_bytes(deck)
    print(f"{mix.slides} slides ({mix}) in {seconds:.3f}s, {len(deck):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
