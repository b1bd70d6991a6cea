"""Anchors: numbers, dates, names and punctuation that survive translation."""

from pathlib import Path

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
    assert of_kind("八月十九日和二十二日", "date", "zh") == {"08-19", "08-22"}  # two days of one month
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


def test_number_words_guard_passes_over_no_number_word():
    import re

    from versions.anchors.numbers import NUMBER_WORDS

    texts = [
        "Twenty-five planes, THIRTY ONE bombs, one, two and three hundred; thirteen, then the thirty-first.",
        "Двадцать пять самолётов, тридцать одна бомба, одиннадцатого числа, пятью, сорока, девяноста, Трое.",
        "Other words: often, otherwise, tenth, sixteenths, seventy-seven, nineteen-twenty, oneself.",
    ]
    every_word = re.compile(r"(?<!\w)[^\W\d_]+")
    found = 0
    for language, number_words in NUMBER_WORDS.items():
        for text in texts:
            numbers = [m.span() for m in every_word.finditer(text) if m.group(0).lower() in number_words.words]
            assert [m.span() for m in number_words.pattern.finditer(text)
                    if m.group(0).lower() in number_words.words] == numbers, (language, text)
            found += len(numbers)
    assert found > 20


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


# --- numbers spelled out ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, numbers", [
    ("nine planes", {"9"}),
    ("Twenty-seven men and THIRTY ONE bombs", {"27", "31"}),
    ("the thirty-first division, the ninth army", {"31", "9"}),
    ("nine hundred and ninety-nine, three thousand five hundred", {"999", "3500"}),
    ("one, two and three", {"1", "2", "3"}),  # a list, not 6 nor 123
    ("a second wave, the first time, the first, second and third", {"3"}),  # first and second alone seldom are
    ("First, we wait. Second: we protest.", {"1", "2"}),  # ... unless they head the items of a list
    ("as follows: first, to wait; second, to protest", {"1", "2"}),
    ("one of two outcomes", {"2"}),  # "one of" picks, it does not count
    ("often, oneself, tenths, seventeen-year-old", {"17"}),
])
def test_english_number_words_are_numbers(text, numbers):
    assert of_kind(text, "number", "en") == numbers


@pytest.mark.parametrize("text, numbers", [
    ("девять самолётов, девяти самолётов, девятью самолётами", {"9"}),
    ("одна бомба, одной бомбы, одну бомбу, одним ударом", {"1"}),
    ("двадцать семь человек, двадцати семи человек", {"27"}),
    ("девятого числа, девятая дивизия, в девятом часу", {"9"}),
    ("тридцать третьей армии", {"33"}),
    ("трое солдат, четверых раненых", {"3", "4"}),
    ("двести пятьдесят, пятисот, тысяча девятьсот пятьдесят первом", {"250", "500", "1951"}),
    ("первый секретарь, второй вопрос", set()),
    ("один из двух путей", {"2"}),
    ("первое — не возобновлять; второе — продолжать", {"1", "2"}),  # items of a list
    ("30 тысяч рабочих, 1,5 тысячи солдат", {"30000", "1500"}),
])
def test_russian_number_words_in_every_case_and_gender_are_numbers(text, numbers):
    assert of_kind(text, "number", "ru") == numbers


@pytest.mark.parametrize("text, language, dates", [
    ("the incidents of 19 and 22 August", "en", {"08-19", "08-22"}),
    ("the downpours of August 17-21, 1951", "en", {"1951-08-17", "1951-08-21"}),
    ("ливней 17–21 августа", "ru", {"08-17", "08-21"}),
    ("on the twenty-seventh of August", "en", {"08-27"}),
    ("on August the first, 1951", "en", {"1951-08-01"}),
    ("on the first of June", "en", {"06-01"}),
    ("двадцать седьмого августа", "ru", {"08-27"}),
    ("первого сентября тысяча девятьсот пятьдесят первого года", "ru", {"1951-09-01"}),
    ("тридцать первого декабря 1951 года", "ru", {"1951-12-31"}),
])
def test_dates_with_the_day_in_words(text, language, dates):
    assert of_kind(text, "date", language) == dates


def test_a_number_in_words_and_in_digits_correspond():
    words, digits = extract_anchors("девять самолётов", "ru"), extract_anchors("9 planes", "en")
    assert not unmatched_anchors(words, digits) and not unmatched_anchors(digits, words)


