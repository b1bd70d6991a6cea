"""Two versions of a document side by side, row by row of the stored alignment: a word diff where they share a
language, an anchor check where they do not."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from ..anchors import Anchor
from ..collate import compare
from ..diff import WordDiff
from ..languages import same_language
from ..normalize import Normalization
from .alignment import Reading, Row, anchors_by_side, load_alignment
from .documents import DocumentInfo, VersionInfo


@dataclass
class Pair:
    """One row of a two-version comparison."""

    row: Row
    a: Reading
    b: Reading
    diff: WordDiff | None  # A -> B, when both are in one language
    anchors_shared: tuple[Anchor, ...] = ()
    anchors_missing: tuple[Anchor, ...] = ()  # in A, not in B
    anchors_added: tuple[Anchor, ...] = ()  # in B, not in A

    @property
    def same(self) -> bool:
        if self.diff is not None:
            return not (self.diff.inserted or self.diff.deleted or self.diff.replaced)
        if self.a.untranscribed or self.b.untranscribed:
            return False
        return not (self.anchors_missing or self.anchors_added) and self.a.present == self.b.present


@dataclass
class Comparison:
    document: DocumentInfo
    a: VersionInfo
    b: VersionInfo
    normalization: Normalization
    pairs: list[Pair]

    @property
    def same_language(self) -> bool:
        return same_language(self.a.language, self.b.language)

    @property
    def totals(self) -> dict[str, float]:
        diffed = [pair for pair in self.pairs if pair.diff is not None]
        diffs = [pair.diff for pair in diffed]
        # similarity of the whole texts: each row's similarity weighed by the length of its two texts
        lengths = [len(pair.a.text) + len(pair.b.text) for pair in diffed]
        similar = sum(diff.similarity * length for diff, length in zip(diffs, lengths))
        length = sum(lengths)
        return {
            "rows": len(self.pairs),
            "differing": sum(not pair.same for pair in self.pairs),
            "inserted": sum(d.inserted for d in diffs),
            "deleted": sum(d.deleted for d in diffs),
            "replaced": sum(d.replaced for d in diffs),
            "similarity": round(similar / length, 4) if length else 1.0,
            "anchors_missing": sum(len(pair.anchors_missing) for pair in self.pairs),
            "anchors_added": sum(len(pair.anchors_added) for pair in self.pairs),
        }


def load_comparison(
    conn: sqlite3.Connection,
    document: DocumentInfo,
    a: str,
    b: str,
    normalization: Normalization,
    rows: range | None = None,
) -> Comparison:
    """Versions ``a`` and ``b`` (transcribed versions of ``document``) row by row of the stored alignment (only its
    rows numbered in ``rows``), diffed word by word with ``normalization`` when they share a language, else
    compared by anchors."""
    alignment = load_alignment(conn, document, rows=rows, versions=[a, b])
    version_a, version_b = document.version(a), document.version(b)
    pairs = []
    for row in alignment.rows:
        reading_a, reading_b = row.readings.get(a), row.readings.get(b)
        if reading_a is None or reading_b is None or not (reading_a.present or reading_b.present):
            continue
        if reading_a.untranscribed or reading_b.untranscribed:  # a lacuna: nothing to compare, nothing missing
            pairs.append(Pair(row, reading_a, reading_b, None))
            continue
        comparison = compare(reading_a.text, reading_b.text, version_a.language, version_b.language, normalization)
        pairs.append(Pair(row, reading_a, reading_b, comparison.diff, *anchors_by_side(comparison)))
    return Comparison(document, version_a, version_b, normalization, pairs)
