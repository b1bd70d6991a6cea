"""Revisions of a version: every committed state of its file in git, plus the working tree when it differs.

Where the revisions come from
    ``git log --follow`` of the version file, oldest first: commit, author date, author, message, and the file's
    content at that commit, parsed with the corpus's own front-matter rules. Git is not asked once per file: the log
    of the corpus folder is read once per repository state (renames and copies found as ``--follow`` finds them) and
    contents come from one long-lived ``git cat-file --batch``; a file whose history has merges or comes from outside
    the corpus folder gets its own ``git log --follow``. Outside a repository no git process is started.
    When the file in the working tree differs from its last commit, its state is one more revision marked
    ``uncommitted``. A file git does not track, a corpus outside any repository, or no ``git`` at all: one revision
    (``untracked`` / ``unversioned``) with a ``note`` saying why. Nothing here raises for a repository in a strange
    state; what could not be done is said in a note.

What is said in notes
    - a rename: ``renamed from translations/doc/old.md`` on the revision whose commit renamed it (``--follow``);
    - a copy: when git finds the file was made as a copy of another (``created as a copy of ...``), its history
      starts there; the other file's past is not this version's;
    - a shallow clone: on the oldest revision whose commit is a shallow boundary, that earlier history is not in
      this clone; that revision is not diffed (what it changed is unknown);
    - a state that cannot be read (not UTF-8, no front matter, empty): the revision is kept, with the reason.

How a revision is compared with the one before
    Paragraph by paragraph, not as one body. Paragraphs whose text is identical are matched first (a sequence match
    on paragraph hashes); only the stretches in between are aligned, with the same-language aligner of
    ``versions.align`` (so a split, a merge or a rewritten paragraph is one change, not a deletion plus an insertion),
    and each aligned unit gets the word diff of ``versions.diff`` (no normalization: in a history every character
    counts). An identical paragraph that changed place is a ``moved`` change. This (1) gives the number of paragraphs
    a revision changed directly, (2) stores nothing for the unchanged paragraphs, so a typo fixed in a long text
    costs one small row, and (3) keeps an edit from being smeared over its neighbours by the semantic cleanup of a
    whole-body diff. The first revision is compared with nothing: every paragraph is ``inserted``.

Rows (``history_rows``, tables ``revisions`` and ``revision_diffs``)
    One ``revisions`` row per revision with its counts (``changed_paragraphs`` ...) and ``summary``; one
    ``revision_diffs`` row per paragraph change of a revision against the one before. Nothing is repeated that the
    database already holds: a first revision (all insertions) has no ``revision_diffs`` rows, and ``body`` is NULL
    where it is the version's current text; ``stored_revision_text`` reads either case back.

Ids: a revision is ``<document>/<version>@<n>`` with n counting from 1, oldest first; a change is
``<revision>/<k>``.
"""

from __future__ import annotations

import atexit
import bisect
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .align import align
from .diff import DELETE, EQUAL, INSERT, WordDiff, count_words, diff_sequences, word_diff
from .errors import CorpusError
from .ids import slug_problem
from .segment import Paragraph, split_body
from .text import decode

COMMITTED, UNCOMMITTED, UNTRACKED, UNVERSIONED = "committed", "uncommitted", "untracked", "unversioned"
CHANGE_KINDS = ("modified", "inserted", "deleted", "moved")
GIT_TIMEOUT = 60

_RECORD, _FIELD = "\x1e", "\x1f"
_LOG_FORMAT = "%x1e%H%x1f%aI%x1f%an%x1f%B%x1f"
_REVISION_REF = re.compile(r"(?P<version>[^@]+)@(?P<rev>[^@]+)\Z")


class HistoryError(ValueError):
    """A revision asked for that does not exist (the message says which ones do)."""


@dataclass(frozen=True)
class Revision:
    document_id: str
    version_id: str
    n: int  # from 1, oldest first
    status: str  # committed | uncommitted | untracked | unversioned
    commit: str | None  # full hash; None unless committed
    date: str | None  # author date, ISO 8601 with offset; None unless committed
    author: str | None
    message: str | None
    path: str  # the file at this revision: relative to the repository for git, else as given
    note: str | None
    readable: bool  # False: the state could not be parsed (see note); body is then empty
    front_matter: str | None
    body: str
    leading: str
    paragraphs: tuple[Paragraph, ...]
    boundary: bool = False  # the oldest commit of a shallow clone: what came before is not known

    @property
    def key(self) -> str:
        return f"{self.document_id}/{self.version_id}@{self.n}"

    @property
    def subject(self) -> str | None:
        return self.message.strip().split("\n", 1)[0] if self.message else None

    @property
    def short(self) -> str:
        return self.commit[:10] if self.commit else self.status


@dataclass(frozen=True)
class ParagraphChange:
    kind: str  # modified | inserted | deleted | moved
    old: tuple[int, ...]  # paragraph numbers (from 1) in the previous revision
    new: tuple[int, ...]  # paragraph numbers (from 1) in this revision
    diff: WordDiff  # old text -> new text (the paragraphs of each side joined by a blank line)


