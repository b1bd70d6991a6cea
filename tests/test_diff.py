from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from versions.diff import (
    DELETE,
    EQUAL,
    INSERT,
    WordDiff,
    diff_main,
    render_html,
    render_side_by_side,
    render_text,
    tokenize,
    word_diff,
)
from versions.normalize import ALL, FLAGS, Normalization

ROMANIZATION = Normalization(romanization=True)
SRC = Path(__file__).resolve().parents[1] / "src"

# Text made of pieces that make diffs interesting: shared words, their variants under each normalization,
# Cyrillic (with Latin look-alikes), CJK, punctuation, spacing, and arbitrary text.
PIECES = [
    *("Syngman", "Syngmann", "Rhee", "RHEE", "Kaesong", "Gaeseong", "Kaeseong", "K\u0430esong", "Peking", "Beijing"),
    *("Mao", "Tse-tung", "Zedong", "23256", "23,256", "27.08.1951", "Café", "Cafe\u0301", "don't", "the", "a", "of"),
    *("Кэсон", "Москва", "Ли Сын Ман", "毛泽东", "同志", "金日成"),
    *(" ", "  ", "\n", "\n\n", "\t", ", ", ". ", ",", ".", "!", "—", "«", "»", "(", ")", "'", "-"),
]
# Few short words and separators: many repeats, many equally good diffs.
REPEATED = ["a", "ab", "abc", "abcd", " ", ", ", "."]
piece = st.one_of(st.sampled_from(PIECES), st.sampled_from(REPEATED), st.text(max_size=4))
texts = st.lists(piece, max_size=30).map("".join)
every_normalization = st.builds(Normalization, *(st.booleans() for _ in FLAGS))


@st.composite
def text_pairs(draw):
    """Two texts, the second often an edited copy of the first (independent texts rarely share words)."""
    pieces = draw(st.lists(piece, max_size=30))
    if draw(st.booleans()):
        return "".join(pieces), draw(texts)
    edited = list(pieces)
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(edited)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or position == len(edited):
            edited.insert(position, draw(piece))
        elif action == "delete":
            del edited[position]
        else:
            edited[position] = draw(piece)
    return "".join(pieces), "".join(edited)


def side_texts(diff: WordDiff) -> tuple[str, str]:
    a = "".join(text for op, text in diff.ops if op in (EQUAL, DELETE))
    b = "".join(text for op, text in diff.ops if op in (EQUAL, INSERT))
    return a, b


# Exactness and structure, for any text and normalization


@settings(max_examples=300)
@given(text_pairs(), every_normalization)
def test_ops_give_both_texts_back_exactly(pair, normalization):
    a, b = pair
    diff = word_diff(a, b, normalization)
    assert side_texts(diff) == (a, b)
    assert (diff.text_a, diff.text_b) == (a, b)


@given(text_pairs(), every_normalization)
def test_ops_never_cut_a_word(pair, normalization):
    a, b = pair
    diff = word_diff(a, b, normalization)
    for side, text in ((DELETE, a), (INSERT, b)):
        cuts = _offsets(op_text for op, op_text in diff.ops if op in (EQUAL, side))
        assert cuts <= _offsets(tokenize(text))


def _offsets(pieces) -> set[int]:
    offsets, end = {0}, 0
    for text in pieces:
        end += len(text)
        offsets.add(end)
    return offsets


@given(text_pairs(), every_normalization)
def test_ops_are_merged(pair, normalization):
    diff = word_diff(*pair, normalization)
    assert all(text for _, text in diff.ops)
    kinds = [(op, index in diff.muted) for index, (op, _) in enumerate(diff.ops)]
    assert all(kind != following for kind, following in zip(kinds, kinds[1:]))


@given(text_pairs(), every_normalization)
def test_muted_ops_differ_only_by_normalization(pair, normalization):
    diff = word_diff(*pair, normalization)
    assert diff.muted == sorted(set(diff.muted))
    assert all(diff.ops[index][0] != EQUAL for index in diff.muted)
    for deletion, insertion in _muted_pairs(diff):
        assert _nonempty_keys(deletion, normalization) == _nonempty_keys(insertion, normalization)
    for lone in _lone_muted(diff):
        assert _nonempty_keys(lone, normalization) == []
    if not normalization:
        assert diff.muted == []


