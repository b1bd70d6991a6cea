"""What a build changes in the live database, and writing just that.

A rebuilt document's new rows are compared, batch by batch, with the rows the live database holds under the same
keys (``LiveRows``): only new and changed rows are staged, and once the document is through, the keys of its rows
that the new ones no longer have are staged in ``vanished``. ``merge_tables`` then, in the build's one transaction,
deletes the vanished rows and those of removed documents and upserts the staged ones (the FTS triggers keep the
search index in step). A document edited in one place thus writes a few rows, not all of them again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from operator import itemgetter
from pathlib import Path

import sqlite_utils

from .former import FORMER_ROWS, former_rows
from .schema import SCHEMA

VANISHED = "vanished"  # staged: the keys of rows of rebuilt documents that their new rows no longer have
REMOVED = "removed"  # staged: the documents gone from the corpus
# what a rebuilt document's rows may carry besides its tables (never staged):
KEPT = "kept"  # the ids of the groups whose rows stay as the live database holds them (their rows not made)
SAME = "same"  # in a batch, marks its rows as the live database holds them (their keys are seen, none is staged)
# the tables whose rows belong to one alignment group, and the column naming it
GROUP_COLUMNS = {"alignment_groups": "id", "alignment_members": "group_id", "untranscribed": "group_id",
                 "diffs": "group_id", "anchors": "group_id"}
CHANGE_TABLES = {
    VANISHED: {"columns": {"table_name": str, "key_1": str, "key_2": str}},
    REMOVED: {"columns": {"document_id": str}},
}
KEYS_PER_QUERY = 500

Rows = dict[str, list[dict]]  # table -> rows


def create_change_tables(db: sqlite_utils.Database) -> None:
    for name, spec in CHANGE_TABLES.items():
        db[name].create(spec["columns"])


def drop_change_tables(db: sqlite_utils.Database) -> None:
    """A staging file moved into place as a first build keeps only the database's own tables."""
    for name in CHANGE_TABLES:
        db[name].drop()


def key_columns(table: str) -> tuple[str, ...]:
    pk = SCHEMA[table]["pk"]
    return (pk,) if isinstance(pk, str) else tuple(pk)


def document_column(table: str) -> str:
    return "id" if table == "documents" else "document_id"


def row_keys(table: str, rows: list[dict]) -> Iterator[tuple]:
    columns = key_columns(table)
    return (tuple(row[column] for column in columns) for row in rows)


class LiveRows:
    """The live database, read (never written) to tell which of a rebuilt document's rows it already holds."""

    def __init__(self, path: Path):
        # read-write, not mode=ro: the last connection to close removes the write-ahead log files
        self.conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True)

    def close(self) -> None:
        self.conn.close()

    def changed(self, table: str, rows: list[dict]) -> list[dict]:
        """The rows that the database does not hold exactly so (a row with other columns than the table's never is)."""
        columns = list(SCHEMA[table]["columns"])
        held = self._held(table, columns, rows)
        values = itemgetter(*columns)
        return [row for row in rows if len(row) != len(columns) or values(row) not in held]

    def _held(self, table: str, columns: list[str], rows: list[dict]) -> set[tuple]:
        """The rows of ``table`` that share the first key column with one of ``rows``, as tuples of ``columns``."""
        first = key_columns(table)[0]
        values = list(dict.fromkeys(row[first] for row in rows))
        held = set()
        for start in range(0, len(values), KEYS_PER_QUERY):
            chunk = values[start : start + KEYS_PER_QUERY]
            held.update(self.conn.execute(
                f"select {_listed(columns)} from [{table}] where [{first}] in ({', '.join('?' * len(chunk))})", chunk
            ))
        return held

    def keys(self, table: str, document_id: str, kept: set[str]) -> set[tuple]:
        """The keys of the document's rows in ``table``, but those of the groups in ``kept``: the rows of the other
        groups, looked up by their group (a long document's edit keeps all but a few)."""
        columns = _listed(key_columns(table))
        if table not in GROUP_COLUMNS or not kept:
            query = f"select {columns} from [{table}] where [{document_column(table)}] = ?"
            return set(self.conn.execute(query, [document_id]).fetchall())
        query = "select id from alignment_groups where document_id = ?"
        groups = [group for (group,) in self.conn.execute(query, [document_id]) if group not in kept]
        found = set()
        for start in range(0, len(groups), KEYS_PER_QUERY):
            chunk = groups[start : start + KEYS_PER_QUERY]
            found.update(self.conn.execute(
                f"select {columns} from [{table}] where [{GROUP_COLUMNS[table]}] in ({', '.join('?' * len(chunk))})",
                chunk))
        return found


