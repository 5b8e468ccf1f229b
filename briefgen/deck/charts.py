"""Native, editable charts that say their units; a combo is bars plus a line on a second axis.

Every value axis has a title naming its unit ("RMB bn", "% year on year"), taken
from the figures and never typed; data labels carry the unit too ("71.077bn",
"-12%"). A legend appears only when there is more than one series; a single
series' source marks go on its axis title instead. The categories (periods,
segments) name themselves and their axis has no title; their names wrap at spaces,
or are slanted when a word would not fit under its bar (``chart_text``). Series take
the theme's accent colours, so a chart follows the template it is drawn in.

python-pptx has no combo API, so the chart is made with every series as the base
type, then the secondary series are moved into a ``c:lineChart`` of their own with
a second (hidden) category axis and a value axis on the right: the structure
PowerPoint itself writes, which LibreOffice also reads. Both value axes get scales
with zero at the same height and the same number of steps, so a negative growth
rate is drawn below the bars' baseline, and labels are put where the line, its
markers and its labels do not cross the bars' labels (``chart_scales``): a bar's
label beyond its end, inside it, or inside its foot.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, replace
from typing import Any

from pptx.chart import axis, data
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from briefgen.deck.chart_scales import AxisScale, Sizes, Widths, aligned_scales, apart, settle
from briefgen.deck.chart_text import (
    TEXT_PT,
    Unit,
    axis_title,
    category_names,
    chart_error,
    label_width,
    series_unit,
)
from briefgen.deck.frame import Deck, SlideWriter
from briefgen.deck.text import element, set_fonts, sub_element, xml_element
from briefgen.errors import Problem, RenderError
from briefgen.models import Chart, ChartSeries
from briefgen.templates import SlideSpec

_BASE = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "combo": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}
_ACCENTS = (
    MSO_THEME_COLOR.ACCENT_1,
    MSO_THEME_COLOR.ACCENT_2,
    MSO_THEME_COLOR.ACCENT_3,
    MSO_THEME_COLOR.ACCENT_4,
    MSO_THEME_COLOR.ACCENT_5,
    MSO_THEME_COLOR.ACCENT_6,
)
# python-pptx leaves these unannotated; typed as Any here once, not at every call.
_CategoryChartData: Any = data.CategoryChartData
_ValueAxis: Any = axis.ValueAxis
_SECONDARY_CAT_AX = "50000001"
_SECONDARY_VAL_AX = "50000002"
LABELS_UP_TO = 12  # more categories than this and data labels would crowd
_LABEL_PT = TEXT_PT * 1.3  # a data label's height with its padding
_GAP_PT = 5.0  # from a point or bar end to its label
_MARKER_PT = 7
_FRAME_PT = 72.0  # of the chart's height: tick labels, legend and margins, not the plot
_AXIS_PT = 60.0  # of its width, for each value axis: its title, tick labels and margin
_MOST_ROOM = 0.2  # of a short plot's height, kept beyond the data for labels at most
_SLANT = "-2700000"  # category names at 45 degrees, in 60000ths of a degree
_POSITION = {
    "inside": XL_LABEL_POSITION.INSIDE_END,
    "outside": XL_LABEL_POSITION.OUTSIDE_END,
    "above": XL_LABEL_POSITION.ABOVE,
    "below": XL_LABEL_POSITION.BELOW,
    "base": XL_LABEL_POSITION.INSIDE_BASE,
}


# --- the slide -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    """A chart as drawn: its series in plot order (primary axis first), values and units."""

    chart: Chart
    series: tuple[ChartSeries, ...]
    values: tuple[tuple[float, ...], ...]
    units: tuple[Unit, ...]
    marks: tuple[str, ...]
    height_pt: float  # the chart frame's
    width_pt: float
    label_pt: tuple[tuple[float, ...], ...]  # each data label's width
    names: tuple[str, ...] = ()  # the categories as drawn: slanted ones broken at a space
    slant_pt: float = 0.0  # height slanted category names take beyond level ones

    @property
    def slanted(self) -> bool:
        return self.slant_pt > 0

    @property
    def primary(self) -> int:
        """How many series are on the primary axis (they come first)."""
        return sum(1 for s in self.series if s.axis == "primary")

    @property
    def axes(self) -> list[range]:
        """The series on each value axis, primary first."""
        count = len(self.series)
        return [r for r in (range(self.primary), range(self.primary, count)) if r]

    @property
    def labelled(self) -> bool:
        return len(self.chart.categories) <= LABELS_UP_TO

    @property
    def sizes(self) -> Sizes:
        """A data label, its gap and a marker, as fractions of the plot's height."""
        plot = max(self.height_pt - _FRAME_PT - self.slant_pt, 1.0)
        return Sizes(_LABEL_PT / plot, _GAP_PT / plot, _MARKER_PT / plot)

    @property
    def category_pt(self) -> float:
        """The width of one category across the plot."""
        plot = max(self.width_pt - _AXIS_PT * len(self.axes), 1.0)
        return plot / len(self.chart.categories)

    def widths(self, series: int) -> tuple[float, ...]:
        """The series' data labels' widths, in category widths."""
        return tuple(w / self.category_pt for w in self.label_pt[series])


