"""Decks look right when opened: drawn by LibreOffice, every word stays inside its box.

Every built-in template renders the real pack and a deliberately verbose one
(``tests/fixtures/verbose``: long pillars, twelve long risks, thirty highlight rows,
Chinese in titles and prose, long source titles). LibreOffice draws each deck to PDF
once per module, two at a time, and poppler's word boxes (``pdftotext
-bbox-layout``) are compared with the shapes' boxes read from the ``.pptx``: the
PDF's page is the slide, in points (12700 EMU to the point).

A word is matched to the shapes whose text contains it (charts are candidates for
every word: their axis labels are LibreOffice's, not ours) and must lie inside one
of them; a word no shape's text contains (a bullet, a slide number) must lie inside
some text-bearing shape. Type sizes and autofit are read from the ``.pptx`` XML and
need no LibreOffice: body text at 12 pt at least, footnotes and slide numbers 8 pt,
and no text frame that PowerPoint or LibreOffice would shrink to fit.

Decks are rendered with ``render_deck`` rather than ``build``: the verbose pack's
brief is, by design, far over its one-page budget, and the deck is what is tested.
"""

from __future__ import annotations

import multiprocessing
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.util import Pt

from briefgen.load import load_pack
from briefgen.office import PdfPage, Word, convert_to_pdf, pdf_words
from briefgen.render_deck import render_deck
from briefgen.resolve import resolve_pack
from briefgen.templates import BUILTIN_DIR, find_template, list_templates, search_path

from .conftest import REAL_PACK, ROOT, VERBOSE, require_tools

EMU_PER_POINT = 12700
TOLERANCE = 2.0  # points a word's box may stick out of its shape's, plus 5% of its height
BODY_FLOOR = 12.0
SMALL_FLOOR = 8.0  # footnotes and slide numbers
SMALL_TEXT_SHAPES = {"Footnotes"}
SMALL_PLACEHOLDERS = {PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.DATE}
PACKS = {"real": REAL_PACK, "verbose": VERBOSE / "pack"}


def _builtin_templates() -> list[str]:
    """The built-in templates, found as users find them (broken ones fail collection)."""
    search = [(BUILTIN_DIR, "built-in")]
    return [template.name for template in list_templates(search)]


TEMPLATES = _builtin_templates()

# Findings the deck renderer (briefgen/deck/**) still has to fix, keyed by
# (check, pack, template), each with what was seen; strict, so a fix shows up as XPASS.
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {}


def _cases(check: str) -> list[Any]:
    params = []
    for pack in PACKS:
        for template in TEMPLATES:
            reason = KNOWN_FAILURES.get((check, pack, template))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(pack, template, id=f"{pack}-{template}", marks=marks))
    return params


# -- rendering, once per module ---------------------------------------------------------


@dataclass
class Rendered:
    pptx: Path
    prs: Any = None  # pptx.Presentation
    error: str | None = None
    pages: list[PdfPage] | None = None


def render_case(pack: str, template: str, target: str) -> str | None:
    """Render one deck to ``target``; the error that stopped it, as text, or None."""
    try:
        resolved = resolve_pack(load_pack(PACKS[pack]))
        found = find_template(template, search_path(None, ROOT))
        Path(target).write_bytes(render_deck(resolved, found))
    except Exception as exc:  # reported by every test of the case
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="module")
def decks(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Rendered]:
    """Every (pack, template) deck as ``.pptx``, two rendered at a time."""
    folder = tmp_path_factory.mktemp("layout")
    cases = [(pack, template) for pack in PACKS for template in TEMPLATES]
    made = {case: Rendered(folder / f"{case[0]}-{case[1]}.pptx") for case in cases}
    context = multiprocessing.get_context("spawn")  # no fork of a threaded pytest
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        futures = {
            case: pool.submit(render_case, *case, str(made[case].pptx))
            for case in sorted(cases, key=lambda c: c[0] != "verbose")  # the slowest first
        }
        for case, future in futures.items():
            made[case].error = future.result()
    for rendered in made.values():
        if rendered.error is None:
            rendered.prs = Presentation(str(rendered.pptx))
    return made


