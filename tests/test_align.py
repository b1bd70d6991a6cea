"""The aligner: hand-made gold sets, the bead format and its scores, invariants, constraints, N versions."""

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, edited_copy
from versions.align import (
    AlignmentTable,
    Bead,
    Correction,
    agreement,
    align,
    align_versions,
    combine_scores,
    corrections_from_mapping,
    format_beads,
    parse_beads,
    score_beads,
)
from versions.segment import split_lines

DATA = Path(__file__).parent / "data" / "align"
CASES = sorted(path for path in DATA.iterdir() if (path / "gold.txt").is_file())

# Strict and lax F1 floors per category, pooled over its cases as vecalign pools several files. They are what the
# aligner achieves. The cases were used to tune it (the demo-* and lines-* cases were written after a first round of
# tuning, and the demo ones then prompted two rules: 2-2 beads must beat their halves, wordless marks never merge),
# so these are floors against regression, not estimates of accuracy on unseen texts.
FLOORS = {
    "same-language": (1.0, 1.0),
    "paraphrase": (1.0, 1.0),
    "cross-language": (1.0, 1.0),
    "lines": (0.95, 0.98),
    "partial": (1.0, 1.0),
}
TARGETS = {"same-language": 0.97, "paraphrase": 0.97, "cross-language": 0.93, "partial": 0.95}


def paragraphs(text: str) -> list[str]:
    if text.startswith("---\n"):
        text = text[text.index("\n---\n", 4) + 5 :]
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def line_segments(text: str) -> list[str]:
    """Segments of a sentence-per-line text, as ``--unit line`` reads them (a Chinese line cut into sentences)."""
    return [segment.text for segment in split_lines(text)]


def load_case(folder: Path) -> dict:
    meta = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    split = line_segments if meta.get("unit") == "line" else paragraphs

    def segments(side: str) -> list[str]:  # a side may be several files, one after another (a file of telegrams)
        paths = meta.get(side, f"{side}.txt")
        paths = paths if isinstance(paths, list) else [paths]
        return [segment for path in paths for segment in split((folder / path).read_text(encoding="utf-8"))]

    return {
        **meta,
        "a_segments": segments("a"),
        "b_segments": segments("b"),
        "gold": parse_beads((folder / "gold.txt").read_text(encoding="utf-8")),
    }


@pytest.fixture(scope="module")
def scored_cases() -> dict[str, tuple[str, dict]]:
    scored = {}
    for folder in CASES:
        case = load_case(folder)
        test = align(case["a_segments"], case["b_segments"], case["lang_a"], case["lang_b"])
        scored[folder.name] = case["category"], score_beads(test, case["gold"])
    return scored


def assert_partition(beads: list[Bead], n: int, m: int) -> None:
    """Every segment in exactly one bead; beads ordered along A, and along B apart from moved beads."""
    assert sorted(i for bead in beads for i in bead.a) == list(range(n))
    assert sorted(j for bead in beads for j in bead.b) == list(range(m))
    firsts_a = [bead.a[0] for bead in beads if bead.a]
    assert firsts_a == sorted(firsts_a)
    in_order_b = [j for bead in beads if not bead.moved for j in bead.b]
    assert in_order_b == sorted(in_order_b)
    for bead in beads:
        assert list(bead.a) == list(range(bead.a[0], bead.a[0] + len(bead.a))) if bead.a else True
        assert 0.0 <= bead.score <= 1.0
        assert bead.method in {"same-language", "cross-language", "move", "pinned"}


# --- gold sets -------------------------------------------------------------------------------------------------------


def test_every_category_has_its_cases():
    categories = [load_case(folder)["category"] for folder in CASES]
    assert categories.count("same-language") >= 6
    assert categories.count("paraphrase") >= 3
    assert sum(load_case(f)["lang_a"] == "ru" and load_case(f)["category"] == "cross-language" for f in CASES) >= 4


@pytest.mark.parametrize("folder", CASES, ids=[folder.name for folder in CASES])
def test_gold_is_a_partition_of_both_texts(folder):
    case = load_case(folder)
    gold = case["gold"]
    assert sorted(i for bead in gold for i in bead.a) == list(range(len(case["a_segments"])))
    assert sorted(j for bead in gold for j in bead.b) == list(range(len(case["b_segments"])))


