"""Bad input never crashes, leaks or runs: each hostile input through the real command line.

Every case plants one fault in a copy of ``tests/fixtures/checked`` (a pack that verifies
against its sources) or of the built-in template, then runs ``python -m briefgen build``
and ``python -m briefgen check`` as separate processes, side by side. Both must stop with
the documented exit code, print the problem as ``file:line: field: message [code]``, and
show no traceback; ``build`` must leave the output folder as it was.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefgen.errors import TemplateError
from briefgen.yamlsrc import parse_yaml, read_yaml

from .conftest import FIXTURES, ROOT, edit_text

try:  # tests/test_problem_codes.py checks that every documented code has a test
    from .test_problem_codes import covers
except ImportError:  # pragma: no cover - that file is being reworked

    def covers(*codes: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
        return lambda test: test


DEFAULT_TEMPLATE = ROOT / "briefgen" / "templates" / "default"
HOSTILE = FIXTURES / "hostile"
_TIMEOUT = 60


# -- running briefgen ---------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    command: str
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return [line for line in (self.stdout + self.stderr).splitlines() if line]


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A copy of the checked fixture (``pack/``, ``sources/``) and an ``out/`` with files."""
    root = tmp_path / "case"
    shutil.copytree(FIXTURES / "checked", root)
    out = root / "out"
    out.mkdir()
    (out / "pack-default.pptx").write_bytes(b"the deck of an earlier build")
    (out / "pack-default.md").write_text("the brief of an earlier build\n", encoding="utf-8")
    (out / "notes.txt").write_text("someone else's file\n", encoding="utf-8")
    return root


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _run_both(case: Path, *extra: str) -> tuple[Run, Run]:
    """``build`` and ``check`` of the case's pack, run at once as two processes."""
    pack, sources = case / "pack", case / "sources"
    commands = {
        "build": ["build", str(pack), "--out", str(case / "out"), "--sources", str(sources)],
        "check": ["check", str(pack), "--sources", str(sources)],
    }
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    started = time.monotonic()
    running = {
        name: subprocess.Popen(
            [sys.executable, "-m", "briefgen", *args, *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=case,
            env=env,
        )
        for name, args in commands.items()
    }
    runs = []
    for name, process in running.items():
        try:
            stdout, stderr = process.communicate(timeout=_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            pytest.fail(f"briefgen {name} hung on {case}")
        runs.append(Run(name, process.returncode, stdout, stderr, time.monotonic() - started))
    return runs[0], runs[1]


def _assert_refused(
    case: Path, run: Run, code: str, where: str, says: str = "", *, exit_code: int = 2
) -> str:
    """The run exited ``exit_code`` without a traceback, reporting ``code`` at ``where``.

    ``where`` is a regular expression for ``file:line: field``. For bad input (exit 2)
    the problem is the first line on stderr and the last says ``error:``.
    """
    assert "Traceback" not in run.stderr, run.stderr
    assert run.code == exit_code, (run.command, run.stdout, run.stderr)
    pattern = re.compile(rf"{where}: (?:.+ )?\[{re.escape(code)}\]")
    if exit_code == 2:
        lines = run.stderr.splitlines()
        assert lines and pattern.fullmatch(lines[0]), (run.command, lines[:3])
        assert lines[-1].startswith("error: "), lines[-1]
        found = lines[0]
    else:
        found = next((x for x in run.lines if pattern.fullmatch(x)), "")
        assert found, (run.command, run.lines)
    assert says in found, found
    return found


def _refused_by_both(
    case: Path, code: str, where: str, says: str = "", *extra: str, exit_code: int = 2
) -> tuple[Run, Run]:
    before = _snapshot(case / "out")
    build, check = _run_both(case, *extra)
    for run in (build, check):
        _assert_refused(case, run, code, where, says, exit_code=exit_code)
    assert _snapshot(case / "out") == before, "a refused build touched the output folder"
    return build, check


def _at(path: Path, line: int | None = None, field: str | None = None) -> str:
    where = re.escape(str(path))
    if line is not None:
        where += f":{line}"
    if field is not None:
        where += ": " + re.escape(field)
    return where


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# -- the pack's YAML --------------------------------------------------------------------


@dataclass(frozen=True)
class PackFault:
    name: str
    code: str
    plant: Callable[[Path], None]
    file: str  # relative to the pack
    line: int | None = None
    field: str | None = None
    says: str = ""


def _figures(edit: Callable[[Path], None]) -> Callable[[Path], None]:
    return lambda pack: edit(pack / "figures.yaml")


def _keep_only_pack_yaml(pack: Path) -> None:
    for path in pack.iterdir():
        if path.name != "pack.yaml":
            path.unlink()


def _empty_every_file(pack: Path) -> None:
    for path in pack.iterdir():
        path.write_text("", encoding="utf-8")


PACK_FAULTS = [
    PackFault(
        "duplicate key",
        "yaml-duplicate-key",
        _figures(
            lambda f: edit_text(f, "    label: Revenue\n", "    label: Revenue\n    label: B\n")
        ),
        "figures.yaml",
        4,
        "figures[0].label",
        "duplicate key 'label' (first at line 3)",
    ),
    PackFault(
        "unknown field, nearest name suggested",
        "field-extra-forbidden",
        _figures(lambda f: edit_text(f, "    scale: billion\n", "    scael: billion\n")),
        "figures.yaml",
        8,
        "figures[0].scael",
        "unknown field 'scael' (did you mean 'scale'?)",
    ),
    PackFault(
        "wrong type",
        "field-string-type",
        _figures(lambda f: edit_text(f, "    label: Revenue\n", "    label: [Rev, enue]\n")),
        "figures.yaml",
        3,
        "figures[0].label",
    ),
    PackFault(
        "unknown figure in prose",
        "unknown-figure",
        lambda p: edit_text(p / "pack.yaml", "{revenue_q4}", "{revenue_q5}"),
        "pack.yaml",
        7,
        "headline",
        "unknown figure '{revenue_q5}' (did you mean 'revenue_q4'?)",
    ),
    PackFault(
        "unknown source",
        "unknown-source",
        _figures(
            lambda f: edit_text(f, "{source: wire, quote: revenue", "{source: wrie, quote: revenue")
        ),
        "figures.yaml",
        11,
        "figures[0].citations[0].source",
        "unknown source 'wrie' (did you mean 'wire'?)",
    ),
    PackFault(
        "unknown template",
        "template-unknown",
        lambda p: _append(p / "pack.yaml", "template: nosuch\n"),
        "pack.yaml",
        11,
        "template",
        "no template named 'nosuch'",
    ),
    PackFault(
        "not UTF-8",
        "file-not-utf8",
        _figures(lambda f: f.write_bytes(f.read_bytes().replace(b"Revenue", b"Rev\xe9nue", 1))),
        "figures.yaml",
        3,
        None,
        "is not UTF-8",
    ),
    PackFault(
        "byte-order mark",
        "file-bom",
        _figures(lambda f: f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())),
        "figures.yaml",
        1,
    ),
    PackFault(
        "impossible date",
        "field-date-from-datetime-parsing",
        lambda p: edit_text(p / "pack.yaml", "as_of: 2025-03-31", "as_of: 2025-02-30"),
        "pack.yaml",
        4,
        "as_of",
    ),
    PackFault(
        "the last day of the calendar",
        "date-out-of-range",
        lambda p: edit_text(p / "pack.yaml", "as_of: 2025-03-31", "as_of: 9999-12-31"),
        "pack.yaml",
        4,
        "as_of",
        "9999-12-31 is out of range; dates run from 1900 to 2199",
    ),
    PackFault(
        "a period in year 1",
        "date-out-of-range",
        _figures(lambda f: edit_text(f, "{start: 2025-01-01, end:", "{start: 0001-01-01, end:")),
        "figures.yaml",
        9,
        "figures[0].period.start",
    ),
    PackFault(
        "a pack.yaml and nothing else",
        "pack-empty",
        _keep_only_pack_yaml,
        "pack.yaml",
        says="the pack holds no sources and no figures",
    ),
    PackFault("every file empty", "pack-empty", _empty_every_file, "pack.yaml"),
    PackFault(
        "control character typed into a value",
        "text-control-char",
        lambda p: edit_text(
            p / "pack.yaml", "title: Kestrel quarterly", "title: Kestrel\x07 quarterly"
        ),
        "pack.yaml",
        3,
        None,
        "U+0007",
    ),
    PackFault(
        "control character escaped in a value",
        "text-control-char",
        lambda p: _append(p / "pack.yaml", 'subtitle: "a\\x0bb"\n'),
        "pack.yaml",
        11,
        "subtitle",
        "U+000B",
    ),
    PackFault(
        "control character escaped in a key",
        "text-control-char",
        lambda p: _append(p / "pack.yaml", '"sub\\x1btitle": x\n'),
        "pack.yaml",
        11,
        None,
        "U+001B",
    ),
    PackFault(
        "a 10 MB string",
        "file-too-large",
        lambda p: _append(p / "pack.yaml", "subtitle: " + "x" * 10 * 2**20 + "\n"),
        "pack.yaml",
    ),
    PackFault(
        "a 1 MB string",
        "field-string-too-long",
        lambda p: edit_text(p / "pack.yaml", "title: Kestrel", "title: " + "word " * 200_000),
        "pack.yaml",
        3,
        "title",
    ),
    PackFault(
        "a 400-digit number",
        "yaml-number",
        _figures(lambda f: edit_text(f, "value: 120.50", "value: " + "9" * 400)),
        "figures.yaml",
        5,
        "figures[0].value",
        "a number of 400 digits",
    ),
    PackFault(
        "a number with a 400-million exponent, quoted",
        "field-value-error",
        _figures(lambda f: edit_text(f, "value: 120.50", 'value: "1e400000000"')),
        "figures.yaml",
        5,
        "figures[0].value",
        "absurdly large",
    ),
    PackFault(
        "200,000 nested brackets",
        "yaml-too-deep",
        lambda p: (p / "extra.yaml").write_text("x: " + "[" * 200_000 + "\n", encoding="utf-8"),
        "extra.yaml",
        1,
        None,
        "nested more than 50 levels",
    ),
    PackFault(
        "a python tag",
        "yaml-tag",
        lambda p: _append(
            p / "pack.yaml", f"subtitle: !!python/object/apply:os.system ['touch {p}/pwned']\n"
        ),
        "pack.yaml",
        11,
        "subtitle",
        "tag 'tag:yaml.org,2002:python/object/apply",
    ),
    PackFault(
        "a link to a file outside the pack",
        "file-outside",
        lambda p: (p / "extra.yaml").symlink_to(p.parent / "sources" / "wire.txt"),
        "extra.yaml",
        says="outside the pack folder",
    ),
    PackFault(
        "a named pipe",
        "file-unreadable",
        lambda p: os.mkfifo(p / "pipe.yaml"),
        "pipe.yaml",
        says="not a regular file",
    ),
]


@pytest.mark.parametrize("fault", PACK_FAULTS, ids=lambda f: f.name)
def test_pack_fault_is_refused_by_build_and_check(case: Path, fault: PackFault) -> None:
    pack = case / "pack"
    fault.plant(pack)
    where = _at(pack / fault.file, fault.line, fault.field)
    _refused_by_both(case, fault.code, where, fault.says)
    assert not (pack / "pwned").exists()


def test_malformed_yaml_names_the_line_where_parsing_stopped(case: Path) -> None:
    figures = case / "pack" / "figures.yaml"
    edit_text(figures, "    label: Revenue\n", "    label: [Revenue\n")
    _refused_by_both(case, "yaml-syntax", _at(figures) + r":\d+", "malformed YAML")


def test_missing_pack_yaml(case: Path) -> None:
    (case / "pack" / "pack.yaml").unlink()
    _refused_by_both(case, "pack-missing", _at(case / "pack" / "pack.yaml"))


@covers("yaml-alias")
def test_billion_laughs_is_refused_at_once(case: Path) -> None:
    laughs = case / "pack" / "laughs.yaml"
    shutil.copy(HOSTILE / "billion-laughs.yaml", laughs)
    build, check = _run_both(case)
    for run in (build, check):
        assert run.code == 2 and "Traceback" not in run.stderr
        assert run.seconds < 20
        alias = _at(laughs, 3, "lol2[0]")
        assert any(re.fullmatch(rf"{alias}: .*\[yaml-alias\]", x) for x in run.lines), run.lines


def test_recursive_alias_is_refused() -> None:
    problems = parse_yaml("a: &x [1, *x]\n", "f.yaml")[1]
    assert [p.format() for p in problems] == [
        "f.yaml:1: a[1]: aliases ('*name') are not supported; write the value out [yaml-alias]"
    ]


@covers("yaml-too-deep", "yaml-number")
def test_reader_bounds() -> None:
    deep = "x:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(60))
    (problem,) = parse_yaml(deep, "deep.yaml")[1]
    assert (problem.code, problem.line) == ("yaml-too-deep", 51)
    (problem,) = parse_yaml("v: 1.5e+101\n", "n.yaml")[1]
    assert problem.format() == (
        "n.yaml:1: v: number 1.5e+101 is out of range (its exponent is over 100) [yaml-number]"
    )
    doc, problems = parse_yaml("a: 1.0e-30\nb: -0.0\nc: 0x1F\nd: 0755\n", "ok.yaml")
    assert not problems and doc is not None
    assert [str(v) for v in doc.data.values()] == ["1.0E-30", "-0.0", "31", "0755"]


def test_keys_must_be_short_plain_names() -> None:
    text = "k" * 101 + ': 1\n"two\\nlines": 2\n" padded": 3\n? [complex]\n: 4\n'
    problems = parse_yaml(text, "k.yaml")[1]
    assert [(p.code, p.line) for p in problems] == [("yaml-key", n) for n in (1, 2, 3, 4)]


def test_tags_on_lists_and_mappings_are_refused() -> None:
    text = "a: !!python/object:os.system {x: 1}\nb: !!set {x}\nc: !custom [1]\nd: !!str 12\n"
    doc, problems = parse_yaml(text, "t.yaml")
    assert [(p.code, p.field) for p in problems] == [("yaml-tag", f) for f in "abc"]
    assert doc is not None and doc.data["d"] == "12"


def test_control_characters_are_reported_on_each_line() -> None:
    problems = parse_yaml("a: ok\nb: x\x01y\x02\nc: \x7f\n", "c.yaml")[1]
    assert [(p.code, p.line) for p in problems] == [
        ("text-control-char", 2),
        ("text-control-char", 3),
    ]
    assert "U+0001" in problems[0].message and "U+007F" in problems[1].message


def test_a_binary_file_gives_a_hundred_problems_not_a_million() -> None:
    assert len(parse_yaml("x: \x00\n" * 100_000, "bin.yaml")[1]) == 100
    aliases = "a: &a 1\nb: [" + ", ".join(["*a"] * 100_000) + "]\n"
    assert len(parse_yaml(aliases, "aliases.yaml")[1]) == 100


def test_a_device_is_never_read(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    doc, (problem,) = read_yaml(tmp_path / "zero.yaml", "zero.yaml")
    assert doc is None and problem.code == "file-unreadable"


@covers("pack-too-large")
def test_too_many_files(case: Path) -> None:
    for i in range(201):
        (case / "pack" / f"x{i:03d}.yaml").write_text("", encoding="utf-8")
    _refused_by_both(case, "pack-too-large", _at(case / "pack"), "at most 200 are read")


@covers("pack-empty", "file-outside", "date-out-of-range")
def test_new_pack_codes_are_covered() -> None:
    """Covered by the parametrized pack faults above."""
    codes = {fault.code for fault in PACK_FAULTS}
    assert {"pack-empty", "file-outside", "date-out-of-range"} <= codes


# -- the brief template -----------------------------------------------------------------


@pytest.fixture
def templates(case: Path) -> Path:
    """A copy of the built-in template, for ``--templates``."""
    root = case / "templates"
    shutil.copytree(DEFAULT_TEMPLATE, root / "default")
    (case / "secret").write_text("TOPSECRET-7f3a\n", encoding="utf-8")
    return root


@dataclass(frozen=True)
class BriefFault:
    name: str
    code: str
    template: str
    line: int | None
    says: str = ""


BRIEF_FAULTS = [
    BriefFault("syntax error", "brief-syntax", "# Brief\n\n{% if title %}\nno end\n", 4, "endif"),
    BriefFault("undefined name", "brief-undefined", "# Brief\n\n{{ nosuch }}\n", 3, "'nosuch'"),
    BriefFault("include /etc/passwd", "brief-include", "{% include '/etc/passwd' %}\n", 1),
    BriefFault("include ../../secret", "brief-include", "{% include '../../secret' %}\n", 1),
    BriefFault("include ../secret", "brief-include", "x\n{% include '../secret' %}\n", 2),
    BriefFault("import a module", "brief-include", "{% import 'os' as os %}\n", 1),
    BriefFault("function globals", "brief-unsafe", "{{ md.__globals__ }}\n", 1, "__globals__"),
    BriefFault("class mro", "brief-unsafe", "{{ ''.__class__.__mro__ }}\n", 1, "__class__"),
    BriefFault(
        "cycler globals", "brief-unsafe", "{{ cycler.__init__.__globals__.os }}\n", 1, "__init__"
    ),
    BriefFault(
        "template context",
        "brief-unsafe",
        "{{ self._TemplateReference__context }}\n",
        1,
        "_TemplateReference__context",
    ),
    BriefFault("division by zero", "brief-render", "a\nb\n{{ 1 / 0 }}\n", 3, "ZeroDivisionError"),
    BriefFault(
        "macro calling itself",
        "brief-render",
        "{% macro f() %}{{ f() }}{% endmacro %}\n{{ f() }}\n",
        None,
        "RecursionError",
    ),
    BriefFault("wrong argument", "brief-render", "{{ md(1) }}\n", 1, "AttributeError"),
]


@pytest.mark.parametrize("fault", BRIEF_FAULTS, ids=lambda f: f.name)
def test_brief_template_fault_is_refused(case: Path, templates: Path, fault: BriefFault) -> None:
    brief = templates / "default" / "brief.md.jinja"
    brief.write_text(fault.template, encoding="utf-8")
    where = _at(brief, fault.line) if fault.line is not None else _at(brief) + r":\d+"
    build, check = _refused_by_both(
        case, fault.code, where, fault.says, "--templates", str(templates)
    )
    for run in (build, check):
        assert "TOPSECRET" not in run.stdout + run.stderr
        assert "root:" not in run.stdout + run.stderr


@pytest.mark.parametrize(
    ("template", "says"),
    [
        ("{{ 'x' * 10**10 }}", "repeats to more than a brief holds"),
        ("{{ 10 ** 100000 }}", "too large a number"),
        ("{{ range(10**9) | list }}", "too large a number"),
        ("{% for i in range(2000) %}{% for j in range(2000) %}{% endfor %}{% endfor %}", "range()"),
        ("{{ '%999999999s' % title }}", "too wide a field"),
        ("{{ '{:>999999999}'.format(title) }}", "too wide a field"),
        ("{{ title | center(10**9) }}", "too large a number"),
        ("{{ lipsum(10**5) }}", "'lipsum' is undefined"),
        (
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
            "more than a brief holds",
        ),
        (
            "{% macro d(s, n) %}{{ d(s ~ s, n - 1) if n else s }}{% endmacro %}{{ d('x', 40) }}",
            "more than a brief holds",
        ),
        ("{{ '%*s' % (10**9, title) }}", "too large a number"),
        ("{% for i in range(100000) %}{{ title }}{% endfor %}", "wrote over 1,048,576"),
    ],
)
def test_brief_template_cannot_exhaust_the_machine(
    tmp_path: Path, template: str, says: str
) -> None:
    from briefgen.load import load_pack
    from briefgen.render_brief import render_brief
    from briefgen.resolve import resolve_pack

    resolved = resolve_pack(load_pack(FIXTURES / "checked" / "pack"))
    (tmp_path / "brief.md.jinja").write_text(template + "\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        render_brief(resolved, tmp_path, "brief.md.jinja")
    assert time.monotonic() - started < 5
    (line,) = caught.value.lines()
    where = tmp_path / "brief.md.jinja"
    # Output past the limit is the whole template's doing, so it has no line.
    assert line.startswith((f"{where}:1: ", f"{where}: refused: the brief template wrote")), line
    assert says in line, line
    assert line.endswith(("[brief-unsafe]", "[brief-undefined]")), line


@covers("brief-include")
def test_brief_include_through_a_link_is_refused(case: Path, templates: Path) -> None:
    folder = templates / "default"
    (folder / "part.md.jinja").symlink_to(case / "secret")
    (folder / "brief.md.jinja").write_text("{% include 'part.md.jinja' %}\n", encoding="utf-8")
    brief = folder / "brief.md.jinja"
    _refused_by_both(
        case, "brief-include", _at(brief, 1), "part.md.jinja", "--templates", str(templates)
    )


@covers("brief-render")
def test_brief_render_is_covered() -> None:
    assert "brief-render" in {fault.code for fault in BRIEF_FAULTS}


# -- the template's .pptx ---------------------------------------------------------------

_CONTENT_TYPES = "[Content_Types].xml"
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _repack(
    pptx: Path,
    add: dict[str, bytes] | None = None,
    change: dict[str, Callable[[bytes], bytes]] | None = None,
    drop: tuple[str, ...] = (),
) -> None:
    """Rewrite ``pptx`` with entries added, changed or dropped."""
    source = pptx.read_bytes()
    with (
        zipfile.ZipFile(_bytes_io(source)) as zin,
        zipfile.ZipFile(pptx, "w") as zout,
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # "Duplicate name", when a test adds one on purpose
        for info in zin.infolist():
            if info.filename in drop:
                continue
            data = zin.read(info.filename)
            if change and info.filename in change:
                data = change[info.filename](data)
            zout.writestr(info.filename, data, zipfile.ZIP_DEFLATED)
        for name, data in (add or {}).items():
            zout.writestr(name, data, zipfile.ZIP_DEFLATED)


def _bytes_io(data: bytes) -> object:
    import io

    return io.BytesIO(data)


def _insert(before: bytes, text: str) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(before, text.encode() + before, 1)


def _add_relationship(rel: str) -> Callable[[bytes], bytes]:
    return _insert(b"</Relationships>", rel)


def _macro(pptx: Path) -> None:
    _repack(
        pptx,
        add={"ppt/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 macro"},
        change={
            _CONTENT_TYPES: _insert(
                b"</Types>",
                '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
            ),
            "ppt/_rels/presentation.xml.rels": _add_relationship(
                '<Relationship Id="rId99" Target="vbaProject.bin" '
                'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"/>'
            ),
        },
    )


def _external_picture(pptx: Path) -> None:
    _repack(
        pptx,
        change={
            "ppt/slideLayouts/_rels/slideLayout1.xml.rels": _add_relationship(
                f'<Relationship Id="rId99" Type="{_REL_TYPE}/image" '
                'Target="http://tracker.example/pixel.png" TargetMode="External"/>'
            )
        },
    )


def _ole_object(pptx: Path) -> None:
    _repack(
        pptx,
        add={"ppt/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0 an OLE object"},
        change={
            _CONTENT_TYPES: _insert(
                b"</Types>",
                '<Default Extension="bin" '
                'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>',
            )
        },
    )


def _zip_bomb(pptx: Path) -> None:
    _repack(pptx, add={"ppt/media/image1.png": bytes(40 * 2**20)})


def _no_content_types(pptx: Path) -> None:
    _repack(pptx, drop=(_CONTENT_TYPES,))


@dataclass(frozen=True)
class PptxFault:
    name: str
    code: str
    plant: Callable[[Path], None]
    part: str | None
    says: str = ""


PPTX_FAULTS = [
    PptxFault("macro project", "template-macro", _macro, "ppt/vbaProject.bin", "VBA"),
    PptxFault(
        "external picture",
        "template-external-link",
        _external_picture,
        "ppt/slideLayouts/slideLayout1.xml",
        "http://tracker.example/pixel.png",
    ),
    PptxFault("OLE object", "template-ole", _ole_object, "ppt/embeddings/oleObject1.bin"),
    PptxFault("zip bomb", "template-zip-bomb", _zip_bomb, "ppt/media/image1.png", "expands"),
    PptxFault("no content types", "template-not-pptx", _no_content_types, None, "Content_Types"),
]


@pytest.mark.parametrize("fault", PPTX_FAULTS, ids=lambda f: f.name)
def test_hostile_pptx_template_is_refused(case: Path, templates: Path, fault: PptxFault) -> None:
    pptx = templates / "default" / "template.pptx"
    fault.plant(pptx)
    where = _at(pptx, None, fault.part)
    build, check = _run_both(case, "--templates", str(templates))
    for run in (build, check):
        assert run.code == 2 and "Traceback" not in run.stderr, run.stderr
        pattern = re.compile(rf"{where}: .*{re.escape(fault.says)}.* \[{fault.code}\]")
        assert any(pattern.fullmatch(line) for line in run.stderr.splitlines()), run.stderr
    assert _snapshot(case / "out")["pack-default.pptx"] == b"the deck of an earlier build"


def test_junk_pptx_is_refused(case: Path, templates: Path) -> None:
    pptx = templates / "default" / "template.pptx"
    pptx.write_bytes(b"MZ\x90\x00 this is no presentation " * 100)
    build, check = _run_both(case, "--templates", str(templates))
    for run in (build, check):
        assert run.code == 2 and "Traceback" not in run.stderr, run.stderr
        first = run.stderr.splitlines()[0]
        assert re.fullmatch(rf"{_at(pptx)}: .* \[template-(?:pptx|not-pptx)\]", first), first


@covers(
    "template-macro",
    "template-external-link",
    "template-ole",
    "template-zip-bomb",
    "template-not-pptx",
    "template-too-large",
)
def test_check_pptx_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefgen import safety

    pptx = tmp_path / "t.pptx"

    def refused(plant: Callable[[Path], None] | None = None) -> list[str]:
        shutil.copy(DEFAULT_TEMPLATE / "template.pptx", pptx)
        if plant is not None:
            plant(pptx)
        with pytest.raises(TemplateError) as caught:
            safety.check_pptx(pptx)
        return caught.value.lines()

    safety.check_pptx(DEFAULT_TEMPLATE / "template.pptx")
    for fault in PPTX_FAULTS:
        assert any(f"[{fault.code}]" in line for line in refused(fault.plant)), fault.name
    # A link a reader would follow: refused; a web or mail hyperlink: allowed.
    for target in ("https://example.com/ir", "mailto:ir@example.com"):
        rel = (
            f'<Relationship Id="rId98" Type="{_REL_TYPE}/hyperlink" '
            f'Target="{target}" TargetMode="External"/>'
        )
        shutil.copy(DEFAULT_TEMPLATE / "template.pptx", pptx)
        _repack(
            pptx, change={"ppt/slideLayouts/_rels/slideLayout2.xml.rels": _add_relationship(rel)}
        )
        safety.check_pptx(pptx)
    for target in ("file:///etc/passwd", "\\\\attacker\\share\\x.pptx"):
        rel = (
            f'<Relationship Id="rId98" Type="{_REL_TYPE}/hyperlink" '
            f'Target="{target}" TargetMode="External"/>'
        )
        lines = refused(
            lambda p, rel=rel: _repack(
                p, change={"ppt/slideLayouts/_rels/slideLayout2.xml.rels": _add_relationship(rel)}
            )
        )
        assert any("[template-external-link]" in line for line in lines), lines
    # A macro-enabled main part, however it is named.
    macro_type = "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
    lines = refused(
        lambda p: _repack(
            p,
            change={
                _CONTENT_TYPES: lambda d: re.sub(
                    rb'(PartName="/ppt/presentation.xml" ContentType=")[^"]*',
                    rb"\g<1>" + macro_type.encode(),
                    d,
                )
            },
        )
    )
    assert any("[template-macro]" in line for line in lines), lines
    # An XML entity bomb is refused before any parser sees it.
    dtd = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    lines = refused(
        lambda p: _repack(p, change={"ppt/presProps.xml": _insert(b"<p:presentationPr", dtd)})
    )
    assert any("ppt/presProps.xml: declares a DTD" in line for line in lines), lines
    # Not a zip; encrypted; an entry twice.
    lines = refused(lambda p: p.write_bytes(b"PK\x03\x04 broken"))
    assert "[template-not-pptx]" in lines[0]
    lines = refused(_encrypt)
    assert "encrypted" in lines[0] and "[template-not-pptx]" in lines[0]
    lines = refused(lambda p: _repack(p, add={"ppt/presProps.xml": b"<x/>"}))
    assert any("ppt/presProps.xml: is in the archive twice" in line for line in lines), lines
    # Sizes are judged from the central directory, with the caps lowered to test them.
    monkeypatch.setattr(safety, "MAX_PPTX_BYTES", 1000)
    assert "[template-too-large]" in refused()[0]
    monkeypatch.setattr(safety, "MAX_PPTX_BYTES", 100 * 2**20)
    monkeypatch.setattr(safety, "MAX_EXPANDED_BYTES", 10_000)
    assert "would expand to" in refused()[0]
    monkeypatch.setattr(safety, "MAX_EXPANDED_BYTES", 200 * 2**20)
    monkeypatch.setattr(safety, "MAX_ENTRIES", 5)
    assert "[template-zip-bomb]" in refused()[0]


def _encrypt(pptx: Path) -> None:
    """Mark every entry encrypted in the zip's central directory, as a password would."""
    data = bytearray(pptx.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        flags = int.from_bytes(data[at + 8 : at + 10], "little")
        data[at + 8 : at + 10] = (flags | 1).to_bytes(2, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    pptx.write_bytes(bytes(data))


def test_every_builtin_template_passes_the_pptx_check() -> None:
    from briefgen.safety import check_pptx

    found = sorted((ROOT / "briefgen" / "templates").glob("*/*.pptx"))
    assert found
    for pptx in found:
        check_pptx(pptx)


# -- sources ----------------------------------------------------------------------------


def test_sources_outside_the_folder_are_refused_and_never_read(case: Path) -> None:
    sources_yaml = case / "pack" / "sources.yaml"
    outside = case / "outside.txt"
    shutil.copy(case / "sources" / "wire.txt", outside)
    edit_text(sources_yaml, "file: wire.txt", "file: ../outside.txt")
    edit_text(sources_yaml, "file: digest.md", "file: /etc/passwd")
    build, check = _run_both(case)
    for run in (build, check):
        assert run.code == 1 and "Traceback" not in run.stderr, run.stderr
        outside_lines = [x for x in run.lines if x.endswith("[source-outside]")]
        assert [x.split(": ")[1] for x in outside_lines] == ["sources[0].file", "sources[1].file"]
        assert "root:" not in run.stdout + run.stderr
    assert _snapshot(case / "out")["pack-default.pptx"] == b"the deck of an earlier build"


def test_a_link_leading_out_of_the_sources_is_refused(case: Path) -> None:
    outside = case / "outside.txt"
    shutil.move(case / "sources" / "wire.txt", outside)
    (case / "sources" / "wire.txt").symlink_to(outside)
    build, check = _run_both(case)
    for run in (build, check):
        assert run.code == 1 and "Traceback" not in run.stderr
        where = _at(case / "pack" / "sources.yaml", 6, "sources[0].file")
        assert any(re.fullmatch(rf"{where}: .*\[source-outside\]", x) for x in run.lines)


def _blank_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("wire.txt", b"\x89PNG\r\n\x1a\n\x00\xff\xfe binary junk", "not UTF-8"),
        ("wire.txt", "revenue of 120.50 billion yuan".encode("utf-16"), "not UTF-8"),
        ("wire.pdf", b"%PDF-1.7 junk that is no PDF", "not a readable PDF"),
        ("wire.pdf", _blank_pdf(), "no text layer"),
        ("wire.bin", b"\x00\x01\x02", "unsupported source type"),
    ],
)
def test_unreadable_source_is_located(case: Path, name: str, content: bytes, says: str) -> None:
    (case / "sources" / "wire.txt").unlink()
    (case / "sources" / name).write_bytes(content)
    edit_text(case / "pack" / "sources.yaml", "file: wire.txt", f"file: {name}")
    where = _at(case / "pack" / "sources.yaml", 6, "sources[0].file")
    _refused_by_both(case, "source-unreadable", where, says, exit_code=1)
