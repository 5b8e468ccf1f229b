"""Render the one-page Markdown brief through the template's Jinja file.

The template runs in Jinja's sandbox with ``StrictUndefined``: it sees plain
strings and lists, and two callables, ``md(text)`` for resolved prose (each
figure followed by its source footnote) and ``footnotes()`` for the notes used
so far. The rendered brief must fit one printed page; :func:`fit_budget`
measures it and says what to cut.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import CodeType
from typing import Any

from briefgen import display
from briefgen.errors import Problem, RenderError, TemplateError
from briefgen.resolve import FigureView, Resolved, Text
from briefgen.safety import render_bounded

# One printed page at ordinary defaults: pandoc's Word output printed by LibreOffice on
# Letter, the shorter of Letter and A4 (12 pt body, 1 in margins), takes about 70
# characters a line. The line budget is calibrated on that render, where the estimate
# below runs a few lines high; the render test in the suite is the proof.
LINE_CHARS = 70
PAGE_LINES = 52
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
# Brief template files whose compiled code one process keeps (see _compiled_briefs).
COMPILED_LIMIT = 32


@dataclass(frozen=True)
class Footnote:
    label: str
    text: str


class _Notes:
    """Source notes in order of first use, one per source, marked ¹ ² ³.

    Markdown footnotes (``[^x]``) would be the obvious form, but common renderers
    repeat a note once per reference, and a brief cites the same few sources many
    times; numbered marks with one list of sources keep it to one page.
    """

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self.used: dict[str, Footnote] = {}
        self.numbers: dict[str, int] = {}

    def cite(self, view: FigureView) -> str:
        """The marks of the figure's sources, written as the deck writes them."""
        return display.marks(self._number(source) for source in view.sources)

    def _number(self, source_id: str) -> int:
        if source_id not in self.used:
            source = self.resolved.sources[source_id]
            parts = [escape(source.publisher or source.author or ""), f"*{escape(source.title)}*"]
            if source.published:
                parts.append(display.day(source.published))
            text = ", ".join(p for p in parts if p)
            self.numbers[source_id] = len(self.used) + 1
            self.used[source_id] = Footnote(display.superscript(self.numbers[source_id]), text)
        return self.numbers[source_id]

    def all(self) -> list[Footnote]:
        return list(self.used.values())