@dataclass
class RevisionDiff:
    revision: Revision
    previous: Revision | None  # None for the first revision: compared with an empty text
    changes: list[ParagraphChange]

    def count(self, kind: str) -> int:
        return sum(change.kind == kind for change in self.changes)

    @property
    def changed(self) -> int:
        """Paragraphs changed: one per aligned unit that differs (a merge of two paragraphs counts once)."""
        return len(self.changes)

    @property
    def words(self) -> tuple[int, int, int]:
        """Words inserted, deleted and replaced over all changes."""
        return (
            sum(c.diff.inserted for c in self.changes),
            sum(c.diff.deleted for c in self.changes),
            sum(c.diff.replaced for c in self.changes),
        )

    def summary(self) -> str:
        if self.previous is None:
            return f"created, {_plural(len(self.changes), 'paragraph')}" if self.changes else "created, no text"
        if not self.changes:
            return "no paragraph changed"
        details = [f"{self.count(kind)} {kind}" for kind in CHANGE_KINDS if self.count(kind)]
        return f"{_plural(self.changed, 'paragraph')} changed ({', '.join(details)})"


@dataclass
class VersionHistory:
    document_id: str
    version_id: str
    path: Path
    revisions: list[Revision] = field(default_factory=list)  # oldest first
    diffs: list[RevisionDiff | None] = field(default_factory=list)  # one per revision; None where not comparable
    repository: Path | None = None
    shallow: bool = False
    current_body: str | None = None  # the body of the version as loaded from the corpus, if given

    @property
    def key(self) -> str:
        return f"{self.document_id}/{self.version_id}"

    def diff_of(self, revision: Revision) -> RevisionDiff | None:
        return self.diffs[revision.n - 1]

    def find(self, rev: str | int) -> Revision:
        return find_revision(self.revisions, rev, self.key)

    def to_json(self) -> dict:
        """The revisions, newest first, as ``versions log --json`` prints them."""
        revisions = []
        for revision in reversed(self.revisions):
            diff = self.diff_of(revision)
            revisions.append({
                "id": revision.key, "n": revision.n, "status": revision.status, "commit": revision.commit,
                "date": revision.date, "author": revision.author, "subject": revision.subject, "note": revision.note,
                "path": revision.path, "paragraphs": len(revision.paragraphs),
                "changed_paragraphs": diff.changed if diff else None, "summary": diff.summary() if diff else None,
            })
        return {"version": self.key, "shallow": self.shallow, "revisions": revisions}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- public functions --------------------------------------------------------------------------------------------------


def version_history(
    path: Path,
    document_id: str | None = None,
    version_id: str | None = None,
    encoding: str | None = None,
    known=None,
) -> VersionHistory:
    """Every revision of the version file at ``path``, each with its diff against the one before.

    ``known``: the ``versions.corpus.Version`` already read from that file; a revision with the same body reuses its
    paragraphs instead of splitting the text again."""
    path = Path(path)
    document_id = document_id or path.parent.name
    version_id = version_id or path.stem
    history = VersionHistory(document_id, version_id, path, current_body=known.body if known is not None else None)
    states = _states(path, encoding, history)
    history.revisions = [
        _revision(document_id, version_id, n, state, encoding, known) for n, state in enumerate(states, start=1)
    ]
    language = _language(history.revisions)
    previous: Revision | None = None
    for revision in history.revisions:
        if not revision.readable or revision.boundary or (previous is not None and not previous.readable):
            history.diffs.append(None)
        else:
            history.diffs.append(RevisionDiff(revision, previous, compare(previous, revision, language)))
        previous = revision
    return history


def document_history(
    corpus_root: Path, document_id: str, version_id: str | None = None, encoding: str | None = None
) -> list[VersionHistory]:
    """The histories of one version (``version_id``) or of every version file of a document, by file name."""
    folder = _document_folder(Path(corpus_root), document_id)
    if version_id is not None:
        return [version_history(_version_file(folder, version_id), document_id, version_id, encoding)]
    paths = sorted(p for p in folder.glob("*.md") if p.is_file() and not p.name.startswith("."))
    return [version_history(p, document_id, p.stem, encoding) for p in paths if not slug_problem(p.stem)]


def get_revision(
    corpus_root: Path, document_id: str, version_id: str, rev: str | int, encoding: str | None = None
) -> Revision:
    """One revision: ``rev`` is its number (``3``; ``-1`` the latest), a commit hash or prefix (at least 4 hex
    digits), ``latest``/``HEAD`` or ``uncommitted``. Raises ``HistoryError`` naming the revisions that exist."""
    folder = _document_folder(Path(corpus_root), document_id)
    states = _states(_version_file(folder, version_id), encoding, None)
    revisions = [_revision(document_id, version_id, n, state, encoding) for n, state in enumerate(states, start=1)]
    return find_revision(revisions, rev, f"{document_id}/{version_id}")


def revision_text(
    corpus_root: Path, document_id: str, version_id: str, rev: str | int, encoding: str | None = None
) -> str:
    """The body (the text after the front matter) of a version at a revision, exactly as in its file then.
    ``rev`` as for ``get_revision``; raises ``HistoryError`` for an unknown or unreadable revision."""
    revision = get_revision(corpus_root, document_id, version_id, rev, encoding)
    if not revision.readable:
        raise HistoryError(f"{revision.key} cannot be read: {revision.note}")
    return revision.body


