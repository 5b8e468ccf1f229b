"""Every documented problem code, planted in a small pack and caught where it was planted.

Each test writes one fault into a copy of ``tests/fixtures/checked`` (a pack and the
sources it verifies against) or of the built-in template, runs briefgen, and asserts
the code, the location (``file:line: field``) and the exit code: 2 for bad input, 1
for a check's findings, 0 when only warnings were found. The last test compares the
codes covered here with ``docs/problems.md``, so a newly documented code needs a test.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from typer.testing import CliRunner, Result

from briefgen.build import BuildOptions, build
from briefgen.cli import app
from briefgen.errors import TemplateError
from briefgen.load import load_pack
from briefgen.render_brief import render_brief
from briefgen.resolve import resolve_pack

from .conftest import FIXTURES, ROOT, edit_text

runner = CliRunner()
DOCS = ROOT / "docs" / "problems.md"
DEFAULT_TEMPLATE = ROOT / "briefgen" / "templates" / "default"

# Codes with a test in this file; each test registers the codes it asserts.
COVERED: set[str] = set()
F = TypeVar("F", bound=Callable[..., Any])


def covers(*codes: str) -> Callable[[F], F]:
    def register(test: F) -> F:
        COVERED.update(codes)
        return test

    return register


# -- fixtures and helpers --------------------------------------------------------------


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A folder for ``--templates`` holding a writable copy of the built-in ``default``."""
    root = tmp_path / "templates"
    shutil.copytree(DEFAULT_TEMPLATE, root / "default")
    return root


def _line_of(path: Path, text: str) -> int:
    """1-based line of the first line of ``path`` that contains ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def _invoke(*args: object) -> Result:
    result = runner.invoke(app, [str(a) for a in args])
    # A traceback is a bug, never a report: only typer's own exits are expected.
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"briefgen crashed: {result.exception!r}\n{result.output}")
    return result


def _check(case: Path, *extra: object) -> Result:
    return _invoke("check", case / "pack", "--sources", case / "sources", *extra)


def _build(case: Path, *extra: object, sources: bool = True) -> Result:
    with_sources = ("--sources", case / "sources") if sources else ()
    return _invoke("build", case / "pack", "--out", case / "out", *with_sources, *extra)


def _lines(result: Result, code: str) -> list[str]:
    return [line for line in result.output.splitlines() if line.endswith(f"[{code}]")]


def _one(result: Result, code: str, exit_code: int) -> str:
    """The one line reporting ``code``, after checking the run's exit code."""
    assert result.exit_code == exit_code, result.output
    found = _lines(result, code)
    assert len(found) == 1, result.output
    return found[0]


def _located(line: str, where: str, says: str = "") -> None:
    """``line`` starts with ``where`` (``file:line: field``) and says ``says``."""
    assert line.startswith(f"{where}: "), line
    assert says in line, line


# -- reading the pack: faults planted in the pack's files (exit 2) ----------------------


@dataclass(frozen=True)
class Fault:
    """One fault: edits to files under a folder, and where it must be reported.

    An edit is ``(file, old, new)``: ``old`` replaced by ``new`` once, or, when ``old``
    is None, the file written with ``new`` (text or bytes). ``where`` is
    ``file:line: field``, its file relative to the same folder; a ``{line}`` in it
    stands for the line the first edit's new text landed on (for files briefgen ships,
    whose lines may move).
    """

    code: str
    edits: tuple[tuple[str, str | None, str | bytes], ...]
    where: str
    says: str = ""
    name: str = ""  # tells apart two faults of one code in the test ids

    @property
    def id(self) -> str:
        return f"{self.code}-{self.name}" if self.name else self.code

    def located(self, base: Path) -> str:
        """``where`` as an absolute location, once the fault is planted under ``base``."""
        if "{line}" not in self.where:
            return f"{base}/{self.where}"
        name, _, new = self.edits[0]
        assert isinstance(new, str)
        line = _line_of(base / name, new.strip().splitlines()[0])
        return f"{base}/{self.where.replace('{line}', str(line))}"

    def plant(self, base: Path) -> None:
        for name, old, new in self.edits:
            path = base / name
            if old is not None:
                assert isinstance(new, str)
                edit_text(path, old, new)
            elif isinstance(new, bytes):
                path.write_bytes(new)
            else:
                path.write_text(new, encoding="utf-8")


HIGHLIGHTS = (
    "highlights:\n"
    "  periods:\n"
    "    - {start: 2025-01-01, end: 2025-03-31}\n"
    "  rows:\n"
    "    - {label: Revenue, metric: revenue, currency: CNY}\n"
)

