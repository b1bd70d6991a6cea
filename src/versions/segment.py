"""Splitting a version's body into paragraphs, each with a kind, its first line and a content hash.

The split is lossless: ``join_body(leading, paragraphs)`` gives the body back byte for byte.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

KINDS = ("heading", "body", "editorial", "note", "signature")

_NOTE_START = re.compile(
    r"(note:|\[?translator['’]s note|\[?editor['’]s note|\[note|\[\^|примечание|прим\. пер)", re.IGNORECASE
)
_EDITORIAL = re.compile(r"\[[^\[\]]*\]\Z")
_SHORT_LINE = 80
# The end of a sentence or a salutation, before any closing quotes or brackets.
_SENTENCE_OR_SALUTATION_END = re.compile(r"[.!?,;:…]['\"’”»)\]]*\Z")
_YEAR = re.compile(r"1[0-9]{3}|20[0-9]{2}")
_MONTHS = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября",
    "декабря", "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
    "ноябрь", "декабрь",
})
_DATE_WORDS = frozenset({"г", "года", "год", "the", "of", "th", "st", "nd", "rd", "年", "月", "日"})
_DATE_LINE_OTHER_WORDS = 2  # a place and a word of the dateline: "Moscow, Kremlin, 1 December 1950"
_SIGNATURE_LINE = 60
_MAX_SIGNATURE_PARAGRAPHS = 4  # signatory, number, date, typist: the closing block of a telegram


@dataclass(frozen=True)
class Paragraph:
    n: int
    text: str
    separator: str
    line: int
    kind: str
    hash: str


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_body(body: str, first_line: int = 1) -> tuple[str, list[Paragraph]]:
    """Return the blank lines before the first paragraph, and the paragraphs with the blank lines after each."""
    blocks, leading = _blocks(body)
    kinds = classify([text for text, _, _ in blocks])
    paragraphs = [
        Paragraph(n, text, separator, first_line + offset, kind, content_hash(text))
        for n, ((text, separator, offset), kind) in enumerate(zip(blocks, kinds), start=1)
    ]
    return leading, paragraphs


def split_lines(text: str, first_line: int = 1) -> list[Paragraph]:
    """One segment per line (sentence-level bitext): every line counts. A line of Chinese or Japanese, where a
    paragraph is often one line, is cut after each 。！？ or ；(and the closing quotes or brackets after it), so its
    sentences are segments of their own, all on that line; ``join_segments`` gives the text back byte for byte."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    pieces = [
        (number, sentence, separator)
        for number, line in enumerate(lines)
        for sentence, separator in _sentences(line)
    ]
    return [
        Paragraph(n, sentence, separator, first_line + number, "body", content_hash(sentence))
        for n, (number, sentence, separator) in enumerate(pieces, start=1)
    ]


_CJK_SENTENCE = re.compile(r"[^。！？；]*[。！？；]+[”’」』）》〉】\"')]*\s*|[^。！？；]+\Z")


def _sentences(line: str) -> list[tuple[str, str]]:
    """A line's sentences with what separates each from the next (spaces after a full stop; the newline after the
    last, which keeps any spaces of its own)."""
    if not any(mark in line for mark in "。！？；"):
        return [(line, "\n")]
    sentences = [match.group(0) for match in _CJK_SENTENCE.finditer(line)]
    parts = [(sentence.rstrip(), sentence[len(sentence.rstrip()) :]) for sentence in sentences[:-1]]
    return parts + [(sentences[-1], "\n")]


def join_segments(segments: list[Paragraph]) -> str:
    """The text a run of segments covers, as it stands in the file (without the separator after the last)."""
    return "".join(p.text + p.separator for p in segments[:-1]) + (segments[-1].text if segments else "")


def join_body(leading: str, paragraphs: list[Paragraph]) -> str:
    return leading + "".join(p.text + p.separator for p in paragraphs)


