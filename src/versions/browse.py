"""Reading the built database for people: the queries behind the web pages and the terminal views.

Functions take a plain ``sqlite3.Connection`` so that Datasette (``execute_fn``) and the CLI share them. Nothing here
knows about HTTP or HTML: pages get dataclasses holding texts, stored or freshly computed ``WordDiff`` objects and
anchor checks, and render them themselves.

Each page is served by a handful of set-based queries (one per table involved, filtered by document or by group),
never by one query per row. Whatever may grow without bound (documents, rows, versions, search hits, revisions,
archival references) is read a part at a time (``rows=``, ``versions=``, ``offset``/``limit``; ``Page`` numbers the
parts), so that what one page costs does not grow with the corpus.

The alignment of a document is the one stored by ``versions build``: its rows (alignment groups) are numbered from 1
along the stored base and never change with the view. What a view may change is the version the others are compared
with (``base``) and the normalization: with the stored base and normalization the stored diffs, anchor checks and
variances are read; otherwise they are computed here, the same way ``versions.collate`` computes them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.resources import files
from urllib.parse import urlsplit


from .archival import PARTS, ArchivalRef
from .anchors import Anchor, gazetteer
from .collate import STORED_NORMALIZATION, compare, variance
from .collate import Comparison as CollatedComparison
from .diff import INSERT, WordDiff
from .history import change_diff, stored_revision_text
from .normalize import Normalization, romanization_table
from .text import load_data_yaml

REQUIRED_TABLES = {"documents", "versions", "paragraphs"}
ALIGNMENT_TABLES = {"alignment_groups", "alignment_members", "diffs", "anchors"}
# the tables each kind of page reads, for whoever checks that its reader may see them (the web plugin)
LIST_TABLES = ("documents", "versions", "paragraphs", "archival_refs", "alignment_groups")  # list_documents
DOCUMENT_TABLES = ("documents", "archival_refs", "derivations", "versions", "alignment_groups")  # get_document
ALIGNMENT_TABLES_READ = (*DOCUMENT_TABLES, *sorted(ALIGNMENT_TABLES), "paragraphs", "revisions")  # + revision_counts
HISTORY_TABLES_READ = (*DOCUMENT_TABLES, "revisions", "revision_diffs", "paragraphs")
SEARCH_TABLES = ("paragraphs", "paragraphs_fts", "versions", "documents", "alignment_members", "alignment_groups")
PARAGRAPH_SEPARATOR = "\n\n"  # how the paragraphs of one version in one group are joined (as versions.collate does)
SEARCH_LIMIT = 100
MAX_SEARCH_TERMS = 16
SNIPPET_START, SNIPPET_END = "\x02", "\x03"
CHANGES_SHOWN = 50  # paragraph changes read with each revision of a history (RevisionInfo.changed counts them all)
AUTHORS_SHOWN = 20
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
    transcribed: int = 0
    archives: tuple[str, ...] = ()
    summary: str | None = None


def is_versions_database(conn: sqlite3.Connection) -> bool:
    return REQUIRED_TABLES <= _tables(conn)


def _tables(conn: sqlite3.Connection) -> set[str]:
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
    if "alignment_groups" in _tables(conn):
        groups = dict(conn.execute(
            f"select document_id, count(*) from alignment_groups where {of_page} group by document_id", ids))
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
        derivations.setdefault(version_key, []).append((_slug(source_key), relation))
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
    if "alignment_groups" in _tables(conn):
        groups = conn.execute("select count(*) from alignment_groups where document_id = ?", [document_id]).fetchone()[0]
    (doc_id, title, date, sender, recipient, summary, original_language, base_key, citation, source_name, source_url,
     rights, illustrative) = row
    return DocumentInfo(
        id=doc_id, title=title, date=date, sender=sender, recipient=recipient, summary=summary,
        original_language=original_language, base=_slug(base_key) if base_key else None, citation=citation,
        source_name=source_name, source_url=source_url, rights=rights, illustrative=bool(illustrative),
        versions=versions, archival_refs=tuple(listed.values()), archival_ref_count=ref_count, groups=groups,
    )


def _slug(key: str) -> str:
    """``<document>/<version>`` -> ``<version>``."""
    return key.rpartition("/")[2]


# The alignment table -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParagraphInfo:
    id: str
    n: int
    line: int | None
    kind: str
    text: str


@dataclass
class Reading:
    """What one version says in one row of the alignment table, compared with the base."""

    version: str  # slug
    language: str
    paragraphs: tuple[ParagraphInfo, ...] = ()
    bead: str = ""
    score: float | None = None
    method: str = ""
    moved: bool = False
    is_base: bool = False
    diff: WordDiff | None = None  # against the base, for a version in the base's language
    anchors_missing: tuple[Anchor, ...] = ()  # in the base, not in this version (another language)
    anchors_added: tuple[Anchor, ...] = ()  # in this version, not in the base
    anchors_shared: tuple[Anchor, ...] = ()
    moved_after: int | None = None  # a moved reading: row of the paragraph before it in its own version
    moved_before: int | None = None  # ... and of the paragraph after it

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(paragraph.text for paragraph in self.paragraphs)

    @property
    def present(self) -> bool:
        return bool(self.paragraphs)

    @property
    def numbers(self) -> str:
        """Paragraph numbers in the version: ``7``, ``7–8`` or ``3, 7``."""
        ns = [paragraph.n for paragraph in self.paragraphs]
        if len(ns) > 1 and ns == list(range(ns[0], ns[-1] + 1)):
            return f"{ns[0]}–{ns[-1]}"
        return ", ".join(map(str, ns))

    @property
    def changed(self) -> bool:
        """Whether this reading differs from the base (in words, or in anchors across languages)."""
        if self.is_base:
            return False
        if self.diff is not None:
            return bool(self.diff.inserted or self.diff.deleted or self.diff.replaced)
        return bool(self.anchors_missing or self.anchors_added)


@dataclass
class Row:
    """One alignment group."""

    id: str
    n: int
    variance: float
    moved: bool
    versions_present: int
    excerpt: str
    readings: dict[str, Reading] = field(default_factory=dict)  # version slug -> reading, for every transcribed one

    @property
    def variance_bucket(self) -> int:
        """0..10, for colouring."""
        return max(0, min(10, round(self.variance * 10)))


@dataclass
class Alignment:
    document: DocumentInfo
    base: str  # slug of the version the readings are compared with
    normalization: Normalization
    stored: bool  # True when diffs, anchors and variances are the ones stored by the build
    rows: list[Row]

    def row(self, n: int) -> Row | None:
        return next((row for row in self.rows if row.n == n), None)


def load_alignment(
    conn: sqlite3.Connection,
    document: DocumentInfo,
    base: str | None = None,
    normalization: Normalization | None = None,
    group: int | None = None,
    compute: bool = False,
    rows: range | None = None,
    versions: Sequence[str] | None = None,
) -> Alignment:
    """The alignment table of ``document`` (only its rows numbered in ``rows``, or only its row ``group``) compared
    with ``base``, with a reading of every transcribed version (or of those in ``versions``, the base always among
    them).

    ``base`` must be a transcribed version of the document (default: the stored base); ``normalization`` defaults
    to the one the stored diffs were made with. Rows of another base or normalization (or all rows, with
    ``compute``) are diffed and anchor-checked here instead of read from the stored diffs and anchors, against the
    versions read only, so that the work is bounded by the rows and versions asked for.
    """
    base = base or document.base
    stored_normalization = _stored_normalization(conn, document.id)
    normalization = stored_normalization if normalization is None else normalization
    stored = base == document.base and normalization == stored_normalization and not compute
    shown = [v for v in document.transcribed if versions is None or v.id in versions or v.id == base]
    if base is None or not shown or not ALIGNMENT_TABLES <= _tables(conn):
        return Alignment(document, base or "", normalization, stored, [])
    if group is not None:
        rows = range(group, group + 1)
    where, params = "document_id = ?", [document.id]
    if rows is not None:
        where, params = where + " and n >= ? and n < ?", [*params, rows.start, rows.stop]
    table_rows = [
        Row(group_id, n, variance or 0.0, bool(moved), versions_present or 0, excerpt or "")
        for group_id, n, variance, moved, versions_present, excerpt in conn.execute(
            f"select id, n, variance, moved, versions_present, excerpt from alignment_groups where {where} order by n",
            params,
        )
    ]
    by_id = {row.id: row for row in table_rows}
    in_rows = f"group_id in (select id from alignment_groups where {where})"
    if versions is not None:
        keys = [version.key for version in shown]
        in_rows += f" and version_id in ({', '.join('?' * len(keys))})"
        params = [*params, *keys]
    members: dict[tuple[str, str], dict] = {}
    for group_id, version_key, bead, score, method, moved, p_id, p_n, p_line, p_kind, p_text in conn.execute(
        "select m.group_id, m.version_id, m.bead, m.score, m.method, m.moved, p.id, p.n, p.line, p.kind, p.text "
        f"from (select * from alignment_members where {in_rows}) m join paragraphs p on p.id = m.paragraph_id "
        "order by m.group_id, m.version_id, p.n",
        params,
    ):
        member = members.setdefault(
            (group_id, _slug(version_key)), {"bead": bead, "score": score, "method": method, "moved": False, "paragraphs": []}
        )
        member["moved"] = member["moved"] or bool(moved)
        member["paragraphs"].append(ParagraphInfo(p_id, p_n, p_line, p_kind, p_text))
    for row in table_rows:
        for version in shown:
            member = members.get((row.id, version.id))
            row.readings[version.id] = Reading(
                version=version.id,
                language=version.language,
                paragraphs=tuple(member["paragraphs"]) if member else (),
                bead=member["bead"] if member else "",
                score=member["score"] if member else None,
                method=member["method"] if member else "",
                moved=member["moved"] if member else False,
                is_base=version.id == base,
            )
    if stored:
        _read_comparisons(conn, by_id, in_rows, params)
    else:
        base_language = document.version(base).language
        for row in table_rows:
            row.variance = _compare_row(row, base, base_language, normalization)
    _locate_moves(conn, document, table_rows)
    return Alignment(document, base, normalization, stored, table_rows)


def _stored_normalization(conn: sqlite3.Connection, document_id: str) -> Normalization:
    row = None
    if "diffs" in _tables(conn):
        row = conn.execute("select normalization from diffs where document_id = ? limit 1", [document_id]).fetchone()
    if row is None:
        return STORED_NORMALIZATION
    try:
        return Normalization.from_names(json.loads(row[0]))
    except (ValueError, TypeError):
        return STORED_NORMALIZATION


def _read_comparisons(conn: sqlite3.Connection, rows: dict[str, Row], where: str, params: list) -> None:
    for group_id, version_key, ops, muted, similarity, inserted, deleted, replaced, normalization in conn.execute(
        "select group_id, version_id, ops, muted, similarity, inserted, deleted, replaced, normalization "
        f"from diffs where {where}",
        params,
    ):
        reading = rows[group_id].readings.get(_slug(version_key)) if group_id in rows else None
        if reading is not None:
            reading.diff = WordDiff.from_json({
                "ops": json.loads(ops), "muted": json.loads(muted), "similarity": similarity, "inserted": inserted,
                "deleted": deleted, "replaced": replaced, "normalization": json.loads(normalization),
            })
    sides: dict[tuple[str, str], dict[str, list[Anchor]]] = {}
    for group_id, version_key, kind, value, side in conn.execute(
        f"select group_id, version_id, kind, value, side from anchors where {where} order by kind, value", params
    ):
        sides.setdefault((group_id, _slug(version_key)), {}).setdefault(side, []).append(Anchor(kind, value))
    for (group_id, slug), found in sides.items():
        reading = rows[group_id].readings.get(slug) if group_id in rows else None
        if reading is not None:
            reading.anchors_shared = tuple(found.get("both", ()))
            reading.anchors_missing = tuple(found.get("base-only", ()))
            reading.anchors_added = tuple(found.get("version-only", ()))


def _compare_row(row: Row, base: str, base_language: str, normalization: Normalization) -> float:
    """Diff or anchor-check every reading against the base reading; the row's variance (as versions.collate)."""
    base_text = row.readings[base].text
    dissimilarities = []
    for slug, reading in row.readings.items():
        if slug == base or not (reading.text or base_text):
            continue
        comparison = compare(base_text, reading.text, base_language, reading.language, normalization)
        reading.diff = comparison.diff
        if comparison.diff is None:
            reading.anchors_shared, reading.anchors_missing, reading.anchors_added = anchors_by_side(comparison)
        dissimilarities.append(comparison.dissimilarity if reading.text and base_text else 1.0)
    return variance(dissimilarities)


