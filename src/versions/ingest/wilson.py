"""Import a Wilson Center Digital Archive record into the corpus layout of docs/corpus-format.md.

A record looks like this (the seed, ``tests/data/seed/telegram-23256.txt``)::

    **August 27, 1951**
    **Ciphered Telegram No. 23256, Mao Zedong to Cde.**
    **Filippov [Stalin]**

    **Citation:**

    "Ciphered Telegram No. 23256, ...", August 27, 1951, ..., APRF, Fond 45, ... <https://...>

    **Summary:** / **Original Language:** / **Contents:** ... Translation - English

    <the text, kept verbatim>

``parse_wilson_record`` turns the text into a ``WilsonRecord``; ``write_document`` writes
``translations/<document>/document.yaml``, one untranscribed ``<archive>-copy.md`` per archival
reference and ``wilson-<language>.md`` holding the text.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from ..anchors import detect_language
from ..archival import ArchivalRef, archive_slug, parse_citation
from ..corpus import load_document
from ..errors import CorpusError
from ..ids import slug_problem
from ..text import normalize_text, read_text
from . import staging
from .match import find_document
from .paragraphs import split_paragraphs
from .staging import ImportFailure, ImportResult

PUBLISHER = "Wilson Center Digital Archive"
RIGHTS = (
    "The texts are from the Wilson Center Digital Archive and are subject to its terms of use."
)

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
DERIVATION = {"translation": "translation-of", "edition": "edition-of"}

MONTHS = {
    name.lower(): number
    for names in (calendar.month_name, calendar.month_abbr)
    for number, name in enumerate(names)
    if name
} | {"sept": 9}
HONORIFICS = re.compile(r"^(?:Cdes?\.|Comrades?|Tov\.)\s+")

_FIELD = re.compile(r"^\*\*(?P<name>[^*]+?):\*\*\s*(?P<rest>.*)$")
_CONTENT = re.compile(
    r"^(?:[-*]\s+)?(?P<kind>Translation|Transcript(?:ion)?|Original Scan|Original Document)"
    r"(?:\s+-\s+(?P<language>\S.*?))?\s*$"
)
_MARKDOWN_FIELD = re.compile(r"^\*\*[^*\n]+:\*\*", re.MULTILINE)
_URL = re.compile(r"<(?P<url>https?://[^>\s]+)>")
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


@dataclass(frozen=True)
class _Field:
    line: int
    value: str


def read_wilson_record(path: Path, encoding: str | None = None, paragraph_rule: str | None = None) -> WilsonRecord:
    """Read and parse a record file; text that breaks the corpus rules is an ImportFailure naming the line."""
    try:
        return parse_record(read_text(Path(path), encoding), paragraph_rule)
    except CorpusError as error:
        first = error.problems[0]
        raise ImportFailure(first.message, first.line) from None


def parse_record(text: str, paragraph_rule: str | None = None) -> WilsonRecord:
    """A record in the seed's Markdown (fields such as ``**Citation:**``) or as page text copied from a browser."""
    if _MARKDOWN_FIELD.search(text):
        record = parse_wilson_record(text)
        if paragraph_rule is None or paragraph_rule == "blank":
            return record
        paragraphs, rule = split_paragraphs(record.body, paragraph_rule)
        return dataclasses.replace(record, body=_body(paragraphs), paragraph_rule=rule)
    return parse_page_text(text, paragraph_rule)


