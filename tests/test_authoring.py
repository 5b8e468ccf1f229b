"""Authoring aids as a new user meets them: new, find, schema, and the command line itself."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import typer
import yaml
from typer.testing import CliRunner

from briefgen.cli import app
from briefgen.find import query_number, search_sources
from briefgen.models import Scale
from briefgen.quotes import find_quote, value_in_quote
from briefgen.schema import build_schemas, kind_of_file, schema_files
from briefgen.sources import read_source

from .conftest import REAL_PACK, ROOT
from .test_problem_codes import covers

runner = CliRunner()
MODELINE = "# yaml-language-server: $schema="


def _run(*args: str) -> Any:
    return runner.invoke(app, list(args))


@pytest.fixture
def new_pack(tmp_path: Path) -> Path:
    pack = tmp_path / "acme-2025"
    result = _run("new", str(pack))
    assert result.exit_code == 0, result.output
    return pack


def _plain(value: Any) -> Any:
    """YAML as an editor's language server reads it: dates stay strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _validate(path: Path) -> list[str]:
    data = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    schema = build_schemas()[kind_of_file(path, list(data))]
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    return [e.message for e in validator.iter_errors(data)]


# --- briefgen new ---------------------------------------------------------------------------


def test_new_pack_builds_and_checks_as_it_stands(new_pack: Path, tmp_path: Path) -> None:
    sources = new_pack / "sources"
    built = _run("build", str(new_pack), "--sources", str(sources), "--out", str(tmp_path / "o"))
    assert built.exit_code == 0, built.output
    checked = _run("check", str(new_pack), "--sources", str(sources), "--format", "json")
    assert checked.exit_code == 0, checked.output
    report = json.loads(checked.output)
    assert report["ok"] and report["totals"]["warnings"] == 0
    assert report["totals"]["coverage"] == 100.0
    assert report["conflicts"][0]["resolution"] == "revenue_growth_2024"


def test_new_pack_has_one_commented_example_of_each_element(new_pack: Path) -> None:
    from briefgen.load import load_pack

    pack = load_pack(new_pack).pack
    assert pack.sources and pack.pillars and pack.risks and pack.resolutions and pack.charts
    assert pack.highlights is not None
    assert any(f.derived is not None for f in pack.figures)
    assert any(f.citations for f in pack.figures)
    assert (new_pack / "sources" / "example.txt").is_file()
    for path in new_pack.glob("*.yaml"):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith(MODELINE), path.name
        schema = new_pack / lines[0].removeprefix(MODELINE)
        assert schema.is_file(), lines[0]
        assert sum(1 for line in lines if line.lstrip().startswith("#")) >= 3, path.name
        assert _validate(path) == [], path.name


def test_new_pack_says_what_to_run_next(tmp_path: Path) -> None:
    result = _run("new", str(tmp_path / "p"))
    assert (
        f"briefgen check {tmp_path / 'p'} --sources {tmp_path / 'p' / 'sources'}" in result.output
    )


@covers("pack-exists")
def test_new_refuses_a_folder_that_is_not_empty(new_pack: Path, tmp_path: Path) -> None:
    before = (new_pack / "figures.yaml").read_bytes()
    result = _run("new", str(new_pack))
    assert result.exit_code == 2
    assert f"{new_pack}: is not empty" in result.output and "[pack-exists]" in result.output
    assert (new_pack / "figures.yaml").read_bytes() == before
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    assert _run("new", str(a_file)).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run("new", str(empty)).exit_code == 0