@pytest.mark.parametrize("category", sorted(FLOORS))
def test_category_reaches_its_floor(scored_cases, category):
    pooled = combine_scores(score for cat, score in scored_cases.values() if cat == category)
    strict, lax = FLOORS[category]
    assert strict >= TARGETS.get(category, 0.0)
    assert pooled["f1_strict"] >= strict, f"{category}: strict F1 {pooled['f1_strict']:.3f}"
    assert pooled["f1_lax"] >= lax, f"{category}: lax F1 {pooled['f1_lax']:.3f}"


@pytest.mark.parametrize("folder", CASES, ids=[folder.name for folder in CASES])
def test_alignment_of_each_case_is_a_partition(folder):
    case = load_case(folder)
    beads = align(case["a_segments"], case["b_segments"], case["lang_a"], case["lang_b"])
    assert_partition(beads, len(case["a_segments"]), len(case["b_segments"]))


def test_moves_are_recovered():
    case = load_case(DATA / "same-moved-ru")
    beads = align(case["a_segments"], case["b_segments"], "ru", "ru")
    assert {(bead.a, bead.b) for bead in beads if bead.moved} == {((3,), (0,)), ((9,), (6,))}
    assert all(bead.method == "move" for bead in beads if bead.moved)


def test_languages_are_detected_when_not_given():
    case = load_case(DATA / "cross-roshchin-literal")
    beads = align(case["a_segments"], case["b_segments"])
    assert {bead.method for bead in beads} == {"cross-language"}
    assert score_beads(beads, case["gold"])["f1_strict"] == 1.0


def test_latin_texts_in_two_languages_are_not_taken_for_one():
    dutch = ["De vijand heeft de onderhandelingen afgebroken en wij wachten op een antwoord.",
             "Op 19 augustus vielen vijandelijke troepen onze bewakers in de neutrale zone van Kaesong aan."]
    english = ["The enemy has broken off the negotiations and we are waiting for an answer.",
               "On August 19 enemy troops attacked our guards in the neutral zone of Kaesong."]
    assert {bead.method for bead in align(dutch, english)} == {"cross-language"}
    assert {bead.method for bead in align(english, [line.replace("the", "THE") for line in english])} == {
        "same-language"
    }


# --- synthetic edits -------------------------------------------------------------------------------------------------


def test_synthetic_edits_of_the_hand_written_texts():
    cases = [load_case(folder) for folder in CASES]
    pool = sorted({p for case in cases if case["lang_b"] == "en" and case.get("unit") != "line"
                   for p in case["b_segments"] if len(p.split()) > 8})
    scores = []
    for seed in range(12):
        rng = random.Random(seed)
        document = rng.sample(pool, 24)
        spare = [p for p in pool if p not in document]
        copy, gold = edited_copy(document, spare, rng, rate=0.06)
        beads = align(document, copy, "en", "en")
        assert_partition(beads, len(document), len(copy))
        scores.append(score_beads(beads, gold))
    assert combine_scores(scores)["f1_strict"] >= 0.95


# --- bead format and scores ------------------------------------------------------------------------------------------


def test_format_and_parse_round_trip():
    beads = [Bead((0, 1), (0,), 0.9, "same-language"), Bead((), (1,), 0.0, "same-language"), Bead((2,), (), 0.0, "x")]
    text = format_beads(beads)
    assert text == "[0,1]:[0]\n[]:[1]\n[2]:[]\n"
    assert [(bead.a, bead.b) for bead in parse_beads(text)] == [((0, 1), (0,)), ((), (1,)), ((2,), ())]


def test_parse_skips_comments_and_marks_moves():
    beads = parse_beads("# a comment\n[0]:[1]\n\n[1]:[2]\n[2]:[0]\n")
    assert [bead.moved for bead in beads] == [False, False, True]
    with pytest.raises(ValueError, match="line 1"):
        parse_beads("0:1")


def test_scores_as_vecalign_defines_them():
    gold = parse_beads("[0]:[0]\n[1]:[1]\n[]:[2]\n[2]:[]\n")
    test = parse_beads("[0]:[0]\n[1]:[1,2]\n[2]:[]\n")
    score = score_beads(test, gold)
    assert score["precision_strict"] == pytest.approx(2 / 3)  # [0]:[0] and [2]:[] match exactly
    assert score["precision_lax"] == pytest.approx(1.0)  # and [1]:[1,2] overlaps [1]:[1] on both sides
    assert score["recall_strict"] == pytest.approx(1 / 2)  # gold without omissions: [0]:[0], [1]:[1]
    assert score["recall_lax"] == pytest.approx(1.0)
    assert score["f1_strict"] == pytest.approx(2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))


