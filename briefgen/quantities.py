"""Finding numbers in text: value as written, scale, currency and what sort of number.

A :class:`Quantity` keeps the value exactly as written (``280.15`` stays two decimal
places) because checking a figure means checking it at its source's own precision.
Digits that are part of a name (``Qwen2.5-Max``, ``Q4``, ``GPT-4o``) and bare years are
still reported, flagged, so callers decide what to skip.

Spelled-out numbers (``one`` to ``ninety-nine``) count only when a marker follows them
(``eight percent``, ``two times``, ``three billion yuan``): bare number words are far
more often prose ("one of the earliest") than figures. A caller looking for a count can
ask for bare number words and ordinal words too (``seven consecutive quarters``, ``the
sixth quarter``). Digit ordinals (``6th``) are always reported, flagged ``ordinal``.

A text of up to :data:`CACHED_LENGTH` characters is scanned once per process (the
last :data:`CACHED_TEXTS` such texts are kept): the result depends on the text alone,
and a build reads the same slide paragraphs, labels and quotes again and again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from briefgen.models import Currency, Scale

KindHint = Literal["percent", "pp", "multiple", "number"]


@dataclass(frozen=True)
class Quantity:
    """One numeric expression found in a text; ``start``/``end`` span all of it."""

    value: Decimal
    decimals: int
    scale: Scale
    currency: Currency | None
    kind_hint: KindHint
    start: int
    end: int
    raw: str
    in_name: bool = False
    spelled: bool = False
    ordinal: bool = False

    @property
    def magnitude(self) -> Decimal:
        """The value with its scale applied (``1.3`` billion -> ``1300000000.0``)."""
        return self.value * self.scale.factor

    @property
    def is_year(self) -> bool:
        return is_year(self)


def is_year(quantity: Quantity) -> bool:
    """A standalone four-digit whole number 1900-2099, with nothing that makes it a measure."""
    return (
        not quantity.spelled
        and not quantity.ordinal
        and not quantity.in_name
        and quantity.kind_hint == "number"
        and quantity.scale is Scale.UNIT
        and quantity.currency is None
        and quantity.decimals == 0
        and re.fullmatch(r"(?:19|20)\d\d", quantity.raw) is not None
    )


def decimals_of(value: Decimal) -> int:
    """Decimal places a value is written to; ``280.150`` has three, ``1E+3`` none."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def display_decimals(value: Decimal, decimals: int) -> str:
    """``value`` with exactly ``decimals`` places, as a source would print it."""
    return f"{value:.{decimals}f}"


# --- Vocabulary -------------------------------------------------------------------------

_SCALE_WORDS: dict[str, Scale] = {
    "thousand": Scale.THOUSAND,
    "k": Scale.THOUSAND,
    "million": Scale.MILLION,
    "mn": Scale.MILLION,
    "mln": Scale.MILLION,
    "m": Scale.MILLION,
    "billion": Scale.BILLION,
    "bn": Scale.BILLION,
    "bln": Scale.BILLION,
    "b": Scale.BILLION,
    "trillion": Scale.TRILLION,
    "tn": Scale.TRILLION,
    "trn": Scale.TRILLION,
}

_CURRENCY_WORDS: dict[str, Currency] = {
    "us$": Currency.USD,
    "$": Currency.USD,
    "usd": Currency.USD,
    "hk$": Currency.HKD,
    "hkd": Currency.HKD,
    "rmb": Currency.CNY,
    "cny": Currency.CNY,
    "yuan": Currency.CNY,
    "renminbi": Currency.CNY,
    # In the Chinese-company sources this tool is for, a yen sign marks yuan.
    "¥": Currency.CNY,
    "￥": Currency.CNY,
    "eur": Currency.EUR,
    "€": Currency.EUR,
    "euro": Currency.EUR,
    "euros": Currency.EUR,
}

_SMALL_NUMBERS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen",
)  # fmt: skip
_TEN_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_NUMBER_WORDS: dict[str, int] = {word: index for index, word in enumerate(_SMALL_NUMBERS)}
_TENS: dict[str, int] = {word: 10 * (index + 2) for index, word in enumerate(_TEN_WORDS)}
_ORDINAL_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
)  # fmt: skip
_ORDINALS: dict[str, int] = {word: index + 1 for index, word in enumerate(_ORDINAL_WORDS)}

# --- Patterns ---------------------------------------------------------------------------

