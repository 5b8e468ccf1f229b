"""A new pack to start from: one commented example of every element, ready to build.

``briefgen new PACK`` writes a pack whose figures are cited from two small example
source texts in ``PACK/sources``, with their sha256 pinned, so that it builds and
checks cleanly as it stands; the user then replaces the examples one by one. Each
YAML file's first line points an editor at its JSON Schema.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from briefgen.errors import BriefgenError, Problem

SOURCES_DIR = "sources"
SCHEMAS_DIR = "schemas"
_SLUG = re.compile(r"[^a-z0-9_-]+")

ANNUAL_REPORT = """\
Example Co. Annual Report 2024 (excerpt)
Published 14 March 2025

Letter to shareholders

In 2024 Example Co. grew revenue by 15% to $48.2 million, up from $41.9 million in 2023.
Operating income reached $6.3 million, against $4.1 million a year earlier.
We ended the year serving 1,250 business customers.

Outlook

We will keep investing in our software platform. Competition for engineers remains
intense, and higher salaries could slow the growth of our margins.
"""

NEWS = """\
Example Co. posts double-digit growth
Trade Weekly, 17 March 2025

Example Co. said its revenue rose 12% last year, helped by new business customers.
The company did not comment on its hiring plans.
"""

PACK_YAML = """\
@@MODELINE@@
# Pack metadata. Prose never types a number: it names a figure as {figure_id} and
# briefgen writes the value and its source mark. Replace each example with your own.
name: @@NAME@@
company: Example Co.
title: "Example Co.: investor brief"
subtitle: An example pack made by briefgen new
audience: Investors
as_of: 2025-03-31            # the date the pack speaks for (YYYY-MM-DD)
fiscal_year_end_month: 12    # 3 for a year ending in March: periods then read "Q3 FY2025"
currency: USD
template: default

headline: >-
  Example Co. grew revenue {revenue_growth_2024} to {revenue_2024} and kept an
  operating margin of {operating_margin_2024}.

summary:
  - Revenue rose from {revenue_2023} to {revenue_2024}.
  - Operating income reached {operating_income_2024}, a margin of {operating_margin_2024}.
  - The company served {customers_2024} business customers at the end of the year.

# Shown as large numbers on the summary slide.
key_figures: [revenue_2024, revenue_growth_2024, operating_margin_2024, customers_2024]

# Highlights: the financial table, a column per period and a row per metric. Each cell
# is the figure with that metric, entity and period (and its year-on-year growth).
highlights:
  title: Financial highlights
  periods:
    - {start: 2023-01-01, end: 2023-12-31}
    - {start: 2024-01-01, end: 2024-12-31}
  rows:
    - {label: Revenue, metric: revenue, currency: USD}
    - {label: Operating income, metric: operating_income, currency: USD}
"""

SOURCES_YAML = """\
@@MODELINE@@
# Sources: one entry per document in the sources folder (pass it as --sources).
# `sha256` pins the file's contents; `briefgen check` reports the file as stale when it
# changes, and prints the value to paste for a source without one.
sources:
  - id: annual_report            # figures cite the source by this id
    title: Annual Report 2024
    publisher: Example Co.
    published: 2025-03-14
    kind: filing                 # filing, call, news or analysis
    file: example.txt            # path inside the sources folder: txt, md, html or pdf
    sha256: @@SHA_REPORT@@

  - id: trade_weekly
    title: Example Co. posts double-digit growth
    publisher: Trade Weekly
    published: 2025-03-17
    kind: news
    file: example-news.txt
    sha256: @@SHA_NEWS@@
