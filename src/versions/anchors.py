"""Anchors: the parts of a text that survive translation — numbers, dates, proper names, ! and ?.

The cross-language aligner scores paragraph pairs by the anchors they share, and the diff reports the anchors a
translation dropped. Everything is normalised so that equal things compare equal across scripts: "19 августа" and
"August 19" are both the date ``08-19``; "Кэсона", "Gaeseong" and "开城" are all the name ``kaesong``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable

from rapidfuzz import fuzz, process

from .text import load_data_yaml

NAME_MATCH_THRESHOLD = 85  # rapidfuzz ratio (0-100) at which two romanized names count as one


@dataclass(frozen=True, order=True)
class Anchor:
    kind: str  # "number", "date", "name" or "punct"
    value: str


# --- language --------------------------------------------------------------------------------------------------------

_LATIN_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "with", "for", "was", "on", "are", "this", "which", "we"},
    "de": {"der", "die", "das", "und", "nicht", "ist", "mit", "sich", "auf", "dem", "den", "ein", "eine", "zu", "wir"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "dans", "que", "pour", "qui", "du", "pas", "nous", "au"},
    "es": {"el", "los", "las", "y", "del", "que", "en", "por", "una", "con", "para", "es", "se", "lo", "al"},
    "it": {"il", "della", "che", "di", "e", "per", "una", "con", "non", "sono", "gli", "dei", "nel", "alla", "del"},
}


def detect_language(text: str) -> str:
    """Guess a language code from the script: "ru" (Cyrillic), "zh" (Han), "ja", "ko", else a Latin language.

    Latin-script text is "en" unless the common function words of German, French, Spanish or Italian clearly
    outnumber the English ones.
    """
    text = text[:50_000]  # plenty to tell a script and keeps a long text from costing a long time
    counts = {"cyrillic": 0, "han": 0, "kana": 0, "hangul": 0, "latin": 0}
    for char in text:
        script = _script(char)
        if script:
            counts[script] += 1
    if counts["kana"] and counts["kana"] + counts["han"] > counts["latin"] + counts["cyrillic"]:
        return "ja"
    if counts["hangul"] > counts["latin"] + counts["cyrillic"]:
        return "ko"
    if counts["han"] * 3 > counts["latin"] + counts["cyrillic"]:
        return "zh"
    if counts["cyrillic"] > counts["latin"]:
        return "ru"
    return _latin_language(text)


def _script(char: str) -> str | None:
    code = ord(char)
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return "han"
    if 0x3040 <= code <= 0x30FF:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF:
        return "hangul"
    if char.isalpha() and code < 0x0250:
        return "latin"
    return None


def _latin_language(text: str) -> str:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    hits = {lang: sum(word in stopwords for word in words) for lang, stopwords in _LATIN_STOPWORDS.items()}
    best = max(hits, key=lambda lang: hits[lang])
    return best if hits[best] > 1.5 * hits["en"] + 2 else "en"


# --- transliteration -------------------------------------------------------------------------------------------------

_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u",
}


_TRANSLITERATION = str.maketrans(_CYRILLIC_TO_LATIN)


def transliterate(text: str) -> str:
    """Cyrillic to lowercase Latin with our own table (close to English usage: Жуков -> zhukov)."""
    return text.lower().translate(_TRANSLITERATION)


def _name_key(text: str) -> str:
    """Lowercase Latin spelling without diacritics or punctuation, the form names are compared in."""
    decomposed = unicodedata.normalize("NFKD", transliterate(text))
    return re.sub(r"[^a-z0-9 ]+", "", "".join(c for c in decomposed if not unicodedata.combining(c))).strip()


def names_match(a: str, b: str) -> bool:
    """Whether two romanized names are one name: equal, inflected (filippov/filippovu) or fuzzily close."""
    if a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 4 and longer.startswith(shorter) and len(longer) - len(shorter) <= 2:
        return True
    return fuzz.ratio(a, b) >= NAME_MATCH_THRESHOLD


# --- gazetteer -------------------------------------------------------------------------------------------------------

_CYRILLIC_WORD_TAIL = "[а-яё]{0,3}"  # room for Russian case endings: Кэсон -> Кэсоном, Корея -> Кореей
_WORD_START = re.compile(r"(?<![\w-])\w|[\u3400-\u9fff]")


@dataclass(frozen=True)
class Gazetteer:
    patterns: dict  # first letter, lowercased -> regex of the spellings starting with it, longest first
    canonical: dict  # spelling, lowercased -> canonical name
    stems: dict  # Cyrillic spelling as a tuple of word stems -> canonical name
    # where a spelling may start: _WORD_START narrowed to the letters (in the cases) spellings start with, so that
    # the other words are passed over by the regex engine, not one by one in Python
    starts: re.Pattern = field(default=_WORD_START, compare=False)

    def find(self, text: str):
        """Yield (start, end, canonical name) for each spelling found in text."""
        end = 0
        for start in self.starts.finditer(text):
            pattern = self.patterns.get(start.group(0).lower())
            match = pattern.match(text, start.start()) if pattern and start.start() >= end else None
            if match:
                end = match.end()
                yield match.start(), end, self._canonical_of(match.group(0))

    def _canonical_of(self, found: str) -> str:
        words = found.lower().split()
        if " ".join(words) in self.canonical:
            return self.canonical[" ".join(words)]
        inflected = [
            (sum(map(len, stems)), name)
            for stems, name in self.stems.items()
            if len(stems) == len(words) and all(word.startswith(stem) for word, stem in zip(words, stems))
        ]
        return max(inflected)[1]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The packaged gazetteer (versions/data/gazetteer.yaml), loaded once."""
    data_file = resources.files("versions").joinpath("data").joinpath("gazetteer.yaml")
    return build_gazetteer(load_data_yaml(data_file.read_text(encoding="utf-8")))


