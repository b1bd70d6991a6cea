"""Archival citations parsed into references (archive, fond, opis, delo, papka, tom, listy), translator and notes.

Recognises the long form ``APRF, Fond 45, Opis 1, Delo 340, Listy 86-88``, the short form
``RGASPI, f. 558, op. 11, d. 341, ll. 86-88`` with any capitals and a colon after the archive (``APRF: F. 39, Ll.
39-40``), the Russian abbreviations ``РГАСПИ, ф. 558, оп. 11, д. 341, лл. 86-88``, verso (``l. 5 ob.``, ``л. 5
об.``: listy ``5ob``) and volume (``t. 2``, ``т. 2``: tom ``2``). An archive is one of ``ARCHIVES`` under any of its
spellings (``AP RF``, ``АП РФ``, "the Russian Presidential Archives": ``APRF``), named even without numbers, or an
unknown name in capitals followed by at least one part. ``archive_language`` gives the language of an archive's
records (``ARCHIVES``, and any name ending in 档案馆: Chinese). References may be separated by anything (``;``, ``and``,
``,``). "Translated by …" names the translator; "copy obtained by …", "courtesy of …", "Reprinted in …" become notes.
A piece that looks like a reference (a part with a number) but has no archive is kept verbatim as unparsed, with a
warning. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

PARTS = ("fond", "opis", "delo", "papka", "tom", "listy")


@dataclass(frozen=True)
class ArchivalRef:
    archive: str | None  # None only for a reference kept unparsed: it has only its citation
    fond: str | None = None
    opis: str | None = None
    delo: str | None = None
    papka: str | None = None
    listy: str | None = None
    citation: str = ""
    tom: str | None = None

    @property
    def unparsed(self) -> bool:
        return self.archive is None

    @property
    def numbered(self) -> bool:
        return any(getattr(self, part) for part in PARTS)

    @property
    def reference(self) -> str:
        """The reference as cited, or composed from its parts."""
        if self.citation or self.archive is None:
            return self.citation
        parts = (f"{part.capitalize()} {getattr(self, part)}" for part in PARTS if getattr(self, part))
        return ", ".join([self.archive, *parts])


@dataclass(frozen=True)
class ParsedCitation:
    refs: list[ArchivalRef] = field(default_factory=list)  # parsed, in order of appearance
    unparsed: list[str] = field(default_factory=list)  # verbatim pieces that look like references but name no archive
    translator: str | None = None
    notes: list[str] = field(default_factory=list)  # copy obtained by …, courtesy of …, reprinted in …
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Archive:
    language: str  # the language of the records it holds: a record's original language when nothing else says
    spellings: tuple[str, ...] = ()  # every other way citations write its name


# The one table of archives: each archive's name in the corpus, the language of its records, its other spellings.
ARCHIVES = {
    "APRF": Archive("ru", (
        "AP RF", "АПРФ", "АП РФ", "Archive of the President", "Archive of the President of the Russian Federation",
        "Archive of the President, Russian Federation", "Presidential Archive of the Russian Federation",
        "Russian Presidential Archive", "Russian Presidential Archives", "Presidential Archive",
        "Presidential Archives", "Arkhiv Prezidenta Rossiiskoi Federatsii",
    )),
    "AVP RF": Archive("ru", (
        "AVPRF", "АВП РФ", "АВПРФ", "Archive of Foreign Policy, Russian Federation",
        "Archive of Foreign Policy of the Russian Federation", "Foreign Policy Archive of the Russian Federation",
        "Russian Foreign Policy Archive", "Arkhiv Vneshnei Politiki Rossiiskoi Federatsii",
    )),
    "RGASPI": Archive("ru", ("РГАСПИ", "Russian State Archive of Social and Political History",
                             "Russian State Archive of Socio-Political History")),
    "TsAMO": Archive("ru", ("TsAMO RF", "ЦАМО", "ЦАМО РФ", "Central Archive of the Ministry of Defense",
                            "Central Archive of the Ministry of Defence")),
    "RGANI": Archive("ru", ("РГАНИ", "Russian State Archive of Contemporary History")),
    "GARF": Archive("ru", ("ГАРФ", "State Archive of the Russian Federation")),
    "RGAE": Archive("ru", ("РГАЭ", "Russian State Archive of the Economy")),
    "中央档案馆": Archive("zh"),
    # Cited with a file number and pages, no part names: "PRC FMA 106-01403-02, 35".
    "PRC FMA": Archive("zh", (
        "PRC Foreign Ministry Archive", "PRC Foreign Ministry Archives", "Chinese Foreign Ministry Archive",
        "Chinese Foreign Ministry Archives", "Archives of the Ministry of Foreign Affairs of the People's Republic of China",
        "外交部档案馆", "中华人民共和国外交部档案馆",
    )),
    "AMAE": Archive("ro", (
        "Archive of the Romanian Ministry of Foreign Affairs", "Archives of the Romanian Ministry of Foreign Affairs",
        "Romanian Foreign Ministry Archive", "Arhiva Ministerului Afacerilor Externe",
    )),
}


def archive_language(archive: str) -> str | None:
    """The language of the records of an archive cited under any spelling in ``ARCHIVES``; None for any other."""
    known = ARCHIVES.get(canonical_archive(archive))
    if known is not None:
        return known.language
    return "zh" if _CHINESE_ARCHIVE.search(archive) else None


def _spelling_key(name: str) -> str:
    return " ".join(name.casefold().split())


_CANONICAL = {
    _spelling_key(spelling): name for name, archive in ARCHIVES.items() for spelling in (name, *archive.spellings)
}


def canonical_archive(name: str) -> str:
    """The corpus's name of an archive cited under any spelling in ``ARCHIVES``; any other name as given."""
    return _CANONICAL.get(_spelling_key(name), name.strip())


