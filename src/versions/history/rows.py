"""Rows for the store (``revisions``, ``revision_diffs``) and reading them back."""

from __future__ import annotations

import json

from ..diff import (
    WordDiff,
    count_words,
)
from ..segment import split_body
from .model import Revision, RevisionDiff, VersionHistory


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
        "commit_order": revision.order,
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
        "changed_fields": json.dumps([change.to_json() for change in diff.fields], ensure_ascii=False)
        if diff and diff.fields else None,
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


def stored_revision(conn, revision_id: str) -> Revision | None:
    """A revision read back from a built database (``sqlite3.Connection``), its paragraphs split from its stored
    text; None if there is no such revision."""
    row = conn.execute(
        "select document_id, version_id, n, status, commit_hash, date, author, message, path, note, readable, "
        "front_matter, previous_revision_id, commit_order from revisions where id = ?", [revision_id]).fetchone()
    if row is None:
        return None
    (document_id, version_key, n, status, commit, date, author, message, path, note, readable, front, previous,
     order) = row
    body = stored_revision_text(conn, revision_id) or ""
    leading, paragraphs = split_body(body)
    return Revision(
        document_id, version_key.rpartition("/")[2], n, status, commit, date, author, message, path, note,
        bool(readable), front, body, leading, tuple(paragraphs),
        previous=int(previous.rpartition("@")[2]) if previous else None, order=order,
    )
