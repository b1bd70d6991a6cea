"""store.cache: results of earlier builds reused, never changing what a build writes."""

import importlib
import shutil

import pytest
import sqlite_utils
from test_store_changes import EDITS, edit_one_word, generate, published

from versions.store import build, cache


def entries(db_path, table: str = "entries") -> dict[str, int]:
    db = sqlite_utils.Database(cache.cache_path(db_path))
    return dict(db.execute(f"select document_id, count(*) from {table} group by document_id").fetchall())


def counting_comparisons(monkeypatch) -> list[int]:
    """How many pairs each comparison made in this process (a build of few documents) compares."""
    import versions.store.workers

    calls = []
    compare_pairs = versions.store.workers.compare_pairs

    def counted(pairs, normalization):
        calls.append(len(pairs))
        return compare_pairs(pairs, normalization)

    monkeypatch.setattr(versions.store.workers, "compare_pairs", counted)
    return calls


def test_a_rebuild_compares_only_the_groups_an_edit_touched(generated, monkeypatch):
    corpus, db_path = generated
    edit_one_word(corpus / generate.document_id(0) / "original.md")
    calls = counting_comparisons(monkeypatch)
    build(corpus, db_path)
    assert 1 <= sum(calls) <= 3  # the edited group against each other version


def test_a_rebuild_reads_back_only_the_comparisons_of_the_groups_an_edit_touched(generated, monkeypatch):
    corpus, db_path = generated
    edit_one_word(corpus / generate.document_id(0) / "original.md")
    asked = []
    comparer = cache.BuildCache.comparer
    monkeypatch.setattr(cache.BuildCache, "comparer", lambda self, pairs, *rest: asked.extend(pairs) or comparer(
        self, pairs, *rest))
    build(corpus, db_path)
    assert 1 <= len(asked) <= 6  # the edited group (the base against each version, copies with each other)
    assert entries(db_path)[generate.document_id(0)] > 3 * 40  # the others' comparisons are kept all the same


@pytest.mark.parametrize("edit", EDITS)
def test_a_build_with_the_cache_equals_one_without(generated, edit):
    corpus, db_path = generated
    EDITS[edit](corpus / generate.document_id(0))
    shutil.copy(db_path, db_path.with_name("uncached.db"))
    build(corpus, db_path)
    build(corpus, db_path.with_name("uncached.db"))  # its cache file is new: nothing to reuse
    assert published(db_path) == published(db_path.with_name("uncached.db"))


def test_the_cache_holds_what_the_last_build_used(generated):
    corpus, db_path = generated
    first = entries(db_path)
    assert set(first) == {generate.document_id(0), generate.document_id(1)}
    grown = []
    for _ in range(8):  # each edit leaves the edited group's old comparisons unused
        edit_one_word(corpus / generate.document_id(0) / "original.md")
        build(corpus, db_path)
        grown.append(entries(db_path)[generate.document_id(0)] - first[generate.document_id(0)])
    assert max(grown) <= first[generate.document_id(0)] * cache.SWEEP_GROWTH + 3
    assert 0 in grown[1:]  # swept: the unused ones dropped
    shutil.rmtree(corpus / generate.document_id(1))
    build(corpus, db_path)
    assert set(entries(db_path)) == set(entries(db_path, "features")) == {generate.document_id(0)}


def test_another_state_of_the_tool_empties_the_cache(generated, monkeypatch):
    corpus, db_path = generated
    monkeypatch.setattr(cache, "tool_fingerprint", lambda: "another state of the code")
    edit_one_word(corpus / generate.document_id(0) / "original.md")
    calls = counting_comparisons(monkeypatch)
    build(corpus, db_path)
    assert set(entries(db_path)) == {generate.document_id(0)}  # the other document's entries went with the rest
    assert set(entries(db_path, "features")) == {generate.document_id(0)}  # and what was read of its paragraphs
    assert sum(calls) > 40


def test_a_deleted_cache_costs_only_time(generated):
    corpus, db_path = generated
    cache.cache_path(db_path).unlink()
    edit_one_word(corpus / generate.document_id(1) / "original.md")
    build(corpus, db_path)
    fresh = db_path.with_name("fresh.db")
    build(corpus, fresh)
    assert published(db_path) == published(fresh)


