"""Meaning across languages: where length and anchors leave a translation's path uncertain, search that stretch
again with sentence vectors (``embeddings``).

The scorer is Bertalign's (Liu and Zhu 2022): a bead gains the cosine of the vectors of its two sides times
log2(1 + shorter / longer), the lengths compared through a ratio taken from the confident 1-1 beads, not from the
whole texts (a partial copy's whole length says nothing of its paragraphs'); shared anchors add to it. A side of
two or three segments has the vector of its joined text, as vecalign's overlaps do. Only the uncertain beads of
the first path and their neighbours are embedded: ``Refinement.embedded`` counts them."""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

import numpy as np

from .cross_language import _CrossLanguageScorer
from .embeddings import Embedder
from .reuse import Piece
from .search import Gaps, Stretch, _best_path, _Constraints, swapped

# A bead of the first path is uncertain when it is an omission, or links segments whose evidence (log-likelihood
# ratio of translation against chance) is below this: no better than chance's. A higher bar (6, the first pass's)
# embedded 94% of the benchmark's paragraphs for nothing: every sentence of Text+Berg is below 0 already.
UNCERTAIN_EVIDENCE = 0.0
# Where length and anchors are lost over most of a path (sentences, whose lengths vary more than paragraphs'), the
# few beads they are sure of are searched again too: on Text+Berg's dev file, 0.862 strict F1 against 0.836.
MOSTLY_UNCERTAIN = 0.5
CONTEXT_BEADS = 1  # beads on each side of an uncertain one searched again with it: its path may move there
# Bertalign's beads: up to 5 segments in all (1-4, 2-3 ...), more than the length model's, which would take a run
# of short sentences for one long one; a side of 2 to 4 segments has the vector of its joined text.
SHAPES = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (1, 4), (4, 1), (2, 3), (3, 2), (1, 0), (0, 1))
MAX_OVERLAP = max(max(shape) for shape in SHAPES)
# A run of segments longer than this (letters and all) has the normalised sum of its parts' vectors, not its own:
# the model costs as much per token, and runs of long paragraphs would cost ten times their singles (1 + 2 + 3 + 4).
JOINED_CHARS = 600
CONFIDENT_COSINE = 0.5  # 1-1 beads this alike give the length ratio (random pairs of sentences: about 0.1)
# A segment at the edge of a merge whose vector is no nearer the other side's than this says no more of it than a
# random pair does (about 0.1). Parts of true merges came nearer on our gold (0.16 and 0.19: a short sentence, a
# greeting naming the addressee).
UNRELATED_COSINE = 0.1
UNRELATED_SLACK = 0.02  # ... and the merge without it must be about as near (a short note barely moves the vector)
# ... and it must stand apart from the rest, not be a clause cut off at ",", ":" or ";" (Text+Berg's lines), which is
# part of the merge whatever its vector says (checking those too cut dev's strict F1 from 0.862 to 0.840); a
# heading or an address without a full stop stands apart (ТОВАРИЩУ ФИЛИППОВУ before a partial copy's first line).
# ... and short beside the rest of its side: a note absorbed is (the length factor would not have it otherwise),
# where the halves of a paragraph split in two are alike in length and need no vectors to stay one link.
SHORT_EDGE = 2  # the rest at least twice as long
_CLAUSE_END = re.compile(r"[,;:\-–—，；：]['\"’”»)\]」』]*\s*\Z")
MIN_CONFIDENT = 3  # fewer confident beads: the length model's ratio stands
# Half-width of the band of the full search with vectors, around the rough one-to-one path and the path refined. The
# length model's is 3; with vectors, 3 missed the best path (by the search's own gains, against a band of 40) on 2
# of Text+Berg's 8 files and 1 of 8 of Bertalign's zh-en files, up to 1.9 short (no gold needed to see it); 8 none.
CORRIDOR = 8


@dataclass
class Refinement:
    path: list[tuple[int, int, int, int]]
    embedded: int  # segments of both sides whose vectors the search used
    audited: int = 0  # segments of merges whose parts were embedded to see whether one is unrelated (``unmerged``)


