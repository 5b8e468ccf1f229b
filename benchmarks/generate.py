#!/usr/bin/env python3
"""Generate a synthetic content pack, and the source texts behind it, for benchmarking.

    python benchmarks/generate.py OUT_DIR --figures N --pillars M --risks K --sources S [--seed 0]

writes ``OUT_DIR/pack/`` (pack.yaml with a highlights table, sources.yaml with sha256
pins, figures.yaml, pillars.yaml, risks.yaml, resolutions.yaml, charts.yaml) and
``OUT_DIR/sources/`` (S plain-text news stories written here, about 110 bytes a figure:
10,000 figures over 100 sources come to about 1.1 MB). Above 2,500 figures the figures
go to figures-01.yaml, figures-02.yaml, ... (read in name order). The pack verifies
cleanly: ``briefgen check OUT_DIR/pack --sources OUT_DIR/sources`` exits 0 with 100%
coverage. At most about 28,000 figures (20 regions by 20 business lines by 6 metrics
over 16 quarters); ``--charts`` defaults to one per pillar, at least two.

Every cited figure is quoted with the exact words of its source ("revenue of 120.50
billion yuan", "a 7.5% rise in active users"). Each figure has its own metric, entity,
basis, period, kind and currency, so sources never disagree by accident; the pack adds
one agreeing pair at different precision and two real disagreements, each resolved.
Some figures are derived (year-on-year growth of an amount) and recompute exactly.
Prose refers to figures by ``{figure_id}`` and never types a digit.

Sizes drive the deck: one slide per pillar and per chart, the figure register grows with
the figures (about nine rows a slide), the risks table with the risks (a few a slide)
and the sources table with the sources. The one-page brief lists every pillar and risk,
so once the pillars plus half the risks pass about 22 ``build`` refuses the brief
(``brief-over-budget``); ``check`` does not measure it.

The same arguments and seed give byte-identical output: no clocks, no set ordering.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

COMPANY = "Harrowgate Group"
AS_OF = date(2025, 2, 28)
FIRST_YEAR, LAST_YEAR = 2021, 2024
FIGURES_PER_FILE = 2500  # a pack file may not exceed 5 MB; split long figure lists
MIN_FIGURES, MIN_SOURCES = 40, 3

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip
_ORDINAL = ("first", "second", "third", "fourth")
_QUARTER_END = ((3, 31), (6, 30), (9, 30), (12, 31))

REGIONS = (
    "northern", "southern", "eastern", "western", "coastal", "inland", "central", "metro",
    "rural", "overseas", "domestic", "border", "island", "highland", "delta", "harbour",
    "valley", "northeast", "southwest", "lakeside",
)  # fmt: skip
LINES = (
    "cloud", "retail", "logistics", "payments", "media", "gaming", "travel", "grocery",
    "health", "mapping", "devices", "ads", "lending", "insurance", "education", "energy",
    "security", "music", "automotive", "property",
)  # fmt: skip


@dataclass(frozen=True)
class Metric:
    """A measured quantity and how sources state it."""

    key: str
    noun: str  # for labels
    kind: str
    currency: str | None
    scale: str
    places: int
    low: float
    high: float
    phrases: tuple[str, ...]  # quote templates; {v} is the value as the source writes it
    growth: bool = False  # year-on-year growth is derived for it


METRICS = (
    Metric(
        "revenue", "revenue", "amount", "CNY", "billion", 2, 2, 400,
        ("revenue of {v} billion yuan", "revenue of Rmb{v}bn", "sales of RMB {v} billion"),
        growth=True,
    ),
    Metric(
        "operating_income", "operating income", "amount", "CNY", "billion", 2, 0.5, 60,
        ("operating income of {v} billion yuan", "an operating profit of Rmb{v}bn"),
        growth=True,
    ),
    Metric(
        "capex", "capital spending", "amount", "USD", "million", 1, 50, 900,
        ("capital spending of ${v} million", "capex of US${v}m"),
    ),
    Metric(
        "active_users", "active users", "count", None, "million", 1, 1, 400,
        ("a base of {v} million active users", "{v} million monthly active users"),
    ),
    Metric(
        "contracts", "enterprise contracts", "count", None, "unit", 0, 120, 9800,
        ("{v} new enterprise contracts", "a total of {v} signed contracts"),
    ),
    Metric(
        "operating_margin", "operating margin", "percent", None, "unit", 1, 2, 45,
        ("an operating margin of {v}%", "a margin of {v} percent"),
    ),
)  # fmt: skip
USER_GROWTH_UP = ("a {v}% rise in active users", "a {v} percent increase in users")
USER_GROWTH_DOWN = ("a {v}% decline in active users", "a {v} percent drop in users")

SENTENCES = (
    "{company}'s {entity} unit reported {quote} for the {period}.",
    "For the {period}, the {entity} business posted {quote}, the company said.",
    "The {entity} division recorded {quote} in the {period}, according to the release.",
    "Over the {period}, {entity} delivered {quote}, ahead of what analysts had pencilled in.",
    "Executives said {entity} saw {quote} during the {period}.",
    "In the {period} the {entity} arm booked {quote}, which the finance chief called steady.",
    "Filings show {entity} with {quote} in the {period}.",
)
GROUP_SENTENCES = (
    "{company} reported {quote} for the {period}.",
    "For the {period}, the group posted {quote}, the company said.",
    "Over the {period}, {company} delivered {quote}, according to the release.",
)
FILLER = (
    "Management said demand from smaller merchants remained uneven across the regions.",
    "Analysts asked again about pricing discipline, and the answers were guarded.",
    "The company repeated that it would keep investing through the cycle.",
    "Shares moved little after the call as investors weighed the outlook.",
    "Executives declined to give guidance beyond the current fiscal year.",
    "Several brokers raised their targets, citing steadier execution.",
    "Competition for enterprise customers has intensified, the report noted.",
    "Costs for computing capacity continued to climb, according to people briefed on the plan.",
    "The board said capital returns would stay under review.",
    "Regulators have not commented on the restructuring announced earlier.",
    "A spokesperson said integration work was proceeding as planned.",
    "Merchants interviewed for this story described a more crowded market.",
    "The chief executive described the quarter as one of consolidation.",
    "Some investors remain sceptical that the new units can stand on their own.",
    "The group did not break out the contribution of recent acquisitions.",
    "Currency swings added noise to the comparison, the finance team said.",
)
PUBLISHERS = (
    "Harbour Wire", "Lantern Daily", "Meridian Markets", "Tidewater Journal",
    "Granite Street Digest", "Northbridge Ledger", "Copperline News", "Summit Business Review",
)  # fmt: skip
TOPICS = (
    "results roundup", "segment review", "quarterly update", "investor notes",
    "earnings digest", "business briefing", "strategy report", "market wrap",
)  # fmt: skip
KINDS = ("news", "filing", "call", "analysis")
VERBS = (
    "Scale", "Deepen", "Expand", "Modernise", "Simplify", "Monetise", "Automate",
    "Localise", "Protect", "Integrate",
)  # fmt: skip
THEMES = (
    "cloud capacity", "merchant services", "logistics reach", "payments", "media rights",
    "consumer apps", "enterprise software", "data centres", "partner networks",
    "developer tools", "supply chains", "brand trust",
)  # fmt: skip
# Short enough that a pillar takes one line of the one-page brief.
PILLAR_SUMMARIES = (
    "Invest where demand is proven.",
    "Make it pay its own way.",
    "Share the platform across units.",
    "Turn a cost into a product.",
    "Win back share from rivals.",
    "Lower unit costs at scale.",
)
RISK_CAUSES = (
    "Pricing", "Regulatory", "Currency", "Chip supply", "Tariff", "Credit", "Talent",
    "Cyber", "Rival", "Execution", "Liquidity", "Reputation", "Weather", "Privacy",
    "Partner",
)  # fmt: skip
RISK_EFFECTS = ("pressure", "shock", "drag", "exposure", "squeeze")
LEVELS = ("low", "medium", "high")


# --- periods --------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        month, day = _QUARTER_END[self.number - 1]
        return date(self.year, month, day)

    @property
    def slug(self) -> str:
        return f"{self.year}q{self.number}"

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"

    def words(self, rng: random.Random) -> str:
        month = _MONTHS[3 * self.number - 1]
        return rng.choice(
            (
                f"quarter to {self.end.day} {month} {self.year}",
                f"{month} {self.year} quarter",
                f"{_ORDINAL[self.number - 1]} quarter of {self.year}",
                f"three months to {month} {self.year}",
            )
        )


QUARTERS = tuple(Quarter(y, n) for y in range(FIRST_YEAR, LAST_YEAR + 1) for n in (1, 2, 3, 4))


# --- the model of what is generated ----------------------------------------------------


@dataclass
class Fig:
    id: str
    label: str
    metric: str
    entity: str
    value: Decimal
    kind: str
    quarter: Quarter
    basis: str = "level"
    currency: str | None = None
    scale: str = "unit"
    source: str | None = None  # cited figures: the source and its exact words
    quote: str | None = None
    sentence: str | None = None  # the sentence of the source that holds the quote
    inputs: tuple[str, ...] = ()  # derived figures: growth of inputs[0] over inputs[1]
    set_aside: bool = False


@dataclass
class Built:
    figures: list[Fig] = field(default_factory=list)
    by_id: dict[str, Fig] = field(default_factory=dict)
    resolutions: list[dict[str, object]] = field(default_factory=list)
    charts: list[dict[str, object]] = field(default_factory=list)
    highlight_rows: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # label, metric, entity
    headline: str = ""
    summary: list[str] = field(default_factory=list)
    key_figures: list[str] = field(default_factory=list)

    def add(self, figure: Fig) -> Fig:
        assert figure.id not in self.by_id, figure.id
        self.figures.append(figure)
        self.by_id[figure.id] = figure
        return figure


def _places(value: float, places: int) -> Decimal:
    step = Decimal(1).scaleb(-places)
    written = Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)
    return max(written, step)


def _written(value: Decimal) -> str:
    """The value as a source prints it: ``1,345.88``, ``412.3``."""
    return f"{value:,}"


def growth_of(current: Decimal, prior: Decimal) -> Decimal:
    """Year-on-year growth in percent, to one place, as the pack states it."""
    with localcontext() as ctx:
        ctx.prec = 34
        exact = (current / prior - 1) * 100
    rounded = exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def _title(text: str) -> str:
    return text[:1].upper() + text[1:]


class Generator:
    def __init__(
        self,
        figures: int,
        pillars: int,
        risks: int,
        sources: int,
        seed: int,
        charts: int | None,
        source_prefix: str = "",
    ) -> None:
        if figures < MIN_FIGURES:
            raise SystemExit(f"--figures must be at least {MIN_FIGURES}")
        if sources < MIN_SOURCES:
            raise SystemExit(f"--sources must be at least {MIN_SOURCES}")
        if pillars < 0 or risks < 0:
            raise SystemExit("--pillars and --risks may not be negative")
        if not re.fullmatch(r"([a-z][a-z0-9_]*)?", source_prefix):
            raise SystemExit("--source-prefix must be lower-case letters, digits and _")
        self.target = figures
        self.pillars = pillars
        self.risks = risks
        self.source_count = sources
        self.chart_count = max(2, pillars) if charts is None else max(1, charts)
        self.rng = random.Random(seed)
        self.built = Built()
        self.source_ids = [f"{source_prefix}news_{i + 1:03d}" for i in range(sources)]
        self._next_source = 0

    # -- figures --------------------------------------------------------------------

    def _cite(self, figure: Fig, quote: str, source: str | None = None) -> Fig:
        if source is None:
            source = self.source_ids[self._next_source % len(self.source_ids)]
            self._next_source += 1
        figure.source = source
        figure.quote = quote
        entity = self._entity_words(figure.entity)
        template = self.rng.choice(GROUP_SENTENCES if figure.entity == "group" else SENTENCES)
        figure.sentence = template.format(
            company=COMPANY,
            entity=entity,
            quote=quote,
            period=figure.quarter.words(self.rng),
        )
        return figure

    @staticmethod
    def _entity_words(entity: str) -> str:
        return "the group" if entity == "group" else entity.replace("_", " ")

    @property
    def room(self) -> int:
        return self.target - len(self.built.figures)

    def _level(
        self,
        entity: str,
        metric: Metric,
        quarter: Quarter,
        value: Decimal,
        source: str | None = None,
    ) -> Fig:
        label = f"{_title(self._entity_words(entity))} {metric.noun}"
        if entity == "group":
            label = f"Group {metric.noun}"
        figure = Fig(
            id=f"{entity}_{metric.key}_{quarter.slug}",
            label=label,
            metric=metric.key,
            entity=entity,
            value=value,
            kind=metric.kind,
            quarter=quarter,
            currency=metric.currency,
            scale=metric.scale,
        )
        shown = _written(value)
        return self._cite(figure, self.rng.choice(metric.phrases).format(v=shown), source)

    def _growth(self, current: Fig, prior: Fig) -> Fig:
        return Fig(
            id=f"{current.entity}_{current.metric}_growth_{current.quarter.slug}",
            label=f"{current.label} growth",
            metric=current.metric,
            entity=current.entity,
            value=growth_of(current.value, prior.value),
            kind="percent",
            quarter=current.quarter,
            basis="yoy",
            inputs=(current.id, prior.id),
        )

    def _user_growth(self, entity: str, quarter: Quarter) -> Fig:
        value = _places(self.rng.uniform(-8, 40), 1)
        if value == 0:
            value = Decimal("0.5")
        figure = Fig(
            id=f"{entity}_active_users_growth_{quarter.slug}",
            label=f"{_title(self._entity_words(entity))} active user growth",
            metric="active_users",
            entity=entity,
            value=value,
            kind="percent",
            quarter=quarter,
            basis="yoy",
        )
        phrases = USER_GROWTH_DOWN if value < 0 else USER_GROWTH_UP
        return self._cite(figure, self.rng.choice(phrases).format(v=abs(value)))

    def _series_values(self, metric: Metric, length: int) -> list[Decimal]:
        base = self.rng.uniform(metric.low, metric.high)
        yearly = self.rng.uniform(-0.15, 0.4)
        values = []
        for t in range(length):
            raw = base * (1 + yearly) ** (t / 4) * self.rng.uniform(0.97, 1.03)
            if metric.kind == "percent":
                raw = min(max(raw, 0.5), 80.0)
            values.append(_places(raw, metric.places))
        return values

    def _series(self, entity: str, metric: Metric, length: int, latest_growth: bool) -> list[Fig]:
        """Quarterly figures ending with the last quarter, with some derived growth."""
        quarters = QUARTERS[-length:]
        made: list[Fig] = []
        for quarter, value in zip(quarters, self._series_values(metric, length), strict=True):
            if self.room <= 0:
                break
            level = self.built.add(self._level(entity, metric, quarter, value))
            made.append(level)
            if len(made) > 4 and metric.growth and self.room > 0:
                last = quarter == quarters[-1]
                if (latest_growth and last) or self.rng.random() < 0.5:
                    self.built.add(self._growth(level, made[-5]))
            if metric.key == "active_users" and self.rng.random() < 0.3 and self.room > 0:
                self.built.add(self._user_growth(entity, quarter))
        return made

    def _group(self) -> None:
        """Group revenue over two years, an agreeing rounded reading, and two conflicts."""
        revenue = METRICS[0]
        first, second, third = self.source_ids[:3]
        values = self._series_values(revenue, 8)
        values = [v * 4 for v in values]  # the group is bigger than any unit
        levels: list[Fig] = []
        for quarter, value in zip(QUARTERS[-8:], values, strict=True):
            levels.append(self.built.add(self._level("group", revenue, quarter, value, first)))
        for i in range(4, 8):
            self.built.add(self._growth(levels[i], levels[i - 4]))
        latest = levels[-1]
        rounded = latest.value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        digest = Fig(
            id=f"group_revenue_{latest.quarter.slug}_rounded",
            label="Group revenue (rounded)",
            metric="revenue",
            entity="group",
            value=rounded,
            kind="amount",
            quarter=latest.quarter,
            currency="CNY",
            scale="billion",
        )
        self.built.add(self._cite(digest, f"revenue came to Rmb{_written(rounded)}bn", second))

        # A dropped digit: net income growth of 43% read as 4% by a digest.
        stated = self.rng.randrange(21, 90)
        stated += 1 if stated % 10 == 0 else 0
        quarter = latest.quarter
        kept = Fig(
            id=f"group_net_income_growth_{quarter.slug}",
            label="Group net income growth",
            metric="net_income",
            entity="group",
            value=Decimal(stated),
            kind="percent",
            quarter=quarter,
            basis="yoy",
        )
        dropped = Fig(
            id=f"group_net_income_growth_{quarter.slug}_digest",
            label="Group net income growth (digest)",
            metric="net_income",
            entity="group",
            value=Decimal(stated // 10),
            kind="percent",
            quarter=quarter,
            basis="yoy",
            set_aside=True,
        )
        self.built.add(self._cite(kept, f"net income rose {stated} percent", first))
        self.built.add(self._cite(dropped, f"net income jumped {stated // 10} percent", second))
        self.built.resolutions.append(
            {
                "id": "group_net_income_growth",
                "figures": [kept.id, dropped.id],
                "stands": kept.id,
                "reason": f"The results release states {{{kept.id}}} beside the full accounts; "
                "the digest's far lower reading drops a digit.",
            }
        )

        # Two dollar conversions of one yuan result, at different rates.
        usd = (latest.value / Decimal("7.2")).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        other = usd + Decimal("0.23")
        dollar_a = Fig(
            id=f"group_revenue_usd_{quarter.slug}",
            label="Group revenue in US dollars",
            metric="revenue",
            entity="group",
            value=usd,
            kind="amount",
            quarter=quarter,
            currency="USD",
            scale="billion",
        )
        dollar_b = Fig(
            id=f"group_revenue_usd_{quarter.slug}_wire",
            label="Group revenue in US dollars (wire conversion)",
            metric="revenue",
            entity="group",
            value=other,
            kind="amount",
            quarter=quarter,
            currency="USD",
            scale="billion",
            set_aside=True,
        )
        self.built.add(self._cite(dollar_a, f"revenue of ${_written(usd)} billion", first))
        self.built.add(
            self._cite(dollar_b, f"total revenue of US${_written(other)} billion", third)
        )
        self.built.resolutions.append(
            {
                "id": "group_revenue_usd",
                "figures": [dollar_a.id, dollar_b.id],
                "stands": dollar_a.id,
                "reason": f"Both convert the same {{{latest.id}}}; the release uses one rate "
                "throughout, while the wire's rate appears nowhere else.",
            }
        )
        growth = self.built.by_id[f"group_revenue_growth_{quarter.slug}"]
        self.built.headline = (
            f"{COMPANY} grew revenue {{{growth.id}}} to {{{latest.id}}} as net income rose "
            f"{{{kept.id}}}; the units now carry the growth."
        )
        self.built.key_figures = [latest.id, growth.id, kept.id]
        self.built.highlight_rows.append(("Group revenue", "revenue", "group"))
        self.built.charts.append(
            {
                "id": "group_revenue",
                "title": "Group revenue by quarter",
                "type": "column",
                "categories": [f.quarter.label for f in levels],
                "series": [{"name": "RMB bn", "figures": [f.id for f in levels]}],
            }
        )

    def figures(self) -> None:
        self._group()
        entities = [f"{r}_{line}" for r in REGIONS for line in LINES]
        combos = [(e, m) for e in entities for m in METRICS]
        self.rng.shuffle(combos)
        # Six revenue series first, long enough for the segment chart and the table.
        leaders = [c for c in combos if c[1].key == "revenue"][:6]
        combos = leaders + [c for c in combos if c not in leaders]
        segment: list[tuple[Fig, Fig]] = []
        for index, (entity, metric) in enumerate(combos):
            if self.room <= 0:
                break
            length = self.rng.randint(9, 16) if index < len(leaders) else self.rng.randint(5, 16)
            made = self._series(entity, metric, length, latest_growth=index < len(leaders))
            growth_id = f"{entity}_revenue_growth_{QUARTERS[-1].slug}"
            if index < len(leaders) and made and growth_id in self.built.by_id:
                segment.append((made[-1], self.built.by_id[growth_id]))
                self.built.highlight_rows.append(
                    (f"{_title(self._entity_words(entity))} revenue", "revenue", entity)
                )
            if len(self.built.charts) < self.chart_count and len(made) >= 4 and index >= 6:
                shown = made[-8:]
                self.built.charts.append(
                    {
                        "id": f"{entity}_{metric.key}_trend",
                        "title": f"{made[0].label} by quarter",
                        "type": "line",
                        "categories": [f.quarter.label for f in shown],
                        "series": [{"name": _title(metric.noun), "figures": [f.id for f in shown]}],
                    }
                )
        if self.room > 0:
            raise SystemExit(
                f"cannot make {self.target} distinct figures; at most "
                f"{len(self.built.figures)} (add regions or business lines)"
            )
        if segment:
            self.built.charts.insert(
                1,
                {
                    "id": "segments_latest",
                    "title": f"Segment revenue and growth, {QUARTERS[-1].label}",
                    "type": "combo",
                    "categories": [_title(self._entity_words(f.entity)) for f, _ in segment],
                    "series": [
                        {"name": "Revenue (RMB bn)", "figures": [f.id for f, _ in segment]},
                        {
                            "name": "Year-on-year growth (%)",
                            "axis": "secondary",
                            "figures": [g.id for _, g in segment],
                        },
                    ],
                },
            )
        self.built.charts = self.built.charts[: self.chart_count]
        standing = [f for f in self.built.figures if not f.set_aside and f.entity != "group"]
        picks = self.rng.sample(standing, 3)
        self.built.summary = [
            f"{f.label} came to {{{f.id}}} in {f.quarter.label}." for f in picks
        ] + ["Every business line now reports its results in the same format."]

    # -- prose ----------------------------------------------------------------------

    def _sources_of(self, figures: Sequence[Fig]) -> list[str]:
        found: list[str] = []
        for figure in figures:
            for ident in [figure.id, *figure.inputs]:
                source = self.built.by_id[ident].source
                if source is not None and source not in found:
                    found.append(source)
        return found

    def _evidence(self, figure: Fig) -> str:
        if figure.basis == "yoy":
            return f"{figure.label} was {{{figure.id}}} on the year in {figure.quarter.label}."
        verb = self.rng.choice(("came to", "reached", "stood at"))
        return f"{figure.label} {verb} {{{figure.id}}} in {figure.quarter.label}."

    def pillar_data(self) -> list[dict[str, object]]:
        standing = [f for f in self.built.figures if not f.set_aside]
        titles = [f"{v} {t}" for t in THEMES for v in VERBS]
        self.rng.shuffle(titles)
        pillars: list[dict[str, object]] = []
        for i in range(self.pillars):
            title = titles[i % len(titles)]
            shown = self.rng.sample(standing, self.rng.randint(3, 4))
            pillars.append(
                {
                    "id": f"pillar_{i + 1:03d}",
                    "title": title,
                    "summary": self.rng.choice(PILLAR_SUMMARIES),
                    "evidence": [self._evidence(f) for f in shown],
                    "sources": self._sources_of(shown),
                }
            )
        return pillars

    def risk_data(self) -> list[dict[str, object]]:
        standing = [f for f in self.built.figures if not f.set_aside]
        titles = [f"{c} {e}" for c in RISK_CAUSES for e in RISK_EFFECTS]
        self.rng.shuffle(titles)
        risks: list[dict[str, object]] = []
        for i in range(self.risks):
            figure = self.rng.choice(standing)
            title = titles[i % len(titles)]
            sources = self._sources_of([figure])
            extra = self.rng.choice(self.source_ids)
            if extra not in sources:
                sources.append(extra)
            risks.append(
                {
                    "id": f"risk_{i + 1:03d}",
                    "title": title,
                    "detail": f"{title} could hit results: {figure.label.lower()} was "
                    f"{{{figure.id}}} in {figure.quarter.label}, and a turn in the market "
                    "would show there first.",
                    "severity": self.rng.choice(LEVELS),
                    "likelihood": self.rng.choice(LEVELS),
                    "sources": sources,
                }
            )
        return risks

    # -- sources --------------------------------------------------------------------

    def source_texts(self) -> dict[str, str]:
        sentences: dict[str, list[tuple[Quarter, str]]] = {s: [] for s in self.source_ids}
        for figure in self.built.figures:
            if figure.source is not None and figure.sentence is not None:
                sentences[figure.source].append((figure.quarter, figure.sentence))
        texts = {}
        for index, ident in enumerate(self.source_ids):
            publisher = PUBLISHERS[index % len(PUBLISHERS)]
            topic = TOPICS[index % len(TOPICS)]
            lines = [f"{publisher}: {COMPANY} {topic}", "", self._dateline(index), ""]
            ordered = [s for _, s in sorted(sentences[ident], key=lambda item: item[0])]
            paragraph: list[str] = [self.rng.choice(FILLER)]
            for sentence in ordered:
                paragraph.append(sentence)
                if self.rng.random() < 0.06:
                    paragraph.append(self.rng.choice(FILLER))
                if len(paragraph) >= self.rng.randint(3, 6):
                    lines += [*self._wrap(paragraph), ""]
                    paragraph = []
            paragraph.append(self.rng.choice(FILLER))
            lines += self._wrap(paragraph)
            texts[ident] = "\n".join(lines) + "\n"
        return texts

    @staticmethod
    def _wrap(sentences: list[str]) -> list[str]:
        return textwrap.wrap(
            " ".join(sentences), 78, break_long_words=False, break_on_hyphens=False
        )

    @staticmethod
    def _dateline(index: int) -> str:
        published = Generator.published(index)
        return f"Hangzhou, {published.day} {_MONTHS[published.month - 1]} {published.year}."

    @staticmethod
    def published(index: int) -> date:
        return date(2025, 1 + index % 2, 1 + index % 28)


# --- writing ------------------------------------------------------------------------------


def _q(text: str) -> str:
    """A YAML scalar: JSON's double-quoted string is valid YAML."""
    return json.dumps(text)


