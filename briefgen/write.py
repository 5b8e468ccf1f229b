"""Write outputs: reproducible bytes, all-or-nothing on disk.

A ``.pptx`` is a zip; its entries are rewritten with one fixed timestamp, its
document dates set to the pack's ``as_of`` (or ``SOURCE_DATE_EPOCH``) and its
``docProps/app.xml`` restated from the deck itself, so the same input gives the
same bytes, wherever and whenever it is built. The build hands its parts over
uncompressed and the package is compressed once; the zip is written as ``zipfile``
writes it, byte for byte, but each entry's deflated stream is kept by content, so a
process that builds again (a watch) deflates only the entries that changed.

Every output is first written to a temporary ``.part`` file beside its target and
renamed over it only once all outputs are ready. Should a rename fail, or the run
be interrupted (Ctrl-C, SIGTERM) while the files are being replaced, the files
already replaced are put back: the previous outputs stay exactly as they were, and
no ``.part`` file is left behind.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import signal
import stat
import struct
import tempfile
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
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
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    return reproducible_package(entries, when)


def reproducible_package(
    entries: Iterable[tuple[str, bytes]] | Mapping[str, bytes], when: datetime
) -> bytes:
    """A zip package of ``entries`` (name and content, in order), made as
    :func:`reproducible_zip` makes one: the package is compressed once, here."""
    items = list(entries.items() if isinstance(entries, Mapping) else entries)
    contents = dict(items)  # a name given twice reads as its last, as in a zip
    names = [name for name, _ in items]
    fixed = [(name, _restated(name, content, when, contents, names)) for name, content in items]
    stamp = min(max(when, _ZIP_FIRST), _ZIP_LAST).timetuple()[:6]
    if len(contents) == len(items):
        made = _deflated_zip(fixed, stamp)
        if made is not None:
            return made
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, content in fixed:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = _MODE
            entry.create_system = 3
            target.writestr(entry, content, compresslevel=_LEVEL)
    return out.getvalue()


def _restated(
    name: str, content: bytes, when: datetime, contents: Mapping[str, bytes], names: list[str]
) -> bytes:
    """An entry's content as written: dates, statistics and embedded packages made fixed."""
    if name == _CORE:
        return _core(content, when)
    if name == _APP:
        return _app(content, contents, names)
    if name.lower().endswith(_EMBEDDED_PACKAGES) and _is_zip(content):
        return reproducible_zip(content, when)
    return content


# -- the zip written once, each entry deflated once per content ---------------------------

_MODE = 0o644 << 16  # the entries' permissions, as a Unix zip gives them
_LEVEL = 6
_VERSION = 20  # the zip format version deflated entries need (2.0)
_UTF8_NAME = 0x800
_ZIP64_LIMIT = (1 << 31) - 1  # past this (or 65,535 entries) zipfile writes ZIP64 records
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


