"""Find a number or phrase in the source texts, and draft the figure that cites it.

The search is as tolerant as quote matching (:func:`briefgen.quotes.normalise`:
case, spaces, quote marks, dashes, line and page breaks), and a query that is a
number also finds that number however the source writes it: ``280.15bn`` finds
"280.15 billion yuan", ``1.3 billion`` finds "1,300 million", and a bare ``280.15``
finds it at any scale. For each match a figure entry is drafted with a quote cut to
the few words around the number, and the quote is checked the way ``briefgen check``
will check it (found in the source; states the value, kind, scale and currency)
before it is offered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from briefgen.errors import BriefgenError, Problem, SourceError
from briefgen.models import Bound, Currency, Kind, Scale
from briefgen.quantities import Quantity, find_quantities
from briefgen.quotes import (
    IndexedSource,
    _compact,
    _edges_hold,
    _occurrences,
    _start_holds,
    find_quote,
    index_source,
    normalise,
    value_in_quote,
)
from briefgen.sources import HTML_SUFFIXES, PDF_SUFFIXES, TEXT_SUFFIXES, SourceText, read_source

SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
_CONTEXT = 70  # characters of context either side of a match
_SENTENCE_END = re.compile(r"(?<![A-Z][a-z])(?<!\b[A-Z])[.!?;][\"'”’)]?(?=\s|$)|\n\s*\n")
_YEAR = re.compile(r"(?<![\w.,])((?:19|20)\d\d)(?![\w.,]\d)")
_STOP = frozenset(
    (
    "a", "about", "achieved", "against", "almost", "alone", "already", "also", "amounted", "an",
    "and", "announced", "another", "approximately", "are", "around", "as", "at", "be", "been",
    "being", "beside", "billion", "bn", "but", "by", "came", "cent", "climbed", "cny",
    "compared", "could", "decline", "declined", "delivered", "dollar", "dollars", "down",
    "drop", "dropped", "earlier", "ended", "enjoyed", "euro", "euros", "expected", "expects",
    "fall", "fell", "for", "from", "gained", "generated", "grew", "grow", "growing", "grows",
    "had", "has", "have", "he", "her", "his", "hit", "hkd", "in", "increase", "increased",
    "into", "invest", "invested", "invests", "is", "it", "its", "jumped", "just", "least",
    "less", "made", "may", "might", "million", "mln", "mn", "more", "most", "nearly", "of",
    "on", "only", "or", "our", "over", "per", "percent", "planned", "plans", "posted",
    "quarter", "quarters", "reach", "reached", "reaches", "recorded", "report", "reported",
    "reports", "rise", "rises", "rmb", "rose", "roughly", "said", "saw", "says", "served",
    "serving", "she", "should", "some", "still", "stood", "than", "that", "the", "their",
    "these", "they", "this", "those", "thousand", "tn", "to", "total", "totaling", "totalling",
    "trillion", "under", "up", "usd", "versus", "vs", "was", "we", "were", "which", "who",
    "will", "with", "worth", "would", "year", "years", "yuan"
    )
)  # fmt: skip
# Capitalised words are mostly names, except these, which begin many a sentence.
_MEASURES = frozenset(
    (
    "capex", "customers", "earnings", "ebita", "ebitda", "employees", "growth", "income",
    "investment", "margin", "orders", "profit", "profits", "revenue", "revenues", "sales",
    "spending", "users"
    )
)  # fmt: skip
_MODIFIERS = frozenset(
    (
    "adjusted", "annual", "cloud", "core", "free", "gross", "international", "net", "operating",
    "quarterly", "segment"
    )
)  # fmt: skip
_BOUND_WORDS: tuple[tuple[str, Bound], ...] = (
    ("more than", Bound.OVER),
    ("over", Bound.OVER),
    ("above", Bound.OVER),
    ("exceeding", Bound.OVER),
    ("at least", Bound.AT_LEAST),
    ("less than", Bound.UNDER),
    ("under", Bound.UNDER),
    ("below", Bound.UNDER),
    ("up to", Bound.UP_TO),
    ("about", Bound.ABOUT),
    ("around", Bound.ABOUT),
    ("roughly", Bound.ABOUT),
    ("approximately", Bound.ABOUT),
    ("nearly", Bound.ABOUT),
    ("almost", Bound.ABOUT),
)
_CHANGE_WORDS = re.compile(
    r"\b(?:grew|grow(?:s|ing|th)?|rose|rise|increase[ds]?|up|fell|fall|declined?|drop(?:ped)?"
    r"|year-on-year|year-over-year|y/y|yoy)\b",
    re.IGNORECASE,
)
_EDGE_PUNCTUATION = "\"'“”‘’()[],;:—–-"
# Cuts of the text around a number to try, as (words before, words after), preferred first.
_CUTS = ((3, 0), (3, 1), (2, 0), (4, 0), (2, 1), (4, 1), (5, 1), (1, 1), (6, 2), (0, 1), (8, 2))
_BARE_CUTS = ((2, 2), (1, 2), (3, 2), (2, 1), (3, 1), (2, 3), (4, 2), (0, 2), (6, 3), (8, 3))


@dataclass(frozen=True)
class Draft:
    """A figure entry drafted from a match; ``quote`` has been verified against its source."""

    id: str
    label: str
    metric: str
    value: Decimal
    kind: Kind
    scale: Scale
    currency: Currency | None
    bound: Bound
    basis: str | None
    period: tuple[str, str] | None  # (start, end) guessed from a year in the sentence
    source: str
    quote: str


@dataclass(frozen=True)
class Hit:
    """One place a query was found."""

    file: str  # the path inside the sources folder, as sources.yaml names it
    source_id: str | None  # the pack's id for the file, when a pack was given
    start: int
    end: int
    locator: str
    line: int
    page: int | None
    text: str
    context: str
    how: str  # "text" (the words) or "number" (the same number, written another way)
    draft: Draft | None = None
    cited_by: tuple[str, ...] = ()


@dataclass
class Search:
    """What a search found, and the sources it could not read."""

    query: str
    number: Quantity | None
    hits: list[Hit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _PackSources:
    ids: dict[str, str]  # file (posix, inside the sources folder) -> source id
    quotes: dict[str, list[tuple[str, str]]]  # file -> (figure id, quote)


def query_number(query: str) -> Quantity | None:
    """The number a query asks for, when the query is a number and nothing more."""
    found = [q for q in find_quantities(query) if not q.in_name and not q.ordinal]
    if len(found) != 1:
        return None
    number = found[0]
    rest = query[: number.start] + query[number.end :]
    return None if re.search(r"[^\W\d_]", rest) else number


def search_sources(
    query: str, sources_dir: Path, *, pack_dir: Path | None = None, limit: int = 20
) -> Search:
    """Every place ``query`` occurs in the sources under ``sources_dir``, with drafts.

    A text match may not cut a number in the source ("280.15" is not found in
    "2280.15"), as with quotes; only when nothing at all is found that way are matches
    that end inside a number's unit ("revenue of 280.15" in "revenue of 280.15 billion")
    shown.
    """
    if not sources_dir.is_dir():
        message = f"{sources_dir}: no such sources folder"
        raise BriefgenError(message, [Problem("usage", message, str(sources_dir))])
    if not _compact(normalise(query)[0]):
        message = "the query is empty"
        raise BriefgenError(message, [Problem("usage", message)])
    pack = _pack_sources(pack_dir) if pack_dir is not None else None
    search = Search(query, query_number(query))
    sources: list[tuple[str, IndexedSource]] = []
    for path in _source_files(sources_dir):
        try:
            sources.append(
                (path.relative_to(sources_dir).as_posix(), index_source(read_source(path)))
            )
        except SourceError as exc:
            search.problems.append(
                Problem("source-unreadable", str(exc), str(path), severity="warning")
            )
    for strict in (True, False):
        for rel, indexed in sources:
            source_id = pack.ids.get(rel) if pack else None
            for start, end, how in _matches(query, search.number, indexed, strict):
                hit = _hit(indexed, rel, source_id, start, end, how, search.number)
                if pack is not None:
                    hit = _with_citers(hit, indexed, pack.quotes.get(rel, []))
                search.hits.append(hit)
                if len(search.hits) >= limit:
                    return search
        if search.hits:
            break
    return search


def _source_files(sources_dir: Path) -> list[Path]:
    return sorted(p for p in sources_dir.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)


def _pack_sources(pack_dir: Path) -> _PackSources:
    from briefgen.load import load_pack

    pack = load_pack(pack_dir).pack
    ids = {Path(s.file).as_posix(): s.id for s in pack.sources}
    files = {s.id: Path(s.file).as_posix() for s in pack.sources}
    quotes: dict[str, list[tuple[str, str]]] = {}
    for figure in pack.figures:
        for citation in figure.citations:
            if citation.source in files:
                quotes.setdefault(files[citation.source], []).append((figure.id, citation.quote))
    return _PackSources(ids, quotes)


def _matches(
    query: str, number: Quantity | None, indexed: IndexedSource, strict: bool
) -> list[tuple[int, int, str]]:
    """Spans in the source's text where the query occurs, in order, without overlaps."""
    spans: list[tuple[int, int, str]] = list(_text_matches(query, indexed, strict))
    if number is not None and strict:
        for quantity in _quantities(indexed.source):
            if _same_number(number, quantity):
                spans.append((quantity.start, quantity.end, "number"))
    spans.sort(key=lambda s: (s[0], s[2] != "text"))
    kept: list[tuple[int, int, str]] = []
    for span in spans:
        if kept and span[0] < kept[-1][1]:
            continue
        kept.append(span)
    return kept