def test_the_fingerprint_changes_with_any_file_of_the_package(tmp_path, monkeypatch):
    before = cache.tool_fingerprint()
    cache.tool_fingerprint.cache_clear()
    monkeypatch.setattr(cache, "__file__", str(tmp_path / "store" / "cache.py"))
    (tmp_path / "store").mkdir()
    (tmp_path / "diff.py").write_text("x = 1\n")
    one = cache.tool_fingerprint()
    cache.tool_fingerprint.cache_clear()
    (tmp_path / "diff.py").write_text("x = 2\n")
    assert cache.tool_fingerprint() not in (one, before)
    cache.tool_fingerprint.cache_clear()


def spying_alignments(monkeypatch) -> list[dict]:
    import versions.collate

    given = []
    align_versions = versions.collate.align.align_versions

    def spy(base, texts, languages, corrections=(), previous=None, *rest, **options):
        given.append(dict(previous or {}))
        return align_versions(base, texts, languages, corrections, previous, *rest, **options)

    monkeypatch.setattr(versions.collate.align, "align_versions", spy)
    return given


def test_a_rebuild_starts_from_the_last_alignment_of_each_version(generated, monkeypatch):
    corpus, db_path = generated
    document = corpus / generate.document_id(0)
    edit_one_word(document / "original.md")
    given = spying_alignments(monkeypatch)
    build(corpus, db_path)
    [previous] = given
    assert set(previous) == {"en-translation", "aprf-copy", "en-revised"}
    assert all(p.a and p.beads for p in previous.values())
    assert len(previous["aprf-copy"].a) == 40  # aligned with the original
    assert previous["en-revised"].a == previous["en-translation"].b  # with the translation it revises (guide tree)
    assert previous["aprf-copy"].a[-1] + " (edited)" not in previous["aprf-copy"].a  # the texts as last aligned


def test_new_corrections_align_again_from_scratch(generated, monkeypatch):
    corpus, db_path = generated
    (corpus / generate.document_id(0) / "alignment.yaml").write_text("pin:\n  - [original/2, en-translation/2]\n")
    given = spying_alignments(monkeypatch)
    build(corpus, db_path)
    assert given == [{}]
    fresh = db_path.with_name("fresh.db")
    build(corpus, fresh)
    assert published(db_path) == published(fresh)


def test_worker_processes_share_the_cache(tmp_path):
    import versions.store

    corpus = generate.generate(tmp_path / "translations", documents=versions.store.POOL_MIN_DOCUMENTS, paragraphs=30)
    db_path = tmp_path / "db" / "versions.db"
    build(corpus, db_path)
    assert len(entries(db_path)) == versions.store.POOL_MIN_DOCUMENTS
    for index in range(versions.store.POOL_MIN_DOCUMENTS):
        edit_one_word(corpus / generate.document_id(index) / "original.md")
    build(corpus, db_path)
    fresh = db_path.with_name("fresh.db")
    build(corpus, fresh)
    assert published(db_path) == published(fresh)


def test_many_comparisons_are_spread_over_worker_processes_with_the_same_result(tmp_path, monkeypatch):
    import versions.store.workers

    corpus = generate.generate(tmp_path / "translations", documents=1, paragraphs=60)
    monkeypatch.setattr(versions.store.workers, "SPREAD_MIN_PAIRS", 20)
    spread = tmp_path / "spread" / "versions.db"
    build(corpus, spread)
    here = counting_comparisons(monkeypatch)
    monkeypatch.setattr(versions.store.workers, "SPREAD_MIN_PAIRS", 10**9)
    alone = tmp_path / "alone" / "versions.db"
    build(corpus, alone)
    assert sum(here) > 100  # the second build compared here what the first spread
    assert published(spread) == published(alone)


def test_short_documents_are_collated_afresh_without_the_cache(tmp_path):
    corpus = generate.generate(tmp_path / "translations", documents=1, paragraphs=20)
    db_path = tmp_path / "versions.db"
    build(corpus, db_path)
    assert not cache.cache_path(db_path).exists()


