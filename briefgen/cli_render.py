"""Rendering commands: PDF and PNG previews of decks through LibreOffice."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from briefgen.cli import (
    PackArg,
    SourcesOption,
    TemplateOption,
    TemplatesOption,
    app,
    err,
    user_errors,
)


@app.command()
@user_errors
def preview(
    pack: PackArg,
    template: TemplateOption = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder whose preview/ gets the pictures.")
    ] = Path("out"),
    sources: SourcesOption = None,
    templates: TemplatesOption = None,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Draw the deck even when checks fail.")
    ] = False,
    dpi: Annotated[
        int, typer.Option("--dpi", min=24, max=600, help="Resolution of the slide pictures.")
    ] = 96,
) -> None:
    """Draw every slide of the deck as a PNG, with a contact sheet of them all.

    Writes OUT/preview/<pack>-<template>/slide-01.png ... and contact-sheet.png.
    Needs LibreOffice and poppler (sudo apt-get install libreoffice-impress poppler-utils).

    Example:

        briefgen preview content/alibaba-ai-2025 --template default --sources ../shared/sources
    """
    from briefgen.build import BuildOptions
    from briefgen.preview import preview as run_preview

    result = run_preview(
        BuildOptions(
            pack_dir=pack,
            out_dir=out,
            template=template,
            sources_dir=sources,
            templates_dir=templates,
            verify=not no_verify,
        ),
        dpi=dpi,
    )
    for warning in result.warnings:
        err(warning.format())
    count = len(result.slides)
    typer.echo(f"wrote {result.folder} ({count} slides, template '{result.template}')")
    typer.echo(f"wrote {result.contact_sheet}")
