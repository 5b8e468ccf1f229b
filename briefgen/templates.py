"""Templates: where they are found, what their manifest says, and that it holds together.

A template is a folder::

    manifest.yaml     what slides the deck has, which layout and placeholders each uses
    template.pptx     slide master and named layouts that carry the look
    brief.md.jinja    the one-page brief

Templates are searched for in order: an explicit ``--templates DIR``, the project's
``templates/`` folder, then the built-ins shipped inside this package. The first
folder of a name wins, so a project can shadow a built-in.

Everything here is checked without python-pptx (the ``check`` command must stay
light): layout names and placeholders are read straight from the ``.pptx`` zip.
"""

from __future__ import annotations

import io
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Annotated, Any, Literal
from xml.etree import ElementTree

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from briefgen.errors import Problem, ProblemLog, TemplateError, did_you_mean
from briefgen.yamlsrc import PathKey, YamlDoc, dotted, read_yaml

if TYPE_CHECKING:
    from briefgen.safety import CheckedPptx

MANIFEST = "manifest.yaml"
BUILTIN_DIR = Path(__file__).parent / "templates"

SlideKind = Literal[
    "title",
    "key_figures",
    "summary",
    "pillar",
    "table",
    "chart",
    "risks",
    "sources",
    "appendix",
    "conflicts",
    "section",
    "pillars",
    "risk_matrix",
]
Role = Literal["title", "subtitle", "body", "figures", "table", "chart"]
# A placeholder is picked by its index (an int) or by its type as written in the
# layout XML (``<p:ph type="...">``); a placeholder with no type is an "obj".
PlaceholderType = Literal["title", "ctrTitle", "subTitle", "body", "obj", "tbl", "chart", "pic"]
PlaceholderRef = Annotated[int, Field(ge=0)] | PlaceholderType
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
FileName = Annotated[str, StringConstraints(pattern=r"^[^/\\]+$", min_length=1, max_length=200)]
Size = Annotated[float, Field(ge=12, le=60)]

