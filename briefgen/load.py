"""Load a content pack: a folder of YAML files -> a validated :class:`Pack`.

``pack.yaml`` holds the pack's metadata at its top level and may hold sections;
any other ``*.yaml`` file holds sections only. List sections (``sources``,
``figures``, ``pillars``, ``risks``, ``resolutions``, ``charts``) may be split
across files and are joined in file-name order. Every problem found is reported,
each with its file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from briefgen.errors import PackError, Problem, ProblemLog, did_you_mean
from briefgen.memory import collector_paused
from briefgen.models import Pack, PackMeta
from briefgen.yamlsrc import PathKey, YamlDoc, dotted, read_yaml

LIST_SECTIONS = ("sources", "figures", "pillars", "risks", "resolutions", "charts")
MAP_SECTIONS = ("highlights",)
PACK_FILE = "pack.yaml"
_MAX_FILES = 200
_MAX_PACK_BYTES = 20 * 2**20
# The years a figure, a source or a pack can be dated in. Far dates are no one's data, and
# date arithmetic at the calendar's ends overflows (9999-12-31 has no next day).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2199, 12, 31)


@dataclass(frozen=True)
class Origin:
    """Where a value came from: its file and line."""

    file: str
    line: int | None


class Places:
    """Where each part of the merged pack was written, looked up when a problem needs it.

    Each list item, metadata key and map section of the merged pack is mapped to the
    file and path it came from; the line is found in that file's own line map only
    when asked, rather than copied for every value of a large pack.
    """

    def __init__(self) -> None:
        self.parts: dict[PathKey, tuple[YamlDoc, PathKey]] = {}
        self.sections: dict[PathKey, Origin] = {}
        self.holders: dict[str, list[YamlDoc]] = {}  # the files each section came from

    def hold(self, section: str, doc: YamlDoc) -> None:
        docs = self.holders.setdefault(section, [])
        if not any(held is doc for held in docs):
            docs.append(doc)

    def get(self, path: PathKey) -> Origin | None:
        """Origin of the deepest known node on ``path`` (a merged-pack path), if any."""
        for cut in (2, 1):
            part = self.parts.get(path[:cut]) if len(path) >= cut else None
            if part is None:
                continue
            doc, src = part
            rest = path[cut:]
            for depth in range(len(rest), -1, -1):
                line = doc.lines.get((*src, *rest[:depth]))
                if line is not None:
                    return Origin(doc.file, line)
        return self.sections.get(path[:1])

    def every_origin(self) -> dict[PathKey, Origin]:
        """The origin of every value of the merged pack, by path."""
        found: dict[PathKey, Origin] = dict(self.sections)
        for dest, (doc, src) in self.parts.items():
            for path, line in doc.lines_under(src):
                found[dest + path[len(src) :]] = Origin(doc.file, line)
        return found


@dataclass(frozen=True)
class LoadedPack:
    """A validated pack and where each of its parts was written."""

    pack: Pack
    root: Path
    places: Places

    def origin(self, path: PathKey) -> Origin:
        """Origin of the deepest known node on ``path`` (model path, e.g. ``("figures", 3)``)."""
        return self.places.get(path) or Origin(str(self.root / PACK_FILE), None)

    def files(self, *sections: str) -> tuple[tuple[str, str], ...]:
        """The YAML files that hold any of ``sections``, each with its content's SHA-256.

        Equal answers mean those sections, and the line each of their values was
        written on, are unchanged: a cheap key for work that reads only them.
        """
        held = self.places.holders
        found = {(doc.file, doc.digest): None for name in sections for doc in held.get(name, ())}
        return tuple(found)

    @cached_property
    def origins(self) -> dict[PathKey, Origin]:
        """The origin of every value of the pack, by path; made on first use (large)."""
        return self.places.every_origin()

    def where(self, path: PathKey) -> dict[str, Any]:
        """Keyword arguments locating a :class:`Problem` at ``path``."""
        origin = self.origin(path)
        return {
            "file": origin.file,
            "line": origin.line,
            "field": dotted(_model_path(path)) or None,
        }


class _Assembler:
    """Merges the pack's files into one dict, remembering each part's origin."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {"meta": {}}
        self.places = Places()
        self.log = ProblemLog()

    def add(self, doc: YamlDoc, is_pack_file: bool) -> None:
        if doc.data is None:
            return
        if not isinstance(doc.data, dict):
            self.log.error("pack-shape", "must be a mapping of sections", file=doc.file, line=1)
            return
        for key, value in doc.data.items():
            if key in LIST_SECTIONS:
                self._add_list(doc, key, value)
            elif key in MAP_SECTIONS:
                self._add_once(doc, (key,), (key,), value, self.data)
            elif is_pack_file:
                self._add_once(doc, (key,), ("meta", key), value, self.data["meta"])
            else:
                self._unknown_section(doc, key)

    def _add_list(self, doc: YamlDoc, key: str, value: Any) -> None:
        if not isinstance(value, list):
            self.log.error(
                "pack-shape",
                f"'{key}' must be a list",
                file=doc.file,
                line=doc.line_of((key,)),
                field=key,
            )
            return
        items = self.data.setdefault(key, [])
        self.places.hold(key, doc)
        parts = self.places.parts
        for i, item in enumerate(value):
            parts[(key, len(items))] = (doc, (key, i))
            items.append(item)
        self.places.sections.setdefault((key,), Origin(doc.file, doc.line_of((key,))))

    def _add_once(
        self, doc: YamlDoc, src: PathKey, dest: PathKey, value: Any, into: dict[str, Any]
    ) -> None:
        name = str(src[-1])
        if name in into:
            self.log.error(
                "pack-duplicate-section",
                f"'{name}' is given in more than one file",
                file=doc.file,
                line=doc.line_of(src),
                field=name,
            )
            return
        into[name] = value
        self.places.parts[dest] = (doc, src)
        self.places.hold(str(dest[0]), doc)

    def _unknown_section(self, doc: YamlDoc, key: str) -> None:
        known = [*LIST_SECTIONS, *MAP_SECTIONS]
        hint = did_you_mean(key, known)
        self.log.error(
            "pack-unknown-section",
            f"unknown section '{key}'{hint}; metadata belongs in {PACK_FILE}",
            file=doc.file,
            line=doc.line_of((key,)),
            field=key,
        )


