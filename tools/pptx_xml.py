"""PresentationML building blocks for the built-in templates' masters and layouts.

Plain strings of XML, so that a design reads as a list of shapes with their boxes
(in EMU) and theme colour slots; :mod:`make_templates` puts them into a package.
Colours are always theme slots (``accent1``, ``tx2``...), never RGB, so that a
template's look lives in its theme.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pptx.util import Inches

NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NSDECL = f'xmlns:a="{NS_A}" xmlns:p="{NS_P}" xmlns:r="{NS_R}"'
SLIDE_W, SLIDE_H = 12192000, 6858000  # 13.333 x 7.5 in, PowerPoint's 16:9
SLIDENUM_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"
MUTED = '<a:lumMod val="65000"/><a:lumOff val="35000"/>'

Box = tuple[int, int, int, int]


def emu(value: float) -> int:
    return int(Inches(value))


def box(x: float, y: float, w: float, h: float) -> Box:
    """A box from inches."""
    return emu(x), emu(y), emu(w), emu(h)


def xfrm(x: int, y: int, w: int, h: int) -> str:
    return f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'


def scheme(color: str, mods: str = "") -> str:
    """A theme colour, optionally tinted or shaded (``a:lumMod`` and the like)."""
    if not mods:
        return f'<a:schemeClr val="{color}"/>'
    return f'<a:schemeClr val="{color}">{mods}</a:schemeClr>'


def rect(shape_id: int, name: str, where: Box, color: str, mods: str = "") -> str:
    """A plain filled rectangle, for accent bars and panels."""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/>'
        '<p:cNvSpPr/><p:nvPr userDrawn="1"/>'
        f"</p:nvSpPr><p:spPr>{xfrm(*where)}"
        f'<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
        f"<a:solidFill>{scheme(color, mods)}</a:solidFill><a:ln><a:noFill/></a:ln></p:spPr>"
        "<p:txBody><a:bodyPr/><a:lstStyle/><a:p>"
        '<a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>'
    )


def rule(
    shape_id: int,
    name: str,
    x: int,
    y: int,
    w: int,
    color: str = "bg1",
    mods: str = '<a:lumMod val="85000"/>',
    width: int = 9525,
) -> str:
    """A thin horizontal line, light grey unless told otherwise."""
    return (
        f'<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvCxnSpPr/>'
        f'<p:nvPr userDrawn="1"/></p:nvCxnSpPr><p:spPr>{xfrm(x, y, w, 0)}'
        f'<a:prstGeom prst="line"><a:avLst/></a:prstGeom><a:ln w="{width}"><a:solidFill>'
        f"{scheme(color, mods)}</a:solidFill></a:ln></p:spPr></p:cxnSp>"
    )


def label(shape_id: int, name: str, where: Box, text: str, style: str, align: str = "l") -> str:
    """Fixed text drawn on a master or layout (a confidentiality line, a kicker)."""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/><p:cNvSpPr txBox="1"/>'
        f'<p:nvPr userDrawn="1"/></p:nvSpPr><p:spPr>{xfrm(*where)}'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/></p:spPr>'
        '<p:txBody><a:bodyPr wrap="none" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr">'
        f'<a:noAutofit/></a:bodyPr><a:lstStyle/><a:p><a:pPr algn="{align}"/>'
        f"<a:r>{style.replace('defRPr', 'rPr')}<a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp>"
    )


def placeholder(
    shape_id: int,
    name: str,
    ph: str,
    where: Box | None = None,
    prompt: str = "",
    body_pr: str = "<a:bodyPr/>",
    lst_style: str = "<a:lstStyle/>",
) -> str:
    geometry = f"<p:spPr>{xfrm(*where)}</p:spPr>" if where else "<p:spPr/>"
    run = f'<a:r><a:rPr lang="en-US"/><a:t>{prompt}</a:t></a:r>' if prompt else ""
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name}"/>'
        f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr><p:nvPr>{ph}</p:nvPr></p:nvSpPr>'
        f"{geometry}<p:txBody>{body_pr}{lst_style}<a:p>{run}"
        f'<a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>'
    )


def slide_number(shape_id: int, where: Box | None = None, style: str = "") -> str:
    """The slide-number placeholder; ``style`` is its ``a:lstStyle`` body, if any."""
    geometry = f"<p:spPr>{xfrm(*where)}</p:spPr>" if where else "<p:spPr/>"
    body = (
        f'<a:bodyPr lIns="0" rIns="0" anchor="ctr"/><a:lstStyle>{style}</a:lstStyle>'
        if style
        else "<a:bodyPr/><a:lstStyle/>"
    )
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="Slide Number"/>'
        f'<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        f'<p:nvPr><p:ph type="sldNum" sz="quarter" idx="12"/></p:nvPr></p:nvSpPr>{geometry}'
        f'<p:txBody>{body}<a:p><a:fld id="{SLIDENUM_FIELD}" type="slidenum">'
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


def text_props(
    size: float, color: str, bold: bool = False, mods: str = "", caps: bool = False
) -> str:
    """An open ``a:defRPr`` with size and colour; the caller adds fonts and closes it."""
    b = ' b="1"' if bold else ""
    cap = ' cap="all" spc="100"' if caps else ""
    return (
        f'<a:defRPr sz="{int(size * 100)}"{b}{cap} kern="1200"><a:solidFill>'
        f'<a:schemeClr val="{color}">{mods}</a:schemeClr></a:solidFill>'
    )


def closed_props(
    size: float, color: str, bold: bool = False, mods: str = "", caps: bool = False
) -> str:
    return text_props(size, color, bold, mods, caps) + "</a:defRPr>"


def plain_style(size: int, color: str, mods: str = "", bold: bool = False, font: str = "") -> str:
    """A list style with no bullets, for placeholders on title and section layouts.

    ``font`` is ``"+mj"`` to set the placeholder in the theme's heading face.
    """
    faces = (
        f'<a:latin typeface="{font}-lt"/><a:ea typeface="{font}-ea"/><a:cs typeface="{font}-cs"/>'
        if font
        else ""
    )
    return (
        '<a:lstStyle><a:lvl1pPr marL="0" indent="0"><a:spcBef><a:spcPts val="0"/></a:spcBef>'
        f"<a:buNone/>{text_props(size, color, bold, mods)}{faces}</a:defRPr></a:lvl1pPr>"
        "</a:lstStyle>"
    )


def layout_xml(
    name: str,
    kind: str | None,
    tree: str,
    background: str | None = None,
    master_shapes: bool = True,
) -> str:
    """A slide layout; ``background`` is a theme slot that replaces the master's."""
    type_attr = f' type="{kind}"' if kind else ""
    show = "" if master_shapes else ' showMasterSp="0"'
    fill = (
        f'<p:bg><p:bgPr><a:solidFill><a:schemeClr val="{background}"/></a:solidFill>'
        "<a:effectLst/></p:bgPr></p:bg>"
        if background
        else ""
    )
    return (
        f'<p:sldLayout {NSDECL}{type_attr}{show} preserve="1"><p:cSld name="{name}">{fill}'
        f"{tree}</p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    )


def content_layout(
    name: str, kind: str | None, ph: str, prompt: str, where: Box | None = None
) -> str:
    """A layout with the master's title, one placeholder (``ph``) and the slide number."""
    tree = sp_tree(
        placeholder(2, "Title", '<p:ph type="title"/>', prompt="Slide title"),
        placeholder(3, prompt, ph, where, prompt),
        slide_number(4),
    )
    return layout_xml(name, kind, tree)


ANCHOR_B = '<a:bodyPr lIns="0" rIns="0" anchor="b"><a:noAutofit/></a:bodyPr>'
ANCHOR_T = '<a:bodyPr lIns="0" rIns="0" anchor="t"><a:noAutofit/></a:bodyPr>'
TITLE_BODY = (
    '<a:bodyPr vert="horz" lIns="0" tIns="45720" rIns="0" bIns="45720" anchor="b">'
    "<a:noAutofit/></a:bodyPr>"
)
TEXT_BODY = TITLE_BODY.replace('anchor="b"', 'anchor="t"')

Level = tuple[int, float, float, float, str | None, int]
# level, size, left margin, hanging indent (in), bullet, space before (pt)
BODY_LEVELS: list[Level] = [
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


@dataclass(frozen=True)
class Look:
    """The master's text styles: titles, and the body's bulleted levels."""

    title_size: int = 28
    title_color: str = "tx2"
    title_bold: bool = True
    title_caps: bool = False
    bullet_color: str = "accent2"
    levels: list[Level] = field(default_factory=lambda: list(BODY_LEVELS))
    other_size: int = 18


def _level(
    n: int, size: float, mar: float, indent: float, bullet: str | None, before: int, color: str
) -> str:
    bu = (
        f'<a:buClr><a:schemeClr val="{color}"/></a:buClr><a:buFont typeface="Arial"/>'
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


def master_xml(look: Look, shapes: str, layout_ids: str) -> str:
    body_levels = "".join(_level(*lvl, look.bullet_color) for lvl in look.levels)
    title_style = (
        '<a:lvl1pPr algn="l" defTabSz="914400" rtl="0" eaLnBrk="1" latinLnBrk="0" hangingPunct="1">'
        '<a:lnSpc><a:spcPct val="90000"/></a:lnSpc><a:spcBef>'
        '<a:spcPct val="0"/></a:spcBef><a:buNone/>'
        f"{text_props(look.title_size, look.title_color, look.title_bold, caps=look.title_caps)}"
        '<a:latin typeface="+mj-lt"/><a:ea typeface="+mj-ea"/>'
        '<a:cs typeface="+mj-cs"/></a:defRPr></a:lvl1pPr>'
    )
    other = "".join(
        f'<a:lvl{n}pPr marL="{(n - 1) * 457200}" algn="l" defTabSz="914400" rtl="0" eaLnBrk="1" '
        f'latinLnBrk="0" hangingPunct="1">{text_props(look.other_size, "tx1")}'
        '<a:latin typeface="+mn-lt"/>'
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


def number_style(size: float, color: str = "tx1", mods: str = MUTED, align: str = "r") -> str:
    """The slide number's ``a:lstStyle`` body: small, muted, aligned."""
    return f'<a:lvl1pPr algn="{align}">{closed_props(size, color, mods=mods)}</a:lvl1pPr>'


@dataclass(frozen=True)
class Design:
    """One built-in template's look: theme colours, master text styles, shapes, layouts."""

    colors: dict[str, str]
    look: Look
    master_shapes: str
    layouts: list[str]
