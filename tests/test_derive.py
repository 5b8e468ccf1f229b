"""Derived figures recompute within the precision of their inputs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from briefgen.derive import half_unit, recompute
from briefgen.models import Figure

_PERIOD = {"start": "2024-01-01", "end": "2024-12-31"}


def _cited(ident: str, value: str, **extra: Any) -> Figure:
    fields: dict[str, Any] = {
        "id": ident,
        "label": ident,
        "metric": "m",
        "value": Decimal(value),
        "kind": "amount",
        "currency": "CNY",
        "scale": "billion",
        "period": _PERIOD,
        "citations": [{"source": "s", "quote": "a quote"}],
    }
    return Figure.model_validate(fields | extra)


def _derived(value: str, op: str, inputs: list[str], kind: str, **extra: Any) -> Figure:
    fields: dict[str, Any] = {
        "id": "d",
        "label": "d",
        "metric": "m",
        "value": Decimal(value),
        "kind": kind,
        "period": _PERIOD,
        "derived": {"op": op, "inputs": inputs, **extra},
    }
    if kind == "amount":
        fields |= {"currency": "CNY", "scale": "billion"}
    return Figure.model_validate(fields)


def test_half_unit() -> None:
    assert half_unit(Decimal("280.15")) == Decimal("0.005")
    assert half_unit(Decimal("53")) == Decimal("0.5")


def test_growth_within_input_precision() -> None:
    current, prior = _cited("a", "72.5"), _cited("b", "24")
    assert recompute(_derived("202", "growth", ["a", "b"], "percent"), [current, prior]).consistent  # type: ignore[union-attr]
    assert not recompute(
        _derived("250", "growth", ["a", "b"], "percent"), [current, prior]
    ).consistent  # type: ignore[union-attr]


def test_average_and_ratio() -> None:
    total = _cited("t", "380")
    assert recompute(_derived("126.7", "average", ["t"], "amount", count=3), [total]).consistent  # type: ignore[union-attr]
    assert not recompute(_derived("130.0", "average", ["t"], "amount", count=3), [total]).consistent  # type: ignore[union-attr]
    usd = _cited("u", "38.4", currency="USD")
    assert recompute(
        _derived("7.30", "ratio", ["t", "u"], "ratio"), [_cited("t", "280.15"), usd]
    ).consistent  # type: ignore[union-attr]


def test_division_by_zero_is_undefined() -> None:
    assert (
        recompute(_derived("1", "ratio", ["a", "b"], "ratio"), [_cited("a", "1"), _cited("b", "0")])
        is None
    )


@given(
    a=st.decimals(min_value=1, max_value=10**6, places=2, allow_nan=False),
    b=st.decimals(min_value=1, max_value=10**6, places=2, allow_nan=False),
)
def test_exact_sum_is_always_consistent(a: Decimal, b: Decimal) -> None:
    total = _derived(str(a + b), "sum", ["a", "b"], "amount")
    result = recompute(total, [_cited("a", str(a)), _cited("b", str(b))])
    assert result is not None and result.consistent and result.value == a + b
