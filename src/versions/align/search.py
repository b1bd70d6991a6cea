"""The dynamic programming over beads in a band around a guide line, within one stretch of the grid.

A stretch is the rectangle between two corners the path is known to pass through: (0, 0) and (n, m) for a whole
pair, or the corners the first pass or a previous alignment fixed (see ``pairwise``). Every band is kept inside its
stretch and widens only there, to at most ``MAX_WIDTH``: time and memory grow with the stretch x band, never with
the length of the texts squared."""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from .features import MEMO_LIMIT
from .scorer import Scorer

SHAPES = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (2, 2), (1, 0), (0, 1))  # the bead shapes a scorer searches by default
ONE_TO_ONE = ((1, 1), (1, 0), (0, 1))
INITIAL_BAND = 8  # half-width of the first, 1-1 search around the diagonal
CORRIDOR = 3  # half-width of the full search around the path of the first
# The widest a band grows, on each side of its guide line. A stretch of up to this many rows or columns (every gold
# case, most stretches between sure links) may still widen to all of it; a longer one stays linear in its length.
MAX_WIDTH = 128
# A partial pair's path may run anywhere (a few paragraphs of the copy against any stretch of the text), where a band
# around the diagonal of a steep stretch (1 paragraph against 500) lets links only near its end: up to this many cells,
# its rough search covers the whole stretch.
WHOLE_STRETCH_CELLS = 100_000


@dataclass(frozen=True)
class Stretch:
    """The rectangle from corner (top, left) to corner (bottom, right): A[top:bottom] against B[left:right]."""

    top: int
    left: int
    bottom: int
    right: int

    @property
    def size(self) -> int:
        return max(self.bottom - self.top, self.right - self.left)


@dataclass(frozen=True)
class Gaps:
    """How the search of a partial pair prices what it leaves unlinked (:func:`_search_gapped`): each gap between
    two links costs ``jump_cost`` once, however long; the segments of the whole text (``free_a``: A, else B) are
    skipped free, those of the copy at the scorer's skip cost."""

    jump_cost: float
    free_a: bool


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

    def may_cut(self, i: int, j: int) -> bool:
        """Whether the path may be cut at corner (i, j): no group of pins lies across it."""
        return all(
            (a.stop <= i and b.stop <= j) or (a.start >= i and b.start >= j) for a, b in self.components
        )

    def within(self, stretch: Stretch) -> tuple:
        """The groups of pins inside the stretch."""
        return tuple(
            (a, b) for a, b in self.components if a.start >= stretch.top and a.stop <= stretch.bottom
            and b.start >= stretch.left and b.stop <= stretch.right
        )


def _best_path(
    scorer: Scorer,
    stretch: Stretch,
    constraints: _Constraints,
    max_width: float = MAX_WIDTH,
    gaps: Gaps | None = None,
    through: Sequence[tuple[int, int]] = (),
    near: Sequence[tuple[int, int]] = (),
    corridor: int = CORRIDOR,
) -> list[tuple[int, int, int, int]]:
    """The beads (i0, i1, j0, j1) of the best monotone alignment of the stretch, corner to corner.

    First a cheap search with 1-1 beads and omissions only, in a band around the diagonal (bent through pinned
    pairs); then the full search over all bead shapes in a narrow corridor around that path. Each band widens
    itself while the best path touches its edge (up to max_width), so the result is what an unbounded search of the
    stretch would find unless the true path strays far and comes back.

    ``gaps``: the prior of a partial pair (:func:`_search_gapped`), whose rough search covers the whole stretch when
    it is small enough, else a band bent through the sure links ``through`` (when no pin bends it): around the
    diagonal, a partial pair's path strays as far as the copy is from the start of the text.

    ``near``: the corners of a path already found through the stretch (by another scorer), whose corridor the full
    search covers too: the rough search, one segment a side, may stray from a path of merges beyond its corridor.
    ``corridor``: the half-width of the full search's band around those paths.
    """
    start, end = (stretch.top, stretch.left), (stretch.bottom, stretch.right)
    components = constraints.within(stretch)
    corners = [corner for a, b in components for corner in ((a.start, b.start), (a.stop, b.stop))]
    if not corners:
        corners = [corner for i, j in through if _inside(stretch, i, j) for corner in ((i, j), (i + 1, j + 1))]
    guide = [start, *corners, end]
    width = INITIAL_BAND
    if gaps and (stretch.bottom - stretch.top + 1) * (stretch.right - stretch.left + 1) <= WHOLE_STRETCH_CELLS:
        width = stretch.size
    rough = _search_widening(scorer, stretch, constraints, ONE_TO_ONE, guide, width, max_width, gaps)
    points = [(i0, j0) for i0, _, j0, _ in rough] + [end]
    return _search_widening(scorer, stretch, constraints, scorer.shapes, points, corridor, max_width, gaps, near)


