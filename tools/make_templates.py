"""Generate the built-in templates' .pptx files, reproducibly.

Run from the repository root::

    python tools/make_templates.py            # writes briefgen/templates/default/template.pptx
    python tools/make_templates.py --check    # exit 1 if the committed file is stale

Starts from python-pptx's own default package (known to open in PowerPoint) and
replaces its theme, slide master and layouts with ours: 16:9, a navy accent and a
teal highlight, Calibri with an East Asian typeface from the template's manifest.
Everything that could vary between runs (zip timestamps, document dates, the
thumbnail) is fixed or dropped, so the same script gives the same bytes.
"""

from __future__ import annotations

import argparse
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
from pptx.util import Emu, Inches

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = ROOT / "briefgen" / "templates" / "default"
FIXED_TIME = datetime(2025, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = f'xmlns:a="{NS_A}" xmlns:p="{NS_P}" xmlns:r="{NS_R}"'

# Theme colours: one dark accent (navy) and one highlight (teal), greys between.
COLORS = {
    "dk1": "222A35",
    "lt1": "FFFFFF",
    "dk2": "14284B",
    "lt2": "EEF1F5",
    "accent1": "14284B",
    "accent2": "0E8C8C",
    "accent3": "7F8C9D",
    "accent4": "5B7DB1",
    "accent5": "A9B4C2",
    "accent6": "C99A2E",
    "hlink": "0E6E8C",
    "folHlink": "5B4E8B",
}
SLIDE_W, SLIDE_H = 12192000, 6858000  # 13.333 x 7.5 in, PowerPoint's 16:9
MARGIN = Inches(0.6)
CONTENT_W = SLIDE_W - 2 * MARGIN
SLIDENUM_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"


def emu(value: float) -> int:
    return int(Inches(value))


def xfrm(x: int, y: int, w: int, h: int) -> str:
    return f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'


def rect(shape_id: int, name: str, box: tuple[int, int, int, int], color: str) -> str:
    """A plain filled rectangle, for accent bars."""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/>'
        '<p:cNvSpPr/><p:nvPr userDrawn="1"/>'
        f"</p:nvSpPr><p:spPr>{xfrm(*box)}"
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f'<a:solidFill><a:schemeClr val="{color}"/></a:solidFill><a:ln><a:noFill/></a:ln></p:spPr>'
        "<p:txBody><a:bodyPr/><a:lstStyle/><a:p>"
        '<a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>'
    )


def rule(shape_id: int, name: str, x: int, y: int, w: int) -> str:
    """A thin horizontal grey line."""
    return (
        f'<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvCxnSpPr/>'
        f'<p:nvPr userDrawn="1"/></p:nvCxnSpPr><p:spPr>{xfrm(x, y, w, 0)}'
        f'<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="9525"><a:solidFill>'
        f'<a:schemeClr val="bg1"><a:lumMod val="85000"/></a:schemeClr></a:solidFill></a:ln>'
        f"</p:spPr></p:cxnSp>"
    )


def placeholder(
    shape_id: int,
    name: str,
    ph: str,
    box: tuple[int, int, int, int] | None = None,
    prompt: str = "",
    body_pr: str = "<a:bodyPr/>",
    lst_style: str = "<a:lstStyle/>",
) -> str:
    geometry = f"<p:spPr>{xfrm(*box)}</p:spPr>" if box else "<p:spPr/>"
    run = f'<a:r><a:rPr lang="en-US"/><a:t>{prompt}</a:t></a:r>' if prompt else ""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/>'
        f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr>'
        f"{geometry}<p:txBody>{body_pr}{lst_style}<a:p>{run}"
        f'<a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>'
    )


def slide_number(shape_id: int, box: tuple[int, int, int, int] | None = None) -> str:
    geometry = f"<p:spPr>{xfrm(*box)}</p:spPr>" if box else "<p:spPr/>"
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="Slide Number"/>'
        f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        f'<p:nvPr><p:ph type="sldNum" sz="quarter" idx="12"/></p:nvPr></p:nvSpPr>{geometry}'
        f'<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:fld id="{SLIDENUM_FIELD}" type="slidenum">'
        '<a:rPr lang="en-US"/><a:t>‹#›</a:t></a:fld>'
        '<a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>'
    )


def sp_tree(*shapes: str) -> str:
    return (
        '<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
        f"<p:grpSpPr>{xfrm(0, 0, 0, 0).replace('</a:xfrm>', '')}"
        '<a:chOff x="0" y="0"/><a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>'
        + "".join(shapes)
        + "</p:spTree>"
    )


