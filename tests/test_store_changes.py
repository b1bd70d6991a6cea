"""store.changes: a rebuild writes only the rows that differ from the live database, with the same result as a
build from scratch."""

from pathlib import Path

import pytest
import sqlite_utils
from conftest import benchmarks_generate, git
from test_store import content

from versions.store import build

generate = benchmarks_generate()


def published(db_path: Path) -> dict[str, list]:
    """The database's content but the build's own record of file signatures, which depends on when a build ran (a
    file written in the last two seconds gets none), and of rows that split, which only builds in place keep."""
    return {name: rows for name, rows in content(db_path).items() if name not in ("document_files", "former_rows")}


def edit_one_word(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, last = text.rstrip("\n").rpartition("\n\n")
    path.write_text(f"{head}\n\n{last} (edited)\n", encoding="utf-8")


def insert_paragraph(path: Path, after: int) -> None:
    front, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    paragraphs = body.split("\n\n")
    paragraphs.insert(after, "A paragraph added by hand, 17 words long or so, to shift every later one.")
    path.write_text(front + "\n---\n" + "\n\n".join(paragraphs), encoding="utf-8")


def drop_paragraph(path: Path, index: int) -> None:
    front, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    paragraphs = body.split("\n\n")
    del paragraphs[index]
    path.write_text(front + "\n---\n" + "\n\n".join(paragraphs), encoding="utf-8")


def edit_one_word_of(path: Path, index: int) -> None:
    """A word added to paragraph ``index`` of the body."""
    front, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    paragraphs = body.split("\n\n")
    paragraphs[index] = paragraphs[index].replace(" ", " edited ", 1)
    path.write_text(front + "\n---\n" + "\n\n".join(paragraphs), encoding="utf-8")


EDITS = {
    "one word": lambda doc: edit_one_word(doc / "original.md"),
    "paragraph inserted": lambda doc: insert_paragraph(doc / "en-translation.md", 5),
    "paragraph dropped": lambda doc: drop_paragraph(doc / "original.md", 3),
    "version removed": lambda doc: (doc / "en-revised.md").unlink(),
}


@pytest.mark.parametrize("edit", EDITS)
def test_a_rebuild_in_place_equals_a_build_from_scratch(generated, edit):
    corpus, db_path = generated
    EDITS[edit](corpus / generate.document_id(0))
    build(corpus, db_path)
    fresh = db_path.with_name("fresh.db")
    build(corpus, fresh)
    assert published(db_path) == published(fresh)


@pytest.mark.parametrize("in_git", [False, True], ids=["outside git", "in git"])
def test_edits_in_the_middle_of_a_long_document_rebuild_it_as_a_fresh_build_does(tmp_path, monkeypatch, in_git):
    import versions.store.rows

    monkeypatch.setattr(versions.store.rows, "STRETCH_COMPARISONS", 160)  # 40 groups: edits fall inside stretches of many
    corpus = generate.generate(tmp_path / "translations", documents=1, paragraphs=300)
    if in_git:  # an edited paragraph keeps its key: only its text tells that its rows changed
        git(corpus, "init", "-q")
        git(corpus, "add", "-A")
        git(corpus, "commit", "-q", "-m", "generated")
    document = corpus / generate.document_id(0)
    db_path = tmp_path / "db" / "versions.db"
    build(corpus, db_path)
    edits = [
        lambda: edit_one_word_of(document / "en-translation.md", 150),
        lambda: insert_paragraph(document / "original.md", 100),
        lambda: drop_paragraph(document / "aprf-copy.md", 200),
        lambda: edit_one_word_of(document / "original.md", 20),
    ]
    for n, edit in enumerate(edits):
        edit()
        build(corpus, db_path)
        fresh = tmp_path / "db" / f"fresh-{n}.db"
        build(corpus, fresh)
        rebuilt, built = published(db_path), published(fresh)
        for table in built:
            assert rebuilt[table] == built[table], (n, table)


def test_a_rebuild_in_place_records_the_rows_that_split_and_keeps_the_record(generated):
    corpus, db_path = generated
    doc = corpus / generate.document_id(0)
    held = {row["paragraph_id"] for row in sqlite_utils.Database(db_path).query(
        "select paragraph_id from alignment_members where group_id = (select id from alignment_groups "
        "where document_id = ? order by n desc limit 1)", [doc.name])}
    drop_paragraph(doc / "original.md", -1)  # the last row loses its base paragraph, and with it its key
    build(corpus, db_path)
    recorded = [row["paragraph_id"] for row in sqlite_utils.Database(db_path)["former_rows"].rows]
    assert held <= set(recorded)
    edit_one_word(doc / "en-translation.md")
    build(corpus, db_path)
    assert held <= {row["paragraph_id"] for row in sqlite_utils.Database(db_path)["former_rows"].rows}
    fresh = db_path.with_name("fresh.db")
    build(corpus, fresh)
    assert sqlite_utils.Database(fresh)["former_rows"].count == 0


def staged_rows(monkeypatch) -> dict[str, int]:
    """Rows the next build stages per table, read as it merges them."""
    import versions.store.write

    staged: dict[str, int] = {}
    merge = versions.store.write.merge_tables

    def counting(db, source):
        for (table,) in db.execute(f"select name from [{source}].sqlite_master where type = 'table'").fetchall():
            staged[table] = db.execute(f"select count(*) from [{source}].[{table}]").fetchone()[0]
        merge(db, source)

    monkeypatch.setattr(versions.store.write, "merge_tables", counting)
    return staged


def test_a_one_word_edit_stages_only_the_rows_it_changes(generated, monkeypatch):
    corpus, db_path = generated
    edit_one_word(corpus / generate.document_id(0) / "original.md")
    staged = staged_rows(monkeypatch)
    build(corpus, db_path)
    assert staged["paragraphs"] == 1 and staged["versions"] == 1 and staged["documents"] == 1
    assert staged["alignment_groups"] <= 1 and staged["diffs"] + staged["anchors"] <= 6
    # outside git an edited paragraph takes a new key (a hash of its text), and its row, named by it, a new id: what
    # vanishes is that paragraph, that row, its members and its comparisons (and an anchor the edit took away)
    versions = len(list((corpus / generate.document_id(0)).glob("*.md")))
    assert staged["vanished"] <= 1 + 1 + versions + 2 * (versions - 1) + 1


def test_a_dropped_paragraph_deletes_its_rows(generated, monkeypatch):
    corpus, db_path = generated
    document = corpus / generate.document_id(0)
    drop_paragraph(document / "original.md", 3)
    staged = staged_rows(monkeypatch)
    build(corpus, db_path)
    assert staged["vanished"] > 0
    paragraphs = sqlite_utils.Database(db_path)["paragraphs"]
    assert paragraphs.count_where("version_id = ?", [f"{document.name}/original"]) == 39


def test_search_finds_the_edited_words_and_not_the_replaced_ones(shipped_corpus, tmp_path):
    db_path = tmp_path / "versions.db"
    build(shipped_corpus, db_path)
    path = shipped_corpus / "telegram-23256" / "en-revised.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Kaesong", "Zanzibarium"), encoding="utf-8")
    build(shipped_corpus, db_path)
    db = sqlite_utils.Database(db_path)
    found = db.execute(
        "select paragraphs.version_id from paragraphs_fts join paragraphs on paragraphs.rowid = paragraphs_fts.rowid "
        "where paragraphs_fts match ?", ["Zanzibarium"]
    ).fetchall()
    assert found and {version for (version,) in found} == {"telegram-23256/en-revised"}
    kaesong = db.execute("select paragraphs.version_id from paragraphs_fts join paragraphs "
                         "on paragraphs.rowid = paragraphs_fts.rowid where paragraphs_fts match 'Kaesong'").fetchall()
    assert "telegram-23256/en-revised" not in {version for (version,) in kaesong}
    assert published(db_path) == published(_fresh(shipped_corpus, tmp_path))


def _fresh(corpus: Path, tmp_path: Path) -> Path:
    fresh = tmp_path / "fresh" / "versions.db"
    build(corpus, fresh)
    return fresh


def test_the_database_holds_no_staging_table(generated):
    corpus, db_path = generated
    edit_one_word(corpus / generate.document_id(0) / "original.md")
    build(corpus, db_path)
    names = set(sqlite_utils.Database(db_path).table_names())
    assert not names & {"vanished", "removed"}