def parse_revision_ref(ref: str) -> tuple[str, str, str]:
    """``DOC/VERSION@REV`` -> (document id, version id, rev); raises ``HistoryError`` with the expected form."""
    document_id, _, rest = ref.partition("/")
    match = _REVISION_REF.match(rest)
    if not document_id or not match:
        raise HistoryError(f"{ref!r} is not a revision reference such as telegram-23256/wilson-en@2")
    for value in (document_id, match["version"]):
        if reason := slug_problem(value):
            raise HistoryError(reason)
    return document_id, match["version"], match["rev"]


def find_revision(revisions: list[Revision], rev: str | int, key: str = "") -> Revision:
    wanted = str(rev).strip()
    if not revisions:
        raise HistoryError(f"{key} has no revisions")
    if wanted.lower() in ("latest", "head"):
        return revisions[-1]
    if wanted.lower() in (UNCOMMITTED, "working", "worktree"):
        found = [r for r in revisions if r.status != COMMITTED]
        if found:
            return found[-1]
        raise HistoryError(f"{key} has no uncommitted changes")
    if re.fullmatch(r"-?\d{1,6}", wanted):
        n = int(wanted)
        index = n - 1 if n > 0 else len(revisions) + n
        if 0 <= index < len(revisions) and n != 0:
            return revisions[index]
        raise HistoryError(f"{key} has revisions 1 to {len(revisions)}, not {wanted}")
    if re.fullmatch(r"[0-9a-fA-F]{4,40}", wanted):
        found = [r for r in revisions if r.commit and r.commit.startswith(wanted.lower())]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise HistoryError(f"commit {wanted} is ambiguous in {key}: " + ", ".join(r.short for r in found))
        raise HistoryError(f"no revision of {key} comes from commit {wanted}")
    raise HistoryError(
        f"{wanted!r} is not a revision: give a number (1 to {len(revisions)}), a commit hash, 'latest' or 'uncommitted'"
    )


def compare(previous: Revision | None, revision: Revision, language: str | None = None) -> list[ParagraphChange]:
    """The paragraph changes from ``previous`` (None: an empty text) to ``revision``."""
    old = list(previous.paragraphs) if previous else []
    return compare_paragraphs(old, list(revision.paragraphs), language)


def _changed_stretches(old: list[Paragraph], new: list[Paragraph]):
    """(i1, i2, j1, j2) for each stretch where the paragraph sequences differ, by diff-match-patch over hashes."""
    i = j = 0
    stretch: list[int] | None = None
    for op, count in diff_sequences([p.hash for p in old], [p.hash for p in new]):
        if op == EQUAL:
            if stretch:
                yield tuple(stretch)
                stretch = None
            i, j = i + count, j + count
            continue
        stretch = stretch or [i, i, j, j]
        if op == DELETE:
            i += count
            stretch[1] = i
        else:
            j += count
            stretch[3] = j
    if stretch:
        yield tuple(stretch)


def compare_paragraphs(old: list[Paragraph], new: list[Paragraph], language: str | None = None) -> list[ParagraphChange]:
    changes: list[ParagraphChange] = []
    for i1, i2, j1, j2 in _changed_stretches(old, new):
        if i1 == i2 or j1 == j2:
            changes += [_change("deleted", [p], []) for p in old[i1:i2]]
            changes += [_change("inserted", [], [p]) for p in new[j1:j2]]
        else:
            changes += _aligned_changes(old[i1:i2], new[j1:j2], language)
    return _find_moves(changes)


def history_fingerprint(folder: Path) -> str:
    """What, besides the files themselves, makes a document's history change: the last commit touching the folder
    (a commit, an amend, a rebase), whether the clone is shallow and where. Empty outside git. Meant to be mixed into
    the document's content hash so that a build notices new revisions even when the files did not change."""
    folder = Path(folder)
    top = _toplevel(folder)
    if top is None:
        return ""
    try:
        last = _git(top, "log", "-1", "--format=%H", "--", str(folder.resolve().relative_to(top))).strip()
    except (_GitFailed, ValueError):
        return ""
    return f"git:{last}:shallow:{_shallow_digest(top)}"


def history_fingerprints(corpus_root: Path, document_ids) -> dict[str, str]:
    """``history_fingerprint`` of many document folders of one corpus with one ``git log`` (read only until every
    folder has been seen), for a corpus loader that hashes every document on every build."""
    root = Path(corpus_root)
    wanted = set(document_ids)
    top = _toplevel(root) if root.is_dir() else None
    if top is None or not wanted:
        return dict.fromkeys(wanted, "")
    prefix = root.resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    shallow = _shallow_digest(top)
    found: dict[str, str] = {}
    command = ["git", "-c", "core.quotepath=off", "-C", str(top), "log", "--format=%x1e%H", "-z", "--name-only",
               "--no-renames", "--", prefix or "."]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_git_env())
    except OSError:
        return dict.fromkeys(wanted, "")
    commit, pending = "", b""
    try:
        while len(found) < len(wanted):
            chunk = process.stdout.read(65536)
            if not chunk:
                break
            *tokens, pending = (pending + chunk).split(b"\0")
            for token in tokens:
                text = token.decode("utf-8", "replace").lstrip("\n")
                if text.startswith(_RECORD):
                    commit = text[1:]
                elif text.startswith(prefix):
                    folder = text[len(prefix):].split("/", 1)[0]
                    if folder in wanted and folder not in found:
                        found[folder] = commit
    finally:
        process.kill()
        process.wait()
    return {doc: f"git:{found.get(doc, '')}:shallow:{shallow}" for doc in wanted}


