"""Write outputs: reproducible bytes, all-or-nothing on disk.

A ``.pptx`` is a zip; its entries are rewritten with one fixed timestamp and its
document dates set to the pack's ``as_of`` (or ``SOURCE_DATE_EPOCH``), so the
same input gives the same bytes. Every output is first written to a temporary
file beside its target and renamed over it only once all outputs are ready: a
failed or interrupted build leaves the previous files exactly as they were.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from briefgen.errors import BriefgenError, Problem

_CORE = "docProps/core.xml"
_DATE_ELEMENT = re.compile(
    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)"
)
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


def build_time(as_of: date) -> datetime:
    """The time stamped into outputs: ``SOURCE_DATE_EPOCH`` if set, else the pack's date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)


def reproducible_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite a zip package with fixed entry times and document dates."""
    stamp = max(when, _ZIP_EPOCH).timetuple()[:6]
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == _CORE:
                text = _DATE_ELEMENT.sub(rf"\g<1>{iso}\g<2>", content.decode("utf-8"))
                content = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, content, compresslevel=6)
    return out.getvalue()


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_outputs(outputs: Mapping[Path, bytes]) -> None:
    """Write every output, or none: temp files first, then rename them all into place."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, content in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp_name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".part", dir=target.parent
            )
            staged.append((Path(temp_name), target))
            os.fchmod(fd, 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        for temp, target in staged:
            os.replace(temp, target)
    except OSError as exc:
        raise BriefgenError(
            f"cannot write outputs: {exc.strerror}",
            [Problem("output-write", f"cannot write: {exc.strerror}", str(exc.filename or ""))],
        ) from None
    finally:
        for temp, _ in staged:
            temp.unlink(missing_ok=True)
