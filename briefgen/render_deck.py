"""Render the investor deck: resolved content through a template -> ``.pptx`` bytes.

The template's manifest lists the slides in order; each entry's kind says what
goes on it and its layout (by name) how it looks. A kind may give several slides
(one per pillar or chart, or continuation slides when content is long) or none
(no risks in the pack, no risks slide). Every slide that shows a figure carries
source markers, a footnote band resolving them, and speaker notes quoting the
sources' exact words.
"""

from __future__ import annotations

from collections.abc import Callable

from briefgen.resolve import Resolved
from briefgen.templates import SlideSpec, Template


def render_deck(resolved: Resolved, template: Template) -> bytes:
    """The deck as ``.pptx`` bytes; raise TemplateError or RenderError when it cannot be made."""
    from briefgen.deck.frame import Deck

    deck = Deck(resolved, template)
    builders = _builders()
    for spec in template.manifest.slides:
        builders[spec.kind](deck, spec)
    return deck.save()


def _builders() -> dict[str, Callable[..., None]]:
    from briefgen.deck import cards, charts, figures, risks, slides, tables

    return {
        "title": slides.title_slide,
        "section": slides.section_slide,
        "summary": figures.summary_slides,
        "key_figures": figures.key_figures_slide,
        "pillar": slides.pillar_slides,
        "table": tables.highlights_slides,
        "risks": risks.risks_slides,
        "risk_matrix": risks.risk_matrix_slide,
        "pillars": cards.pillars_slide,
        "sources": tables.sources_slides,
        "appendix": tables.appendix_slides,
        "conflicts": tables.conflict_slides,
        "chart": charts.chart_slides,
    }


__all__ = ["SlideSpec", "render_deck"]
