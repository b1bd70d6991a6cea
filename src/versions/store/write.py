"""Writing a build into the database: a first build moved into place whole, later ones in one transaction on the live
database (WAL) with the log folded back in after; the lock, and the mark that tells our database from any other file."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlite_utils

from ..corpus import (
    FolderHash,
)
from ..durable import WriteError, fsync_file, fsync_folder, writing
from ..history import CorpusHistory
from .cache import cache_path, forget_documents
from .changes import REMOVED, drop_change_tables, merge_tables
from .recorded import record_files, record_head
from .schema import (
    APPLICATION_ID,
    APPLICATION_ID_OFFSET,
    SCHEMA_VERSION,
    SQLITE_HEADER,
    finish_database,
    open_database,
    recreate_schema,
)
from .workers import DocumentJob, Progress, insert_documents, staging_database

CHECKPOINT_SECONDS = 60  # how long a build keeps trying to fold its log into the database while readers hold it up
CHECKPOINT_RETRY_SECONDS = 0.05


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
def writing_database(db_path: Path) -> Iterator[None]:
    """Turn a failure to write the database (disk full, read-only folder) into one line naming it."""
    with writing(db_path):
        try:
            yield
        except sqlite3.OperationalError as error:
            raise WriteError(f"{db_path}: cannot write: {error}") from None


@contextmanager
def build_lock(db_path: Path) -> Iterator[None]:
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


def write_documents(
    jobs: list[DocumentJob],
    db_path: Path,
    current: dict[str, str],
    previous: dict[str, str],
    progress: Progress | None = None,
    files: dict[str, FolderHash] | None = None,
    history: CorpusHistory | None = None,
) -> BuildReport:
    """Write the documents of ``jobs`` (those that changed): into a new database, or in place over the previous one.

    ``current`` holds the hash of every document of the corpus, ``previous`` those of the database; ``files`` the
    file hashes and signatures to record, ``history`` the history fingerprints. If any document has a problem, every
    problem is raised as ``CorpusError`` and the database is left as it was.
    """
    report = BuildReport(db_path, changed=previous != current)
    report.removed = sorted(set(previous) - set(current))
    report.rebuilt = [job.document_id for job in jobs]
    report.carried = sorted(set(current) - set(report.rebuilt))
    if not report.changed:
        return report
    db_path.parent.mkdir(parents=True, exist_ok=True)
    cache = cache_path(db_path)
    with _scratch_file(db_path) as staging_path:
        staging = staging_database(staging_path)
        jobs = [replace(job, cache=cache) for job in jobs]
        insert_documents(staging, staging_path, jobs, progress or iter, db_path if previous else None)
        record_files(staging, files or {}, history)
        if _is_empty(db_path):
            report.paragraphs = _move_first_build_into_place(staging, staging_path, db_path)
        else:
            staging[REMOVED].insert_all({"document_id": doc_id} for doc_id in report.removed)
            staging.close()
            report.paragraphs = _write_in_place(db_path, staging_path, history)
    forget_documents(cache, report.removed)
    return report


def _is_empty(db_path: Path) -> bool:
    return not db_path.exists() or db_path.stat().st_size == 0


def _move_first_build_into_place(db: sqlite_utils.Database, path: Path, db_path: Path) -> int:
    """A first build is the staging file itself, indexed once after every row is in, then moved into place."""
    drop_change_tables(db)
    db.execute(f"pragma application_id = {APPLICATION_ID}")
    db.execute(f"pragma user_version = {SCHEMA_VERSION}")
    finish_database(db)
    paragraphs = db["paragraphs"].count
    db.enable_wal()
    db.close()
    fsync_file(path)
    os.replace(path, db_path)
    fsync_folder(db_path.parent)
    return paragraphs


def _write_in_place(db_path: Path, staging_path: Path, history: CorpusHistory | None) -> int:
    """Replace the rows of the changed and removed documents of the live database with the staged ones
    (``merge_tables``), in one transaction: a reader sees the old state or the new one, and a killed build leaves the
    old one (write-ahead log).
    Then the log is folded back into the database file, so that the one file can be copied or published."""
    with closing(open_database(db_path)) as db:
        db.enable_wal()
        db.attach("staging", staging_path)
        with db.atomic():
            if db.execute("pragma user_version").fetchone()[0] != SCHEMA_VERSION:
                recreate_schema(db)  # every document was staged: see previous_state
            merge_tables(db, "staging")
            record_head(db, history)
            finish_database(db)
        db.execute("detach database staging")
        paragraphs = db["paragraphs"].count
        _checkpoint(db, db_path)
    return paragraphs


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
