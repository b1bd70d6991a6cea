"""The ``facsimile`` of a document's TEI export (Guidelines ch. 11): the page images its versions list.

One ``surfaceGrp`` per version that lists facsimiles (``corresp`` its witness, ``n`` its id) and in it one
``surface`` per archival sheet (``n`` the sheet as listy counts it; ``corresp`` the ``xml:id``\\s of the version's
paragraphs on that sheet, where the version says which), holding one ``graphic``: ``url`` the image file as it lies
beside the TEI file (``images/<name>``, the document folder's own layout) or, with ``type="iiif"``, a IIIF Image API
base URL.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from ..corpus import Document
from ..identity import VersionKeys
from .tei_header import paragraph_id, witness_id
from .xml import el, sub

IIIF = "iiif"  # the type of a graphic whose url is a IIIF Image API base URL


def facsimile(document: Document, keys: Mapping[str, VersionKeys]) -> etree._Element | None:
    """The ``facsimile`` element of the document's page images; None when no version lists any."""
    listing = [version for version in document.versions if version.facsimiles]
    if not listing:
        return None
    element = el("facsimile")
    for version in listing:
        group = sub(element, "surfaceGrp", n=version.id, corresp=f"#{witness_id(version.id)}")
        for page in version.facsimiles:
            on_it = " ".join(f"#{paragraph_id(version.id, keys[version.id].keys[n - 1])}" for n in page.paragraphs)
            surface = sub(group, "surface", n=page.sheet, corresp=on_it or None)
            if page.image:
                sub(surface, "graphic", url=page.path)
            else:
                sub(surface, "graphic", url=page.iiif, type=IIIF)
    return element
