"""The pipeline: pack -> resolved content -> verified -> deck and brief -> files.

Everything is loaded, checked and rendered in memory before anything is written,
and nothing is written when verification fails (unless asked to skip it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from briefgen.errors import Problem, VerificationError
from briefgen.load import load_pack
from briefgen.resolve import resolve_pack
from briefgen.verify import Report, verify_pack


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


def _unverified(options: BuildOptions) -> Problem:
    return Problem(
        "quotes-unverified",
        "no sources folder given, so no quote was checked against its source; "
        "pass --sources DIR to verify them",
        str(options.pack_dir),
        severity="warning",
    )


def check(options: BuildOptions) -> Report:
    """Verify a pack against its sources and audit its brief and template; never writes."""
    from briefgen.audit import (
        allowed_values,
        audit_brief,
        audit_brief_template,
        audit_pptx_template,
    )
    from briefgen.render_brief import render_brief
    from briefgen.templates import find_template, search_path

    loaded = load_pack(options.pack_dir)
    resolved = resolve_pack(loaded, keep_naked=True)
    report = verify_pack(loaded, resolved, options.sources_dir, missing_is_error=True)
    report.problems += resolved.findings
    template = find_template(
        options.template or resolved.meta.template,
        search_path(options.templates_dir, options.project_dir),
    )
    brief = render_brief(resolved, template.root, template.manifest.brief)
    stem = f"{pack_slug(options.pack_dir)}-{template.name}"
    allowed = allowed_values(resolved)
    report.problems += audit_brief(brief, allowed, f"{stem}.md (rendered)")
    report.problems += audit_brief_template(template.root / template.manifest.brief, allowed)
    report.problems += audit_pptx_template(template.pptx_path, allowed)
    return report


def build(options: BuildOptions) -> BuildResult:
    """Build the deck and the brief for one pack; raise a BriefgenError on any problem."""
    from briefgen.audit import allowed_values, audit_brief, audit_deck
    from briefgen.render_brief import check_budget, render_brief
    from briefgen.render_deck import render_deck
    from briefgen.templates import find_template, search_path
    from briefgen.write import build_time, reproducible_zip, write_outputs

    loaded = load_pack(options.pack_dir)
    resolved = resolve_pack(loaded)
    if options.sources_dir is None:
        report = Report(problems=[_unverified(options)])
    else:
        report = verify_pack(loaded, resolved, options.sources_dir, missing_is_error=False)
    name = options.template or resolved.meta.template
    template = find_template(name, search_path(options.templates_dir, options.project_dir))
    stem = f"{pack_slug(options.pack_dir)}-{template.name}"
    deck_path = options.out_dir / f"{stem}.pptx"
    brief_path = options.out_dir / f"{stem}.md"
    deck = render_deck(resolved, template)
    brief = render_brief(resolved, template.root, template.manifest.brief)
    check_budget(brief, str(brief_path))
    allowed = allowed_values(resolved)
    report.problems += audit_deck(deck, allowed, str(deck_path))
    report.problems += audit_brief(brief, allowed, str(brief_path))
    if options.verify and report.errors:
        raise VerificationError(
            f"{len(report.errors)} problems found; nothing was written "
            "(fix them, or build anyway with --no-verify)",
            report.problems,
        )
    when = build_time(resolved.meta.as_of)
    write_outputs({deck_path: reproducible_zip(deck, when), brief_path: brief.encode("utf-8")})
    warnings = tuple(p for p in report.problems if p.severity != "error" or not options.verify)
    return BuildResult(deck_path, brief_path, template.name, _count_slides(deck), warnings)


def _count_slides(deck: bytes) -> int:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        return sum(
            1 for n in archive.namelist() if n.startswith("ppt/slides/slide") and n.endswith(".xml")
        )
