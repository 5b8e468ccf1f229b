"""YAML with line numbers.

We build plain Python data from the parser's events ourselves, so that we can
(a) remember the line of every value by its path, (b) refuse duplicate keys,
which PyYAML silently accepts, and (c) keep numbers exact: a float scalar becomes
a ``Decimal`` of the text as written.

A pack may come from anyone, so reading it is bounded: only regular files of at
most 5 MB are read; only the safe parser runs, and tags that would construct
objects are refused; nesting is limited before the tree is composed (libyaml's
composer recurses in C, and a few hundred thousand ``[`` crash the process);
aliases are refused, as one alias-laden line can expand to billions of values
(the "billion laughs"); numbers too long to be a figure are refused before Python
converts them; and characters no document can hold are reported with their line.

Packs run to megabytes, so a well-formed file is read in one quick pass over
libyaml's events, which stops at the first thing out of the ordinary (an alias, a
tag, a duplicate or odd key, deep nesting, a refused number or a syntax error).
Such a file is read again by :mod:`briefgen.yamlcheck`, which reports each of its
problems where it is written. Parsed files are kept in memory by path and exact
content, so a long-running process reads again only the files that changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import Problem
from briefgen.memory import LastVersions

PathKey = tuple[str | int, ...]

LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TAG_INT = "tag:yaml.org,2002:int"
TAG_FLOAT = "tag:yaml.org,2002:float"
TAG_BOOL = "tag:yaml.org,2002:bool"
TAG_NULL = "tag:yaml.org,2002:null"
TAG_STR = "tag:yaml.org,2002:str"
TAG_TIMESTAMP = "tag:yaml.org,2002:timestamp"
TAG_MAP = "tag:yaml.org,2002:map"
TAG_SEQ = "tag:yaml.org,2002:seq"
_TRUE = frozenset({"true", "yes", "on", "y"})
_MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 50  # a pack nests about six levels; a manifest about five
MAX_KEY = 100
MAX_REPEATS = 100  # problems of one kind listed for a file
_MAX_DIGITS = 100  # significant digits, and the exponent's size, of a number
# Characters that neither YAML nor a document's XML can hold: C0 controls but tab, line
# feed and carriage return; DEL and the C1 controls but NEL; and two non-characters.
# Lone surrogates cannot come from UTF-8, but the pure-Python loader makes them of "\ud800".
ILLEGAL_CHARS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
PLAIN_KEY = re.compile(r"[^\s\x00-\x1f\x7f-\x9f]+(?: [^\s\x00-\x1f\x7f-\x9f]+)*")


@dataclass
class YamlDoc:
    """A parsed file: its data and the line of each value, keyed by path.

    Parsed files are cached and shared between reads of the same content: treat
    ``data`` as read-only.
    """

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    digest: str = ""  # SHA-256 of the file's bytes, when read from a file
    _index: dict[PathKey, list[tuple[PathKey, int]]] | None = field(default=None, repr=False)

    def lines_under(self, prefix: PathKey) -> list[tuple[PathKey, int]]:
        """Every (path, line) at or below ``prefix``; indexed on first use, as packs are large."""
        if self._index is None:
            self._index = {}
            for path, line in self.lines.items():
                for cut in (1, 2):
                    if len(path) >= cut:
                        self._index.setdefault(path[:cut], []).append((path, line))
        if 1 <= len(prefix) <= 2:
            return self._index.get(prefix, [])
        return [(p, n) for p, n in self.lines.items() if p[: len(prefix)] == prefix]

    def line_of(self, path: PathKey) -> int | None:
        """The line of the deepest known node on ``path``."""
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return line
        return None


def shorten(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for a message, with ``…`` where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def control_message(char: str) -> str:
    return f"contains control character U+{ord(char):04X}, which documents cannot hold; delete it"


def dotted(path: PathKey) -> str:
    """``("figures", 3, "value")`` -> ``figures[3].value``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def number_value(text: str, is_int: bool) -> tuple[Any, str | None]:
    """An int or float scalar's value, exact; or None and why the number is refused.

    A form Python does not read (YAML 1.1 octal or base 60, ``.inf``, ``.nan``) stays
    text, for the field's own validation to judge.
    """
    plain = text.replace("_", "")
    if len(plain) > _MAX_DIGITS:
        digits = sum(c.isdigit() for c in plain)
        if digits > _MAX_DIGITS:
            return None, (
                f"a number of {digits} digits is out of range; write large amounts with "
                "'scale' (million, billion, trillion)"
            )
    if is_int:
        try:
            return int(plain, 0), None
        except ValueError:
            return text, None
    try:
        value = Decimal(plain)
    except InvalidOperation:
        return text, None
    if value.is_finite() and abs(value.adjusted()) > _MAX_DIGITS:
        return None, (
            f"number {shorten(text)} is out of range (its exponent is over {_MAX_DIGITS})"
        )
    return value, None


