"""Charts: reopen the rendered deck and check what each chart says and how it is drawn.

Units come from the figures (axis titles, number formats), a legend only with more
than one series, theme colours, labels up to a dozen categories, and two value axes
that share their zero line.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from briefgen.audit import allowed_values, audit_deck
from briefgen.deck.chart_scales import (
    AxisScale,
    Sizes,
    Widths,
    aligned_scales,
    apart,
    nice_step,
    settle,
)
from briefgen.errors import RenderError
from briefgen.load import load_pack
from briefgen.models import Chart
from briefgen.render_deck import render_deck
from briefgen.resolve import Resolved, resolve_pack
from briefgen.templates import Template, find_template, search_path

from .conftest import REAL_PACK, VERBOSE

BUILT_INS = ("default", "board", "teaser", "ic")
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SEGMENTS = ("cmr", "cloud", "aidc", "cainiao", "local_services", "digital_ent")
GROWTH = [f"{s}_growth_q4" for s in SEGMENTS]


def template(name: str) -> Template:
    return find_template(name, search_path(None, Path("/nonexistent")))


@pytest.fixture(scope="module")
def real() -> Resolved:
    return resolve_pack(load_pack(REAL_PACK))


@pytest.fixture(scope="module")
def real_decks(real: Resolved) -> dict[str, bytes]:
    return {name: render_deck(real, template(name)) for name in BUILT_INS}


def charts_in(data: bytes) -> Iterator[tuple[str, Any]]:
    """Each chart in the deck with its slide's title."""
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_chart:
                yield slide.shapes.title.text, shape.chart


def with_charts(resolved: Resolved, *charts: Chart) -> Resolved:
    return dataclasses.replace(resolved, charts=charts)


def chart(id: str, type: str, categories: list[str], *series: dict[str, Any]) -> Chart:
    return Chart.model_validate(
        {"id": id, "title": id, "type": type, "categories": categories, "series": list(series)}
    )


def drawn(resolved: Resolved, name: str = "default") -> list[Any]:
    return [c for _, c in charts_in(render_deck(resolved, template(name)))]


# --- reading a chart's XML ----------------------------------------------------------------------


def value_axes(graph: Any) -> list[Any]:
    return list(graph._chartSpace.valAx_lst)


def axis_title(ax: Any) -> str:
    title = ax.find(qn("c:title"))
    return "" if title is None else "".join(t.text or "" for t in title.iter(qn("a:t")))


def scaling(ax: Any) -> tuple[float, float]:
    found = ax.find(qn("c:scaling"))
    low, high = found.find(qn("c:min")), found.find(qn("c:max"))
    return float(low.get("val")), float(high.get("val"))


def zero_height(ax: Any) -> float:
    low, high = scaling(ax)
    return -low / (high - low)


def tick_format(ax: Any) -> str:
    return str(ax.find(qn("c:numFmt")).get("formatCode"))


def label_format(series: Any) -> str:
    """The number format the series' data labels are written in."""
    labels = series._element.find(qn("c:dLbls"))
    return str(labels.find(qn("c:numFmt")).get("formatCode"))


def label_positions(series: Any) -> list[str]:
    """Each point's label position: its own label's, else the series'."""
    labels = series._element.find(qn("c:dLbls"))
    usual = labels.find(qn("c:dLblPos")).get("val")
    own = {
        int(d.find(qn("c:idx")).get("val")): d.find(qn("c:dLblPos")).get("val")
        for d in labels.findall(qn("c:dLbl"))
    }
    return [own.get(i, usual) for i in range(len(list(series.values)))]


def colour(series: Any) -> str:
    """The theme colour a series is drawn in: its fill, or its line's."""
    sp_pr = series._element.find(qn("c:spPr"))
    assert sp_pr.find(f".//{qn('a:srgbClr')}") is None
    scheme = sp_pr.find(f".//{qn('a:schemeClr')}")
    return str(scheme.get("val"))


