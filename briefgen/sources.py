"""Source readers: turn a source document into plain text that quotes can be found in.

Every reader returns a :class:`SourceText` whose ``text`` is what a citation's quote is
searched in, and which can say where in the document an offset into that text lies
(``line N`` for text and HTML, ``page N, line M`` for PDF). Readers never guess an
encoding: a source that is not UTF-8 is the user's to fix, and the error says where.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import stat
from bisect import bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from briefgen.errors import SourceError

SourceFormat = Literal["text", "html", "pdf"]

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
PDF_SUFFIXES = frozenset({".pdf"})


@dataclass(frozen=True)
class SourceText:
    """The extracted text of one source document.

    ``page_starts`` holds the offset in ``text`` where each PDF page begins; it is empty
    for text and HTML. It takes no part in equality, so a source hashes by its text.
    """

    path: Path
    format: SourceFormat
    text: str
    page_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @cached_property
    def _line_starts(self) -> tuple[int, ...]:
        starts = [0]
        starts.extend(m.end() for m in re.finditer("\n", self.text))
        return tuple(starts)

    def line_of(self, offset: int) -> int:
        """1-based line of ``offset`` in ``text`` (for text files, the file's own line)."""
        return bisect_right(self._line_starts, _clamp(offset, len(self.text)))

    def page_of(self, offset: int) -> int | None:
        """1-based PDF page of ``offset``, or None for sources without pages."""
        if not self.page_starts:
            return None
        return bisect_right(self.page_starts, _clamp(offset, len(self.text)))

    def locate(self, offset: int) -> str:
        """Where ``offset`` lies, for a reader: ``line N`` or ``page N, line M``."""
        line = self.line_of(offset)
        page = self.page_of(offset)
        if page is None:
            return f"line {line}"
        first_line_of_page = self.line_of(self.page_starts[page - 1])
        return f"page {page}, line {line - first_line_of_page + 1}"


def _clamp(offset: int, length: int) -> int:
    return min(max(offset, 0), length)


def read_source(path: Path, data: bytes | None = None) -> SourceText:
    """Read a source document, choosing the reader by the file's suffix.

    ``data``, when given, is the file's content, already read (see :func:`fingerprint`).
    """
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        known = ", ".join(sorted(_READERS))
        shown = suffix or "(none)"
        raise SourceError(f"{path}: unsupported source type '{shown}' (expected one of {known})")
    if data is None:
        data = _read_bytes(path)
    elif len(data) > MAX_SOURCE_BYTES:
        raise _too_large(path)
    return reader(path, data)


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of the file's bytes, to pin the exact version a pack cites."""
    digest = hashlib.sha256()
    with _reading(path), path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def fingerprint(path: Path) -> tuple[str, bytes | None]:
    """The file's SHA-256 and, when it is not too large to be a source, its content.

    One read serves both the pin check and the reader, so the text checked is the
    text pinned.
    """
    digest = hashlib.sha256()
    with _reading(path), path.open("rb") as handle:
        data = handle.read(MAX_SOURCE_BYTES + 1)
        digest.update(data)
        if len(data) <= MAX_SOURCE_BYTES:
            return digest.hexdigest(), data
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest(), None


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn an OS error on opening or reading ``path`` into a one-line SourceError."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SourceError(f"{path}: cannot read source: {reason}") from exc


MAX_SOURCE_BYTES = 100 * 2**20


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, if it is a regular file no larger than any real source.

    A FIFO would block and a device never end, so the file is checked before it is
    opened, and no more than the limit is ever read.
    """
    with _reading(path):
        if not stat.S_ISREG(path.stat().st_mode):
            raise SourceError(f"{path}: not a regular file")
        with path.open("rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    if len(data) > MAX_SOURCE_BYTES:
        raise _too_large(path)
    return data


def _too_large(path: Path) -> SourceError:
    return SourceError(f"{path}: larger than {MAX_SOURCE_BYTES // 2**20} MB; cut it down")


def _decode_utf8(path: Path, data: bytes) -> str:
    """Decode strictly; a BOM is dropped and line endings become ``\\n``."""
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = skip + exc.start
        line = data.count(b"\n", 0, bad) + 1
        raise SourceError(
            f"{path}: not UTF-8: invalid byte 0x{data[bad]:02x} at byte offset {bad} "
            f"(line {line}); re-save the file as UTF-8"
        ) from None
    # CR-only and CRLF files keep their line numbering this way.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_text(path: Path, data: bytes) -> SourceText:
    return SourceText(path=path, format="text", text=_decode_utf8(path, data))


# --- HTML -------------------------------------------------------------------------------


def _read_html(path: Path, data: bytes) -> SourceText:
    from briefgen.htmltext import article_text

    text = article_text(_decode_utf8(path, data))
    if text:
        return SourceText(path=path, format="html", text=text)
    raise SourceError(f"{path}: HTML has no text in <article>, <main> or <body>")


# --- PDF --------------------------------------------------------------------------------


def _read_pdf(path: Path, data: bytes) -> SourceText:
    pages = _pdf_page_texts(path, data)
    if not any(page.strip() for page in pages):
        raise SourceError(f"{path}: PDF has no text layer; OCR it first")
    starts: list[int] = []
    chunks: list[str] = []
    offset = 0
    for page in pages:
        starts.append(offset)
        # Each page starts on a fresh line so page and line numbers stay honest.
        chunk = page.replace("\r\n", "\n").replace("\r", "\n")
        if not chunk.endswith("\n"):
            chunk += "\n"
        chunks.append(chunk)
        offset += len(chunk)
    text = "".join(chunks)
    return SourceText(path=path, format="pdf", text=text, page_starts=tuple(starts))


def _pdf_page_texts(path: Path, data: bytes) -> list[str]:
    # pypdf is slow to import and only PDFs need it.
    from pypdf import PdfReader

    try:
        with _quiet_pypdf():
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise SourceError(f"{path}: PDF is encrypted; save an unencrypted copy")
            return [page.extract_text() or "" for page in reader.pages]
    except SourceError:
        raise
    # pypdf signals damaged files with many unrelated exception types.
    except Exception as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SourceError(f"{path}: not a readable PDF: {detail}") from exc


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """Hold back pypdf's log warnings about damaged files; we report what matters."""
    import logging

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


_READERS: dict[str, Callable[[Path, bytes], SourceText]] = {
    **dict.fromkeys(TEXT_SUFFIXES, _read_text),
    **dict.fromkeys(HTML_SUFFIXES, _read_html),
    **dict.fromkeys(PDF_SUFFIXES, _read_pdf),
}
