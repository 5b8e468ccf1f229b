"""Displayed forms of figures and periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from briefgen import display
from briefgen.models import Figure, Period


def _figure(**fields: Any) -> Figure:
    base: dict[str, Any] = {
        "id": "f",
        "label": "F",
        "metric": "m",
        "period": {"start": "2024-10-01", "end": "2024-12-31"},
        "citations": [{"source": "s", "quote": "some quote"}],
    }
    return Figure.model_validate(base | fields)


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        (
            {"value": Decimal("280.15"), "kind": "amount", "currency": "CNY", "scale": "billion"},
            "RMB 280.15bn",
        ),
        (
            {"value": Decimal("53"), "kind": "amount", "currency": "USD", "scale": "billion"},
            "US$53bn",
        ),
        (
            {"value": Decimal("36"), "kind": "amount", "currency": "CNY", "scale": "million"},
            "RMB 36m",
        ),
        ({"value": Decimal("-12"), "kind": "percent"}, "\u221212%"),
        ({"value": Decimal("90000"), "kind": "count"}, "90,000"),
        ({"value": Decimal("49"), "kind": "count", "scale": "million"}, "49 million"),
        ({"value": Decimal("1.75"), "kind": "multiple"}, "1.75x"),
        ({"value": Decimal("7.30"), "kind": "ratio"}, "7.30"),
        ({"value": Decimal("2.5"), "kind": "pp"}, "2.5pp"),
    ],
)
def test_figure_value(fields: dict[str, Any], shown: str) -> None:
    assert display.figure_value(_figure(**fields)) == shown


@pytest.mark.parametrize(
    ("start", "end", "fiscal", "calendar"),
    [
        (date(2024, 10, 1), date(2024, 12, 31), "Q3 FY2025", "Oct-Dec 2024"),
        (date(2025, 1, 1), date(2025, 3, 31), "Q4 FY2025", "Jan-Mar 2025"),
        (date(2024, 4, 1), date(2025, 3, 31), "FY2025", "Apr 2024-Mar 2025"),
        (date(2024, 1, 1), date(2024, 12, 31), "2024", "2024"),
        (date(2025, 4, 1), date(2028, 3, 31), "FY2026-FY2028", "Apr 2025-Mar 2028"),
        (date(2024, 12, 31), date(2024, 12, 31), "at 31 Dec 2024", "at 31 Dec 2024"),
    ],
)
def test_period_labels(start: date, end: date, fiscal: str, calendar: str) -> None:
    period = Period(start=start, end=end)
    assert display.fiscal_label(period, 3) == fiscal
    assert display.calendar_label(period) == calendar


def test_calendar_fiscal_year() -> None:
    period = Period(start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert display.fiscal_label(period, 12) == "2024"
    assert (
        display.fiscal_label(Period(start=date(2024, 7, 1), end=date(2024, 9, 30)), 12) == "Q3 2024"
    )
