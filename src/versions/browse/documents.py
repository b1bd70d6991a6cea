"""Documents and their versions as the pages list and show them; the tables the database must hold; pages of long
lists."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from ..archival import PARTS, ArchivalRef
from ..languages import base_language, same_language

REQUIRED_TABLES = {"documents", "versions", "paragraphs"}
ALIGNMENT_TABLES = {"alignment_groups", "alignment_members", "diffs", "anchors"}
# the tables each kind of page reads, for whoever checks that its reader may see them (the web plugin)
LIST_TABLES = ("documents", "versions", "paragraphs", "archival_refs", "alignment_groups")  # list_documents
DOCUMENT_TABLES = ("documents", "archival_refs", "derivations", "versions", "alignment_groups")  # get_document
ARCHIVAL_REFS_SHOWN = 20  # archival references read with a document (DocumentInfo.archival_ref_count counts them all)


@dataclass(frozen=True)
class DocumentSummary:
    id: str
    title: str
    date: str
    sender: str | None
    recipient: str | None
    illustrative: bool
    kinds: dict[str, int]
    languages: list[str]
    paragraphs: int
    groups: int = 0
    first_row: str | None = None  # key of the first row of its alignment table
    transcribed: int = 0
    archives: tuple[str, ...] = ()
    summary: str | None = None


def is_versions_database(conn: sqlite3.Connection) -> bool:
    return REQUIRED_TABLES <= table_names(conn)


def table_names(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}


def count_documents(conn: sqlite3.Connection) -> int:
    return conn.execute("select count(*) from documents").fetchone()[0]


def list_documents(conn: sqlite3.Connection, offset: int = 0, limit: int = -1) -> list[DocumentSummary]:
    """The documents by date (``limit`` of them from ``offset``; -1: all), each with its counts and the names of
    the archives holding it."""
    documents = conn.execute(
        "select id, title, date, sender, recipient, illustrative, summary from documents order by date, id "
        "limit ? offset ?",
        [limit, offset],
    ).fetchall()
    ids = [row[0] for row in documents]
    of_page = f"document_id in ({', '.join('?' * len(ids))})"
    kinds = _counts(conn, f"select document_id, kind, count(*) from versions where {of_page} group by document_id, kind", ids)
    languages = _counts(
        conn, f"select document_id, language, count(*) from versions where {of_page} group by document_id, language", ids)
    transcribed = dict(conn.execute(
        f"select document_id, sum(transcribed) from versions where {of_page} group by document_id", ids))
    paragraphs = dict(conn.execute(f"select document_id, count(*) from paragraphs where {of_page} group by document_id", ids))
    archives: dict[str, list[str]] = {}
    for doc_id, archive in conn.execute(
        f"select document_id, archive from archival_refs where {of_page} and not unparsed "
        "group by document_id, archive order by min(rowid)", ids
    ):
        archives.setdefault(doc_id, []).append(archive)
    groups: dict[str, int] = {}
    first_rows: dict[str, str] = {}
    if "alignment_groups" in table_names(conn):
        groups = dict(conn.execute(
            f"select document_id, count(*) from alignment_groups where {of_page} group by document_id", ids))
        first_rows = dict(conn.execute(f"select document_id, key from alignment_groups where {of_page} and n = 1", ids))
    return [
        DocumentSummary(
            id=doc_id,
            title=title,
            date=date,
            sender=sender,
            recipient=recipient,
            illustrative=bool(illustrative),
            kinds=kinds.get(doc_id, {}),
            languages=sorted(languages.get(doc_id, {})),
            paragraphs=paragraphs.get(doc_id, 0),
            groups=groups.get(doc_id, 0),
            first_row=first_rows.get(doc_id),
            transcribed=int(transcribed.get(doc_id) or 0),
            archives=tuple(archives.get(doc_id, ())),
            summary=summary,
        )
        for doc_id, title, date, sender, recipient, illustrative, summary in documents
    ]


def _counts(conn: sqlite3.Connection, sql: str, params: list) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for doc_id, key, count in conn.execute(sql, params):
        counts.setdefault(doc_id, {})[key] = count
    return counts


def numbers_label(ns: Sequence[int]) -> str:
    """Paragraph numbers (from 1) as people read them: ``7``, ``7–8`` (a run) or ``3, 7``."""
    if len(ns) > 1 and list(ns) == list(range(ns[0], ns[-1] + 1)):
        return f"{ns[0]}–{ns[-1]}"
    return ", ".join(map(str, ns))


def web_url(value: str | None) -> str | None:
    """``value`` if it is an absolute http(s) address that may be shown as a link, else None (``javascript:``,
    ``data:``, relative paths and anything with spaces or control characters stay plain text)."""
    if not value or any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme in ("http", "https") and parts.netloc else None


# Pages of long lists ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """Page ``number`` (from 1) of a list of ``total`` items, ``size`` to a page: items ``start`` to ``stop - 1``
    (counted from 0). An empty list has one, empty, page."""

    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def start(self) -> int:
        return (self.number - 1) * self.size

    @property
    def stop(self) -> int:
        return min(self.total, self.start + self.size)

    @property
    def numbers(self) -> range:
        """The row numbers (from 1) of the page, for lists numbered from 1 such as the rows of an alignment."""
        return range(self.start + 1, self.stop + 1)

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    def holding(self, index: int) -> int:
        """The number of the page holding item ``index`` (counted from 0)."""
        return index // self.size + 1


# Documents and versions --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    key: str  # <document>/<version>, the id in the database
    id: str  # the version's slug
    kind: str
    language: str
    label: str
    transcribed: bool
    illustrative: bool
    translator: str | None = None
    publisher: str | None = None
    source: str | None = None
    date: str | None = None
    note: str | None = None
    paragraph_count: int = 0
    word_count: int = 0
    path: str | None = None
    archival_ref: ArchivalRef | None = None
    derived_from: tuple[tuple[str, str], ...] = ()  # (version slug, relation)

    @property
    def source_link(self) -> str | None:
        return web_url(self.source)


@dataclass(frozen=True)
class DocumentInfo:
    id: str
    title: str
    date: str
    sender: str | None
    recipient: str | None
    summary: str | None
    original_language: str | None
    base: str | None  # slug of the stored base version
    citation: str | None
    source_name: str | None
    source_url: str | None
    rights: str | None
    illustrative: bool
    versions: tuple[VersionInfo, ...]
    archival_refs: tuple[ArchivalRef, ...]  # the first ARCHIVAL_REFS_SHOWN
    archival_ref_count: int
    groups: int

    def version(self, slug: str) -> VersionInfo | None:
        return self._by_slug.get(slug)

    @cached_property
    def _by_slug(self) -> dict[str, VersionInfo]:
        return {version.id: version for version in self.versions}

    @property
    def transcribed(self) -> list[VersionInfo]:
        """Transcribed versions, the stored base first, the others in the order of the corpus."""
        versions = [version for version in self.versions if version.transcribed]
        return sorted(versions, key=lambda version: version.id != self.base)

    @property
    def languages(self) -> list[str]:
        return sorted({version.language for version in self.versions})

    def copies(self, language: str) -> list[VersionInfo]:
        """The transcribed versions in one language, whatever their script (copies of one text, read side by side),
        in table order."""
        return [version for version in self.transcribed if same_language(version.language, language)]

    @property
    def copy_languages(self) -> list[str]:
        """The languages in which two versions or more are transcribed: those with copies to compare."""
        languages = dict.fromkeys(base_language(language) for language in self.languages)
        return [language for language in languages if len(self.copies(language)) > 1]

    @property
    def source_link(self) -> str | None:
        return web_url(self.source_url)


REF_COLUMNS = ("archive", *PARTS, "citation")  # the columns of archival_refs that make an ArchivalRef


def _archival_ref(row: Sequence) -> ArchivalRef:
    return ArchivalRef(**dict(zip(REF_COLUMNS, row, strict=True)))


def get_document(conn: sqlite3.Connection, document_id: str) -> DocumentInfo | None:
    """A document with its versions and archival references, or None if there is no such document."""
    row = conn.execute(
        "select id, title, date, sender, recipient, summary, original_language, base_version_id, citation, "
        "source_name, source_url, rights, illustrative from documents where id = ?",
        [document_id],
    ).fetchone()
    if row is None:
        return None
    select_refs = f"select id, {', '.join(REF_COLUMNS)} from archival_refs "
    listed = {
        ref_id: _archival_ref(rest)
        for ref_id, *rest in conn.execute(
            select_refs + "where document_id = ? order by rowid limit ?", [document_id, ARCHIVAL_REFS_SHOWN]
        )
    }
    refs = listed | {
        ref_id: _archival_ref(rest)
        for ref_id, *rest in conn.execute(
            select_refs + "where id in (select archival_ref_id from versions where document_id = ?)", [document_id]
        )
    }
    ref_count = conn.execute("select count(*) from archival_refs where document_id = ?", [document_id]).fetchone()[0]
    derivations: dict[str, list[tuple[str, str]]] = {}
    for version_key, source_key, relation in conn.execute(
        "select version_id, source_version_id, relation from derivations where document_id = ? order by rowid",
        [document_id],
    ):
        derivations.setdefault(version_key, []).append((version_slug(source_key), relation))
    versions = tuple(
        VersionInfo(
            key=key, id=slug, kind=kind, language=language, label=label or slug, transcribed=bool(transcribed),
            illustrative=bool(illustrative), translator=translator, publisher=publisher, source=source, date=date,
            note=note, paragraph_count=paragraph_count or 0, word_count=word_count or 0, path=path,
            archival_ref=refs.get(ref_id) if ref_id else None, derived_from=tuple(derivations.get(key, ())),
        )
        for key, slug, kind, language, label, transcribed, illustrative, translator, publisher, source, date, note,
        paragraph_count, word_count, path, ref_id in conn.execute(
            "select id, version, kind, language, label, transcribed, illustrative, translator, publisher, source, "
            "date, note, paragraph_count, word_count, path, archival_ref_id from versions "
            "where document_id = ? order by rowid",
            [document_id],
        )
    )
    groups = 0
    if "alignment_groups" in table_names(conn):
        groups = conn.execute("select count(*) from alignment_groups where document_id = ?", [document_id]).fetchone()[0]
    (doc_id, title, date, sender, recipient, summary, original_language, base_key, citation, source_name, source_url,
     rights, illustrative) = row
    return DocumentInfo(
        id=doc_id, title=title, date=date, sender=sender, recipient=recipient, summary=summary,
        original_language=original_language, base=version_slug(base_key) if base_key else None, citation=citation,
        source_name=source_name, source_url=source_url, rights=rights, illustrative=bool(illustrative),
        versions=versions, archival_refs=tuple(listed.values()), archival_ref_count=ref_count, groups=groups,
    )


def version_slug(key: str) -> str:
    """``<document>/<version>`` -> ``<version>``."""
    return key.rpartition("/")[2]
