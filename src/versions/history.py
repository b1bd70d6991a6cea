"""Revisions of a version: every committed state of its file in git, plus the working tree when it differs.

Where the revisions come from
    Every commit that changed the version file, merges included: commit, author date, author, message, and the file's
    content at that commit, parsed with the corpus's own front-matter rules (in the corpus's encoding). A commit on a
    merged branch is a revision of its own, credited to its author; a merge whose text differs from its first parent's
    is one too (what the merge took or resolved), and so is a merge that brought in such commits but kept its first
    parent's text. They come in the order they reached HEAD (a merge right after the commits it brought in), so the last
    one is the file as HEAD has it; renames and copies are found as ``--follow`` finds them. Git is not asked once per
    file: the log of the corpus folder is read once per repository state (that of the whole repository too, only for a
    file renamed from outside the corpus) and contents come from one long-lived ``git cat-file --batch``. Outside a
    repository no git process is started. When the file in the working tree differs from HEAD's, its state is one more
    revision marked ``uncommitted``. A file git does not track, a corpus outside any repository, or no ``git`` at all:
    one revision (``untracked`` / ``unversioned``) with a ``note`` saying why. Nothing here raises for a repository in a
    strange state; what could not be done is said in a note.

What is said in notes
    - a rename: ``renamed from translations/doc/old.md`` on the revision whose commit renamed it (``--follow``);
    - a copy: when git finds the file was made as a copy of another (``created as a copy of ...``), its history
      starts there; the other file's past is not this version's;
    - a shallow clone: on a revision whose commit is a shallow boundary, that earlier history is not in this clone;
      that revision is not diffed (what it changed is unknown);
    - a merge that kept its first parent's text while the commits it brought in changed the file;
    - a state that cannot be read (not UTF-8, no front matter, empty): the revision is kept, with the reason.

How a revision is compared with the one before
    The one before is the revision holding the file as the commit's first parent had it (``previous``), so a branch
    commit is compared with the state it started from, not with a commit made meanwhile on another branch; for the
    working tree, the last commit. Paragraph by paragraph, not as one body. Paragraphs whose text is identical are
    matched first (a sequence match on paragraph hashes); only the stretches in between are aligned, with the
    same-language aligner of ``versions.align`` (so a split, a merge or a rewritten paragraph is one change, not a
    deletion plus an insertion), and each aligned unit gets the word diff of ``versions.diff`` (no normalization: in a
    history every character counts). An identical paragraph that changed place is a ``moved`` change. This (1) gives the
    number of paragraphs a revision changed directly, (2) stores nothing for the unchanged paragraphs, so a typo fixed
    in a long text costs one small row, and (3) keeps an edit from being smeared over its neighbours by the semantic
    cleanup of a whole-body diff. A revision with nothing before it is compared with nothing: every paragraph is
    ``inserted``.

Rows (``history_rows``, tables ``revisions`` and ``revision_diffs``)
    One ``revisions`` row per revision with its counts (``changed_paragraphs`` ...) and ``summary``; one
    ``revision_diffs`` row per paragraph change of a revision against the one before. Nothing is repeated that the
    database already holds: a first revision (all insertions) has no ``revision_diffs`` rows, and ``body`` is NULL
    where it is the version's current text; ``stored_revision_text`` reads either case back.

Ids: a revision is ``<document>/<version>@<n>`` with n counting from 1, oldest first; a change is
``<revision>/<k>``.
"""

from __future__ import annotations

import json
import re
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from . import git
from .align import align
from .diff import DELETE, EQUAL, INSERT, WordDiff, count_words, diff_sequences, word_diff
from .errors import CorpusError
from .ids import slug_problem
from .segment import Paragraph, split_body
from .text import decode

