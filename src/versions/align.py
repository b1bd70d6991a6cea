"""Alignment of the segments (paragraphs or lines) of two versions, and of N versions into one table.

Two versions are aligned by dynamic programming over *beads*: a bead joins consecutive segments of A with
consecutive segments of B (1-1, 1-2, 2-1, 1-3, 3-1, 2-2, 1-0, 0-1). Each bead earns a gain from a scorer:

* same language: a similarity of the two sides that combines word-sequence overlap, rarity-weighted content-word
  overlap and shared anchors, measured against the similarity of unrelated segments of the same two texts, and
  weighted by the amount of text the bead covers;
* across languages: a log-likelihood ratio from the Gale-Church length model plus shared anchors (numbers, dates,
  names) and cognates.

The path is searched in a band around the diagonal that widens itself when the best path touches its edge, so memory
and time grow with length x band, not length squared. Leftovers are then paired: within one language, a lone omission
and a lone insertion between the same two beads; in any language, omissions and insertions elsewhere that say the
same thing, which are moves (transpositions).
"""

from __future__ import annotations

import math
import random
import re
import statistics
import threading
from array import array
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from rapidfuzz import fuzz

from .anchors import anchor_keys, detect_language, extract_anchors, transliterate
from .anchors import clear_cache as clear_anchor_cache
from .corpus import forbids_inside_pins, parse_paragraph_ref, pin_groups, same_version_problem

# --- beads -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bead:
    a: tuple[int, ...]  # 0-based indices into the segments of A
    b: tuple[int, ...]  # 0-based indices into the segments of B
    score: float  # 0..1: similarity (same language) or confidence (across languages); 0 for an omission
    method: str  # "same-language", "cross-language", "move", "pinned"
    moved: bool = False  # a transposition recovered by the move pass (or forced by a pin)

    @property
    def kind(self) -> str:
        return f"{len(self.a)}-{len(self.b)}"


def format_beads(beads: Iterable[Bead]) -> str:
    """Beads in the gold format of vecalign/Bertalign, one a line: ``[0,1]:[0]``, ``[]:[3]``, ``[2]:[]``."""
    return "".join(f"[{','.join(map(str, bead.a))}]:[{','.join(map(str, bead.b))}]\n" for bead in beads)


_BEAD_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def parse_beads(text: str) -> list[Bead]:
    """Read beads in the gold format; blank lines and ``#`` comments are skipped.

    A bead whose B side goes back before a B index already seen is marked moved.
    """
    beads, furthest_b = [], -1
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _BEAD_LINE.match(line)
        if not match:
            raise ValueError(f"line {number}: not a bead: {line!r}")
        a, b = (tuple(int(x) for x in side.split(",") if x.strip()) for side in match.groups())
        moved = bool(b) and min(b) < furthest_b
        furthest_b = max([furthest_b, *b])
        beads.append(Bead(a, b, 1.0, "gold", moved))
    return beads


def score_beads(test: Iterable[Bead], gold: Iterable[Bead]) -> dict:
    """Strict and lax precision, recall and F1 as vecalign defines them.

    Strict: a test bead equals a gold bead. Lax: it shares a segment with one gold bead on each side. Precision is
    counted over all test beads, recall over the gold beads that are not omissions (1-0, 0-1). Also returns the
    underlying counts, so several files can be scored together with :func:`combine_scores`.
    """
    test_beads = {(bead.a, bead.b) for bead in test if bead.a or bead.b}
    gold_beads = {(bead.a, bead.b) for bead in gold if bead.a or bead.b}
    precision = _match_counts(test_beads, gold_beads)
    recall = _match_counts({b for b in gold_beads if b[0] and b[1]}, {b for b in test_beads if b[0] and b[1]})
    return _scores_from_counts(precision, recall)


def combine_scores(scores: Iterable[dict]) -> dict:
    """Pool the counts of several :func:`score_beads` results (micro-average, as vecalign scores several files)."""
    precision, recall = [0, 0, 0], [0, 0, 0]
    for score in scores:
        precision = [x + y for x, y in zip(precision, score["precision_counts"])]
        recall = [x + y for x, y in zip(recall, score["recall_counts"])]
    return _scores_from_counts(tuple(precision), tuple(recall))


def _match_counts(candidates: set, reference: set) -> tuple[int, int, int]:
    """(strict matches, lax matches, number of candidates) of candidate beads against reference beads."""
    partners = defaultdict(set)
    for ref_a, ref_b in reference:
        for i in ref_a:
            partners[i].update(ref_b)
    strict = lax = 0
    for cand_a, cand_b in candidates:
        if (cand_a, cand_b) in reference:
            strict += 1
            lax += 1
        elif any(j in partners[i] for i in cand_a for j in cand_b):
            lax += 1
    return strict, lax, len(candidates)


def _scores_from_counts(precision: tuple[int, int, int], recall: tuple[int, int, int]) -> dict:
    def ratio(hits: int, total: int) -> float:
        return hits / total if total else 0.0

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    result = {
        "precision_strict": ratio(precision[0], precision[2]),
        "precision_lax": ratio(precision[1], precision[2]),
        "recall_strict": ratio(recall[0], recall[2]),
        "recall_lax": ratio(recall[1], recall[2]),
    }
    result["f1_strict"] = f1(result["precision_strict"], result["recall_strict"])
    result["f1_lax"] = f1(result["precision_lax"], result["recall_lax"])
    result["precision_counts"], result["recall_counts"] = precision, recall
    return result


# --- segment features ------------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W_]+", re.UNICODE)
# A translator's or editor's note (docs/corpus-format.md): it translates nothing, so it never joins a merge.
_NOTE = re.compile(
    r"^\W*(?:(?:translator|editor|publisher)[’']?s?\s+notes?\b|notes?\s*:|примечание|прим\.\s*(?:пер|ред)|译注|编者注)"
    r"|^\s*\[\s*notes?\b|^\[\^[^\]]+\]:",
    re.IGNORECASE,
)


@dataclass
class _Segment:
    chars: int  # letters and digits: the length measure of both scorers
    tokens: tuple[str, ...]  # lowercased words (single Han characters)
    anchors: frozenset  # Anchor objects; across languages, keys that corresponding anchors share
    stands_alone: bool = False  # a note or a mark without words ("[...]"): it never joins a merge
    words: str = ""  # tokens coded one character each, for rapidfuzz
    stems: frozenset[str] = frozenset()  # word stems (weighted by rarity, so function words count for ~nothing)
    cognates: int = 0  # romanized 4-letter word prefixes, one bit each (see _CrossLanguageScorer._code_cognates)


