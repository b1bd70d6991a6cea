"""Benchmarks of ``versions``: build vs bare ingest, incremental rebuild, peak memory, collation vs CollateX.

    python benchmarks/run.py            # 1,000 documents x 4 versions x 20 paragraphs, CollateX 3 x 2,000 words
    python benchmarks/run.py --quick    # 100 documents; CollateX's time reused from an earlier run if there is one

Prints readable results and, as its last line, one JSON object (the fields are described in benchmarks/README.md).
Everything runs locally on a generated corpus (benchmarks/generate.py) under benchmarks/out/; nothing is sent
anywhere. CollateX (python ``collatex`` with python-Levenshtein) is installed from PyPI into benchmarks/.env on first
use; where that is impossible its fields are null and the output says why.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import inspect
import json
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

OUT = HERE / "out"
ENV = HERE / ".env"
COLLATEX_PACKAGES = ["collatex", "python-Levenshtein"]
COLLATEX_CACHE = OUT / "collatex-cache.json"

TARGETS = {
    "build_vs_all_rows": 2.0,  # at most: the build over writing its rows alone (issue 13's target, embeddings on)
    "build_vs_ingest": 3.0,  # at most
    "incremental_vs_full": 0.02,  # at most
    "peak_rss_mb": 300.0,  # at most
    "speedup_vs_collatex": 300.0,  # at least
}


def say(*parts: object) -> None:
    print(*parts, flush=True)


# --- measuring a subprocess: wall time and peak memory of its whole process tree ------------------------------------

def _children(pid: int) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB. PSS divides pages shared between processes (a forked worker shares most
    of its parent's) among them, so PSS adds up across processes where RSS counts shared pages once per process."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def tree_memory_mb(pid: int) -> dict[str, float]:
    """Memory of a process and all its descendants, now: summed RSS, summed PSS, the process's own RSS, the
    largest RSS of one descendant."""
    rss = pss = 0
    own = largest_child = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        one_rss, one_pss = _memory_kb(current)
        rss, pss = rss + one_rss, pss + one_pss
        if current == pid:
            own = one_rss
        else:
            largest_child = max(largest_child, one_rss)
        todo += _children(current)
    return {"rss_sum": rss / 1024, "pss_sum": pss / 1024, "main_rss": own / 1024, "largest_child_rss": largest_child / 1024}


def run_measured(args: list[str], timeout: float | None = None, env: dict | None = None) -> dict:
    """Run a command; return its wall time, exit code, output and peak memory (sampled tree sum, largest process),
    and the processor time of its whole process tree (``cpu_seconds``: user and system, of every descendant waited
    for, which is all of a command's that exits cleanly)."""
    before_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = before_usage.ru_maxrss
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = {"rss_sum": 0.0, "pss_sum": 0.0, "main_rss": 0.0, "largest_child_rss": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for key, value in tree_memory_mb(process.pid).items():
                peak[key] = max(peak[key], value)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        timed_out = True
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    after = after_usage.ru_maxrss
    return {
        "seconds": seconds,
        "cpu_seconds": _cpu(after_usage) - _cpu(before_usage),
        "returncode": process.returncode,
        "stdout": stdout,
        "stderr": stderr,
        "timed_out": timed_out,
        "peak_tree_mb": peak["pss_sum"],
        "peak": peak,
        # ru_maxrss of children is the largest single descendant so far; only meaningful if it grew
        "peak_process_mb": after / 1024 if after > before else None,
    }


def _cpu(usage: resource.struct_rusage) -> float:
    return usage.ru_utime + usage.ru_stime


def let_settle() -> None:
    """Wait until the files just written are older than the window in which a build does not vouch for a file by
    its metadata and reads it again (``versions.corpus.RACY_NS``): the state of any corpus not edited in the last
    two seconds. Without the wait, the no-op and one-file rebuilds would read every file of the corpus."""
    from versions.corpus import RACY_NS

    time.sleep(RACY_NS / 1e9)


REBUILDS = 3  # no-op and one-file rebuilds measured, each reported as the median: a fraction of a second is noisy


# --- the build -------------------------------------------------------------------------------------------------------

# said on its way out by a build run through versions_build: the seconds it spent loading the sentence model, if it did
MODEL_LOAD_REPORT = """
import atexit, sys
def report():
    embeddings = sys.modules.get("versions.align.embeddings")
    if embeddings is not None and embeddings.LOCAL_MODEL.load_seconds:
        print(f"model load: {embeddings.LOCAL_MODEL.load_seconds}", file=sys.stderr)
atexit.register(report)
"""


def versions_build(corpus: Path, db: Path) -> dict:
    """``versions build`` as the console script runs it: from byte-compiled modules, as an installed package is
    (``PYTHONDONTWRITEBYTECODE``, set on some machines, would make every run compile the whole package first).
    ``model_load_s``: the seconds it spent loading the sentence model (0 if it needed no new vector)."""
    env = {**os.environ, "CI": "1", "PYTHONPATH": str(ROOT / "src")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-c", MODEL_LOAD_REPORT + "from versions.cli import cli; cli()", "build"]
    result = run_measured([*command, "--corpus", str(corpus), "--db", str(db)], env=env)
    if result["returncode"] != 0:
        raise SystemExit(f"versions build failed ({result['returncode']}):\n{result['stdout']}{result['stderr']}")
    loads = [float(line.partition(": ")[2]) for line in result["stderr"].splitlines() if line.startswith("model load: ")]
    result["model_load_s"] = sum(loads)
    return result


def bare_ingest(corpus: Path, db: Path) -> dict:
    """The floor: the same paragraph rows inserted with sqlite-utils' insert_all into a fresh file, nothing else."""
    import sqlite_utils

    from versions.corpus import load_corpus

    start = time.perf_counter()
    loaded = load_corpus(corpus)
    parse_s = time.perf_counter() - start
    rows = [
        {
            "id": f"{version.key}/{p.n}", "document_id": document.id, "version_id": version.key, "n": p.n,
            "kind": p.kind, "text": p.text, "separator": p.separator, "line": p.line, "words": len(p.text.split()),
            "hash": p.hash,
        }
        for document in loaded.documents for version in document.versions for p in version.paragraphs
    ]
    db.unlink(missing_ok=True)
    del loaded
    gc.collect()
    gc.freeze()  # the rows already made are not scanned by the collector during the insert: the floor, not noise
    start = time.perf_counter()
    database = sqlite_utils.Database(db)
    database["paragraphs"].insert_all(rows, pk="id")
    database.conn.commit()
    database.close()
    ingest_s = time.perf_counter() - start
    start = time.perf_counter()
    database = sqlite_utils.Database(db)
    database["paragraphs"].enable_fts(["text"], fts_version="FTS5", tokenize="unicode61 remove_diacritics 2")
    database.conn.commit()
    database.close()
    fts_s = time.perf_counter() - start
    gc.unfreeze()
    return {"parse_s": parse_s, "ingest_s": ingest_s, "fts_s": fts_s, "paragraphs": len(rows)}


def all_tables_ingest(built: Path, db: Path) -> dict:
    """What writing a build's rows costs on its own: every row of every table of the built database (paragraphs,
    alignment groups and members, diffs, anchors, revisions ...) inserted with sqlite-utils' insert_all into a fresh
    file with the same tables, nothing computed. A build that writes these tables the sqlite-utils way, in one
    process, cannot be faster than this."""
    import sqlite_utils

    from versions.store import SCHEMA, create_schema

    source = sqlite_utils.Database(built)
    rows = {table: list(source[table].rows) for table in SCHEMA}
    source.close()
    db.unlink(missing_ok=True)
    gc.collect()
    gc.freeze()
    start, start_cpu = time.perf_counter(), time.process_time()
    database = sqlite_utils.Database(db)
    create_schema(database, indexes=False)
    for table, table_rows in rows.items():
        database[table].insert_all(table_rows, batch_size=1000)
    database.conn.commit()
    database.close()
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - start_cpu
    gc.unfreeze()
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "rows": sum(len(table_rows) for table_rows in rows.values())}


def change_detection(corpus: Path, db: Path) -> dict:
    """Finding what changed as a build finds it (``versions.store.find_changes``: the files, git's index where there
    is one, the history since the recorded HEAD), in a fresh process as a build runs it, imports not counted."""
    code = (
        "import json, sys, time\n"
        "from pathlib import Path\n"
        "from versions.store import find_changes\n"
        "start = time.perf_counter()\n"
        "changes = find_changes(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "print(json.dumps({'seconds': time.perf_counter() - start, 'changed': len(changes.jobs)}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run([sys.executable, "-c", code, str(corpus), str(db)], capture_output=True, text=True,
                            env=env, check=True)
    return json.loads(result.stdout)


SCALE_REBUILDS = 5  # one-file rebuilds per corpus size at archive scale and in the length series, reported as medians


def scale_point(work: Path, documents: int, versions: int, paragraphs: int, seed: int, rebuilds: int,
                use_git: bool = False) -> dict:
    """One corpus size: generated, built from nothing (time, peak memory, size), then ``rebuilds`` times one word of
    one document changed, its detection timed apart and then the rebuild, and one word of its copy in the base's
    language (a rebuild that needs no new sentence vector, so loads no model); medians."""
    folder = work / f"{documents}x{versions}x{paragraphs}"
    corpus, db = folder / "translations", folder / "versions.db"
    generate.generate(corpus, documents, versions, paragraphs, seed)
    if use_git:
        scratch_git_commit(folder)
    let_settle()
    full = versions_build(corpus, db)
    detections, rebuilds_s, without_model_s, model_loads = [], [], [], []
    for index in range(rebuilds):
        document = index * max(1, documents // rebuilds) % documents
        generate.touch_one_file(corpus, document)
        detections.append(change_detection(corpus, db)["seconds"])
        rebuild = versions_build(corpus, db)
        rebuilds_s.append(rebuild["seconds"])
        model_loads.append(rebuild["model_load_s"])
        generate.touch_one_file(corpus, document, "aprf-copy")
        without_model_s.append(versions_build(corpus, db)["seconds"])
    total = documents * versions * paragraphs
    point = {
        "documents": documents, "versions": versions, "paragraphs": paragraphs,
        "build_s": round(full["seconds"], 3),
        "per_paragraph_ms": round(full["seconds"] / total * 1000, 4),
        "peak_rss_mb": round(full["peak"]["pss_sum"], 1),
        "db_mb": round(db.stat().st_size / 2**20, 1),
        "detection_s": round(statistics.median(detections), 3),
        "rebuild_s": round(statistics.median(rebuilds_s), 3),
        "rebuild_runs_s": [round(seconds, 3) for seconds in rebuilds_s],
        "rebuild_no_new_vector_s": round(statistics.median(without_model_s), 3),
        # the model's one-time load, reported apart, and the rebuild without it (the measure)
        "rebuild_model_load_s": round(statistics.median(model_loads), 3),
        "rebuild_less_model_load_s": round(statistics.median(
            [seconds - load for seconds, load in zip(rebuilds_s, model_loads)]), 3),
    }
    point["rebuild_after_detection_s"] = round(point["rebuild_s"] - point["detection_s"], 3)
    point["incremental_vs_full"] = round(point["rebuild_s"] / point["build_s"], 5)
    shutil.rmtree(folder, ignore_errors=True)
    return point


def say_point(label: str, point: dict) -> None:
    say(f"  {label:30} full {point['build_s']:8.2f} s ({point['per_paragraph_ms']:.3f} ms/paragraph), "
        f"peak {point['peak_rss_mb']:6.1f} MB, db {point['db_mb']:7.1f} MB; one file: detect "
        f"{point['detection_s']:.3f} s, rebuild {point['rebuild_s']:.3f} s "
        f"({point['rebuild_after_detection_s']:.3f} s after detection, {point['incremental_vs_full']:.3%} of full; "
        f"{point['rebuild_no_new_vector_s']:.3f} s for an edit that needs no new vector, so no model; "
        f"{point['rebuild_less_model_load_s']:.3f} s less the model's load of {point['rebuild_model_load_s']:.3f} s)")


ARCHIVE_SIZES = (250, 2000)  # compared with the archive-scale corpus itself
LONG_DOCUMENT = (1, 4, 5000)  # documents x versions x paragraphs: one archival file's worth
LENGTH_SERIES = ((1000, 20), (62, 320), (16, 1280), (4, 5000))  # about 80,000 paragraphs each, in 4 versions
MANY_VERSIONS = (1, 50, 200)  # documents x versions x paragraphs: one document in many versions, after the series


def archive_scale(args, work: Path, documents: int) -> dict:
    """``--documents`` of 20,000 and more: a one-file rebuild at 250, 2,000 and that many documents, each after its
    change detection, and one document of 4 versions x 5,000 paragraphs."""
    results: dict = {"mode": "archive"}
    for size in (*ARCHIVE_SIZES, documents):
        with stage(f"{size} documents x {args.versions} x {args.paragraphs}: full build, "
                   f"{SCALE_REBUILDS} one-file rebuilds"):
            results[f"scale_{size}"] = scale_point(work, size, args.versions, args.paragraphs, args.seed,
                                                   SCALE_REBUILDS, args.git)
        say_point(f"{size} documents", results[f"scale_{size}"])
    with stage("one long document: 1 x 4 versions x 5,000 paragraphs"):
        results["long_document"] = scale_point(work, *LONG_DOCUMENT, args.seed, SCALE_REBUILDS, args.git)
    say_point("1 document x 5,000 paragraphs", results["long_document"])
    small, large = results[f"scale_{ARCHIVE_SIZES[0]}"], results[f"scale_{documents}"]
    results["rebuild_large_vs_small"] = round(
        large["rebuild_after_detection_s"] / max(small["rebuild_after_detection_s"], 1e-9), 2)
    say("")
    say("Results (archive scale)")
    for size in (*ARCHIVE_SIZES, documents):
        say_point(f"{size} documents", results[f"scale_{size}"])
    say_point("1 document x 5,000 paragraphs", results["long_document"])
    say(f"  rebuild after detection, {documents} vs {ARCHIVE_SIZES[0]} documents: "
        f"{results['rebuild_large_vs_small']}x (target <= 1.5x); detection at {documents}: "
        f"{large['detection_s']:.3f} s (target <= 1 s); incremental {large['incremental_vs_full']:.3%} of full "
        f"(target <= 1%); peak at 5,000 paragraphs {results['long_document']['peak_rss_mb']} MB (target <= 300)")
    return results


def length_series(args, work: Path) -> dict:
    """The same number of paragraphs (about 80,000) in ever longer documents: cost per paragraph and memory."""
    results: dict = {"mode": "series", "series": []}
    for documents, paragraphs in LENGTH_SERIES:
        with stage(f"{documents} documents x {args.versions} x {paragraphs} paragraphs"):
            results["series"].append(scale_point(work, documents, args.versions, paragraphs, args.seed,
                                                 SCALE_REBUILDS, args.git))
        say_point(f"{documents} x {args.versions} x {paragraphs}", results["series"][-1])
    say("")
    say("Results (length series, about 80,000 paragraphs each)")
    for point in results["series"]:
        say_point(f"{point['documents']} x {point['versions']} x {point['paragraphs']}", point)
    first, last = results["series"][0], results["series"][-1]
    results["per_paragraph_longest_vs_shortest"] = round(last["per_paragraph_ms"] / first["per_paragraph_ms"], 2)
    say(f"  per paragraph at {last['paragraphs']} vs {first['paragraphs']} paragraphs: "
        f"{results['per_paragraph_longest_vs_shortest']}x (target <= 1.5x)")
    documents, versions, paragraphs = MANY_VERSIONS
    with stage(f"one document in many versions: {documents} x {versions} x {paragraphs} paragraphs, one rebuild"):
        results["many_versions"] = scale_point(work, documents, versions, paragraphs, args.seed, 1, args.git)
    say_point(f"{documents} x {versions} x {paragraphs}", results["many_versions"])
    peaks = [point["peak_rss_mb"] for point in (*results["series"], results["many_versions"])]
    say(f"  peak memory, every row above: at most {max(peaks)} MB  {verdict('peak_rss_mb', max(peaks))}")
    return results


# --- where the time of a build goes ----------------------------------------------------------------------------------

class PhaseTimer:
    """Wraps named functions, adding up their wall time (outermost call only, so recursion is not counted twice)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._undo: list = []
        self._depth: dict[str, int] = {}

    def wrap(self, owner, name: str, phase: str) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return
        timer = self

        def wrapper(*args, **kwargs):
            depth = timer._depth.get(phase, 0)
            timer._depth[phase] = depth + 1
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                timer._depth[phase] = depth
                if depth == 0:
                    timer.seconds[phase] = timer.seconds.get(phase, 0.0) + time.perf_counter() - start
                    timer.calls[phase] = timer.calls.get(phase, 0) + 1

        setattr(owner, name, wrapper)
        self._undo.append((owner, name, original))

    def undo(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)


PHASES = [  # (function name, phase); the same name is wrapped in every versions module that holds it
    ("load_corpus", "parse corpus"),
    ("load_document", "parse corpus"),
    ("version_histories", "history (git)"),
    ("align_versions", "align"),
    ("word_diff", "word diffs"),
    ("_compare_group", "compare groups"),  # word diffs and anchor checks; word diffs are taken out below
    ("document_rows", "rows"),  # everything computed per document; the phases above are taken out below
    ("create_schema", "schema"),
    ("create_indexes", "indexes"),
    ("_fsync", "fsync"),
]


def embedding_figures(corpus: Path, db: Path, work: Path, args) -> dict:
    """What the sentence vectors cost (``align.meaning``): in this process, the share of cross-language paragraphs
    searched again with vectors over a subset of the corpus and the seconds spent loading the model and embedding
    them; from the full build's cache file, how many vectors it holds; and a one-file rebuild that needs no new
    vector (a copy in the base's language edited) against one that does (the original edited after the cache's
    vectors were dropped, so that the rebuilt document's are missing and the model is loaded)."""
    from versions.align import embeddings
    from versions.collate import collate
    from versions.corpus import load_document
    from versions.store.cache import VectorCache, cache_path

    subset = sorted(path.name for path in corpus.iterdir() if path.is_dir())[: args.profile_documents]
    store_path = work / "vectors-only.db-cache"
    with embeddings.using(embeddings.Embedder(VectorCache(store_path))) as embedder:
        start = time.perf_counter()
        for document_id in subset:
            collate(load_document(corpus, document_id))
        collate_s = time.perf_counter() - start
    counts = embedder.counts
    figures = {
        "embedding_documents": len(subset),
        "share_embedded": round(counts.share_embedded(), 4),
        "embedding_s": round(counts.embed_seconds, 3),
        "embedding_vectors": counts.embedded,
        "embedding_collate_s": round(collate_s, 3),
        "model_load_s": round(embeddings.LOCAL_MODEL.load_seconds, 3),
    }
    with sqlite3.connect(cache_path(db)) as conn:
        figures["build_vectors_kept"] = conn.execute("select count(*) from vectors").fetchone()[0]
    without, with_vector = [], []
    for index in range(REBUILDS):
        generate.touch_one_file(corpus, REBUILDS + index, "aprf-copy")  # a copy in the base's language
        without.append(versions_build(corpus, db)["seconds"])
        with sqlite3.connect(cache_path(db)) as conn:
            conn.execute("delete from vectors")
        generate.touch_one_file(corpus, 2 * REBUILDS + index)
        with_vector.append(versions_build(corpus, db)["seconds"])
    figures["rebuild_one_file_no_new_vector_s"] = round(statistics.median(without), 3)
    figures["rebuild_one_file_new_vectors_s"] = round(statistics.median(with_vector), 3)
    say(f"  {figures['share_embedded']:.1%} of cross-language paragraphs embedded ({counts.embedded} vectors, "
        f"{figures['embedding_s']} s; model load {figures['model_load_s']} s); one-file rebuild "
        f"{figures['rebuild_one_file_no_new_vector_s']} s without a new vector, "
        f"{figures['rebuild_one_file_new_vectors_s']} s with")
    return figures


def profile_build(corpus: Path, db: Path, fresh: bool = True) -> dict:
    """Build in this process, one document after another, with the phases timed.

    Worker processes are switched off (their time would be invisible here), so the total is the single-core time.
    Nested phases are reported net: "rows" is what is left of building a document's rows after parsing, history,
    alignment and comparison; "compare groups" is what is left after the word diffs (anchor checks, variance).
    """
    import sqlite_utils.db

    from versions import store
    from versions.store import workers

    timer = PhaseTimer()
    for name, module in sorted(sys.modules.items()):
        if name == "versions" or name.startswith("versions."):
            for function, phase in PHASES:
                if inspect.isfunction(getattr(module, function, None)):
                    timer.wrap(module, function, phase)
    timer.wrap(sqlite_utils.db.Table, "insert_all", "insert rows")
    timer.wrap(sqlite_utils.db.Table, "insert", "insert rows")
    timer.wrap(sqlite_utils.db.Table, "enable_fts", "FTS index")
    timer.wrap(sqlite_utils.db.Table, "populate_fts", "FTS index")
    saved = {name: getattr(workers, name) for name in ("POOL_MIN_DOCUMENTS", "MAX_WORKERS")}
    workers.POOL_MIN_DOCUMENTS = 10**12
    workers.MAX_WORKERS = 1
    if fresh:
        db.unlink(missing_ok=True)
    start = time.perf_counter()
    try:
        store.build(corpus, db)
    finally:
        timer.undo()
        for name, value in saved.items():
            setattr(workers, name, value)
    total = time.perf_counter() - start
    phases = dict(timer.seconds)
    nested = {"rows": ["history (git)", "align", "compare groups", "word diffs"], "compare groups": ["word diffs"]}
    for outer, inner in nested.items():
        if outer in phases:
            phases[outer] = max(phases[outer] - sum(phases.get(name, 0.0) for name in inner), 0.0)
    # row building without its parts: only the "rows" phase wraps history/align/compare, so subtract once
    phases = {name: seconds for name, seconds in phases.items() if seconds >= 0.0005}
    phases["other (sqlite-utils, copies, Python)"] = max(total - sum(phases.values()), 0.0)
    return {"total_s": total, "phases": phases}


# --- collation: ours and CollateX ------------------------------------------------------------------------------------

def collate_ours(witness_texts: list[list[str]]) -> dict:
    from versions.align import align_versions
    from versions.diff import word_diff
    from versions.normalize import DEFAULT

    texts = {f"w{i}": paragraphs for i, paragraphs in enumerate(witness_texts)}
    languages = {key: "en" for key in texts}
    start = time.perf_counter()
    table = align_versions("w0", texts, languages)
    align_s = time.perf_counter() - start
    diffs = 0
    for group in table.groups:
        base = "\n\n".join(texts["w0"][i] for i in group.paragraphs("w0"))
        for version in table.versions[1:]:
            word_diff(base, "\n\n".join(texts[version][i] for i in group.paragraphs(version)), DEFAULT)
            diffs += 1
    total = time.perf_counter() - start
    return {"align_s": align_s, "diff_s": total - align_s, "total_s": total, "groups": len(table.groups),
            "diffs": diffs}


COLLATEX_SCRIPT = r"""
import json, resource, sys, time
from collatex import Collation, collate
texts = json.load(open(sys.argv[1], encoding="utf-8"))
collation = Collation()
for i, text in enumerate(texts):
    collation.add_plain_witness(chr(65 + i), text)
start = time.perf_counter()
out = collate(collation, output="json", segmentation=False)
seconds = time.perf_counter() - start
rows = len(json.loads(out)["table"][0])
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "columns": rows}))
"""


def collatex_python() -> tuple[Path | None, str]:
    """The benchmark environment's python with collatex importable, installing it if needed; or (None, why)."""
    python = ENV / "bin" / "python"
    check = [str(python), "-c", "import collatex, Levenshtein"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, "already installed"
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(ENV)], check=True, capture_output=True, text=True)
        say(f"  installing {' '.join(COLLATEX_PACKAGES)} into {ENV} ...")
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", *COLLATEX_PACKAGES],
                              capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"cannot create {ENV}: {error}"
    if done.returncode != 0:
        return None, f"pip install {' '.join(COLLATEX_PACKAGES)} failed: {done.stderr.strip()[-500:]}"
    if subprocess.run(check, capture_output=True).returncode != 0:
        return None, "collatex installed but cannot be imported"
    return python, "installed from PyPI"


def collatex_version(python: Path) -> str:
    out = subprocess.run([str(python), "-m", "pip", "show", "collatex"], capture_output=True, text=True).stdout
    return next((line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Version:")), "?")


def collate_collatex(witness_texts: list[list[str]], timeout: float, use_cache: bool) -> dict:
    """Time CollateX on the witnesses (plain text, one string each) in its own process; None fields and a reason
    when it cannot run or does not finish."""
    plain = [" ".join(paragraphs) for paragraphs in witness_texts]
    key = hashlib.sha256(json.dumps(plain).encode()).hexdigest()
    if use_cache and COLLATEX_CACHE.exists():
        cached = json.loads(COLLATEX_CACHE.read_text())
        if cached.get("key") == key and cached.get("seconds"):
            return {**cached, "note": f"CollateX time reused from a run on {cached['when']} (--quick)"}
    python, how = collatex_python()
    if python is None:
        return {"seconds": None, "peak_mb": None, "note": how}
    version = collatex_version(python)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "witnesses.json"
        source.write_text(json.dumps(plain), encoding="utf-8")
        script = Path(tmp) / "collatex_bench.py"
        script.write_text(COLLATEX_SCRIPT)
        result = run_measured([str(python), str(script), str(source)], timeout=timeout)
    if result["timed_out"]:
        return {"seconds": None, "peak_mb": round(result["peak_tree_mb"]), "version": version,
                "note": f"CollateX {version} did not finish in {timeout:.0f} s (killed)", "lower_bound_s": timeout}
    if result["returncode"] != 0:
        return {"seconds": None, "peak_mb": None, "version": version,
                "note": f"CollateX failed: {result['stderr'].strip()[-500:]}"}
    measured = json.loads(result["stdout"].strip().splitlines()[-1])
    entry = {"key": key, "seconds": measured["seconds"], "peak_mb": measured["peak_mb"], "version": version,
             "when": time.strftime("%Y-%m-%d %H:%M"), "note": f"CollateX {version} ({how})"}
    OUT.mkdir(exist_ok=True)
    COLLATEX_CACHE.write_text(json.dumps(entry))
    return entry


def scratch_git_commit(work: Path) -> None:
    """A throwaway repository in the work folder (never the project's), holding the corpus in one commit."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost"}
    for command in (["init", "-q"], ["add", "translations"], ["commit", "-q", "-m", "generated corpus"]):
        subprocess.run(["git", "-C", str(work), *command], check=True, env=env, capture_output=True)


# --- the whole run ---------------------------------------------------------------------------------------------------

@contextmanager
def stage(label: str):
    say(f"- {label} ...")
    start = time.perf_counter()
    yield
    say(f"  done in {time.perf_counter() - start:.2f} s")


def verdict(name: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    target = TARGETS[name]
    ok = value >= target if name == "speedup_vs_collatex" else value <= target
    return f"{'ok' if ok else 'MISSED'} (target {'>=' if name == 'speedup_vs_collatex' else '<='} {target:g})"


ARCHIVE_DOCUMENTS = 20000  # from this many documents on, run.py measures archive scale (see archive_scale)


def scaled_run(args, documents: int) -> dict:
    work = args.workdir or Path(tempfile.mkdtemp(prefix="versions-bench-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    say(f"versions benchmarks at scale ({os.cpu_count()} CPUs, Python {platform.python_version()})")
    start_load = round(os.getloadavg()[0], 2)
    results = length_series(args, work) if args.series else archive_scale(args, work, documents)
    results |= {"cpus": os.cpu_count(), "python": platform.python_version(), "git_history": bool(args.git),
                "load_average_at_start": start_load, "load_average_at_end": round(os.getloadavg()[0], 2)}
    say(f"  load average          {start_load} at start, {results['load_average_at_end']} at end")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, ensure_ascii=False), flush=True)
    return results


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Benchmarks of versions (see benchmarks/README.md).")
    parser.add_argument("--quick", action="store_true", help="100 documents; reuse CollateX's time if measured")
    parser.add_argument("--documents", type=int, default=None)
    parser.add_argument("--versions", type=int, default=4)
    parser.add_argument("--paragraphs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1951)
    parser.add_argument("--no-collatex", action="store_true", help="skip CollateX (its fields are null)")
    parser.add_argument("--collatex-timeout", type=float, default=300.0)
    parser.add_argument("--no-profile", action="store_true", help="skip the in-process phase profile")
    parser.add_argument("--profile-documents", type=int, default=100,
                        help="documents in the phase profile (a separate, single-process build)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus and databases")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where to generate (default: a new temporary folder outside any git repository)")
    parser.add_argument("--git", action="store_true",
                        help="commit the generated corpus to a scratch git repository in the work folder first, "
                             "so that the build reads each version's history as it does for a real corpus")
    parser.add_argument("--series", action="store_true",
                        help="the length series instead: about 80,000 paragraphs as 1,000 x 20, 62 x 320, 16 x 1,280 "
                             "and 4 x 5,000 paragraphs per version, then one document of 50 versions x 200 paragraphs")
    args = parser.parse_args(argv)
    documents = args.documents or (100 if args.quick else 1000)
    if args.series or documents >= ARCHIVE_DOCUMENTS:
        return scaled_run(args, documents)

    results: dict = {
        "mode": "quick" if args.quick else "full",
        "documents": documents, "versions": args.versions, "paragraphs": args.paragraphs,
        "cpus": os.cpu_count(), "python": platform.python_version(),
        "load_average_at_start": round(os.getloadavg()[0], 2),
    }
    work = args.workdir or Path(tempfile.mkdtemp(prefix="versions-bench-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    corpus, db = work / "translations", work / "versions.db"
    say(f"versions benchmarks: {documents} documents x {args.versions} versions x {args.paragraphs} paragraphs "
        f"({results['cpus']} CPUs, Python {results['python']})")

    with stage("generating the corpus"):
        generate.generate(corpus, documents, args.versions, args.paragraphs, args.seed)
        if args.git:
            scratch_git_commit(work)
        let_settle()
    results["git_history"] = bool(args.git)
    files = list(corpus.glob("*/*"))
    results["corpus_mb"] = round(sum(f.stat().st_size for f in files) / 2**20, 1)

    with stage("full build (versions build, fresh database)"):
        full = versions_build(corpus, db)
    results["build_s"] = round(full["seconds"], 3)
    # peak_rss_mb: the memory the build took from the machine at its peak, all its processes together (summed
    # PSS, so that pages a forked worker shares with the main process count once); the other figures for comparison
    results["peak_rss_mb"] = round(full["peak"]["pss_sum"], 1)
    results["peak_rss_sum_mb"] = round(full["peak"]["rss_sum"], 1)
    results["peak_rss_main_process_mb"] = round(full["peak"]["main_rss"], 1)
    results["peak_rss_largest_worker_mb"] = round(full["peak"]["largest_child_rss"], 1)
    results["peak_rss_largest_process_mb"] = (
        round(full["peak_process_mb"], 1) if full["peak_process_mb"] else None
    )
    results["db_mb"] = round(db.stat().st_size / 2**20, 1)
    with sqlite3.connect(db) as conn:
        results["paragraph_rows"] = conn.execute("select count(*) from paragraphs").fetchone()[0]
    say(f"  {full['stdout'].strip()}")

    with stage(f"rebuild with nothing changed (median of {REBUILDS})"):
        noops = [versions_build(corpus, db)["seconds"] for _ in range(REBUILDS)]
    results["noop_s"] = round(statistics.median(noops), 3)
    results["noop_runs_s"] = [round(seconds, 3) for seconds in noops]

    with stage(f"rebuild after one changed file (median of {REBUILDS}, a different document each time)"):
        rebuilds = []
        for index in range(REBUILDS):
            changed = generate.touch_one_file(corpus, index)
            rebuild = versions_build(corpus, db)
            rebuilds.append(rebuild["seconds"])
            say(f"  changed {changed.relative_to(work)}: {rebuild['stdout'].strip()}")
    results["incremental_s"] = round(statistics.median(rebuilds), 3)
    results["incremental_runs_s"] = [round(seconds, 3) for seconds in rebuilds]
    results["incremental_vs_full"] = round(statistics.median(rebuilds) / full["seconds"], 4)

    with stage("bare sqlite-utils ingest of the same paragraphs"):
        ingest = bare_ingest(corpus, work / "ingest.db")
    results["ingest_s"] = round(ingest["ingest_s"], 3)
    results["ingest_fts_s"] = round(ingest["fts_s"], 3)
    results["parse_s"] = round(ingest["parse_s"], 3)
    results["build_vs_ingest"] = round(full["seconds"] / ingest["ingest_s"], 1)
    results["build_vs_ingest_with_fts"] = round(full["seconds"] / (ingest["ingest_s"] + ingest["fts_s"]), 1)

    with stage("bare sqlite-utils ingest of every row the build wrote (all tables)"):
        rows_only = all_tables_ingest(db, work / "all-tables.db")
    results["ingest_all_tables_s"] = round(rows_only["seconds"], 3)
    results["all_table_rows"] = rows_only["rows"]
    results["ingest_all_tables_vs_ingest"] = round(rows_only["seconds"] / ingest["ingest_s"], 1)
    results["build_vs_all_rows"] = round(full["seconds"] / rows_only["seconds"], 2)
    # processor time, which other work on the machine hardly changes, where it doubles wall times: a build that kept
    # every core busy would take build_cpu_vs_all_rows_cpu / cpus of build_vs_all_rows' wall time
    results["build_cpu_s"] = round(full["cpu_seconds"], 2)
    results["ingest_all_tables_cpu_s"] = round(rows_only["cpu_seconds"], 2)
    results["build_cpu_vs_all_rows_cpu"] = round(full["cpu_seconds"] / rows_only["cpu_seconds"], 2)

    with stage("sentence vectors: share embedded, model load, embedding time, one-file rebuilds with and without"):
        results.update(embedding_figures(corpus, db, work, args))

    if not args.no_profile:
        subset = min(documents, args.profile_documents)
        sub = work / "profile" / "translations"
        with stage(f"where the time goes: single-process build of {subset} documents, phases timed"):
            generate.generate(sub, subset, args.versions, args.paragraphs, args.seed)
            if args.git:
                scratch_git_commit(sub.parent)
            profile = profile_build(sub, work / "profile" / "versions.db")
        with stage("where the time goes: the same after one changed file"):
            generate.touch_one_file(sub)
            again = profile_build(sub, work / "profile" / "versions.db", fresh=False)
        results["profile_documents"] = subset
        for key, measured in (("profile", profile), ("profile_incremental", again)):
            results[f"{key}_s"] = round(measured["total_s"], 3)
            results[f"{key}_phases_s"] = {
                k: round(v, 3) for k, v in sorted(measured["phases"].items(), key=lambda kv: -kv[1])
            }

    with stage("alignment of 5 witnesses x 5,000 words (align_versions)"):
        five = collate_ours(generate.witnesses(5, 5000))
    results["align_5x5000_s"] = round(five["align_s"], 3)
    results["align_5x5000_with_diffs_s"] = round(five["total_s"], 3)

    with stage("collation of 3 witnesses x 2,000 words: versions (align + word diffs)"):
        three = generate.witnesses(3, 2000)
        ours = collate_ours(three)
    results["versions_3x2000_s"] = round(ours["total_s"], 4)

    if args.no_collatex:
        theirs = {"seconds": None, "peak_mb": None, "note": "skipped (--no-collatex)"}
    else:
        with stage(f"collation of 3 witnesses x 2,000 words: CollateX (timeout {args.collatex_timeout:.0f} s)"):
            theirs = collate_collatex(three, args.collatex_timeout, use_cache=args.quick)
    results["collatex_3x2000_s"] = round(theirs["seconds"], 2) if theirs.get("seconds") else None
    results["collatex_peak_mb"] = round(theirs["peak_mb"]) if theirs.get("peak_mb") else None
    results["collatex_note"] = theirs.get("note")
    if theirs.get("seconds"):
        results["speedup_vs_collatex"] = round(theirs["seconds"] / ours["total_s"], 1)
    else:
        results["speedup_vs_collatex"] = None
        if theirs.get("lower_bound_s"):
            results["speedup_vs_collatex_at_least"] = round(theirs["lower_bound_s"] / ours["total_s"], 1)

    say("")
    say("Results")
    say(f"  corpus                {documents} documents, {len(files)} files, {results['corpus_mb']} MB; "
        f"{results['paragraph_rows']} paragraphs; database {results['db_mb']} MB")
    say(f"  full build            {results['build_s']:.2f} s")
    say(f"  bare ingest           {results['ingest_s']:.2f} s (+ FTS {results['ingest_fts_s']:.2f} s; "
        f"parsing the corpus {results['parse_s']:.2f} s)")
    say(f"  build / ingest        {results['build_vs_ingest']}x  {verdict('build_vs_ingest', results['build_vs_ingest'])}")
    say(f"  ingest of all tables  {results['ingest_all_tables_s']:.2f} s for {results['all_table_rows']} rows = "
        f"{results['ingest_all_tables_vs_ingest']}x the bare ingest, before anything is computed")
    ratio = results["build_vs_all_rows"]
    say(f"  build / all rows      {ratio}x  {verdict('build_vs_all_rows', ratio)}")
    say(f"  processor time        build {results['build_cpu_s']:.2f} s, all rows {results['ingest_all_tables_cpu_s']:.2f} s "
        f"= {results['build_cpu_vs_all_rows_cpu']}x (the build's over {results['cpus']} CPUs)")
    say(f"  no-op rebuild         {results['noop_s']:.2f} s")
    say(f"  one file changed      {results['incremental_s']:.2f} s = {results['incremental_vs_full']:.2%} of full  "
        f"{verdict('incremental_vs_full', results['incremental_vs_full'])}")
    say(f"  peak memory           {results['peak_rss_mb']} MB (PSS of all build processes together)  "
        f"{verdict('peak_rss_mb', results['peak_rss_mb'])}")
    say(f"                        RSS summed over processes {results['peak_rss_sum_mb']} MB; main process "
        f"{results['peak_rss_main_process_mb']} MB; largest worker {results['peak_rss_largest_worker_mb']} MB")
    for key, label in (("profile", "full build"), ("profile_incremental", "rebuild after one changed file")):
        if f"{key}_phases_s" in results:
            say(f"  where the time goes, {label} ({results['profile_documents']} documents, one process, "
                f"{results[f'{key}_s']:.2f} s):")
            for phase, seconds in results[f"{key}_phases_s"].items():
                say(f"    {phase:38} {seconds:7.2f} s  {seconds / results[f'{key}_s']:6.1%}")
    say(f"  align 5 x 5,000 words {results['align_5x5000_s']:.3f} s (with word diffs "
        f"{results['align_5x5000_with_diffs_s']:.3f} s)")
    say(f"  3 x 2,000 words       versions {results['versions_3x2000_s']:.3f} s; CollateX "
        f"{results['collatex_3x2000_s'] if results['collatex_3x2000_s'] is not None else 'n/a'} s "
        f"({results['collatex_note']}; peak {results['collatex_peak_mb']} MB)")
    say(f"  speedup vs CollateX   {results['speedup_vs_collatex']}x  "
        f"{verdict('speedup_vs_collatex', results['speedup_vs_collatex'])}")
    results["load_average_at_end"] = round(os.getloadavg()[0], 2)
    say(f"  load average          {results['load_average_at_start']} at start, {results['load_average_at_end']} at end "
        f"(other work on the machine slows every number above)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, ensure_ascii=False), flush=True)
    return results


if __name__ == "__main__":
    main()
