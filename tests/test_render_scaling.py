"""Long decks: parts named in sequence, relationships unique, templates read once.

A render starts from its own copy of a template parsed once per content; new parts
are named from running numbers and a slide is kept as bytes once the next one is
started. None of that may change a deck: a render equals one made with python-pptx's
own package, part for part, and two renders in one process give the same bytes.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Inches

from briefgen import render_deck as rendering
from briefgen.build import BuildOptions, render_outputs
from briefgen.deck.frame import Deck
from briefgen.errors import TemplateError
from briefgen.load import load_pack
from briefgen.render_deck import fresh_presentation, render_deck
from briefgen.resolve import Resolved, resolve_pack
from briefgen.templates import BUILTIN_DIR, Template, find_template, search_path

from .conftest import REAL_PACK

DEFAULT_PPTX = BUILTIN_DIR / "default" / "template.pptx"
BUILT_INS = ("default", "board", "teaser", "ic")
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def template(name: str) -> Template:
    return find_template(name, search_path(None, Path("/nonexistent")))


def members(data: bytes) -> dict[str, Any]:
    """Each entry's bytes; a chart's workbook by its entries, less the time it was made."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found: dict[str, Any] = {name: archive.read(name) for name in archive.namelist()}
    for name, content in found.items():
        if name.endswith(".xlsx"):
            inner = members(content)
            inner.pop("docProps/core.xml", None)
            found[name] = inner
    return found


def saved(prs: Any) -> bytes:
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def add_slides(prs: Any, count: int, chart_every: int = 0) -> None:
    """Slides with a title and notes, and now and then a chart, as the renderer makes them."""
    layout = prs.slide_layouts.get_by_name("BG Title and Body")
    for number in range(1, count + 1):
        slide = prs.slides.add_slide(layout)
        slide.shapes.title.text = f"Slide {number}"
        slide.notes_slide.notes_text_frame.text = f"Notes of slide {number}"
        if chart_every and number % chart_every == 1:
            data: Any = CategoryChartData()
            data.categories = ["Cloud", "Retail"]
            data.add_series("Revenue", (float(number), 2.0))
            slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, 0, 0, Inches(4), Inches(3), data)


@pytest.fixture(scope="module")
def real() -> Resolved:
    return resolve_pack(load_pack(REAL_PACK))


# --- the same deck as python-pptx's own package makes ----------------------------------------


def test_slides_notes_and_charts_equal_python_pptxs_own() -> None:
    ours, theirs = fresh_presentation(DEFAULT_PPTX), Presentation(str(DEFAULT_PPTX))
    for prs in (ours, theirs):
        add_slides(prs, 40, chart_every=7)
    assert members(saved(ours)) == members(saved(theirs))


@pytest.mark.parametrize("name", BUILT_INS)
def test_a_render_equals_one_through_python_pptxs_own_package(name: str, real: Resolved) -> None:
    chosen = template(name)
    plain = Deck(real, chosen)  # python-pptx's Presentation, opened from the file
    builders = rendering._builders()
    for spec in chosen.manifest.slides:
        builders[spec.kind](plain, spec)
    assert members(render_deck(real, chosen)) == members(plain.save())


# --- a long deck --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_deck() -> bytes:
    prs = fresh_presentation(DEFAULT_PPTX)
    add_slides(prs, 320, chart_every=40)
    return saved(prs)


def numbered(names: list[str], pattern: str) -> list[int]:
    return sorted(int(m.group(1)) for n in names if (m := re.fullmatch(pattern, n)))


def test_part_names_run_in_sequence(long_deck: bytes) -> None:
    names = zipfile.ZipFile(io.BytesIO(long_deck)).namelist()
    assert len(names) == len(set(names))
    assert numbered(names, r"ppt/slides/slide(\d+)\.xml") == list(range(1, 321))
    assert numbered(names, r"ppt/notesSlides/notesSlide(\d+)\.xml") == list(range(1, 321))
    assert numbered(names, r"ppt/charts/chart(\d+)\.xml") == list(range(1, 9))
    workbooks = numbered(names, r"ppt/embeddings/Microsoft_Excel_Sheet(\d+)\.xlsx")
    assert workbooks == list(range(1, 9))


def test_no_relationship_twice(long_deck: bytes) -> None:
    parts = members(long_deck)
    for name, xml in parts.items():
        if not name.endswith(".rels"):
            continue
        rels = ElementTree.fromstring(xml).findall(_REL)
        ids = Counter(r.get("Id") for r in rels)
        links = Counter((r.get("Type"), r.get("Target")) for r in rels)
        assert max(ids.values()) == 1, name
        assert max(links.values()) == 1, name
    presentation = ElementTree.fromstring(parts["ppt/presentation.xml"])
    slide_ids = [int(s.get("id", "0")) for s in presentation.iter(f"{_P}sldId")]
    assert slide_ids == list(range(256, 256 + 320))


def test_the_long_deck_reopens_with_every_slide_whole(long_deck: bytes) -> None:
    reopened = Presentation(io.BytesIO(long_deck))
    assert len(reopened.slides) == 320
    for number in (1, 41, 320):
        slide = reopened.slides[number - 1]
        assert slide.shapes.title.text == f"Slide {number}"
        assert slide.notes_slide.notes_text_frame.text == f"Notes of slide {number}"
    charts = [s for s in reopened.slides if any(shape.has_chart for shape in s.shapes)]
    assert len(charts) == 8