@pytest.fixture(scope="module")
def drawn(decks: dict[tuple[str, str], Rendered]) -> dict[tuple[str, str], Rendered]:
    """The decks with their PDF pages' words; LibreOffice runs two at a time."""
    require_tools("soffice", "pdftotext")
    ready = [rendered for rendered in decks.values() if rendered.error is None]

    def convert(batch: list[Rendered]) -> None:
        if batch:
            pdfs = convert_to_pdf([r.pptx for r in batch], batch[0].pptx.parent / "pdf")
            for rendered, pdf in zip(batch, pdfs, strict=True):
                rendered.pages = pdf_words(pdf)

    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(convert, ready[0::2]), pool.submit(convert, ready[1::2])]:
            future.result()
    return decks


def _deck(decks: dict[tuple[str, str], Rendered], pack: str, template: str) -> Rendered:
    rendered = decks[pack, template]
    if rendered.error is not None:
        pytest.fail(f"{pack} pack with template '{template}' did not render: {rendered.error}")
    return rendered


def _pages(drawn: dict[tuple[str, str], Rendered], pack: str, template: str) -> list[PdfPage]:
    rendered = _deck(drawn, pack, template)
    assert rendered.pages is not None
    return rendered.pages


# -- shapes' boxes, from the .pptx -----------------------------------------------------


@dataclass(frozen=True)
class TextBox:
    """A text-bearing shape's box in points, and its text squeezed for matching."""

    name: str
    left: float
    top: float
    right: float
    bottom: float
    text: str
    kind: str = "text"  # "text", "table" or "chart"

    def holds(self, word: Word) -> bool:
        # Glyph boxes run past the line (ascent, descent) more at large sizes and tight
        # line spacing: allow a little more than the fixed tolerance for tall words.
        slack = TOLERANCE + 0.05 * (word.y_max - word.y_min)
        return (
            word.x_min >= self.left - slack
            and word.x_max <= self.right + slack
            and word.y_min >= self.top - slack
            and word.y_max <= self.bottom + slack
        )

    def covers_centre_of(self, word: Word) -> bool:
        x, y = (word.x_min + word.x_max) / 2, (word.y_min + word.y_max) / 2
        return self.left < x < self.right and self.top < y < self.bottom

    def overshoot(self, word: Word) -> tuple[float, str]:
        sides = {
            "left": self.left - word.x_min,
            "right": word.x_max - self.right,
            "top": self.top - word.y_min,
            "bottom": word.y_max - self.bottom,
        }
        side = max(sides, key=lambda key: sides[key])
        return sides[side], side

    def describe(self) -> str:
        x = f"x {self.left:.0f}-{self.right:.0f}"
        return f"'{self.name}' [{x}, y {self.top:.0f}-{self.bottom:.0f}]"


