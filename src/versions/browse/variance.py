"""The variance map: how much the versions of a document differ, row by row, drawn so that no difference hides.

A row's colour is its variance (0 to 1, ``versions.collate.variance``) and its height the number of words that
changed, on a logarithmic scale; any row with a difference gets at least the first mark of each, so a one-word
variant in a 300-paragraph document shows as plainly as it exists. A long document is drawn twice: an overview of
the whole of it in at most ``OVERVIEW_BINS`` bins (coloured as the most different of its rows, so that one variant
is not averaged away, and as tall as its changed words per row), each a link to the page holding its rows, where the
rows are drawn one by one: the zoom.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

MARKS = 10  # the top of both scales: v0..v10 and h0..h10 in the stylesheet
OVERVIEW_BINS = 120  # bins of the whole-document overview, at most


def variance_mark(variance: float) -> int:
    """0..10 for the colour: 0 only for no difference at all, then at least 1."""
    if variance <= 0:
        return 0
    return max(1, min(MARKS, round(variance * MARKS)))


def words_mark(words: int, variance: float = 0.0) -> int:
    """0..10 for the height: 0 for no difference, 3 for one changed word, two more for each doubling, 10 from 32
    words; 1 for a difference that changed no word (a paragraph missing across languages, a split)."""
    if words <= 0:
        return 1 if variance > 0 else 0
    return min(MARKS, 1 + round(2 * math.log2(1 + words)))


@dataclass(frozen=True)
class Bin:
    """Consecutive rows of the overview, numbered ``first`` to ``last``."""

    first: int
    last: int
    variance: float  # the most different of its rows
    words: int  # changed words in all of them

    @property
    def variance_mark(self) -> int:
        return variance_mark(self.variance)

    @property
    def words_mark(self) -> int:
        """By the changed words per row, so that bins of many rows are not all at the top of the scale."""
        return words_mark(math.ceil(self.words / (self.last - self.first + 1)), self.variance)

    @property
    def label(self) -> str:
        return f"row {self.first}" if self.first == self.last else f"rows {self.first}–{self.last}"


def variance_overview(
    conn: sqlite3.Connection, document_id: str, base_key: str, stored_base: bool, version_keys: Sequence[str],
    bins: int = OVERVIEW_BINS,
) -> list[Bin]:
    """The whole document in at most ``bins`` bins, from what the build stored: against the stored base, each row's
    variance, and the changed words of its diffs and its anchors found on one side only (across languages);
    against another version (a copy), the stored diffs between it and the versions in ``version_keys`` (copies of
    one text), a row's variance their mean dissimilarity."""
    others = [key for key in version_keys if key != base_key]
    marks = ", ".join("?" * len(others)) or "null"
    diffs = {
        group_id: (words, dissimilarity)
        for group_id, words, dissimilarity in conn.execute(
            "select group_id, sum(inserted + deleted + replaced), avg(1 - similarity) from diffs "
            f"where document_id = ? and ((base_version_id = ? and version_id in ({marks})) "
            f"or (version_id = ? and base_version_id in ({marks}))) group by group_id",
            [document_id, base_key, *others, base_key, *others],
        )
    }
    anchors = dict(conn.execute(
        "select group_id, count(*) from anchors where document_id = ? and side != 'both' group by group_id",
        [document_id],
    )) if stored_base else {}
    rows = []  # (n, variance, changed words)
    for group_id, n, variance in conn.execute(
        "select id, n, variance from alignment_groups where document_id = ? order by n", [document_id]
    ):
        words, dissimilarity = diffs.get(group_id, (0, 0.0))
        rows.append((n, variance if stored_base else dissimilarity, words + anchors.get(group_id, 0)))
    size = max(1, math.ceil(len(rows) / bins))
    return [
        Bin(chunk[0][0], chunk[-1][0], max(variance or 0.0 for _, variance, _ in chunk), sum(w for _, _, w in chunk))
        for chunk in (rows[k:k + size] for k in range(0, len(rows), size))
    ]
