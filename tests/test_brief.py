"""The brief: golden output, footnotes, the one-page budget, the sandbox."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from briefgen.errors import RenderError, TemplateError
from briefgen.load import load_pack
from briefgen.render_brief import check_budget, fit_budget, page_lines, render_brief
from briefgen.resolve import resolve_pack
from briefgen.templates import find_template, search_path

from .conftest import FIXTURES, REAL_PACK, ROOT

GOLDEN = ROOT / "tests" / "golden"


def _brief(pack: Path, template: str = "default") -> str:
    found = find_template(template, search_path(None, ROOT))
    return render_brief(resolve_pack(load_pack(pack)), found.root, found.manifest.brief)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BRIEFGEN_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), (
        f"differs from {path}; rerun with BRIEFGEN_UPDATE_GOLDEN=1 if intended"
    )


def test_mini_brief_matches_golden() -> None:
    _golden("mini-default.md", _brief(FIXTURES / "mini"))


def test_real_brief_matches_golden() -> None:
    _golden("alibaba-ai-2025-default.md", _brief(REAL_PACK))


def test_every_figure_in_brief_has_a_mark_naming_its_source() -> None:
    resolved = resolve_pack(load_pack(REAL_PACK))
    text = _brief(REAL_PACK)
    body, sources = text.split("## Sources", 1)
    notes = dict(re.findall(r"^([¹²³⁴⁵⁶⁷⁸⁹⁰]+) (.+)$", sources, flags=re.MULTILINE))
    shown = re.findall(r"\*\*([^*]+)\*\*([¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:,[¹²³⁴⁵⁶⁷⁸⁹⁰]+)*)", body)
    displays = {view.display: view for view in resolved.figures.values()}
    assert len(shown) >= len(resolved.meta.key_figures)
    for value, marks in shown:
        view = displays[value.replace("\\", "")]
        titles = [notes[m] for m in marks.split(",")]
        for source_id in view.sources:
            assert any(resolved.sources[source_id].title in t for t in titles), (value, titles)
    for figure_id in resolved.meta.key_figures:
        assert f"**{resolved.figures[figure_id].display}**" in body


def test_real_brief_fits_budget() -> None:
    text = _brief(REAL_PACK)
    assert fit_budget(text) == []
    check_budget(text, "brief.md")


def test_budget_says_what_to_cut() -> None:
    long = "# T\n\n## Risks\n\n" + "\n".join(f"- risk number {'x' * 170}" for _ in range(40)) + "\n"
    assert page_lines(long) > 52
    with pytest.raises(RenderError) as caught:
        check_budget(long, "out/x.md")
    lines = caught.value.lines()
    assert "one page holds 52" in lines[0]
    assert any("section 'Risks' takes" in line for line in lines)


def test_template_errors_name_file_and_line(tmp_path: Path) -> None:
    resolved = resolve_pack(load_pack(FIXTURES / "mini"))
    (tmp_path / "bad.md.jinja").write_text("# ok\n{{ nope }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        render_brief(resolved, tmp_path, "bad.md.jinja")
    assert caught.value.lines()[0].startswith(f"{tmp_path / 'bad.md.jinja'}:2:")
    (tmp_path / "syntax.md.jinja").write_text("line\n{% for x in %}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        render_brief(resolved, tmp_path, "syntax.md.jinja")
    assert caught.value.lines()[0].startswith(f"{tmp_path / 'syntax.md.jinja'}:2:")


def test_template_cannot_reach_python_internals(tmp_path: Path) -> None:
    resolved = resolve_pack(load_pack(FIXTURES / "mini"))
    (tmp_path / "evil.md.jinja").write_text("{{ md.__globals__ }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        render_brief(resolved, tmp_path, "evil.md.jinja")
    assert "[brief-" in caught.value.lines()[0]


_PAGE_SIZES = {"a4": (11906, 16838), "letter": (12240, 15840)}  # twentieths of a point


def _tools() -> tuple[str, str] | None:
    pandoc, soffice = shutil.which("pandoc"), shutil.which("soffice")
    if pandoc and soffice:
        return pandoc, soffice
    if os.environ.get("CI"):
        pytest.fail("pandoc and LibreOffice are required in CI")
    return None


def _docx_with_page(source: Path, target: Path, size: str) -> None:
    """Pandoc's Word output at its ordinary defaults, on the given paper with 1 in margins."""
    width, height = _PAGE_SIZES[size]
    section = (
        f'<w:sectPr><w:pgSz w:w="{width}" w:h="{height}"/><w:pgMar w:top="1440" '
        'w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" '
        'w:gutter="0"/></w:sectPr>'
    )
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == "word/document.xml":
                text = re.sub(r"<w:sectPr\b.*?(/>|</w:sectPr>)", section, data.decode(), flags=re.S)
                data = text.encode()
            new.writestr(item, data)


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_real_brief_prints_on_one_page(size: str, tmp_path: Path) -> None:
    tools = _tools()
    if tools is None:
        pytest.skip("pandoc or LibreOffice not installed")
    pandoc, soffice = tools
    brief = tmp_path / "brief.md"
    brief.write_text(_brief(REAL_PACK), encoding="utf-8")
    subprocess.run([pandoc, str(brief), "-o", str(tmp_path / "plain.docx")], check=True)
    docx = tmp_path / f"brief-{size}.docx"
    _docx_with_page(tmp_path / "plain.docx", docx, size)
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    info = subprocess.run(
        ["pdfinfo", str(docx.with_suffix(".pdf"))], capture_output=True, text=True, check=True
    )
    assert re.search(r"^Pages:\s+1$", info.stdout, re.MULTILINE), info.stdout
