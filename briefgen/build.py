"""The build: pack -> resolved content -> deck and brief -> files, all or nothing.

Everything is loaded, checked and rendered in memory before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import Problem
from briefgen.load import load_pack
from briefgen.resolve import Resolved, resolve_pack


@dataclass(frozen=True)
class BuildOptions:
    pack_dir: Path
    out_dir: Path = Path("out")
    template: str | None = None
    sources_dir: Path | None = None
    templates_dir: Path | None = None
    project_dir: Path = field(default_factory=Path.cwd)
    verify: bool = True


@dataclass(frozen=True)
class BuildResult:
    deck: Path
    brief: Path
    template: str
    slides: int
    warnings: tuple[Problem, ...] = ()


def pack_slug(pack_dir: Path) -> str:
    """The name outputs are called by: the pack folder's name."""
    return pack_dir.resolve().name


def build(options: BuildOptions) -> BuildResult:
    """Build the deck and the brief for one pack; raise a BriefgenError on any problem."""
    from briefgen.render_brief import check_budget, render_brief
    from briefgen.render_deck import render_deck
    from briefgen.templates import find_template, search_path
    from briefgen.write import build_time, reproducible_zip, write_outputs

    loaded = load_pack(options.pack_dir)
    resolved = resolve_pack(loaded)
    warnings = _verify(resolved, options)
    name = options.template or resolved.meta.template
    template = find_template(name, search_path(options.templates_dir, options.project_dir))
    stem = f"{pack_slug(options.pack_dir)}-{template.name}"
    deck_path = options.out_dir / f"{stem}.pptx"
    brief_path = options.out_dir / f"{stem}.md"
    deck = render_deck(resolved, template)
    brief = render_brief(resolved, template.root, template.manifest.brief)
    check_budget(brief, str(brief_path))
    when = build_time(resolved.meta.as_of)
    write_outputs({deck_path: reproducible_zip(deck, when), brief_path: brief.encode("utf-8")})
    return BuildResult(deck_path, brief_path, template.name, _count_slides(deck), tuple(warnings))


def _verify(resolved: Resolved, options: BuildOptions) -> list[Problem]:
    if options.sources_dir is None:
        return [
            Problem(
                "quotes-unverified",
                "no sources directory given, so no quote was checked against its source; "
                "pass --sources DIR to verify them",
                str(options.pack_dir),
                severity="warning",
            )
        ]
    missing = [s for s in resolved.pack.sources if not (options.sources_dir / s.file).is_file()]
    return [
        Problem(
            "source-missing",
            f"source file '{s.file}' is not in {options.sources_dir}; its quotes were not verified",
            str(options.pack_dir),
            severity="warning",
            source=s.id,
        )
        for s in missing
    ]


def _count_slides(deck: bytes) -> int:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        return sum(
            1 for n in archive.namelist() if n.startswith("ppt/slides/slide") and n.endswith(".xml")
        )
