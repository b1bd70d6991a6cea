from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from versions.normalize import (
    ALL,
    DEFAULT,
    FLAGS,
    NONE,
    Normalization,
    parse_romanization,
    romanization_table,
)

CASE = Normalization(case=True)
PUNCTUATION = Normalization(punctuation=True)
WHITESPACE = Normalization(whitespace=True)
UNICODE = Normalization(unicode=True)
ROMANIZATION = Normalization(romanization=True)

every_normalization = st.builds(Normalization, *(st.booleans() for _ in FLAGS))


def test_parse_names_the_flags():
    normalization = Normalization.parse("case, punctuation")
    assert normalization == Normalization(case=True, punctuation=True)
    assert normalization.names() == ("case", "punctuation")
    assert normalization.to_json() == ["case", "punctuation"]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("", NONE),
        ("none", NONE),
        ("default", DEFAULT),
        ("all", ALL),
        ("DEFAULT,case", Normalization(case=True, whitespace=True, unicode=True)),
    ],
)
def test_parse_presets(spec, expected):
    assert Normalization.parse(spec) == expected


def test_parse_refuses_unknown_names():
    with pytest.raises(ValueError, match="unknown normalization 'capitals'.*case"):
        Normalization.parse("case,capitals")


@given(every_normalization)
def test_str_and_json_round_trip(normalization):
    assert Normalization.parse(str(normalization)) == normalization
    assert Normalization.from_names(normalization.to_json()) == normalization


def test_none_is_falsy_and_keeps_tokens():
    assert not NONE and ALL and DEFAULT
    assert NONE.key("Gaeseong,") == "Gaeseong,"


def test_case():
    assert CASE.key("RHEE") == CASE.key("Rhee") == "rhee"


def test_punctuation_inside_words_and_between_them():
    assert PUNCTUATION.key("Tse-tung") == "Tsetung"
    assert PUNCTUATION.key(", ") == PUNCTUATION.key(" ") == " "
    assert PUNCTUATION.key("«»—.") == ""


def test_whitespace():
    assert WHITESPACE.key(" \n\t ") == ""
    assert WHITESPACE.key(" , ") == WHITESPACE.key(",")


def test_unicode_composes_and_folds_cyrillic_look_alikes():
    assert UNICODE.key("Cafe\u0301") == UNICODE.key("Café")
    assert UNICODE.key("K\u0430esong") == "Kaesong"  # Cyrillic а
    assert UNICODE.key("\u0421\u0435\u0443\u043b") == UNICODE.key("C\u0435y\u043b")  # Сеул, С/е/у Latin or not
    assert NONE.key("K\u0430esong") != "Kaesong"


def test_unicode_folds_traditional_chinese_characters_to_simplified():
    assert UNICODE.key("開城") == UNICODE.key("开城") == "开城"
    assert NONE.key("開城") != NONE.key("开城")


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("Gaeseong", "Kaesong"),
        ("Kaeseong", "Kaesong"),
        ("Kaesong", "Kaesong"),
        ("Syngmann", "Syngman"),
        ("Peking", "Beijing"),
        ("Tse-tung", "Zedong"),
        ("Tsetung", "Zedong"),
        ("GAESEONG", "KAESONG"),
        ("gaeseong", "kaesong"),
    ],
)
def test_romanization_maps_variants_to_the_canonical_spelling_in_their_case(variant, canonical):
    assert ROMANIZATION.key(variant) == canonical


def test_romanization_alone_keeps_case_differences():
    assert ROMANIZATION.key("GAESEONG") != ROMANIZATION.key("Kaesong")
    assert Normalization(case=True, romanization=True).key("GAESEONG") == "kaesong"


def test_romanization_leaves_other_words_alone():
    assert ROMANIZATION.key("Rhee") == "Rhee"
    assert ROMANIZATION.key(", ") == ", "


def test_romanization_table_ships_as_package_data():
    table = romanization_table()
    assert table["gaeseong"] == table["kaeseong"] == table["kaesong"] == "Kaesong"
    assert table["syngmann"] == "Syngman"


def test_romanization_table_refuses_several_words_and_conflicts():
    with pytest.raises(ValueError, match="not one word"):
        parse_romanization({"Kim": ["Kim Il"]})
    with pytest.raises(ValueError, match="listed under both"):
        parse_romanization({"Kaesong": ["Gaeseong"], "Seoul": ["Gae-seong"]})


@given(st.text(max_size=20))
def test_unicode_keys_do_not_depend_on_composition(text):
    assert UNICODE.key(unicodedata.normalize("NFD", text)) == UNICODE.key(unicodedata.normalize("NFC", text))


@given(st.text(alphabet="aeopcyxAEOPCTXBKMH", max_size=20), st.lists(st.booleans(), max_size=20))
def test_unicode_keys_do_not_depend_on_look_alike_script(latin, to_cyrillic):
    lookalikes = dict(zip("aeopcyxAEOPCTXBKMH", "аеорсухАЕОРСТХВКМН"))
    mixed = "".join(lookalikes[char] if flip else char for char, flip in zip(latin, [*to_cyrillic, *[False] * 20]))
    assert UNICODE.key(mixed) == UNICODE.key(latin) == latin


@given(every_normalization, st.text(max_size=12))
def test_kept_keys_are_the_keys_and_no_part_of_equality(normalization, token):
    import pickle

    from versions.normalize import _key

    assert normalization.key(token) == normalization.key(token) == _key(token, normalization)
    fresh = Normalization(**{flag: getattr(normalization, flag) for flag in FLAGS})
    assert fresh == normalization and hash(fresh) == hash(normalization)
    assert bool(fresh) == any(getattr(normalization, flag) for flag in FLAGS)
    assert pickle.loads(pickle.dumps(normalization)) == normalization
