"""The build's cache: what earlier builds computed and a later one may reuse, in a SQLite file beside the database.

``versions.db`` has its cache in ``versions.db-cache``, a name that ``datasette db/*.db`` does not pick up; nothing
in it is published. Every entry is keyed by what it was computed from (the texts, their languages, the
normalization), and the whole cache is emptied when the tool's own files change (``tool_fingerprint``), so a build
with the cache gives the same database as one without, and deleting the file costs only time. Entries belong to a
document: when the document is built again, those its build did not use are dropped (its comparisons once they have
grown by ``SWEEP_GROWTH``), and a removed document's go with it, so the cache holds about one build's worth. Short documents (``rows.CACHE_MIN_PARAGRAPHS``) do without it:
collating them afresh costs less than reading and writing the file (one that became short keeps its last entries
until it is removed). Each process that collates opens the file itself; SQLite's
write-ahead log and busy timeout let them take turns.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np
import sqlite_utils

from ..align import AlignmentTable, Bead, Features, Previous
from ..align.embeddings import LOCAL_MODEL, Embedder, RemoteModel, model_version, using
from ..align.reuse import digest as text_digest
from ..align.reuse import digests
from ..anchors import Anchor
from ..collate import Comparer, Comparison, Pair, compare_pairs, guide_tree
from ..corpus import Document
from ..normalize import Normalization
from .schema import open_database

CACHE_SUFFIX = "-cache"
BUSY_SECONDS = 60  # how long a process waits for another one writing the cache
RETRY_SECONDS = 0.05  # between two tries to open a cache file another process is making
COMPARISON = "comparison"  # kind of entry: a group's comparison of one version with the base
ALIGNMENT = "alignment"  # kind of entry: a version's alignment with its guide-tree parent (align.Previous)
SWEPT = "swept"  # kind of entry: how many comparisons the document held when the unused ones were last dropped
SWEEP_GROWTH = 0.1  # comparisons that rebuilds left unused, as a share of the document's, before they are dropped
ROWS = "rows"  # kind of entry: digests of what a build's rows were made from, keyed by the document's content hash
DOCUMENT_TABLES = ("entries", "features", "paragraphs")  # what belongs to a document, emptied with the cache
QUERY_CHUNK = 500  # keys looked up per statement
FEATURE_PARTS = 16  # records per language of a document's features

TABLES = {
    "entries": {"columns": {"document_id": str, "kind": str, "key": str, "value": str}, "pk": ("document_id", "kind", "key")},
    "marks": {"columns": {"name": str, "value": str}, "pk": "name"},
    # what the aligner read of a document's paragraphs (align.Features), a few records per language (``part``, by
    # paragraph digest): a table apart from the entries, because a long document holds thousands, all asked for at
    # once (see _raw); an edit rewrites the records of the paragraphs it touched, not the others
    "features": {"columns": {"document_id": str, "language": str, "part": int, "value": bytes},
                 "pk": ("document_id", "language", "part")},
    # what the rows read of each paragraph of a document, by its digest: its words (diff.count_words) and the key
    # its text mints (identity.text_key); one record
    "paragraphs": {"columns": {"document_id": str, "value": bytes}, "pk": "document_id"},
    # sentence vectors by text hash (align.embeddings): shared by every document, kept while the model stays the same
    "vectors": {"columns": {"hash": str, "vector": bytes}, "pk": "hash"},
}


def cache_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + CACHE_SUFFIX)


@cache
def tool_fingerprint() -> str:
    """A hash of every file of the installed package: any change to the code or its data may change results."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class _CacheFile:
    """The cache file, opened on first use."""

    def __init__(self, path: Path):
        self.path = path
        self._db: sqlite_utils.Database | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = _open(self.path)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # Every view of the file keeps the sentence vectors (``align.embeddings.VectorStore``): a document's build reads
    # them through the connection it already has.
    def vectors(self, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(hashes), QUERY_CHUNK):
            chunk = list(hashes[start : start + QUERY_CHUNK])
            rows = self.db.execute(f"select hash, vector from vectors where hash in ({', '.join('?' * len(chunk))})", chunk)
            found.update((key, np.frombuffer(blob, dtype=np.float32)) for key, blob in rows.fetchall())
        return found

    def keep(self, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        rows = [{"hash": key, "vector": np.asarray(vector, dtype=np.float32).tobytes()} for key, vector in vectors.items()]
        with _writing(self.db):
            self.db["vectors"].upsert_all(rows, pk="hash")


class BuildCache(_CacheFile):
    """One document's view of the cache file, opened on first use; ``forget_unused`` drops what its build did not
    ask for."""

    def __init__(self, path: Path, document_id: str, compute: Comparer = compare_pairs):
        super().__init__(path)
        self.document_id = document_id
        self.compute = compute  # what compares the pairs it does not hold
        self.used: set[tuple[str, str]] = set()
        self.unread: tuple[Iterable[Pair], str] | None = None  # the comparisons kept unread (``keep_comparisons``)
        # (language, part) -> what the cache held of it, when asked (``_extent``)
        self.features_held: dict[tuple[str, int], tuple[set[str], int, int]] = {}
        self.alignments_held: dict[str, Previous] = {}  # by key, when asked (``previous_alignments``)
        self.paragraphs_held: dict[str, tuple[int, str]] = {}  # by digest, when asked (``paragraph_facts``)

    def get(self, kind: str, keys: Sequence[str]) -> dict[str, str]:
        self.used.update((kind, key) for key in keys)
        return dict(self._select("entries", "key, value", list(keys), kind))

    def put(self, kind: str, values: dict[str, str]) -> None:
        if not values:
            return
        self.used.update((kind, key) for key in values)
        rows = [{"document_id": self.document_id, "kind": kind, "key": key, "value": value} for key, value in values.items()]
        with _writing(self.db):
            self.db["entries"].upsert_all(rows, pk=TABLES["entries"]["pk"])

    def forget_unused(self) -> None:
        """Drop the entries the build did not use; its comparisons only when they are swept (``keep_comparisons``)."""
        if self._db is None:
            return
        sweep = self.unread is None or self._comparisons_grown()
        if sweep and self.unread is not None:
            pairs, spelled = self.unread
            self.used.update((COMPARISON, comparison_key(pair, spelled)) for pair in pairs)
        self.used.add((SWEPT, ""))
        query, values = "select kind, key from entries where document_id = ?", [self.document_id]
        if not sweep:
            query, values = query + " and kind != ?", [*values, COMPARISON]
        unused = [entry for entry in map(tuple, self.db.execute(query, values).fetchall()) if entry not in self.used]
        with _writing(self.db):
            for kind, key in unused:
                self.db["entries"].delete((self.document_id, kind, key))
        if sweep:
            self.put(SWEPT, {"": str(self._count(COMPARISON))})

    def _comparisons_grown(self) -> bool:
        """Whether the document's comparisons have grown by more than ``SWEEP_GROWTH`` since they were last swept."""
        swept = self.get(SWEPT, [""])
        return not swept or self._count(COMPARISON) > int(swept[""]) * (1 + SWEEP_GROWTH)

    def _count(self, kind: str) -> int:
        query = "select count(*) from entries where document_id = ? and kind = ?"
        return self.db.execute(query, [self.document_id, kind]).fetchone()[0]

    def known_features(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], Features]:
        """What earlier builds read of these (text, language) pairs (``collate.FeatureKeeper``): the records of
        their languages are read, the others' are left as they are."""
        languages = sorted({language for _, language in keys})
        stored = {(language, part): marshal.loads(value) for language, part, value in self.db.execute(
            f"select language, part, value from features where document_id = ? "
            f"and language in ({', '.join('?' * len(languages))})", [self.document_id, *languages]).fetchall()}
        self.features_held = {record: _extent(held) for record, held in stored.items()}
        anchors: dict[tuple[str, str], Anchor] = {}  # one object per anchor, as the aligner's own reading makes
        found = {}
        for text, language in keys:
            digest = text_digest(text)
            raw = stored.get((language, _part(digest)), {}).get(digest)
            if raw is not None:
                found[text, language] = _features(raw, anchors)
        return found

    def keep_features(self, features: Mapping[tuple[str, str], Features]) -> None:
        """Store what was read of the document's paragraphs, in the records that differ from what was found: new
        paragraphs, more of one read, paragraphs gone (of the languages asked for, ``known_features``)."""
        records: dict[tuple[str, int], dict[str, Features]] = {}
        for (text, language), read in features.items():
            digest = text_digest(text)
            records.setdefault((language, _part(digest)), {})[digest] = read
        changed = [
            {"document_id": self.document_id, "language": language, "part": part,
             "value": marshal.dumps({digest: _raw(read) for digest, read in held.items()})}
            for (language, part), held in records.items()
            if _extent(held) != self.features_held.get((language, part))
        ]
        gone = set(self.features_held) - set(records)
        self.features_held = {}
        if changed or gone:
            with _writing(self.db):
                self.db["features"].upsert_all(changed, pk=TABLES["features"]["pk"])
                for language, part in gone:
                    self.db["features"].delete((self.document_id, language, part))

    def _select(self, table: str, columns: str, keys: list[str], kind: str | None = None) -> Iterator[tuple]:
        """Rows of one of the document's tables (of one ``kind`` of entry) by key, a chunk of keys at a time."""
        where_kind, kind_values = ("and kind = ? ", [kind]) if kind is not None else ("", [])
        for start in range(0, len(keys), QUERY_CHUNK):
            chunk = keys[start : start + QUERY_CHUNK]
            yield from self.db.execute(
                f"select {columns} from {table} where document_id = ? {where_kind}"
                f"and key in ({', '.join('?' * len(chunk))})",
                [self.document_id, *kind_values, *chunk],
            ).fetchall()

    def comparer(self, pairs: Sequence[Pair], normalization: Normalization) -> list[Comparison]:
        """``collate.compare_pairs``, reusing the comparisons of earlier builds and keeping the new ones."""
        spelled = str(normalization)
        keys = [comparison_key(pair, spelled) for pair in pairs]
        found = self.get(COMPARISON, keys)
        missing = [n for n, key in enumerate(keys) if key not in found]
        computed = dict(zip(missing, self.compute([pairs[n] for n in missing], normalization)))
        if computed:
            self.put(COMPARISON, {keys[n]: json.dumps(c.to_json(), ensure_ascii=False) for n, c in computed.items()})
        checks: dict = {}  # shared by the comparisons read back (Comparison.from_json)
        return [
            computed[n] if n in computed else Comparison.from_json(pair.text_a, pair.text_b, json.loads(found[key]), checks)
            for n, (pair, key) in enumerate(zip(pairs, keys))
        ]

    def keep_comparisons(self, pairs: Iterable[Pair], normalization: Normalization) -> None:
        """Keep the comparisons of these pairs, which this build did not read (rows it left as they were). They are
        named (their keys made of their texts) only when the comparisons are swept, the unused ones dropped: once
        the document's have grown by ``SWEEP_GROWTH`` since the last sweep, so that an edit of a long document does
        not pay for naming them all; a build that reads them all sweeps at no cost."""
        self.unread = (pairs, str(normalization))

    def paragraph_facts(self, texts: Iterable[str]) -> dict[str, tuple[int, str]]:
        """What an earlier build kept of these paragraphs' texts (``keep_paragraph_facts``): (words, key)."""
        row = self.db.execute("select value from paragraphs where document_id = ?", [self.document_id]).fetchone()
        held = self.paragraphs_held = marshal.loads(row[0]) if row else {}
        return {text: held[digest] for text in texts if (digest := text_digest(text)) in held}

    def keep_paragraph_facts(self, facts: Mapping[str, tuple[int, str]]) -> None:
        """Keep what was read of the document's paragraphs now, if it is not what is held."""
        record = {text_digest(text): fact for text, fact in facts.items()}
        if record != self.paragraphs_held:
            with _writing(self.db):
                self.db["paragraphs"].upsert({"document_id": self.document_id, "value": marshal.dumps(record)},
                                             pk=TABLES["paragraphs"]["pk"])

    def row_digests(self, content_hash: str) -> dict[str, dict[str, str]]:
        """The digests of what the rows were made from (``rows.RowDigests``) when the document, as built, had
        ``content_hash``; nothing if that build is not in the cache. Read, not kept: this build keeps its own
        (``keep_row_digests``)."""
        found = dict(self._select("entries", "key, value", [content_hash], ROWS))
        return json.loads(found[content_hash]) if found else {}

    def keep_row_digests(self, content_hash: str, digests: dict[str, dict[str, str]]) -> None:
        self.put(ROWS, {content_hash: json.dumps(digests)})

    def previous_alignments(self, document: Document) -> dict[str, Previous]:
        """The last alignment of each version with its parent in the guide tree, where their languages and the
        corrections are the same."""
        keys = {version_id: alignment_key(document, parent, version_id)
                for version_id, parent in guide_tree(document).items()}
        found = self.get(ALIGNMENT, list(keys.values()))
        self.alignments_held = {key: _previous(json.loads(found[key])) for key in keys.values() if key in found}
        return {version_id: self.alignments_held[key] for version_id, key in keys.items() if key in found}

    def keep_alignments(self, document: Document, table: AlignmentTable) -> None:
        """Keep each version's alignment with its parent; one that the cache holds as it is is not written again."""
        changed = {}
        for version_id, parent in table.parents.items():
            key = alignment_key(document, parent, version_id)
            a = [p.text for p in document.version(parent).paragraphs]
            b = [p.text for p in document.version(version_id).paragraphs]
            beads = tuple(table.pair_beads[version_id])
            held = self.alignments_held.get(key)
            if held is not None and held.beads == beads and held.holds(a, b):
                self.used.add((ALIGNMENT, key))
                continue
            changed[key] = json.dumps({
                "a": digests(a), "b": digests(b),
                "beads": [(bead.a, bead.b, bead.score, bead.method, bead.moved) for bead in beads],
            }, ensure_ascii=False)
        self.put(ALIGNMENT, changed)


