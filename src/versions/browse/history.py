"""The revisions of a version as stored by the build (``versions.history``), for the history pages."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..diff import INSERT, WordDiff
from ..history import (
    FieldChange,
    RevisionDiff,
    change_diff,
    combined_fields,
    compare_revisions,
    stored_revision,
    stored_revision_text,
)
from .documents import (
    DOCUMENT_TABLES,
    DocumentInfo,
    numbers_label,
    table_names,
    version_slug,
)

HISTORY_TABLES_READ = (*DOCUMENT_TABLES, "revisions", "revision_diffs", "paragraphs", "document_revisions")
CHANGES_SHOWN = 50  # paragraph changes read with each revision of a history (RevisionInfo.changed counts them all)
AUTHORS_SHOWN = 20



@dataclass(frozen=True)
class RevisionChange:
    """One paragraph change of a revision against the revision before it."""

    k: int
    kind: str  # modified, inserted, deleted or moved
    old: tuple[int, ...]  # paragraph numbers in the previous revision
    new: tuple[int, ...]  # paragraph numbers in this revision
    diff: WordDiff


def change_place(old: Sequence[int], new: Sequence[int]) -> str:
    """Where a paragraph change is: ``¶ 2``, ``¶ 2 → ¶ 3``, ``¶ 4–5 → ¶ 4`` ... (paragraph numbers before → after;
    one side for an insertion or a deletion)."""
    before, after = numbers_label(old), numbers_label(new)
    if not before:
        return f"¶ {after}"
    if not after or before == after:
        return f"¶ {before}"
    return f"¶ {before} → ¶ {after}"


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
    return {"revisions", "revision_diffs"} <= table_names(conn)


def revision_counts(conn: sqlite3.Connection, document_id: str) -> dict[str, int]:
    """Version slug -> number of recorded revisions, for the versions of one document that have any."""
    if not has_history(conn):
        return {}
    return {
        version_slug(version_key): count
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


def list_revisions(conn: sqlite3.Connection, document: DocumentInfo, version: str) -> list[RevisionInfo]:
    """Every recorded revision of a version, newest first, without their changes (to pick two to compare)."""
    if not has_history(conn):
        return []
    return _revisions(conn, "version_id = ? order by n desc", [f"{document.id}/{version}"])


def compare_stored_revisions(
    conn: sqlite3.Connection, document: DocumentInfo, version: str, a: int, b: int
) -> RevisionDiff | None:
    """Revision ``b`` of a version against revision ``a`` (any two, either order), from the stored revisions alone:
    paragraph changes with their word diffs, and the front-matter fields that differ. None if either is not
    recorded."""
    old, new = (stored_revision(conn, f"{document.id}/{version}@{n}") for n in (a, b))
    if old is None or new is None:
        return None
    info = document.version(version)
    return compare_revisions(old, new, info.language if info else None)


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


@dataclass(frozen=True)
class TimelineEntry:
    """One revision in a document's timeline: of a version's text, or of one of its own files."""

    kind: str  # version or file
    what: str  # the version's slug, or document.yaml / alignment.yaml
    revision_id: str
    date: str | None
    commit: str | None
    author: str | None
    subject: str | None
    summary: str | None

    @property
    def n(self) -> int:
        return int(self.revision_id.rpartition("@")[2])

    @property
    def day(self) -> str | None:
        return self.date[:10] if self.date else None

    @property
    def short(self) -> str | None:
        return self.commit[:10] if self.commit else None


def has_timeline(conn: sqlite3.Connection) -> bool:
    return "document_revisions" in table_names(conn) and has_history(conn)


def timeline_count(conn: sqlite3.Connection, document_id: str) -> int:
    if not has_timeline(conn):
        return 0
    return conn.execute("select count(*) from document_timeline where document_id = ?", [document_id]).fetchone()[0]


def load_timeline(conn: sqlite3.Connection, document_id: str, offset: int = 0, limit: int = -1) -> list[TimelineEntry]:
    """Every revision of the document's versions and own files, newest first (not yet committed ones first)."""
    if not has_timeline(conn):
        return []
    return [
        TimelineEntry(kind, version_slug(what) if kind == "version" else what.rpartition("/")[2], revision_id, date,
                      commit, author, subject, summary)
        for kind, what, revision_id, date, commit, author, subject, summary in conn.execute(
            "select kind, what, revision_id, date, commit_hash, author, subject, summary from document_timeline "
            "where document_id = ? order by date is null desc, date desc, kind, what desc limit ? offset ?",
            [document_id, limit, offset],
        )
    ]


def revisions_as_of(conn: sqlite3.Connection, document_id: str, date: str, order: int | None = None) -> dict[str, str]:
    """Version key -> the revision it read as at a commit: its newest revision on its first-parent line (those
    ``paragraph_keys`` are kept for) whose commit came no later in the corpus's log than that commit's ``order``,
    or, for a revision or commit without one, was committed no later than its ``date`` (commits made within one
    second share a date). A version not yet committed then has none."""
    return dict(conn.execute(
        "select version_id, id from (select *, row_number() over (partition by version_id order by n desc) as place "
        "from revisions where document_id = :document and paragraph_keys is not null and commit_hash is not null "
        "and case when commit_order is not null and :order is not null then commit_order <= :order "
        "else julianday(date) <= julianday(:date) end) where place = 1",
        {"document": document_id, "date": date, "order": order},
    ))