LOAD_FAULTS = [
    Fault(
        "pack-shape",
        (("more.yaml", None, "figures: {}\n"),),
        "more.yaml:1: figures",
        "'figures' must be a list",
    ),
    Fault(
        "pack-unknown-section",
        (("more.yaml", None, "sources: []\nfiguers: []\n"),),
        "more.yaml:2: figuers",
        "unknown section 'figuers' (did you mean 'figures'?)",
    ),
    Fault(
        "pack-duplicate-section",
        (("a.yaml", None, HIGHLIGHTS), ("b.yaml", None, "# the same again\n" + HIGHLIGHTS)),
        "b.yaml:2: highlights",
        "'highlights' is given in more than one file",
    ),
    Fault(
        "file-too-large",
        (("more.yaml", None, b"#" * (5 * 1024 * 1024 + 1)),),
        "more.yaml",
        "larger than 5 MB",
    ),
    Fault(
        "file-bom",
        (("more.yaml", None, b"\xef\xbb\xbfrisks: []\n"),),
        "more.yaml:1",
        "byte-order mark",
    ),
    Fault(
        "file-not-utf8",
        (("more.yaml", None, b"risks: []\n# caf\xe9\n"),),
        "more.yaml:2",
        "is not UTF-8 (byte 15)",
    ),
    Fault(
        "yaml-syntax",
        (("figures.yaml", "    label: Revenue\n", "    label: [Revenue\n"),),
        "figures.yaml:4",
        "malformed YAML",
    ),
    Fault(
        "yaml-duplicate-key",
        (("figures.yaml", "    label: Revenue\n", "    label: Revenue\n    label: Again\n"),),
        "figures.yaml:4: figures[0].label",
        "duplicate key 'label' (first at line 3)",
    ),
    Fault(
        "yaml-key",
        (("figures.yaml", "    label: Revenue\n", "    label: Revenue\n    ? [odd]\n    : key\n"),),
        "figures.yaml:4: figures[0]",
        "a key must be a plain name",
    ),
    Fault(
        "yaml-merge",
        (("figures.yaml", "    label: Revenue\n", "    label: Revenue\n    <<: {note: merged}\n"),),
        "figures.yaml:4: figures[0]",
        "merge keys ('<<') are not supported",
    ),
    Fault(
        "yaml-tag",
        (("figures.yaml", "    value: 120.50\n", "    value: !exact 120.50\n"),),
        "figures.yaml:5: figures[0].value",
        "tag '!exact' is not allowed",
    ),
    Fault(
        "text-control-char",
        (("pack.yaml", "title: Kestrel quarterly brief", 'title: "Kestrel\\x07 brief"'),),
        "pack.yaml:3: title",
        "control character U+0007",
    ),
    Fault(
        "field-missing",
        (("figures.yaml", "    label: Revenue\n", ""),),
        "figures.yaml:2: figures[0].label",
        "required field 'label' is missing",
    ),
    Fault(
        "field-extra-forbidden",
        (("figures.yaml", "    scale: billion\n", "    scael: billion\n"),),
        "figures.yaml:8: figures[0].scael",
        "unknown field 'scael' (did you mean 'scale'?)",
    ),
    Fault(
        "field-enum",
        (("figures.yaml", "    kind: amount\n", "    kind: amont\n"),),
        "figures.yaml:6: figures[0].kind",
        "'amount'",
    ),
    Fault(
        "field-date-from-datetime-parsing",
        (("pack.yaml", "as_of: 2025-03-31", "as_of: 2025-02-30"),),
        "pack.yaml:4: as_of",
    ),
    Fault(
        "field-string-too-long",
        (("pack.yaml", "title: Kestrel quarterly brief", "title: " + "K" * 201),),
        "pack.yaml:3: title",
        "at most 200 characters",
    ),
    Fault(
        "field-value-error",
        (("figures.yaml", "    currency: CNY\n", ""),),
        "figures.yaml:2: figures[0]",
        "an amount needs a 'currency'",
    ),
    Fault(
        "field-value-error",
        (
            (
                "figures.yaml",
                "period: {start: 2025-01-01, end: 2025-03-31}",
                "period: {start: 2025-03-31, end: 2025-01-01}",
            ),
        ),
        "figures.yaml:9: figures[0].period",
        "end 2025-01-01 is before start 2025-03-31",
        name="period",
    ),
    Fault(
        "field-value-error",
        (("figures.yaml", "    value: 120.50\n", "    value: 1000000000000000\n"),),
        "figures.yaml:5: figures[0].value",
        "absurdly large",
        name="huge",
    ),
    Fault(
        "duplicate-id",
        (("figures.yaml", "  - id: revenue_q4_digest\n", "  - id: revenue_q4\n"),),
        "figures.yaml:12: figures[1].id",
        "id 'revenue_q4' is used twice (first at line 2)",
    ),
    Fault(
        "duplicate-id",
        (("sources.yaml", "  - id: digest\n", "  - id: wire\n"),),
        "sources.yaml:8: sources[1].id",
        "id 'wire' is used twice (first at line 2)",
        name="source",
    ),
    Fault(
        "unknown-figure",
        (("pack.yaml", "reached {revenue_q4}", "reached {revenue_q5}"),),
        "pack.yaml:7: headline",
        "unknown figure '{revenue_q5}' (did you mean 'revenue_q4'?)",
    ),
    Fault(
        "unknown-figure",
        (("pack.yaml", "key_figures: [revenue_q4,", "key_figures: [revenue_4q,"),),
        "pack.yaml:10: key_figures[0]",
        "unknown figure 'revenue_4q' (did you mean 'revenue_q4'?)",
        name="key-figures",
    ),
    Fault(
        "unknown-figure",
        (("figures.yaml", "inputs: [revenue_q4, revenue_prior]", "inputs: [revenue_q4, rev]"),),
        "figures.yaml:39: figures[3].derived.inputs[1]",
        "unknown figure 'rev'",
        name="derivation",
    ),
    Fault(
        "unknown-figure",
        (
            (
                "resolutions.yaml",
                "figures: [net_income_growth_wire, net_income_growth_digest]",
                "figures: [net_income_growth_wire, net_income_growth_digets]",
            ),
        ),
        "resolutions.yaml:3: resolutions[0].figures[1]",
        "(did you mean 'net_income_growth_digest'?)",
        name="resolution",
    ),
    Fault(
        "unknown-figure",
        (
            (
                "charts.yaml",
                None,
                "charts:\n"
                "  - id: revenue\n"
                "    title: Revenue\n"
                "    categories: [Q4]\n"
                "    series:\n"
                "      - name: Revenue\n"
                "        figures: [revenue_q3]\n",
            ),
        ),
        "charts.yaml:7: charts[0].series[0].figures[0]",
        "unknown figure 'revenue_q3'",
        name="chart",
    ),
    Fault(
        "unknown-source",
        (("figures.yaml", "{source: wire, quote: revenue of", "{source: wier, quote: revenue of"),),
        "figures.yaml:11: figures[0].citations[0].source",
        "unknown source 'wier' (did you mean 'wire'?)",
    ),
    Fault(
        "unknown-source",
        (
            (
                "risks.yaml",
                None,
                "risks:\n"
                "  - id: demand\n"
                "    title: Demand\n"
                "    detail: Demand may soften.\n"
                "    severity: high\n"
                "    likelihood: low\n"
                "    sources: [wire, digset]\n",
            ),
        ),
        "risks.yaml:7: risks[0].sources[1]",
        "unknown source 'digset' (did you mean 'digest'?)",
        name="risk",
    ),
    Fault(
        "unknown-source",
        (
            (
                "pillars.yaml",
                None,
                "pillars:\n"
                "  - id: cloud\n"
                "    title: Cloud\n"
                "    summary: Cloud leads.\n"
                "    sources:\n"
                "      - wires\n",
            ),
        ),
        "pillars.yaml:6: pillars[0].sources[0]",
        "unknown source 'wires'",
        name="pillar",
    ),
    Fault(
        "prose-reference",
        (("pack.yaml", "{revenue_growth_q4}", "{Revenue growth}"),),
        "pack.yaml:9: summary[0]",
        "'{Revenue growth}' is not a figure reference",
    ),
    Fault(
        "prose-brace",
        (("pack.yaml", "on the year; cloud", "on the year { cloud"),),
        "pack.yaml:9: summary[0]",
        "unmatched '{'",
    ),
    Fault(
        "figure-set-aside",
        (("pack.yaml", "rose {net_income_growth_wire}.", "rose {net_income_growth_digest}."),),
        "pack.yaml:7: headline",
        "set aside by resolution 'net_income_growth'",
    ),
    Fault(
        "derived-cycle",
        (
            (
                "figures.yaml",
                "inputs: [revenue_q4, revenue_prior]",
                "inputs: [revenue_growth_q4, revenue_prior]",
            ),
        ),
        "figures.yaml:39: figures[3].derived.inputs",
        "'revenue_growth_q4' is derived from itself",
    ),
    Fault(
        "table-empty-row",
        (
            (
                "highlights.yaml",
                None,
                HIGHLIGHTS + "    - {label: Margin, metric: margin}\n",
            ),
        ),
        "highlights.yaml:6: highlights.rows[1]",
        "no figure has metric 'margin' and entity 'group'",
    ),
]