@collector_paused
def load_pack(root: Path) -> LoadedPack:
    """Read, merge and validate the pack in ``root``; every problem is raised in one PackError."""
    assembler = _Assembler()
    log = assembler.log
    pack_file = root / PACK_FILE
    if not root.is_dir():
        raise PackError(
            f"{root}: is not a pack folder",
            [Problem("pack-missing", "no such pack folder", str(root))],
        )
    if not pack_file.is_file():
        raise PackError(
            f"{root}: no {PACK_FILE}",
            [
                Problem(
                    "pack-missing", f"a pack needs a {PACK_FILE} with its metadata", str(pack_file)
                )
            ],
        )
    unreadable = _read_files(root, assembler)
    if PACK_FILE in unreadable:
        # Without the metadata every other check would only repeat "missing".
        log.raise_if_errors(PackError, f"{root}: the pack has errors")
    if not log.errors and _is_empty(assembler.data):
        log.error(
            "pack-empty",
            "the pack holds no sources and no figures; add a sources.yaml and a figures.yaml "
            "(see the README's content format)",
            file=str(pack_file),
        )
        log.raise_if_errors(PackError, f"{root}: the pack is empty")
    # A file that would not parse is left out and the rest is still validated, so one
    # run reports every problem; a section that file may have held is not called missing.
    # Nor is a value the YAML reader refused (a tag, an alias, a 400-digit number) called
    # the wrong type: the problem already reported on its line says what is wrong.
    sections = {*LIST_SECTIONS, *MAP_SECTIONS}
    reported = {(p.file, p.line) for p in log.problems}
    pack, problems = _validate(assembler, root)
    log.extend(
        p
        for p in problems
        if not (unreadable and p.code == "field-missing" and p.field in sections)
        and (p.file, p.line) not in reported
    )
    log.raise_if_errors(PackError, f"{root}: the pack has errors")
    if pack is None:  # every problem was one already reported, which stops the run above
        pack = Pack.model_validate(assembler.data)
    loaded = LoadedPack(pack, root, assembler.places)
    for path, day in _dates(loaded.pack, ()):
        if not FIRST_DAY <= day <= LAST_DAY:
            log.error(
                "date-out-of-range",
                f"{day.isoformat()} is out of range; dates run from {FIRST_DAY.year} "
                f"to {LAST_DAY.year}",
                **loaded.where(path),
            )
    log.raise_if_errors(PackError, f"{root}: the pack has errors")
    return loaded


