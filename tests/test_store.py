import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
import sqlite_utils

from conftest import VERSION_EN, write_files
from versions.corpus import load_corpus
from versions.errors import CorpusError
from versions.durable import WriteError
from versions.store import APPLICATION_ID, build, check, version_text


def dump(db_path: Path) -> list[str]:
    with closing(sqlite3.connect(db_path)) as conn:
        return list(conn.iterdump())


def content(db_path: Path) -> dict[str, list]:
    """Every row of every table and view, in a stable order, and what full-text search finds."""
    db = sqlite_utils.Database(db_path)
    names = [name for name in db.table_names() if not name.startswith("paragraphs_fts")] + db.view_names()
    found = db.execute("select rowid from paragraphs_fts where paragraphs_fts match 'Kaesong OR Кэсон'").fetchall()
    texts = sorted(db.execute("select text from paragraphs where rowid in ({})".format(",".join("?" * len(found))),
                              [r[0] for r in found]).fetchall())
    return {name: sorted(map(repr, db.execute(f"select * from [{name}]").fetchall())) for name in names} | {
        "search": texts
    }


@pytest.fixture
def built(telegram_corpus, tmp_path):
    db_path = tmp_path / "db" / "versions.db"
    report = build(telegram_corpus, db_path)
    return telegram_corpus, db_path, report


def test_build_writes_every_table_with_foreign_keys(built):
    _, db_path, report = built
    assert report.changed and report.rebuilt == ["telegram-23256"]
    db = sqlite_utils.Database(db_path)
    assert {"documents", "archival_refs", "versions", "derivations", "paragraphs", "paragraphs_fts"} <= set(
        db.table_names()
    )
    assert "paragraph_details" in db.view_names()
    assert db["versions"].foreign_keys
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert db["paragraphs"].detect_fts() == "paragraphs_fts"


def test_archival_references_are_rows_with_their_parts(built):
    _, db_path, _ = built
    db = sqlite_utils.Database(db_path)
    rows = {row["archive"]: row for row in db["archival_refs"].rows}
    assert set(rows) == {"APRF", "AVP RF", "RGASPI"}
    assert (rows["RGASPI"]["fond"], rows["RGASPI"]["opis"], rows["RGASPI"]["delo"], rows["RGASPI"]["listy"]) == (
        "558", "11", "341", "86-88",
    )
    assert rows["AVP RF"]["papka"] == "11" and rows["AVP RF"]["fond"] == "059a"
    copy = db["versions"].get("telegram-23256/avp-rf-copy")
    assert copy["archival_ref_id"] == "telegram-23256/avp-rf" and copy["transcribed"] == 0


def test_every_version_is_rebuilt_exactly_from_the_database(built):
    corpus, db_path, _ = built
    db = sqlite_utils.Database(db_path)
    for document in load_corpus(corpus).documents:
        for version in document.versions:
            assert version_text(db, version.key) == version.body


def test_seed_paragraphs_are_searchable(built):
    _, db_path, _ = built
    db = sqlite_utils.Database(db_path)
    hits = list(db["paragraphs"].search("Kaesong", columns=["id"]))
    tenth = db.execute("select id from paragraphs where version_id = 'telegram-23256/wilson-en' and n = 10").fetchone()[0]
    assert tenth in {hit["id"] for hit in hits}


def test_second_build_changes_nothing(built):
    corpus, db_path, _ = built
    before = db_path.read_bytes()
    report = build(corpus, db_path)
    assert not report.changed
    assert "nothing changed" in report.summary()
    assert db_path.read_bytes() == before


def test_changed_document_is_rebuilt_and_others_carried_over(built):
    corpus, db_path, _ = built
    write_files(corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN})
    report = build(corpus, db_path)
    assert report.rebuilt == ["doc-2"] and report.carried == ["telegram-23256"]
    fresh = build(corpus, db_path.with_name("fresh.db"))
    assert fresh.rebuilt == ["doc-2", "telegram-23256"]
    assert content(db_path) == content(db_path.with_name("fresh.db"))


def test_removed_document_is_dropped(built):
    corpus, db_path, _ = built
    write_files(corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN})
    build(corpus, db_path)
    for path in (corpus / "doc-2").iterdir():
        path.unlink()
    (corpus / "doc-2").rmdir()
    report = build(corpus, db_path)
    assert report.removed == ["doc-2"]
    assert sqlite_utils.Database(db_path)["documents"].count == 1


