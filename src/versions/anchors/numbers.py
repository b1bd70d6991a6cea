"""Numbers: written in digits (1,000 in English, 1 000 or 2,5 elsewhere), times of day (12:30), and numbers spelled
out in English and Russian, cardinal or ordinal, in any case and gender ("twenty-seventh", "двадцать седьмого",
"тысяча девятьсот пятьдесят первого"), which are read as digits before anything else is."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .core import DIGIT_FIRST, Anchor, blank, digit_led_matches

TIME = re.compile(DIGIT_FIRST + r"(?<![\d:])(\d{1,2}):(\d{2})(?![\d:])")
NUMBER = {
    "en": re.compile(DIGIT_FIRST + r"(?:(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<!\d)\d+(?:\.\d+)?(?!\d))"),
    "default": re.compile(
        DIGIT_FIRST + r"(?:(?<![\d.,])\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?!\d)|(?<!\d)\d+(?:[.,]\d+)?(?!\d))"
    ),
}


def take_times(text: str, digit_runs: list[int], anchors: set[Anchor]) -> str:
    if ":" not in text:
        return text
    for match in digit_led_matches(TIME, text, digit_runs):
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours < 24 and minutes < 60:
            anchors.add(Anchor("number", f"{hours:02d}:{minutes:02d}"))
            text = blank(text, match.start(), match.end())
    return text


def take_numbers(text: str, language: str, digit_runs: list[int], anchors: set[Anchor]) -> str:
    for match in digit_led_matches(NUMBER.get(language, NUMBER["default"]), text, digit_runs):
        anchors.add(Anchor("number", _normalise_number(match.group(0), language)))
        text = blank(text, match.start(), match.end())
    return text


def _normalise_number(digits: str, language: str) -> str:
    if language == "en":
        digits = digits.replace(",", "")
    digits = re.sub(r"[\u00a0\u202f ]", "", digits).replace(",", ".")
    if "." in digits:
        return digits.rstrip("0").rstrip(".")
    return str(int(digits))


# --- numbers spelled out ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberWord:
    value: int
    kind: str  # "unit" (1-19), "ten" (20-90), "hundreds" (100-900, added), "hundred" or "thousand" (multiplying)
    ordinal: bool = False


def _english_words() -> dict[str, NumberWord]:
    units = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
             "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    irregular = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                 "nine": "ninth", "twelve": "twelfth"}
    tens = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    words = {}
    for value, unit in enumerate(units, start=1):
        words[unit] = NumberWord(value, "unit")
        words[irregular.get(unit, unit + "th")] = NumberWord(value, "unit", True)
    for value, ten in zip(range(20, 100, 10), tens):
        words[ten] = NumberWord(value, "ten")
        words[ten[:-1] + "ieth"] = NumberWord(value, "ten", True)
    words |= {"hundred": NumberWord(100, "hundred"), "hundredth": NumberWord(100, "hundred", True),
              "thousand": NumberWord(1000, "thousand"), "thousandth": NumberWord(1000, "thousand", True)}
    return words


# Russian cardinals in all their case forms (and the collective двое, трое ... семеро); the ordinals are built from the stems below with adjective endings.
_RU_CARDINALS = {
    1: "один одного одному одним одном одна одной одною одну одно одни одних",
    2: "два две двух двум двумя двое двоих двоим двоими", 3: "три трёх трех трём трем тремя трое троих троим троими",
    4: "четыре четырёх четырех четырём четырем четырьмя четверо четверых четверым четверыми",
    5: "пятеро пятерых пятерым пятерыми", 6: "шестеро шестерых шестерым шестерыми", 7: "семеро семерых семерым семерыми",
    40: "сорок сорока", 90: "девяносто девяноста",
    100: "сто ста", 200: "двести двухсот двумстам двумястами двухстах",
    300: "триста трёхсот трехсот трёмстам тремстам тремястами трёхстах трехстах",
    400: "четыреста четырёхсот четырехсот четырёмстам четыремстам четырьмястами четырёхстах четырехстах",
    1000: "тысяча тысячи тысяче тысячу тысячей тысячею тысяч тысячам тысячами тысячах",
}
# 5-20 and 30 decline like a noun in -ь: пять, пяти, пятью (восемь: восьми)
_RU_SOFT = ["пять", "шесть", "семь", "восемь", "девять", "десять", "одиннадцать", "двенадцать", "тринадцать",
            "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать", "двадцать"]
# 50-80 and 500-900: the first part declines too (пятьдесят, пятидесяти, пятьюдесятью; пятьсот, пятисот ...)
_RU_COMPOUND_FIRST = {5: ("пять", "пяти", "пятью"), 6: ("шесть", "шести", "шестью"), 7: ("семь", "семи", "семью"),
                      8: ("восемь", "восьми", "восемью"), 9: ("девять", "девяти", "девятью")}
_RU_ORDINAL_STEMS = {
    1: "перв", 2: "втор", 4: "четвёрт четверт", 5: "пят", 6: "шест", 7: "седьм", 8: "восьм", 9: "девят", 10: "десят",
    11: "одиннадцат", 12: "двенадцат", 13: "тринадцат", 14: "четырнадцат", 15: "пятнадцат", 16: "шестнадцат",
    17: "семнадцат", 18: "восемнадцат", 19: "девятнадцат", 20: "двадцат", 30: "тридцат", 40: "сороков",
    50: "пятидесят", 60: "шестидесят", 70: "семидесят", 80: "восьмидесят", 90: "девяност", 100: "сот",
    1000: "тысячн",
}
_RU_ADJECTIVE_ENDINGS = "ый ой ий ая ое ого ому ым ом ую ые ых ыми".split()
_RU_THIRD = "третий третьего третьему третьим третьем третья третьей третью третье третьи третьих третьими"


def _russian_words() -> dict[str, NumberWord]:
    forms: dict[int, set[str]] = {value: set(words.split()) for value, words in _RU_CARDINALS.items()}
    for value, word in zip([*range(5, 21), 30], [*_RU_SOFT, "тридцать"]):
        oblique = "восьми" if word == "восемь" else word[:-1] + "и"
        forms.setdefault(value, set()).update({word, oblique, word + "ю"})
    for first, (nominative, oblique, instrumental) in _RU_COMPOUND_FIRST.items():
        forms[first * 10] = {nominative + "десят", oblique + "десяти", instrumental + "десятью"}
        forms[first * 100] = {nominative + "сот", oblique + "сот", oblique + "стам", instrumental + "стами",
                              oblique + "стах"}
    words = {form: NumberWord(value, _kind(value)) for value, spelled in forms.items() for form in spelled}
    ordinals = {form: 3 for form in _RU_THIRD.split()}
    for value, stems in _RU_ORDINAL_STEMS.items():
        ordinals |= {stem + ending: value for stem in stems.split() for ending in _RU_ADJECTIVE_ENDINGS}
    words |= {form: NumberWord(value, _kind(value), True) for form, value in ordinals.items()}
    return words


def _kind(value: int) -> str:
    if value < 20:
        return "unit"
    if value < 100:
        return "ten"
    if value < 1000:
        return "hundreds"
    return "thousand"


def _words_regex(words: dict[str, NumberWord]) -> re.Pattern:
    """The words of a text that may be number words, looked up in ``words`` one by one. Every number word starts
    with three letters: lookaheads on the first letter and on those three let the regex pass over most words at
    once, where an alternation of the number words (hundreds of Russian forms) would try each at every word."""
    prefixes = sorted({word[:3] for word in words})
    assert all(prefix.isalpha() and len(prefix) == 3 for prefix in prefixes)
    first = "".join(sorted({prefix[0] for prefix in prefixes}))
    return re.compile(rf"(?<!\w)(?=[{first}])(?=(?:{'|'.join(prefixes)}))[^\W\d_]+", re.IGNORECASE)


@dataclass(frozen=True)
class NumberWords:
    words: dict[str, NumberWord]
    pattern: re.Pattern
    joiner: re.Pattern  # what may stand between the words of one number
    weak: frozenset[str]  # words that, standing alone, are seldom numbers ("second", "первый"): counted in dates only
    one_of: re.Pattern  # what makes "one" pick one of several rather than count ("one of two outcomes", "один из")


NUMBER_WORDS = {
    "en": NumberWords(english := _english_words(), _words_regex(english), re.compile(r"(?:\s*-\s*|\s+(?:and\s+)?)\Z"),
                      frozenset({"first", "second"}), re.compile(r"\s+of\b", re.IGNORECASE)),
    "ru": NumberWords(russian := _russian_words(), _words_regex(russian), re.compile(r"\s+\Z"),
                      frozenset(form for form, word in russian.items() if word.ordinal and word.value <= 2),
                      re.compile(r"\s+из\b", re.IGNORECASE)),
}


@dataclass
class _Number:
    start: int
    end: int
    total: int = 0  # thousands
    current: int = 0  # below a thousand
    ordinal: bool = False
    words: int = 0

    @property
    def value(self) -> int:
        return self.total + self.current

    def add(self, word: NumberWord) -> bool:
        """Add a word if it can continue the number (twenty + seven, not seven + twenty); whether it did."""
        current, kind = self.current, word.kind
        if self.ordinal:
            return False
        if kind == "unit" and word.value < 10:
            fits = current % 10 == 0 and not 10 <= current % 100 < 20
        elif kind in ("unit", "ten"):
            fits = current % 100 == 0
        elif kind == "hundreds":
            fits = current == 0
        elif kind == "hundred":
            fits = current < 100 and (current > 0 or self.words == 0)
        else:
            fits = self.total == 0
        if not fits:
            return False
        if kind == "hundred":
            self.current = max(current, 1) * 100
        elif kind == "thousand":
            self.total, self.current = max(current, 1) * 1000, 0
        else:
            self.current += word.value
        self.ordinal, self.words = word.ordinal, self.words + 1
        return True


_DIGITS_BEFORE = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d{1,3})?)\s+$")  # "30 тысяч", "2.5 thousand", "1,5 тысячи"
_ITEM_MARK = re.compile(r"\s*[—–:]")  # "первое — ...; второе — ..."
_ITEM_COMMA = re.compile(r"\s*,")  # "First, ...", "...: first, ...; second, ..."


def _heads_an_item(text: str, start: int, end: int) -> bool:
    """Whether a word such as "first" heads an item of a list (where it is a number, 1): a dash or colon after it,
    or a comma where it opens a sentence or a clause."""
    if _ITEM_MARK.match(text, end):
        return True
    opens = text[start].isupper() or text[:start].rstrip()[-1:] in ("", ":", ";")
    return opens and _ITEM_COMMA.match(text, end) is not None


def _is_weak(text: str, number: _Number, number_words: NumberWords) -> bool:
    """Whether a number read from words is seldom a number at all: a weak word alone that heads no list item ("the
    second time", not "Second, ..."), or "one" picking one of several ("one of two outcomes", "один из них")."""
    alone = number.words == 1 and text[number.start : number.end].lower() in number_words.weak
    if alone and not _heads_an_item(text, number.start, number.end):
        return True
    return number.value == 1 and number_words.one_of.match(text, number.end) is not None


def spell_out(text: str, language: str) -> tuple[str, list[tuple[int, int]]]:
    """The text with its numbers written in words turned into digits ("twenty-seventh of August" -> "27 of
    August", "30 тысяч" -> "30000"), and the spans of the digits that came from words seldom meant as numbers
    (``_is_weak``): those count only in dates."""
    number_words = NUMBER_WORDS.get(language)
    if number_words is None:
        return text, []
    numbers: list[_Number] = []
    for match in number_words.pattern.finditer(text):
        word = number_words.words.get(match.group(0).lower())
        if word is None:
            continue
        last = numbers[-1] if numbers else None
        if last and number_words.joiner.match(text[last.end : match.start()]) and last.add(word):
            last.end = match.end()
            continue
        digits = _DIGITS_BEFORE.search(text, max(0, match.start() - 12), match.start()) if word.kind == "thousand" else None
        if digits:  # a number of thousands in digits: 30 тысяч, 1,5 тысячи
            thousands = round(float(_normalise_number(digits.group(1), language)) * 1000)
            numbers.append(_Number(digits.start(), match.end(), total=thousands, ordinal=word.ordinal, words=1))
            continue
        number = _Number(*match.span())
        number.add(word)
        numbers.append(number)
    pieces, weak, position, shift = [], [], 0, 0
    for number in numbers:
        digits = str(number.value)
        pieces += [text[position : number.start], digits]
        start = number.start + shift
        if _is_weak(text, number, number_words):
            weak.append((start, start + len(digits)))
        shift += len(digits) - (number.end - number.start)
        position = number.end
    pieces.append(text[position:])
    return "".join(pieces), weak
