"""The revisions of a version file: its committed states from the corpus log, the working tree when it differs, each
parsed and compared with the one before."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import git
from ..errors import CorpusError
from ..ids import slug_problem
from ..segment import split_body
from ..text import decode
from .changes import compare_revisions, revisions_language
from .log import CorpusLog, corpus_log
from .model import (
    COMMITTED,
    REVISION_REF,
    UNCOMMITTED,
    UNTRACKED,
    UNVERSIONED,
    HistoryError,
    Revision,
    VersionHistory,
    find_revision,
)


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
    history.revisions = _revisions(document_id, version_id, file_states(path, encoding, history), encoding, known)
    language = revisions_language(history.revisions)
    for revision in history.revisions:
        previous = history.revisions[revision.previous - 1] if revision.previous else None
        if not revision.readable or revision.boundary or (previous is not None and not previous.readable):
            history.diffs.append(None)
        else:
            history.diffs.append(compare_revisions(previous, revision, language))
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
    return get_revisions(corpus_root, document_id, version_id, [rev], encoding)[0]


def get_revisions(
    corpus_root: Path, document_id: str, version_id: str, revs, encoding: str | None = None
) -> list[Revision]:
    """The revisions ``revs`` (each as for ``get_revision``) of one version, its history read once."""
    folder = _document_folder(Path(corpus_root), document_id)
    states = file_states(_version_file(folder, version_id), encoding, None)
    revisions = _revisions(document_id, version_id, states, encoding)
    return [find_revision(revisions, rev, f"{document_id}/{version_id}") for rev in revs]


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
    match = REVISION_REF.match(rest)
    if not document_id or not match:
        raise HistoryError(f"{ref!r} is not a revision reference such as telegram-23256/wilson-en@2")
    for value in (document_id, match["version"]):
        if reason := slug_problem(value):
            raise HistoryError(reason)
    return document_id, match["version"], match["rev"]


@dataclass(eq=False)
class FileState:
    status: str
    path: str
    data: bytes | None
    commit: str | None = None
    date: str | None = None
    author: str | None = None
    message: str | None = None
    notes: list[str] = field(default_factory=list)
    boundary: bool = False
    previous: "FileState | None" = None  # compared with this one: its first parent's state, or the last commit's
    order: int | None = None  # the commit's place in the corpus log (``CorpusLog.commits``): each after its parents


def file_states(
    path: Path, encoding: str | None, history: VersionHistory | None, deletions: bool = False
) -> list[FileState]:
    """The states of the file, oldest first; never raises for git trouble (it becomes a note). A commit deleting it
    is one only with ``deletions`` (a version deleted and made again starts anew)."""
    working = _read_bytes(path)
    repository = git.find_repository(path.parent) if path.parent.is_dir() else None
    if repository is None:
        note = "not in a git repository: the file as it is now is the only revision"
        if git.which("git") is None:
            note = "git is not installed: the file as it is now is the only revision"
        return [FileState(UNVERSIONED, str(path), working, notes=[note])]
    top = repository.top
    if history is not None:
        history.repository = top
    resolved = path.resolve()
    relative = resolved.relative_to(top).as_posix()
    try:
        shallow = git.shallow_commits(top)
        if history is not None:
            history.shallow = bool(shallow)
        log = corpus_log(repository, _scope(resolved, top))
        states = _states_from_log(log, relative)
        if states is None:  # renamed from outside the corpus: the log of the whole repository says from where
            log = corpus_log(repository, "")
            states = _states_from_log(log, relative)
            for state in states:  # places in another log than the corpus's, which its other versions' are in
                state.order = None
        states = _finish_committed(top, states, shallow, deletions)
    except git.GitFailed as failure:
        return [FileState(UNVERSIONED, relative, working, notes=[f"git failed, history not read: {failure}"])]
    if not states:
        tracked = git.is_in_index(repository, log.scope, relative)
        note = "added to git but not yet committed" if tracked else "not tracked by git"
        return [FileState(UNCOMMITTED if tracked else UNTRACKED, relative, working, notes=[note])]
    if working is None:
        states[-1].notes.append("the file is missing from the working tree")
    elif not _same_text(states[-1].data, working, encoding):
        note = "changes in the working tree, not yet committed"
        states.append(FileState(UNCOMMITTED, relative, working, notes=[note], previous=states[-1]))
    return states


def _scope(resolved: Path, top: Path) -> str:
    """The folder whose log is read for a version file: its corpus (the folder above its document's folder), or the
    whole repository when that is above it; as a pathspec relative to the repository, "" for all of it."""
    corpus = resolved.parent.parent
    return git.scope_of(corpus, top) if top in corpus.parents else ""


def _states_from_log(log: "CorpusLog", relative: str) -> list[FileState] | None:
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


def _changing_commits(log: "CorpusLog", relative: str) -> dict[int, FileState] | None:
    """The commits that changed the file, by position in the log, under every name it had, renames and copies found
    as ``git log --follow`` finds them: a rename adds the name before it, where it is followed but after the rename
    (it may live on, on a branch merged later); a name is not followed before the rename or copy that made it (an
    older file of that name is another file). None when a name is outside the corpus."""
    found: dict[int, FileState] = {}
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
            state = found[position] = _committed_state(log, position, name)
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


def _merges_keeping_first_parent(log: "CorpusLog", found: dict[int, FileState]) -> dict[int, FileState]:
    """The merges that brought in some of these commits but left the file as their first parent had it (so that
    the last state is the file as HEAD has it); their path is set once that parent's state is known."""
    kept: dict[int, FileState] = {}
    for position in found:
        merge = log.brought_by[position]
        while merge is not None and merge not in found and merge not in kept:
            kept[merge] = _committed_state(log, merge, "")
            merge = log.brought_by[merge]
    return kept


def _committed_state(log: "CorpusLog", position: int, path: str) -> FileState:
    commit = log.commits[position]
    return FileState(COMMITTED, path, None, commit.commit, commit.date, commit.author, commit.message, order=position)


def _finish_committed(top: Path, states: list[FileState], shallow: set[str], deletions: bool) -> list[FileState]:
    """The contents of the states and the shallow-clone note; deletions dropped unless asked for (what followed one
    is new)."""
    _read_contents(top, states)
    for state in states:
        if state.commit in shallow:
            state.boundary = True
            state.notes.append(
                "shallow clone: the history before this commit is not in this clone, so what this revision changed is "
                "not known (fetch with --unshallow to see it)"
            )
    if deletions:
        return states
    kept = [state for state in states if not _deletion(state)]
    for state in kept:
        if state.previous is not None and _deletion(state.previous):
            state.previous = None
    return kept


def _deletion(state: FileState) -> bool:
    return state.data is None and "deleted in this commit" in state.notes


def _read_contents(top: Path, states: list[FileState]) -> None:
    if not states:
        return
    reader = git.cat_file(top)
    for state in states:
        state.data = reader.blob(f"{state.commit}:{state.path}")
        if state.data is None:
            state.notes.append(f"{state.path} is not in commit {state.commit[:10]}")


def _revisions(document_id: str, version_id: str, states: list[FileState], encoding: str | None, known=None):
    numbers = {id(state): n for n, state in enumerate(states, start=1)}
    return [
        _revision(document_id, version_id, n, state, encoding, known, state.previous and numbers[id(state.previous)])
        for n, state in enumerate(states, start=1)
    ]


def _revision(
    document_id: str, version_id: str, n: int, state: FileState, encoding: str | None, known, previous: int | None
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
            from ..corpus import (
                _split_front_matter,  # here, so that corpus.py may import this module
            )

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
        order=state.order,
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


def version_histories(document, encoding: str | None = None) -> list[VersionHistory]:
    """The history of every version of a loaded ``versions.corpus.Document`` (its files as found at load time)."""
    return [
        version_history(Path(version.path), document.id, version.id, encoding, known=version)
        for version in document.versions
    ]
