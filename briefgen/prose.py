"""Prose with figure references.

Reference syntax, in any prose field (headline, summary, pillar text, evidence,
risk detail, resolution reason):

``{figure_id}``
    the figure's value as displayed, with its source footnote;
``{name:Qwen 2.5-Max}``
    text shown as written, for names that contain digits;
``{{`` and ``}}``
    literal braces.

A quantity typed straight into prose (``grew 13%``) is a *naked figure* and an
error: it has no source. Digits glued to letters (``Qwen2.5-Max``, ``88VIP``,
``Q4``) are names, and a bare year such as ``2025`` is a date; both are allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME_PREFIX = "name:"
# A number with optional sign, thousands separators and decimals.
_NUMBER = re.compile(r"(?<![\w.])[-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_UNIT_AFTER = re.compile(
    r"\s?(?:%|percent|per\s?cent|pp|bn|mn|m|k|tn|x|×|billion|million|trillion|thousand|times|fold)(?![^\W\d_])",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class Segment:
    """A run of prose: plain text, or a figure reference when ``figure`` is set."""

    text: str
    figure: str | None = None
    is_name: bool = False


@dataclass(frozen=True)
class ProseIssue:
    code: str
    message: str


def parse_prose(text: str) -> tuple[list[Segment], list[ProseIssue]]:
    """Split prose into text and references; report malformed references and naked figures."""
    segments: list[Segment] = []
    issues: list[ProseIssue] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        _plain(text[pos : match.start()], segments, issues)
        token = match.group(0)
        inner = match.group(1)
        if token in ("{{", "}}"):
            segments.append(Segment(token[0]))
        elif inner is None:
            issues.append(
                ProseIssue("prose-brace", f"unmatched '{token}'; write '{token * 2}' for a brace")
            )
        elif inner.startswith(_NAME_PREFIX):
            name = inner[len(_NAME_PREFIX) :].strip()
            if not name:
                issues.append(ProseIssue("prose-reference", "empty {name:...}"))
            segments.append(Segment(name, is_name=True))
        elif re.fullmatch(r"[a-z][a-z0-9_]*", inner.strip()):
            segments.append(Segment("", figure=inner.strip()))
        else:
            issues.append(
                ProseIssue(
                    "prose-reference",
                    f"'{{{inner}}}' is not a figure reference; use {{figure_id}} or {{name:...}}",
                )
            )
        pos = match.end()
    _plain(text[pos:], segments, issues)
    return segments, issues


def _plain(text: str, segments: list[Segment], issues: list[ProseIssue]) -> None:
    if not text:
        return
    for number in naked_numbers(text):
        issues.append(
            ProseIssue(
                "prose-naked-figure",
                f"number '{number}' typed into prose; make it a cited figure and write "
                "{figure_id}, or {name:...} if it is part of a name",
            )
        )
    segments.append(Segment(text))


def naked_numbers(text: str) -> list[str]:
    """Quantities written in digits that are neither names nor years."""
    found = []
    for match in _NUMBER.finditer(text):
        after = text[match.end() : match.end() + 1]
        unit = _UNIT_AFTER.match(text, match.end())
        glued = after.isalpha() or re.match(r"-[^\W\d_]", text[match.end() : match.end() + 2])
        if glued and unit is None:
            continue  # glued to letters: part of a name such as 88VIP or 2.5-Max
        digits = match.group(0)
        if _YEAR.fullmatch(digits) and unit is None:
            continue
        found.append(text[match.start() : unit.end() if unit else match.end()])
    return found
