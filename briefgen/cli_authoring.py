"""Authoring commands: scaffolding packs, finding quotes, schemas, auditing decks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefgen.cli import app, err, user_errors

if TYPE_CHECKING:
    from briefgen.deck_audit import AuditReport
    from briefgen.find import Search


@app.command()
@user_errors
def new(
    pack: Annotated[
        Path,
        typer.Argument(help="Folder to create the pack in (new or empty).", show_default=False),
    ],
    schemas: Annotated[
        Path | None,
        typer.Option(
            "--schemas",
            help="Folder already holding the JSON Schemas (from briefgen schema); the files "
            "point there instead of at a copy in PACK/schemas.",
        ),
    ] = None,
) -> None:
    """Start a pack: one commented example of every element, ready to build and check.

    Writes pack.yaml, sources.yaml, figures.yaml, pillars.yaml, risks.yaml,
    resolutions.yaml and charts.yaml, two example source texts in PACK/sources that the
    figures quote, and the JSON Schemas editors use (PACK/schemas). Refuses a folder that
    is not empty.

    Example:

    \b
        briefgen new content/acme-2025
        briefgen check content/acme-2025 --sources content/acme-2025/sources
    """
    from briefgen.scaffold import SOURCES_DIR, scaffold_pack

    written = scaffold_pack(pack, schemas)
    for path in written:
        typer.echo(f"wrote {path}")
    sources = pack / SOURCES_DIR
    typer.echo("")
    typer.echo("next:")
    typer.echo(f"  briefgen build {pack} --sources {sources}")
    typer.echo(f"  briefgen check {pack} --sources {sources}")
    typer.echo(f'  briefgen find "48.2 million" --sources {sources} --pack {pack}')


@app.command()
@user_errors
def find(
    query: Annotated[
        str, typer.Argument(help="A number (280.15bn, 13%) or words to find.", show_default=False)
    ],
    sources: Annotated[
        Path | None,
        typer.Option("--sources", "-s", help="Folder holding the source documents (required)."),
    ] = None,
    pack: Annotated[
        Path | None,
        typer.Option("--pack", "-p", help="Pack whose sources.yaml names the files (for ids)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, for tools.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show at most this many.")] = 20,
) -> None:
    """Find a number or phrase in the sources and draft the figure that cites it.

    Searches every source (txt, md, html, pdf) as tolerantly as quotes are matched; a
    number is also found however the source writes it ("280.15bn" finds "280.15 billion
    yuan"). Each match shows its file, line (or PDF page) and context, then a figure
    entry to paste into figures.yaml whose quote has been checked the way `briefgen
    check` will check it. Exit code 1 when nothing is found.

    Example:

        briefgen find "280.15bn" --sources ../shared/sources --pack content/alibaba-ai-2025
    """
    from briefgen.errors import BriefgenError, Problem
    from briefgen.find import search_sources

    if sources is None:
        message = "find needs --sources DIR, the folder holding the source files"
        raise BriefgenError(message, [Problem("usage", message)])
    search = search_sources(query, sources, pack_dir=pack, limit=limit)
    for problem in search.problems:
        err(problem.format())
    typer.echo(_find_json(search) if as_json else _find_text(search), nl=False)
    if not search.hits:
        raise typer.Exit(1)


def _find_text(search: Search) -> str:
    from briefgen.find import draft_yaml

    if not search.hits:
        return f"no match for '{search.query}'\n"
    blocks = []
    for hit in search.hits:
        lines = [f"{hit.file} ({hit.locator}): {hit.context}"]
        if hit.cited_by:
            lines.append(f"  already cited by: {', '.join(hit.cited_by)}")
        if hit.draft is None:
            lines.append("  (no quote around it states a number briefgen can check; quote by hand)")
        else:
            lines.append(draft_yaml(hit.draft, hit.file, hit.source_id is not None))
        blocks.append("\n".join(lines))
    noun = "match" if len(search.hits) == 1 else "matches"
    return "\n\n".join(blocks) + f"\n\n{len(search.hits)} {noun} for '{search.query}'\n"


def _find_json(search: Search) -> str:
    import json

    from briefgen.find import draft_yaml

    number = search.number
    payload = {
        "query": search.query,
        "number": None
        if number is None
        else {
            "value": str(number.value),
            "scale": number.scale.value,
            "currency": number.currency.value if number.currency else None,
            "kind": number.kind_hint,
        },
        "matches": [
            {
                "file": hit.file,
                "source": hit.source_id,
                "locator": hit.locator,
                "line": hit.line,
                "page": hit.page,
                "text": hit.text,
                "context": hit.context,
                "match": hit.how,
                "cited_by": list(hit.cited_by),
                "figure": None
                if hit.draft is None
                else {
                    "id": hit.draft.id,
                    "label": hit.draft.label,
                    "metric": hit.draft.metric,
                    "basis": hit.draft.basis,
                    "value": str(hit.draft.value),
                    "bound": hit.draft.bound.value,
                    "kind": hit.draft.kind.value,
                    "currency": hit.draft.currency.value if hit.draft.currency else None,
                    "scale": hit.draft.scale.value,
                    "period": None
                    if hit.draft.period is None
                    else {"start": hit.draft.period[0], "end": hit.draft.period[1]},
                    "citation": {"source": hit.draft.source, "quote": hit.draft.quote},
                    "verified": True,
                    "yaml": draft_yaml(hit.draft, hit.file, hit.source_id is not None),
                },
            }
            for hit in search.hits
        ],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


@app.command()
@user_errors
def schema(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write the schema files into.")
    ] = Path("schemas"),
) -> None:
    """Write JSON Schemas for pack files, for editors (completion, hover help, errors).

    One schema per kind of file: pack.schema.json for pack.yaml, figures.schema.json,
    sources.schema.json, pillars.schema.json, risks.schema.json,
    resolutions.schema.json, charts.schema.json, highlights.schema.json, and
    sections.schema.json for a file that mixes sections. Point a file at its schema
    with a first line such as
    "# yaml-language-server: $schema=../../schemas/figures.schema.json".

    Example:

        briefgen schema --output schemas
    """
    from briefgen.schema import write_schemas

    for path in write_schemas(output):
        typer.echo(f"wrote {path}")


@app.command()
@user_errors
def audit(
    decks: Annotated[
        list[Path],
        typer.Argument(help="Decks made by briefgen build (.pptx).", show_default=False),
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Report format: text or json.", show_default=True)
    ] = "text",
) -> None:
    """Check built decks that people may have edited since: numbers changed, added, removed.

    The build records in the deck which figure each number on a slide is, with its
    sources and quotes. audit reads the deck again and reports a figure whose number was
    changed by hand, a number with no figure behind it, and a figure that was removed.
    Exit code 0 when every deck is as built, 1 when something changed, 2 when a file is
    not a deck briefgen made. With several decks, --format json prints a list.

    Example:

        briefgen audit out/alibaba-ai-2025-default.pptx --format json
    """
    import json

    from briefgen.deck_audit import audit_deck_file
    from briefgen.errors import BriefgenError, Problem

    if fmt not in ("text", "json"):
        message = f"--format must be text or json, not '{fmt}'"
        raise BriefgenError(f"unknown format '{fmt}'", [Problem("usage", message)])
    payloads: list[dict[str, object]] = []
    code = 0
    for deck in decks:
        try:
            report = audit_deck_file(deck)
        except BriefgenError as exc:
            if len(decks) == 1:
                raise
            for line in exc.lines():
                err(line)
            code = 2
            continue
        if fmt == "json":
            payloads.append(_audit_payload(report))
        else:
            typer.echo(_audit_text(report), nl=False)
        if not report.ok:
            code = max(code, 1)
    if fmt == "json":
        shown = payloads[0] if len(decks) == 1 else payloads
        typer.echo(json.dumps(shown, indent=2, ensure_ascii=False))
    if code:
        raise typer.Exit(code)


def _audit_text(report: AuditReport) -> str:
    from briefgen.deck_audit import ADDED, CHANGED, REMOVED
    from briefgen.errors import Problem

    lines = []
    for finding in report.findings:
        where = f"slide {finding.slide}" if finding.slide is not None else "(slide removed)"
        lines.append(Problem(finding.code, finding.message, report.deck, field=where).format())
    record = report.record
    verdict = "ok" if report.ok else "CHANGED"
    lines.append(
        f"{report.deck}: {verdict}: {report.count(CHANGED)} changed, {report.count(ADDED)} "
        f"added, {report.count(REMOVED)} removed; {report.figures} figures on "
        f"{len(record.slides)} slides as built (pack {record.pack}, as of {record.as_of}, "
        f"template '{record.template}'), {report.slides} slides now"
    )
    return "\n".join(lines) + "\n"


def _audit_payload(report: AuditReport) -> dict[str, object]:
    from briefgen.deck_audit import ADDED, CHANGED, REMOVED

    record = report.record
    return {
        "deck": report.deck,
        "ok": report.ok,
        "pack": record.pack,
        "template": record.template,
        "as_of": record.as_of,
        "generator": record.generator,
        "record": report.carrier,
        "totals": {
            "slides_built": len(record.slides),
            "slides_now": report.slides,
            "figures": report.figures,
            "changed": report.count(CHANGED),
            "added": report.count(ADDED),
            "removed": report.count(REMOVED),
        },
        "findings": [
            {
                "code": f.code,
                "slide": f.slide,
                "built_slide": f.built_slide,
                "figure": f.figure,
                "was": f.was,
                "now": f.now,
                "message": f.message,
                "sources": list(f.shown.sources) if f.shown else [],
                "quotes": [
                    {"source": q.source, "quote": q.quote, "locator": q.locator}
                    for q in (f.shown.quotes if f.shown else ())
                ],
            }
            for f in report.findings
        ],
    }
