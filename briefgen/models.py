"""The content model: what a pack says, as frozen pydantic models.

Values are exact :class:`~decimal.Decimal`; periods are dates. Prose fields hold
figure references (see :mod:`briefgen.prose`) and are checked when the pack is
resolved, not here.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=64),
]
Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", min_length=1, max_length=64),
]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Prose = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Quote = Annotated[str, StringConstraints(min_length=3, max_length=300)]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _empty() -> list[Any]:
    """A new empty list, as a field default (a plain function: pydantic inspects a factory's
    signature, and reading the builtin ``list``'s costs a cold start several milliseconds)."""
    return []


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Kind(StrEnum):
    """What sort of quantity a figure is; decides how it is matched and shown."""

    AMOUNT = "amount"  # money: needs a currency
    PERCENT = "percent"  # a rate or share, 8 means 8%
    PERCENTAGE_POINTS = "pp"  # a difference of two percentages
    COUNT = "count"  # people, models, orders
    RATIO = "ratio"  # a plain number from dividing two quantities, such as an FX rate
    MULTIPLE = "multiple"  # "2x"


class Scale(StrEnum):
    UNIT = "unit"
    THOUSAND = "thousand"
    MILLION = "million"
    BILLION = "billion"
    TRILLION = "trillion"

    @property
    def factor(self) -> Decimal:
        return _SCALE_FACTORS[self]


_SCALE_FACTORS = {
    Scale.UNIT: Decimal(1),
    Scale.THOUSAND: Decimal(10) ** 3,
    Scale.MILLION: Decimal(10) ** 6,
    Scale.BILLION: Decimal(10) ** 9,
    Scale.TRILLION: Decimal(10) ** 12,
}


class Currency(StrEnum):
    CNY = "CNY"
    USD = "USD"
    HKD = "HKD"
    EUR = "EUR"


class Basis(StrEnum):
    """What a figure measures about its metric."""

    LEVEL = "level"  # the amount itself
    YOY = "yoy"  # change on the same period a year earlier
    QOQ = "qoq"  # change on the previous period
    YTD = "ytd"  # change since the start of the year
    AVERAGE = "average"  # an average per sub-period
    TARGET = "target"  # a stated plan or commitment


class Bound(StrEnum):
    """Whether the source states the value exactly or as a bound ("over 380 billion")."""

    EXACT = "exact"
    OVER = "over"
    AT_LEAST = "at_least"
    UNDER = "under"
    UP_TO = "up_to"
    ABOUT = "about"


class SourceKind(StrEnum):
    FILING = "filing"
    CALL = "call"
    NEWS = "news"
    ANALYSIS = "analysis"


class Period(_Model):
    """The span a figure describes; a point in time has ``start == end``."""

    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Citation(_Model):
    source: Identifier
    quote: Quote
    locator: ShortText | None = None


class Derivation(_Model):
    """How a figure is computed from other figures.

    ``growth``: inputs [current, prior], percent change.
    ``difference``: inputs [a, b], a - b.
    ``sum``: inputs added.
    ``ratio``: inputs [a, b], a / b (kind multiple or ratio).
    ``share``: inputs [part, whole], percent.
    ``average``: inputs [total], divided by ``count`` sub-periods.
    ``convert``: inputs [amount, rate], amount divided by rate (rate in from-units per to-unit).
    """

    op: Literal["growth", "difference", "sum", "ratio", "share", "average", "convert"]
    inputs: list[Identifier] = Field(min_length=1, max_length=50)
    count: int | None = Field(default=None, ge=1, le=1000)

    @model_validator(mode="after")
    def _arity(self) -> Derivation:
        binary = {"growth", "difference", "ratio", "share", "convert"}
        if self.op in binary and len(self.inputs) != 2:
            raise ValueError(f"'{self.op}' takes exactly two inputs")
        if self.op == "average":
            if len(self.inputs) != 1:
                raise ValueError("'average' takes exactly one input")
            if self.count is None:
                raise ValueError("'average' needs 'count', the number of sub-periods")
        elif self.count is not None:
            raise ValueError(f"'count' only applies to 'average', not '{self.op}'")
        return self


class Figure(_Model):
    id: Identifier
    label: ShortText
    metric: Identifier
    entity: Identifier = "group"
    basis: Basis = Basis.LEVEL
    value: Decimal
    bound: Bound = Bound.EXACT
    kind: Kind
    currency: Currency | None = None
    scale: Scale = Scale.UNIT
    period: Period
    citations: list[Citation] = Field(default_factory=_empty, max_length=20)
    derived: Derivation | None = None
    note: Prose | None = None

    @field_validator("value")
    @classmethod
    def _finite(cls, value: Decimal) -> Decimal:
        if not value.is_finite():
            raise ValueError("must be a finite number")
        if value.adjusted() >= 15:  # abs(value) >= 10**15 overflows for '1e400000000'
            raise ValueError("is absurdly large; use 'scale' (million, billion, trillion)")
        if value.as_tuple().exponent < -6:  # type: ignore[operator]
            raise ValueError("has more than six decimal places")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Figure:
        if self.kind is Kind.AMOUNT and self.currency is None:
            raise ValueError("an amount needs a 'currency'")
        if self.kind is not Kind.AMOUNT and self.currency is not None:
            raise ValueError(f"'currency' applies only to amounts, not to kind '{self.kind}'")
        if not self.citations and self.derived is None:
            raise ValueError("needs 'citations' (source and quote) or a 'derived' formula")
        return self

    @property
    def decimals(self) -> int:
        """Decimal places the value is stated to, from how it was written."""
        exponent = self.value.as_tuple().exponent
        return max(0, -int(exponent))


class Source(_Model):
    id: Identifier
    title: ShortText
    publisher: ShortText | None = None
    author: ShortText | None = None
    published: date | None = None
    kind: SourceKind
    file: ShortText
    url: ShortText | None = None
    sha256: str | None = None
    covers: ShortText | None = None

    @field_validator("sha256")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        if value is not None and not _SHA256.match(value):
            raise ValueError("must be 64 lowercase hexadecimal characters")
        return value


class Pillar(_Model):
    id: Identifier
    title: ShortText
    summary: Prose
    evidence: list[Prose] = Field(default_factory=_empty, max_length=12)
    sources: list[Identifier] = Field(default_factory=_empty)


class Level(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Risk(_Model):
    id: Identifier
    title: ShortText
    detail: Prose
    severity: Level
    likelihood: Level
    sources: list[Identifier] = Field(min_length=1)


class Resolution(_Model):
    """Two or more sources disagree about one metric; which reading stands, and why."""

    id: Identifier
    figures: list[Identifier] = Field(min_length=2)
    stands: Identifier
    reason: Prose

    @model_validator(mode="after")
    def _stands_among(self) -> Resolution:
        if self.stands not in self.figures:
            raise ValueError(f"'stands' must be one of 'figures' ({', '.join(self.figures)})")
        return self


class HighlightRow(_Model):
    label: ShortText
    metric: Identifier
    entity: Identifier = "group"
    currency: Currency | None = None


class Highlights(_Model):
    """The financial highlights table: rows of metrics, a column per period."""

    title: ShortText = "Financial highlights"
    periods: list[Period] = Field(min_length=1, max_length=6)
    rows: list[HighlightRow] = Field(min_length=1, max_length=60)


class ChartSeries(_Model):
    name: ShortText
    figures: list[Identifier] = Field(min_length=1, max_length=60)
    axis: Literal["primary", "secondary"] = "primary"


class Chart(_Model):
    id: Identifier
    title: ShortText
    type: Literal["column", "bar", "line", "combo"] = "column"
    categories: list[ShortText] = Field(min_length=1, max_length=60)
    series: list[ChartSeries] = Field(min_length=1, max_length=6)

    @model_validator(mode="after")
    def _shape(self) -> Chart:
        for series in self.series:
            if len(series.figures) != len(self.categories):
                raise ValueError(
                    f"series '{series.name}' has {len(series.figures)} figures "
                    f"for {len(self.categories)} categories"
                )
        if self.type == "combo" and not any(s.axis == "secondary" for s in self.series):
            raise ValueError("a 'combo' chart needs a series on the secondary axis")
        return self


class PackMeta(_Model):
    name: Slug
    company: ShortText
    company_local: ShortText | None = None
    ticker: ShortText | None = None
    title: ShortText
    subtitle: ShortText | None = None
    audience: ShortText | None = None
    as_of: date
    fiscal_year_end_month: int = Field(default=12, ge=1, le=12)
    currency: Currency = Currency.USD
    template: Slug = "default"
    headline: Prose
    summary: list[Prose] = Field(min_length=1, max_length=8)
    key_figures: list[Identifier] = Field(min_length=1, max_length=8)
    names: list[ShortText] = Field(default_factory=_empty)


class Pack(_Model):
    """A whole content pack, as loaded and validated (references not yet resolved)."""

    meta: PackMeta
    sources: list[Source] = Field(min_length=1)
    figures: list[Figure] = Field(min_length=1)
    pillars: list[Pillar] = Field(default_factory=_empty)
    risks: list[Risk] = Field(default_factory=_empty)
    resolutions: list[Resolution] = Field(default_factory=_empty)
    highlights: Highlights | None = None
    charts: list[Chart] = Field(default_factory=_empty)
