"""Quote and value matching: is the quote in the source, and does it state the figure?

Finding a quote tolerates what real sources do to text (curly quotes, odd dashes and
spaces, hard line wraps, PDF line and page breaks, words run together) but never what
would change a number. Both sides are normalised (:func:`normalise`), then compacted:
spaces are dropped except between the parts of a number, and hyphens between letters
are dropped, so "businesses with", "businesseswith" and a PDF's "year-on-\\nyear" all
compare equal, while "5 10" can never become "510". A match must also not cut a number
in the source: a quote of "280.15 billion" is not found in "2280.15 billion",
"280.155 billion", "-280.15 billion" or "Rmb280.15 billion" read as "280.15 billion".

Checking a value is strict: the figure must be stated in the quote at the quote's own
precision, in the same magnitude, kind and currency (see :func:`value_in_quote`).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from briefgen.models import Currency, Kind, Scale
from briefgen.quantities import Quantity, decimals_of, find_quantities
from briefgen.sources import SourceText

# --- Normalisation ----------------------------------------------------------------------

_QUOTE_MARKS = {
    **dict.fromkeys("‘’‚‛′ʼ`´", "'"),
    **dict.fromkeys("“”„‟″«»", '"'),
}
_DASHES = frozenset("\u2212\u2043\u2796")  # minus sign, hyphen bullet, heavy minus
# Everything outside printable ASCII and ASCII whitespace needs folding one by one.
_NEEDS_FOLDING = re.compile(r"[^\t\n\r\x0b\x0c\x20-\x7e]+")
_ASCII_SPACES = str.maketrans("\t\n\r\x0b\x0c", "     ")
_SPACE_RUN = re.compile(r"\A +| +\Z| {2,}")


def normalise(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` for comparison; also return, per folded character, its index in ``text``.

    Compatibility-decomposed (NFKD, character by character so the index map stays exact;
    for matching this is equivalent to NFKC) and case-folded; curly quotes become straight,
    every dash becomes ``-``, every Unicode space becomes a space, zero-width and control
    characters go, and whitespace runs collapse to one space with none at either end.
    Superscript digits and vulgar fractions are kept as they are, so a footnote mark can
    never join the number before it.
    """
    pieces: list[str] = []
    index: list[int] = []
    position = 0
    for match in _NEEDS_FOLDING.finditer(text):
        _fold_ascii(text, position, match.start(), pieces, index)
        folded = [_fold_char(char) for char in match.group()]
        pieces.extend(folded)
        if all(len(piece) == 1 for piece in folded):
            index.extend(range(match.start(), match.end()))
        else:
            for offset, piece in enumerate(folded, start=match.start()):
                index.extend([offset] * len(piece))
        position = match.end()
    _fold_ascii(text, position, len(text), pieces, index)
    return _collapse_spaces("".join(pieces), index)


def _fold_ascii(text: str, start: int, end: int, pieces: list[str], index: list[int]) -> None:
    if start < end:
        pieces.append(text[start:end].lower().translate(_ASCII_SPACES))
        index.extend(range(start, end))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    simple = _fold_punctuation(char)
    if simple is not None:
        return simple
    category = unicodedata.category(char)
    if category in ("Cf", "Cc", "Cs", "Co", "Cn"):
        return ""
    if category == "No":
        return char
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", char).casefold())
    return "".join(_fold_punctuation(part) or part for part in decomposed)


def _fold_punctuation(char: str) -> str | None:
    if char in _QUOTE_MARKS:
        return _QUOTE_MARKS[char]
    if char in _DASHES or unicodedata.category(char) == "Pd":
        return "-"
    if char.isspace():
        return " "
    return None


def _collapse_spaces(text: str, index: list[int]) -> tuple[str, list[int]]:
    drops: list[tuple[int, int]] = []
    for match in _SPACE_RUN.finditer(text):
        at_edge = match.start() == 0 or match.end() == len(text)
        drops.append(match.span() if at_edge else (match.start() + 1, match.end()))
    return _splice(text, index, drops)


