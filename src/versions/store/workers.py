"""Reading, checking and collating documents into rows: in the build's own process, or in worker processes that each
write a shard file of their own and die with the build, even a killed one."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path

import sqlite_utils

from ..align.embeddings import embedding_server
from ..collate import Comparer, Comparison, Pair, compare_pairs
from ..corpus import (
    CORRECTIONS_FILE,
    load_document,
)
from ..errors import CorpusError, Problem, problem, warning
from ..lifetime import die_with_parent
from ..normalize import Normalization
from .cache import opened_cache, opened_embedder
from .changes import CHANGE_TABLES, Changes, Rows, create_change_tables, live_rows
from .rows import document_rows
from .schema import SCHEMA, create_schema, scratch_database

INSERT_ROWS = 20_000  # rows gathered before they are inserted, at most (and one batch of a document's more)
LONG_BATCH = 1000  # rows in one batch of a long document's: inserted at once, not held while the rest is collated
POOL_MIN_DOCUMENTS = 16  # below this, starting worker processes costs more than it saves
SHARD_DOCUMENTS = 25  # documents a worker process collates and writes to one shard file, at most
SHARDS_PER_WORKER = 4  # at least, so that the workers finish together
MAX_WORKERS = 4
STAGED_TABLES = SCHEMA | CHANGE_TABLES
SPREAD_MIN_PAIRS = 400  # comparisons asked for at once that are worth spreading over the cores


Progress = Callable[[Iterable], Iterator]  # wraps the documents to build, e.g. in a progress bar


Sink = Callable[[Rows], None]  # takes a document's rows, batch after batch


@dataclass(frozen=True)
class DocumentJob:
    """What a worker needs to read, check and collate one document."""

    root: Path
    document_id: str
    content_hash: str
    encoding: str | None = None
    cache: Path | None = None  # the build's cache file (store.cache), if results of earlier builds may be reused
    embedding_server: str | None = None  # where a worker process asks for vectors (align.embeddings.EmbeddingServer)
    written: str | None = None  # the content hash of the document as the database to write holds it, if it does


def job_rows(job: DocumentJob, sink: Sink, compute: Comparer = compare_pairs) -> list[Problem]:
    """Hand the rows of one document to ``sink``, batch after batch; return its problems (then the rows handed over
    so far are to be thrown away). ``compute`` compares what the cache does not hold."""
    try:
        document = load_document(job.root, job.document_id, job.encoding, job.content_hash)
        with opened_cache(job.cache, document.id, compute) as cache, opened_embedder(cache, job.embedding_server):
            for rows in document_rows(document, job.encoding, cache, job.written):
                sink(rows)
        return []
    except CorpusError as error:
        return error.problems
    except Exception as error:  # noqa: BLE001  a flaw of ours must still be one line that names the document
        reason = " ".join(f"{type(error).__name__}: {error}".split())
        return [problem(job.root / job.document_id, 1, f"cannot be built ({reason}); please report this")]


def job_problems(job: DocumentJob) -> list[Problem]:
    """The document's problems, and the warnings its rows carry (corrections whose paragraph changed since)."""
    warnings: list[Problem] = []
    problems = job_rows(job, lambda rows: warnings.extend(correction_warnings(job, rows)))
    return problems + warnings


def _discard(rows: Rows) -> None:
    pass


def correction_warnings(job: DocumentJob, rows: Rows) -> list[Problem]:
    path = job.root / job.document_id / CORRECTIONS_FILE
    return [warning(path, row["line"], row["note"]) for row in rows.get("corrections", ()) if row["note"]]


def problems_of(jobs: list[DocumentJob], progress: Progress) -> list[Problem]:
    workers = _worker_count()
    if len(jobs) < POOL_MIN_DOCUMENTS or workers < 2:
        return [found for job in progress(jobs) for found in job_problems(job)]
    problems: list[Problem] = []
    with embedding_server() as address, _pool(workers) as pool:
        served = [replace(job, embedding_server=address) for job in jobs]
        for found in progress(pool.map(job_problems, served, chunksize=SHARD_DOCUMENTS)):
            problems += found
    return problems


def insert_documents(
    db: sqlite_utils.Database, db_file: Path, jobs: list[DocumentJob], progress: Progress, live: Path | None = None
) -> None:
    """Read, check and collate the documents and stage their rows in ``db``: every row, or with ``live`` (the
    database the build will write) only what differs from it (``changes``). Problems are collected from every
    document and raised together at the end, and then the database is not written."""
    workers = _worker_count()
    if len(jobs) < POOL_MIN_DOCUMENTS or workers < 2:
        with closing(SpreadComparer(workers)) as spread:
            problems = _stage_rows_of(db, progress(jobs), live, spread)
    else:
        problems = _stage_through_shards(db, db_file, jobs, progress, workers, live)
    if problems:
        raise CorpusError(problems)


