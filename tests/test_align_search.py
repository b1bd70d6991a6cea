"""The windowed search (first pass, then bands between its corners) against the full search of the whole grid."""

import random

import pytest
from conftest import GENERATED_LANGUAGES, edited_copy, generated_document
from test_align import CASES, LONG_EN, assert_partition, load_case

from versions.align import agreement, align, combine_scores, first_pass, score_beads
from versions.align.search import Stretch, _corridor

SHORT_STRETCH = 32  # rows: cuts on texts a test can hold (the aligner cuts only much longer ones, MIN_STRETCH)


@pytest.fixture(autouse=True)
def short_stretches(monkeypatch):
    monkeypatch.setattr(first_pass, "MIN_STRETCH", SHORT_STRETCH)


def both_searches(a, b, lang_a, lang_b):
    return align(a, b, lang_a, lang_b), align(a, b, lang_a, lang_b, windowed=False)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_windowed_search_links_what_the_full_search_links_on_generated_documents(index):
    texts = generated_document(320, index=index)
    for version in ("en-translation", "aprf-copy", "en-revised"):
        windowed, full = both_searches(texts["original"], texts[version], "ru", GENERATED_LANGUAGES[version])
        assert_partition(windowed, len(texts["original"]), len(texts[version]))
        assert agreement(windowed, full) >= 0.99, version


def long_gold(category: str, lang_a: str, lang_b: str) -> tuple[list[str], list[str], list]:
    """The gold cases of one category and pair of languages, one after the other as one long pair with one gold."""
    cases = [load_case(folder) for folder in CASES]
    cases = [case for case in cases if (case["category"], case["lang_a"], case["lang_b"]) == (category, lang_a, lang_b)]
    a, b, gold = [], [], []
    for case in cases:
        gold += [type(bead)(tuple(i + len(a) for i in bead.a), tuple(j + len(b) for j in bead.b), 1.0, "gold")
                 for bead in case["gold"]]
        a += case["a_segments"]
        b += case["b_segments"]
    return a, b, gold


@pytest.mark.parametrize(
    "category, lang_a, lang_b", [("same-language", "en", "en"), ("paraphrase", "en", "en"),
                                 ("cross-language", "ru", "en")]
)
def test_windowed_search_scores_as_the_full_search_on_the_gold_written_end_to_end(category, lang_a, lang_b):
    """The categories whose cases add up to a pair long enough for the first pass to cut (shorter ones are
    searched whole, as before)."""
    a, b, gold = long_gold(category, lang_a, lang_b)
    assert len(a) >= 2 * first_pass.MIN_STRETCH
    windowed, full = both_searches(a, b, lang_a, lang_b)
    assert score_beads(windowed, gold)["f1_strict"] == score_beads(full, gold)["f1_strict"]
    assert agreement(windowed, full) >= 0.99


def test_windowed_search_scores_as_the_full_search_on_long_synthetic_edits():
    """Copies of long generated documents with paragraphs dropped, split, merged, inserted and moved, and their gold."""
    scores = {"windowed": [], "full": []}
    for seed in range(3):
        rng = random.Random(seed)
        texts = generated_document(400, index=10 + seed)
        document, spare = texts["aprf-copy"][:300], texts["aprf-copy"][300:]
        copy, gold = edited_copy(document, spare, rng, rate=0.06)
        windowed, full = both_searches(document, copy, "ru", "ru")
        assert_partition(windowed, len(document), len(copy))
        scores["windowed"].append(score_beads(windowed, gold))
        scores["full"].append(score_beads(full, gold))
    windowed, full = (combine_scores(scores[name])["f1_strict"] for name in ("windowed", "full"))
    assert windowed == full and windowed >= 0.95


def test_a_translation_into_russian_of_a_long_english_base():
    """The other direction of the generated pair: English base, Russian version (the length model seen from B)."""
    texts = generated_document(400, index=7)
    windowed, full = both_searches(texts["en-translation"], texts["original"], "en", "ru")
    assert_partition(windowed, len(texts["en-translation"]), len(texts["original"]))
    assert agreement(windowed, full) >= 0.99


@pytest.mark.parametrize("short", [2, 5])
def test_a_few_paragraphs_against_many(short):
    """Unbalanced pairs: 2 against 40 (the hardening case) and a partial copy of 5 paragraphs of 600."""
    if short == 2:
        a, b, lang = LONG_EN[10:12], LONG_EN, "en"
    else:
        texts = generated_document(600, index=8)
        a, b, lang = texts["aprf-copy"][300:305], texts["original"], "ru"
    for first, second in ((a, b), (b, a)):
        windowed, full = both_searches(first, second, lang, lang)
        assert_partition(windowed, len(first), len(second))
        assert agreement(windowed, full) == 1.0


def test_a_long_stretch_without_anchors_stays_in_a_bounded_band():
    """No key found once on each side: one stretch, whose band widens at most to MAX_WIDTH each side."""
    lines = [f"line {k % 7} of the same few words" for k in range(600)]
    band = _corridor(Stretch(0, 0, 600, 600), [(0, 0), (600, 600)], 128)
    assert max(hi - lo for lo, hi in band) <= 2 * 128 + 2
    assert_partition(align(lines, lines[:550], "en", "en"), 600, 550)