def plot_kind(plot: Any) -> str:
    return str(plot._element.tag.rsplit("}", 1)[-1])


def unmarked(text: str) -> str:
    return re.sub(f"[{SUPERSCRIPTS},]+$", "", text)


# --- the real pack in every built-in template -----------------------------------------------------


@pytest.mark.parametrize("name", BUILT_INS)
def test_segment_combo_is_bars_and_a_line_on_aligned_axes(
    name: str, real_decks: dict[str, bytes], real: Resolved
) -> None:
    [graph] = [g for title, g in charts_in(real_decks[name]) if title.startswith("Segment")]
    bars, line = graph.plots
    assert (plot_kind(bars), plot_kind(line)) == ("barChart", "lineChart")
    [revenue] = bars.series
    [growth] = line.series
    assert unmarked(revenue.name) == "Revenue (RMB bn)"
    assert unmarked(growth.name) == "Year-on-year growth (%)"
    assert list(growth.values) == [12, 18, 22, -12, 10, 12]
    assert list(revenue.values) == [71.077, 30.127, 33.579, 21.573, 16.134, 5.55]
    primary, secondary = value_axes(graph)
    assert secondary.find(qn("c:axPos")).get("val") == "r"
    assert axis_title(primary) == "RMB bn"
    assert axis_title(secondary) == "% year on year"
    assert zero_height(primary) == pytest.approx(zero_height(secondary))
    assert 0 < zero_height(primary) < 1  # the -12% is drawn below the bars' baseline
    for ax, values in ((primary, revenue.values), (secondary, growth.values)):
        low, high = scaling(ax)
        assert low < min(*values, 0) and max(values) < high
    assert label_format(revenue) == 'General"bn"'  # 71.077 beside 5.55: each as written
    assert label_format(growth) == '#,##0"%"'
    assert tick_format(secondary).endswith('"%"')
    assert graph.has_legend
    assert (colour(revenue), colour(growth)) == ("accent1", "accent2")


@pytest.mark.parametrize("name", BUILT_INS)
def test_negative_growth_is_labelled_below_its_point(
    name: str, real_decks: dict[str, bytes]
) -> None:
    [graph] = [g for title, g in charts_in(real_decks[name]) if title.startswith("Segment")]
    [growth] = graph.plots[1].series
    positions = label_positions(growth)
    assert positions[3] == "b"  # Cainiao, -12%
    bars = label_positions(graph.plots[0].series[0])
    assert set(bars) <= {"inEnd", "outEnd", "inBase"}


@pytest.mark.parametrize("name", BUILT_INS)
def test_single_series_has_no_legend_and_its_marks_on_the_axis_title(
    name: str, real_decks: dict[str, bytes]
) -> None:
    singles = [g for _, g in charts_in(real_decks[name]) if len(list(g.plots[0].series)) == 1]
    singles = [g for g in singles if len(g.plots) == 1]
    if name == "teaser":  # one chart only: the combo
        assert not singles
        return
    assert len(singles) == 2
    for graph in singles:
        [series] = graph.plots[0].series
        [ax] = value_axes(graph)
        assert not graph.has_legend
        assert unmarked(axis_title(ax)) == "RMB bn"
        assert axis_title(ax).endswith(series.name[len("RMB bn") :])  # its source marks
        assert label_format(series).endswith('"bn"')
        assert scaling(ax)[0] == 0  # bars measured from zero
        assert colour(series) == "accent1"


@pytest.mark.parametrize("name", BUILT_INS)
def test_chart_text_is_at_least_body_size_and_in_the_template_fonts(
    name: str, real_decks: dict[str, bytes]
) -> None:
    latin = template(name).manifest.fonts.latin
    for _, graph in charts_in(real_decks[name]):
        root = graph._chartSpace
        sizes = [int(p.get("sz")) for p in root.iter(qn("a:defRPr"), qn("a:rPr")) if p.get("sz")]
        assert sizes and min(sizes) >= 1200
        faces = {f.get("typeface") for f in root.iter(qn("a:latin"))}
        assert faces == {latin}


