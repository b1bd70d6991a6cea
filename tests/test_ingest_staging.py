"""The one import path: inputs read only when they are regular files; documents staged, checked and moved into
place all or nothing, so that a full disk or a refused document leaves the corpus exactly as it was."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from conftest import (
    DOCUMENT_YAML,
    VERSION_COPY,
    VERSION_EN,
    disk_full_after,
    snapshot,
    tiny_png,
    with_facsimiles,
    write_files,
)

from versions.durable import WriteError
from versions.errors import CorpusError
from versions.ingest import staging
from versions.ingest.staging import check_document, write_document

NEW_VERSION = "---\nkind: edition\nlanguage: en\n---\nA second English text of the telegram.\n"
NEW_DOCUMENT = {
    "document.yaml": "title: A new letter\ndate: '1952'\noriginal_language: en\n",
    "en.md": "---\nkind: original\nlanguage: en\n---\nThe letter itself.\n",
    "en-copy.md": "---\nkind: edition\nlanguage: en\n---\nThe letter, copied.\n",
}


def rename_fails_for(monkeypatch, name: str) -> None:
    """``os.rename`` fails the first time it would move something called ``name`` into place."""
    rename = os.rename
    failed = []

    def failing_rename(source, target) -> None:
        if Path(target).name == name and staging.STAGING_PREFIX not in str(target) and not failed:
            failed.append(target)
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(target))
        rename(source, target)

    monkeypatch.setattr(os, "rename", failing_rename)


# --- writing -----------------------------------------------------------------------------------------------------------


def test_a_new_document_is_written_whole_and_readable_by_everyone(tmp_path):
    root = tmp_path / "translations"
    folder = write_document(root, "letter", NEW_DOCUMENT)
    assert folder == root / "letter"
    assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()} == NEW_DOCUMENT
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o644}
    assert folder.stat().st_mode & 0o777 == 0o755
    assert [p.name for p in root.iterdir()] == ["letter"]  # no staging folder left


def test_files_are_added_to_an_existing_document_and_its_other_files_stay(small_corpus):
    before = (small_corpus / "doc-1" / "en.md").stat().st_ino
    write_document(small_corpus, "doc-1", {"en-2.md": NEW_VERSION})
    assert sorted(p.name for p in (small_corpus / "doc-1").iterdir()) == [
        "aprf-copy.md", "document.yaml", "en-2.md", "en.md",
    ]
    assert (small_corpus / "doc-1" / "en.md").stat().st_ino == before  # untouched, not copied back


def test_existing_files_are_refused_unless_overwrite(small_corpus):
    with pytest.raises(FileExistsError, match="doc-1: already exists: en.md; import with overwrite"):
        write_document(small_corpus, "doc-1", {"en.md": NEW_VERSION})
    with pytest.raises(FileExistsError, match="doc-1 already exists; import with overwrite to replace the whole"):
        write_document(small_corpus, "doc-1", NEW_DOCUMENT, whole_folder=True)
    write_document(small_corpus, "doc-1", NEW_DOCUMENT, whole_folder=True, overwrite=True)
    assert sorted(p.name for p in (small_corpus / "doc-1").iterdir()) == sorted(NEW_DOCUMENT)


@pytest.mark.parametrize("document_id, name", [("../elsewhere", "en.md"), ("letter", "../en.md"), ("letter", ".en.md")])
def test_nothing_is_written_outside_the_document_folder_or_hidden_in_it(tmp_path, document_id, name):
    with pytest.raises(ValueError):
        write_document(tmp_path / "translations", document_id, {name: NEW_VERSION})
    assert list(tmp_path.iterdir()) == []


def test_a_file_in_place_of_the_document_folder_is_never_replaced(tmp_path):
    stray = write_files(tmp_path, {"letter": "notes of my own\n"}) / "letter"
    with pytest.raises(FileExistsError, match="exists and is not a document folder"):
        write_document(tmp_path, "letter", NEW_DOCUMENT, whole_folder=True, overwrite=True)
    assert stray.read_text() == "notes of my own\n"


def test_a_document_the_checks_refuse_is_not_written_and_its_problems_name_the_real_files(small_corpus):
    before = snapshot(small_corpus)
    broken = "---\nkind: edition\nlanguage: en\nderived_from: [nowhere]\n---\nText.\n"
    with pytest.raises(CorpusError) as refused:
        write_document(small_corpus, "doc-1", {"en-2.md": broken})
    assert [p.path for p in refused.value.problems] == [str(small_corpus / "doc-1" / "en-2.md")]
    assert snapshot(small_corpus) == before


def test_check_document_reads_the_document_as_it_would_be_and_writes_nothing(small_corpus):
    before = snapshot(small_corpus)
    document = check_document(small_corpus, "doc-1", {"en-2.md": NEW_VERSION})
    assert sorted(v.id for v in document.versions) == ["aprf-copy", "en", "en-2"]
    assert snapshot(small_corpus) == before


@pytest.mark.parametrize("writes", [0, 1, 2])
def test_a_full_disk_while_staging_a_new_document_leaves_no_trace(tmp_path, monkeypatch, writes):
    root = tmp_path / "translations"
    disk_full_after(monkeypatch, writes)
    with pytest.raises(WriteError, match=f"^{root / 'letter'}: cannot write: No space left on device$"):
        write_document(root, "letter", NEW_DOCUMENT)
    assert not root.exists()


@pytest.mark.parametrize("writes", [0, 3, 4])  # the 3 files kept are copied to be checked, then the 2 new ones
def test_a_full_disk_while_adding_files_leaves_the_document_as_it_was(small_corpus, monkeypatch, writes):
    write_files(small_corpus, {"doc-2/document.yaml": DOCUMENT_YAML, "doc-2/en.md": VERSION_EN})
    before = snapshot(small_corpus)
    disk_full_after(monkeypatch, writes)
    with pytest.raises(WriteError, match="No space left on device"):
        write_document(small_corpus, "doc-1", {"en-2.md": NEW_VERSION, "en-3.md": NEW_VERSION})
    assert snapshot(small_corpus) == before


def test_a_full_disk_while_replacing_a_whole_document_leaves_the_old_one(small_corpus, monkeypatch):
    before = snapshot(small_corpus)
    disk_full_after(monkeypatch, 2)
    with pytest.raises(WriteError):
        write_document(small_corpus, "doc-1", NEW_DOCUMENT, whole_folder=True, overwrite=True)
    assert snapshot(small_corpus) == before


def test_a_failed_move_puts_back_the_files_already_moved(small_corpus, monkeypatch):
    (small_corpus / "doc-1" / "en-2.md").write_text(NEW_VERSION.replace("second", "first"), encoding="utf-8")
    before = snapshot(small_corpus)
    rename_fails_for(monkeypatch, "en-3.md")
    files = {"en-2.md": NEW_VERSION, "en-3.md": NEW_VERSION}
    with pytest.raises(WriteError, match=f"^{small_corpus / 'doc-1'}: cannot write: Input/output error$"):
        write_document(small_corpus, "doc-1", files, overwrite=True)
    assert snapshot(small_corpus) == before


def test_a_failed_move_of_a_whole_document_puts_the_old_one_back(small_corpus, monkeypatch):
    before = snapshot(small_corpus)
    rename_fails_for(monkeypatch, "doc-1")
    with pytest.raises(WriteError):
        write_document(small_corpus, "doc-1", NEW_DOCUMENT, whole_folder=True, overwrite=True)
    assert snapshot(small_corpus) == before


def test_the_document_is_staged_in_a_hidden_folder_beside_the_documents(small_corpus, monkeypatch):
    seen = []
    load = staging.load_document

    def watching_load(root, document_id, encoding=None):
        seen.append(sorted(p.name for p in small_corpus.iterdir()))
        return load(root, document_id, encoding)

    monkeypatch.setattr(staging, "load_document", watching_load)
    write_document(small_corpus, "doc-1", {"en-2.md": NEW_VERSION})
    assert seen and seen[0][0].startswith(staging.STAGING_PREFIX) and seen[0][1:] == ["doc-1"]


def test_version_file_is_front_matter_then_the_body_as_it_is():
    assert staging.version_file({"kind": "edition", "language": "ru"}, "Текст\n\n") == (
        "---\nkind: edition\nlanguage: ru\n---\nТекст\n\n"
    )


def test_a_version_added_to_a_document_with_facsimiles_is_checked_with_its_images(small_corpus):
    with_facsimiles(small_corpus)
    write_document(small_corpus, "doc-1", {"en-copy.md": NEW_VERSION})
    assert (small_corpus / "doc-1/en-copy.md").exists() and (small_corpus / "doc-1/images/l86.png").exists()
    assert not any(path.name.startswith(staging.STAGING_PREFIX) for path in small_corpus.iterdir())


def test_images_brought_by_an_import_are_copied_into_a_whole_document_and_nowhere_else(tmp_path, small_corpus):
    scan = write_files(tmp_path / "beside", {"l86.png": tiny_png(7)}) / "l86.png"
    copy = VERSION_COPY.replace("transcribed: false\n", "facsimiles: [{sheet: 86, image: l86.png}]\n") + "Текст.\n"
    files = {"document.yaml": DOCUMENT_YAML, "en.md": VERSION_EN, "aprf-copy.md": copy}
    with pytest.raises(CorpusError, match="missing image file images/l86.png"):
        write_document(small_corpus, "doc-1", files, whole_folder=True, overwrite=True)
    with pytest.raises(ValueError, match="whole document folder only"):
        write_document(small_corpus, "doc-1", {"aprf-copy.md": copy}, overwrite=True, images={"l86.png": scan})
    with pytest.raises(ValueError):
        write_document(small_corpus, "doc-1", files, whole_folder=True, overwrite=True, images={"../l86.png": scan})
    write_document(small_corpus, "doc-1", files, whole_folder=True, overwrite=True, images={"l86.png": scan})
    image = small_corpus / "doc-1" / "images" / "l86.png"
    assert image.read_bytes() == tiny_png(7) and image.stat().st_mode & 0o777 == 0o644
