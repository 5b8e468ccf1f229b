"""Template discovery, manifest checking and the built-in template's generator."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from briefgen.errors import TemplateError
from briefgen.templates import (
    BUILTIN_DIR,
    find_template,
    list_templates,
    load_template,
    read_layouts,
    search_path,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = BUILTIN_DIR / "default"


def copy_default(where: Path, name: str = "default", description: str | None = None) -> Path:
    """A copy of the built-in template under ``where/name``, optionally re-described."""
    target = where / name
    shutil.copytree(DEFAULT, target)
    manifest = target / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8").replace("name: default", f"name: {name}", 1)
    if description is not None:
        lines = [
            f"description: {description}" if line.startswith("description:") else line
            for line in text.splitlines()
        ]
        text = "\n".join(lines) + "\n"
    manifest.write_text(text, encoding="utf-8")
    return target


def edit_manifest(root: Path, old: str, new: str) -> None:
    manifest = root / "manifest.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_search_path_order(tmp_path: Path) -> None:
    extra = tmp_path / "mine"
    path = search_path(extra, tmp_path)
    assert path == [
        (extra, "--templates"),
        (tmp_path / "templates", "project"),
        (BUILTIN_DIR, "built-in"),
    ]
    assert [origin for _, origin in search_path(None, tmp_path)] == ["project", "built-in"]


def test_builtin_default_is_found_and_valid(tmp_path: Path) -> None:
    template = find_template("default", search_path(None, tmp_path))
    assert template.origin == "built-in"
    assert template.root == DEFAULT
    assert template.pptx_path.is_file()
    assert template.manifest.brief == "brief.md.jinja"
    assert template.manifest.fonts.east_asian
    names = [layout.name for layout in read_layouts(template.pptx_path)]
    for wanted in (
        "BG Title",
        "BG Title and Body",
        "BG Key Figures",
        "BG Table",
        "BG Chart",
        "BG Section",
    ):
        assert wanted in names
    kinds = [spec.kind for spec in template.manifest.slides]
    assert kinds[:2] == ["title", "summary"]
    assert {"pillar", "table", "chart", "risks", "sources"} <= set(kinds)


def test_builtin_templates_live_in_the_package() -> None:
    import briefgen

    assert Path(briefgen.__file__).parent / "templates" == BUILTIN_DIR
    assert (BUILTIN_DIR / "default" / "manifest.yaml").is_file()


def test_templates_dir_shadows_project_which_shadows_builtin(tmp_path: Path) -> None:
    given = tmp_path / "given"
    project = tmp_path / "project"
    copy_default(given, description="from the command line")
    copy_default(project / "templates", description="from the project")
    copy_default(project / "templates", name="house", description="house style")

    chosen = find_template("default", search_path(given, project))
    assert chosen.origin == "--templates"
    assert chosen.description == "from the command line"

    chosen = find_template("default", search_path(None, project))
    assert chosen.origin == "project"
    assert chosen.description == "from the project"

    listed = {t.name: t.origin for t in list_templates(search_path(given, project))}
    assert listed == {
        "board": "built-in",
        "default": "--templates",
        "house": "project",
        "ic": "built-in",
        "teaser": "built-in",
    }


def test_unknown_template_lists_available_and_search_path(tmp_path: Path) -> None:
    copy_default(tmp_path / "templates", name="house")
    with pytest.raises(TemplateError) as caught:
        find_template("hous", search_path(None, tmp_path))
    message = str(caught.value)
    assert "no template named 'hous'" in message
    assert "did you mean 'house'" in message
    assert "available: board, default, house, ic, teaser" in message
    assert f"{tmp_path / 'templates'} (project)" in message
    assert f"{BUILTIN_DIR} (built-in)" in message


def test_missing_layout_names_pptx_and_layouts(tmp_path: Path) -> None:
    root = copy_default(tmp_path / "templates", name="broken")
    edit_manifest(root, "layout: BG Chart", "layout: BG Charts")
    with pytest.raises(TemplateError) as caught:
        find_template("broken", search_path(None, tmp_path))
    [problem] = caught.value.problems
    assert problem.code == "template-layout"
    assert problem.file == str(root / "manifest.yaml")
    assert problem.line is not None
    text = (root / "manifest.yaml").read_text(encoding="utf-8").splitlines()[problem.line - 1]
    assert "BG Charts" in text
    assert "template.pptx has no layout named 'BG Charts'" in problem.message
    assert "did you mean 'BG Chart'" in problem.message
    assert "'BG Title and Body'" in problem.message and "'BG Section'" in problem.message


def test_missing_placeholder_is_reported(tmp_path: Path) -> None:
    root = copy_default(tmp_path, name="broken")
    edit_manifest(
        root, "placeholders: {title: title, chart: 1}", "placeholders: {title: title, chart: 7}"
    )
    with pytest.raises(TemplateError) as caught:
        load_template(root, "project")
    [problem] = caught.value.problems
    assert problem.code == "template-placeholder"
    assert "no placeholder 7 for role 'chart'" in problem.message
    assert problem.field == "slides[4].placeholders.chart"


def test_manifest_yaml_error_has_file_and_line(tmp_path: Path) -> None:
    root = copy_default(tmp_path, name="broken")
    edit_manifest(root, "fonts:\n", "fonts: [\n")
    with pytest.raises(TemplateError) as caught:
        load_template(root, "project")
    [problem] = caught.value.problems
    assert problem.file == str(root / "manifest.yaml")
    assert problem.line is not None
    assert problem.code == "yaml-syntax"


def test_manifest_field_errors_have_lines(tmp_path: Path) -> None:
    root = copy_default(tmp_path, name="broken")
    edit_manifest(root, "  - kind: risks\n", "  - kind: risk\n")
    edit_manifest(root, "pptx: template.pptx\n", "pptx: template.pptx\ncolour: navy\n")
    with pytest.raises(TemplateError) as caught:
        load_template(root, "project")
    lines = caught.value.lines()
    written = (root / "manifest.yaml").read_text(encoding="utf-8").splitlines()
    colour_line = written.index("colour: navy") + 1
    assert any("unknown field 'colour'" in line and f":{colour_line}:" in line for line in lines), (
        lines
    )
    kind_line = next(line for line in lines if "slides[5].kind" in line)
    assert kind_line.startswith(f"{root / 'manifest.yaml'}:")


def test_manifest_rules_per_kind(tmp_path: Path) -> None:
    root = copy_default(tmp_path, name="broken")
    edit_manifest(root, "    title: Key risks\n", "    title: Key risks\n    chart: revenue\n")
    edit_manifest(
        root, "placeholders: {title: title, body: 1}", "placeholders: {title: title, chart: 1}"
    )
    with pytest.raises(TemplateError) as caught:
        load_template(root, "project")
    messages = " | ".join(p.message for p in caught.value.problems)
    assert "'chart' applies only to kind 'chart'" in messages
    assert "kind 'pillar' has no placeholder role 'chart'" in messages


def test_name_must_match_folder_and_files_must_exist(tmp_path: Path) -> None:
    root = copy_default(tmp_path, name="house")
    edit_manifest(root, "name: house", "name: other")
    (root / "brief.md.jinja").unlink()
    with pytest.raises(TemplateError) as caught:
        load_template(root, "project")
    codes = sorted(p.code for p in caught.value.problems)
    assert codes == ["template-file-missing", "template-name"]


def _make_templates() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_templates", ROOT / "tools" / "make_templates.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_templates"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["default", "board", "teaser", "ic"])
def test_generator_is_deterministic_and_committed_template_is_current(name: str) -> None:
    tool = _make_templates()
    root = BUILTIN_DIR / name
    first = tool.build(root / "manifest.yaml")
    second = tool.build(root / "manifest.yaml")
    assert first == second
    assert (root / "template.pptx").read_bytes() == first, "run python tools/make_templates.py"


def test_generator_check_mode_fails_on_a_stale_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tool = _make_templates()
    assert tool.main(["--check"]) == 0
    copy = tmp_path / "templates"
    shutil.copytree(BUILTIN_DIR, copy)
    (copy / "teaser" / "template.pptx").write_bytes(b"stale")
    monkeypatch.setattr(tool, "TEMPLATES_DIR", copy)
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    assert tool.main(["--check"]) == 1
    assert "templates/teaser/template.pptx is stale" in capsys.readouterr().err
    assert tool.main(["teaser"]) == 0
    assert tool.main(["--check"]) == 0


def test_generated_template_is_widescreen_with_theme_fonts() -> None:
    from pptx import Presentation

    prs = Presentation(str(DEFAULT / "template.pptx"))
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)
    assert len(prs.slides) == 0
    theme = prs.slide_master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    ).blob.decode("utf-8")
    assert '<a:latin typeface="Calibri"/>' in theme
    assert '<a:ea typeface="Noto Sans CJK SC"/>' in theme