def test_agreement_counts_segments_linked_alike():
    first = parse_beads("[0]:[0]\n[1]:[1,2]\n[2]:[]\n")
    second = parse_beads("[0]:[0]\n[1]:[1]\n[]:[2]\n[2]:[]\n")
    assert agreement(first, second) == pytest.approx(4 / 6)  # A0, A2, B0 and B1 alike; A1 and B2 not
    assert agreement(first, first) == 1.0 and agreement([], second) == 1.0


def test_pooled_scores_count_beads_not_files():
    one = score_beads(parse_beads("[0]:[0]\n"), parse_beads("[0]:[0]\n"))
    other = score_beads(parse_beads("[0]:[1]\n[1]:[0]\n[2]:[2]\n"), parse_beads("[0]:[0]\n[1]:[1]\n[2]:[2]\n"))
    assert combine_scores([one, other])["precision_strict"] == pytest.approx(2 / 4)


# --- invariants ------------------------------------------------------------------------------------------------------

WORDS = ["enemy", "talks", "Kaesong", "zone", "plane", "bombs", "19", "August", "delegation", "troops", "front"]
RUSSIAN = ["противник", "переговоры", "Кэсон", "зона", "самолёт", "бомбы", "19", "августа", "делегация"]


def segments_of(vocabulary):
    segment = st.lists(st.sampled_from(vocabulary), min_size=0, max_size=12).map(" ".join)
    return st.lists(segment, min_size=0, max_size=14)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(segments_of(WORDS), segments_of(WORDS))
def test_same_language_alignment_is_an_ordered_partition(a, b):
    assert_partition(align(a, b, "en", "en"), len(a), len(b))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(segments_of(RUSSIAN), segments_of(WORDS))
def test_cross_language_alignment_is_an_ordered_partition(a, b):
    assert_partition(align(a, b, "ru", "en"), len(a), len(b))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_pinned_pairs_share_a_bead_and_forbidden_pairs_never_do(data):
    a = data.draw(segments_of(WORDS).filter(lambda s: len(s) > 0))
    b = data.draw(segments_of(WORDS).filter(lambda s: len(s) > 0))
    pair = st.tuples(st.integers(0, len(a) - 1), st.integers(0, len(b) - 1))
    pinned = set(data.draw(st.lists(pair, max_size=3)))
    forbidden = set(data.draw(st.lists(pair, max_size=4))) - pinned
    try:
        beads = align(a, b, "en", "en", pinned=pinned, forbidden=forbidden)
    except ValueError as error:  # a pinned group must be contiguous: what lies between its pins is in it too
        assert "inside the pinned group" in str(error)
        return
    bead_of_a = {i: bead for bead in beads for i in bead.a}
    for i, j in pinned:
        assert j in bead_of_a[i].b
    for i, j in forbidden:
        assert j not in bead_of_a[i].b
    assert sorted(i for bead in beads for i in bead.a) == list(range(len(a)))
    assert sorted(j for bead in beads for j in bead.b) == list(range(len(b)))


def test_empty_and_identical_texts():
    assert align([], []) == []
    assert [(bead.a, bead.b) for bead in align(["Only here."], [])] == [((0,), ())]
    text = ["First paragraph about the talks.", "Second, about the bombs.", "Third."]
    beads = align(text, text)
    assert [(bead.a, bead.b, bead.score) for bead in beads] == [((k,), (k,), 1.0) for k in range(3)]


@pytest.mark.parametrize("case_name", ["demo-en-independent", "demo-en-revised"])
def test_an_aside_inserted_beside_a_rendering_of_the_base_stays_a_row_of_its_own(case_name):
    """An unrelated paragraph inserted into a same-language version before any paragraph that renders one of the
    base: mass x similarity alone had the two merged where the rendering is loose, the aside diluting it little."""
    case = load_case(DATA / case_name)
    a, b = case["a_segments"], case["b_segments"]
    aside = "An aside of the translator about the weather in Kaesong that week, which the others do not have."
    absorbed = []
    for linked in align(a, b, "en", "en"):
        if len(linked.a) == len(linked.b) == 1 and len(b[linked.b[0]]) > len(aside):
            j = linked.b[0]
            after = {(bead.a, bead.b) for bead in align(a, [*b[:j], aside, *b[j:]], "en", "en")}
            if ((), (j,)) not in after or (linked.a, (j + 1,)) not in after:
                absorbed.append(j)
    assert absorbed == []


