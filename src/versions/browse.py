"""Reading the built database for people: the queries behind the web pages and the terminal views.

Functions take a plain ``sqlite3.Connection`` so that Datasette (``execute_fn``) and the CLI share them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

REQUIRED_TABLES = {"documents", "versions", "paragraphs"}


@dataclass(frozen=True)
class DocumentSummary:
    id: str
    title: str
    date: str
    sender: str | None
    recipient: str | None
    illustrative: bool
    kinds: dict[str, int]
    languages: list[str]
    paragraphs: int


def is_versions_database(conn: sqlite3.Connection) -> bool:
    tables = {row[0] for row in conn.execute("select name from sqlite_master where type = 'table'")}
    return REQUIRED_TABLES <= tables


def list_documents(conn: sqlite3.Connection) -> list[DocumentSummary]:
    documents = conn.execute(
        "select id, title, date, sender, recipient, illustrative from documents order by date, id"
    ).fetchall()
    kinds = _counts(conn, "select document_id, kind, count(*) from versions group by document_id, kind")
    languages = _counts(conn, "select document_id, language, count(*) from versions group by document_id, language")
    paragraphs = dict(conn.execute("select document_id, count(*) from paragraphs group by document_id"))
    return [
        DocumentSummary(
            id=doc_id,
            title=title,
            date=date,
            sender=sender,
            recipient=recipient,
            illustrative=bool(illustrative),
            kinds=kinds.get(doc_id, {}),
            languages=sorted(languages.get(doc_id, {})),
            paragraphs=paragraphs.get(doc_id, 0),
        )
        for doc_id, title, date, sender, recipient, illustrative in documents
    ]


def _counts(conn: sqlite3.Connection, sql: str) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for doc_id, key, count in conn.execute(sql):
        counts.setdefault(doc_id, {})[key] = count
    return counts
