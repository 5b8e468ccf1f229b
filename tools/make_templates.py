"""Generate the built-in templates' .pptx files, reproducibly.

Run from the repository root::

    python tools/make_templates.py            # writes briefgen/templates/*/template.pptx
    python tools/make_templates.py board      # just one
    python tools/make_templates.py --check    # exit 1 if a committed file is stale

Starts from python-pptx's own default package (known to open in PowerPoint) and
replaces its theme, slide master and layouts with a template's design
(``tools/design_<name>.py``: theme colours, master text styles, named layouts) and the
heading and body fonts of the template's manifest.
Everything that could vary between runs (zip timestamps, document dates, the
thumbnail) is fixed or dropped, so the same script gives the same bytes.
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml import parse_xml
from pptx.util import Emu

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
sys.path.insert(0, str(TOOLS))  # the design modules beside this script, however it is run
from pptx_xml import NS_A, NS_P, SLIDE_H, SLIDE_W, Design, master_xml  # noqa: E402

FIXED_TIME = datetime(2025, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

TEMPLATES_DIR = ROOT / "briefgen" / "templates"
BUILT = ("default", "board", "teaser", "ic")  # each has tools/design_<name>.py


def design_of(name: str) -> Design:
    module = importlib.import_module(f"design_{name}")
    made: Design = module.design()
    return made


def theme_xml(blob: bytes, name: str, colors: dict[str, str], fonts: dict[str, Any]) -> bytes:
    """The stock theme with our colours, and heading (major) and body (minor) fonts."""
    theme = etree.fromstring(blob)
    theme.set("name", f"briefgen {name}" if name != "default" else "briefgen")
    a = f"{{{NS_A}}}"
    scheme = theme.find(f"{a}themeElements/{a}clrScheme")
    assert scheme is not None
    scheme.set("name", theme.get("name"))
    for slot, value in colors.items():
        element = scheme.find(f"{a}{slot}")
        assert element is not None
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{a}srgbClr", val=value)
    font_scheme = theme.find(f"{a}themeElements/{a}fontScheme")
    assert font_scheme is not None
    font_scheme.set("name", theme.get("name"))
    faces = {
        "majorFont": (fonts.get("heading") or fonts["latin"], fonts.get("heading_east_asian")),
        "minorFont": (fonts["latin"], None),
    }
    for group, (latin, east_asian) in faces.items():
        east_asian = east_asian or fonts["east_asian"]
        node = font_scheme.find(f"{a}{group}")
        assert node is not None
        node.find(f"{a}latin").set("typeface", latin)  # type: ignore[union-attr]
        node.find(f"{a}ea").set("typeface", east_asian)  # type: ignore[union-attr]
        for script in node.iterfind(f"{a}font"):
            if script.get("script") == "Hans":
                script.set("typeface", east_asian)
    return bytes(etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True))


APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>briefgen</Application><PresentationFormat>Widescreen</PresentationFormat>"
    "<Slides>0</Slides><Notes>0</Notes><HiddenSlides>0</HiddenSlides></Properties>"
)


def build(manifest_path: Path) -> bytes:
    """The ``.pptx`` of the template whose manifest this is, always the same bytes."""
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    design = design_of(manifest["name"])
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_W), Emu(SLIDE_H)
    _drop_extras(prs)
    stock = list(prs.slide_layouts)
    for spare in stock[len(design.layouts) :]:
        prs.slide_layouts.remove(spare)
    for slide_layout, xml in zip(prs.slide_layouts, design.layouts, strict=True):
        slide_layout.part._element = parse_xml(xml)
    master_part = prs.slide_master.part
    ids = master_part._element.find(f"{{{NS_P}}}sldLayoutIdLst")
    layout_ids = etree.tostring(ids).decode()
    master_part._element = parse_xml(master_xml(design.look, design.master_shapes, layout_ids))
    theme_part = master_part.part_related_by(RT.THEME)
    theme_part._blob = theme_xml(
        theme_part.blob, manifest["name"], design.colors, manifest["fonts"]
    )
    _set_properties(prs, manifest)
    out = io.BytesIO()
    prs.save(out)
    return _fixed_zip(out.getvalue())


def _drop_extras(prs: Any) -> None:
    """Drop the 4:3 thumbnail and the printer settings the stock package carries."""
    package = prs.part.package
    for rid, rel in list(package._rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.drop_rel(rid)
    for rid, rel in list(prs.part.rels.items()):
        if rel.reltype == RT.PRINTER_SETTINGS:
            prs.part.drop_rel(rid)
    for rel in package._rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML.encode("utf-8")


def _set_properties(prs: Any, manifest: dict[str, Any]) -> None:
    props = prs.core_properties
    props.title = f"briefgen {manifest['name']} template"
    props.subject = manifest["description"]
    props.author = "briefgen"
    props.last_modified_by = "briefgen"
    props.comments = "generated by tools/make_templates.py"
    props.revision = 1
    props.created = FIXED_TIME
    props.modified = FIXED_TIME


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed timestamps and attributes, members in their order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if a file on disk is stale")
    parser.add_argument("names", nargs="*", help="templates to make (default: all built-ins)")
    args = parser.parse_args(argv)
    stale = []
    for name in args.names or BUILT:
        folder = TEMPLATES_DIR / name
        target = folder / "template.pptx"
        data = build(folder / "manifest.yaml")
        if args.check:
            if not target.is_file() or target.read_bytes() != data:
                stale.append(str(target.relative_to(ROOT)))
            continue
        target.write_bytes(data)
        print(f"wrote {target.relative_to(ROOT)} ({len(data)} bytes)")
    for path in stale:
        print(f"{path} is stale; run python tools/make_templates.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