def test_forbidding_a_right_pair_keeps_it_apart():
    case = load_case(DATA / "demo-en-revised")
    beads = align(case["a_segments"], case["b_segments"], "en", "en", forbidden=[(8, 8)])
    assert all(not (8 in bead.a and 8 in bead.b) for bead in beads)
    assert_partition(beads, len(case["a_segments"]), len(case["b_segments"]))


def test_pins_that_cross_become_moves():
    case = load_case(DATA / "demo-en-revised")
    beads = align(case["a_segments"], case["b_segments"], "en", "en", pinned=[(3, 20), (10, 11)])
    bead_of = {i: bead for bead in beads for i in bead.a}
    assert bead_of[3].b == (20,) and bead_of[3].moved and bead_of[3].method == "pinned"
    assert 11 in bead_of[10].b and not bead_of[10].moved
    assert_partition(beads, len(case["a_segments"]), len(case["b_segments"]))


def test_pin_a_paragraph_to_two():
    case = load_case(DATA / "demo-en-revised")
    beads = align(case["a_segments"], case["b_segments"], "en", "en", pinned=[(5, 5), (5, 6), (5, 7), (5, 8)])
    assert ((5,), (5, 6, 7, 8)) in {(bead.a, bead.b) for bead in beads}


def test_contradictory_constraints_are_refused():
    with pytest.raises(ValueError, match="both pinned and forbidden"):
        align(["a"], ["a"], pinned=[(0, 0)], forbidden=[(0, 0)])
    with pytest.raises(ValueError, match="outside"):
        align(["a"], ["a"], pinned=[(0, 3)])


def test_thousands_of_lines_stay_within_a_band():
    rng = random.Random(7)
    lines = [" ".join(rng.choice(WORDS) for _ in range(8)) + f" {k}" for k in range(1500)]
    copy = [line for line in lines if rng.random() > 0.03]
    beads = align(lines, copy, "en", "en")
    assert_partition(beads, len(lines), len(copy))
    assert sum(1 for bead in beads if bead.kind == "1-1") >= 0.9 * len(copy)


# --- N versions ------------------------------------------------------------------------------------------------------

DEMO = Path(__file__).parents[1] / "translations" / "telegram-23256"


@pytest.fixture(scope="module")
def demo_texts() -> dict[str, list[str]]:
    texts = {"wilson-en": paragraphs((DATA / "seed-wilson-en.txt").read_text(encoding="utf-8"))}
    for version in ("en-revised", "en-independent", "ru-rendering"):
        texts[version] = paragraphs((DEMO / f"{version}.md").read_text(encoding="utf-8"))
    return texts


DEMO_LANGUAGES = {"wilson-en": "en", "en-revised": "en", "en-independent": "en", "ru-rendering": "ru"}


def assert_table_is_complete(table: AlignmentTable, texts: dict[str, list[str]]) -> None:
    for version, segments in texts.items():
        found = [p for group in table.groups for p in group.paragraphs(version)]
        assert sorted(found) == list(range(len(segments))), version
    base_order = [p for group in table.groups for p in group.paragraphs(table.base)]
    assert base_order == sorted(base_order)


def test_versions_merge_into_one_table_along_the_base(demo_texts):
    table = align_versions("wilson-en", demo_texts, DEMO_LANGUAGES)
    assert table.versions == ["wilson-en", "en-revised", "en-independent", "ru-rendering"]
    assert_table_is_complete(table, demo_texts)
    split = table.groups[table.group_of("wilson-en", 16)]
    assert split.paragraphs("en-revised") == (16, 17)
    assert split.members["en-revised"].bead == "1-2"
    merged = table.groups[table.group_of("wilson-en", 17)]
    assert merged.paragraphs("wilson-en") == (17, 18) and merged.paragraphs("en-independent") == (16,)
    assert merged.members["ru-rendering"].method == "cross-language"