COMMITTED, UNCOMMITTED, UNTRACKED, UNVERSIONED = "committed", "uncommitted", "untracked", "unversioned"
CHANGE_KINDS = ("modified", "inserted", "deleted", "moved")

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
    boundary: bool = False  # a boundary commit of a shallow clone: what came before it is not known
    previous: int | None = None  # n of the revision holding the file as this one's first parent had it; None: new

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
    previous: Revision | None  # the revision compared with; None: nothing before it, compared with an empty text
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
    history.revisions = _revisions(document_id, version_id, _states(path, encoding, history), encoding, known)
    language = _language(history.revisions)
    for revision in history.revisions:
        previous = history.revisions[revision.previous - 1] if revision.previous else None
        if not revision.readable or revision.boundary or (previous is not None and not previous.readable):
            history.diffs.append(None)
        else:
            history.diffs.append(RevisionDiff(revision, previous, compare(previous, revision, language)))
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
    revisions = _revisions(document_id, version_id, states, encoding)
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
    (a commit, an amend, a rebase, a merge), whether the clone is shallow and where. Empty outside git. Meant to be
    mixed into the document's content hash so that a build notices new revisions even when the files did not
    change."""
    folder = Path(folder)
    return history_fingerprints(folder.parent, [folder.name])[folder.name]


def history_fingerprints(corpus_root: Path, document_ids) -> dict[str, str]:
    """``history_fingerprint`` of many document folders of one corpus with one ``git log`` (read only until every
    folder has been seen)."""
    return corpus_history(corpus_root, document_ids).fingerprints


@dataclass(frozen=True)
class CorpusHistory:
    """The ``history_fingerprint`` of document folders, and the commit HEAD named when they were read."""

    head: str | None
    fingerprints: dict[str, str]


def corpus_history(corpus_root: Path, document_ids, recorded: CorpusHistory | None = None) -> CorpusHistory:
    """The fingerprints of these folders. Given those ``recorded`` by the last build, only the commits since its HEAD
    are read (none if HEAD is where it was); after a rebase or a reset, a change of the shallow list, or for folders
    it did not record, the log is read from HEAD down until each folder has been seen."""
    root = Path(corpus_root)
    wanted = set(document_ids)
    top = git.toplevel(root) if root.is_dir() else None
    if top is None or not wanted:
        return CorpusHistory(None, dict.fromkeys(wanted, ""))
    prefix = root.resolve().relative_to(top).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    head, shallow = git.head_commit(top), git.shallow_digest(top)
    if head is None:  # an unborn branch: no history yet
        return CorpusHistory(None, dict.fromkeys(wanted, ""))
    known = _still_known(top, recorded, head, shallow)
    try:
        fingerprints = {doc: known[doc] for doc in wanted if doc in known}
        if fingerprints and recorded.head != head:
            since = _newest_touching(top, prefix, set(fingerprints), f"{recorded.head}..{head}")
            fingerprints |= {doc: f"git:{commit}:shallow:{shallow}" for doc, commit in since.items()}
        unknown = wanted - set(fingerprints)
        if unknown:
            found = _newest_touching(top, prefix, unknown, head)
            fingerprints |= {doc: f"git:{found.get(doc, '')}:shallow:{shallow}" for doc in unknown}
    except git.GitFailed:
        return CorpusHistory(None, dict.fromkeys(wanted, ""))
    return CorpusHistory(head, fingerprints)


def _still_known(top: Path, recorded: CorpusHistory | None, head: str | None, shallow: str) -> dict[str, str]:
    """The recorded fingerprints that the commits since still build on: HEAD moved only forward, same shallow list."""
    if recorded is None or recorded.head is None:
        return {}
    if recorded.head != head and not git.is_ancestor(top, recorded.head, head):
        return {}
    suffix = f":shallow:{shallow}"
    return {doc: fingerprint for doc, fingerprint in recorded.fingerprints.items() if fingerprint.endswith(suffix)}


def _newest_touching(top: Path, prefix: str, wanted: set[str], revisions: str) -> dict[str, str]:
    """The newest commit of ``revisions`` touching each wanted folder (git stops once each has been seen)."""
    found: dict[str, str] = {}
    with closing(git.log(top, *_HISTORY_OPTIONS, revisions, "--", prefix or ".")) as commits:
        for commit in commits:
            for change in commit.changes:
                folder = change.path.removeprefix(prefix).split("/", 1)[0]
                if folder in wanted:
                    found.setdefault(folder, commit.commit)
            if len(found) == len(wanted):
                break
    return found


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
        "previous_revision_id": f"{version}@{revision.previous}" if revision.previous else None,
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


@dataclass(eq=False)
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
    previous: "_State | None" = None  # the state this one is compared with: its first parent's, or the last commit's


def _states(path: Path, encoding: str | None, history: VersionHistory | None) -> list[_State]:
    """The states of the file, oldest first; never raises for git trouble (it becomes a note)."""
    working = _read_bytes(path)
    repository = git.find_repository(path.parent) if path.parent.is_dir() else None
    if repository is None:
        note = "not in a git repository: the file as it is now is the only revision"
        if git.which("git") is None:
            note = "git is not installed: the file as it is now is the only revision"
        return [_State(UNVERSIONED, str(path), working, notes=[note])]
    top = repository.top
    if history is not None:
        history.repository = top
    resolved = path.resolve()
    relative = resolved.relative_to(top).as_posix()
    try:
        shallow = git.shallow_commits(top)
        if history is not None:
            history.shallow = bool(shallow)
        log = _corpus_log(repository, _scope(resolved, top))
        states = _states_from_log(log, relative)
        if states is None:  # renamed from outside the corpus: the log of the whole repository says from where
            log = _corpus_log(repository, "")
            states = _states_from_log(log, relative)
        states = _finish_committed(top, states, shallow)
    except git.GitFailed as failure:
        return [_State(UNVERSIONED, relative, working, notes=[f"git failed, history not read: {failure}"])]
    if not states:
        tracked = git.is_in_index(repository, log.scope, relative)
        note = "added to git but not yet committed" if tracked else "not tracked by git"
        return [_State(UNCOMMITTED if tracked else UNTRACKED, relative, working, notes=[note])]
    if working is None:
        states[-1].notes.append("the file is missing from the working tree")
    elif not _same_text(states[-1].data, working, encoding):
        states.append(_State(UNCOMMITTED, relative, working, notes=["changes in the working tree, not yet committed"],
                             previous=states[-1]))
    return states


def _scope(resolved: Path, top: Path) -> str:
    """The folder whose log is read for a version file: its corpus (the folder above its document's folder), or the
    whole repository when that is above it; as a pathspec relative to the repository, "" for all of it."""
    corpus = resolved.parent.parent
    if corpus == top or top not in corpus.parents:
        return ""
    return corpus.relative_to(top).as_posix() + "/"


def _states_from_log(log: "_CorpusLog", relative: str) -> list[_State] | None:
    """The committed states of one file, oldest first, each compared with the state its first parent had, from the
    log of its corpus read once; None when its history goes on outside the corpus (a rename from elsewhere)."""
    states = _changing_commits(log, relative)
    if states is None:
        return None
    kept = _merges_keeping_first_parent(log, states)
    states |= kept
    for position, before in log.first_parent_previous(states).items():
        states[position].previous = states.get(before)
    for merge in kept.values():
        if merge.previous is None:  # the file was not in its first parent, so not in the merge either
            merge.path = relative
            merge.notes.append("deleted in this commit")
        else:
            merge.path = merge.previous.path
            merge.notes.append("a merge that kept its first parent's text of this file")
    return [states[position] for position in sorted(states)]


def _changing_commits(log: "_CorpusLog", relative: str) -> dict[int, _State] | None:
    """The commits that changed the file, by position in the log, under every name it had, renames and copies found
    as ``git log --follow`` finds them: a rename adds the name before it, where it is followed but after the rename
    (it may live on, on a branch merged later); a name is not followed before the rename or copy that made it (an
    older file of that name is another file). None when a name is outside the corpus."""
    found: dict[int, _State] = {}
    names = [relative]  # newest first, growing while walked
    left: dict[str, list[int]] = {relative: []}  # name -> the commits that renamed the file away from it
    for name in names:
        if not name.startswith(log.scope):
            return None
        touching = [(position, status) for position, status in log.paths.get(name, []) if position not in found]
        made = [position for position, status in touching if status == "A" and (position, name) in log.sources]
        for position, status in touching:
            if any(log.on_first_parent_line(position, of=at) for at in made if at != position):
                continue  # before the commit that made this file under this name
            if any(log.on_first_parent_line(at, of=position) for at in left[name] if at != position):
                continue  # after the commit that renamed the file away from this name
            state = found[position] = _committed_state(log.commits[position], name)
            if status == "A":
                how, source = log.sources.get((position, name), ("", ""))
                if how == "C":  # a file made as a copy of another: the other file's past is not its own
                    state.notes.append(f"created as a copy of {source}")
                elif how == "R":
                    state.notes.append(f"renamed from {source}")
                    if source not in left:
                        names.append(source)
                        left[source] = []
                    left[source].append(position)
            elif status == "D":
                state.notes.append("deleted in this commit")
    return found


def _merges_keeping_first_parent(log: "_CorpusLog", found: dict[int, _State]) -> dict[int, _State]:
    """The merges that brought in some of these commits but left the file as their first parent had it (so that
    the last state is the file as HEAD has it); their path is set once that parent's state is known."""
    kept: dict[int, _State] = {}
    for position in found:
        merge = log.brought_by[position]
        while merge is not None and merge not in found and merge not in kept:
            kept[merge] = _committed_state(log.commits[merge], "")
            merge = log.brought_by[merge]
    return kept


def _committed_state(commit: "git.Commit", path: str) -> _State:
    return _State(COMMITTED, path, None, commit.commit, commit.date, commit.author, commit.message)


def _finish_committed(top: Path, states: list[_State], shallow: set[str]) -> list[_State]:
    """The contents of the states and the shallow-clone note; deletions dropped (what followed one is new)."""
    _read_contents(top, states)
    for state in states:
        if state.commit in shallow:
            state.boundary = True
            state.notes.append(
                "shallow clone: the history before this commit is not in this clone, so what this revision changed is "
                "not known (fetch with --unshallow to see it)"
            )
    kept = [state for state in states if not _deletion(state)]
    for state in kept:
        if state.previous is not None and _deletion(state.previous):
            state.previous = None
    return kept


def _deletion(state: _State) -> bool:
    return state.data is None and "deleted in this commit" in state.notes


def _read_contents(top: Path, states: list[_State]) -> None:
    if not states:
        return
    reader = git.cat_file(top)
    for state in states:
        state.data = reader.blob(f"{state.commit}:{state.path}")
        if state.data is None:
            state.notes.append(f"{state.path} is not in commit {state.commit[:10]}")


def _revisions(document_id: str, version_id: str, states: list[_State], encoding: str | None, known=None):
    numbers = {id(state): n for n, state in enumerate(states, start=1)}
    return [
        _revision(document_id, version_id, n, state, encoding, known, state.previous and numbers[id(state.previous)])
        for n, state in enumerate(states, start=1)
    ]


def _revision(
    document_id: str, version_id: str, n: int, state: _State, encoding: str | None, known, previous: int | None
) -> Revision:
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
        previous=previous,
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


# The history of a corpus as its revisions need it: both sides of every merge walked (``--full-history``), so that a
# transcriber's commits on a merged branch stay theirs; a merge's changes are those against its first parent; parents
# are rewritten to the nearest commit listed (``--parents``). Renames are looked for apart (``_find_sources``).
_HISTORY_OPTIONS = ("--full-history", "--parents", "--diff-merges=first-parent", "--no-renames", "--name-status")


@dataclass
class _CorpusLog:
    """The log of a corpus folder, arranged for the revisions of its files.

    ``commits`` are in the order their changes reached HEAD, oldest first: each after its parents, and the commits a
    merge brings in from its other parents just before it. ``brought_by``: the innermost merge that brought a commit
    in (None on HEAD's line of first parents). ``spans``: each commit's entry and exit in a walk of the tree of first
    parents, so that a commit is on another's line of first parents when its span holds the other's entry."""

    key: tuple
    scope: str  # pathspec prefix relative to the repository ("" for all of it), ending in "/"
    commits: list[git.Commit]
    brought_by: list[int | None]  # positions in ``commits``, as everywhere here
    spans: list[tuple[int, int]]
    # path -> [(position, status A/M/D/T)], ascending
    paths: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # (position, added path) -> ("R" or "C", the path it came from)
    sources: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)

    def first_parent_previous(self, positions) -> dict[int, int | None]:
        """For each of these commits, the nearest other one of them on its line of first parents (None: none)."""
        previous: dict[int, int | None] = {}
        line: list[int] = []  # those whose spans hold the commit in hand, innermost last
        for position in sorted(positions, key=lambda p: self.spans[p][0]):
            entry = self.spans[position][0]
            while line and self.spans[line[-1]][1] <= entry:
                line.pop()
            previous[position] = line[-1] if line else None
            line.append(position)
        return previous

    def on_first_parent_line(self, position: int, of: int) -> bool:
        """Whether the commit at ``position`` is the one at ``of`` or on its line of first parents."""
        entry, exit = self.spans[position]
        return entry <= self.spans[of][0] < exit


