"""The page images of the versions a page shows (the ``facsimiles`` table), and which sheet each reading lies on."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from .alignment import Reading

FACSIMILE_TABLES = ("facsimiles",)


@dataclass(frozen=True)
class Facsimile:
    version: str  # slug
    sheet: str  # as listy counts sheets: 86, 86ob
    path: str | None  # the image file in the document folder (images/<file>)
    iiif: str | None  # a IIIF Image API base URL
    paragraphs: frozenset[str]  # ids of the version's paragraphs on this sheet; empty when the version does not say

    @property
    def file(self) -> str | None:
        """The image file's name, as published beside the database (``store.facsimiles``)."""
        return self.path.rpartition("/")[2] if self.path else None


def load_facsimiles(conn: sqlite3.Connection, document_id: str, versions: Sequence[str]) -> dict[str, list[Facsimile]]:
    """The facsimiles of ``versions`` (slugs) of a document, by version, in the order each version lists them."""
    found: dict[str, list[Facsimile]] = {}
    marks = ",".join("?" * len(versions))
    rows = conn.execute(
        f"select version_id, sheet, path, iiif, paragraphs from facsimiles where version_id in ({marks}) "
        "order by version_id, n", [f"{document_id}/{version}" for version in versions])
    for version_id, sheet, path, iiif, paragraphs in rows:
        version = version_id.rpartition("/")[2]
        on_sheet = frozenset(json.loads(paragraphs)) if paragraphs else frozenset()
        found.setdefault(version, []).append(Facsimile(version, sheet, path, iiif, on_sheet))
    return found


def sheets_of(reading: Reading, facsimiles: Sequence[Facsimile]) -> list[Facsimile]:
    """The sheets a reading lies on: those that list one of its paragraphs; where none does, those that list no
    paragraphs (the version does not say which text is on them). None for a version absent from the row."""
    if not reading.present:
        return []
    ids = {paragraph.id for paragraph in reading.paragraphs}
    return [f for f in facsimiles if f.paragraphs & ids] or [f for f in facsimiles if not f.paragraphs]


def new_sheets(readings: Sequence[Reading], facsimiles: Sequence[Facsimile]) -> list[list[Facsimile]]:
    """For readings of one version down a page, the sheets each lies on that the reading before it did not: a page
    shows each sheet once, beside the first row on it."""
    shown: list[Facsimile] = []
    result = []
    for reading in readings:
        sheets = sheets_of(reading, facsimiles)
        result.append([sheet for sheet in sheets if sheet not in shown])
        shown = sheets or shown
    return result
