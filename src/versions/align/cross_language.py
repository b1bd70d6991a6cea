"""The scorer of a translation: Gale-Church length, shared anchors and cognates, as log-likelihood ratios."""

from __future__ import annotations

import math
import statistics
from collections import Counter

from ..anchors import anchor_keys, base_language
from .features import (
    MEMO_LIMIT,
    _background_pairs,
    _dice,
    _dice_bound,
    _mean,
    _Segment,
    _Side,
    _union,
)
from .search import SHAPES, swapped

# The two constants of the Gale-Church length model per language pair: c, letters (and digits) of B per letter of
# A, and s2, the variance per letter of B - c*A. Measured on the 1-1 beads of our gold (tests/data/align): ru-en on
# 41 paragraph beads (c = 1.028, s2 = 1.42) and 24 sentence beads (s2 = 1.75); zh-en on 17 paragraph beads
# (c = 3.235, s2 = 13.2). All those translations are by one hand, so s2 is doubled for translators who vary more
# (on the sentence gold, strict F1 0.95 with s2 = 3.0 against 0.91 with 1.42 and 0.92 with Gale and Church's 6.8).
# Pairs not listed use the length ratio of the two whole texts.
LENGTH_MODEL = {
    ("ru", "en"): (1.03, 3.0),
    ("zh", "en"): (3.24, 26.0),
}
DEFAULT_LENGTH_VARIANCE = 6.8  # Gale and Church's value for European languages


def _length_model(lang_a: str, lang_b: str, a: _Side, b: _Side) -> tuple[float, float]:
    if known := measured_length_model(lang_a, lang_b):
        return known
    whole_ratio = b.chars(0, len(b)) / max(1, a.chars(0, len(a)))
    return min(10.0, max(0.1, whole_ratio)), DEFAULT_LENGTH_VARIANCE


def measured_length_model(lang_a: str, lang_b: str) -> tuple[float, float] | None:
    """The length model of LENGTH_MODEL for the pair, either way round; None for a pair not measured."""
    lang_a, lang_b = base_language(lang_a), base_language(lang_b)
    if (lang_a, lang_b) in LENGTH_MODEL:
        return LENGTH_MODEL[lang_a, lang_b]
    if (lang_b, lang_a) in LENGTH_MODEL:
        ratio, variance = LENGTH_MODEL[lang_b, lang_a]
        return 1 / ratio, variance / ratio**3  # the same model seen from the other side
    return None


SURE_EVIDENCE = 6.0  # log-likelihood ratio of a sure link: 400 to 1 (a 1-1 bead needs > -5: two skips)