_LOGS: dict[tuple[str, str], _CorpusLog] = {}


def _corpus_log(repository: git.Repository, scope: str) -> _CorpusLog:
    """Every commit touching the corpus folder with the files it touched, read once per repository state."""
    key = git.head_key(repository)
    with git.LOCK:
        cached = _LOGS.get((str(repository.top), scope))
    if cached is not None and cached.key == key:
        return cached
    log = _read_corpus_log(repository.top, scope, key)
    with git.LOCK:
        _LOGS[(str(repository.top), scope)] = log
    return log


def _read_corpus_log(top: Path, scope: str, key: tuple) -> _CorpusLog:
    commits, brought_by = _arrival_order(list(git.log(top, *_HISTORY_OPTIONS, "--", scope or ".")))
    positions = {commit.commit: position for position, commit in enumerate(commits)}
    first_parents = [positions.get(commit.parents[0]) if commit.parents else None for commit in commits]
    log = _CorpusLog(key, scope, commits, brought_by, _first_parent_spans(first_parents))
    added: list[int] = []
    for position, commit in enumerate(commits):
        for change in commit.changes:
            log.paths.setdefault(change.path, []).append((position, change.status))
        if any(change.status == "A" for change in commit.changes):
            added.append(position)
    if added:
        _find_sources(top, log, added)
    return log