def _muted_pairs(diff: WordDiff) -> list[tuple[str, str]]:
    return [(diff.ops[index][1], diff.ops[index + 1][1]) for index in _muted_pair_starts(diff)]


def _lone_muted(diff: WordDiff) -> list[str]:
    paired = {index + offset for index in _muted_pair_starts(diff) for offset in (0, 1)}
    return [diff.ops[index][1] for index in diff.muted if index not in paired]


def _muted_pair_starts(diff: WordDiff) -> list[int]:
    muted = set(diff.muted)
    return [
        index
        for index in diff.muted
        if diff.ops[index][0] == DELETE and index + 1 in muted and diff.ops[index + 1][0] == INSERT
    ]


def _nonempty_keys(text: str, normalization: Normalization) -> list[str]:
    """The keys the diff compares, without those normalized to nothing."""
    return [key for key in map(normalization.key, tokenize(text)) if key]


@given(text_pairs(), every_normalization)
def test_counts_and_similarity_are_in_range(pair, normalization):
    a, b = pair
    diff = word_diff(a, b, normalization)
    assert min(diff.inserted, diff.deleted, diff.replaced) >= 0
    assert 0.0 <= diff.similarity <= 1.0
    assert diff.normalization == normalization.names()


@given(texts, every_normalization)
def test_a_text_against_itself_is_one_equal_op(text, normalization):
    diff = word_diff(text, text, normalization)
    assert diff.ops == ([(EQUAL, text)] if text else [])
    assert (diff.similarity, diff.inserted, diff.deleted, diff.replaced, diff.muted) == (1.0, 0, 0, 0, [])


@given(texts)
def test_tokens_give_the_text_back(text):
    assert "".join(tokenize(text)) == text


# The engines


@pytest.fixture(scope="module")
def both_engines():
    pytest.importorskip("fast_diff_match_patch")
    return ("fast_diff_match_patch", "diff_match_patch")


# Small alphabets make many equally short edit scripts: the ties are where two implementations could part.
code_point_alphabets = st.sampled_from(
    ["ab", "abc ", "\ue000\ue001\ue002", "\U000f0000\U000f0001\ue000", "аб в", "毛泽 东", "a\nb ", "ab.,! "]
)


@st.composite
def code_point_pairs(draw):
    alphabet = draw(code_point_alphabets | st.text(min_size=1, max_size=6))
    string = st.lists(st.sampled_from(alphabet), max_size=120).map("".join)
    return draw(string), draw(string)


@settings(max_examples=400)
@given(code_point_pairs())
def test_engines_give_identical_operations(both_engines, pair):
    fast, python = (diff_main(*pair, engine=engine) for engine in both_engines)
    assert fast == python


@given(text_pairs(), every_normalization)
def test_engines_give_identical_word_diffs(both_engines, pair, normalization):
    fast, python = (word_diff(*pair, normalization, engine=engine) for engine in both_engines)
    assert fast == python


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="not available"):
        diff_main("a", "b", engine="difflib")


def test_pure_python_engine_is_the_fallback():
    blocked = "import sys; sys.modules['fast_diff_match_patch'] = None; "
    check = "from versions import diff; print(diff.ENGINE, diff.ENGINES, diff.word_diff('a b', 'a c').replaced)"
    result = subprocess.run(
        [sys.executable, "-c", blocked + check],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC)},
    )
    assert result.stdout.split() == ["diff_match_patch", "('diff_match_patch',)", "1"]


# Examples


def test_one_word_replaced_and_nothing_else():
    diff = word_diff("Syngmann Rhee", "Syngman Rhee")
    assert diff.ops == [(DELETE, "Syngmann"), (INSERT, "Syngman"), (EQUAL, " Rhee")]
    assert (diff.replaced, diff.inserted, diff.deleted, diff.muted) == (1, 0, 0, [])


