"""The first pass: sure links found without a search, whose corners cut the grid into short stretches.

A key of a segment (a run of words within one language, an anchor or a set of anchors across two) that occurs once
in A and once in B proposes a link; the scorer confirms it (``is_sure``); the longest chain of confirmed links in
order on both sides is kept. The path surely passes the corner between two consecutive links of the chain, so the
search can run stretch by stretch between such corners, each in a band of bounded width (``search``). All of it is
linear in the length of the texts: one look at each segment's keys, one score per proposed link.
"""

from __future__ import annotations

import bisect
from collections import Counter
from itertools import pairwise

from .search import Stretch, _Constraints

# Rows between two cuts at least: a shorter stretch costs more to set up than its band saves. Together with the
# band's width it bounds the cells a stretch holds.
MIN_STRETCH = 32


def cut_corners(scorer, stretch: Stretch, constraints: _Constraints) -> list[tuple[int, int]]:
    """Corners inside the stretch that the path surely passes, at least MIN_STRETCH rows apart."""
    corners, last = [], stretch.top
    for (i0, j0), (i1, j1) in pairwise(sure_links(scorer, stretch, constraints)):
        if (i1, j1) == (i0 + 1, j0 + 1) and i1 - last >= MIN_STRETCH and stretch.bottom - i1 >= MIN_STRETCH:
            if constraints.may_cut(i1, j1):
                corners.append((i1, j1))
                last = i1
    return corners


def sure_links(scorer, stretch: Stretch, constraints: _Constraints) -> list[tuple[int, int]]:
    """The longest chain, in order on both sides, of the links the keys propose and the scorer confirms."""
    proposed = _proposed(scorer, stretch)
    confirmed = [(i, j) for i, j in sorted(proposed) if (i, j) not in constraints.forbidden and scorer.is_sure(i, j)]
    return longest_chain(confirmed)


def _proposed(scorer, stretch: Stretch) -> set[tuple[int, int]]:
    """(i, j) for every key found in A[i] alone of A's stretch and in B[j] alone of B's."""
    only_a = _single_owners(scorer, 0, range(stretch.top, stretch.bottom))
    only_b = _single_owners(scorer, 1, range(stretch.left, stretch.right))
    return {(i, only_b[key]) for key, i in only_a.items() if key in only_b}


def _single_owners(scorer, side: int, indices: range) -> dict:
    """Key -> the one segment holding it, for the keys only one segment of these holds."""
    owner, count = {}, Counter()
    for index in indices:
        for key in scorer.keys(side, index):
            owner[key] = index
            count[key] += 1
    return {key: index for key, index in owner.items() if count[key] == 1}


def longest_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence increasing in both i and j of pairs sorted by i (patience sorting, n log n)."""
    pairs = sorted(pairs, key=lambda pair: (pair[0], -pair[1]))  # one i never takes two js
    tails: list[int] = []  # tails[k]: the smallest j ending a chain of k + 1 pairs
    ends: list[int] = []  # ...and the index of that pair
    before: list[int] = []  # each pair's predecessor in its chain, -1 for none
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        before.append(ends[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            ends.append(index)
        else:
            tails[k], ends[k] = j, index
    chain, index = [], ends[-1] if ends else -1
    while index >= 0:
        chain.append(pairs[index])
        index = before[index]
    return chain[::-1]
