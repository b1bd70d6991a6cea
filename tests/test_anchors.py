"""Anchors: numbers, dates, names and punctuation that survive translation."""

import pytest

from versions.anchors import (
    Anchor,
    anchor_keys,
    build_gazetteer,
    detect_language,
    extract_anchors,
    gazetteer,
    names_match,
    transliterate,
    unmatched_anchors,
)


def of_kind(text: str, kind: str, language: str | None = None) -> set[str]:
    return {anchor.value for anchor in extract_anchors(text, language) if anchor.kind == kind}


@pytest.mark.parametrize(
    "text, dates",
    [
        ("19 августа противник совершил налёт", {"08-19"}),
        ("в ночь на 22 августа", {"08-22"}),
        ("в ночь на 22-е августа", {"08-22"}),
        ("к 1-му сентября", set()),  # an ordinal without a day number in the usual form is not guessed at
        ("телеграмма от 27 августа 1951 года", {"1951-08-27"}),
        ("3 СЕНТЯБРЯ", {"09-03"}),
        ("с 17 по 21 мая", {"05-21"}),
        ("1 января и 31 декабря", {"01-01", "12-31"}),
    ],
)
def test_russian_dates_in_any_case_form(text, dates):
    assert of_kind(text, "date", "ru") == dates


@pytest.mark.parametrize(
    "text, dates",
    [
        ("On August 19 enemy troops", {"08-19"}),
        ("on 19 August", {"08-19"}),
        ("the 19th of August", {"08-19"}),
        ("August 27, 1951", {"1951-08-27"}),
        ("Aug. 27 1951", {"1951-08-27"}),
        ("From BEIJING 01:30 27.8.1951", {"1951-08-27"}),
        ("dated 1951-08-27", {"1951-08-27"}),
        ("in August 1951", set()),
    ],
)
def test_english_and_numeric_dates(text, dates):
    assert of_kind(text, "date", "en") == dates


def test_chinese_dates_with_chinese_numerals():
    assert of_kind("一九五一年八月二十八日", "date", "zh") == {"1951-08-28"}
    assert of_kind("八月十九日和二十二日", "date", "zh") == {"08-19"}
    assert of_kind("1951年8月27日", "date", "zh") == {"1951-08-27"}


def test_the_same_date_across_languages():
    english = extract_anchors("On August 19 enemy troops made a raid", "en")
    russian = extract_anchors("19 августа вражеские войска совершили налёт", "ru")
    assert Anchor("date", "08-19") in english & russian


@pytest.mark.parametrize(
    "text, language, numbers",
    [
        ("CIPHERED TELEGRAM No. 23256", "en", {"23256"}),
        ("23,256 men", "en", {"23256"}),
        ("23 256 человек", "ru", {"23256"}),
        ("3,5 процента", "ru", {"3.5"}),
        ("From BEIJING 01:30", "en", {"01:30"}),
        ("one enemy plane dropped nine bombs", "en", {"1", "9"}),
        ("самолёт сбросил девять бомб", "ru", {"9"}),
        ("девятью бомбами", "ru", {"9"}),
        ("twenty-five sorties", "en", {"25"}),
        ("двадцать пять самолёто-вылетов", "ru", {"25"}),
        ("Stalin (2), Molotov", "en", {"2"}),
        ("1,200 wagons and 300 trucks", "en", {"1200", "300"}),
        ("敌机投下九枚炸弹", "zh", {"9"}),
        ("五十名军官", "zh", {"50"}),
    ],
)
def test_numbers_are_normalised(text, language, numbers):
    assert of_kind(text, "number", language) == numbers


def test_the_digits_of_a_date_are_not_also_numbers():
    assert extract_anchors("On August 19", "en") == {Anchor("date", "08-19")}


