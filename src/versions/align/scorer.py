"""What the search asks of a scorer (``Scorer``), and what the first pass and the leftovers ask besides
(``PathScorer``). Three scorers implement them: ``same_language``, ``cross_language`` (both are ``PathScorer``)
and ``meaning.MeaningScorer`` (a ``Scorer``: it searches again stretches another scorer's path went through).

Gains are additive along a path: the search keeps the path of the greatest sum. Every weight and threshold of a
scorer is a named class attribute or module constant with the reason for its value beside it."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from .features import _Side


@runtime_checkable
class Scorer(Protocol):
    a: _Side
    b: _Side
    method: str  # the name a bead it links carries
    shapes: tuple[tuple[int, int], ...]  # the bead shapes searched: (segments of A, segments of B)
    _links: dict  # the searches' gains by bead, kept between them (search._search_free)

    def gain(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """What the bead A[i0:i1] - B[j0:j1] adds to a path."""

    def link_gain(self, i: int, j: int) -> float | None:
        """gain of the 1-1 bead of A[i] and B[j]; None where no such bead may be."""

    def gain_bound(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """At least gain, computed without comparing the two sides: merges that cannot win are not scored."""

    def skip_gain(self) -> float:
        """What leaving one segment unaligned adds to a path (at most 0)."""

    def worth_merging(self, i: int, j: int) -> bool:
        """Whether beads of more than one segment a side are worth scoring around A[i], B[j]."""

    def admits_overlap(self, i: int, j: int) -> bool:
        """Whether A[i:i+2] - B[j:j+2] may be one 2-2 bead rather than two 1-1 beads."""

    def score(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """A bead's confidence, 0 to 1, as a page shows it."""

    def forget(self) -> None:
        """Drop what was memoised about cells: the next stretch asks about other ones."""


@runtime_checkable
class PathScorer(Scorer, Protocol):
    pairs_sandwiched: bool  # whether a lone omission and insertion between two beads are paired afterwards
    refined_by_meaning: bool  # whether its uncertain stretches are searched again with vectors (meaning.refine)

    def keys(self, side: int, index: int) -> set:
        """What the first pass looks for on the other side."""

    def is_sure(self, i: int, j: int) -> bool:
        """Whether the link of A[i] and B[j] is so sure that it needs no search."""

    def movable(self, i: int, j: int) -> bool:
        """Whether A[i] and B[j], left over apart, are one segment moved."""
