"""Quote finding and value checking, on invented texts and on the real sources."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.models import Currency, Kind, Scale
from briefgen.quotes import (
    QuoteMatch,
    explain_quote_miss,
    find_quote,
    index_source,
    normalise,
    value_in_quote,
)
from briefgen.sources import SourceText, read_source


def _text(text: str) -> SourceText:
    return SourceText(Path("s.txt"), "text", text)


def _find(quote: str, text: str) -> QuoteMatch | None:
    return find_quote(quote, _text(text))


# --- normalise --------------------------------------------------------------------------


def test_normalise_folds_typography() -> None:
    text = (
        "  Alibaba\u2019s \u201cAI\u00a0+ Cloud\u201d \u2013 up\u2014now\u2212 5\u200b%\t\n  HERE "
    )
    normal, index = normalise(text)
    assert normal == 'alibaba\'s "ai + cloud" - up-now- 5% here'
    assert len(index) == len(normal)
    assert text[index[0]] == "A"
    assert text[index[normal.index("here")]] == "H"


def test_normalise_map_points_at_source_characters() -> None:
    text = "Stra\u00dfe \ufb01ne  \u00c9t\u00e9"
    normal, index = normalise(text)
    assert normal.startswith("strasse fine ")
    assert index[4] == index[5] == 4  # "ß" became "ss"
    assert index == sorted(index)


def test_normalise_composed_and_decomposed_agree() -> None:
    assert normalise("caf\u00e9")[0] == normalise("cafe\u0301")[0]


def test_normalise_keeps_superscripts_out_of_numbers() -> None:
    assert "5" not in normalise("10\u00b2")[0][2:]


def test_normalise_fullwidth_digits() -> None:
    assert normalise("\uff11\uff12\uff05")[0] == "12%"


# --- find_quote on invented text --------------------------------------------------------


def test_finds_across_wraps_spaces_and_typography() -> None:
    text = "Intro.\nThe company\u2019s\u00a0revenue of 280.15\nbillion yuan \u2014 up 8%."
    match = _find("company's revenue of 280.15 billion yuan - up 8%", text)
    assert match is not None
    assert match.text == text[match.start : match.end]
    assert match.text.startswith("company")
    assert match.text.endswith("8%")
    assert match.locator == "line 2"


def test_run_together_words_match_both_ways() -> None:
    assert _find("call He mentioned", "on an earnings callHe mentioned AI") is not None
    assert _find("businesses with AI", "our businesseswith AI") is not None
    assert _find("businesseswith AI", "our businesseswith AI") is not None
    assert _find("businesseswith AI", "our businesses with AI") is not None


def test_hyphenated_line_break() -> None:
    text = "a year-on-\nyear increase and a large-\nscale rollout"
    match = _find("year-on-year increase", text)
    assert match is not None and match.text == "year-on-\nyear increase"
    assert _find("large-scale rollout", text) is not None


def test_case_and_zero_width() -> None:
    assert _find("REVENUE ROSE", "revenue\u200b rose") is not None


@pytest.mark.parametrize(
    "source",
    [
        "sales of 281.15 billion yuan",
        "sales of 280.155 billion yuan",
        "sales of 2280.15 billion yuan",
        "sales of 1,280.15 billion yuan",
        "sales of 3.280.15 billion yuan",
        "sales of 280.16 billion yuan",
        "sales of 280.1 billion yuan",
        "sales of 280 billion yuan",
        "sales of 280.15 million yuan",
        "sales of 280. 15 billion yuan",
        "sales of -280.15 billion yuan",
    ],
)
def test_never_a_different_number(source: str) -> None:
    assert _find("280.15 billion", source) is None


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("5 10", "the 510 stores"),
        ("510 stores", "the 5 10 stores"),
        ("24.6", "at 24.6 billion yuan"),
        ("24", "at 24bn yuan"),
        ("grew 12", "grew 12% on"),
        ("revenue of 280.", "revenue of 280.15"),
        ("$53 billion", "HK$53 billion"),
        ("72.5bn", "Rmb72.5bn"),
        ("53 billion", "US$ 53 billion"),
        ("1,300", "1,300,000"),
        ("of 5 units", "of 5\u00bd units"),
        ("of 5", "of 5\u00bd units"),
        ("8 percent", "grew 18 percent"),
        ("US$53", "US$530 million"),
    ],
)
def test_quote_may_not_cut_a_number(quote: str, source: str) -> None:
    assert _find(quote, source) is None


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("$53 billion", "US$53 billion"),
        ("10%", "grew 5-10% in"),
        ("4o model", "GPT-4o model"),
        ("12% rise", "a 12% rise"),
        ("280.15 billion", "280.15 billion."),
        ("the 2 cases", "in the 2 cases"),
    ],
)
def test_whole_numbers_at_the_edges_are_fine(quote: str, source: str) -> None:
    assert _find(quote, source) is not None


def test_later_occurrence_is_used_when_the_first_cuts_a_number() -> None:
    text = "first 1280.15 billion, then 280.15 billion"
    match = _find("280.15 billion", text)
    assert match is not None
    assert match.start == text.index("then") + 5


def test_empty_quote_is_not_found() -> None:
    assert _find("  \u200b ", "anything") is None
    assert explain_quote_miss(" ", _text("anything")) == "quote is empty"


def test_explain_quote_miss() -> None:
    source = _text("intro\nat 24.6 billion yuan")
    assert "line 2 only as part of a longer number" in explain_quote_miss("at 24.6", source)
    assert explain_quote_miss("absent words", source) == "not found in source"


def test_pdf_locator_and_page_crossing() -> None:
    text = "page one text ends with a fine of \n18.23 billion yuan starts page two\n"
    source = SourceText(Path("d.pdf"), "pdf", text, page_starts=(0, text.index("18.23")))
    match = find_quote("a fine of 18.23 billion yuan", source)
    assert match is not None
    assert match.locator == "page 1, line 1"
    later = find_quote("starts page two", source)
    assert later is not None and later.locator == "page 2, line 1"


def test_index_is_cached_and_accepted() -> None:
    source = _text("one two three")
    indexed = index_source(source)
    assert index_source(source) is indexed
    assert find_quote("two", indexed) == find_quote("two", source)


def test_quote_found_at_the_end_of_a_megabyte() -> None:
    chunk = "The segment grew 7% to 12.5 billion yuan while costs fell.\n"
    text = chunk * (1_000_000 // len(chunk)) + "A closing line of 99.9 billion yuan."
    source = _text(text)
    match = find_quote("closing line of 99.9 billion yuan", source)
    assert match is not None and source.text[match.start : match.end].endswith("yuan")
    assert find_quote("never written anywhere in this text", source) is None


# --- The real sources -------------------------------------------------------------------


def test_real_txt_and_html_state_revenue(sources_dir: Path) -> None:
    for name in ("001_18ce53219521eee2.txt", "001_18ce53219521eee2.html"):
        source = read_source(sources_dir / name)
        match = find_quote("280.15 billion yuan", source)
        assert match is not None, name
        assert match.text == "280.15 billion yuan"


def test_real_txt_defects(sources_dir: Path) -> None:
    source = read_source(sources_dir / "000_44e83391e2a43152.txt")
    match = find_quote("earnings call He mentioned", source)
    assert match is not None and match.locator == "line 4"
    assert find_quote("existing businesses with AI", source) is not None
    assert find_quote("existing businesseswith AI", source) is not None
    crossing = find_quote("Amap achieved profitability this quarter. Looking ahead", source)
    assert crossing is not None
    assert "\u00a0" in crossing.text  # it spans a line holding only a non-breaking space


def test_real_pdf_quotes_cross_lines_and_pages(sources_dir: Path) -> None:
    source = read_source(sources_dir / "004_eb0ad920de8b15a4.pdf")
    wrapped = find_quote("a year-on-year increase of 7%", source)
    assert wrapped is not None
    assert "\n" in wrapped.text
    assert wrapped.locator.startswith("page 1, ")
    page_break = find_quote("imposing a fine of 18.228 billion yuan", source)
    assert page_break is not None
    assert page_break.locator.startswith("page 2, ")
    assert source.page_of(page_break.end - 1) == 3
    capex = find_quote("the 24.6 billion yuan level", source)
    assert capex is not None and capex.locator.startswith("page 2, ")


def test_real_pdf_and_txt_agree(sources_dir: Path) -> None:
    pdf = read_source(sources_dir / "004_eb0ad920de8b15a4.pdf")
    txt = read_source(sources_dir / "004_eb0ad920de8b15a4.txt")
    for quote in ("revenue of 236.454 billion yuan", "CMR (Customer Management Revenue)"):
        assert find_quote(quote, pdf) is not None, quote
        assert find_quote(quote, txt) is not None, quote


# --- Property: one changed digit is never accepted --------------------------------------

_AMOUNT = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2)


@st.composite
def _number_and_mutant(draw: st.DrawFn) -> tuple[str, str]:
    number = f"{draw(_AMOUNT):f}"
    positions = [i for i, char in enumerate(number) if char.isdigit()]
    position = draw(st.sampled_from(positions))
    replacement = draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    action = draw(st.sampled_from(["replace", "insert", "delete", "prepend", "append"]))
    if action == "replace":
        mutant = number[:position] + replacement + number[position + 1 :]
    elif action == "insert":
        mutant = number[:position] + replacement + number[position:]
    elif action == "delete" and len(positions) > 1:
        mutant = number[:position] + number[position + 1 :]
    elif action == "prepend":
        mutant = replacement + number
    else:
        mutant = number + replacement
    return number, mutant


@settings(max_examples=300, deadline=None)
@given(_number_and_mutant(), st.sampled_from(["{} billion yuan", "Rmb{}bn", "up {}%", "{}"]))
def test_changed_digit_is_never_found(pair: tuple[str, str], frame: str) -> None:
    number, mutant = pair
    if Decimal(mutant) == Decimal(number) and mutant.strip("0") == number.strip("0"):
        return  # the mutation only moved a zero the reading ignores, e.g. "05.00"
    quote = "sales of " + frame.format(number) + " in"
    source = "Last year sales of " + frame.format(mutant) + " in the quarter."
    assert _find(quote, source) is None
    assert _find(quote.replace(number, mutant), "Last year " + quote + " the quarter.") is None


@settings(max_examples=200, deadline=None)
@given(_number_and_mutant())
def test_changed_digit_fails_the_value_check(pair: tuple[str, str]) -> None:
    number, mutant = pair
    if Decimal(mutant) == Decimal(number):
        return
    result = value_in_quote(f"sales of {mutant} billion yuan", Decimal(number), Kind.AMOUNT,
                            Scale.BILLION, Currency.CNY)  # fmt: skip
    assert not result.ok


# --- value_in_quote ---------------------------------------------------------------------

B, M, U = Scale.BILLION, Scale.MILLION, Scale.UNIT
CNY, USD = Currency.CNY, Currency.USD


@pytest.mark.parametrize(
    ("quote", "value", "kind", "scale", "currency"),
    [
        ("revenue of 280.15 billion yuan ($38.63 billion)", "280.15", Kind.AMOUNT, B, CNY),
        ("revenue of 280.15 billion yuan ($38.63 billion)", "38.63", Kind.AMOUNT, B, USD),
        ("Rmb280.15bn", "280.15", Kind.AMOUNT, B, CNY),
        ("1,300 million yuan", "1.3", Kind.AMOUNT, B, CNY),
        ("1.3 billion yuan", "1300", Kind.AMOUNT, M, CNY),
        ("up 8 percent", "8", Kind.PERCENT, U, None),
        ("up eight percent", "8", Kind.PERCENT, U, None),
        ("margin widened 2 percentage points", "2", Kind.PERCENTAGE_POINTS, U, None),
        ("an increase of 2 times", "2", Kind.MULTIPLE, U, None),
        ("grew 3x", "3", Kind.MULTIPLE, U, None),
        ("over 90,000 staff", "90000", Kind.COUNT, U, None),
        ("49 million users", "49", Kind.COUNT, M, None),
        ("at 7.25 yuan per dollar", "7.25", Kind.RATIO, U, None),
        ("shares fell 12%", "-12", Kind.PERCENT, U, None),
        ("a decline of 12% in", "-12", Kind.PERCENT, U, None),
        ("a 12% year-on-year drop", "-12", Kind.PERCENT, U, None),
        ("changed -12% on", "-12", Kind.PERCENT, U, None),
        ("grew 12% while costs fell", "12", Kind.PERCENT, U, None),
        ("sales were 12% lower", "-12", Kind.PERCENT, U, None),
        ("revenue fell 5% to 12 billion yuan", "12", Kind.AMOUNT, B, CNY),
        ("in Q4 2024 revenue grew 8%", "8", Kind.PERCENT, U, None),
        ("growth for seven consecutive quarters", "7", Kind.COUNT, U, None),
        ("for the sixth consecutive quarter", "6", Kind.COUNT, U, None),
        ("for the 6th consecutive quarter", "6", Kind.COUNT, U, None),
        ("revenue of 280.15 billion yuan", "280.1500", Kind.AMOUNT, U, CNY),
    ],
)
def test_value_stated(
    quote: str, value: str, kind: Kind, scale: Scale, currency: Currency | None
) -> None:
    if value == "280.1500":  # same magnitude, written in yuan with matching precision
        value, scale = "280150000000", U
    result = value_in_quote(quote, Decimal(value), kind, scale, currency)
    assert result.ok, result.reason
    assert result.quantity is not None


@pytest.mark.parametrize(
    ("quote", "value", "kind", "scale", "currency", "reason"),
    [
        ("Rmb281bn", "280.15", Kind.AMOUNT, B, CNY, "not 280.15 billion CNY"),
        ("Rmb280.1bn", "280.15", Kind.AMOUNT, B, CNY, "not 280.15"),
        ("Rmb280.15bn", "280.150", Kind.AMOUNT, B, CNY, "more precision (3 decimal places)"),
        ("Rmb280.15bn", "280", Kind.AMOUNT, B, CNY, "rounding"),
        ("Rmb280.15bn", "280.2", Kind.AMOUNT, B, CNY, "rounding"),
        ("1.3 billion yuan", "1300.0", Kind.AMOUNT, M, CNY, "more precision"),
        ("Rmb280.15bn", "280.15", Kind.AMOUNT, B, USD, "wrong currency"),
        ("280.15 billion", "280.15", Kind.AMOUNT, B, CNY, "currency not stated in quote"),
        ("280.15 million yuan", "280.15", Kind.AMOUNT, B, CNY, "scale differs"),
        ("up 8 percentage points", "8", Kind.PERCENT, U, None, "percentage points"),
        ("up 8%", "8", Kind.PERCENTAGE_POINTS, U, None, "figure is percentage points"),
        ("up 8", "8", Kind.PERCENT, U, None, "without a percent sign"),
        ("up 8%", "8", Kind.MULTIPLE, U, None, "not a multiple"),
        ("up 8%", "8", Kind.COUNT, U, None, "a percentage"),
        ("$90,000 paid", "90000", Kind.COUNT, U, None, "figure is a count"),
        ("shares rose 12%", "-12", Kind.PERCENT, U, None, "figure is negative"),
        ("capex decreased to 24 billion yuan", "-24", Kind.AMOUNT, B, CNY, "decrease word"),
        ("down from 32 billion yuan", "-32", Kind.AMOUNT, B, CNY, "figure is negative"),
        ("fell 12%", "12", Kind.PERCENT, U, None, "sign differs"),
        ("a 12% y/y drop", "12", Kind.PERCENT, U, None, "sign differs"),
        ("changed -12% on", "12", Kind.PERCENT, U, None, "sign differs"),
        ("in Q4 2024", "4", Kind.COUNT, U, None, "'4' (part of a name), '2024' (year)"),
        ("the 6th year", "6", Kind.PERCENT, U, None, "'6th' (ordinal)"),
        ("no digits here", "4", Kind.COUNT, U, None, "quote states no number"),
        ("Qwen2.5-Max", "2.5", Kind.RATIO, U, None, "part of a name"),
    ],
)
def test_value_not_stated(
    quote: str, value: str, kind: Kind, scale: Scale, currency: Currency | None, reason: str
) -> None:
    result = value_in_quote(quote, Decimal(value), kind, scale, currency)
    assert not result.ok
    assert reason in result.reason


def test_best_reason_wins_among_several_numbers() -> None:
    quote = "in 2024 revenue of 280.15 billion ($38.63 billion) rose 8%"
    result = value_in_quote(quote, Decimal("280.15"), Kind.AMOUNT, B, CNY)
    assert not result.ok
    assert result.reason.startswith("currency not stated")
    assert result.quantity is not None and result.quantity.value == Decimal("280.15")
