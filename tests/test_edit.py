"""Corrections made on the page, as a library (``versions.edit``): alignment.yaml changed in its text and checked by
the reader, the version token, the undo journal, the record of who and when, commits in a git corpus, bad input."""

import datetime
import sqlite3
import subprocess

import pytest

from conftest import git, write_files
from versions.corpus import load_document
from versions.edit import ABSENT, Editor, EditRefused, Stale, token_of
from versions.identity import document_keys
from versions.store import build

NOW = datetime.datetime(2026, 12, 3, 15, 2, 11, tzinfo=datetime.timezone.utc)
EN_2 = "---\nkind: translation\nlanguage: en\n---\nTELEGRAM No. 1\n\nCompletely different words.\n\nMao Zedong.\n"


@pytest.fixture
def corpus(small_corpus):
    return write_files(small_corpus, {"doc-1/en-2.md": EN_2})


@pytest.fixture
def editor(corpus, tmp_path):
    return Editor(corpus, tmp_path / "db" / ".versions-edits.json")


def ref(corpus, version: str, n: int) -> str:
    """``<version>/<key>`` of paragraph n (from 1) as the corpus stands."""
    keys = document_keys(load_document(corpus, "doc-1"))
    return f"{version}/{keys[version].keys[n - 1]}"


def alignment(corpus) -> str:
    return (corpus / "doc-1" / "alignment.yaml").read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def journal_folder(tmp_path):
    (tmp_path / "db").mkdir()


def test_a_link_writes_a_pin_recording_who_and_when(corpus, editor):
    a, b = ref(corpus, "en", 2), ref(corpus, "en-2", 2)
    saved = editor.correct("doc-1", "link", [(a, b)], "alice", ABSENT, NOW)
    assert alignment(corpus) == f"pin:\n  - {{pair: [{a}, {b}], by: alice, at: '2026-12-03T15:02:11Z'}}\n"
    [correction] = load_document(corpus, "doc-1").corrections
    assert (correction.action, correction.by, correction.at) == ("pin", "alice", "2026-12-03T15:02:11Z")
    assert saved.change.summary() == f"link {a} ↔ {b}"
    assert editor.token("doc-1") == token_of(alignment(corpus)) != ABSENT


def test_comments_and_layout_of_the_file_are_kept(corpus, editor):
    a1, b1, a2, b2 = ref(corpus, "en", 1), ref(corpus, "en-2", 1), ref(corpus, "en", 3), ref(corpus, "en-2", 3)
    text = f"# checked by hand\npin:   # these belong together\n    - [{a1}, {b1}]   # the heading\nforbid: []\n"
    write_files(corpus, {"doc-1/alignment.yaml": text})
    editor.correct("doc-1", "pin", [(a2, b2)], "bob", token_of(text), NOW)
    assert alignment(corpus) == text.replace(
        "forbid: []\n", "") .replace("# the heading\n", f"# the heading\n    - {{pair: [{a2}, {b2}], by: bob, "
                                                     "at: '2026-12-03T15:02:11Z'}\n") + "forbid: []\n"


def test_unlink_replaces_a_pin_of_the_same_pair_and_link_the_other_way(corpus, editor):
    a, b = ref(corpus, "en", 2), ref(corpus, "en-2", 2)
    editor.correct("doc-1", "pin", [(a, b)], "alice", ABSENT, NOW)
    editor.correct("doc-1", "unlink", [(b, a)], "alice", editor.token("doc-1"), NOW)
    [correction] = load_document(corpus, "doc-1").corrections
    assert correction.action == "forbid"
    assert alignment(corpus).startswith("forbid:\n  - {pair: [")
    editor.correct("doc-1", "link", [(a, b)], "alice", editor.token("doc-1"), NOW)
    assert [c.action for c in load_document(corpus, "doc-1").corrections] == ["pin"]


def test_flow_lists_are_edited_in_place(corpus, editor):
    a, b = ref(corpus, "en", 2), ref(corpus, "en-2", 2)
    text = f"forbid: [[{a}, {b}]]  # kept apart\n"
    write_files(corpus, {"doc-1/alignment.yaml": text})
    editor.correct("doc-1", "link", [(a, b)], "carol", token_of(text), NOW)
    assert alignment(corpus).startswith("forbid: []  # kept apart\npin:\n  - {pair:")


