"""A previous alignment of two versions, and the parts of it that still hold after an edit.

A bead is kept when every paragraph of it is unchanged (equal text, matched in order by a patience diff of the
paragraph lists), it is not a pin, and it is not next to a change: the runs of such beads that follow each other
corner to corner are kept whole but for their first and last bead where they meet a change. A move is kept as what
the search left before the move pass paired it: an omission where its A side stands, an insertion where its B side
does (the move pass pairs them again). Only the stretches between kept runs are searched again.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from .beads import Bead
from .first_pass import longest_chain

Piece = tuple[int, int, int, int]  # a bead of the path: A[i0:i1] against B[j0:j1]


@dataclass(frozen=True)
class Previous:
    """What a pair of versions was when last aligned, and the links found then (before corrections were applied).
    The paragraphs are kept as digests of their texts (``digests``): told apart all the same, and the build's cache
    holds a tenth of the text."""

    a: tuple[str, ...]  # the digests of the paragraphs of side A as last aligned
    b: tuple[str, ...]  # ... of side B
    beads: tuple[Bead, ...]  # the links found then, as ``align`` returned them

    @classmethod
    def of(cls, a: Sequence[str], b: Sequence[str], beads: Sequence[Bead]) -> Previous:
        """The alignment ``beads`` of the paragraphs ``a`` with ``b`` (texts)."""
        return cls(digests(a), digests(b), tuple(beads))

    def holds(self, a: Sequence[str], b: Sequence[str]) -> bool:
        """Whether A and B (texts) are the paragraphs as last aligned: then the same search would find the same
        beads, and there is nothing to search again."""
        return len(a) == len(self.a) and len(b) == len(self.b) and digests(a) == self.a and digests(b) == self.b


def digests(texts: Sequence[str]) -> tuple[str, ...]:
    return tuple(map(digest, texts))


# a rebuild asks for the digests of a version's paragraphs several times (whether its pairs changed, which of their
# beads still hold, the alignments kept, what the build's cache holds of them): room for a long document's
# paragraphs, as in align.features
@lru_cache(maxsize=1 << 15)
def digest(text: str) -> str:
    """A paragraph's text told apart from any other by 12 bytes of its BLAKE2 hash, in hex."""
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def forget_digests() -> None:
    """Let go of the texts the digests were made of: a document's, once it is built (kept, they would stay beside
    the next document's)."""
    digest.cache_clear()


def kept_runs(previous: Previous, a: Sequence[str], b: Sequence[str]) -> list[list[Piece]]:
    """The runs of the previous path that stand unchanged in A and B (texts), numbered as in A and B now."""
    now_a, now_b = unchanged(previous.a, digests(a)), unchanged(previous.b, digests(b))
    moved_b = {now_b.get(j) for bead in previous.beads if bead.method == "move" for j in bead.b} - {None}
    runs: list[list[Piece]] = [[]]
    for bead in previous.beads:
        piece = _piece(bead, now_a, now_b, runs[-1])
        if piece is not None and runs[-1]:  # first the insertions whose paragraphs moved away from here
            corner = runs[-1][-1][3]
            gap = range(corner, piece[2])
            if all(j in moved_b for j in gap):
                runs[-1] += [(piece[0], piece[0], j, j + 1) for j in gap]
            else:
                piece = None
        if piece is None:
            runs.append([])
        else:
            runs[-1].append(piece)
    return [run for run in (_away_from_changes(run, len(a), len(b)) for run in runs) if run]


def _piece(bead: Bead, now_a: dict[int, int], now_b: dict[int, int], run: list[Piece]) -> Piece | None:
    """The bead as a piece of the path now, if unchanged and following the run corner to corner."""
    if bead.method == "pinned" or any(i not in now_a for i in bead.a) or any(j not in now_b for j in bead.b):
        return None
    a, b = [now_a[i] for i in bead.a], [] if bead.method == "move" else [now_b[j] for j in bead.b]
    if not (_consecutive(a) and _consecutive(b)) or not (a and b or run):  # an omission only continues a run
        return None
    start = (a[0] if a else run[-1][1], b[0] if b else run[-1][3])
    if run and (start[0] != run[-1][1] or start[1] < run[-1][3]):
        return None
    return (start[0], start[0] + len(a), start[1], start[1] + len(b))


def _consecutive(indices: list[int]) -> bool:
    return indices == list(range(indices[0], indices[0] + len(indices))) if indices else True


def _away_from_changes(run: list[Piece], n: int, m: int) -> list[Piece]:
    """The run without its beads next to a change: those at its ends, but at the ends of both texts."""
    if run and run[0][0::2] != (0, 0):
        run = run[1:]
    if run and run[-1][1::2] != (n, m):
        run = run[:-1]
    return run


def unchanged(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """Old index -> new index of the paragraphs that stayed, in order: equal ends first, then paragraphs found once
    on each side, each match grown over its equal neighbours (a patience diff, linear for a few edits)."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    matched = {k: k for k in range(head)}
    matched.update({len(old) - 1 - k: len(new) - 1 - k for k in range(tail)})
    middle_old, middle_new = range(head, len(old) - tail), range(head, len(new) - tail)
    once_old = _found_once(old, middle_old)
    once_new = _found_once(new, middle_new)
    anchors = longest_chain([(i, once_new[text]) for text, i in once_old.items() if text in once_new])
    for i, j in anchors:
        matched[i] = j
    for (i, j), following in zip(anchors, [*anchors[1:], (middle_old.stop, middle_new.stop)]):
        i, j = i + 1, j + 1
        while i < following[0] and j < following[1] and old[i] == new[j]:
            matched[i], i, j = j, i + 1, j + 1
    return matched


def _found_once(texts: Sequence[str], indices: range) -> dict[str, int]:
    count = Counter(texts[k] for k in indices)
    return {texts[k]: k for k in indices if count[texts[k]] == 1}
