"""The deck renderer's parts; :func:`briefgen.render_deck.render_deck` is the entry point.

``fit``, ``content`` and ``cite`` are plain Python (measuring, paragraphs,
footnote numbering); the other modules drive python-pptx.
"""