def build_gazetteer(entries: dict[str, list[str]]) -> Gazetteer:
    canonical: dict[str, str] = {}
    by_first_letter: dict[str, set[str]] = {}
    for name, variants in entries.items():
        for spelling in variants:
            canonical.setdefault(spelling.lower(), name.lower())
            by_first_letter.setdefault(spelling[0].lower(), set()).add(spelling)
    stems = {
        tuple(_cyrillic_stem_phrase(spelling).split(" ")): name
        for spelling, name in canonical.items()
        if re.search("[а-яё]", spelling)
    }
    patterns = {
        letter: re.compile("|".join(_spelling_regex(s) for s in sorted(spellings, key=len, reverse=True)))
        for letter, spellings in by_first_letter.items()
    }
    first_letters = set()
    for spellings in by_first_letter.values():
        for spelling in spellings:
            cased = re.search("[а-яё]", spelling, re.IGNORECASE)  # Cyrillic spellings match in any case
            forms = (spelling, spelling.lower() if cased else spelling.title(), spelling.upper())
            first_letters |= {form[0] for form in forms if form}
    return Gazetteer(patterns, canonical, stems, _starts_regex(first_letters))


def _starts_regex(letters: set[str]) -> re.Pattern:
    han = "".join(sorted(c for c in letters if "\u3400" <= c <= "\u9fff"))
    other = "".join(sorted(c for c in letters if c not in han and re.match(r"\w", c)))
    if any(not re.match(r"\w", c) for c in letters if c not in han):
        return _WORD_START  # a spelling that starts with a mark: keep to every word start
    if not other and not han:
        return re.compile("(?!)")
    # The letters come first, as one class, so that the regex engine skips to them; then a letter other than Han
    # must start a word (the character before the letter, now behind it, is no word character).
    starts_word = r"(?<![\w-].)"
    if not han:
        return re.compile(rf"[{re.escape(other)}]{starts_word}")
    return re.compile(rf"[{re.escape(other + han)}](?:{starts_word}|(?<=[{han}]))")