def test_a_paragraph_found_only_in_one_version_follows_its_predecessor(demo_texts):
    table = align_versions("wilson-en", demo_texts, DEMO_LANGUAGES)
    note = table.group_of("en-independent", 21)
    assert table.groups[note].paragraphs("wilson-en") == ()
    assert table.groups[note].members["en-independent"].bead == "0-1"
    assert note == table.group_of("en-independent", 20) + 1


def test_corrections_between_the_base_and_another_version_constrain_the_alignment(demo_texts):
    corrections = [Correction.from_refs("forbid", "wilson-en/9", "en-revised/9")]
    table = align_versions("wilson-en", demo_texts, DEMO_LANGUAGES, corrections)
    assert table.group_of("wilson-en", 8) != table.group_of("en-revised", 8)
    assert_table_is_complete(table, demo_texts)


def test_corrections_between_two_other_versions_regroup_the_table(demo_texts):
    corrections = corrections_from_mapping(
        {"pin": [["en-independent/2", "ru-rendering/6"]], "forbid": [["en-revised/10", "ru-rendering/10"]]}
    )
    table = align_versions("wilson-en", demo_texts, DEMO_LANGUAGES, corrections)
    pinned = table.groups[table.group_of("en-independent", 1)]
    assert 5 in pinned.paragraphs("ru-rendering")
    assert pinned.members["ru-rendering"].method == "pinned" and pinned.members["ru-rendering"].moved
    assert table.group_of("en-revised", 9) != table.group_of("ru-rendering", 9)
    assert_table_is_complete(table, demo_texts)


def test_pairs_across_languages_are_aligned_first_and_then_the_vectors_may_go(demo_texts, monkeypatch):
    import versions.align.table

    aligned, real_align = [], versions.align.table.align
    monkeypatch.setattr(versions.align.table, "align", lambda a, b, lang_a, lang_b, **options: (
        aligned.append((lang_a, lang_b)) or real_align(a, b, lang_a, lang_b, **options)))
    table = align_versions("wilson-en", demo_texts, DEMO_LANGUAGES, vectors_done=lambda: aligned.append("done"))
    assert aligned == [("en", "ru"), "done", ("en", "en"), ("en", "en")]
    assert table.to_dict() == align_versions("wilson-en", demo_texts, DEMO_LANGUAGES).to_dict()
    assert list(table.pair_beads) == list(table.parents) == ["en-revised", "en-independent", "ru-rendering"]


def test_table_as_plain_data(demo_texts):
    data = align_versions("wilson-en", demo_texts, DEMO_LANGUAGES).to_dict()
    assert data["base"] == "wilson-en" and data["versions"][0] == "wilson-en"
    first = data["groups"][0]
    assert first["wilson-en"]["paragraphs"] == [0] and first["en-revised"]["bead"] == "1-1"
    assert set(first["ru-rendering"]) == {"paragraphs", "bead", "score", "method", "moved", "via", "untranscribed"}
    assert first["ru-rendering"]["via"] == "wilson-en" and first["wilson-en"]["via"] == ""


def test_bad_corrections_are_reported():
    with pytest.raises(ValueError, match="<version>/<n>"):
        Correction.from_refs("pin", "wilson-en/0", "en-revised/1")
    with pytest.raises(ValueError, match="two versions"):
        Correction.from_refs("pin", "wilson-en/1", "wilson-en/2")
    with pytest.raises(ValueError, match="does not exist"):
        align_versions("a", {"a": ["x"], "b": ["x"]}, {}, [Correction.from_refs("pin", "a/1", "b/5")])
    with pytest.raises(ValueError, match="unknown version"):
        align_versions("a", {"a": ["x"], "b": ["x"]}, {}, [Correction.from_refs("pin", "a/1", "c/1")])


# --- the fast search finds what the plain search finds -------------------------------------------------------------


def plain_align(monkeypatch, *args):
    """align() through the plain search: no merge is skipped by its bound and nothing is kept between searches."""
    import versions.align.pairwise as module

    with monkeypatch.context() as patch:
        patch.setattr(module._Constraints, "active", lambda self: True)  # every cell by the general recurrence
        return module.align(*args)


