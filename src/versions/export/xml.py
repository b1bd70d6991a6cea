"""Building the TEI tree: namespaced elements, text XML can carry, indentation of containers only."""

from __future__ import annotations

import re

from lxml import etree

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"

# Elements whose content is only elements: indented on export, their whitespace ignored on import. Everything else
# (body, readings, paragraphs and the leaves) is written exactly as the text it carries.
CONTAINERS = frozenset({
    "TEI", "teiHeader", "fileDesc", "titleStmt", "publicationStmt", "availability", "sourceDesc", "bibl", "listBibl",
    "listWit", "witness", "msDesc", "msIdentifier", "altIdentifier", "encodingDesc", "profileDesc", "langUsage",
    "correspDesc", "correspAction", "revisionDesc", "text", "group", "back", "linkGrp",
    "facsimile", "surfaceGrp", "surface",
})

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ExportError(ValueError):
    """A document that cannot be exported in the format asked for."""


def xml_text(text: str, where: str) -> str:
    """``text`` unchanged, or ``ExportError`` naming ``where`` if it holds a character XML cannot carry."""
    if match := _XML_INVALID.search(text):
        raise ExportError(f"{where} contains the control character U+{ord(match.group()):04X}, which XML cannot carry")
    return text


def el(tag: str, text: str | None = None, **attributes: str | None) -> etree._Element:
    """A TEI element; attributes whose value is None are left out (``xml_id``/``xml_lang`` are ``xml:id``/``xml:lang``)."""
    element = etree.Element(f"{{{TEI_NS}}}{tag}", nsmap={None: TEI_NS} if tag == "TEI" else None)
    for name, value in attributes.items():
        if value is not None:
            element.set({"xml_id": XML_ID, "xml_lang": XML_LANG}.get(name, name), value)
    if text is not None:
        element.text = xml_text(text, "metadata")
    return element


def sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str | None) -> etree._Element:
    element = el(tag, text, **attributes)
    parent.append(element)
    return element


def indent(element: etree._Element, depth: int = 0) -> None:
    """Indent container elements only; a body, its paragraphs and readings keep their text exactly."""
    if etree.QName(element).localname not in CONTAINERS or len(element) == 0:
        return
    inner = "\n" + "  " * (depth + 1)
    element.text = inner
    for child in element:
        indent(child, depth + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * depth


def serialize(root: etree._Element) -> str:
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="unicode") + "\n"
