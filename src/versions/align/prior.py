"""The prior of a pair across languages: what the search expects of it before comparing its segments.

A bitext (a whole text against its whole translation) is searched with the scorer's own prior: a length ratio from
the language pair (or the two whole texts) and a cost for every segment left unlinked, which keeps the path near the
diagonal. A copy transcribed in part breaks both. Its total length says nothing of the ratio, and most of the long
side is rightly unlinked: paid for segment by segment, those skips are cheaper merged into 1-N beads, so the few
paragraphs land in the wrong rows (DESIGN.md: 0.15-0.27 strict F1 on partial copies with the bitext prior). A
partial pair gets the prior of a copy made of a few runs of the text instead (``search.Gaps``): the text's segments
are skipped free, the copy's at the bitext's cost, each gap between two links costs ``JUMP_COST`` once however long
it is, and the length ratio is measured on the links the pair is sure of.

A pair is treated so when a version declares itself partial (``covers``), or when its lengths differ far more than
its languages explain: in letters against the expected ratio and in segments, both by more than ``UNBALANCED``.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from .cross_language import _CrossLanguageScorer, measured_length_model
from .features import _segment, _Side
from .first_pass import sure_links
from .search import Gaps, Stretch, _Constraints

# How far (a factor, either way) letters and segment counts may stray from a translation's before a pair counts as
# unbalanced. Whole translations stay within it: Text+Berg's files at 1.0-1.2 in segments, our gold at 0.8-1.2.
UNBALANCED = 1.5
# Sure links needed to measure the ratio from them; with fewer, the expected ratio stands.
MIN_CONFIDENT = 3
# Log-odds against a partial copy jumping to another stretch of the text between two links. On Text+Berg's dev file
# cut into partial pairs (benchmarks/eval_partial.py), strict F1 0.85 at 2, 0.86 at 3, 0.88 at 3.5 to 5; held at 3,
# clear of 4, where the partial gold's seed copy loses the link its telegram number makes (partial-ru-seed).
JUMP_COST = 3.0


@dataclass(frozen=True)
class Prior:
    ratio: float | None = None  # letters of B per letter of A; None: the scorer's own
    gaps: Gaps | None = None  # how a partial pair's search prices what it leaves unlinked; None: a bitext

    @property
    def partial(self) -> bool:
        return self.gaps is not None


BITEXT = Prior()


def cross_language_prior(a: Sequence[str], b: Sequence[str], lang_a: str, lang_b: str, partial: bool) -> Prior:
    """The prior of a bitext, or of a partial pair if declared so or unbalanced."""
    side_a, side_b = _side(a, lang_a), _side(b, lang_b)
    expected = expected_ratio(side_a, side_b, lang_a, lang_b)
    if not partial and not is_unbalanced(side_a, side_b, expected):
        return BITEXT
    # the copy is B when declared; when detected, the side shorter than a translation of the other would be
    gaps = Gaps(JUMP_COST, free_a=partial or _letters(side_a, side_b) / expected < 1)
    provisional = Prior(expected, gaps)
    measured = confident_ratio(cross_language_scorer(a, b, lang_a, lang_b, provisional))
    return provisional if measured is None else Prior(measured, gaps)


def cross_language_scorer(
    a: Sequence[str], b: Sequence[str], lang_a: str, lang_b: str, prior: Prior = BITEXT
) -> _CrossLanguageScorer:
    """A scorer with segments of its own (a scorer keys their anchors in place)."""
    return _CrossLanguageScorer(_side(a, lang_a), _side(b, lang_b), lang_a, lang_b, ratio=prior.ratio, texts=(a, b))


def _side(texts: Sequence[str], language: str) -> _Side:
    return _Side([_segment(text, language) for text in texts])


def expected_ratio(a: _Side, b: _Side, lang_a: str, lang_b: str) -> float:
    """Letters of B per letter of A in a translation: measured for the language pair, else the ratio of the median
    segment lengths, which a stretch cut from a text keeps and its total length does not."""
    if known := measured_length_model(lang_a, lang_b):
        return known[0]
    if not len(a) or not len(b):
        return 1.0
    median_a = statistics.median(segment.chars for segment in a.segments)
    median_b = statistics.median(segment.chars for segment in b.segments)
    return max(0.1, min(10.0, max(1, median_b) / max(1, median_a)))


def is_unbalanced(a: _Side, b: _Side, expected: float) -> bool:
    """Whether the pair's letters and its segment counts both stray further than UNBALANCED from a translation's."""
    if not len(a) or not len(b):
        return False
    return _strays(_letters(a, b) / expected) and _strays(len(b) / len(a))


def _letters(a: _Side, b: _Side) -> float:
    return b.chars(0, len(b)) / max(1, a.chars(0, len(a)))


def _strays(ratio: float) -> bool:
    return not 1 / UNBALANCED <= ratio <= UNBALANCED


_NO_CONSTRAINTS = _Constraints({}, {}, frozenset(), ())


def confident_ratio(scorer: _CrossLanguageScorer) -> float | None:
    """The median ratio of letters over the links the first pass is sure of; None with fewer than MIN_CONFIDENT."""
    whole = Stretch(0, 0, len(scorer.a), len(scorer.b))
    links = sure_links(scorer, whole, _NO_CONSTRAINTS)
    ratios = [scorer.b.segments[j].chars / scorer.a.segments[i].chars for i, j in links if scorer.a.segments[i].chars]
    return statistics.median(ratios) if len(ratios) >= MIN_CONFIDENT else None