def test_a_slide_is_final_once_the_next_is_started() -> None:
    prs = fresh_presentation(DEFAULT_PPTX)
    layout = prs.slide_layouts.get_by_name("BG Title and Body")
    first = prs.slides.add_slide(layout)
    first.shapes.title.text = "Kept"
    prs.slides.add_slide(layout)
    with pytest.raises(AttributeError):
        first.part.slide  # noqa: B018 - its tree is let go; it cannot be changed unseen
    assert Presentation(io.BytesIO(saved(prs))).slides[0].shapes.title.text == "Kept"


# --- one process, many renders ----------------------------------------------------------


def test_two_renders_in_one_process_give_the_same_bytes(real: Resolved) -> None:
    chosen = template("default")
    assert render_deck(real, chosen) == render_deck(real, chosen)
    options = BuildOptions(pack_dir=REAL_PACK, out_dir=Path("/nonexistent"))
    assert render_outputs(options).deck == render_outputs(options).deck


def test_renders_share_nothing_they_can_change() -> None:
    first = fresh_presentation(DEFAULT_PPTX)
    layout = first.slide_layouts.get_by_name("BG Title and Body")
    layout.name = "Renamed"
    first.slide_width = 2 * 914400
    add_slides(fresh_presentation(DEFAULT_PPTX), 3)
    second = fresh_presentation(DEFAULT_PPTX)
    assert second.slide_layouts.get_by_name("BG Title and Body") is not None
    assert second.slide_width != 2 * 914400
    assert len(second.slides) == 0
    assert members(saved(second)) == members(saved(Presentation(str(DEFAULT_PPTX))))


def _resized(pptx: Path, width: int) -> None:
    """The same template with another slide width, written in place."""
    with zipfile.ZipFile(pptx) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["ppt/presentation.xml"] = re.sub(
        rb'(<p:sldSz cx=")\d+', rb"\g<1>" + str(width).encode(), files["ppt/presentation.xml"]
    )
    with zipfile.ZipFile(pptx, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_the_template_is_read_again_when_it_changes(tmp_path: Path) -> None:
    pptx = tmp_path / "template.pptx"
    shutil.copy(DEFAULT_PPTX, pptx)
    width = int(fresh_presentation(pptx).slide_width)
    _resized(pptx, width + 914400)
    assert int(fresh_presentation(pptx).slide_width) == width + 914400
    # The same size, and a time set back to the old one: the content still tells.
    info = pptx.stat()
    _resized(pptx, width + 2 * 914400)
    os.utime(pptx, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert int(fresh_presentation(pptx).slide_width) == width + 2 * 914400
    shutil.copy(DEFAULT_PPTX, pptx)
    assert int(fresh_presentation(pptx).slide_width) == width


def test_a_template_changed_to_a_refused_one_is_refused(tmp_path: Path) -> None:
    pptx = tmp_path / "template.pptx"
    shutil.copy(DEFAULT_PPTX, pptx)
    fresh_presentation(pptx)
    with zipfile.ZipFile(pptx, "a") as archive:
        archive.writestr("ppt/vbaProject.bin", b"macro")
    with pytest.raises(TemplateError) as caught:
        fresh_presentation(pptx)
    assert any("[template-macro]" in line for line in caught.value.lines())


def test_a_template_declared_a_potx_is_refused_with_a_message(tmp_path: Path) -> None:
    pptx = tmp_path / "template.pptx"
    shutil.copy(DEFAULT_PPTX, pptx)
    with zipfile.ZipFile(pptx) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"presentation.main+xml", b"template.main+xml"
    )
    with zipfile.ZipFile(pptx, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    with pytest.raises(TemplateError) as caught:
        fresh_presentation(pptx)
    assert any("[template-pptx]" in line for line in caught.value.lines())


def test_a_warm_process_reads_and_parses_an_unchanged_template_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "house"
    shutil.copytree(BUILTIN_DIR / "default", root)
    (root / "manifest.yaml").write_text(
        (root / "manifest.yaml").read_text().replace("name: default", "name: house")
    )
    search = [(tmp_path, "--templates")]
    fresh_presentation(find_template("house", search).pptx_path)
    reads: list[Path] = []
    parses: list[bytes] = []
    read_bytes, snapshot = Path.read_bytes, rendering._snapshot

    def reading(self: Path) -> bytes:
        reads.append(self)
        return read_bytes(self)

    def parsing(data: bytes, path: Path) -> Any:
        parses.append(data)
        return snapshot(data, path)

    monkeypatch.setattr(Path, "read_bytes", reading)
    monkeypatch.setattr(rendering, "_snapshot", parsing)
    for _ in range(3):
        fresh_presentation(find_template("house", search).pptx_path)
    assert not [p for p in reads if p.suffix == ".pptx"]
    assert not parses
    pptx = find_template("house", search).pptx_path
    width = int(fresh_presentation(pptx).slide_width) + 7 * 914400 + 1  # new content
    _resized(pptx, width)
    assert int(fresh_presentation(find_template("house", search).pptx_path).slide_width) == width
    assert len(parses) == 1
