"""What a history is made of: revisions, paragraph changes, the diff of a revision against the one before, a version's
history."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..diff import (
    WordDiff,
)
from ..segment import Paragraph

COMMITTED, UNCOMMITTED, UNTRACKED, UNVERSIONED = "committed", "uncommitted", "untracked", "unversioned"

CHANGE_KINDS = ("modified", "inserted", "deleted", "moved")
SHORT_VALUE = 40  # characters: a front-matter value longer than this is named in a summary, not quoted

REVISION_REF = re.compile(r"(?P<version>[^@]+)@(?P<rev>[^@]+)\Z")


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
    # the commit's place in the corpus's log, each commit after its parents (history.log): what "as at a commit"
    # compares, where dates tie (commits made in one second) or run backwards (a rebase keeps author dates)
    order: int | None = None

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


@dataclass(frozen=True)
class FieldChange:
    """A front-matter field a revision added, removed or changed; values as compact JSON (None: absent)."""

    field: str
    old: str | None
    new: str | None

    def describe(self) -> str:
        """One short phrase; values too long to read in a line are left to ``changed_fields``, lists are counted."""
        if (counted := self._counted()) is not None:
            return counted
        shown = [value for value in (self.old, self.new) if value is not None]
        if any(len(value) > SHORT_VALUE for value in shown):
            return f"{self.field} {'added' if self.old is None else 'removed' if self.new is None else 'changed'}"
        if self.old is None:
            return f"{self.field} added ({self.new})"
        if self.new is None:
            return f"{self.field} removed (was {self.old})"
        return f"{self.field} {self.old} → {self.new}"

    def to_json(self) -> dict:
        return {"field": self.field, "old": self.old, "new": self.new}

    def _counted(self) -> str | None:
        """A change of a list (``pin:`` in alignment.yaml) as the entries it added and removed."""
        old, new = (json.loads(value) if value else [] for value in (self.old, self.new))
        if not (isinstance(old, list) and isinstance(new, list)):
            return None
        added = sum(1 for item in new if item not in old)
        removed = sum(1 for item in old if item not in new)
        parts = [f"{count} {what}" for count, what in ((added, "added"), (removed, "removed")) if count]
        return f"{self.field}: {', '.join(parts) or 'reordered'}"


@dataclass
class RevisionDiff:
    revision: Revision
    previous: Revision | None  # the revision compared with; None: nothing before it, compared with an empty text
    changes: list[ParagraphChange]
    fields: list[FieldChange] = field(default_factory=list)  # front matter changed since ``previous``

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

    def to_json(self) -> dict:
        """The comparison as ``versions log --compare --json`` prints it: paragraph numbers from 1."""
        return {
            "from": self.previous.key if self.previous else None, "to": self.revision.key, "summary": self.summary(),
            "changed_fields": [change.to_json() for change in self.fields],
            "changes": [{"kind": change.kind, "old": list(change.old), "new": list(change.new), **change.diff.to_json()}
                        for change in self.changes],
        }

    def summary(self) -> str:
        if self.previous is None:
            return f"created, {_plural(len(self.changes), 'paragraph')}" if self.changes else "created, no text"
        parts = []
        if self.changes:
            details = [f"{self.count(kind)} {kind}" for kind in CHANGE_KINDS if self.count(kind)]
            parts.append(f"{_plural(self.changed, 'paragraph')} changed ({', '.join(details)})")
        if self.fields:
            parts.append("front matter: " + "; ".join(change.describe() for change in self.fields))
        return "; ".join(parts) or "no paragraph changed"


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
                "changed_fields": [change.to_json() for change in diff.fields] if diff else None,
            })
        return {"version": self.key, "shallow": self.shallow, "revisions": revisions}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


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
