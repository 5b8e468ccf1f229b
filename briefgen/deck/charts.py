"""Native, editable charts; a combo chart is bars plus a line on a secondary axis.

python-pptx has no combo API, so the chart is made with every series as the base
type, then the secondary series are moved into a ``c:lineChart`` of their own with
a second (hidden) category axis and a value axis on the right: the structure
PowerPoint itself writes, which LibreOffice also reads.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from pptx.chart import axis, data
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from briefgen.deck.frame import Deck, SlideWriter
from briefgen.deck.text import element, set_fonts, sub_element, xml_element
from briefgen.errors import Problem, RenderError
from briefgen.models import Chart, ChartSeries, Kind
from briefgen.templates import SlideSpec

_BASE = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "combo": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
}
_SUFFIX = {Kind.PERCENT: '"%"', Kind.PERCENTAGE_POINTS: '"pp"', Kind.MULTIPLE: '"x"'}
# python-pptx leaves these unannotated; typed as Any here once, not at every call.
_CategoryChartData: Any = data.CategoryChartData
_ValueAxis: Any = axis.ValueAxis
_SECONDARY_CAT_AX = "50000001"
_SECONDARY_VAL_AX = "50000002"
_LABELS_UP_TO = 12  # more categories than this and data labels would crowd


def _error(chart: Chart, message: str) -> RenderError:
    text = f"chart '{chart.id}': {message}"
    return RenderError(text, [Problem("deck-chart", text, field=f"charts.{chart.id}")])


def number_format(deck: Deck, chart: Chart, series: ChartSeries) -> str:
    """An Excel number format for a series, from its figures' kind and written places."""
    figures = [deck.resolved.figures[f].figure for f in series.figures]
    units = {(f.kind, f.currency, f.scale) for f in figures}
    if len(units) > 1:
        raise _error(chart, f"series '{series.name}' mixes units; one series, one unit")
    places = {f.decimals for f in figures}
    if len(places) > 1:
        # One fixed format would pad 24 to 24.0 beside 72.5, claiming precision the
        # source does not give; General shows each value as it was written.
        base = "General"
    else:
        (count,) = places
        base = "#,##0" + ("." + "0" * count if count else "")
    return base + _SUFFIX.get(figures[0].kind, "")


def chart_slides(deck: Deck, spec: SlideSpec) -> None:
    charts = deck.resolved.charts
    if spec.chart is not None:
        charts = tuple(c for c in charts if c.id == spec.chart)
        if not charts:
            message = (
                f"the template's chart slide names chart '{spec.chart}', "
                "which the pack does not have"
            )
            path = str(deck.template.manifest_path)
            raise RenderError(
                message, [Problem("deck-unknown-chart", message, path, field="slides.chart")]
            )
    for chart in charts[: spec.limit] if spec.limit else charts:
        chart_slide(deck, spec, chart)


def chart_slide(deck: Deck, spec: SlideSpec, chart: Chart) -> None:
    secondary = [s for s in chart.series if s.axis == "secondary"]
    if secondary and chart.type == "bar":
        raise _error(chart, "a horizontal bar chart has no secondary axis; use type 'combo'")
    writer = SlideWriter(deck, spec, spec.title or chart.title)
    region = writer.region("chart")
    ids = [f for s in chart.series for f in s.figures]
    sources = list(dict.fromkeys(s for f in ids for s in deck.resolved.figures[f].sources))
    box = region.down_to(writer.geometry.content_bottom(sources))
    chart_data = _CategoryChartData()
    chart_data.categories = list(chart.categories)
    ordered = [s for s in chart.series if s.axis == "primary"] + secondary
    formats = [number_format(deck, chart, series) for series in ordered]
    for series, fmt in zip(ordered, formats, strict=True):
        values = [float(deck.resolved.figures[f].figure.value) for f in series.figures]
        chart_data.add_series(
            series.name + writer.cites.mark(series.figures), values, number_format=fmt
        )
    frame = writer.slide.shapes.add_chart(
        _BASE[chart.type], Emu(box.x), Emu(box.y), Emu(box.w), Emu(box.h), chart_data
    )
    frame.name = f"Chart {chart.id}"
    graph = frame.chart
    if secondary:
        _move_to_secondary(graph, len(ordered) - len(secondary), formats[-1])
    _style(graph, chart, deck, formats)
    _normalise_workbook(graph)
    writer.finish()


