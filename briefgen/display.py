"""How figures, periods and dates are written in the outputs.

One module decides every displayed form, so the deck and the brief cannot show
the same figure two ways, and the output audit can predict each token.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from briefgen.models import Bound, Currency, Figure, Kind, Period, Scale

_CURRENCY_PREFIX = {
    Currency.CNY: "RMB ",
    Currency.USD: "US$",
    Currency.HKD: "HK$",
    Currency.EUR: "€",
}
_AMOUNT_SUFFIX = {
    Scale.UNIT: "",
    Scale.THOUSAND: "k",
    Scale.MILLION: "m",
    Scale.BILLION: "bn",
    Scale.TRILLION: "tn",
}
_COUNT_SUFFIX = {
    Scale.UNIT: "",
    Scale.THOUSAND: " thousand",
    Scale.MILLION: " million",
    Scale.BILLION: " billion",
    Scale.TRILLION: " trillion",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MINUS = "\u2212"  # minus sign: no line breaks inside a negative number
_BOUND_PREFIX = {
    Bound.EXACT: "",
    Bound.OVER: "over ",
    Bound.AT_LEAST: "at least ",
    Bound.UNDER: "under ",
    Bound.UP_TO: "up to ",
    Bound.ABOUT: "about ",
}


def number(value: Decimal, decimals: int | None = None) -> str:
    """``Decimal('90000')`` -> ``90,000``; keeps the places the value was written with."""
    if decimals is None:
        decimals = max(0, -int(value.as_tuple().exponent))
    quantised = value.quantize(Decimal(1).scaleb(-decimals)) if decimals else value.to_integral()
    text = f"{abs(quantised):,.{decimals}f}"
    return f"{MINUS}{text}" if quantised < 0 else text


def figure_value(figure: Figure) -> str:
    """The figure as every output shows it: ``RMB 280.15bn``, ``8%``, ``over 90,000``, ``1.75x``."""
    return _BOUND_PREFIX[figure.bound] + bare_value(figure)


def bare_value(figure: Figure) -> str:
    """The value with its unit but without its bound: for tables and charts with a bound column."""
    digits = number(figure.value, figure.decimals)
    if figure.kind is Kind.AMOUNT:
        assert figure.currency is not None
        sign, body = (MINUS, digits[1:]) if digits.startswith(MINUS) else ("", digits)
        return f"{sign}{_CURRENCY_PREFIX[figure.currency]}{body}{_AMOUNT_SUFFIX[figure.scale]}"
    if figure.kind is Kind.PERCENT:
        return f"{digits}%"
    if figure.kind is Kind.PERCENTAGE_POINTS:
        return f"{digits}pp"
    if figure.kind is Kind.MULTIPLE:
        return f"{digits}x"
    return f"{digits}{_COUNT_SUFFIX[figure.scale]}"


def unit_label(figure: Figure) -> str:
    """A unit for axis titles and number formats: ``RMB bn``, ``%``, ``million``."""
    if figure.kind is Kind.AMOUNT:
        assert figure.currency is not None
        prefix = _CURRENCY_PREFIX[figure.currency].strip()
        return f"{prefix} {_AMOUNT_SUFFIX[figure.scale]}".strip()
    if figure.kind is Kind.PERCENT:
        return "%"
    if figure.kind is Kind.PERCENTAGE_POINTS:
        return "pp"
    if figure.kind is Kind.MULTIPLE:
        return "x"
    return _COUNT_SUFFIX[figure.scale].strip()


def day(value: date) -> str:
    """``2025-02-20`` -> ``20 Feb 2025``."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _month_end(value: date) -> bool:
    return (value + timedelta(days=1)).day == 1


def _months_spanned(period: Period) -> int:
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1


def fiscal_year(value: date, year_end_month: int) -> int:
    """The fiscal year a date falls in, named by the calendar year it ends in."""
    return value.year if value.month <= year_end_month else value.year + 1


def fiscal_label(period: Period, year_end_month: int) -> str:
    """``Q3 FY2025``, ``FY2025``, ``2024``, or a plain date range."""
    whole_months = period.start.day == 1 and _month_end(period.end)
    months = _months_spanned(period)
    if period.start == period.end:
        return f"at {day(period.end)}"
    if not whole_months:
        return f"{day(period.start)} to {day(period.end)}"
    start_offset = (period.start.month - year_end_month - 1) % 12
    fy = fiscal_year(period.end, year_end_month)
    if months == 3 and start_offset % 3 == 0:
        quarter = start_offset // 3 + 1
        return f"Q{quarter} FY{fy}" if year_end_month != 12 else f"Q{quarter} {fy}"
    if months == 12 and start_offset == 0:
        return f"FY{fy}" if year_end_month != 12 else str(fy)
    if months % 12 == 0 and start_offset == 0:
        first = fiscal_year(period.start, year_end_month)
        prefix = "FY" if year_end_month != 12 else ""
        return f"{prefix}{first}-{prefix}{fy}"
    return calendar_label(period)


def calendar_label(period: Period) -> str:
    """``Oct-Dec 2024``, ``Jan 2024-Dec 2024``, or ``at 31 Jan 2025``."""
    if period.start == period.end:
        return f"at {day(period.end)}"
    if not (period.start.day == 1 and _month_end(period.end)):
        return f"{day(period.start)} to {day(period.end)}"
    first, last = _MONTHS[period.start.month - 1], _MONTHS[period.end.month - 1]
    if period.start.year == period.end.year:
        if period.start.month == 1 and period.end.month == 12:
            return str(period.end.year)
        if first == last:
            return f"{first} {period.end.year}"
        return f"{first}-{last} {period.end.year}"
    return f"{first} {period.start.year}-{last} {period.end.year}"


def quarter_ended(period: Period) -> str:
    """``quarter to 31 Dec 2024``: the plainest name for a reader outside the company."""
    return (
        f"quarter to {day(period.end)}" if _months_spanned(period) == 3 else calendar_label(period)
    )


FOOTNOTE_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT = str.maketrans("0123456789", FOOTNOTE_DIGITS)


def superscript(number: int) -> str:
    """``3`` -> ``³``: a footnote mark that no reader or audit takes for a quantity."""
    return str(number).translate(_SUPERSCRIPT)


def marks(numbers: Iterable[int]) -> str:
    """``¹`` or, for several sources, ``¹,³``: never ``¹³``, which reads as note thirteen."""
    return ",".join(superscript(n) for n in sorted(set(numbers)))