def _spelling_regex(spelling: str) -> str:
    if re.search("[а-яё]", spelling, re.IGNORECASE):
        words = _cyrillic_stem_phrase(spelling).split(" ")
        body = r"\s+".join(re.escape(word) + _CYRILLIC_WORD_TAIL for word in words)
        return rf"(?i:{body})(?![а-яёА-ЯЁ])"
    if re.search(r"[\u3400-\u9fff]", spelling):
        return re.escape(spelling)
    # Latin spellings match as written, capitalised or in capitals (headings), never in lower case: "Joy" is not "joy".
    forms = dict.fromkeys((spelling, spelling.title(), spelling.upper()))
    bodies = [r"\s+".join(re.escape(word) for word in form.split(" ")) for form in forms]
    return rf"(?:{'|'.join(bodies)})(?![\w-])"


def _cyrillic_stem_phrase(spelling: str) -> str:
    return " ".join(_cyrillic_stem(word) for word in spelling.lower().split(" "))


def _cyrillic_stem(word: str) -> str:
    """Drop a nominative ending so that case forms match: Корея -> Коре, Берия -> Бери, Сталин stays."""
    for ending in ("ий", "ый", "ая", "ое", "ия", "а", "я", "о", "е", "й", "ь"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


# --- extraction ------------------------------------------------------------------------------------------------------

_EN_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_RU_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8, "сентябр": 9,
    "октябр": 10, "ноябр": 11, "декабр": 12,
}
_EN_MONTH = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_RU_MONTH = (
    r"(январ[а-яё]*|феврал[а-яё]*|март[а-яё]*|апрел[а-яё]*|ма[йяюе]|июн[а-яё]*|июл[а-яё]*|август[а-яё]*"
    r"|сентябр[а-яё]*|октябр[а-яё]*|ноябр[а-яё]*|декабр[а-яё]*)"
)
_DAY = r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|-?го|-?е)?"
_YEAR = r"(?:,?\s+(\d{4})(?!\d))?"
_ZH_DIGITS = "〇零一二两三四五六七八九十百千"

_ZH_NUMERAL = rf"[\d{_ZH_DIGITS}]"
_DIGIT_FIRST = r"(?=\d)"  # the pattern's matches start where runs of digits start: see _digit_led_matches
_EN_MONTH_NAME = re.compile("|".join(month.title() for month in _EN_MONTHS))
# (regex, which groups hold day, month and year, a cue that every match holds: texts without it are skipped; None
# for a pattern said to start with a digit)
_DATE_PATTERNS = [
    (re.compile(rf"\b{_EN_MONTH}\s+{_DAY}(?!\d){_YEAR}"), (2, 1, 3), _EN_MONTH_NAME),
    (re.compile(rf"{_DIGIT_FIRST}{_DAY}\s+(?:of\s+)?{_EN_MONTH}(?![a-z]){_YEAR}"), (1, 2, 3), None),
    (re.compile(rf"{_DIGIT_FIRST}{_DAY}\s+{_RU_MONTH}(?![а-яё]){_YEAR}", re.IGNORECASE), (1, 2, 3), None),
    (re.compile(rf"{_DIGIT_FIRST}(?<![\d.])(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}|\d{{2}})(?![\d])"), (1, 2, 3), None),
    (re.compile(rf"{_DIGIT_FIRST}(?<!\d)(\d{{4}})-(\d{{2}})-(\d{{2}})(?!\d)"), (3, 2, 1), None),
    (re.compile(rf"(?:({_ZH_NUMERAL}{{4}})\s*年\s*)?({_ZH_NUMERAL}{{1,3}})\s*月\s*({_ZH_NUMERAL}{{1,3}})\s*[日号]"),
     (3, 2, 1), re.compile("月")),
]