def escape(text: str) -> str:
    """Escape the characters Markdown would take for markup."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _markdown(text: Text, resolved: Resolved, notes: _Notes) -> str:
    out = []
    for segment in text.segments:
        if segment.figure is None:
            out.append(escape(segment.text))
        else:
            view = resolved.figures[segment.figure]
            out.append(f"**{escape(view.display)}**{notes.cite(view)}")
    return "".join(out)


def _figure_row(view: FigureView, notes: _Notes) -> dict[str, str]:
    return {
        "label": escape(view.figure.label),
        "value": f"**{escape(view.display)}**{notes.cite(view)}",
        "period": escape(view.period),
        "calendar": escape(view.calendar),
    }


def brief_context(resolved: Resolved) -> tuple[dict[str, Any], _Notes]:
    """What a brief template may use; everything is already escaped Markdown."""
    notes = _Notes(resolved)
    meta = resolved.meta

    def md(text: Text) -> str:
        return _markdown(text, resolved, notes)

    context: dict[str, Any] = {
        "company": escape(meta.company),
        "company_local": escape(meta.company_local or ""),
        "ticker": escape(meta.ticker or ""),
        "title": escape(meta.title),
        "subtitle": escape(meta.subtitle or ""),
        "audience": escape(meta.audience or ""),
        "as_of": display.day(meta.as_of),
        "headline": resolved.headline,
        "summary": list(resolved.summary),
        "key_figures": [resolved.figures[i] for i in meta.key_figures],
        "pillars": [
            {"title": escape(p.pillar.title), "summary": p.summary, "evidence": list(p.evidence)}
            for p in resolved.pillars
        ],
        "risks": [
            {
                "title": escape(r.risk.title),
                "detail": r.detail,
                "severity": r.risk.severity.value,
                "likelihood": r.risk.likelihood.value,
            }
            for r in resolved.risks
        ],
        "md": md,
        "figure": lambda view: _figure_row(view, notes),
        "footnotes": notes.all,
    }
    return context, notes


def _environment(root: Path) -> Any:
    from briefgen.safety import brief_environment

    env = brief_environment(root)  # Jinja's sandbox, confined to root, with limits
    env.bytecode_cache = _compiled_briefs()
    return env


@functools.cache
def _compiled_briefs() -> Any:
    """The process's compiled brief templates, through Jinja's bytecode cache interface.

    A warm process (``briefgen watch``) renders the brief on every rebuild, and
    compiling the template is most of that work. Jinja reads a template file's text on
    every render and takes compiled code from here only when that text's checksum is
    the one the code was compiled from, so an edit is always seen, whatever its size or
    modification time; an included file is kept and checked the same way. The sandbox
    itself is made afresh for each render (that costs little), so no render's state,
    such as its range() budget, reaches the next. At most COMPILED_LIMIT files are
    kept, the least recently used dropped first.
    """
    from jinja2.bccache import Bucket, BytecodeCache

    class CompiledBriefs(BytecodeCache):
        def __init__(self) -> None:
            self.codes: OrderedDict[str, tuple[str, CodeType]] = OrderedDict()
            self.lock = threading.Lock()

        def load_bytecode(self, bucket: Bucket) -> None:
            with self.lock:
                kept = self.codes.get(bucket.key)
                if kept is not None and kept[0] == bucket.checksum:
                    self.codes.move_to_end(bucket.key)
                    bucket.code = kept[1]

        def dump_bytecode(self, bucket: Bucket) -> None:
            if bucket.code is None:
                return
            with self.lock:
                self.codes[bucket.key] = (bucket.checksum, bucket.code)
                self.codes.move_to_end(bucket.key)
                while len(self.codes) > COMPILED_LIMIT:
                    self.codes.popitem(last=False)

        def clear(self) -> None:
            with self.lock:
                self.codes.clear()

    return CompiledBriefs()


def render_brief(resolved: Resolved, template_dir: Path, template_name: str) -> str:
    """Render the brief; template errors are reported with the template's file and line."""
    import jinja2

    env = _environment(template_dir)
    path = template_dir / template_name
    context, _ = brief_context(resolved)
    try:
        text = render_bounded(env.get_template(template_name), context)
    except jinja2.TemplateSyntaxError as exc:
        where = Path(exc.filename) if exc.filename else path  # an included file's own
        raise _template_error(
            where, exc.lineno, "brief-syntax", f"template syntax: {exc.message}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise _template_error(
            path, _render_line(exc), "brief-undefined", str(exc.message)
        ) from None
    except jinja2.exceptions.SecurityError as exc:
        raise _template_error(path, _render_line(exc), "brief-unsafe", f"refused: {exc}") from None
    except jinja2.TemplateNotFound as exc:
        if exc.name != template_name:
            message = f"includes '{exc.name}', which is not a file inside the template's folder"
            raise _template_error(path, _render_line(exc), "brief-include", message) from None
        raise _template_error(path, None, "brief-missing", "brief template not found") from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, RecursionError) as exc:
        raise _failed(path, exc) from None
    except (AttributeError, TypeError, ValueError) as exc:  # md(1), "x" ~ none, int("x")
        raise _failed(path, exc) from None
    return _tidy(text)


def _failed(path: Path, exc: Exception) -> TemplateError:
    """An error the template's own code ran into (``{{ 1/0 }}``, a macro calling itself)."""
    detail = (str(exc).splitlines() or [""])[0][:200]
    message = f"the template failed: {type(exc).__name__}{': ' if detail else ''}{detail}"
    return _template_error(path, _render_line(exc), "brief-render", message)


def _render_line(exc: BaseException) -> int | None:
    """The template line being rendered when ``exc`` was raised."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".jinja"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _template_error(path: Path, line: int | None, code: str, message: str) -> TemplateError:
    return TemplateError(message, [Problem(code, message, str(path), line)])


def _tidy(text: str) -> str:
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


Measure = Callable[[str], int]


def page_lines(markdown: str) -> int:
    """Estimated printed lines: wrapped text, with headings and paragraph gaps."""
    lines = 0
    blank_run = False
    for raw in markdown.splitlines():
        if not raw.strip():
            if not blank_run:
                lines += 1  # paragraph spacing, roughly half a line each side
            blank_run = True
            continue
        blank_run = False
        visible = re.sub(r"\[\^[^\]]+\]|\*\*|\\|`", "", raw)
        if visible.startswith("#"):
            lines += 2
        elif re.match(r"^\|[-:| ]+\|$", raw):
            continue
        else:
            lines += max(1, math.ceil(len(visible) / LINE_CHARS))
    return lines


def fit_budget(markdown: str, limit: int = PAGE_LINES) -> list[str]:
    """Advice when the brief runs past one page: the biggest sections to cut. Empty when it fits."""
    used = page_lines(markdown)
    if used <= limit:
        return []
    sections = re.split(r"\n(?=## )", markdown)
    sizes = sorted(
        ((page_lines(s), s.splitlines()[0].lstrip("# ")) for s in sections), reverse=True
    )
    advice = [f"the brief needs about {used} lines but one page holds {limit}; cut {used - limit}"]
    advice += [f"section '{name}' takes {size} lines" for size, name in sizes[:3]]
    return advice


def check_budget(markdown: str, file: str) -> None:
    advice = fit_budget(markdown)
    if advice:
        raise RenderError(
            "the brief does not fit one page",
            [Problem("brief-over-budget", line, file) for line in advice],
        )