class VectorCache(_CacheFile):
    """The cache file's sentence vectors (``align.embeddings.VectorStore``) on their own, for uses outside a build
    (evaluations, tests): not a document's, so kept across documents and changes of the tool; emptied when the
    model's version changes (``_prepare``)."""


@contextmanager
def opened_embedder(store: _CacheFile | None, server: str | None = None) -> Iterator[Embedder]:
    """The embedder the alignment uses while this is open (``embeddings.using``): vectors kept in the cache file
    ``store`` (none without one; whoever opened it closes it), missing ones asked of the build's process
    (``server``) or of this one's model."""
    model = RemoteModel(server) if server else LOCAL_MODEL
    try:
        with using(Embedder(store, model)) as embedder:
            yield embedder
    finally:
        if isinstance(model, RemoteModel):
            model.close()


def _previous(data: dict) -> Previous:
    beads = tuple(Bead(tuple(a), tuple(b), score, method, moved) for a, b, score, method, moved in data["beads"])
    return Previous(tuple(data["a"]), tuple(data["b"]), beads)


def alignment_key(document: Document, parent_id: str, version_id: str) -> str:
    """What an alignment of a version with its parent depends on besides their texts (whose digests ``Previous``
    holds)."""
    parent, version = document.version(parent_id), document.version(version_id)
    corrections = [repr(correction) for correction in document.corrections]
    spelled = json.dumps([parent.id, parent.language, version.id, version.language, corrections,
                          [str(v.covers) for v in (parent, version) if v.covers]])  # the prior of a partial pair
    return hashlib.sha256(spelled.encode()).hexdigest()