def parse_wilson_record(text: str) -> WilsonRecord:
    """Parse a Wilson Center Digital Archive record; raise ImportFailure if it is not one."""
    lines = _normalise(text).split("\n")
    header_start = _first_non_blank(lines)
    header_end = _end_of_paragraph(lines, header_start)
    date = _parse_date(lines[header_start], header_start + 1)
    fields, contents_index = _parse_fields(lines, header_end)
    citation = _require(fields, "Citation", contents_index).value
    language_field = _require(fields, "Original Language", contents_index)
    contents, body_start = _parse_contents(lines, contents_index)
    text_content = _text_content(contents, contents_index)
    body = "\n".join(lines[body_start:])
    if not body.strip():
        raise ImportFailure("no text after the Contents block", len(lines))
    bold_title = _bold_text(lines[header_start + 1:header_end])
    title, warnings = _choose_title(bold_title, _citation_title(citation), header_start + 2)
    sender, recipient = sender_and_recipient(title)
    parsed = parse_citation(citation)
    refs = tuple(parsed.refs)
    _check_one_ref_per_archive(refs, fields["Citation"].line)
    summary = fields.get("Summary")
    return WilsonRecord(
        date=date,
        title=title,
        citation=citation,
        original_language=_language_code(language_field.value, language_field.line),
        contents=contents,
        text_kind=text_content.kind,
        text_language=text_content.language,
        body=body,
        archival_refs=refs,
        source_url=_source_url(citation),
        summary=summary.value if summary else None,
        sender=sender,
        recipient=recipient,
        warnings=warnings + tuple(parsed.warnings) + (() if refs else ("the citation names no archival reference",)),
        translator=parsed.translator,
        unparsed_refs=tuple(parsed.unparsed),
        citation_notes=tuple(parsed.notes),
    )


def _normalise(text: str) -> str:
    try:
        return normalize_text(text, "record")
    except CorpusError as error:
        raise ImportFailure(error.problems[0].message, error.problems[0].line) from None