def anchors_by_side(comparison: CollatedComparison) -> tuple[tuple[Anchor, ...], ...]:
    """Anchors of A found in B, of A missing from B, and of B missing from A."""
    return tuple(tuple(c.anchor for c in comparison.anchors if c.side == side) for side in ("both", "a-only", "b-only"))


def _locate_moves(conn: sqlite3.Connection, document: DocumentInfo, rows: list[Row]) -> None:
    """For each moved reading, the rows holding the paragraphs just before and after it in its own version."""
    wanted: dict[str, tuple[Reading, str]] = {}
    for row in rows:
        for reading in row.readings.values():
            if reading.moved and reading.paragraphs:
                key = f"{document.id}/{reading.version}"
                wanted[f"{key}/{reading.paragraphs[0].n - 1}"] = (reading, "moved_after")
                wanted[f"{key}/{reading.paragraphs[-1].n + 1}"] = (reading, "moved_before")
    if not wanted:
        return
    ids = list(wanted)
    placeholders = ", ".join("?" * len(ids))
    for paragraph_id, n in conn.execute(
        "select m.paragraph_id, g.n from alignment_members m join alignment_groups g on g.id = m.group_id "
        f"where m.paragraph_id in ({placeholders})",
        ids,
    ):
        reading, attribute = wanted[paragraph_id]
        setattr(reading, attribute, n)