_ROLES_BY_KIND: dict[str, frozenset[str]] = {
    "title": frozenset({"title", "subtitle", "body"}),
    "section": frozenset({"title", "body"}),
    "summary": frozenset({"title", "body", "figures"}),
    "key_figures": frozenset({"title", "body", "figures"}),
    "pillars": frozenset({"title", "body"}),
    "risk_matrix": frozenset({"title", "table"}),
    "pillar": frozenset({"title", "body"}),
    "table": frozenset({"title", "table"}),
    "risks": frozenset({"title", "table"}),
    "sources": frozenset({"title", "table"}),
    "appendix": frozenset({"title", "table"}),
    "conflicts": frozenset({"title", "table"}),
    "chart": frozenset({"title", "chart"}),
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Fonts(_Model):
    """Typefaces set on every text run; ``east_asian`` covers Chinese, Japanese, Korean.

    ``heading`` and ``heading_east_asian`` set titles and large numbers apart; each
    defaults to its body face.
    """

    latin: str = Field(default="Calibri", min_length=1, max_length=100)
    east_asian: str = Field(default="Noto Sans CJK SC", min_length=1, max_length=100)
    heading: str | None = Field(default=None, min_length=1, max_length=100)
    heading_east_asian: str | None = Field(default=None, min_length=1, max_length=100)
    lang: str = "en-US"
    east_asian_lang: str = "zh-CN"

    def for_headings(self) -> Fonts:
        """The same fonts with the heading faces as the main ones."""
        return self.model_copy(
            update={
                "latin": self.heading or self.latin,
                "east_asian": self.heading_east_asian or self.east_asian,
            }
        )


class Footnote(_Model):
    """The source band at the bottom of every slide that shows a figure."""

    size: float = Field(default=9, ge=8, le=14)
    bottom: float | None = Field(default=None, gt=0, description="inches from the slide's top edge")
    max_lines: int = Field(default=8, ge=1, le=20)


class Typography(_Model):
    """Sizes in points; the renderer tries each size of a ladder, largest first."""

    title: Size = 28  # what the layouts' title placeholders use; long titles shrink from it
    body: list[Size] = Field(default_factory=lambda: [18.0, 16.0, 14.0], min_length=1)
    table: list[Size] = Field(default_factory=lambda: [14.0, 12.0], min_length=1)
    figure: Size = 28  # the large numbers of key-figure tiles


class SlideSpec(_Model):
    kind: SlideKind
    layout: str = Field(min_length=1, max_length=200)
    placeholders: dict[Role, PlaceholderRef] = Field(default_factory=dict)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    pillar: Identifier | None = None
    chart: Identifier | None = None
    limit: int | None = Field(default=None, ge=1, le=50, description="at most this many")
    # compact: risks without their detail, most exposed first; a summary without tiles
    style: Literal["full", "compact"] = "full"

    @model_validator(mode="after")
    def _fits_kind(self) -> SlideSpec:
        if self.pillar is not None and self.kind != "pillar":
            raise ValueError("'pillar' applies only to kind 'pillar'")
        if self.chart is not None and self.kind != "chart":
            raise ValueError("'chart' applies only to kind 'chart'")
        if self.limit is not None and self.kind not in ("chart", "pillar", "pillars"):
            raise ValueError("'limit' applies only to kinds 'chart', 'pillar' and 'pillars'")
        if self.style != "full" and self.kind not in ("risks", "summary"):
            raise ValueError("'style' applies only to kinds 'risks' and 'summary'")
        if self.kind == "section" and self.title is None:
            raise ValueError("a 'section' slide needs a 'title'")
        allowed = _ROLES_BY_KIND[self.kind]
        extra = sorted(set(self.placeholders) - allowed)
        if extra:
            raise ValueError(
                f"kind '{self.kind}' has no placeholder role {', '.join(map(repr, extra))}; "
                f"its roles are {', '.join(sorted(allowed))}"
            )
        return self


class Manifest(_Model):
    name: Identifier
    description: str = Field(min_length=1, max_length=500)
    pptx: FileName
    brief: FileName
    fonts: Fonts = Fonts()
    footnote: Footnote = Footnote()
    typography: Typography = Typography()
    slides: list[SlideSpec] = Field(min_length=1, max_length=200)


@dataclass(frozen=True)
class Template:
    name: str
    description: str
    root: Path
    origin: str  # "--templates", "project" or "built-in"
    manifest: Manifest

    @property
    def pptx_path(self) -> Path:
        return self.root / self.manifest.pptx

    @property
    def brief_path(self) -> Path:
        return self.root / self.manifest.brief

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def where(self, path: PathKey) -> dict[str, Any]:
        """Keyword arguments locating a :class:`Problem` at ``path`` of the manifest.

        The manifest is read again (from the parse cache): only errors need its lines.
        """
        doc, _ = read_yaml(self.manifest_path, str(self.manifest_path))
        line = doc.line_of(path) if doc is not None else None
        return {"file": str(self.manifest_path), "line": line, "field": dotted(path)}


@dataclass(frozen=True)
class LayoutInfo:
    """A slide layout as the ``.pptx`` declares it: its name and its placeholders."""

    name: str
    placeholders: tuple[tuple[str, int], ...]  # (type, idx)

    def has(self, ref: int | str) -> bool:
        if isinstance(ref, int):
            return any(idx == ref for _, idx in self.placeholders)
        wanted = {"title", "ctrTitle"} if ref == "title" else {ref}
        return any(kind in wanted for kind, _ in self.placeholders)


def search_path(templates_dir: Path | None, project_dir: Path) -> list[tuple[Path, str]]:
    """Folders searched for templates, first match wins, each with where it came from."""
    path: list[tuple[Path, str]] = []
    if templates_dir is not None:
        path.append((templates_dir, "--templates"))
    path.append((project_dir / "templates", "project"))
    path.append((BUILTIN_DIR, "built-in"))
    return path


def _candidates(search: list[tuple[Path, str]]) -> dict[str, tuple[Path, str]]:
    """Template folders by name, the first on the search path winning."""
    found: dict[str, tuple[Path, str]] = {}
    for folder, origin in search:
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir()):
            if child.is_dir() and (child / MANIFEST).is_file():
                found.setdefault(child.name, (child, origin))
    return found


