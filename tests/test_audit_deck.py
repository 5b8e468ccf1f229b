"""The provenance record a build embeds, and `briefgen audit` on decks edited since."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.deck_audit import ADDED, CHANGED, REMOVED, audit_deck_file
from briefgen.provenance.package import CARRIER_PROPERTIES, CARRIER_XML, read_record
from briefgen.provenance.record import NAMESPACE
from briefgen.provenance.serialise import from_properties, from_xml, to_properties, to_xml

from .conftest import REAL_PACK, ROOT, shared_sources
from .test_problem_codes import covers

runner = CliRunner()
DECK = "alibaba-ai-2025-default.pptx"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real pack's deck, built with its sources (so quotes carry their locators)."""
    out = tmp_path_factory.mktemp("built")
    sources = shared_sources()
    extra = ["--sources", str(sources)] if sources.is_dir() else []
    result = runner.invoke(app, ["build", str(REAL_PACK), "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return out / DECK


def _edit(deck: Path, target: Path, *edits: Callable[[Any], None]) -> Path:
    prs = Presentation(str(deck))
    for edit in edits:
        edit(prs)
    prs.save(str(target))
    return target


def _slide(prs: Any, title: str) -> Any:
    return next(
        s for s in prs.slides if s.shapes.title is not None and s.shapes.title.text == title
    )


def change_revenue(prs: Any) -> None:
    """Type over a figure on the summary slide (slide 2)."""
    for shape in _slide(prs, "Executive summary").shapes:
        if shape.has_text_frame:
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    if run.text == "RMB 236.454bn":
                        run.text = "RMB 240.1bn"
                        return
    raise AssertionError("no run shows RMB 236.454bn")


def add_sentence(prs: Any) -> None:
    """Add a bullet with a number no figure has to the first pillar slide (slide 3)."""
    slide = _slide(prs, "AI and cloud infrastructure")
    body = next(s for s in slide.shapes if s.has_text_frame and len(s.text_frame.paragraphs) > 2)
    body.text_frame.add_paragraph().text = "Management now guides to 45% cloud growth next year."


def remove_tile(prs: Any) -> None:
    """Delete the text box of the capex key figure on the summary slide."""
    slide = _slide(prs, "Executive summary")
    tile = next(s for s in slide.shapes if s.name == "Key figure capex_q4")
    tile._element.getparent().remove(tile._element)


def change_chart_point(prs: Any) -> None:
    """Edit the chart's data as PowerPoint's 'Edit data' does: cloud revenue 30.127 -> 35."""
    slide = _slide(prs, "Segment revenue and growth, quarter to March 2025")
    chart = next(s for s in slide.shapes if s.has_chart).chart
    data = CategoryChartData()
    data.categories = list(chart.plots[0].categories)
    for plot in chart.plots:
        for series in plot.series:
            values = list(series.values)
            if series.index == 0:
                values[1] = 35.0
            data.add_series(series.name, values)
    chart.replace_data(data)


def _codes(path: Path) -> list[tuple[str, int | None, str | None]]:
    return [(f.code, f.slide, f.figure) for f in audit_deck_file(path).findings]


# --- the record --------------------------------------------------------------------------


def test_build_embeds_the_record_twice_and_stays_byte_identical(
    built: Path, tmp_path: Path
) -> None:
    sources = shared_sources()
    if sources.is_dir():
        again = runner.invoke(
            app, ["build", str(REAL_PACK), "--out", str(tmp_path), "--sources", str(sources)]
        )
        assert again.exit_code == 0
        assert (tmp_path / DECK).read_bytes() == built.read_bytes()
    with zipfile.ZipFile(built) as archive:
        names = archive.namelist()
        assert {"customXml/item1.xml", "customXml/itemProps1.xml", "docProps/custom.xml"} <= set(
            names
        )
        types = archive.read("[Content_Types].xml").decode()
        assert 'PartName="/customXml/itemProps1.xml"' in types
        assert 'PartName="/docProps/custom.xml"' in types
        rels = archive.read("ppt/_rels/presentation.xml.rels").decode()
        assert 'Target="../customXml/item1.xml"' in rels
        assert "custom-properties" in archive.read("_rels/.rels").decode()
        props = archive.read("docProps/custom.xml").decode()
        assert props.count("briefgen.provenance.") >= 2
        found = read_record(archive)
    assert found is not None
    record, carrier = found
    assert carrier == CARRIER_XML
    assert (record.pack, record.template, record.as_of) == (
        "alibaba-ai-2025",
        "default",
        "2025-05-16",
    )
    summary = record.slides[1]
    assert summary.title == "Executive summary"
    shown = {(s.figure, s.text) for s in summary.figures}
    assert ("revenue_q4", "RMB 236.454bn") in shown and ("ai_streak_q4", "7") in shown
    revenue = next(s for s in summary.figures if s.figure == "revenue_q4")
    assert revenue.sources == ("results_analysis",)
    assert "236.454 billion yuan" in revenue.quotes[0].quote
    if sources.is_dir():
        assert revenue.quotes[0].locator == "line 9"
    chart = next(s for s in record.slides if s.charts)
    assert any(s.chart == 0 and s.figure == "cmr_q4" for s in chart.figures)


def test_record_serialisations_round_trip(built: Path) -> None:
    with zipfile.ZipFile(built) as archive:
        found = read_record(archive)
    assert found is not None
    record = found[0]
    assert from_xml(to_xml(record)) == record
    properties = to_properties(record)
    assert all(len(value) <= 255 for _, value in properties)
    assert from_properties(properties) == record
    assert to_xml(record).startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n')
    assert f'<provenance xmlns="{NAMESPACE}" version="1"'.encode() in to_xml(record)


def test_record_is_read_from_the_properties_when_the_xml_part_is_gone(
    built: Path, tmp_path: Path
) -> None:
    deck = _edit(built, tmp_path / "edited.pptx", change_revenue)
    stripped = tmp_path / "stripped.pptx"
    with zipfile.ZipFile(deck) as source, zipfile.ZipFile(stripped, "w") as target:
        for info in source.infolist():
            if not info.filename.startswith("customXml/"):
                target.writestr(info, source.read(info.filename))
    report = audit_deck_file(stripped)
    assert report.carrier == CARRIER_PROPERTIES
    assert [(f.code, f.slide, f.figure) for f in report.findings] == [(CHANGED, 2, "revenue_q4")]


# --- audit --------------------------------------------------------------------------------


def test_unedited_deck_is_clean(built: Path) -> None:
    result = runner.invoke(app, ["audit", str(built)])
    assert result.exit_code == 0, result.output
    assert f"{built}: ok: 0 changed, 0 added, 0 removed;" in result.output


@covers("deck-number-changed", "deck-number-added")
def test_number_changed_and_number_added_are_reported(built: Path, tmp_path: Path) -> None:
    deck = _edit(built, tmp_path / "edited.pptx", change_revenue, add_sentence)
    result = runner.invoke(app, ["audit", str(deck)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(
        f"{deck}: slide 2: revenue_q4 was 'RMB 236.454bn' as built, now 'RMB 240.1bn' "
        "(source results_analysis"
    )
    assert lines[0].endswith("[deck-number-changed]")
    assert lines[1].startswith(f"{deck}: slide 3: '45%' is not the value of any figure")
    assert lines[1].endswith("[deck-number-added]")
    assert "1 changed, 1 added, 0 removed" in lines[2]
    payload = json.loads(runner.invoke(app, ["audit", str(deck), "--format", "json"]).output)
    assert payload["ok"] is False and payload["record"] == CARRIER_XML
    assert payload["totals"]["changed"] == 1 and payload["totals"]["added"] == 1
    changed = payload["findings"][0]
    assert (changed["slide"], changed["figure"], changed["was"], changed["now"]) == (
        2,
        "revenue_q4",
        "RMB 236.454bn",
        "RMB 240.1bn",
    )
    assert changed["sources"] == ["results_analysis"] and changed["quotes"]


@covers("deck-figure-removed")
def test_removed_text_box_is_reported(built: Path, tmp_path: Path) -> None:
    deck = _edit(built, tmp_path / "removed.pptx", remove_tile)
    findings = audit_deck_file(deck).findings
    assert [(f.code, f.slide, f.figure) for f in findings] == [(REMOVED, 2, "capex_q4")]
    assert "still shown elsewhere on the slide" in findings[0].message


def test_chart_value_edited_in_place_is_reported(built: Path, tmp_path: Path) -> None:
    deck = _edit(built, tmp_path / "chart.pptx", change_chart_point)
    assert _codes(deck) == [(CHANGED, 7, "cloud_revenue_q4")]


def test_deleted_and_moved_slides(built: Path, tmp_path: Path) -> None:
    def delete_and_move(prs: Any) -> None:
        ids = prs.slides._sldIdLst
        slides = list(ids)
        ids.remove(slides[3])  # "Foundation models ...": its figures go with it
        ids.remove(slides[1])  # the summary moves to the end: still paired by its title
        ids.append(slides[1])

    deck = _edit(built, tmp_path / "reordered.pptx", delete_and_move)
    findings = audit_deck_file(deck).findings
    assert {(f.code, f.slide, f.built_slide) for f in findings} == {(REMOVED, None, 4)}
    assert {f.figure for f in findings} == {
        "qwen_derivative_models",
        "qwen_api_users",
        "ai_streak_q4",
    }


@covers("deck-unreadable", "deck-no-provenance")
def test_bad_input_exits_2(tmp_path: Path) -> None:
    not_zip = tmp_path / "notes.pptx"
    not_zip.write_text("hello", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(not_zip)])
    assert result.exit_code == 2
    assert "not a .pptx file (not a zip package) [deck-unreadable]" in result.output
    missing = runner.invoke(app, ["audit", str(tmp_path / "gone.pptx")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    plain = ROOT / "briefgen" / "templates" / "default" / "template.pptx"
    result = runner.invoke(app, ["audit", str(plain)])
    assert result.exit_code == 2
    assert "no briefgen provenance record in this deck" in result.output
    assert "[deck-no-provenance]" in result.output
    assert runner.invoke(app, ["audit", str(plain), "--format", "xml"]).exit_code == 2


def test_new_pack_deck_audits_clean(tmp_path: Path) -> None:
    pack = tmp_path / "acme"
    assert runner.invoke(app, ["new", str(pack)]).exit_code == 0
    out = tmp_path / "out"
    built = runner.invoke(
        app, ["build", str(pack), "--sources", str(pack / "sources"), "--out", str(out)]
    )
    assert built.exit_code == 0, built.output
    assert runner.invoke(app, ["audit", str(out / "acme-default.pptx")]).exit_code == 0


# --- through LibreOffice --------------------------------------------------------------------


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI"):
        pytest.fail("LibreOffice is required in CI")
    return found


@pytest.fixture(scope="module")
def round_tripped(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The clean and the edited deck, each opened and saved again as .pptx by LibreOffice."""
    soffice = _soffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    work = tmp_path_factory.mktemp("libreoffice")
    clean = work / "clean.pptx"
    shutil.copy(built, clean)
    edited = _edit(built, work / "edited.pptx", change_revenue, add_sentence)
    removed = _edit(built, work / "removed.pptx", remove_tile)
    out = work / "out"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--convert-to",
            "pptx",
            "--outdir",
            str(out),
            str(clean),
            str(edited),
            str(removed),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {name: out / f"{name}.pptx" for name in ("clean", "edited", "removed")}


def test_record_survives_libreoffice(round_tripped: dict[str, Path]) -> None:
    with zipfile.ZipFile(round_tripped["clean"]) as archive:
        assert read_record(archive) is not None
        # LibreOffice keeps the custom XML part but moves its relationship to the package.
        assert "customXml/item1.xml" in archive.namelist()
        assert "briefgen.provenance.000" in archive.read("docProps/custom.xml").decode()
    report = audit_deck_file(round_tripped["clean"])
    assert report.ok, [f.message for f in report.findings]


def test_edits_are_reported_after_libreoffice(round_tripped: dict[str, Path]) -> None:
    assert _codes(round_tripped["edited"]) == [(CHANGED, 2, "revenue_q4"), (ADDED, 3, None)]
    assert _codes(round_tripped["removed"]) == [(REMOVED, 2, "capex_q4")]


def test_properties_carrier_survives_libreoffice(
    round_tripped: dict[str, Path], tmp_path: Path
) -> None:
    stripped = tmp_path / "stripped.pptx"
    with zipfile.ZipFile(round_tripped["edited"]) as source:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as target:
            for info in source.infolist():
                if not info.filename.startswith("customXml/"):
                    target.writestr(info, source.read(info.filename))
    stripped.write_bytes(buffer.getvalue())
    report = audit_deck_file(stripped)
    assert report.carrier == CARRIER_PROPERTIES
    assert [(f.code, f.slide) for f in report.findings] == [(CHANGED, 2), (ADDED, 3)]


def test_stamping_again_replaces_the_record_and_keeps_other_properties(built: Path) -> None:
    from briefgen.provenance.package import embed

    with zipfile.ZipFile(built) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
        found = read_record(archive)
    assert found is not None
    props = files["docProps/custom.xml"].decode()
    mine = (
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="99" name="Department">'
        "<vt:lpwstr>Investor relations</vt:lpwstr></property>"
    )
    files["docProps/custom.xml"] = props.replace("</Properties>", mine + "</Properties>").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, data in files.items():
            target.writestr(name, data)
    again = embed(buffer.getvalue(), found[0])
    with zipfile.ZipFile(io.BytesIO(again)) as archive:
        items = [n for n in archive.namelist() if n.startswith("customXml/item")]
        assert sorted(items) == ["customXml/item1.xml", "customXml/itemProps1.xml"]
        custom = archive.read("docProps/custom.xml").decode()
        assert custom.count('name="Department"') == 1
        assert custom.count('name="briefgen.provenance.000"') == 1
        assert read_record(archive) == (found[0], CARRIER_XML)
        rels = archive.read("ppt/_rels/presentation.xml.rels").decode()
        assert rels.count("customXml/item") == 1
        assert archive.read("[Content_Types].xml").decode().count("customXml/itemProps") == 1
