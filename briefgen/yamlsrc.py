"""YAML with line numbers.

PyYAML's composer gives every node its position. We build plain Python data from
the node tree ourselves, so that we can (a) remember the line of every value by
its path, (b) refuse duplicate keys, which PyYAML silently accepts, and (c) keep
numbers exact: a float scalar becomes a ``Decimal`` of the text as written.
Only the safe loader is used; tags that would construct objects are refused.
"""

from __future__ import annotations

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
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
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

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        tag, text = node.tag, node.value
        if tag in (_STR, _TIMESTAMP):
            # Dates stay text: pydantic parses them and reports an impossible date
            # at the right field instead of a YAML error.
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() in {"true", "yes", "on", "y"}
        if tag == _INT:
            try:
                return int(text.replace("_", ""), 0)
            except ValueError:
                return text
        if tag == _FLOAT:
            try:
                return Decimal(text.replace("_", ""))
            except InvalidOperation:
                return text
        self._problem(node, path, "yaml-tag", f"tag '{tag}' is not allowed")
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


def dotted(path: PathKey) -> str:
    """``("figures", 3, "value")`` -> ``figures[3].value``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def parse_yaml(text: str, file: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document; problems instead of exceptions."""
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
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem("file-unreadable", f"cannot read: {exc.strerror}", display)]
    if len(raw) > _MAX_FILE_BYTES:
        return None, [Problem("file-too-large", "is larger than 5 MB", display)]
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
