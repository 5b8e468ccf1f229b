"""The numbers a slide's text shows, as a reader takes them: measures, not names,
years, page marks or the lines of the footnote band."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from briefgen import display
from briefgen.quantities import CACHED_TEXTS, Quantity, find_quantities


def decimal_key(text: str) -> Decimal | None:
    """A number as compared: sign dropped, trailing zeros dropped; None if not a number."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return abs(value).normalize() if value.is_finite() else None


_PAGE_MARK = re.compile(r"\(\d+/\d+\)")
_MARKS = str.maketrans(dict.fromkeys(display.FOOTNOTE_DIGITS, " "))
_FOOTNOTE = re.compile(f"[{display.FOOTNOTE_DIGITS}][{display.FOOTNOTE_DIGITS},]* ")


def measures(text: str) -> list[Quantity]:
    """The numbers in ``text`` a reader takes as measures: not names, years or page marks.

    Source marks (superscript digits) are blanked first: "90,000¹" is the number 90,000
    with its mark, not a name.
    """
    return list(_measures(text))


@lru_cache(maxsize=CACHED_TEXTS)
def _measures(text: str) -> tuple[Quantity, ...]:
    """:func:`measures`, worked out once per text: it depends on the text alone."""
    blanked = _PAGE_MARK.sub(lambda m: " " * len(m.group()), text.translate(_MARKS))
    return tuple(q for q in find_quantities(blanked) if not q.in_name and not q.is_year)


def is_footnote(text: str) -> bool:
    """A line of a slide's footnote band: a source's mark, then its name."""
    return _FOOTNOTE.match(text) is not None


def squash(text: str) -> str:
    return " ".join(text.split())