# A comparison of two versions ---------------------------------------------------------------------------------------


@dataclass
class Pair:
    """One row of a two-version comparison."""

    row: Row
    a: Reading
    b: Reading
    diff: WordDiff | None  # A -> B, when both are in one language
    anchors_shared: tuple[Anchor, ...] = ()
    anchors_missing: tuple[Anchor, ...] = ()  # in A, not in B
    anchors_added: tuple[Anchor, ...] = ()  # in B, not in A

    @property
    def same(self) -> bool:
        if self.diff is not None:
            return not (self.diff.inserted or self.diff.deleted or self.diff.replaced)
        return not (self.anchors_missing or self.anchors_added) and self.a.present == self.b.present


@dataclass
class Comparison:
    document: DocumentInfo
    a: VersionInfo
    b: VersionInfo
    normalization: Normalization
    pairs: list[Pair]

    @property
    def same_language(self) -> bool:
        return self.a.language == self.b.language

    @property
    def totals(self) -> dict[str, float]:
        diffed = [pair for pair in self.pairs if pair.diff is not None]
        diffs = [pair.diff for pair in diffed]
        # similarity of the whole texts: each row's similarity weighed by the length of its two texts
        lengths = [len(pair.a.text) + len(pair.b.text) for pair in diffed]
        similar = sum(diff.similarity * length for diff, length in zip(diffs, lengths))
        length = sum(lengths)
        return {
            "rows": len(self.pairs),
            "differing": sum(not pair.same for pair in self.pairs),
            "inserted": sum(d.inserted for d in diffs),
            "deleted": sum(d.deleted for d in diffs),
            "replaced": sum(d.replaced for d in diffs),
            "similarity": round(similar / length, 4) if length else 1.0,
            "anchors_missing": sum(len(pair.anchors_missing) for pair in self.pairs),
            "anchors_added": sum(len(pair.anchors_added) for pair in self.pairs),
        }