def _text_matches(
    query: str, indexed: IndexedSource, strict: bool
) -> Iterator[tuple[int, int, str]]:
    needle = _compact(normalise(query)[0])
    for start, end in _occurrences(needle, indexed):
        holds = _edges_hold(needle, indexed.normal, start, end)
        if holds if strict else _start_holds(needle, indexed.normal, start):
            first = indexed.normal_to_source[start]
            last = indexed.normal_to_source[end - 1] + 1
            yield first, last, "text"


@lru_cache(maxsize=64)
def _quantities(source: SourceText) -> list[Quantity]:
    """Every quantity in a source, found once per source (a search visits each often)."""
    return find_quantities(source.text)


def _same_number(want: Quantity, got: Quantity) -> bool:
    if got.in_name or got.ordinal or (got.is_year and not want.is_year):
        return False
    if want.kind_hint != "number" and got.kind_hint != want.kind_hint:
        return False
    if want.currency is not None and got.currency not in (None, want.currency):
        return False
    bare = want.scale is Scale.UNIT and want.kind_hint == "number" and want.currency is None
    if bare and abs(got.value) == abs(want.value):
        return True  # a bare number, at any scale: "280.15" finds "280.15 billion"
    return abs(got.magnitude) == abs(want.magnitude)


def _hit(
    indexed: IndexedSource,
    rel: str,
    source_id: str | None,
    start: int,
    end: int,
    how: str,
    number: Quantity | None,
) -> Hit:
    source = indexed.source
    quantity = _quantity_at(source, start, end, number)
    draft = None
    if quantity is not None:
        draft = draft_figure(indexed, quantity, source_id or _source_id_for(rel))
    return Hit(
        file=rel,
        source_id=source_id,
        start=start,
        end=end,
        locator=source.locate(start),
        line=source.line_of(start),
        page=source.page_of(start),
        text=" ".join(source.text[start:end].split()),
        context=_context(source.text, start, end),
        how=how,
        draft=draft,
    )