_TIME = re.compile(_DIGIT_FIRST + r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
_NUMBER = {
    "en": re.compile(_DIGIT_FIRST + r"(?:(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<!\d)\d+(?:\.\d+)?(?!\d))"),
    "default": re.compile(
        _DIGIT_FIRST + r"(?:(?<![\d.,])\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?!\d)|(?<!\d)\d+(?:[.,]\d+)?(?!\d))"
    ),
}

_EN_UNITS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
             "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_RU_UNITS = [
    "один|одна|одно|одного|одному|одним|одном|одной|одну", "два|две|двух|двум|двумя", "три|трёх|трех|трём|трем|тремя",
    "четыре|четырёх|четырех|четырём|четырем|четырьмя", "пять|пяти|пятью", "шесть|шести|шестью", "семь|семи",
    "восемь|восьми|восемью", "девять|девяти|девятью", "десять|десяти|десятью",
    "одиннадцат[а-яё]*", "двенадцат[а-яё]*", "тринадцат[а-яё]*", "четырнадцат[а-яё]*", "пятнадцат[а-яё]*",
    "шестнадцат[а-яё]*", "семнадцат[а-яё]*", "восемнадцат[а-яё]*", "девятнадцат[а-яё]*",
]
_RU_TENS = ["двадцат[ьиью]{1,2}", "тридцат[ьиью]{1,2}", "сорок|сорока", "пятьдесят|пятидесяти",
            "шестьдесят|шестидесяти", "семьдесят|семидесяти", "восемьдесят|восьмидесяти", "девяносто|девяноста"]


def _number_words_regex(units: list[str], tens: list[str], joiner: str) -> tuple[re.Pattern, list[int]]:
    """One regex for number words, compounds ("twenty-five") before tens and units; group k holds value k."""
    alternatives = []
    for t, ten in enumerate(tens):
        alternatives += [(rf"(?:{ten}){joiner}(?:{unit})", 10 * (t + 2) + u + 1) for u, unit in enumerate(units[:9])]
    alternatives += [(ten, 10 * (t + 2)) for t, ten in enumerate(tens)]
    alternatives += [(unit, u + 1) for u, unit in enumerate(units)]
    body = "|".join(f"({pattern})" for pattern, _ in alternatives)
    # Every alternative starts with three plain letters: lookaheads on the first letter and on those three let the
    # regex give up at once at the start of most words instead of trying each of some 200 alternatives there (the
    # same matches, ~10x faster).
    prefixes = sorted({word[:3] for words in units + tens for word in words.split("|")})
    assert all(prefix.isalpha() and len(prefix) == 3 for prefix in prefixes)
    first = "".join(sorted({prefix[0] for prefix in prefixes}))
    guard = rf"(?=[{first}])(?=(?:{'|'.join(prefixes)}))"
    return (
        re.compile(rf"(?<![\w-]){guard}(?:{body})(?![\w-])", re.IGNORECASE),
        [value for _, value in alternatives],
    )


_NUMBER_WORDS = {
    "en": _number_words_regex(_EN_UNITS, _EN_TENS, "[- ]"),
    "ru": _number_words_regex(_RU_UNITS, _RU_TENS, r"\s+"),
}
_ZH_COUNTED = re.compile(rf"([{_ZH_DIGITS}]+)(?=[个名架枚颗次天人辆艘门份])")

_PUNCT = re.compile(r"([!?！？])(?=[\s\"'»”’)\]]|$)")

# The capital first, as a class the regex engine skips to; then it must start a word (no word character before it).
_NAME_WORD = re.compile(r"([A-ZА-ЯЁ](?<![\w-].)[a-zа-яё]+(?:-[A-ZА-ЯЁa-zа-яё][a-zа-яё]+)*)(?![\w-])")
_NOT_NAMES = {
    # titles, months, days and words written with a capital although they name nobody
    "comrade", "cde", "mr", "mrs", "gen", "col", "lt", "general", "marshal", "chairman", "premier", "minister",
    "president", "no",
    "товарищ", "тов", "генерал", "маршал", "председатель", "премьер", "министр", "президент",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "i", "ii", "iii", "iv", "v", "note", "translator", "editor", "copies", "series",
}


def extract_anchors(text: str, language: str | None = None) -> set[Anchor]:
    """All anchors of a text: numbers, dates (MM-DD or YYYY-MM-DD), names (romanized, canonical) and ! / ?."""
    return set(_cached_anchors(text, language or detect_language(text)))


