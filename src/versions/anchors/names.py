"""Names: a gazetteer of spellings in every script, and capitalised words romanized, compared fuzzily."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from rapidfuzz import fuzz

from ..text import load_data_yaml
from .chinese import fold
from .core import Anchor, blank

NAME_MATCH_THRESHOLD = 85  # rapidfuzz ratio (0-100) at which two romanized names count as one


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
        end, patterns = 0, self.patterns
        for start in self.starts.finditer(text):
            position = start.start()
            pattern = patterns.get(start.group().lower()) if position >= end else None
            match = pattern.match(text, position) if pattern else None
            if match:
                end = match.end()
                yield position, end, self._canonical_of(match.group())

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
        for spelling in dict.fromkeys(fold(variant) for variant in variants):  # texts are folded before they are read
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


def take_names(text: str, anchors: set[Anchor]) -> None:
    for start, end, name in list(gazetteer().find(text)):
        anchors.add(Anchor("name", name))
        text = blank(text, start, end)
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