@covers(*(f.code for f in LOAD_FAULTS))
@pytest.mark.parametrize("fault", LOAD_FAULTS, ids=[f.id for f in LOAD_FAULTS])
def test_pack_fault_is_located(case: Path, fault: Fault) -> None:
    fault.plant(case / "pack")
    line = _one(_check(case), fault.code, 2)
    _located(line, fault.located(case / "pack"), fault.says)


@covers("pack-missing")
def test_pack_missing(case: Path) -> None:
    (case / "pack" / "pack.yaml").unlink()
    line = _one(_check(case), "pack-missing", 2)
    _located(line, str(case / "pack" / "pack.yaml"), "a pack needs a pack.yaml")
    gone = _one(
        _invoke("check", case / "nowhere", "--sources", case / "sources"), "pack-missing", 2
    )
    _located(gone, str(case / "nowhere"), "no such pack folder")


@covers("file-unreadable")
def test_file_unreadable(case: Path) -> None:
    # Root ignores file permissions; a folder named like a YAML file cannot be read either.
    (case / "pack" / "more.yaml").mkdir()
    line = _one(_check(case), "file-unreadable", 2)
    _located(line, str(case / "pack" / "more.yaml"), "cannot read")


@covers("prose-naked-figure")
def test_prose_naked_figure_stops_build_and_fails_check(case: Path) -> None:
    edit_text(case / "pack" / "pack.yaml", "cloud grew {cloud_growth_q4}", "cloud grew 18%")
    where = f"{case / 'pack' / 'pack.yaml'}:9: summary[0]"
    _located(_one(_build(case), "prose-naked-figure", 2), where, "number '18%' typed into prose")
    assert not (case / "out").exists()
    _located(_one(_check(case), "prose-naked-figure", 1), where, "number '18%' typed into prose")


@covers("derived-kind")
def test_derived_kind_points_at_kind(case: Path) -> None:
    edit_text(
        case / "pack" / "figures.yaml",
        "    value: 20.5\n    kind: percent",
        "    value: 20.5\n    kind: multiple",
    )
    line = _one(_check(case), "derived-kind", 2)
    _located(
        line, f"{case / 'pack' / 'figures.yaml'}:37: figures[3].kind", "must be of kind 'percent'"
    )


@covers("derived-kind")
def test_derived_kind_is_reported(case: Path) -> None:
    edit_text(
        case / "pack" / "figures.yaml",
        "    value: 20.5\n    kind: percent",
        "    value: 20.5\n    kind: multiple",
    )
    line = _one(_check(case), "derived-kind", 2)
    assert line.startswith(f"{case / 'pack' / 'figures.yaml'}:"), line
    assert "figures[3]" in line and "must be of kind 'percent'" in line


# -- checking figures against sources (exit 1; warnings exit 0) ------------------------