@pytest.mark.parametrize(
    "text, language, name",
    [
        ("в нейтральной зоне Кэсона", "ru", "kaesong"),
        ("в Кэсоне", "ru", "kaesong"),
        ("neutral zone in Gaeseong", "en", "kaesong"),
        ("at Kaeseong", "en", "kaesong"),
        ("开城中立区", "zh", "kaesong"),
        ("Ли Сын Ман не мог", "ru", "syngman rhee"),
        ("без Ли Сын Мана", "ru", "syngman rhee"),
        ("that Syngmann Rhee could", "en", "syngman rhee"),
        ("товарищ Ким Ир Сен предлагает", "ru", "kim il sung"),
        ("Comrade Kim Il Sung suggests", "en", "kim il sung"),
        ("Мао Цзэдун", "ru", "mao zedong"),
        ("毛泽东同志", "zh", "mao zedong"),
        ("Mao Tse-tung wrote", "en", "mao zedong"),
        ("Копии: Сталину (2), Молотову", "ru", "stalin"),
        ("To Comrade FILIPPOV [Stalin]", "en", "filippov"),
        ("Из ПЕКИНА", "ru", "beijing"),
        ("from Peking", "en", "beijing"),
        ("южнокорейского отряда", "ru", "south korea"),
        ("American officers", "en", "united states"),
        ("американские офицеры", "ru", "united states"),
    ],
)
def test_names_through_the_gazetteer(text, language, name):
    assert name in of_kind(text, "name", language)


def test_names_outside_the_gazetteer_are_transliterated():
    assert "lebedev" in of_kind("Расшифровал: товарищ Лебедев.", "name", "ru")
    assert "lebedev" in of_kind("Deciphered by Comrade Lebedev.", "name", "en")


def test_capitals_that_open_a_sentence_or_title_are_not_names():
    names = of_kind("After this, the enemy retreated. Comrade Ivanov agreed. We suppose so.", "name", "en")
    assert names == {"ivanov"}
    assert of_kind("joy and turner", "name", "en") == set()


def test_sentence_final_exclamation_and_question_marks():
    assert of_kind("Comrade Filippov! How do you view this?", "punct", "en") == {"!", "?"}
    assert of_kind("毛泽东同志！", "punct", "zh") == {"!"}
    assert of_kind("a 2!3 ratio", "punct", "en") == set()


def test_transliteration_table():
    assert transliterate("Жуков") == "zhukov"
    assert transliterate("Щербаков") == "shcherbakov"
    assert transliterate("Хрущёв") == "khrushchyov"


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("filippov", "filippovu", True),
        ("stalin", "stalinu", True),
        ("lebedev", "lebedeva", True),
        ("molotov", "malenkov", False),
        ("mao", "kim", False),
    ],
)
def test_fuzzy_name_matching(a, b, same):
    assert names_match(a, b) is same


@pytest.mark.parametrize(
    "text, language",
    [
        ("Товарищ Филиппов! Противник совершил налёт.", "ru"),
        ("毛泽东同志，八月二十七日来电收悉。", "zh"),
        ("Comrade Filippov! The enemy made a raid.", "en"),
        ("Der Feind hat die Verhandlungen nicht abgebrochen, und wir sind mit dem Vorschlag einverstanden.", "de"),
        ("Les délégations ne se réuniront pas tant que l'ennemi n'a pas donné une réponse satisfaisante.", "fr"),
        ("", "en"),
    ],
)
def test_detect_language_from_script_and_function_words(text, language):
    assert detect_language(text) == language


def test_anchors_a_translation_dropped():
    original = extract_anchors("19 августа в Кэсоне убит один человек; 22 августа сброшено девять бомб.", "ru")
    translation = extract_anchors("On August 22 a plane dropped nine bombs on Kaesong.", "en")
    assert unmatched_anchors(original, translation) == {Anchor("date", "08-19"), Anchor("number", "1")}
    assert unmatched_anchors(translation, original) == set()


def test_anchor_keys_join_corresponding_anchors():
    ours = {Anchor("name", "lebedevu"), Anchor("date", "1951-08-27"), Anchor("number", "9")}
    theirs = {Anchor("name", "lebedev"), Anchor("date", "08-27"), Anchor("number", "9")}
    keys = anchor_keys(ours, theirs)
    assert {keys[anchor] for anchor in ours} == {keys[anchor] for anchor in theirs}


def test_the_packaged_gazetteer_loads_and_an_edited_one_is_honoured():
    assert gazetteer().canonical["gaeseong"] == "kaesong"
    custom = build_gazetteer({"vladivostok": ["Vladivostok", "Владивосток", "海参崴"]})
    assert [name for _, _, name in custom.find("во Владивостоке и 海参崴")] == ["vladivostok", "vladivostok"]


