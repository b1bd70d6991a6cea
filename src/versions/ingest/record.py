"""A parsed archive record (``WilsonRecord``) and what every layout of it shares: dates, languages, titles, sender and
recipient. ``wilson`` parses the Markdown rendering, ``page`` the page text, ``documents`` writes a record as corpus
files."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from ..archival import ArchivalRef, archive_slug
from ..errors import CorpusError
from ..text import normalize_text
from .staging import ImportFailure

LANGUAGE_CODES = {
    "albanian": "sq", "arabic": "ar", "bulgarian": "bg", "chinese": "zh", "croatian": "hr",
    "czech": "cs", "danish": "da", "dutch": "nl", "english": "en", "estonian": "et",
    "farsi": "fa", "finnish": "fi", "french": "fr", "georgian": "ka", "german": "de",
    "greek": "el", "hebrew": "he", "hindi": "hi", "hungarian": "hu", "italian": "it",
    "japanese": "ja", "korean": "ko", "latvian": "lv", "lithuanian": "lt", "mongolian": "mn",
    "norwegian": "no", "persian": "fa", "polish": "pl", "portuguese": "pt", "romanian": "ro",
    "russian": "ru", "serbian": "sr", "slovak": "sk", "slovenian": "sl", "spanish": "es",
    "swedish": "sv", "turkish": "tr", "ukrainian": "uk", "vietnamese": "vi",
}
LANGUAGE_NAMES = {code: name.capitalize() for name, code in LANGUAGE_CODES.items()}
# Content kinds that carry the record's text, in order of preference, and the version kind
# each becomes: a published transcript of the original is an edition of the archival copies.
TEXT_KINDS = {"translation": "translation", "transcript": "edition"}
MONTHS = {
    name.lower(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
} | {"sept": 9}
HONORIFICS = re.compile(r"^(?:Cdes?\.|Comrades?|Tov\.)\s+")
CONTENT_ITEM = re.compile(
    r"^(?:[-*]\s+)?(?P<kind>Translation|Transcript(?:ion)?|Original Scan|Original Document)"
    r"(?:\s+-\s+(?P<language>\S.*?))?\s*$"
)
_QUOTED_TITLE = re.compile(r"^\s*[\"“](?P<title>[^\"”]+)[\"”]")


@dataclass(frozen=True)
class Content:
    """One item of the record's Contents block, such as ``Translation - English``."""

    kind: str  # translation, transcript, original-scan, original-document
    language: str | None


@dataclass(frozen=True)
class WilsonRecord:
    date: str
    title: str
    citation: str
    original_language: str
    contents: tuple[Content, ...]
    text_kind: str  # the Contents kind the body is: translation or transcript
    text_language: str
    body: str
    archival_refs: tuple[ArchivalRef, ...]
    source_url: str | None = None
    summary: str | None = None
    sender: str | None = None
    recipient: str | None = None
    warnings: tuple[str, ...] = ()
    record_id: str | None = None
    paragraph_rule: str = "blank"
    original_body: str | None = None  # the original above the translation, on a page that gives both
    note: str | None = None  # the user's note on the imported text
    translator: str | None = None  # of the text, as the citation names them ("Translated by ...")
    illustrative: bool = False  # a record written for demonstration, not an archival source
    unparsed_refs: tuple[str, ...] = ()  # references as cited that name no archive: kept verbatim, never dropped
    citation_notes: tuple[str, ...] = ()  # "copy obtained by ...", "Reprinted in ...": the text's provenance


def normalise_record(text: str) -> str:
    try:
        return normalize_text(text, "record")
    except CorpusError as error:
        raise ImportFailure(error.problems[0].message, error.problems[0].line) from None


def parse_date(line: str, line_number: int) -> str:
    """``**August 27, 1951**`` -> ``1951-08-27``; also ``27 August 1951``, ``August 1951``, ``1951``."""
    text = bold_text([line])
    if re.search(r"(?<!\d)0000(?!\d)", text):
        raise ImportFailure(f"{text!r}: there is no year 0000", line_number)
    if re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", text):
        year, month, *day = text.split("-")
        return _iso_date(year, calendar.month_name[int(month)] if 1 <= int(month) <= 12 else month,
                         day[0] if day else None, line_number)
    if match := re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2}), (\d{4})", text):
        month, day, year = match.groups()
    elif match := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+)\.?,? (\d{4})", text):
        day, month, year = match.groups()
    elif match := re.fullmatch(r"([A-Za-z]+),? (\d{4})", text):
        (month, year), day = match.groups(), None
    elif re.fullmatch(r"\d{4}", text):
        return text
    else:
        raise ImportFailure(f"unknown date format {text!r}; expected e.g. 'August 27, 1951'", line_number)
    return _iso_date(year, month, day, line_number)


def _iso_date(year: str, month_name: str, day: str | None, line_number: int) -> str:
    month = MONTHS.get(month_name.lower())
    if month is None:
        raise ImportFailure(f"unknown month {month_name!r} in the date line", line_number)
    if day is None:
        return f"{year}-{month:02d}"
    if not 1 <= int(day) <= calendar.monthrange(int(year), month)[1]:
        raise ImportFailure(f"{month_name} {year} has no day {day}", line_number)
    return f"{year}-{month:02d}-{int(day):02d}"


def is_date(line: str) -> bool:
    """A line that is a date, or names the year 0000 where a date belongs (refused by ``parse_date``)."""
    try:
        parse_date(line, 1)
    except ImportFailure as error:
        return "year 0000" in error.message
    return True


def bold_text(lines: list[str]) -> str:
    """The text of Markdown bold lines, markers removed and whitespace collapsed."""
    return " ".join(" ".join(lines).replace("**", "").split())


def language_code(name: str, line_number: int) -> str:
    code = LANGUAGE_CODES.get(name.strip().lower())
    if code is None:
        known = ", ".join(sorted(LANGUAGE_CODES))
        raise ImportFailure(f"unknown language {name.strip()!r}; known: {known}", line_number)
    return code


def citation_title(citation: str) -> str | None:
    match = _QUOTED_TITLE.match(citation)
    return " ".join(match.group("title").split()) if match else None


def sender_and_recipient(title: str) -> tuple[str | None, str | None]:
    """``..., Mao Zedong to Cde. Filippov [Stalin]`` -> ``("Mao Zedong", "Filippov [Stalin]")``."""
    for segment in reversed(title.split(",")):
        if segment.count(" to ") > 1:
            return None, None  # "Ambassador to the USA Dobrynin to the USSR MFA": which "to" divides is a guess
        sender, separator, recipient = segment.partition(" to ")
        sender = sender.rpartition(" from ")[2].strip()
        recipient = HONORIFICS.sub("", recipient.strip())
        if separator and sender and recipient:
            return HONORIFICS.sub("", sender), recipient
    return None, None


def body_text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def check_one_ref_per_archive(refs: tuple[ArchivalRef, ...], line_number: int) -> None:
    # The corpus keys archival references (and the copies' file names) by archive.
    seen = set()
    for ref in refs:
        if archive_slug(ref.archive) in seen:
            raise ImportFailure(
                f"the citation names {ref.archive} twice; the corpus holds one reference per archive", line_number
            )
        seen.add(archive_slug(ref.archive))