# --- rows for the store -----------------------------------------------------------------------------------------------


def history_rows(histories: list[VersionHistory]) -> tuple[list[dict], list[dict]]:
    """Rows for the ``revisions`` and ``revision_diffs`` tables."""
    revisions, changes = [], []
    for history in histories:
        for revision, diff in zip(history.revisions, history.diffs):
            revisions.append(_revision_row(history, revision, diff))
            changes.extend(_change_rows(history, revision, diff))
    return revisions, changes


def _revision_row(history: VersionHistory, revision: Revision, diff: RevisionDiff | None) -> dict:
    doc, version = history.document_id, history.key
    words = diff.words if diff else (None, None, None)
    return {
        "id": revision.key,
        "document_id": doc,
        "version_id": version,
        "n": revision.n,
        "status": revision.status,
        "commit_hash": revision.commit,
        "date": revision.date,
        "author": revision.author,
        "subject": revision.subject,
        "message": revision.message,
        "path": revision.path,
        "note": revision.note,
        "readable": revision.readable,
        "front_matter": revision.front_matter,
        "leading": revision.leading,
        # NULL when the text is the version's current text (rebuilt from paragraphs: store.version_text), so a
        # corpus outside git is not stored twice
        "body": None if revision.body == history.current_body else revision.body,
        "paragraph_count": len(revision.paragraphs),
        "word_count": sum(count_words(p.text) for p in revision.paragraphs),
        "previous_revision_id": f"{version}@{revision.n - 1}" if revision.n > 1 else None,
        "latest": revision.n == len(history.revisions),
        "compared": diff is not None,
        "changed_paragraphs": diff.changed if diff else None,
        "modified_paragraphs": diff.count("modified") if diff else None,
        "inserted_paragraphs": diff.count("inserted") if diff else None,
        "deleted_paragraphs": diff.count("deleted") if diff else None,
        "moved_paragraphs": diff.count("moved") if diff else None,
        "words_inserted": words[0],
        "words_deleted": words[1],
        "words_replaced": words[2],
        "summary": diff.summary() if diff else None,
    }


def _change_rows(history: VersionHistory, revision: Revision, diff: RevisionDiff | None):
    if diff is None or diff.previous is None:
        return  # a first revision is all insertions: its text is the change, no rows repeat it
    for k, change in enumerate(diff.changes, start=1):
        yield {
            "id": f"{revision.key}/{k}",
            "revision_id": revision.key,
            "document_id": history.document_id,
            "version_id": history.key,
            "k": k,
            "kind": change.kind,
            "old_paragraphs": json.dumps(list(change.old)),
            "new_paragraphs": json.dumps(list(change.new)),
            **change.diff.to_row(),
        }


def change_diff(row: dict) -> WordDiff:
    """The ``WordDiff`` of a ``revision_diffs`` row (for ``versions.diff.render_html``); no normalization applies."""
    return WordDiff(
        ops=[(op, text) for op, text in json.loads(row["ops"])],
        muted=json.loads(row["muted"]),
        similarity=row["similarity"],
        inserted=row["inserted"],
        deleted=row["deleted"],
        replaced=row["replaced"],
    )


def stored_revision_text(conn, revision_id: str) -> str | None:
    """The body of a revision from a built database (``sqlite3.Connection``); None if there is no such revision.

    ``revisions.body`` is NULL where the revision reads exactly like the version's current text; that text is then
    rebuilt from the version's paragraphs."""
    row = conn.execute("select body, version_id from revisions where id = ?", [revision_id]).fetchone()
    if row is None:
        return None
    body, version_id = row
    if body is not None:
        return body
    (leading,) = conn.execute("select leading from versions where id = ?", [version_id]).fetchone()
    texts = conn.execute("select text, separator from paragraphs where version_id = ? order by n", [version_id])
    return leading + "".join(text + separator for text, separator in texts)


# --- comparing ----------------------------------------------------------------------------------------------------------


def _joined(paragraphs: list[Paragraph]) -> str:
    return "\n\n".join(p.text for p in paragraphs)


def _change(kind: str, old: list[Paragraph], new: list[Paragraph]) -> ParagraphChange:
    a, b = _joined(old), _joined(new)
    diff = word_diff(a, b) if a and b else _one_sided(a, b)
    return ParagraphChange(kind, tuple(p.n for p in old), tuple(p.n for p in new), diff)


def _one_sided(a: str, b: str) -> WordDiff:
    """What ``word_diff`` gives when one side is empty, without the diff machinery (a first revision is all
    insertions: thousands of paragraphs)."""
    text, op = (b, INSERT) if b else (a, DELETE)
    words = count_words(text)
    return WordDiff(
        ops=[(op, text)] if text else [],
        muted=[],
        similarity=0.0 if text else 1.0,
        inserted=words if op == INSERT else 0,
        deleted=words if op == DELETE else 0,
        replaced=0,
    )


