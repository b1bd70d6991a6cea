"""Writing the corpus to SQLite with sqlite-utils: ``build`` (and ``check``, the same pass with nothing written).

Documents are hashed before they are parsed; a build reads and collates only the documents whose hash changed, and
writes them into the live database in one transaction, so a reader sees the old state or the new one and a failed or
killed build leaves the old one. The package's parts, in the order they depend on each other: ``schema`` (tables,
indexes, search, views), ``rows`` (a document's rows), ``workers`` (collating, in worker processes when there are
many), ``write`` (the database file, in place), ``facsimiles`` (the image files published beside it).
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ..corpus import FolderHash, document_hashes, load_corpus
from ..errors import CorpusError, Problem
from ..history import CorpusHistory, corpus_history
from .facsimiles import publish_facsimiles
from .recorded import Recorded, previous_state
from .rows import archival_ref_id, collation_rows, document_rows, group_id, paragraph_id
from .schema import (
    APPLICATION_ID,
    FTS_TOKENIZER,
    SCHEMA,
    SCHEMA_VERSION,
    VIEWS,
    create_indexes,
    create_schema,
    version_text,
)
from .workers import (
    POOL_MIN_DOCUMENTS,
    DocumentJob,
    Progress,
    job_problems,
    job_rows,
    problems_of,
)
from .write import (
    BuildReport,
    build_lock,
    refuse_foreign_file,
    write_documents,
    writing_database,
)

__all__ = [
    "APPLICATION_ID", "FTS_TOKENIZER", "POOL_MIN_DOCUMENTS", "SCHEMA", "SCHEMA_VERSION", "VIEWS", "BuildReport",
    "Changes", "DocumentJob", "archival_ref_id", "build", "check", "collation_rows", "create_indexes", "create_schema",
    "document_rows", "find_changes", "group_id", "job_problems", "job_rows", "paragraph_id", "previous_state",
    "version_text", "write_documents",
]


def build(
    corpus_root: Path,
    db_path: Path,
    encoding: str | None = None,
    progress: Progress | None = None,
    documents: Collection[str] | None = None,
) -> BuildReport:
    """Build ``db_path`` from the corpus; raise ``CorpusError`` (database untouched) if the corpus has problems.

    Documents are hashed before anything is parsed; only the documents whose hash differs from the database's are
    read, checked and collated (in worker processes when there are many), and the rest of the previous database is
    kept as it is. ``documents``: only these document folders may have changed (a watcher saw them change), so no
    other folder is looked at; the rest are as the last build recorded them.
    """
    root, db_path = Path(corpus_root), Path(db_path)
    refuse_foreign_file(db_path)
    with writing_database(db_path), build_lock(db_path):
        if documents is None:
            load_corpus(root, encoding, only=())  # the corpus folder itself: missing, or holding stray files
        changes = find_changes(root, db_path, encoding, documents)
        report = write_documents(changes.jobs, db_path, changes.current, changes.recorded.hashes, progress,
                                 changes.files, changes.history)
        publish_facsimiles(root, db_path)
        return report


@dataclass(frozen=True)
class Changes:
    """What a build finds before it parses anything: the documents to build again (``jobs``), the hash of every
    document (``current``), what the database recorded, and the file hashes and history fingerprints to record."""

    jobs: list[DocumentJob]
    current: dict[str, str]
    recorded: Recorded
    files: dict[str, FolderHash]
    history: CorpusHistory


def find_changes(
    corpus_root: Path, db_path: Path, encoding: str | None = None, documents: Collection[str] | None = None
) -> Changes:
    """Which documents differ from what the database at ``db_path`` recorded, by their files (git's index where the
    corpus is a repository, else the files' metadata) and their history (the commits since the recorded HEAD)."""
    root = Path(corpus_root)
    recorded = previous_state(Path(db_path))
    files = document_hashes(root, recorded.files, only=documents)
    if documents is not None:
        files = {doc_id: folder for doc_id, folder in recorded.files.items() if doc_id not in documents} | files
    history = corpus_history(root, list(files), recorded.history)
    current = _build_hashes({doc_id: folder.content_hash for doc_id, folder in files.items()}, history, encoding)
    jobs = [
        DocumentJob(root, doc_id, content_hash, encoding, written=recorded.hashes.get(doc_id))
        for doc_id, content_hash in sorted(current.items())
        if recorded.hashes.get(doc_id) != content_hash
    ]
    return Changes(jobs, current, recorded, _changed_files(files, recorded.files, jobs), history)


def check(corpus_root: Path, encoding: str | None = None, progress: Progress | None = None) -> list[Problem]:
    """Every problem that would stop a build of the whole corpus, found by the build's own pass over each document
    (read, check, collate, rows), with nothing written: ``versions check``."""
    root = Path(corpus_root)
    try:
        load_corpus(root, encoding, only=())
    except CorpusError as error:
        return error.problems
    jobs = [
        DocumentJob(root, doc_id, folder.content_hash, encoding)
        for doc_id, folder in sorted(document_hashes(root).items())
    ]
    return sorted(problems_of(jobs, progress or iter))


def _changed_files(
    files: dict[str, FolderHash], recorded: dict[str, FolderHash], jobs: list[DocumentJob]
) -> dict[str, FolderHash]:
    """The file hashes and signatures to record: those of rebuilt documents, and any that differ from the record."""
    rebuilt = {job.document_id for job in jobs}
    return {doc_id: folder for doc_id, folder in files.items() if doc_id in rebuilt or recorded.get(doc_id) != folder}


def _build_hashes(hashes: dict[str, str], history: CorpusHistory, encoding: str | None = None) -> dict[str, str]:
    """A new commit changes a document's revisions even when its files stay the same, and the same bytes read in
    another encoding are another text: make either count as a change."""
    fingerprints = history.fingerprints
    decoding = _codec_name(encoding)
    return {
        doc_id: hashlib.sha256(f"{content_hash}\0{fingerprints[doc_id]}\0{decoding}".encode()).hexdigest()
        if fingerprints.get(doc_id) or decoding else content_hash
        for doc_id, content_hash in hashes.items()
    }


def _codec_name(encoding: str | None) -> str | None:
    """One name per codec (cp1251 = windows-1251), and None for UTF-8, the default."""
    try:
        name = codecs.lookup(encoding).name if encoding else None
    except LookupError:
        return encoding  # the reader reports it
    return None if name == "utf-8" else name