def load_comparison(
    conn: sqlite3.Connection,
    document: DocumentInfo,
    a: str,
    b: str,
    normalization: Normalization,
    rows: range | None = None,
) -> Comparison:
    """Versions ``a`` and ``b`` (transcribed versions of ``document``) row by row of the stored alignment (only its
    rows numbered in ``rows``), diffed word by word with ``normalization`` when they share a language, else
    compared by anchors."""
    alignment = load_alignment(conn, document, rows=rows, versions=[a, b])
    version_a, version_b = document.version(a), document.version(b)
    pairs = []
    for row in alignment.rows:
        reading_a, reading_b = row.readings.get(a), row.readings.get(b)
        if reading_a is None or reading_b is None or not (reading_a.present or reading_b.present):
            continue
        comparison = compare(reading_a.text, reading_b.text, version_a.language, version_b.language, normalization)
        pairs.append(Pair(row, reading_a, reading_b, comparison.diff, *anchors_by_side(comparison)))
    return Comparison(document, version_a, version_b, normalization, pairs)


# Search ------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchHit:
    paragraph_id: str
    document_id: str
    document_title: str
    version: str  # slug
    version_label: str
    language: str
    n: int
    kind: str
    group: int | None  # row of the alignment table holding the paragraph
    snippet: tuple[tuple[str, bool], ...]  # (text, matched) parts


@dataclass
class SearchResults:
    query: str
    terms: list[SearchTerm]
    hits: list[SearchHit]
    total: int
    languages: dict[str, int]  # matches per language (whatever language filter is applied)
    language: str | None = None


def search_terms(query: str) -> list[str]:
    """The words of a query (letters and digits; everything else separates words), at most MAX_SEARCH_TERMS."""
    return re.findall(r"\w+", query)[:MAX_SEARCH_TERMS]


@dataclass(frozen=True)
class SearchTerm:
    """One word or name of a query and every spelling it is searched under."""

    text: str
    spellings: tuple[str, ...]  # the text itself first

    @property
    def variants(self) -> tuple[str, ...]:
        return self.spellings[1:]