"""

FIGURES_YAML = """\
@@MODELINE@@
# Figures: every number the deck and the brief show. A figure is an exact decimal with
# its kind, scale and period, and either citations (the source's exact words around the
# number) or a derivation from other figures. To get a ready-made entry for a number in
# a source, run: briefgen find "48.2 million" --sources @@SOURCES@@
figures:
  # A cited figure: `briefgen check` finds the quote in the source and the value in it.
  - id: revenue_2024
    label: Revenue
    metric: revenue              # with entity, basis, period, kind, currency: what is measured
    value: 48.2                  # exact, to the precision the source gives
    kind: amount                 # amount (needs currency), percent, pp, count, ratio, multiple
    currency: USD
    scale: million
    period: {start: 2024-01-01, end: 2024-12-31}
    citations:
      - source: annual_report
        quote: "grew revenue by 15% to $48.2 million"

  - id: revenue_2023
    label: Revenue
    metric: revenue
    value: 41.9
    kind: amount
    currency: USD
    scale: million
    period: {start: 2023-01-01, end: 2023-12-31}
    citations:
      - source: annual_report
        quote: "up from $41.9 million in 2023"

  - id: revenue_growth_2024
    label: Revenue growth
    metric: revenue
    basis: yoy                   # level, yoy, qoq, ytd, average or target
    value: 15
    kind: percent
    period: {start: 2024-01-01, end: 2024-12-31}
    citations:
      - source: annual_report
        quote: "grew revenue by 15%"

  # The same growth as a news report gives it: the two sources disagree, and
  # resolutions.yaml records which reading stands.
  - id: revenue_growth_2024_news
    label: Revenue growth (Trade Weekly)
    metric: revenue
    basis: yoy
    value: 12
    kind: percent
    period: {start: 2024-01-01, end: 2024-12-31}
    citations:
      - source: trade_weekly
        quote: "its revenue rose 12% last year"

  - id: operating_income_2024
    label: Operating income
    metric: operating_income
    value: 6.3
    kind: amount
    currency: USD
    scale: million
    period: {start: 2024-01-01, end: 2024-12-31}
    citations:
      - source: annual_report
        quote: "Operating income reached $6.3 million"

  - id: operating_income_2023
    label: Operating income
    metric: operating_income
    value: 4.1
    kind: amount
    currency: USD
    scale: million
    period: {start: 2023-01-01, end: 2023-12-31}
    citations:
      - source: annual_report
        quote: "against $4.1 million a year earlier"

  # A derived figure: computed from other figures, and recomputed by `briefgen check`.
  # Operations: growth, difference, sum, ratio, share, average, convert.
  - id: operating_margin_2024
    label: Operating margin
    metric: operating_margin
    value: 13.1
    kind: percent
    period: {start: 2024-01-01, end: 2024-12-31}
    derived: {op: share, inputs: [operating_income_2024, revenue_2024]}

  # A count at a point in time: the period starts and ends on the same day.
  - id: customers_2024
    label: Business customers
    metric: customers
    value: 1250
    kind: count
    period: {start: 2024-12-31, end: 2024-12-31}
    citations:
      - source: annual_report
        quote: "serving 1,250 business customers"
"""

PILLARS_YAML = """\
@@MODELINE@@
# Pillars: the strategy, a slide each. Prose names figures as {figure_id}; a name with
# digits in it is written {name:Model 3}, and a literal brace as {{ or }}.
pillars:
  - id: growth
    title: Growing with business customers
    summary: >-
      Example Co. sells its software platform to business customers, and revenue grew
      {revenue_growth_2024} in the year.
    evidence:
      - Revenue reached {revenue_2024}, up from {revenue_2023} a year earlier.
      - The company served {customers_2024} business customers at the end of the year.
    sources: [annual_report]

  - id: profitability
    title: Profitable growth
    summary: Operating income rose to {operating_income_2024} from {operating_income_2023}.
    evidence:
      - The operating margin was {operating_margin_2024}.
    sources: [annual_report]
"""

RISKS_YAML = """\
@@MODELINE@@
# Risks: each with its severity and likelihood (low, medium or high) and its sources.
# The detail is prose: it may name figures as {figure_id}, but never type a number.
risks:
  - id: talent
    title: Competition for engineers
    detail: >-
      Competition for engineers remains intense, and higher salaries could slow the
      growth of the operating margin of {operating_margin_2024}.
    severity: medium
    likelihood: high
    sources: [annual_report]