_DIGITS = re.compile(
    r"(?<![0-9])(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?(?![0-9])"
    r"|(?<![\w.,])\.[0-9]+(?![0-9])"
)
_WORD_NUMBER = re.compile(
    r"\b(?:(?P<tens>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:-(?P<unit>one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?P<small>zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen))\b",
    re.IGNORECASE,
)
# Anchored at the end of the text before a number: optional sign, currency, sign.
_PREFIX = re.compile(
    r"(?<![\w.$])(?:(?P<sign>[-+−])\s?)?"
    r"(?:(?P<cur>(?<![A-Za-z])(?:US\$|HK\$|RMB|CNY|USD|HKD|EUR)|(?<![A-Za-z$])\$|[€¥￥])\s?)?"
    r"(?P<sign2>[-+−])?\Z",
    re.IGNORECASE,
)
_SPACE = r"[^\S\n]*\n?[^\S\n]*"  # any blanks with at most one line break
_SCALE = re.compile(
    r"(?:(?P<glued>k|m|mn|mln|bn|bln|b|tn|trn)"
    rf"|{_SPACE}(?P<word>thousand|million|billion|trillion|mn|mln|bn|bln|tn|trn))(?![a-z])",
    re.IGNORECASE,
)
_KIND = re.compile(
    rf"{_SPACE}(?:(?P<pp>(?:percentage|percent)[\s-]+points?|ppts?|pps?)(?![a-z])"
    r"|(?P<percent>%|(?:percent|per[\s-]+cent|pct)(?![a-z]))"
    r"|(?P<multiple>times|-?fold)(?![a-z]))"
    r"|(?P<glued_multiple>[x×])(?![a-z0-9])",
    re.IGNORECASE,
)
_CURRENCY_SUFFIX = re.compile(
    rf"{_SPACE}(?P<cur>yuan|rmb|renminbi|cny|usd|hkd|eur|euros?|"
    r"(?:hong\s+kong\s+|hk\s+|us\s+|u\.s\.\s+)?dollars?)(?![a-z])",
    re.IGNORECASE,
)
_WORD_ORDINAL = re.compile(rf"\b(?:{'|'.join(_ORDINAL_WORDS)})\b", re.IGNORECASE)
_DIGIT_ORDINAL = re.compile(r"(?:st|nd|rd|th)(?![^\W\d_])", re.IGNORECASE)
_SCALE_OR_KIND_WORD = re.compile(
    r"(?:k|m|mn|mln|b|bn|bln|tn|trn|x|thousand|million|billion|trillion|times|fold"
    r"|percent|pct|pp|pps|ppts?|st|nd|rd|th)(?![a-z])",
    re.IGNORECASE,
)
# Superscript digits are footnote marks ("95,000¹"), not letters that make a name.
_LETTERS_AFTER = re.compile(r"[^\W\d_\u00b9\u00b2\u00b3\u2070-\u2079]+")


@dataclass
class _Parts:
    start: int
    end: int
    sign: int = 1
    scale: Scale = Scale.UNIT
    currency: Currency | None = None
    kind_hint: KindHint = "number"


# --- Scanning ---------------------------------------------------------------------------


CACHED_LENGTH = 2000  # longer texts (a whole source) are scanned afresh each time
CACHED_TEXTS = 32768


def find_quantities(text: str, *, bare_words: bool = False) -> list[Quantity]:
    """Every numeric quantity in ``text``, in order of position.

    With ``bare_words``, number words need no marker after them and ordinal words
    (``first`` to ``twentieth``) are included, flagged ``ordinal``.
    """
    if len(text) > CACHED_LENGTH:
        return list(_scan(text, bare_words))
    return list(_scan_cached(text, bare_words))


def _scan(text: str, bare_words: bool) -> tuple[Quantity, ...]:
    found = [_digit_quantity(text, match) for match in _DIGITS.finditer(text)]
    for match in _WORD_NUMBER.finditer(text):
        spelled = _word_quantity(text, match, bare_words)
        if spelled is not None:
            found.append(spelled)
    if bare_words:
        found.extend(_ordinal_word(match) for match in _WORD_ORDINAL.finditer(text))
    return tuple(sorted(found, key=lambda q: q.start))


# Quantities are frozen and hold only immutable values, so one result serves every caller.
_scan_cached = lru_cache(maxsize=CACHED_TEXTS)(_scan)


def _digit_quantity(text: str, match: re.Match[str]) -> Quantity:
    digits = match.group()
    parts = _Parts(start=match.start(), end=match.end())
    _read_prefix(text, parts)
    _read_suffix(text, parts)
    written = Decimal(digits.replace(",", ""))
    suffix = _DIGIT_ORDINAL.match(text, match.end()) if parts.end == match.end() else None
    ordinal = suffix is not None and "." not in digits
    if suffix is not None and ordinal:
        parts.end = suffix.end()
    return Quantity(
        value=written if parts.sign > 0 else -written,
        decimals=decimals_of(written),
        scale=parts.scale,
        currency=parts.currency,
        kind_hint=parts.kind_hint,
        start=parts.start,
        end=parts.end,
        raw=text[parts.start : parts.end],
        in_name=_in_name(text, match.start(), match.end(), parts),
        ordinal=ordinal,
    )


