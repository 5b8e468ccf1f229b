"""The careful YAML reader: every problem a file has, each with its line.

:mod:`briefgen.yamlsrc` reads a well-formed file in one quick pass over the parser's
events and hands anything unusual here: this reader walks the same events again to
refuse aliases and deep nesting before anything is composed, then composes the
document and builds its data node by node, reporting each refused key, tag or
number where it is written.
"""

from __future__ import annotations

from typing import Any

import yaml

from briefgen.errors import Problem
from briefgen.yamlsrc import (
    ILLEGAL_CHARS,
    LOADER,
    MAX_DEPTH,
    MAX_KEY,
    MAX_REPEATS,
    PLAIN_KEY,
    TAG_BOOL,
    TAG_FLOAT,
    TAG_INT,
    TAG_MAP,
    TAG_NULL,
    TAG_SEQ,
    TAG_STR,
    TAG_TIMESTAMP,
    PathKey,
    YamlDoc,
    control_message,
    dotted,
    number_value,
    shorten,
)


def parse_carefully(text: str, file: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse one YAML document, reporting every problem with its line."""
    control = control_chars(text, file)
    if control:
        return None, control
    found = _Prescan(file).run(text)
    if found:
        return None, found
    try:
        node = yaml.compose(text, Loader=LOADER)
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


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: dict[PathKey, int] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            if node.tag != TAG_MAP:
                return self._bad_tag(node, path)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != TAG_SEQ:
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
            self._problem(node, path, "text-control-char", control_message(found.group()))
            return False
        if len(key) > MAX_KEY:
            self._problem(
                node, path, "yaml-key", f"a key of {len(key)} characters; keys are short names"
            )
            return False
        if not PLAIN_KEY.fullmatch(key):
            self._problem(
                node, path, "yaml-key", f"key {shorten(key)!r} is not a plain one-line name"
            )
            return False
        return True

    def _scalar(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        tag, text = node.tag, node.value
        if tag in (TAG_STR, TAG_TIMESTAMP):
            # Dates stay text: pydantic parses them and reports an impossible date
            # at the right field instead of a YAML error.
            found = ILLEGAL_CHARS.search(text)
            if found:
                # Raw control characters stop the YAML reader; these came from escapes.
                self._problem(node, path, "text-control-char", control_message(found.group()))
                return None
            return text
        if tag == TAG_NULL:
            return None
        if tag == TAG_BOOL:
            return text.lower() in {"true", "yes", "on", "y"}
        if tag in (TAG_INT, TAG_FLOAT):
            return self._number(node, path)
        return self._bad_tag(node, path)

    def _number(self, node: yaml.ScalarNode, path: PathKey) -> Any:
        value, refusal = number_value(node.value, node.tag == TAG_INT)
        if refusal is not None:
            self._problem(node, path, "yaml-number", refusal)
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


def control_chars(text: str, file: str) -> list[Problem]:
    """Characters the YAML reader would refuse with no line, reported one per line."""
    if not ILLEGAL_CHARS.search(text):
        return []
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        found = ILLEGAL_CHARS.search(line)
        if found:
            problems.append(
                Problem("text-control-char", control_message(found.group()), file, number)
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
            for event in yaml.parse(text, Loader=LOADER):
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
