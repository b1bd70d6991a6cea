"""A record page as text, copied from a browser or a reader view, or read from a saved HTML page (``html``): navigation,
date and title, the summary, the text, then labelled sections and the citation, parsed into a ``WilsonRecord``."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..anchors import detect_language
from ..archival import ArchivalRef, ParsedCitation, archive_language, parse_citation
from .paragraphs import split_paragraphs
from .record import (
    CONTENT_ITEM,
    LANGUAGE_CODES,
    Content,
    WilsonRecord,
    body_text,
    check_one_ref_per_archive,
    citation_title,
    is_date,
    normalise_record,
    parse_date,
    sender_and_recipient,
)
from .staging import ImportFailure

# The labels of the sections after the text, each on its own line with its value on the next lines.
TRAILER_LABELS = (
    "Author(s)", "Associated People & Organizations", "Associated Places", "Associated Topics", "Subjects Discussed",
    "Document Information", "Source", "Rights", "Original Uploaded Date", "Type", "Language", "Record ID",
    "Original Archive", "Citation", "Related Documents", "Keywords", "Translated by", "Donors",
)
_TRAILER_LABEL = re.compile(
    rf"^(?:{'|'.join(re.escape(label) for label in TRAILER_LABELS)}):?$", re.IGNORECASE
)
_NAVIGATION = re.compile(
    r"^(?:skip to (?:main )?content|search in\b.*|search|menu|home|back to\b.*|digital archive|print|share|download"
    r"|(?:showing )?[\d,]+(?: - [\d,]+)?(?: of [\d,]+)? (?:results?|documents?|records?).*|.*(?: > | » | / ).*)$",
    re.IGNORECASE,
)
_RESIDUE = re.compile(
    r"^(?:print|share(?: document)?|get citation|download(?: pdf)?|back to top|skip to (?:main )?content"
    r"|[a-z]+ (?:html|pdf))$",
    re.IGNORECASE,
)
_FUNDING = re.compile(r"\b(?:made possible|funded by|generous support|support (?:of|from))\b", re.IGNORECASE)
_BARE_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;)]")
_SUMMARY_WORDS = 8
_RESULT_COUNT = re.compile(r"^(?:results:?|(?:showing )?[\d,]+ - [\d,]+ of [\d,]+\b.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^[•·▪◦‣]\s*")
_RESULT_ENTRIES = 3  # dated entries of a title and a description or two that make a list of search results
_ELISION = re.compile(r"\[(?:\.\.\.|…)\]")
_TITLE_REACH = 3  # lines around the date where the title may stand
_HEAD_REACH = 8  # lines after the date, and after the "Citation" label, where a citation above the text may stand
# One sentence ending and another starting (after a word, not an initial or an abbreviation such as "Cde."): a title
# has none.
_SENTENCES = re.compile(r"[a-z]{3}[.!?]\s+[A-Z]")
_HEAD_FIELDS = ("summary", "original language", "contents")  # labelled fields above the text, value below or after
_HEAD_FIELD = re.compile(rf"^(?P<name>{'|'.join(_HEAD_FIELDS)}):\s*(?P<value>.*)$", re.IGNORECASE)
# An item of a record's Contents, as its PDF lists them: "English Translation", "Scan of Original Document".
_CONTENTS_ITEM = re.compile(
    r"^(?:[a-z]+ )?(?:translation|transcript(?:ion)?)(?: - [a-z]+)?$|^(?:scan of )?original (?:document|scan)$",
    re.IGNORECASE,
)
_HEAD_LABEL = re.compile(rf"^(?:{'|'.join(_HEAD_FIELDS)}|credits)(?::.*)?$", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_CITATION_START = re.compile(r"^[\"“].+[\"”],? .*\b\d{4}\b")


def parse_page_text(text: str, paragraph_rule: str | None = None) -> WilsonRecord:
    """A record page as text: navigation, date and title (the summary before or after them), an optional funding
    line, the text, then labelled sections and the citation."""
    lines = [_BULLET.sub("", " ".join(line.split())) for line in _HTML_BREAK.sub("", normalise_record(text)).split("\n")]
    _refuse_result_lists(lines)
    date_index = _date_line(lines)
    date = parse_date(lines[date_index], date_index + 1)
    page = _cited_above(lines, date_index) or _cited_below(lines, date_index)
    title, summary, body_lines, sections, head_end, trailer_start = page
    paragraphs, rule = split_paragraphs("\n".join(body_lines), paragraph_rule)
    if not paragraphs:
        raise ImportFailure("no text between the title and the sections after it", head_end)
    original, translation = _original_and_translation(paragraphs)
    citation = sections.get("citation") or ""
    parsed = _archival_source(citation, sections)
    refs = tuple(parsed.refs)
    check_one_ref_per_archive(refs, trailer_start + 1)
    text_language = detect_language("\n".join(translation))
    original_language = (
        detect_language("\n".join(original)) if original
        else _stated_language(sections) or _archives_language(refs) or text_language
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
        body=body_text(translation),
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
        original_body=body_text(original) if original else None,
    )


class _Page(NamedTuple):
    title: str
    summary: str | None
    body_lines: list[str]
    sections: dict[str, str]  # label (lower case, no colon) -> value
    head_end: int  # the index of the first line after the date, title and anything else above the text
    trailer_start: int  # the index of the first labelled section after the text


def _cited_below(lines: list[str], date_index: int) -> _Page:
    """The page as record pages mostly are: the title near the date, the summary above or below the text, the
    labelled sections and the citation after it."""
    trailer_start = _trailer_start(lines, date_index + 1)
    sections = _sections(lines[trailer_start:])
    title_index = _title_line(lines, date_index, trailer_start, sections.get("citation"))
    head_end = max(date_index, title_index) + 1
    summary = _paragraph_before(lines, min(date_index, title_index))
    body_lines = _without_residue(lines[head_end:trailer_start])
    body_lines, summary = _summary_after_title(body_lines, summary)
    if summary is None and trailer_start < len(lines):
        body_lines, summary = _summary_below_text(body_lines)
    title = _page_title(lines[title_index], sections.get("citation"))
    return _Page(title, summary, body_lines, sections, head_end, trailer_start)


def _cited_above(lines: list[str], date_index: int) -> _Page | None:
    """A page that gives its citation above the text, as older record pages do: after the date (and a funding line),
    a "Citation" label, the summary, the quoted citation (the only place that names the title), then the text."""
    label = next((index for index in range(date_index + 1, min(len(lines), date_index + _HEAD_REACH))
                  if lines[index].rstrip(":").lower() == "citation"), None)
    if label is None:
        return None
    cited = next((index for index in range(label + 1, min(len(lines), label + _HEAD_REACH))
                  if _CITATION_START.match(lines[index])), None)
    if cited is None:
        return None
    citation, cited_end = _citation_lines(lines, cited)
    fields, text_start = _fields_below_citation(lines, cited_end)
    trailer_start = _trailer_start(lines, text_start)
    sections = {**_sections(lines[trailer_start:]), **fields, "citation": " ".join(
        line for line in (citation, fields.get("url")) if line)}
    summary = " ".join(_without_residue([line for line in lines[label + 1:cited] if line])) or fields.get("summary")
    title = citation_title(citation).rstrip(", ")
    body_lines = _without_residue(lines[text_start:trailer_start])
    if not any(body_lines):
        return None  # the text stands above the citation: a short record with its citation at the end
    return _Page(title, summary, body_lines, sections, text_start, trailer_start)


def _citation_lines(lines: list[str], start: int) -> tuple[str, int]:
    """The citation starting on line ``start``, with the lines it runs on to when it was wrapped (it ends with a full
    stop), and the index of the line after it."""
    end = start + 1
    while not lines[end - 1].endswith((".", "”", '"')) and end < len(lines) and lines[end] and not (
        _BARE_URL.fullmatch(lines[end]) or _HEAD_FIELD.match(lines[end]) or _RESIDUE.match(lines[end])
    ):
        end += 1
    return " ".join(lines[start:end]), end


def _fields_below_citation(lines: list[str], start: int) -> tuple[dict[str, str], int]:
    """The link and the labelled fields that may follow a citation above the text, as a record's PDF has them: the
    record's URL, "Summary:" (a paragraph), "Original Language:" (as the "Language" section), "Contents:" (its
    items); and the index of the first line of the text."""
    fields: dict[str, str] = {}
    index = _next_text_line(lines, start, len(lines))
    if index is not None and _BARE_URL.fullmatch(lines[index]):
        fields["url"] = lines[index]
        index = _next_text_line(lines, index + 1, len(lines))
    while index is not None and (label := _HEAD_FIELD.match(lines[index])):
        name, value = label.group("name").lower(), [label.group("value")] if label.group("value") else []
        index += 1
        while index < len(lines) and lines[index] and not _HEAD_FIELD.match(lines[index]) and (
            name != "contents" or _CONTENTS_ITEM.match(lines[index])
        ):
            value.append(lines[index])
            index += 1
            if name == "original language":
                break
        fields["language" if name == "original language" else name] = " ".join(value)
        index = _next_text_line(lines, index, len(lines))
    return fields, len(lines) if index is None else index


def _stated_language(sections: dict[str, str]) -> str | None:
    """The first language the Language section names (a page may list the original and its translations)."""
    return LANGUAGE_CODES.get((sections.get("language") or "").split(",")[0].strip().lower())


def _archives_language(refs: tuple[ArchivalRef, ...]) -> str | None:
    """The language of the records of the first archive the citation names whose language is known."""
    return next((language for ref in refs if ref.archive and (language := archive_language(ref.archive))), None)


def _archival_source(citation: str, sections: dict[str, str]) -> ParsedCitation:
    """The citation parsed; when it names no archival reference, the Source section, the prose under Document
    Information or the Original Archive section, as a page may give the reference only there. What the citation had
    (translator, notes, pieces kept unparsed) stays."""
    parsed = parse_citation(citation)
    for label in ("source", "document information", "original archive"):
        if parsed.refs or not sections.get(label):
            continue
        found = parse_citation(sections[label])
        parsed = ParsedCitation(
            found.refs, _unique(parsed.unparsed + found.unparsed), found.translator or parsed.translator,
            _unique(parsed.notes + found.notes), _unique(parsed.warnings + found.warnings),
        )
    return parsed


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


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
        if is_date(line):
            return index
    raise ImportFailure("not a record page: no date line (such as 'August 27, 1951') above its text", 1)


def _title_line(lines: list[str], date_index: int, end: int, citation: str | None) -> int:
    """The line the citation quotes as the title, wherever it stands near the date; else the line after the date."""
    quoted = (citation_title(citation or "") or "").rstrip(",")
    if quoted:
        for index in range(max(0, date_index - _TITLE_REACH), min(end, date_index + _TITLE_REACH + 1)):
            if lines[index].strip("\"“”").rstrip(",") == quoted:
                return index
    index = _next_text_line(lines, date_index + 1, end)
    if index is None:
        raise ImportFailure("no title after the date line", date_index + 1)
    if _SENTENCES.search(lines[index]):
        raise ImportFailure(f"not a record page: {lines[index]!r} after the date reads as sentences, not a title",
                            index + 1)
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
        if _RESIDUE.match(line) or CONTENT_ITEM.match(line) or _HEAD_LABEL.match(line):
            skip_value = bool(re.match(r"(?i)original language:?$", line))
            continue
        kept.append(line)
    return kept


def _next_text_line(lines: list[str], start: int, end: int) -> int | None:
    return next((index for index in range(start, end) if lines[index]), None)


def _page_title(line: str, citation: str | None) -> str:
    """The citation's title where it is this line (Wilson puts the comma inside the quotes: ``"Title,"``)."""
    quoted = citation_title(citation or "")
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
    """A page of search results is not one record: a result count, then a date per document; or, with no count, at
    least ``_RESULT_ENTRIES`` dates each followed by just a title and a description or two (and no labelled
    sections)."""
    if any(_TRAILER_LABEL.match(line) for line in lines):
        return
    count = next((index for index, line in enumerate(lines) if _RESULT_COUNT.match(line)), None)
    dates = [index for index, line in enumerate(lines) if is_date(line) and (count is None or index > count)]
    if count is not None and len(dates) > 1 or _entry_listing(lines, dates):
        first = dates[0] if count is None else count
        raise ImportFailure(
            f"a list of search results ({len(dates)} dated entries), not one record: save the page of one record",
            first + 1,
        )


def _entry_listing(lines: list[str], dates: list[int]) -> bool:
    """Dates each followed by a few lines (a title, a description or two) before the next date or the end."""
    if len(dates) < _RESULT_ENTRIES:
        return False
    ends = [*dates[1:], len(lines)]
    return all(1 <= sum(1 for line in lines[start + 1:end] if line) <= 3 for start, end in zip(dates, ends))


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