def comparison_key(pair: Pair, normalization: str) -> str:
    """``normalization``: spelled out, ``str(Normalization)``."""
    # a text holds no NUL (text.py refuses it), a language code no newline
    spelled = f"{pair.lang_a}\n{pair.lang_b}\n{normalization}\n{pair.text_a}\0{pair.text_b}"
    return hashlib.blake2b(spelled.encode(), digest_size=20).hexdigest()


def _part(digest: str) -> int:
    return int(digest[:2], 16) % FEATURE_PARTS


def _extent(held: Mapping[str, tuple | Features]) -> tuple[set[str], int, int]:
    """How much of its paragraphs a record holds (stored, ``_raw``, or as read): which ones (by digest), and how many
    of them with their stems, with their cognates, read (a paragraph's never go from read to unread)."""
    read = [(one.stems, one.cognates) if isinstance(one, Features) else one[4:] for one in held.values()]
    return set(held), sum(stems is not None for stems, _ in read), sum(cognates is not None for _, cognates in read)


def _raw(features: Features) -> tuple:
    """Features as plain tuples, strings and sets, which ``marshal`` writes and reads back many times faster than
    JSON, the words interned again as they were (they are interned when read: one string per word)."""
    anchors = tuple((anchor.kind, anchor.value) for anchor in features.anchors)
    return (features.chars, features.tokens, anchors, features.stands_alone, features.stems, features.cognates)


