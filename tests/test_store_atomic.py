"""Atomic builds: a build killed at any moment leaves the previous database intact, and readers never see half of one.

A ``versions build`` subprocess rebuilds a database over a generated corpus large enough to take a few seconds, and
is killed with SIGKILL at several moments: after fixed delays, at fractions of the time an uninterrupted build takes,
at the moments its staging database first appears and has grown, and once it writes the live database's log inside
its one transaction (so that kills land inside the write itself, without any hook in the code). After each kill the
previous database must be byte for byte as it was and open cleanly (SQLite's own -wal/-shm files aside); the next
build must succeed. Meanwhile, a reader polling the live database during a build must always see a complete
database: the old one, then the new one.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from versions.store.cache import CACHE_SUFFIX

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402  (benchmarks/generate.py)

OLD_DOCUMENTS = 4
NEW_DOCUMENTS = 16  # a build of a few seconds
KILL_AFTER_MS = [100]
KILL_AT_FRACTIONS = [0.2, 0.5, 0.8]
BUILD_TIMEOUT = 120


def build_command(corpus: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "versions.cli", "build", "--corpus", str(corpus), "--db", str(db)]


def environment() -> dict[str, str]:
    return {**os.environ, "CI": "1", "PYTHONPATH": str(ROOT / "src")}


def start_build(corpus: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(build_command(corpus, db), env=environment(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def run_build(corpus: Path, db: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(build_command(corpus, db), env=environment(), capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def kill(process: subprocess.Popen) -> bool:
    """SIGKILL the build and every process it started; True if it was still running."""
    running = process.poll() is None
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate(timeout=30)
    return running


def documents_in(db: Path) -> int:
    """Open read-only as a reader would, check integrity, count documents."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0)
    try:
        assert conn.execute("pragma quick_check").fetchone() == ("ok",)
        return conn.execute("select count(*) from documents").fetchone()[0]
    finally:
        conn.close()


SQLITE_FILES = ("-wal", "-shm")  # SQLite's own write-ahead log beside a database in WAL mode: not ours
# the build's cache (store.cache) with its log: kept on purpose, not left over
KEPT = tuple(CACHE_SUFFIX + suffix for suffix in ("", *SQLITE_FILES))


def strays(db: Path) -> list[str]:
    """Our own files left beside the database (temporary databases, shards)."""
    return sorted(
        name for name in os.listdir(db.parent) if name != db.name and name[len(db.name):] not in SQLITE_FILES + KEPT
    )


def log_size(db: Path) -> int:
    try:
        return db.with_name(db.name + "-wal").stat().st_size
    except FileNotFoundError:
        return 0


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    """(old corpus, new corpus, bytes of the old corpus's database, seconds an uninterrupted rebuild takes)."""
    work = tmp_path_factory.mktemp("atomic")
    old = generate.generate(work / "old" / "translations", OLD_DOCUMENTS, paragraphs=20)
    new = generate.generate(work / "new" / "translations", NEW_DOCUMENTS, paragraphs=20)
    db = work / "reference" / "versions.db"
    db.parent.mkdir()
    run_build(old, db)
    previous = db.read_bytes()
    start = time.perf_counter()
    run_build(new, db)
    seconds = time.perf_counter() - start
    assert documents_in(db) == NEW_DOCUMENTS
    return old, new, previous, seconds


@pytest.fixture
def database(tmp_path, corpora) -> Path:
    """A fresh copy of the old corpus's database, in a folder of its own."""
    db = tmp_path / "db" / "versions.db"
    db.parent.mkdir()
    db.write_bytes(corpora[2])
    return db


def assert_previous_intact(db: Path, previous: bytes) -> None:
    assert db.read_bytes() == previous, "the previous database changed"
    assert documents_in(db) == OLD_DOCUMENTS


def assert_old_or_new(db: Path, previous: bytes) -> None:
    """After a kill: the previous database untouched, or, when the kill landed after the commit, the new one whole."""
    if documents_in(db) != NEW_DOCUMENTS:
        assert_previous_intact(db, previous)