"""

RESOLUTIONS_YAML = """\
@@MODELINE@@
# Resolutions: where sources give different values for the same metric, entity, period,
# kind and currency, `briefgen check` fails until a resolution says which reading stands
# and why. The deck shows both readings and the reason.
resolutions:
  - id: revenue_growth_2024
    figures: [revenue_growth_2024, revenue_growth_2024_news]
    stands: revenue_growth_2024
    reason: >-
      The annual report states the growth beside the revenue it describes, {revenue_2024}
      against {revenue_2023}, and those amounts bear it out; the news report gives no amounts.
"""

CHARTS_YAML = """\
@@MODELINE@@
# Charts: native, editable charts. Each series lists one figure per category, all in
# one unit. Types: column, bar, line, or combo (bars plus a line on a secondary axis).
charts:
  - id: revenue
    title: Revenue by year
    type: column
    categories: ["2023", "2024"]
    series:
      - name: Revenue (US$ million)
        figures: [revenue_2023, revenue_2024]
"""

_PACK_FILES: dict[str, tuple[str, str]] = {
    "pack.yaml": ("pack", PACK_YAML),
    "sources.yaml": ("sources", SOURCES_YAML),
    "figures.yaml": ("figures", FIGURES_YAML),
    "pillars.yaml": ("pillars", PILLARS_YAML),
    "risks.yaml": ("risks", RISKS_YAML),
    "resolutions.yaml": ("resolutions", RESOLUTIONS_YAML),
    "charts.yaml": ("charts", CHARTS_YAML),
}
_SOURCE_FILES = {"example.txt": ANNUAL_REPORT, "example-news.txt": NEWS}


def pack_name(target: Path) -> str:
    """A valid pack name from the folder's name (lower case, letters, digits, - and _)."""
    name = _SLUG.sub("-", target.resolve().name.lower()).strip("-_")
    if not name or not name[0].isalnum():
        name = f"pack-{name}".rstrip("-")
    return name[:64]


def _refuse(target: Path, reason: str) -> BriefgenError:
    message = f"{target}: {reason}"
    return BriefgenError(message, [Problem("pack-exists", reason, str(target))])


def scaffold_files(target: Path, schema_dir: Path | None = None) -> dict[Path, bytes]:
    """Every file of a new pack in ``target``, by path; the schemas too, unless given.

    ``schema_dir`` is a folder that already holds the schemas (``briefgen schema``);
    the modelines then point there instead of at a copy inside the pack.
    """
    import hashlib

    from briefgen.schema import modeline, schema_files

    files: dict[Path, bytes] = {}
    if schema_dir is None:
        schemas_at = SCHEMAS_DIR
        for name, text in schema_files().items():
            files[target / SCHEMAS_DIR / name] = text.encode("utf-8")
    else:
        schemas_at = Path(os.path.relpath(schema_dir.resolve(), target.resolve())).as_posix()
    digests = {}
    for name, text in _SOURCE_FILES.items():
        data = text.encode("utf-8")
        files[target / SOURCES_DIR / name] = data
        digests[name] = hashlib.sha256(data).hexdigest()
    for name, (kind, text) in _PACK_FILES.items():
        body = (
            text.replace("@@MODELINE@@", modeline(schemas_at, kind))
            .replace("@@NAME@@", pack_name(target))
            .replace("@@SOURCES@@", (target / SOURCES_DIR).as_posix())
            .replace("@@SHA_REPORT@@", digests["example.txt"])
            .replace("@@SHA_NEWS@@", digests["example-news.txt"])
        )
        files[target / name] = body.encode("utf-8")
    return files


def scaffold_pack(target: Path, schema_dir: Path | None = None) -> list[Path]:
    """Write a new example pack into ``target``, which must be missing or empty."""
    from briefgen.write import write_outputs

    if target.exists() and not target.is_dir():
        raise _refuse(target, "exists and is not a folder; choose a new folder for the pack")
    if target.is_dir() and any(target.iterdir()):
        raise _refuse(target, "is not empty; briefgen new writes only into a new or empty folder")
    if schema_dir is not None and not schema_dir.is_dir():
        message = f"{schema_dir}: no such folder; write the schemas with briefgen schema"
        raise BriefgenError(message, [Problem("usage", message, str(schema_dir))])
    files = scaffold_files(target, schema_dir)
    write_outputs(files)
    return sorted(files)
