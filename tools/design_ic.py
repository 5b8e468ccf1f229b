"""The ``ic`` template: an investment-committee paper, dense and sober.

Pine green and ochre on white; Times New Roman headings over Arial text (Liberation
Serif and Sans in LibreOffice); a pine band at the top, a hairline under the title, a
"for discussion" line and "confidential" footer on every page; smaller type than the
other templates, so that tables carry more rows.
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
    "dk1": "1D2327",
    "lt1": "FFFFFF",
    "dk2": "0E3B2F",
    "lt2": "EEF2EF",
    "accent1": "1B4D3E",
    "accent2": "C8963E",
    "accent3": "5F6B73",
    "accent4": "7FA99B",
    "accent5": "2F5D8A",
    "accent6": "A23B2A",
    "hlink": "2F5D8A",
    "folHlink": "5F6B73",
}
LEFT = 0.55
WIDTH = 13.333 - 2 * LEFT
TOP = 1.4
LEVELS = [
    (1, 16, 0.25, 0.25, "▪", 8),
    (2, 14, 0.5, 0.22, "–", 3),
    *((n, 12, 0.5 + 0.2 * n, 0.2, "•", 2) for n in range(3, 10)),
]
SMALL_CAPS = closed_props(9, "tx1", mods=MUTED, caps=True)


def master_shapes() -> str:
    return sp_tree(
        rect(2, "Top Band", (0, 0, SLIDE_W, emu(0.08)), "accent1"),
        label(
            3,
            "Discussion Line",
            box(13.333 - LEFT - 5.0, 0.14, 5.0, 0.22),
            "For investment committee discussion",
            SMALL_CAPS,
            align="r",
        ),
        placeholder(
            4,
            "Title Placeholder",
            '<p:ph type="title"/>',
            box(LEFT, 0.36, WIDTH, 0.76),
            "Slide title",
            TITLE_BODY,
        ),
        placeholder(
            5,
            "Body Placeholder",
            '<p:ph type="body" idx="1"/>',
            box(LEFT, TOP, WIDTH, 5.4),
            "Body text",
            TEXT_BODY,
        ),
        rule(6, "Title Rule", emu(LEFT), emu(1.2), emu(WIDTH), color="accent1", mods=""),
        rule(7, "Footer Rule", emu(LEFT), emu(7.0), emu(WIDTH)),
        label(8, "Confidential", box(LEFT, 7.07, 3.0, 0.24), "Confidential", SMALL_CAPS),
        slide_number(9, box(13.333 - LEFT - 1.0, 7.07, 1.0, 0.24), number_style(9)),
    )


def cover_layout() -> str:
    """A pine panel at the left with the paper's kind; the title at the right."""
    left, width = 5.2, 7.55
    tree = sp_tree(
        rect(2, "Panel", (0, 0, emu(4.6), SLIDE_H), "accent1"),
        rect(3, "Panel Rule", box(4.6, 0, 0.06, 7.5), "accent2"),
        label(
            4,
            "Kind",
            box(0.6, 0.7, 3.6, 0.3),
            "Investment committee",
            closed_props(12, "accent2", bold=True, caps=True),
        ),
        placeholder(
            5,
            "Title",
            '<p:ph type="ctrTitle"/>',
            box(left, 1.4, width, 2.6),
            "Deck title",
            ANCHOR_B,
            plain_style(36, "tx2", bold=True, font="+mj"),
        ),
        rect(6, "Title Rule", box(left, 4.15, 1.2, 0.05), "accent2"),
        placeholder(
            7,
            "Subtitle",
            '<p:ph type="subTitle" idx="1"/>',
            box(left, 4.35, width, 1.0),
            "Subtitle",
            ANCHOR_T,
            plain_style(20, "tx1", MUTED),
        ),
        placeholder(
            8,
            "Company and date",
            '<p:ph type="body" sz="quarter" idx="13"/>',
            box(left, 5.5, width, 1.3),
            "Company · date",
            ANCHOR_T,
            plain_style(14, "accent3"),
        ),
    )
    return layout_xml("IC Cover", "title", tree, master_shapes=False)


def section_layout() -> str:
    left, width = 0.9, 11.5
    tree = sp_tree(
        rect(2, "Top Band", (0, 0, SLIDE_W, emu(0.08)), "accent2"),
        placeholder(
            3,
            "Title",
            '<p:ph type="title"/>',
            box(left, 2.0, width, 1.45),
            "Section title",
            ANCHOR_B,
            plain_style(32, "bg1", bold=True, font="+mj"),
        ),
        rect(4, "Title Rule", box(left, 3.58, 1.2, 0.05), "accent2"),
        placeholder(
            5,
            "Text",
            '<p:ph type="body" idx="1"/>',
            box(left, 3.8, width, 1.2),
            "Section text",
            ANCHOR_T,
            plain_style(18, "bg1", '<a:lumMod val="85000"/>'),
        ),
    )
    return layout_xml("IC Section", "secHead", tree, background="tx2", master_shapes=False)


def design() -> Design:
    region = box(LEFT, TOP, WIDTH, 5.4)
    return Design(
        colors=COLORS,
        look=Look(
            title_size=24, title_color="tx2", bullet_color="accent2", levels=LEVELS, other_size=16
        ),
        master_shapes=master_shapes(),
        layouts=[
            cover_layout(),
            content_layout("IC Text", "obj", '<p:ph idx="1"/>', "Text", region),
            content_layout(
                "IC Figures",
                None,
                '<p:ph type="body" sz="half" idx="1"/>',
                "Key figures",
                box(LEFT, 1.7, WIDTH, 4.6),
            ),
            content_layout("IC Table", None, '<p:ph type="tbl" idx="1"/>', "Table", region),
            content_layout("IC Chart", None, '<p:ph type="chart" idx="1"/>', "Chart", region),
            section_layout(),
        ],
    )