def _pdf_without_text() -> bytes:
    """A valid one-page PDF with no text layer, like a scan that was never OCR'd."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _source_as(name: str, content: bytes, fault: str, why: str) -> Fault:
    """The digest source replaced by file ``name``: reported at its ``file:`` line."""
    return Fault(
        "source-unreadable",
        (
            ("pack/sources.yaml", "file: digest.md", f"file: {name}"),
            (f"sources/{name}", None, content),
        ),
        "pack/sources.yaml:11: sources[1].file",
        fault,
        name=why,
    )


ZERO_GROWTH = (
    "  - id: revenue_gap\n"
    "    label: Revenue gap\n"
    "    metric: revenue_gap\n"
    "    value: 0\n"
    "    kind: amount\n"
    "    currency: CNY\n"
    "    scale: billion\n"
    "    period: {start: 2024-01-01, end: 2024-03-31}\n"
    "    derived: {op: difference, inputs: [revenue_prior, revenue_prior]}\n"
    "  - id: revenue_gap_growth\n"
    "    label: Revenue gap growth\n"
    "    metric: revenue_gap\n"
    "    basis: yoy\n"
    "    value: 5\n"  # line 81
    "    kind: percent\n"
    "    period: {start: 2025-01-01, end: 2025-03-31}\n"
    "    derived: {op: growth, inputs: [revenue_q4, revenue_gap]}\n"
)
LAST_FIGURE_LINE = "      - {source: wire, quote: cloud unit grew 18%}\n"

CHECK_FAULTS = [
    Fault(
        "source-outside",
        (("pack/sources.yaml", "file: digest.md", "file: ../pack/pack.yaml"),),
        "pack/sources.yaml:11: sources[1].file",
        "'../pack/pack.yaml' is outside the sources folder",
    ),
    _source_as("digest.txt", b"net income jumped 4 percent \xff\n", "not UTF-8", "latin1"),
    _source_as("digest.pdf", b"%PDF-1.4 this is not a PDF\n", "not a readable PDF", "fake-pdf"),
    _source_as("digest.pdf", _pdf_without_text(), "no text layer", "scanned-pdf"),
    _source_as("digest.docx", b"PK\x03\x04", "unsupported source type '.docx'", "docx"),
    Fault(
        "source-stale",
        (("sources/digest.md", "# Market digest", "# Market digest, revised"),),
        "pack/sources.yaml:12: sources[1].sha256",
        "'digest.md' has changed since it was pinned",
    ),
    Fault(
        "quote-not-found",
        (("pack/figures.yaml", "cloud unit grew 18%", "cloud unit rose 18%"),),
        "pack/figures.yaml:67: figures[6].citations[0].quote",
        "quote not found in source 'wire' (wire.txt)",
    ),
    Fault(
        "value-not-stated",
        (("pack/figures.yaml", "quote: cloud unit grew 18%", "quote: Its cloud unit grew"),),
        "pack/figures.yaml:67: figures[6].citations[0].quote",
    ),
    Fault(
        "value-mismatch",
        (("pack/figures.yaml", "    value: 18\n", "    value: 19\n"),),
        "pack/figures.yaml:67: figures[6].citations[0].quote",
        "quote states '18%', not 19",
    ),
    Fault(
        "value-scale",
        (("pack/figures.yaml", "    scale: billion\n", "    scale: million\n"),),
        "pack/figures.yaml:11: figures[0].citations[0].quote",
        "scale differs",
    ),
    Fault(
        "value-currency",
        (("pack/figures.yaml", "    currency: CNY\n", "    currency: USD\n"),),
        "pack/figures.yaml:11: figures[0].citations[0].quote",
    ),
    Fault(
        "value-kind",
        (("pack/figures.yaml", "    value: 40\n    kind: percent", "    value: 40\n    kind: pp"),),
        "pack/figures.yaml:48: figures[4].citations[0].quote",
    ),
    Fault(
        "value-sign",
        (("pack/figures.yaml", "    value: 18\n", "    value: -18\n"),),
        "pack/figures.yaml:67: figures[6].citations[0].quote",
        "figure is negative",
    ),
    Fault(
        "value-precision",
        (("pack/figures.yaml", "    value: 120.50\n", "    value: 120.500\n"),),
        "pack/figures.yaml:11: figures[0].citations[0].quote",
    ),
    Fault(
        "derived-mismatch",
        (("pack/figures.yaml", "    value: 20.5\n", "    value: 25.5\n"),),
        "pack/figures.yaml:36: figures[3].value",
        "stated 25.5 but growth of revenue_q4, revenue_prior gives",
    ),
    Fault(
        "derived-undefined",
        (("pack/figures.yaml", LAST_FIGURE_LINE, LAST_FIGURE_LINE + ZERO_GROWTH),),
        "pack/figures.yaml:81: figures[8].value",
        "divides by zero",
    ),
    Fault(
        "conflict-unresolved",
        (("pack/resolutions.yaml", None, "resolutions: []\n"),),
        "pack/figures.yaml:49: figures[5]",
        "'net_income_growth_wire' (40%, wire) and 'net_income_growth_digest' (4%, digest)",
    ),
]


@covers(*(f.code for f in CHECK_FAULTS))
@pytest.mark.parametrize("fault", CHECK_FAULTS, ids=[f.id for f in CHECK_FAULTS])
def test_check_finding_is_located(case: Path, fault: Fault) -> None:
    fault.plant(case)
    line = _one(_check(case), fault.code, 1)
    _located(line, fault.located(case), fault.says)


@covers("source-missing")
def test_source_missing_fails_check_but_only_warns_build(case: Path) -> None:
    (case / "sources" / "digest.md").unlink()
    where = f"{case / 'pack' / 'sources.yaml'}:11: sources[1].file"
    line = _one(_check(case), "source-missing", 1)
    _located(line, where, f"source file 'digest.md' is not in {case / 'sources'}")
    assert "warning:" not in line
    warned = _one(_build(case), "source-missing", 0)
    _located(warned, where, "warning: source file 'digest.md'")
    assert (case / "out" / "pack-default.pptx").is_file()


WARNINGS = [
    Fault(
        "source-unpinned",
        (
            (
                "pack/sources.yaml",
                "    sha256: 0a016cd05b44b61f5f6ee3828dea677cf731d2c75f5e0135757c0c23d77984c8\n",
                "",
            ),
        ),
        "pack/sources.yaml:8: sources[1].sha256",
        "warning: no sha256 pinned; pin it to notice later edits: "
        "sha256: 0a016cd05b44b61f5f6ee3828dea677cf731d2c75f5e0135757c0c23d77984c8",
    ),
    Fault(
        "resolution-idle",
        (
            (
                "pack/resolutions.yaml",
                None,
                (FIXTURES / "checked" / "pack" / "resolutions.yaml").read_text(encoding="utf-8")
                + "  - id: revenue\n"
                "    figures: [revenue_q4, revenue_q4_digest]\n"
                "    stands: revenue_q4\n"
                "    reason: The wire gives the exact figure.\n",
            ),
        ),
        "pack/resolutions.yaml:6: resolutions[1]",
        "warning: the figures of resolution 'revenue' agree; the record can go",
    ),
]


@covers(*(f.code for f in WARNINGS))
@pytest.mark.parametrize("fault", WARNINGS, ids=[f.id for f in WARNINGS])
def test_warning_keeps_exit_code(case: Path, fault: Fault) -> None:
    fault.plant(case)
    result = _check(case)
    _located(_one(result, fault.code, 0), f"{case}/{fault.where}", fault.says)
    assert "0 errors, 1 warnings" in result.output
    built = _build(case)
    _located(_one(built, fault.code, 0), f"{case}/{fault.where}", fault.says)
    assert (case / "out" / "pack-default.md").is_file()


@covers("quotes-unverified")
def test_build_without_sources_warns(case: Path) -> None:
    result = _build(case, sources=False)
    line = _one(result, "quotes-unverified", 0)
    _located(line, str(case / "pack"), "warning: no sources folder given")
    assert (case / "out" / "pack-default.pptx").is_file()


@covers("output-unsourced-number")
def test_number_in_a_label_reaches_the_outputs(case: Path) -> None:
    # A label is not prose, so a number in it is not caught as a naked figure; it is
    # caught in the rendered deck and brief instead.
    edit_text(
        case / "pack" / "figures.yaml", "    label: Revenue\n", "    label: Revenue, top 3 units\n"
    )
    out = case / "out"
    says = "'3' in the brief is not the value of any figure"

    # Built without verifying, the brief is written, so the line with the label is known.
    written = build(BuildOptions(case / "pack", out, sources_dir=case / "sources", verify=False))
    brief = written.brief
    assert brief == out / "pack-default.md"
    at = _line_of(brief, "top 3 units")
    assert [p.code for p in written.warnings if p.file == str(brief)] == ["output-unsourced-number"]
    shutil.rmtree(out)

    checked = _one(_check(case), "output-unsourced-number", 1)
    _located(checked, f"pack-default.md (rendered):{at}", says)

    built = _build(case)
    assert built.exit_code == 1, built.output
    found = _lines(built, "output-unsourced-number")
    assert any(line.startswith(f"{brief}:{at}: {says}") for line in found), built.output
    deck = [line for line in found if line.startswith(f"{out / 'pack-default.pptx'}: '3' in slide")]
    assert deck, built.output
    assert not out.exists() or not any(out.iterdir())


def test_no_verify_writes_despite_findings(case: Path) -> None:
    """``build --no-verify`` writes anyway, still printing what it found."""
    edit_text(
        case / "pack" / "figures.yaml", "    label: Revenue\n", "    label: Revenue, top 3 units\n"
    )
    result = _build(case, "--no-verify")
    assert result.exit_code == 0, result.output
    assert (case / "out" / "pack-default.md").is_file()
    assert _lines(result, "output-unsourced-number")


# -- templates and rendering (exit 2, except template-naked-figure: exit 1) -------------


def _rewrite_zip(path: Path, member: str, old: str, new: str) -> None:
    """Replace text in one member of a zip file (a .pptx), keeping the rest as it was."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in entries:
            if info.filename == member:
                text = data.decode("utf-8")
                assert old in text, f"{member} no longer holds {old!r}"
                data = text.replace(old, new, 1).encode("utf-8")
            target.writestr(info, data)