def expand_terms(terms: Sequence[str]) -> list[SearchTerm]:
    """Group the words of a query into names and words, each with its other spellings.

    A name of the gazetteer (``versions/data/gazetteer.yaml``: up to four words, in any spelling, case or Russian
    case form) is searched under all its spellings in every script (``Kaesong`` and ``Кэсона`` also find ``Кэсоне``
    and ``Gaeseong``); a word of the romanization table under its variants (``Syngman`` also finds ``Syngmann``).
    """
    romanized = _romanization_variants()
    found, i = [], 0
    while i < len(terms):
        for j in range(min(len(terms), i + 4), i, -1):
            phrase = " ".join(terms[i:j])
            spellings = _name_spellings(phrase)
            if spellings:
                found.append(SearchTerm(phrase, (phrase, *(s for s in spellings if s.casefold() != phrase.casefold()))))
                i = j
                break
        else:
            term = terms[i]
            variants = romanized.get(term.casefold(), ())
            found.append(SearchTerm(term, (term, *(v for v in variants if v.casefold() != term.casefold()))))
            i += 1
    return found


def _name_spellings(phrase: str) -> tuple[str, ...]:
    """Every spelling of the gazetteer name ``phrase`` is (as a whole), or () if it is none."""
    names = _gazetteer_names()
    name = names["by_spelling"].get(phrase.casefold())
    if name is None:
        matches = list(gazetteer().find(phrase))
        if len(matches) == 1 and matches[0][:2] == (0, len(phrase)):
            name = matches[0][2]
    return names["spellings"].get(name, ()) if name else ()


@cache
def _gazetteer_names() -> dict[str, dict]:
    """The gazetteer's spellings as written (name -> spellings) and each spelling, case-folded, -> its name."""
    text = (files("versions") / "data" / "gazetteer.yaml").read_text(encoding="utf-8")
    entries = load_data_yaml(text) or {}
    spellings = {str(name).lower(): tuple(str(s) for s in variants or ()) for name, variants in entries.items()}
    by_spelling = {
        " ".join(re.findall(r"\w+", spelling)).casefold(): name
        for name, variants in spellings.items()
        for spelling in variants
    }
    return {"spellings": spellings, "by_spelling": by_spelling}


@cache
def _romanization_variants() -> dict[str, tuple[str, ...]]:
    by_canonical: dict[str, list[str]] = {}
    for variant, canonical in romanization_table().items():
        by_canonical.setdefault(canonical, [canonical]).append(variant)
    return {
        spelling.casefold(): tuple(dict.fromkeys(spellings))
        for spellings in by_canonical.values()
        for spelling in spellings
        if re.fullmatch(r"\w+", spelling)
    }


_CYRILLIC_ENDINGS = "аяоеёийыьюу"


def _fts_phrase(spelling: str) -> str:
    """One spelling as a quoted FTS5 phrase whose last word may be the start of a word; a Cyrillic last word loses
    its ending, so that its case forms are found (Корея -> "Коре"* finds Кореи, Корею)."""
    words = re.findall(r"\w+", spelling)
    last = words[-1]
    if re.search("[а-яё]", last, re.IGNORECASE) and last[-1].lower() in _CYRILLIC_ENDINGS and len(last) > 3:
        words[-1] = last[:-1]
    return '"' + " ".join(words).replace('"', '""') + '"*'


def fts_query(terms: Sequence[SearchTerm]) -> str:
    """An FTS5 query matching paragraphs that hold every term under one of its spellings, as words or the starts of
    words (so that Russian case endings are found: ``Кэсон`` finds ``Кэсоном``). Every spelling is quoted: no FTS
    syntax of the query gets through."""
    groups = []
    for term in terms:
        phrases: dict[str, str] = {}  # case-folded -> as written; the first spelling of each wins
        for spelling in term.spellings:
            if re.search(r"\w", spelling):
                phrases.setdefault(_fts_phrase(spelling).casefold(), _fts_phrase(spelling))
        phrases = list(phrases.values())
        groups.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    return " AND ".join(groups)


