"""Start a template from a corporate ``.pptx``: map slide kinds to its layouts.

The guess reads each layout's type (``title``, ``obj``, ``twoObj``, ``titleOnly``,
``secHead``) and, for custom layouts, its placeholders: a centred title makes a
title slide; a title over one large text box carries pillars and the summary; two
side by side give the summary its key-figure tiles; a title alone leaves room for
tables and charts. Every guess is marked ``# CONFIRM:`` in the manifest written,
and listed for the command to print.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.deck.layouts import (
    EMU_PER_INCH,
    LayoutDesc,
    PlaceholderInfo,
    PptxInfo,
    describe,
    presentation_bytes,
)
from briefgen.errors import Problem, TemplateError

_BY_TYPE = {
    "title": "title",
    "secHead": "section",
    "obj": "content",
    "tx": "content",
    "twoObj": "two",
    "titleOnly": "title_only",
}
_SKIP_TYPES = {"vertTx", "vertTitleAndTx", "picTx", "blank", "objOnly", "chart", "tbl"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
BRIEF = Path(__file__).resolve().parent.parent / "templates" / "default" / "brief.md.jinja"


@dataclass(frozen=True)
class Choice:
    kind: str
    layout: LayoutDesc
    placeholders: dict[str, int | str]
    why: str
    title: str | None = None


@dataclass
class Adoption:
    """What ``init`` decided: the slides, and what the user must confirm."""

    choices: list[Choice] = field(default_factory=list)
    confirm: list[str] = field(default_factory=list)


def _classify(layout: LayoutDesc, slide_area: int) -> str | None:
    """title, section, content, two or title_only; None for a layout of no use."""
    if layout.type in _SKIP_TYPES or any(p.vertical or p.type == "pic" for p in layout.content):
        return None
    if not layout.of_type("title", "ctrTitle"):
        return None
    if layout.type in _BY_TYPE:
        return _BY_TYPE[layout.type]
    content = layout.content
    if layout.of_type("ctrTitle") or [p.type for p in content] == ["subTitle"]:
        return "title"
    if not content:
        return "title_only"
    large = [p for p in content if p.area >= slide_area * 0.3]
    if len(content) == 1:
        return "content" if large else "section"
    if len(content) == 2 and all(p.area >= slide_area * 0.12 for p in content):
        return "two"
    return "content" if large else None


def _title_ref(layout: LayoutDesc) -> str:
    return "ctrTitle" if layout.of_type("ctrTitle") else "title"


def _largest(placeholders: list[PlaceholderInfo]) -> PlaceholderInfo:
    return max(placeholders, key=lambda p: p.area)


def _title_choice(layout: LayoutDesc, why: str) -> Choice:
    refs: dict[str, int | str] = {"title": _title_ref(layout)}
    subtitle = layout.of_type("subTitle")
    if subtitle:
        refs["subtitle"] = subtitle[0].idx
    others = [p for p in layout.content if p.type in ("body", "obj")]
    if others:
        refs["body"] = _largest(others).idx
    return Choice("title", layout, refs, why)


def _summary_choice(two: LayoutDesc | None, content: LayoutDesc | None) -> Choice | None:
    if two is not None:
        left, right = sorted(two.content, key=lambda p: p.box[0])[:2]
        refs: dict[str, int | str] = {"title": "title", "body": left.idx, "figures": right.idx}
        why = "two content boxes: text at the left, key figures at the right"
        return Choice("summary", two, refs, why)
    if content is not None:
        body = _largest(content.content)
        why = "title and one text box; the key figures share its width"
        return Choice("summary", content, {"title": "title", "body": body.idx}, why)
    return None


def _region_choice(
    kind: str,
    title_only: LayoutDesc | None,
    content: LayoutDesc | None,
    role: str,
    title: str | None = None,
) -> Choice | None:
    if title_only is not None:
        why = f"title only: the {role} fills the space below the title"
        return Choice(kind, title_only, {"title": "title"}, why, title)
    if content is not None:
        box = _largest(content.content)
        why = f"title and content box: the {role} takes the box's place"
        return Choice(kind, content, {"title": "title", role: box.idx}, why, title)
    return None


def guess(info: PptxInfo) -> Adoption:
    """The slides of a default-like deck, on the file's own layouts."""
    area = info.width * info.height
    found: dict[str, LayoutDesc] = {}
    for layout in info.layouts:
        kind = _classify(layout, area)
        if kind is not None:
            found.setdefault(kind, layout)
    content, title_only = found.get("content"), found.get("title_only")
    title = found.get("title") or content or title_only
    if title is None:
        message = f"{info.path.name} has no layout with a title placeholder; a deck needs one"
        raise TemplateError(message, [Problem("template-layout", message, str(info.path))])
    adoption = Adoption()
    plan = [
        _title_choice(
            title,
            "a centred title" if title.of_type("ctrTitle") else "the first layout with a title",
        ),
        _summary_choice(found.get("two"), content),
        _text_choice("pillar", content),
        _region_choice("table", title_only, content, "table"),
        _region_choice("chart", title_only, content, "chart"),
        _region_choice("risks", title_only, content, "table", "Key risks"),
        _section_choice(found.get("section")),
        _region_choice("conflicts", title_only, content, "table"),
        _region_choice("appendix", title_only, content, "table", "Figure register"),
        _region_choice("sources", title_only, content, "table"),
    ]
    adoption.choices = [c for c in plan if c is not None]
    _notes(adoption, info, found)
    return adoption