def test_bad_corpus_leaves_the_previous_database_byte_identical(built):
    corpus, db_path, _ = built
    before = db_path.read_bytes()
    write_files(corpus, {"telegram-23256/wilson-en.md": b"---\nkind: translation\n---\n\xff\n"})
    with pytest.raises(CorpusError):
        build(corpus, db_path)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["versions.db", "versions.db-cache"]


def test_a_flaw_while_collating_is_one_problem_naming_the_document(small_corpus, tmp_path, monkeypatch):
    import versions.store.workers
    import versions.store.write

    def explode(*args):
        raise RuntimeError("a flaw of ours")

    monkeypatch.setattr(versions.store.workers, "document_rows", explode)
    db_path = tmp_path / "db" / "versions.db"
    with pytest.raises(CorpusError) as caught:
        build(small_corpus, db_path)
    [found] = caught.value.problems
    assert found.path.endswith("doc-1") and "RuntimeError: a flaw of ours" in found.message
    assert list(db_path.parent.iterdir()) == []
    assert check(small_corpus) == caught.value.problems


def test_many_documents_are_collated_in_worker_processes_with_the_same_result(small_corpus, tmp_path, monkeypatch):
    import versions.store.workers
    import versions.store.write

    template = (small_corpus / "doc-1").iterdir()
    files = {path.name: path.read_text() for path in template}
    for n in range(2, versions.store.POOL_MIN_DOCUMENTS + 2):
        write_files(small_corpus, {f"doc-{n}/{name}": text for name, text in files.items()})
    pooled = tmp_path / "pooled.db"
    build(small_corpus, pooled)
    monkeypatch.setattr(versions.store.workers, "MAX_WORKERS", 1)
    serial = tmp_path / "serial.db"
    build(small_corpus, serial)
    assert dump(pooled) == dump(serial)
    with closing(sqlite_utils.Database(pooled)) as db:
        assert db["documents"].count == versions.store.POOL_MIN_DOCUMENTS + 1
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([small_corpus.name, "pooled.db", "serial.db"])


def test_a_build_clears_what_a_killed_build_left(built):
    corpus, db_path, _ = built
    leftover = db_path.parent / ".versions.db.abcd1234.tmp"
    leftover.write_bytes(b"half a database")
    write_files(corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN})
    build(corpus, db_path)
    assert not leftover.exists()


def test_only_changed_documents_are_parsed(built, monkeypatch):
    import versions.store.workers
    import versions.store.write

    corpus, db_path, _ = built
    write_files(corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN})
    parsed = []
    real = versions.store.workers.load_document
    monkeypatch.setattr(versions.store.workers, "load_document", lambda root, doc_id, *a: parsed.append(doc_id) or real(root, doc_id, *a))
    build(corpus, db_path)
    assert parsed == ["doc-2"]


def test_a_build_reads_only_the_files_whose_signature_changed(telegram_corpus, tmp_path, monkeypatch):
    import versions.corpus.hashes as hashes

    monkeypatch.setattr(hashes, "RACY_NS", 0)  # files written by the test count as settled at once
    db_path = tmp_path / "versions.db"
    build(telegram_corpus, db_path)
    write_files(telegram_corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN})
    read = []
    real = hashes._read
    monkeypatch.setattr(hashes, "_read", lambda path: read.append(Path(path).name) or real(path))
    report = build(telegram_corpus, db_path)
    assert report.rebuilt == ["doc-2"] and sorted(read) == ["document.yaml", "en.md"]
    read.clear()
    assert not build(telegram_corpus, db_path).changed and read == []
    recorded = sqlite_utils.Database(db_path)["document_files"]
    assert recorded.count == 2 and all(row["files_signature"] for row in recorded.rows)


def test_problems_found_in_worker_processes_are_all_reported(small_corpus, tmp_path):
    import versions.store.workers
    import versions.store.write

    files = {path.name: path.read_text() for path in (small_corpus / "doc-1").iterdir()}
    for n in range(2, versions.store.POOL_MIN_DOCUMENTS + 2):
        write_files(small_corpus, {f"doc-{n}/{name}": text for name, text in files.items()})
    write_files(small_corpus, {"doc-3/en.md": "no front matter\n", "doc-9/en.md": b"\x00"})
    db_path = tmp_path / "versions.db"
    with pytest.raises(CorpusError) as caught:
        build(small_corpus, db_path)
    assert [(Path(p.path).parent.name, p.line) for p in caught.value.problems] == [("doc-3", 1), ("doc-9", 1)]
    assert list(tmp_path.iterdir()) == [small_corpus]  # no database, no shard left behind


