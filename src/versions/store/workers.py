"""Reading, checking and collating documents into rows: in the build's own process, or in worker processes that each
write a shard file of their own and die with the build, even a killed one."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from ..corpus import (
    load_document,
)
from ..errors import CorpusError, Problem, problem
from ..lifetime import die_with_parent
from .rows import document_rows
from .schema import SCHEMA, create_schema, scratch_database

INSERT_BATCH = 200  # documents whose rows are inserted together
POOL_MIN_DOCUMENTS = 16  # below this, starting worker processes costs more than it saves
SHARD_DOCUMENTS = 25  # documents a worker process collates and writes to one shard file, at most
SHARDS_PER_WORKER = 4  # at least, so that the workers finish together
MAX_WORKERS = 4


Progress = Callable[[Iterable], Iterator]  # wraps the documents to build, e.g. in a progress bar


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


def job_problems(job: DocumentJob) -> list[Problem]:
    return job_rows(job)[1]


def problems_of(jobs: list[DocumentJob], progress: Progress) -> list[Problem]:
    workers = _worker_count()
    if len(jobs) < POOL_MIN_DOCUMENTS or workers < 2:
        return [found for job in progress(jobs) for found in job_problems(job)]
    problems: list[Problem] = []
    with _pool(workers) as pool:
        for found in progress(pool.map(job_problems, jobs, chunksize=SHARD_DOCUMENTS)):
            problems += found
    return problems


def insert_documents(db: sqlite_utils.Database, db_file: Path, jobs: list[DocumentJob], progress: Progress) -> None:
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
        with closing(scratch_database(shard.path)) as db:
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


def _copy_shard(db: sqlite_utils.Database, path: Path) -> None:
    db.attach("shard", path)
    try:
        with db.atomic():
            copy_tables(db, "shard")
    finally:
        db.execute("detach database shard")


def copy_tables(db: sqlite_utils.Database, source: str) -> None:
    """Every row of the attached database ``source`` into the same tables of ``db``, by SQLite itself."""
    for table, spec in SCHEMA.items():
        columns = ", ".join(f"[{column}]" for column in spec["columns"])
        db.execute(f"insert into main.[{table}] ({columns}) select {columns} from [{source}].[{table}]")


def _insert_rows(db: sqlite_utils.Database, pending: dict[str, list[dict]]) -> None:
    for table, rows in pending.items():
        if rows:
            db[table].insert_all(rows, batch_size=1000)
