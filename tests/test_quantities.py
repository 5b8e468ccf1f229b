"""Finding quantities in text: value as written, scale, currency, kind and names."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.models import Currency, Scale
from briefgen.quantities import (
    Quantity,
    decimals_of,
    display_decimals,
    find_quantities,
    is_name_token,
    is_year,
)


def _only(text: str) -> Quantity:
    found = [q for q in find_quantities(text) if not q.in_name and not q.is_year]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "raw", "value", "decimals", "scale", "currency", "kind"),
    [
        (
            "of 280.15 billion yuan in",
            "280.15 billion yuan",
            "280.15",
            2,
            "billion",
            "CNY",
            "number",
        ),
        ("yuan ($38.63 billion) in", "$38.63 billion", "38.63", 2, "billion", "USD", "number"),
        ("funnelled Rmb72.5bn into", "Rmb72.5bn", "72.5", 1, "billion", "CNY", "number"),
        ("at least US$53 billion", "US$53 billion", "53", 0, "billion", "USD", "number"),
        ("up to $6.36bn.", "$6.36bn", "6.36", 2, "billion", "USD", "number"),
        ("at 13 percent,", "13 percent", "13", 0, "unit", None, "percent"),
        ("surged 11.7%.", "11.7%", "11.7", 1, "unit", None, "percent"),
        ("over 90,000 staff", "90,000", "90000", 0, "unit", None, "number"),
        ("reached 18.67 million", "18.67 million", "18.67", 2, "million", None, "number"),
        ("exceeding 1 trillion USD", "1 trillion USD", "1", 0, "trillion", "USD", "number"),
        ("change of -12% on", "-12%", "-12", 0, "unit", None, "percent"),
        ("change of −12% on", "−12%", "-12", 0, "unit", None, "percent"),
        ("increase of 2 times", "2 times", "2", 0, "unit", None, "multiple"),
        ("HK$1.20 trillion", "HK$1.20 trillion", "1.20", 2, "trillion", "HKD", "number"),
        ("RMB 280 today", "RMB 280", "280", 0, "unit", "CNY", "number"),
        ("cost 24m dollars", "24m dollars", "24", 0, "million", "USD", "number"),
        ("5 US dollars", "5 US dollars", "5", 0, "unit", "USD", "number"),
        ("6 Hong Kong dollars", "6 Hong Kong dollars", "6", 0, "unit", "HKD", "number"),
        ("7 renminbi", "7 renminbi", "7", 0, "unit", "CNY", "number"),
        ("€3.5bn", "€3.5bn", "3.5", 1, "billion", "EUR", "number"),
        ("¥10bn", "¥10bn", "10", 0, "billion", "CNY", "number"),
        (
            "the 24.6\nbillion yuan level",
            "24.6\nbillion yuan",
            "24.6",
            1,
            "billion",
            "CNY",
            "number",
        ),
        ("3 percentage points", "3 percentage points", "3", 0, "unit", None, "pp"),
        ("up 2pp", "2pp", "2", 0, "unit", None, "pp"),
        ("5 ppts", "5 ppts", "5", 0, "unit", None, "pp"),
        ("9 per cent", "9 per cent", "9", 0, "unit", None, "percent"),
        ("9 pct", "9 pct", "9", 0, "unit", None, "percent"),
        ("2x faster", "2x", "2", 0, "unit", None, "multiple"),
        ("3× faster", "3×", "3", 0, "unit", None, "multiple"),
        ("a 4-fold rise", "4-fold", "4", 0, "unit", None, "multiple"),
        ("50k users", "50k", "50", 0, "thousand", None, "number"),
        ("90 thousand users", "90 thousand", "90", 0, "thousand", None, "number"),
        ("a .5 percent cut", ".5 percent", ".5", 1, "unit", None, "percent"),
        ("+7% today", "+7%", "7", 0, "unit", None, "percent"),
        ("-$5bn loss", "-$5bn", "-5", 0, "billion", "USD", "number"),
    ],
)
def test_finds_quantity(
    text: str,
    raw: str,
    value: str,
    decimals: int,
    scale: str,
    currency: str | None,
    kind: str,
) -> None:
    quantity = _only(text)
    assert quantity.raw == raw
    assert text[quantity.start : quantity.end] == raw
    assert quantity.value == Decimal(value)
    assert quantity.decimals == decimals
    assert quantity.scale is Scale(scale)
    assert quantity.currency is (Currency(currency) if currency else None)
    assert quantity.kind_hint == kind


def test_value_keeps_written_precision() -> None:
    quantity = _only("grew to 280.150 billion")
    assert str(quantity.value) == "280.150"
    assert quantity.decimals == 3
    assert quantity.magnitude == Decimal("280150000000")


def test_several_in_order() -> None:
    text = "revenue of 280.15 billion yuan ($38.63 billion), up 8 percent"
    assert [q.raw for q in find_quantities(text)] == [
        "280.15 billion yuan",
        "$38.63 billion",
        "8 percent",
    ]


@pytest.mark.parametrize(
    "text",
    ["Qwen2.5-Max", "Qwen 2.5-Max", "88VIP", "GPT-4o", "DeepSeek V3", "01.ai", "Q4", "FY2025",
     "a 1:1 copy", "COVID-19", "5G", "3D", "B2B", "version 1.2.3"],
)  # fmt: skip
def test_digits_in_names_are_flagged(text: str) -> None:
    found = find_quantities(text)
    assert found
    assert all(q.in_name for q in found), found
    assert not any(q.is_year for q in found)


def test_measures_are_not_names() -> None:
    for text in ("Rmb72.5bn", "24m", "2x", "a 10-year plan", "12 months", "$5", "5-10%"):
        assert not any(q.in_name for q in find_quantities(text)), text


def test_is_name_token_directly() -> None:
    text = "Qwen2.5 and 30 and Rmb72 and 88VIP"
    assert is_name_token(text, 4, 7)
    assert not is_name_token(text, text.index("30"), text.index("30") + 2)
    assert not is_name_token(text, text.index("72"), text.index("72") + 2)
    assert is_name_token(text, text.index("88"), text.index("88") + 2)


def test_years() -> None:
    year = find_quantities("In 2024, sales rose")[0]
    assert year.is_year and is_year(year)
    for text in ("2024 yuan", "2024%", "2,024", "-2024", "2024.5", "2150", "1899", "FY2024"):
        assert not any(q.is_year for q in find_quantities(text)), text


def test_other_dollars_are_not_us_dollars() -> None:
    quantity = find_quantities("NT$5 billion")[0]
    assert quantity.currency is None
    assert quantity.value == 5


def test_ranges_do_not_make_negatives() -> None:
    values = [q.value for q in find_quantities("grew 5-10% and GPT-4")]
    assert values[:2] == [Decimal(5), Decimal(10)]


def test_malformed_numbers_are_flagged() -> None:
    assert all(q.in_name for q in find_quantities("12,5"))


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("up eight percent", 8, "percent"),
        ("twenty-five per cent", 25, "percent"),
        ("grew two times", 2, "multiple"),
        ("three billion yuan", 3, "number"),
    ],
)
def test_number_words_with_a_marker(text: str, value: int, kind: str) -> None:
    quantity = _only(text)
    assert quantity.spelled
    assert quantity.value == value
    assert quantity.kind_hint == kind


def test_bare_number_words_are_prose() -> None:
    assert find_quantities("one of the earliest, three areas, the sixth") == []


def test_bare_words_and_ordinals_on_request() -> None:
    found = find_quantities("seven straight quarters, the sixth in a row", bare_words=True)
    assert [(q.raw, q.value, q.ordinal) for q in found] == [
        ("seven", Decimal(7), False),
        ("sixth", Decimal(6), True),
    ]
    assert all(q.spelled and not q.in_name and not q.is_year for q in found)


@pytest.mark.parametrize(("text", "value"), [("the 6th quarter", 6), ("its 21st year", 21)])
def test_digit_ordinals(text: str, value: int) -> None:
    (quantity,) = find_quantities(text)
    assert quantity.ordinal and not quantity.in_name
    assert quantity.value == value
    assert quantity.raw.endswith(("th", "st"))
    assert not is_name_token(text, quantity.start, quantity.start + len(str(value)))


def test_decimal_helpers() -> None:
    assert decimals_of(Decimal("280.150")) == 3
    assert decimals_of(Decimal("1E+3")) == 0
    assert decimals_of(Decimal("12")) == 0
    assert display_decimals(Decimal("7"), 2) == "7.00"
    assert display_decimals(Decimal("280.15"), 1) == "280.2"


# --- Property: whatever we format, we read back -----------------------------------------

_SCALE_FORMS: dict[Scale, list[str]] = {
    Scale.UNIT: [""],
    Scale.THOUSAND: [" thousand", "k"],
    Scale.MILLION: [" million", "m", " mn", "mn"],
    Scale.BILLION: [" billion", "bn", " bn", "b"],
    Scale.TRILLION: [" trillion", "tn"],
}
_PREFIXES: dict[Currency, list[str]] = {
    Currency.CNY: ["Rmb", "RMB ", "CNY "],
    Currency.USD: ["$", "US$", "USD "],
    Currency.HKD: ["HK$", "HKD "],
    Currency.EUR: ["€"],
}
_SUFFIXES: dict[Currency, list[str]] = {
    Currency.CNY: [" yuan", " RMB", " renminbi"],
    Currency.USD: [" USD", " dollars", " US dollars"],
    Currency.HKD: [" HKD", " Hong Kong dollars"],
    Currency.EUR: [" euros", " EUR"],
}
_KIND_FORMS = {"percent": ["%", " percent", " per cent"], "pp": [" pp", " percentage points"],
               "multiple": ["x", " times", "-fold"]}  # fmt: skip


def _digits(value: Decimal, grouped: bool) -> str:
    text = f"{abs(value):f}"
    whole, _, fraction = text.partition(".")
    if grouped:
        whole = f"{int(whole):,}"
    return whole + ("." + fraction if fraction else "")


@st.composite
def _expressions(draw: st.DrawFn) -> tuple[str, Decimal, Scale, Currency | None, str]:
    places = draw(st.integers(0, 4))
    units = draw(st.integers(0, 10**7))
    value = Decimal(units).scaleb(-places)
    grouped = draw(st.booleans())
    kind = draw(st.sampled_from(["number", "percent", "pp", "multiple"]))
    if kind != "number":
        form = draw(st.sampled_from(_KIND_FORMS[kind]))
        sign = draw(st.sampled_from(["", "-"])) if kind in ("percent", "pp") else ""
        signed = -value if sign else value
        return f"{sign}{_digits(value, grouped)}{form}", signed, Scale.UNIT, None, kind
    scale = draw(st.sampled_from(list(Scale)))
    scale_form = draw(st.sampled_from(_SCALE_FORMS[scale]))
    currency = draw(st.none() | st.sampled_from(list(Currency)))
    body = _digits(value, grouped) + scale_form
    if currency is None:
        return body, value, scale, None, kind
    if draw(st.booleans()):
        return draw(st.sampled_from(_PREFIXES[currency])) + body, value, scale, currency, kind
    return body + draw(st.sampled_from(_SUFFIXES[currency])), value, scale, currency, kind


@settings(max_examples=300, deadline=None)
@given(_expressions(), st.sampled_from(["Revenue was {} in the quarter.", "({})", "{}"]))
def test_formatted_quantities_read_back(
    expression: tuple[str, Decimal, Scale, Currency | None, str], frame: str
) -> None:
    written, value, scale, currency, kind = expression
    text = frame.format(written)
    found = find_quantities(text)
    assert len(found) == 1, found
    quantity = found[0]
    assert quantity.raw == written
    assert quantity.value == value
    assert quantity.decimals == decimals_of(value)
    assert quantity.scale is scale
    assert quantity.currency is currency
    assert quantity.kind_hint == kind
    assert not quantity.in_name