def test_check_runs_the_builds_own_pass_and_writes_nothing(small_corpus, tmp_path, monkeypatch):
    """Whatever stops a build while collating stops check with the same line: they are one pass."""
    import versions.align

    def refuse(*args, **kwargs):
        raise ValueError("no alignment satisfies the pinned and forbidden pairs")

    assert check(small_corpus) == []
    monkeypatch.setattr(versions.align, "align_versions", refuse)
    problems = check(small_corpus)
    with pytest.raises(CorpusError) as caught:
        build(small_corpus, tmp_path / "db" / "versions.db")
    assert problems == caught.value.problems and len(problems) == 1
    assert not (tmp_path / "db" / "versions.db").exists()


def test_check_finds_problems_in_worker_processes_too(small_corpus):
    import versions.store.workers
    import versions.store.write

    files = {path.name: path.read_text() for path in (small_corpus / "doc-1").iterdir()}
    for n in range(2, versions.store.POOL_MIN_DOCUMENTS + 2):
        write_files(small_corpus, {f"doc-{n}/{name}": text for name, text in files.items()})
    write_files(small_corpus, {"doc-4/en.md": "no front matter\n", "doc-12/en.md": b"\x00"})
    assert [(Path(p.path).parent.name, p.line) for p in check(small_corpus)] == [("doc-12", 1), ("doc-4", 1)]


def test_a_new_database_bears_the_tools_mark_and_keeps_it(built):
    corpus, db_path, _ = built
    write_files(corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN})
    build(corpus, db_path)  # incremental: a copy of the previous database
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("pragma application_id").fetchone() == (APPLICATION_ID,)


@pytest.mark.parametrize("kind", ["corpus file", "other sqlite", "text"])
def test_build_refuses_to_overwrite_a_file_it_did_not_create(small_corpus, tmp_path, kind):
    target = {
        "corpus file": small_corpus / "doc-1" / "en.md",
        "other sqlite": tmp_path / "other.db",
        "text": tmp_path / "notes.db",
    }[kind]
    if kind == "other sqlite":
        sqlite_utils.Database(target)["t"].insert({"x": 1})
    elif kind == "text":
        target.write_text("my notes\n")
    before = target.read_bytes()
    with pytest.raises(WriteError, match="is not a database built by versions"):
        build(small_corpus, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith(".")) == []


def test_build_writes_over_an_empty_file(small_corpus, tmp_path):
    target = tmp_path / "empty.db"
    target.touch()
    assert build(small_corpus, target).rebuilt == ["doc-1"]


@pytest.mark.parametrize("where", ["staging", "live database"])
def test_a_full_disk_is_one_line_and_keeps_the_previous_database(built, monkeypatch, where):
    import versions.store.workers
    import versions.store.write

    corpus, db_path, _ = built
    before = db_path.read_bytes()
    write_files(corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN})
    if where == "staging":
        def full(pending):
            raise OSError(28, "No space left on device")
        monkeypatch.setattr(versions.store.workers._Pending, "flush", full)
    else:
        real = versions.store.write.merge_tables

        def full(db, source):
            real(db, source)  # the rows are in, uncommitted, when the disk fills up
            raise sqlite3.OperationalError("database or disk is full")
        monkeypatch.setattr(versions.store.write, "merge_tables", full)
    with pytest.raises(WriteError) as caught:
        build(corpus, db_path)
    assert str(caught.value).startswith(f"{db_path}: cannot write: ") and "\n" not in str(caught.value)
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["versions.db", "versions.db-cache"]


def test_building_with_another_encoding_reads_the_corpus_again(small_corpus, tmp_path):
    db_path = tmp_path / "versions.db"
    build(small_corpus, db_path)
    assert not build(small_corpus, db_path, encoding="utf-8").changed
    again = build(small_corpus, db_path, encoding="cp1251")
    assert again.rebuilt == ["doc-1"]
    assert not build(small_corpus, db_path, encoding="windows-1251").changed