def _aligned_changes(old: list[Paragraph], new: list[Paragraph], language: str | None) -> list[ParagraphChange]:
    """Align a stretch of differing paragraphs (beads come ordered along the old text) and diff each bead."""
    if len(old) == 1 and len(new) == 1:
        return [_change("modified", old, new)]
    changes = []
    for bead in align([p.text for p in old], [p.text for p in new], language, language):
        a, b = [old[i] for i in bead.a], [new[j] for j in bead.b]
        changes.append(_change("modified" if a and b else ("deleted" if a else "inserted"), a, b))
    return changes


def _find_moves(changes: list[ParagraphChange]) -> list[ParagraphChange]:
    """A deleted and an inserted paragraph with the same text are one paragraph that moved."""
    deleted = {}
    for index, change in enumerate(changes):
        if change.kind == "deleted":
            deleted.setdefault(change.diff.text_a, []).append(index)
    moved_from: dict[int, int] = {}
    for index, change in enumerate(changes):
        if change.kind == "inserted" and deleted.get(change.diff.text_b):
            moved_from[index] = deleted[change.diff.text_b].pop(0)
    if not moved_from:
        return changes
    sources = set(moved_from.values())
    result = []
    for index, change in enumerate(changes):
        if index in sources:
            continue
        if index in moved_from:
            source = changes[moved_from[index]]
            change = ParagraphChange("moved", source.old, change.new, word_diff(source.diff.text_a, change.diff.text_b))
        result.append(change)
    return result


def _language(revisions: list[Revision]) -> str | None:
    for revision in reversed(revisions):
        if revision.front_matter:
            match = re.search(r"^language:\s*['\"]?([a-z]{2,3})\b", revision.front_matter, re.MULTILINE)
            if match:
                return match.group(1)
    return None


# --- states of the file --------------------------------------------------------------------------------------------------


@dataclass
class _State:
    status: str
    path: str
    data: bytes | None
    commit: str | None = None
    date: str | None = None
    author: str | None = None
    message: str | None = None
    notes: list[str] = field(default_factory=list)
    boundary: bool = False


def _states(path: Path, encoding: str | None, history: VersionHistory | None) -> list[_State]:
    """The states of the file, oldest first; never raises for git trouble (it becomes a note)."""
    working = _read_bytes(path)
    repository = _repository(path.parent) if path.parent.is_dir() else None
    if repository is None:
        note = "not in a git repository: the file as it is now is the only revision"
        if _which("git") is None:
            note = "git is not installed: the file as it is now is the only revision"
        return [_State(UNVERSIONED, str(path), working, notes=[note])]
    top = repository.top
    if history is not None:
        history.repository = top
    resolved = path.resolve()
    relative = resolved.relative_to(top).as_posix()
    try:
        shallow = _shallow_commits(top)
        if history is not None:
            history.shallow = bool(shallow)
        log = _corpus_log(repository, _scope(resolved, top))
        states = _states_from_log(log, relative)
        if states is None:  # a merge, or a rename from outside what the log read: ask git about this one file
            states = _followed_states(top, relative)
        states = _finish_committed(top, states, shallow)
    except _GitFailed as failure:
        return [_State(UNVERSIONED, relative, working, notes=[f"git failed, history not read: {failure}"])]
    if not states:
        tracked = _is_in_index(repository, log.scope, relative)
        note = "added to git but not yet committed" if tracked else "not tracked by git"
        return [_State(UNCOMMITTED if tracked else UNTRACKED, relative, working, notes=[note])]
    if working is None:
        states[-1].notes.append("the file is missing from the working tree")
    elif not _same_text(states[-1].data, working, encoding):
        states.append(_State(UNCOMMITTED, relative, working, notes=["changes in the working tree, not yet committed"]))
    return states


def _scope(resolved: Path, top: Path) -> str:
    """The folder whose log is read for a version file: its corpus (the folder above its document's folder), or the
    whole repository when that is above it; as a pathspec relative to the repository, "" for all of it."""
    corpus = resolved.parent.parent
    if corpus == top or top not in corpus.parents:
        return ""
    return corpus.relative_to(top).as_posix() + "/"


def _followed_states(top: Path, relative: str) -> list[_State]:
    """The committed states of one file, newest first, from its own ``git log --follow`` (contents not read)."""
    output = _git(top, "log", "--follow", "-z", "--name-status", f"--format={_LOG_FORMAT}", "--", relative)
    states: list[_State] = []
    current = relative
    for record in output.split(_RECORD)[1:]:
        parts = record.split(_FIELD, 4)
        if len(parts) < 5:
            continue
        commit, date, author, message = parts[0], parts[1], parts[2], parts[3]
        names = [token for token in parts[4].strip("\0\n").split("\0") if token]
        names = [token.lstrip("\n") for token in names]
        state = _State(COMMITTED, current, None, commit, date, author, message.rstrip("\n"))
        if names and names[0][:1] == "C" and len(names) >= 3:
            # A file made as a copy of another one starts here: the other file's past is not this version's.
            state.path = names[2]
            state.notes.append(f"created as a copy of {names[1]}")
            states.append(state)
            break
        if names and names[0][:1] == "R" and len(names) >= 3:
            old, new = names[1], names[2]
            state.path = new
            state.notes.append(f"renamed from {old}")
            current = old
        elif len(names) >= 2:
            state.path = names[1]
            current = names[1]
            if names[0] == "D":
                state.notes.append("deleted in this commit")
        states.append(state)
    return states


