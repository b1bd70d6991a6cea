"""Anchors compared: which of one text's anchors another text holds too, dates agreeing on what both give and names
matching fuzzily."""

from __future__ import annotations

from typing import Iterable

from rapidfuzz import fuzz, process

from .core import Anchor
from .names import names_match


def anchors_correspond(a: Anchor, b: Anchor) -> bool:
    """Whether two anchors denote the same thing: dates agree on what both give, names match fuzzily."""
    if a.kind != b.kind:
        return False
    if a.kind == "date":
        return a.value.endswith(b.value) or b.value.endswith(a.value)
    if a.kind == "name":
        return names_match(a.value, b.value)
    return a.value == b.value


def unmatched_anchors(ours: set[Anchor], theirs: set[Anchor]) -> set[Anchor]:
    """Anchors of ours with no counterpart in theirs: what a translation dropped (or added)."""
    exact = ours - theirs
    return {anchor for anchor in exact if not any(anchors_correspond(anchor, other) for other in theirs)}


def _plain_key(anchor: Anchor) -> str:
    return f"{anchor.kind}:{anchor.value[-5:] if anchor.kind == 'date' else anchor.value}"


def anchor_keys(ours: Iterable[Anchor], theirs: Iterable[Anchor]) -> dict[Anchor, str]:
    """A key for every anchor such that anchors of ours and theirs that correspond share a key.

    Comparing keys is a plain set operation, which lets an aligner weigh thousands of candidate pairs quickly.
    Dates are keyed by month and day (one side may omit the year); names fuzzily matched across the two
    collections share the key of one of them.
    """
    ours, theirs = set(ours), set(theirs)
    keys = {anchor: _plain_key(anchor) for anchor in ours | theirs}
    their_names = sorted({anchor.value for anchor in theirs if anchor.kind == "name"})
    for name in sorted({anchor.value for anchor in ours if anchor.kind == "name"}):
        candidates = process.extract(name, their_names, scorer=fuzz.ratio, score_cutoff=80, limit=None)
        for other, _, _ in candidates:
            if other != name and names_match(name, other):
                keys[Anchor("name", other)] = keys[Anchor("name", name)]
    return keys