def clear_cache() -> None:
    _cached_anchors.cache_clear()


@lru_cache(maxsize=100_000)  # the base version is aligned with every other version: extract its anchors once
def _cached_anchors(text: str, language: str) -> frozenset[Anchor]:
    text = unicodedata.normalize("NFKC", text)
    anchors = {Anchor("punct", mark.translate(str.maketrans("！？", "!?"))) for mark in _PUNCT.findall(text)}
    digit_runs = [run.start() for run in _DIGIT_RUN.finditer(text)]
    text = _take_dates(text, digit_runs, anchors)
    text = _take_times(text, digit_runs, anchors)
    text = _take_numbers(text, language, digit_runs, anchors)
    _take_names(text, anchors)
    return frozenset(anchors)


def _blank(text: str, start: int, end: int) -> str:
    """Replace a consumed span by spaces, so its digits or words are not read twice and offsets stay put."""
    return text[:start] + " " * (end - start) + text[end:]


_DIGIT_RUN = re.compile(r"\d+")


def _digit_led_matches(pattern: re.Pattern, text: str, digit_runs: list[int]) -> list[re.Match]:
    """The matches of pattern.finditer(text) for a pattern said to start with a digit that follows none
    (_DIGIT_FIRST), tried only where a run of digits starts: a regex that does not open with a plain character is
    otherwise tried at every character of the text, the dearest part of reading anchors.

    The runs may be those of the text before spans were blanked: blanking removes digits and never ends a span
    between two digits (every pattern ends with a non-digit or refuses a digit after it), so no run starts anew.
    """
    matches, end = [], 0
    for start in digit_runs:
        match = pattern.match(text, start) if start >= end else None
        if match:
            matches.append(match)
            end = match.end()
    return matches


def _take_dates(text: str, digit_runs: list[int], anchors: set[Anchor]) -> str:
    for pattern, (day_group, month_group, year_group), cue in _DATE_PATTERNS:
        if cue is None:
            matches = _digit_led_matches(pattern, text, digit_runs)
        else:
            matches = list(pattern.finditer(text)) if cue.search(text) else []
        for match in matches:
            date = _date_value(match.group(day_group), match.group(month_group), match.group(year_group))
            if date:
                anchors.add(Anchor("date", date))
                text = _blank(text, match.start(), match.end())
    return text


def _date_value(day: str, month: str, year: str | None) -> str | None:
    day_number = _to_int(day)
    month_number = _month_number(month)
    if not (1 <= day_number <= 31 and 1 <= month_number <= 12):
        return None
    value = f"{month_number:02d}-{day_number:02d}"
    if year:
        year_number = _to_int(year)
        year_number += 1900 if year_number < 100 else 0
        value = f"{year_number:04d}-{value}"
    return value


def _month_number(month: str) -> int:
    if month.isdigit() or all(c in _ZH_DIGITS for c in month):
        return _to_int(month)
    lowered = month.lower()
    for stem, number in {**_EN_MONTHS, **_RU_MONTHS}.items():
        if lowered.startswith(stem):
            return number
    return 0


def _to_int(numeral: str) -> int:
    """Arabic digits or a Chinese numeral (八, 二十七, 一九五一) to an int."""
    if numeral.isdigit() and numeral.isascii():
        return int(numeral)
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
    if all(c in digits for c in numeral):
        return int("".join(str(digits[c]) for c in numeral))
    total, current = 0, 0
    for char in numeral:
        if char in digits:
            current = digits[char]
        else:
            total += max(current, 1) * {"十": 10, "百": 100, "千": 1000}[char]
            current = 0
    return total + current


def _take_times(text: str, digit_runs: list[int], anchors: set[Anchor]) -> str:
    if ":" not in text:
        return text
    for match in _digit_led_matches(_TIME, text, digit_runs):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours < 24 and minutes < 60:
            anchors.add(Anchor("number", f"{hours:02d}:{minutes:02d}"))
            text = _blank(text, match.start(), match.end())
    return text


