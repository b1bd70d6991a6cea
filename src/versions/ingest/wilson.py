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
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..archival import ArchivalRef, archive_slug, parse_archival_refs
from ..errors import CorpusError
from ..ids import slug_problem
from ..text import normalize_text, read_text
from . import staging
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


@dataclass(frozen=True)
class _Field:
    line: int
    value: str


def read_wilson_record(path: Path, encoding: str | None = None) -> WilsonRecord:
    """Read and parse a record file; text that breaks the corpus rules is an ImportFailure naming the line."""
    try:
        return parse_wilson_record(read_text(Path(path), encoding))
    except CorpusError as error:
        first = error.problems[0]
        raise ImportFailure(first.message, first.line) from None


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
    refs = tuple(parse_archival_refs(citation))
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
        warnings=warnings + (() if refs else ("the citation names no archival reference",)),
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
        sender, separator, recipient = segment.partition(" to ")
        sender = sender.rpartition(" from ")[2].strip()
        recipient = HONORIFICS.sub("", recipient.strip())
        if separator and sender and recipient:
            return HONORIFICS.sub("", sender), recipient
    return None, None


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
    """``telegram-<n>`` for "Telegram No. <n>", else ``wilson-<record number in the URL>``."""
    if match := re.search(r"Telegram No\.\s*(\d+)", record.title, re.IGNORECASE):
        return f"telegram-{match.group(1)}"
    if record.source_url and (match := re.search(r"/(\d+)/?$", record.source_url)):
        return f"wilson-{match.group(1)}"
    raise ValueError("cannot derive a document id from the title or the source URL; give one")


def text_version_id(record: WilsonRecord) -> str:
    return f"wilson-{record.text_language}"


def copy_version_id(ref: ArchivalRef) -> str:
    return f"{archive_slug(ref.archive)}-copy"


def import_wilson(
    path: Path, corpus_root: Path, document_id: str | None = None, *, overwrite: bool = False,
    encoding: str | None = None,
) -> ImportResult:
    """Read the record at ``path`` and write it into ``corpus_root``, checked and all or nothing."""
    record = read_wilson_record(path, encoding)
    folder = write_document(record, corpus_root, document_id, overwrite)
    return ImportResult(folder, sorted(p.name for p in folder.iterdir()), list(record.warnings))


def write_document(
    record: WilsonRecord, translations_dir: Path, document_id: str | None = None, overwrite: bool = False
) -> Path:
    """Write the record as ``translations_dir/<document_id>/``; return that folder.

    Only the files this import owns are written; other versions already in the folder stay. Unless
    ``overwrite``, an existing ``document.yaml`` or version file of the same name is refused. The document is
    checked as ``versions check`` reads it before anything is written (``CorpusError``), and written all or nothing
    (``staging.WriteError`` if it cannot be).
    """
    document_id = document_id or default_document_id(record)
    if slug_problem(document_id):
        raise ValueError(
            f"document id {document_id!r} is not a slug (a-z, 0-9 and single hyphens, at most 64 characters)"
        )
    files = {f"{copy_version_id(ref)}.md": _copy_file(record, ref) for ref in record.archival_refs}
    files[f"{text_version_id(record)}.md"] = _text_file(record)
    files["document.yaml"] = staging.yaml_text(_document_metadata(record))
    return staging.write_document(Path(translations_dir), document_id, files, overwrite=overwrite)


def _document_metadata(record: WilsonRecord) -> dict:
    metadata = {
        "title": record.title,
        "date": record.date,
        "from": record.sender,
        "to": record.recipient,
        "summary": record.summary,
        "original_language": record.original_language,
        "base": text_version_id(record),
        "citation": record.citation,
        "source": _without_empty({"name": PUBLISHER, "url": record.source_url}),
        "rights": RIGHTS,
        "archival_refs": [_ref_metadata(ref) for ref in record.archival_refs],
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


def _text_file(record: WilsonRecord) -> str:
    kind = TEXT_KINDS[record.text_kind]
    front_matter = {
        "kind": kind,
        "language": record.text_language,
        "label": f"{_language_name(record.text_language)} {record.text_kind} ({PUBLISHER})",
        "publisher": PUBLISHER,
        "source": record.source_url,
        "derived_from": [
            {"version": copy_version_id(ref), "relation": DERIVATION[kind]} for ref in record.archival_refs
        ],
    }
    return staging.version_file(_without_empty(front_matter), record.body)


def _language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def _without_empty(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if value not in (None, [], {})}

