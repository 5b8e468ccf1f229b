"""The ``default`` template: a restrained investor-relations look.

Navy and teal on white, Calibri throughout; dark title and section slides.
"""

from __future__ import annotations

from pptx.util import Inches
from pptx_xml import (
    ANCHOR_B,
    ANCHOR_T,
    SLIDE_W,
    TEXT_BODY,
    TITLE_BODY,
    Design,
    Look,
    content_layout,
    emu,
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
MARGIN = int(Inches(0.6))
CONTENT_W = SLIDE_W - 2 * MARGIN


def master_shapes() -> str:
    """Accent bar, title and body, highlight, footer rule, slide number."""
    title_box = (MARGIN, emu(0.35), CONTENT_W, emu(0.85))
    body_box = (MARGIN, emu(1.5), CONTENT_W, emu(4.9))
    number_box = (SLIDE_W - MARGIN - emu(1.0), emu(7.04), emu(1.0), emu(0.3))
    return sp_tree(
        rect(2, "Accent Bar", (0, 0, SLIDE_W, emu(0.1)), "accent1"),
        placeholder(
            3, "Title Placeholder", '<p:ph type="title"/>', title_box, "Slide title", TITLE_BODY
        ),
        placeholder(
            4, "Body Placeholder", '<p:ph type="body" idx="1"/>', body_box, "Body text", TEXT_BODY
        ),
        rect(5, "Title Highlight", (MARGIN, emu(1.27), emu(0.9), emu(0.05)), "accent2"),
        rule(6, "Footer Rule", MARGIN, emu(7.0), CONTENT_W),
        slide_number(7, number_box, number_style(10)),
    )


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
    return layout_xml("BG Title", "title", tree, background="tx2", master_shapes=False)


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
    return layout_xml("BG Section", "secHead", tree, background="tx2", master_shapes=False)


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


def design() -> Design:
    return Design(
        colors=COLORS,
        look=Look(),
        master_shapes=master_shapes(),
        layouts=[
            title_layout(),
            content_layout("BG Title and Body", "obj", '<p:ph idx="1"/>', "Text"),
            key_figures_layout(),
            content_layout("BG Table", None, '<p:ph type="tbl" idx="1"/>', "Table"),
            content_layout("BG Chart", None, '<p:ph type="chart" idx="1"/>', "Chart"),
            section_layout(),
        ],
    )