def wal_size(db_path: Path) -> int:
    wal = db_path.with_name(db_path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def test_a_rebuild_writes_the_live_database_in_place_and_folds_its_log_in(built):
    corpus, db_path, _ = built
    inode = db_path.stat().st_ino
    reader = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    write_files(corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN})
    build(corpus, db_path)
    assert db_path.stat().st_ino == inode, "the database file was replaced, not written"
    assert reader.execute("select count(*) from documents").fetchone() == (2,)  # a reader opened before sees it
    reader.close()
    assert wal_size(db_path) == 0
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)


def test_a_checkpoint_held_up_by_a_reader_is_retried(built, monkeypatch):
    import threading

    import versions.store.workers
    import versions.store.write

    corpus, db_path, _ = built
    monkeypatch.setattr(versions.store.write, "CHECKPOINT_RETRY_SECONDS", 0.01)
    tries = []
    real = versions.store.write._checkpoint

    class Counting:
        """The build's connection, counting its checkpoint attempts."""

        def __init__(self, db):
            self.db = db

        def execute(self, sql, *args):
            tries.append(sql)
            return self.db.execute(sql, *args)

    def counted(db, path):
        db.conn.execute("pragma busy_timeout = 0")  # see the reader at once, instead of SQLite waiting for it
        real(Counting(db), path)

    monkeypatch.setattr(versions.store.write, "_checkpoint", counted)
    reader = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
    reader.execute("begin")
    reader.execute("select count(*) from documents").fetchone()  # holds the old snapshot: the log cannot be folded
    threading.Timer(0.5, reader.rollback).start()
    write_files(corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN})
    assert build(corpus, db_path).rebuilt == ["doc-2"]
    reader.close()
    assert len(tries) > 1 and wal_size(db_path) == 0


def test_a_database_of_another_format_is_rebuilt_whole_in_place(built, monkeypatch):
    import versions.store.workers
    import versions.store.write

    corpus, db_path, _ = built
    with closing(sqlite_utils.Database(db_path)) as db:
        before = content(db_path)
        db["paragraphs"].add_column("obsolete", str)
        db.execute("pragma user_version = 1")
    report = build(corpus, db_path)
    assert report.rebuilt == ["telegram-23256"]
    assert content(db_path) == before
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("pragma user_version").fetchone() == (versions.store.SCHEMA_VERSION,)


def test_a_rebuild_leaves_the_schema_as_it_was(built):
    corpus, db_path, _ = built
    with closing(sqlite3.connect(db_path)) as conn:
        before = conn.execute("pragma schema_version").fetchone()
    write_files(corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN})
    build(corpus, db_path)
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("pragma schema_version").fetchone() == before


def test_a_build_told_which_documents_changed_looks_at_no_other(built):
    corpus, db_path, _ = built
    write_files(corpus, {"doc-2/document.yaml": "title: Two\ndate: 1950\noriginal_language: en\n", "doc-2/en.md": VERSION_EN,
                         "doc-3/document.yaml": "title: Three\ndate: 1950\noriginal_language: en\n", "doc-3/en.md": VERSION_EN})
    report = build(corpus, db_path, documents={"doc-2"})
    assert report.rebuilt == ["doc-2"] and report.carried == ["telegram-23256"]
    assert build(corpus, db_path).rebuilt == ["doc-3"]
    shutil.rmtree(corpus / "doc-2")
    report = build(corpus, db_path, documents={"doc-2"})
    assert report.removed == ["doc-2"] and report.carried == ["doc-3", "telegram-23256"]


def test_a_partial_copy_stores_its_coverage_and_its_untranscribed_rows(telegram_corpus, tmp_path):
    from conftest import transcribe_in_part

    db_path = tmp_path / "versions.db"
    build(transcribe_in_part(telegram_corpus), db_path)
    db = sqlite_utils.Database(db_path)
    copy = "telegram-23256/rgaspi-copy"
    assert db["versions"].get(copy)["covers"] == "2, 7-10"
    assert db.execute("select covers from versions where id != ?", [copy]).fetchall() == [(None,)] * 6
    lacunae = {row[0] for row in db.execute("select group_id from untranscribed where version_id = ?", [copy])}
    held = {row[0] for row in db.execute("select group_id from alignment_members where version_id = ?", [copy])}
    assert len(held) == 5 and lacunae | held == {row[0] for row in db.execute("select id from alignment_groups")}
    assert not db.execute(
        "select 1 from anchors where version_id = ? and group_id in (select group_id from untranscribed)", [copy]
    ).fetchall()
    assert db.execute("pragma foreign_key_check").fetchall() == []