def _period(quarter: Quarter) -> str:
    return f"{{start: {quarter.start.isoformat()}, end: {quarter.end.isoformat()}}}"


def _figure_yaml(figure: Fig) -> str:
    lines = [
        f"  - id: {figure.id}",
        f"    label: {_q(figure.label)}",
        f"    metric: {figure.metric}",
        f"    entity: {figure.entity}",
    ]
    if figure.basis != "level":
        lines.append(f"    basis: {figure.basis}")
    lines.append(f"    value: {figure.value}")
    lines.append(f"    kind: {figure.kind}")
    if figure.currency is not None:
        lines.append(f"    currency: {figure.currency}")
    if figure.scale != "unit":
        lines.append(f"    scale: {figure.scale}")
    lines.append(f"    period: {_period(figure.quarter)}")
    if figure.inputs:
        inputs = ", ".join(figure.inputs)
        lines.append(f"    derived: {{op: growth, inputs: [{inputs}]}}")
    else:
        assert figure.source is not None and figure.quote is not None
        lines.append(f"    citations: [{{source: {figure.source}, quote: {_q(figure.quote)}}}]")
    return "\n".join(lines) + "\n"


def _list_yaml(items: Sequence[object], indent: int) -> str:
    pad = " " * indent
    return "".join(f"{pad}- {_q(str(item))}\n" for item in items)


