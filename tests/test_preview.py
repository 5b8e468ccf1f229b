"""`build --pdf` and `preview`: LibreOffice and poppler behind the CLI.

The small ``checked`` fixture keeps these quick; the real pack is drawn by
``test_render_layout.py``. Where a tool is missing the command must say how to
install it, in one located line with its code, and write nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pptx import Presentation
from typer.testing import CliRunner

from briefgen import office, preview
from briefgen.cli import app
from briefgen.errors import Problem

from .conftest import FIXTURES, require_tools

runner = CliRunner()
CHECKED = FIXTURES / "checked"


def _args(command: str, out: Path, *extra: str) -> list[str]:
    return [
        command,
        str(CHECKED / "pack"),
        "--sources",
        str(CHECKED / "sources"),
        "--out",
        str(out),
        *extra,
    ]


def _without(monkeypatch: pytest.MonkeyPatch, *tools: str) -> None:
    """Pretend ``tools`` are not installed."""
    real = shutil.which

    def which(name: str, *args: Any, **kwargs: Any) -> str | None:
        return None if name in tools else real(name, *args, **kwargs)

    monkeypatch.setattr(office.shutil, "which", which)
    monkeypatch.setattr(office, "_MAC_SOFFICE", Path("/nonexistent/soffice"))


# -- build --pdf ---------------------------------------------------------------------------


def test_build_pdf_writes_the_deck_as_pdf(tmp_path: Path) -> None:
    require_tools("soffice", "pdftotext")
    result = runner.invoke(app, _args("build", tmp_path, "--pdf"))
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "pack-default.pdf"
    assert f"wrote {pdf}" in result.stdout
    slides = len(Presentation(str(tmp_path / "pack-default.pptx")).slides)
    assert len(office.pdf_words(pdf)) == slides
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


@pytest.mark.parametrize("missing", [("soffice", "libreoffice")])
def test_build_pdf_without_libreoffice_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: tuple[str, ...]
) -> None:
    _without(monkeypatch, *missing)
    result = runner.invoke(app, _args("build", tmp_path / "out", "--pdf"))
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first == (
        "soffice: LibreOffice is not installed (no 'soffice' on PATH); install it: "
        "sudo apt-get install libreoffice-impress poppler-utils [office-missing]"
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # checked before anything is built or written


def test_build_without_pdf_needs_no_libreoffice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without(monkeypatch, "soffice", "libreoffice", "pdftoppm")
    result = runner.invoke(app, _args("build", tmp_path))
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "pack-default.pdf").exists()


def test_a_failed_conversion_leaves_the_outputs_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pack-default.pptx").write_bytes(b"old deck")

    def fail(*args: Any, **kwargs: Any) -> bytes:
        raise office.OfficeError("soffice failed", [Problem("office-failed", "failed", "soffice")])

    monkeypatch.setattr(office, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(office, "deck_pdf", fail)
    result = runner.invoke(app, _args("build", tmp_path, "--pdf"))
    assert result.exit_code == 2
    assert "[office-failed]" in result.stderr
    assert (tmp_path / "pack-default.pptx").read_bytes() == b"old deck"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack-default.pptx"]


# -- preview ------------------------------------------------------------------------------


def test_preview_draws_every_slide_and_a_contact_sheet(tmp_path: Path) -> None:
    require_tools("soffice", "pdftoppm")
    folder = tmp_path / "preview" / "pack-default"
    folder.mkdir(parents=True)
    (folder / "slide-99.png").write_bytes(b"left from a longer deck")
    result = runner.invoke(app, _args("preview", tmp_path, "--dpi", "30"))
    assert result.exit_code == 0, result.output
    slides = len(Presentation(str(_built_deck(tmp_path))).slides)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["contact-sheet.png", *(f"slide-{n:02d}.png" for n in range(1, slides + 1))]
    with Image.open(folder / "slide-01.png") as first:
        assert abs(first.width - 400) <= 1 and first.height == 225  # 13.33 x 7.5 in at 30 dpi
    with Image.open(folder / "contact-sheet.png") as sheet:
        assert sheet.width > 400 and sheet.height > 100
    assert f"wrote {folder} ({slides} slides, template 'default')" in result.stdout
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]


def _built_deck(tmp_path: Path) -> Path:
    result = runner.invoke(app, _args("build", tmp_path / "deck"))
    assert result.exit_code == 0, result.output
    return tmp_path / "deck" / "pack-default.pptx"


@pytest.mark.parametrize(
    ("missing", "tool"),
    [(("soffice", "libreoffice"), "soffice"), (("pdftoppm",), "pdftoppm")],
)
def test_preview_without_a_tool_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, missing: tuple[str, ...], tool: str
) -> None:
    _without(monkeypatch, *missing)
    result = runner.invoke(app, _args("preview", tmp_path))
    assert result.exit_code == 2
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tool}: ") and first.endswith("[office-missing]")
    assert "sudo apt-get install libreoffice-impress poppler-utils" in first
    assert not (tmp_path / "preview").exists()


def test_preview_with_a_path_lacking_libreoffice(tmp_path: Path) -> None:
    """The real thing: a PATH without soffice, in a fresh process."""
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty)}
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", *_args("preview", tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert "[office-missing]" in done.stderr and "Traceback" not in done.stderr


def test_a_failed_preview_keeps_the_previous_pictures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "preview" / "pack-default"
    folder.mkdir(parents=True)
    (folder / "slide-01.png").write_bytes(b"previous picture")

    def fail(*args: Any, **kwargs: Any) -> list[Path]:
        raise office.OfficeError("pdftoppm failed", [Problem("office-failed", "failed", "x")])

    monkeypatch.setattr(office, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(office, "find_poppler", lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(office, "deck_pdf", lambda deck, stem: b"%PDF-1.4 not really")
    monkeypatch.setattr(office, "pdf_to_pngs", fail)
    result = runner.invoke(app, _args("preview", tmp_path))
    assert result.exit_code == 2, result.output
    assert sorted(p.name for p in folder.parent.iterdir()) == ["pack-default"]
    assert (folder / "slide-01.png").read_bytes() == b"previous picture"


def test_preview_refuses_a_silly_resolution(tmp_path: Path) -> None:
    result = runner.invoke(app, _args("preview", tmp_path, "--dpi", "5000"))
    assert result.exit_code == 2
    assert "--dpi" in result.output


def test_preview_help_has_an_example() -> None:
    result = runner.invoke(app, ["preview", "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "briefgen preview" in result.output
    assert "--pdf" in runner.invoke(app, ["build", "--help"]).output


# -- the pieces ---------------------------------------------------------------------------


def test_contact_sheet_is_a_numbered_grid(tmp_path: Path) -> None:
    pictures = []
    for n in range(5):
        path = tmp_path / f"slide-{n + 1:02d}.png"
        Image.new("RGB", (160, 90), (40 * n, 0, 0)).save(path)
        pictures.append(path)
    sheet = preview.contact_sheet(pictures, tmp_path / "sheet.png", "five slides")
    with Image.open(sheet) as image:
        # four columns of 384 px thumbnails (216 px high) and two rows, with gaps
        assert image.size == (4 * (384 + 16) + 16, 40 + 2 * (216 + 26 + 16))
        assert image.getpixel((16 + 10, 40 + 10)) == (0, 0, 0)  # the first thumbnail


def test_a_hung_tool_is_stopped_with_its_children(tmp_path: Path) -> None:
    marker = tmp_path / "child-alive"
    script = f"(sleep 3; touch {marker}) & sleep 30"
    started = time.monotonic()
    with pytest.raises(office.OfficeError) as caught:
        office._run(["sh", "-c", script], timeout=0.5)
    assert time.monotonic() - started < 10
    assert caught.value.problems[0].code == "office-timeout"
    time.sleep(3.5)
    assert not marker.exists()  # the whole process group went


def test_a_deck_libreoffice_cannot_read_is_reported(tmp_path: Path) -> None:
    require_tools("soffice")
    broken = tmp_path / "broken.pptx"
    broken.write_bytes(b"PK\x03\x04 this is not a presentation")
    with pytest.raises(office.OfficeError) as caught:
        office.convert_to_pdf([broken], tmp_path / "pdf", timeout=120)
    assert caught.value.problems[0].code == "office-failed"
