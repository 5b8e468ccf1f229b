"""Nothing lost, and the same input gives the same bytes.

A failed or interrupted build leaves the files already in the output folder exactly as
they were, with no ``.part`` file beside them: whether it fails reading the pack, in the
template, rendering, in the audit, or is interrupted (an injected KeyboardInterrupt, a
real SIGINT or SIGTERM) while it renders or while it replaces the files. And building
the same pack twice, elsewhere and at another time, gives byte-identical files.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pptx import Presentation
from typer.testing import CliRunner

from briefgen import write
from briefgen.build import BuildOptions, build
from briefgen.cli import app
from briefgen.errors import BriefgenError
from briefgen.write import build_time, reproducible_zip, write_outputs

from .conftest import FIXTURES, REAL_PACK, ROOT, default_ctrl_c

runner = CliRunner()
DECK, BRIEF = "pack-default.pptx", "pack-default.md"


def _listing(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of ``folder`` (hidden ones too): its bytes and permissions; not folders."""
    return {
        p.name: (p.read_bytes(), p.stat().st_mode & 0o777)
        for p in sorted(folder.iterdir())
        if not p.is_dir()
    }


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """The checked fixture, and an ``out/`` holding an earlier build and a stranger's file."""
    root = tmp_path / "case"
    shutil.copytree(FIXTURES / "checked", root)
    out = root / "out"
    out.mkdir()
    (out / DECK).write_bytes(b"earlier deck")
    (out / BRIEF).write_bytes(b"earlier brief\n")
    (out / BRIEF).chmod(0o600)
    (out / "keep.txt").write_bytes(b"not ours")
    return root


def _sources(case: Path) -> list[str]:
    return ["--sources", str(case / "sources")]


def _cli_build(case: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        app,
        ["build", str(case / "pack"), "--out", str(case / "out"), *_sources(case), *extra],
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"briefgen crashed: {result.exception!r}\n{result.output}")
    return result.exit_code, result.output


# -- write_outputs on its own -----------------------------------------------------------


def test_outputs_replace_the_old_ones_with_their_permissions(tmp_path: Path) -> None:
    old = tmp_path / "a.md"
    old.write_bytes(b"old")
    old.chmod(0o640)
    write_outputs({old: b"new", tmp_path / "sub" / "b.md": b"fresh"})
    assert _listing(tmp_path / "sub") == {"b.md": (b"fresh", 0o666 & ~_umask())}
    assert _listing(tmp_path) == {"a.md": (b"new", 0o640)}


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_a_failing_rename_puts_back_what_was_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.pptx").write_bytes(b"old a")
    (tmp_path / "c.md").mkdir()  # an output that cannot replace a folder
    before = {p.name for p in tmp_path.iterdir()}, (tmp_path / "a.pptx").read_bytes()
    with pytest.raises(BriefgenError) as caught:
        write_outputs({tmp_path / "a.pptx": b"new a", tmp_path / "c.md": b"new c"})
    assert caught.value.problems[0].code == "output-write"
    assert ({p.name for p in tmp_path.iterdir()}, (tmp_path / "a.pptx").read_bytes()) == before