def test_fast_search_gives_the_beads_of_the_plain_search_on_the_gold(monkeypatch):
    for folder in CASES:
        case = load_case(folder)
        args = (case["a_segments"], case["b_segments"], case["lang_a"], case["lang_b"])
        fast, plain = align(*args), plain_align(monkeypatch, *args)
        assert [(bead.a, bead.b, bead.method, bead.moved) for bead in fast] == [
            (bead.a, bead.b, bead.method, bead.moved) for bead in plain
        ], folder.name
        assert [bead.score for bead in fast] == pytest.approx([bead.score for bead in plain], abs=1e-12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(segments_of(WORDS), segments_of(WORDS), st.booleans())
def test_fast_search_gives_the_beads_of_the_plain_search_on_random_texts(a, b, across):
    import versions.align.pairwise as module

    lang_b = "ru" if across else "en"
    fast = align(a, b, "en", lang_b)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module._Constraints, "active", lambda self: True)
        plain = module.align(a, b, "en", lang_b)
    assert [(bead.a, bead.b) for bead in fast] == [(bead.a, bead.b) for bead in plain]


def assert_merge_bounds_hold(a, b, lang_a, lang_b):
    from versions.align.pairwise import _scorer
    from versions.align.search import SHAPES

    scorer = _scorer(a, b, lang_a, lang_b, lang_a == lang_b)
    for i0 in range(len(a)):
        for j0 in range(len(b)):
            for da, db in SHAPES[1:6]:
                i1, j1 = i0 + da, j0 + db
                if i1 <= len(a) and j1 <= len(b):
                    assert scorer.gain(i0, i1, j0, j1) <= scorer.gain_bound(i0, i1, j0, j1) + 1e-9


@pytest.mark.parametrize(
    "name", ["same-split-en", "same-merged-en", "same-stamps-en", "paraphrase-roshchin", "cross-roshchin-free",
             "cross-zh-filippov-free", "demo-ru-rendering"]
)
def test_merge_bounds_are_upper_bounds(name):
    case = load_case(DATA / name)
    assert_merge_bounds_hold(case["a_segments"], case["b_segments"], case["lang_a"], case["lang_b"])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(segments_of(WORDS), segments_of(WORDS), st.booleans())
def test_merge_bounds_are_upper_bounds_on_random_texts(a, b, across):
    assert_merge_bounds_hold(a, b, "en", "ru" if across else "en")


@given(st.lists(st.floats(min_value=0.0, max_value=1.0) | st.floats(min_value=0, max_value=1e300), min_size=1))
def test_mean_is_the_statistics_mean(values):
    import statistics

    from versions.align.features import _mean

    assert _mean(values) == statistics.mean(values)


@given(st.sets(st.integers(0, 70)), st.sets(st.integers(0, 70)))
def test_dice_of_bits_is_the_dice_of_the_sets(x, y):
    from versions.align.features import _dice

    def bits(members: set[int]) -> int:
        return sum(1 << k for k in members)

    assert _dice(bits(x), bits(y)) == (2 * len(x & y) / (len(x) + len(y)) if x or y else 0.0)


@given(st.text(alphabet="абвгдъьжщёЖЩ xyzXYZ0123中文İΣς-", max_size=60))
def test_cognates_are_the_romanized_prefixes_of_each_word(text):
    from versions.align.features import _TOKEN, _cognates
    from versions.anchors import transliterate

    tokens = tuple(_TOKEN.findall(text.lower()))
    romanized = [transliterate(token) for token in tokens]
    assert _cognates(tokens) == {word[:4] for word in romanized if len(word) >= 4 and not word.isdigit()}


SEED_INDEPENDENCE_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import generate
from versions.align import align
from versions.corpus import load_document
root = Path(sys.argv[2])
for name, text in generate.document_files(1951, 217, 4, 20, False).items():  # doc-00218 of benchmarks/run.py
    (root / "doc" / name).parent.mkdir(parents=True, exist_ok=True)
    (root / "doc" / name).write_text(text, encoding="utf-8")
document = load_document(root, "doc")
base, copy = document.version("original"), document.version("aprf-copy")
for bead in align([p.text for p in base.paragraphs], [p.text for p in copy.paragraphs], "ru", "ru"):
    print(bead.a, bead.b, repr(bead.score), bead.method, bead.moved)