def _inside(stretch: Stretch, i: int, j: int) -> bool:
    """Whether the link (i, j) lies inside the stretch."""
    return stretch.top <= i < stretch.bottom and stretch.left <= j < stretch.right


def _search_widening(
    scorer, stretch, constraints, shapes, guide, width, max_width, gaps=None, near=()
) -> list[tuple[int, int, int, int]]:
    """Search a band around the guide (and the path ``near``, if any); while the path runs along its edge, follow
    the path and widen the band."""
    while True:
        band = _corridor(stretch, guide, width)
        if near:
            band = [(min(lo, far_lo), max(hi, far_hi)) for (lo, hi), (far_lo, far_hi) in zip(
                band, _corridor(stretch, [*near, (stretch.bottom, stretch.right)], width))]
        if gaps:
            path = _search_gapped(scorer, stretch, band, constraints, shapes, gaps)
        else:
            path = _search(scorer, stretch, band, constraints, shapes)
        if width >= min(stretch.size, max_width) or not _touches_edge(path, band, stretch):
            return path
        guide = [(i0, j0) for i0, _, j0, _ in path] + [(stretch.bottom, stretch.right)]
        width = width * 3 // 2


def _corridor(stretch: Stretch, guide: list[tuple[int, int]], width: int) -> list[tuple[int, int]]:
    """For each row i (A segments consumed), the range [lo, hi) of j (B segments consumed) the search may visit:
    the monotone guide line widened by width on both sides, both ends non-decreasing so every cell is reachable.

    Row i covers every j the line passes on its way to row i + 1, not only where it crosses row i: a steep line (a
    short A against a long B) would otherwise leave rows that no omission or insertion connects, and no path.
    Rows are counted from the stretch's top: band[i - top] is row i's range."""
    top, left, bottom, right = stretch.top, stretch.left, stretch.bottom, stretch.right
    rows = bottom - top
    lowest, highest = [right] * (rows + 1), [left] * (rows + 1)
    guide = sorted(set(guide))
    for (ia, ja), (ib, jb) in zip(guide, guide[1:]):
        for i in range(ia, ib + 1):
            if ia == ib:
                span = (ja, jb)
            else:
                here = ja + (jb - ja) * (i - ia) / (ib - ia)
                onwards = ja + (jb - ja) * (min(i + 1, ib) - ia) / (ib - ia)
                span = (math.floor(here), math.ceil(onwards))
            lowest[i - top], highest[i - top] = min(lowest[i - top], span[0]), max(highest[i - top], span[1])
    band: list[tuple[int, int]] = []
    for row in range(rows + 1):
        lo, hi = max(left, lowest[row] - width), min(right + 1, highest[row] + width + 1)
        if band:
            lo, hi = max(lo, band[-1][0]), max(hi, band[-1][1])
        band.append((lo, hi))
    band[0] = (left, band[0][1])
    band[rows] = (band[rows][0], right + 1)
    return band


def _search(scorer, stretch, band, constraints, shapes) -> list[tuple[int, int, int, int]]:
    """Best path through the band: best[i - top][j - lo] is the best total gain of aligning A[top:i] with
    B[left:j]."""
    skip = scorer.skip_gain()
    top_row, left = stretch.top, stretch.left
    pinned_shapes = _pinned_shapes(constraints, stretch)
    constrained = constraints.active()
    if not constrained and not pinned_shapes:
        if shapes == ONE_TO_ONE:
            return _search_one_to_one(scorer, stretch, band, skip)
        return _search_free(scorer, stretch, band, shapes, skip)
    best: list[array] = []
    back: list[array] = []  # index of the winning shape in shapes + pinned_shapes[cell], -1 for none
    for i in range(top_row, stretch.bottom + 1):
        lo, hi = band[i - top_row]
        row_best, row_back = array("d", [-math.inf]) * (hi - lo), array("b", [-1]) * (hi - lo)
        best.append(row_best)
        back.append(row_back)
        for j in range(lo, hi):
            if i == top_row and j == left:
                row_best[0] = 0.0
                continue
            top, top_shape = -math.inf, -1
            for k, (da, db) in enumerate(shapes + pinned_shapes.get((i, j), ())):
                i0, j0 = i - da, j - db
                if i0 < top_row:
                    continue
                lo0, hi0 = band[i0 - top_row]
                if not lo0 <= j0 < hi0:
                    continue
                previous = best[i0 - top_row][j0 - lo0]
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
    return _trace(back, band, stretch, lambda i, j: shapes + pinned_shapes.get((i, j), ()))