def search(
    conn: sqlite3.Connection,
    query: str,
    language: str | None = None,
    document: str | None = None,
    limit: int = SEARCH_LIMIT,
    offset: int = 0,
) -> SearchResults:
    """Paragraphs of every version in every language matching ``query``, best first: ``limit`` of them from
    ``offset``."""
    terms = expand_terms(search_terms(query))
    if not terms or "paragraphs_fts" not in _tables(conn):
        return SearchResults(query, terms, [], 0, {}, language)
    match = fts_query(terms)
    filters, params = ["paragraphs_fts match ?"], [match]
    if document:
        filters.append("p.document_id = ?")
        params.append(document)
    joins = "from paragraphs_fts join paragraphs p on p.rowid = paragraphs_fts.rowid join versions v on v.id = p.version_id"
    where = " and ".join(filters)
    languages = dict(conn.execute(
        f"select v.language, count(*) {joins} where {where} group by v.language order by v.language", params
    ))
    if language:
        where += " and v.language = ?"
        params.append(language)
    has_groups = ALIGNMENT_TABLES <= _tables(conn)
    group_select = "(select g.n from alignment_members m join alignment_groups g on g.id = m.group_id " \
                   "where m.paragraph_id = p.id)" if has_groups else "null"
    hits = [
        SearchHit(p_id, doc_id, title, _slug(version_key), label or _slug(version_key), lang, n, kind, group,
                  _snippet_parts(snippet))
        for p_id, doc_id, title, version_key, label, lang, n, kind, group, snippet in conn.execute(
            "select p.id, p.document_id, d.title, p.version_id, v.label, v.language, p.n, p.kind, "
            f"{group_select}, snippet(paragraphs_fts, 0, char(2), char(3), '…', 32) "
            f"{joins} join documents d on d.id = p.document_id where {where} order by rank limit ? offset ?",
            [*params, limit, offset],
        )
    ]
    total = sum(count for lang, count in languages.items() if not language or lang == language)
    return SearchResults(query, terms, hits, total, languages, language)


def _snippet_parts(snippet: str) -> tuple[tuple[str, bool], ...]:
    parts = []
    for piece in re.split(f"({SNIPPET_START}[^{SNIPPET_END}]*{SNIPPET_END})", snippet or ""):
        if piece.startswith(SNIPPET_START) and piece.endswith(SNIPPET_END):
            parts.append((piece[1:-1], True))
        elif piece:
            parts.append((piece.replace(SNIPPET_START, "").replace(SNIPPET_END, ""), False))
    return tuple(parts)


def citation(document: DocumentInfo, row: Row, url: str) -> str:
    """A ready-to-copy citation of one row: document, date, archival references, paragraph and address."""
    parts = [f"“{document.title}”, {document.date}"]
    refs = [ref.reference for ref in document.archival_refs]
    if document.archival_ref_count > len(refs):
        refs.append(f"and {document.archival_ref_count - len(refs)} more")
    if refs:
        parts.append("; ".join(refs))
    paragraph = f"Paragraph {row.n}"
    base = row.readings.get(document.base or "")
    if base is not None and base.present:
        paragraph += f" ({document.version(base.version).label}, ¶ {base.numbers})"
    parts.append(paragraph)
    return ". ".join(parts) + f". {url}"



# Provenance ----------------------------------------------------------------------------------------------------------

RELATIONS = ("translation-of", "copy-of", "revision-of", "edition-of")


@dataclass(frozen=True)
class ProvenanceEdge:
    source: str  # slug of the version something was made from
    target: str  # slug of the version made from it
    relation: str  # translation-of, copy-of, revision-of or edition-of (as stored)


@dataclass(frozen=True)
class ProvenanceNode:
    id: str  # version slug
    label: str
    kind: str
    language: str
    depth: int  # 0 for a version made from no recorded version; else 1 + the greatest depth of its sources
    known: bool = True  # False for a source the document does not hold (a broken reference, shown as such)
    transcribed: bool = True
    illustrative: bool = False
    is_base: bool = False


@dataclass
class Provenance:
    """Which version of a document was made from which: a graph over the versions (``derivations``)."""

    nodes: list[ProvenanceNode]  # every version, by depth, then in the order of the corpus
    edges: list[ProvenanceEdge]  # in the order of the corpus

    def node(self, slug: str) -> ProvenanceNode | None:
        return next((node for node in self.nodes if node.id == slug), None)

    def sources(self, slug: str) -> list[ProvenanceEdge]:
        return [edge for edge in self.edges if edge.target == slug]

    def derived(self, slug: str) -> list[ProvenanceEdge]:
        return [edge for edge in self.edges if edge.source == slug]

    @property
    def unconnected(self) -> list[ProvenanceNode]:
        """Versions neither made from nor made into another recorded version."""
        linked = {edge.source for edge in self.edges} | {edge.target for edge in self.edges}
        return [node for node in self.nodes if node.id not in linked]


