"""Alignment of the segments (paragraphs or lines) of two versions, and of N versions into one table.

Two versions are aligned by dynamic programming over *beads*: a bead joins consecutive segments of A with
consecutive segments of B (1-1, 1-2, 2-1, 1-3, 3-1, 2-2, 1-0, 0-1). Each bead earns a gain from a scorer:

* same language: a similarity of the two sides that combines word-sequence overlap, rarity-weighted content-word
  overlap and shared anchors, measured against the similarity of unrelated segments of the same two texts, and
  weighted by the amount of text the bead covers;
* across languages: a log-likelihood ratio from the Gale-Church length model plus shared anchors (numbers, dates,
  names) and cognates.

The path is searched in a band around the diagonal that widens itself when the best path touches its edge, so memory
and time grow with length x band, not length squared. Leftovers are then paired: within one language, a lone omission
and a lone insertion between the same two beads; in any language, omissions and insertions elsewhere that say the
same thing, which are moves (transpositions).

Modules, in the order of the data flow: ``beads`` (the format and its scores), ``features`` (what is read of a
segment), ``same_language`` and ``cross_language`` (the scorers), ``search`` (the dynamic programming and the
leftovers), ``pairwise`` (two versions), ``guide`` (which version is aligned with which), ``table`` (N versions).
"""

from .beads import (
    Bead,
    agreement,
    combine_scores,
    format_beads,
    parse_beads,
    score_beads,
)
from .features import Features, clear_caches, known_features, learn_features
from .guide import guide_tree
from .pairwise import align
from .reuse import Previous
from .table import (
    AlignmentTable,
    Correction,
    Group,
    Member,
    align_versions,
    corrections_from_mapping,
)

__all__ = [
    "AlignmentTable",
    "Bead",
    "Correction",
    "Features",
    "Group",
    "Member",
    "Previous",
    "agreement",
    "align",
    "align_versions",
    "clear_caches",
    "combine_scores",
    "corrections_from_mapping",
    "format_beads",
    "guide_tree",
    "known_features",
    "learn_features",
    "parse_beads",
    "score_beads",
]