def test_romanization_leaves_only_a_muted_change():
    diff = word_diff("Syngmann Rhee", "Syngman Rhee", ROMANIZATION)
    assert diff.ops == [(DELETE, "Syngmann"), (INSERT, "Syngman"), (EQUAL, " Rhee")]
    assert diff.muted == [0, 1]
    assert (diff.replaced, diff.inserted, diff.deleted, diff.similarity) == (0, 0, 0, 1.0)
    assert diff.normalization == ("romanization",)
    assert render_html(diff, show_muted=False) == "Syngman Rhee"
    assert render_html(diff) == '<del class="muted">Syngmann</del><ins class="muted">Syngman</ins> Rhee'


def test_a_change_inside_a_sentence_is_whole_words():
    diff = word_diff("The quick brown fox.", "The quick red fox.")
    assert diff.ops == [(EQUAL, "The quick "), (DELETE, "brown"), (INSERT, "red"), (EQUAL, " fox.")]


def test_a_word_between_punctuation_changes_stays_equal():
    diff = word_diff("to Filippov [Stalin]: on", "to Filippov (Stalin): on")
    assert (EQUAL, "Stalin") in diff.ops
    assert (diff.inserted, diff.deleted, diff.replaced) == (0, 0, 0)


def test_cleanup_joins_changes_split_by_a_space_only():
    diff = word_diff("The quick fox jumps", "The slow dog jumps")
    assert diff.ops == [(EQUAL, "The "), (DELETE, "quick fox"), (INSERT, "slow dog"), (EQUAL, " jumps")]
    assert diff.replaced == 2


@pytest.mark.parametrize(
    ("a", "b", "counts"),
    [
        ("Kim Il Sung", "Kim Il Sung and Mao", (2, 0, 0)),
        ("nine bombs fell on Kaesong", "bombs fell on Kaesong", (0, 1, 0)),
        ("one two three four", "one five four", (0, 1, 1)),
        ("one two four", "one five six seven four", (2, 0, 1)),
        ("a, b", "a; b", (0, 0, 0)),
        ("毛泽东同志", "毛泽东主席", (0, 0, 2)),
    ],
)
def test_word_counts(a, b, counts):
    diff = word_diff(a, b)
    assert (diff.inserted, diff.deleted, diff.replaced) == counts


def test_whitespace_and_punctuation_differences_normalized_away_are_muted():
    a, b = "Rhee said,  in Kaesong.\n", "Rhee said in Kaesong"
    plain = word_diff(a, b)
    assert (plain.inserted, plain.deleted, plain.replaced) == (0, 0, 0)
    assert plain.similarity < 1.0
    normalized = word_diff(a, b, Normalization(punctuation=True, whitespace=True))
    assert set(normalized.muted) == {index for index, (op, _) in enumerate(normalized.ops) if op != EQUAL}
    assert normalized.similarity == 1.0


def test_muted_deletions_are_merged():
    diff = word_diff(".Kaesong", "Gaeseong", Normalization(punctuation=True, romanization=True))
    assert diff.ops == [(DELETE, ".Kaesong"), (INSERT, "Gaeseong")]
    assert diff.muted == [0, 1]


def test_cyrillic_look_alike_is_muted_under_unicode():
    diff = word_diff("K\u0430esong", "Kaesong", Normalization(unicode=True))
    assert diff.ops == [(DELETE, "K\u0430esong"), (INSERT, "Kaesong")]
    assert diff.muted == [0, 1]


def test_json_round_trip():
    diff = word_diff("Syngmann Rhee, 1951", "Syngman Rhee 1951", ALL)
    data = json.loads(json.dumps(diff.to_json()))
    assert set(data) == {"ops", "muted", "similarity", "inserted", "deleted", "replaced", "normalization"}
    assert data["ops"][0] == [-1, "Syngmann"]
    assert WordDiff.from_json(data) == diff


# Rendering

