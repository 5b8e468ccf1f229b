"""What a process keeps from one build to the next, and never at the cost of a finding.

A build reads each deck part once, and keeps what it shows by content; it works out the
numbers of each text once; it deflates each package entry once per content. A rebuild
in the same process (as a watch makes) must still report every number no figure
accounts for, and write the same bytes a fresh process writes.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from lxml import etree
from pptx import Presentation

from briefgen import audit
from briefgen.audit import Allowed, DeckParts, part_text, remember_part, unsourced
from briefgen.build import BuildOptions, Session, check, render_outputs
from briefgen.load import load_pack
from briefgen.provenance.record import NAMESPACE, Provenance, QuoteRecord, Shown, SlideRecord
from briefgen.provenance.serialise import to_xml
from briefgen.quantities import CACHED_LENGTH, find_quantities
from briefgen.render_deck import render_deck
from briefgen.resolve import resolve_pack
from briefgen.templates import find_template, search_path
from briefgen.write import reproducible_package

from .conftest import REAL_PACK, ROOT, edit_text
from .test_problem_codes import _rewrite_zip, first_layout_prompt

UNSOURCED = "output-unsourced-number"


def _deck_findings(options: BuildOptions, session: Session) -> tuple[list[str], bytes]:
    rendered = render_outputs(options, session=session)
    found = [
        p.message
        for p in rendered.warnings
        if p.code == UNSOURCED and p.file == str(rendered.deck_path)
    ]
    return found, rendered.deck


def _deck_text(deck: bytes) -> str:
    prs = Presentation(io.BytesIO(deck))
    return " ".join(
        shape.text_frame.text
        for slide in prs.slides
        for shape in slide.shapes
        if shape.has_text_frame
    )


# --- rebuilding in one process -------------------------------------------------------------


def test_number_planted_between_builds_is_reported_then_cleared(case: Path) -> None:
    options = BuildOptions(case / "pack", case / "out", sources_dir=case / "sources", verify=False)
    session = Session()
    clean, deck = _deck_findings(options, session)
    assert clean == []
    figures = case / "pack" / "figures.yaml"
    edit_text(figures, "    label: Revenue\n", "    label: Revenue, top 3 units\n")

    planted, deck = _deck_findings(options, session)
    assert "top 3 units" in _deck_text(deck)
    assert planted and all(message.startswith("'3' in ") for message in planted), planted
    assert any(" slide " in message for message in planted), planted
    again, deck_again = _deck_findings(options, session)  # every reading now kept
    assert again == planted and deck_again == deck

    edit_text(figures, "    label: Revenue, top 3 units\n", "    label: Revenue\n")
    cleared, _ = _deck_findings(options, session)
    assert cleared == []


def test_rebuild_in_one_process_writes_what_a_fresh_process_writes(
    case: Path, tmp_path: Path
) -> None:
    options = BuildOptions(case / "pack", case / "out", sources_dir=case / "sources")
    session = Session()
    first = render_outputs(options, session=session).deck
    second = render_outputs(options, session=session).deck
    assert second == first
    fresh = shutil.copytree(case, tmp_path / "fresh")  # other paths, the same content
    moved = BuildOptions(fresh / "pack", fresh / "out", sources_dir=fresh / "sources")
    assert render_outputs(moved).deck == first


def test_number_typed_into_a_template_is_reported_by_every_check(
    case: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "briefgen" / "templates" / "default", templates / "default")
    pptx = templates / "default" / "template.pptx"
    layout, prompt = first_layout_prompt(pptx)
    options = BuildOptions(case / "pack", sources_dir=case / "sources", templates_dir=templates)

    def typed() -> list[str]:
        return [p.message for p in check(options).problems if p.code == "template-naked-figure"]

    assert typed() == []
    _rewrite_zip(pptx, layout, prompt, prompt.replace("<a:t>", "<a:t>Top 6 "))
    for _ in range(2):
        assert typed() == [
            f"number '6' typed into {layout}; numbers must come from the pack's figures"
        ]
    _rewrite_zip(pptx, layout, "<a:t>Top 6 ", "<a:t>Top 7 ")
    assert [m.split("'")[1] for m in typed()] == ["7"]


# --- the numbers of a text, and the verdict on them ------------------------------------------


def test_a_text_is_judged_against_the_values_allowed_each_time() -> None:
    text = "Up 17 units (2/3)"
    with_17 = Allowed(frozenset({Decimal(17)}), ())
    without = Allowed(frozenset({Decimal(18)}), ())
    assert unsourced(text, with_17) == []
    assert [q.raw for q in unsourced(text, without)] == ["17"]
    assert unsourced(text, with_17) == []
    quoted = Allowed(frozenset(), ("the source says 17 units",))
    assert unsourced(text, quoted, in_notes=True) == []
    assert [q.raw for q in unsourced(text, quoted)] == ["17"]


def test_found_quantities_are_a_new_list_each_time() -> None:
    text = "revenue of RMB 280.15bn, up 8%"
    first = find_quantities(text)
    assert [q.raw for q in first] == ["RMB 280.15bn", "8%"]
    first.clear()
    assert [q.raw for q in find_quantities(text)] == ["RMB 280.15bn", "8%"]
    assert [q.raw for q in find_quantities(text, bare_words=True)] == ["RMB 280.15bn", "8%"]
    long = " ".join([text] * (CACHED_LENGTH // len(text) + 1))
    assert len(long) > CACHED_LENGTH
    assert [q.raw for q in find_quantities(long)] == ["RMB 280.15bn", "8%"] * (
        CACHED_LENGTH // len(text) + 1
    )


# --- what a slide shows, noted as the renderer finishes it ------------------------------------


@pytest.mark.parametrize("name", ["default", "board", "teaser", "ic"])
def test_what_the_renderer_notes_of_a_slide_is_what_its_xml_says(name: str) -> None:
    resolved = resolve_pack(load_pack(REAL_PACK))
    deck = render_deck(resolved, find_template(name, search_path(None, ROOT)))
    parts = DeckParts.of(deck)
    slides = [n for n in parts.names if re.fullmatch(r"ppt/(slides|notesSlides)/\w+\.xml", n)]
    noted = {}
    for part in slides:
        xml = parts.read(part)
        key = ("part", hashlib.sha256(xml).digest())
        if audit._READINGS.get(key, True) is not None:
            noted[part] = part_text(xml)
    assert len(noted) >= len(slides) - 2  # all but the last slide and its notes
    audit._READINGS.clear()
    for part, reading in noted.items():
        assert part_text(parts.read(part)) == reading, part
    shown = [
        " ".join(s.shapes.title.text_frame.text.split()) if s.shapes.title is not None else ""
        for s in Presentation(io.BytesIO(deck)).slides
    ]
    assert [s.title for s in parts.slides()] == shown


def test_a_tree_whose_text_holds_a_comment_is_read_from_its_xml() -> None:
    xml = (
        b'<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        b'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree>'
        b"<p:sp><p:txBody><a:p><a:r><a:t>Up <!-- note -->17 units</a:t></a:r></a:p>"
        b"</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"
    )
    remember_part(xml, etree.fromstring(xml))  # its a:t reads "Up " alone in that tree
    assert part_text(xml).lines == ("Up 17 units",)
    assert [q.raw for q in unsourced(part_text(xml).lines[0], Allowed(frozenset(), ()))] == ["17"]


# --- the record and the package, written without ElementTree and zipfile ---------------------


def _record_as_elementtree_writes_it(record: Provenance) -> bytes:
    ns = NAMESPACE
    root = ElementTree.Element(
        f"{{{ns}}}provenance",
        {
            "version": "1",
            "generator": record.generator,
            "pack": record.pack,
            "template": record.template,
            "as_of": record.as_of,
        },
    )
    ElementTree.SubElement(root, f"{{{ns}}}allowed").text = " ".join(record.allowed)
    for slide in record.slides:
        node = ElementTree.SubElement(
            root, f"{{{ns}}}slide", {"index": str(slide.index), "title": slide.title}
        )
        for text in slide.paragraphs:
            ElementTree.SubElement(node, f"{{{ns}}}p").text = text
        for chart in slide.charts:
            chart_node = ElementTree.SubElement(node, f"{{{ns}}}chart")
            for series in chart:
                series_node = ElementTree.SubElement(chart_node, f"{{{ns}}}series")
                for value in series:
                    ElementTree.SubElement(series_node, f"{{{ns}}}v").text = value
        for shown in slide.figures:
            attrs = {"id": shown.figure, "text": shown.text, "sources": " ".join(shown.sources)}
            for key in ("paragraph", "chart", "series", "point"):
                value = getattr(shown, key)
                if value is not None:
                    attrs[key] = str(value)
            figure = ElementTree.SubElement(node, f"{{{ns}}}figure", attrs)
            for quote in shown.quotes:
                quote_attrs = {"source": quote.source}
                if quote.locator:
                    quote_attrs["locator"] = quote.locator
                ElementTree.SubElement(figure, f"{{{ns}}}quote", quote_attrs).text = quote.quote
    ElementTree.register_namespace("", ns)
    body = ElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body).encode()


def test_record_xml_is_written_as_elementtree_writes_it() -> None:
    odd = 'a & b < c > d "e" \r f \n g \t h 阿里巴巴 90,000¹'
    quotes = (QuoteRecord("src", odd, "line 9"), QuoteRecord("s&2", "", None))
    record = Provenance(
        pack="p&ck",
        template='"house"',
        as_of="2025-05-16",
        generator="briefgen 0.1.0",
        allowed=("1", "2.5"),
        slides=(
            SlideRecord(1, odd, (odd, "", "plain"), ((("1", "", odd), ()), ()), ()),
            SlideRecord(
                2,
                "",
                (),
                (),
                (
                    Shown("f1", odd, ("s1", "s&2"), quotes, paragraph=0),
                    Shown("f2", "7", (), (), chart=0, series=1, point=2),
                ),
            ),
            SlideRecord(3, "empty", (), (), ()),
        ),
    )
    assert to_xml(record) == _record_as_elementtree_writes_it(record)
    empty = Provenance("", "", "", "", (), ())
    assert to_xml(empty) == _record_as_elementtree_writes_it(empty)


def _as_zipfile_writes_it(entries: list[tuple[str, bytes]], when: datetime) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in entries:
            entry = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, content, compresslevel=6)
    return out.getvalue()


def test_package_is_zipped_as_zipfile_zips_it() -> None:
    when = datetime(2025, 5, 17, 13, 45, 31, tzinfo=UTC)
    entries = [
        ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
        ("ppt/slides/slide1.xml", b"<p:sld>" + b"<a:t>Revenue 280.15</a:t>" * 400 + b"</p:sld>"),
        ("ppt/media/\u00e9t\u00e9.bin", bytes(range(256)) * 40),
        ("empty.txt", b""),
    ]
    expected = _as_zipfile_writes_it(entries, when)
    assert reproducible_package(entries, when) == expected
    assert reproducible_package(dict(entries), when) == expected  # entries deflated before
    with zipfile.ZipFile(io.BytesIO(expected)) as archive:
        assert [(i.filename, archive.read(i)) for i in archive.infolist()] == entries
