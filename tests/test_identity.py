"""Stable paragraph keys: minted from text, carried along a version's git history, the same on every full clone."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import DOCUMENT_YAML, VERSION_COPY
from test_history import FRONT, commit, git
from versions.history import version_history
from versions.identity import mint_keys, text_key, version_keys
from versions.store import build

OPENING = "TELEGRAM No. 1"
RAID = "The enemy raided our security forces in Kaesong."
SIGNED = "Mao Zedong."


def body(*paragraphs: str) -> str:
    return FRONT + "\n\n".join(paragraphs) + "\n"


def keys_of(path: Path):
    history = version_history(path)
    return version_keys(history, [p.text for p in history.revisions[-1].paragraphs])


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    files = {"translations/doc-1/document.yaml": DOCUMENT_YAML, "translations/doc-1/aprf-copy.md": VERSION_COPY,
             "translations/doc-1/en.md": body(OPENING, RAID, SIGNED)}
    commit(root, "Add the telegram", files, "2024-01-01T09:00:00+00:00")
    return root


def en(repo: Path) -> Path:
    return repo / "translations" / "doc-1" / "en.md"


def test_a_key_is_a_short_hash_of_the_text_with_white_space_collapsed():
    assert text_key("Mao  Zedong.\n") == text_key("Mao Zedong.") != text_key("Mao Zedong")
    assert len(text_key("x")) == 8 and text_key("x").isalnum() and text_key("x").islower()


def test_repeated_texts_are_told_apart_by_occurrence():
    keys = mint_keys(["Copy.", "Other.", "Copy.", "Copy."])
    assert keys[1:] == [text_key("Other."), f"{keys[0]}-2", f"{keys[0]}-3"]


def test_an_edited_paragraph_keeps_its_key_and_says_where_it_changed(repo):
    before = keys_of(en(repo))
    commit(repo, "Raid at night", {"translations/doc-1/en.md": body(OPENING, RAID + " It was night.", SIGNED)},
           "2024-01-02T09:00:00+00:00")
    after = keys_of(en(repo))
    assert after.keys == before.keys
    assert after.changed_in == [None, 2, None]


def test_a_paragraph_added_at_the_top_leaves_the_others_their_keys(repo):
    before = keys_of(en(repo))
    en(repo).write_text(body("A new first paragraph.", OPENING, RAID, SIGNED), encoding="utf-8")  # uncommitted
    after = keys_of(en(repo))
    assert after.keys == [text_key("A new first paragraph."), *before.keys]


def test_merged_paragraphs_are_sent_on_to_the_one_they_became(repo):
    before = keys_of(en(repo))
    commit(repo, "One paragraph", {"translations/doc-1/en.md": body(OPENING, RAID + " " + SIGNED)},
           "2024-01-02T09:00:00+00:00")
    after = keys_of(en(repo))
    assert after.keys == before.keys[:2]
    assert after.predecessors == {before.keys[2]: before.keys[1]}


def test_every_full_clone_gives_the_same_keys_and_a_copy_without_git_mints_them_again(repo, tmp_path):
    commit(repo, "Raid at night", {"translations/doc-1/en.md": body(OPENING, RAID + " It was night.", SIGNED)},
           "2024-01-02T09:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, capture_output=True)
    assert keys_of(en(clone)).keys == keys_of(en(repo)).keys
    tarball = shutil.copytree(repo / "translations", tmp_path / "no-git")
    minted = keys_of(tarball / "doc-1" / "en.md").keys[1]
    assert minted == text_key(RAID + " It was night.") != keys_of(en(repo)).keys[1]


def test_the_store_carries_keys_and_writes_nothing_into_the_corpus(repo, tmp_path):
    commit(repo, "Raid at night", {"translations/doc-1/en.md": body(OPENING, RAID + " It was night.", SIGNED)},
           "2024-01-02T09:00:00+00:00")
    build(repo / "translations", tmp_path / "v.db")
    assert git(repo, "status", "--porcelain") == ""
    conn = sqlite3.connect(tmp_path / "v.db")
    rows = conn.execute("select id, key, changed_revision_id from paragraphs where version_id = 'doc-1/en' order by n")
    assert list(rows) == [
        (f"doc-1/en/{text_key(OPENING)}", text_key(OPENING), None),
        (f"doc-1/en/{text_key(RAID)}", text_key(RAID), "doc-1/en@2"),
        (f"doc-1/en/{text_key(SIGNED)}", text_key(SIGNED), None),
    ]
