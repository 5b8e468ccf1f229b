"""YAML with line numbers.

PyYAML's composer gives every node its position. We build plain Python data from
the node tree ourselves, so that we can (a) remember the line of every value by
its path, (b) refuse duplicate keys, which PyYAML silently accepts, and (c) keep
numbers exact: a float scalar becomes a ``Decimal`` of the text as written.

A pack may come from anyone, so reading it is bounded: only regular files of at
most 5 MB are read; only the safe composer runs, and tags that would construct
objects are refused; nesting is limited before the tree is composed (libyaml's
composer recurses in C, and a few hundred thousand ``[`` crash the process);
aliases are refused, as one alias-laden line can expand to billions of values
(the "billion laughs"); numbers too long to be a figure are refused before Python
converts them; and characters no document can hold are reported with their line.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import Problem

PathKey = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 50  # a pack nests about six levels; a manifest about five
_MAX_KEY = 100
MAX_REPEATS = 100  # problems of one kind listed for a file
_MAX_DIGITS = 100  # significant digits, and the exponent's size, of a number
# Characters that neither YAML nor a document's XML can hold: C0 controls but tab, line
# feed and carriage return; DEL and the C1 controls but NEL; and two non-characters.
# Lone surrogates cannot come from UTF-8, but the pure-Python loader makes them of "\ud800".
ILLEGAL_CHARS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
_PLAIN_KEY = re.compile(r"[^\s\x00-\x1f\x7f-\x9f]+(?: [^\s\x00-\x1f\x7f-\x9f]+)*")
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass
class YamlDoc:
    """A parsed file: its data and the line of each value, keyed by path."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
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


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[PathKey, int] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                return self._bad_tag(node, path)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                return self._bad_tag(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, path, "yaml-key", "a key must be a plain name")
                continue
            key = str(key_node.value)
            if key == "<<":
                self._problem(key_node, path, "yaml-merge", "merge keys ('<<') are not supported")
                continue
            if not self._key_ok(key_node, key, path):
                continue
            if key in result:
                first = self.lines.get((*path, key))
                self._problem(
                    key_node,
                    (*path, key),
                    "yaml-duplicate-key",
                    f"duplicate key '{key}' (first at line {first})",
                )
                continue
            result[key] = self.build(value_node, (*path, key))
            self.lines[(*path, key)] = key_node.start_mark.line + 1
        return result

    def _key_ok(self, node: yaml.ScalarNode, key: str, path: PathKey) -> bool:
        """A key becomes a field name in messages: it must be short, printable, one line."""
        found = ILLEGAL_CHARS.search(key)
        if found:
            self._problem(node, path, "text-control-char", _control_message(found.group()))
            return False
        if len(key) > _MAX_KEY:
            self._problem(
                node, path, "yaml-key", f"a key of {len(key)} characters; keys are short names"
            )
            return False
        if not _PLAIN_KEY.fullmatch(key):
            self._problem(
                node, path, "yaml-key", f"key {shorten(key)!r} is not a plain one-line name"
            )
            return False
        return True

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        tag, text = node.tag, node.value
        if tag in (_STR, _TIMESTAMP):
            # Dates stay text: pydantic parses them and reports an impossible date
            # at the right field instead of a YAML error.
            found = ILLEGAL_CHARS.search(text)
            if found:
                # Raw control characters stop the YAML reader; these came from escapes.
                self._problem(node, path, "text-control-char", _control_message(found.group()))
                return None
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() in {"true", "yes", "on", "y"}
        if tag in (_INT, _FLOAT):
            return self._number(node, path)
        return self._bad_tag(node, path)

    def _number(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        text = node.value.replace("_", "")
        digits = sum(c.isdigit() for c in text)
        if digits > _MAX_DIGITS:
            self._problem(
                node,
                path,
                "yaml-number",
                f"a number of {digits} digits is out of range; write large amounts with "
                "'scale' (million, billion, trillion)",
            )
            return None
        if node.tag == _INT:
            try:
                return int(text, 0)
            except ValueError:
                return node.value  # YAML 1.1 octal or base 60: let the field's type judge
        try:
            value = Decimal(text)
        except InvalidOperation:
            return node.value  # .inf, .nan: the field's validation reports it
        if value.is_finite() and abs(value.adjusted()) > _MAX_DIGITS:
            self._problem(
                node,
                path,
                "yaml-number",
                f"number {shorten(node.value)} is out of range (its exponent is over "
                f"{_MAX_DIGITS})",
            )
            return None
        return value

    def _bad_tag(self, node: yaml.Node, path: PathKey) -> None:
        self._problem(node, path, "yaml-tag", f"tag '{shorten(str(node.tag))}' is not allowed")
        return None

    def _problem(self, node: yaml.Node, path: PathKey, code: str, message: str) -> None:
        self.problems.append(
            Problem(
                code=code,
                message=message,
                file=self.file,
                line=node.start_mark.line + 1,
                field=dotted(path) or None,
            )
        )


def shorten(text: str, limit: int = 40) -> str:
    """``text`` cut to ``limit`` characters for a message, with ``…`` where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _control_message(char: str) -> str:
    return f"contains control character U+{ord(char):04X}, which documents cannot hold; delete it"


def dotted(path: PathKey) -> str:
    """``("figures", 3, "value")`` -> ``figures[3].value``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _control_chars(text: str, file: str) -> list[Problem]:
    """Characters the YAML reader would refuse with no line, reported one per line."""
    if not ILLEGAL_CHARS.search(text):
        return []
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        found = ILLEGAL_CHARS.search(line)
        if found:
            problems.append(
                Problem("text-control-char", _control_message(found.group()), file, number)
            )
            if len(problems) == MAX_REPEATS:
                break  # a binary file would give a problem a line: the first ones say enough
    return problems


class _Prescan:
    """Reads the file as a stream of events, before anything is composed.

    The event parser keeps its own stack and stops where we stop reading, so this is
    cheap even for a file of a million ``[`` (composing that crashes the process),
    and an alias is seen where it is written (once composed, it is its anchor's node,
    which would expand a "billion laughs" when built). The path of each event is kept,
    so a problem names its field.
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        # Per open collection: its path, the key awaited (None) or the next index, and
        # whether the collection is itself a key (``? [a, b]``; refused when composed).
        self.stack: list[tuple[PathKey, list[str | int | None], bool]] = []
        self.pending_key: list[bool] = []

    def run(self, text: str) -> list[Problem]:
        try:
            for event in yaml.parse(text, Loader=_Loader):
                if not self._event(event):
                    break
        except yaml.YAMLError:
            pass  # composing reports the syntax error with its line
        return self.problems

    def _event(self, event: yaml.Event) -> bool:
        if isinstance(event, yaml.CollectionEndEvent):
            was_key = self.stack.pop()[2]
            self.pending_key.pop()
            if not was_key:
                self._advance()
            return True
        if not isinstance(event, yaml.NodeEvent):
            return True
        is_key = bool(self.pending_key and self.pending_key[-1])
        if is_key:
            # A mapping key: remembered when plain, so the value's field can be named.
            key = event.value if isinstance(event, yaml.ScalarEvent) else "?"
            self.stack[-1][1][0] = str(key)
            self.pending_key[-1] = False
            if isinstance(event, yaml.ScalarEvent):
                return True
        path = self._path()
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            message = "aliases ('*name') are not supported; write the value out"
            self.problems.append(Problem("yaml-alias", message, self.file, line, dotted(path)))
            if len(self.problems) == MAX_REPEATS:
                return False
            if not is_key:
                self._advance()
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(self.stack) >= MAX_DEPTH:
                message = f"nested more than {MAX_DEPTH} levels deep; a pack needs a handful"
                self.problems.append(Problem("yaml-too-deep", message, self.file, line))
                return False
            is_map = isinstance(event, yaml.MappingStartEvent)
            self.stack.append((path, [None] if is_map else [0], is_key))
            self.pending_key.append(is_map)
        else:
            self._advance()
        return True

    def _path(self) -> PathKey:
        if not self.stack:
            return ()
        parent, state, _ = self.stack[-1]
        return parent if state[0] is None else (*parent, state[0])

    def _advance(self) -> None:
        """A value is complete: a mapping awaits its next key, a list its next item."""
        if not self.stack:
            return
        state = self.stack[-1][1]
        if isinstance(state[0], int):
            state[0] += 1
        else:
            state[0] = None
            self.pending_key[-1] = True


def parse_yaml(text: str, file: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document; problems instead of exceptions."""
    control = _control_chars(text, file)
    if control:
        return None, control
    found = _Prescan(file).run(text)
    if found:
        return None, found
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return None, [Problem("yaml-syntax", f"malformed YAML: {message}", file, line)]
    except yaml.YAMLError as exc:
        return None, [Problem("yaml-syntax", f"malformed YAML: {exc}", file)]
    if node is None:
        return YamlDoc(file, None), []
    builder = _Builder(file)
    data = builder.build(node, ())
    return YamlDoc(file, data, builder.lines), builder.problems


def read_yaml(path: Path, display: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Read and parse a file, reporting encoding trouble as problems."""
    raw, problem = _read_bounded(path, display)
    if problem is not None:
        return None, [problem]
    assert raw is not None
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
