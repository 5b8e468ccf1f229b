"""What goes on a slide, before it meets python-pptx: paragraphs of spans.

A span may stand for a figure (its marker follows it) or cite sources for a
claim as a whole. Keeping this plain lets slides be measured and split onto
continuation slides before any shape is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from briefgen.deck.fit import Block
from briefgen.resolve import Resolved, Text
from briefgen.templates import Fonts

Tone = Literal["normal", "muted", "accent", "inverse"]
Align = Literal["l", "r", "ctr"]
Face = Literal["body", "heading"]
BULLET_INDENT = 0.35  # inches a bullet's text is indented; at least the layouts' own


@dataclass(frozen=True)
class Span:
    text: str
    figure: str | None = None  # a figure's displayed value: its marker follows
    sources: tuple[str, ...] = ()  # sources for the claim as a whole: their marker follows
    bold: bool = False


@dataclass(frozen=True)
class Para:
    spans: tuple[Span, ...]
    size: float
    bullet: bool = False
    bold: bool = False
    tone: Tone = "normal"
    space_before: float = 0.0  # points
    align: Align | None = None
    face: Face = "body"  # the heading face sets large numbers and card titles

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.spans)

    def sized(self, size: float) -> Para:
        return replace(self, size=size)


def spans_of(text: Text) -> tuple[Span, ...]:
    return tuple(Span(s.text, figure=s.figure) for s in text.segments)


def text_para(text: str, size: float, **style: object) -> Para:
    return Para((Span(text),), size, **style)  # type: ignore[arg-type]


def figures_in(paras: Iterable[Para]) -> list[str]:
    ids = [s.figure for p in paras for s in p.spans if s.figure]
    return list(dict.fromkeys(ids))


def sources_in(paras: Iterable[Para], resolved: Resolved) -> list[str]:
    """Source ids the paragraphs cite, in reading order, without repeats."""
    ids: list[str] = []
    for para in paras:
        for span in para.spans:
            if span.figure:
                ids.extend(resolved.figures[span.figure].sources)
            ids.extend(span.sources)
    return list(dict.fromkeys(ids))


def _marker_estimate(count: int) -> str:
    # Superscript digits are narrower than these, so the estimate stays safe.
    return ",".join("9" for _ in range(count))


def measured_text(para: Para, resolved: Resolved) -> str:
    """The paragraph's text with a stand-in for each marker, for measuring."""
    parts = []
    for span in para.spans:
        parts.append(span.text)
        count = len(span.sources)
        if span.figure:
            count += len(resolved.figures[span.figure].sources)
        parts.append(_marker_estimate(count))
    return "".join(parts)


def para_fonts(para: Para, fonts: Fonts) -> Fonts:
    return fonts.for_headings() if para.face == "heading" else fonts


def blocks(paras: Sequence[Para], resolved: Resolved, fonts: Fonts) -> list[Block]:
    return [
        Block(
            measured_text(p, resolved),
            p.size,
            bold=p.bold,
            space_before=p.space_before,
            indent=BULLET_INDENT if p.bullet else 0.0,
            face=para_fonts(p, fonts).latin,
        )
        for p in paras
    ]
