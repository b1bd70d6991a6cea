"""What a build records besides the rows, so that the next one need not read what did not change: per document, its
content hash, its files' hash with the metadata signature it was taken with, and its history fingerprint with the
commit HEAD named when that was read (``document_files``)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from ..corpus import FolderHash
from ..history import CorpusHistory
from .schema import SCHEMA_VERSION


@dataclass(frozen=True)
class Recorded:
    hashes: dict[str, str] = field(default_factory=dict)  # the content hash of each document in the database
    files: dict[str, FolderHash] = field(default_factory=dict)
    history: CorpusHistory | None = None


def previous_state(db_path: Path) -> Recorded:
    """What the database at ``db_path`` recorded; nothing if there is none, it cannot be read, or it is of another
    format (then every document is built again, into new tables)."""
    if not db_path.exists():
        return Recorded()
    try:
        # read-write, not mode=ro: the last connection to close removes the write-ahead log files
        with closing(sqlite3.connect(f"file:{db_path}?mode=rw", uri=True)) as conn:
            if conn.execute("pragma user_version").fetchone()[0] != SCHEMA_VERSION:
                return Recorded()
            rows = conn.execute(
                "select documents.id, content_hash, files_hash, files_signature, history, history_head "
                "from documents left join document_files on document_files.document_id = documents.id"
            ).fetchall()
    except sqlite3.Error:
        return Recorded()
    return Recorded(
        hashes={doc_id: content_hash for doc_id, content_hash, *_ in rows},
        files={doc_id: FolderHash(files_hash, sign) for doc_id, _, files_hash, sign, *_ in rows if files_hash},
        history=_recorded_history(rows),
    )


def _recorded_history(rows: list[tuple]) -> CorpusHistory | None:
    """The fingerprints read at the commit most of them were read at (the last build's HEAD)."""
    heads = Counter(head for *_, head in rows if head)
    if not heads:
        return None
    [(head, _)] = heads.most_common(1)
    return CorpusHistory(head, {doc_id: history for doc_id, *_, history, at in rows if at == head})


def record_files(db: sqlite_utils.Database, files: dict[str, FolderHash], history: CorpusHistory | None) -> None:
    """The rows of ``document_files`` for these documents (into a staging database)."""
    fingerprints = history.fingerprints if history else {}
    head = history.head if history else None
    rows = [
        {"document_id": doc_id, "files_hash": folder.content_hash, "files_signature": folder.signature,
         "history": fingerprints.get(doc_id), "history_head": head}
        for doc_id, folder in files.items()
    ]
    db["document_files"].upsert_all(rows, pk="document_id")


def record_head(db: sqlite_utils.Database, history: CorpusHistory | None) -> None:
    """Every fingerprint a build read holds at the HEAD it read them at: the next build reads only the commits
    since."""
    if history is not None and history.head is not None:
        db.execute("update document_files set history_head = :head where history is not null "
                   "and history_head is not :head", {"head": history.head})