def text_props(size: int, color: str, bold: bool = False, mods: str = "") -> str:
    b = ' b="1"' if bold else ""
    return (
        f'<a:defRPr sz="{size * 100}"{b} kern="1200"><a:solidFill><a:schemeClr val="{color}">{mods}'
        "</a:schemeClr></a:solidFill>"
    )


def level(n: int, size: int, mar: float, indent: float, bullet: str | None, before: int) -> str:
    bu = (
        f'<a:buClr><a:schemeClr val="accent2"/></a:buClr><a:buFont typeface="Arial"/>'
        f'<a:buChar char="{bullet}"/>'
        if bullet
        else "<a:buNone/>"
    )
    return (
        f'<a:lvl{n}pPr marL="{emu(mar)}" indent="{-emu(indent) if bullet else 0}" algn="l" '
        f'defTabSz="914400" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1">'
        f'<a:spcBef><a:spcPts val="{before * 100}"/></a:spcBef>{bu}'
        f'{text_props(size, "tx1")}<a:latin typeface="+mn-lt"/><a:ea typeface="+mn-ea"/>'
        f'<a:cs typeface="+mn-cs"/></a:defRPr></a:lvl{n}pPr>'
    )


def master_shapes() -> str:
    """The master's shapes: accent bar, title and body, highlight, footer rule, slide number."""
    title_box = (MARGIN, emu(0.35), CONTENT_W, emu(0.85))
    body_box = (MARGIN, emu(1.5), CONTENT_W, emu(4.9))
    number_box = (SLIDE_W - MARGIN - emu(1.0), emu(7.04), emu(1.0), emu(0.3))
    shapes = sp_tree(
        rect(2, "Accent Bar", (0, 0, SLIDE_W, emu(0.1)), "accent1"),
        placeholder(
            3,
            "Title Placeholder",
            '<p:ph type="title"/>',
            title_box,
            "Slide title",
            '<a:bodyPr vert="horz" lIns="0" tIns="45720" rIns="0" bIns="45720" anchor="b">'
            "<a:noAutofit/></a:bodyPr>",
        ),
        placeholder(
            4,
            "Body Placeholder",
            '<p:ph type="body" idx="1"/>',
            body_box,
            "Body text",
            '<a:bodyPr vert="horz" lIns="0" tIns="45720" rIns="0" bIns="45720" anchor="t">'
            "<a:noAutofit/></a:bodyPr>",
        ),
        rect(5, "Title Highlight", (MARGIN, emu(1.27), emu(0.9), emu(0.05)), "accent2"),
        rule(6, "Footer Rule", MARGIN, emu(7.0), CONTENT_W),
        slide_number(7, number_box).replace(
            "<a:bodyPr/><a:lstStyle/>",
            '<a:bodyPr lIns="0" rIns="0" anchor="ctr"/><a:lstStyle><a:lvl1pPr algn="r">'
            + text_props(10, "tx1", mods='<a:lumMod val="65000"/><a:lumOff val="35000"/>')
            + "</a:defRPr></a:lvl1pPr></a:lstStyle>",
        ),
    )
    return shapes


BODY_LEVELS = [  # level, size, left margin, hanging indent (in), bullet, space before (pt)
    (1, 18, 0.3, 0.3, "•", 10),
    (2, 16, 0.6, 0.25, "–", 4),
    (3, 14, 0.85, 0.2, "•", 2),
    (4, 14, 1.05, 0.2, "•", 2),
    (5, 14, 1.25, 0.2, "•", 2),
    (6, 14, 1.45, 0.2, "•", 2),
    (7, 14, 1.65, 0.2, "•", 2),
    (8, 14, 1.85, 0.2, "•", 2),
    (9, 14, 2.05, 0.2, "•", 2),
]


