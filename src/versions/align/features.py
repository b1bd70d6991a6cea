"""What the scorers read of a segment (letters, words, stems, anchors, cognates), and the caches of it."""

from __future__ import annotations

import random
import re
import sys
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Mapping

from ..anchors import clear_cache as clear_anchor_cache
from ..anchors import extract_anchors, transliterate

_TOKEN = re.compile(r"[\u3400-\u9fff]|[^\W_]+", re.UNICODE)
# A translator's or editor's note (docs/corpus-format.md): it translates nothing, so it never joins a merge.
_NOTE = re.compile(
    r"^\W*(?:(?:translator|editor|publisher)[’']?s?\s+notes?\b|notes?\s*:|примечание|прим\.\s*(?:пер|ред)|译注|编者注)"
    r"|^\s*\[\s*notes?\b|^\[\^[^\]]+\]:",
    re.IGNORECASE,
)


@dataclass
class Features:
    """What is read of one text in one language, whichever pair of versions it is aligned in; the build's cache
    (``store.cache``) keeps it between builds. Stems and cognates are read when a scorer first asks for them, and
    kept as tuples of distinct strings: a long document holds them for all its paragraphs while it is aligned, and
    a small set takes three times the memory of a tuple (a 5,000-paragraph version's stems: 10 MB against 3). A
    scorer makes the sets of the pair it aligns, and drops them with it."""

    chars: int  # letters and digits: the length measure of both scorers
    tokens: tuple[str, ...]  # lowercased words (single Han characters)
    anchors: frozenset  # Anchor objects
    stands_alone: bool  # a note or a mark without words ("[...]"): it never joins a merge
    stems: tuple[str, ...] | None = None  # distinct
    cognates: tuple[str, ...] | None = None  # distinct

    def stem_set(self) -> frozenset[str]:
        if self.stems is None:
            self.stems = tuple(_stems(self.tokens))
        return frozenset(self.stems)

    def cognate_set(self) -> frozenset[str]:
        if self.cognates is None:
            self.cognates = tuple(_cognates(self.tokens))
        return frozenset(self.cognates)


@dataclass
class _Segment:
    """A text as one scorer sees it: its features, coded and keyed for the pair of versions being aligned."""

    read: Features
    chars: int
    tokens: tuple[str, ...]
    anchors: frozenset  # Anchor objects; across languages, keys that corresponding anchors share
    stands_alone: bool = False
    words: str = ""  # tokens coded one character each, for rapidfuzz
    stems: frozenset[str] = frozenset()  # word stems (weighted by rarity, so function words count for ~nothing)
    cognates: int = 0  # romanized 4-letter word prefixes, one bit each (see _CrossLanguageScorer._code_cognates)


def _segment(text: str, language: str) -> _Segment:
    read = read_features(text, language)
    return _Segment(read, read.chars, read.tokens, read.anchors, read.stands_alone)


# Texts whose features are kept: the base version is aligned with every other version, so its segments are read
# once only if the cache holds a whole document (4 versions of 5,000 paragraphs fit; a smaller cache would make long
# documents cost more per paragraph than short ones). Bounded: about 1 KB a segment.
FEATURE_CACHE = 1 << 15
_FEATURES: dict[tuple[str, str], Features] = {}


def read_features(text: str, language: str) -> Features:
    known = _FEATURES.get((text, language))
    if known is None:
        if len(_FEATURES) >= FEATURE_CACHE:
            _FEATURES.clear()
        known = _FEATURES[text, language] = _read(text, language)
    return known


def _read(text: str, language: str) -> Features:
    tokens = _TOKEN.findall(text.lower())
    return Features(
        len("".join(tokens)),
        tuple(map(sys.intern, tokens)),  # one string per word, not per occurrence: a long text's words repeat
        frozenset(extract_anchors(text, language)),
        not tokens or bool(_NOTE.match(text)),
    )


def learn_features(known: Mapping[tuple[str, str], Features]) -> None:
    """Take the features of (text, language) pairs read before (by an earlier build), instead of reading them."""
    _FEATURES.update(known)


def known_features(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Features]:
    """The features read or learnt of these (text, language) pairs since the caches were last cleared."""
    return {key: _FEATURES[key] for key in keys if key in _FEATURES}


class _Codes(dict):
    """Word -> one private-use-plane character, assigned on first sight."""

    capacity = 0x10FFFF - 0x10000
    lock = threading.Lock()

    def __missing__(self, word: str) -> str:
        code = self[word] = chr(0x10000 + len(self))
        return code


_WORD_CODES = _Codes()


def clear_caches(anchors: bool = True) -> None:
    """Forget what was cached about texts already aligned: the caches pay within a document (its base is aligned
    with every other version), not across documents, where they would only grow. ``anchors=False`` keeps the
    anchors read (``anchors.clear_cache`` forgets them), for a comparison of the same texts that comes next."""
    _FEATURES.clear()
    if anchors:
        clear_anchor_cache()
    with _WORD_CODES.lock:
        _WORD_CODES.clear()


def _stems(tokens: tuple[str, ...]) -> frozenset[str]:
    """Crude stems good for any alphabetic language: the first five letters (negotiations ~ negotiate); numbers
    whole."""
    return frozenset(token if token.isdigit() else sys.intern(token[:5]) for token in tokens)


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


# Background pairs lie at least this share of both texts off the diagonal: nearer, a pair may be a true link (a
# translation's path strays from the diagonal by a few per cent where lengths differ), farther it almost never is.
OFF_DIAGONAL = 0.15


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
        if abs(i / n - j / m) > OFF_DIAGONAL or (n < 4 and m < 4):
            pairs.append((i, j))
        if len(pairs) == sample:
            break
    return pairs


def _cognates(tokens: tuple[str, ...]) -> frozenset[str]:
    """The romanized 4-letter prefixes of the words (not of numbers). The words are transliterated all at once:
    transliteration goes letter by letter, and no word holds a space."""
    romanized = transliterate(" ".join(tokens)).split(" ")
    # interned: a long document's prefixes repeat, and its segments' sets are kept for the whole document
    return frozenset(sys.intern(word[:4]) for word in romanized if len(word) >= 4 and not word.isdigit())


MEMO_LIMIT = 200_000

