"""Archival references (archive, fond, opis, delo, papka, listy) parsed from citations.

Recognises the long form ``APRF, Fond 45, Opis 1, Delo 340, Listy 86-88``, the short form
``RGASPI, f. 558, op. 11, d. 341, ll. 86-88`` and the Russian abbreviations
``РГАСПИ, ф. 558, оп. 11, д. 341, лл. 86-88``. A reference starts with an archive name (a word or
words in capitals, such as ``AVP RF``, ``TsAMO``, ``АПРФ``) followed by a fond; references may be
separated by anything (``;``, ``and``, ``,``). Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

PARTS = ("fond", "opis", "delo", "papka", "listy")


@dataclass(frozen=True)
class ArchivalRef:
    archive: str
    fond: str | None = None
    opis: str | None = None
    delo: str | None = None
    papka: str | None = None
    listy: str | None = None
    citation: str = ""

    @property
    def reference(self) -> str:
        """The reference as cited, or composed from its parts."""
        if self.citation:
            return self.citation
        parts = (("Fond", self.fond), ("Opis", self.opis), ("Delo", self.delo), ("Papka", self.papka),
                 ("Listy", self.listy))
        return ", ".join([self.archive, *(f"{label} {value}" for label, value in parts if value)])


# Cited spellings of an archive mapped to the name the corpus uses.
ARCHIVE_ALIASES = {
    "АПРФ": "APRF",
    "АВП РФ": "AVP RF",
    "AVPRF": "AVP RF",
    "РГАСПИ": "RGASPI",
    "ЦАМО": "TsAMO",
    "РГАНИ": "RGANI",
    "ГАРФ": "GARF",
    "РГАЭ": "RGAE",
}

# Every spelling of a part keyword, lower case; a trailing dot marks an abbreviation.
PART_KEYWORDS = {
    "fond": "fond", "f.": "fond", "фонд": "fond", "ф.": "fond",
    "opis": "opis", "op.": "opis", "опись": "opis", "оп.": "opis",
    "delo": "delo", "d.": "delo", "дело": "delo", "д.": "delo",
    "papka": "papka", "p.": "papka", "папка": "papka", "п.": "papka",
    "listy": "listy", "list": "listy", "ll.": "listy", "l.": "listy",
    "листы": "listy", "лист": "listy", "лл.": "listy", "л.": "listy",
}

CYRILLIC_TO_LATIN = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia"],
))


def _keyword_pattern(keyword: str) -> str:
    # A whole-word keyword must not be the start of a longer word ("Delo" in "Delovoi").
    return re.escape(keyword) + ("" if keyword.endswith(".") else r"(?=\s)")


_KEYWORDS = "|".join(_keyword_pattern(k) for k in sorted(PART_KEYWORDS, key=len, reverse=True))
# A number as archives write them: 45, 059a, 5a, R-5446, 86-88, 86–88.
_VALUE = r"(?=[\w–—-]*\d)\w+(?:[-–—]\w+)*"
_PART = re.compile(rf"\s*,\s*(?P<keyword>(?i:{_KEYWORDS}))\s*(?P<value>{_VALUE})")
_ARCHIVE_WORD = r"[A-ZА-ЯЁ][A-Za-zА-Яа-яЁё]*[A-ZА-ЯЁ](?!\w)"
_ARCHIVE = re.compile(rf"(?<!\w){_ARCHIVE_WORD}(?: {_ARCHIVE_WORD})*")


def parse_archival_refs(citation: str) -> list[ArchivalRef]:
    """Every archival reference in ``citation``, in order of appearance."""
    refs = []
    position = 0
    while match := _ARCHIVE.search(citation, position):
        parts, end = _parse_parts(citation, match.end())
        if "fond" in parts:
            archive = ARCHIVE_ALIASES.get(match.group(), match.group())
            refs.append(ArchivalRef(archive=archive, citation=citation[match.start():end], **parts))
            position = end
        else:
            position = match.end()
    return refs


def _parse_parts(citation: str, position: int) -> tuple[dict[str, str], int]:
    """The parts following an archive name (the first must be the fond) and where they end."""
    parts: dict[str, str] = {}
    while match := _PART.match(citation, position):
        part = PART_KEYWORDS[match.group("keyword").lower()]
        if part in parts or (not parts and part != "fond"):
            break
        parts[part] = re.sub("[–—]", "-", match.group("value"))
        position = match.end()
    return parts, position


def archive_slug(archive: str) -> str:
    """The archive's name as an id: ``AVP RF`` -> ``avp-rf``, ``ГАХО`` -> ``gakho``, ``Archiv für`` -> ``archiv-fur``.

    Cyrillic is transliterated and Latin letters lose their accents. A name with letters or digits that this cannot
    spell in ASCII (``ΓΑΚ``, ``中央档案馆``), or with none at all, keeps what it can and ends with a short hash of the
    whole name, so that its id is stable and differs from any other name's: ``archive-3f0c9a1e``.
    """
    folded = "".join(CYRILLIC_TO_LATIN.get(char, char) for char in unicodedata.normalize("NFKD", archive.lower()))
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    slug = re.sub("[^a-z0-9]+", "-", folded).strip("-")
    if slug and not any(char.isalnum() and not char.isascii() for char in folded):
        return slug
    digest = hashlib.sha256(unicodedata.normalize("NFC", archive.strip()).encode()).hexdigest()[:8]
    return f"{slug or 'archive'}-{digest}"
