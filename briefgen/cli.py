"""The command line: a thin layer over the library.

Exit codes: 0 success; 1 a check found problems; 2 bad input or usage. A user
error prints one line per problem and no traceback; anything else is a bug and
keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from typer.core import TyperGroup

from briefgen import __version__


def _did_you_mean_option(exc: Exception) -> None:
    """Reword click's "(Possible options: --out)" as "Did you mean --out?"."""
    import difflib

    name, possible = getattr(exc, "option_name", None), getattr(exc, "possibilities", None)
    if isinstance(name, str) and possible:
        close = difflib.get_close_matches(name, list(possible), n=1, cutoff=0.0)
        exc.message = f"No such option: {name}. Did you mean {close[0]}?"  # type: ignore[attr-defined]
        exc.possibilities = None  # type: ignore[attr-defined]


class _Group(TyperGroup):
    """The command group; a misspelt option gets a suggestion, as a misspelt command does."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as exc:
            _did_you_mean_option(exc)
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            _did_you_mean_option(exc)
            raise


app = typer.Typer(
    name="briefgen",
    help="Turn a cited content pack into an investor deck and a one-page brief.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=_Group,
)

F = TypeVar("F", bound=Callable[..., Any])


def err(line: str) -> None:
    typer.echo(line, err=True)


def report_lines(lines: Iterable[str]) -> None:
    for line in lines:
        err(line)


def user_errors(func: F) -> F:
    """Turn the tool's own errors into lines on stderr and exit code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from briefgen.errors import BriefgenError

        try:
            return func(*args, **kwargs)
        except BriefgenError as exc:
            report_lines(exc.lines())
            err(f"error: {exc}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err("interrupted; outputs already in place were left as they were")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"briefgen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Turn a cited content pack into an investor deck and a one-page brief.

    Example: briefgen build content/alibaba-ai-2025 --sources ../shared/sources
    """


TemplateOption = Annotated[
    str | None, typer.Option("--template", "-t", help="Template name (default: the pack's).")
]
SourcesOption = Annotated[
    Path | None, typer.Option("--sources", "-s", help="Folder holding the source documents.")
]
RequiredSourcesOption = Annotated[
    Path | None,
    typer.Option("--sources", "-s", help="Folder holding the source documents (required)."),
]
TemplatesOption = Annotated[
    Path | None, typer.Option("--templates", help="Extra folder searched first for templates.")
]

PackArg = Annotated[
    Path, typer.Argument(help="The pack folder (holds pack.yaml).", show_default=False)
]


PacksArg = Annotated[
    list[Path],
    typer.Argument(
        help="The pack folder (holds pack.yaml); several build in parallel.",
        show_default=False,
        metavar="PACK",
    ),
]
NoVerifyOption = Annotated[
    bool, typer.Option("--no-verify", help="Write the outputs even when checks fail.")
]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs.")]


@app.command()
@user_errors
def build(
    packs: PacksArg,
    template: TemplateOption = None,
    out: OutOption = Path("out"),
    sources: SourcesOption = None,
    templates: TemplatesOption = None,
    no_verify: NoVerifyOption = False,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also write the deck as PDF (needs LibreOffice).")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Packs built at once when given several (default: one per processor).",
        ),
    ] = None,
) -> None:
    """Build the deck (.pptx) and the brief (.md) for a pack; with --pdf, the deck's PDF too.

    Given several packs, builds them in parallel processes, each all or nothing, and
    reports every pack that failed at the end; the exit code is the worst of them.

    Example:

        briefgen build content/alibaba-ai-2025 --template default --sources ../shared/sources

        briefgen build content/* --sources ../shared/sources --jobs 2
    """
    from briefgen.build import BuildOptions
    from briefgen.build import build as run_build

    def options(pack: Path) -> BuildOptions:
        return BuildOptions(
            pack_dir=pack,
            out_dir=out,
            template=template,
            sources_dir=sources,
            templates_dir=templates,
            verify=not no_verify,
            pdf=pdf,
        )

    if len(packs) > 1:
        from briefgen.cli_batch import build_packs

        build_packs([options(pack) for pack in packs], jobs)
        return
    result = run_build(options(packs[0]))
    for warning in result.warnings:
        err(warning.format())
    typer.echo(f"wrote {result.deck} ({result.slides} slides, template '{result.template}')")
    typer.echo(f"wrote {result.brief}")
    if result.pdf is not None:
        typer.echo(f"wrote {result.pdf}")


FormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", help="Report format: text, json, github or junit.", show_default=True
    ),
]


@app.command()
@user_errors
def check(
    pack: PackArg,
    sources: RequiredSourcesOption = None,
    fmt: FormatOption = "text",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write the report to this file, not stdout.")
    ] = None,
    template: Annotated[
        str | None, typer.Option("--template", "-t", help="Template whose brief is audited.")
    ] = None,
    templates: TemplatesOption = None,
) -> None:
    """Prove every figure against its source: quotes, values, derivations, conflicts.

    Exit code 0 when everything is verified, 1 when problems were found, 2 on bad
    input or usage.

    Example:

        briefgen check content/alibaba-ai-2025 --sources ../shared/sources --format github
    """
    from briefgen.build import BuildOptions, pack_slug
    from briefgen.build import check as run_check
    from briefgen.errors import BriefgenError, Problem
    from briefgen.report import FORMATS, render

    if fmt not in FORMATS:
        raise BriefgenError(
            f"unknown format '{fmt}'",
            [Problem("usage", f"--format must be one of {', '.join(FORMATS)}, not '{fmt}'")],
        )
    if sources is None:
        raise BriefgenError(
            "check needs the sources",
            [Problem("usage", "check needs --sources DIR, the folder holding the source files")],
        )
    report = run_check(
        BuildOptions(pack_dir=pack, sources_dir=sources, template=template, templates_dir=templates)
    )
    text = render(report, pack_slug(pack), fmt)
    if output is None:
        typer.echo(text, nl=False)
    else:
        from briefgen.write import write_outputs

        write_outputs({output: text.encode("utf-8")})
        typer.echo(f"wrote {output}")
    if not report.ok:
        raise typer.Exit(1)


# Commands of each area live in their own modules and register on import; their
# heavy imports stay inside the command functions, so --help stays fast.
from briefgen import cli_authoring, cli_batch, cli_render, cli_templates  # noqa: E402, F401


def main() -> None:
    """Console-script entry point."""
    from briefgen.memory import hold_collector

    hold_collector()  # until the command's modules are in (briefgen/memory.py)
    app(prog_name="briefgen")


if __name__ == "__main__":  # pragma: no cover
    main()