def _describe(search: list[tuple[Path, str]]) -> str:
    return "; ".join(f"{folder} ({origin})" for folder, origin in search)


def scan_templates(search: list[tuple[Path, str]]) -> tuple[list[Template], list[Problem]]:
    """Every template on the search path, by name, and the problems of broken ones."""
    templates = []
    problems: list[Problem] = []
    for name, (root, origin) in sorted(_candidates(search).items()):
        try:
            templates.append(load_template(root, origin, name))
        except TemplateError as exc:
            problems.extend(exc.problems or [Problem("template-invalid", str(exc), str(root))])
    return templates, problems


def list_templates(search: list[tuple[Path, str]]) -> list[Template]:
    """Every template on the search path, by name; raise if any of them is broken."""
    templates, problems = scan_templates(search)
    log = ProblemLog()
    log.extend(problems)
    log.raise_if_errors(TemplateError, "some templates are broken")
    return templates


def find_template(name: str, search: list[tuple[Path, str]]) -> Template:
    """The first template called ``name`` on the search path, fully checked."""
    found = _candidates(search)
    if name not in found:
        available = ", ".join(sorted(found)) or "none"
        message = (
            f"no template named '{name}'{did_you_mean(name, found)}; "
            f"available: {available}; searched: {_describe(search)}"
        )
        raise TemplateError(message, [Problem("template-unknown", message, field="template")])
    root, origin = found[name]
    return load_template(root, origin, name)


def load_template(root: Path, origin: str, name: str | None = None) -> Template:
    """Read and check one template folder: manifest, files, layouts and placeholders."""
    manifest_path = root / MANIFEST
    doc, problems = read_yaml(manifest_path, str(manifest_path))
    if doc is None or problems:
        raise TemplateError(f"{manifest_path}: cannot read the manifest", problems)
    manifest = _validate(doc)
    checked = None
    if (root / manifest.pptx).is_file():
        # Before anything reads the deck: no macros, external links, objects or bombs.
        from briefgen.safety import checked_pptx

        checked = checked_pptx(root / manifest.pptx)
    log = ProblemLog()
    expected = name or root.name
    if manifest.name != expected:
        log.error(
            "template-name",
            f"name '{manifest.name}' differs from the folder's name '{expected}'",
            file=doc.file,
            line=doc.line_of(("name",)),
            field="name",
        )
    for key, file in (("pptx", manifest.pptx), ("brief", manifest.brief)):
        if not (root / file).is_file():
            log.error(
                "template-file-missing",
                f"file '{file}' is not in {root}",
                file=doc.file,
                line=doc.line_of((key,)),
                field=key,
            )
    if checked is not None:
        _check_layouts(manifest, checked, doc, log)
    log.raise_if_errors(TemplateError, f"{manifest_path}: the template has errors")
    return Template(manifest.name, manifest.description, root, origin, manifest)


def _validate(doc: YamlDoc) -> Manifest:
    try:
        return Manifest.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc: PathKey = tuple(error["loc"])
            message = str(error["msg"]).removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                message = f"unknown field '{loc[-1]}'"
            line = doc.line_of(_existing_prefix(doc, loc))
            problems.append(
                Problem(
                    "template-invalid",
                    message,
                    doc.file,
                    line,
                    dotted(loc) or None,
                )
            )
        raise TemplateError(f"{doc.file}: the manifest has errors", problems) from None


def _existing_prefix(doc: YamlDoc, loc: PathKey) -> PathKey:
    # pydantic adds union-member tags to locations ("int", "literal[...]"); drop them.
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in doc.lines:
            return loc[:cut]
    return ()


_LAYOUTS: OrderedDict[str, list[LayoutInfo]] = OrderedDict()  # by the .pptx's SHA-256