ATTACKS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.mark.parametrize("show_muted", [True, False])
@pytest.mark.parametrize(("a", "b"), [(ATTACKS[0], ATTACKS[1]), (ATTACKS[1], ATTACKS[0]), (ATTACKS[0], ATTACKS[0])])
def test_html_escapes_every_text(a, b, show_muted):
    html = render_html(word_diff(f"Rhee {a} said", f"Rhee said {b}", ALL), show_muted=show_muted)
    assert isinstance(html, Markup)
    assert set(re.findall(r"<(/?[^\s>]*)", html)) <= {"ins", "/ins", "del", "/del"}
    assert "<script" not in html and "<img" not in html and '"><' not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html


def test_text_is_plain_without_color():
    diff = word_diff("Syngmann Rhee", "Syngman Rhee")
    assert render_text(diff, color=False) == "[-Syngmann-]{+Syngman+} Rhee"
    assert "\x1b" not in render_text(diff, color=False)
    assert render_text(diff, color=True) == "\x1b[31mSyngmann\x1b[0m\x1b[32mSyngman\x1b[0m Rhee"


def test_text_marks_muted_changes_and_can_hide_them():
    diff = word_diff("Syngmann Rhee", "Syngman Rhee", ROMANIZATION)
    assert render_text(diff, color=False) == "[~Syngmann~]{~Syngman~} Rhee"
    assert render_text(diff, color=False, show_muted=False) == "Syngman Rhee"


def test_text_cannot_drive_the_terminal():
    diff = word_diff("Rhee", "Rhee \x1b[2J")
    assert "\x1b[2J" not in render_text(diff, color=True)
    assert "\\x1b[2J" in render_text(diff, color=False)


def test_side_by_side_keeps_columns_aligned():
    a = "Mao Tse-tung to Filippov: on 19 August enemy troops made a raid on the neutral zone in Kaesong. 毛泽东同志"
    b = "Mao Zedong to Filippov: on 19 August the enemy made a raid on the neutral zone of Kaesong. 毛泽东主席"
    view = render_side_by_side(word_diff(a, b), width=60)
    lines = view.splitlines()
    assert len(lines) > 2
    assert {_display_column(line, " | ") for line in lines} == {28}
    assert "[-Tse-tung-]" in view and "{+Zedong+}" in view


def _display_column(line: str, separator: str) -> int:
    prefix = line[: line.index(separator)]
    return sum(2 if "\u4e00" <= char <= "\u9fff" else 1 for char in prefix)


@given(st.text(alphabet=st.sampled_from(list("ab Б,.-'’1:2中 \u0301\n")), max_size=60))
def test_count_words_counts_the_word_tokens(text):
    from versions.diff import count_words, is_word, tokenize

    assert count_words(text) == sum(map(is_word, tokenize(text)))


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("ab Б,.-'’1:2中 \u0301\u0483\n_")), max_size=60))
def test_tokens_of_a_text_without_combining_marks_are_those_of_the_general_pattern(text):
    """A text with no combining mark is cut by a simpler pattern (a third faster): into the same tokens."""
    from versions.diff import _TOKEN, _WORD, count_words, tokenize

    plain = re.sub("[\u0301\u0483]", "", text)
    for each in (text, plain):
        assert tokenize(each) == _TOKEN.findall(each)
        assert count_words(each) == len(_WORD.findall(each))


@settings(max_examples=200)
@given(text_pairs(), every_normalization)
def test_a_diff_reversed_reads_from_b_to_a(pair, normalization):
    a, b = pair
    diff = word_diff(a, b, normalization)
    back = diff.reversed()
    assert (back.text_a, back.text_b) == (b, a)
    assert (back.inserted, back.deleted, back.replaced, back.similarity) == (
        diff.deleted, diff.inserted, diff.replaced, diff.similarity)
    assert sorted(back.ops[k] for k in back.muted) == sorted((-op, text) for op, text in (diff.ops[k] for k in diff.muted))
    assert back.reversed() == diff


def test_a_change_reversed_still_shows_its_deletion_first():
    diff = word_diff("уже девять дней", "уже 9 дней")
    assert diff.reversed().ops == [(EQUAL, "уже "), (DELETE, "9"), (INSERT, "девять"), (EQUAL, " дней")]