# --- The quick reader -------------------------------------------------------------------


class _Unusual(Exception):
    """The file needs the careful reader, which says what is wrong and where."""


_good_keys: set[str] = set()  # keys already found to be plain names


def _plain_tag(text: str) -> str:
    """The tag YAML 1.1 gives an untagged plain scalar (``12`` an int, ``no`` a bool)."""
    table = LOADER.yaml_implicit_resolvers
    for tag, pattern in (*table.get(text[:1], ()), *table.get(None, ())):
        if pattern.match(text):
            return str(tag)
    return TAG_STR


def _plain_value(text: str) -> Any:
    """The value of an untagged plain scalar (which cannot hold a control character)."""
    tag = _plain_tag(text)
    if tag in (TAG_STR, TAG_TIMESTAMP):
        return text
    if tag == TAG_NULL:
        return None
    if tag == TAG_BOOL:
        return text.lower() in _TRUE
    if tag in (TAG_INT, TAG_FLOAT):
        value, refusal = number_value(text, tag == TAG_INT)
        if refusal is None:
            return value
    raise _Unusual  # a refused number, or a tag such as '<<' or '=' resolve to


def _key(event: Any, mapping: dict[str, Any]) -> str:
    if type(event) is not yaml.ScalarEvent or event.anchor is not None or event.tag is not None:
        raise _Unusual
    key: str = event.value
    if key in mapping:
        raise _Unusual
    if key not in _good_keys:
        if (
            key == "<<"
            or len(key) > MAX_KEY
            or ILLEGAL_CHARS.search(key)
            or not PLAIN_KEY.fullmatch(key)
        ):
            raise _Unusual
        if len(_good_keys) < 10_000:
            _good_keys.add(key)
    return key


class _QuickReader:
    """Builds data and lines from the events of one well-formed document.

    The text must hold no control character (:func:`parse_yaml` checks first), so only
    a double-quoted scalar, through its escapes, can make one. Plain scalars repeat
    (kinds, currencies, dates), and each is converted once.
    """

    def __init__(self, get_event: Any) -> None:
        self.get_event = get_event
        self.plain: dict[str, Any] = {}

    def value(self, event: Any, depth: int) -> Any:
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _Unusual
            text: str = event.value
            if event.implicit[0]:
                plain = self.plain
                if text not in plain:
                    plain[text] = _plain_value(text)
                return plain[text]
            if event.style == '"' and ILLEGAL_CHARS.search(text):
                raise _Unusual  # made by an escape: reported with its line
            return text
        if kind is not yaml.MappingStartEvent and kind is not yaml.SequenceStartEvent:
            raise _Unusual  # an alias
        if event.anchor is not None or event.tag is not None or depth >= MAX_DEPTH:
            raise _Unusual
        return {} if kind is yaml.MappingStartEvent else []

    def build(self) -> tuple[Any, dict[PathKey, int]]:
        """Data and lines of the document, else ``_Unusual``."""
        get_event = self.get_event
        if type(get_event()) is not yaml.StreamStartEvent:
            raise _Unusual
        event = get_event()
        if type(event) is yaml.StreamEndEvent:
            return None, {}
        if type(event) is not yaml.DocumentStartEvent:
            raise _Unusual
        event = get_event()
        root = self.value(event, 0)
        lines: dict[PathKey, int] = {(): event.start_mark.line + 1}
        self._fill(root, lines)
        if type(get_event()) is not yaml.DocumentEndEvent:
            raise _Unusual
        if type(get_event()) is not yaml.StreamEndEvent:
            raise _Unusual  # a second document
        return root, lines

    def _fill(self, root: Any, lines: dict[PathKey, int]) -> None:
        get_event, value_of = self.get_event, self.value
        # Open collections, innermost last: [collection, its path, pending key, key's line].
        stack: list[list[Any]] = [[root, (), None, 0]] if type(root) in (dict, list) else []
        while stack:
            frame = stack[-1]
            parent = frame[0]
            event = get_event()
            if type(parent) is dict:
                if frame[2] is None:
                    if type(event) is yaml.MappingEndEvent:
                        stack.pop()
                    else:
                        frame[2] = _key(event, parent)
                        frame[3] = event.start_mark.line + 1
                    continue
                path = (*frame[1], frame[2])
                lines[path] = frame[3]
                value = parent[frame[2]] = value_of(event, len(stack))
                frame[2] = None
            elif type(event) is yaml.SequenceEndEvent:
                stack.pop()
                continue
            else:
                path = (*frame[1], len(parent))
                lines[path] = event.start_mark.line + 1
                value = value_of(event, len(stack))
                parent.append(value)
            if type(value) in (dict, list):
                stack.append([value, path, None, 0])