def chart_slides(deck: Deck, spec: SlideSpec) -> None:
    charts = deck.resolved.charts
    if spec.chart is not None:
        charts = tuple(c for c in charts if c.id == spec.chart)
        if not charts:
            message = (
                f"the template's chart slide names chart '{spec.chart}', "
                "which the pack does not have"
            )
            index = next(i for i, s in enumerate(deck.manifest.slides) if s is spec)
            where = deck.template.where(("slides", index, "chart"))
            raise RenderError(message, [Problem("deck-unknown-chart", message, **where)])
    for chart in charts[: spec.limit] if spec.limit else charts:
        chart_slide(deck, spec, chart)


def chart_slide(deck: Deck, spec: SlideSpec, chart: Chart) -> None:
    secondary = [s for s in chart.series if s.axis == "secondary"]
    if secondary and chart.type == "bar":
        where = ("series", chart.series.index(secondary[0]), "axis")
        raise chart_error(
            deck, chart, "a horizontal bar chart has no secondary axis; use type 'combo'", *where
        )
    writer = SlideWriter(deck, spec, spec.title or chart.title)
    region = writer.region("chart")
    ids = [f for s in chart.series for f in s.figures]
    sources = list(dict.fromkeys(s for f in ids for s in deck.resolved.figures[f].sources))
    box = region.down_to(writer.geometry.content_bottom(sources))
    plan = _plan(deck, writer, chart, (box.w / 12700, box.h / 12700))
    _check_axes(deck, plan)
    chart_data = _CategoryChartData()
    chart_data.categories = list(plan.names)
    for series, values, unit, mark in zip(
        plan.series, plan.values, plan.units, plan.marks, strict=True
    ):
        chart_data.add_series(series.name + mark, values, number_format=unit.label_format)
    frame = writer.slide.shapes.add_chart(
        _BASE[chart.type], Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h), chart_data
    )
    frame.name = f"Chart {chart.id}"
    graph = frame.chart
    if secondary:
        _move_to_secondary(graph, plan.primary)
    _style(graph, plan, deck)
    _normalise_workbook(graph)
    writer.finish()


def _plan(deck: Deck, writer: SlideWriter, chart: Chart, size_pt: tuple[float, float]) -> _Plan:
    ordered = [s for s in chart.series if s.axis == "primary"]
    ordered += [s for s in chart.series if s.axis == "secondary"]
    figures = deck.resolved.figures
    plan = _Plan(
        chart,
        tuple(ordered),
        tuple(tuple(float(figures[f].figure.value) for f in s.figures) for s in ordered),
        tuple(series_unit(deck, chart, s) for s in ordered),
        tuple(writer.cites.mark(s.figures) for s in ordered),
        size_pt[1],
        size_pt[0],
        tuple(tuple(label_width(figures[f].figure, deck.face) for f in s.figures) for s in ordered),
    )
    level = chart.type == "bar"
    names, slant = category_names(chart.categories, plan.category_pt, deck.face, level)
    return replace(plan, names=names, slant_pt=slant)