def _search_gapped(scorer, stretch, band, constraints, shapes, gaps: Gaps) -> list[tuple[int, int, int, int]]:
    """Best path through the band when each gap between two links costs ``gaps.jump_cost`` once, however long (an
    affine gap cost, as in Gotoh's alignment, with gaps at either end of the stretch free): a copy transcribed in part
    holds a few runs of the text, and a path that scatters its links over the text pays for every jump. Skipping a
    segment of the whole text is free; skipping one of the copy costs what it costs in a bitext.

    Three values per cell: the best path ending there with no link yet (only skips from the start), with a link
    last, or in a gap after a link. A link after a gap pays the jump; a gap to the end pays nothing."""
    skips = (((1, 0), 0.0 if gaps.free_a else scorer.skip_gain()), ((0, 1), scorer.skip_gain() if gaps.free_a else 0.0))
    jump, inf = gaps.jump_cost, -math.inf
    top_row, left = stretch.top, stretch.left
    pinned_shapes = _pinned_shapes(constraints, stretch)
    links = [shape for shape in shapes if 0 not in shape]
    constrained = constraints.active()
    values: list[list[list[float]]] = []  # per row, per cell: [no link yet, a link last, in a gap after a link]
    steps: list[list[list]] = []  # ... and the (shape, state before) that won each

    def cell(i: int, j: int) -> list[float] | None:
        if i < top_row:
            return None
        lo, hi = band[i - top_row]
        return values[i - top_row][j - lo] if lo <= j < hi else None

    for i in range(top_row, stretch.bottom + 1):
        lo, hi = band[i - top_row]
        values.append([[inf, inf, inf] for _ in range(hi - lo)])
        steps.append([[None, None, None] for _ in range(hi - lo)])
        for j in range(lo, hi):
            here, won = values[-1][j - lo], steps[-1][j - lo]
            if i == top_row and j == left:
                here[0] = 0.0
                continue
            for shape, skip in skips:  # a skip: still no link, or a gap opened or extended
                before = cell(i - shape[0], j - shape[1])
                if before is None or (constrained and not constraints.allows(i - shape[0], i, j - shape[1], j)):
                    continue  # outside the band, or a pinned segment (never skipped)
                if before[0] + skip > here[0]:
                    here[0], won[0] = before[0] + skip, (shape, 0)
                state = 1 if before[1] >= before[2] else 2
                if before[state] + skip > here[2]:
                    here[2], won[2] = before[state] + skip, (shape, state)
            for da, db in links + list(pinned_shapes.get((i, j), ())):
                before = cell(i - da, j - db)
                if before is None:
                    continue
                state = max((0, 1, 2), key=lambda k: before[k] - (jump if k == 2 else 0.0))
                start = before[state] - (jump if state == 2 else 0.0)
                if start == inf or (constrained and not constraints.allows(i - da, i, j - db, j)):
                    continue
                if constrained and constraints.holds_pin(i - da, i):
                    gain = scorer.gain(i - da, i, j - db, j)
                else:
                    gain = _link_gain(scorer, i - da, i, j - db, j)
                if gain is not None and start + gain > here[1]:
                    here[1], won[1] = start + gain, ((da, db), state)
    return _trace_gapped(cell, steps, band, stretch)


def _trace_gapped(cell, steps, band, stretch) -> list[tuple[int, int, int, int]]:
    i, j = stretch.bottom, stretch.right
    last = cell(i, j)
    state = max((0, 1, 2), key=last.__getitem__)
    if last[state] == -math.inf:
        raise ValueError("no alignment satisfies the pinned and forbidden pairs")
    path = []
    while (i, j) != (stretch.top, stretch.left):
        (da, db), before = steps[i - stretch.top][j - band[i - stretch.top][0]][state]
        path.append((i - da, i, j - db, j))
        i, j, state = i - da, j - db, before
    return path[::-1]


def _pinned_shapes(constraints: _Constraints, stretch: Stretch) -> dict[tuple[int, int], tuple]:
    """End cell -> the shapes of the groups of pins ending there, the extra bead shapes a search tries at it."""
    pinned_shapes = defaultdict(tuple)
    for a_range, b_range in constraints.within(stretch):
        pinned_shapes[a_range.stop, b_range.stop] += ((len(a_range), len(b_range)),)
    return pinned_shapes