class MeaningScorer:
    """Gain of a bead = cos(vectors) x log2(1 + shorter / longer) + anchor weight x the length model's anchors;
    a skip costs ``skip_cost``. Scores only the stretches it was given vectors for."""

    method = "meaning"
    shapes = SHAPES
    skip_cost = 0.1  # Bertalign's: a segment left out costs a tenth of a perfect 1-1 bead
    anchor_weight = 0.1  # per unit of the length model's anchor evidence (3.0 for one rare anchor shared)
    # A partial pair's jump to another stretch of the text: three omissions' cost. On Text+Berg's dev file cut into
    # partial pairs (benchmarks/eval_partial.py) strict F1 is 0.935-0.936 anywhere from 0.1 to 1.0 (0.848 without
    # vectors, which the meaning search of partial pairs lacked while it ignored their gaps: 0.741).
    jump_cost = 0.3
    # Bertalign's margin: the cosine a bead gains is taken less this share of how near each side's vector comes to
    # the segments just outside the other side's (Liu and Zhu use all of it). A sentence that is one half of a
    # translation cut elsewhere is near its neighbours too, so its 1-1 bead gains less than the merge of both.
    # On Text+Berg's dev file (with 2-2 beads not held to ``_may_merge``'s swap rule): strict F1 0.874 without,
    # 0.890 at 0.5, 0.892 at 0.75, 0.884 at 1.
    margin_weight = 0.75

    def __init__(self, base: _CrossLanguageScorer, vectors: dict[tuple[int, int, int], np.ndarray], ratio: float):
        self.base = base  # the cross-language scorer: the sides, their anchors and the anchor weights
        self.a, self.b = base.a, base.b
        self.vectors = vectors  # (side, start, stop) -> unit vector of the joined text
        self.ratio = ratio
        self._links: dict = {}

    def forget(self) -> None:
        self._links.clear()

    def _length_factor(self, i0: int, i1: int, j0: int, j1: int) -> float:
        length_a, length_b = self.a.chars(i0, i1) * self.ratio, self.b.chars(j0, j1)
        longer = max(length_a, length_b)
        return math.log2(1 + min(length_a, length_b) / longer) if longer else 0.0

    def cosine(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return float(self.vectors[0, i0, i1] @ self.vectors[1, j0, j1])

    def gain(self, i0: int, i1: int, j0: int, j1: int) -> float:
        vector_a, vector_b = self.vectors[0, i0, i1], self.vectors[1, j0, j1]
        margin = (self._neighbours(vector_a, 1, j0, j1) + self._neighbours(vector_b, 0, i0, i1)) / 2
        cosine = float(vector_a @ vector_b) - self.margin_weight * margin
        return cosine * self._length_factor(i0, i1, j0, j1) + self.anchor_weight * self.base.anchor_evidence(
            i0, i1, j0, j1
        )

    def _neighbours(self, vector: np.ndarray, side: int, start: int, stop: int) -> float:
        """The mean cosine of a vector with the segments of one side just before start and just after stop (those
        there are): 0 with none."""
        cosines = [
            float(vector @ self.vectors[key]) for k in (start - 1, stop) if (key := (side, k, k + 1)) in self.vectors
        ]
        return sum(cosines) / len(cosines) if cosines else 0.0

    def link_gain(self, i: int, j: int) -> float | None:
        if self.a.segments[i].stands_alone != self.b.segments[j].stands_alone:
            return None
        return self.gain(i, i + 1, j, j + 1)

    def gain_bound(self, i0: int, i1: int, j0: int, j1: int) -> float:
        # a cosine is at most 1, and so is the factor; the margin takes at most its weight off (a cosine is at least -1)
        return 1.0 + self.margin_weight + self.anchor_weight * self.base.anchor_bound(i0, i1, j0, j1)

    def skip_gain(self) -> float:
        return -self.skip_cost

    def worth_merging(self, i: int, j: int) -> bool:
        return True

    def admits_overlap(self, i: int, j: int) -> bool:
        """A 2-2 bead unless its segments are two swapped translations, each sure of its partner across
        (``CONFIDENT_COSINE``). Not merely more alike crossed than straight, as the length model's rule has it:
        a sentence cut at another place in the translation is alike both of its partners' neighbours (on Text+Berg's
        dev file, strict F1 0.880 with that rule, 0.892 with this one)."""
        if not swapped(self, i, j):
            return True
        return min(self.cosine(i, i + 1, j + 1, j + 2), self.cosine(i + 1, i + 2, j, j + 1)) < CONFIDENT_COSINE

    def score(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return max(0.0, min(1.0, self.cosine(i0, i1, j0, j1)))


def refine(
    scorer: _CrossLanguageScorer, path: list[tuple[int, int, int, int]], constraints: _Constraints, texts: tuple,
    embedder: Embedder, gaps: Gaps | None = None,
) -> Refinement:
    """The path, its uncertain stretches searched again with vectors, and its merges rid of unrelated edges. A partial
    pair's stretches (``gaps``: the whole text's segments skipped free) are searched with the gaps of a copy made of
    a few runs of the text, each jump between them costing ``MeaningScorer.jump_cost``."""
    stretches = _uncertain_stretches(scorer, path, constraints)
    if not stretches:
        return unmerged(path, constraints, texts, embedder)
    vectors = _vectors(stretches, texts, embedder)
    meaning = MeaningScorer(scorer, vectors, _ratio(scorer, path, vectors))
    refined, at = [], 0
    for stretch in stretches:
        while path[at][:3:2] != (stretch.top, stretch.left):
            refined.append(path[at])
            at += 1
        first = [(i0, j0) for i0, _, j0, _ in path[at:] if i0 < stretch.bottom or j0 < stretch.right]
        refined += _best_path(
            meaning, stretch, constraints, gaps=gaps and Gaps(meaning.jump_cost, gaps.free_a), near=first,
            corridor=CORRIDOR,
        )
        meaning.forget()
        while at < len(path) and path[at][:3:2] != (stretch.bottom, stretch.right):
            at += 1
    refined += path[at:]
    embedded = sum(s.bottom - s.top + s.right - s.left for s in stretches)
    audit = unmerged(refined, constraints, texts, embedder)
    return Refinement(audit.path, embedded, audit.audited)


def unmerged(path: list[Piece], constraints: _Constraints, texts: tuple, embedder: Embedder) -> Refinement:
    """The path with every segment at the edge of a merge that is unrelated to the bead's other side split off
    (``UNRELATED_COSINE``), when the merge without it is about as near that side as with it (``UNRELATED_SLACK``).

    Length and anchors cannot tell a paragraph split in two from a short note inserted beside it (a translator's
    remark, an archivist's), and Bertalign's gain even rewards the lengths such a merge evens out: the note lowers
    the cosine less than it raises the length factor. So each merge of the final path is checked, its edges one at
    a time, at the cost of the vectors of its segments."""
    unmerging = _Unmerging(constraints, texts, embedder)
    merges = {piece: edges for piece in path if (edges := unmerging.edges(piece))}
    if not merges:
        return Refinement(path, 0)
    unmerging.embed(merges)
    result = [
        part for piece in path for part in (unmerging.split(piece, merges[piece]) if piece in merges else [piece])
    ]
    return Refinement(result, 0, sum(i1 - i0 + j1 - j0 for i0, i1, j0, j1 in merges))


Edge = tuple[int, int, tuple[int, int], bool]  # side, segment, the rest of its side, whether it is the first


class _Unmerging:
    def __init__(self, constraints: _Constraints, texts: tuple, embedder: Embedder):
        self.constraints, self.texts, self.embedder = constraints, texts, embedder

    def edges(self, piece: Piece) -> list[Edge]:
        """The edge segments of a merge that may be split off, before any vector: those apart from the rest of their
        side (neither the first nor the one before the last ends in a clause mark), short beside it
        (``SHORT_EDGE``) and pinned to nothing."""
        found = []
        for side, (start, stop) in enumerate((piece[:2], piece[2:])):
            if stop - start < 2:
                continue
            for edge, rest, first in ((start, (start + 1, stop), True), (stop - 1, (start, stop - 1), False)):
                if (
                    self._may_split(side, edge)
                    and not _CLAUSE_END.search(self.texts[side][edge if first else edge - 1])
                    and len(self.texts[side][edge]) * SHORT_EDGE <= len(self._text(side, *rest))
                ):
                    found.append((side, edge, rest, first))
        return found

    def embed(self, merges: dict[Piece, list[Edge]]) -> None:
        """The vectors every first check of these merges (with their ``edges``) asks for, in one batch (the embedder
        keeps them)."""
        runs = []
        for piece, edges in merges.items():
            for side, edge, rest, _ in edges:
                runs += [(1 - side, *(piece[2:], piece[:2])[side]), (side, *(piece[:2], piece[2:])[side]),
                         (side, edge, edge + 1), (side, *rest)]
        self.embedder.vectors(list(dict.fromkeys(self._text(*run) for run in runs)))

    def _text(self, side: int, start: int, stop: int) -> str:
        return " ".join(self.texts[side][start:stop])

    def _vector(self, side: int, start: int, stop: int) -> np.ndarray:
        return self.embedder.vectors([self._text(side, start, stop)])[0]

    def split(self, piece: Piece, edges: list[Edge]) -> list[Piece]:
        """The piece, or its unrelated ``edges`` as beads of their own and the rest."""
        i0, i1, j0, j1 = piece
        for side, edge, rest, first in edges:
            other = self._vector(1 - side, *(piece[2:], piece[:2])[side])
            whole = float(self._vector(side, *(piece[:2], piece[2:])[side]) @ other)
            if (
                float(self._vector(side, edge, edge + 1) @ other) > UNRELATED_COSINE
                or float(self._vector(side, *rest) @ other) < whole - UNRELATED_SLACK
            ):
                continue
            corner = (j0 if first else j1) if side == 0 else (i0 if first else i1)
            alone = (edge, edge + 1, corner, corner) if side == 0 else (corner, corner, edge, edge + 1)
            kept_piece = (*rest, j0, j1) if side == 0 else (i0, i1, *rest)
            kept = self.split(kept_piece, self.edges(kept_piece))
            return [alone, *kept] if first else [*kept, alone]
        return [piece]

    def _may_split(self, side: int, edge: int) -> bool:
        """Whether no pin ties the edge segment to the bead's other side (a forbidden pair only helps)."""
        pinned = self.constraints.pinned_a if side == 0 else self.constraints.pinned_b
        return not pinned.get(edge)


def _uncertain(scorer: _CrossLanguageScorer, bead: tuple[int, int, int, int]) -> bool:
    i0, i1, j0, j1 = bead
    if i0 == i1 or j0 == j1:
        return True
    if (i1 - i0, j1 - j0) == (1, 1):
        gain = scorer.link_gain(i0, j0)
        return gain is None or gain < UNCERTAIN_EVIDENCE
    return scorer.evidence(i0, i1, j0, j1) < UNCERTAIN_EVIDENCE


def _uncertain_stretches(scorer, path, constraints: _Constraints) -> list[Stretch]:
    """The stretches of the path around its uncertain beads (with ``CONTEXT_BEADS`` either side), joined where
    they touch, cut only where the constraints allow."""
    marked = [False] * len(path)
    for k, bead in enumerate(path):
        if _uncertain(scorer, bead):
            for near in range(max(0, k - CONTEXT_BEADS), min(len(path), k + CONTEXT_BEADS + 1)):
                marked[near] = True
    if sum(marked) > MOSTLY_UNCERTAIN * len(path):
        marked = [True] * len(path)
    stretches: list[Stretch] = []
    k = 0
    while k < len(path):
        if not marked[k]:
            k += 1
            continue
        first = k
        while k < len(path) and (marked[k] or not constraints.may_cut(path[k][0], path[k][2])):
            k += 1
        i0, _, j0, _ = path[first]
        _, i1, _, j1 = path[k - 1]
        if i1 > i0 and j1 > j0:
            stretches.append(Stretch(i0, j0, i1, j1))
    return stretches


def _vectors(stretches: list[Stretch], texts: tuple, embedder: Embedder) -> dict[tuple[int, int, int], np.ndarray]:
    """Unit vectors of every run of 1 to ``MAX_OVERLAP`` segments of each side within the stretches, in one batch:
    of the joined text for runs of up to ``JOINED_CHARS``, the normalised sum of the parts' for longer ones."""
    ranges = []
    for stretch in stretches:
        for side, (start, stop) in enumerate(((stretch.top, stretch.bottom), (stretch.left, stretch.right))):
            ranges += [(side, i, i + size) for size in range(1, MAX_OVERLAP + 1) for i in range(start, stop - size + 1)]
            # the segments just outside, the margin's neighbours of the beads at the stretch's edges
            ranges += [(side, k, k + 1) for k in (start - 1, stop) if 0 <= k < len(texts[side])]
    ranges = list(dict.fromkeys(ranges))
    joined = {key: " ".join(texts[key[0]][key[1] : key[2]]) for key in ranges}
    embedded = [key for key in ranges if key[2] - key[1] == 1 or len(joined[key]) <= JOINED_CHARS]
    vectors = dict(zip(embedded, embedder.vectors([joined[key] for key in embedded])))
    for side, start, stop in ranges:
        if (side, start, stop) not in vectors:
            total = sum(vectors[side, k, k + 1] for k in range(start, stop))
            vectors[side, start, stop] = total / max(float(np.linalg.norm(total)), 1e-9)
    return vectors


def _ratio(scorer, path, vectors) -> float:
    """Letters of B per letter of A in the 1-1 beads of the path whose vectors agree: the length model's ratio
    when there are too few of them."""
    ratios = [
        scorer.b.chars(j0, j1) / scorer.a.chars(i0, i1)
        for i0, i1, j0, j1 in path
        if (i1 - i0, j1 - j0) == (1, 1) and scorer.a.chars(i0, i1)
        and (0, i0, i1) in vectors and (1, j0, j1) in vectors
        and float(vectors[0, i0, i1] @ vectors[1, j0, j1]) >= CONFIDENT_COSINE
    ]
    return statistics.median(ratios) if len(ratios) >= MIN_CONFIDENT else scorer.ratio
