"""The provenance record in a deck's package: added as a custom XML part and as custom
properties, and found there again (by the part's XML namespace, since an editor may
move its relationship).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree

from briefgen.provenance.record import NAMESPACE, Provenance
from briefgen.provenance.serialise import (
    PROPERTY_PREFIX,
    XML_HEADER,
    from_properties,
    from_xml,
    to_properties,
    to_xml,
)

CARRIER_XML = "customXml"
CARRIER_PROPERTIES = "docProps/custom.xml"
_ITEM_ID = "{4F1C2B7E-5D3A-4E8B-9C61-B2E0A7D5F390}"  # fixed, so builds stay identical
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the user-defined property set

_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
_REL_CUSTOM_XML = f"{_OFFICE_REL}/customXml"
_REL_CUSTOM_XML_PROPS = f"{_OFFICE_REL}/customXmlProps"
_REL_CUSTOM_PROPS = f"{_OFFICE_REL}/custom-properties"
_CT_ITEM_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
_CT_CUSTOM_PROPS = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_PRESENTATION = "ppt/presentation.xml"
_CUSTOM_PROPS = "docProps/custom.xml"
_ITEM = re.compile(r"customXml/item(\d+)\.xml$")


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def embed(deck: bytes, record: Provenance, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The deck with the record added as a custom XML part and as custom properties.

    ``compression`` is the zip's: a deck made reproducible next (which compresses it
    again) is best stored, not compressed twice.
    """
    with zipfile.ZipFile(io.BytesIO(deck)) as archive:
        files = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for name, data in embed_parts(files, record).items():
            target.writestr(name, data)
    return out.getvalue()


def embed_parts(files: dict[str, bytes], record: Provenance) -> dict[str, bytes]:
    """A package's parts by name (in its order), with the record added as in :func:`embed`;
    the parts changed keep their places, the new ones come last. ``files`` is changed."""
    _drop_old_record(files)
    numbers = [int(m.group(1)) for name in files if (m := _ITEM.match(name))]
    n = max(numbers, default=0) + 1
    item, props = f"customXml/item{n}.xml", f"customXml/itemProps{n}.xml"
    xml = files[item] = to_xml(record)
    files[props] = (
        f'{XML_HEADER}<ds:datastoreItem ds:itemID="{_ITEM_ID}" xmlns:ds="{_DS_NS}">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{NAMESPACE}"/></ds:schemaRefs>'
        "</ds:datastoreItem>"
    ).encode()
    files[f"customXml/_rels/item{n}.xml.rels"] = _rels_xml(
        [("rId1", _REL_CUSTOM_XML_PROPS, f"itemProps{n}.xml")]
    )
    _add_relationship(files, _rels_path(_PRESENTATION), _REL_CUSTOM_XML, f"../{item}")
    _add_content_type(files, f"/{props}", _CT_ITEM_PROPS)
    ours = to_properties(record, xml)
    files[_CUSTOM_PROPS] = _custom_properties(files.get(_CUSTOM_PROPS), ours)
    _add_relationship(files, "_rels/.rels", _REL_CUSTOM_PROPS, _CUSTOM_PROPS)
    _add_content_type(files, f"/{_CUSTOM_PROPS}", _CT_CUSTOM_PROPS)
    return files


def _drop_old_record(files: dict[str, bytes]) -> None:
    """A deck stamped before (a template saved from a built deck) loses its old record."""
    for name in list(files):
        match = _ITEM.match(name)
        if match is None or not _is_record(files[name]):
            continue
        props = f"customXml/itemProps{match.group(1)}.xml"
        for part in (name, props, f"customXml/_rels/item{match.group(1)}.xml.rels"):
            files.pop(part, None)
        types = "[Content_Types].xml"
        files[types] = _without(files[types], "Override", "PartName", f"/{props}")
        for rels in (_rels_path(_PRESENTATION), "_rels/.rels"):
            if rels in files:
                files[rels] = _without(files[rels], "Relationship", "Target", name)


def _is_record(xml: bytes) -> bool:
    try:
        return ElementTree.fromstring(xml).tag == f"{{{NAMESPACE}}}provenance"
    except ElementTree.ParseError:
        return False