def _dates(value: Any, path: PathKey) -> list[tuple[PathKey, date]]:
    """Every date in the validated pack, with its path (``("figures", 3, "period", "end")``)."""
    if isinstance(value, date):
        return [(path, value)]
    if isinstance(value, BaseModel):
        return [
            found
            for name in _date_fields(type(value))
            for found in _dates(getattr(value, name), (*path, name))
        ]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _dates(item, (*path, i))]
    return []


@cache
def _date_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` that can hold a date, at any depth: the rest need no visit."""
    return tuple(
        name for name, info in model.model_fields.items() if _may_hold_date(info.annotation)
    )


def _may_hold_date(annotation: Any) -> bool:
    if isinstance(annotation, type):
        if issubclass(annotation, date):
            return True
        if issubclass(annotation, BaseModel):
            return bool(_date_fields(annotation))
    return any(_may_hold_date(arg) for arg in get_args(annotation))


def _read_files(root: Path, assembler: _Assembler) -> list[str]:
    """Parse every YAML file of the pack into ``assembler``; the names of those that failed.

    The files are read only when they are the pack's own: a link to a file outside the
    folder would put that file's text into error messages, and limits on their number
    and total size keep a run to seconds.
    """
    log = assembler.log
    files = sorted(root.glob("*.yaml"), key=lambda p: (p.name != PACK_FILE, p.name))
    if len(files) > _MAX_FILES:
        log.error(
            "pack-too-large",
            f"the pack has {len(files)} YAML files; at most {_MAX_FILES} are read",
            file=str(root),
        )
        files = files[:_MAX_FILES]
    unreadable: list[str] = []
    total = 0
    home = root.resolve()
    for path in files:
        target = path.resolve()
        if not target.is_relative_to(home):
            log.error(
                "file-outside",
                f"is a link to {target}, outside the pack folder; copy the file into the pack",
                file=str(path),
            )
            unreadable.append(path.name)
            continue
        total += _size(target)
        if total > _MAX_PACK_BYTES:
            log.error(
                "pack-too-large",
                f"the pack's YAML files add up to more than {_MAX_PACK_BYTES // 2**20} MB",
                file=str(path),
            )
            unreadable.append(path.name)
            break
        doc, problems = read_yaml(path, str(path))
        log.extend(problems)
        if doc is None:
            unreadable.append(path.name)
        elif path.name == PACK_FILE and not isinstance(doc.data, dict | None):
            log.error("pack-shape", "must be a mapping of metadata", file=doc.file, line=1)
            unreadable.append(path.name)
        else:
            assembler.add(doc, path.name == PACK_FILE)
    return unreadable


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # reading it reports why


def _is_empty(data: dict[str, Any]) -> bool:
    """True when no file gave a source or a figure: not a pack yet, so one problem says so."""
    return not data.get("sources") and not data.get("figures")


def _model_path(path: PathKey) -> PathKey:
    return path[1:] if path[:1] == ("meta",) else path


def _validate(assembler: _Assembler, root: Path) -> tuple[Pack | None, list[Problem]]:
    try:
        return Pack.model_validate(assembler.data), []
    except ValidationError as exc:
        problems = [
            _problem_for(error, tuple(error["loc"]), assembler, root) for error in exc.errors()
        ]
        return None, problems


def _problem_for(error: Any, loc: PathKey, assembler: _Assembler, root: Path) -> Problem:
    origin = assembler.places.get(loc) or Origin(str(root / PACK_FILE), None)
    kind, message = error["type"], error["msg"]
    field = dotted(_model_path(loc))
    if kind == "extra_forbidden":
        message = f"unknown field '{loc[-1]}'{did_you_mean(str(loc[-1]), _allowed_fields(loc))}"
    elif kind == "missing":
        message = f"required field '{loc[-1]}' is missing"
    elif message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return Problem(f"field-{kind.replace('_', '-')}", message, origin.file, origin.line, field)


def _allowed_fields(loc: PathKey) -> list[str]:
    """Field names valid beside the unknown one at ``loc``, for a suggestion."""
    model: Any = Pack
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if part == "meta":
            model = PackMeta
            continue
        info = getattr(model, "model_fields", {}).get(part)
        if info is None:
            return []
        model = _inner_model(info.annotation)
        if model is None:
            return []
    return list(getattr(model, "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