def _features(raw: tuple, anchors: dict[tuple[str, str], Anchor]) -> Features:
    chars, tokens, anchor_pairs, stands_alone, stems, cognates = raw
    read = frozenset(anchors.get(pair) or anchors.setdefault(pair, Anchor(*pair)) for pair in anchor_pairs)
    return Features(chars, tokens, read, stands_alone, stems, cognates)


@contextmanager
def opened_cache(
    path: Path | None, document_id: str, compute: Comparer = compare_pairs
) -> Iterator[BuildCache | None]:
    """The cache for one document's build (None without a cache file); what the build did not use is dropped once
    it has gone through."""
    if path is None:
        yield None
        return
    cache = BuildCache(path, document_id, compute)
    try:
        yield cache
        cache.forget_unused()
    finally:
        cache.close()


def forget_documents(path: Path, document_ids: Iterable[str]) -> None:
    """Drop the entries and features of documents that are gone."""
    document_ids = list(document_ids)
    if not document_ids or not path.exists():
        return
    db = _open(path)
    try:
        with _writing(db):
            for start in range(0, len(document_ids), QUERY_CHUNK):
                chunk = document_ids[start : start + QUERY_CHUNK]
                for name in DOCUMENT_TABLES:
                    db[name].delete_where(f"document_id in ({', '.join('?' * len(chunk))})", chunk)
    finally:
        db.close()