def test_new_can_point_at_shared_schemas(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    assert _run("schema", "--output", str(schemas)).exit_code == 0
    pack = tmp_path / "content" / "acme"
    assert _run("new", str(pack), "--schemas", str(schemas)).exit_code == 0
    first = (pack / "figures.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"{MODELINE}../../schemas/figures.schema.json"
    assert not (pack / "schemas").exists()


# --- briefgen find --------------------------------------------------------------------------


def test_query_numbers_are_parsed() -> None:
    number = query_number("280.15bn")
    assert number is not None and number.scale is Scale.BILLION
    assert query_number("revenue of 280.15") is None  # words too: a text search


def test_find_a_number_written_another_way(new_pack: Path) -> None:
    search = search_sources("4,100,000", new_pack / "sources")
    assert [h.text for h in search.hits] == ["$4.1 million"]
    hit = search.hits[0]
    assert (hit.file, hit.locator, hit.how) == ("example.txt", "line 7", "number")
    assert "«$4.1 million»" in hit.context
    assert search_sources("41.9m", new_pack / "sources").hits[0].text == "$41.9 million"


def test_find_is_as_tolerant_as_quotes(new_pack: Path) -> None:
    search = search_sources("OPERATING  income\nreached", new_pack / "sources")
    assert [h.text for h in search.hits] == ["Operating income reached"]


def test_find_drafts_a_figure_whose_quote_checks(new_pack: Path) -> None:
    result = _run("find", "1,250", "--sources", str(new_pack / "sources"), "--json")
    assert result.exit_code == 0, result.output
    match = json.loads(result.output)["matches"][0]
    figure = match["figure"]
    assert figure["value"] == "1250" and figure["kind"] == "count" and figure["verified"]
    source = read_source(new_pack / "sources" / match["file"])
    quote = figure["citation"]["quote"]
    assert find_quote(quote, source) is not None
    from decimal import Decimal

    from briefgen.models import Kind

    assert value_in_quote(quote, Decimal("1250"), Kind.COUNT, Scale.UNIT, None).ok
    # Pasted into the pack with an id and a period filled in, it checks.
    entry = yaml.safe_load("figures:\n" + figure["yaml"])["figures"][0]
    entry.update(id="customers_again", period={"start": "2024-12-31", "end": "2024-12-31"})
    entry["citations"][0]["source"] = "annual_report"
    (new_pack / "more-figures.yaml").write_text(
        yaml.safe_dump({"figures": [entry]}, allow_unicode=True), encoding="utf-8"
    )
    checked = _run("check", str(new_pack), "--sources", str(new_pack / "sources"))
    assert checked.exit_code == 0, checked.output


def test_find_names_the_pack_source_and_who_cites_it(new_pack: Path) -> None:
    result = _run(
        "find", "48.2 million", "--sources", str(new_pack / "sources"), "--pack", str(new_pack)
    )
    assert result.exit_code == 0, result.output
    assert "example.txt (line 6): " in result.output
    assert "already cited by: revenue_2024" in result.output
    assert "      - source: annual_report\n" in result.output
    assert '        quote: "by 15% to $48.2 million"' in result.output
    assert "1 match for '48.2 million'" in result.output


def test_find_nothing_exits_1(new_pack: Path) -> None:
    result = _run("find", "999.9bn", "--sources", str(new_pack / "sources"))
    assert result.exit_code == 1
    assert "no match for '999.9bn'" in result.output
    assert _run("find", "48.2").exit_code == 2  # no --sources


def test_find_in_the_real_sources(sources_dir: Path) -> None:
    search = search_sources("280.15bn", sources_dir, pack_dir=REAL_PACK)
    texts = {h.file: h for h in search.hits}
    hit = texts["001_18ce53219521eee2.txt"]
    assert hit.locator == "line 7" and hit.source_id == "china_daily"
    assert hit.cited_by[:1] == ("revenue_q3",)
    assert hit.draft is not None and hit.draft.quote == "reported revenue of 280.15 billion yuan"
    pdf = search_sources("over 380 billion yuan", sources_dir)
    pages = [h.locator for h in pdf.hits if h.file.endswith(".pdf")]
    assert pages and pages[0].startswith("page 2, line")
    assert all(h.draft is not None and h.draft.bound.value == "over" for h in pdf.hits)


# --- JSON Schemas ---------------------------------------------------------------------------


def test_committed_schemas_match_the_models() -> None:
    committed = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "schemas").glob("*.json")}
    assert committed == schema_files(), "run: briefgen schema --output schemas"


def test_real_pack_files_carry_a_modeline_and_validate() -> None:
    for path in sorted(REAL_PACK.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(MODELINE), path.name
        assert (path.parent / first.removeprefix(MODELINE)).resolve().is_file()
        assert _validate(path) == [], path.name


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda f: f.update(scael="billion"), "Additional properties"),
        (lambda f: f.update(kind="percentage"), "is not one of"),
        (lambda f: f.pop("currency"), "'currency' is a required property"),
        (lambda f: f.update(period={"start": "2024-02-30", "end": "2024-12-31"}), "date"),
        (lambda f: f.pop("citations"), "is not valid under any of the given schemas"),
    ],
)
def test_schema_rejects_a_broken_figure(tmp_path: Path, change: Any, expected: str) -> None:
    data = _plain(yaml.safe_load((REAL_PACK / "figures-q3-fy2025.yaml").read_text("utf-8")))
    change(data["figures"][0])
    broken = tmp_path / "figures.yaml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    errors = _validate(broken)
    assert any(expected in e for e in errors), errors


def test_schema_command_writes_every_kind(tmp_path: Path) -> None:
    result = _run("schema", "--output", str(tmp_path))
    assert result.exit_code == 0
    names = sorted(p.name for p in tmp_path.glob("*.schema.json"))
    assert names == sorted(schema_files())
    assert "pack.schema.json" in names and "figures.schema.json" in names


# --- the command line -----------------------------------------------------------------------


def _commands(group: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(getattr(group, "commands", {}).items()):
        found.append((*path, name))
        found += _commands(command, (*path, name))
    return found


def test_every_command_and_subcommand_has_a_worked_example() -> None:
    commands = _commands(typer.main.get_command(app))
    assert {("new",), ("find",), ("schema",), ("audit",), ("build",)} <= set(commands)
    missing = []
    for command in commands:
        result = _run(*command, "--help")
        assert result.exit_code == 0, command
        name = f"briefgen {' '.join(command)}"
        if "Example" not in result.output or name not in result.output.split("Example", 1)[-1]:
            missing.append(name)
    assert not missing, f"--help without a worked example: {missing}"


def test_misspelt_command_or_option_gets_a_suggestion() -> None:
    command = _run("buld")
    assert command.exit_code == 2 and "Did you mean 'build'?" in command.output
    option = _run("build", "--ouput", "x")
    assert option.exit_code == 2 and "Did you mean --out?" in option.output
    root = _run("--verison")
    assert root.exit_code == 2 and "Did you mean --version?" in root.output


def test_shell_completion_is_offered_and_completes() -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "briefgen", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "_briefgen_completion" in shown.stdout
    env = {**os.environ, "_BRIEFGEN_COMPLETE": "complete_bash", "COMP_WORDS": "briefgen au"}
    env["COMP_CWORD"] = "1"
    completed = subprocess.run(
        [sys.executable, "-m", "briefgen"], capture_output=True, text=True, env=env, check=True
    )
    assert completed.stdout.split() == ["audit"]


def test_help_stays_fast_by_importing_little() -> None:
    code = (
        "import sys, briefgen.cli; "
        "heavy = {'pptx', 'pypdf', 'jsonschema', 'pydantic', 'briefgen.provenance', "
        "'briefgen.deck_audit', 'briefgen.find', 'briefgen.scaffold', 'briefgen.schema'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
