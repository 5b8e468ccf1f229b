"""Article text from an HTML page: what :func:`briefgen.sources.read_source` reads.

Kept apart so that a run whose sources are all plain text never imports the HTML
parser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
        "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tbody", "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title", "svg"})
_NAV_TAGS = frozenset({"nav", "aside"})
_FRAME_TAGS = frozenset({"header", "footer"})
_CELL_TAGS = frozenset({"td", "th"})
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")

_Parts = list[str | None]  # None marks a block boundary


class _ArticleExtractor(HTMLParser):
    """Collects text three ways at once: inside <article>, inside <main>, and in <body>.

    Depth counters rather than a tag stack, because real pages leave tags unclosed and a
    counter for the few container tags we care about survives that.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = dict.fromkeys(("article", "main", "skip", "nav", "frame", "pre"), 0)
        self.article: _Parts = []
        self.main: _Parts = []
        self.body: _Parts = []

    def _counter(self, tag: str) -> str | None:
        if tag in ("article", "main", "pre"):
            return tag
        if tag in _SKIP_TAGS:
            return "skip"
        if tag in _NAV_TAGS:
            return "nav"
        if tag in _FRAME_TAGS:
            return "frame"
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._boundary(tag)
        counter = self._counter(tag)
        if counter is not None:
            self.depth[counter] += 1
        if tag in _CELL_TAGS:
            self._emit(" ")

    def handle_endtag(self, tag: str) -> None:
        counter = self._counter(tag)
        if counter is not None and self.depth[counter] > 0:
            self.depth[counter] -= 1
        self._boundary(tag)

    def handle_data(self, data: str) -> None:
        if self.depth["pre"] > 0:
            for index, line in enumerate(data.split("\n")):
                if index:
                    self._emit(None)
                self._emit(line)
        else:
            self._emit(data)

    def _boundary(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._emit(None)

    def _emit(self, part: str | None) -> None:
        depth = self.depth
        if depth["skip"] or depth["nav"]:
            return
        if depth["article"]:
            self.article.append(part)
        if depth["main"]:
            self.main.append(part)
        if not depth["frame"]:
            self.body.append(part)


def _render_lines(parts: _Parts) -> str:
    lines: list[str] = []
    current: list[str] = []
    for part in [*parts, None]:
        if part is not None:
            current.append(part)
            continue
        line = _HTML_SPACE.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current = []
    return "\n".join(lines)


def article_text(html: str) -> str:
    """The page's text, one block per line: its <article>, else its <main>, else its <body>."""
    extractor = _ArticleExtractor()
    extractor.feed(html)
    extractor.close()
    for parts in (extractor.article, extractor.main, extractor.body):
        text = _render_lines(parts)
        if text:
            return text
    return ""
