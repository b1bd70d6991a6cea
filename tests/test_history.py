"""Revisions from git: real repositories in tmp_path, the `versions log` command, the store's revision tables."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner
from conftest import DOCUMENT_YAML, GIT_IDENTITY, VERSION_COPY, commit, git, write_files

import versions
from versions.cli import cli
from versions.diff import render_html
from versions.history import (
    HistoryError,
    change_diff,
    compare_document_commits,
    compare_paragraphs,
    compare_revisions,
    corpus_history,
    document_file_histories,
    document_history,
    document_revision_rows,
    find_revision,
    front_matter_changes,
    get_revision,
    get_revisions,
    history_fingerprint,
    history_fingerprints,
    parse_revision_ref,
    revision_text,
    stored_revision,
    stored_revision_text,
    version_history,
)
from versions.segment import split_body
from versions.store import build

FRONT = "---\nkind: translation\nlanguage: en\nlabel: English\n---\n"
TEXT_1 = FRONT + "TELEGRAM No. 1\n\nThe enemy attacked our security forces in Kaesong.\n\nMao Zedong.\n"
TEXT_2 = FRONT + "TELEGRAM No. 1\n\nThe enemy raided our security forces in Kaesong.\n\nMao Zedong.\n"
TEXT_3 = FRONT + (
    "TELEGRAM No. 1\n\nThe enemy raided our security forces in Kaesong.\n\n"
    "One man was killed and one was wounded.\n\nMao Zedong.\n"
)
@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose translations/doc-1/en.md was committed three times."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    base = {"translations/doc-1/document.yaml": DOCUMENT_YAML, "translations/doc-1/aprf-copy.md": VERSION_COPY}
    commit(root, "Add the telegram", base | {"translations/doc-1/en.md": TEXT_1}, "2024-01-01T09:00:00+00:00")
    commit(root, "Raid, not attack", {"translations/doc-1/en.md": TEXT_2}, "2024-01-02T09:00:00+00:00")
    commit(root, "Add the casualties\n\nFrom the AVP RF copy.", {"translations/doc-1/en.md": TEXT_3},
           "2024-01-03T09:00:00+00:00")
    return root


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_log_lists_three_revisions_with_paragraphs_changed(repo):
    result = run("log", "doc-1/en", "--corpus", repo / "translations")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "doc-1/en: 3 revisions"
    assert [line.split()[0] for line in lines[1:]] == ["@3", "@2", "@1"]  # newest first
    assert "1 paragraph changed (1 inserted)" in lines[1] and "Add the casualties" in lines[1]
    assert "1 paragraph changed (1 modified)" in lines[2] and "Raid, not attack" in lines[2]
    assert "created, 3 paragraphs" in lines[3] and "2024-01-01 09:00" in lines[3] and "Test Historian" in lines[3]


def test_log_json_and_whole_document(repo):
    result = run("log", "doc-1", "--corpus", repo / "translations", "--json")
    data = json.loads(result.output)
    assert [h["version"] for h in data] == ["doc-1/aprf-copy", "doc-1/en"]
    revisions = data[1]["revisions"]
    assert [r["changed_paragraphs"] for r in revisions] == [1, 1, 3]
    assert revisions[0]["subject"] == "Add the casualties" and revisions[0]["status"] == "committed"
    assert len(revisions[0]["commit"]) == 40


def test_log_of_unknown_version_fails_cleanly(repo):
    result = run("log", "doc-1/fr", "--corpus", repo / "translations")
    assert result.exit_code == 1
    assert "no version 'fr'" in result.output and "aprf-copy, en" in result.output


def test_revision_diffs_are_per_paragraph_word_diffs(repo):
    history = version_history(repo / "translations/doc-1/en.md")
    second = history.diffs[1]
    assert [(c.kind, c.old, c.new) for c in second.changes] == [("modified", (2,), (2,))]
    assert (-1, "attacked") in second.changes[0].diff.ops and (1, "raided") in second.changes[0].diff.ops
    assert second.words == (0, 0, 1)
    third = history.diffs[2]
    assert [(c.kind, c.old, c.new) for c in third.changes] == [("inserted", (), (3,))]
    assert [r.commit == c for r, c in zip(history.revisions, [None] * 3)] == [False] * 3


def test_working_tree_changes_are_an_uncommitted_revision(repo):
    path = repo / "translations/doc-1/en.md"
    path.write_text(TEXT_3.replace("wounded", "injured"), encoding="utf-8")
    history = version_history(path)
    latest = history.revisions[-1]
    assert (len(history.revisions), latest.status, latest.commit) == (4, "uncommitted", None)
    assert "not yet committed" in latest.note
    assert history.diffs[-1].summary() == "1 paragraph changed (1 modified)"
    assert get_revision(repo / "translations", "doc-1", "en", "uncommitted").n == 4
    # the same text with CRLF line ends reads the same: no extra revision
    path.write_bytes(TEXT_3.replace("\n", "\r\n").encode())
    assert len(version_history(path).revisions) == 3


def test_revision_text_and_references(repo):
    root = repo / "translations"
    assert revision_text(root, "doc-1", "en", 1) == TEXT_1.removeprefix(FRONT)
    assert revision_text(root, "doc-1", "en", "latest") == TEXT_3.removeprefix(FRONT)
    assert revision_text(root, "doc-1", "en", "-2") == TEXT_2.removeprefix(FRONT)
    commit_2 = get_revision(root, "doc-1", "en", 2).commit
    assert get_revision(root, "doc-1", "en", commit_2[:7]).n == 2
    with pytest.raises(HistoryError, match="revisions 1 to 3, not 4"):
        revision_text(root, "doc-1", "en", 4)
    with pytest.raises(HistoryError, match="no uncommitted changes"):
        get_revision(root, "doc-1", "en", "uncommitted")
    with pytest.raises(HistoryError, match="not a revision"):
        get_revision(root, "doc-1", "en", "yesterday")
    assert parse_revision_ref("doc-1/en@2") == ("doc-1", "en", "2")
    with pytest.raises(HistoryError, match="such as"):
        parse_revision_ref("doc-1/en")
    with pytest.raises(HistoryError, match="path separator|not a slug|'\\.\\.'"):
        parse_revision_ref("../x@1")


def test_renames_are_followed_and_said(repo):
    git(repo, "mv", "translations/doc-1/en.md", "translations/doc-1/en-wilson.md")
    git(repo, "commit", "-q", "-m", "Rename", date="2024-01-04T09:00:00+00:00")
    history = version_history(repo / "translations/doc-1/en-wilson.md")
    assert len(history.revisions) == 4
    assert history.revisions[-1].note == "renamed from translations/doc-1/en.md"
    assert history.revisions[0].path == "translations/doc-1/en.md"
    assert history.revisions[0].body == TEXT_1.removeprefix(FRONT)  # read from the old name
    assert history.diffs[-1].changes == []


def test_a_copy_starts_a_new_history(repo):
    write_files(repo, {"translations/doc-1/en-copy.md": TEXT_3})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Copy", date="2024-01-05T09:00:00+00:00")
    history = version_history(repo / "translations/doc-1/en-copy.md")
    # whether git calls it a copy depends on its heuristics; either way the other file's past is not this one's
    assert len(history.revisions) == 1
    assert history.revisions[0].note in (None, "created as a copy of translations/doc-1/en.md")


def test_shallow_clone_is_said_not_crashed_on(repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{repo}", str(clone)], check=True,
                   capture_output=True)
    history = version_history(clone / "translations/doc-1/en.md")
    assert history.shallow and len(history.revisions) == 2
    first = history.revisions[0]
    assert first.boundary and "shallow clone" in first.note
    assert history.diffs[0] is None  # what the boundary commit changed is not known
    assert history.diffs[1].summary() == "1 paragraph changed (1 inserted)"
    result = run("log", "doc-1/en", "--corpus", clone / "translations")
    assert result.exit_code == 0 and "shallow clone" in result.output and "changes not known" in result.output
    assert history_fingerprint(clone / "translations/doc-1") != history_fingerprint(repo / "translations/doc-1")


def test_outside_git_and_untracked_files_have_one_revision(small_corpus, repo):
    history = version_history(small_corpus / "doc-1/en.md")
    assert [(r.status, r.n) for r in history.revisions] == [("unversioned", 1)]
    assert "not in a git repository" in history.revisions[0].note
    assert history_fingerprint(small_corpus / "doc-1") == ""
    write_files(repo, {"translations/doc-1/fr.md": FRONT.replace("en", "fr") + "Texte.\n"})
    untracked = version_history(repo / "translations/doc-1/fr.md")
    assert [(r.status, r.note) for r in untracked.revisions] == [("untracked", "not tracked by git")]


def test_without_git_installed(small_corpus, monkeypatch):
    monkeypatch.setenv("PATH", str(small_corpus))  # no git on this PATH
    history = version_history(small_corpus / "doc-1/en.md")
    assert history.revisions[0].status == "unversioned" and "git is not installed" in history.revisions[0].note


def test_unreadable_revisions_are_kept_with_a_note(repo):
    commit(repo, "Broken encoding", {"translations/doc-1/en.md": (FRONT + "Бомба\n").encode("cp1251")},
           "2024-01-04T09:00:00+00:00")
    commit(repo, "No front matter", {"translations/doc-1/en.md": "Just text.\n"}, "2024-01-05T09:00:00+00:00")
    commit(repo, "Fixed", {"translations/doc-1/en.md": TEXT_3}, "2024-01-06T09:00:00+00:00")
    history = version_history(repo / "translations/doc-1/en.md")
    broken, bare, fixed = history.revisions[3:]
    assert not broken.readable and "not UTF-8" in broken.note and history.diffs[3] is None
    assert bare.readable and "no front matter" in bare.note and bare.body == "Just text.\n"
    assert history.diffs[4] is None  # the state before it could not be read
    assert history.diffs[5].summary() == (
        '5 paragraphs changed (4 inserted, 1 deleted); front matter: kind added ("translation"); '
        'language added ("en"); label added ("English")')


def test_history_fingerprint_changes_with_a_commit(repo):
    folder = repo / "translations/doc-1"
    before = history_fingerprint(folder)
    write_files(repo, {"translations/doc-2/document.yaml": DOCUMENT_YAML})
    batched = history_fingerprints(repo / "translations", ["doc-1", "doc-2"])
    assert batched == {"doc-1": before, "doc-2": history_fingerprint(repo / "translations/doc-2")}
    assert batched["doc-2"] == "git::shallow:no"  # never committed
    assert before.startswith("git:")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Unrelated", date="2024-01-09T09:00:00+00:00")
    assert history_fingerprint(folder) == before  # a commit not touching the folder changes nothing
    commit(repo, "Touch", {"translations/doc-1/en.md": TEXT_2}, "2024-01-10T09:00:00+00:00")
    assert history_fingerprint(folder) != before


def test_build_stores_revisions_and_their_diffs(repo, tmp_path):
    db_path = tmp_path / "versions.db"
    build(repo / "translations", db_path)
    db = sqlite_utils.Database(db_path)
    rows = list(db.query("select * from revisions where version_id = 'doc-1/en' order by n"))
    assert [(r["n"], r["status"], r["changed_paragraphs"], r["latest"]) for r in rows] == [
        (1, "committed", 3, 0), (2, "committed", 1, 0), (3, "committed", 1, 1)
    ]
    assert rows[2]["subject"] == "Add the casualties" and rows[2]["message"].endswith("From the AVP RF copy.")
    assert rows[1]["previous_revision_id"] == "doc-1/en@1" and rows[0]["previous_revision_id"] is None
    assert rows[2]["body"] is None and rows[1]["body"] == TEXT_2.removeprefix(FRONT)  # the current text: no copy
    with sqlite3.connect(db_path) as conn:
        assert stored_revision_text(conn, "doc-1/en@3") == TEXT_3.removeprefix(FRONT)
        assert stored_revision_text(conn, "doc-1/en@1") == TEXT_1.removeprefix(FRONT)
        assert stored_revision_text(conn, "doc-1/en@9") is None
    diffs = list(db.query("select * from revision_diffs where version_id = 'doc-1/en' order by revision_id, k"))
    assert [d["revision_id"] for d in diffs].count("doc-1/en@2") == 1
    second = next(d for d in diffs if d["revision_id"] == "doc-1/en@2")
    assert (second["kind"], json.loads(second["old_paragraphs"]), json.loads(second["new_paragraphs"])) == (
        "modified", [2], [2]
    )
    assert [-1, "attacked"] in json.loads(second["ops"])
    assert change_diff(second) == version_history(repo / "translations/doc-1/en.md").diffs[1].changes[0].diff
    assert "<del" in render_html(change_diff(second))
    # revisions 2 and 3 are stored as changes; revision 1 created the file (its text is the change, not repeated)
    assert {r["revision_id"] for r in diffs} == {"doc-1/en@2", "doc-1/en@3"}
    assert (rows[0]["compared"], rows[0]["inserted_paragraphs"], rows[0]["summary"]) == (1, 3, "created, 3 paragraphs")
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert db["revision_details"].count == 4  # en: 3, aprf-copy: 1


def test_any_two_revisions_compare_in_either_order_with_their_fields(repo):
    root = repo / "translations"
    commit(repo, "Relabel", {"translations/doc-1/en.md": TEXT_3.replace("label: English", "label: English (2)")},
           "2024-01-04T09:00:00+00:00")
    first, last = get_revisions(root, "doc-1", "en", ["1", "latest"])
    forward = compare_revisions(first, last, "en")
    assert [(c.kind, c.old, c.new) for c in forward.changes] == [("modified", (2,), (2,)), ("inserted", (), (3,))]
    assert forward.summary() == ('2 paragraphs changed (1 modified, 1 inserted); front matter: label "English" → '
                                 '"English (2)"')
    backward = compare_revisions(last, first, "en")
    assert [(c.kind, c.old, c.new) for c in backward.changes] == [("modified", (2,), (2,)), ("deleted", (3,), ())]
    assert backward.to_json()["from"] == "doc-1/en@4" and backward.to_json()["changes"][1]["deleted"] == 8
    assert compare_revisions(first, first).summary() == "no paragraph changed"
    with pytest.raises(HistoryError, match="revisions 1 to 4, not 7"):
        get_revisions(root, "doc-1", "en", ["1", "7"])


def test_log_compares_two_revisions(repo):
    result = run("log", "doc-1/en", "--corpus", repo / "translations", "--compare", "1", "3")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("doc-1/en @1 (") and lines[0].endswith("2 paragraphs changed (1 modified, 1 inserted)")
    assert "¶ 2 modified" in lines and "¶ 3 inserted" in lines
    assert "[-attacked-]{+raided+}" in result.output
    data = json.loads(run("log", "doc-1/en", "--corpus", repo / "translations", "--compare", "3", "-3",
                          "--json").output)
    assert (data["from"], data["to"], [c["kind"] for c in data["changes"]]) == ("doc-1/en@3", "doc-1/en@1",
                                                                                 ["modified", "deleted"])
    unknown = run("log", "doc-1/en", "--corpus", repo / "translations", "--compare", "1", "9")
    assert unknown.exit_code == 1 and unknown.output.count("\n") == 1 and "revisions 1 to 3, not 9" in unknown.output


def test_a_document_compares_at_any_two_commits_git_can_name(repo):
    commit(repo, "Retitled", {"translations/doc-1/document.yaml": DOCUMENT_YAML.replace("A test", "The test")},
           "2024-01-04T09:00:00+00:00")
    git(repo, "tag", "retitled")
    commit(repo, "Code only", {"src/app.py": "print(1)\n"}, "2024-01-05T09:00:00+00:00")
    root = repo / "translations"
    points = compare_document_commits(root, "doc-1", "HEAD~4", "HEAD")  # from the first commit to one not touching it
    assert list(points.versions) == ["en"] and points.versions["en"].summary() == (
        "2 paragraphs changed (1 modified, 1 inserted)")
    assert [(c.field, c.old, c.new) for c in points.files["document.yaml"]] == [
        ("title", '"A test telegram"', '"The test telegram"')]
    back = compare_document_commits(root, "doc-1", "retitled", "HEAD~3")
    assert [c.kind for c in back.versions["en"].changes] == ["deleted"] and back.files["document.yaml"][0].new == (
        '"A test telegram"')
    assert compare_document_commits(root, "doc-1", "HEAD", "retitled").to_json()["versions"] == {}
    result = run("log", "doc-1", "--corpus", root, "--compare", "HEAD~4", "retitled")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == 'document.yaml: title "A test telegram" → "The test telegram"'
    assert "doc-1/en @1 (" in result.output and "[-attacked-]{+raided+}" in result.output
    data = json.loads(run("log", "doc-1", "--corpus", root, "--compare", "HEAD~4", "HEAD", "--json").output)
    assert data["versions"]["en"]["to"] == "doc-1/en@3" and len(data["from"]) == 40
    unknown = run("log", "doc-1", "--corpus", root, "--compare", "no-such-tag", "HEAD")
    assert unknown.exit_code == 1 and "'no-such-tag' names no commit" in unknown.output


def test_stored_revisions_read_back_compare_as_from_git(repo, tmp_path):
    db_path = tmp_path / "versions.db"
    build(repo / "translations", db_path)
    first, last = get_revisions(repo / "translations", "doc-1", "en", [1, 3])
    with sqlite3.connect(db_path) as conn:
        stored = stored_revision(conn, "doc-1/en@1"), stored_revision(conn, "doc-1/en@3")
        assert stored_revision(conn, "doc-1/en@9") is None
    assert [p.text for p in stored[0].paragraphs] == [p.text for p in first.paragraphs]
    assert stored[1].front_matter == last.front_matter
    assert compare_revisions(*stored, "en").changes == compare_revisions(first, last, "en").changes


def test_document_history_lists_every_version_file(repo):
    histories = document_history(repo / "translations", "doc-1")
    assert [h.key for h in histories] == ["doc-1/aprf-copy", "doc-1/en"]
    assert histories[0].diffs[0].summary() == "created, no text"  # an untranscribed copy: no paragraphs
    with pytest.raises(HistoryError, match="no document"):
        document_history(repo / "translations", "doc-2")


def paragraphs(*texts):
    return split_body("\n\n".join(texts) + "\n")[1]


def test_compare_finds_splits_merges_and_moves():
    old = paragraphs("Alpha one two three.", "Beta four five six. Gamma seven eight nine.", "Delta ten.", "Omega.")
    new = paragraphs("Delta ten.", "Alpha one two three.", "Beta four five six.", "Gamma seven eight nine.", "Omega.")
    changes = compare_paragraphs(old, new, "en")
    kinds = sorted((c.kind, c.old, c.new) for c in changes)
    assert ("moved", (3,), (1,)) in kinds
    assert ("modified", (2,), (3, 4)) in kinds
    assert len(changes) == 2
    assert compare_paragraphs(old, old) == []
    removed = compare_paragraphs(old, old[:2] + old[3:])
    assert [(c.kind, c.old, c.new) for c in removed] == [("deleted", (3,), ())]


def test_find_revision_needs_revisions():
    with pytest.raises(HistoryError, match="has no revisions"):
        find_revision([], 1, "doc/v")


# --- git asked once per corpus, not once per version file -------------------------------------------------------------


def test_outside_git_no_process_is_started(small_corpus, count_git):
    from versions.corpus import load_corpus
    from versions.history import version_histories

    corpus = load_corpus(small_corpus)
    histories = [h for document in corpus.documents for h in version_histories(document)]
    assert histories and all(h.revisions[0].status == "unversioned" for h in histories)
    assert count_git == []


def test_one_log_per_corpus_and_repository_state(repo, count_git):
    write_files(repo, {f"translations/doc-{n}/en.md": TEXT_1 for n in range(2, 7)} |
                {f"translations/doc-{n}/document.yaml": DOCUMENT_YAML for n in range(2, 7)})
    commit(repo, "More documents", {"translations/doc-3/en.md": TEXT_2}, "2024-01-04T09:00:00+00:00")
    paths = sorted((repo / "translations").glob("*/*.md"))
    first = [version_history(path) for path in paths]
    logs = [c for c in count_git if "log" in c]
    assert len(paths) == 7 and len(logs) <= 2  # the corpus log, and one look for where added files came from
    assert len([c for c in count_git if "cat-file" in c]) == 1
    started = len(count_git)
    again = [version_history(path) for path in paths]
    assert len(count_git) == started  # same HEAD: nothing asked again
    assert [[r.commit for r in h.revisions] for h in again] == [[r.commit for r in h.revisions] for h in first]
    # a new commit is noticed
    commit(repo, "Again", {"translations/doc-1/en.md": TEXT_1}, "2024-01-05T09:00:00+00:00")
    assert len(version_history(repo / "translations/doc-1/en.md").revisions) == 4
    # and so is a file added to the index only
    write_files(repo, {"translations/doc-1/fr.md": TEXT_1})
    assert version_history(repo / "translations/doc-1/fr.md").revisions[0].status == "untracked"
    git(repo, "add", "translations/doc-1/fr.md")
    staged = version_history(repo / "translations/doc-1/fr.md").revisions
    assert [(r.status, r.note) for r in staged] == [("uncommitted", "added to git but not yet committed")]


def test_a_rename_from_outside_the_corpus_is_followed(repo):
    write_files(repo, {"drafts/en.md": TEXT_1})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Draft", date="2024-01-04T09:00:00+00:00")
    commit(repo, "Draft edited", {"drafts/en.md": TEXT_2}, "2024-01-05T09:00:00+00:00")
    git(repo, "mv", "drafts/en.md", "translations/doc-1/draft.md")
    git(repo, "commit", "-q", "-m", "Into the corpus", date="2024-01-06T09:00:00+00:00")
    history = version_history(repo / "translations/doc-1/draft.md")
    assert [r.subject for r in history.revisions] == ["Draft", "Draft edited", "Into the corpus"]
    assert history.revisions[-1].note == "renamed from drafts/en.md"
    assert history.revisions[0].path == "drafts/en.md" and history.revisions[0].body == TEXT_1.removeprefix(FRONT)


def _commits_in_worker(path):
    return [r.commit for r in version_history(path).revisions]


def test_histories_in_forked_workers_match(repo):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    paths = [repo / "translations/doc-1/en.md", repo / "translations/doc-1/aprf-copy.md"]
    here = [_commits_in_worker(path) for path in paths]  # the caches and cat-file process now exist here
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        assert list(pool.map(_commits_in_worker, paths * 3)) == here * 3
    assert [_commits_in_worker(path) for path in paths] == here  # this process's reader still works


# --- merges, any byte in a message, the corpus's encoding ---------------------------------------------------------------


TRANSCRIBER = "Ann Transcriber <ann@example.org>"


def commit_as(repo: Path, author: str, message: str, files: dict[str, str | bytes], date: str) -> None:
    write_files(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", f"--author={author}", "-m", message, date=date)


def branch_edit(repo: Path, edits: list[tuple[str, str]]) -> None:
    """A branch ``side`` where the transcriber commits each (message, text of en.md), after one edit on main."""
    git(repo, "checkout", "-q", "-b", "side")
    for day, (message, text) in enumerate(edits, start=4):
        commit_as(repo, TRANSCRIBER, message, {"translations/doc-1/en.md": text}, f"2024-01-0{day}T09:00:00+00:00")
    git(repo, "checkout", "-q", "-")
    commit(repo, "Main edit", {"translations/doc-1/en.md": TEXT_3.replace("Mao Zedong.", "Mao Tse-tung.")},
           "2024-01-03T12:00:00+00:00")


def test_a_merge_resolution_is_a_revision_and_branch_commits_keep_their_author(repo):
    branch_edit(repo, [("Signed", TEXT_3.replace("Mao Zedong.", "Mao Zedong (signed)."))])
    conflict = subprocess.run(["git", *GIT_IDENTITY, "-C", str(repo), "merge", "-q", "side"], capture_output=True)
    assert conflict.returncode != 0  # both sides changed the signature
    resolved = TEXT_3.replace("Mao Zedong.", "Mao Tse-tung (signed).")
    commit(repo, "Merge the transcription", {"translations/doc-1/en.md": resolved}, "2024-01-08T09:00:00+00:00")
    history = version_history(repo / "translations/doc-1/en.md")
    revisions = history.revisions
    assert [(r.subject, r.author, r.status) for r in revisions[3:]] == [
        ("Main edit", "Test Historian", "committed"),
        ("Signed", "Ann Transcriber", "committed"),
        ("Merge the transcription", "Test Historian", "committed"),
    ]  # the tree is clean: no "uncommitted" revision after the merge
    main_edit, signed, merge = history.diffs[3:]
    assert (signed.previous.n, merge.previous.n) == (3, 4)  # each against its first parent's state of the file
    assert [(c.kind, c.diff.text_a, c.diff.text_b) for c in signed.changes] == [
        ("modified", "Mao Zedong.", "Mao Zedong (signed).")
    ]
    assert [(c.kind, c.old, c.new, c.diff.text_a, c.diff.text_b) for c in merge.changes] == [
        ("modified", (4,), (4,), "Mao Tse-tung.", "Mao Tse-tung (signed).")
    ]
    assert revisions[-1].body == resolved.removeprefix(FRONT)
    with pytest.raises(HistoryError, match="no uncommitted changes"):
        get_revision(repo / "translations", "doc-1", "en", "uncommitted")


def test_a_merge_that_keeps_its_first_parent_text_still_ends_the_history(repo):
    branch_edit(repo, [("Signed", TEXT_3.replace("Mao Zedong.", "Mao Zedong (signed).")),
                       ("Dated", TEXT_3.replace("Mao Zedong.", "Mao Zedong, 1951."))])
    git(repo, "merge", "-q", "-s", "ours", "-m", "Keep the main text", "side", date="2024-01-09T09:00:00+00:00")
    history = version_history(repo / "translations/doc-1/en.md")
    assert [r.subject for r in history.revisions[3:]] == ["Main edit", "Signed", "Dated", "Keep the main text"]
    assert [r.author for r in history.revisions[4:6]] == ["Ann Transcriber", "Ann Transcriber"]
    kept = history.revisions[-1]
    assert kept.status == "committed" and "first parent" in kept.note
    assert history.diffs[-1].previous.n == 4 and history.diffs[-1].changes == []
    assert history.diffs[5].previous.n == 5  # the second branch commit against the first


def test_the_merge_that_brings_branch_edits_shows_them_too(repo):
    git(repo, "checkout", "-q", "-b", "side")
    commit_as(repo, TRANSCRIBER, "Side edit", {"translations/doc-1/en.md": TEXT_1}, "2024-01-04T09:00:00+00:00")
    git(repo, "checkout", "-q", "-")
    commit(repo, "Main edit", {"translations/doc-1/aprf-copy.md": VERSION_COPY + "\nMore.\n"},
           "2024-01-05T09:00:00+00:00")
    git(repo, "merge", "-q", "--no-edit", "side", date="2024-01-06T09:00:00+00:00")
    history = version_history(repo / "translations/doc-1/en.md")
    assert [(r.subject, r.author) for r in history.revisions[3:]] == [
        ("Side edit", "Ann Transcriber"), ("Merge branch 'side'", "Test Historian")
    ]
    assert history.diffs[3].summary() == history.diffs[4].summary() == "2 paragraphs changed (1 modified, 1 deleted)"
    assert history.diffs[3].previous.n == history.diffs[4].previous.n == 3
    assert history.revisions[-1].body == TEXT_1.removeprefix(FRONT)


def test_histories_with_merges_ask_git_once_per_corpus(repo, count_git):
    branch_edit(repo, [("Signed", TEXT_3.replace("Mao Zedong.", "Mao Zedong (signed)."))])
    commit(repo, "Copy noted", {"translations/doc-1/aprf-copy.md": VERSION_COPY + "\nMore.\n"},
           "2024-01-08T09:00:00+00:00")
    git(repo, "merge", "-q", "-X", "theirs", "-m", "Merge", "side", date="2024-01-09T09:00:00+00:00")
    write_files(repo, {f"translations/doc-{n}/en.md": TEXT_1 for n in range(2, 6)})
    commit(repo, "More documents", {}, "2024-01-10T09:00:00+00:00")
    count_git.clear()
    for path in sorted((repo / "translations").glob("*/*.md")):
        version_history(path)
    assert len([c for c in count_git if "log" in c]) <= 2


@pytest.mark.parametrize("separator", ["\x1e", "\x1f"])
def test_any_byte_in_a_message_or_an_author_is_theirs(repo, separator):
    author = f"Ann{separator}Transcriber <ann@example.org>"
    message = f"Raid{separator}not attack\n\nsecond{separator}paragraph"
    commit_as(repo, author, message, {"translations/doc-1/en.md": TEXT_1}, "2024-01-04T09:00:00+00:00")
    commit(repo, "After", {"translations/doc-1/en.md": TEXT_2}, "2024-01-05T09:00:00+00:00")
    history = version_history(repo / "translations/doc-1/en.md")
    assert [r.subject for r in history.revisions] == [
        "Add the telegram", "Raid, not attack", "Add the casualties", message.split("\n", 1)[0], "After"
    ]
    odd = history.revisions[3]
    assert (odd.author, odd.message) == (author.split(" <")[0], message)
    assert history.diffs[3].summary() == "2 paragraphs changed (1 modified, 1 deleted)"
    assert history.diffs[4].summary() == "1 paragraph changed (1 modified)"
    last = git(repo, "rev-parse", "HEAD").strip()
    assert history_fingerprints(repo / "translations", ["doc-1"])["doc-1"].startswith(f"git:{last}:")


def test_fingerprint_counts_a_merge_resolution(repo):
    branch_edit(repo, [("Signed", TEXT_3.replace("Mao Zedong.", "Mao Zedong (signed)."))])
    git(repo, "merge", "-q", "-s", "ours", "--no-commit", "side")
    commit(repo, "Resolve", {"translations/doc-1/en.md": TEXT_1}, "2024-01-09T09:00:00+00:00")
    merge = git(repo, "rev-parse", "HEAD").strip()
    batched = history_fingerprints(repo / "translations", ["doc-1"])["doc-1"]
    assert batched.startswith(f"git:{merge}:") and history_fingerprint(repo / "translations/doc-1") == batched


def test_build_reads_every_revision_with_the_corpus_encoding(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    russian = FRONT.replace("language: en", "language: ru") + "Телеграмма № 1.\n\nМао Цзэдун.\n"
    files = {"translations/doc-1/document.yaml": DOCUMENT_YAML.replace("base: en", "base: ru").encode("cp1251"),
             "translations/doc-1/ru.md": russian.encode("cp1251")}
    commit(root, "Add", files, "2024-01-01T09:00:00+00:00")
    commit(root, "Edit", {"translations/doc-1/ru.md": russian.replace("№ 1", "№ 2").encode("cp1251")},
           "2024-01-02T09:00:00+00:00")
    db_path = tmp_path / "versions.db"
    build(root / "translations", db_path, encoding="cp1251")
    rows = list(sqlite_utils.Database(db_path).query("select readable, note, summary from revisions order by n"))
    assert rows == [(dict(readable=1, note=None, summary="created, 2 paragraphs")),
                    (dict(readable=1, note=None, summary="1 paragraph changed (1 modified)"))]


@pytest.mark.parametrize("renamed_on", ["side", "main"])
def test_a_rename_on_either_side_of_a_merge_keeps_both_sides_commits(repo, renamed_on):
    old, new = "translations/doc-1/en.md", "translations/doc-1/en-wilson.md"
    git(repo, "checkout", "-q", "-b", "side")
    if renamed_on == "side":
        git(repo, "mv", old, new)
        git(repo, "commit", "-q", "-m", "Rename", date="2024-01-04T09:00:00+00:00")
    commit_as(repo, TRANSCRIBER, "Side edit", {new if renamed_on == "side" else old: TEXT_2},
              "2024-01-05T09:00:00+00:00")
    git(repo, "checkout", "-q", "-")
    if renamed_on == "main":
        git(repo, "mv", old, new)
        git(repo, "commit", "-q", "-m", "Rename", date="2024-01-04T09:00:00+00:00")
    commit(repo, "Main edit", {"translations/doc-1/aprf-copy.md": VERSION_COPY + "\nMore.\n"},
           "2024-01-06T09:00:00+00:00")
    git(repo, "merge", "-q", "--no-edit", "side", date="2024-01-07T09:00:00+00:00")
    history = version_history(repo / new)
    subjects = [r.subject for r in history.revisions]
    assert subjects[:3] == ["Add the telegram", "Raid, not attack", "Add the casualties"]
    assert sorted(subjects[3:5]) == ["Rename", "Side edit"] and subjects[5:] == ["Merge branch 'side'"]
    side_edit = next(r for r in history.revisions if r.subject == "Side edit")
    assert side_edit.author == "Ann Transcriber" and side_edit.body == TEXT_2.removeprefix(FRONT)
    assert history.revisions[-1].body == TEXT_2.removeprefix(FRONT)
    assert [r.status for r in history.revisions] == ["committed"] * 6


def git_logs(started: list[list[str]]) -> list[list[str]]:
    return [command for command in started if "log" in command]


def test_corpus_history_reads_only_the_commits_since_the_recorded_head(repo, count_git):
    corpus = repo / "translations"
    commit(repo, "Second document", {"translations/doc-2/document.yaml": DOCUMENT_YAML}, "2024-01-05T09:00:00+00:00")
    recorded = corpus_history(corpus, ["doc-1", "doc-2"])
    count_git.clear()
    assert corpus_history(corpus, ["doc-1", "doc-2"], recorded) == recorded
    assert git_logs(count_git) == []  # HEAD where it was: no log at all
    commit(repo, "Touch", {"translations/doc-1/en.md": TEXT_2}, "2024-01-10T09:00:00+00:00")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Unrelated", date="2024-01-11T09:00:00+00:00")
    count_git.clear()
    since = corpus_history(corpus, ["doc-1", "doc-2"], recorded)
    [log] = git_logs(count_git)
    assert f"{recorded.head}..{since.head}" in log
    assert since.fingerprints == history_fingerprints(corpus, ["doc-1", "doc-2"])
    assert since.fingerprints["doc-2"] == recorded.fingerprints["doc-2"]
    assert since.fingerprints["doc-1"] != recorded.fingerprints["doc-1"]


def test_corpus_history_after_a_reset_or_for_a_new_folder_reads_from_head(repo):
    corpus = repo / "translations"
    recorded = corpus_history(corpus, ["doc-1"])
    git(repo, "reset", "-q", "--hard", "HEAD~1")  # the recorded head is no longer an ancestor
    commit(repo, "Another way", {"translations/doc-1/en.md": TEXT_1}, "2024-01-06T09:00:00+00:00")
    commit(repo, "New", {"translations/doc-2/document.yaml": DOCUMENT_YAML}, "2024-01-07T09:00:00+00:00")
    again = corpus_history(corpus, ["doc-1", "doc-2"], recorded)
    assert again.fingerprints == history_fingerprints(corpus, ["doc-1", "doc-2"])
    assert again.fingerprints["doc-1"] != recorded.fingerprints["doc-1"]


def test_a_build_records_the_history_it_read_and_reads_no_log_when_head_stayed(repo, tmp_path, count_git):
    db = tmp_path / "versions.db"
    build(repo / "translations", db)
    count_git.clear()
    assert not build(repo / "translations", db).changed and git_logs(count_git) == []
    git(repo, "revert", "--no-edit", "HEAD", date="2024-01-08T09:00:00+00:00")  # the files as two commits ago
    git(repo, "revert", "--no-edit", "HEAD", date="2024-01-09T09:00:00+00:00")  # and back: same files, new revisions
    count_git.clear()
    report = build(repo / "translations", db)
    assert report.rebuilt == ["doc-1"] and ".." in " ".join(git_logs(count_git)[0])  # the range since, first


def test_a_front_matter_change_is_named_field_by_field(repo, tmp_path):
    copy = "translations/doc-1/aprf-copy.md"
    transcribed = VERSION_COPY.replace("transcribed: false", "transcribed: true\ntranslator: V. Ivanov")
    commit(repo, "Transcribed", {copy: transcribed + "Телеграмма.\n"}, "2024-01-05T09:00:00+00:00")
    commit(repo, "Translator dropped", {copy: VERSION_COPY.replace("transcribed: false", "transcribed: true")
                                        + "Телеграмма.\n"}, "2024-01-06T09:00:00+00:00")
    history = version_history(repo / copy)
    first, second, third = (history.diff_of(revision) for revision in history.revisions)
    assert first.fields == []  # created: nothing before it to compare with
    assert [(c.field, c.old, c.new) for c in second.fields] == [("transcribed", "false", "true"),
                                                               ("translator", None, '"V. Ivanov"')]
    assert second.summary() == ("1 paragraph changed (1 inserted); front matter: transcribed false → true; "
                                'translator added ("V. Ivanov")')
    assert third.summary() == 'front matter: translator removed (was "V. Ivanov")'
    db = tmp_path / "versions.db"
    build(repo / "translations", db)
    row = sqlite_utils.Database(db)["revisions"].get("doc-1/aprf-copy@3")
    assert json.loads(row["changed_fields"]) == [{"field": "translator", "old": '"V. Ivanov"', "new": None}]
    assert history.to_json()["revisions"][0]["changed_fields"] == [
        {"field": "translator", "old": '"V. Ivanov"', "new": None}]


def test_front_matter_that_cannot_be_read_is_one_change_of_the_whole():
    assert [(c.field, c.old, c.new) for c in front_matter_changes("kind: copy\n", "kind: [copy\n")] == [
        ("front matter", "{...}", "(cannot be read)")]
    assert front_matter_changes("kind: copy\n", "kind: copy\n") == []
    assert [c.field for c in front_matter_changes("a: 1\nb: {x: 1}\n", "b: {x: 2}\na: 1\n")] == ["b"]
    [long] = front_matter_changes("note: short\n", f"note: {'a long note ' * 5}\n")
    assert long.describe() == "note changed" and long.new.startswith('"a long note')


def test_the_documents_own_files_have_a_history_with_their_fields_named(repo):
    folder = repo / "translations/doc-1"
    commit(repo, "Date corrected", {"translations/doc-1/document.yaml": DOCUMENT_YAML.replace("1951-08-27", "1951-08-28")},
           "2024-01-05T09:00:00+00:00")
    commit(repo, "Pin", {"translations/doc-1/alignment.yaml": "pin:\n  - [en/1, aprf-copy/1]\n"},
           "2024-01-06T09:00:00+00:00")
    write_files(repo, {"translations/doc-1/alignment.yaml": "pin:\n  - [en/2, aprf-copy/1]\n  - [en/3, aprf-copy/2]\n"})
    revisions = document_file_histories(folder, "doc-1")
    summaries = [(revision.key, revision.state.status, revision.summary()) for revision in revisions]
    assert summaries == [
        ("doc-1/document.yaml@1", "committed", "created"),
        ("doc-1/document.yaml@2", "committed", 'date "1951-08-27" → "1951-08-28"'),
        ("doc-1/alignment.yaml@1", "committed", "created"),
        ("doc-1/alignment.yaml@2", "uncommitted", "pin: 2 added, 1 removed"),
    ]
    rows = document_revision_rows(revisions)
    assert rows[1]["subject"] == "Date corrected" and rows[1]["previous_revision_id"] == "doc-1/document.yaml@1"
    assert json.loads(rows[3]["changed_fields"])[0]["field"] == "pin"


def test_a_deleted_alignment_file_keeps_its_history(repo):
    commit(repo, "Pin", {"translations/doc-1/alignment.yaml": "pin:\n  - [en/1, aprf-copy/1]\n"},
           "2024-01-06T09:00:00+00:00")
    git(repo, "rm", "-q", "translations/doc-1/alignment.yaml")
    git(repo, "commit", "-q", "-m", "No pins", date="2024-01-07T09:00:00+00:00")
    revisions = [r for r in document_file_histories(repo / "translations/doc-1", "doc-1") if r.file == "alignment.yaml"]
    assert [revision.summary() for revision in revisions] == ["created", "deleted"]


def test_a_build_stores_one_timeline_per_document(repo, tmp_path):
    retitled = DOCUMENT_YAML.replace("1951-08-27", "1951-08-28")
    commit(repo, "Date", {"translations/doc-1/document.yaml": retitled}, "2024-01-06T09:00:00+00:00")
    db = tmp_path / "versions.db"
    build(repo / "translations", db)
    timeline = list(sqlite_utils.Database(db).query("select kind, what, subject, summary from document_timeline"))
    assert [(row["what"], row["subject"]) for row in timeline] == [
        ("doc-1/aprf-copy", "Add the telegram"), ("doc-1/en", "Add the telegram"),
        ("doc-1/document.yaml", "Add the telegram"), ("doc-1/en", "Raid, not attack"),
        ("doc-1/en", "Add the casualties"), ("doc-1/document.yaml", "Date"),
    ]
    assert timeline[-1] == {"kind": "file", "what": "doc-1/document.yaml", "subject": "Date",
                            "summary": 'date "1951-08-27" → "1951-08-28"'}


# The corpus and the code: history counts only the commits that touch the corpus ------------------------------------

CORPUS_FILES = {"doc-1/document.yaml": DOCUMENT_YAML, "doc-1/en.md": TEXT_1}


def _subjects(db_path: Path) -> dict[str, list[str]]:
    """Every commit subject the database shows, by table: a version's revisions, its own files', the timeline."""
    db = sqlite_utils.Database(db_path)
    return {name: sorted(row["subject"] for row in db[name].rows)
            for name in ("revisions", "document_revisions", "document_timeline")}


def test_code_commits_of_the_repository_holding_the_corpus_are_no_revisions(tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    git(code, "init", "-q")
    commit(code, "Code first", {"src/app.py": "print(1)\n"}, "2024-01-01T09:00:00+00:00")
    commit(code, "Corpus", {f"translations/{name}": text for name, text in CORPUS_FILES.items()},
           "2024-01-02T09:00:00+00:00")
    commit(code, "Code between", {"src/app.py": "print(2)\n", "README.md": "About.\n"}, "2024-01-03T09:00:00+00:00")
    commit(code, "Raid", {"translations/doc-1/en.md": TEXT_2}, "2024-01-04T09:00:00+00:00")
    commit(code, "Code after", {"src/app.py": "print(3)\n"}, "2024-01-05T09:00:00+00:00")
    db_path = tmp_path / "versions.db"
    build(code / "translations", db_path)
    assert _subjects(db_path) == {"revisions": ["Corpus", "Raid"], "document_revisions": ["Corpus"],
                                  "document_timeline": ["Corpus", "Corpus", "Raid"]}
    assert [r.subject for r in version_history(code / "translations/doc-1/en.md").revisions] == ["Corpus", "Raid"]
    commit(code, "Code later", {"src/app.py": "print(4)\n"}, "2024-01-06T09:00:00+00:00")
    (code / "src/app.py").write_text("print(5)\n", encoding="utf-8")  # and a change of the code not committed
    assert not build(code / "translations", db_path).changed
    assert _subjects(db_path)["revisions"] == ["Corpus", "Raid"]


def test_a_corpus_in_a_repository_of_its_own_outside_the_code(tmp_path):
    code, corpus = tmp_path / "code", tmp_path / "elsewhere/corpus"
    for repository in (code, corpus):
        repository.mkdir(parents=True)
        git(repository, "init", "-q")
    commit(code, "Code", {"src/app.py": "print(1)\n", "translations/.keep": ""}, "2024-01-01T09:00:00+00:00")
    commit(corpus, "Corpus", CORPUS_FILES, "2024-01-02T09:00:00+00:00")
    commit(corpus, "Raid", {"doc-1/en.md": TEXT_2}, "2024-01-04T09:00:00+00:00")
    db_path = tmp_path / "versions.db"
    built = _versions_in(code, "build", "--corpus", corpus, "--db", db_path)
    assert built.returncode == 0, built.stderr
    assert _subjects(db_path)["revisions"] == ["Corpus", "Raid"]
    logged = _versions_in(code, "log", "doc-1/en", "--corpus", corpus)
    assert logged.stdout.startswith("doc-1/en: 2 revisions") and "Raid" in logged.stdout
    assert git(corpus, "status", "--porcelain") == ""  # nothing written into the corpus


def _versions_in(folder: Path, *args) -> subprocess.CompletedProcess:
    """``versions ARGS`` run from ``folder`` (this package's code, wherever the test runs from)."""
    env = {**os.environ, "PYTHONPATH": str(Path(versions.__file__).parents[1])}
    return subprocess.run([sys.executable, "-m", "versions.cli", *map(str, args)], cwd=folder, capture_output=True,
                          text=True, env=env)
