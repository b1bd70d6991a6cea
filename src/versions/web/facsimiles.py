"""Where a page finds a facsimile: a IIIF image at a size for the page and at full size, or the image file a build
published beside the database, served by Datasette's static mount (``store.facsimiles``)."""

from __future__ import annotations

from urllib.parse import quote

from ..browse.facsimiles import Facsimile
from ..store.facsimiles import FACSIMILES_MOUNT

IIIF_SHOWN_SIZE = "!600,800"  # IIIF Image API size: the whole image within 600 x 800 pixels, its proportions kept


def facsimile_urls(datasette, document_id: str, facsimile: Facsimile) -> tuple[str, str]:
    """(the image as the page shows it, the image at full size)."""
    if facsimile.iiif:
        base = facsimile.iiif
        return f"{base}/full/{IIIF_SHOWN_SIZE}/0/default.jpg", f"{base}/full/max/0/default.jpg"
    url = datasette.urls.path(f"/{FACSIMILES_MOUNT}/{quote(document_id)}/{quote(facsimile.file)}")
    return url, url