def master_xml(layout_ids: str) -> str:
    shapes = master_shapes()
    body_levels = "".join(
        level(n, size, mar, ind, bullet, before)
        for n, size, mar, ind, bullet, before in BODY_LEVELS
    )
    title_style = (
        '<a:lvl1pPr algn="l" defTabSz="914400" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1">'
        '<a:lnSpc><a:spcPct val="90000"/></a:lnSpc><a:spcBef>'
        '<a:spcPct val="0"/></a:spcBef><a:buNone/>'
        f'{text_props(28, "tx2", bold=True)}<a:latin typeface="+mj-lt"/><a:ea typeface="+mj-ea"/>'
        '<a:cs typeface="+mj-cs"/></a:defRPr></a:lvl1pPr>'
    )
    other = "".join(
        f'<a:lvl{n}pPr marL="{(n - 1) * 457200}" algn="l" defTabSz="914400" rtl="0" eaLnBrk="1" '
        f'latinLnBrk="0" hangingPunct="1">{text_props(18, "tx1")}<a:latin typeface="+mn-lt"/>'
        f'<a:ea typeface="+mn-ea"/><a:cs typeface="+mn-cs"/></a:defRPr></a:lvl{n}pPr>'
        for n in range(1, 10)
    )
    return (
        f'<p:sldMaster {NSDECL}><p:cSld><p:bg><p:bgRef idx="1001">'
        '<a:schemeClr val="bg1"/></p:bgRef>'
        f"</p:bg>{shapes}</p:cSld>"
        '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" '
        'accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" '
        f'folHlink="folHlink"/>{layout_ids}<p:txStyles><p:titleStyle>{title_style}</p:titleStyle>'
        f"<p:bodyStyle>{body_levels}</p:bodyStyle><p:otherStyle>"
        '<a:defPPr><a:defRPr lang="en-US"/>'
        f"</a:defPPr>{other}</p:otherStyle></p:txStyles></p:sldMaster>"
    )


def plain_style(size: int, color: str, mods: str = "", bold: bool = False) -> str:
    """A list style with no bullets, for placeholders on the dark title and section layouts."""
    return (
        '<a:lstStyle><a:lvl1pPr marL="0" indent="0"><a:spcBef><a:spcPts val="0"/></a:spcBef>'
        f"<a:buNone/>{text_props(size, color, bold, mods)}</a:defRPr></a:lvl1pPr></a:lstStyle>"
    )