def _splice(text: str, index: list[int], drops: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Remove the given sorted, disjoint spans from ``text`` and from its index map."""
    pieces: list[str] = []
    kept: list[int] = []
    position = 0
    for start, end in drops:
        pieces.append(text[position:start])
        kept.extend(index[position:start])
        position = max(position, end)
    pieces.append(text[position:])
    kept.extend(index[position:])
    return "".join(pieces), kept


_LETTER = r"[^\W\d_]"
# Spaces survive only between the parts of a number; hyphens between letters go, which
# also joins words a PDF hyphenated at a line end. Every branch starts with a literal
# character so the regex engine can skip ahead quickly on a large source.
_COMPACT_DROP = re.compile(
    r" (?:(?<![\d.,] )|(?<=\d )(?![\d.,])|(?<=[.,] )(?!\d))"
    rf"|-(?:(?<={_LETTER}-)|(?<={_LETTER} -))-* ?(?={_LETTER})"
)


def _compact(normal: str) -> str:
    return _COMPACT_DROP.sub("", normal)


# --- Finding quotes ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found: ``start``/``end`` index ``SourceText.text``."""

    start: int
    end: int
    locator: str
    text: str


@dataclass(frozen=True, eq=False)
class IndexedSource:
    """A source folded once for searching; build with :func:`index_source`.

    ``compact`` is ``normal`` minus droppable characters. Instead of a map entry per
    character (slow and large on a big source) it records where in ``compact`` each
    removal happened and how many characters were removed by then.
    """

    source: SourceText
    normal: str
    # Arrays of machine ints, not lists: for a source of a megabyte they are a few
    # megabytes, not tens, and hold no objects for the garbage collector to visit.
    normal_to_source: Sequence[int]
    compact: str
    gap_at: Sequence[int]
    removed_by: Sequence[int]

    def normal_index(self, compact_index: int) -> int:
        slot = bisect_right(self.gap_at, compact_index) - 1
        return compact_index + self.removed_by[slot]


@lru_cache(maxsize=64)
def index_source(source: SourceText) -> IndexedSource:
    """Normalise and compact a source once; cached, as a pack cites each source many times."""
    normal, normal_to_source = normalise(source.text)
    gap_at = [0]
    removed_by = [0]
    removed = 0
    for match in _COMPACT_DROP.finditer(normal):
        start, end = match.span()
        gap_at.append(start - removed)
        removed += end - start
        removed_by.append(removed)
    compact = _compact(normal)
    return IndexedSource(
        source,
        normal,
        array("q", normal_to_source),
        compact,
        array("q", gap_at),
        array("q", removed_by),
    )


def find_quote(quote: str, source: SourceText | IndexedSource) -> QuoteMatch | None:
    """The first place ``quote`` occurs in ``source`` without cutting a number, or None."""
    indexed = source if isinstance(source, IndexedSource) else index_source(source)
    needle = _compact(normalise(quote)[0])
    if not needle:
        return None
    for start, end in _occurrences(needle, indexed):
        if _edges_hold(needle, indexed.normal, start, end):
            return _quote_match(indexed, start, end)
    return None


def explain_quote_miss(quote: str, source: SourceText | IndexedSource) -> str:
    """Why :func:`find_quote` found nothing, in words for the user."""
    indexed = source if isinstance(source, IndexedSource) else index_source(source)
    needle = _compact(normalise(quote)[0])
    if not needle:
        return "quote is empty"
    for start, _end in _occurrences(needle, indexed):
        where = indexed.source.locate(indexed.normal_to_source[start])
        return (
            f"the text occurs at {where} only as part of a longer number or expression; "
            "quote the whole number with its sign, currency, scale and unit"
        )
    return "not found in source"


def _occurrences(needle: str, indexed: IndexedSource) -> Iterator[tuple[int, int]]:
    """Spans in ``indexed.normal`` where the compacted needle occurs."""
    position = indexed.compact.find(needle)
    while position >= 0:
        last = position + len(needle) - 1
        yield indexed.normal_index(position), indexed.normal_index(last) + 1
        position = indexed.compact.find(needle, position + 1)


def _quote_match(indexed: IndexedSource, start: int, end: int) -> QuoteMatch:
    source = indexed.source
    first = indexed.normal_to_source[start]
    last = indexed.normal_to_source[end - 1] + 1
    return QuoteMatch(first, last, source.locate(first), source.text[first:last])


_MARKER_AFTER = re.compile(
    r"(?:k|m|b|x|×)(?![^\W\d_])"
    r"| ?(?:%|(?:thousand|million|billion|trillion|mn|mln|bn|bln|tn|trn|percent|percentage"
    r"|per cent|pct|pp|pps|ppts?|times|fold|-fold)(?![^\W\d_]))"
)
_CURRENCY_BEFORE = re.compile(r"(?:[$€¥£]|(?<![^\W\d_])(?:rmb|cny|usd|hkd|eur)) ?\Z")


def _edges_hold(needle: str, normal: str, start: int, end: int) -> bool:
    """Whether a quote found at ``normal[start:end]`` leaves every number whole."""
    return _start_holds(needle, normal, start) and _end_holds(needle, normal, end)


def _start_holds(needle: str, normal: str, start: int) -> bool:
    before = normal[max(0, start - 4) : start]
    if needle[0] == "$":
        letters = re.search(r"[^\W\d_]*\Z", before)
        return letters is None or letters.group() in ("", "us")
    numeric = needle[0].isdecimal() or (needle[0] in ".," and needle[1:2].isdecimal())
    if not numeric or not before:
        return True
    previous = before[-1]
    if previous.isnumeric():  # numeric, not decimal: "5" after "²" or "½" is no number
        return False
    if previous in ".," and before[-2:-1].isdecimal():
        return False
    if previous == "-" and not before[-2:-1].isalnum():
        return False  # a minus sign, not a range or a name's hyphen
    return _CURRENCY_BEFORE.search(normal, max(0, start - 5), start) is None


def _end_holds(needle: str, normal: str, end: int) -> bool:
    last = needle[-1]
    ends_in_digit = last.isdecimal()
    if not ends_in_digit and not (last in ".," and needle[-2:-1].isdecimal()):
        return True
    following = normal[end : end + 2]
    if following[:1].isnumeric():
        return False
    if not ends_in_digit:
        return True
    if following[:1] in (".", ",") and following[1:].isdecimal():
        return False
    return _MARKER_AFTER.match(normal, end) is None


# --- Checking values --------------------------------------------------------------------


@dataclass(frozen=True)
class ValueMatch:
    """Whether a quote states a figure's value, and why or why not."""

    ok: bool
    reason: str
    quantity: Quantity | None = None
    code: str = "value-ok"  # on failure: value-not-stated, value-mismatch, value-scale,
    # value-currency, value-kind, value-sign or value-precision


Finding = tuple[str, str]  # (problem code, message)


@dataclass(frozen=True)
class _Figure:
    value: Decimal
    kind: Kind
    scale: Scale
    currency: Currency | None

    @property
    def magnitude(self) -> Decimal:
        return self.value * self.scale.factor

    def describe(self) -> str:
        scale = "" if self.scale is Scale.UNIT else f" {self.scale.value}"
        currency = "" if self.currency is None else f" {self.currency.value}"
        return f"{self.value}{scale}{currency}"


def value_in_quote(
    quote: str, value: Decimal, kind: Kind, scale: Scale, currency: Currency | None
) -> ValueMatch:
    """Whether ``quote`` states the figure ``value`` (in ``scale``) of ``kind``.

    Rules:

    - Value: the quote must state the same magnitude (``1,300 million`` is ``1.3 billion``)
      and the figure may not claim more precision than the quote gives: ``280.150``
      against ``280.15`` fails, as trailing zeros after the point count; ``280`` against
      ``280.15`` fails as a different value.
    - Kind: percent needs a percent marker, percentage points need "percentage points"
      or "pp", a multiple needs x, times or fold; counts and ratios are plain numbers
      (counts may carry a scale; ratios may name a currency, as exchange rates do).
    - Currency: an amount needs its currency stated in the quote, and it must agree.
    - Sign: a negative figure is stated by a negative number, or by its absolute value
      governed by a decrease word: one of decrease, decline, fell, fall, down, drop,
      shrank, slump, reduction shortly before the number with no "to", "from", "at",
      other number or punctuation in between ("fell 12%", "a decline of 12%"), or a
      decline, decrease, drop, fall, reduction, slump, "lower" or "down" at most one word
      after it ("12% lower", "a 12% y/y drop"). A positive percent or percentage-point
      figure governed by a decrease word fails.
    - Numbers that are parts of names (``Q4``, ``Qwen2.5``) and bare years are ignored.
      For a count, bare number words and ordinals also state a value ("seven
      consecutive quarters", "the sixth consecutive quarter", "the 6th").

    The first quantity in the quote that satisfies every rule is returned; otherwise the
    reason from the quantity that came nearest.
    """
    figure = _Figure(value, kind, scale, currency)
    counting = kind is Kind.COUNT
    found = find_quantities(quote, bare_words=counting)
    candidates = [q for q in found if not (q.in_name or q.is_year or (q.ordinal and not counting))]
    if not candidates:
        return ValueMatch(False, _no_number_reason(found), code="value-not-stated")
    best: tuple[int, Finding, Quantity] | None = None
    for quantity in candidates:
        score, problem = _judge(quote, quantity, figure)
        if problem is None:
            return ValueMatch(True, f"quote states {_shown(quantity)}", quantity)
        if best is None or score > best[0]:
            best = (score, problem, quantity)
    assert best is not None  # candidates is not empty
    return ValueMatch(False, best[1][1], best[2], code=best[1][0])


def _no_number_reason(found: list[Quantity]) -> str:
    if not found:
        return "quote states no number"
    shown = ", ".join(f"'{q.raw}' ({_ignored_as(q)})" for q in found)
    return f"quote states no number other than names, years and ordinals ({shown})"


def _ignored_as(quantity: Quantity) -> str:
    if quantity.is_year:
        return "year"
    return "part of a name" if quantity.in_name else "ordinal"


def _judge(quote: str, quantity: Quantity, figure: _Figure) -> tuple[int, Finding | None]:
    """A problem with reading ``quantity`` as the figure, scored by how near it came."""
    stated = quantity.value
    falling = stated > 0 and _decrease_near(quote, quantity)
    if figure.value < 0 and falling:
        stated = -stated
    if stated * quantity.scale.factor != figure.magnitude:
        return _value_problem(quantity, stated, figure)
    kind = _kind_problem(quantity, figure)
    if kind is not None:
        return 4, ("value-kind", kind)
    currency = _currency_problem(quantity, figure)
    if currency is not None:
        return 4, ("value-currency", currency)
    if falling and figure.value > 0 and figure.kind in (Kind.PERCENT, Kind.PERCENTAGE_POINTS):
        return 2, (
            "value-sign",
            f"sign differs: the quote states a decrease of {_shown(quantity)}, so the figure "
            f"should be -{figure.value}, not {figure.value}",
        )
    precision = _precision_problem(quantity, figure)
    return 3, None if precision is None else ("value-precision", precision)


def _value_problem(quantity: Quantity, stated: Decimal, figure: _Figure) -> tuple[int, Finding]:
    shown = _shown(quantity)
    if abs(stated) * quantity.scale.factor == abs(figure.magnitude):
        if figure.value < 0:
            return 2, (
                "value-sign",
                f"figure is negative but the quote states {shown} with neither a minus sign "
                "nor a decrease word governing it ('fell 12%', 'a 12% decline'; "
                "'fell to 12%' states a level)",
            )
        return 2, (
            "value-sign",
            f"sign differs: quote states {shown}, figure is {figure.describe()}",
        )
    if abs(stated) == abs(figure.value) and quantity.scale is not figure.scale:
        return 2, (
            "value-scale",
            f"scale differs: quote states {shown} ({quantity.scale.value}), "
            f"figure is {figure.describe()}",
        )
    if _rounds_to(stated * quantity.scale.factor, figure):
        return 2, (
            "value-precision",
            f"figure {figure.describe()} is a rounding of the quote's {shown}; "
            "state the value at the quote's precision",
        )
    return 1, ("value-mismatch", f"quote states {shown}, not {figure.describe()}")


def _rounds_to(magnitude: Decimal, figure: _Figure) -> bool:
    step = _claimed_step(figure.value) * figure.scale.factor
    return abs(magnitude - figure.magnitude) * 2 <= step


def _kind_problem(quantity: Quantity, figure: _Figure) -> str | None:
    hint, shown = quantity.kind_hint, _shown(quantity)
    if figure.kind is Kind.PERCENT and hint != "percent":
        if hint == "pp":
            return f"quote states percentage points ({shown}), figure is a percent"
        return f"quote states {shown} without a percent sign or 'percent'"
    if figure.kind is Kind.PERCENTAGE_POINTS and hint != "pp":
        if hint == "percent":
            return f"quote states a percent ({shown}), figure is percentage points"
        return f"quote states {shown}, not percentage points"
    if figure.kind is Kind.MULTIPLE and hint != "multiple":
        return f"quote states {shown}, not a multiple (x, times, fold)"
    plain_kinds = (Kind.AMOUNT, Kind.COUNT, Kind.RATIO)
    if figure.kind in plain_kinds and hint in ("percent", "pp"):
        return f"quote states {shown}, a percentage, figure is {figure.kind.value}"
    if figure.kind in (Kind.AMOUNT, Kind.COUNT) and hint == "multiple":
        return f"quote states {shown}, a multiple, figure is {figure.kind.value}"
    if figure.kind is Kind.COUNT and quantity.currency is not None:
        return f"quote states {shown}, an amount in {quantity.currency.value}, figure is a count"
    return None


def _currency_problem(quantity: Quantity, figure: _Figure) -> str | None:
    if figure.kind is not Kind.AMOUNT or figure.currency is None:
        return None
    if quantity.currency is None:
        return f"currency not stated in quote: quote states {_shown(quantity)}"
    if quantity.currency is not figure.currency:
        return (
            f"wrong currency: quote states {_shown(quantity)} ({quantity.currency.value}), "
            f"figure is {figure.currency.value}"
        )
    return None


def _precision_problem(quantity: Quantity, figure: _Figure) -> str | None:
    figure_decimals = decimals_of(figure.value)
    figure_step = _claimed_step(figure.value) * figure.scale.factor
    quote_step = Decimal(1).scaleb(-quantity.decimals) * quantity.scale.factor
    if figure_step >= quote_step:
        return None
    return (
        f"figure value {figure.value} claims more precision ({figure_decimals} decimal "
        f"places) than the quote's {_shown(quantity)} ({quantity.decimals}); a displayed "
        "value may not claim more precision than its source gives"
    )


def _claimed_step(value: Decimal) -> Decimal:
    """The precision a figure claims: its last decimal place, as written.

    Trailing zeros after the point claim precision (``280.150``); those of a whole number
    do not (``1300`` million may be ``1.3`` billion), so they are read as unclaimed.
    """
    places = decimals_of(value)
    if places > 0:
        return Decimal(1).scaleb(-places)
    digits = str(abs(value.to_integral_value()))
    zeros = len(digits) - len(digits.rstrip("0")) if digits != "0" else 0
    return Decimal(1).scaleb(zeros)


_DECREASE_WORDS = (
    r"decreas(?:e|es|ed|ing)|declin(?:e|es|ed|ing)|fell|fall(?:s|en|ing)?|down"
    r"|drop(?:s|ped|ping)?|shr[aiu]nk(?:s|ing)?|slump(?:s|ed)?|reduction"
)
_DECREASE = re.compile(rf"\b(?:{_DECREASE_WORDS})\b", re.IGNORECASE)
# After the number only nouns and "lower"/"down" read as its direction ("a 12% y/y drop",
# "12% lower"); a verb there belongs to another clause ("12% while costs fell").
_DECREASE_AFTER = re.compile(
    r"\s*(?:[\w/-]+\s+)?(?:declines?|decreases?|drops?|falls?|reductions?|slumps?|lower|down)\b",
    re.IGNORECASE,
)
# "fell to 24" and "down from 32" state levels; punctuation ends the clause.
_BLOCKS_DECREASE = re.compile(r"\b(?:to|from|at)\b|\d|[,;:.()]", re.IGNORECASE)


def _decrease_near(quote: str, quantity: Quantity) -> bool:
    """Whether a decrease word governs ``quantity`` (see :func:`value_in_quote`)."""
    before = quote[max(0, quantity.start - 40) : quantity.start]
    words = list(_DECREASE.finditer(before))
    if words and _BLOCKS_DECREASE.search(before, words[-1].end()) is None:
        return True
    return _DECREASE_AFTER.match(quote[quantity.end : quantity.end + 30]) is not None


def _shown(quantity: Quantity) -> str:
    return "'" + " ".join(quantity.raw.split()) + "'"