def _without(xml: bytes, element: str, attribute: str, ending: str) -> bytes:
    """``xml`` without the empty ``element`` whose ``attribute`` ends in ``ending``."""
    pattern = rf'<{element} [^>]*{attribute}="[^"]*{re.escape(ending)}"[^>]*/>'
    return re.sub(pattern, "", xml.decode("utf-8")).encode("utf-8")


def _rels_xml(entries: list[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
        for rid, kind, target in entries
    )
    return (
        f'{XML_HEADER}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships">{body}</Relationships>'
    ).encode()


def _add_relationship(files: dict[str, bytes], rels: str, kind: str, target: str) -> None:
    text = files[rels].decode("utf-8") if rels in files else _rels_xml([]).decode("utf-8")
    if f'Target="{target}"' in text and f'Type="{kind}"' in text:
        return
    used = set(re.findall(r'Id="([^"]+)"', text))
    number = 1
    while f"rId{number}" in used:
        number += 1
    entry = f'<Relationship Id="rId{number}" Type="{kind}" Target="{target}"/>'
    head, tail = text.rsplit("</Relationships>", 1)
    files[rels] = (head + entry + "</Relationships>" + tail).encode("utf-8")


def _add_content_type(files: dict[str, bytes], part: str, content_type: str) -> None:
    name = "[Content_Types].xml"
    text = files[name].decode("utf-8")
    if f'PartName="{part}"' in text:
        return
    entry = f'<Override PartName="{part}" ContentType="{content_type}"/>'
    head, tail = text.rsplit("</Types>", 1)
    files[name] = (head + entry + "</Types>" + tail).encode("utf-8")


def _custom_properties(existing: bytes | None, ours: list[tuple[str, str]]) -> bytes:
    """``docProps/custom.xml`` with our properties replacing any earlier ones."""
    kept: list[tuple[str, str]] = []
    if existing is not None:
        for prop in ElementTree.fromstring(existing):
            name = prop.get("name", "")
            if name.startswith(PROPERTY_PREFIX):
                continue
            kept.append((name, _element_xml(prop)))
    items = [inner for _, inner in kept] + [
        f'<property fmtid="{_FMTID}" pid="0" name="{name}"><vt:lpwstr>{value}</vt:lpwstr>'
        "</property>"
        for name, value in ours
    ]
    # Property ids start at 2 and run on without gaps.
    numbered = [
        re.sub(r' pid="\d+"', f' pid="{i}"', item, count=1) for i, item in enumerate(items, 2)
    ]
    return (
        f'{XML_HEADER}<Properties xmlns="{_CUSTOM_PROPS_NS}" xmlns:vt="{_VT_NS}">'
        + "".join(numbered)
        + "</Properties>"
    ).encode("utf-8")


def _element_xml(element: ElementTree.Element) -> str:
    """An existing property (or its value) written again, values in the ``vt`` prefix."""
    from xml.sax.saxutils import escape, quoteattr

    local = element.tag.rsplit("}", 1)[-1]
    name = local if local == "property" else f"vt:{local}"
    attrs = "".join(f" {key}={quoteattr(value)}" for key, value in element.attrib.items())
    inner = escape(element.text or "") + "".join(_element_xml(child) for child in element)
    return f"<{name}{attrs}>{inner}</{name}>"


def read_record(archive: zipfile.ZipFile) -> tuple[Provenance, str] | None:
    """The deck's provenance record and which carrier held it, or None."""
    names = archive.namelist()
    for name in sorted(names, key=lambda n: (len(n), n)):
        if _ITEM.match(name):
            xml = archive.read(name)
            try:
                root = ElementTree.fromstring(xml)
            except ElementTree.ParseError:
                continue
            if root.tag == f"{{{NAMESPACE}}}provenance":
                return from_xml(xml), CARRIER_XML
    if _CUSTOM_PROPS in names:
        try:
            root = ElementTree.fromstring(archive.read(_CUSTOM_PROPS))
        except ElementTree.ParseError:
            return None
        properties = [(prop.get("name", ""), "".join(prop.itertext())) for prop in root]
        found = from_properties(properties)
        if found is not None:
            return found, CARRIER_PROPERTIES
    return None