TEMPLATE_FAULTS = [
    Fault(
        "template-name",
        (("manifest.yaml", "name: default", "name: house"),),
        "manifest.yaml:{line}: name",
        "name 'house' differs from the folder's name 'default'",
    ),
    Fault(
        "template-file-missing",
        (("manifest.yaml", "pptx: template.pptx", "pptx: house.pptx"),),
        "manifest.yaml:{line}: pptx",
        "file 'house.pptx' is not in",
    ),
    Fault(
        "template-file-missing",
        (("manifest.yaml", "brief: brief.md.jinja", "brief: house.md.jinja"),),
        "manifest.yaml:{line}: brief",
        "file 'house.md.jinja' is not in",
        name="brief",
    ),
    Fault(
        "template-not-pptx",
        (("template.pptx", None, b"this is not a zip file"),),
        "template.pptx",
        "is not a .pptx: not a readable zip archive",
    ),
    Fault(
        "template-layout",
        (("manifest.yaml", "    layout: BG Title\n", "    layout: BG Titel\n"),),
        "manifest.yaml:{line}: slides[0].layout",
        "template.pptx has no layout named 'BG Titel' (did you mean 'BG Title'?); its layouts are",
    ),
    Fault(
        "template-placeholder",
        (("manifest.yaml", "subtitle: subTitle, body: 13}", "subtitle: subTitle, body: 99}"),),
        "manifest.yaml:{line}: slides[0].placeholders.body",
        "layout 'BG Title' in template.pptx has no placeholder 99 for role 'body'",
    ),
    Fault(
        "brief-syntax",
        (("brief.md.jinja", "## Key figures", "## Key figures {% if %}"),),
        "brief.md.jinja:{line}",
        "template syntax",
    ),
    Fault(
        "brief-undefined",
        (("brief.md.jinja", "## Key figures", "## Key figures of {{ sector }}"),),
        "brief.md.jinja:{line}",
        "'sector' is undefined",
    ),
    Fault(
        "brief-unsafe",
        (("brief.md.jinja", "## Key figures", "## Key figures {{ title.__class__ }}"),),
        "brief.md.jinja:{line}",
        "refused: access to attribute '__class__'",
    ),
]