def _parse_quickly(text: str) -> tuple[Any, dict[PathKey, int]] | None:
    """Data and lines of a well-formed file, or None when it needs the careful reader."""
    loader = LOADER(text)
    try:
        return _QuickReader(loader.get_event).build()
    except (_Unusual, yaml.YAMLError):
        return None
    finally:
        loader.dispose()


def parse_yaml(text: str, file: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document; problems instead of exceptions."""
    if not ILLEGAL_CHARS.search(text):
        quick = _parse_quickly(text)
        if quick is not None:
            return YamlDoc(file, quick[0], quick[1]), []
    from briefgen.yamlcheck import parse_carefully

    return parse_carefully(text, file)


# --- Files ------------------------------------------------------------------------------

# The last parse of each file, with the bytes it was parsed from: a process that builds
# again and again (watch mode) parses again only what changed.
_parsed: LastVersions[tuple[YamlDoc | None, tuple[Problem, ...]]] = LastVersions(256)


def read_yaml(path: Path, display: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Read and parse a file, reporting encoding trouble as problems."""
    raw, problem = _read_bounded(path, display)
    if problem is not None:
        return None, [problem]
    assert raw is not None
    key = (os.fspath(path), display)
    cached = _parsed.get(key, raw)
    if cached is None:
        doc, problems = _parse_bytes(raw, display)
        if doc is not None:
            doc.digest = hashlib.sha256(raw).hexdigest()
        cached = _parsed.put(key, raw, (doc, tuple(problems)))
    return cached[0], list(cached[1])


def _parse_bytes(raw: bytes, display: str) -> tuple[YamlDoc | None, list[Problem]]:
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [
            Problem(
                "file-bom",
                "starts with a byte-order mark; save it as UTF-8 without BOM",
                display,
                1,
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem("file-not-utf8", f"is not UTF-8 (byte {exc.start})", display, line)]
    return parse_yaml(text, display)


def _read_bounded(path: Path, display: str) -> tuple[bytes | None, Problem | None]:
    """The file's bytes, if it is a regular file of at most 5 MB.

    A FIFO would block even the opening forever and ``/dev/zero`` never ends, so the
    file is checked before it is opened and again once it is, and no more than the
    limit is ever read.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None, Problem("file-unreadable", "cannot read: not a regular file", display)
        with path.open("rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None, Problem("file-unreadable", "cannot read: not a regular file", display)
            raw = handle.read(_MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return None, Problem("file-unreadable", f"cannot read: {reason}", display)
    if len(raw) > _MAX_FILE_BYTES:
        return None, Problem("file-too-large", "is larger than 5 MB", display)
    return raw, None