class _CrossLanguageScorer:
    """Gain of a bead = log-likelihood ratio (match vs chance) of its length difference, anchors and cognates."""

    method = "cross-language"
    pairs_sandwiched = False  # the length model has already weighed such pairs
    shapes = SHAPES
    refined_by_meaning = True  # its uncertain stretches are searched again with vectors (meaning.refine)
    skip_cost = 2.5  # log-odds against leaving a segment unaligned
    merge_cost = {3: 2.0, 4: 4.0}  # log-odds of beads of 3 (1-2, 2-1) and 4 segments (1-3, 3-1, 2-2) against 1-1
    anchor_match = 3.0  # log-likelihood ratio of an anchor found on both sides
    anchor_miss = 0.5  # ... of an anchor found on one side only
    # Log-odds per unit of the cognates' Dice overlap above chance's (about 0.02): all shared weigh a little more
    # than one anchor shared (anchor_match), as a shared name is both a cognate and an anchor.
    cognate_weight = 4.0
    move_confidence = 0.95

    def __init__(
        self, a: _Side, b: _Side, lang_a: str, lang_b: str, ratio: float | None = None, texts: tuple = ((), ())
    ):
        """``ratio``: letters of B per letter of A, in place of the pair's own (the prior of a partial pair);
        ``texts``: the segments' texts, for their vectors (``meaning.refine``)."""
        self.a, self.b = a, b
        self.texts = texts
        self.ratio, self.variance = _length_model(lang_a, lang_b, a, b)
        self.ratio = ratio or self.ratio
        self._code_cognates(a.segments + b.segments)
        self._key_anchors(a.segments, b.segments)
        self.anchor_weights = self._anchor_weights(a.segments + b.segments)
        self._gathered: dict[tuple[int, int, int], tuple[int, frozenset]] = {}
        self._sizes: tuple[dict, dict] = {}, {}  # per side, start * (n + 1) + stop -> sizes bounding an evidence
        self._evidence: dict[tuple[int, int, int, int], float] = {}
        self._one_to_one: dict[int, float] = {}  # evidence of 1-1 beads, the most asked for, under a cheaper key
        self._links: dict[tuple[int, int, int, int], float | None] = {}  # the searches' gains, kept between them
        self.chance_spread, self.chance_cognates = self._chance_statistics()
        self._spread_terms = 2 * self.chance_spread * self.chance_spread, math.log(self.chance_spread)

    @staticmethod
    def _code_cognates(segments: list[_Segment]) -> None:
        """Each segment's cognates as the bits of an int, one bit a cognate of either text: overlaps are then
        counted with & and int.bit_count, the same counts as with sets, many times faster."""
        cognates = [segment.read.cognate_set() for segment in segments]
        bits = {cognate: 1 << k for k, cognate in enumerate(_union(cognates))}
        for segment, own in zip(segments, cognates):
            segment.cognates = sum(map(bits.__getitem__, own))  # distinct powers of two: their sum is their union

    @staticmethod
    def _key_anchors(a: list[_Segment], b: list[_Segment]) -> None:
        """Replace each segment's anchors by keys that corresponding anchors of the two sides share."""
        keys = anchor_keys(_union(s.anchors for s in a), _union(s.anchors for s in b))
        for segment in a + b:
            segment.anchors = frozenset(keys[anchor] for anchor in segment.anchors)

    @staticmethod
    def _anchor_weights(segments: list[_Segment]) -> dict[str, float]:
        """Anchors met in many segments (a country named throughout) prove less than rare ones."""
        frequency = Counter(key for segment in segments for key in segment.anchors)
        total = len(segments)
        return {key: math.log(1 + total / count) / math.log(1 + total) for key, count in frequency.items()}

    def _chance_statistics(self) -> tuple[float, float]:
        pairs = _background_pairs(len(self.a), len(self.b))
        if len(pairs) < 10:
            return 3.0, 0.02
        segments_a, segments_b = self.a.segments, self.b.segments
        # the sample repeats pairs: each is measured once
        deltas = {(i, j): abs(self._length_delta(segments_a[i].chars, segments_b[j].chars)) for i, j in set(pairs)}
        cognates = {(i, j): _dice(segments_a[i].cognates, segments_b[j].cognates) for i, j in deltas}
        spread = max(1.5, statistics.median(map(deltas.__getitem__, pairs)) * 1.4826)
        return spread, _mean(list(map(cognates.__getitem__, pairs)))

    def _length_delta(self, length_a: int, length_b: int) -> float:
        mean_length = max(1.0, (length_a + length_b / self.ratio) / 2)
        return (length_b - self.ratio * length_a) / math.sqrt(self.variance * mean_length)

    def _length_evidence(self, length_a: int, length_b: int) -> float:
        """Log-likelihood ratio of a length difference: a translation's against chance's (their spread)."""
        delta = self._length_delta(length_a, length_b)
        scale, log_spread = self._spread_terms
        return -delta * delta / 2 + delta * delta / scale + log_spread

    def _gather(self, side: int, start: int, stop: int) -> tuple[int, frozenset]:
        """Cognate bits and anchor keys of segments[start:stop] of one side, gathered once: the searches ask for
        the same few ranges over and over."""
        segments = (self.a, self.b)[side].segments
        if stop - start == 1:
            segment = segments[start]
            return segment.cognates, segment.anchors
        key = (side, start, stop)
        known = self._gathered.get(key)
        if known is None:
            if len(self._gathered) >= MEMO_LIMIT:
                self._gathered.clear()
            cognates = 0
            for segment in segments[start:stop]:
                cognates |= segment.cognates
            known = self._gathered[key] = cognates, _union(segment.anchors for segment in segments[start:stop])
        return known

    def evidence(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """Log-likelihood ratio that A[i0:i1] and B[j0:j1] translate each other rather than meet by chance."""
        if i1 - i0 == 1 and j1 - j0 == 1:
            return self._one_to_one_evidence(i0, j0)
        key = (i0, i1, j0, j1)
        known = self._evidence.get(key)
        if known is None:
            if len(self._evidence) >= MEMO_LIMIT:
                self._evidence.clear()
            cognates_x, anchors_x = self._gather(0, i0, i1)
            cognates_y, anchors_y = self._gather(1, j0, j1)
            known = self._evidence[key] = self._evidence_of(
                self.a.chars(i0, i1), self.b.chars(j0, j1), cognates_x, cognates_y, anchors_x, anchors_y
            )
        return known

    def _one_to_one_evidence(self, i: int, j: int) -> float:
        """evidence(i, i + 1, j, j + 1), kept under a cheaper key: the searches ask for it at every cell."""
        key = i * self.b.stride + j
        known = self._one_to_one.get(key)
        if known is None:
            if len(self._one_to_one) >= MEMO_LIMIT:
                self._one_to_one.clear()
            x, y = self.a.segments[i], self.b.segments[j]
            known = self._one_to_one[key] = self._evidence_of(
                x.chars, y.chars, x.cognates, y.cognates, x.anchors, y.anchors
            )
        return known

    def _evidence_of(
        self, length_a: int, length_b: int, cognates_x: int, cognates_y: int, anchors_x: frozenset, anchors_y: frozenset
    ) -> float:
        """The evidence of two gathered sides: lengths, cognate bits, anchor keys."""
        length = self._length_evidence(length_a, length_b)
        cognates = self.cognate_weight * (_dice(cognates_x, cognates_y) - self.chance_cognates)
        return length + cognates + self._anchor_evidence_of(anchors_x, anchors_y)

    def _anchor_evidence_of(self, anchors_x: frozenset, anchors_y: frozenset) -> float:
        if not anchors_x and not anchors_y:
            return 0.0
        weight = self.anchor_weights.__getitem__
        shared = math.fsum(map(weight, anchors_x & anchors_y))
        return self.anchor_match * shared - self.anchor_miss * math.fsum(map(weight, anchors_x ^ anchors_y))

    def anchor_evidence(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """The anchors' part of :meth:`evidence`."""
        return self._anchor_evidence_of(self._gather(0, i0, i1)[1], self._gather(1, j0, j1)[1])

    def anchor_bound(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """An upper bound of :meth:`anchor_evidence`: the anchors of the lighter side all shared (the shared weigh
        at most that, and each one shared is one missed less)."""
        sizes_a, sizes_b = self._sizes
        _, weight_x, _ = sizes_a.get(i0 * self.a.stride + i1) or self._measure(0, i0, i1)
        _, weight_y, _ = sizes_b.get(j0 * self.b.stride + j1) or self._measure(1, j0, j1)
        return (self.anchor_match + 2 * self.anchor_miss) * min(weight_x, weight_y) - self.anchor_miss * (
            weight_x + weight_y
        )

    def forget(self) -> None:
        """Drop what was memoised about cells: the next stretch of the search asks about other ones."""
        for memo in (self._gathered, *self._sizes, self._evidence, self._one_to_one, self._links):
            memo.clear()

    def keys(self, side: int, index: int) -> set:
        """What the first pass looks for on the other side: each anchor, and all of them together."""
        anchors = (self.a, self.b)[side].segments[index].anchors
        return {*anchors, anchors} if len(anchors) > 1 else set(anchors)

    def is_sure(self, i: int, j: int) -> bool:
        """Whether A[i] and B[j] translate each other so surely that their link needs no search."""
        gain = self.link_gain(i, j)
        return gain is not None and gain >= SURE_EVIDENCE

    def link_gain(self, i: int, j: int) -> float | None:
        """The gain of the 1-1 bead of A[i] and B[j]; None if only one is a note or a wordless mark, whose length
        says nothing about what it translates."""
        if self.a.segments[i].stands_alone != self.b.segments[j].stands_alone:
            return None
        return self._one_to_one_evidence(i, j)

    def gain(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return self.evidence(i0, i1, j0, j1) - self.merge_cost.get(i1 - i0 + j1 - j0, 0.0)

    def skip_gain(self) -> float:
        return -self.skip_cost

    def gain_bound(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """An upper bound of :meth:`gain` that compares nothing: the length term exactly, the cognates of the side
        with fewer all shared, and :meth:`anchor_bound`."""
        sizes_a, sizes_b = self._sizes
        cognates_x, _, chars_x = sizes_a.get(i0 * self.a.stride + i1) or self._measure(0, i0, i1)
        cognates_y, _, chars_y = sizes_b.get(j0 * self.b.stride + j1) or self._measure(1, j0, j1)
        cognates = self.cognate_weight * (_dice_bound(cognates_x, cognates_y) - self.chance_cognates)
        anchors = self.anchor_bound(i0, i1, j0, j1)
        length = self._length_evidence(chars_x, chars_y)
        return length + cognates + anchors - self.merge_cost.get(i1 - i0 + j1 - j0, 0.0)

    def _measure(self, side: int, start: int, stop: int) -> tuple[int, float, int]:
        """The sizes of segments[start:stop] of one side that bound its evidence with anything: cognates, total
        anchor weight; and letters."""
        text = (self.a, self.b)[side]
        cognates, anchors = self._gather(side, start, stop)
        weight = math.fsum(map(self.anchor_weights.__getitem__, anchors))
        known = self._sizes[side][start * text.stride + stop] = cognates.bit_count(), weight, text.chars(start, stop)
        return known

    def worth_merging(self, i: int, j: int) -> bool:
        return True

    def admits_overlap(self, i: int, j: int) -> bool:
        return not swapped(self, i, j)

    def score(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, self.evidence(i0, i1, j0, j1)))))

    def movable(self, i: int, j: int) -> bool:
        shared = len(self.a.segments[i].anchors & self.b.segments[j].anchors)
        return shared >= 2 and self.score(i, i + 1, j, j + 1) >= self.move_confidence