def _stage_rows_of(
    db: sqlite_utils.Database, jobs: Iterable[DocumentJob], live: Path | None, compute: Comparer = compare_pairs
) -> list[Problem]:
    """Stage the rows of these documents, gathered table by table up to ``INSERT_ROWS`` rows; once a document has
    problems, nothing more is staged (the file will be thrown away), but every document's problems are found."""
    problems: list[Problem] = []
    pending = _Pending(db)
    with live_rows(live) as held:
        changes = Changes(held)

        def stage(rows: Rows) -> None:
            pending.add(changes.rows(rows))
            if sum(map(len, rows.values())) >= LONG_BATCH:
                pending.flush()

        for job in jobs:
            found = job_rows(job, _discard if problems else stage, compute)
            if not found and not problems:
                pending.add(changes.vanished(job.document_id))
            problems += found
    if not problems:
        pending.flush()
    return problems


class _Pending:
    """Rows waiting to be inserted, table by table: inserted together once there are ``INSERT_ROWS`` of them, so
    that many short documents share one insert and a long one is inserted as it is collated."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.rows: Rows = {table: [] for table in STAGED_TABLES}
        self.count = 0

    def add(self, rows: Rows) -> None:
        for table, table_rows in rows.items():
            self.rows[table].extend(table_rows)
            self.count += len(table_rows)
        if self.count >= INSERT_ROWS:
            self.flush()

    def flush(self) -> None:
        for table, rows in self.rows.items():
            if rows:
                self.db[table].insert_all(rows, batch_size=1000)
            rows.clear()
        self.count = 0


class SpreadComparer:
    """Compares pairs of texts over the cores when there are many (a long document built on its own): this process
    takes one share, worker processes the others; few pairs, all here.

    The workers are forked at once, while this process is still small: forked later, from a process holding a long
    document and its alignment, each would come to own a copy of much of it as the interpreter touches its objects
    (and started afresh instead, they would run an unguarded main script again)."""

    def __init__(self, workers: int):
        self.shares = workers
        self.pool = _pool(workers - 1) if workers > 1 else None
        if self.pool is not None:
            self.pool.submit(int).result()  # a pool starts its processes at its first task

    def __call__(self, pairs: Sequence[Pair], normalization: Normalization) -> list[Comparison]:
        if len(pairs) < SPREAD_MIN_PAIRS or self.pool is None:
            return compare_pairs(pairs, normalization)
        size = -(-len(pairs) // self.shares)
        *theirs, ours = [pairs[start : start + size] for start in range(0, len(pairs), size)]
        names = [normalization.names()] * len(theirs)
        coming = self.pool.map(_compare_part, theirs, names)
        mine = compare_pairs(ours, normalization)
        return [comparison for part in coming for comparison in part] + mine

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def _compare_part(pairs: Sequence[Pair], normalization: tuple[str, ...]) -> list[Comparison]:
    # the normalization goes by name: the object carries what it has learnt of tokens, which need not travel
    return compare_pairs(pairs, Normalization.from_names(normalization))


@dataclass(frozen=True)
class Shard:
    """A few documents that one worker process reads, collates and writes to a database file of its own."""

    path: Path
    jobs: tuple[DocumentJob, ...]
    live: Path | None = None


def write_shard(shard: Shard) -> list[Problem]:
    """Write the rows of the shard's documents to its file (tables without indexes); return their problems."""
    with closing(staging_database(shard.path)) as db:
        return _stage_rows_of(db, shard.jobs, shard.live)


def _stage_through_shards(
    db: sqlite_utils.Database,
    db_file: Path,
    jobs: list[DocumentJob],
    progress: Progress,
    workers: int,
    live: Path | None,
) -> list[Problem]:
    """Let worker processes write shards, and copy each finished shard into ``db``.

    Inserting rows through sqlite-utils is a good part of a build's work, so the workers insert too, each into a
    file of its own; copying a shard's tables into the database is then done by SQLite itself, at a fraction of it.
    """
    size = max(1, min(SHARD_DOCUMENTS, len(jobs) // (workers * SHARDS_PER_WORKER)))
    problems: list[Problem] = []
    done = iter(progress(jobs))
    with embedding_server() as address:
        served = [replace(job, embedding_server=address) for job in jobs]
        shards = [
            Shard(db_file.with_name(f"{db_file.name}.shard-{n}.tmp"), tuple(served[i : i + size]), live)
            for n, i in enumerate(range(0, len(served), size))
        ]
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


def staging_database(path: Path) -> sqlite_utils.Database:
    """A file to stage rows in: the tables without their indexes, and those of ``changes``."""
    db = scratch_database(path)
    create_schema(db, indexes=False)
    create_change_tables(db)
    return db


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),))


def _copy_shard(db: sqlite_utils.Database, path: Path) -> None:
    db.attach("shard", path)
    try:
        with db.atomic():
            copy_tables(db, "shard")
    finally:
        db.execute("detach database shard")


def copy_tables(db: sqlite_utils.Database, source: str) -> None:
    """Every row of the attached database ``source`` into the same tables of ``db``, by SQLite itself."""
    for table, spec in STAGED_TABLES.items():
        columns = ", ".join(f"[{column}]" for column in spec["columns"])
        db.execute(f"insert into main.[{table}] ({columns}) select {columns} from [{source}].[{table}]")
