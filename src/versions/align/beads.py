"""Beads, the links of an alignment: the gold format of vecalign/Bertalign and strict/lax scores."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Bead:
    a: tuple[int, ...]  # 0-based indices into the segments of A
    b: tuple[int, ...]  # 0-based indices into the segments of B
    score: float  # 0..1: similarity (same language) or confidence (across languages); 0 for an omission
    method: str  # "same-language", "cross-language", "move", "pinned"
    moved: bool = False  # a transposition recovered by the move pass (or forced by a pin)

    @property
    def kind(self) -> str:
        return f"{len(self.a)}-{len(self.b)}"


def format_beads(beads: Iterable[Bead]) -> str:
    """Beads in the gold format of vecalign/Bertalign, one a line: ``[0,1]:[0]``, ``[]:[3]``, ``[2]:[]``."""
    return "".join(f"[{','.join(map(str, bead.a))}]:[{','.join(map(str, bead.b))}]\n" for bead in beads)


_BEAD_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*$")


def parse_beads(text: str) -> list[Bead]:
    """Read beads in the gold format; blank lines and ``#`` comments are skipped.

    A bead whose B side goes back before a B index already seen is marked moved.
    """
    beads, furthest_b = [], -1
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _BEAD_LINE.match(line)
        if not match:
            raise ValueError(f"line {number}: not a bead: {line!r}")
        a, b = (tuple(int(x) for x in side.split(",") if x.strip()) for side in match.groups())
        moved = bool(b) and min(b) < furthest_b
        furthest_b = max([furthest_b, *b])
        beads.append(Bead(a, b, 1.0, "gold", moved))
    return beads


def score_beads(test: Iterable[Bead], gold: Iterable[Bead]) -> dict:
    """Strict and lax precision, recall and F1 as vecalign defines them.

    Strict: a test bead equals a gold bead. Lax: it shares a segment with one gold bead on each side. Precision is
    counted over all test beads, recall over the gold beads that are not omissions (1-0, 0-1). Also returns the
    underlying counts, so several files can be scored together with :func:`combine_scores`.
    """
    test_beads = {(bead.a, bead.b) for bead in test if bead.a or bead.b}
    gold_beads = {(bead.a, bead.b) for bead in gold if bead.a or bead.b}
    precision = _match_counts(test_beads, gold_beads)
    recall = _match_counts({b for b in gold_beads if b[0] and b[1]}, {b for b in test_beads if b[0] and b[1]})
    return _scores_from_counts(precision, recall)


def agreement(first: Iterable[Bead], second: Iterable[Bead]) -> float:
    """The share of segments (of both sides) that two alignments of one pair link to the same segments."""
    mine, theirs = _partners(first), _partners(second)
    return sum(mine[key] == theirs.get(key) for key in mine) / len(mine) if mine else 1.0


def _partners(beads: Iterable[Bead]) -> dict[tuple[str, int], tuple[int, ...]]:
    """Each segment of either side -> the segments of the other side its bead holds."""
    partners = {}
    for bead in beads:
        partners.update({("a", i): bead.b for i in bead.a})
        partners.update({("b", j): bead.a for j in bead.b})
    return partners


def combine_scores(scores: Iterable[dict]) -> dict:
    """Pool the counts of several :func:`score_beads` results (micro-average, as vecalign scores several files)."""
    precision, recall = [0, 0, 0], [0, 0, 0]
    for score in scores:
        precision = [x + y for x, y in zip(precision, score["precision_counts"])]
        recall = [x + y for x, y in zip(recall, score["recall_counts"])]
    return _scores_from_counts(tuple(precision), tuple(recall))


def _match_counts(candidates: set, reference: set) -> tuple[int, int, int]:
    """(strict matches, lax matches, number of candidates) of candidate beads against reference beads."""
    partners = defaultdict(set)
    for ref_a, ref_b in reference:
        for i in ref_a:
            partners[i].update(ref_b)
    strict = lax = 0
    for cand_a, cand_b in candidates:
        if (cand_a, cand_b) in reference:
            strict += 1
            lax += 1
        elif any(j in partners[i] for i in cand_a for j in cand_b):
            lax += 1
    return strict, lax, len(candidates)


def _scores_from_counts(precision: tuple[int, int, int], recall: tuple[int, int, int]) -> dict:
    def ratio(hits: int, total: int) -> float:
        return hits / total if total else 0.0

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    result = {
        "precision_strict": ratio(precision[0], precision[2]),
        "precision_lax": ratio(precision[1], precision[2]),
        "recall_strict": ratio(recall[0], recall[2]),
        "recall_lax": ratio(recall[1], recall[2]),
    }
    result["f1_strict"] = f1(result["precision_strict"], result["recall_strict"])
    result["f1_lax"] = f1(result["precision_lax"], result["recall_lax"])
    result["precision_counts"], result["recall_counts"] = precision, recall
    return result