@dataclass(frozen=True)
class TimelineCommit:
    """A commit on a document's timeline: a point the document may be compared at."""

    commit: str
    date: str
    author: str | None
    subject: str | None
    order: int | None = None  # its place in the corpus's log (``revisions.commit_order``)

    @property
    def short(self) -> str:
        return self.commit[:10]


def timeline_commits(conn: sqlite3.Connection, document_id: str) -> list[TimelineCommit]:
    """The commits that changed the document (a version or its own files), newest first."""
    if not has_timeline(conn):
        return []
    return [TimelineCommit(*row) for row in conn.execute(
        "select commit_hash, min(date), min(author), min(subject), max(commit_order) from document_timeline "
        "where document_id = ? and commit_hash is not null group by commit_hash "
        "order by julianday(min(date)) desc, max(commit_order) desc",
        [document_id],
    )]


@dataclass(frozen=True)
class VersionChange:
    """One version of a document between two commits: its revision at each (None: not there yet)."""

    version: str  # slug
    old: int | None
    new: int | None
    diff: RevisionDiff | None = None  # read for the versions a page shows


@dataclass
class DocumentComparison:
    """A document at two commits: the versions whose text or front matter changed, and its own files' fields."""

    old: TimelineCommit
    new: TimelineCommit
    versions: list[VersionChange]  # those that differ, in the document's order
    files: dict[str, list[FieldChange]]  # document.yaml, alignment.yaml -> their fields changed


def compare_document(
    conn: sqlite3.Connection, document: DocumentInfo, a: str, b: str, shown: slice = slice(None),
) -> DocumentComparison | None:
    """The document at commit ``b`` against commit ``a`` (full hashes or prefixes of commits on its timeline, either
    order): each version's revision at both, compared (``compare_revisions``) for the versions in ``shown`` of those
    that differ; its own files' fields changed in between. None for a commit it does not know."""
    commits = {c.commit: c for c in timeline_commits(conn, document.id)}
    old, new = (next((c for full, c in commits.items() if full.startswith(prefix)), None) for prefix in (a, b))
    if old is None or new is None:
        return None
    at_old, at_new = (revisions_as_of(conn, document.id, point.date, point.order) for point in (old, new))
    changes = [
        VersionChange(version.id, _number(at_old.get(version.key)), _number(at_new.get(version.key)))
        for version in document.versions
        if at_old.get(version.key) != at_new.get(version.key)
    ]
    for index, change in enumerate(changes[shown], start=shown.start or 0):
        changes[index] = VersionChange(change.version, change.old, change.new, _version_diff(conn, document, change))
    return DocumentComparison(old, new, changes, _file_fields(conn, document.id, old, new))


def _number(revision_id: str | None) -> int | None:
    return int(revision_id.rpartition("@")[2]) if revision_id else None


def _version_diff(conn: sqlite3.Connection, document: DocumentInfo, change: VersionChange) -> RevisionDiff | None:
    """None for a version not there at the second commit (an earlier one than the first)."""
    if change.new is None:
        return None
    if change.old is None:
        new = stored_revision(conn, f"{document.id}/{change.version}@{change.new}")
        return compare_revisions(None, new) if new else None
    return compare_stored_revisions(conn, document, change.version, change.old, change.new)


def _place(point: TimelineCommit) -> tuple:
    """Where a commit stands in the corpus's history: by its place in the log, else by its date."""
    return (point.order, point.date) if point.order is not None else (-1, point.date)


def _file_fields(conn: sqlite3.Connection, document_id: str, old: TimelineCommit, new: TimelineCommit):
    """File -> the fields its committed revisions changed after ``old`` up to ``new`` (either order), combined."""
    first, last = sorted((old, new), key=_place)
    found: dict[str, list[list[FieldChange]]] = {}
    ordered = first.order is not None and last.order is not None
    between = "commit_order > :first and commit_order <= :last" if ordered else (
        "julianday(date) > julianday(:first) and julianday(date) <= julianday(:last)")
    for file, fields in conn.execute(
        "select file, changed_fields from document_revisions where document_id = :document "
        f"and commit_hash is not null and {between} order by {'commit_order' if ordered else 'julianday(date)'}, n",
        {"document": document_id, "first": first.order if ordered else first.date,
         "last": last.order if ordered else last.date},
    ):
        found.setdefault(file, []).append([FieldChange(**change) for change in json.loads(fields or "[]")])
    combined = {file: combined_fields(steps) for file, steps in found.items()}
    if first is not old:
        combined = {file: [FieldChange(c.field, c.new, c.old) for c in fields] for file, fields in combined.items()}
    return {file: fields for file, fields in combined.items() if fields}