def layout_xml(name: str, kind: str | None, tree: str, dark: bool = False) -> str:
    type_attr = f' type="{kind}"' if kind else ""
    show = ' showMasterSp="0"' if dark else ""
    background = (
        '<p:bg><p:bgPr><a:solidFill><a:schemeClr val="tx2"/></a:solidFill>'
        "<a:effectLst/></p:bgPr></p:bg>"
        if dark
        else ""
    )
    return (
        f'<p:sldLayout {NSDECL}{type_attr}{show} preserve="1"><p:cSld name="{name}">{background}'
        f"{tree}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    )


ANCHOR_B = '<a:bodyPr lIns="0" rIns="0" anchor="b"><a:noAutofit/></a:bodyPr>'
ANCHOR_T = '<a:bodyPr lIns="0" rIns="0" anchor="t"><a:noAutofit/></a:bodyPr>'


def title_layout() -> str:
    left, width = emu(0.9), emu(11.5)
    tree = sp_tree(
        rect(2, "Accent Bar", (0, 0, SLIDE_W, emu(0.1)), "accent2"),
        placeholder(
            3,
            "Title",
            '<p:ph type="ctrTitle"/>',
            (left, emu(1.7), width, emu(2.1)),
            "Deck title",
            ANCHOR_B,
            plain_style(40, "bg1", bold=True),
        ),
        rect(4, "Title Highlight", (left, emu(3.98), emu(1.2), emu(0.06)), "accent2"),
        placeholder(
            5,
            "Subtitle",
            '<p:ph type="subTitle" idx="1"/>',
            (left, emu(4.2), width, emu(0.9)),
            "Subtitle",
            ANCHOR_T,
            plain_style(22, "bg1", '<a:lumMod val="85000"/>'),
        ),
        placeholder(
            6,
            "Company and date",
            '<p:ph type="body" sz="quarter" idx="13"/>',
            (left, emu(5.35), width, emu(1.3)),
            "Company · date",
            ANCHOR_T,
            plain_style(16, "bg1", '<a:lumMod val="75000"/>'),
        ),
    )
    return layout_xml("BG Title", "title", tree, dark=True)


def section_layout() -> str:
    left, width = emu(0.9), emu(11.5)
    tree = sp_tree(
        rect(2, "Accent Bar", (0, 0, SLIDE_W, emu(0.1)), "accent2"),
        placeholder(
            3,
            "Title",
            '<p:ph type="title"/>',
            (left, emu(1.9), width, emu(1.55)),
            "Section title",
            ANCHOR_B,
            plain_style(36, "bg1", bold=True),
        ),
        rect(4, "Title Highlight", (left, emu(3.58), emu(1.2), emu(0.06)), "accent2"),
        placeholder(
            5,
            "Text",
            '<p:ph type="body" idx="1"/>',
            (left, emu(3.8), width, emu(1.2)),
            "Section text",
            ANCHOR_T,
            plain_style(20, "bg1", '<a:lumMod val="85000"/>'),
        ),
    )
    return layout_xml("BG Section", "secHead", tree, dark=True)


def content_layout(name: str, kind: str | None, body: str) -> str:
    tree = sp_tree(
        placeholder(2, "Title", '<p:ph type="title"/>', prompt="Slide title"),
        body,
        slide_number(4),
    )
    return layout_xml(name, kind, tree)


def body_region(ph: str, prompt: str, box: tuple[int, int, int, int] | None = None) -> str:
    return placeholder(3, prompt, ph, box, prompt)


def key_figures_layout() -> str:
    top, height = emu(1.5), emu(4.9)
    text_w = emu(7.2)
    tiles_x = MARGIN + text_w + emu(0.4)
    tree = sp_tree(
        placeholder(2, "Title", '<p:ph type="title"/>', prompt="Slide title"),
        placeholder(
            3, "Text", '<p:ph type="body" idx="1"/>', (MARGIN, top, text_w, height), "Text"
        ),
        placeholder(
            5,
            "Key figures",
            '<p:ph type="body" sz="half" idx="2"/>',
            (tiles_x, top, SLIDE_W - MARGIN - tiles_x, height),
            "Key figures",
            lst_style=plain_style(14, "tx1"),
        ),
        slide_number(4),
    )
    return layout_xml("BG Key Figures", None, tree)


def layouts() -> list[str]:
    return [
        title_layout(),
        content_layout("BG Title and Body", "obj", body_region('<p:ph idx="1"/>', "Text")),
        key_figures_layout(),
        content_layout("BG Table", None, body_region('<p:ph type="tbl" idx="1"/>', "Table")),
        content_layout("BG Chart", None, body_region('<p:ph type="chart" idx="1"/>', "Chart")),
        section_layout(),
    ]


def theme_xml(blob: bytes, fonts: dict[str, Any]) -> bytes:
    theme = etree.fromstring(blob)
    theme.set("name", "briefgen")
    a = f"{{{NS_A}}}"
    scheme = theme.find(f"{a}themeElements/{a}clrScheme")
    assert scheme is not None
    scheme.set("name", "briefgen")
    for slot, value in COLORS.items():
        element = scheme.find(f"{a}{slot}")
        assert element is not None
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{a}srgbClr", val=value)
    font_scheme = theme.find(f"{a}themeElements/{a}fontScheme")
    assert font_scheme is not None
    font_scheme.set("name", "briefgen")
    for group in ("majorFont", "minorFont"):
        node = font_scheme.find(f"{a}{group}")
        assert node is not None
        node.find(f"{a}latin").set("typeface", fonts["latin"])  # type: ignore[union-attr]
        node.find(f"{a}ea").set("typeface", fonts["east_asian"])  # type: ignore[union-attr]
        for script in node.iterfind(f"{a}font"):
            if script.get("script") == "Hans":
                script.set("typeface", fonts["east_asian"])
    return bytes(etree.tostring(theme, xml_declaration=True, encoding="UTF-8", standalone=True))


APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>briefgen</Application><PresentationFormat>Widescreen</PresentationFormat>"
    "<Slides>0</Slides><Notes>0</Notes><HiddenSlides>0</HiddenSlides></Properties>"
)


def build(manifest_path: Path) -> bytes:
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(SLIDE_W), Emu(SLIDE_H)
    _drop_extras(prs)
    for spare in list(prs.slide_layouts)[len(layouts()) :]:
        prs.slide_layouts.remove(spare)
    for slide_layout, xml in zip(prs.slide_layouts, layouts(), strict=True):
        slide_layout.part._element = parse_xml(xml)
    master_part = prs.slide_master.part
    ids = master_part._element.find(f"{{{NS_P}}}sldLayoutIdLst")
    master_part._element = parse_xml(master_xml(etree.tostring(ids).decode()))
    theme_part = master_part.part_related_by(RT.THEME)
    theme_part._blob = theme_xml(theme_part.blob, manifest["fonts"])
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
    parser.add_argument("--check", action="store_true", help="fail if the file on disk is stale")
    args = parser.parse_args(argv)
    target = DEFAULT_DIR / "template.pptx"
    data = build(DEFAULT_DIR / "manifest.yaml")
    if args.check:
        current = target.read_bytes() if target.is_file() else b""
        if current != data:
            print(f"{target} is stale; run python tools/make_templates.py", file=sys.stderr)
            return 1
        return 0
    target.write_bytes(data)
    print(f"wrote {target.relative_to(ROOT)} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