# --- Chinese -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("numeral, value", [
    ("八", 8), ("十", 10), ("十九", 19), ("二十七", 27), ("廿七", 27), ("卅", 30), ("卅一", 31), ("一百零五", 105),
    ("三万五千", 35000), ("一九五一", 1951), ("两", 2),
])
def test_chinese_numerals(numeral, value):
    from versions.anchors.chinese import to_int

    assert to_int(numeral) == value


@pytest.mark.parametrize("text, dates", [
    ("八月二十二日", {"08-22"}),
    ("一九五一年八月廿二日", {"1951-08-22"}),
    ("8月22号", {"08-22"}),
    ("八月感日", {"08-27"}),
    ("毛泽东\n八月感", {"08-27"}),
    ("九月卅日", {"09-30"}),
    ("三月初五日抵达", {"03-05"}),  # 初一 to 初十, the first ten days of a month
])
def test_chinese_dates(text, dates):
    assert of_kind(text, "date", "zh") == dates


def test_the_day_codes_are_the_31_days_of_the_month():
    from versions.anchors.chinese import DAY_CODES

    days = sorted(DAY_CODES.values())
    assert set(days) == set(range(1, 32))
    assert (DAY_CODES["东"], DAY_CODES["文"], DAY_CODES["马"], DAY_CODES["皓"], DAY_CODES["感"], DAY_CODES["艳"]) == (
        1, 12, 21, 19, 27, 29)
    assert DAY_CODES["卅"] == DAY_CODES["陷"] == 30 and DAY_CODES["世"] == DAY_CODES["引"] == 31


@pytest.mark.parametrize("text, numbers", [
    ("于感日到达", {"27"}),  # a day code before 日 where a word starts
    ("马电收悉", {"21"}),  # the telegram of the 21st
    ("毛泽东 感", {"27"}),  # a telegram signed with its day
    ("感谢你们，有时文电很多", set()),  # the same characters inside words are no codes
    ("九架飞机，三个师，第三十九军，一九五一年", {"9", "3", "39", "1951"}),
    ("一、敌人\n二、我们", {"1", "2"}),
    ("统一、一些、万一", set()),
    ("代表团团长年五十八岁，副团长两位", {"58", "2"}),  # an age, and 位 counting people
])
def test_chinese_day_codes_and_counted_numbers(text, numbers):
    assert of_kind(text, "number", "zh") == numbers


def test_traditional_and_simplified_characters_are_one_name():
    assert of_kind("開城、毛澤東、周恩來", "name", "zh") == of_kind("开城、毛泽东、周恩来", "name", "zh") == {
        "kaesong", "mao zedong", "zhou enlai"}
    assert [name for _, _, name in build_gazetteer({"taipei": ["臺北"]}).find("在台北")] == ["taipei"]


def test_wade_giles_and_postal_spellings_are_the_pinyin_names():
    text = "Mao Tse-tung and Chou En-lai left Peking for Tientsin; Chu Teh stayed at Kaesong."
    assert of_kind(text, "name", "en") >= {"mao zedong", "zhou enlai", "beijing", "tianjin", "zhu de", "kaesong"}


def test_a_region_or_script_tag_reads_as_its_language():
    assert extract_anchors("九架飞机", "zh-Hant") == extract_anchors("九架飞机", "zh")
    assert extract_anchors("nine planes", "en-GB") == extract_anchors("nine planes", "en")


GOLD = Path(__file__).parent / "data" / "align"


@pytest.mark.parametrize("case", ["cross-numbers-ru-en", "cross-zh-en-traditional"])
def test_every_number_and_date_of_a_gold_pair_has_its_counterpart(case):
    """Gold pairs whose one side writes numbers in words, day codes or Chinese numerals, the other in digits."""
    import re

    import yaml

    from versions.align import parse_beads

    folder = GOLD / case
    meta = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    a, b = ([p.strip() for p in re.split(r"\n\s*\n", (folder / f"{side}.txt").read_text(encoding="utf-8")) if p.strip()]
            for side in "ab")
    for bead in parse_beads((folder / "gold.txt").read_text(encoding="utf-8")):
        ours = extract_anchors("\n\n".join(a[i] for i in bead.a), meta["lang_a"])
        theirs = extract_anchors("\n\n".join(b[j] for j in bead.b), meta["lang_b"])
        dropped = {x for x in unmatched_anchors(ours, theirs) | unmatched_anchors(theirs, ours) if x.kind != "name"}
        assert not dropped, (bead, dropped)
