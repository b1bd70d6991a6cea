"""Collating texts: versions aligned into one table, and each aligned group compared with the base.

Each transcribed version of a document is aligned along the guide tree (``align.guide_tree``: copies of one text
with each other, translations with their source) and the pairs are composed into one table. Within a group, a
version in the base's language is diffed word by word against the base, and every two other versions in one
language (copies of one text) are diffed word by word with each other: the pairs an archivist compares, stored so
that the copies view and Datasette's ``diffs`` table have them; any other pair is computed on request. A version in
another language cannot be diffed character by character. In either case the anchors (numbers, dates, names) found
on each side are compared, so a translator or a copyist sees at once what a rendering dropped: "nine" for "9" is no
loss, a dropped date is, in one language as across two.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from . import align
from .align import embeddings
from .anchors import Anchor, anchors_correspond, extract_anchors
from .anchors import clear_cache as clear_anchor_cache
from .corpus import Document, Version
from .diff import WordDiff, word_diff
from .heap import settle
from .languages import same_language
from .normalize import DEFAULT, Normalization
from .segment import Paragraph, join_segments

STORED_NORMALIZATION = DEFAULT
# paragraphs in all its versions: once the pairs of a document this long that may use vectors are aligned (those
# across languages, aligned first), the vectors and the model's weights are let go, so that its other pairs, its
# comparisons and its rows do not sit beside them; loading them again costs about 1.4 s, little beside its build
LET_GO_OF_MODEL = 8000


@dataclass(frozen=True)
class AnchorCheck:
    anchor: Anchor
    side: str  # "both", "a-only" or "b-only"


@dataclass(frozen=True)
class Comparison:
    """Two aligned texts compared: a word diff in one language, anchor checks in one language or across two."""

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


    def to_json(self) -> dict:
        """What a comparison found, for the build's cache: the diff if any and the anchor checks (the texts are the
        key)."""
        found = {"anchors": [[check.anchor.kind, check.anchor.value, check.side] for check in self.anchors]}
        return found | ({"diff": self.diff.to_json()} if self.diff is not None else {})

    @classmethod
    def from_json(
        cls, text_a: str, text_b: str, data: dict, checks: dict[tuple[str, str, str], AnchorCheck] | None = None
    ) -> Comparison:
        """``checks``: the anchor checks made so far, to share (a long document's thousands of comparisons repeat a
        few hundred checks, and making one costs more than finding it)."""
        checks = {} if checks is None else checks
        diff = WordDiff.from_json(data["diff"]) if "diff" in data else None
        return cls(text_a, text_b, diff, tuple(checks.get(key) or checks.setdefault(key, _check(*key))
                                               for key in map(tuple, data["anchors"])))


def _check(kind: str, value: str, side: str) -> AnchorCheck:
    return AnchorCheck(Anchor(kind, value), side)


@dataclass(frozen=True)
class Pair:
    """Two texts to compare (the base's, another version's) and their languages."""

    text_a: str
    text_b: str
    lang_a: str
    lang_b: str


class Comparer(Protocol):
    """Compares pairs of texts, in order; the build's cache is one, reusing what an earlier build compared."""

    def __call__(self, pairs: Sequence[Pair], normalization: Normalization) -> list[Comparison]: ...


class FeatureKeeper(Protocol):
    """Keeps what the aligner read of each paragraph (``align.Features``) from one build to the next; the build's
    cache is one."""

    def known_features(self, keys: Sequence[tuple[str, str]]) -> Mapping[tuple[str, str], align.Features]: ...

    def keep_features(self, features: Mapping[tuple[str, str], align.Features]) -> None: ...


def compare_pairs(pairs: Sequence[Pair], normalization: Normalization) -> list[Comparison]:
    compared = [compare(pair.text_a, pair.text_b, pair.lang_a, pair.lang_b, normalization) for pair in pairs]
    clear_anchor_cache()  # it pays within a group (the base's text against each version), all among these pairs
    return compared


@dataclass(frozen=True)
class Stretch:
    """Consecutive groups of a collation (but those a rebuild leaves out), compared: the unit in which a long
    document is compared and stored."""

    indexes: Sequence[int]  # of its groups in the table, in order
    groups: Sequence[align.Group]
    comparisons: dict[tuple[int, str], Comparison]  # (group index, version id): the version with the base
    variances: list[float]  # one per group
    # (group index, version a, version b): two versions in one language, neither the base, word-diffed (copies)
    copies: dict[tuple[int, str, str], Comparison] = field(default_factory=dict)

    def indexed(self) -> Iterator[tuple[int, align.Group]]:
        return zip(self.indexes, self.groups)