def _segment(text: str, language: str) -> _Segment:
    chars, tokens, anchors, stands_alone = _segment_features(text, language)
    return _Segment(chars=chars, tokens=tokens, anchors=anchors, stands_alone=stands_alone)


@lru_cache(maxsize=4096)  # the base version is aligned with every other version: read its segments once
def _segment_features(text: str, language: str) -> tuple[int, tuple[str, ...], frozenset, bool]:
    tokens = _TOKEN.findall(text.lower())
    return (
        len("".join(tokens)),
        tuple(tokens),
        frozenset(extract_anchors(text, language)),
        not tokens or bool(_NOTE.match(text)),
    )


class _Codes(dict):
    """Word -> one private-use-plane character, assigned on first sight."""

    capacity = 0x10FFFF - 0x10000
    lock = threading.Lock()

    def __missing__(self, word: str) -> str:
        code = self[word] = chr(0x10000 + len(self))
        return code


_WORD_CODES = _Codes()


def clear_caches() -> None:
    """Forget what was cached about texts already aligned: the caches pay within a document (its base is aligned
    with every other version), not across documents, where they would only grow."""
    for cached in (_segment_features, _stems, _cognates):
        cached.cache_clear()
    clear_anchor_cache()
    with _WORD_CODES.lock:
        _WORD_CODES.clear()


@lru_cache(maxsize=4096)
def _stems(tokens: tuple[str, ...]) -> frozenset[str]:
    """Crude stems good for any alphabetic language: the first five letters (negotiations ~ negotiate); numbers
    whole."""
    return frozenset(token if token.isdigit() else token[:5] for token in tokens)


@dataclass
class _Side:
    segments: list[_Segment]
    prefix_chars: list[int] = field(default_factory=list)

    def __post_init__(self):
        self.stride = len(self.segments) + 1  # keys of ranges and of pairs: start * stride + stop
        self.prefix_chars = [0]
        self.prefix_alone = [0]  # how many segments before each index stand alone
        for segment in self.segments:
            self.prefix_chars.append(self.prefix_chars[-1] + segment.chars)
            self.prefix_alone.append(self.prefix_alone[-1] + segment.stands_alone)

    def chars(self, start: int, stop: int) -> int:
        return self.prefix_chars[stop] - self.prefix_chars[start]

    def __len__(self) -> int:
        return len(self.segments)


def _union(sets: Iterable[frozenset]) -> frozenset:
    return frozenset().union(*sets)


def _dice(x: int, y: int) -> float:
    """The Dice overlap of two sets held as the bits of ints."""
    return 2 * (x & y).bit_count() / (x.bit_count() + y.bit_count()) if x or y else 0.0


def _dice_bound(x: float, y: float) -> float:
    """The largest Dice overlap of two sets of these sizes (or total weights): the smaller held in the larger."""
    return 2 * min(x, y) / (x + y) if x or y else 0.0


