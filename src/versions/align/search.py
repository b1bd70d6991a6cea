"""The dynamic programming over beads in a band around the diagonal, and the pairing of leftovers."""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from dataclasses import dataclass

from .features import MEMO_LIMIT

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
