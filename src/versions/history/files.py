"""The history of a document's own files (``document.yaml``, ``alignment.yaml``): each committed state, and the
working tree when it differs, with the fields each state changed named, as a version's front matter is."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError
from ..text import decode
from .changes import front_matter_changes
from .model import FieldChange
from .revisions import FileState, file_states

DOCUMENT_FILES = ("document.yaml", "alignment.yaml")


@dataclass(frozen=True)
class FileRevision:
    document_id: str
    file: str  # document.yaml or alignment.yaml
    n: int  # from 1, oldest first
    state: FileState
    fields: tuple[FieldChange, ...]  # what changed since ``previous`` (every field, for the first state)
    previous: int | None  # n of the state this one is compared with; None: nothing before it
    readable: bool

    @property
    def key(self) -> str:
        return f"{self.document_id}/{self.file}@{self.n}"

    def summary(self) -> str:
        if not self.readable:
            return "cannot be read"
        if self.state.data is None:
            return "deleted"
        if self.previous is None:
            return "created"
        return "; ".join(change.describe() for change in self.fields) or "no field changed"


def document_file_histories(folder: Path, document_id: str, encoding: str | None = None) -> list[FileRevision]:
    """The revisions of each of the document's own files that exists or existed, file by file, oldest first."""
    revisions: list[FileRevision] = []
    for name in DOCUMENT_FILES:
        path = Path(folder) / name
        states = file_states(path, encoding, None, deletions=True)
        if path.exists() or path.is_symlink() or any(state.commit for state in states):  # deleted since: kept
            revisions += _file_revisions(document_id, name, states, encoding)
    return revisions


def _file_revisions(document_id: str, name: str, states: list[FileState], encoding: str | None) -> list[FileRevision]:
    numbers = {id(state): n for n, state in enumerate(states, start=1)}
    texts = [file_text(state, encoding) for state in states]
    by_state = {id(state): text for state, text in zip(states, texts)}
    revisions = []
    for n, (state, text) in enumerate(zip(states, texts), start=1):
        previous = numbers.get(id(state.previous))
        before = by_state.get(id(state.previous), "")  # nothing before it: compared with an empty file
        readable = text is not None and before is not None
        fields = tuple(front_matter_changes(before or "", text or "")) if readable else ()
        revisions.append(FileRevision(document_id, name, n, state, fields, previous, text is not None))
    return revisions


def file_text(state: FileState, encoding: str | None) -> str | None:
    """The file's text at this state ("" when it is gone); None when it cannot be decoded."""
    if state.data is None:
        return ""
    try:
        return decode(state.data, state.path, encoding)
    except CorpusError:
        return None


def document_revision_rows(revisions: list[FileRevision]) -> list[dict]:
    """Rows for the ``document_revisions`` table."""
    return [
        {
            "id": revision.key,
            "document_id": revision.document_id,
            "file": revision.file,
            "n": revision.n,
            "status": revision.state.status,
            "commit_hash": revision.state.commit,
            "commit_order": revision.state.order,
            "date": revision.state.date,
            "author": revision.state.author,
            "subject": revision.state.message.strip().split("\n", 1)[0] if revision.state.message else None,
            "note": "; ".join(revision.state.notes) or None,
            "summary": revision.summary(),
            "changed_fields": json.dumps([change.to_json() for change in revision.fields], ensure_ascii=False)
            if revision.fields else None,
            "previous_revision_id": f"{revision.document_id}/{revision.file}@{revision.previous}"
            if revision.previous else None,
        }
        for revision in revisions
    ]