def _check_axes(deck: Deck, plan: _Plan) -> None:
    """Series drawn against one axis must be in one unit, or the axis would mislead; the
    first series in another unit than the axis's first is the one to move."""
    for indices in plan.axes:
        units = {plan.units[i].key: plan.series[i] for i in indices}
        if len(units) > 1:
            names = "', '".join(s.name for s in units.values())
            first = plan.units[indices[0]].key
            odd = next(plan.series[i] for i in indices if plan.units[i].key != first)
            raise chart_error(
                deck,
                plan.chart,
                f"series '{names}' share an axis but not a unit; put one on the secondary axis",
                "series",
                plan.chart.series.index(odd),
            )


def _move_to_secondary(graph: Any, first: int) -> None:
    """Move series ``first``... into a line plot on a secondary value axis at the right."""
    plot_area = graph._chartSpace.find(qn("c:chart")).find(qn("c:plotArea"))
    base = next(el for el in plot_area if el.tag in (qn("c:barChart"), qn("c:lineChart")))
    line = element("c:lineChart")
    base.addnext(line)
    sub_element(line, "c:grouping", val="standard")
    sub_element(line, "c:varyColors", val="0")
    for ser in base.findall(qn("c:ser"))[first:]:
        line.append(ser)
        if base.tag == qn("c:barChart"):
            _bar_series_to_line(ser)
    sub_element(line, "c:marker", val="1")
    for ax_id in (_SECONDARY_CAT_AX, _SECONDARY_VAL_AX):
        sub_element(line, "c:axId", val=ax_id)
    last_axis = [el for el in plot_area if el.tag in (qn("c:catAx"), qn("c:valAx"))][-1]
    category_axis, value_axis = list(xml_element(_SECONDARY_AXES_XML))
    last_axis.addnext(value_axis)
    last_axis.addnext(category_axis)


def _bar_series_to_line(ser: Any) -> None:
    """A bar chart's ``c:ser`` made valid for a line chart (schema order kept)."""
    for tag in ("c:invertIfNegative", "c:pictureOptions", "c:shape"):
        for old in ser.findall(qn(tag)):
            ser.remove(old)
    marker = element("c:marker")
    sub_element(marker, "c:symbol", val="circle")
    sub_element(marker, "c:size", val="7")
    anchor = ser.find(qn("c:spPr"))
    if anchor is None:
        anchor = ser.find(qn("c:tx"))
    anchor.addnext(marker)
    ser.find(qn("c:val")).addnext(element("c:smooth", val="0"))


_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_SECONDARY_AXES_XML = (
    f'<c:axes xmlns:c="{_C}">'
    f'<c:catAx><c:axId val="{_SECONDARY_CAT_AX}"/><c:scaling>'
    '<c:orientation val="minMax"/></c:scaling>'
    '<c:delete val="1"/><c:axPos val="b"/><c:majorTickMark val="none"/>'
    '<c:minorTickMark val="none"/>'
    f'<c:tickLblPos val="nextTo"/><c:crossAx val="{_SECONDARY_VAL_AX}"/><c:crosses val="autoZero"/>'
    '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>'
    '<c:noMultiLvlLbl val="0"/></c:catAx>'
    f'<c:valAx><c:axId val="{_SECONDARY_VAL_AX}"/><c:scaling>'
    '<c:orientation val="minMax"/></c:scaling>'
    '<c:delete val="0"/><c:axPos val="r"/><c:numFmt formatCode="General" sourceLinked="0"/>'
    '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
    f'<c:crossAx val="{_SECONDARY_CAT_AX}"/><c:crosses val="max"/><c:crossBetween val="between"/>'
    "</c:valAx></c:axes>"
)


