"""A document at two commits of its repository: each version's revision at each, compared, and its own files' fields.

A version "at" a commit is its newest revision whose commit that commit reaches (``git rev-list``), so that any name
git knows (a hash, a tag, ``HEAD~3``) may be given, including commits that did not touch the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import git
from .changes import compare_revisions, front_matter_changes, revisions_language
from .files import FileRevision, document_file_histories, file_text
from .model import FieldChange, HistoryError, RevisionDiff
from .revisions import _document_folder, document_history


@dataclass
class DocumentPoints:
    """What changed in a document from commit ``old`` to commit ``new``."""

    document_id: str
    old: str  # full hashes
    new: str
    versions: dict[str, RevisionDiff | None] = field(default_factory=dict)  # changed ones; None: none at ``new``
    files: dict[str, list[FieldChange]] = field(default_factory=dict)  # document.yaml, alignment.yaml

    def to_json(self) -> dict:
        return {
            "document": self.document_id, "from": self.old, "to": self.new,
            "versions": {version: diff.to_json() if diff else None for version, diff in self.versions.items()},
            "files": {name: [change.to_json() for change in fields] for name, fields in self.files.items()},
        }


def compare_document_commits(
    corpus_root: Path, document_id: str, a: str, b: str, encoding: str | None = None
) -> DocumentPoints:
    """The document at commit ``b`` against commit ``a`` (any names git knows, either order). Raises
    ``HistoryError`` outside git or for a name of no commit."""
    folder = _document_folder(Path(corpus_root), document_id)
    top = git.toplevel(folder)
    if top is None:
        raise HistoryError(f"{folder} is not in a git repository: there are no commits to compare")
    scope = git.scope_of(folder, top)
    try:
        (old, at_old), (new, at_new) = (git.reachable(top, ref, scope) for ref in (a, b))
    except git.GitFailed as failure:
        raise HistoryError(str(failure)) from None
    points = DocumentPoints(document_id, old, new)
    for history in document_history(corpus_root, document_id, None, encoding):
        before, after = _newest(history.revisions, at_old), _newest(history.revisions, at_new)
        if before is not after:
            language = revisions_language(history.revisions)
            points.versions[history.version_id] = compare_revisions(before, after, language) if after else None
    own: dict[str, list[FileRevision]] = {}
    for revision in document_file_histories(folder, document_id, encoding):
        own.setdefault(revision.file, []).append(revision)
    for name, revisions in own.items():
        before, after = (_newest([r.state for r in revisions], reached) for reached in (at_old, at_new))
        texts = [file_text(state, encoding) if state else "" for state in (before, after)]
        if before is not after and None not in texts and (fields := front_matter_changes(*texts)):
            points.files[name] = fields
    return points


def _newest(states: list, reached: set[str]):
    """The last of ``states`` (revisions or file states, oldest first) whose commit is among ``reached``; None if
    none is."""
    return next((state for state in reversed(states) if state.commit in reached), None)