def test_number_words_guard_finds_what_the_bare_alternation_finds():
    import re

    from versions.anchors.numbers import NUMBER_WORDS

    texts = [
        "Twenty-five planes, THIRTY ONE bombs, one, two and three hundred; thirteen, then the thirty-first.",
        "Двадцать пять самолётов, тридцать одна бомба, одиннадцатого числа, пятью, сорока, девяноста.",
        "Other words: often, otherwise, tenth, sixteenths, seventy-seven, nineteen-twenty, oneself.",
    ]
    for language, words in NUMBER_WORDS.items():
        guarded = words.pattern
        # the same alternation without the lookahead on first letters
        bare = re.compile("(?<!\\w)" + guarded.pattern[guarded.pattern.index("))(?:") + 2 :], re.IGNORECASE)
        assert bare.pattern != guarded.pattern
        for text in texts:
            assert [(m.span(), m.lastindex) for m in guarded.finditer(text)] == [
                (m.span(), m.lastindex) for m in bare.finditer(text)
            ], (language, text)


def test_dates_and_times_are_found_without_their_guards_missing_any():
    assert of_kind("In 1951年8月19日 and on 三月五日", "date", "zh") == {"1951-08-19", "03-05"}
    assert of_kind("On 19.08.1951 at 12:30, 1951-08-20 and August 21, 1951", "date", "en") == {
        "1951-08-19", "1951-08-20", "1951-08-21"}
    assert of_kind("at 12:30", "number", "en") == {"12:30"}


TRICKY_DIGITS = [
    "On 19.08.1951 at 12:30, 1951-08-20, 5 May 1951 and the 3rd of June; 1,000 and 12 000 men, 2.5 km.",
    "19 августа 1951 года в 7:05, к 22-е августа, 1.2.52 и 12.05.1951; 1951-5-12, 25:61, 1:2:3, 123456.",
    "x1 12345 1,23 1,234,567 1.234.567 ١٢ 3:30pm 31.12. 1951年8月19日 0007 7-го 12 000 000",
]


def test_digit_led_patterns_tried_where_digits_start_find_what_a_full_scan_finds():
    from versions.anchors import core, dates, numbers

    patterns = [pattern for pattern, _, cue in dates.DATE_PATTERNS if cue is None]
    patterns += [numbers.TIME, *numbers.NUMBER.values()]
    for text in TRICKY_DIGITS:
        runs = [run.start() for run in core.DIGIT_RUN.finditer(text)]
        for pattern in patterns:
            assert pattern.pattern.startswith(core.DIGIT_FIRST)
            found = core.digit_led_matches(pattern, text, runs)
            assert [(m.span(), m.groups()) for m in found] == [
                (m.span(), m.groups()) for m in pattern.finditer(text)
            ], (pattern.pattern, text)


def test_gazetteer_starts_are_the_word_starts_of_first_letters_and_every_han_letter():
    import re

    entries = {"kaesong": ["Kaesong", "Кэсон", "开城"], "kim": ["Kim Il-sung"], "haishenwai": ["海参崴"]}
    custom = build_gazetteer(entries)
    letters = "".join(sorted({form[0] for forms in (["Kaesong", "KAESONG", "Кэсон", "кэсон", "КЭСОН"],
                                                     ["Kim Il-sung", "KIM IL-SUNG"]) for form in forms}))
    plain = re.compile(rf"(?<![\w-])[{letters}]|[开海]")
    for text in ["Kaesong, xKaesong -Kim Kim-Kim 开城开城 в Кэсоне кэсон\nKIM", "海参崴 и Kim", "", "K", "开"]:
        assert [m.start() for m in custom.starts.finditer(text)] == [m.start() for m in plain.finditer(text)]
    assert [name for _, _, name in custom.find("xKaesong, 开城 and Kim Il-sung")] == ["kaesong", "kim"]


def test_name_words_start_words():
    import re

    from versions.anchors import names

    plain = re.compile(r"(?<![\w-])([A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁa-zа-яё][a-zа-яё]+)*)(?![\w-])")
    for text in ["Met Kim Il-sung, xKim and -Peng at Kaesong.", "Встреча Ким Ир Сена, ЦК и Пэн-Дэхуай", "Ab"]:
        assert [(m.span(), m.group(1)) for m in names._NAME_WORD.finditer(text)] == [
            (m.span(), m.group(1)) for m in plain.finditer(text)
        ]