@pytest.mark.parametrize("name", BUILT_INS)
def test_real_decks_pass_the_audit_and_titles_type_no_number(
    name: str, real_decks: dict[str, bytes], real: Resolved
) -> None:
    assert audit_deck(real_decks[name], allowed_values(real), "deck.pptx") == []
    for _, graph in charts_in(real_decks[name]):
        for ax in value_axes(graph):
            assert not re.search(r"\d", axis_title(ax))


def test_every_built_in_labels_a_dozen_categories(real: Resolved) -> None:
    verbose = resolve_pack(load_pack(VERBOSE / "pack"))
    [column, bar] = drawn(verbose)
    for graph in (column, bar):
        [series] = graph.plots[0].series
        assert len(list(series.values)) == 12
        assert series._element.find(qn("c:dLbls")) is not None
    [ax] = value_axes(bar)
    assert bar.category_axis.reverse_order  # first unit at the top
    assert ax.find(qn("c:crosses")).get("val") == "max"  # and the values still at the foot
    assert bar.category_axis._element.find(qn("c:tickLblPos")).get("val") == "low"


def test_more_than_a_dozen_categories_have_no_labels() -> None:
    verbose = resolve_pack(load_pack(VERBOSE / "pack"))
    units = [f.removesuffix("_q4") for f in verbose.charts[0].series[0].figures]
    ids = [f"{u}_q4" for u in units] + [f"{units[0]}_q3"]
    graph = drawn(
        with_charts(
            verbose,
            chart(
                "many",
                "column",
                [f"Unit {chr(65 + i)}" for i in range(13)],
                {"name": "Revenue", "figures": ids},
            ),
        )
    )[0]
    [series] = graph.plots[0].series
    assert series._element.find(qn("c:dLbls")) is None


# --- units of every kind ------------------------------------------------------------------------


def test_percent_column_with_a_negative_is_scaled_through_zero(real: Resolved) -> None:
    cats = ["A", "B", "C", "D", "E", "F"]
    [graph] = drawn(
        with_charts(real, chart("g", "column", cats, {"name": "Growth", "figures": GROWTH}))
    )
    [ax] = value_axes(graph)
    low, high = scaling(ax)
    assert low < -12 and high > 22 and 0 < zero_height(ax) < 1
    assert axis_title(ax).startswith("% year on year")
    assert tick_format(ax) == '#,##0"%"'
    assert label_positions(graph.plots[0].series[0]) == ["outEnd"] * 6


def test_a_line_labels_negatives_below(real: Resolved) -> None:
    cats = ["A", "B", "C", "D", "E", "F"]
    [graph] = drawn(
        with_charts(real, chart("g", "line", cats, {"name": "Growth", "figures": GROWTH}))
    )
    [series] = graph.plots[0].series
    assert plot_kind(graph.plots[0]) == "lineChart"
    assert label_positions(series) == ["t", "t", "t", "b", "t", "t"]
    assert colour(series) == "accent1"
    [ax] = value_axes(graph)
    assert tick_format(ax) == 'General"%"'  # the renderer picks the steps


def test_dollars_counts_and_multiples_say_their_unit(real: Resolved) -> None:
    dollars = chart(
        "usd",
        "bar",
        ["Net income", "Operating income"],
        {"name": "US dollars", "figures": ["net_income_q3_usd", "operating_income_q3_usd"]},
    )
    counts = chart(
        "n",
        "column",
        ["Models", "Users"],
        {"name": "Count", "figures": ["qwen_derivative_models", "qwen_api_users"]},
    )
    members = chart("m", "column", ["88VIP"], {"name": "Members", "figures": ["members_88vip"]})
    times = chart("x", "column", ["Plan"], {"name": "Plan", "figures": ["capex_plan_vs_2024"]})
    graphs = drawn(with_charts(real, dollars, counts, members, times))
    titles = [unmarked(axis_title(value_axes(g)[0])) for g in graphs]
    assert titles == ["US$ bn", "Number", "Number (million)", "Times (x)"]
    formats = [label_format(g.plots[0].series[0]) for g in graphs]
    assert formats == ['#,##0.00"bn"', "#,##0", '#,##0" million"', '#,##0.00"x"']
    assert tick_format(value_axes(graphs[1])[0]) == "#,##0"  # 50,000 not 50000