def _mean(values: list[float]) -> float:
    """statistics.mean of floats, without its Fractions: the exact sum (over the least common denominator, a power
    of two) divided once, as int division rounds correctly; the same value, several times faster."""
    ratios = [value.as_integer_ratio() for value in values]
    denominator = max(d for _, d in ratios)
    return sum(n * (denominator // d) for n, d in ratios) / (denominator * len(values))


@lru_cache(maxsize=64)
def _background_pairs(n: int, m: int, sample: int = 400) -> tuple[tuple[int, int], ...]:
    """Pairs of segments far from the diagonal, hence almost surely unrelated (deterministic sample, kept: texts
    of the same lengths recur)."""
    return tuple(_draw_background_pairs(n, m, sample))


def _draw_background_pairs(n: int, m: int, sample: int) -> list[tuple[int, int]]:
    rng = random.Random(n * 7919 + m)
    pairs: list[tuple[int, int]] = []
    if not n or not m:
        return pairs
    for _ in range(sample * 4):
        i, j = rng.randrange(n), rng.randrange(m)
        if abs(i / n - j / m) > 0.15 or (n < 4 and m < 4):
            pairs.append((i, j))
        if len(pairs) == sample:
            break
    return pairs


@lru_cache(maxsize=4096)  # the base version is aligned with every other version
def _cognates(tokens: tuple[str, ...]) -> frozenset[str]:
    """The romanized 4-letter prefixes of the words (not of numbers). The words are transliterated all at once:
    transliteration goes letter by letter, and no word holds a space."""
    romanized = transliterate(" ".join(tokens)).split(" ")
    return frozenset(word[:4] for word in romanized if len(word) >= 4 and not word.isdigit())


# --- scorers ---------------------------------------------------------------------------------------------------------

MEMO_LIMIT = 200_000


class _SameLanguageScorer:
    """Gain of a bead = text mass x (similarity above background - threshold); an omission gains nothing."""

    method = "same-language"
    pairs_sandwiched = True
    threshold = 0.22  # in units of normalised similarity: 0 = unrelated texts, 1 = identical
    # A merge must pay for itself, but absorbing a short segment whose words the other side holds must stay
    # cheaper than leaving it out.
    merge_penalty = {(1, 2): 0.01, (2, 1): 0.01, (1, 3): 0.02, (3, 1): 0.02}
    # Two concatenations always look a little more alike than their parts (by up to 0.04 of the mass on our
    # gold, against 0.15 for a true 2-2): a 2-2 bead must beat its two 1-1 halves by more than that.
    overlap_margin = 0.08
    move_threshold = 0.40  # a moved pair must be clearly similar: the move pass sees no order to help it

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
            segment.stems = _stems(segment.tokens)
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
        segments = text.segments[start:stop]
        weight = self._stem_totals[side][start]
        for k in range(1, len(segments)):
            new = segments[k].stems.difference(*(earlier.stems for earlier in segments[:k]))
            weight += math.fsum(map(self.weights.__getitem__, new))
        words = sum(len(segment.words) for segment in segments)
        anchors = len(_union(segment.anchors for segment in segments))
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

    def normalised(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return (self.similarity(i0, i1, j0, j1) - self.background) / (1 - self.background)

    def gain(self, i0: int, i1: int, j0: int, j1: int) -> float:
        key = (i0, i1, j0, j1)
        known = self._gains.get(key)
        if known is None:
            if len(self._gains) >= MEMO_LIMIT:
                self._gains.clear()
            penalty = self.merge_penalty.get((i1 - i0, j1 - j0), 0.0)
            known = self._gains[key] = (
                self._mass(i0, i1, j0, j1) * (self.normalised(i0, i1, j0, j1) - self.threshold) - penalty
            )
        return known

    def _mass(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return (self.a.chars(i0, i1) + self.b.chars(j0, j1)) / (2 * self.mean_chars) + 0.5

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
        mass = (chars_x + chars_y) * per_char + 0.5
        return mass * normalised - self.merge_penalty.get((i1 - i0, j1 - j0), 0.0)

    def admits_overlap(self, i: int, j: int) -> bool:
        """Whether A[i:i+2] and B[j:j+2] overlap so much that no two 1-1 beads describe them as well."""
        halves = self.gain(i, i + 1, j, j + 1) + self.gain(i + 1, i + 2, j + 1, j + 2)
        return self.gain(i, i + 2, j, j + 2) > halves + self.overlap_margin * self._mass(i, i + 2, j, j + 2)

    def skip_gain(self) -> float:
        return 0.0

    def worth_merging(self, i: int, j: int) -> bool:
        """Whether beads with more than one segment on a side are worth scoring around the pair (i, j)."""
        return self.normalised(i, i + 1, j, j + 1) > 0.05

    def link_gain(self, i: int, j: int) -> float:
        """gain(i, i + 1, j, j + 1) by the same arithmetic, with less ado: the searches ask for it at every cell."""
        mass = (self.a.segments[i].chars + self.b.segments[j].chars) / (2 * self.mean_chars) + 0.5
        normalised = (self.similarity(i, i + 1, j, j + 1) - self.background) / (1 - self.background)
        return mass * (normalised - self.threshold)

    def score(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return min(1.0, self.similarity(i0, i1, j0, j1))

    def movable(self, i: int, j: int) -> bool:
        return self.normalised(i, i + 1, j, j + 1) >= self.move_threshold


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
    lang_a, lang_b = _base_language(lang_a), _base_language(lang_b)
    if (lang_a, lang_b) in LENGTH_MODEL:
        return LENGTH_MODEL[lang_a, lang_b]
    if (lang_b, lang_a) in LENGTH_MODEL:
        ratio, variance = LENGTH_MODEL[lang_b, lang_a]
        return 1 / ratio, variance / ratio**3  # the same model seen from the other side
    whole_ratio = b.chars(0, len(b)) / max(1, a.chars(0, len(a)))
    return min(10.0, max(0.1, whole_ratio)), DEFAULT_LENGTH_VARIANCE


class _CrossLanguageScorer:
    """Gain of a bead = log-likelihood ratio (match vs chance) of its length difference, anchors and cognates."""

    method = "cross-language"
    pairs_sandwiched = False  # the length model has already weighed such pairs
    skip_cost = 2.5  # log-odds against leaving a segment unaligned
    merge_cost = {3: 2.0, 4: 4.0}  # log-odds of beads of 3 (1-2, 2-1) and 4 segments (1-3, 3-1, 2-2) against 1-1
    anchor_match = 3.0  # log-likelihood ratio of an anchor found on both sides
    anchor_miss = 0.5  # ... of an anchor found on one side only
    cognate_weight = 4.0
    move_confidence = 0.95

    def __init__(self, a: _Side, b: _Side, lang_a: str, lang_b: str):
        self.a, self.b = a, b
        self.ratio, self.variance = _length_model(lang_a, lang_b, a, b)
        self._code_cognates(a.segments + b.segments)
        self._key_anchors(a.segments, b.segments)
        self.anchor_weights = self._anchor_weights(a.segments + b.segments)
        self._gathered: dict[tuple[int, int, int], tuple[int, frozenset]] = {}
        self._sizes: tuple[dict, dict] = {}, {}  # per side, start * (n + 1) + stop -> sizes bounding an evidence
        self._evidence: dict[tuple[int, int, int, int], float] = {}
        self._one_to_one: dict[int, float] = {}  # evidence of 1-1 beads, the most asked for, under a cheaper key
        self.chance_spread, self.chance_cognates = self._chance_statistics()
        self._spread_terms = 2 * self.chance_spread * self.chance_spread, math.log(self.chance_spread)

    @staticmethod
    def _code_cognates(segments: list[_Segment]) -> None:
        """Each segment's cognates as the bits of an int, one bit a cognate of either text: overlaps are then
        counted with & and int.bit_count, the same counts as with sets, many times faster."""
        cognates = [_cognates(segment.tokens) for segment in segments]
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
        anchors = 0.0
        if anchors_x or anchors_y:
            weight = self.anchor_weights.__getitem__
            shared = math.fsum(map(weight, anchors_x & anchors_y))
            anchors = self.anchor_match * shared - self.anchor_miss * math.fsum(map(weight, anchors_x ^ anchors_y))
        return length + cognates + anchors

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
        with fewer all shared, and the anchors of the lighter side all shared (the shared weigh at most that, and
        each one shared is one missed less)."""
        sizes_a, sizes_b = self._sizes
        cognates_x, weight_x, chars_x = sizes_a.get(i0 * self.a.stride + i1) or self._measure(0, i0, i1)
        cognates_y, weight_y, chars_y = sizes_b.get(j0 * self.b.stride + j1) or self._measure(1, j0, j1)
        cognates = self.cognate_weight * (_dice_bound(cognates_x, cognates_y) - self.chance_cognates)
        anchors = (self.anchor_match + 2 * self.anchor_miss) * min(weight_x, weight_y)
        anchors -= self.anchor_miss * (weight_x + weight_y)
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
        return True

    def score(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return 1 / (1 + math.exp(-max(-50.0, min(50.0, self.evidence(i0, i1, j0, j1)))))

    def movable(self, i: int, j: int) -> bool:
        shared = len(self.a.segments[i].anchors & self.b.segments[j].anchors)
        return shared >= 2 and self.score(i, i + 1, j, j + 1) >= self.move_confidence


# --- dynamic programming in a band -----------------------------------------------------------------------------------

SHAPES = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (1, 0), (0, 1))
ONE_TO_ONE = ((1, 1), (1, 0), (0, 1))
INITIAL_BAND = 8  # half-width of the first, 1-1 search around the diagonal
CORRIDOR = 3  # half-width of the full search around the path of the first


@dataclass(frozen=True)
class _Constraints:
    pinned_a: dict  # A index -> B indices it must share a bead with
    pinned_b: dict
    forbidden: frozenset  # (A index, B index) pairs that must not share a bead
    components: tuple  # (A range, B range) of each group of pins, as extra bead shapes

    def active(self) -> bool:
        return bool(self.pinned_a or self.forbidden)

    def holds_pin(self, i0: int, i1: int) -> bool:
        return any(i in self.pinned_a for i in range(i0, i1))

    def allows(self, i0: int, i1: int, j0: int, j1: int) -> bool:
        b_side, a_side = range(j0, j1), range(i0, i1)
        if any(j not in b_side for i in a_side for j in self.pinned_a.get(i, ())):
            return False
        if any(i not in a_side for j in b_side for i in self.pinned_b.get(j, ())):
            return False
        return not any((i, j) in self.forbidden for i in a_side for j in b_side)


def _best_path(scorer, n: int, m: int, constraints: _Constraints) -> list[tuple[int, int, int, int]]:
    """The beads (i0, i1, j0, j1) of the best monotone alignment of n and m segments.

    First a cheap search with 1-1 beads and omissions only, in a band around the diagonal (bent through pinned
    pairs); then the full search over all bead shapes in a narrow corridor around that path. Each band widens
    itself while the best path touches its edge, so the result is what an unbounded search would find unless the
    true path strays far and comes back.
    """
    corners = [corner for a, b in constraints.components for corner in ((a.start, b.start), (a.stop, b.stop))]
    rough = _search_widening(scorer, n, m, constraints, ONE_TO_ONE, [(0, 0), *corners, (n, m)], INITIAL_BAND)
    points = [(i0, j0) for i0, _, j0, _ in rough] + [(n, m)]
    return _search_widening(scorer, n, m, constraints, SHAPES, points, CORRIDOR)


def _search_widening(scorer, n, m, constraints, shapes, guide, width) -> list[tuple[int, int, int, int]]:
    """Search a band around the guide; while the path runs along its edge, follow the path and widen the band."""
    while True:
        band = _corridor(n, m, guide, width)
        path = _search(scorer, n, m, band, constraints, shapes)
        if width >= max(n, m) or not _touches_edge(path, band, m):
            return path
        guide = [(i0, j0) for i0, _, j0, _ in path] + [(n, m)]
        width = width * 3 // 2


def _corridor(n: int, m: int, guide: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """For each row i (A segments consumed), the range [lo, hi) of j (B segments consumed) the search may visit:
    the monotone guide line widened by width on both sides, both ends non-decreasing so every cell is reachable.

    Row i covers every j the line passes on its way to row i + 1, not only where it crosses row i: a steep line (a
    short A against a long B) would otherwise leave rows that no omission or insertion connects, and no path."""
    lowest, highest = [m] * (n + 1), [0] * (n + 1)
    guide = sorted(set(guide))
    for (ia, ja), (ib, jb) in zip(guide, guide[1:]):
        for i in range(ia, ib + 1):
            if ia == ib:
                span = (ja, jb)
            else:
                here = ja + (jb - ja) * (i - ia) / (ib - ia)
                onwards = ja + (jb - ja) * (min(i + 1, ib) - ia) / (ib - ia)
                span = (math.floor(here), math.ceil(onwards))
            lowest[i], highest[i] = min(lowest[i], span[0]), max(highest[i], span[1])
    band: list[tuple[int, int]] = []
    for i in range(n + 1):
        lo, hi = max(0, lowest[i] - width), min(m + 1, highest[i] + width + 1)
        if band:
            lo, hi = max(lo, band[-1][0]), max(hi, band[-1][1])
        band.append((lo, hi))
    band[0] = (0, band[0][1])
    band[n] = (band[n][0], m + 1)
    return band


def _search(scorer, n, m, band, constraints, shapes) -> list[tuple[int, int, int, int]]:
    """Best path through the band: best[i][j - lo] is the best total gain of aligning A[:i] with B[:j]."""
    skip = scorer.skip_gain()
    pinned_shapes = defaultdict(tuple)  # end cell -> shapes of pinned components ending there
    for a_range, b_range in constraints.components:
        pinned_shapes[a_range.stop, b_range.stop] += ((len(a_range), len(b_range)),)
    constrained = constraints.active()
    if not constrained and not pinned_shapes:
        if shapes == ONE_TO_ONE:
            return _search_one_to_one(scorer, n, m, band, skip)
        return _search_free(scorer, n, m, band, shapes, skip)
    best: list[array] = []
    back: list[array] = []  # index of the winning shape in shapes + pinned_shapes[cell], -1 for none
    for i in range(n + 1):
        lo, hi = band[i]
        row_best, row_back = array("d", [-math.inf]) * (hi - lo), array("b", [-1]) * (hi - lo)
        best.append(row_best)
        back.append(row_back)
        for j in range(lo, hi):
            if i == 0 and j == 0:
                row_best[0] = 0.0
                continue
            top, top_shape = -math.inf, -1
            for k, (da, db) in enumerate(shapes + pinned_shapes.get((i, j), ())):
                i0, j0 = i - da, j - db
                if i0 < 0 or j0 < 0:
                    continue
                lo0, hi0 = band[i0]
                if not lo0 <= j0 < hi0:
                    continue
                previous = best[i0][j0 - lo0]
                if previous == -math.inf or (constrained and not constraints.allows(i0, i, j0, j)):
                    continue
                if da == 0 or db == 0:
                    gain = skip * (da + db)
                elif constrained and constraints.holds_pin(i0, i):  # what the user pinned is taken as it is
                    gain = scorer.gain(i0, i, j0, j)
                else:
                    gain = _link_gain(scorer, i0, i, j0, j)
                if gain is not None and previous + gain > top:
                    top, top_shape = previous + gain, k
            row_best[j - lo], row_back[j - lo] = top, top_shape
    return _trace(back, band, n, m, lambda i, j: shapes + pinned_shapes.get((i, j), ()))


_UNKNOWN = object()


def _search_free(scorer, n, m, band, shapes, skip) -> list[tuple[int, int, int, int]]:
    """:func:`_search` without pins or forbidden pairs: the same recurrence, same order and ties, in a tighter loop
    that keeps the gain of every bead it scores for the next search (the corridor search and any widening see the
    same beads again)."""
    inf = -math.inf
    links = _link_memo(scorer)
    get = links.get
    bound = scorer.gain_bound
    # Beads of one segment a side and omissions first (in shape order), merges after: a merge whose upper bound
    # cannot beat the best so far is never scored. That changes nothing: it could not have won the cell.
    order = sorted(range(len(shapes)), key=lambda k: _is_merge(shapes[k]))
    steps = [(k, *shapes[k], 0 in shapes[k], skip * sum(shapes[k]), _is_merge(shapes[k])) for k in order]
    best: list[list[float]] = []
    back: list[list[int]] = []
    for i in range(n + 1):
        lo, hi = band[i]
        row_best, row_back = [inf] * (hi - lo), [-1] * (hi - lo)
        best.append(row_best)
        back.append(row_back)
        for j in range(lo, hi):
            if i == 0 and j == 0:
                row_best[0] = 0.0
                continue
            top, top_shape = inf, -1  # the first best in shape order, as the plain search takes it
            for k, da, db, skips, skip_gain, merge in steps:
                i0, j0 = i - da, j - db
                if i0 < 0 or j0 < 0:
                    continue
                lo0, hi0 = band[i0]
                if not lo0 <= j0 < hi0:
                    continue
                previous = best[i0][j0 - lo0]
                if previous == inf:
                    continue
                if skips:
                    gain = skip_gain
                else:
                    key = (i0, i, j0, j)
                    gain = get(key, _UNKNOWN)
                    if gain is _UNKNOWN:
                        if merge and previous + bound(i0, i, j0, j) + _SLACK < top:
                            continue
                        if len(links) >= MEMO_LIMIT:
                            links.clear()
                        gain = links[key] = _link_gain(scorer, i0, i, j0, j)
                    if gain is None:
                        continue
                value = previous + gain
                if value > top or (value == top and k < top_shape):
                    top, top_shape = value, k
            row_best[j - lo], row_back[j - lo] = top, top_shape
    return _trace(back, band, n, m, lambda i, j: shapes)


_SLACK = 1e-9  # rounding room for the bounds


def _is_merge(shape: tuple[int, int]) -> bool:
    return min(shape) >= 1 and max(shape) > 1


def _search_one_to_one(scorer, n, m, band, skip) -> list[tuple[int, int, int, int]]:
    """:func:`_search_free` for the rough search (1-1 beads and omissions only), unrolled."""
    inf = -math.inf
    link_gain = scorer.link_gain
    best: list[list[float]] = []
    back: list[list[int]] = []
    previous_row, previous_lo, previous_hi = None, 0, 0
    for i in range(n + 1):
        lo, hi = band[i]
        row_best, row_back = [inf] * (hi - lo), [-1] * (hi - lo)
        best.append(row_best)
        back.append(row_back)
        for j in range(lo, hi):
            if i == 0 and j == 0:
                row_best[0] = 0.0
                continue
            top, top_shape = inf, -1
            if i:
                if j and previous_lo <= j - 1 < previous_hi:  # (1, 1)
                    previous = previous_row[j - 1 - previous_lo]
                    if previous != inf:
                        gain = link_gain(i - 1, j - 1)
                        if gain is not None and previous + gain > top:
                            top, top_shape = previous + gain, 0
                if previous_lo <= j < previous_hi:  # (1, 0)
                    previous = previous_row[j - previous_lo]
                    if previous != inf and previous + skip > top:
                        top, top_shape = previous + skip, 1
            if j > lo:  # (0, 1)
                previous = row_best[j - 1 - lo]
                if previous != inf and previous + skip > top:
                    top, top_shape = previous + skip, 2
            row_best[j - lo], row_back[j - lo] = top, top_shape
        previous_row, previous_lo, previous_hi = row_best, lo, hi
    return _trace(back, band, n, m, lambda i, j: ONE_TO_ONE)


def _link_memo(scorer) -> dict:
    memo = getattr(scorer, "_links", None)
    if memo is None:
        memo = scorer._links = {}
    return memo


def _link_gain(scorer, i0, i1, j0, j1) -> float | None:
    """Gain of a bead linking both sides, or None where such a bead is not allowed or not worth scoring."""
    if i1 - i0 > 1 or j1 - j0 > 1:
        if not _may_merge(scorer, i0, i1, j0, j1):
            return None
        return scorer.gain(i0, i1, j0, j1)
    return scorer.link_gain(i0, j0)


def _may_merge(scorer, i0, i1, j0, j1) -> bool:
    alone_a, alone_b = scorer.a.prefix_alone, scorer.b.prefix_alone
    if alone_a[i1] - alone_a[i0] or alone_b[j1] - alone_b[j0]:
        return False
    if not any(scorer.worth_merging(i, j) for i in range(i0, i1) for j in range(j0, j1)):
        return False
    if (i1 - i0, j1 - j0) == (2, 2):  # overlapping merges, not two swapped segments (that is a move)
        straight = scorer.score(i0, i0 + 1, j0, j0 + 1) + scorer.score(i0 + 1, i1, j0 + 1, j1)
        crossed = scorer.score(i0, i0 + 1, j0 + 1, j1) + scorer.score(i0 + 1, i1, j0, j0 + 1)
        return straight >= crossed and scorer.admits_overlap(i0, j0)
    return True


def _trace(back, band, n, m, shapes_at) -> list[tuple[int, int, int, int]]:
    path, (i, j) = [], (n, m)
    while (i, j) != (0, 0):
        k = back[i][j - band[i][0]]
        if k < 0:
            raise ValueError("no alignment satisfies the pinned and forbidden pairs")
        da, db = shapes_at(i, j)[k]
        path.append((i - da, i, j - db, j))
        i, j = i - da, j - db
    return path[::-1]


def _touches_edge(path, band, m) -> bool:
    for _, i, _, j in path:
        lo, hi = band[i]
        if (j == lo and lo > 0) or (j == hi - 1 and j < m):
            return True
    return False


# --- leftovers -------------------------------------------------------------------------------------------------------

SANDWICH_LENGTH_RATIO = 3.0


def _pair_sandwiched(scorer, path, forbidden: frozenset) -> list[tuple[int, int, int, int]]:
    """Link the one omission and the one insertion left between the same two beads, if alike in length.

    Two short reworded segments ("We wish you success." / "Good luck.") have too few words to prove a link, but
    standing alone at the same place between aligned neighbours they are each other's translation far more often
    than an omission that happens to meet an insertion.
    """
    result, gap = [], []
    for bead in path + [None]:
        if bead is not None and (bead[0] == bead[1] or bead[2] == bead[3]):
            gap.append(bead)
            continue
        result += _sandwich(scorer, gap, forbidden) if len(gap) == 2 else gap
        gap = []
        if bead is not None:
            result.append(bead)
    return result


def _sandwich(scorer, gap, forbidden) -> list[tuple[int, int, int, int]]:
    lonely_a = [bead[0] for bead in gap if bead[0] < bead[1]]
    lonely_b = [bead[2] for bead in gap if bead[2] < bead[3]]
    if len(lonely_a) != 1 or len(lonely_b) != 1 or (lonely_a[0], lonely_b[0]) in forbidden:
        return gap
    i, j = lonely_a[0], lonely_b[0]
    x, y = scorer.a.segments[i], scorer.b.segments[j]
    shorter, longer = sorted((max(1, x.chars), max(1, y.chars)))
    if x.stands_alone or y.stands_alone or longer > SANDWICH_LENGTH_RATIO * shorter:
        return gap
    return [(i, i + 1, j, j + 1)]


# --- moves -----------------------------------------------------------------------------------------------------------


def _pair_moves(scorer, path, forbidden: frozenset) -> dict[int, tuple[int, float]]:
    """Pair leftover omissions (i) and insertions (j) that say the same thing: {i: (j, score)}, best pairs first."""
    lonely_a = [i0 for i0, i1, j0, j1 in path if j0 == j1]
    lonely_b = [j0 for i0, i1, j0, j1 in path if i0 == i1]
    candidates = sorted(
        ((scorer.score(i, i + 1, j, j + 1), i, j) for i in lonely_a for j in lonely_b if (i, j) not in forbidden),
        reverse=True,
    )
    moves: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for score, i, j in candidates:
        if i not in moves and j not in taken and scorer.movable(i, j):
            moves[i] = (j, score)
            taken.add(j)
    return moves


# --- two versions ----------------------------------------------------------------------------------------------------


def align(
    a: Sequence[str],
    b: Sequence[str],
    lang_a: str | None = None,
    lang_b: str | None = None,
    pinned: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
) -> list[Bead]:
    """Align the segments of A and B.

    Returns beads ordered along A such that every index of A and of B is in exactly one bead; apart from moved
    beads, B indices increase too. Languages are detected from the script when not given. ``pinned`` (i, j) pairs end
    up in one bead, ``forbidden`` pairs never do.
    """
    same = _same_language(lang_a, lang_b, a, b)
    lang_a = lang_a or detect_language("\n".join(a))
    lang_b = lang_b or detect_language("\n".join(b))
    pinned, forbidden = set(pinned), frozenset(forbidden)
    _check_constraints(pinned, forbidden, len(a), len(b))
    components = pin_groups(pinned)
    in_order, crossing = _split_crossing(components, len(a), len(b))
    keep_a = [i for i in range(len(a)) if not any(i in a_range for a_range, _ in crossing)]
    keep_b = [j for j in range(len(b)) if not any(j in b_range for _, b_range in crossing)]
    problem = _Problem(keep_a, keep_b, pinned, forbidden, in_order)
    scorer = _scorer([a[i] for i in keep_a], [b[j] for j in keep_b], lang_a, lang_b, same)
    path = _best_path(scorer, len(keep_a), len(keep_b), problem.constraints)
    if scorer.pairs_sandwiched:
        path = _pair_sandwiched(scorer, path, problem.constraints.forbidden)
    beads = problem.beads(scorer, path, _pair_moves(scorer, path, problem.constraints.forbidden))
    for a_range, b_range in crossing:
        beads = _insert_along_a(beads, Bead(tuple(a_range), tuple(b_range), 1.0, "pinned", moved=True))
    return beads


def _scorer(a: Sequence[str], b: Sequence[str], lang_a: str, lang_b: str, same_language: bool):
    side_a = _Side([_segment(text, lang_a) for text in a])
    side_b = _Side([_segment(text, lang_b) for text in b])
    if same_language:
        return _SameLanguageScorer(side_a, side_b)
    return _CrossLanguageScorer(side_a, side_b, lang_a, lang_b)


class _Problem:
    """The segments left to the search (all but those of transposed pins), with constraints in their numbering."""

    def __init__(self, keep_a, keep_b, pinned, forbidden, components):
        self.keep_a, self.keep_b = keep_a, keep_b
        local_a = {i: k for k, i in enumerate(keep_a)}
        local_b = {j: k for k, j in enumerate(keep_b)}
        self.pins = {(local_a[i], local_b[j]) for i, j in pinned if i in local_a and j in local_b}
        self.constraints = _Constraints(
            pinned_a=_partners(self.pins),
            pinned_b=_partners({(j, i) for i, j in self.pins}),
            forbidden=frozenset((local_a[i], local_b[j]) for i, j in forbidden if i in local_a and j in local_b),
            components=tuple(
                (range(local_a[ar.start], local_a[ar.stop - 1] + 1), range(local_b[br.start], local_b[br.stop - 1] + 1))
                for ar, br in components
            ),
        )

    def beads(self, scorer, path, moves: dict[int, tuple[int, float]]) -> list[Bead]:
        moved_b = {j for j, _ in moves.values()}
        beads = []
        for i0, i1, j0, j1 in path:
            if i0 + 1 == i1 and j0 == j1 and i0 in moves:
                j, score = moves[i0]
                beads.append(Bead((self.keep_a[i0],), (self.keep_b[j],), score, "move", moved=True))
            elif not (i0 == i1 and j0 in moved_b):
                beads.append(self._bead(scorer, i0, i1, j0, j1))
        return beads

    def _bead(self, scorer, i0, i1, j0, j1) -> Bead:
        linked = i0 < i1 and j0 < j1
        pinned = any((i, j) in self.pins for i in range(i0, i1) for j in range(j0, j1))
        return Bead(
            tuple(self.keep_a[i0:i1]),
            tuple(self.keep_b[j0:j1]),
            scorer.score(i0, i1, j0, j1) if linked else 0.0,
            "pinned" if pinned else scorer.method,
        )


def _same_language(lang_a: str | None, lang_b: str | None, a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether A and B are in one language: as given, or else as detected and confirmed by shared common words.

    Detection reads the script and a few languages' function words; two Latin-script texts it cannot tell apart
    (Dutch and English, say) share few of their fifty commonest words, where two versions of one text in one
    language share over half (0.52-1.0 on our gold, against 0.12 for Dutch or German against English).
    """
    if lang_a and lang_b:
        return _base_language(lang_a) == _base_language(lang_b)
    detected_a = lang_a or detect_language("\n".join(a))
    detected_b = lang_b or detect_language("\n".join(b))
    if _base_language(detected_a) != _base_language(detected_b):
        return False
    common_a, common_b = _commonest_words(a), _commonest_words(b)
    return not common_a or not common_b or len(common_a & common_b) >= 0.25 * min(len(common_a), len(common_b))


def _base_language(code: str) -> str:
    return code.split("-")[0].lower()


def _commonest_words(segments: Sequence[str], count: int = 50) -> set[str]:
    words = Counter(word for text in segments for word in re.findall(r"[^\W\d_]+", text.lower()))
    return {word for word, _ in words.most_common(count)}


def _partners(pairs: set[tuple[int, int]]) -> dict[int, set[int]]:
    partners: dict[int, set[int]] = defaultdict(set)
    for x, y in pairs:
        partners[x].add(y)
    return dict(partners)


def _check_constraints(pinned: set, forbidden: frozenset, n: int, m: int) -> None:
    for i, j in pinned | forbidden:
        if not (0 <= i < n and 0 <= j < m):
            raise ValueError(f"pinned or forbidden pair ({i}, {j}) is outside the texts ({n} and {m} segments)")
    for pair, (a_range, b_range) in forbids_inside_pins(pinned, forbidden):
        if pair in pinned:
            raise ValueError(f"pairs both pinned and forbidden: {sorted(pinned & forbidden)}")
        raise ValueError(
            f"forbidden pair {pair} lies inside the pinned group of A {a_range.start}-{a_range.stop - 1} "
            f"and B {b_range.start}-{b_range.stop - 1}"
        )


def _split_crossing(components: list[tuple[range, range]], n: int, m: int) -> tuple[list, list]:
    """Keep the largest set of pin groups in the same order on both sides (of those, the one nearest the
    diagonal); the groups left out are transpositions."""
    if not components:
        return [], []

    def off_diagonal(k: int) -> float:
        a_range, b_range = components[k]
        return abs(a_range.start / max(1, n) - b_range.start / max(1, m))

    chains = [([k], off_diagonal(k)) for k in range(len(components))]
    for k, (_, b_range) in enumerate(components):
        for earlier in range(k):
            if components[earlier][1].stop <= b_range.start:
                chain, cost = chains[earlier]
                candidate = (chain + [k], cost + off_diagonal(k))
                if (len(candidate[0]), -candidate[1]) > (len(chains[k][0]), -chains[k][1]):
                    chains[k] = candidate
    kept = set(max(chains, key=lambda chain: (len(chain[0]), -chain[1]))[0])
    return [components[k] for k in sorted(kept)], [components[k] for k in range(len(components)) if k not in kept]


def _insert_along_a(beads: list[Bead], bead: Bead) -> list[Bead]:
    first = bead.a[0] if bead.a else -1
    position = next((k for k, other in enumerate(beads) if other.a and other.a[0] > first), len(beads))
    return beads[:position] + [bead] + beads[position:]


# --- N versions ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Correction:
    """A human correction (alignment.yaml): ``pin`` two paragraphs into one group, or ``forbid`` that they share one.

    Paragraphs are (version id, 0-based index); :meth:`from_refs` reads the file's ``<version>/<n>`` (n from 1).
    """

    action: str  # "pin" or "forbid"
    first: tuple[str, int]
    second: tuple[str, int]

    def __post_init__(self):
        if self.action not in ("pin", "forbid"):
            raise ValueError(f"a correction is 'pin' or 'forbid', not {self.action!r}")
        if reason := same_version_problem(self.first[0], self.second[0]):
            raise ValueError(reason)

    @classmethod
    def from_refs(cls, action: str, first: str, second: str) -> Correction:
        return cls(action, _paragraph_ref(first), _paragraph_ref(second))

    def between(self, version_a: str, version_b: str) -> tuple[int, int] | None:
        """The (paragraph of version_a, paragraph of version_b) this correction names, if it links those two."""
        if (self.first[0], self.second[0]) == (version_a, version_b):
            return self.first[1], self.second[1]
        if (self.second[0], self.first[0]) == (version_a, version_b):
            return self.second[1], self.first[1]
        return None


def _paragraph_ref(ref: str) -> tuple[str, int]:
    parsed = parse_paragraph_ref(str(ref))
    if parsed is None or parsed[1] < 1:
        raise ValueError(f"a paragraph reference is <version>/<n> with n from 1, not {ref!r}")
    return parsed[0], parsed[1] - 1


def corrections_from_mapping(data: Mapping | None) -> list[Correction]:
    """The corrections of a parsed alignment.yaml: ``{pin: [[ref, ref], ...], forbid: [[ref, ref], ...]}``."""
    corrections = []
    for action in ("pin", "forbid"):
        for pair in (data or {}).get(action) or []:
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise ValueError(f"each {action} entry is a pair of paragraph references, not {pair!r}")
            corrections.append(Correction.from_refs(action, *pair))
    return corrections


@dataclass(frozen=True)
class Member:
    """What one version contributes to one group of the table."""

    paragraphs: tuple[int, ...]  # 0-based; empty when the version has nothing here
    bead: str  # "2-1": paragraphs of the base : of this version in the group; "base" for the base itself
    score: float
    method: str
    moved: bool = False


@dataclass
class Group:
    """One row of the alignment table: the paragraphs of every version that say the same thing."""

    members: dict[str, Member]

    def paragraphs(self, version: str) -> tuple[int, ...]:
        member = self.members.get(version)
        return member.paragraphs if member else ()

    def is_empty(self) -> bool:
        return not any(member.paragraphs for member in self.members.values())


@dataclass
class AlignmentTable:
    base: str
    versions: list[str]  # the base first
    groups: list[Group]  # ordered along the base; paragraphs found only in another version follow their predecessor

    def rows(self) -> list[dict[str, tuple[int, ...]]]:
        return [{version: group.paragraphs(version) for version in self.versions} for group in self.groups]

    def group_of(self, version: str, paragraph: int) -> int | None:
        """Index of the group holding that paragraph of that version."""
        return next((k for k, group in enumerate(self.groups) if paragraph in group.paragraphs(version)), None)

    def to_dict(self) -> dict:
        """Plain data for JSON: base, versions and, per group, each version's paragraphs, bead, score, method, moved."""
        return {
            "base": self.base,
            "versions": list(self.versions),
            "groups": [
                {version: {**asdict(member), "paragraphs": list(member.paragraphs)} for version, member in members}
                for members in (group.members.items() for group in self.groups)
            ],
        }


def align_versions(
    base_id: str,
    texts: Mapping[str, Sequence[str]],
    languages: Mapping[str, str],
    corrections: Iterable[Correction] = (),
) -> AlignmentTable:
    """Align every version to the base and merge the results into one table.

    Corrections between the base and another version constrain that alignment; corrections between two other
    versions are applied to the merged table afterwards.
    """
    if base_id not in texts:
        raise ValueError(f"the base version {base_id!r} is not among the versions")
    corrections = list(corrections)
    _check_corrections(corrections, texts)
    others = [version for version in texts if version != base_id]
    beads = {
        version: align(
            texts[base_id],
            texts[version],
            languages.get(base_id),
            languages.get(version),
            pinned=_pairs(corrections, "pin", base_id, version),
            forbidden=_pairs(corrections, "forbid", base_id, version),
        )
        for version in others
    }
    table = AlignmentTable(base_id, [base_id, *others], _base_groups(base_id, others, len(texts[base_id]), beads))
    for version in others:
        _place_insertions(table, version, [bead for bead in beads[version] if not bead.a])
    for correction in corrections:
        if base_id not in (correction.first[0], correction.second[0]):
            _apply_correction(table, correction)
    return table


def _check_corrections(corrections: list[Correction], texts: Mapping[str, Sequence[str]]) -> None:
    for correction in corrections:
        for version, paragraph in (correction.first, correction.second):
            if version not in texts:
                raise ValueError(f"{correction.action} names an unknown version {version!r}")
            if not 0 <= paragraph < len(texts[version]):
                raise ValueError(f"{correction.action} names {version}/{paragraph + 1}, which does not exist")


def _pairs(corrections: list[Correction], action: str, version_a: str, version_b: str) -> list[tuple[int, int]]:
    pairs = (c.between(version_a, version_b) for c in corrections if c.action == action)
    return [pair for pair in pairs if pair is not None]


def _base_groups(base_id: str, others: list[str], size: int, beads: dict[str, list[Bead]]) -> list[Group]:
    """One group per run of base paragraphs that some version's bead holds together."""
    joined_to_next = [False] * size
    for version in others:
        for bead in beads[version]:
            for k in range(min(bead.a, default=0), max(bead.a, default=0)):
                joined_to_next[k] = True
    runs, start = [], 0
    for k in range(size):
        if not joined_to_next[k]:
            runs.append(tuple(range(start, k + 1)))
            start = k + 1
    bead_of = {version: {i: bead for bead in beads[version] for i in bead.a} for version in others}
    groups = []
    for run in runs:
        members = {base_id: Member(run, "base", 1.0, "base")}
        for version in others:
            in_run = list({id(bead): bead for bead in (bead_of[version][i] for i in run)}.values())
            members[version] = _member(run, in_run)
        groups.append(Group(members))
    return groups


def _member(base_paragraphs: tuple[int, ...], beads: list[Bead]) -> Member:
    paragraphs = tuple(sorted(j for bead in beads for j in bead.b))
    weight = sum(len(bead.a) for bead in beads)
    methods = sorted({bead.method for bead in beads})
    return Member(
        paragraphs,
        f"{len(base_paragraphs)}-{len(paragraphs)}",
        sum(bead.score * len(bead.a) for bead in beads) / weight if weight else 0.0,
        "+".join(methods),
        any(bead.moved for bead in beads),
    )


def _place_insertions(table: AlignmentTable, version: str, insertions: list[Bead]) -> None:
    """Give each paragraph found only in this version a group of its own, right after its predecessor's group."""
    for bead in sorted(insertions, key=lambda bead: bead.b):
        paragraph = bead.b[0]
        previous = table.group_of(version, paragraph - 1) if paragraph > 0 else None
        position = 0 if previous is None else previous + 1
        while position < len(table.groups) and _is_insertion_of_another(table, table.groups[position], version):
            position += 1
        group = _lone_group(table, version, Member((paragraph,), "0-1", 0.0, bead.method))
        table.groups.insert(position, group)


def _is_insertion_of_another(table: AlignmentTable, group: Group, version: str) -> bool:
    return not group.paragraphs(table.base) and not group.paragraphs(version)


def _lone_group(table: AlignmentTable, version: str, member: Member) -> Group:
    members = {other: Member((), "base" if other == table.base else "", 0.0, "") for other in table.versions}
    members[version] = member
    return Group(members)


def _apply_correction(table: AlignmentTable, correction: Correction) -> None:
    (version_a, paragraph_a), (version_b, paragraph_b) = correction.first, correction.second
    home, away = table.group_of(version_a, paragraph_a), table.group_of(version_b, paragraph_b)
    if correction.action == "pin" and home != away:
        _take_out(table, table.groups[away], version_b, paragraph_b)
        group = table.groups[table.group_of(version_a, paragraph_a)]
        paragraphs = tuple(sorted(group.paragraphs(version_b) + (paragraph_b,)))
        bead = f"{len(group.paragraphs(table.base))}-{len(paragraphs)}"
        moved = _out_of_order(table, version_b, group, paragraphs)
        group.members[version_b] = Member(paragraphs, bead, 1.0, "pinned", moved)
    elif correction.action == "forbid" and home == away:
        _take_out(table, table.groups[away], version_b, paragraph_b)
        lone = _lone_group(table, version_b, Member((paragraph_b,), "0-1", 0.0, "pinned"))
        table.groups.insert(table.group_of(version_a, paragraph_a) + 1, lone)


def _take_out(table: AlignmentTable, group: Group, version: str, paragraph: int) -> None:
    member = group.members[version]
    rest = tuple(p for p in member.paragraphs if p != paragraph)
    base_count = len(group.paragraphs(table.base))
    group.members[version] = replace(member, paragraphs=rest, bead=f"{base_count}-{len(rest)}" if base_count else "")
    if group.is_empty():
        table.groups.remove(group)


def _out_of_order(table: AlignmentTable, version: str, group: Group, own: tuple[int, ...]) -> bool:
    """Whether paragraphs own of version, placed in group, break that version's order along the table."""
    position = table.groups.index(group)
    before = [p for g in table.groups[:position] for p in g.paragraphs(version)]
    after = [p for g in table.groups[position + 1 :] for p in g.paragraphs(version)]
    return bool(before and max(before) > min(own)) or bool(after and min(after) < max(own))
