"""Collating texts: versions aligned into one table, and each aligned group compared with the base.

Each transcribed version of a document is aligned to the document's base. Within a group, a version in the base's
language is diffed word by word against the base (N-1 diffs per group rather than N(N-1)/2: the base is the
reference every page compares against, and any other pair is computed on request in milliseconds). A version in
another language cannot be diffed character by character; instead the anchors (numbers, dates, names) found on each
side are compared, so a translator sees at once what a rendering dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from . import align
from .anchors import Anchor, anchors_correspond, extract_anchors
from .corpus import Document, Version
from .diff import WordDiff, word_diff
from .normalize import DEFAULT, Normalization
from .segment import Paragraph, join_segments

STORED_NORMALIZATION = DEFAULT


@dataclass(frozen=True)
class AnchorCheck:
    anchor: Anchor
    side: str  # "both", "a-only" or "b-only"


@dataclass(frozen=True)
class Comparison:
    """Two aligned texts compared: a word diff in one language, anchor checks across two."""

    text_a: str
    text_b: str
    diff: WordDiff | None
    anchors: tuple[AnchorCheck, ...] = ()

    @property
    def ops(self) -> list[tuple[int, str]]:
        """Diff-match-patch operations; across languages the whole of A deleted and the whole of B inserted."""
        if self.diff is not None:
            return self.diff.ops
        return [(op, text) for op, text in ((-1, self.text_a), (1, self.text_b)) if text]

    @property
    def dissimilarity(self) -> float:
        if self.diff is not None:
            return 1.0 - self.diff.similarity
        if not self.anchors:
            return 0.0
        return sum(check.side != "both" for check in self.anchors) / len(self.anchors)


@dataclass
class Collation:
    document: Document
    table: align.AlignmentTable
    comparisons: dict[tuple[int, str], Comparison] = field(default_factory=dict)  # (group index, version id)
    variances: list[float] = field(default_factory=list)  # one per group

    @property
    def base(self) -> Version:
        return self.document.version(self.table.base)


def compare(text_a: str, text_b: str, lang_a: str, lang_b: str, normalization: Normalization) -> Comparison:
    if lang_a == lang_b:
        return Comparison(text_a, text_b, word_diff(text_a, text_b, normalization))
    return Comparison(text_a, text_b, None, tuple(anchor_checks(text_a, lang_a, text_b, lang_b)))


def anchor_checks(text_a: str, lang_a: str, text_b: str, lang_b: str) -> Iterator[AnchorCheck]:
    """Each anchor of A and of B, and whether the other text has a corresponding one."""
    ours, theirs = extract_anchors(text_a, lang_a), extract_anchors(text_b, lang_b)
    for anchor in sorted(ours):
        found = any(anchors_correspond(anchor, other) for other in theirs)
        yield AnchorCheck(anchor, "both" if found else "a-only")
    for anchor in sorted(theirs):
        if not any(anchors_correspond(anchor, other) for other in ours):
            yield AnchorCheck(anchor, "b-only")


def compare_segments(
    a: Sequence[Paragraph], b: Sequence[Paragraph], lang_a: str, lang_b: str, normalization: Normalization,
    pinned: Iterable[tuple[int, int]] = (), forbidden: Iterable[tuple[int, int]] = (),
) -> list[tuple[align.Bead, Comparison]]:
    """Align two texts' segments (with ``pinned`` and ``forbidden`` pairs of 0-based indices, as ``align.align``)
    and compare every bead (the ``versions diff A B`` view)."""
    beads = align.align([p.text for p in a], [p.text for p in b], lang_a, lang_b, pinned, forbidden)
    return [
        (bead, compare(_text(a, bead.a), _text(b, bead.b), lang_a, lang_b, normalization))
        for bead in beads
    ]


def _text(segments: Sequence[Paragraph], indices: tuple[int, ...]) -> str:
    return join_segments([segments[i] for i in indices])


def group_text(version: Version, paragraphs: tuple[int, ...]) -> str:
    """The text of a version's paragraphs in a group, as it stands in the file."""
    return _text(version.paragraphs, paragraphs)


def collate(document: Document, normalization: Normalization = STORED_NORMALIZATION) -> Collation | None:
    """The alignment table of a document with its comparisons; None if nothing is transcribed."""
    versions = document.transcribed_versions
    if not versions or document.base is None:
        return None
    table = align.align_versions(
        document.base,
        {v.id: [p.text for p in v.paragraphs] for v in versions},
        {v.id: v.language for v in versions},
        [_correction(c) for c in document.corrections],
    )
    collation = Collation(document, table)
    for index, group in enumerate(table.groups):
        _compare_group(collation, index, group, normalization)
    align.clear_caches()
    return collation


def _correction(correction) -> align.Correction:
    (version_a, n_a), (version_b, n_b) = correction.a, correction.b
    return align.Correction(correction.action, (version_a, n_a - 1), (version_b, n_b - 1))


def _compare_group(collation: Collation, index: int, group: align.Group, normalization: Normalization) -> None:
    """Compare every version with the base in one group, and record the group's variance.

    Variance runs from 0 (all versions read alike) to 1: the mean dissimilarity to the base, where a missing
    paragraph counts as entirely different.
    """
    base = collation.base
    base_text = group_text(base, group.paragraphs(base.id))
    scores = []
    for version_id in collation.table.versions[1:]:
        version = collation.document.version(version_id)
        text = group_text(version, group.paragraphs(version_id))
        if not text and not base_text:
            continue
        comparison = compare(base_text, text, base.language, version.language, normalization)
        collation.comparisons[index, version_id] = comparison
        scores.append(comparison.dissimilarity if text and base_text else 1.0)
    collation.variances.append(variance(scores))


def variance(dissimilarities: list[float]) -> float:
    """A group's variance: the mean dissimilarity of its versions to the base, 0 when there is nothing to compare."""
    return round(sum(dissimilarities) / len(dissimilarities), 4) if dissimilarities else 0.0