def _take_numbers(text: str, language: str, digit_runs: list[int], anchors: set[Anchor]) -> str:
    for match in _digit_led_matches(_NUMBER.get(language, _NUMBER["default"]), text, digit_runs):
        anchors.add(Anchor("number", _normalise_number(match.group(0), language)))
        text = _blank(text, match.start(), match.end())
    if language in _NUMBER_WORDS:
        pattern, values = _NUMBER_WORDS[language]
        for match in list(pattern.finditer(text)):
            anchors.add(Anchor("number", str(values[match.lastindex - 1])))
            text = _blank(text, match.start(), match.end())
    if language in ("zh", "ja"):
        for match in list(_ZH_COUNTED.finditer(text)):
            anchors.add(Anchor("number", str(_to_int(match.group(1)))))
            text = _blank(text, match.start(), match.end())
    return text


def _normalise_number(digits: str, language: str) -> str:
    if language == "en":
        digits = digits.replace(",", "")
    digits = re.sub(r"[\u00a0\u202f ]", "", digits).replace(",", ".")
    if "." in digits:
        return digits.rstrip("0").rstrip(".")
    return str(int(digits))


def _take_names(text: str, anchors: set[Anchor]) -> None:
    for start, end, name in list(gazetteer().find(text)):
        anchors.add(Anchor("name", name))
        text = _blank(text, start, end)
    for match in _NAME_WORD.finditer(text):
        word = match.group(1)
        if word.lower() in _NOT_NAMES or _starts_sentence(text, match.start()):
            continue
        anchors.add(Anchor("name", _name_key(word)))


def _starts_sentence(text: str, position: int) -> bool:
    """Whether a word at position opens a sentence, line or quotation (where a capital proves nothing)."""
    before = text[max(0, position - 40) : position]
    stripped = before.rstrip(" \t")
    if not stripped:
        return position == len(before) or not text[: position - len(before)].strip(" \t")
    return stripped[-1] in ".!?:;\n\"«“([" or before[len(stripped) :].count("\n") > 0


# --- comparison ------------------------------------------------------------------------------------------------------


def anchors_correspond(a: Anchor, b: Anchor) -> bool:
    """Whether two anchors denote the same thing: dates agree on what both give, names match fuzzily."""
    if a.kind != b.kind:
        return False
    if a.kind == "date":
        return a.value.endswith(b.value) or b.value.endswith(a.value)
    if a.kind == "name":
        return names_match(a.value, b.value)
    return a.value == b.value


def unmatched_anchors(ours: set[Anchor], theirs: set[Anchor]) -> set[Anchor]:
    """Anchors of ours with no counterpart in theirs: what a translation dropped (or added)."""
    exact = ours - theirs
    return {anchor for anchor in exact if not any(anchors_correspond(anchor, other) for other in theirs)}


def _plain_key(anchor: Anchor) -> str:
    return f"{anchor.kind}:{anchor.value[-5:] if anchor.kind == 'date' else anchor.value}"


def anchor_keys(ours: Iterable[Anchor], theirs: Iterable[Anchor]) -> dict[Anchor, str]:
    """A key for every anchor such that anchors of ours and theirs that correspond share a key.

    Comparing keys is a plain set operation, which lets an aligner weigh thousands of candidate pairs quickly.
    Dates are keyed by month and day (one side may omit the year); names fuzzily matched across the two
    collections share the key of one of them.
    """
    ours, theirs = set(ours), set(theirs)
    keys = {anchor: _plain_key(anchor) for anchor in ours | theirs}
    their_names = sorted({anchor.value for anchor in theirs if anchor.kind == "name"})
    for name in sorted({anchor.value for anchor in ours if anchor.kind == "name"}):
        candidates = process.extract(name, their_names, scorer=fuzz.ratio, score_cutoff=80, limit=None)
        for other, _, _ in candidates:
            if other != name and names_match(name, other):
                keys[Anchor("name", other)] = keys[Anchor("name", name)]
    return keys
