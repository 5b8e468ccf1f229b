"""`briefgen check`: faults planted in a verified pack are each caught and located."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from typer.testing import CliRunner

from briefgen.build import BuildOptions, check
from briefgen.cli import app
from briefgen.verify import Report

from .conftest import REAL_PACK, ROOT, edit_text

runner = CliRunner()


def _repin(case: Path, name: str) -> None:
    digest = hashlib.sha256((case / "sources" / name).read_bytes()).hexdigest()
    sources = case / "pack" / "sources.yaml"
    lines = sources.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == f"file: {name}")
    lines[at + 1] = f"    sha256: {digest}"
    sources.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _check(case: Path, **extra: object) -> Report:
    return check(
        BuildOptions(
            pack_dir=case / "pack", sources_dir=case / "sources", project_dir=ROOT, **extra
        )  # type: ignore[arg-type]
    )


def _codes(report: Report) -> set[str]:
    return {p.code for p in report.errors}


def _one(report: Report, code: str) -> str:
    found = [p.format() for p in report.errors if p.code == code]
    assert len(found) == 1, [p.format() for p in report.problems]
    return found[0]


def test_clean_pack_passes_with_full_coverage(case: Path) -> None:
    report = _check(case)
    assert report.ok, [p.format() for p in report.problems]
    assert (report.figures, report.verified, report.derived) == (7, 7, 1)
    assert report.coverage == 100.0
    (conflict,) = report.conflicts
    assert conflict.resolution == "net_income_growth"
    assert conflict.stands == "net_income_growth_wire"
    locators = {c.figure: c.locator for c in report.citations}
    assert locators["revenue_q4"] == "line 3"
    assert locators["revenue_q4_digest"] == "line 3"  # the quote crosses a line break


def test_digit_changed_in_source(case: Path) -> None:
    edit_text(case / "sources" / "wire.txt", "120.50 billion", "120.56 billion")
    report = _check(case)
    assert "source-stale" in _codes(report)
    line = _one(report, "quote-not-found")
    assert line.startswith(f"{case / 'pack' / 'figures.yaml'}:11: figures[0].citations[0].quote:")
    _repin(case, "wire.txt")
    assert _codes(_check(case)) == {"quote-not-found"}


def test_source_removed(case: Path) -> None:
    (case / "sources" / "digest.md").unlink()
    line = _one(_check(case), "source-missing")
    assert line.startswith(f"{case / 'pack' / 'sources.yaml'}:11: sources[1].file:")


def test_source_edited_after_pinning(case: Path) -> None:
    edit_text(case / "sources" / "digest.md", "# Market digest", "# Market digest, revised")
    line = _one(_check(case), "source-stale")
    assert f"{case / 'pack' / 'sources.yaml'}:12: sources[1].sha256:" in line


def test_quote_edited(case: Path) -> None:
    edit_text(case / "pack" / "figures.yaml", "cloud unit grew 18%", "cloud unit rose 18%")
    line = _one(_check(case), "quote-not-found")
    assert "figures.yaml:67: figures[6].citations[0].quote:" in line


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        (
            "    value: 120.50\n    kind: amount\n    currency: CNY\n    scale: billion",
            "    value: 120.50\n    kind: amount\n    currency: CNY\n    scale: million",
            "value-scale",
        ),
        (
            "    value: 120.50\n    kind: amount\n    currency: CNY",
            "    value: 120.50\n    kind: amount\n    currency: USD",
            "value-currency",
        ),
        ("    value: 40\n    kind: percent", "    value: 40\n    kind: pp", "value-kind"),
        ("    value: 120.50\n", "    value: 120.500\n", "value-precision"),
        ("    value: 18\n", "    value: 19\n", "value-mismatch"),
    ],
)
def test_value_faults(case: Path, old: str, new: str, code: str) -> None:
    edit_text(case / "pack" / "figures.yaml", old, new)
    report = _check(case)
    assert code in _codes(report), [p.format() for p in report.problems]


def test_derived_figure_recomputed(case: Path) -> None:
    edit_text(case / "pack" / "figures.yaml", "    value: 20.5\n", "    value: 25.5\n")
    line = _one(_check(case), "derived-mismatch")
    assert "figures[3].value: stated 25.5 but growth of revenue_q4, revenue_prior gives" in line


def test_number_typed_into_prose(case: Path) -> None:
    edit_text(case / "pack" / "pack.yaml", "cloud grew {cloud_growth_q4}", "cloud grew 18%")
    line = _one(_check(case), "prose-naked-figure")
    assert line.startswith(f"{case / 'pack' / 'pack.yaml'}:9: summary[0]:")


def test_number_typed_into_template(case: Path, tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "briefgen" / "templates" / "default", templates / "default")
    edit_text(templates / "default" / "brief.md.jinja", "## Key figures", "## Key figures (top 6)")
    report = _check(case, templates_dir=templates)
    line = _one(report, "template-naked-figure")
    assert line.startswith(f"{templates / 'default' / 'brief.md.jinja'}:9:")
    assert "'6'" in line


def test_unresolved_contradiction(case: Path) -> None:
    (case / "pack" / "resolutions.yaml").unlink()
    line = _one(_check(case), "conflict-unresolved")
    assert (
        "'net_income_growth_wire' (40%, wire) and 'net_income_growth_digest' (4%, digest)" in line
    )


def test_source_outside_the_sources_folder(case: Path) -> None:
    edit_text(case / "pack" / "sources.yaml", "file: digest.md", "file: ../pack/pack.yaml")
    assert "source-outside" in _codes(_check(case))


def test_cli_exit_codes_and_formats(case: Path, tmp_path: Path) -> None:
    pack, sources = str(case / "pack"), str(case / "sources")
    ok = runner.invoke(app, ["check", pack, "--sources", sources])
    assert ok.exit_code == 0, ok.output
    assert "7/7 figures verified (100.0%)" in ok.output
    assert runner.invoke(app, ["check", pack]).exit_code == 2  # no --sources
    assert runner.invoke(app, ["check", pack, "--sources", sources, "-f", "xml"]).exit_code == 2

    edit_text(case / "pack" / "figures.yaml", "cloud unit grew 18%", "cloud unit rose 18%")
    result = runner.invoke(app, ["check", pack, "--sources", sources, "--format", "json"])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["totals"]["figures"] == 7 and payload["totals"]["verified"] == 6
    problem = next(p for p in payload["problems"] if p["code"] == "quote-not-found")
    assert problem["figure"] == "cloud_growth_q4" and problem["line"] == 67
    assert set(problem) == {
        "severity",
        "code",
        "message",
        "file",
        "line",
        "field",
        "figure",
        "source",
    }

    github = runner.invoke(app, ["check", pack, "--sources", sources, "--format", "github"])
    assert github.exit_code == 1
    assert (
        f"::error file={case / 'pack' / 'figures.yaml'},line=67,title=quote-not-found::"
        in github.output
    )

    junit_path = tmp_path / "report.xml"
    junit = runner.invoke(
        app, ["check", pack, "--sources", sources, "--format", "junit", "--output", str(junit_path)]
    )
    assert junit.exit_code == 1
    suite = ElementTree.parse(junit_path).getroot()
    failed = [c.get("name") for c in suite.iter("testcase") if c.find("failure") is not None]
    assert failed == ["cloud_growth_q4"]


def test_real_pack_is_fully_verified(sources_dir: Path) -> None:
    report = check(BuildOptions(pack_dir=REAL_PACK, sources_dir=sources_dir, project_dir=ROOT))
    assert report.ok, [p.format() for p in report.problems]
    assert report.problems == []
    assert report.verified == report.figures >= 25
    conflicts = {c.figures: c for c in report.conflicts}
    net_income = conflicts[("net_income_growth_q3", "net_income_growth_q3_tech_news")]
    assert net_income.values == ("333%", "33%")
    assert net_income.stands == "net_income_growth_q3"


def test_check_does_not_import_python_pptx(case: Path) -> None:
    code = (
        "import sys\n"
        "from briefgen.cli import main\n"
        f"sys.argv = ['briefgen', 'check', {str(case / 'pack')!r}, '--sources', "
        f"{str(case / 'sources')!r}]\n"
        "try:\n    main()\n"
        "except SystemExit as exit:\n    assert exit.code in (0, None), exit.code\n"
        "assert not [m for m in sys.modules if m.startswith('pptx')], 'python-pptx imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
