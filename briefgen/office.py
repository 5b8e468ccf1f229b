"""LibreOffice and poppler, run as subprocesses: a deck to PDF, to pictures, to word boxes.

briefgen does not draw slides itself; LibreOffice (``soffice``) does, and poppler
(``pdftoppm``, ``pdftotext``) turns its PDF into PNGs or positioned words. Each
LibreOffice run gets a private, throw-away profile, so runs in parallel (or beside a
LibreOffice the user has open) do not hand their work to one another, and a time
limit, after which its whole process group is killed: ``soffice`` is a wrapper that
starts ``soffice.bin``, and killing only the wrapper would leave the worker running.
A missing tool is a user error with the command that installs it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from briefgen.errors import Problem, RenderError

INSTALL_HINT = "sudo apt-get install libreoffice-impress poppler-utils"
CONVERT_TIMEOUT = 300.0  # seconds for one LibreOffice run; a first run sets up its profile
POPPLER_TIMEOUT = 120.0
_MAC_SOFFICE = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")
_XHTML = "{http://www.w3.org/1999/xhtml}"


class OfficeError(RenderError):
    """LibreOffice or poppler is missing, failed, or ran out of time."""


def _missing(tool: str, what: str) -> OfficeError:
    message = f"{what} is not installed (no '{tool}' on PATH); install it: {INSTALL_HINT}"
    return OfficeError(
        f"{what} is needed and not installed", [Problem("office-missing", message, tool)]
    )


def find_soffice() -> str:
    """The LibreOffice executable; raise ``office-missing`` when there is none."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and _MAC_SOFFICE.is_file():
        found = str(_MAC_SOFFICE)
    if found is None:
        raise _missing("soffice", "LibreOffice")
    return found


def find_poppler(tool: str) -> str:
    """A poppler tool (``pdftoppm``, ``pdftotext``); raise ``office-missing`` when absent."""
    found = shutil.which(tool)
    if found is None:
        raise _missing(tool, f"poppler's {tool}")
    return found


def _run(command: Sequence[str], timeout: float, env: dict[str, str] | None = None) -> str:
    """Run ``command`` in its own process group; its stderr, or raise on timeout or failure."""
    name = Path(command[0]).name
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        message = f"did not finish within {timeout:g} seconds and was stopped"
        raise OfficeError(f"{name} {message}", [Problem("office-timeout", message, name)]) from None
    except BaseException:
        _kill(process)
        raise
    text = stderr.decode("utf-8", "replace")
    if process.returncode != 0:
        raise _failed(name, f"exit code {process.returncode}", text)
    return text


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()


def _failed(name: str, what: str, stderr: str) -> OfficeError:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    detail = f": {lines[-1]}" if lines else ""
    message = f"failed ({what}){detail}"
    return OfficeError(f"{name} {message}", [Problem("office-failed", message, name)])


def _office_env(scratch: Path) -> dict[str, str]:
    """The environment for LibreOffice: ours, with HOME replaced only when unusable.

    The private profile keeps LibreOffice's settings out of HOME; HOME is kept where it
    works because the user's own fonts live there.
    """
    env = dict(os.environ)
    home = env.get("HOME", "")
    if not home or not os.path.isdir(home) or not os.access(home, os.W_OK):
        env["HOME"] = str(scratch)
    return env


def convert_to_pdf(
    decks: Sequence[Path], out_dir: Path, timeout: float | None = None
) -> list[Path]:
    """Convert presentations to PDF in one LibreOffice run: ``out_dir/<stem>.pdf`` each.

    ``timeout`` is in seconds, :data:`CONVERT_TIMEOUT` by default.
    """
    soffice = find_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    pdfs = [out_dir / f"{deck.stem}.pdf" for deck in decks]
    for pdf in pdfs:
        pdf.unlink(missing_ok=True)  # a PDF left from before must not pass for this run's
    with tempfile.TemporaryDirectory(
        prefix="briefgen-office-", ignore_cleanup_errors=True
    ) as scratch_name:
        scratch = Path(scratch_name)
        profile = (scratch / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf:impress_pdf_Export",
            "--outdir",
            str(out_dir.resolve()),
            *(str(deck.resolve()) for deck in decks),
        ]
        stderr = _run(command, timeout or CONVERT_TIMEOUT, _office_env(scratch))
    for deck, pdf in zip(decks, pdfs, strict=True):
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise _failed("soffice", f"no PDF made from {deck.name}", stderr)
    return pdfs


def deck_pdf(deck: bytes, stem: str, timeout: float | None = None) -> bytes:
    """The PDF of a deck given as ``.pptx`` bytes."""
    with tempfile.TemporaryDirectory(prefix="briefgen-pdf-") as work_name:
        work = Path(work_name)
        source = work / f"{stem}.pptx"
        source.write_bytes(deck)
        (pdf,) = convert_to_pdf([source], work / "pdf", timeout)
        return pdf.read_bytes()


def pdf_to_pngs(pdf: Path, out_dir: Path, dpi: int, prefix: str = "slide") -> list[Path]:
    """One PNG per page, ``<prefix>-01.png`` ... (two digits at least), in page order."""
    pdftoppm = find_poppler("pdftoppm")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="briefgen-ppm-", dir=out_dir) as work_name:
        work = Path(work_name)
        _run([pdftoppm, "-png", "-r", str(dpi), str(pdf), str(work / "page")], POPPLER_TIMEOUT)
        pages = sorted(
            (int(match.group(1)), path)
            for path in work.iterdir()
            if (match := re.fullmatch(r"page-(\d+)\.png", path.name))
        )
        if not pages:
            raise _failed("pdftoppm", f"no pictures made from {pdf.name}", "")
        width = max(2, len(str(len(pages))))
        made = []
        for number, path in pages:
            target = out_dir / f"{prefix}-{number:0{width}d}.png"
            os.replace(path, target)
            made.append(target)
    return made


@dataclass(frozen=True)
class Word:
    """A word as placed on a PDF page, in points from the top-left corner.

    ``line`` numbers the lines of text of a page, as poppler groups words into them.
    """

    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    line: int = 0


@dataclass(frozen=True)
class PdfPage:
    width: float
    height: float
    words: tuple[Word, ...]


def pdf_words(pdf: Path) -> list[PdfPage]:
    """Every page's words with their boxes, from ``pdftotext -bbox-layout``."""
    pdftotext = find_poppler("pdftotext")
    with tempfile.TemporaryDirectory(prefix="briefgen-bbox-") as work_name:
        target = Path(work_name) / "words.html"
        _run([pdftotext, "-bbox-layout", str(pdf), str(target)], POPPLER_TIMEOUT)
        root = ElementTree.parse(target).getroot()
    pages = []
    for page in root.iter(f"{_XHTML}page"):
        words = tuple(
            Word(
                word.text or "",
                float(word.attrib["xMin"]),
                float(word.attrib["yMin"]),
                float(word.attrib["xMax"]),
                float(word.attrib["yMax"]),
                number,
            )
            for number, line in enumerate(page.iter(f"{_XHTML}line"))
            for word in line.iter(f"{_XHTML}word")
        )
        pages.append(PdfPage(float(page.attrib["width"]), float(page.attrib["height"]), words))
    return pages