def _move_to_secondary(graph: Any, first: int, fmt: str) -> None:
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
    category_axis, value_axis = list(xml_element(_SECONDARY_AXES_XML.format(fmt=_xml_attr(fmt))))
    last_axis.addnext(value_axis)
    last_axis.addnext(category_axis)


def _xml_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


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
    '<c:delete val="0"/><c:axPos val="r"/><c:numFmt formatCode="{fmt}" sourceLinked="0"/>'
    '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
    f'<c:crossAx val="{_SECONDARY_CAT_AX}"/><c:crosses val="max"/><c:crossBetween val="between"/>'
    "</c:valAx></c:axes>"
)


def _style(graph: Any, chart: Chart, deck: Deck, formats: list[str]) -> None:
    graph.has_title = False
    graph.has_legend = True
    graph.legend.position = XL_LEGEND_POSITION.BOTTOM
    graph.legend.include_in_layout = False
    graph.font.size = Pt(12)
    _style_axes(graph, chart, deck)
    _style_series(graph, chart, formats)
    for props in graph._chartSpace.iter(qn("a:defRPr"), qn("a:rPr")):
        set_fonts(props, deck.fonts, "")


def _style_axes(graph: Any, chart: Chart, deck: Deck) -> None:
    # python-pptx's ``value_axis`` is the second value axis when there are two.
    value_axes = [_ValueAxis(ax) for ax in graph._chartSpace.valAx_lst]
    primary = value_axes[0]
    for extra in value_axes[1:]:
        extra.has_major_gridlines = False
        extra.tick_labels.font.size = Pt(12)
    primary.has_major_gridlines = True
    primary.major_gridlines.format.line.color.theme_color = MSO_THEME_COLOR.BACKGROUND_1
    primary.major_gridlines.format.line.color.brightness = -0.15
    primary.tick_labels.number_format = "General"
    primary.tick_labels.number_format_is_linked = False
    if chart.type == "bar":
        graph.category_axis.reverse_order = True  # first category at the top
    if chart.type != "line" and _all_positive(chart, deck):
        primary.minimum_scale = 0  # bars measured from zero, never a cut-off axis


def _style_series(graph: Any, chart: Chart, formats: list[str]) -> None:
    """Lines with round markers; each series labelled in its own number format."""
    labelled = len(chart.categories) <= _LABELS_UP_TO
    index = 0
    for plot in graph.plots:
        is_line = plot._element.tag == qn("c:lineChart")
        if plot._element.tag == qn("c:barChart"):
            plot.gap_width = 80
        for series in plot.series:
            if is_line:
                series.smooth = False
                series.marker.style = XL_MARKER_STYLE.CIRCLE
                series.marker.size = 7
                series.format.line.width = Pt(2.25)
            if labelled:
                labels = series.data_labels
                labels.show_value = True
                labels.number_format = formats[index]
                labels.number_format_is_linked = False
                labels.font.size = Pt(12)
                _place_labels(labels, is_line, chart.type == "combo")
            index += 1


def _place_labels(labels: Any, is_line: bool, combo: bool) -> None:
    if is_line:
        labels.position = XL_LABEL_POSITION.ABOVE
        if combo:  # the line crosses the bars: give its labels a backing to stay legible
            _label_backing(labels._element)
    elif combo:  # inside the bars, clear of the line's labels
        labels.position = XL_LABEL_POSITION.INSIDE_END
        labels.font.color.theme_color = MSO_THEME_COLOR.BACKGROUND_1
    else:
        labels.position = XL_LABEL_POSITION.OUTSIDE_END


def _label_backing(d_lbls: Any) -> None:
    sp_pr = xml_element(
        f'<c:spPr xmlns:c="{_C}" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:solidFill><a:schemeClr val="bg1"/></a:solidFill></c:spPr>'
    )
    anchor = d_lbls.find(qn("c:numFmt"))
    if anchor is not None:
        anchor.addnext(sp_pr)
    else:
        d_lbls.insert(0, sp_pr)


def _all_positive(chart: Chart, deck: Deck) -> bool:
    primary = [f for s in chart.series if s.axis == "primary" for f in s.figures]
    return all(deck.resolved.figures[f].figure.value >= 0 for f in primary)


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
