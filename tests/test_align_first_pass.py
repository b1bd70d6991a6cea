"""The first pass: sure links from keys found once on each side, the longest chain of them, the corners it cuts."""

from itertools import combinations

import pytest
from conftest import GENERATED_LANGUAGES, generated_document
from hypothesis import given
from hypothesis import strategies as st

from versions.align import align, first_pass
from versions.align.first_pass import cut_corners, longest_chain, sure_links
from versions.align.pairwise import _scorer
from versions.align.search import Stretch, _Constraints

NO_CONSTRAINTS = _Constraints({}, {}, frozenset(), ())


SHORT_STRETCH = 32  # rows: cuts on texts a test can hold (the aligner cuts only much longer ones, MIN_STRETCH)


@pytest.fixture(autouse=True)
def short_stretches(monkeypatch):
    monkeypatch.setattr(first_pass, "MIN_STRETCH", SHORT_STRETCH)


def increasing(pairs) -> bool:
    return all(i0 < i1 and j0 < j1 for (i0, j0), (i1, j1) in zip(pairs, pairs[1:]))


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=9, unique=True))
def test_longest_chain_is_the_longest_increasing_subsequence(pairs):
    chain = longest_chain(pairs)
    assert increasing(chain) and set(chain) <= set(pairs)
    longest = max((k for k in range(len(pairs) + 1) for subset in combinations(sorted(pairs), k)
                   if increasing(list(subset))), default=0)
    assert len(chain) == longest


def prepared(version: str, paragraphs: int = 400, index: int = 3):
    texts = generated_document(paragraphs, index=index)
    a, b = texts["original"], texts[version]
    lang_b = GENERATED_LANGUAGES[version]
    return a, b, lang_b, _scorer(a, b, "ru", lang_b, lang_b == "ru")


def test_sure_links_are_links_of_the_full_search():
    """Each sure link joins two paragraphs that the full search puts in one bead (a 1-1, or a merge of which the
    link is the larger part: the corners, between two sure links, leave room for those)."""
    for version in ("en-translation", "aprf-copy", "en-revised"):
        a, b, lang_b, scorer = prepared(version)
        sure = sure_links(scorer, Stretch(0, 0, len(a), len(b)), NO_CONSTRAINTS)
        bead_of = {i: bead for bead in align(a, b, "ru", lang_b, windowed=False) for i in bead.a}
        wrong = [(i, j) for i, j in sure if j not in bead_of[i].b]
        assert len(sure) >= 0.25 * len(a), version
        assert len(wrong) <= 0.01 * len(sure), (version, wrong)


def test_corners_lie_between_two_sure_links_and_apart():
    a, b, _, scorer = prepared("aprf-copy")
    stretch = Stretch(0, 0, len(a), len(b))
    sure = set(sure_links(scorer, stretch, NO_CONSTRAINTS))
    corners = cut_corners(scorer, stretch, NO_CONSTRAINTS)
    assert len(corners) >= len(a) // (4 * first_pass.MIN_STRETCH)
    for i, j in corners:
        assert (i - 1, j - 1) in sure and (i, j) in sure
    rows = [0, *(i for i, _ in corners), len(a)]
    assert min(later - earlier for earlier, later in zip(rows, rows[1:])) >= first_pass.MIN_STRETCH


def test_no_corner_cuts_a_group_of_pins_and_no_forbidden_pair_is_sure():
    a, b, _, scorer = prepared("aprf-copy")
    stretch = Stretch(0, 0, len(a), len(b))
    free = cut_corners(scorer, stretch, NO_CONSTRAINTS)
    i, j = free[0]
    pinned = (range(i - 1, i + 1), range(j - 1, j + 1))  # A i-1..i and B j-1..j in one group, across the corner
    constraints = _Constraints({}, {}, frozenset({(i, j)}), (pinned,))
    assert (i, j) not in cut_corners(scorer, stretch, constraints)
    assert (i, j) not in sure_links(scorer, stretch, constraints)
