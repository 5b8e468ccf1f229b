"""Reference syntax and naked-figure detection in prose."""

from __future__ import annotations

import pytest

from briefgen.prose import naked_numbers, parse_prose


def test_references_and_names_split_into_segments() -> None:
    segments, issues = parse_prose("Revenue {rev_q3}, with {name:Qwen 2.5-Max} and {{braces}}.")
    assert issues == []
    assert [(s.text, s.figure, s.is_name) for s in segments] == [
        ("Revenue ", None, False),
        ("", "rev_q3", False),
        (", with ", None, False),
        ("Qwen 2.5-Max", None, True),
        (" and ", None, False),
        ("{", None, False),
        ("braces", None, False),
        ("}", None, False),
        (".", None, False),
    ]


@pytest.mark.parametrize(
    "text",
    ["Qwen2.5-Max", "88VIP members", "GPT-4o", "results for Q4", "in 2025", "FY2026", "V3 model"],
)
def test_names_and_years_are_not_figures(text: str) -> None:
    assert naked_numbers(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("grew 13% on the year", ["13%"]),
        ("reached RMB 31.7bn", ["31.7bn"]),
        ("over 90,000 models", ["90,000"]),
        ("up 2x", ["2x"]),
        ("5 billion yuan", ["5 billion"]),
        ("-12 percent", ["-12 percent"]),
        ("a fine of 18.228 billion", ["18.228 billion"]),
        ("the 2025 plan is 380 billion", ["380 billion"]),
    ],
)
def test_quantities_in_prose_are_naked(text: str, found: list[str]) -> None:
    assert naked_numbers(text) == found


@pytest.mark.parametrize("text", ["{bad id}", "a { b", "x } y", "{name:}"])
def test_malformed_references_are_reported(text: str) -> None:
    _, issues = parse_prose(text)
    assert issues and all(i.code in {"prose-reference", "prose-brace"} for i in issues)
