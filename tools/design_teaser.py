"""The ``teaser`` template: a few bold slides to open a meeting.

Ink and signal orange with a deep cyan second accent; Arial throughout (Liberation Sans
in LibreOffice), large bold titles, big numbers; an ink cover with an orange edge.
"""

from __future__ import annotations

from pptx_xml import (
    ANCHOR_B,
    ANCHOR_T,
    SLIDE_H,
    SLIDE_W,
    TEXT_BODY,
    TITLE_BODY,
    Design,
    Look,
    box,
    content_layout,
    emu,
    layout_xml,
    number_style,
    placeholder,
    plain_style,
    rect,
    slide_number,
    sp_tree,
)

COLORS = {
    "dk1": "212529",
    "lt1": "FFFFFF",
    "dk2": "1B1F3B",
    "lt2": "F1F3F5",
    "accent1": "E8590C",
    "accent2": "1F6F8B",
    "accent3": "868E96",
    "accent4": "F59F00",
    "accent5": "74A9CF",
    "accent6": "2B8A3E",
    "hlink": "1F6F8B",
    "folHlink": "868E96",
}
LEFT = 0.7
WIDTH = 13.333 - 2 * LEFT
TOP = 1.8
LEVELS = [
    (1, 20, 0.35, 0.35, "●", 12),
    (2, 18, 0.7, 0.3, "–", 6),
    *((n, 16, 0.7 + 0.25 * n, 0.25, "•", 4) for n in range(3, 10)),
]


def master_shapes() -> str:
    return sp_tree(
        placeholder(
            2,
            "Title Placeholder",
            '<p:ph type="title"/>',
            box(LEFT, 0.35, WIDTH, 1.05),
            "Slide title",
            TITLE_BODY,
        ),
        placeholder(
            3,
            "Body Placeholder",
            '<p:ph type="body" idx="1"/>',
            box(LEFT, TOP, WIDTH, 4.8),
            "Body text",
            TEXT_BODY,
        ),
        rect(4, "Title Bar", box(LEFT, 1.5, 0.9, 0.09), "accent1"),
        rect(5, "Edge", (SLIDE_W - emu(0.12), 0, emu(0.12), SLIDE_H), "accent1"),
        slide_number(6, box(13.333 - LEFT - 1.0, 7.05, 1.0, 0.28), number_style(11)),
    )


def title_layout() -> str:
    left, width = 0.9, 10.4
    tree = sp_tree(
        rect(2, "Edge", (SLIDE_W - emu(1.1), 0, emu(1.1), SLIDE_H), "accent1"),
        placeholder(
            3,
            "Title",
            '<p:ph type="ctrTitle"/>',
            box(left, 1.3, width, 2.6),
            "Deck title",
            ANCHOR_B,
            plain_style(44, "bg1", bold=True),
        ),
        rect(4, "Title Bar", box(left, 4.1, 1.3, 0.12), "accent1"),
        placeholder(
            5,
            "Subtitle",
            '<p:ph type="subTitle" idx="1"/>',
            box(left, 4.45, width, 1.0),
            "Subtitle",
            ANCHOR_T,
            plain_style(24, "bg1", '<a:lumMod val="85000"/>'),
        ),
        placeholder(
            6,
            "Company and date",
            '<p:ph type="body" sz="quarter" idx="13"/>',
            box(left, 5.6, width, 1.2),
            "Company · date",
            ANCHOR_T,
            plain_style(16, "bg1", '<a:lumMod val="70000"/>'),
        ),
    )
    return layout_xml("Teaser Title", "title", tree, background="tx2", master_shapes=False)


def figures_layout() -> str:
    """The headline across the top, the key figures as big numbers below it."""
    tree = sp_tree(
        placeholder(2, "Title", '<p:ph type="title"/>', prompt="Slide title"),
        placeholder(
            3,
            "Headline",
            '<p:ph type="body" idx="1"/>',
            box(LEFT, TOP, WIDTH, 1.25),
            "Headline",
            lst_style=plain_style(20, "tx1"),
        ),
        placeholder(
            4,
            "Key figures",
            '<p:ph type="body" sz="half" idx="2"/>',
            box(LEFT, 3.35, WIDTH, 3.2),
            "Key figures",
            lst_style=plain_style(14, "tx1"),
        ),
        slide_number(5),
    )
    return layout_xml("Teaser Figures", None, tree)


def design() -> Design:
    region = box(LEFT, TOP, WIDTH, 4.8)
    return Design(
        colors=COLORS,
        look=Look(
            title_size=32, title_color="tx2", bullet_color="accent1", levels=LEVELS, other_size=20
        ),
        master_shapes=master_shapes(),
        layouts=[
            title_layout(),
            figures_layout(),
            content_layout("Teaser Cards", "obj", '<p:ph idx="1"/>', "Cards", region),
            content_layout("Teaser Chart", None, '<p:ph type="chart" idx="1"/>', "Chart", region),
            content_layout("Teaser Table", None, '<p:ph type="tbl" idx="1"/>', "Table", region),
        ],
    )