def test_two_lines_on_two_axes_keep_their_labels_apart(real: Resolved) -> None:
    lines = chart(
        "two",
        "line",
        ["Q3", "Q4"],
        {"name": "Cloud revenue", "figures": ["cloud_revenue_q3", "cloud_revenue_q4"]},
        {
            "name": "Growth",
            "figures": ["cloud_growth_q3", "cainiao_growth_q4"],
            "axis": "secondary",
        },
    )
    [graph] = drawn(with_charts(real, lines))
    first, second = (plot.series[0] for plot in graph.plots)
    primary, secondary = value_axes(graph)
    assert zero_height(primary) == pytest.approx(zero_height(secondary))
    assert [axis_title(primary), axis_title(secondary)] == ["RMB bn", "% year on year"]
    above = [a == "t" for a in label_positions(first)]
    assert [b == "b" for b in label_positions(second)] == above  # one above, one below


def test_series_sharing_an_axis_must_share_a_unit(real: Resolved) -> None:
    mixed = chart(
        "mixed",
        "column",
        ["Q4"],
        {"name": "Revenue", "figures": ["cloud_revenue_q4"]},
        {"name": "Growth", "figures": ["cloud_growth_q4"]},
    )
    with pytest.raises(RenderError) as caught:
        render_deck(with_charts(real, mixed), template("default"))
    assert "share an axis but not a unit" in str(caught.value)
    assert caught.value.problems[0].code == "deck-chart"


# --- scales and label geometry -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("need", "step"),
    [(0.7, 1.0), (1.0, 1.0), (1.2, 2.0), (2.1, 2.5), (3, 5.0), (6, 10.0), (0.013, 0.02)],
)
def test_steps_are_one_two_two_and_a_half_or_five(need: float, step: float) -> None:
    assert nice_step(need) == pytest.approx(step)


@pytest.mark.parametrize(
    "ranges",
    [
        [(5.55, 71.077), (-12, 22)],
        [(26.55, 31.74), (6, 13)],
        [(-3, 250), (-40, -2)],
        [(0.1, 0.9), (-900, 1200)],
    ],
)
def test_aligned_scales_share_zero_and_hold_the_data(ranges: list[tuple[float, float]]) -> None:
    scales = aligned_scales(ranges)
    assert scales is not None
    zeros = {round(s.height(0), 9) for s in scales}
    assert len(zeros) == 1
    counts = {round((s.high - s.low) / s.step) for s in scales}
    assert len(counts) == 1  # the same steps, so the gridlines serve both axes
    for (low, high), scale in zip(ranges, scales, strict=True):
        assert scale.height(low) > 0 or low >= 0
        assert scale.height(min(low, 0)) >= 0 and scale.height(high) < 1


def test_all_zero_data_leaves_the_scale_to_the_renderer() -> None:
    assert aligned_scales([(0, 0)]) is None


def test_a_marker_on_a_bar_label_moves_the_label_into_the_bar() -> None:
    bars = AxisScale(0, 40, 10)
    line = AxisScale(0, 20, 5)
    sizes = Sizes(label=0.06, gap=0.02, marker=0.03)
    # 13% sits exactly where the 31.74 bar's label would be drawn beyond its end
    bar_at, line_at = settle([26.55, 31.74], [6, 16.6], [bars, line], sizes)
    assert bar_at[1] == "inside"
    assert line_at == ["above", "above"]