def _word_quantity(text: str, match: re.Match[str], bare: bool) -> Quantity | None:
    small, tens, unit = match.group("small", "tens", "unit")
    number = _NUMBER_WORDS[small.lower()] if small else _TENS[tens.lower()]
    if unit:
        number += _NUMBER_WORDS[unit.lower()]
    parts = _Parts(start=match.start(), end=match.end())
    _read_suffix(text, parts)
    marked = parts.end > match.end()
    if not marked and not bare:
        return None
    if marked and text[match.end() : match.end() + 1] not in (" ", "-", "\n", "\u00a0"):
        return None
    return Quantity(
        value=Decimal(number),
        decimals=0,
        scale=parts.scale,
        currency=parts.currency,
        kind_hint=parts.kind_hint,
        start=parts.start,
        end=parts.end,
        raw=text[parts.start : parts.end],
        spelled=True,
    )


def _ordinal_word(match: re.Match[str]) -> Quantity:
    return Quantity(
        value=Decimal(_ORDINALS[match.group().lower()]),
        decimals=0,
        scale=Scale.UNIT,
        currency=None,
        kind_hint="number",
        start=match.start(),
        end=match.end(),
        raw=match.group(),
        spelled=True,
        ordinal=True,
    )


def _read_prefix(text: str, parts: _Parts) -> None:
    window_start = max(0, parts.start - 8)
    match = _PREFIX.search(text, window_start, parts.start)
    if match is None or match.start() == match.end():
        return
    sign = match.group("sign") or match.group("sign2")
    if sign and sign != "+":
        parts.sign = -1
    if match.group("cur"):
        parts.currency = _CURRENCY_WORDS[match.group("cur").lower()]
    parts.start = match.start()


def _read_suffix(text: str, parts: _Parts) -> None:
    scale = _SCALE.match(text, parts.end)
    if scale is not None:
        parts.scale = _SCALE_WORDS[(scale.group("glued") or scale.group("word")).lower()]
        parts.end = scale.end()
    kind = _KIND.match(text, parts.end)
    if kind is not None:
        parts.kind_hint = _kind_of(kind)
        parts.end = kind.end()
        return
    if parts.currency is None:
        currency = _CURRENCY_SUFFIX.match(text, parts.end)
        if currency is not None:
            parts.currency = _suffix_currency(currency.group("cur"))
            parts.end = currency.end()


def _suffix_currency(word: str) -> Currency:
    word = word.lower()
    if word.startswith(("hong", "hk")):
        return Currency.HKD
    if "dollar" in word:
        return Currency.USD
    return _CURRENCY_WORDS[word]


def _kind_of(match: re.Match[str]) -> KindHint:
    if match.group("pp"):
        return "pp"
    if match.group("percent"):
        return "percent"
    return "multiple"


# --- Names ------------------------------------------------------------------------------


def _in_name(text: str, start: int, end: int, parts: _Parts) -> bool:
    glued_before = parts.start == start and is_name_token(text, start, start)
    glued_after = parts.end == end and _glued_after(text, start, end)
    return glued_before or glued_after or _in_malformed_number(text, start, end)


def is_name_token(text: str, start: int, end: int) -> bool:
    """Whether the digits at ``text[start:end]`` belong to a name, not a measure.

    Digits glued to letters (``V3``, ``88VIP``, ``FY2025``, ``GPT-4o``, ``01.ai``) are
    parts of names, as are the sides of ``1:1``. Letters that read as a currency, scale
    or multiple (``Rmb72.5bn``, ``24m``, ``2x``) do not make a name.
    """
    before = text[max(0, start - 2) : start]
    if before[-1:] == "_":
        return True  # an identifier or file name: "fy_2025", "000_44e8.txt"
    if before[-1:].isalpha() and not _letters_are_currency(text, start):
        return True
    if re.fullmatch(r"[^\W\d_]-", before) and not _letters_are_currency(text, start - 1):
        return True
    if before[-1:] == ":" and before[:1].isdigit():
        return True
    return end > start and _glued_after(text, start, end)


def _letters_are_currency(text: str, end: int) -> bool:
    match = _PREFIX.search(text, max(0, end - 8), end)
    return match is not None and bool(match.group("cur"))


def _glued_after(text: str, start: int, end: int) -> bool:
    following = text[end : end + 2]
    if following[:1] == "_":
        return True
    if following[:1] == ":" and following[1:].isdigit():
        return True
    if following[:1] == "." and following[1:].islower():
        return True  # "01.ai"
    letters = _LETTERS_AFTER.match(text, end)
    if letters is not None:
        return _SCALE_OR_KIND_WORD.match(letters.group()) is None
    hyphenated = _LETTERS_AFTER.match(text, end + 1) if following[:1] == "-" else None
    # "Qwen 2.5-Max" is a name; "10-year" is a measure.
    return hyphenated is not None and (hyphenated.group()[0].isupper() or "." in text[start:end])


def _in_malformed_number(text: str, start: int, end: int) -> bool:
    """Digits that only look separate: the ``5`` in ``1.2.5`` or in ``12,5``."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    joined_before = len(before) == 2 and before[1] in ".," and before[0].isdigit()
    joined_after = len(after) == 2 and after[0] in ".," and after[1].isdigit()
    return joined_before or joined_after