def _text_choice(kind: str, content: LayoutDesc | None) -> Choice | None:
    if content is None:
        return None
    body = _largest(content.content)
    return Choice(
        kind, content, {"title": "title", "body": body.idx}, "title and one large text box"
    )


def _section_choice(section: LayoutDesc | None) -> Choice | None:
    if section is None:
        return None
    refs: dict[str, int | str] = {"title": "title"}
    return Choice("section", section, refs, "a section header", "Appendix")


def _notes(adoption: Adoption, info: PptxInfo, found: dict[str, LayoutDesc]) -> None:
    names = [layout.name for layout in info.layouts]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        adoption.confirm.append(
            f"layout names used more than once ({', '.join(repeated)}): the first is used"
        )
    for kind, what in (("section", "section header"), ("content", "title and text")):
        if kind not in found:
            adoption.confirm.append(f"no {what} layout was recognised; see the slides list")
    for choice in adoption.choices:
        adoption.confirm.append(
            f"{choice.kind} slides use layout '{choice.layout.name}' ({choice.why})"
        )


def _inches(emu: int) -> float:
    return round(emu / EMU_PER_INCH, 2)


def _refs(refs: dict[str, int | str]) -> str:
    return "{" + ", ".join(f"{role}: {ref}" for role, ref in refs.items()) + "}"


def manifest_text(name: str, pptx: str, info: PptxInfo, adoption: Adoption) -> str:
    """The manifest, with a ``# CONFIRM:`` comment on every guess."""
    body_font = info.body_font or "Calibri"
    heading = info.heading_font or body_font
    footer = info.footer_top if info.footer_top else info.height - int(0.4 * EMU_PER_INCH)
    title_size = min(60.0, max(12.0, info.title_size or 28.0))
    lines = [
        f"# Made by `briefgen template init` from {pptx}. Lines marked CONFIRM are guesses:",
        "# check each (`briefgen template inspect` lists the layouts), then delete the mark.",
        f"name: {name}",
        f"description: {json.dumps(f'Corporate template from {pptx}')}  # CONFIRM: describe it",
        f"pptx: {json.dumps(pptx)}",
        "brief: brief.md.jinja",
        "",
        "fonts:",
        f"  latin: {json.dumps(body_font)}  # CONFIRM: the theme's body font",
        f"  heading: {json.dumps(heading)}  # CONFIRM: the theme's heading font",
        "  east_asian: Noto Sans CJK SC  # for Chinese, Japanese and Korean text",
        "  lang: en-US",
        "  east_asian_lang: zh-CN",
        "",
        "footnote:",
        "  size: 9",
        f"  bottom: {_inches(footer - int(0.05 * EMU_PER_INCH))}"
        "  # CONFIRM: inches from the top; just above the master's footers",
        "  max_lines: 8",
        "",
        "typography:",
        f"  title: {title_size:g}  # CONFIRM: the master's title size",
        "  body: [18, 16, 14]",
        "  table: [14, 12]",
        "  figure: 28",
        "",
        "slides:",
    ]
    for choice in adoption.choices:
        lines.append(f"  - kind: {choice.kind}")
        lines.append(f"    layout: {json.dumps(choice.layout.name)}  # CONFIRM: {choice.why}")
        if choice.title:
            lines.append(f"    title: {json.dumps(choice.title)}")
        lines.append(f"    placeholders: {_refs(choice.placeholders)}")
    return "\n".join(lines) + "\n"


def _pptx_name(source: Path) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", source.stem).strip("-.") or "template"
    return f"{stem}.pptx"


def adopt(name: str, source: Path, target: Path) -> tuple[dict[Path, bytes], Adoption]:
    """The files of a new template folder ``target`` made from ``source``."""
    if not _NAME.fullmatch(name) or len(name) > 64:
        message = f"'{name}' cannot name a template: use lower-case letters, digits and _"
        raise TemplateError(message, [Problem("template-name", message, field="name")])
    if target.exists():
        message = f"{target} already exists; choose another name or --into folder"
        raise TemplateError(message, [Problem("template-exists", message, str(target))])
    data = presentation_bytes(source)
    info = describe(source)
    adoption = guess(info)
    pptx = _pptx_name(source)
    files = {
        target / "manifest.yaml": manifest_text(name, pptx, info, adoption).encode("utf-8"),
        target / pptx: data,
        target / "brief.md.jinja": BRIEF.read_bytes(),
    }
    return files, adoption
