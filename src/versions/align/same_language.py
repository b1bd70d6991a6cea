"""The scorer of two versions in one language: similarity above the background of unrelated segments."""

from __future__ import annotations

import math
import statistics
from collections import Counter

from rapidfuzz import fuzz

from .features import (
    _WORD_CODES,
    MEMO_LIMIT,
    _background_pairs,
    _Segment,
    _Side,
    _union,
)
from .search import SHAPES, swapped

SHINGLE = 4  # words a key of the first pass holds: rarely repeated within a text, often kept by a copy
SAMPLE = 4  # one word in four starts a key: a quarter of the memory, keys enough for most segments
SURE_SIMILARITY = 0.6  # normalised similarity of a sure link (merges need 0.05, moves 0.40; copies score ~0.9)


class _SameLanguageScorer:
    """Gain of a bead = text mass x (similarity above background - threshold); an omission gains nothing."""

    method = "same-language"
    pairs_sandwiched = True
    shapes = SHAPES
    refined_by_meaning = False  # our paraphrase gold scores 1.00 without vectors: nothing for them to mend
    threshold = 0.22  # in units of normalised similarity: 0 = unrelated texts, 1 = identical
    # A merge must pay for itself, but absorbing a short segment whose words the other side holds must stay
    # cheaper than leaving it out.
    merge_penalty = {(1, 2): 0.01, (2, 1): 0.01, (1, 3): 0.02, (3, 1): 0.02}
    # Two concatenations always look a little more alike than their parts (by up to 0.04 of the mass on our
    # gold, against 0.15 for a true 2-2): a 2-2 bead must beat its two 1-1 halves by more than that.
    overlap_margin = 0.08
    move_threshold = 0.40  # a moved pair must be clearly similar: the move pass sees no order to help it
    # Merges are scored only around a pair this much above the background (normalised similarity): a merge whose
    # parts say nothing alike cannot win, and scoring every one would cost most of the search.
    merge_floor = 0.05
    # A bead's mass is its letters over twice a mean segment's, plus this: a date line or a one-word heading still
    # weighs half a mean segment, so that linking it gains something and leaving it out is not free.
    mass_floor = 0.5

    def __init__(self, a: _Side, b: _Side):
        self.a, self.b = a, b
        self._code_words(a.segments + b.segments)
        self.weights = self._stem_weights(a.segments + b.segments)
        self.mean_chars = max(1.0, (a.chars(0, len(a)) + b.chars(0, len(b))) / max(1, len(a) + len(b)))
        self._one_to_one: dict[int, float] = {}  # 1-1 similarities: both searches and the merge checks reuse them
        self._merged: dict[tuple[int, int, int, int], float] = {}  # the same for beads of more segments
        self._totals: dict[frozenset, float] = {}
        self._ranges: dict[tuple[int, int, int], tuple[str, frozenset, frozenset]] = {}
        self._sizes: tuple[dict, dict] = {}, {}  # per side, start * (n + 1) + stop -> sizes bounding a similarity
        self._stem_totals = (
            [self._total_weight(x.stems) for x in a.segments],
            [self._total_weight(y.stems) for y in b.segments],
        )
        self.background = self._background()
        self._gains: dict[tuple[int, int, int, int], float] = {}
        self._links: dict[tuple[int, int, int, int], float | None] = {}  # the searches' gains, kept between them
        # the arithmetic of gain_bound, folded: normalised similarity - threshold = parts / count * scale - shift,
        # where the similarity averages its parts over 3 (no anchors) or 4; and the mass per letter
        scale = 1 / (1 - self.background)
        shift = self.background * scale + self.threshold
        self._bound_terms = scale / 3, scale / 4, shift, 1 / (2 * self.mean_chars)

    @staticmethod
    def _code_words(segments: list[_Segment]) -> None:
        # rapidfuzz only asks whether two codes are equal, so one table serves every pair of texts (fresh when full;
        # locked, so that texts aligned in threads never see two words share a code)
        with _WORD_CODES.lock:
            if len(_WORD_CODES) + sum(len(segment.tokens) for segment in segments) > _WORD_CODES.capacity:
                _WORD_CODES.clear()
            code = _WORD_CODES.__getitem__
            for segment in segments:
                segment.words = "".join(map(code, segment.tokens))
        for segment in segments:
            segment.stems = segment.read.stem_set()
            # within one language anchors compare exactly; as plain tuples they compare without Python-level __eq__
            segment.anchors = frozenset((anchor.kind, anchor.value) for anchor in segment.anchors)

    @staticmethod
    def _stem_weights(segments: list[_Segment]) -> dict[str, float]:
        """Inverse document frequency over the segments of both texts: words in every segment weigh ~0."""
        frequency = Counter(stem for segment in segments for stem in segment.stems)
        total = len(segments)
        return {stem: math.log((total + 1) / (count + 0.5)) for stem, count in frequency.items()}

    def _background(self) -> float:
        pairs = _background_pairs(len(self.a), len(self.b))
        if len(pairs) < 10:
            return 0.1
        # capped: in a text of near-identical segments (a list, a table) the background says little
        return min(0.5, statistics.median(self.similarity(i, i + 1, j, j + 1) for i, j in pairs))

    def similarity(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """Raw similarity 0..1 of A[i0:i1] and B[j0:j1]."""
        if i1 - i0 > 1 or j1 - j0 > 1:
            key4 = (i0, i1, j0, j1)
            known = self._merged.get(key4)
            if known is None:
                if len(self._merged) >= MEMO_LIMIT:
                    self._merged.clear()
                known = self._merged[key4] = self._similarity_of(self._range(0, i0, i1), self._range(1, j0, j1))
            return known
        key = i0 * self.b.stride + j0
        known = self._one_to_one.get(key)
        if known is None:
            if len(self._one_to_one) >= MEMO_LIMIT:  # bounded: memory stays linear in the band, not the matrix
                self._one_to_one.clear()
            # _similarity_of inlined for single segments (the hottest path; the same arithmetic, the same value)
            x, y = self.a.segments[i0], self.b.segments[j0]
            sequence = fuzz.ratio(x.words, y.words) / 100
            total = self._stem_totals[0][i0] + self._stem_totals[1][j0]
            content = 2 * math.fsum(map(self.weights.__getitem__, x.stems & y.stems)) / total if total else 0.0
            anchors_x, anchors_y = x.anchors, y.anchors
            if not anchors_x and not anchors_y:
                known = (sequence + 2 * content) / 3
            else:
                anchors = 2 * len(anchors_x & anchors_y) / (len(anchors_x) + len(anchors_y))
                known = (sequence + 2 * content + anchors) / 4
            self._one_to_one[key] = known
        return known

    def _range(self, side: int, start: int, stop: int) -> tuple[str, frozenset, frozenset]:
        """Coded words, stems and anchors of segments[start:stop] of one side, gathered once: the searches and the
        merge checks ask for the same few ranges many times."""
        key = (side, start, stop)
        known = self._ranges.get(key)
        if known is None:
            if len(self._ranges) >= MEMO_LIMIT:
                self._ranges.clear()
            xs = (self.a, self.b)[side].segments[start:stop]
            known = self._ranges[key] = (
                "".join(x.words for x in xs), _union(x.stems for x in xs), _union(x.anchors for x in xs)
            )
        return known

    def _measure(self, side: int, start: int, stop: int) -> tuple[int, float, int, int]:
        """The sizes of segments[start:stop] of one side that bound its similarity to anything: words, total weight
        of the stems (each segment's total plus the stems new to it, cheaper than a union), anchors; and letters."""
        text = (self.a, self.b)[side]
        first, *others = text.segments[start:stop]
        weight, words, seen, anchors = self._stem_totals[side][start], len(first.words), first.stems, first.anchors
        for segment in others:
            weight += math.fsum(map(self.weights.__getitem__, segment.stems - seen))
            words += len(segment.words)
            seen, anchors = seen | segment.stems, anchors | segment.anchors
        anchors = len(anchors)
        known = self._sizes[side][start * text.stride + stop] = words, weight, anchors, text.chars(start, stop)
        return known

    def _similarity_of(self, x: tuple[str, frozenset, frozenset], y: tuple[str, frozenset, frozenset]) -> float:
        """Similarity of two gathered sides (coded words, stems, anchors): word-sequence overlap, rarity-weighted
        stem overlap counted twice, and shared anchors when there are any. The 1-1 case is inlined in
        :meth:`similarity` with the same arithmetic."""
        sequence = fuzz.ratio(x[0], y[0]) / 100
        content = self._weighted_dice(x[1], y[1])
        anchors_x, anchors_y = x[2], y[2]
        if not anchors_x and not anchors_y:
            return (sequence + 2 * content) / 3
        # within one language an anchor is spelt alike on both sides: exact comparison suffices
        anchors = 2 * len(anchors_x & anchors_y) / (len(anchors_x) + len(anchors_y))
        return (sequence + 2 * content + anchors) / 4

    # Weights are summed over sets with math.fsum: exact, so a total cannot depend on the order a set is walked in,
    # which changes with PYTHONHASHSEED (plain sums once made two equally good merges swap between runs).
    def _weighted_dice(self, x: frozenset, y: frozenset) -> float:
        total = self._total_weight(x) + self._total_weight(y)
        return 2 * math.fsum(map(self.weights.__getitem__, x & y)) / total if total else 0.0

    def _total_weight(self, stems: frozenset) -> float:
        total = self._totals.get(stems)
        if total is None:
            total = self._totals[stems] = math.fsum(map(self.weights.__getitem__, stems))
        return total

    def forget(self) -> None:
        """Drop what was memoised about cells: the next stretch of the search asks about other ones."""
        memos = (self._one_to_one, self._merged, self._totals, self._ranges, *self._sizes, self._gains, self._links)
        for memo in memos:
            memo.clear()

    def keys(self, side: int, index: int) -> set:
        """What the first pass looks for on the other side: the whole text, and the runs of four words that start
        with a sampled word (one word in SAMPLE, by its code: the same words are sampled on both sides)."""
        words = (self.a, self.b)[side].segments[index].words
        runs = {words[k : k + SHINGLE] for k in range(len(words) - SHINGLE + 1) if ord(words[k]) % SAMPLE == 0}
        return runs | {words}

    def is_sure(self, i: int, j: int) -> bool:
        """Whether A[i] and B[j] are so alike that their link needs no search."""
        return self.normalised(i, i + 1, j, j + 1) >= SURE_SIMILARITY

    def normalised(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return (self.similarity(i0, i1, j0, j1) - self.background) / (1 - self.background)

    def gain(self, i0: int, i1: int, j0: int, j1: int) -> float:
        key = (i0, i1, j0, j1)
        known = self._gains.get(key)
        if known is None:
            if len(self._gains) >= MEMO_LIMIT:
                self._gains.clear()
            penalty = self.merge_penalty.get((i1 - i0, j1 - j0), 0.0)
            normalised = self.normalised(i0, i1, j0, j1)
            known = self._mass(i0, i1, j0, j1) * (normalised - self.threshold) - penalty
            if penalty:
                known = min(known, self._diluting_merge_cap(i0, i1, j0, j1, normalised, penalty))
            self._gains[key] = known
        return known

    def _diluting_merge_cap(self, i0: int, i1: int, j0: int, j1: int, normalised: float, penalty: float) -> float:
        """What a merge may gain at most: less than its best one-to-one part, when the merge is less alike than that
        part and another of its segments would not be linked to the other side alone (below ``threshold``).

        A segment inserted beside a close copy of its neighbour (a note, an aside) dilutes the merge only a little
        while adding its mass, so mass x similarity alone would have it absorbed. A true split, or a heading whose
        words the other side holds, is related to it, and is not capped."""
        parts = sorted(
            ((self.normalised(i, i + 1, j, j + 1), (i, i + 1, j, j + 1)) for i in range(i0, i1) for j in range(j0, j1)),
            reverse=True,
        )
        (best_similarity, best), *others = parts
        if normalised >= best_similarity or all(similarity >= self.threshold for similarity, _ in others):
            return math.inf
        return self.gain(*best) - penalty

    def _mass(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return (self.a.chars(i0, i1) + self.b.chars(j0, j1)) / (2 * self.mean_chars) + self.mass_floor

    def gain_bound(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """An upper bound of :meth:`gain` that compares nothing: each part of the similarity is at most what the
        sizes of the two sides allow (all the shorter word sequence matched, the lighter side's stems, the fewer
        anchors)."""
        sizes_a, sizes_b = self._sizes
        words_x, weight_x, anchors_x, chars_x = sizes_a.get(i0 * self.a.stride + i1) or self._measure(0, i0, i1)
        words_y, weight_y, anchors_y, chars_y = sizes_b.get(j0 * self.b.stride + j1) or self._measure(1, j0, j1)
        per_three, per_four, shift, per_char = self._bound_terms
        # the largest Dice overlaps two sides of those sizes allow: the smaller one held in the larger
        parts = 2 * min(words_x, words_y) / (words_x + words_y) if words_x or words_y else 1.0
        if weight_x or weight_y:
            parts += 4 * min(weight_x, weight_y) / (weight_x + weight_y)
        if not anchors_x and not anchors_y:
            normalised = parts * per_three - shift
        else:
            normalised = (parts + 2 * min(anchors_x, anchors_y) / (anchors_x + anchors_y)) * per_four - shift
        mass = (chars_x + chars_y) * per_char + self.mass_floor
        return mass * normalised - self.merge_penalty.get((i1 - i0, j1 - j0), 0.0)

    def admits_overlap(self, i: int, j: int) -> bool:
        """Whether A[i:i+2] and B[j:j+2] overlap so much that no two 1-1 beads describe them as well, and are not
        two segments swapped."""
        if swapped(self, i, j):
            return False
        halves = self.gain(i, i + 1, j, j + 1) + self.gain(i + 1, i + 2, j + 1, j + 2)
        return self.gain(i, i + 2, j, j + 2) > halves + self.overlap_margin * self._mass(i, i + 2, j, j + 2)

    def skip_gain(self) -> float:
        return 0.0

    def worth_merging(self, i: int, j: int) -> bool:
        """Whether beads with more than one segment on a side are worth scoring around the pair (i, j)."""
        return self.normalised(i, i + 1, j, j + 1) > self.merge_floor

    def link_gain(self, i: int, j: int) -> float:
        """gain(i, i + 1, j, j + 1) by the same arithmetic, with less ado: the searches ask for it at every cell."""
        mass = (self.a.segments[i].chars + self.b.segments[j].chars) / (2 * self.mean_chars) + self.mass_floor
        normalised = (self.similarity(i, i + 1, j, j + 1) - self.background) / (1 - self.background)
        return mass * (normalised - self.threshold)

    def score(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return min(1.0, self.similarity(i0, i1, j0, j1))

    def movable(self, i: int, j: int) -> bool:
        return self.normalised(i, i + 1, j, j + 1) >= self.move_threshold