@dataclass
class Collation:
    """A document's alignment table; its groups are compared stretch by stretch (``stretches``), so that a long
    document is never held compared whole, or all at once (``comparisons``, ``variances``) for short ones."""

    document: Document
    table: align.AlignmentTable
    normalization: Normalization = STORED_NORMALIZATION
    comparer: Comparer = compare_pairs

    @property
    def base(self) -> Version:
        return self.document.version(self.table.base)

    @cached_property
    def whole(self) -> Stretch:
        return self.stretch(0, len(self.table.groups))

    @property
    def comparisons(self) -> dict[tuple[int, str], Comparison]:
        return self.whole.comparisons

    @property
    def variances(self) -> list[float]:
        return self.whole.variances

    @property
    def comparisons_per_group(self) -> int:
        """Comparisons a group asks for at most: each other version with the base, and each pair of copies."""
        return len(self.table.versions) - 1 + len(self.copy_pairs)

    def stretches(self, size: int, skip: Container[int] = ()) -> Iterator[Stretch]:
        """``skip``: the indexes of groups to leave out (a rebuild's, that came out as before)."""
        for start in range(0, len(self.table.groups), size):
            yield self.stretch(start, start + size, skip)

    def stretch(self, start: int, stop: int, skip: Container[int] = ()) -> Stretch:
        """Groups ``start`` to ``stop`` (but those in ``skip``) compared: every version with the base, and each
        group's variance.

        Variance runs from 0 (all versions read alike) to 1: the mean dissimilarity to the base, where a missing
        paragraph counts as entirely different.
        """
        indexes = [index for index in range(start, min(stop, len(self.table.groups))) if index not in skip]
        groups = [self.table.groups[index] for index in indexes]
        keys, pairs = [], []
        for index in indexes:
            for key, pair in self.group_pairs(index):
                keys.append(key)
                pairs.append(pair)
        compared = dict(zip(keys, self.comparer(pairs, self.normalization)))
        comparisons = {key: comparison for key, comparison in compared.items() if len(key) == 2}
        copies = {key: comparison for key, comparison in compared.items() if len(key) == 3}
        variances = []
        for index in indexes:
            scores = [
                comparison.dissimilarity if comparison.text_a and comparison.text_b else 1.0
                for version_id in self.table.versions[1:]
                if (comparison := comparisons.get((index, version_id))) is not None
            ]
            variances.append(variance(scores))
        return Stretch(indexes, groups, comparisons, variances, copies)

    def group_pairs(self, index: int) -> list[tuple[tuple, Pair]]:
        """What group ``index`` compares, keyed: (index, version) for a version with the base, (index, version a,
        version b) for two copies."""
        group = self.table.groups[index]
        return [*self._pairs(index, group), *self._copy_pairs(index, group)]

    def _pairs(self, index: int, group: align.Group) -> Iterator[tuple[tuple[int, str], Pair]]:
        base = self.base
        base_text = group_text(base, group.paragraphs(base.id))
        for version_id in self.table.versions[1:]:
            version = self.document.version(version_id)
            text = group_text(version, group.paragraphs(version_id))
            if (text or base_text) and not group.members[version_id].untranscribed:
                yield (index, version_id), Pair(base_text, text, base.language, version.language)


    @cached_property
    def copy_pairs(self) -> list[tuple[str, str]]:
        """Every two versions in one language, neither the base (each is compared with the base already), in table
        order: copies of one text, compared word by word with each other."""
        others = [self.document.version(version_id) for version_id in self.table.versions[1:]]
        return [
            (a.id, b.id) for k, a in enumerate(others) for b in others[k + 1:] if same_language(a.language, b.language)
        ]

    def _copy_pairs(self, index: int, group: align.Group) -> Iterator[tuple[tuple[int, str, str], Pair]]:
        for id_a, id_b in self.copy_pairs:
            version_a, version_b = self.document.version(id_a), self.document.version(id_b)
            text_a = group_text(version_a, group.paragraphs(id_a))
            text_b = group_text(version_b, group.paragraphs(id_b))
            if text_a or text_b:
                yield (index, id_a, id_b), Pair(text_a, text_b, version_a.language, version_b.language)


def compare(text_a: str, text_b: str, lang_a: str, lang_b: str, normalization: Normalization) -> Comparison:
    """A word diff for two texts in one language; the anchor checks for any two."""
    diff = word_diff(text_a, text_b, normalization) if same_language(lang_a, lang_b) else None
    return Comparison(text_a, text_b, diff, tuple(anchor_checks(text_a, lang_a, text_b, lang_b)))


