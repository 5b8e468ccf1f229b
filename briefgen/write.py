"""Write outputs: reproducible bytes, all-or-nothing on disk.

A ``.pptx`` is a zip; its entries are rewritten with one fixed timestamp, its
document dates set to the pack's ``as_of`` (or ``SOURCE_DATE_EPOCH``) and its
``docProps/app.xml`` restated from the deck itself, so the same input gives the
same bytes, wherever and whenever it is built.

Every output is first written to a temporary ``.part`` file beside its target and
renamed over it only once all outputs are ready. Should a rename fail, or the run
be interrupted (Ctrl-C, SIGTERM) while the files are being replaced, the files
already replaced are put back: the previous outputs stay exactly as they were, and
no ``.part`` file is left behind.
"""

from __future__ import annotations

import io
import os
import re
import signal
import stat
import tempfile
import threading
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import FrameType

from briefgen.errors import BriefgenError, Problem

_CORE = "docProps/core.xml"
_APP = "docProps/app.xml"
_DATE_ELEMENT = re.compile(
    r"(<(dcterms:created|dcterms:modified|cp:lastPrinted)(?:\s[^>]*)?>)[^<]*(</\2>)"
)
_FORMAT = re.compile(r"<PresentationFormat>([^<]*)</PresentationFormat>")
_SLIDE = re.compile(r"ppt/slides/slide\d+\.xml")
_NOTES = re.compile(r"ppt/notesSlides/notesSlide\d+\.xml")
_HIDDEN = re.compile(rb"<p:sld\b[^>]*\sshow=\"(?:0|false)\"")
_ZIP_FIRST = datetime(1980, 1, 1, tzinfo=UTC)  # the zip format's range of dates
_ZIP_LAST = datetime(2107, 12, 31, 23, 59, 58, tzinfo=UTC)
_EMBEDDED_PACKAGES = (".xlsx", ".xlsm", ".docx", ".pptx")


def build_time(as_of: date) -> datetime:
    """The time stamped into outputs: ``SOURCE_DATE_EPOCH`` if set, else the pack's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError, OSError):
        message = (
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '{epoch[:40]}'"
        )
        raise BriefgenError(message, [Problem("usage", message)]) from None


def _w3c(when: datetime) -> str:
    # strftime("%Y") does not pad years before 1000; the format needs four digits.
    return (
        f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
        f"T{when.hour:02d}:{when.minute:02d}:{when.second:02d}Z"
    )


def reproducible_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite a zip package with fixed entry times, document dates and statistics.

    Entries keep their order; each gets the same timestamp (clamped to the years a
    zip can hold) and the same compression. Embedded packages (a chart's workbook)
    are rewritten the same way, so their own dates cannot vary either.
    """
    stamp = min(max(when, _ZIP_FIRST), _ZIP_LAST).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        names = source.namelist()
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == _CORE:
                content = _core(content, when)
            elif info.filename == _APP:
                content = _app(content, source, names)
            elif info.filename.lower().endswith(_EMBEDDED_PACKAGES) and _is_zip(content):
                content = reproducible_zip(content, when)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, content, compresslevel=6)
    return out.getvalue()


def _is_zip(content: bytes) -> bool:
    return zipfile.is_zipfile(io.BytesIO(content))


def _core(content: bytes, when: datetime) -> bytes:
    text = _DATE_ELEMENT.sub(rf"\g<1>{_w3c(when)}\g<3>", content.decode("utf-8"))
    return text.encode("utf-8")


def _app(content: bytes, source: zipfile.ZipFile, names: list[str]) -> bytes:
    """The extended properties, stated from the deck rather than kept from the template.

    python-pptx keeps the template's ``app.xml``, which says "0 slides" (or, from a
    template saved by PowerPoint, its author's company and slide titles).
    """
    found = _FORMAT.search(content.decode("utf-8", "replace"))
    slides = [n for n in names if _SLIDE.fullmatch(n)]
    notes = sum(1 for n in names if _NOTES.fullmatch(n))
    hidden = sum(1 for n in slides if _HIDDEN.search(source.read(n)[:4096]))
    shape = f"<PresentationFormat>{found.group(1)}</PresentationFormat>" if found else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/docPropsVTypes"><Application>briefgen</Application>{shape}'
        f"<Slides>{len(slides)}</Slides><Notes>{notes}</Notes>"
        f"<HiddenSlides>{hidden}</HiddenSlides></Properties>"
    ).encode()


# -- all or nothing on disk --------------------------------------------------------------


@dataclass
class _Staged:
    target: Path
    temp: Path
    backup: Path | None = None  # a hard link to (or copy of) the file being replaced
    link: str | None = None  # the target was a symbolic link to this
    existed: bool = False
    replaced: bool = False


def write_outputs(outputs: Mapping[Path, bytes]) -> None:
    """Write every output, or none: temp files first, then rename them all into place."""
    staged: list[_Staged] = []
    try:
        with _terminate_as_interrupt():
            for target, content in outputs.items():
                staged.append(_stage(target, content))
            for item in staged:
                _keep_previous(item)
            for item in staged:
                os.replace(item.temp, item.target)
                item.replaced = True
            for folder in dict.fromkeys(item.target.parent for item in staged):
                _sync_folder(folder)
    except BaseException as exc:
        _roll_back(staged)
        if isinstance(exc, OSError):
            reason = exc.strerror or type(exc).__name__
            raise BriefgenError(
                f"cannot write outputs: {reason}; nothing was replaced",
                [Problem("output-write", f"cannot write: {reason}", str(exc.filename or ""))],
            ) from None
        raise
    finally:
        for item in staged:
            item.temp.unlink(missing_ok=True)
            if item.backup is not None and item.backup.exists():
                item.backup.unlink(missing_ok=True)


def _stage(target: Path, content: bytes) -> _Staged:
    """Write ``content`` to a new ``.part`` file beside ``target``, flushed to disk."""
    if target.is_dir() and not target.is_symlink():
        raise IsADirectoryError(21, "is a folder", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    item = _Staged(target, Path(temp_name))
    try:
        os.fchmod(fd, _mode_for(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        item.temp.unlink(missing_ok=True)
        raise
    return item


def _mode_for(target: Path) -> int:
    """The replaced file's permissions, or the usual ones for a new file."""
    try:
        info = target.stat()
    except OSError:
        return 0o666 & ~_umask()
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _keep_previous(item: _Staged) -> None:
    """Keep a way back to the file about to be replaced: a hard link, or else a copy."""
    target = item.target
    if target.is_symlink():
        item.existed, item.link = True, os.readlink(target)
        return
    if not target.exists():
        return
    item.existed = True
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".bak", dir=target.parent)
    os.close(fd)
    backup = Path(name)
    item.backup = backup
    backup.unlink()
    try:
        os.link(target, backup)
    except OSError:
        import shutil

        shutil.copy2(target, backup)


def _roll_back(staged: list[_Staged]) -> None:
    """Put back every file already replaced; a failure here keeps the ``.bak`` file."""
    for item in reversed(staged):
        if not item.replaced:
            continue
        try:
            if item.link is not None:
                item.target.unlink(missing_ok=True)
                os.symlink(item.link, item.target)
            elif item.backup is not None:
                os.replace(item.backup, item.target)
            elif not item.existed:
                item.target.unlink(missing_ok=True)
        except OSError:
            item.backup = None  # leave it on disk: it is the only copy left


def _sync_folder(folder: Path) -> None:
    """Make the renames durable; not every system lets a folder be opened, so best effort."""
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """While files are replaced, SIGTERM unwinds like Ctrl-C, so the roll-back runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
