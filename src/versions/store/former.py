"""Rows that split or vanished since the last build: what each held, kept in ``former_rows``.

A row's address (``/p/<row key>``) must keep showing what it showed. When a rebuilt document's new alignment no
longer holds all of an old row's paragraphs in the row of the same key (an inserted base paragraph split it, a
correction or a new version moved a paragraph out, its key's paragraph went), every paragraph the row held is
recorded under the row's id. The records of earlier builds are kept: no build produces them again from the corpus,
so they are carried from the live database (``versions.store.changes`` would otherwise count them as vanished). The
web page of such an address then shows those paragraphs from the rows now holding them (``browse.row_successors``).

What a first build (or a build of a new format) cannot know, no record holds: only builds in place write them.
"""

from __future__ import annotations

import sqlite3

FORMER_ROWS = "former_rows"
GROUPS_PER_QUERY = 500


def former_rows(live: sqlite3.Connection, document_id: str, lost: set[str]) -> list[dict]:
    """The ``former_rows`` of a rebuilt document: those the live database holds, and every paragraph the live rows
    ``lost`` held (the rows, by id, one of whose paragraphs the new alignment no longer puts in them)."""
    records = set(live.execute(f"select row_id, paragraph_id from {FORMER_ROWS} where document_id = ?", [document_id]))
    groups = sorted(lost)
    for start in range(0, len(groups), GROUPS_PER_QUERY):
        chunk = groups[start : start + GROUPS_PER_QUERY]
        records.update(live.execute(
            f"select group_id, paragraph_id from alignment_members where group_id in ({', '.join('?' * len(chunk))})",
            chunk,
        ))
    prefix = len(document_id) + 1
    return [
        {"row_id": row_id, "paragraph_id": paragraph_id, "document_id": document_id, "key": row_id[prefix:]}
        for row_id, paragraph_id in sorted(records)
    ]