def _layouts_of(checked: CheckedPptx) -> list[LayoutInfo]:
    """The layouts of a checked ``.pptx``, read once per content in a long-running process."""
    layouts = _LAYOUTS.get(checked.digest)
    if layouts is None:
        layouts = _LAYOUTS[checked.digest] = read_layouts(io.BytesIO(checked.data))
        while len(_LAYOUTS) > 8:
            _LAYOUTS.popitem(last=False)
    return layouts


def _check_layouts(manifest: Manifest, checked: CheckedPptx, doc: YamlDoc, log: ProblemLog) -> None:
    pptx = checked.path
    try:
        layouts = {layout.name: layout for layout in _layouts_of(checked)}
    except (OSError, zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        log.error("template-pptx", f"cannot read {pptx.name}: {exc}", file=str(pptx))
        return
    names = ", ".join(f"'{n}'" for n in layouts) or "none"
    for i, spec in enumerate(manifest.slides):
        layout = layouts.get(spec.layout)
        where = {"file": doc.file, "line": doc.line_of(("slides", i, "layout"))}
        if layout is None:
            log.error(
                "template-layout",
                f"{pptx.name} has no layout named '{spec.layout}'"
                f"{did_you_mean(spec.layout, layouts)}; its layouts are {names}",
                field=f"slides[{i}].layout",
                **where,
            )
            continue
        for role, ref in spec.placeholders.items():
            if not layout.has(ref):
                kept = ", ".join(f"{kind}/idx {idx}" for kind, idx in layout.placeholders)
                log.error(
                    "template-placeholder",
                    f"layout '{spec.layout}' in {pptx.name} has no placeholder {ref!r} "
                    f"for role '{role}'; it has {kept or 'none'}",
                    field=f"slides[{i}].placeholders.{role}",
                    file=doc.file,
                    line=doc.line_of(("slides", i, "placeholders", role)),
                )


_NS = {
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_RID = f"{{{_NS['r']}}}id"


def read_layouts(pptx: Path | IO[bytes]) -> list[LayoutInfo]:
    """The layouts the presentation's masters list, in order, read from the zip."""
    with zipfile.ZipFile(pptx) as archive:
        presentation = "ppt/presentation.xml"
        root = _xml(archive, presentation)
        rels = _rels(archive, presentation)
        layouts = []
        for master_id in root.iterfind("p:sldMasterIdLst/p:sldMasterId", _NS):
            master = rels[master_id.attrib[_RID]]
            master_rels = _rels(archive, master)
            for layout_id in _xml(archive, master).iterfind("p:sldLayoutIdLst/p:sldLayoutId", _NS):
                layouts.append(_layout(_xml(archive, master_rels[layout_id.attrib[_RID]])))
        return layouts


def _layout(root: ElementTree.Element) -> LayoutInfo:
    csld = root.find("p:cSld", _NS)
    name = csld.attrib.get("name", "") if csld is not None else ""
    placeholders = tuple(
        (ph.attrib.get("type", "obj"), int(ph.attrib.get("idx", "0")))
        for ph in root.iterfind(".//p:nvPr/p:ph", _NS)
    )
    return LayoutInfo(name, placeholders)


def _xml(archive: zipfile.ZipFile, member: str) -> ElementTree.Element:
    return ElementTree.fromstring(archive.read(member))


def _rels(archive: zipfile.ZipFile, member: str) -> dict[str, str]:
    """Relationship id -> zip member name, for the part ``member``."""
    part = PurePosixPath(member)
    rels_name = str(part.parent / "_rels" / f"{part.name}.rels")
    targets = {}
    for rel in _xml(archive, rels_name).iterfind("rel:Relationship", _NS):
        if rel.attrib.get("TargetMode") == "External":
            continue
        target = rel.attrib["Target"]
        resolved = (
            PurePosixPath(target.lstrip("/")) if target.startswith("/") else part.parent / target
        )
        targets[rel.attrib["Id"]] = _normalise(resolved)
    return targets


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for piece in path.parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)
