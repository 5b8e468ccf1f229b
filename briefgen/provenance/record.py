"""The provenance record: per slide, every figure shown, with its sources and quotes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

NAMESPACE = "urn:briefgen:provenance:1"
VERSION = 1


@dataclass(frozen=True)
class QuoteRecord:
    source: str
    quote: str
    locator: str | None = None


@dataclass(frozen=True)
class Shown:
    """One figure shown on a slide: in a paragraph, or at a point of a chart."""

    figure: str
    text: str  # as displayed: "RMB 280.15bn", "+8%", or the chart's cached value
    sources: tuple[str, ...]
    quotes: tuple[QuoteRecord, ...]
    paragraph: int | None = None  # index into the slide's paragraphs
    chart: int | None = None  # index of the chart on the slide, its series and point
    series: int | None = None
    point: int | None = None


@dataclass(frozen=True)
class SlideRecord:
    index: int  # 1-based position in the deck as built
    title: str
    paragraphs: tuple[str, ...]
    charts: tuple[tuple[tuple[str, ...], ...], ...]  # chart -> series -> cached point values
    figures: tuple[Shown, ...]


@dataclass(frozen=True)
class Provenance:
    pack: str
    template: str
    as_of: str
    generator: str
    allowed: tuple[str, ...]  # values any slide may show (figures, dates, periods), sorted
    slides: tuple[SlideRecord, ...]

    def allowed_values(self) -> frozenset[Decimal]:
        return frozenset(Decimal(v) for v in self.allowed)