def _arrival_order(newest_first: list[git.Commit]) -> tuple[list[git.Commit], list[int | None]]:
    """The commits in the order their changes reached HEAD (see ``_CorpusLog``), and the merge that brought each."""
    index = {commit.commit: i for i, commit in enumerate(newest_first)}
    parents = [[index.get(parent) for parent in commit.parents] for commit in newest_first]
    order: list[int] = []
    bringer: dict[int, int | None] = {}
    seen: set[int] = set()
    for start in range(len(newest_first)):  # HEAD's own line first: it is the first commit listed
        if start in seen:
            continue
        seen.add(start)
        stack: list[tuple[int, int, int | None]] = [(start, 0, None)]  # (commit, next parent to walk, its merge)
        while stack:
            node, slot, merge = stack.pop()
            if slot == len(parents[node]):
                order.append(node)
                bringer[node] = merge
                continue
            stack.append((node, slot + 1, merge))
            parent = parents[node][slot]
            if parent is not None and parent not in seen:
                seen.add(parent)
                stack.append((parent, 0, merge if slot == 0 else node))
    position = {node: p for p, node in enumerate(order)}
    return [newest_first[node] for node in order], [position.get(bringer[node]) for node in order]


def _first_parent_spans(first_parents: list[int | None]) -> list[tuple[int, int]]:
    """Each commit's (entry, exit) in a depth-first walk of the tree its first parents make (see ``_CorpusLog``)."""
    children: list[list[int]] = [[] for _ in first_parents]
    for child, parent in enumerate(first_parents):
        if parent is not None:
            children[parent].append(child)
    spans = [(0, 0)] * len(first_parents)
    clock = 0
    for root in [p for p, parent in enumerate(first_parents) if parent is None]:
        stack = [root]
        while stack:
            node = stack.pop()
            if node < 0:  # its subtree is done
                spans[~node] = (spans[~node][0], clock)
                continue
            spans[node] = (clock, clock)
            clock += 1
            stack.append(~node)
            stack.extend(children[node])
    return spans


def _find_sources(top: Path, log: _CorpusLog, added: list[int]) -> None:
    """Where the files added by these commits came from, as ``git log --follow`` looks for it: a rename or a copy of
    any file of the (first) parent commit, inside the corpus or not (one ``git log --no-walk`` over those commits)."""
    positions = {log.commits[position].commit: position for position in added}
    commits = "".join(f"{commit}\n" for commit in positions).encode()
    options = ("--no-walk=unsorted", "--stdin", "--diff-merges=first-parent", "-M", "-C", "-C", "--name-status")
    for commit in git.log(top, *options, input=commits):
        position = positions.get(commit.commit)
        if position is None:
            continue
        for change in commit.changes:
            if change.source is not None and change.path.startswith(log.scope):
                log.sources[(position, change.path)] = (change.status, change.source)


def version_histories(document, encoding: str | None = None) -> list[VersionHistory]:
    """The history of every version of a loaded ``versions.corpus.Document`` (its files as found at load time)."""
    return [
        version_history(Path(version.path), document.id, version.id, encoding, known=version)
        for version in document.versions
    ]
