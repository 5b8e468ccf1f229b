"""The ``board`` template: a formal board paper.

Burgundy and muted gold on white and warm paper; Cambria headings over Calibri text
(Caladea and Carlito in LibreOffice); a gold rule under every title, a burgundy tab
at the left edge, a thin footer rule with the document's status and the page number.
"""

from __future__ import annotations

from pptx_xml import (
    ANCHOR_B,
    ANCHOR_T,
    MUTED,
    SLIDE_H,
    SLIDE_W,
    TEXT_BODY,
    TITLE_BODY,
    Design,
    Look,
    box,
    closed_props,
    content_layout,
    emu,
    label,
    layout_xml,
    number_style,
    placeholder,
    plain_style,
    rect,
    rule,
    slide_number,
    sp_tree,
)

COLORS = {
    "dk1": "2A2A2A",
    "lt1": "FFFFFF",
    "dk2": "4B1527",
    "lt2": "F6F2EC",
    "accent1": "6D1F37",
    "accent2": "B38B4D",
    "accent3": "8A817C",
    "accent4": "3E5C76",
    "accent5": "C4B59D",
    "accent6": "5A7247",
    "hlink": "6D1F37",
    "folHlink": "8A817C",
}
LEFT = 0.75
WIDTH = 13.333 - 2 * LEFT
TOP = 1.75  # content starts below the title's gold rule
LEVELS = [
    (1, 18, 0.3, 0.3, "■", 12),
    (2, 16, 0.6, 0.25, "–", 4),
    *((n, 14, 0.6 + 0.2 * n, 0.2, "•", 2) for n in range(3, 10)),
]


def master_shapes() -> str:
    return sp_tree(
        rect(2, "Edge Tab", box(0, 0.62, 0.2, 0.7), "accent1"),
        placeholder(
            3,
            "Title Placeholder",
            '<p:ph type="title"/>',
            box(LEFT, 0.4, WIDTH, 0.95),
            "Slide title",
            TITLE_BODY,
        ),
        placeholder(
            4,
            "Body Placeholder",
            '<p:ph type="body" idx="1"/>',
            box(LEFT, TOP, WIDTH, 4.95),
            "Body text",
            TEXT_BODY,
        ),
        rect(5, "Title Rule", box(LEFT, 1.44, WIDTH, 0.025), "accent2"),
        rule(6, "Footer Rule", emu(LEFT), emu(7.0), emu(WIDTH)),
        label(
            7,
            "Document Status",
            box(LEFT, 7.06, 5.0, 0.26),
            "Board discussion document",
            closed_props(9, "tx1", mods=MUTED, caps=True),
        ),
        slide_number(8, box(13.333 - LEFT - 1.0, 7.06, 1.0, 0.26), number_style(10)),
    )


def title_layout() -> str:
    left, width = 1.15, 11.2
    tree = sp_tree(
        rect(2, "Edge Band", (0, 0, emu(0.38), SLIDE_H), "accent1"),
        rect(3, "Edge Rule", box(0.38, 0, 0.05, 7.5), "accent2"),
        placeholder(
            4,
            "Title",
            '<p:ph type="ctrTitle"/>',
            box(left, 1.5, width, 2.3),
            "Deck title",
            ANCHOR_B,
            plain_style(40, "tx2", font="+mj"),
        ),
        rect(5, "Title Rule", box(left, 3.98, 1.6, 0.05), "accent2"),
        placeholder(
            6,
            "Subtitle",
            '<p:ph type="subTitle" idx="1"/>',
            box(left, 4.2, width, 0.9),
            "Subtitle",
            ANCHOR_T,
            plain_style(22, "tx1", MUTED),
        ),
        placeholder(
            7,
            "Company and date",
            '<p:ph type="body" sz="quarter" idx="13"/>',
            box(left, 5.35, width, 1.3),
            "Company · date",
            ANCHOR_T,
            plain_style(16, "accent3"),
        ),
    )
    return layout_xml("Board Title", "title", tree, background="bg2", master_shapes=False)


def section_layout() -> str:
    left, width = 1.15, 11.2
    tree = sp_tree(
        rect(2, "Edge Rule", box(0.38, 0, 0.05, 7.5), "accent2"),
        placeholder(
            3,
            "Title",
            '<p:ph type="title"/>',
            box(left, 1.9, width, 1.55),
            "Section title",
            ANCHOR_B,
            plain_style(36, "bg1", font="+mj"),
        ),
        rect(4, "Title Rule", box(left, 3.58, 1.6, 0.05), "accent2"),
        placeholder(
            5,
            "Text",
            '<p:ph type="body" idx="1"/>',
            box(left, 3.8, width, 1.2),
            "Section text",
            ANCHOR_T,
            plain_style(20, "bg1", '<a:lumMod val="85000"/>'),
        ),
    )
    return layout_xml("Board Section", "secHead", tree, background="tx2", master_shapes=False)


def figures_layout() -> str:
    """The headline across the top; the key figures on a warm-paper band below it."""
    tree = sp_tree(
        placeholder(2, "Title", '<p:ph type="title"/>', prompt="Slide title"),
        placeholder(
            3,
            "Headline",
            '<p:ph type="body" idx="1"/>',
            box(LEFT, TOP, WIDTH, 0.95),
            "Headline",
            lst_style=plain_style(18, "accent1"),
        ),
        rect(4, "Figures Band", (0, emu(2.85), SLIDE_W, emu(3.7)), "bg2"),
        placeholder(
            5,
            "Key figures",
            '<p:ph type="body" sz="half" idx="2"/>',
            box(LEFT + 0.25, 3.15, WIDTH - 0.5, 3.2),
            "Key figures",
            lst_style=plain_style(14, "tx1"),
        ),
        slide_number(6),
    )
    return layout_xml("Board Figures", None, tree)


def design() -> Design:
    region = box(LEFT, TOP, WIDTH, 4.95)
    return Design(
        colors=COLORS,
        look=Look(title_size=28, title_bold=False, bullet_color="accent2", levels=LEVELS),
        master_shapes=master_shapes(),
        layouts=[
            title_layout(),
            content_layout("Board Text", "obj", '<p:ph idx="1"/>', "Text"),
            figures_layout(),
            content_layout("Board Table", None, '<p:ph type="tbl" idx="1"/>', "Table", region),
            content_layout("Board Chart", None, '<p:ph type="chart" idx="1"/>', "Chart", region),
            section_layout(),
        ],
    )
