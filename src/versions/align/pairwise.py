"""Two versions: constraints checked, the scorer chosen, the path searched, leftovers paired, beads made."""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from itertools import pairwise
from typing import Collection, Iterable, Sequence

from ..anchors import base_language, detect_language
from ..corpus import forbids_inside_pins, pin_groups
from . import embeddings
from .beads import Bead
from .embeddings import Embedder
from .first_pass import cut_corners, sure_links
from .leftovers import _pair_moves, _pair_sandwiched
from .meaning import refine
from .prior import BITEXT, Prior, _side, cross_language_prior, cross_language_scorer
from .reuse import Piece, Previous, kept_runs
from .same_language import _SameLanguageScorer
from .search import Gaps, Stretch, _best_path, _Constraints


def align(
    a: Sequence[str],
    b: Sequence[str],
    lang_a: str | None = None,
    lang_b: str | None = None,
    pinned: Iterable[tuple[int, int]] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    previous: Previous | None = None,
    windowed: bool = True,
    partial: bool = False,
    within: Collection[int] | None = None,
    meaning: bool = True,
) -> list[Bead]:
    """Align the segments of A and B.

    Returns beads ordered along A such that every index of A and of B is in exactly one bead; apart from moved
    beads, B indices increase too. Languages are detected from the script when not given. ``pinned`` (i, j) pairs end
    up in one bead, ``forbidden`` pairs never do.

    With ``previous`` (the texts and beads of an earlier alignment of the pair), the beads that stand unchanged
    and away from any change are kept and only the stretches between them are searched again (``reuse``). The
    scorer's statistics (word rarity, background similarity) are those of the texts now, so a bead kept may differ
    from what a full alignment would find where an edit tipped a close decision elsewhere; and moves are paired over
    the whole path again. With pins that cross (transpositions) or ``within``, ``previous`` is not used. A pair
    whose texts are those of ``previous``, with no pin or forbidden pair, is not searched at all: its beads are
    ``previous``'s (the caller keeps a previous alignment only for the same languages and prior).

    ``windowed=False`` searches the whole grid at once, its band widening without bound (no first pass, no
    previous): the reference the windowed search is measured against, quadratic in the worst case.

    ``partial``: B is a copy transcribed in part, aligned with the prior of a partial pair (``prior``: free skips, a
    length ratio from sure links), as is any pair whose lengths differ far more than its languages explain.
    ``within``: the segments of A that B covers (its ``covers``); the rest of A stays unlinked (B's lacunae) unless a
    pin names it. Implies ``partial``.
    """
    pinned, forbidden = set(pinned), frozenset(forbidden)
    if previous is not None and windowed and not pinned and not forbidden and within is None and previous.holds(a, b):
        return list(previous.beads)  # nothing changed since: the search would find them again
    same = _same_language(lang_a, lang_b, a, b)
    lang_a = lang_a or detect_language("\n".join(a))
    lang_b = lang_b or detect_language("\n".join(b))
    _check_constraints(pinned, forbidden, len(a), len(b))
    components = pin_groups(pinned)
    in_order, crossing = _split_crossing(components, len(a), len(b))
    covered = None if within is None else set(within) | {i for i, _ in pinned}
    keep_a = [
        i for i in range(len(a))
        if not any(i in a_range for a_range, _ in crossing) and (covered is None or i in covered)
    ]
    keep_b = [j for j in range(len(b)) if not any(j in b_range for _, b_range in crossing)]
    problem = _Problem(keep_a, keep_b, pinned, forbidden, in_order)
    kept_a, kept_b = [a[i] for i in keep_a], [b[j] for j in keep_b]
    prior = BITEXT if same else cross_language_prior(kept_a, kept_b, lang_a, lang_b, partial or within is not None)
    scorer = _scorer(kept_a, kept_b, lang_a, lang_b, same, prior)
    embedder = embeddings.current() if meaning and scorer.refined_by_meaning else None
    if windowed:
        reusable = previous and not crossing and covered is None  # both number the segments of A as searched
        runs = problem.reusable(kept_runs(previous, a, b)) if reusable else []
        path = _path(scorer, len(keep_a), len(keep_b), problem.constraints, runs, prior.gaps, embedder)
    else:
        stretch = Stretch(0, 0, len(keep_a), len(keep_b))
        path = _best_path(scorer, stretch, problem.constraints, math.inf, prior.gaps)
        path = _refined(scorer, path, problem.constraints, embedder, prior.gaps)
    if scorer.pairs_sandwiched:
        path = _pair_sandwiched(scorer, path, problem.constraints.forbidden)
    beads = problem.beads(scorer, path, _pair_moves(scorer, path, problem.constraints.forbidden))
    for a_range, b_range in crossing:
        beads = _insert_along_a(beads, Bead(tuple(a_range), tuple(b_range), 1.0, "pinned", moved=True))
    if covered is not None:
        beads = _with_lacunae(beads, [i for i in range(len(a)) if i not in covered], scorer.method)
    return beads


