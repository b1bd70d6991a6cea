"""Import a Wilson Center Digital Archive record: its Markdown rendering, or (handed to ``page``) its page text.

The Markdown rendering looks like this (the seed, ``tests/data/seed/telegram-23256.txt``)::

    **August 27, 1951**
    **Ciphered Telegram No. 23256, Mao Zedong to Cde.**
    **Filippov [Stalin]**

    **Citation:**

    "Ciphered Telegram No. 23256, ...", August 27, 1951, ..., APRF, Fond 45, ... <https://...>

    **Summary:** / **Original Language:** / **Contents:** ... Translation - English

    <the text, kept verbatim>

``read_wilson_record`` reads a file into a ``WilsonRecord``; ``documents.import_record`` writes it into the corpus.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from ..archival import parse_citation
from ..errors import CorpusError
from ..text import read_text
from .page import parse_page_text
from .paragraphs import split_paragraphs
from .record import (
    CONTENT_ITEM,
    TEXT_KINDS,
    Content,
    WilsonRecord,
    body_text,
    bold_text,
    check_one_ref_per_archive,
    citation_title,
    language_code,
    normalise_record,
    parse_date,
    sender_and_recipient,
)
from .staging import ImportFailure

_FIELD = re.compile(r"^\*\*(?P<name>[^*]+?):\*\*\s*(?P<rest>.*)$")
_MARKDOWN_FIELD = re.compile(r"^\*\*[^*\n]+:\*\*", re.MULTILINE)
_URL = re.compile(r"<(?P<url>https?://[^>\s]+)>")


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
        return dataclasses.replace(record, body=body_text(paragraphs), paragraph_rule=rule)
    return parse_page_text(text, paragraph_rule)


def parse_wilson_record(text: str) -> WilsonRecord:
    """Parse a Wilson Center Digital Archive record; raise ImportFailure if it is not one."""
    lines = normalise_record(text).split("\n")
    header_start = _first_non_blank(lines)
    header_end = _end_of_paragraph(lines, header_start)
    date = parse_date(lines[header_start], header_start + 1)
    fields, contents_index = _parse_fields(lines, header_end)
    citation = _require(fields, "Citation", contents_index).value
    language_field = _require(fields, "Original Language", contents_index)
    contents, body_start = _parse_contents(lines, contents_index)
    text_content = _text_content(contents, contents_index)
    body = "\n".join(lines[body_start:])
    if not body.strip():
        raise ImportFailure("no text after the Contents block", len(lines))
    bold_title = bold_text(lines[header_start + 1:header_end])
    title, warnings = _choose_title(bold_title, citation_title(citation), header_start + 2)
    sender, recipient = sender_and_recipient(title)
    parsed = parse_citation(citation)
    refs = tuple(parsed.refs)
    check_one_ref_per_archive(refs, fields["Citation"].line)
    summary = fields.get("Summary")
    return WilsonRecord(
        date=date,
        title=title,
        citation=citation,
        original_language=language_code(language_field.value, language_field.line),
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
    while index < len(lines) and (not lines[index].strip() or CONTENT_ITEM.match(lines[index])):
        candidates.append((index, lines[index]))
        index += 1
    contents = tuple(_parse_content(line, line_index + 1) for line_index, line in candidates if line.strip())
    if not contents:
        raise ImportFailure("the Contents block lists nothing (such as 'Translation - English')", contents_index + 1)
    return contents, index


def _parse_content(line: str, line_number: int) -> Content:
    match = CONTENT_ITEM.match(line)
    if not match:
        raise ImportFailure(f"unknown Contents item {line.strip()!r}", line_number)
    kind = match.group("kind").lower().replace("transcription", "transcript").replace(" ", "-")
    language = match.group("language")
    return Content(kind, language_code(language, line_number) if language else None)


def _text_content(contents: tuple[Content, ...], contents_index: int) -> Content:
    """The content the record's text is: its translation if it lists one, else its transcript."""
    for kind in TEXT_KINDS:
        for content in contents:
            if content.kind == kind and content.language:
                return content
    raise ImportFailure(
        "the Contents block names no text such as 'Translation - English' or 'Transcript - Russian'", contents_index + 1
    )


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


def _source_url(citation: str) -> str | None:
    match = _URL.search(citation)
    return match.group("url") if match else None