def _states_from_log(log: "_CorpusLog", relative: str) -> list[_State] | None:
    """The committed states of one file, newest first, as ``git log --follow`` gives them, from the log of its corpus
    read once; None when that log cannot say (history that is not linear, or that goes on outside the corpus)."""
    if not log.linear:
        return None
    states: list[_State] = []
    current, position = relative, -1  # only commits older than ``position`` (later in the log) are left
    while True:
        if not current.startswith(log.scope):
            return None
        touching = log.paths.get(current, ())
        found = bisect.bisect_right(touching, (position, "\U0010ffff"))
        if found == len(touching):
            return states
        position, status = touching[found]
        commit, date, author, message = log.commits[position]
        state = _State(COMMITTED, current, None, commit, date, author, message)
        if status == "A":  # where --follow looks for a rename or a copy the file was made from
            source = log.sources.get((position, current))
            if source and source[0] == "C":
                state.notes.append(f"created as a copy of {source[1]}")
                states.append(state)
                return states
            if source and source[0] == "R":
                state.notes.append(f"renamed from {source[1]}")
                current = source[1]
        elif status == "D":
            state.notes.append("deleted in this commit")
        states.append(state)


def _finish_committed(top: Path, states: list[_State], shallow: set[str]) -> list[_State]:
    """Newest-first states -> oldest first, with their contents and the shallow-clone note."""
    states.reverse()
    _read_contents(top, states)
    if states and states[0].commit in shallow:
        states[0].boundary = True
        states[0].notes.append(
            "shallow clone: the history before this commit is not in this clone, so what this revision changed is not "
            "known (fetch with --unshallow to see it)"
        )
    return [s for s in states if not (s.data is None and "deleted in this commit" in s.notes)]


def _read_contents(top: Path, states: list[_State]) -> None:
    if not states:
        return
    reader = _cat_file(top)
    for state in states:
        state.data = reader.blob(f"{state.commit}:{state.path}")
        if state.data is None:
            state.notes.append(f"{state.path} is not in commit {state.commit[:10]}")


def _revision(document_id: str, version_id: str, n: int, state: _State, encoding: str | None, known=None) -> Revision:
    notes = list(state.notes)
    readable, front, body = False, None, ""
    if state.data is None:
        notes.append("no content")
    else:
        try:
            text = decode(state.data, state.path, encoding)
        except CorpusError as error:
            notes.append("cannot be read: " + "; ".join(p.message for p in error.problems))
        else:
            from .corpus import _split_front_matter  # here, so that corpus.py may import this module

            problems: list = []
            split = _split_front_matter(text, state.path, problems)
            if split is None:
                notes.append("no front matter at this revision; the whole file is taken as the body")
                front, body, first_line = None, text, 1
            else:
                front, body, first_line = split
            readable = True
    if not readable:
        leading, paragraphs = "", []
    elif known is not None and known.body == body:
        leading, paragraphs = known.leading, known.paragraphs
    else:
        leading, paragraphs = split_body(body, first_line)
    return Revision(
        document_id=document_id,
        version_id=version_id,
        n=n,
        status=state.status,
        commit=state.commit,
        date=state.date,
        author=state.author,
        message=state.message,
        path=state.path,
        note="; ".join(notes) or None,
        readable=readable,
        front_matter=front,
        body=body,
        leading=leading,
        paragraphs=tuple(paragraphs),
        boundary=state.boundary,
    )


def _same_text(committed: bytes | None, working: bytes, encoding: str | None) -> bool:
    if committed is None:
        return False
    if committed == working:
        return True
    try:  # equal after the text rules (CRLF, BOM, NFC) counts as no change, as it reads the same
        return decode(committed, "", encoding) == decode(working, "", encoding)
    except CorpusError:
        return False


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _document_folder(root: Path, document_id: str) -> Path:
    if reason := slug_problem(document_id):
        raise HistoryError(f"document {reason}")
    folder = root / document_id
    if not folder.is_dir():
        raise HistoryError(f"no document {document_id!r} in {root}")
    return folder


def _version_file(folder: Path, version_id: str) -> Path:
    if reason := slug_problem(version_id):
        raise HistoryError(f"version {reason}")
    path = folder / f"{version_id}.md"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.md"))) or "none"
        raise HistoryError(f"no version {version_id!r} in {folder} (versions: {known})")
    return path


# --- git ----------------------------------------------------------------------------------------------------------------


class _GitFailed(Exception):
    pass


def _which(name: str) -> str | None:
    return shutil.which(name)


def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"})
    return env