def _first_non_blank(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if line.strip():
            return index
    raise ImportFailure("the record is empty", 1)


def _end_of_paragraph(lines: list[str], start: int) -> int:
    index = start
    while index < len(lines) and lines[index].strip():
        index += 1
    return index


def _parse_date(line: str, line_number: int) -> str:
    """``**August 27, 1951**`` -> ``1951-08-27``; also ``27 August 1951``, ``August 1951``, ``1951``."""
    text = _bold_text([line])
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


def _bold_text(lines: list[str]) -> str:
    """The text of Markdown bold lines, markers removed and whitespace collapsed."""
    return " ".join(" ".join(lines).replace("**", "").split())


def _parse_fields(lines: list[str], start: int) -> tuple[dict[str, _Field], int]:
    """The ``**Name:**`` fields up to ``**Contents:**``, and the index of the Contents line."""
    fields: dict[str, _Field] = {}
    name = None
    for index in range(start, len(lines)):
        if match := _FIELD.match(lines[index]):
            name = match.group("name").strip()
            if name == "Contents":
                return _trimmed(fields), index
            if name in fields:
                raise ImportFailure(f"field {name} appears twice (first on line {fields[name].line})", index + 1)
            fields[name] = _Field(index + 1, match.group("rest"))
        elif name is not None:
            fields[name] = _Field(fields[name].line, fields[name].value + "\n" + lines[index])
        elif lines[index].strip():
            raise ImportFailure("text between the title and the first field such as **Citation:**", index + 1)
    raise ImportFailure("no **Contents:** block (such as 'Translation - English') before the text", len(lines))


def _trimmed(fields: dict[str, _Field]) -> dict[str, _Field]:
    """The fields without the blank lines around their values, each with the line its value starts on."""
    trimmed = {}
    for name, field in fields.items():
        value = field.value.strip()
        if not value:
            raise ImportFailure(f"field {name} is empty", field.line)
        leading_lines = field.value[: field.value.index(value[0])].count("\n")
        trimmed[name] = _Field(field.line + leading_lines, value)
    return trimmed


def _require(fields: dict[str, _Field], name: str, contents_index: int) -> _Field:
    if name not in fields:
        raise ImportFailure(f"no **{name}:** field before **Contents:**", contents_index + 1)
    return fields[name]


def _parse_contents(lines: list[str], contents_index: int) -> tuple[tuple[Content, ...], int]:
    """The Contents items and the index of the first line of the text after them."""
    rest = _FIELD.match(lines[contents_index]).group("rest")
    candidates = [(contents_index, rest)] if rest.strip() else []
    index = contents_index + 1
    while index < len(lines) and (not lines[index].strip() or _CONTENT.match(lines[index])):
        candidates.append((index, lines[index]))
        index += 1
    contents = tuple(_parse_content(line, line_index + 1) for line_index, line in candidates if line.strip())
    if not contents:
        raise ImportFailure("the Contents block lists nothing (such as 'Translation - English')", contents_index + 1)
    return contents, index


def _parse_content(line: str, line_number: int) -> Content:
    match = _CONTENT.match(line)
    if not match:
        raise ImportFailure(f"unknown Contents item {line.strip()!r}", line_number)
    kind = match.group("kind").lower().replace("transcription", "transcript").replace(" ", "-")
    language = match.group("language")
    return Content(kind, _language_code(language, line_number) if language else None)


def _text_content(contents: tuple[Content, ...], contents_index: int) -> Content:
    """The content the record's text is: its translation if it lists one, else its transcript."""
    for kind in TEXT_KINDS:
        for content in contents:
            if content.kind == kind and content.language:
                return content
    raise ImportFailure(
        "the Contents block names no text such as 'Translation - English' or 'Transcript - Russian'", contents_index + 1
    )


def _language_code(name: str, line_number: int) -> str:
    code = LANGUAGE_CODES.get(name.strip().lower())
    if code is None:
        known = ", ".join(sorted(LANGUAGE_CODES))
        raise ImportFailure(f"unknown language {name.strip()!r}; known: {known}", line_number)
    return code


def _citation_title(citation: str) -> str | None:
    match = _QUOTED_TITLE.match(citation)
    return " ".join(match.group("title").split()) if match else None


def _choose_title(
    bold_title: str, citation_title: str | None, line_number: int
) -> tuple[str, tuple[str, ...]]:
    """The citation's title where there is one (it is one line, not broken for display)."""
    if not bold_title and not citation_title:
        raise ImportFailure("no title: no bold lines after the date and no quoted title in the citation", line_number)
    if bold_title and citation_title and bold_title != citation_title:
        warning = f"the title {bold_title!r} differs from the citation's {citation_title!r}; using the citation's"
        return citation_title, (warning,)
    return citation_title or bold_title, ()


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


# --- page text: a record page copied from a browser or a reader view, or read from a saved HTML page -----------------

# The labels of the sections after the text, each on its own line with its value on the next lines.
TRAILER_LABELS = (
    "Author(s)", "Associated People & Organizations", "Associated Places", "Associated Topics", "Subjects Discussed",
    "Document Information", "Source", "Rights", "Original Uploaded Date", "Type", "Language", "Record ID",
    "Original Archive", "Citation", "Related Documents", "Keywords", "Translated by", "Donors",
)
_TRAILER_LABEL = re.compile(
    r"^(?:%s):?$" % "|".join(re.escape(label) for label in TRAILER_LABELS), re.IGNORECASE
)
_NAVIGATION = re.compile(
    r"^(?:skip to (?:main )?content|search in\b.*|search|menu|home|back to\b.*|digital archive|print|share|download"
    r"|(?:showing )?[\d,]+(?: - [\d,]+)?(?: of [\d,]+)? (?:results?|documents?|records?).*|.*(?: > | » | / ).*)$",
    re.IGNORECASE,
)
_RESIDUE = re.compile(r"^(?:print|share|download(?: pdf)?|back to top|skip to (?:main )?content)$", re.IGNORECASE)
_FUNDING = re.compile(r"\b(?:made possible|funded by|generous support|support (?:of|from))\b", re.IGNORECASE)
_BARE_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;)]")
_SUMMARY_WORDS = 8
_RESULT_COUNT = re.compile(r"^(?:results:?|(?:showing )?[\d,]+ - [\d,]+ of [\d,]+\b.*)$", re.IGNORECASE)
_ELISION = re.compile(r"\[(?:\.\.\.|…)\]")
_TITLE_REACH = 3  # lines around the date where the title may stand
_HEAD_LABEL = re.compile(r"^(?:summary|contents|credits|original language)(?::.*)?$", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_CITATION_START = re.compile(r"^[\"“].+[\"”],? .*\b\d{4}\b")


def parse_page_text(text: str, paragraph_rule: str | None = None) -> WilsonRecord:
    """A record page as text: navigation, date and title (the summary before or after them), an optional funding
    line, the text, then labelled sections and the citation."""
    lines = [" ".join(line.split()) for line in _HTML_BREAK.sub("", _normalise(text)).split("\n")]
    _refuse_result_lists(lines)
    date_index = _date_line(lines)
    trailer_start = _trailer_start(lines, date_index + 1)
    sections = _sections(lines[trailer_start:])
    date = _parse_date(lines[date_index], date_index + 1)
    title_index = _title_line(lines, date_index, trailer_start, sections.get("citation"))
    title = _page_title(lines[title_index], sections.get("citation"))
    head_end = max(date_index, title_index) + 1
    summary = _paragraph_before(lines, min(date_index, title_index))
    body_lines = _without_residue(lines[head_end:trailer_start])
    body_lines, summary = _summary_after_title(body_lines, summary)
    if summary is None and trailer_start < len(lines):
        body_lines, summary = _summary_below_text(body_lines)
    paragraphs, rule = split_paragraphs("\n".join(body_lines), paragraph_rule)
    if not paragraphs:
        raise ImportFailure("no text between the title and the sections after it", head_end)
    original, translation = _original_and_translation(paragraphs)
    citation = sections.get("citation") or ""
    parsed = _archival_source(citation, sections)
    refs = tuple(parsed.refs)
    _check_one_ref_per_archive(refs, trailer_start + 1)
    language_name = sections.get("language") or ""
    text_language = detect_language("\n".join(translation))
    original_language = (
        detect_language("\n".join(original)) if original
        else LANGUAGE_CODES.get(language_name.split(",")[0].strip().lower(), text_language)
    )
    sender, recipient = sender_and_recipient(title)
    record_id = sections.get("record id")
    return WilsonRecord(
        date=date,
        title=title,
        citation=citation,
        original_language=original_language,
        contents=(Content("translation" if text_language != original_language else "transcript", text_language),),
        text_kind="translation" if text_language != original_language else "transcript",
        text_language=text_language,
        body=_body(translation),
        archival_refs=refs,
        source_url=_page_url(citation, sections),
        summary=summary,
        sender=sender,
        recipient=recipient,
        warnings=tuple(parsed.warnings) + (() if refs else ("the citation names no archival reference",)),
        translator=parsed.translator,
        unparsed_refs=tuple(parsed.unparsed),
        citation_notes=tuple(parsed.notes),
        record_id=record_id.split()[0] if record_id else None,
        paragraph_rule=rule,
        original_body=_body(original) if original else None,
    )


def _archival_source(citation: str, sections: dict[str, str]):
    """The citation parsed, or, when it names no archival reference, the Source section or the prose under Document
    Information (a page may give the reference only there)."""
    parsed = parse_citation(citation)
    for label in ("source", "document information"):
        if parsed.refs or not sections.get(label):
            continue
        parsed = parse_citation(sections[label])
    return parsed


def _trailer_start(lines: list[str], start: int) -> int:
    """The first labelled section after the date (or the citation, when it stands alone at the end)."""
    for index in range(start, len(lines)):
        if _TRAILER_LABEL.match(lines[index]):
            return index
    for index in range(len(lines) - 1, start - 1, -1):
        if _CITATION_START.match(lines[index]):
            return index
    return len(lines)


def _sections(lines: list[str]) -> dict[str, str]:
    """Label (lowercase, no colon) -> value; a line that opens a quoted title is the citation, wherever it stands."""
    sections: dict[str, list[str]] = {}
    label = None
    for line in lines:
        if _TRAILER_LABEL.match(line):
            label = line.rstrip(":").lower()
            sections.setdefault(label, [])
        elif _CITATION_START.match(line) and "citation" not in sections:
            label = "citation"
            sections[label] = [line]
        elif label is not None and line:
            sections[label].append(line)
    return {label: " ".join(values) for label, values in sections.items() if values}


def _date_line(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _is_date(line):
            return index
    raise ImportFailure("no date line (such as 'August 27, 1951') before the text", 1)


def _title_line(lines: list[str], date_index: int, end: int, citation: str | None) -> int:
    """The line the citation quotes as the title, wherever it stands near the date; else the line after the date."""
    quoted = (_citation_title(citation or "") or "").rstrip(",")
    if quoted:
        for index in range(max(0, date_index - _TITLE_REACH), min(end, date_index + _TITLE_REACH + 1)):
            if lines[index].strip("\"“”").rstrip(",") == quoted:
                return index
    index = _next_text_line(lines, date_index + 1, end)
    if index is None:
        raise ImportFailure("no title after the date line", date_index + 1)
    return index


def _without_residue(lines: list[str]) -> list[str]:
    """The text's lines without what a page shows around it: "Print", the Contents list ("Translation -
    English"), a "Summary" or "Original Language" label (and the language after it)."""
    kept: list[str] = []
    skip_value = False
    for line in lines:
        if skip_value and line:
            skip_value = False
            if line.lower() in LANGUAGE_CODES:
                continue
        if _RESIDUE.match(line) or _CONTENT.match(line) or _HEAD_LABEL.match(line):
            skip_value = bool(re.match(r"(?i)original language:?$", line))
            continue
        kept.append(line)
    return kept


def _is_date(line: str) -> bool:
    """A line that is a date, or names the year 0000 where a date belongs (refused by ``_parse_date``)."""
    try:
        _parse_date(line, 1)
    except ImportFailure as error:
        return "year 0000" in error.message
    return True




def _next_text_line(lines: list[str], start: int, end: int) -> int | None:
    return next((index for index in range(start, end) if lines[index]), None)


def _page_title(line: str, citation: str | None) -> str:
    """The citation's title where it is this line (Wilson puts the comma inside the quotes: ``"Title,"``)."""
    quoted = _citation_title(citation or "")
    title = line.strip().strip("\"“”")
    if quoted and quoted.rstrip(",") == title.rstrip(","):
        return quoted.rstrip(",")
    return title.rstrip(",")


def _paragraph_before(lines: list[str], date_index: int) -> str | None:
    """The summary when it stands above the date: the sentences there (navigation lines are a few words each)."""
    run: list[str] = []
    for line in reversed(lines[:date_index]):
        if not line and not run:
            continue
        if not line or len(line.split()) < _SUMMARY_WORDS or _NAVIGATION.match(line):
            break
        run.insert(0, line)
    return " ".join(run) or None


def _summary_after_title(body_lines: list[str], summary: str | None) -> tuple[list[str], str | None]:
    """Without a funding line, the text starts right after the title; with one, what stands above it is the
    summary (unless the summary was above the date) and the line itself goes."""
    funding = next((index for index, line in enumerate(body_lines) if _FUNDING.search(line)), None)
    if funding is None:
        return body_lines, summary
    above = " ".join(line for line in body_lines[:funding] if line)
    rest = body_lines[funding + 1:]
    if summary is None and above:
        return rest, above
    return body_lines[:funding] + rest, summary


def _refuse_result_lists(lines: list[str]) -> None:
    """A page of search results (a result count, then a date and a title per document) is not one record."""
    count = next((index for index, line in enumerate(lines) if _RESULT_COUNT.match(line)), None)
    if count is None or any(_TRAILER_LABEL.match(line) for line in lines):
        return
    entries = sum(1 for line in lines[count:] if _is_date(line))
    if entries > 1:
        raise ImportFailure(
            f"a list of search results ({entries} dated entries), not one record: save the page of one record", count + 1
        )


def _summary_below_text(body_lines: list[str]) -> tuple[list[str], str | None]:
    """A record page that gives no summary above the text gives it below, as the paragraph right before the labelled
    sections: one block of sentences after a blank line, with text above it."""
    while body_lines and not body_lines[-1]:
        body_lines = body_lines[:-1]
    if "" not in body_lines:
        return body_lines, None
    start = len(body_lines) - body_lines[::-1].index("")
    last = " ".join(body_lines[start:])
    above = [line for line in body_lines[:start] if line and not _ELISION.fullmatch(line)]
    if len(last.split()) < _SUMMARY_WORDS or not above or not last.rstrip().endswith((".", "!", "?", "”", '"', ")")):
        return body_lines, None
    return body_lines[:start], last


def _original_and_translation(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """A page giving the original above the English translation: the paragraphs before the first English one,
    when all of them are in one other language, are the original."""
    languages = [detect_language(paragraph) for paragraph in paragraphs]
    if "en" not in languages or languages[0] == "en":
        return [], paragraphs
    split = languages.index("en")
    if len(set(languages[:split])) == 1 and all(language == "en" for language in languages[split:]):
        return paragraphs[:split], paragraphs[split:]
    return [], paragraphs


def _page_url(citation: str, sections: dict[str, str]) -> str | None:
    for value in (citation, sections.get("source", "")):
        if match := _BARE_URL.search(value):
            return match.group(0)
    return None


def _body(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def _check_one_ref_per_archive(refs: tuple[ArchivalRef, ...], line_number: int) -> None:
    # The corpus keys archival references (and the copies' file names) by archive.
    seen = set()
    for ref in refs:
        if archive_slug(ref.archive) in seen:
            raise ImportFailure(
                f"the citation names {ref.archive} twice; the corpus holds one reference per archive", line_number
            )
        seen.add(archive_slug(ref.archive))


def _source_url(citation: str) -> str | None:
    match = _URL.search(citation)
    return match.group("url") if match else None


def default_document_id(record: WilsonRecord) -> str:
    """``telegram-<n>`` for "Telegram No. <n>", else ``wilson-<record id>`` (from the Record ID section or the URL)."""
    if match := re.search(r"Telegram No\.\s*(\d+)", record.title, re.IGNORECASE):
        return f"telegram-{match.group(1)}"
    if record.record_id and not slug_problem(f"wilson-{record.record_id}"):
        return f"wilson-{record.record_id}"
    if record.source_url and (match := re.search(r"/(\d+)/?$", record.source_url)):
        return f"wilson-{match.group(1)}"
    raise ValueError("cannot derive a document id from the title or the source URL; give one")


def text_version_id(record: WilsonRecord) -> str:
    return f"wilson-{record.text_language}"


def original_version_id(record: WilsonRecord) -> str:
    return f"wilson-{record.original_language}"


def copy_version_id(ref: ArchivalRef) -> str:
    return f"{archive_slug(ref.archive)}-copy"


def import_record(
    record: WilsonRecord,
    corpus_root: Path,
    document_id: str | None = None,
    *,
    into: str | None = None,
    version_id: str | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Write a parsed record into ``corpus_root``, checked and all or nothing; with ``dry_run`` only checked.

    A document the record is another copy of (``into``, or found by record id or source URL) gets the record's text
    as new versions; otherwise the record becomes document ``document_id`` (default: derived from the record).
    """
    root = Path(corpus_root)
    target = into or (None if document_id or overwrite else _same_document(root, record))
    if target is not None:
        document_id, files = target, added_version_files(record, root, target, version_id)
    else:
        document_id = document_id or default_document_id(record)
        files = record_files(record, version_id)
    if dry_run:
        staging.check_document(root, document_id, files, overwrite=overwrite)
        folder = root / document_id
    else:
        folder = staging.write_document(root, document_id, files, overwrite=overwrite)
    return ImportResult(folder, sorted(files), list(record.warnings), record.paragraph_rule)


def _same_document(root: Path, record: WilsonRecord) -> str | None:
    """The document with the record's id or source URL; one with only its title and date is suggested, not taken."""
    matches = find_document(root, record.record_id, record.source_url, record.title, record.date)
    if matches.similar is not None:
        raise ImportFailure(
            f"document {matches.similar} has the same title and date; if this is another copy of it, import with "
            f"--into {matches.similar}, else name a new document with --document"
        )
    return matches.same


def record_files(record: WilsonRecord, version_id: str | None = None) -> dict[str, str]:
    """The files of a new document: its metadata, one file per archival copy, the text (and the original)."""
    copies = [copy_version_id(ref) for ref in record.archival_refs]
    files = {f"{copy_version_id(ref)}.md": _copy_file(record, ref) for ref in record.archival_refs}
    files.update(_text_files(record, version_id or text_version_id(record), original_version_id(record), copies))
    files["document.yaml"] = staging.yaml_text(_document_metadata(record, version_id))
    return files


def added_version_files(
    record: WilsonRecord, root: Path, document_id: str, version_id: str | None = None
) -> dict[str, str]:
    """The record's text (and original) as new versions of document ``document_id``, under names not taken there;
    the archival copies it names that the document has stay their source. A text the document has already is
    refused: importing a record twice adds nothing."""
    folder = root / document_id
    if not (folder / "document.yaml").is_file():
        raise ImportFailure(f"there is no document {document_id} to add versions to")
    versions = load_document(root, document_id).versions
    if same := next((version.id for version in versions if version.body == record.body), None):
        raise ImportFailure(f"this text is already version {document_id}/{same}")
    taken = {version.id for version in versions}
    text_id = version_id or _free_id(text_version_id(record), taken)
    if text_id in taken:
        raise ImportFailure(f"{document_id} already has a version {text_id}; name the new one with --as")
    original_id = _free_id(original_version_id(record), taken | {text_id})
    copies = [copy_version_id(ref) for ref in record.archival_refs if copy_version_id(ref) in taken]
    return _text_files(record, text_id, original_id, copies)


def _free_id(version_id: str, taken: set[str]) -> str:
    number = 2
    free = version_id
    while free in taken:
        free, number = f"{version_id}-{number}", number + 1
    return free


def _text_files(record: WilsonRecord, text_id: str, original_id: str, copies: list[str]) -> dict[str, str]:
    if record.original_body is None:
        return {f"{text_id}.md": _text_file(record, copies)}
    return {f"{original_id}.md": _original_file(record, copies), f"{text_id}.md": _text_file(record, [original_id])}


def write_document(
    record: WilsonRecord, translations_dir: Path, document_id: str | None = None, overwrite: bool = False
) -> Path:
    """Write the record as a new document ``translations_dir/<document_id>/``; return that folder.

    Other versions already in the folder stay. Unless ``overwrite``, an existing ``document.yaml`` or version file
    of the same name is refused. The document is checked as ``versions check`` reads it before anything is written
    (``CorpusError``), and written all or nothing (``WriteError`` if it cannot be).
    """
    document_id = document_id or default_document_id(record)
    if slug_problem(document_id):
        raise ValueError(
            f"document id {document_id!r} is not a slug (a-z, 0-9 and single hyphens, at most 64 characters)"
        )
    return staging.write_document(Path(translations_dir), document_id, record_files(record), overwrite=overwrite)


def _document_metadata(record: WilsonRecord, text_id: str | None = None) -> dict:
    metadata = {
        "title": record.title,
        "date": record.date,
        "from": record.sender,
        "to": record.recipient,
        "summary": record.summary,
        "original_language": record.original_language,
        "base": text_id or text_version_id(record),
        "citation": record.citation,
        "source": _without_empty({"name": PUBLISHER, "url": record.source_url}),
        "record_id": record.record_id,
        "illustrative": True if record.illustrative else None,
        "rights": RIGHTS,
        "archival_refs": [_ref_metadata(ref) for ref in record.archival_refs]
        + [{"citation": citation, "unparsed": True} for citation in record.unparsed_refs],
    }
    return _without_empty(metadata)


def _ref_metadata(ref: ArchivalRef) -> dict:
    return _without_empty(dataclasses.asdict(ref))


def _copy_file(record: WilsonRecord, ref: ArchivalRef) -> str:
    front_matter = {
        "kind": "archival-copy",
        "language": record.original_language,
        "archive": ref.archive,
        "label": f"{ref.archive} copy ({_language_name(record.original_language)})",
        "transcribed": False,
    }
    return staging.version_file(front_matter, "")


def _text_file(record: WilsonRecord, sources: list[str]) -> str:
    kind = TEXT_KINDS[record.text_kind]
    front_matter = {
        "kind": kind,
        "language": record.text_language,
        "label": f"{_language_name(record.text_language)} {record.text_kind} ({PUBLISHER})",
        "translator": record.translator,
        "publisher": PUBLISHER,
        "source": record.source_url,
        "derived_from": [{"version": source, "relation": DERIVATION[kind]} for source in sources],
        "note": "; ".join(note for note in (record.note, *record.citation_notes) if note) or None,
    }
    return staging.version_file(_without_empty(front_matter), record.body)


def _original_file(record: WilsonRecord, copies: list[str]) -> str:
    """The original as the page gives it above the translation: an edition of the archival copies."""
    front_matter = {
        "kind": "edition",
        "language": record.original_language,
        "label": f"{_language_name(record.original_language)} original ({PUBLISHER})",
        "publisher": PUBLISHER,
        "source": record.source_url,
        "derived_from": [{"version": copy, "relation": "edition-of"} for copy in copies],
    }
    return staging.version_file(_without_empty(front_matter), record.original_body)


def _language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def _without_empty(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if value not in (None, [], {})}

