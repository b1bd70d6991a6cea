"""What the search leaves unlinked: a lone omission and insertion between the same two beads, and moves."""

from __future__ import annotations

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