def _style(graph: Any, plan: _Plan, deck: Deck) -> None:
    graph.has_title = False
    graph.has_legend = len(plan.series) > 1
    if graph.has_legend:
        graph.legend.position = XL_LEGEND_POSITION.BOTTOM
        graph.legend.include_in_layout = False
    graph.font.size = Pt(TEXT_PT)
    scales = _scales(plan)
    _style_axes(graph, plan, deck, scales)
    _style_series(graph, plan, scales)
    for props in graph._chartSpace.iter(qn("a:defRPr"), qn("a:rPr")):
        set_fonts(props, deck.fonts, "")


def _scales(plan: _Plan) -> list[AxisScale] | None:
    """Bars start at zero with room for their labels, two axes share their zero line;
    a line chart on one axis is scaled by the renderer, which need not show zero."""
    if plan.chart.type == "line" and len(plan.axes) == 1:
        return None
    ranges = [
        (min(min(plan.values[i]) for i in r), max(max(plan.values[i]) for i in r))
        for r in plan.axes
    ]
    if not plan.labelled or plan.chart.type == "bar":  # labels beside bars: not heights
        return aligned_scales(ranges)
    # Room for a label beyond the data at each end, and no more: a tall chart's bars
    # reach nearer its top than a short one's.
    sizes = plan.sizes
    room = min(sizes.gap + sizes.label, _MOST_ROOM)
    return aligned_scales(ranges, [(room, room)] * len(ranges))


def _style_axes(graph: Any, plan: _Plan, deck: Deck, scales: list[AxisScale] | None) -> None:
    """Each value axis titled with its unit, ticked in it, and scaled; categories below."""
    value_axes = [_ValueAxis(ax) for ax in graph._chartSpace.valAx_lst]
    for index, (value_axis, indices) in enumerate(zip(value_axes, plan.axes, strict=True)):
        ids = [f for i in indices for f in plan.series[i].figures]
        title = axis_title([deck.resolved.figures[f].figure for f in ids])
        _axis_title(value_axis, title + _single_mark(plan), plan.chart.type != "bar")
        scale = scales[index] if scales is not None else None
        unit = plan.units[indices[0]]
        value_axis.tick_labels.number_format = unit.tick_format(scale.step if scale else None)
        value_axis.tick_labels.number_format_is_linked = False
        value_axis.tick_labels.font.size = Pt(TEXT_PT)
        value_axis.has_major_gridlines = index == 0
        if scale is not None:
            value_axis.minimum_scale = scale.low
            value_axis.maximum_scale = scale.high
            value_axis.major_unit = scale.step
    gridlines = value_axes[0].major_gridlines.format.line.color
    gridlines.theme_color = MSO_THEME_COLOR.BACKGROUND_1
    gridlines.brightness = -0.15
    categories = graph.category_axis
    categories.tick_labels.font.size = Pt(TEXT_PT)
    # Level names, wrapped at spaces if need be, rather than slanted: easier to read, and
    # to find; slanted only where a word is wider than its category (``_with_names``).
    slant = _SLANT if plan.slanted else "0"
    categories._element.find(qn("c:txPr")).find(qn("a:bodyPr")).set("rot", slant)
    # Category names stay at the foot of the plot when values below zero move its axis up.
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    if plan.chart.type == "bar":
        categories.reverse_order = True  # first category at the top
        # and the value axis, crossing at the last category, still at the foot
        value_axes[0]._element.find(qn("c:crosses")).set("val", "max")


def _single_mark(plan: _Plan) -> str:
    """Without a legend, a lone series' source marks go on its axis title."""
    return plan.marks[0] if len(plan.series) == 1 else ""


def _axis_title(value_axis: Any, text: str, vertical: bool) -> None:
    frame = value_axis.axis_title.text_frame
    frame.text = text
    font = frame.paragraphs[0].runs[0].font
    font.size = Pt(TEXT_PT)
    font.bold = False
    if vertical:
        body = frame._txBody.find(qn("a:bodyPr"))
        body.set("rot", "-5400000")
        body.set("vert", "horz")