def _blocks(body: str) -> tuple[list[tuple[str, str, int]], str]:
    """(text, separator, line offset) per run of non-blank lines, plus the leading blank lines.

    Lines end at "\n" only, as the file's lines are counted everywhere else: ``str.splitlines`` would also end one
    at a form feed or U+2028 and shift every later paragraph's line."""
    lines = re.findall(r"[^\n]*\n|[^\n]+\Z", body)
    leading: list[str] = []
    blocks: list[tuple[list[str], list[str], int]] = []
    for offset, line in enumerate(lines):
        if not line.strip():
            (blocks[-1][1] if blocks else leading).append(line)
        elif blocks and not blocks[-1][1]:
            blocks[-1][0].append(line)
        else:
            blocks.append(([line], [], offset))
    return [_block(text_lines, blank_lines, offset) for text_lines, blank_lines, offset in blocks], "".join(leading)


def _block(text_lines: list[str], blank_lines: list[str], offset: int) -> tuple[str, str, int]:
    text = "".join(text_lines)
    trailing_newline = "\n" if text.endswith("\n") else ""
    return text.removesuffix("\n"), trailing_newline + "".join(blank_lines), offset


def classify(texts: list[str]) -> list[str]:
    """Kinds for a version's paragraphs, in order; the heading block and the signature need the context."""
    kinds = [_kind_by_form(text) for text in texts]
    _mark_heading_block(texts, kinds)
    _mark_signature(texts, kinds)
    return kinds


def _kind_by_form(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("#") or (_is_capitals_line(stripped) and _may_be_heading(stripped)):
        return "heading"
    if _NOTE_START.match(stripped):
        return "note"
    if _EDITORIAL.match(stripped):
        return "editorial"
    return "body"


def _is_capitals_line(text: str) -> bool:
    if "\n" in text or len(text) > _SHORT_LINE:
        return False
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4:
        return False
    return sum(c.isupper() for c in letters) / len(letters) >= 0.8


def _may_be_heading(line: str) -> bool:
    """A heading ends without a sentence's or a salutation's punctuation ("Comrade Filippov!", "Dear Sir,") and is
    not a date line ("27 August 1951", "Moscow, 1 December 1950")."""
    return not _SENTENCE_OR_SALUTATION_END.search(line) and not _is_date_line(line)


def _is_date_line(line: str) -> bool:
    words = re.findall(r"\w+", line.casefold())
    if not any(_YEAR.fullmatch(word) for word in words):
        return False
    other = [word for word in words if not word.isdigit() and word not in _MONTHS and word not in _DATE_WORDS]
    return len(other) <= _DATE_LINE_OTHER_WORDS


def _is_short_line(text: str, limit: int) -> bool:
    return "\n" not in text.strip() and len(text.strip()) <= limit


def _mark_heading_block(texts: list[str], kinds: list[str]) -> None:
    """Short lines before the first real paragraph (addressees, copies, series) belong to the heading, unless they
    read as a sentence, a salutation or a date."""
    first_long = next((i for i, text in enumerate(texts) if not _is_short_line(text, _SHORT_LINE)), 0)
    for i in range(first_long):
        if kinds[i] == "body" and _may_be_heading(texts[i].strip()):
            kinds[i] = "heading"


def _mark_signature(texts: list[str], kinds: list[str]) -> None:
    """The last few short lines (greeting, signatory, even in capitals), ignoring editorial marks after them."""
    marked = 0
    for i in range(len(texts) - 1, -1, -1):
        if kinds[i] == "editorial":
            continue
        signed = kinds[i] == "body" or (kinds[i] == "heading" and not texts[i].lstrip().startswith("#"))
        if not signed or not _is_short_line(texts[i], _SIGNATURE_LINE) or i == 0:
            return
        if marked == _MAX_SIGNATURE_PARAGRAPHS:
            return
        kinds[i] = "signature"
        marked += 1
