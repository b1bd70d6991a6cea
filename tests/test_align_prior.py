"""The prior of a partial or unbalanced pair: when it applies, and what it finds at any ratio of lengths."""

import random

import pytest

from conftest import benchmarks_generate
from versions.align import align
from versions.align.prior import (
    BITEXT,
    JUMP_COST,
    _side,
    cross_language_prior,
    expected_ratio,
    is_unbalanced,
)
from versions.align.search import (
    Gaps,
    Stretch,
    _Constraints,
    _corridor,
    _search,
    _search_gapped,
)


def translated_document(paragraphs: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """A made-up Russian text and its English translation paragraph by paragraph (benchmarks/generate.py)."""
    generate = benchmarks_generate()
    rng = random.Random(f"partial/{seed}")
    abstract = generate.abstract_document(rng, paragraphs)
    return ([generate.render(p, "ru") for p in abstract],
            [generate.render(generate.translate(rng, p), "en") for p in abstract])


def links(beads) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(bead.a, bead.b) for bead in beads if bead.a and bead.b]


@pytest.mark.parametrize("length, kept", [
    (500, [137]),  # 1:500
    (500, [0]),
    (500, [499]),
    (40, [17, 18]),  # 2:40
    (500, list(range(300, 305))),  # a run of five
    (200, [*range(20, 24), *range(150, 153)]),  # two runs
])
def test_a_partial_copy_links_its_paragraphs_at_any_ratio(length, kept):
    russian, english = translated_document(length, seed=length + kept[0])
    copy = [english[k] for k in kept]
    assert links(align(russian, copy, "ru", "en")) == [((k,), (n,)) for n, k in enumerate(kept)]
    assert links(align(copy, russian, "en", "ru")) == [((n,), (k,)) for n, k in enumerate(kept)]


def test_a_declared_partial_copy_covering_base_paragraphs_links_only_within_them():
    russian, english = translated_document(60)
    copy = [english[k] for k in (10, 11, 12)]
    beads = align(russian, copy, "ru", "en", within=range(9, 14))
    assert links(beads) == [((10,), (0,)), ((11,), (1,)), ((12,), (2,))]
    assert sorted(i for bead in beads for i in bead.a) == list(range(60))
    assert [bead.a for bead in beads if bead.a] == [(i,) for i in range(60)]  # in their places along A


def test_a_pin_outside_the_covered_paragraphs_still_holds():
    russian, english = translated_document(30)
    beads = align(russian, [english[5], english[20]], "ru", "en", pinned=[(20, 1)], within=range(4, 7))
    assert ((20,), (1,)) in links(beads) and ((5,), (0,)) in links(beads)


def test_whole_translations_keep_the_prior_of_a_bitext():
    russian, english = translated_document(80)
    assert cross_language_prior(russian, english, "ru", "en", partial=False) == BITEXT
    assert cross_language_prior(russian[:60], english[:50], "ru", "en", partial=False) == BITEXT


def test_a_pair_far_more_unbalanced_than_its_languages_gets_the_partial_prior():
    russian, english = translated_document(80)
    prior = cross_language_prior(russian, english[10:20], "ru", "en", partial=False)
    assert prior.partial and prior.gaps == Gaps(JUMP_COST, free_a=True)
    assert cross_language_prior(russian[30:40], english, "ru", "en", partial=False).gaps == Gaps(JUMP_COST, False)
    assert cross_language_prior(russian, english, "ru", "en", partial=True).partial  # declared


def test_the_ratio_of_a_partial_pair_comes_from_its_sure_links():
    russian, english = translated_document(200)
    prior = cross_language_prior(russian, english[50:90], "ru", "en", partial=True)
    letters = sum(len(english[k]) for k in range(50, 90)) / sum(len(russian[k]) for k in range(50, 90))
    assert prior.ratio == pytest.approx(letters, rel=0.15)


def test_unknown_language_pairs_expect_the_ratio_of_median_segments():
    german = ["Ein Satz von mittlerer Länge."] * 9
    french = ["Une phrase de longueur moyenne, un peu plus longue."] * 3
    ratio = expected_ratio(_side(german, "de"), _side(french, "fr"), "de", "fr")
    assert ratio == pytest.approx(len("Unephrasedelongueurmoyenneunpeupluslongue") / len("EinSatzvonmittlererLänge"))
    assert is_unbalanced(_side(german, "de"), _side(french, "fr"), ratio)
    assert not is_unbalanced(_side(german[:3], "de"), _side(french, "fr"), ratio)


def test_without_a_jump_cost_the_gapped_search_is_the_plain_search():
    russian, english = translated_document(30)
    from versions.align.pairwise import _scorer

    scorer = _scorer(russian, english[3:12], "ru", "en", False)
    stretch = Stretch(0, 0, 30, 9)
    band = _corridor(stretch, [(0, 0), (30, 9)], 40)
    constraints = _Constraints({}, {}, frozenset(), ())
    scorer.skip_cost = 0.0  # the plain search with free skips both sides
    gapped = _search_gapped(scorer, stretch, band, constraints, ((1, 1), (1, 0), (0, 1)), Gaps(0.0, free_a=True))
    assert gapped == _search(scorer, stretch, band, constraints, ((1, 1), (1, 0), (0, 1)))