_UNKNOWN = object()


def _search_free(scorer, stretch, band, shapes, skip) -> list[tuple[int, int, int, int]]:
    """:func:`_search` without pins or forbidden pairs: the same recurrence, same order and ties, in a tighter loop
    that keeps the gain of every bead it scores for the next search (the corridor search and any widening see the
    same beads again)."""
    inf = -math.inf
    links = scorer._links
    get = links.get
    bound = scorer.gain_bound
    # Beads of one segment a side and omissions first (in shape order), merges after: a merge whose upper bound
    # cannot beat the best so far is never scored. That changes nothing: it could not have won the cell.
    order = sorted(range(len(shapes)), key=lambda k: _is_merge(shapes[k]))
    steps = [(k, *shapes[k], 0 in shapes[k], skip * sum(shapes[k]), _is_merge(shapes[k])) for k in order]
    top_row, left = stretch.top, stretch.left
    best: list[list[float]] = []
    back: list[list[int]] = []
    for i in range(top_row, stretch.bottom + 1):
        lo, hi = band[i - top_row]
        row_best, row_back = [inf] * (hi - lo), [-1] * (hi - lo)
        best.append(row_best)
        back.append(row_back)
        for j in range(lo, hi):
            if i == top_row and j == left:
                row_best[0] = 0.0
                continue
            top, top_shape = inf, -1  # the first best in shape order, as the plain search takes it
            for k, da, db, skips, skip_gain, merge in steps:
                i0, j0 = i - da, j - db
                if i0 < top_row:
                    continue
                lo0, hi0 = band[i0 - top_row]
                if not lo0 <= j0 < hi0:
                    continue
                previous = best[i0 - top_row][j0 - lo0]
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
    return _trace(back, band, stretch, lambda i, j: shapes)


_SLACK = 1e-9  # rounding room for the bounds


def _is_merge(shape: tuple[int, int]) -> bool:
    return min(shape) >= 1 and max(shape) > 1


def _search_one_to_one(scorer, stretch, band, skip) -> list[tuple[int, int, int, int]]:
    """:func:`_search_free` for the rough search (1-1 beads and omissions only), unrolled."""
    inf = -math.inf
    link_gain = scorer.link_gain
    best: list[list[float]] = []
    back: list[list[int]] = []
    top_row, left = stretch.top, stretch.left
    previous_row, previous_lo, previous_hi = None, 0, 0
    for i in range(top_row, stretch.bottom + 1):
        lo, hi = band[i - top_row]
        row_best, row_back = [inf] * (hi - lo), [-1] * (hi - lo)
        best.append(row_best)
        back.append(row_back)
        for j in range(lo, hi):
            if i == top_row and j == left:
                row_best[0] = 0.0
                continue
            top, top_shape = inf, -1
            if i > top_row:
                if j > left and previous_lo <= j - 1 < previous_hi:  # (1, 1)
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
    return _trace(back, band, stretch, lambda i, j: ONE_TO_ONE)


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
    if (i1 - i0, j1 - j0) == (2, 2):  # overlapping merges, not two swapped segments (a move): the scorer's rule
        return scorer.admits_overlap(i0, j0)
    return True


def swapped(scorer, i: int, j: int) -> bool:
    """Whether A[i], A[i + 1] are more alike B[j + 1], B[j] crossed than B[j], B[j + 1] straight: two segments
    swapped, which the leftovers pair as a move, rather than one 2-2 bead."""
    straight = scorer.score(i, i + 1, j, j + 1) + scorer.score(i + 1, i + 2, j + 1, j + 2)
    crossed = scorer.score(i, i + 1, j + 1, j + 2) + scorer.score(i + 1, i + 2, j, j + 1)
    return crossed > straight


def _trace(back, band, stretch, shapes_at) -> list[tuple[int, int, int, int]]:
    path, (i, j), start = [], (stretch.bottom, stretch.right), (stretch.top, stretch.left)
    while (i, j) != start:
        k = back[i - stretch.top][j - band[i - stretch.top][0]]
        if k < 0:
            raise ValueError("no alignment satisfies the pinned and forbidden pairs")
        da, db = shapes_at(i, j)[k]
        path.append((i - da, i, j - db, j))
        i, j = i - da, j - db
    return path[::-1]


def _touches_edge(path, band, stretch) -> bool:
    for _, i, _, j in path:
        lo, hi = band[i - stretch.top]
        if (j == lo and lo > stretch.left) or (j == hi - 1 and j < stretch.right):
            return True
    return False