@pytest.mark.parametrize("call", [1, 2])
def test_interrupt_while_renaming_puts_back_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: int
) -> None:
    (tmp_path / "a.pptx").write_bytes(b"old a")
    (tmp_path / "b.md").write_bytes(b"old b")
    before = _listing(tmp_path)
    real_replace = os.replace
    calls = []

    def replace(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == call:
            raise KeyboardInterrupt
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(write.os, "replace", replace)
    outputs = {tmp_path / "a.pptx": b"new a", tmp_path / "b.md": b"new b", tmp_path / "n": b"n"}
    with pytest.raises(KeyboardInterrupt):
        write_outputs(outputs)
    monkeypatch.undo()
    assert _listing(tmp_path) == before  # no .part, no .bak, no new file


def test_interrupt_while_writing_the_temp_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.pptx").write_bytes(b"old a")
    before = _listing(tmp_path)
    real_fsync = os.fsync
    count = iter(range(10))

    def fsync(fd: int) -> None:
        if next(count) == 1:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr(write.os, "fsync", fsync)
    with pytest.raises(KeyboardInterrupt):
        write_outputs({tmp_path / "a.pptx": b"new a", tmp_path / "b.md": b"new b"})
    assert _listing(tmp_path) == before


def test_a_link_among_the_outputs_is_replaced_not_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_bytes(b"not to be touched")
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.md").symlink_to(elsewhere)
    (out / "c.md").mkdir()
    with pytest.raises(BriefgenError):
        write_outputs({out / "b.md": b"new", out / "c.md": b"new"})
    assert os.readlink(out / "b.md") == str(elsewhere)  # put back as it was
    write_outputs({out / "b.md": b"new"})
    assert not (out / "b.md").is_symlink() and (out / "b.md").read_bytes() == b"new"
    assert elsewhere.read_bytes() == b"not to be touched"


# -- a build that fails leaves the outputs as they were -----------------------------------


def _templates_with_brief(case: Path, brief: str) -> Path:
    root = case / "templates"
    shutil.copytree(ROOT / "briefgen" / "templates" / "default", root / "default")
    (root / "default" / "brief.md.jinja").write_text(brief, encoding="utf-8")
    return root


def _fail_reading_the_pack(case: Path) -> list[str]:
    (case / "pack" / "figures.yaml").write_text("figures: [\n", encoding="utf-8")
    return []


def _fail_in_the_template(case: Path) -> list[str]:
    return ["--templates", str(_templates_with_brief(case, "{% if %}\n"))]


def _fail_rendering(case: Path) -> list[str]:
    long_brief = "A line of the brief that runs on and on: {{ title }}\n\n" * 80
    return ["--templates", str(_templates_with_brief(case, long_brief))]


def _fail_the_audit(case: Path) -> list[str]:
    return ["--templates", str(_templates_with_brief(case, "# {{ title }}\n\nUp 99 percent.\n"))]


@pytest.mark.parametrize(
    ("plant", "exit_code", "code"),
    [
        (_fail_reading_the_pack, 2, "yaml-syntax"),
        (_fail_in_the_template, 2, "brief-syntax"),
        (_fail_rendering, 2, "brief-over-budget"),
        (_fail_the_audit, 1, "output-unsourced-number"),
    ],
    ids=["pack", "template", "render", "audit"],
)
def test_failed_build_keeps_the_outputs(
    case: Path, plant: object, exit_code: int, code: str
) -> None:
    extra = plant(case)  # type: ignore[operator]
    before = _listing(case / "out")
    status, output = _cli_build(case, *extra)
    assert status == exit_code, output
    assert f"[{code}]" in output
    assert _listing(case / "out") == before


@pytest.mark.parametrize(
    "where",
    ["briefgen.render_deck.render_deck", "briefgen.render_brief.render_brief", "write.os.replace"],
)
def test_interrupted_build_keeps_the_outputs(
    case: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    if where.startswith("write."):
        real = os.replace
        calls = iter(range(10))

        def replace_then_interrupt(src: object, dst: object) -> None:
            if next(calls) == 1:  # the deck is in place; the brief is not
                raise KeyboardInterrupt
            real(src, dst)  # type: ignore[arg-type]

        monkeypatch.setattr(write.os, "replace", replace_then_interrupt)
    else:
        monkeypatch.setattr(where, interrupt)
    before = _listing(case / "out")
    status, output = _cli_build(case)
    monkeypatch.undo()
    assert status == 130 and "interrupted" in output
    assert _listing(case / "out") == before


_DRIVER = textwrap.dedent(
    """
    import os, sys, time

    name, at = os.environ["STALL"].split(":")
    real = getattr(os, name)
    calls = 0

    def stall(*args):
        global calls
        calls += 1
        if calls == int(at):
            print("STALLED", flush=True)
            time.sleep(120)
        return real(*args)

    setattr(os, name, stall)
    from briefgen.cli import main

    sys.argv = ["briefgen", *sys.argv[1:]]
    main()
    """
)


@pytest.mark.parametrize(
    ("stall", "signum"),
    [
        ("fsync:1", signal.SIGINT),  # writing the first temp file
        ("replace:2", signal.SIGINT),  # the deck replaced, the brief not yet
        ("fsync:3", signal.SIGINT),  # both replaced, the folder not yet synced
        ("replace:2", signal.SIGTERM),
    ],
)
def test_real_signal_mid_write_keeps_the_outputs(case: Path, stall: str, signum: int) -> None:
    driver = case / "driver.py"
    driver.write_text(_DRIVER, encoding="utf-8")
    before = _listing(case / "out")
    args = [str(case / "pack"), "--out", str(case / "out"), "--sources", str(case / "sources")]
    process = subprocess.Popen(
        [sys.executable, str(driver), "build", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "STALL": stall},
        cwd=ROOT,
        preexec_fn=default_ctrl_c,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "STALLED"
    process.send_signal(signum)
    stderr = process.communicate(timeout=60)[1]
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert _listing(case / "out") == before


# -- the same input, the same bytes -------------------------------------------------------

_TIME_SHIFT = textwrap.dedent(
    """
    import sys, time

    shift = float(sys.argv.pop(1))
    real_time, real_local, real_gm = time.time, time.localtime, time.gmtime
    time.time = lambda: real_time() + shift
    time.localtime = lambda secs=None: real_local(time.time() if secs is None else secs)
    time.gmtime = lambda secs=None: real_gm(time.time() if secs is None else secs)
    from briefgen.cli import main

    sys.argv = ["briefgen", *sys.argv[1:]]
    main()
    """
)


def _build_elsewhere(
    pack: Path, workdir: Path, out: str, shift: float, env: dict[str, str]
) -> tuple[bytes, bytes]:
    """Build ``pack`` from ``workdir`` into ``out`` (relative to it), the clock shifted."""
    workdir.mkdir(parents=True, exist_ok=True)
    driver = workdir / "shifted.py"
    driver.write_text(_TIME_SHIFT, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "TZ")}
    subprocess.run(
        [sys.executable, str(driver), str(shift), "build", str(pack), "--out", out],
        check=True,
        capture_output=True,
        cwd=workdir,
        env={**clean, **env},
        timeout=120,
    )
    stem = pack.name + "-default"
    return (workdir / out / f"{stem}.pptx").read_bytes(), (
        workdir / out / f"{stem}.md"
    ).read_bytes()


@pytest.mark.parametrize("pack", [FIXTURES / "checked" / "pack", REAL_PACK], ids=["small", "real"])
def test_rebuilds_elsewhere_and_later_are_byte_identical(tmp_path: Path, pack: Path) -> None:
    first = _build_elsewhere(pack, tmp_path / "a", "out", 0, {"TZ": "UTC"})
    later = 86400 * 400 + 3723  # a year and more later, at another time of day
    second = _build_elsewhere(pack, tmp_path / "b" / "c", "x/y", later, {"TZ": "Asia/Shanghai"})
    assert first == second
    if pack == REAL_PACK:
        return  # slow to build; the small pack shows SOURCE_DATE_EPOCH at work
    epoch = {"SOURCE_DATE_EPOCH": "1700000000"}
    third = _build_elsewhere(pack, tmp_path / "d", "out", 0, epoch)
    fourth = _build_elsewhere(pack, tmp_path / "e", "o", later, {**epoch, "TZ": "America/Lima"})
    assert third == fourth
    assert third[1] == first[1]  # the brief has no timestamps
    assert third[0] != first[0]  # the deck's dates follow SOURCE_DATE_EPOCH


def _entries(deck: bytes) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        return archive.infolist()


def _read(deck: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        return archive.read(name).decode("utf-8")


def test_deck_is_dated_from_the_pack_or_source_date_epoch(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    options = BuildOptions(case / "pack", case / "new", sources_dir=case / "sources")
    deck = build(options).deck.read_bytes()
    core = _read(deck, "docProps/core.xml")
    assert re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core) == [
        ("created", "2025-03-31T00:00:00Z"),
        ("modified", "2025-03-31T00:00:00Z"),
    ]
    assert {e.date_time for e in _entries(deck)} == {(2025, 3, 31, 0, 0, 0)}
    names = [e.filename for e in _entries(deck)]
    assert len(names) == len(set(names)) and names[0] == "[Content_Types].xml"

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    deck = build(options).deck.read_bytes()
    assert '<dcterms:modified xsi:type="dcterms:W3CDTF">2023-11-14T22:13:20Z<' in _read(
        deck, "docProps/core.xml"
    )
    assert {e.date_time for e in _entries(deck)} == {(2023, 11, 14, 22, 13, 20)}


def test_app_xml_states_the_decks_own_counts(case: Path) -> None:
    result = build(BuildOptions(case / "pack", case / "new", sources_dir=case / "sources"))
    deck = result.deck.read_bytes()
    app_xml = _read(deck, "docProps/app.xml")
    prs = Presentation(str(result.deck))
    notes = sum(1 for slide in prs.slides if slide.has_notes_slide)
    assert f"<Slides>{len(prs.slides)}</Slides>" in app_xml
    assert f"<Notes>{notes}</Notes>" in app_xml and "<HiddenSlides>0</HiddenSlides>" in app_xml
    assert result.slides == len(prs.slides) > 1
    assert "<Application>briefgen</Application>" in app_xml


def test_reproducible_zip_fixes_nested_packages_and_odd_dates() -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr(zipfile.ZipInfo("docProps/core.xml", (2021, 5, 6, 7, 8, 10)), _CORE)
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("docProps/core.xml", (2022, 1, 1, 0, 0, 0)), _CORE)
        archive.writestr("ppt/embeddings/Sheet1.xlsx", inner.getvalue())
    for when, stamp, iso in [
        (datetime(2200, 1, 1, tzinfo=UTC), (2107, 12, 31, 23, 59, 58), "2200-01-01T00:00:00Z"),
        (datetime(999, 1, 2, tzinfo=UTC), (1980, 1, 1, 0, 0, 0), "0999-01-02T00:00:00Z"),
    ]:
        fixed = reproducible_zip(outer.getvalue(), when)
        assert {e.date_time for e in _entries(fixed)} == {stamp}
        assert iso in _read(fixed, "docProps/core.xml") and "2019" not in _read(
            fixed, "docProps/core.xml"
        )
        with zipfile.ZipFile(io.BytesIO(fixed)) as archive:
            nested = archive.read("ppt/embeddings/Sheet1.xlsx")
        assert {e.date_time for e in _entries(nested)} == {stamp}
        assert iso in _read(nested, "docProps/core.xml")


_CORE = (
    '<cp:coreProperties xmlns:cp="c" xmlns:dcterms="d" xmlns:xsi="x">'
    '<dcterms:created xsi:type="dcterms:W3CDTF">2019-01-01T10:00:00Z</dcterms:created>'
    "<cp:lastPrinted>2019-02-02T10:00:00Z</cp:lastPrinted>"
    "<dcterms:modified>2019-03-03T10:00:00Z</dcterms:modified></cp:coreProperties>"
)


@pytest.mark.parametrize("value", ["soon", "-1.5", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(BriefgenError) as caught:
        build_time(datetime(2025, 3, 31).date())
    assert caught.value.problems[0].code == "usage"