def test_a_rebuild_reads_only_the_features_of_paragraphs_it_has_not_read_before(generated, monkeypatch):
    from versions.align import features

    corpus, db_path = generated
    edit_one_word(corpus / generate.document_id(0) / "original.md")
    read = []
    original_read = features._read
    monkeypatch.setattr(features, "_read", lambda text, language: read.append(text) or original_read(text, language))
    build(corpus, db_path)
    assert len(read) == 1 and read[0].endswith("(edited)")


@pytest.mark.parametrize("memo", ["diff._WORD_COUNTS", "identity._TEXT_KEYS"])
def test_a_rebuild_counts_words_and_mints_keys_of_paragraphs_it_has_not_read_before_only(generated, monkeypatch, memo):
    corpus, db_path = generated
    edit_one_word(corpus / generate.document_id(0) / "original.md")
    made = []

    class Made(dict):  # what was counted or minted (what the cache gave is taken with update)
        def __setitem__(self, text, value):
            made.append(text)
            super().__setitem__(text, value)

    module, name = memo.split(".")
    monkeypatch.setattr(importlib.import_module(f"versions.{module}"), name, Made())
    build(corpus, db_path)
    assert len(made) == 1 and made[0].endswith("(edited)")
    fresh = db_path.with_name("fresh.db")
    build(corpus, fresh)
    assert published(db_path) == published(fresh)


def test_an_edit_rewrites_only_the_records_of_the_features_it_touched(generated):
    corpus, db_path = generated
    written = entries(db_path, "features")[generate.document_id(0)]
    edit_one_word(corpus / generate.document_id(0) / "original.md")
    db = sqlite_utils.Database(cache.cache_path(db_path))
    db.execute("create table written (language text)")
    for event in ("insert", "update"):
        db.execute(f"create trigger {event}ed after {event} on features begin "
                   "insert into written values (new.language); end")
    db.conn.commit()
    build(corpus, db_path)
    assert written > cache.FEATURE_PARTS  # each language in several records
    assert 1 <= db["written"].count <= 2  # the edited paragraph's record (and the one its old text leaves)


def test_an_edit_reads_the_features_of_the_languages_of_the_pairs_it_touched_only(generated, monkeypatch):
    corpus, db_path = generated
    kept = entries(db_path, "features")
    edit_one_word(corpus / generate.document_id(0) / "aprf-copy.md")  # aligned with the original, both in Russian
    asked = []
    known_features = cache.BuildCache.known_features
    monkeypatch.setattr(cache.BuildCache, "known_features", lambda self, keys: asked.extend(keys) or known_features(
        self, keys))
    build(corpus, db_path)
    assert {language for _, language in asked} == {"ru"}
    assert entries(db_path, "features") == kept  # the English records are left as they were
    fresh = db_path.with_name("fresh.db")
    build(corpus, fresh)
    assert published(db_path) == published(fresh)


def test_a_version_declared_partial_since_is_aligned_again(generated, monkeypatch):
    corpus, db_path = generated
    copy = corpus / generate.document_id(0) / "aprf-copy.md"
    copy.write_text(copy.read_text(encoding="utf-8").replace("\nlanguage: ru\n", "\nlanguage: ru\ncovers: 1-20\n", 1),
                    encoding="utf-8")
    given = spying_alignments(monkeypatch)
    build(corpus, db_path)
    assert "aprf-copy" not in given[0] and "en-translation" in given[0]


def test_features_come_back_from_the_cache_as_they_were_read(generated):
    from versions.align import features
    from versions.corpus import load_document

    corpus, db_path = generated
    document = load_document(corpus, generate.document_id(0))
    keys = [(p.text, v.language) for v in document.versions for p in v.paragraphs]
    with cache.opened_cache(cache.cache_path(db_path), document.id) as held:
        found = held.known_features(keys)
    assert set(found) == set(keys)
    for text, language in keys:
        fresh = features._read(text, language)
        fresh.stem_set(), fresh.cognate_set()
        kept = found[text, language]
        assert (kept.chars, kept.tokens, kept.anchors, kept.stands_alone) == (
            fresh.chars, fresh.tokens, fresh.anchors, fresh.stands_alone)
        assert kept.stems in (None, fresh.stems) and kept.cognates in (None, fresh.cognates)