def _style_series(graph: Any, plan: _Plan, scales: list[AxisScale] | None) -> None:
    """Theme accents in series order; lines with round markers; labels where they help."""
    placements = _placements(plan, scales)
    combo = len(plan.axes) > 1
    index = 0
    for plot in graph.plots:
        is_line = plot._element.tag == qn("c:lineChart")
        if not is_line:
            plot.gap_width = 80
        for series in plot.series:
            accent = _ACCENTS[index % len(_ACCENTS)]
            if is_line:
                _line_look(series, accent)
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.theme_color = accent
            if plan.labelled:
                _label(series, plan.units[index].label_format, placements[index], is_line and combo)
            index += 1


def _line_look(series: Any, accent: Any) -> None:
    series.smooth = False
    series.format.line.width = Pt(2.25)
    series.format.line.color.theme_color = accent
    marker = series.marker
    marker.style = XL_MARKER_STYLE.CIRCLE
    marker.size = _MARKER_PT
    marker.format.fill.solid()
    marker.format.fill.fore_color.theme_color = accent
    marker.format.line.color.theme_color = accent


# --- data labels -----------------------------------------------------------------------------


def _placements(plan: _Plan, scales: list[AxisScale] | None) -> list[list[str]]:
    """Each series' label position at each point: a line's above its point, or below when
    the value is negative; a bar's beyond the bar's end. Two series, bars and a line or
    two lines, get positions that keep their labels apart."""
    placed: list[list[str]] = [
        ["above" if v >= 0 else "below" for v in values]
        if plan.chart.type == "line" or i >= plan.primary
        else ["outside"] * len(values)
        for i, values in enumerate(plan.values)
    ]
    line_chart = plan.chart.type == "line"
    if len(plan.series) != 2 or (not line_chart and len(plan.axes) == 1):
        return placed
    first, second = plan.values
    if scales is not None and len(scales) == 2:
        if not line_chart:  # one bar series, one line on the secondary axis
            widths = Widths(plan.widths(0), plan.widths(1))
            bars, line = settle(first, second, scales, plan.sizes, widths)
            return [list(bars), list(line)]
        first = tuple(scales[0].height(v) for v in first)
        second = tuple(scales[1].height(v) for v in second)
    return list(map(list, apart(first, second))) if line_chart else placed


def _label(series: Any, fmt: str, placed: list[str], backed: bool) -> None:
    """Values labelled in the series' number format; points placed apart from the rest
    get a label of their own."""
    usual = max(placed, key=placed.count)
    labels = series.data_labels
    labels.show_value = True
    labels.number_format = fmt
    labels.number_format_is_linked = False
    labels.position = _POSITION[usual]
    _label_look(labels, labels._element, usual, backed)
    for index, position in enumerate(placed):
        if position != usual:
            label = series.points[index].data_label
            label.position = _POSITION[position]
            own = label._get_or_add_dLbl()
            own.find(qn("c:spPr")).addprevious(
                element("c:numFmt", formatCode=fmt, sourceLinked="0")
            )
            _label_look(label, own, position, backed)


def _label_look(label: Any, xml: Any, position: str, backed: bool) -> None:
    """Text at the chart's size; white inside a bar; a line's labels backed where the
    line crosses bars."""
    label.font.size = Pt(TEXT_PT)
    inverse = position in ("inside", "base")
    label.font.color.theme_color = (
        MSO_THEME_COLOR.BACKGROUND_1 if inverse else MSO_THEME_COLOR.TEXT_1
    )
    if backed:
        sp_pr = xml.find(qn("c:spPr"))
        if sp_pr is None:
            sp_pr = element("c:spPr")
            anchor = xml.find(qn("c:numFmt"))
            if anchor is not None:
                anchor.addnext(sp_pr)
            else:
                xml.insert(0, sp_pr)
        fill = sub_element(sp_pr, "a:solidFill")
        sub_element(fill, "a:schemeClr", val="bg1")


def _normalise_workbook(graph: Any) -> None:
    """The embedded workbook records when it was written; fix that, and its zip times."""
    workbook = graph.part.chart_workbook.xlsx_part
    if workbook is None:
        return
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook.blob)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fixed_dates(data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)
    workbook._blob = out.getvalue()


_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def _fixed_dates(core: bytes) -> bytes:
    return _DATES.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", core)