# Every spelling of a part keyword, lower case; a trailing dot marks an abbreviation.
PART_KEYWORDS = {
    "fond": "fond", "f.": "fond", "фонд": "fond", "ф.": "fond",
    "opis": "opis", "op.": "opis", "опись": "opis", "оп.": "opis",
    "delo": "delo", "d.": "delo", "дело": "delo", "д.": "delo",
    "papka": "papka", "p.": "papka", "папка": "papka", "п.": "papka",
    "tom": "tom", "t.": "tom", "vol.": "tom", "том": "tom", "т.": "tom",
    "listy": "listy", "list": "listy", "ll.": "listy", "l.": "listy",
    "листы": "listy", "лист": "listy", "лл.": "listy", "л.": "listy",
    # The same parts in English, and the names fond 89 of RGANI gives its opis and delo.
    "inventory": "opis", "file": "delo", "folder": "papka", "volume": "tom",
    "sheet": "listy", "sheets": "listy", "page": "listy", "pages": "listy", "pp.": "listy",
    "perechen": "opis", "per.": "opis", "dokument": "delo", "dok.": "delo",
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
# A number as archives write them: 45, 059a, 5a, 0055, R-5446, 12/3, 86-88, 86–88.
_VALUE = r"(?=[\w–—/-]*\d)\w+(?:[-–—/]\w+)*"
# A sheet, its verso marked ob. (об.) with or without a space: 5, 0055, 12a, 5ob., 5 об.
_SHEET = r"\d\w*?(?:\s*(?:ob|об)(?:\.|(?!\w))|(?!\w))"
_SHEETS = rf"{_SHEET}(?:\s*[-–—]\s*{_SHEET})?(?:\s*,\s*{_SHEET}(?:\s*[-–—]\s*{_SHEET})?)*"
# Parts follow the archive after a comma, a colon or (in Russian) a full stop: "АП РФ. Ф. 3. Оп. 65. Д. 9".
_KEYWORD = re.compile(rf"\s*[,:.]?\s*(?P<keyword>(?i:{_KEYWORDS}))\s*(?:(?:No\.?|№)\s*)?")
_FILE_NUMBER = re.compile(r"\s*,?\s*(?P<file>\d+(?:-\d+){1,3})(?:\s*,\s*(?P<pages>\d+(?:\s*[-–]\s*\d+)?))?(?![\w-])")
_PART_VALUE = {part: re.compile(_SHEETS if part == "listy" else _VALUE) for part in PARTS}
_LOOSE_PART = re.compile(rf"(?<!\w)(?i:{_KEYWORDS})\s*(?:(?:No\.?|№)\s*)?\d")
_ARCHIVE_WORD = r"[A-ZА-ЯЁ][A-Za-zА-Яа-яЁё]*[A-ZА-ЯЁ](?!\w)"
_KNOWN = "|".join(
    r"\s+".join(re.escape(word) for word in spelling.split())
    for spelling in sorted(_CANONICAL, key=len, reverse=True)
)
# A known name may be followed by its country, its abbreviation in brackets and its city, all part of the name:
# "Central Archive of the Ministry of Defense of the Russian Federation (TsAMO RF), Moscow".
_KNOWN_TAIL = (
    rf"(?:,?\s+(?:of\s+(?:the\s+)?)?(?:Russian\s+Federation|Russia|RF)(?!\w)|\s*\((?i:{_KNOWN})\)"
    r"|,\s*(?:Moscow|Москва)(?!\w)){0,3}"
)
# Chinese archives are named without capitals: any name ending in 档案馆 (archives).
_CHINESE_ARCHIVE = re.compile(r"[\u4e00-\u9fff]*档案馆")
# A known abbreviation in brackets names the archive after a name the table does not know: "Arkhiv Prezidenta RF
# (APRF)".
# An archive the table does not know, named in words: capitalised words around "Archive(s)", then its abbreviation in
# brackets, which names it: "Archive of the Example Ministry of Foreign Affairs (AMFE)", "Hoover Institution Archives".
_NAME_WORD = r"[A-Z][\w'’.-]*"
_NAME_TAIL = rf"\s+(?:of|for)(?:(?:\s+(?:the|and|of|for))*\s+{_NAME_WORD})+"
_NAMED = (
    rf"(?P<named>(?:{_NAME_WORD}\s+)+Archives?(?:{_NAME_TAIL})?|Archives?{_NAME_TAIL})"
    r"(?:\s*\((?P<abbreviation>[A-Z][\w-]*(?: [A-Z][\w-]*)?)\))?"
)
# The names of publishers of copies, never an archive of originals: "History and Public Policy Program Digital Archive".
_NOT_ARCHIVES = re.compile(r"(?i)\bdigital archive\b")
_ARCHIVE = re.compile(
    rf"(?<!\w)(?:(?P<known>(?i:{_KNOWN})(?!\w)|{_CHINESE_ARCHIVE.pattern}){_KNOWN_TAIL}"
    rf"|\((?P<bracketed>(?i:{_KNOWN}))\){_KNOWN_TAIL}"
    rf"|{_NAMED}"
    rf"|(?P<other>{_ARCHIVE_WORD}(?: {_ARCHIVE_WORD})*))"
)
# "by" close after "translated" ("translated from the Russian for the project by"); the bound keeps a search linear.
_TRANSLATOR = re.compile(r"(?i)(?<!\w)translat(?:ed|ion)\b[^;]{0,80}?\bby\s+")
_NOTE = re.compile(
    r"(?i)(?<!\w)(?:copy obtained|obtained (?:by|from)|copy courtesy|courtesy of|provided by|reprinted in"
    r"|published in)(?!\w)"
)
# A clause runs to the end of its part of the citation: a semicolon, a line break, a link or the end of a sentence
# (a full stop after a word, not after an initial or an abbreviation, then a capital).
_CLAUSE_END = re.compile(r"\s*(?:;|\n|<?https?://|$|(?<=[\w)\]\"”])\.(?=\s+[A-ZА-ЯЁ]))")
# Words written with a full stop that ends no sentence ("Bulletin, no. 5", "vol. II", "Prof. Example"), besides
# the part keywords.
ABBREVIATIONS = frozenset({
    "no", "nos", "vol", "vols", "p", "pp", "ed", "eds", "trans", "transl", "comp", "doc", "docs", "fol", "ff", "cf",
    "ibid", "cit", "prof", "dr", "mr", "mrs", "gen", "col", "lt", "capt", "amb", "dept", "univ", "inst", "co",
    "corp", "inc", "ltd", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "cde", "cdes", "tov", "nr", "ca", "approx", "№",
    *(keyword.rstrip(".") for keyword in PART_KEYWORDS if keyword.endswith(".")),
})


def parse_archival_refs(citation: str) -> list[ArchivalRef]:
    """Every archival reference in ``citation`` that could be parsed, in order of appearance."""
    return parse_citation(citation).refs


def parse_citation(text: str) -> ParsedCitation:
    """The archival references, unparsed reference-like pieces, translator and notes of a citation."""
    clauses = _clauses(text)
    translator = next((value for kind, _, _, value in clauses if kind == "translator"), None)
    notes = [value for kind, _, _, value in clauses if kind == "note"]
    refs: list[ArchivalRef] = []
    unparsed: list[str] = []
    position = 0
    for _, start, end, _ in [*clauses, ("", len(text), len(text), "")]:
        found, loose = _references(text, position, start)
        # An archive known by name in a clause ("obtained from the Presidential Archive") is a reference too; other
        # capitals there are publications ("Reprinted in CWIHP, p. 12").
        refs += found + _references(text, start, end, known_only=True)[0]
        unparsed += loose
        position = end
    warnings = [unparsed_warning(piece) for piece in unparsed]
    return ParsedCitation(_without_repeated_mentions(refs), unparsed, translator, notes, warnings)


def unparsed_warning(citation: str) -> str:
    """What every importer says of a reference it keeps as written."""
    return f"could not parse the archival reference {citation!r}; kept as written"


def _without_repeated_mentions(refs: list[ArchivalRef]) -> list[ArchivalRef]:
    """The references but an archive's name without numbers where another reference already cites that archive."""
    cited = {ref.archive for ref in refs if ref.numbered}
    kept = []
    for ref in refs:
        if ref.numbered or ref.archive not in cited:
            kept.append(ref)
            cited.add(ref.archive)
    return kept


def _clauses(text: str) -> list[tuple[str, int, int, str]]:
    """(kind, start, end, value) of each translator and note clause, in order; each runs to its clause's end."""
    clauses = []
    position = 0
    while match := _first(text, position, _TRANSLATOR, _NOTE):
        end = _clause_end(text, match.end())
        if match.re is _TRANSLATOR:
            translator = re.sub(r"\s+(?:for|from)\s.*", "", text[match.end():end], flags=re.DOTALL)
            clauses.append(("translator", match.start(), end, _trimmed(translator)))
        else:
            clauses.append(("note", match.start(), end, _trimmed(text[match.start():end])))
        position = max(end, match.end())
    return clauses


def _clause_end(text: str, position: int) -> int:
    """Where the clause starting at ``position`` ends: the first end that is not a full stop after an initial or an
    abbreviation."""
    for end in _CLAUSE_END.finditer(text, position):
        if text[end.end() - 1] != "." or not _ends_abbreviation(text[:end.end() - 1]):
            return end.start()
    return len(text)


def _ends_abbreviation(text: str) -> bool:
    word = re.search(r"\w*$", text).group()
    return (len(word) == 1 and word.isalpha()) or word.casefold() in ABBREVIATIONS


def _first(text: str, position: int, *patterns: re.Pattern) -> re.Match | None:
    matches = [match for pattern in patterns if (match := pattern.search(text, position))]
    return min(matches, key=lambda match: match.start(), default=None)


def _trimmed(value: str) -> str:
    return value.strip().rstrip(".,").strip()


def _references(text: str, start: int, end: int, known_only: bool = False) -> tuple[list[ArchivalRef], list[str]]:
    """The references in ``text[start:end]`` and the reference-like pieces between them that name no archive."""
    refs = []
    unparsed = []
    position = start
    while match := _ARCHIVE.search(text, position, end):
        parts, parts_end = _parse_parts(text, match.end(), end)
        known = match.group("known") or match.group("bracketed")
        named = match.group("named") and not _NOT_ARCHIVES.search(match.group("named"))
        if known and not parts:
            parts, parts_end = _file_number(text, match.end(), end)
        if known or ((parts or named) and not known_only):
            unparsed += _loose_pieces(text[position:match.start()])
            name = known or match.group("abbreviation") or match.group("named") or match.group("other")
            archive = canonical_archive(name)
            refs.append(ArchivalRef(archive=archive, citation=text[match.start():parts_end], **parts))
            position = parts_end
        else:
            unparsed += _loose_pieces(text[position:match.end()])
            position = match.end()
    return refs, unparsed + _loose_pieces(text[position:end])


def _parse_parts(text: str, position: int, end: int) -> tuple[dict[str, str], int]:
    """The parts following an archive name, each once, and where they end."""
    parts: dict[str, str] = {}
    while keyword := _KEYWORD.match(text, position, end):
        part = PART_KEYWORDS[keyword.group("keyword").lower()]
        if part in parts or not (value := _PART_VALUE[part].match(text, keyword.end(), end)):
            break
        parts[part] = _normal_value(part, value.group())
        position = value.end()
    return parts, position


def _file_number(text: str, position: int, end: int) -> tuple[dict[str, str], int]:
    """A file number right after an archive the table knows, without a part name, and the pages after it: "PRC FMA
    106-01403-02, 35" is delo 106-01403-02, listy 35. Nothing, and ``position``, if there is none."""
    if not (match := _FILE_NUMBER.match(text, position, end)):
        return {}, position
    parts = {"delo": match.group("file")} | ({"listy": _normal_value("listy", match.group("pages"))}
                                              if match.group("pages") else {})
    return parts, match.end()


def _normal_value(part: str, value: str) -> str:
    value = re.sub(r"\s*[-–—]\s*", "-", value)
    if part == "listy":
        return re.sub(r"(?<=\d)\s*(?:ob|об)\.?", "ob", value)
    return value


def normal_sheet(value: str) -> str | None:
    """One sheet as ``listy`` counts them (``5``, ``12a``, ``5ob``: ``5 об.`` is ``5ob``), or None if ``value`` is not
    one sheet."""
    value = value.strip()
    return _normal_value("listy", value) if re.fullmatch(_SHEET, value) else None


def listy_holds(listy: str, sheet: str) -> bool | None:
    """Whether ``sheet`` (as ``normal_sheet`` gives it) lies within ``listy`` (``86-88``, ``5, 7ob-9``), recto or
    verso, by its number; None when ``listy`` is not sheets and numbers this can read."""
    number = _sheet_number(sheet)
    spans = [piece.split("-") for piece in _normal_value("listy", listy).split(",")]
    bounds = [[_sheet_number(end.strip()) for end in span] for span in spans if len(span) <= 2]
    if number is None or len(bounds) != len(spans) or any(None in ends for ends in bounds):
        return None
    return any(ends[0] <= number <= ends[-1] for ends in bounds)


def _sheet_number(sheet: str) -> int | None:
    digits = re.match(r"\d+", sheet)
    return int(digits.group()) if digits else None


def _loose_pieces(gap: str) -> list[str]:
    """Each ``;``-separated piece of ``gap`` with a part and a number: its parts and the name before them."""
    pieces = []
    for piece in gap.split(";"):
        if not (first := _LOOSE_PART.search(piece)):
            continue
        before = piece[:first.start()].rstrip(" ,:")
        name_start = before.rfind(",") + 1
        name = before[name_start:]
        start = name_start if re.search(r"[^\W\d_]", name) and not re.search(r"\d", name) else first.start()
        _, end = _parse_parts(piece, first.start(), len(piece))
        pieces.append(_trimmed(re.sub(r"^\s*(?:and|и)\s+", "", piece[start:end].strip())))
    return pieces


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
