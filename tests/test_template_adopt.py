"""Templates on the command line: list them, inspect a .pptx, start one from a corporate file.

The corporate file is made here, as a user's would be: python-pptx's own default
presentation, widened to 16:9, its layouts renamed, its placeholders moved and its
theme fonts changed, with a sample slide left in. ``template init`` maps the slide
kinds onto it, and the real pack builds through it: every slide on one of that
file's layouts, its text in that file's placeholders.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pptx import Presentation
from pptx.util import Emu, Inches
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.templates import BUILTIN_DIR, load_template

from .conftest import REAL_PACK
from .test_problem_codes import covers

runner = CliRunner()
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
THEME = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
RENAMED = {
    "Title Slide": "Acme Cover",
    "Title and Content": "Acme Text",
    "Section Header": "Acme Divider",
    "Two Content": "Acme Split",
    "Title Only": "Acme Heading",
}


def corporate_pptx(path: Path) -> Path:
    """A house template the project has never seen."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    for layout in prs.slide_layouts:
        layout.name = RENAMED.get(layout.name, layout.name)
        for shape in layout.placeholders:
            if shape._element.spPr.find(f"{{{A}}}xfrm") is not None:
                shape.left, shape.width = (
                    Emu(int(shape.left * 4 / 3)),
                    Emu(int(shape.width * 4 / 3)),
                )
    for shape in prs.slide_master.placeholders:
        shape.left, shape.width = Emu(int(shape.left * 4 / 3)), Emu(int(shape.width * 4 / 3))
    theme = prs.slide_master.part.part_related_by(THEME)
    root = etree.fromstring(theme.blob)
    root.find(f".//{{{A}}}majorFont/{{{A}}}latin").set("typeface", "Cambria")
    root.find(f".//{{{A}}}minorFont/{{{A}}}latin").set("typeface", "Arial")
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    prs.slides.add_slide(prs.slide_layouts[0]).shapes.title.text = "Sample"
    prs.save(str(path))
    return path


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


# --- listing --------------------------------------------------------------------------


def test_templates_lists_name_description_origin_and_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("templates")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name in ("board", "default", "ic", "teaser"):
        row = next(i for i, line in enumerate(lines) if line.startswith(f"{name} "))
        manifest = load_template(BUILTIN_DIR / name, "built-in")
        assert manifest.description in lines[row]
        assert lines[row + 1].strip() == f"built-in: {BUILTIN_DIR / name}"
    assert lines[-1] == (f"searched: {tmp_path / 'templates'} (project); {BUILTIN_DIR} (built-in)")


def test_templates_json_and_shadowing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("template", "init", "house", "--from", str(corporate_pptx(tmp_path / "c.pptx")))
    assert result.exit_code == 0, result.output
    result = invoke("templates", "--format", "json")
    listed = {t["name"]: t for t in json.loads(result.output)["templates"]}
    assert listed["house"]["origin"] == "project"
    assert listed["house"]["path"] == str(tmp_path / "templates" / "house")
    assert listed["teaser"]["origin"] == "built-in"


def test_broken_template_is_reported_and_others_still_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "templates" / "broken"
    broken.mkdir(parents=True)
    (broken / "manifest.yaml").write_text("name: broken\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("templates")
    assert result.exit_code == 2
    assert "teaser" in result.output
    assert "manifest.yaml" in result.output and "[template-invalid]" in result.output


def test_unknown_template_names_the_available_ones_and_the_search_path(tmp_path: Path) -> None:
    result = invoke("build", str(REAL_PACK), "--template", "boardd", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert "no template named 'boardd' (did you mean 'board'?)" in result.output
    assert "available: board, default, ic, teaser" in result.output
    assert f"{BUILTIN_DIR} (built-in)" in result.output
    assert not list(tmp_path.iterdir())


# --- inspect ----------------------------------------------------------------------------


def test_inspect_lists_layouts_and_placeholders_in_inches_and_cm(tmp_path: Path) -> None:
    pptx = corporate_pptx(tmp_path / "acme.pptx")
    result = invoke("template", "inspect", str(pptx))
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("acme.pptx: 13.33 x 7.50 in, 1 master, 11 layouts")
    assert "headings Cambria, body Arial" in text
    assert "layout 'Acme Split' (type twoObj)" in text
    split = text.split("layout 'Acme Split'")[1].split("layout '")[0]
    assert "     2  obj       Content Placeholder 3" in split
    assert " 6.78   1.75   5.89   4.95" in split
    cm = invoke("template", "inspect", str(pptx), "--units", "cm").output
    assert "33.87 x 19.05 cm" in cm


def test_inspect_json(tmp_path: Path) -> None:
    result = invoke("template", "inspect", str(BUILTIN_DIR / "ic" / "template.pptx"), "-f", "json")
    data = json.loads(result.output)
    names = [layout["name"] for layout in data["layouts"]]
    assert names[:3] == ["IC Cover", "IC Text", "IC Figures"]
    cover = data["layouts"][0]["placeholders"]
    assert {"idx": 0, "type": "ctrTitle"}.items() <= cover[0].items()


def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def _macro(path: Path) -> Path:
    data = io.BytesIO()
    Presentation().save(data)
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            member = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                member = member.replace(
                    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main",
                    b"application/vnd.ms-powerpoint.presentation.macroEnabled.main",
                )
            dst.writestr(info, member)
    return path


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: _docx(p / "memo.pptx"), "a Word document, not a PowerPoint presentation"),
        (lambda p: _macro(p / "deck.pptm"), "a macro-enabled presentation"),
        (
            lambda p: (
                (p / "old.ppt").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(60)) and p / "old.ppt"
            ),
            "an old binary PowerPoint (.ppt)",
        ),
        (
            lambda p: (p / "notes.txt").write_text("hello") and p / "notes.txt",
            "not a PowerPoint file",
        ),
        (lambda p: p / "missing.pptx", "no such file"),
    ],
)
def test_not_a_presentation_is_refused_clearly(tmp_path: Path, make: Any, why: str) -> None:
    path = make(tmp_path)
    for command in (
        ["inspect", str(path)],
        ["init", "x", "--from", str(path), "--into", str(tmp_path)],
    ):
        result = invoke("template", *command)
        assert result.exit_code == 2, result.output
        assert why in result.output and "[template-pptx]" in result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