def _prose_items(section: str, items: list[dict[str, object]]) -> str:
    out = [f"{section}:\n"]
    for item in items:
        first = True
        for key, value in item.items():
            lead = "  - " if first else "    "
            first = False
            if isinstance(value, list) and key == "sources":
                out.append(f"{lead}{key}: [{', '.join(str(v) for v in value)}]\n")
            elif isinstance(value, list):
                out.append(f"{lead}{key}:\n{_list_yaml(value, 6)}")
            elif key in ("id", "severity", "likelihood", "stands"):
                out.append(f"{lead}{key}: {value}\n")
            else:
                out.append(f"{lead}{key}: {_q(str(value))}\n")
    return "".join(out)


def _resolutions_yaml(resolutions: list[dict[str, object]]) -> str:
    out = ["resolutions:\n"]
    for item in resolutions:
        figures = item["figures"]
        assert isinstance(figures, list)
        out.append(f"  - id: {item['id']}\n")
        out.append(f"    figures: [{', '.join(figures)}]\n")
        out.append(f"    stands: {item['stands']}\n")
        out.append(f"    reason: {_q(str(item['reason']))}\n")
    return "".join(out)


def _charts_yaml(charts: list[dict[str, object]]) -> str:
    out = ["charts:\n"]
    for chart in charts:
        out.append(f"  - id: {chart['id']}\n")
        out.append(f"    title: {_q(str(chart['title']))}\n")
        out.append(f"    type: {chart['type']}\n")
        categories = chart["categories"]
        series = chart["series"]
        assert isinstance(categories, list) and isinstance(series, list)
        out.append(f"    categories: [{', '.join(_q(c) for c in categories)}]\n")
        out.append("    series:\n")
        for one in series:
            out.append(f"      - name: {_q(one['name'])}\n")
            if "axis" in one:
                out.append(f"        axis: {one['axis']}\n")
            out.append(f"        figures: [{', '.join(one['figures'])}]\n")
    return "".join(out)