def test_a_page_older_than_the_file_is_refused(corpus, editor):
    a, b = ref(corpus, "en", 2), ref(corpus, "en-2", 2)
    old = editor.token("doc-1")
    editor.correct("doc-1", "pin", [(a, b)], "tab one", old, NOW)
    written = alignment(corpus)
    with pytest.raises(Stale, match="changed since this page was made .*: reload the page"):
        editor.correct("doc-1", "unlink", [(a, b)], "tab two", old, NOW)
    assert alignment(corpus) == written


def test_undo_restores_the_text_before_each_change_in_turn(corpus, editor):
    text = "# by hand\nforbid: []\n"
    write_files(corpus, {"doc-1/alignment.yaml": text})
    first = (ref(corpus, "en", 2), ref(corpus, "en-2", 2))
    second = (ref(corpus, "en", 3), ref(corpus, "en-2", 3))
    editor.correct("doc-1", "pin", [first], "alice", token_of(text), NOW)
    after_first = alignment(corpus)
    editor.correct("doc-1", "unlink", [second], "alice", editor.token("doc-1"), NOW)
    assert [change.action for change in editor.recent("doc-1")] == ["unlink", "pin"]
    editor.undo("doc-1", "alice", editor.token("doc-1"), NOW)
    assert alignment(corpus) == after_first
    editor.undo("doc-1", "alice", editor.token("doc-1"), NOW)
    assert alignment(corpus) == text
    with pytest.raises(EditRefused, match="no correction made here to undo"):
        editor.undo("doc-1", "alice", editor.token("doc-1"), NOW)


def test_undo_of_the_first_correction_removes_the_file_it_made(corpus, editor):
    editor.correct("doc-1", "pin", [(ref(corpus, "en", 2), ref(corpus, "en-2", 2))], "alice", ABSENT, NOW)
    editor.undo("doc-1", "alice", editor.token("doc-1"), NOW)
    assert not (corpus / "doc-1" / "alignment.yaml").exists()


def test_undo_is_refused_when_the_file_changed_outside_the_page(corpus, editor):
    editor.correct("doc-1", "pin", [(ref(corpus, "en", 2), ref(corpus, "en-2", 2))], "alice", ABSENT, NOW)
    by_hand = alignment(corpus) + "# a note\n"
    write_files(corpus, {"doc-1/alignment.yaml": by_hand})
    with pytest.raises(EditRefused, match="changed since the last correction made here; undo it by hand"):
        editor.undo("doc-1", "alice", token_of(by_hand), NOW)
    assert alignment(corpus) == by_hand