def provenance(document: DocumentInfo) -> Provenance:
    """The provenance graph of a document, from the derivations read with it (``DocumentInfo.versions``).

    Depth is the length of the longest chain of sources above a version. ``versions check`` refuses cycles and
    unknown sources; a database holding them anyway still gives a graph (a cycle is cut where it closes, an unknown
    source is a node marked ``known=False``)."""
    order = {version.id: index for index, version in enumerate(document.versions)}
    edges = [
        ProvenanceEdge(source, version.id, relation)
        for version in document.versions
        for source, relation in version.derived_from
        if source != version.id
    ]
    sources: dict[str, list[str]] = {}
    for edge in edges:
        sources.setdefault(edge.target, []).append(edge.source)
    depths: dict[str, int] = {}

    def depth(slug: str, trail: frozenset[str]) -> int:
        if slug in depths:
            return depths[slug]
        above = [source for source in sources.get(slug, ()) if source not in trail]
        found = 1 + max((depth(source, trail | {slug}) for source in above), default=-1)
        depths[slug] = found
        return found

    nodes = [
        ProvenanceNode(version.id, version.label, version.kind, version.language, depth(version.id, frozenset()),
                       transcribed=version.transcribed, illustrative=version.illustrative,
                       is_base=version.id == document.base)
        for version in document.versions
    ]
    for edge in edges:
        if edge.source not in order:
            order[edge.source] = len(order)
            nodes.append(ProvenanceNode(edge.source, edge.source, "unknown", "", 0, known=False, transcribed=False))
    nodes.sort(key=lambda node: (node.depth, order[node.id]))
    return Provenance(nodes, edges)


# History -------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisionChange:
    """One paragraph change of a revision against the revision before it."""

    k: int
    kind: str  # modified, inserted, deleted or moved
    old: tuple[int, ...]  # paragraph numbers in the previous revision
    new: tuple[int, ...]  # paragraph numbers in this revision
    diff: WordDiff

    @property
    def where(self) -> str:
        """``¶ 2``, ``¶ 2 → ¶ 3``, ``¶ 4–5 → ¶ 4`` ... (old → new; one side for an insertion or a deletion)."""
        old, new = _numbers(self.old), _numbers(self.new)
        if not old:
            return f"¶ {new}"
        if not new or old == new:
            return f"¶ {old}"
        return f"¶ {old} → ¶ {new}"


def _numbers(ns: Sequence[int]) -> str:
    if len(ns) > 1 and list(ns) == list(range(ns[0], ns[-1] + 1)):
        return f"{ns[0]}–{ns[-1]}"
    return ", ".join(map(str, ns))


@dataclass
class RevisionInfo:
    id: str  # <document>/<version>@<n>
    n: int
    status: str  # committed, uncommitted, untracked or unversioned
    commit: str | None
    date: str | None  # ISO 8601 with offset
    author: str | None
    subject: str | None
    message: str | None
    path: str | None
    note: str | None
    readable: bool
    paragraph_count: int
    word_count: int
    previous_id: str | None
    latest: bool
    compared: bool  # False: what this revision changed is not known (a shallow clone's boundary, an unreadable state)
    summary: str | None
    counts: dict[str, int]  # paragraphs modified, inserted, deleted, moved
    words: dict[str, int]  # words inserted, deleted, replaced
    changed: int = 0  # paragraph changes against the previous revision
    changes: list[RevisionChange] = field(default_factory=list)
    text: str | None = None  # the text at this revision, read for a first revision (it is all its change)

    @property
    def first(self) -> bool:
        return self.previous_id is None

    @property
    def short(self) -> str | None:
        return self.commit[:10] if self.commit else None

    @property
    def body(self) -> str | None:
        """The commit message after its subject line."""
        if not self.message:
            return None
        rest = self.message.strip().partition("\n")[2].strip()
        return rest or None

    @property
    def created_diff(self) -> WordDiff | None:
        """A first revision against nothing: its whole text inserted (None unless its text was read)."""
        if not self.text:
            return None
        return WordDiff(ops=[(INSERT, self.text)], muted=[], similarity=0.0, inserted=self.word_count, deleted=0,
                        replaced=0)

    @property
    def day(self) -> str | None:
        return self.date[:10] if self.date else None

    @property
    def time(self) -> str | None:
        """``HH:MM`` and the offset, as recorded (the author's own clock)."""
        if not self.date or len(self.date) < 16:
            return None
        offset = self.date[19:]
        if offset in ("Z", "+00:00"):
            return self.date[11:16] + " UTC"
        return self.date[11:16] + (f" {offset}" if offset else "")


def has_history(conn: sqlite3.Connection) -> bool:
    return {"revisions", "revision_diffs"} <= _tables(conn)


def revision_counts(conn: sqlite3.Connection, document_id: str) -> dict[str, int]:
    """Version slug -> number of recorded revisions, for the versions of one document that have any."""
    if not has_history(conn):
        return {}
    return {
        _slug(version_key): count
        for version_key, count in conn.execute(
            "select version_id, count(*) from revisions where document_id = ? group by version_id", [document_id]
        )
    }