def _pack_yaml(gen: Generator) -> str:
    built = gen.built
    periods = QUARTERS[-4:]
    lines = [
        "# A synthetic pack written by benchmarks/generate.py; do not edit by hand.",
        "name: synthetic",
        f"company: {_q(COMPANY)}",
        'title: "Harrowgate Group: a synthetic investor brief"',
        "subtitle: Generated for benchmarking briefgen",
        "audience: Benchmarks",
        f"as_of: {AS_OF.isoformat()}",
        "fiscal_year_end_month: 12",
        "currency: CNY",
        f"headline: {_q(built.headline)}",
        "summary:",
        _list_yaml(built.summary, 2).rstrip("\n"),
        f"key_figures: [{', '.join(built.key_figures)}]",
        "highlights:",
        "  title: Financial highlights",
        "  periods:",
        *(f"    - {_period(q)}" for q in periods),
        "  rows:",
        *(
            f"    - {{label: {_q(label)}, metric: {metric}, entity: {entity}, currency: CNY}}"
            for label, metric, entity in built.highlight_rows
        ),
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Generated:
    pack: Path
    sources: Path
    figures: int
    cited: int
    derived: int
    pillars: int
    risks: int
    charts: int
    source_bytes: int


def generate(
    out_dir: Path,
    *,
    figures: int,
    pillars: int,
    risks: int,
    sources: int,
    seed: int = 0,
    charts: int | None = None,
    source_prefix: str = "",
) -> Generated:
    """Write ``out_dir/pack`` and ``out_dir/sources``; what was written.

    ``source_prefix`` starts every source's id and file name, so that the sources of
    several generated packs can share one folder (as one ``--sources`` for a batch).
    """
    gen = Generator(figures, pillars, risks, sources, seed, charts, source_prefix)
    gen.figures()
    pillar_items = gen.pillar_data()
    risk_items = gen.risk_data()
    texts = gen.source_texts()

    pack_dir, source_dir = out_dir / "pack", out_dir / "sources"
    for folder in (pack_dir, source_dir):
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.is_file() and old.suffix in (".yaml", ".txt"):
                old.unlink()

    entries = []
    total_bytes = 0
    for index, ident in enumerate(gen.source_ids):
        data = texts[ident].encode("utf-8")
        total_bytes += len(data)
        (source_dir / f"{ident}.txt").write_bytes(data)
        published = Generator.published(index)
        publisher = PUBLISHERS[index % len(PUBLISHERS)]
        entries.append(
            {
                "id": ident,
                "title": f"{COMPANY} {TOPICS[index % len(TOPICS)]}",
                "publisher": publisher,
                "published": published.isoformat(),
                "kind": KINDS[index % len(KINDS)],
                "file": f"{ident}.txt",
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    source_yaml = ["sources:\n"]
    for entry in entries:
        source_yaml.append(f"  - id: {entry['id']}\n")
        source_yaml.append(f"    title: {_q(entry['title'])}\n")
        source_yaml.append(f"    publisher: {_q(entry['publisher'])}\n")
        for key in ("published", "kind", "file", "sha256"):
            source_yaml.append(f"    {key}: {entry[key]}\n")

    files = {
        "pack.yaml": _pack_yaml(gen),
        "sources.yaml": "".join(source_yaml),
        "pillars.yaml": _prose_items("pillars", pillar_items) if pillar_items else "pillars: []\n",
        "risks.yaml": _prose_items("risks", risk_items) if risk_items else "risks: []\n",
        "resolutions.yaml": _resolutions_yaml(gen.built.resolutions),
        "charts.yaml": _charts_yaml(gen.built.charts),
    }
    all_figures = gen.built.figures
    chunks = [
        all_figures[i : i + FIGURES_PER_FILE] for i in range(0, len(all_figures), FIGURES_PER_FILE)
    ]
    for number, chunk in enumerate(chunks, start=1):
        name = "figures.yaml" if len(chunks) == 1 else f"figures-{number:02d}.yaml"
        files[name] = "figures:\n" + "".join(_figure_yaml(f) for f in chunk)
    for name, text in files.items():
        (pack_dir / name).write_text(text, encoding="utf-8")

    derived = sum(1 for f in all_figures if f.inputs)
    return Generated(
        pack=pack_dir,
        sources=source_dir,
        figures=len(all_figures),
        cited=len(all_figures) - derived,
        derived=derived,
        pillars=len(pillar_items),
        risks=len(risk_items),
        charts=len(gen.built.charts),
        source_bytes=total_bytes,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to write pack/ and sources/ into")
    parser.add_argument("--figures", type=int, required=True, help="figures in the pack")
    parser.add_argument("--pillars", type=int, required=True, help="strategy pillars")
    parser.add_argument("--risks", type=int, required=True, help="risks")
    parser.add_argument("--sources", type=int, required=True, help="source texts")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--charts", type=int, default=None, help="charts (default: one per pillar, at least two)"
    )
    parser.add_argument(
        "--source-prefix",
        default="",
        help="start of every source's id and file name (default none), for packs whose "
        "sources share a folder",
    )
    args = parser.parse_args(argv)
    made = generate(
        args.out_dir,
        figures=args.figures,
        pillars=args.pillars,
        risks=args.risks,
        sources=args.sources,
        seed=args.seed,
        charts=args.charts,
        source_prefix=args.source_prefix,
    )
    print(
        f"wrote {made.pack} ({made.figures} figures: {made.cited} cited, {made.derived} derived; "
        f"{made.pillars} pillars, {made.risks} risks, {made.charts} charts) and {made.sources} "
        f"({args.sources} sources, {made.source_bytes:,} bytes)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
