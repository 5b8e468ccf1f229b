"""Template commands: listing, inspecting and creating templates.

``briefgen templates`` lists what the search path holds; ``briefgen template
inspect`` shows a ``.pptx``'s layouts and placeholders; ``briefgen template init``
starts a template folder from a corporate ``.pptx``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from briefgen.cli import TemplatesOption, app, err, user_errors

if TYPE_CHECKING:
    from briefgen.templates import Template

template_app = typer.Typer(
    name="template",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(template_app, name="template")


@template_app.callback()
def _template_group() -> None:
    """Inspect a .pptx, or start a template from one.

    Example:

        briefgen template inspect corporate.pptx

        briefgen template init acme --from corporate.pptx
    """


FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output format: text or json.")]


def _check_format(fmt: str) -> None:
    from briefgen.errors import BriefgenError, Problem

    if fmt not in ("text", "json"):
        message = f"--format must be text or json, not '{fmt}'"
        raise BriefgenError(f"unknown format '{fmt}'", [Problem("usage", message)])


@app.command("templates")
@user_errors
def templates_command(templates: TemplatesOption = None, fmt: FormatOption = "text") -> None:
    """List the templates: name, description and where each was found.

    Searched in order: --templates DIR, the project's templates/ folder, then the
    templates built into briefgen; the first of a name wins.

    Example:

        briefgen templates --templates ~/house-templates
    """
    import json

    from briefgen.templates import scan_templates, search_path

    _check_format(fmt)
    search = search_path(templates, Path.cwd())
    found, problems = scan_templates(search)
    if fmt == "json":
        rows = [
            {"name": t.name, "description": t.description, "origin": t.origin, "path": str(t.root)}
            for t in found
        ]
        typer.echo(json.dumps({"templates": rows, "search_path": [str(p) for p, _ in search]}))
    else:
        for line in _listing(found):
            typer.echo(line)
        typer.echo("searched: " + "; ".join(f"{folder} ({origin})" for folder, origin in search))
    for problem in problems:
        err(problem.format())
    if problems:
        raise typer.Exit(2)


def _listing(templates: Sequence[Template]) -> list[str]:
    width = max((len(t.name) for t in templates), default=4)
    lines = []
    for template in templates:
        lines.append(f"{template.name:<{width}}  {template.description}")
        lines.append(f"{'':<{width}}  {template.origin}: {template.root}")
    return lines


@template_app.command("inspect")
@user_errors
def inspect_command(
    pptx: Annotated[Path, typer.Argument(help="The .pptx (or .potx) to inspect.")],
    units: Annotated[str, typer.Option("--units", help="Units of positions: in or cm.")] = "in",
    fmt: FormatOption = "text",
) -> None:
    """List a .pptx's slide layouts and their placeholders: index, type, name, box.

    Use the layout names and placeholder indexes in a template's manifest.yaml.

    Example:

        briefgen template inspect corporate.pptx --units cm
    """
    import json

    from briefgen.deck.layouts import describe, format_info
    from briefgen.errors import BriefgenError, Problem

    _check_format(fmt)
    if units not in ("in", "cm"):
        message = f"--units must be in or cm, not '{units}'"
        raise BriefgenError(f"unknown units '{units}'", [Problem("usage", message)])
    info = describe(pptx)
    if fmt == "json":
        typer.echo(json.dumps(_info_json(info)))
        return
    for line in format_info(info, "in" if units == "in" else "cm"):
        typer.echo(line)


def _info_json(info: object) -> dict[str, object]:
    from dataclasses import asdict

    data = asdict(info)  # type: ignore[call-overload]
    data["path"] = str(data["path"])
    return dict(data)


@template_app.command("init")
@user_errors
def init_command(
    name: Annotated[str, typer.Argument(help="The new template's name (a-z, 0-9, _).")],
    source: Annotated[
        Path, typer.Option("--from", help="The corporate .pptx (or .potx) whose layouts to use.")
    ],
    into: Annotated[
        Path, typer.Option("--into", help="Folder that gets the template folder NAME/.")
    ] = Path("templates"),
) -> None:
    """Start a template from a corporate .pptx: its layouts, a manifest, a brief.

    Writes INTO/NAME/ (by default templates/NAME/, the project's templates) with the
    .pptx, a manifest.yaml mapping each slide kind to a layout of the file, and the
    default brief. Guesses are marked "# CONFIRM:" in the manifest.

    Example:

        briefgen template init acme --from acme-corporate.pptx

        briefgen build content/alibaba-ai-2025 --template acme
    """
    import tempfile

    from briefgen.deck.adopt import adopt
    from briefgen.templates import load_template
    from briefgen.write import write_outputs

    target = into / name
    files, adoption = adopt(name, source, target)
    with tempfile.TemporaryDirectory() as scratch:  # prove the template loads first
        trial = Path(scratch) / name
        trial.mkdir()
        for path, data in files.items():
            (trial / path.name).write_bytes(data)
        load_template(trial, "project", name)
    write_outputs(files)
    typer.echo(f"wrote {target}/ ({', '.join(sorted(p.name for p in files))})")
    typer.echo("confirm in manifest.yaml (lines marked # CONFIRM:), then build a deck and look:")
    for note in adoption.confirm:
        typer.echo(f"  - {note}")