def assert_next_build_succeeds(corpus: Path, db: Path) -> None:
    run_build(corpus, db)
    assert documents_in(db) == NEW_DOCUMENTS


def kill_points(seconds: float) -> list[tuple[str, float]]:
    points = [(f"after {ms} ms", ms / 1000) for ms in KILL_AFTER_MS]
    return points + [(f"at {fraction:.0%} of a build", seconds * fraction) for fraction in KILL_AT_FRACTIONS]


@pytest.mark.parametrize("point", range(len(KILL_AFTER_MS) + len(KILL_AT_FRACTIONS)))
def test_build_killed_after_a_delay_leaves_the_previous_database(point, corpora, database):
    _, new, previous, seconds = corpora
    label, delay = kill_points(seconds)[point]
    process = start_build(new, database)
    time.sleep(delay)
    was_running = kill(process)
    if not was_running:
        pytest.skip(f"the build had finished before the kill {label} ({seconds:.1f} s per build)")
    assert_old_or_new(database, previous)


@pytest.mark.parametrize("moment", ["appears", "has grown", "writes in place"])
def test_build_killed_inside_the_write_leaves_the_previous_database(moment, corpora, database):
    """Watch the database's folder; kill when the staging database appears, once it holds data, or once the build
    writes the live database's log (inside its one transaction)."""
    _, new, previous, _ = corpora
    process = start_build(new, database)
    deadline = time.monotonic() + BUILD_TIMEOUT
    seen = None
    while process.poll() is None and time.monotonic() < deadline:
        found = [database.parent / name for name in strays(database)]
        sizes = [path.stat().st_size for path in found if path.exists()]
        if moment == "writes in place" and log_size(database) > 0:
            seen = log_size(database)
            break
        if moment != "writes in place" and found and (moment == "appears" or max(sizes, default=0) > 256 * 1024):
            seen = (found, sizes)
            break
        time.sleep(0.0005)
    was_running = kill(process)
    assert seen is not None and was_running, "never saw the build write while it ran"
    if moment == "writes in place":
        assert_old_or_new(database, previous)
    else:
        assert_previous_intact(database, previous)
    if moment != "appears":
        assert_next_build_succeeds(new, database)
        assert strays(database) == [], "the next build clears what the killed one left"


def test_readers_always_see_a_complete_database(corpora, database):
    _, new, previous, _ = corpora
    early = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    assert early.execute("select count(*) from documents").fetchone()[0] == OLD_DOCUMENTS
    process = start_build(new, database)
    seen: list[int] = []
    while process.poll() is None:
        seen.append(documents_in(database))  # raises if the file is ever not a whole database
        time.sleep(0.005)
    assert process.wait() == 0, process.stderr.read().decode()
    seen.append(documents_in(database))
    assert set(seen) <= {OLD_DOCUMENTS, NEW_DOCUMENTS}
    assert seen[0] == OLD_DOCUMENTS and seen[-1] == NEW_DOCUMENTS
    assert seen.index(NEW_DOCUMENTS) > 0 and OLD_DOCUMENTS not in seen[seen.index(NEW_DOCUMENTS):], seen
    # the build wrote the live database: a connection opened before it reads the new state, whole
    assert early.execute("select count(*) from documents").fetchone()[0] == NEW_DOCUMENTS
    assert early.execute("pragma quick_check").fetchone() == ("ok",)
    early.close()


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for whoever adopted it to reap it."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return False
    return fields[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from /proc")
def test_worker_processes_die_with_a_killed_build(corpora, tmp_path):
    _, new, _, _ = corpora
    process = start_build(new, tmp_path / "versions.db")  # a first build: every document in worker processes
    deadline = time.monotonic() + BUILD_TIMEOUT
    workers: list[int] = []
    while process.poll() is None and time.monotonic() < deadline and len(workers) < 2:
        workers = children_of(process.pid)
        time.sleep(0.01)
    assert workers, "the build never started its worker processes"
    os.kill(process.pid, signal.SIGKILL)  # the build alone, as `kill -9 PID` does, not its process group
    process.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = [pid for pid in workers if alive(pid)]
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    assert survivors == [], "worker processes outlived their build"