@contextmanager
def _writing(db: sqlite_utils.Database) -> Iterator[None]:
    """A transaction that takes the write lock at once, waiting while another process holds it (one that read first
    and wrote later could find the file changed under it and fail at once instead)."""
    db.execute("begin immediate")
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.commit()


def _open(path: Path) -> sqlite_utils.Database:
    """The cache file, made if missing, emptied if another state of the tool wrote it. Worker processes may open a
    new file at the same moment: turning it to write-ahead logging then fails at once in all but one of them (the
    busy timeout does not cover that), so each tries again until it is done."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        db = open_database(path)
        try:
            _prepare(db)
            return db
        except sqlite3.OperationalError as error:
            db.close()
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(RETRY_SECONDS)


def _prepare(db: sqlite_utils.Database) -> None:
    db.execute(f"pragma busy_timeout = {BUSY_SECONDS * 1000}")
    db.enable_wal()
    db.execute("pragma synchronous = normal")  # a lost last commit costs only time
    with _writing(db):
        marks = db["marks"]
        marks.create(TABLES["marks"]["columns"], pk=TABLES["marks"]["pk"], if_not_exists=True)
        if _mark(db, "tool") != tool_fingerprint():
            for name in DOCUMENT_TABLES:  # another state of the tool may read or keep them otherwise
                db[name].drop(ignore=True)
            marks.upsert({"name": "tool", "value": tool_fingerprint()}, pk="name")
        for name, spec in TABLES.items():
            db[name].create(spec["columns"], pk=spec["pk"], if_not_exists=True)
        if _mark(db, "model") != model_version():
            db["vectors"].delete_where()
            marks.upsert({"name": "model", "value": model_version()}, pk="name")


def _mark(db: sqlite_utils.Database, name: str) -> str | None:
    return next(iter(db["marks"].rows_where("name = ?", [name])), {}).get("value")
