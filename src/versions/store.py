"""Writing the corpus to SQLite with sqlite-utils: schema, rows, full-text search and browsing views.

A build writes a new file beside the database and atomically replaces the old one, so a reader never sees half a
database and a failed build leaves the previous one byte for byte as it was. Documents are hashed before they are
parsed; a build reads and collates only the documents whose hash changed, on a copy of the previous database.
"""

from __future__ import annotations

import codecs
import ctypes
import ctypes.util
import dataclasses
import fcntl
import hashlib
import itertools
import json
import os
import signal
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from .archival import archive_slug
from .collate import Collation, collate, group_text
from .corpus import FORMAT_VERSION, Document, FolderHash, Version, document_hashes, load_corpus, load_document
from .diff import count_words
from .durable import WriteError, fsync_file, fsync_folder, writing
from .errors import CorpusError, Problem, problem
from .history import history_fingerprints, history_rows, version_histories

FTS_TOKENIZER = "unicode61 remove_diacritics 2"
EXCERPT_LENGTH = 120
INSERT_BATCH = 200  # documents whose rows are inserted together
DELETE_CHUNK = 500  # documents whose rows are deleted per statement
POOL_MIN_DOCUMENTS = 16  # below this, starting worker processes costs more than it saves
SHARD_DOCUMENTS = 25  # documents a worker process collates and writes to one shard file, at most
SHARDS_PER_WORKER = 4  # at least, so that the workers finish together
MAX_WORKERS = 4
SCHEMA_VERSION = int(FORMAT_VERSION)  # SQLite's user_version: a database of another format gets new tables
# SQLite's application_id ("vers"), set when a database is created: a build overwrites only a file bearing it.
APPLICATION_ID = 0x76657273
SQLITE_HEADER = b"SQLite format 3\0"
APPLICATION_ID_OFFSET = 68  # where SQLite keeps the application_id in a database file's header
PARENT_POLL_SECONDS = 0.5
CHECKPOINT_SECONDS = 60  # how long a build keeps trying to fold its log into the database while readers hold it up
CHECKPOINT_RETRY_SECONDS = 0.05

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
    # What a build remembers of each document's files, so that the next one need not read those that kept their
    # names, sizes, inodes and times (corpus.document_hashes).
    "document_files": {
        "columns": {"document_id": str, "files_hash": str, "files_signature": str},
        "pk": "document_id",
        "foreign_keys": [("document_id", "documents", "id")],
        "indexes": [],
    },
    "archival_refs": {
        "columns": {
            "id": str, "document_id": str, "archive": str, "fond": str, "opis": str, "delo": str, "papka": str,
            "listy": str, "citation": str,
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
            "word_count": int, "body_line": int,
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
            "id": str, "document_id": str, "version_id": str, "n": int, "kind": str, "text": str,
            "separator": str, "line": int, "words": int, "hash": str,
        },
        "pk": "id",
        "foreign_keys": [("document_id", "documents", "id"), ("version_id", "versions", "id")],
        "indexes": [["document_id"], ["version_id", "n"], ["kind"], ["hash"]],
    },
    "alignment_groups": {
        "columns": {
            "id": str, "document_id": str, "n": int, "base_paragraph_id": str, "versions_present": int,
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
        },
        "pk": ("group_id", "paragraph_id"),
        "foreign_keys": [
            ("group_id", "alignment_groups", "id"),
            ("paragraph_id", "paragraphs", "id"),
            ("document_id", "documents", "id"),
            ("version_id", "versions", "id"),
        ],
        "indexes": [["document_id"], ["version_id"], ["paragraph_id"]],
    },
    "diffs": {
        "columns": {
            "id": str, "group_id": str, "document_id": str, "base_version_id": str, "version_id": str, "ops": str, "muted": str,
            "similarity": float, "inserted": int, "deleted": int, "replaced": int, "normalization": str,
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
            "id": str, "document_id": str, "version_id": str, "n": int, "status": str, "commit_hash": str, "date": str,
            "author": str, "subject": str, "message": str, "path": str, "note": str, "readable": bool,
            "front_matter": str, "leading": str, "body": str, "paragraph_count": int, "word_count": int,
            "previous_revision_id": str, "latest": bool, "compared": bool, "changed_paragraphs": int,
            "modified_paragraphs": int, "inserted_paragraphs": int, "deleted_paragraphs": int, "moved_paragraphs": int,
            "words_inserted": int, "words_deleted": int, "words_replaced": int, "summary": str,
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
}


@dataclass
class BuildReport:
    db_path: Path
    changed: bool
    rebuilt: list[str] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    paragraphs: int = 0

    def summary(self) -> str:
        if not self.changed:
            return f"{self.db_path}: nothing changed ({len(self.carried)} documents up to date)"
        parts = [f"{len(self.rebuilt)} built", f"{len(self.carried)} unchanged", f"{len(self.removed)} removed"]
        return f"{self.db_path}: {', '.join(parts)}; {self.paragraphs} paragraphs"


Progress = Callable[[Iterable], Iterator]  # wraps the documents to build, e.g. in a progress bar


def build(
    corpus_root: Path, db_path: Path, encoding: str | None = None, progress: Progress | None = None
) -> BuildReport:
    """Build ``db_path`` from the corpus; raise ``CorpusError`` (database untouched) if the corpus has problems.

    Documents are hashed before anything is parsed; only the documents whose hash differs from the database's are
    read, checked and collated (in worker processes when there are many), and the rest of the previous database is
    kept as it is.
    """
    root, db_path = Path(corpus_root), Path(db_path)
    refuse_foreign_file(db_path)
    with _writing(db_path), _build_lock(db_path):
        load_corpus(root, encoding, only=())  # the corpus folder itself: missing, or holding stray files
        previous, recorded = previous_state(db_path)
        files = document_hashes(root, recorded)
        current = _build_hashes(root, {doc_id: folder.content_hash for doc_id, folder in files.items()}, encoding)
        jobs = [
            DocumentJob(root, doc_id, content_hash, encoding)
            for doc_id, content_hash in sorted(current.items())
            if previous.get(doc_id) != content_hash
        ]
        return write_documents(jobs, db_path, current, previous, progress, _changed_files(files, recorded, jobs))


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
    return sorted(_problems_of(jobs, progress or iter))


def _problems_of(jobs: list[DocumentJob], progress: Progress) -> list[Problem]:
    workers = _worker_count()
    if len(jobs) < POOL_MIN_DOCUMENTS or workers < 2:
        return [found for job in progress(jobs) for found in job_problems(job)]
    problems: list[Problem] = []
    with _pool(workers) as pool:
        for found in progress(pool.map(job_problems, jobs, chunksize=SHARD_DOCUMENTS)):
            problems += found
    return problems


def job_problems(job: DocumentJob) -> list[Problem]:
    return job_rows(job)[1]


def refuse_foreign_file(db_path: Path) -> None:
    """A build replaces ``db_path``: refuse unless it is missing, empty, or a database this tool created (recognised
    by SQLite's application_id, set at creation, not by its name)."""
    try:
        with open(db_path, "rb") as handle:
            header = handle.read(APPLICATION_ID_OFFSET + 4)
    except FileNotFoundError:
        return
    except OSError as error:
        raise WriteError(f"{db_path}: cannot read: {error.strerror}") from None
    if not header:
        return
    if header.startswith(SQLITE_HEADER) and header[APPLICATION_ID_OFFSET:] == APPLICATION_ID.to_bytes(4, "big"):
        return
    raise WriteError(
        f"{db_path}: exists and is not a database built by versions; refusing to overwrite it "
        "(choose another --db, or remove the file yourself)"
    )


@contextmanager
def _writing(db_path: Path) -> Iterator[None]:
    """Turn a failure to write the database (disk full, read-only folder) into one line naming it."""
    with writing(db_path):
        try:
            yield
        except sqlite3.OperationalError as error:
            raise WriteError(f"{db_path}: cannot write: {error}") from None


def _changed_files(
    files: dict[str, FolderHash], recorded: dict[str, FolderHash], jobs: list[DocumentJob]
) -> dict[str, FolderHash]:
    """The file hashes and signatures to record: those of rebuilt documents, and any that differ from the record."""
    rebuilt = {job.document_id for job in jobs}
    return {doc_id: folder for doc_id, folder in files.items() if doc_id in rebuilt or recorded.get(doc_id) != folder}


@dataclass(frozen=True)
class DocumentJob:
    """What a worker needs to read, check and collate one document."""

    root: Path
    document_id: str
    content_hash: str
    encoding: str | None = None


def job_rows(job: DocumentJob) -> tuple[dict[str, list[dict]], list[Problem]]:
    """The rows of one document, or its problems."""
    try:
        document = load_document(job.root, job.document_id, job.encoding, job.content_hash)
        return document_rows(document, job.encoding), []
    except CorpusError as error:
        return {}, error.problems
    except Exception as error:  # noqa: BLE001  a flaw of ours must still be one line that names the document
        reason = " ".join(f"{type(error).__name__}: {error}".split())
        return {}, [problem(job.root / job.document_id, 1, f"cannot be built ({reason}); please report this")]


def _build_hashes(root: Path, hashes: dict[str, str], encoding: str | None = None) -> dict[str, str]:
    """A new commit changes a document's revisions even when its files stay the same, and the same bytes read in
    another encoding are another text: make either count as a change."""
    fingerprints = history_fingerprints(root, list(hashes))
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


def write_documents(
    jobs: list[DocumentJob],
    db_path: Path,
    current: dict[str, str],
    previous: dict[str, str],
    progress: Progress | None = None,
    files: dict[str, FolderHash] | None = None,
) -> BuildReport:
    """Write the documents of ``jobs`` (those that changed) over a copy of the previous database.

    ``current`` holds the hash of every document of the corpus, ``previous`` those of the database; ``files`` the
    file hashes and signatures to record. If any document has a problem, every problem is raised as ``CorpusError``
    and the database is left as it was.
    """
    report = BuildReport(db_path, changed=previous != current)
    report.removed = sorted(set(previous) - set(current))
    report.rebuilt = [job.document_id for job in jobs]
    report.carried = sorted(set(current) - set(report.rebuilt))
    if not report.changed:
        return report
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _scratch_file(db_path) as staging_path:
        staging = _scratch_database(staging_path)
        create_schema(staging, indexes=False)
        _insert_documents(staging, staging_path, jobs, progress or iter)
        _record_files(staging, files or {})
        if _is_empty(db_path):
            report.paragraphs = _move_first_build_into_place(staging, staging_path, db_path)
        else:
            staging.close()
            report.paragraphs = _write_in_place(db_path, staging_path, report.removed + report.rebuilt)
    return report


def _is_empty(db_path: Path) -> bool:
    return not db_path.exists() or db_path.stat().st_size == 0


def _move_first_build_into_place(db: sqlite_utils.Database, path: Path, db_path: Path) -> int:
    """A first build is the staging file itself, indexed once after every row is in, then moved into place."""
    db.execute(f"pragma application_id = {APPLICATION_ID}")
    db.execute(f"pragma user_version = {SCHEMA_VERSION}")
    _finish(db)
    paragraphs = db["paragraphs"].count
    db.enable_wal()
    db.close()
    fsync_file(path)
    os.replace(path, db_path)
    fsync_folder(db_path.parent)
    return paragraphs


def _write_in_place(db_path: Path, staging_path: Path, replaced: list[str]) -> int:
    """Replace the rows of the changed and removed documents of the live database with the staged ones, in one
    transaction: a reader sees the old state or the new one, and a killed build leaves the old one (write-ahead log).
    Then the log is folded back into the database file, so that the one file can be copied or published."""
    with closing(sqlite_utils.Database(db_path)) as db:
        db.enable_wal()
        db.attach("staging", staging_path)
        with db.atomic():
            if db.execute("pragma user_version").fetchone()[0] != SCHEMA_VERSION:
                _recreate_schema(db)  # every document was staged: see previous_state
            else:
                _delete_documents(db, replaced)
            db["document_files"].delete_where("document_id in (select document_id from staging.document_files)")
            _copy_tables(db, "staging")
            _finish(db)
        db.execute("detach database staging")
        paragraphs = db["paragraphs"].count
        _checkpoint(db, db_path)
    return paragraphs


def _recreate_schema(db: sqlite_utils.Database) -> None:
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


def _checkpoint(db: sqlite_utils.Database, db_path: Path) -> None:
    """Fold the write-ahead log into the database file and truncate it; while readers hold it up, try again."""
    deadline = time.monotonic() + CHECKPOINT_SECONDS
    while db.execute("pragma wal_checkpoint(truncate)").fetchone()[0]:
        if time.monotonic() > deadline:
            raise WriteError(
                f"{db_path}: written, but readers kept its write-ahead log from being folded in for "
                f"{CHECKPOINT_SECONDS} s; the database is complete, run the build again to fold it in"
            )
        time.sleep(CHECKPOINT_RETRY_SECONDS)


def _scratch_database(path: Path) -> sqlite_utils.Database:
    """A database file that nobody reads until it is complete: a build fsyncs it once before moving it into place,
    and a killed build's file is thrown away, so no commit needs to wait for the disk or keep a journal on it."""
    db = sqlite_utils.Database(path)
    db.execute("pragma synchronous = off")
    db.execute("pragma journal_mode = memory")
    return db


def _delete_documents(db: sqlite_utils.Database, document_ids: list[str]) -> None:
    """Remove every row of these documents; the FTS triggers keep the search index in step."""
    for start in range(0, len(document_ids), DELETE_CHUNK):
        chunk = document_ids[start : start + DELETE_CHUNK]
        marks = ", ".join("?" * len(chunk))
        for table in reversed(list(SCHEMA)):
            key = "id" if table == "documents" else "document_id"
            db[table].delete_where(f"[{key}] in ({marks})", chunk)


def _insert_documents(db: sqlite_utils.Database, db_file: Path, jobs: list[DocumentJob], progress: Progress) -> None:
    """Read, check and collate the documents and insert their rows; problems are collected from every document and
    raised together at the end, and then the database is not moved into place."""
    workers = _worker_count()
    if len(jobs) < POOL_MIN_DOCUMENTS or workers < 2:
        problems = _insert_in_process(db, jobs, progress)
    else:
        problems = _insert_through_shards(db, db_file, jobs, progress, workers)
    if problems:
        raise CorpusError(problems)


def _insert_in_process(db: sqlite_utils.Database, jobs: list[DocumentJob], progress: Progress) -> list[Problem]:
    problems: list[Problem] = []
    documents = iter(progress(jobs))
    for _ in range(0, len(jobs), INSERT_BATCH):
        rows, found = _rows_of(itertools.islice(documents, INSERT_BATCH))
        problems += found
        if not problems:
            _insert_rows(db, rows)
    return problems


def _rows_of(jobs: Iterable[DocumentJob]) -> tuple[dict[str, list[dict]], list[Problem]]:
    """The rows of these documents gathered table by table, and their problems."""
    problems: list[Problem] = []
    gathered: dict[str, list[dict]] = {table: [] for table in SCHEMA}
    for job in jobs:
        rows, found = job_rows(job)
        problems += found
        for table, table_rows in rows.items():
            gathered[table].extend(table_rows)
    return gathered, problems


@dataclass(frozen=True)
class Shard:
    """A few documents that one worker process reads, collates and writes to a database file of its own."""

    path: Path
    jobs: tuple[DocumentJob, ...]


def write_shard(shard: Shard) -> list[Problem]:
    """Write the rows of the shard's documents to its file (tables without indexes); return their problems."""
    rows, problems = _rows_of(shard.jobs)
    if not problems:
        with closing(_scratch_database(shard.path)) as db:
            create_schema(db, indexes=False)
            _insert_rows(db, rows)
    return problems


def _insert_through_shards(
    db: sqlite_utils.Database, db_file: Path, jobs: list[DocumentJob], progress: Progress, workers: int
) -> list[Problem]:
    """Let worker processes write shards, and copy each finished shard into ``db``.

    Inserting rows through sqlite-utils is a good part of a build's work, so the workers insert too, each into a
    file of its own; copying a shard's tables into the database is then done by SQLite itself, at a fraction of it.
    """
    size = max(1, min(SHARD_DOCUMENTS, len(jobs) // (workers * SHARDS_PER_WORKER)))
    shards = [
        Shard(db_file.with_name(f"{db_file.name}.shard-{n}.tmp"), tuple(jobs[i : i + size]))
        for n, i in enumerate(range(0, len(jobs), size))
    ]
    problems: list[Problem] = []
    done = iter(progress(jobs))
    try:
        with _pool(workers) as pool:
            for shard, found in zip(shards, pool.map(write_shard, shards)):
                problems += found
                if not problems:
                    _copy_shard(db, shard.path)
                shard.path.unlink(missing_ok=True)
                for _ in shard.jobs:
                    next(done, None)
    finally:
        for shard in shards:
            shard.path.unlink(missing_ok=True)
    return problems


def _worker_count() -> int:
    return min(os.cpu_count() or 1, MAX_WORKERS)


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),))