BAD = {
    "unknown key": (lambda corpus: [("en/aaaaaaaa", ref(corpus, "en-2", 1))], "doc-1 has no paragraph en/aaaaaaaa"),
    "unknown version": (lambda corpus: [(ref(corpus, "en", 1), "xx/aaaaaaaa")], "doc-1 has no paragraph xx/aaaaaaaa"),
    "not a reference": (lambda corpus: [("en/1/../x", ref(corpus, "en-2", 1))], "is not a paragraph such as"),
    "one version": (lambda corpus: [(ref(corpus, "en", 1), ref(corpus, "en", 2))], "not en with itself"),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_is_one_line_and_leaves_the_file_alone(corpus, editor, name):
    text = "# untouched\npin: []\n"
    write_files(corpus, {"doc-1/alignment.yaml": text})
    pairs, message = BAD[name]
    with pytest.raises(EditRefused, match=message) as refused:
        editor.correct("doc-1", "link", pairs(corpus), "alice", token_of(text), NOW)
    assert "\n" not in str(refused.value)
    assert alignment(corpus) == text and editor.recent("doc-1") == []


def test_a_link_the_forbids_contradict_is_refused_at_its_line(corpus, editor):
    a1, a2, b1, b2 = ref(corpus, "en", 1), ref(corpus, "en", 2), ref(corpus, "en-2", 1), ref(corpus, "en-2", 2)
    text = f"pin:\n  - [{a1}, {b1}]\nforbid:\n  - [{a2}, {b1}]\n"
    write_files(corpus, {"doc-1/alignment.yaml": text})
    inside = r"alignment.yaml:[0-9]+: forbid .* lies inside a group of paragraphs the pins"
    with pytest.raises(EditRefused, match=inside):
        editor.correct("doc-1", "link", [(a2, b2), (a1, b2)], "alice", token_of(text), NOW)
    assert alignment(corpus) == text


def test_a_pair_already_so_corrected_is_refused(corpus, editor):
    pair = (ref(corpus, "en", 2), ref(corpus, "en-2", 2))
    editor.correct("doc-1", "pin", [pair], "alice", ABSENT, NOW)
    with pytest.raises(EditRefused, match="already pinned"):
        editor.correct("doc-1", "link", [pair[::-1]], "alice", editor.token("doc-1"), NOW)


@pytest.mark.parametrize("document", ["../doc-1", "doc-9", "."])
def test_a_document_folder_outside_the_corpus_is_refused(corpus, editor, document):
    with pytest.raises(EditRefused):
        editor.correct(document, "link", [("en/aaaaaaaa", "en-2/aaaaaaaa")], "alice", ABSENT, NOW)


def test_a_folder_linked_from_outside_the_corpus_is_refused(corpus, editor, tmp_path):
    outside = write_files(tmp_path / "elsewhere", {"doc-1/en.md": "x"})
    (corpus / "doc-2").symlink_to(outside / "doc-1")
    with pytest.raises(EditRefused, match="no document folder"):
        editor.correct("doc-2", "link", [("en/aaaaaaaa", "en-2/aaaaaaaa")], "alice", ABSENT, NOW)


def test_a_correction_changes_the_build(corpus, editor, tmp_path):
    db_path = tmp_path / "db" / "versions.db"
    build(corpus, db_path)
    a, b = ref(corpus, "en", 2), ref(corpus, "en-2", 2)
    editor.correct("doc-1", "link", [(a, b)], "alice", ABSENT, NOW)
    build(corpus, db_path, documents={"doc-1"})
    stored = sqlite3.connect(db_path).execute("select action from corrections").fetchall()
    assert stored == [("pin",)]


def test_in_a_git_corpus_each_correction_is_committed_naming_the_link(corpus, tmp_path, monkeypatch):
    for name, value in {"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "A",
                        "GIT_COMMITTER_EMAIL": "a@example.org"}.items():
        monkeypatch.setenv(name, value)
    repo = corpus.parent
    git(repo, "init", "-q")
    git(repo, "add", "translations")
    git(repo, "commit", "-q", "-m", "corpus")
    write_files(repo, {"stray-notes.txt": "staged, not ours"})
    git(repo, "add", "stray-notes.txt")
    editor = Editor(corpus, tmp_path / "db" / ".versions-edits.json", commit=True)
    a, b = ref(corpus, "en", 2), ref(corpus, "en-2", 2)
    saved = editor.correct("doc-1", "link", [(a, b)], "alice", ABSENT, NOW)
    assert saved.commit and saved.commit_problem is None
    shown = subprocess.run(["git", "-C", str(corpus), "show", "--stat", "--format=%s%n%b", "HEAD"],
                           capture_output=True, text=True).stdout
    assert shown.startswith(f"doc-1: link {a} ↔ {b}\nMade by alice on the page, 2026-12-03T15:02:11Z.")
    assert "translations/doc-1/alignment.yaml" in shown and "stray-notes" not in shown
    editor.undo("doc-1", "alice", editor.token("doc-1"), NOW)
    assert git(repo, "log", "-1", "--format=%s").startswith(f"doc-1: undo {a} ↔ {b}")
    assert not (corpus / "doc-1" / "alignment.yaml").exists()


def test_an_entry_written_as_a_block_mapping_or_by_number_is_taken_out_whole(corpus, editor):
    a2, b2, a3, b3 = ref(corpus, "en", 2), ref(corpus, "en-2", 2), ref(corpus, "en", 3), ref(corpus, "en-2", 3)
    text = (f"pin:\n  - pair: [{a2}, {b2}]\n    by: someone\n    # a comment inside\n    at: '2026-01-01T00:00:00Z'\n"
            f"  - [en/3, en-2/3]  # by number\n\n# the end\n")
    write_files(corpus, {"doc-1/alignment.yaml": text})
    editor.correct("doc-1", "unlink", [(a2, b2)], "alice", token_of(text), NOW)
    assert alignment(corpus).startswith("pin:\n  - [en/3, en-2/3]  # by number\n\n# the end\nforbid:\n  - {pair: [")
    editor.correct("doc-1", "unlink", [(b3, a3)], "alice", editor.token("doc-1"), NOW)
    assert alignment(corpus).startswith("\n# the end\nforbid:\n  - {pair: [")
    assert [(c.action, c.by) for c in load_document(corpus, "doc-1").corrections] == [("forbid", "alice")] * 2
