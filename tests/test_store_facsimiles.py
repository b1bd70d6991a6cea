"""Facsimiles in the database (one row per sheet of a version) and the folder of image files a build publishes beside
it, holding exactly the files the database lists."""

import json
from pathlib import Path

import sqlite_utils
from conftest import VERSION_COPY, tiny_png, with_facsimiles, write_files

from versions.store import build
from versions.store.facsimiles import facsimiles_folder


def published(db_path: Path) -> list[str]:
    folder = facsimiles_folder(db_path)
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def test_each_sheet_is_a_row_with_its_version_path_or_url_and_paragraphs(small_corpus, tmp_path):
    db_path = tmp_path / "db" / "versions.db"
    build(with_facsimiles(small_corpus), db_path)
    db = sqlite_utils.Database(db_path)
    rows = list(db.query("select * from facsimiles order by n"))
    keys = [row["key"] for row in db.query(
        "select key from paragraphs where version_id = 'doc-1/aprf-copy' order by n")]
    assert [(row["id"], row["version_id"], row["sheet"], row["path"], row["iiif"], row["line"]) for row in rows] == [
        ("doc-1/aprf-copy/86", "doc-1/aprf-copy", "86", "images/l86.png", None, 6),
        ("doc-1/aprf-copy/86ob", "doc-1/aprf-copy", "86ob", None, "https://iiif.example.org/iiif/3/aprf-86ob", 7),
    ]
    assert json.loads(rows[0]["paragraphs"]) == [f"doc-1/aprf-copy/{key}" for key in keys]
    assert rows[1]["paragraphs"] is None
    assert db["facsimiles"].foreign_keys and published(db_path) == ["doc-1", "doc-1/l86.png"]
    assert (facsimiles_folder(db_path) / "doc-1/l86.png").read_bytes() == tiny_png()


def test_the_published_folder_follows_the_corpus_and_holds_nothing_else(small_corpus, tmp_path):
    db_path = tmp_path / "db" / "versions.db"
    root = with_facsimiles(small_corpus)
    build(root, db_path)
    (facsimiles_folder(db_path) / "doc-1/stray.md").write_text("not an image of the corpus")
    (facsimiles_folder(db_path) / "gone-document").mkdir()
    (root / "doc-1/images/l86.png").write_bytes(tiny_png(200))
    build(root, db_path)
    assert published(db_path) == ["doc-1", "doc-1/l86.png"]
    assert (facsimiles_folder(db_path) / "doc-1/l86.png").read_bytes() == tiny_png(200)
    write_files(root, {"doc-1/aprf-copy.md": VERSION_COPY})  # the copy no longer lists its image
    build(root, db_path)
    assert published(db_path) == [] and sqlite_utils.Database(db_path)["facsimiles"].count == 0


def test_a_corpus_without_facsimiles_publishes_no_folder(small_corpus, tmp_path):
    db_path = tmp_path / "db" / "versions.db"
    build(small_corpus, db_path)
    assert not facsimiles_folder(db_path).exists()