def anchor_checks(text_a: str, lang_a: str, text_b: str, lang_b: str) -> Iterator[AnchorCheck]:
    """Each anchor of A and of B, and whether the other text has a corresponding one."""
    ours, theirs = extract_anchors(text_a, lang_a), extract_anchors(text_b, lang_b)
    for anchor in sorted(ours):
        found = anchor in theirs or any(anchors_correspond(anchor, other) for other in theirs)  # equal ones first
        yield AnchorCheck(anchor, "both" if found else "a-only")
    for anchor in sorted(theirs):
        if anchor not in ours and not any(anchors_correspond(anchor, other) for other in ours):
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


def collate(
    document: Document,
    normalization: Normalization = STORED_NORMALIZATION,
    comparer: Comparer = compare_pairs,
    previous: Mapping[str, align.Previous] | None = None,
    features: FeatureKeeper | None = None,
) -> Collation | None:
    """The alignment table of a document, its groups compared on demand; None if nothing is transcribed.

    ``previous``: per version, its last alignment with its parent in the guide tree (``align.align_versions``), so
    that only what changed since is aligned again; ``Collation.table.pair_beads`` holds the new ones. ``features``:
    what an earlier build read of the paragraphs, so that only new paragraphs are read again."""
    versions = document.transcribed_versions
    if not versions or document.base is None:
        return None
    clear_anchor_cache()  # an earlier document's, if its comparisons were all found in the build's cache
    texts = {v.id: [p.text for p in v.paragraphs] for v in versions}
    read = _languages_to_read(document, texts, previous or {})
    keys = list(dict.fromkeys((p.text, v.language) for v in versions if v.language in read for p in v.paragraphs))
    if features is not None:
        align.learn_features(features.known_features(keys))
        settle()  # what was read of every paragraph lives as long as the document's build
    table = align.align_versions(
        document.base,
        texts,
        {v.id: v.language for v in versions},
        [_correction(c) for c in document.corrections],
        previous,
        derivations(document),
        partial_versions(document),
        vectors_done=embeddings.let_go if sum(len(v.paragraphs) for v in versions) >= LET_GO_OF_MODEL else None,
    )
    if features is not None:
        features.keep_features(align.known_features(keys))
    # the anchors the alignment read stay: a group of one paragraph per version, the most common, compares the very
    # texts, and compare_pairs forgets them once compared
    align.clear_caches(anchors=False)
    return Collation(document, table, normalization, comparer)


def _languages_to_read(document: Document, texts: Mapping[str, list[str]], previous: Mapping[str, align.Previous]
                       ) -> set[str]:
    """The languages of the versions whose alignment with their parent is searched: what the aligner reads of their
    paragraphs is asked of ``features``. A pair that ``previous`` holds as it is (``align.Previous.holds``) is not
    searched, unless corrections or a partial version constrain it (then every pair is counted)."""
    pairs = guide_tree(document).items()
    constrained = document.corrections or partial_versions(document)
    searched = [(version, parent) for version, parent in pairs if constrained or version not in previous
                or not previous[version].holds(texts[parent], texts[version])]
    return {document.version(version_id).language for pair in searched for version_id in pair}


def derivations(document: Document) -> dict[str, list[str]]:
    """Per version, the versions it is derived from: the provenance the guide tree follows."""
    return {version.id: [d.source for d in version.derived_from] for version in document.versions}


def guide_tree(document: Document) -> dict[str, str]:
    """The transcribed version each transcribed version but the base is aligned with (``align.guide_tree``)."""
    versions = document.transcribed_versions
    return align.guide_tree(
        document.base, [v.id for v in versions], {v.id: v.language for v in versions}, derivations(document),
        partial=set(partial_versions(document)))


def partial_versions(document: Document) -> dict[str, list[int] | None]:
    """Per transcribed version declared partial (``covers``), the base paragraphs it covers (None: sheets only)."""
    return {v.id: v.covers.covered for v in document.transcribed_versions if v.covers is not None}


def _correction(correction) -> align.Correction:
    (version_a, n_a), (version_b, n_b) = correction.a, correction.b
    return align.Correction(correction.action, (version_a, n_a - 1), (version_b, n_b - 1))


def variance(dissimilarities: list[float]) -> float:
    """A group's variance: the mean dissimilarity of its versions to the base, 0 when there is nothing to compare."""
    return round(sum(dissimilarities) / len(dissimilarities), 4) if dissimilarities else 0.0