def load_history(
    conn: sqlite3.Connection, document: DocumentInfo, version: str, offset: int = 0, limit: int = -1,
    changes: int = CHANGES_SHOWN,
) -> list[RevisionInfo]:
    """The revisions of one version of ``document``, newest first (``limit`` of them from ``offset``; -1: all), each
    with its first ``changes`` paragraph changes (two queries: the revisions, then their changes). The text of a
    first revision is read too."""
    if not has_history(conn):
        return []
    key = f"{document.id}/{version}"
    revisions = _revisions(conn, "version_id = ? order by n desc limit ? offset ?", [key, limit, offset])
    by_id = {revision.id: revision for revision in revisions}
    ids = list(by_id)
    for revision_id, k, kind, old, new, ops, muted, similarity, inserted, deleted, replaced in conn.execute(
        "select revision_id, k, kind, old_paragraphs, new_paragraphs, ops, muted, similarity, inserted, deleted, "
        "replaced from (select *, row_number() over (partition by revision_id order by k) as place "
        f"from revision_diffs where revision_id in ({', '.join('?' * len(ids))})) where place <= ? "
        "order by revision_id, k",
        [*ids, changes],
    ):
        diff = change_diff({"ops": ops, "muted": muted, "similarity": similarity, "inserted": inserted,
                            "deleted": deleted, "replaced": replaced})
        by_id[revision_id].changes.append(RevisionChange(k, kind, tuple(json.loads(old)), tuple(json.loads(new)), diff))
    for revision in revisions:
        if revision.first and revision.compared and revision.readable and revision.paragraph_count:
            revision.text = stored_revision_text(conn, revision.id)
    return revisions


@dataclass(frozen=True)
class HistorySpan:
    """What the whole history of a version covers, however much of it a page shows."""

    authors: tuple[str, ...]  # at most AUTHORS_SHOWN, alphabetically
    first_date: str | None  # day of the first and of the last commit
    last_date: str | None
    unknown: int  # revisions whose changes are not known


def history_span(conn: sqlite3.Connection, document: DocumentInfo, version: str) -> HistorySpan:
    if not has_history(conn):
        return HistorySpan((), None, None, 0)
    key = f"{document.id}/{version}"
    authors = tuple(author for (author,) in conn.execute(
        "select distinct author from revisions where version_id = ? and author is not null order by author limit ?",
        [key, AUTHORS_SHOWN],
    ))
    first, last, unknown = conn.execute(
        "select (select substr(date, 1, 10) from revisions where version_id = :key and commit_hash is not null "
        "order by n limit 1), (select substr(date, 1, 10) from revisions where version_id = :key and commit_hash is "
        "not null order by n desc limit 1), (select count(*) from revisions where version_id = :key and not compared)",
        {"key": key},
    ).fetchone()
    return HistorySpan(authors, first, last, unknown)


def latest_revisions(conn: sqlite3.Connection, document_id: str) -> dict[str, RevisionInfo]:
    """Version slug -> its newest revision (without its changes), for the versions of a document that have any."""
    if not has_history(conn):
        return {}
    latest = _revisions(conn, "document_id = ? and latest order by rowid", [document_id])
    return {revision.id.rpartition("@")[0].rpartition("/")[2]: revision for revision in latest}


def _revisions(conn: sqlite3.Connection, where: str, params: list) -> list[RevisionInfo]:
    return [
        RevisionInfo(
            id=rid, n=n, status=status, commit=commit, date=date, author=author, subject=subject, message=message,
            path=path, note=note, readable=bool(readable), paragraph_count=paragraph_count or 0,
            word_count=word_count or 0, previous_id=previous, latest=bool(latest), compared=bool(compared),
            summary=summary, changed=changed or 0,
            counts={"modified": modified or 0, "inserted": inserted or 0, "deleted": deleted or 0, "moved": moved or 0},
            words={"inserted": w_inserted or 0, "deleted": w_deleted or 0, "replaced": w_replaced or 0},
        )
        for (rid, n, status, commit, date, author, subject, message, path, note, readable, paragraph_count,
             word_count, previous, latest, compared, summary, changed, modified, inserted, deleted, moved, w_inserted,
             w_deleted, w_replaced) in conn.execute(
            "select id, n, status, commit_hash, date, author, subject, message, path, note, readable, "
            "paragraph_count, word_count, previous_revision_id, latest, compared, summary, changed_paragraphs, "
            "modified_paragraphs, inserted_paragraphs, deleted_paragraphs, moved_paragraphs, words_inserted, "
            f"words_deleted, words_replaced from revisions where {where}",
            params,
        )
    ]