class Changes:
    """Passes on a document's rows that the live database lacks or holds otherwise, and, at its end, the keys of
    the rows it no longer has, with the record of its rows that split (``versions.store.former``); without a live
    database (a first build, a new format), every row."""

    def __init__(self, live: LiveRows | None):
        self.live = live
        self.seen: dict[str, set[tuple]] = {table: set() for table in SCHEMA}
        self.kept: set[str] = set()  # the ids of the groups whose rows stay as the live database holds them

    def rows(self, rows: Rows) -> Rows:
        marks = rows.keys() & {KEPT, SAME}
        if marks and self.live is None:
            raise ValueError("rows said to stay as the live database holds them, without a live database")
        self.kept.update(row["id"] for row in rows.get(KEPT, ()))
        rows = {table: table_rows for table, table_rows in rows.items() if table not in marks}
        if self.live is None:
            return rows
        for table, table_rows in rows.items():
            self.seen[table].update(row_keys(table, table_rows))
        if SAME in marks:
            return {}
        return {table: self.live.changed(table, table_rows) for table, table_rows in rows.items() if table_rows}

    def vanished(self, document_id: str) -> Rows:
        if self.live is None:
            return {}
        gone = {table: self._gone(table, document_id) for table in self.seen if table != FORMER_ROWS}
        lost = {group_id for group_id, _ in gone["alignment_members"]}  # rows a paragraph left
        former = self.rows({FORMER_ROWS: former_rows(self.live.conn, document_id, lost)})
        gone[FORMER_ROWS] = self._gone(FORMER_ROWS, document_id)
        rows = [
            {"table_name": table, "key_1": key[0], "key_2": key[1] if len(key) > 1 else None}
            for table, keys in gone.items()
            for key in keys
        ]
        for seen in self.seen.values():
            seen.clear()
        self.kept.clear()
        return {**former, VANISHED: rows}

    def _gone(self, table: str, document_id: str) -> list[tuple]:
        return sorted(self.live.keys(table, document_id, self.kept) - self.seen[table])


@contextmanager
def live_rows(path: Path | None) -> Iterator[LiveRows | None]:
    """The live database at ``path`` to compare with, or None to stage every row."""
    if path is None:
        yield None
        return
    with closing(LiveRows(path)) as live:
        yield live


def merge_tables(db: sqlite_utils.Database, source: str) -> None:
    """Write what the attached database ``source`` staged into ``db``: delete the rows of removed documents and
    the vanished rows, then upsert the staged rows."""
    for table in reversed(list(SCHEMA)):
        db.execute(
            f"delete from main.[{table}] where [{document_column(table)}] in "
            f"(select document_id from [{source}].[{REMOVED}])"
        )
        keys = key_columns(table)
        staged = ", ".join(f"key_{n}" for n in range(1, len(keys) + 1))
        db.execute(
            f"delete from main.[{table}] where ({_listed(keys)}) in "
            f"(select {staged} from [{source}].[{VANISHED}] where table_name = ?)",
            [table],
        )
    for table, spec in SCHEMA.items():
        columns = _listed(spec["columns"])
        updates = ", ".join(f"[{column}] = excluded.[{column}]" for column in spec["columns"])
        db.execute(
            f"insert into main.[{table}] ({columns}) select {columns} from [{source}].[{table}] where true "
            f"on conflict ({_listed(key_columns(table))}) do update set {updates}"
        )


def _listed(columns: Iterable[str]) -> str:
    return ", ".join(f"[{column}]" for column in columns)
