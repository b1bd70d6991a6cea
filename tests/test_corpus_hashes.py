"""Change detection: a folder's hash is its git tree id, read from git's index where nothing changed since the last
commit and from the files otherwise, the same either way."""

import os
from pathlib import Path

import pytest
from conftest import DOCUMENT_YAML, VERSION_COPY, VERSION_EN, commit, git, write_files

import versions.corpus.hashes as hashes
from versions.corpus import document_hashes

FILES = {"document.yaml": DOCUMENT_YAML, "en.md": VERSION_EN, "aprf-copy.md": VERSION_COPY}


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """A repository whose corpus (two documents) is committed, with nothing changed since."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    files = {f"translations/{doc}/{name}": text for doc in ("doc-1", "doc-2") for name, text in FILES.items()}
    commit(repo, "Corpus", files, "2024-01-01T09:00:00+00:00")
    return repo / "translations"


def files_read(monkeypatch) -> list[str]:
    read = []
    real = hashes._read
    monkeypatch.setattr(hashes, "_read", lambda path: read.append(os.path.relpath(path)) or real(path))
    return read


def from_files_only(monkeypatch) -> None:
    monkeypatch.setattr(hashes, "_committed_trees", lambda root: {})


def test_a_committed_folder_is_hashed_without_reading_a_file(committed, monkeypatch):
    read = files_read(monkeypatch)
    from_git = document_hashes(committed)
    assert read == [] and set(from_git) == {"doc-1", "doc-2"}
    from_files_only(monkeypatch)
    assert document_hashes(committed) == from_git  # the same hash whichever way it was found


def test_the_hash_from_the_files_is_the_tree_id_git_gives_the_folder(committed):
    tree = git(committed.parent, "rev-parse", "HEAD:translations/doc-1").strip()
    assert hashes._tree_id(hashes.folder_files(committed, committed / "doc-1")) == tree


@pytest.mark.parametrize("change", ["edited", "untracked", "ignored", "staged", "deleted", "hidden"])
def test_a_folder_changed_since_the_commit_is_read_and_only_it(committed, monkeypatch, change):
    before = document_hashes(committed)
    doc = committed / "doc-2"
    if change == "edited":
        (doc / "en.md").write_text(VERSION_EN.replace("Kaesong", "Kaesonq"))
    elif change == "untracked":
        write_files(doc, {"ru.md": "---\nkind: original\nlanguage: ru\n---\nТекст.\n"})
    elif change == "ignored":
        write_files(committed.parent, {".gitignore": "*.bak\n", "translations/doc-2/en.bak": "old"})
    elif change == "staged":
        (doc / "en.md").write_text(VERSION_EN + "\nOne more.\n")
        git(committed.parent, "add", "-A")
    elif change == "deleted":
        (doc / "aprf-copy.md").unlink()
    else:
        write_files(doc, {".notes": "kept by an editor"})
    read = files_read(monkeypatch)
    after = document_hashes(committed)
    assert after["doc-1"] == before["doc-1"] and after["doc-2"] != before["doc-2"]
    assert read and all(path.startswith(str(Path(os.path.relpath(doc)))) for path in read)
    from_files_only(monkeypatch)
    assert document_hashes(committed) == after


def test_a_change_undone_on_disk_gives_the_committed_hash_again(committed):
    before = document_hashes(committed)
    (committed / "doc-1" / "en.md").write_text(VERSION_EN + "\nOne more.\n")
    git(committed.parent, "add", "-A")
    (committed / "doc-1" / "en.md").write_text(VERSION_EN)  # staged, then put back on disk
    assert document_hashes(committed) == before


def test_an_executable_bit_and_a_link_count_as_git_counts_them(committed):
    os.chmod(committed / "doc-1" / "en.md", 0o755)
    os.symlink("en.md", committed / "doc-1" / "alias.md")
    git(committed.parent, "add", "-A")
    git(committed.parent, "commit", "-q", "-m", "mode and link")
    tree = git(committed.parent, "rev-parse", "HEAD:translations/doc-1").strip()
    assert hashes._tree_id(hashes.folder_files(committed, committed / "doc-1")) == tree


def test_an_unborn_branch_or_a_broken_git_falls_back_to_the_files(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    write_files(repo / "translations", {f"doc-1/{name}": text for name, text in FILES.items()})
    git(repo, "init", "-q")  # nothing committed: ls-tree HEAD fails
    unborn = document_hashes(repo / "translations")
    from_files_only(monkeypatch)
    assert document_hashes(repo / "translations") == unborn


def test_outside_git_a_settled_folder_is_not_read_again(small_corpus, monkeypatch):
    monkeypatch.setattr(hashes, "RACY_NS", 0)
    first = document_hashes(small_corpus)
    read = files_read(monkeypatch)
    assert document_hashes(small_corpus, first) == first and read == []