def _with_citers(hit: Hit, indexed: IndexedSource, quotes: list[tuple[str, str]]) -> Hit:
    citers = []
    for figure_id, quote in quotes:
        found = find_quote(quote, indexed)
        if found is not None and found.start < hit.end and hit.start < found.end:
            citers.append(figure_id)
    if not citers:
        return hit
    from dataclasses import replace

    return replace(hit, cited_by=tuple(dict.fromkeys(citers)))


def _quantity_at(
    source: SourceText, start: int, end: int, number: Quantity | None
) -> Quantity | None:
    """The quantity a match is about: the searched number if it is there, else the first."""
    inside = [
        q
        for q in _quantities(source)
        if q.start < end and start < q.end and not q.in_name and not q.ordinal
    ]
    if number is not None:
        for quantity in inside:
            if _same_number(number, quantity):
                return quantity
    measures = [q for q in inside if not q.is_year]
    return measures[0] if measures else None


def _context(text: str, start: int, end: int) -> str:
    """The match in its surroundings, on one line, the match marked «like this»."""
    first = max(0, start - _CONTEXT)
    last = min(len(text), end + _CONTEXT)
    before = _squash(text[first:start]).lstrip()
    after = _squash(text[end:last]).rstrip()
    return "".join(
        [
            "…" if first > 0 else "",
            before,
            "«",
            _squash(text[start:end]).strip(),
            "»",
            after,
            "…" if last < len(text) else "",
        ]
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- Drafting a figure -------------------------------------------------------------------


def _source_id_for(file: str) -> str:
    stem = Path(file).stem.lower()
    ident = re.sub(r"[^a-z0-9]+", "_", stem).strip("_")
    if not ident or not ident[0].isalpha():
        ident = f"source_{ident}".rstrip("_")
    return ident[:64]


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence around ``text[start:end]``."""
    left = 0
    for match in _SENTENCE_END.finditer(text, max(0, start - 400), start):
        left = match.end()
    right_match = _SENTENCE_END.search(text, end, end + 400)
    right = right_match.start() if right_match else min(len(text), end + 400)
    return left, right


def draft_figure(indexed: IndexedSource, quantity: Quantity, source_id: str) -> Draft | None:
    """A figure citing ``quantity``, with a verified quote; None when no cut verifies."""
    text = indexed.source.text
    left, right = _sentence(text, quantity.start, quantity.end)
    before = [m.start() for m in re.finditer(r"\S+", text[left : quantity.start])]
    after = [m.end() for m in re.finditer(r"\S+", text[quantity.end : right])]
    kind = _kind(quantity)
    bare = quantity.raw[-1:].isdigit()  # no unit after it: the words after say what it counts
    for n_before, n_after in _BARE_CUTS if bare else _CUTS:
        if n_before > len(before) or n_after > len(after):
            continue
        first = left + before[len(before) - n_before] if n_before else quantity.start
        last = quantity.end + after[n_after - 1] if n_after else quantity.end
        quote = _trim(text[first:last])
        value = _verified_value(indexed, quote, quantity, kind)
        if value is not None:
            return _draft(text, quantity, left, right, source_id, quote, value, kind)
    return None


def _trim(text: str) -> str:
    """One line, without punctuation hanging at either end."""
    quote = " ".join(text.split())
    while quote and (quote[-1] in _EDGE_PUNCTUATION or quote[-1] == "."):
        quote = quote[:-1].rstrip()
    while quote and quote[0] in _EDGE_PUNCTUATION:
        quote = quote[1:].lstrip()
    return quote


def _verified_value(
    indexed: IndexedSource, quote: str, quantity: Quantity, kind: Kind
) -> Decimal | None:
    if not 3 <= len(quote) <= 300 or find_quote(quote, indexed) is None:
        return None
    for value in (quantity.value, -quantity.value):
        if value_in_quote(quote, value, kind, quantity.scale, quantity.currency).ok:
            return value
    return None


def _kind(quantity: Quantity) -> Kind:
    if quantity.kind_hint == "percent":
        return Kind.PERCENT
    if quantity.kind_hint == "pp":
        return Kind.PERCENTAGE_POINTS
    if quantity.kind_hint == "multiple":
        return Kind.MULTIPLE
    if quantity.currency is not None:
        return Kind.AMOUNT
    return Kind.COUNT if quantity.decimals == 0 else Kind.RATIO


def _draft(
    text: str,
    quantity: Quantity,
    left: int,
    right: int,
    source_id: str,
    quote: str,
    value: Decimal,
    kind: Kind,
) -> Draft:
    sentence = text[left:right]
    before = text[left : quantity.start]
    metric = _metric(before, text[quantity.end : right], quantity.raw[-1:].isdigit())
    years = sorted(set(_YEAR.findall(sentence)) - {quantity.raw})
    if len(years) != 1:
        years = []
    period = (f"{years[0]}-01-01", f"{years[0]}-12-31") if years else None
    growth = kind in (Kind.PERCENT, Kind.PERCENTAGE_POINTS) and bool(_CHANGE_WORDS.search(sentence))
    ident = "_".join(p for p in (metric, "growth" if growth else "", *years[:1]) if p)
    return Draft(
        id=ident[:64],
        label=metric.replace("_", " ").capitalize(),
        metric=metric,
        value=value,
        kind=kind,
        scale=quantity.scale,
        currency=quantity.currency if kind is Kind.AMOUNT else None,
        bound=_bound(before),
        basis="yoy" if growth else None,
        period=period,
        source=source_id,
        quote=quote,
    )


def _words(text: str) -> list[str]:
    """Lower-case words, without names: a capitalised word counts only if it is a measure."""
    words = re.findall(r"[^\W\d_][\w'-]*", text)
    known = _MEASURES | _MODIFIERS
    return [w.lower() for w in words if not w[0].isupper() or w.lower() in known]


def _metric(before: str, after: str, bare: bool) -> str:
    """An identifier for what is measured: the content words nearest the number.

    A bare number (a count) is usually followed by what it counts ("1,250 business
    customers"); an amount or a percent is usually preceded by it ("revenue of").
    """
    words_before = [w for w in _words(before) if w not in _STOP and len(w) > 1]
    words_after = [w for w in _words(after) if w not in _STOP and len(w) > 1]
    if bare and words_after:
        picked = words_after[:2]
    elif words_before:
        picked = words_before[-1:]
        if len(words_before) > 1 and words_before[-2] in _MODIFIERS:
            picked = words_before[-2:]
    else:
        picked = words_after[:1]
    ident = re.sub(r"[^a-z0-9]+", "_", "_".join(picked)).strip("_")
    if not ident or not ident[0].isalpha():
        ident = "figure"
    return ident[:40]


def _bound(before: str) -> Bound:
    tail = " ".join(before.lower().split()[-2:])
    for words, bound in _BOUND_WORDS:
        if tail.endswith(words) or re.search(rf"\b{words}\s*(?:[$€¥£]|rmb|us\$)?\Z", tail):
            return bound
    return Bound.EXACT


def draft_yaml(draft: Draft, file: str, known_source: bool) -> str:
    """The draft as a ready-to-paste entry of a ``figures:`` list, with hints."""
    lines = [f"  - id: {draft.id}    # rename: prose refers to it as {{{draft.id}}}"]
    lines.append(f"    label: {_scalar(draft.label)}")
    lines.append(f"    metric: {draft.metric}")
    if draft.basis is not None:
        lines.append(f"    basis: {draft.basis}    # the quote reads as a change: check it")
    lines.append(f"    value: {draft.value}")
    if draft.bound is not Bound.EXACT:
        lines.append(f"    bound: {draft.bound.value}")
    lines.append(f"    kind: {draft.kind.value}")
    if draft.currency is not None:
        lines.append(f"    currency: {draft.currency.value}")
    if draft.scale is not Scale.UNIT:
        lines.append(f"    scale: {draft.scale.value}")
    if draft.period is not None:
        start, end = draft.period
        lines.append(f"    period: {{start: {start}, end: {end}}}    # from the year in the text")
    else:
        lines.append("    period: {start: YYYY-MM-DD, end: YYYY-MM-DD}    # fill in")
    lines.append("    citations:")
    hint = "" if known_source else f"    # add to sources.yaml with file: {file}"
    lines.append(f"      - source: {draft.source}{hint}")
    lines.append(f"        quote: {json.dumps(draft.quote, ensure_ascii=False)}")
    return "\n".join(lines)


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that is safe, else double-quoted."""
    if re.fullmatch(r"[A-Za-z][\w ()/&.-]*", text) and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)
