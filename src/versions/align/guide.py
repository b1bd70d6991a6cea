"""The guide tree: which version each version is aligned with, along the provenance graph.

As a guide tree does in multiple sequence alignment, the N-version table is composed from pairwise alignments of
the closest pairs first. Closeness is read from the corpus, not measured: two copies of one text in their own
language are closer than a translation and its source, which are closer than two unrelated versions. The tree is a
minimum spanning tree grown from the base (Prim's algorithm), so every version hangs from one already in the table,
and ties go to the version listed first, then to the parent that joined first (copies of one text form a star
around the first of them rather than a chain, so an error of one pair is not carried down the others). A version
transcribed in part is a leaf: what it has not transcribed would be lost to every version aligned through it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from ..languages import same_language

SAME_LANGUAGE_DERIVED = 0  # a revision or copy of the other, in its language
SAME_LANGUAGE = 1  # copies of one text, or renderings, in one language: word for word comparable
ACROSS_DERIVED = 2  # a translation and its source
ACROSS = 3  # two versions in two languages with no recorded link: aligned only when nothing closer exists


def distance(a: str, b: str, languages: Mapping[str, str | None], derivations: Mapping[str, Sequence[str]]) -> int:
    """How far apart two versions stand in the guide tree: one of the four steps above."""
    derived = b in derivations.get(a, ()) or a in derivations.get(b, ())
    if same_language(languages.get(a), languages.get(b)):
        return SAME_LANGUAGE_DERIVED if derived else SAME_LANGUAGE
    return ACROSS_DERIVED if derived else ACROSS


def guide_tree(
    base: str,
    versions: Sequence[str],
    languages: Mapping[str, str | None],
    derivations: Mapping[str, Sequence[str]] | None = None,
    partial: Collection[str] = (),
) -> dict[str, str]:
    """The version each version but the base is aligned with (its parent), in the order they join the tree.

    ``derivations`` holds, per version, the versions it is derived from (``derived_from``); links either way count.
    The ``partial`` versions (transcribed in part) are nobody's parent.
    """
    derivations = derivations or {}
    joined = [base]
    # per version outside the tree: (distance, position of the parent in ``joined``) of its nearest tree version
    nearest = {v: (distance(base, v, languages, derivations), 0) for v in versions if v != base}
    parents: dict[str, str] = {}
    order = {v: k for k, v in enumerate(versions)}
    while nearest:
        child = min(nearest, key=lambda v: (nearest[v], order[v]))
        parents[child] = joined[nearest.pop(child)[1]]
        joined.append(child)
        if child in partial:
            continue
        for other, best in nearest.items():
            step = (distance(child, other, languages, derivations), len(joined) - 1)
            nearest[other] = min(best, step)
    return parents