# --- init and the round trip --------------------------------------------------------------


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("acme")
    pptx = corporate_pptx(root / "Acme Corporate.pptx")
    result = invoke("template", "init", "acme", "--from", str(pptx), "--into", str(root / "t"))
    assert result.exit_code == 0, result.output
    return root / "t" / "acme", result.output


def test_init_writes_a_template_marked_for_confirmation(acme: tuple[Path, str]) -> None:
    folder, output = acme
    assert sorted(p.name for p in folder.iterdir()) == [
        "Acme-Corporate.pptx",
        "brief.md.jinja",
        "manifest.yaml",
    ]
    manifest = (folder / "manifest.yaml").read_text(encoding="utf-8")
    assert manifest.count("# CONFIRM:") >= 10
    assert 'layout: "Acme Cover"  # CONFIRM: a centred title' in manifest
    assert 'latin: "Arial"' in manifest and 'heading: "Cambria"' in manifest
    template = load_template(folder, "project")
    by_kind = {spec.kind: spec for spec in template.manifest.slides}
    assert by_kind["title"].placeholders == {"title": "ctrTitle", "subtitle": 1}
    assert by_kind["summary"].layout == "Acme Split"
    assert by_kind["summary"].placeholders == {"title": "title", "body": 1, "figures": 2}
    assert by_kind["pillar"].layout == "Acme Text"
    assert by_kind["table"].layout == by_kind["chart"].layout == "Acme Heading"
    assert by_kind["section"].layout == "Acme Divider"
    assert "confirm in manifest.yaml" in output
    assert "summary slides use layout 'Acme Split'" in output


@covers("template-exists")
def test_init_refuses_an_existing_folder_and_a_bad_name(acme: tuple[Path, str]) -> None:
    folder, _ = acme
    pptx = folder / "Acme-Corporate.pptx"
    again = invoke("template", "init", "acme", "--from", str(pptx), "--into", str(folder.parent))
    assert again.exit_code == 2 and "already exists" in again.output
    assert "[template-exists]" in again.output
    bad = invoke("template", "init", "Acme Co", "--from", str(pptx), "--into", str(folder.parent))
    assert bad.exit_code == 2 and "[template-name]" in bad.output


def _placeholder_text(slide: Any) -> list[str]:
    return [s.text_frame.text for s in slide.placeholders if s.has_text_frame]


def test_real_pack_builds_on_the_corporate_layouts(acme: tuple[Path, str], tmp_path: Path) -> None:
    folder, _ = acme
    result = invoke(
        "build",
        str(REAL_PACK),
        "--template",
        "acme",
        "--templates",
        str(folder.parent),
        "--out",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    deck = Presentation(str(tmp_path / "alibaba-ai-2025-acme.pptx"))
    layouts = [slide.slide_layout.name for slide in deck.slides]
    assert set(layouts) <= set(RENAMED.values())
    assert layouts[0] == "Acme Cover" and "Sample" not in _placeholder_text(deck.slides[0])
    assert deck.slides[0].shapes.title.text == "Alibaba Group: scaling AI and cloud"
    for slide in deck.slides:
        title = slide.shapes.title
        assert title is not None and title.is_placeholder and title.text
    pillar = next(s for s in deck.slides if s.slide_layout.name == "Acme Text")
    body = next(s for s in pillar.placeholders if s.placeholder_format.idx == 1)
    assert body.text_frame.text.startswith("More data-centre and AI compute spending")
    summary = deck.slides[1]
    assert summary.slide_layout.name == "Acme Split"
    assert "Alibaba has pledged" in _placeholder_text(summary)[1]
    runs = list(deck.slides[0]._element.iter("{*}rPr"))
    assert {r.find("{*}latin").get("typeface") for r in runs} <= {"Arial", "Cambria"}


def test_python_pptx_default_template_works_as_is(tmp_path: Path) -> None:
    source = tmp_path / "plain.pptx"
    Presentation().save(str(source))
    result = invoke("template", "init", "plain", "--from", str(source), "--into", str(tmp_path))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    result = invoke(
        "build", str(REAL_PACK), "-t", "plain", "--templates", str(tmp_path), "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out / "alibaba-ai-2025-plain.pptx"))
    assert deck.slide_width == Inches(10)
    assert {s.slide_layout.name for s in deck.slides} <= {
        "Title Slide",
        "Two Content",
        "Title and Content",
        "Title Only",
        "Section Header",
    }


def test_a_powerpoint_template_file_is_read_as_a_presentation(tmp_path: Path) -> None:
    source = corporate_pptx(tmp_path / "acme.pptx")
    potx = tmp_path / "acme.potx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(potx, "w") as dst:
        for info in src.infolist():
            member = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                member = member.replace(b"presentation.main+xml", b"template.main+xml")
            dst.writestr(info, member)
    result = invoke("template", "init", "acme", "--from", str(potx), "--into", str(tmp_path / "t"))
    assert result.exit_code == 0, result.output
    Presentation(str(tmp_path / "t" / "acme" / "acme.pptx"))  # a plain .pptx now