@covers(*(f.code for f in TEMPLATE_FAULTS))
@pytest.mark.parametrize("fault", TEMPLATE_FAULTS, ids=[f.id for f in TEMPLATE_FAULTS])
def test_template_fault_is_located(case: Path, templates: Path, fault: Fault) -> None:
    fault.plant(templates / "default")
    where = fault.located(templates / "default")
    _located(_one(_check(case, "--templates", templates), fault.code, 2), where, fault.says)
    _located(_one(_build(case, "--templates", templates), fault.code, 2), where, fault.says)
    assert not (case / "out").exists()


@covers("template-invalid")
def test_template_invalid_manifest(case: Path, templates: Path) -> None:
    manifest = templates / "default" / "manifest.yaml"
    edit_text(manifest, "  size: 9\n", "  size: 99\n")
    line = _one(_check(case, "--templates", templates), "template-invalid", 2)
    _located(line, f"{manifest}:{_line_of(manifest, 'size: 99')}: footnote.size")


@covers("template-naked-figure")
def test_number_typed_into_the_brief_template(case: Path, templates: Path) -> None:
    brief = templates / "default" / "brief.md.jinja"
    edit_text(brief, "## Key figures", "## Key figures (top 6)")
    line = _one(_check(case, "--templates", templates), "template-naked-figure", 1)
    _located(line, f"{brief}:{_line_of(brief, '(top 6)')}", "number '6' typed into the template")


def first_layout_prompt(pptx: Path) -> tuple[str, str]:
    """The first slide layout of ``pptx`` with prompt text, and that text's ``<a:t>``."""
    with zipfile.ZipFile(pptx) as archive:
        return next(
            (name, found.group(0))
            for name in sorted(archive.namelist())
            if name.startswith("ppt/slideLayouts/slideLayout")
            for found in [re.search(r"<a:t>[A-Za-z][^<0-9]*</a:t>", archive.read(name).decode())]
            if found
        )


@covers("template-naked-figure")
def test_number_typed_into_a_pptx_layout(case: Path, templates: Path) -> None:
    pptx = templates / "default" / "template.pptx"
    layout, prompt = first_layout_prompt(pptx)
    _rewrite_zip(pptx, layout, prompt, prompt.replace("<a:t>", "<a:t>Top 6 "))
    line = _one(_check(case, "--templates", templates), "template-naked-figure", 1)
    _located(line, f"{pptx}: {layout}", f"number '6' typed into {layout}")


@covers("template-unknown")
def test_template_unknown(case: Path) -> None:
    line = _one(_build(case, "--template", "defualt"), "template-unknown", 2)
    assert "template: no template named 'defualt' (did you mean 'default'?)" in line, line
    available = re.search(r"available: ([^;]*);", line)
    assert available is not None and "default" in available.group(1).split(", "), line
    assert (
        f"searched: {Path.cwd() / 'templates'} (project); {DEFAULT_TEMPLATE.parent} (built-in)"
        in line
    )


@covers("template-unknown")
def test_template_unknown_from_the_pack_is_located(case: Path) -> None:
    pack_file = case / "pack" / "pack.yaml"
    with pack_file.open("a", encoding="utf-8") as handle:
        handle.write("template: defualt\n")
    line = _one(_check(case), "template-unknown", 2)
    _located(line, f"{pack_file}:11: template", "no template named 'defualt'")


@covers("brief-missing")
def test_brief_missing(case: Path, templates: Path) -> None:
    # Through the CLI a missing brief file is template-file-missing (the manifest is
    # checked first); render_brief reports it on its own.
    resolved = resolve_pack(load_pack(case / "pack"))
    with pytest.raises(TemplateError) as caught:
        render_brief(resolved, templates / "default", "house.md.jinja")
    (line,) = caught.value.lines()
    _located(line, str(templates / "default" / "house.md.jinja"), "brief template not found")
    assert line.endswith("[brief-missing]")


def _pillars(count: int, words: int) -> str:
    text = " ".join(["Kestrel keeps widening its lead in every market it serves"] * words)
    items = "".join(
        f"  - id: pillar_{chr(97 + i)}\n    title: Pillar {chr(65 + i)}\n    summary: {text}.\n"
        "    sources: [wire]\n"
        for i in range(count)
    )
    return "pillars:\n" + items