def squeeze(text: str) -> str:
    """Text as compared: compatibility forms (superscript digits), no case, no spaces."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def _numeric(key: str) -> bool:
    """Axis labels and data labels: LibreOffice formats them, so they match any chart."""
    return not any(char.isalpha() for char in key)


Transform = tuple[float, float, float, float]  # x offset, x scale, y offset, y scale (EMU)
_IDENTITY: Transform = (0.0, 1.0, 0.0, 1.0)


def _group_transform(group: Any, outer: Transform) -> Transform:
    """Child coordinates of ``group`` to slide EMU."""
    xfrm = group._element.grpSpPr.find(qn("a:xfrm"))
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    ch_off, ch_ext = xfrm.find(qn("a:chOff")), xfrm.find(qn("a:chExt"))
    sx = int(ext.get("cx")) / max(1, int(ch_ext.get("cx")))
    sy = int(ext.get("cy")) / max(1, int(ch_ext.get("cy")))
    ox = int(off.get("x")) - int(ch_off.get("x")) * sx
    oy = int(off.get("y")) - int(ch_off.get("y")) * sy
    x0, xs, y0, ys = outer
    return (x0 + ox * xs, sx * xs, y0 + oy * ys, sy * ys)


def _chart_text(shape: Any) -> str:
    root = shape.chart.part._element
    parts = [v.text or "" for v in root.iter(qn("c:v"))]
    parts += [t.text or "" for t in root.iter(qn("a:t"))]
    return " ".join(parts)


def _shape_text(shape: Any, number: int) -> tuple[str, str] | None:
    """The text a shape draws and what kind of shape it is, or None when it draws none."""
    if shape.is_placeholder and shape.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER:
        return str(number), "text"
    if getattr(shape, "has_chart", False):
        return _chart_text(shape), "chart"
    if getattr(shape, "has_table", False):
        return " ".join(cell.text for row in shape.table.rows for cell in row.cells), "table"
    if shape.has_text_frame and shape.text_frame.text.strip():
        return str(shape.text_frame.text), "text"
    return None


def _boxes(shapes: Any, number: int, transform: Transform = _IDENTITY) -> Iterator[TextBox]:
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _boxes(shape.shapes, number, _group_transform(shape, transform))
            continue
        drawn = _shape_text(shape, number)
        if drawn is None or shape.width is None:
            continue
        x0, xs, y0, ys = transform
        left = (x0 + int(shape.left) * xs) / EMU_PER_POINT
        top = (y0 + int(shape.top) * ys) / EMU_PER_POINT
        right = left + int(shape.width) * xs / EMU_PER_POINT
        bottom = top + int(shape.height) * ys / EMU_PER_POINT
        yield TextBox(shape.name, left, top, right, bottom, squeeze(drawn[0]), drawn[1])


def _inherited_shapes(slide: Any) -> Iterator[Any]:
    """Shapes a slide shows from its layout and master: those that are not placeholders."""
    layout = slide.slide_layout
    sources = [layout.shapes]
    if layout._element.get("showMasterSp", "1") not in ("0", "false"):
        sources.append(layout.slide_master.shapes)
    for shapes in sources:
        for shape in shapes:
            if not shape.is_placeholder:
                yield shape


def slide_boxes(prs: Any) -> list[list[TextBox]]:
    """Per slide, the boxes of every shape that draws text, its layout's and master's too."""
    result = []
    for number, slide in enumerate(prs.slides, start=1):
        boxes = list(_boxes(slide.shapes, number))
        boxes += list(_boxes(_inherited_shapes(slide), number))
        result.append(boxes)
    return result


def owners(page: PdfPage, boxes: list[TextBox]) -> list[list[TextBox]]:
    """For each word of the page, the shapes whose text holds it.

    A whole line of words is matched first (which tells a table's "the" from a
    footnote's); a line no one shape holds falls back to its words one by one. A
    chart whose text holds a word is always among its owners: slanted category
    names come out of the PDF in fragments, which its lines mix with other text.
    """
    lines: dict[int, list[Word]] = {}
    for word in page.words:
        lines.setdefault(word.line, []).append(word)
    line_owners = {}
    for number, words in lines.items():
        key = squeeze(" ".join(w.text for w in words))
        line_owners[number] = _holders(key, boxes)
    result = []
    for word in page.words:
        key = squeeze(word.text)
        found = line_owners[word.line] or _holders(key, boxes)
        charts = [b for b in _holders(key, boxes) if b.kind == "chart" and b not in found]
        result.append(found + charts if key else [])
    return result


def _holders(key: str, boxes: list[TextBox]) -> list[TextBox]:
    return [b for b in boxes if key in b.text or (b.kind == "chart" and _numeric(key))]


@dataclass(frozen=True)
class Misplaced:
    word: Word
    where: TextBox | None  # the owner it is nearest to; None when no shape's text holds it
    table: bool  # the word belongs to a table

    def describe(self, number: int) -> str:
        word = self.word
        at = f"x {word.x_min:.0f}-{word.x_max:.0f}, y {word.y_min:.0f}-{word.y_max:.0f}"
        if self.where is None:
            return f"slide {number}: '{word.text}' at {at} is inside no text-bearing shape"
        amount, side = self.where.overshoot(word)
        return (
            f"slide {number}: '{word.text}' at {at} is {amount:.1f} pt past the {side} edge "
            f"of {self.where.describe()}"
        )


def misplaced_words(page: PdfPage, boxes: list[TextBox]) -> list[Misplaced]:
    """Words outside every shape whose text holds them, or outside every text shape."""
    found = []
    for word, held_by in zip(page.words, owners(page, boxes), strict=True):
        if not squeeze(word.text):
            continue
        if held_by:
            if not any(box.holds(word) for box in held_by):
                nearest = min(held_by, key=lambda box: _distance(box, word))
                table = any(box.kind == "table" for box in held_by)
                found.append(Misplaced(word, nearest, table))
        elif not any(box.holds(word) for box in boxes):
            found.append(Misplaced(word, None, False))
    return found


def collisions(page: PdfPage, boxes: list[TextBox]) -> list[tuple[Word, TextBox, TextBox]]:
    """Words that left their own shape and landed on another shape's text."""
    found = []
    for word, held_by in zip(page.words, owners(page, boxes), strict=True):
        if not held_by or any(box.holds(word) for box in held_by):
            continue
        for other in boxes:
            if other.kind != "chart" and other not in held_by and other.covers_centre_of(word):
                origin = min(held_by, key=lambda box: _distance(box, word))
                found.append((word, origin, other))
    return found


def _distance(box: TextBox, word: Word) -> float:
    dx = max(box.left - word.x_min, word.x_max - box.right, 0.0)
    dy = max(box.top - word.y_min, word.y_max - box.bottom, 0.0)
    return dx + dy


def _report(findings: list[str], limit: int = 30) -> str:
    shown = findings[:limit]
    more = f"\n... and {len(findings) - limit} more" if len(findings) > limit else ""
    return "\n".join(shown) + more


def _summarise(found: list[tuple[int, Misplaced]]) -> list[str]:
    """One line per slide and shape: how many words, the worst, and a few of them."""
    groups: dict[tuple[int, str], list[Misplaced]] = {}
    for number, item in found:
        where = item.where.describe() if item.where else "no text-bearing shape"
        groups.setdefault((number, where), []).append(item)
    lines = []
    for (number, _), items in groups.items():
        worst = max(items, key=lambda i: i.where.overshoot(i.word)[0] if i.where else 0.0)
        sample = " ".join(i.word.text for i in items[:8])
        lines.append(f"{worst.describe(number)} ({len(items)} words: {sample})")
    return lines


# -- the PDF: pages, page box, shapes' boxes -------------------------------------------


@pytest.mark.parametrize(("pack", "template"), _cases("pages"))
def test_one_page_per_slide(
    drawn: dict[tuple[str, str], Rendered], pack: str, template: str
) -> None:
    pages = _pages(drawn, pack, template)
    prs = drawn[pack, template].prs
    assert len(pages) == len(prs.slides)
    width, height = prs.slide_width / EMU_PER_POINT, prs.slide_height / EMU_PER_POINT
    for page in pages:
        assert abs(page.width - width) < 1 and abs(page.height - height) < 1


@pytest.mark.parametrize(("pack", "template"), _cases("matched"))
def test_words_are_read_and_matched_to_their_shapes(
    drawn: dict[tuple[str, str], Rendered], pack: str, template: str
) -> None:
    """Guards the checks below: text on every slide, and nearly every word's shape found."""
    pages = _pages(drawn, pack, template)
    boxes = slide_boxes(drawn[pack, template].prs)
    assert all(page.words for page in pages)
    keys = [
        (squeeze(word.text), bool(held_by))
        for page, slide in zip(pages, boxes, strict=True)
        for word, held_by in zip(page.words, owners(page, slide), strict=True)
    ]
    unmatched = sorted({key for key, held in keys if key and not held})
    assert sum(held for _, held in keys) >= 0.97 * len(keys), unmatched[:40]


@pytest.mark.parametrize(("pack", "template"), _cases("page-box"))
def test_text_stays_on_the_slide(
    drawn: dict[tuple[str, str], Rendered], pack: str, template: str
) -> None:
    findings = [
        f"slide {number}: '{word.text}' at x {word.x_min:.0f}-{word.x_max:.0f}, "
        f"y {word.y_min:.0f}-{word.y_max:.0f} is off the {page.width:.0f}x{page.height:.0f} slide"
        for number, page in enumerate(_pages(drawn, pack, template), start=1)
        for word in page.words
        if word.x_min < -0.5
        or word.y_min < -0.5
        or word.x_max > page.width + 0.5
        or word.y_max > page.height + 0.5
    ]
    assert not findings, _report(findings)


def _misplaced(
    drawn: dict[tuple[str, str], Rendered], pack: str, template: str, table: bool
) -> list[str]:
    pages = _pages(drawn, pack, template)
    boxes = slide_boxes(drawn[pack, template].prs)
    found = [
        (number, item)
        for number, (page, slide) in enumerate(zip(pages, boxes, strict=True), start=1)
        for item in misplaced_words(page, slide)
        if item.table == table
    ]
    return _summarise(found)


@pytest.mark.parametrize(("pack", "template"), _cases("shape-box"))
def test_text_stays_in_its_shape(
    drawn: dict[tuple[str, str], Rendered], pack: str, template: str
) -> None:
    findings = _misplaced(drawn, pack, template, table=False)
    assert not findings, _report(findings)


@pytest.mark.parametrize(("pack", "template"), _cases("table-box"))
def test_table_text_stays_in_its_frame(
    drawn: dict[tuple[str, str], Rendered], pack: str, template: str
) -> None:
    """A table's rows grow to fit their text when drawn; its frame should say how far."""
    findings = _misplaced(drawn, pack, template, table=True)
    assert not findings, _report(findings)


@pytest.mark.parametrize(("pack", "template"), _cases("collision"))
def test_text_never_runs_into_another_shape(
    drawn: dict[tuple[str, str], Rendered], pack: str, template: str
) -> None:
    pages = _pages(drawn, pack, template)
    boxes = slide_boxes(drawn[pack, template].prs)
    findings = [
        f"slide {number}: '{word.text}' of {origin.describe()} lies on {other.describe()}"
        for number, (page, slide) in enumerate(zip(pages, boxes, strict=True), start=1)
        for word, origin, other in collisions(page, slide)
    ]
    assert not findings, _report(findings)


# -- the .pptx: type sizes and autofit --------------------------------------------------


def _level_size(lst_style: Any, level: int) -> float | None:
    if lst_style is None:
        return None
    found = lst_style.find(f"{qn(f'a:lvl{level}pPr')}/{qn('a:defRPr')}")
    if found is not None and found.get("sz"):
        return int(found.get("sz")) / 100
    return None


def _placeholder_chain(shape: Any) -> list[Any]:
    """The shape, then the layout and master placeholders it inherits from."""
    chain = [shape]
    while chain[-1].is_placeholder:
        base = getattr(chain[-1], "_base_placeholder", None)
        if base is None:
            break
        chain.append(base)
    return chain


def _master_style(shape: Any, slide: Any) -> Any:
    styles = slide.slide_layout.slide_master._element.find(qn("p:txStyles"))
    if not shape.is_placeholder:
        return None
    kind = shape.placeholder_format.type
    title = kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
    tag = "p:titleStyle" if title else "p:bodyStyle"
    return styles.find(qn(tag)) if styles is not None else None


def effective_size(run_props: Any, level: int, shape: Any, slide: Any, prs: Any) -> float:
    """A run's size as PowerPoint resolves it: run, shape, layout, master, presentation."""
    if run_props is not None and run_props.get("sz"):
        return int(run_props.get("sz")) / 100
    for link in _placeholder_chain(shape):
        body = link._element.find(qn("p:txBody"))
        if body is not None:
            size = _level_size(body.find(qn("a:lstStyle")), level)
            if size is not None:
                return size
    size = _level_size(_master_style(shape, slide), level)
    if size is None:
        size = _level_size(prs.part._element.find(qn("p:defaultTextStyle")), level)
    return size if size is not None else 18.0


def _text_elements(shape: Any) -> Iterator[Any]:
    """``a:txBody`` elements of a shape: its own, or each table cell's."""
    if getattr(shape, "has_table", False):
        for row in shape.table.rows:
            for cell in row.cells:
                yield cell._tc.find(qn("a:txBody"))
    elif shape.has_text_frame:
        yield shape.text_frame._txBody


def _floor(shape: Any) -> float:
    if shape.name in SMALL_TEXT_SHAPES:
        return SMALL_FLOOR
    if shape.is_placeholder and shape.placeholder_format.type in SMALL_PLACEHOLDERS:
        return SMALL_FLOOR
    return BODY_FLOOR


def _all_shapes(shapes: Any) -> Iterator[Any]:
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _all_shapes(shape.shapes)
        else:
            yield shape


def small_text(prs: Any) -> list[str]:
    """Runs set below their floor, and charts whose text is, as located findings."""
    findings = []
    for number, slide in enumerate(prs.slides, start=1):
        for shape in _all_shapes(slide.shapes):
            floor = _floor(shape)
            if getattr(shape, "has_chart", False):
                findings += _small_chart_text(shape, number)
            for body in _text_elements(shape):
                if body is None:
                    continue
                for paragraph in body.iterfind(qn("a:p")):
                    ppr = paragraph.find(qn("a:pPr"))
                    level = int(ppr.get("lvl", "0")) + 1 if ppr is not None else 1
                    for run in (*paragraph.iterfind(qn("a:r")), *paragraph.iterfind(qn("a:fld"))):
                        text = "".join(t.text or "" for t in run.iterfind(qn("a:t")))
                        if not text.strip():
                            continue
                        size = effective_size(run.find(qn("a:rPr")), level, shape, slide, prs)
                        if size < floor:
                            findings.append(
                                f"slide {number} '{shape.name}': '{text[:60]}' at {size:g} pt "
                                f"(floor {floor:g})"
                            )
    return findings


def _small_chart_text(shape: Any, number: int) -> list[str]:
    root = shape.chart.part._element
    sizes = [
        int(props.get("sz")) / 100
        for tag in ("a:defRPr", "a:rPr")
        for props in root.iter(qn(tag))
        if props.get("sz")
    ]
    if not sizes:
        return [f"slide {number} '{shape.name}': chart text at the 10 pt default"]
    return [
        f"slide {number} '{shape.name}': chart text at {size:g} pt (floor {BODY_FLOOR:g})"
        for size in sorted(set(sizes))
        if size < BODY_FLOOR
    ]


def _autofit(shape: Any) -> Any:
    """The autofit element in force for a shape's text: its own, else inherited."""
    for link in _placeholder_chain(shape):
        body = link._element.find(qn("p:txBody"))
        body_pr = body.find(qn("a:bodyPr")) if body is not None else None
        if body_pr is None:
            continue
        for tag in ("a:noAutofit", "a:normAutofit", "a:spAutoFit"):
            found = body_pr.find(qn(tag))
            if found is not None:
                return found
    return None


def shrunk_text(prs: Any) -> list[str]:
    """Text frames that PowerPoint or LibreOffice would shrink until they fit.

    ``spAutoFit`` (the shape grows to its text) is allowed: a shape that grows past
    its box is caught by the word-box test.
    """
    findings = []
    for number, slide in enumerate(prs.slides, start=1):
        for shape in _all_shapes(slide.shapes):
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            fit = _autofit(shape)
            if fit is not None and fit.tag == qn("a:normAutofit"):
                scale = fit.get("fontScale")
                how = f" with fontScale {int(scale) / 1000:g}%" if scale else ""
                findings.append(f"slide {number} '{shape.name}': shrinks text to fit{how}")
    return findings


@pytest.mark.parametrize(("pack", "template"), _cases("font-size"))
def test_type_is_never_below_its_floor(
    decks: dict[tuple[str, str], Rendered], pack: str, template: str
) -> None:
    findings = small_text(_deck(decks, pack, template).prs)
    assert not findings, _report(findings)


@pytest.mark.parametrize(("pack", "template"), _cases("autofit"))
def test_no_text_is_shrunk_to_fit(
    decks: dict[tuple[str, str], Rendered], pack: str, template: str
) -> None:
    findings = shrunk_text(_deck(decks, pack, template).prs)
    assert not findings, _report(findings)


# -- the checks themselves --------------------------------------------------------------


def test_a_word_outside_its_shape_is_found() -> None:
    body = TextBox("Body", 40, 100, 500, 300, squeeze("Revenue grew strongly in the year"))
    note = TextBox("Footnotes", 40, 480, 900, 520, squeeze("1 China Daily, in the year"))
    page = PdfPage(
        960,
        540,
        (
            Word("Revenue", 42, 110, 90, 130, line=0),  # in its box
            Word("grew", 95, 110, 130, 130, line=0),
            Word("strongly", 42, 490, 90, 510, line=1),  # spilled into the footnote band
            Word("in", 95, 490, 105, 510, line=1),  # held by both shapes' text: the line decides
            Word("the", 110, 490, 130, 510, line=1),
            Word("•", 30, 110, 36, 130, line=2),  # a bullet 4 pt left of the body: too far
            Word("China", 50, 490, 80, 510, line=3),
        ),
    )
    found = {item.word.text: item for item in misplaced_words(page, [body, note])}
    assert set(found) == {"strongly", "in", "the", "•"}
    assert found["in"].where == body
    assert "past the bottom edge of 'Body'" in found["strongly"].describe(3)
    assert found["•"].where is None
    crashed = {(word.text, other.name) for word, _, other in collisions(page, [body, note])}
    assert crashed == {("strongly", "Footnotes"), ("in", "Footnotes"), ("the", "Footnotes")}


def test_shrink_to_fit_and_small_type_are_found(decks: dict[tuple[str, str], Rendered]) -> None:
    prs = Presentation(str(_deck(decks, "real", "default").pptx))  # a copy to spoil
    assert not small_text(prs) and not shrunk_text(prs)
    shape = next(s for s in prs.slides[2].shapes if s.has_text_frame and s.text_frame.text)
    body_pr = shape.text_frame._txBody.find(qn("a:bodyPr"))
    for old in list(body_pr):
        body_pr.remove(old)
    fit = body_pr.makeelement(qn("a:normAutofit"), {"fontScale": "62500"})
    body_pr.append(fit)
    shape.text_frame.paragraphs[0].runs[0].font.size = Pt(10)
    assert shrunk_text(prs) == [f"slide 3 '{shape.name}': shrinks text to fit with fontScale 62.5%"]
    assert [f for f in small_text(prs) if f.startswith(f"slide 3 '{shape.name}'")]


def test_sizes_inherit_from_layout_and_master(decks: dict[tuple[str, str], Rendered]) -> None:
    prs = _deck(decks, "real", "default").prs
    slide = prs.slides[1]
    number = next(
        shape
        for shape in slide.placeholders
        if shape.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER
    )
    field = number.text_frame.paragraphs[0]._p.find(qn("a:fld"))
    assert field.find(qn("a:rPr")).get("sz") is None  # so it is inherited
    assert effective_size(field.find(qn("a:rPr")), 1, number, slide, prs) == 10
