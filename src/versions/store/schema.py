"""The database's shape: tables with their types and keys, indexes, full-text search and views, and the marks a
build leaves on the file (application_id, user_version)."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from ..corpus import (
    FORMAT_VERSION,
)

FTS_TOKENIZER = "unicode61 remove_diacritics 2"
# The indexed columns of paragraphs: its text, and for a paragraph with Han characters their folded, one-character
# tokens (anchors.chinese.han_tokens), so that a Chinese word of one or two characters is found as a phrase.
FTS_COLUMNS = ["text", "search_text"]
SCHEMA_VERSION = int(FORMAT_VERSION)  # SQLite's user_version: a database of another format gets new tables


# SQLite's application_id ("vers"), set when a database is created: a build overwrites only a file bearing it.
APPLICATION_ID = 0x76657273
SQLITE_HEADER = b"SQLite format 3\0"
APPLICATION_ID_OFFSET = 68  # where SQLite keeps the application_id in a database file's header


# table -> columns with types, primary key, foreign keys, indexes. Every table but documents carries document_id, so
# that a changed document's rows can be replaced table by table.
SCHEMA: dict[str, dict] = {
    "documents": {
        "columns": {
            "id": str, "title": str, "date": str, "sender": str, "recipient": str, "summary": str,
            "original_language": str, "base_version_id": str, "citation": str, "source_name": str,
            "source_url": str, "rights": str, "illustrative": bool, "version_count": int, "path": str,
            "content_hash": str,
        },
        "pk": "id",
        "foreign_keys": [],
        "indexes": [["date"]],
    },
    # What a build remembers of each document's files and history, so that the next one need not read those that
    # kept their names, sizes, inodes and times (corpus.document_hashes) nor the commits it read (store.recorded).
    "document_files": {
        "columns": {"document_id": str, "files_hash": str, "files_signature": str, "history": str, "history_head": str},
        "pk": "document_id",
        "foreign_keys": [("document_id", "documents", "id")],
        "indexes": [],
    },
    "archival_refs": {
        "columns": {
            "id": str, "document_id": str, "archive": str, "fond": str, "opis": str, "delo": str, "papka": str,
            "tom": str, "listy": str, "citation": str, "unparsed": bool,
        },
        "pk": "id",
        "foreign_keys": [("document_id", "documents", "id")],
        "indexes": [["document_id"], ["archive"]],
    },
    "versions": {
        "columns": {
            "id": str, "document_id": str, "version": str, "kind": str, "language": str, "label": str,
            "transcribed": bool, "illustrative": bool, "archival_ref_id": str, "translator": str, "publisher": str,
            "source": str, "date": str, "note": str, "path": str, "leading": str, "paragraph_count": int,
            "word_count": int, "body_line": int, "covers": str,
        },
        "pk": "id",
        "foreign_keys": [("document_id", "documents", "id"), ("archival_ref_id", "archival_refs", "id")],
        "indexes": [["document_id"], ["kind"], ["language"], ["translator"]],
    },
    "derivations": {
        "columns": {"version_id": str, "source_version_id": str, "relation": str, "document_id": str},
        "pk": ("version_id", "source_version_id"),
        "foreign_keys": [
            ("version_id", "versions", "id"),
            ("source_version_id", "versions", "id"),
            ("document_id", "documents", "id"),
        ],
        "indexes": [["document_id"]],
    },
    "paragraphs": {
        "columns": {
            "id": str, "document_id": str, "version_id": str, "key": str, "changed_revision_id": str, "n": int,
            "kind": str, "text": str, "separator": str, "line": int, "words": int, "hash": str, "search_text": str,
        },
        "pk": "id",
        "foreign_keys": [("document_id", "documents", "id"), ("version_id", "versions", "id")],
        "indexes": [["document_id"], ["version_id", "n"], ["kind"], ["hash"]],
    },
    # The page images each version lists (corpus.facsimiles): an image file of the document folder (path) or a IIIF
    # Image API base URL (iiif), its archival sheet, and the ids of the paragraphs on it (JSON, null when not said).
    "facsimiles": {
        "columns": {
            "id": str, "document_id": str, "version_id": str, "n": int, "sheet": str, "path": str, "iiif": str,
            "paragraphs": str, "line": int,
        },
        "pk": "id",
        "foreign_keys": [("document_id", "documents", "id"), ("version_id", "versions", "id")],
        "indexes": [["document_id"], ["version_id", "n"]],
    },
    # Keys that no paragraph has now because their paragraph was merged into another (versions.identity): where an
    # address naming them is sent.
    "paragraph_predecessors": {
        "columns": {"id": str, "document_id": str, "version_id": str, "paragraph_id": str},
        "pk": "id",
        "foreign_keys": [
            ("document_id", "documents", "id"),
            ("version_id", "versions", "id"),
            ("paragraph_id", "paragraphs", "id"),
        ],
        "indexes": [["document_id"]],
    },
    # What a row held in an earlier build, once its paragraphs no longer all stand in it (a row split, or its key
    # vanished): written by in-place builds (store.former), so that its address still shows what it showed, from the
    # rows now holding those paragraphs (browse.row_successors). row_id is the earlier row's id, which may be gone.
    "former_rows": {
        "columns": {"row_id": str, "paragraph_id": str, "document_id": str, "key": str},
        "pk": ("row_id", "paragraph_id"),
        "foreign_keys": [("document_id", "documents", "id")],
        "indexes": [["document_id"]],
    },
    # The corrections of alignment.yaml as the build applied them, one per entry (its line): note says why one
    # applies with a warning (its paragraph changed or was merged since).
    "corrections": {
        "columns": {
            "id": str, "document_id": str, "action": str, "paragraph_a_id": str, "paragraph_b_id": str, "line": int,
            "note": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("document_id", "documents", "id"),
            ("paragraph_a_id", "paragraphs", "id"),
            ("paragraph_b_id", "paragraphs", "id"),
        ],
        "indexes": [["document_id"], ["paragraph_a_id"], ["paragraph_b_id"]],
    },
    "alignment_groups": {
        "columns": {
            "id": str, "document_id": str, "key": str, "n": int, "base_paragraph_id": str, "versions_present": int,
            "variance": float, "moved": bool, "excerpt": str,
        },
        "pk": "id",
        "foreign_keys": [("document_id", "documents", "id"), ("base_paragraph_id", "paragraphs", "id")],
        "indexes": [["document_id", "n"], ["variance"]],
    },
    "alignment_members": {
        "columns": {
            "group_id": str, "paragraph_id": str, "document_id": str, "version_id": str, "bead": str,
            "score": float, "method": str, "moved": bool,
            "aligned_with_id": str,  # the version it was aligned with: its parent in the guide tree (align.guide)
        },
        "pk": ("group_id", "paragraph_id"),
        "foreign_keys": [
            ("group_id", "alignment_groups", "id"),
            ("paragraph_id", "paragraphs", "id"),
            ("document_id", "documents", "id"),
            ("version_id", "versions", "id"),
            ("aligned_with_id", "versions", "id"),
        ],
        "indexes": [["document_id"], ["version_id"], ["paragraph_id"]],
    },
    # The rows a version transcribed in part (its front matter's ``covers``) has not transcribed: lacunae, not
    # omissions. Nothing is compared there; pages say "not transcribed" and a TEI export writes <gap/>.
    "untranscribed": {
        "columns": {"group_id": str, "version_id": str, "document_id": str},
        "pk": ("group_id", "version_id"),
        "foreign_keys": [
            ("group_id", "alignment_groups", "id"),
            ("version_id", "versions", "id"),
            ("document_id", "documents", "id"),
        ],
        "indexes": [["document_id"], ["version_id"]],
    },
    "diffs": {
        "columns": {
            "id": str, "group_id": str, "document_id": str, "base_version_id": str, "version_id": str, "ops": str,
            "muted": str, "similarity": float, "inserted": int, "deleted": int, "replaced": int, "normalization": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("group_id", "alignment_groups", "id"),
            ("document_id", "documents", "id"),
            ("base_version_id", "versions", "id"),
            ("version_id", "versions", "id"),
        ],
        "indexes": [["document_id"], ["group_id"], ["similarity"]],
    },
    "anchors": {
        "columns": {
            "id": str, "group_id": str, "document_id": str, "base_version_id": str, "version_id": str, "kind": str,
            "value": str, "side": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("group_id", "alignment_groups", "id"),
            ("document_id", "documents", "id"),
            ("base_version_id", "versions", "id"),
            ("version_id", "versions", "id"),
        ],
        "indexes": [["document_id"], ["group_id"], ["side"], ["kind"]],
    },
    # Version history (versions.history): one row per revision of a version file, and one per paragraph change of a
    # revision against the revision before it.
    "revisions": {
        "columns": {
            "id": str, "document_id": str, "version_id": str, "n": int, "status": str, "commit_hash": str,
            "commit_order": int, "date": str,
            "author": str, "subject": str, "message": str, "path": str, "note": str, "readable": bool,
            "front_matter": str, "leading": str, "body": str, "paragraph_count": int, "word_count": int,
            "previous_revision_id": str, "latest": bool, "compared": bool, "changed_paragraphs": int,
            "modified_paragraphs": int, "inserted_paragraphs": int, "deleted_paragraphs": int, "moved_paragraphs": int,
            "words_inserted": int, "words_deleted": int, "words_replaced": int, "summary": str, "changed_fields": str,
            "paragraph_keys": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("document_id", "documents", "id"),
            ("version_id", "versions", "id"),
            ("previous_revision_id", "revisions", "id"),
        ],
        "indexes": [["document_id"], ["version_id", "n"], ["commit_hash"], ["date"]],
    },
    "revision_diffs": {
        "columns": {
            "id": str, "revision_id": str, "document_id": str, "version_id": str, "k": int, "kind": str,
            "old_paragraphs": str, "new_paragraphs": str, "ops": str, "muted": str, "similarity": float,
            "inserted": int, "deleted": int, "replaced": int, "normalization": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("revision_id", "revisions", "id"),
            ("document_id", "documents", "id"),
            ("version_id", "versions", "id"),
        ],
        "indexes": [["document_id"], ["revision_id", "k"], ["kind"]],
    },
    # The history of the document's own files, document.yaml and alignment.yaml (history.files)
    "document_revisions": {
        "columns": {
            "id": str, "document_id": str, "file": str, "n": int, "status": str, "commit_hash": str,
            "commit_order": int, "date": str,
            "author": str, "subject": str, "note": str, "summary": str, "changed_fields": str,
            "previous_revision_id": str,
        },
        "pk": "id",
        "foreign_keys": [("document_id", "documents", "id")],
        "indexes": [["document_id"], ["commit_hash"]],
    },
}
VIEWS = {
    "paragraph_details": """
        select paragraphs.id, documents.title as document, documents.date, versions.label as version,
               versions.kind as version_kind, versions.language, versions.translator, archival_refs.archive,
               paragraphs.n, paragraphs.kind, paragraphs.text, paragraphs.line, versions.path,
               paragraphs.document_id, paragraphs.version_id
        from paragraphs
        join versions on versions.id = paragraphs.version_id
        join documents on documents.id = paragraphs.document_id
        left join archival_refs on archival_refs.id = versions.archival_ref_id
    """,
    "revision_details": """
        select revisions.id, documents.title as document, versions.label as version, revisions.n, revisions.status,
               revisions.commit_hash, revisions.date, revisions.author, revisions.subject, revisions.summary,
               revisions.changed_paragraphs, revisions.note, revisions.path, revisions.document_id,
               revisions.version_id
        from revisions
        join versions on versions.id = revisions.version_id
        join documents on documents.id = revisions.document_id
    """,
    # One timeline per document: every revision of its versions and of its own files, oldest first
    "document_timeline": """
        select * from (
            select document_id, date, commit_hash, commit_order, author, subject, 'version' as kind,
                   version_id as what, id as revision_id, summary
            from revisions
            union all
            select document_id, date, commit_hash, commit_order, author, subject, 'file' as kind,
                   document_id || '/' || file as what, id as revision_id, summary
            from document_revisions
        )
        order by document_id, date is null, date, commit_order, kind desc, what
    """,
}


def create_schema(db: sqlite_utils.Database, indexes: bool = True) -> None:
    for name, spec in SCHEMA.items():
        db[name].create(spec["columns"], pk=spec["pk"], foreign_keys=spec["foreign_keys"])
    if indexes:
        create_indexes(db)


def create_indexes(db: sqlite_utils.Database) -> None:
    """Every index of the schema that the database does not have yet."""
    for name, spec in SCHEMA.items():
        for columns in spec["indexes"]:
            db[name].create_index(columns, if_not_exists=True)


def finish_database(db: sqlite_utils.Database) -> None:
    create_indexes(db)
    if not db["paragraphs"].detect_fts():
        db["paragraphs"].enable_fts(FTS_COLUMNS, fts_version="FTS5", tokenize=FTS_TOKENIZER, create_triggers=True)
    for name, sql in VIEWS.items():
        # views change only with the format, which makes the tables anew: leaving the schema alone lets readers
        # such as Datasette keep what they know of it
        db.create_view(name, sql.strip(), ignore=True)


def recreate_schema(db: sqlite_utils.Database) -> None:
    """A database written by an older format: its tables, search index and views made anew (every document is
    rebuilt then, as the format version is part of each document's hash)."""
    if db["paragraphs"].exists() and db["paragraphs"].detect_fts():
        db["paragraphs"].disable_fts()
    for name in VIEWS:
        db.view(name).drop(ignore=True)
    for name in reversed(list(SCHEMA)):
        db.table(name).drop(ignore=True)
    create_schema(db)
    db.execute(f"pragma user_version = {SCHEMA_VERSION}")


def open_database(path: Path) -> sqlite_utils.Database:
    """A database file of ours, through sqlite-utils without its plugins: they add SQL functions for the queries of
    its users, which no build makes, and finding them reads every installed package's metadata (a few hundredths of a
    second of each build)."""
    return sqlite_utils.Database(path, execute_plugins=False)


def scratch_database(path: Path) -> sqlite_utils.Database:
    """A database file that nobody reads until it is complete: a build fsyncs it once before moving it into place,
    and a killed build's file is thrown away, so no commit needs to wait for the disk or keep a journal on it."""
    db = open_database(path)
    db.execute("pragma synchronous = off")
    db.execute("pragma journal_mode = memory")
    return db


def version_text(db: sqlite_utils.Database, version_id: str) -> str:
    """A version's body rebuilt from the database, byte for byte as in its file."""
    leading = db["versions"].get(version_id)["leading"]
    rows = db.query("select text, separator from paragraphs where version_id = ? order by n", [version_id])
    return leading + "".join(row["text"] + row["separator"] for row in rows)