"""


def test_alignment_does_not_depend_on_the_hash_seed(tmp_path):
    """Scores sum sets of weights; with a plain ``sum`` the set's order, which changes with PYTHONHASHSEED, chose
    between two equally good merges in this generated document. ``math.fsum`` is exact, so the order cannot."""
    outputs = set()
    for seed in ("0", "3"):
        done = subprocess.run(
            [sys.executable, "-c", SEED_INDEPENDENCE_SCRIPT, str(ROOT / "benchmarks"), str(tmp_path / seed)],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}, check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert outputs.pop().count("\n") >= 15  # one line per bead


# --- any ratio of lengths has an alignment (issue 11) ----------------------------------------------------------------

LONG_EN = [f"Paragraph {k} reports that {k + 3} aircraft crossed the zone near Kaesong." for k in range(40)]
LONG_RU = [f"Абзац {k} сообщает, что {k + 3} самолётов пересекли зону у Кэсона." for k in range(40)]


@pytest.mark.parametrize("short", [0, 1, 2])
@pytest.mark.parametrize("long_b, lang_b", [(LONG_EN, "en"), (LONG_RU, "ru")])
def test_a_short_text_aligns_with_a_long_one_either_way(short, long_b, lang_b):
    a = LONG_EN[5 : 5 + short]
    assert_partition(align(a, long_b, "en", lang_b), short, len(long_b))
    assert_partition(align(long_b, a, lang_b, "en"), len(long_b), short)


def test_a_short_base_against_a_long_version_collates(tmp_path):
    from conftest import write_files
    from versions.collate import collate
    from versions.corpus import load_corpus

    root = write_files(
        tmp_path / "translations",
        {
            "doc-1/document.yaml": "title: Short and long\ndate: '1951'\noriginal_language: en\n",
            "doc-1/a.md": "---\nkind: original\nlanguage: en\n---\n" + LONG_EN[7] + "\n",
            "doc-1/b.md": "---\nkind: edition\nlanguage: en\n---\n" + "\n\n".join(LONG_EN) + "\n",
        },
    )
    collation = collate(load_corpus(root).documents[0])
    assert sorted(p for group in collation.table.groups for p in group.paragraphs("b")) == list(range(40))


# --- partial versions (issue 13) -------------------------------------------------------------------------------------


def test_rows_a_partial_version_does_not_cover_are_untranscribed(demo_texts):
    texts = {**demo_texts, "copy": [demo_texts["ru-rendering"][k] for k in (7, 8, 9)]}
    table = align_versions("wilson-en", texts, {**DEMO_LANGUAGES, "copy": "ru"}, partial={"copy": range(6, 10)})
    marks = [(group.paragraphs("wilson-en"), group.paragraphs("copy"), group.members["copy"].untranscribed)
             for group in table.groups]
    assert [(base, own) for base, own, _ in marks if own] == [((7,), (0,)), ((8,), (1,)), ((9,), (2,))]
    assert [base for base, own, lacuna in marks if not own and not lacuna] == [(5, 6)]  # covered, not there: omitted
    assert all(lacuna for base, own, lacuna in marks if base and not set(base) & set(range(6, 10)))
    assert not any(group.members[v].untranscribed for group in table.groups for v in table.versions if v != "copy")


def test_a_partial_version_naming_sheets_only_has_every_empty_row_untranscribed(demo_texts):
    texts = {**demo_texts, "copy": [demo_texts["ru-rendering"][k] for k in (12, 13)]}
    table = align_versions("wilson-en", texts, {**DEMO_LANGUAGES, "copy": "ru"}, partial={"copy": None})
    assert all(group.members["copy"].untranscribed != bool(group.paragraphs("copy")) for group in table.groups)


def test_partial_copies_leave_the_rows_of_the_whole_versions_as_they_were(demo_texts):
    whole = align_versions("wilson-en", demo_texts, DEMO_LANGUAGES)
    copies = {"first": [demo_texts["ru-rendering"][k] for k in (1, 6, 7, 8, 9)],
              "second": [demo_texts["ru-rendering"][k] for k in (3, 4, 20, 21, 22, 23)]}
    table = align_versions("wilson-en", {**demo_texts, **copies}, {**DEMO_LANGUAGES, "first": "ru", "second": "ru"},
                           partial={"first": None, "second": None})
    assert [group.paragraphs("wilson-en") for group in table.groups] == [
        group.paragraphs("wilson-en") for group in whole.groups]
    assert [g.paragraphs("wilson-en") for g in table.groups if g.paragraphs("second")] == [
        (3,), (4,), (20,), (21,), (22,), (23,)]
