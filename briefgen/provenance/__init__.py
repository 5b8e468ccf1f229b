"""Provenance carried inside a built deck: which figure each number on a slide is.

The build records, per slide, every figure shown (its id, the text as displayed, and
where: a paragraph or a chart point), the figure's sources and quotes, the slide's
paragraphs and chart values as built, and the values any slide may show. The record
travels in the deck twice, because editors differ in what they keep:

1. a custom XML part (``customXml/itemN.xml`` with ``itemPropsN.xml``, related from
   the presentation part): PowerPoint's own place for a document's data;
2. custom document properties in ``docProps/custom.xml``: the same XML,
   zlib-compressed and base64-encoded, split into properties named
   ``briefgen.provenance.000`` ... of at most 255 characters (Office's limit).

LibreOffice Impress (7.4) keeps both through a round trip, though it moves the custom
XML part's relationship to the package root; readers therefore find the part by its
XML namespace, not by its relationship. Both serialisations are deterministic, so
builds stay byte-identical.

The stages, each a module:

- :mod:`~briefgen.provenance.record`: the record itself;
- :mod:`~briefgen.provenance.measures`: the numbers a slide's text shows;
- :mod:`~briefgen.provenance.build`: the record of a freshly rendered deck, and the
  deck stamped with it;
- :mod:`~briefgen.provenance.serialise`: the record as XML and as properties, and back;
- :mod:`~briefgen.provenance.package`: the record added to a deck's package, and found
  in one again.

Reading needs only ``zipfile`` and the XML parser.
"""
