"""JSON Schemas for pack files, generated from the content model, for editors.

A pack's files hold sections, so there is one schema per kind of file: ``pack.yaml``
(the metadata, and any sections), one per section file (``figures``, ``sources`` ...),
and ``sections`` for a file that mixes several. Editors with the YAML language server
pick a schema from the modeline on a file's first line::

    # yaml-language-server: $schema=../../schemas/figures.schema.json

The schemas say what the loader says, as far as JSON Schema can: unknown fields are
refused, enums are listed, and the rules a figure must follow (an amount needs a
currency; a figure needs citations or a derivation) are there too. Dates are strings
in ``YYYY-MM-DD`` form (``format: date``), as an editor's YAML parser reads them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from briefgen.load import LIST_SECTIONS, MAP_SECTIONS, PACK_FILE
from briefgen.models import Pack, PackMeta

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
MODELINE_PREFIX = "# yaml-language-server: $schema="
SECTIONS_KIND = "sections"
_DECIMAL = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
PACK_KIND = "pack"
# File kinds, in the order they are listed: pack.yaml, each section, and mixed files.
KINDS: tuple[str, ...] = (PACK_KIND, *LIST_SECTIONS, *MAP_SECTIONS, SECTIONS_KIND)

# Short help shown by editors on hover; the model's own docstrings cover the rest.
_FIELD_HELP: dict[tuple[str, str], str] = {
    ("Figure", "id"): "Unique id; prose refers to the figure as {id}.",
    ("Figure", "metric"): "What is measured (revenue, capex ...); with entity, basis, "
    "period, kind and currency it decides which figures describe the same thing.",
    ("Figure", "value"): "Exact decimal, written to the precision the source gives.",
    ("Figure", "bound"): "Whether the source states the value exactly or as a bound "
    "('over 380 billion').",
    ("Figure", "kind"): "amount (needs currency), percent, pp, count, ratio or multiple.",
    ("Figure", "scale"): "unit, thousand, million, billion or trillion.",
    ("Figure", "citations"): "Source id and the source's exact words around the number.",
    ("Figure", "derived"): "How the figure is computed from other figures, instead of citations.",
    ("Citation", "quote"): "The source's exact words around the number (3-300 characters).",
    ("Citation", "source"): "Id of a source in sources.yaml.",
    ("Source", "file"): "The file's path inside the sources folder.",
    ("Source", "sha256"): "Pin of the file's contents; briefgen check reports it stale "
    "when the file changes.",
    ("Period", "start"): "First day, YYYY-MM-DD.",
    ("Period", "end"): "Last day, YYYY-MM-DD (equal to start for a point in time).",
    ("Resolution", "stands"): "The figure whose reading stands; one of 'figures'.",
    ("PackMeta", "key_figures"): "Figure ids shown as large numbers on the summary slide.",
    ("PackMeta", "as_of"): "Date the pack speaks for, YYYY-MM-DD.",
}


def _definitions() -> dict[str, Any]:
    """Every model of the pack, as JSON Schema ``$defs``, with the extra rules applied."""
    generated = Pack.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    defs: dict[str, Any] = generated.get("$defs", {})
    meta = PackMeta.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    defs.update(meta.get("$defs", {}))
    defs["PackMeta"] = {k: v for k, v in meta.items() if k != "$defs"}
    for (model, name), text in _FIELD_HELP.items():
        field = defs.get(model, {}).get("properties", {}).get(name)
        if field is not None:
            field.setdefault("description", text)
    _figure_rules(defs["Figure"])
    value = defs["Figure"]["properties"]["value"]
    value["anyOf"] = [{"type": "number"}, {"type": "string", "pattern": _DECIMAL}]
    return defs


def _figure_rules(figure: dict[str, Any]) -> None:
    """The model validator's rules, as far as JSON Schema can state them."""
    figure["allOf"] = [
        {
            "if": {"properties": {"kind": {"const": "amount"}}, "required": ["kind"]},
            "then": {"required": ["currency"]},
            "else": {"properties": {"currency": {"type": "null"}}},
        },
        {
            "anyOf": [{"required": ["citations"]}, {"required": ["derived"]}],
            "description": "a figure needs citations (source and quote) or a derived formula",
        },
    ]