def die_with_parent(parent_pid: int) -> None:
    """Make a worker process end when the build that started it ends, even by ``kill -9``: the kernel signals it
    (Linux), or a thread notices that its parent is gone."""
    if _ask_kernel_for_death_signal() and os.getppid() == parent_pid:
        return
    if os.getppid() != parent_pid:  # the parent died before the worker got here
        os._exit(1)
    threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), daemon=True).start()


def _ask_kernel_for_death_signal() -> bool:
    pr_set_pdeathsig = 1
    library = ctypes.util.find_library("c")
    if not library or not hasattr(signal, "SIGKILL"):
        return False
    try:
        return ctypes.CDLL(library, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL) == 0
    except (OSError, AttributeError):
        return False


def _exit_when_orphaned(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def _copy_shard(db: sqlite_utils.Database, path: Path) -> None:
    db.attach("shard", path)
    try:
        with db.atomic():
            _copy_tables(db, "shard")
    finally:
        db.execute("detach database shard")


def _copy_tables(db: sqlite_utils.Database, source: str) -> None:
    """Every row of the attached database ``source`` into the same tables of ``db``, by SQLite itself."""
    for table, spec in SCHEMA.items():
        columns = ", ".join(f"[{column}]" for column in spec["columns"])
        db.execute(f"insert into main.[{table}] ({columns}) select {columns} from [{source}].[{table}]")


def _insert_rows(db: sqlite_utils.Database, pending: dict[str, list[dict]]) -> None:
    for table, rows in pending.items():
        if rows:
            db[table].insert_all(rows, batch_size=1000)


@contextmanager
def _build_lock(db_path: Path) -> Iterator[None]:
    """One build at a time per database folder; a build that holds the lock may clear what killed ones left."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(db_path.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        for leftover in db_path.parent.glob(f".{db_path.name}.*.tmp"):
            leftover.unlink(missing_ok=True)
        yield
    finally:
        os.close(fd)


def previous_state(db_path: Path) -> tuple[dict[str, str], dict[str, FolderHash]]:
    """Content hash per document of an existing database, and the file hashes and signatures it recorded; empty if
    there is none or it cannot be read."""
    if not db_path.exists():
        return {}, {}
    try:
        # read-write, not mode=ro: the last connection to close removes the write-ahead log files
        with closing(sqlite3.connect(f"file:{db_path}?mode=rw", uri=True)) as conn:
            if conn.execute("pragma user_version").fetchone()[0] != SCHEMA_VERSION:
                return {}, {}  # another format: every document is built again, into new tables
            rows = conn.execute(
                "select documents.id, content_hash, files_hash, files_signature from documents "
                "left join document_files on document_files.document_id = documents.id"
            ).fetchall()
    except sqlite3.Error:
        return {}, {}
    hashes = {doc_id: content_hash for doc_id, content_hash, _, _ in rows}
    recorded = {doc_id: FolderHash(files_hash, signature) for doc_id, _, files_hash, signature in rows if files_hash}
    return hashes, recorded


def _record_files(db: sqlite_utils.Database, files: dict[str, FolderHash]) -> None:
    rows = [
        {"document_id": doc_id, "files_hash": folder.content_hash, "files_signature": folder.signature}
        for doc_id, folder in files.items()
    ]
    db["document_files"].upsert_all(rows, pk="document_id")


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


def document_rows(document: Document, encoding: str | None = None) -> dict[str, list[dict]]:
    """Every row of one document, table by table; pure, so it can run in a worker process."""
    rows = {
        "documents": [_document_row(document)],
        "archival_refs": list(_archival_ref_rows(document)),
        "versions": [_version_row(document, version) for version in document.versions],
        "derivations": list(_derivation_rows(document)),
        "paragraphs": list(_paragraph_rows(document)),
    }
    rows["revisions"], rows["revision_diffs"] = history_rows(version_histories(document, encoding))
    collation = collate(document)
    if collation:
        rows |= collation_rows(collation)
    return rows


def collation_rows(collation: Collation) -> dict[str, list[dict]]:
    return {
        "alignment_groups": list(_group_rows(collation)),
        "alignment_members": list(_member_rows(collation)),
        "diffs": list(_diff_rows(collation)),
        "anchors": list(_anchor_rows(collation)),
    }


def group_id(document_id: str, index: int) -> str:
    """Groups are numbered from 1 along the base version; the id is ``<document>/<n>``."""
    return f"{document_id}/{index + 1}"


def paragraph_id(document_id: str, version_id: str, index: int) -> str:
    return f"{document_id}/{version_id}/{index + 1}"


def archival_ref_id(document_id: str, archive: str) -> str:
    return f"{document_id}/{archive_slug(archive)}"


def _document_row(document: Document) -> dict:
    return {
        "id": document.id,
        "title": document.title,
        "date": document.date,
        "sender": document.sender,
        "recipient": document.recipient,
        "summary": document.summary,
        "original_language": document.original_language,
        "base_version_id": f"{document.id}/{document.base}" if document.base else None,
        "citation": document.citation,
        "source_name": document.source_name,
        "source_url": document.source_url,
        "rights": document.rights,
        "illustrative": document.illustrative,
        "version_count": len(document.versions),
        "path": document.path,
        "content_hash": document.content_hash,
    }


def _archival_ref_rows(document: Document) -> Iterator[dict]:
    for ref in document.archival_refs:
        yield {
            "id": archival_ref_id(document.id, ref.archive),
            "document_id": document.id,
            **dataclasses.asdict(ref),
        }


def _version_row(document: Document, version: Version) -> dict:
    return {
        "id": version.key,
        "document_id": document.id,
        "version": version.id,
        "kind": version.kind,
        "language": version.language,
        "label": version.label,
        "transcribed": version.transcribed,
        "illustrative": version.illustrative or document.illustrative,
        "archival_ref_id": archival_ref_id(document.id, version.archive) if version.archive else None,
        "translator": version.translator,
        "publisher": version.publisher,
        "source": version.source,
        "date": version.date,
        "note": version.note,
        "path": version.path,
        "leading": version.leading,
        "paragraph_count": len(version.paragraphs),
        "word_count": sum(count_words(p.text) for p in version.paragraphs),
        "body_line": version.body_line,
    }


def _derivation_rows(document: Document) -> Iterator[dict]:
    for version in document.versions:
        for derivation in version.derived_from:
            yield {
                "version_id": version.key,
                "source_version_id": f"{document.id}/{derivation.source}",
                "relation": derivation.relation,
                "document_id": document.id,
            }


def _paragraph_rows(document: Document) -> Iterator[dict]:
    for version in document.versions:
        for p in version.paragraphs:
            yield {
                "id": f"{version.key}/{p.n}",
                "document_id": document.id,
                "version_id": version.key,
                "n": p.n,
                "kind": p.kind,
                "text": p.text,
                "separator": p.separator,
                "line": p.line,
                "words": count_words(p.text),
                "hash": p.hash,
            }


def _group_rows(collation: Collation) -> Iterator[dict]:
    doc = collation.document.id
    base = collation.table.base
    for index, group in enumerate(collation.table.groups):
        base_paragraphs = group.paragraphs(base)
        members = [m for m in group.members.values() if m.paragraphs]
        yield {
            "id": group_id(doc, index),
            "document_id": doc,
            "n": index + 1,
            "base_paragraph_id": paragraph_id(doc, base, base_paragraphs[0]) if base_paragraphs else None,
            "versions_present": len(members),
            "variance": collation.variances[index],
            "moved": any(m.moved for m in members),
            "excerpt": _excerpt(collation, group),
        }


def _excerpt(collation: Collation, group) -> str:
    version_id = next(v for v in collation.table.versions if group.paragraphs(v))
    text = group_text(collation.document.version(version_id), group.paragraphs(version_id))
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def _member_rows(collation: Collation) -> Iterator[dict]:
    doc = collation.document.id
    for index, group in enumerate(collation.table.groups):
        for version_id, member in group.members.items():
            for paragraph in member.paragraphs:
                yield {
                    "group_id": group_id(doc, index),
                    "paragraph_id": paragraph_id(doc, version_id, paragraph),
                    "document_id": doc,
                    "version_id": f"{doc}/{version_id}",
                    "bead": member.bead,
                    "score": round(member.score, 4),
                    "method": member.method,
                    "moved": member.moved,
                }


def _diff_rows(collation: Collation) -> Iterator[dict]:
    doc = collation.document.id
    for (index, version_id), comparison in collation.comparisons.items():
        if comparison.diff is None:
            continue
        yield {
            "id": f"{group_id(doc, index)}/{version_id}",
            "group_id": group_id(doc, index),
            "document_id": doc,
            "base_version_id": f"{doc}/{collation.table.base}",
            "version_id": f"{doc}/{version_id}",
            **comparison.diff.to_row(),
        }


_ANCHOR_SIDES = {"both": "both", "a-only": "base-only", "b-only": "version-only"}


def _anchor_rows(collation: Collation) -> Iterator[dict]:
    doc = collation.document.id
    for (index, version_id), comparison in collation.comparisons.items():
        for check in comparison.anchors:
            yield {
                "id": f"{group_id(doc, index)}/{version_id}/{check.anchor.kind}/{check.anchor.value}",
                "group_id": group_id(doc, index),
                "document_id": doc,
                "base_version_id": f"{doc}/{collation.table.base}",
                "version_id": f"{doc}/{version_id}",
                "kind": check.anchor.kind,
                "value": check.anchor.value,
                "side": _ANCHOR_SIDES[check.side],
            }


def version_text(db: sqlite_utils.Database, version_id: str) -> str:
    """A version's body rebuilt from the database, byte for byte as in its file."""
    leading = db["versions"].get(version_id)["leading"]
    rows = db.query("select text, separator from paragraphs where version_id = ? order by n", [version_id])
    return leading + "".join(row["text"] + row["separator"] for row in rows)


def _finish(db: sqlite_utils.Database) -> None:
    create_indexes(db)
    if not db["paragraphs"].detect_fts():
        db["paragraphs"].enable_fts(["text"], fts_version="FTS5", tokenize=FTS_TOKENIZER, create_triggers=True)
    for name, sql in VIEWS.items():
        # views change only with the format, which makes the tables anew: leaving the schema alone lets readers
        # such as Datasette keep what they know of it
        db.create_view(name, sql.strip(), ignore=True)


@contextmanager
def _scratch_file(db_path: Path) -> Iterator[Path]:
    """A temporary file beside ``db_path`` (named so that the next build clears it if this one is killed), removed
    at the end unless it was moved into place."""
    fd, name = tempfile.mkstemp(dir=db_path.parent, prefix=f".{db_path.name}.", suffix=".tmp")
    os.close(fd)
    path = Path(name)
    path.chmod(0o644)  # mkstemp makes it private; the database is published
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