class _Streams:
    """Deflated streams (with their CRC-32) by their content's digest, the most recently
    used kept up to ``budget`` bytes of stream in all."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._entries: OrderedDict[bytes, tuple[int, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, digest: bytes) -> tuple[int, bytes] | None:
        with self._lock:
            found = self._entries.get(digest)
            if found is not None:
                self._entries.move_to_end(digest)
            return found

    def put(self, digest: bytes, made: tuple[int, bytes]) -> None:
        if len(made[1]) > self.budget // 8:
            return  # a rare big entry would push out many small ones
        with self._lock:
            if digest not in self._entries:
                self._size += len(made[1])
            self._entries[digest] = made
            while self._size > self.budget:
                self._size -= len(self._entries.popitem(last=False)[1][1])


_DEFLATED = _Streams(48 << 20)


def _deflated_zip(entries: list[tuple[str, bytes]], stamp: tuple[int, ...]) -> bytes | None:
    """The zip ``zipfile`` writes for these entries (each deflated at level 6, stamped with
    ``stamp``, mode 0644, made on Unix), byte for byte; but an entry's deflated stream is
    made once per content, so a rebuild deflates only what changed. None where zipfile
    would need ZIP64 records: that zip is left to zipfile."""
    year, month, day, hour, minute, second = stamp
    dosdate = (year - 1980) << 9 | month << 5 | day
    dostime = hour << 11 | minute << 5 | second // 2
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, content in entries:
        crc, stream = _deflate(content)
        if len(content) * 1.05 > _ZIP64_LIMIT or offset > _ZIP64_LIMIT:
            return None
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), _UTF8_NAME
        sizes = (crc, len(stream), len(content), len(encoded))
        chunks += [
            _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, flags, 8, dostime, dosdate, *sizes, 0),
            encoded,
            stream,
        ]
        central += [
            _CENTRAL.pack(
                b"PK\x01\x02", _VERSION, 3, _VERSION, 0, flags, 8, dostime, dosdate, *sizes,
                0, 0, 0, 0, _MODE, offset,
            ),
            encoded,
        ]  # fmt: skip
        offset += _LOCAL.size + len(encoded) + len(stream)
    directory = b"".join(central)
    if len(entries) > 0xFFFF or offset > _ZIP64_LIMIT or len(directory) > _ZIP64_LIMIT:
        return None
    count = len(entries)
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    return b"".join([*chunks, directory, end])


def _deflate(content: bytes) -> tuple[int, bytes]:
    """The CRC-32 and raw deflate stream of ``content``, as zipfile makes them."""
    digest = hashlib.sha256(content).digest()
    found = _DEFLATED.get(digest)
    if found is None:
        compressor = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
        found = (zlib.crc32(content), compressor.compress(content) + compressor.flush())
        _DEFLATED.put(digest, found)
    return found


def _is_zip(content: bytes) -> bool:
    return zipfile.is_zipfile(io.BytesIO(content))


def _core(content: bytes, when: datetime) -> bytes:
    text = _DATE_ELEMENT.sub(rf"\g<1>{_w3c(when)}\g<3>", content.decode("utf-8"))
    return text.encode("utf-8")


def _app(content: bytes, contents: Mapping[str, bytes], names: list[str]) -> bytes:
    """The extended properties, stated from the deck rather than kept from the template.

    python-pptx keeps the template's ``app.xml``, which says "0 slides" (or, from a
    template saved by PowerPoint, its author's company and slide titles).
    """
    found = _FORMAT.search(content.decode("utf-8", "replace"))
    slides = [n for n in names if _SLIDE.fullmatch(n)]
    notes = sum(1 for n in names if _NOTES.fullmatch(n))
    hidden = sum(1 for n in slides if _HIDDEN.search(contents[n][:4096]))
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
        with terminate_as_interrupt():
            for target, content in outputs.items():
                _stage(target, content, staged)
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


def _stage(target: Path, content: bytes, staged: list[_Staged]) -> None:
    """Write ``content`` to a new ``.part`` file beside ``target``, flushed to disk, and
    add it to ``staged`` (whose files the caller removes, however it ends)."""
    if target.is_dir() and not target.is_symlink():
        raise IsADirectoryError(21, "is a folder", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    with _signals_held():
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".part", dir=target.parent
        )
        staged.append(_Staged(target, Path(temp_name)))
    with os.fdopen(fd, "wb") as handle:
        os.fchmod(handle.fileno(), _mode_for(target))
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while a temporary file is made and recorded: an interrupt
    then arrives once the roll-back knows of the file, never in between."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not on Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
    with _signals_held():
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
def terminate_as_interrupt() -> Iterator[None]:
    """Within, SIGTERM unwinds like Ctrl-C (KeyboardInterrupt), so clean-ups run: here
    the roll-back of replaced files, in a batch the stopping of its workers, in a watch
    its orderly exit. Outside the main thread, where no handler can be set, it does
    nothing."""
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