@covers("brief-over-budget")
def test_brief_over_budget(case: Path) -> None:
    (case / "pack" / "pillars.yaml").write_text(_pillars(10, 6), encoding="utf-8")
    result = _build(case)
    assert result.exit_code == 2, result.output
    first, *sections = _lines(result, "brief-over-budget")
    brief = case / "out" / "pack-default.md"
    _located(first, str(brief), "the brief needs about")
    assert "but one page holds 52" in first
    assert sections and all(line.startswith(f"{brief}: section '") for line in sections)
    assert any("section 'Strategy' takes" in line for line in sections)
    assert not (case / "out").exists()


RISK = (
    "risks:\n"
    "  - id: demand\n"
    "    title: Demand\n"
    "    detail: {detail}\n"
    "    severity: high\n"
    "    likelihood: low\n"
    "    sources: [wire]\n"
)
LONG = " ".join(["Demand for cloud services may soften across the region"] * 36)[:1990] + "."


@covers("deck-overflow")
def test_deck_overflow_table_row(case: Path) -> None:
    (case / "pack" / "risks.yaml").write_text(RISK.format(detail=LONG), encoding="utf-8")
    line = _one(_build(case), "deck-overflow", 2)
    assert "the row 'Demand' of 'Key risks' does not fit" in line and "even at the smallest" in line
    assert not (case / "out").exists()


@covers("deck-overflow")
def test_deck_overflow_names_the_pack_item(case: Path) -> None:
    risks = case / "pack" / "risks.yaml"
    risks.write_text(RISK.format(detail=LONG), encoding="utf-8")
    line = _one(_build(case), "deck-overflow", 2)
    assert line.startswith(f"{risks}:"), line
    assert "risks[0]" in line


@covers("deck-overflow")
def test_deck_overflow_title(case: Path) -> None:
    title = " ".join(["Momentum"] * 22)  # 197 characters: three lines at 18 pt
    pillars = case / "pack" / "pillars.yaml"
    pillars.write_text(
        f"pillars:\n  - id: cloud\n    title: {title}\n    summary: Cloud leads.\n"
        "    sources: [wire]\n",
        encoding="utf-8",
    )
    line = _one(_build(case), "deck-overflow", 2)
    assert line.startswith(f"{pillars}:3: pillars[0].title: "), line


@covers("deck-overflow")
def test_deck_overflow_title_of_a_chart(case: Path) -> None:
    charts = case / "pack" / "charts.yaml"
    title = " ".join(["Momentum"] * 22)  # three lines at 18 pt
    charts.write_text(
        f"charts:\n  - id: revenue\n    title: {title}\n    categories: [Q4]\n"
        "    series:\n      - name: Revenue\n        figures: [revenue_q4]\n",
        encoding="utf-8",
    )
    line = _one(_build(case), "deck-overflow", 2)
    _located(line, f"{charts}:3: charts[0].title", "does not fit the 'BG Chart' layout's title box")


@covers("deck-overflow")
def test_deck_overflow_title_given_by_the_template(case: Path, templates: Path) -> None:
    manifest = templates / "default" / "manifest.yaml"
    title = " ".join(["Summary"] * 24)
    edit_text(manifest, "layout: BG Key Figures\n", f"layout: BG Key Figures\n    title: {title}\n")
    line = _one(_build(case, "--templates", templates), "deck-overflow", 2)
    slides = yaml.safe_load(manifest.read_text(encoding="utf-8"))["slides"]
    index = next(i for i, s in enumerate(slides) if s.get("title") == title)
    _located(line, f"{manifest}:{_line_of(manifest, title)}: slides[{index}].title", "shorten it")


CHART = (
    "charts:\n"
    "  - id: mixed\n"
    "    title: Revenue and growth\n"
    "    categories: [Revenue, Growth]\n"
    "    series:\n"
    "      - name: Q4\n"
    "        figures: [revenue_q4, cloud_growth_q4]\n"
)


@covers("deck-chart")
def test_deck_chart_mixed_units(case: Path) -> None:
    (case / "pack" / "charts.yaml").write_text(CHART, encoding="utf-8")
    line = _one(_build(case), "deck-chart", 2)
    assert "chart 'mixed': series 'Q4' mixes units" in line, line
    assert not (case / "out").exists()


@covers("deck-chart")
def test_deck_chart_is_located(case: Path) -> None:
    charts = case / "pack" / "charts.yaml"
    charts.write_text(CHART, encoding="utf-8")
    line = _one(_build(case), "deck-chart", 2)
    _located(line, f"{charts}:6: charts[0].series[0]", "mixes units")


@covers("deck-chart")
def test_deck_chart_axis_sharing_units_is_located(case: Path) -> None:
    charts = case / "pack" / "charts.yaml"
    charts.write_text(
        "charts:\n  - id: shared\n    title: Revenue and growth\n    categories: [Q4]\n"
        "    series:\n      - name: Revenue\n        figures: [revenue_q4]\n"
        "      - name: Growth\n        figures: [cloud_growth_q4]\n",
        encoding="utf-8",
    )
    line = _one(_build(case), "deck-chart", 2)
    _located(line, f"{charts}:8: charts[0].series[1]", "share an axis but not a unit")


@covers("deck-chart")
def test_deck_chart_bar_with_secondary_axis_is_located(case: Path) -> None:
    charts = case / "pack" / "charts.yaml"
    charts.write_text(
        "charts:\n  - id: bars\n    title: Revenue and growth\n    type: bar\n"
        "    categories: [Q4]\n    series:\n      - name: Revenue\n"
        "        figures: [revenue_q4]\n      - name: Growth\n        axis: secondary\n"
        "        figures: [cloud_growth_q4]\n",
        encoding="utf-8",
    )
    line = _one(_build(case), "deck-chart", 2)
    where = f"{charts}:{_line_of(charts, 'axis: secondary')}: charts[0].series[1].axis"
    _located(line, where, "has no secondary axis")


