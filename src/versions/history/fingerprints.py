"""What makes a document's history change besides its files, mixed into its hash: the last commit touching its folder
and the shallow list; only the commits since the last build's HEAD are read."""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from .. import git
from .log import HISTORY_OPTIONS


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
    prefix = git.scope_of(root, top)
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
    with closing(git.log(top, *HISTORY_OPTIONS, revisions, "--", prefix or ".")) as commits:
        for commit in commits:
            for change in commit.changes:
                folder = change.path.removeprefix(prefix).split("/", 1)[0]
                if folder in wanted:
                    found.setdefault(folder, commit.commit)
            if len(found) == len(wanted):
                break
    return found
