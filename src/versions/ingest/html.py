"""A saved record page (HTML) read with lxml into the page text a browser would show, then parsed as page text.

Scripts, styles, navigation, header and footer are dropped; every block element (paragraph, heading, list item,
table row, definition term or description ...) is a paragraph of its own, and ``<br>`` a line break within one.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
from lxml import etree

from ..text import read_bytes
from .page import parse_page_text
from .record import WilsonRecord
from .staging import ImportFailure

_DROPPED = ("script", "style", "noscript", "template", "nav", "header", "footer", "head", "form", "button")
_BLOCKS = frozenset({
    "p", "div", "section", "article", "main", "aside", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
    "dt", "dd", "tr", "table", "blockquote", "pre", "figure", "figcaption", "address", "hr", "body",
})


def read_html_record(path: Path, paragraph_rule: str | None = None) -> WilsonRecord:
    return parse_page_text(page_text(read_bytes(Path(path))), paragraph_rule)


def page_text(data: bytes) -> str:
    """The visible text of an HTML page, one block per paragraph."""
    try:
        root = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as error:
        raise ImportFailure(f"not an HTML page: {error}") from None
    for element in root.xpath("|".join(f"//{tag}" for tag in _DROPPED)):
        element.drop_tree()
    pieces: list[str] = []
    _collect(root, pieces)
    return "".join(pieces)


def _collect(element, pieces: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else None
    if tag == "br":
        pieces.append("\n")
    elif tag in _BLOCKS:
        pieces.append("\n\n")
    if tag is not None and element.text:
        pieces.append(element.text.replace("\n", " "))
    for child in element:
        _collect(child, pieces)
        if child.tail:
            pieces.append(child.tail.replace("\n", " "))
    if tag in _BLOCKS:
        pieces.append("\n\n")