def _section_property(name: str, pack_properties: dict[str, Any]) -> dict[str, Any]:
    prop = dict(pack_properties[name])
    prop.pop("default", None)
    if name in LIST_SECTIONS:
        # Sections may be split over files, so one file may hold any number of items.
        prop.pop("minItems", None)
    return prop


def _sections(defs: dict[str, Any]) -> dict[str, Any]:
    pack = Pack.model_json_schema(mode="validation", ref_template="#/$defs/{model}")
    properties = pack["properties"]
    found: dict[str, Any] = {}
    for name in (*LIST_SECTIONS, *MAP_SECTIONS):
        prop = _section_property(name, properties)
        if "anyOf" in prop:  # Optional[Highlights]: null or the table
            prop = next(p for p in prop["anyOf"] if p.get("type") != "null")
        found[name] = prop
    return found


def build_schemas() -> dict[str, dict[str, Any]]:
    """Schema per file kind: ``pack``, each section name, and ``sections``."""
    defs = _definitions()
    sections = _sections(defs)
    meta = defs["PackMeta"]
    out: dict[str, dict[str, Any]] = {}
    out[PACK_KIND] = _document(
        f"briefgen {PACK_FILE}",
        f"A pack's {PACK_FILE}: its metadata, and any sections.",
        {**meta["properties"], **sections},
        meta.get("required", []),
        defs,
    )
    for name, prop in sections.items():
        out[name] = _document(
            f"briefgen {name}",
            f"A pack file holding the '{name}' section.",
            {name: prop},
            [],
            defs,
        )
    out[SECTIONS_KIND] = _document(
        "briefgen sections",
        f"A pack file other than {PACK_FILE}: any of its sections.",
        sections,
        [],
        defs,
    )
    return out


def _document(
    title: str,
    description: str,
    properties: dict[str, Any],
    required: list[str],
    defs: dict[str, Any],
) -> dict[str, Any]:
    used = _referenced(properties, defs)
    document: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "title": title,
        "description": description,
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        document["required"] = sorted(required)
    if used:
        document["$defs"] = {name: defs[name] for name in sorted(used)}
    return document


def _referenced(node: Any, defs: dict[str, Any], found: set[str] | None = None) -> set[str]:
    """Names of the ``$defs`` a schema node refers to, directly or through other defs."""
    found = set() if found is None else found
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name not in found:
                found.add(name)
                _referenced(defs[name], defs, found)
        for value in node.values():
            _referenced(value, defs, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, defs, found)
    return found


def schema_file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def render_schema(schema: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, a final newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_files() -> dict[str, str]:
    """File name -> text of every schema."""
    return {schema_file_name(kind): render_schema(s) for kind, s in build_schemas().items()}


def kind_of_file(path: Path, sections: list[str] | None = None) -> str:
    """The schema kind for a pack file: by name, else by the sections it holds."""
    if path.name == PACK_FILE:
        return PACK_KIND
    if sections is not None and len(sections) == 1 and sections[0] in KINDS:
        return sections[0]
    stem = path.stem.split("-")[0].split("_")[0]
    if sections is None and stem in (*LIST_SECTIONS, *MAP_SECTIONS):
        return stem
    return SECTIONS_KIND


def modeline(schema_dir: str, kind: str) -> str:
    """The first line that points an editor at a schema (``schema_dir`` as written)."""
    base = schema_dir.rstrip("/")
    name = schema_file_name(kind)
    return f"{MODELINE_PREFIX}{base}/{name}" if base else f"{MODELINE_PREFIX}{name}"


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory``; all of them or none."""
    from briefgen.write import write_outputs

    files = {directory / name: text.encode("utf-8") for name, text in schema_files().items()}
    write_outputs(files)
    return sorted(files)