def _git_bytes(cwd: Path, *args: str, input: bytes | None = None) -> bytes:
    command = ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", "-C", str(cwd), *args]
    try:
        result = subprocess.run(
            command, input=input, capture_output=True, env=_git_env(), timeout=GIT_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise _GitFailed(str(error)) from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise _GitFailed(message[-1] if message else f"git {args[0]} exited with {result.returncode}")
    return result.stdout


def _git(cwd: Path, *args: str) -> str:
    return _git_bytes(cwd, *args).decode("utf-8", "replace")


# What is asked of git is asked once per process and repository state, not once per version file: where the
# repository is (found by looking for ``.git`` upwards, so outside git no process is started at all), the log of the
# corpus folder with the files each commit touched (one ``git log``, kept while HEAD, the refs and the shallow list
# stay the same), and file contents at a commit (one long-lived ``git cat-file --batch``). Worker processes of a build
# each keep their own; the caches know the process they were made in.


@dataclass(frozen=True)
class _Repository:
    top: Path
    git_dir: Path
    common_dir: Path
    shallow_file: Path


@dataclass
class _CorpusLog:
    key: tuple
    scope: str  # pathspec prefix relative to the repository ("" for all of it), ending in "/"
    commits: list[tuple[str, str, str, str]]  # (hash, author date, author, message), newest first
    paths: dict[str, list[tuple[int, str]]]  # path -> [(index in commits, status A/M/D/T)], newest first
    sources: dict[tuple[int, str], tuple[str, str]]  # (commit, added path) -> ("R" or "C", the path it came from)
    linear: bool  # no merge commit: what touched a file is just the commits that list it


_REPOSITORIES: dict[str, tuple[object, _Repository]] = {}
_LOGS: dict[tuple[str, str], _CorpusLog] = {}
_INDEXES: dict[tuple[str, str], tuple[object, frozenset[str]]] = {}
_CAT_FILES: dict[str, "_CatFile"] = {}
_LOCK = threading.RLock()
_LOG_FORMAT_PARENTS = "%x1e%H%x1f%P%x1f%aI%x1f%an%x1f%B%x1f"


def _stamp(path: Path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size


def _git_marker(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` holding a ``.git``, as git's discovery looks for it; None: git
    would not find a repository either (``GIT_DIR`` is not passed on to git here)."""
    current = Path(os.path.realpath(folder))
    while True:
        if os.path.lexists(current / ".git"):
            return current
        if current.parent == current:
            return None
        current = current.parent


def _repository(folder: Path) -> _Repository | None:
    marker = _git_marker(folder)
    if marker is None:
        return None
    stamp = _stamp(marker / ".git")
    stamp = stamp[:2] if stamp else None
    with _LOCK:
        cached = _REPOSITORIES.get(str(marker))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        lines = _git(folder, "rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir",
                     "--git-path", "shallow").splitlines()
    except _GitFailed:
        return None  # not cached: git may be installed or the repository repaired later
    if len(lines) < 4 or not lines[0]:
        return None
    here = Path(folder).resolve()
    git_dir = Path(lines[1])
    repository = _Repository(
        top=Path(lines[0]).resolve(),
        git_dir=git_dir,
        common_dir=(here / lines[2]).resolve(),
        shallow_file=(here / lines[3]).resolve(),
    )
    with _LOCK:
        _REPOSITORIES[str(marker)] = (stamp, repository)
    return repository


def _toplevel(folder: Path) -> Path | None:
    repository = _repository(folder)
    return repository.top if repository else None


def _head_key(repository: _Repository) -> tuple:
    """What the history of HEAD depends on, read from files (no process): HEAD, the ref it names, the packed refs,
    the shallow list, replacements and grafts. A ref update replaces its file, so its inode changes."""
    try:
        head = (repository.git_dir / "HEAD").read_text("utf-8", "replace").strip()
    except OSError:
        head = None
    common = repository.common_dir
    parts = [head, _stamp(common / "packed-refs"), _stamp(repository.shallow_file), _stamp(common / "refs/replace"),
             _stamp(common / "info/grafts"), _stamp(common / "reftable/tables.list")]
    if head and head.startswith("ref:"):
        ref = head[4:].strip()
        parts += [_stamp(common / ref), _stamp(repository.git_dir / ref)]
    return tuple(parts)


def _corpus_log(repository: _Repository, scope: str) -> _CorpusLog:
    """Every commit touching the corpus folder with the files it touched, read once per repository state."""
    key = _head_key(repository)
    with _LOCK:
        cached = _LOGS.get((str(repository.top), scope))
    if cached is not None and cached.key == key:
        return cached
    log = _read_corpus_log(repository.top, scope, key)
    with _LOCK:
        _LOGS[(str(repository.top), scope)] = log
    return log


def _tokens(text: str) -> list[str]:
    return [token.lstrip("\n") for token in text.strip("\0\n").split("\0") if token.lstrip("\n")]


def _read_corpus_log(top: Path, scope: str, key: tuple) -> _CorpusLog:
    output = _git(top, "log", "--no-renames", "-z", "--name-status", f"--format={_LOG_FORMAT_PARENTS}", "--",
                  scope or ".")
    log = _CorpusLog(key, scope, [], {}, {}, True)
    added: list[int] = []
    for record in output.split(_RECORD)[1:]:
        parts = record.split(_FIELD, 5)
        if len(parts) < 6:
            continue
        commit, parents, date, author, message = parts[:5]
        index = len(log.commits)
        log.commits.append((commit, date, author, message.rstrip("\n")))
        if len(parents.split()) > 1:
            log.linear = False
        tokens = _tokens(parts[5])
        has_added = False
        position = 0
        while position + 1 < len(tokens):
            status = tokens[position][:1]
            width = 3 if status in ("R", "C") else 2
            path = tokens[position + width - 1]
            log.paths.setdefault(path, []).append((index, status))
            has_added = has_added or status == "A"
            position += width
        if has_added:
            added.append(index)
    if added and log.linear:
        _find_sources(top, log, added)
    return log


def _find_sources(top: Path, log: _CorpusLog, added: list[int]) -> None:
    """Where the files added by these commits came from, as ``git log --follow`` looks for it: a rename or a copy of
    any file of the parent commit, inside the corpus or not (one ``git log --no-walk`` over those commits)."""
    commits = "".join(log.commits[index][0] + "\n" for index in added)
    output = _git_bytes(top, "log", "--no-walk=unsorted", "--stdin", "-M", "-C", "-C", "-z", "--name-status",
                        "--format=%x1e%H%x1f", input=commits.encode()).decode("utf-8", "replace")
    indexes = {log.commits[index][0]: index for index in added}
    for record in output.split(_RECORD)[1:]:
        commit, _, rest = record.partition(_FIELD)
        index = indexes.get(commit.strip())
        if index is None:
            continue
        tokens = _tokens(rest)
        position = 0
        while position + 1 < len(tokens):
            status = tokens[position][:1]
            if status in ("R", "C") and position + 2 < len(tokens):
                source, path = tokens[position + 1], tokens[position + 2]
                if path.startswith(log.scope):
                    log.sources[(index, path)] = (status, source)
                position += 3
            else:
                position += 2


class _CatFile:
    """One ``git cat-file --batch`` kept running: a file's content at a commit costs a line written and read."""

    def __init__(self, top: Path, key: tuple):
        self.key, self.pid = key, os.getpid()
        command = ["git", "-c", "core.quotepath=off", "-C", str(top), "cat-file", "--batch"]
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, env=_git_env())
        except OSError as error:
            raise _GitFailed(str(error)) from None

    def blob(self, spec: str) -> bytes | None:
        if "\n" in spec:
            return None
        try:
            self.process.stdin.write(spec.encode("utf-8", "surrogateescape") + b"\n")
            self.process.stdin.flush()
            header = self.process.stdout.readline()
            parts = header.split()
            if len(parts) != 3 or not parts[2].isdigit():
                if not header:
                    raise _GitFailed("git cat-file stopped")
                return None  # missing or ambiguous
            size = int(parts[2])
            data = self.process.stdout.read(size + 1)
        except (OSError, ValueError) as error:
            raise _GitFailed(f"git cat-file: {error}") from None
        if len(data) != size + 1:
            raise _GitFailed("git cat-file stopped")
        return data[:size] if parts[1] == b"blob" else None

    def close(self) -> None:
        if self.pid != os.getpid():
            return  # made in the process this one was forked from: its to close
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


def _cat_file(top: Path) -> "_CatFile":
    repository = _repository(top)
    key = _head_key(repository) if repository else ()
    with _LOCK:
        reader = _CAT_FILES.get(str(top))
        if reader is not None and (reader.pid != os.getpid() or reader.key != key or reader.process.poll() is not None):
            if reader.pid == os.getpid():
                reader.close()
            reader = None
        if reader is None:
            reader = _CAT_FILES[str(top)] = _CatFile(top, key)
        return reader


@atexit.register
def _close_cat_files() -> None:
    with _LOCK:
        for reader in _CAT_FILES.values():
            reader.close()
        _CAT_FILES.clear()


def _shallow_commits(top: Path) -> set[str]:
    repository = _repository(top)
    if repository is None:
        raise _GitFailed(f"{top} is not in a git repository")
    try:
        return set(repository.shallow_file.read_text().split())
    except OSError:
        return set()


def _shallow_digest(top: Path) -> str:
    try:
        commits = sorted(_shallow_commits(top))
    except _GitFailed:
        return ""
    return hashlib.sha256(" ".join(commits).encode()).hexdigest()[:16] if commits else "no"


def _is_in_index(repository: _Repository, scope: str, relative: str) -> bool:
    """Whether git's index lists the file (one ``git ls-files`` of the corpus folder per state of the index)."""
    key = (_stamp(repository.git_dir / "index"), _head_key(repository))
    with _LOCK:
        cached = _INDEXES.get((str(repository.top), scope))
    if cached is None or cached[0] != key:
        try:
            output = _git(repository.top, "ls-files", "--cached", "-z", "--", scope or ".")
        except _GitFailed:
            return False
        cached = (key, frozenset(name for name in output.split("\0") if name))
        with _LOCK:
            _INDEXES[(str(repository.top), scope)] = cached
    return relative in cached[1]


def version_histories(document, encoding: str | None = None) -> list[VersionHistory]:
    """The history of every version of a loaded ``versions.corpus.Document`` (its files as found at load time)."""
    return [
        version_history(Path(version.path), document.id, version.id, encoding, known=version)
        for version in document.versions
    ]