@covers("deck-unknown-chart")
def test_deck_unknown_chart(case: Path, templates: Path) -> None:
    manifest = templates / "default" / "manifest.yaml"
    edit_text(manifest, "    layout: BG Chart\n", "    layout: BG Chart\n    chart: revenue\n")
    line = _one(_build(case, "--templates", templates), "deck-unknown-chart", 2)
    assert line.startswith(f"{manifest}"), line
    assert "names chart 'revenue', which the pack does not have" in line


@covers("deck-unknown-chart")
def test_deck_unknown_chart_is_located(case: Path, templates: Path) -> None:
    manifest = templates / "default" / "manifest.yaml"
    edit_text(manifest, "    layout: BG Chart\n", "    layout: BG Chart\n    chart: revenue\n")
    line = _one(_build(case, "--templates", templates), "deck-unknown-chart", 2)
    kinds = [s["kind"] for s in yaml.safe_load(manifest.read_text(encoding="utf-8"))["slides"]]
    where = (
        f"{manifest}:{_line_of(manifest, 'chart: revenue')}: slides[{kinds.index('chart')}].chart"
    )
    _located(line, where, "names chart 'revenue'")


@covers("deck-unknown-pillar")
def test_deck_unknown_pillar_is_located(case: Path, templates: Path) -> None:
    manifest = templates / "default" / "manifest.yaml"
    pillar = "  - kind: pillar\n    layout: BG Title and Body\n"
    edit_text(manifest, pillar, f"{pillar}    pillar: retail\n")
    line = _one(_build(case, "--templates", templates), "deck-unknown-pillar", 2)
    kinds = [s["kind"] for s in yaml.safe_load(manifest.read_text(encoding="utf-8"))["slides"]]
    where = (
        f"{manifest}:{_line_of(manifest, 'pillar: retail')}: slides[{kinds.index('pillar')}].pillar"
    )
    _located(line, where, "names pillar 'retail', which the pack does not have")


@covers("output-write")
def test_output_write(case: Path) -> None:
    blocker = case / "blocker"
    blocker.write_text("a file where the output folder should go\n", encoding="utf-8")
    out = blocker / "out"
    result = _invoke("build", case / "pack", "--out", out, "--sources", case / "sources")
    _located(_one(result, "output-write", 2), str(out), "cannot write")
    assert blocker.read_text(encoding="utf-8").startswith("a file where")
    report = blocker / "report.json"
    checked = _one(_check(case, "--format", "json", "--output", report), "output-write", 2)
    # Named by the path in the way (the file standing where the folder should be).
    assert checked.startswith(f"{blocker}"), checked
    assert "cannot write" in checked


@covers("usage")
def test_usage(case: Path) -> None:
    no_sources = _one(_invoke("check", case / "pack"), "usage", 2)
    assert "check needs --sources DIR" in no_sources
    bad_format = _one(_check(case, "--format", "xml"), "usage", 2)
    assert "--format must be one of text, json, github, junit, not 'xml'" in bad_format


# -- every documented code has a test here ----------------------------------------------

_CODE = re.compile(r"`([a-z][a-z0-9]*(?:-[a-z0-9]+)*)`")


def documented_codes() -> set[str]:
    """Codes named in the first column of docs/problems.md's tables (``field-*`` stands for a
    family: the members its row names are taken instead)."""
    codes: set[str] = set()
    for row in DOCS.read_text(encoding="utf-8").splitlines():
        if not row.startswith("| `"):
            continue
        first = row.split("|")[1]
        if first.strip() == "`field-*`":
            codes.update(c for c in _CODE.findall(row) if c.startswith("field-"))
        else:
            codes.update(_CODE.findall(first))
    return codes


# Tests elsewhere register their codes with @covers when their module is imported;
# importing them here makes this check hold when this file runs on its own too.
_ALSO_COVERING = ("test_hostile", "test_audit_deck", "test_authoring", "test_template_adopt")


def test_every_documented_code_has_a_test() -> None:
    import importlib

    for module in _ALSO_COVERING:
        importlib.import_module(f"tests.{module}")
    documented = documented_codes()
    assert len(documented) > 60, sorted(documented)  # the parser still reads the tables
    assert not documented - COVERED, f"no test for: {sorted(documented - COVERED)}"
    assert not COVERED - documented, f"tested but not documented: {sorted(COVERED - documented)}"


@covers("office-missing", "office-failed", "office-timeout")
def test_office_tools(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen import office

    bin_dir = case / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(office, "_MAC_SOFFICE", bin_dir / "none")
    line = _one(_build(case, "--pdf"), "office-missing", 2)
    _located(line, "soffice", "sudo apt-get install libreoffice-impress poppler-utils")

    def fake(body: str) -> None:
        script = bin_dir / "soffice"
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)

    fake("exit 0")
    _located(_one(_build(case, "--pdf"), "office-failed", 2), "soffice", "no PDF made")
    fake("exec /bin/sleep 30")
    monkeypatch.setattr(office, "CONVERT_TIMEOUT", 0.5)
    _located(_one(_build(case, "--pdf"), "office-timeout", 2), "soffice", "was stopped")
    assert not (case / "out").exists()


@covers("template-pptx")
def test_word_document_offered_as_a_template(tmp_path: Path) -> None:
    import zipfile

    docx = tmp_path / "memo.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    result = runner.invoke(app, ["template", "inspect", str(docx)])
    line = _one(result, "template-pptx", 2)
    _located(line, str(docx), "Word document")