def test_short_bars_keep_their_labels_outside() -> None:
    bars = AxisScale(-50, 100, 25)
    line = AxisScale(-20, 40, 10)
    sizes = Sizes(label=0.06, gap=0.02, marker=0.03)
    bar_at, line_at = settle([71.077, 5.55], [12, -12], [bars, line], sizes)
    assert bar_at == ["outside", "outside"]
    assert line_at == ["above", "below"]


def test_two_lines_put_the_upper_label_above() -> None:
    assert apart([0.8, 0.2], [0.5, 0.5]) == (["above", "below"], ["below", "above"])


def test_a_segment_through_a_bar_label_moves_the_label_to_the_bar_foot() -> None:
    bars = AxisScale(-40, 80, 20)
    line = AxisScale(-20, 40, 10)
    sizes = Sizes(label=0.056, gap=0.018, marker=0.025)
    # From 22% down to -12%: the steep segment passes the 33.579 bar's end, in and out.
    wide = Widths(bars=[0.6, 0.6], points=[0.25, 0.25])
    bar_at, line_at = settle([33.579, 21.573], [22, -12], [bars, line], sizes, wide)
    assert bar_at[0] == "base"
    assert line_at == ["above", "below"]
    # As narrow as a point, the label at the bar's end is clear of it.
    assert settle([33.579, 21.573], [22, -12], [bars, line], sizes)[0][0] == "inside"


def test_aligned_scales_keep_only_the_room_labels_need() -> None:
    ranges = [(5.55, 71.077), (-12, 22)]
    tight = aligned_scales(ranges, [(0.074, 0.074)] * 2)
    assert tight is not None
    assert [(s.low, s.high) for s in tight] == [(-40, 80), (-20, 40)]
    loose = aligned_scales(ranges)  # a tenth of the plot at each end
    assert loose is not None and loose[0].high - loose[0].low > 120


def test_aligned_scales_do_not_flatten_one_axis_for_the_other() -> None:
    # Summing the two axes' shares would pick bars on -20..80 and the line on -25..100.
    scales = aligned_scales([(5.55, 71.077), (-12, 22)], [(0.08, 0.08)] * 2)
    assert scales is not None
    bars, line = scales
    assert 34 / (line.high - line.low) > 0.5
    assert 71.077 / (bars.high - bars.low) > 0.45


def category_rotation(graph: Any) -> str:
    body = graph.category_axis._element.find(qn("c:txPr")).find(qn("a:bodyPr"))
    return str(body.get("rot"))


def test_names_too_wide_for_their_bars_are_slanted_not_broken_mid_word() -> None:
    verbose = resolve_pack(load_pack(VERBOSE / "pack"))
    names = list(verbose.charts[0].categories)
    for name in BUILT_INS:
        column, *bars = drawn(verbose, name)  # the teaser draws the first chart only
        assert category_rotation(column) == "-2700000"  # 45 degrees
        drawn_names = list(column.plots[0].categories)
        assert [n.replace("\n", " ") for n in drawn_names] == names
        assert "Taobao\nmarketplace" in drawn_names  # wider than its bar: on two lines
        for bar in bars:  # beside horizontal bars the names have room: level
            assert category_rotation(bar) == "0"
            assert list(bar.plots[0].categories) == names


@pytest.mark.parametrize("name", BUILT_INS)
def test_names_that_fit_their_bars_stay_level(name: str, real_decks: dict[str, bytes]) -> None:
    for _, graph in charts_in(real_decks[name]):
        assert category_rotation(graph) == "0"
        assert not any("\n" in c for c in graph.plots[0].categories)


@pytest.mark.parametrize("name", BUILT_INS)
def test_the_line_falling_past_a_bar_end_keeps_off_its_label(
    name: str, real_decks: dict[str, bytes]
) -> None:
    [graph] = [g for title, g in charts_in(real_decks[name]) if title.startswith("Segment")]
    bars = label_positions(graph.plots[0].series[0])
    # From 22% at International commerce down to -12% at Cainiao, the line passes
    # just beyond the 33.579bn bar's end: its label goes inside the bar.
    assert bars[2] in ("inEnd", "inBase")