def _path(
    scorer, n: int, m: int, constraints: _Constraints, runs: list[list[Piece]], gaps: Gaps | None,
    embedder: Embedder | None = None,
) -> list[Piece]:
    """The path from (0, 0) to (n, m): the runs kept as they are, the stretches between them searched."""
    path, corner = [], (0, 0)
    for run in [*runs, None]:
        end = (run[0][0], run[0][2]) if run else (n, m)
        path += _refined(scorer, _searched(scorer, Stretch(*corner, *end), constraints, gaps), constraints, embedder, gaps)
        if run:
            path += run
            corner = (run[-1][1], run[-1][3])
    return path


def _searched(scorer, stretch: Stretch, constraints: _Constraints, gaps: Gaps | None) -> list[Piece]:
    """The best path through the stretch: cut at the first pass's corners, each part searched in a band (that of a
    partial pair bent through the sure links)."""
    points = [(stretch.top, stretch.left), *cut_corners(scorer, stretch, constraints), (stretch.bottom, stretch.right)]
    through = sure_links(scorer, stretch, constraints) if gaps else []
    path = []
    for (i0, j0), (i1, j1) in pairwise(points):
        if (i0, j0) != (i1, j1):
            path += _best_path(scorer, Stretch(i0, j0, i1, j1), constraints, gaps=gaps, through=through)
        scorer.forget()
    return path


def _refined(
    scorer, path: list[Piece], constraints: _Constraints, embedder: Embedder | None, gaps: Gaps | None = None
) -> list[Piece]:
    """The path, its uncertain stretches searched again with vectors (none without an embedder), a partial pair's
    with its ``gaps``."""
    if embedder is None or not path:
        return path
    refinement = refine(scorer, path, constraints, scorer.texts, embedder, gaps)
    embedder.counts.aligned += sum(i1 - i0 + j1 - j0 for i0, i1, j0, j1 in path)
    embedder.counts.refined += refinement.embedded
    embedder.counts.audited += refinement.audited
    return refinement.path


def _scorer(
    a: Sequence[str], b: Sequence[str], lang_a: str, lang_b: str, same_language: bool, prior: Prior = BITEXT
):
    """The scorer of the pair. Within one language skips are free already and lengths need no ratio, so a partial
    pair needs no prior of its own there."""
    if same_language:
        return _SameLanguageScorer(_side(a, lang_a), _side(b, lang_b))
    return cross_language_scorer(a, b, lang_a, lang_b, prior)


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

    def reusable(self, runs: list[list[Piece]]) -> list[list[Piece]]:
        """The runs whose beads hold no pinned or forbidden paragraph and whose ends may be cut at."""
        constraints = self.constraints
        named_a = {i for pair in constraints.forbidden | self.pins for i in pair[:1]}
        named_b = {j for pair in constraints.forbidden | self.pins for j in pair[1:]}
        return [
            run for run in runs
            if constraints.may_cut(run[0][0], run[0][2]) and constraints.may_cut(run[-1][1], run[-1][3])
            and not any(i in named_a for piece in run for i in range(piece[0], piece[1]))
            and not any(j in named_b for piece in run for j in range(piece[2], piece[3]))
        ]

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


def may_use_vectors(a: Sequence[str], b: Sequence[str], lang_a: str | None, lang_b: str | None) -> bool:
    """Whether aligning A with B may ask for sentence vectors: across languages only (``refined_by_meaning``)."""
    return not _same_language(lang_a, lang_b, a, b)


def _same_language(lang_a: str | None, lang_b: str | None, a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether A and B are in one language: as given, or else as detected and confirmed by shared common words.

    Detection reads the script and a few languages' function words; two Latin-script texts it cannot tell apart
    (Dutch and English, say) share few of their fifty commonest words, where two versions of one text in one
    language share over half (0.52-1.0 on our gold, against 0.12 for Dutch or German against English).
    """
    if lang_a and lang_b:
        return base_language(lang_a) == base_language(lang_b)
    detected_a = lang_a or detect_language("\n".join(a))
    detected_b = lang_b or detect_language("\n".join(b))
    if base_language(detected_a) != base_language(detected_b):
        return False
    common_a, common_b = _commonest_words(a), _commonest_words(b)
    return not common_a or not common_b or len(common_a & common_b) >= 0.25 * min(len(common_a), len(common_b))


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


def _with_lacunae(beads: list[Bead], outside: list[int], method: str) -> list[Bead]:
    """The beads with an unlinked bead for each segment of A outside what B covers, in their places along A."""
    merged, waiting = [], iter(outside)
    next_outside = next(waiting, None)
    for bead in beads:
        while next_outside is not None and bead.a and next_outside < bead.a[0]:
            merged.append(Bead((next_outside,), (), 0.0, method))
            next_outside = next(waiting, None)
        merged.append(bead)
    while next_outside is not None:
        merged.append(Bead((next_outside,), (), 0.0, method))
        next_outside = next(waiting, None)
    return merged


def _insert_along_a(beads: list[Bead], bead: Bead) -> list[Bead]:
    first = bead.a[0] if bead.a else -1
    position = next((k for k, other in enumerate(beads) if other.a and other.a[0] > first), len(beads))
    return beads[:position] + [bead] + beads[position:]
