"""Datasette's own table search (``?_search=``) made to find Chinese words: the query rewritten before Datasette
reads it (``browse.table_search_query``), since no hook of Datasette's sees a search before it runs."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from .. import browse

SEARCH_MODE = "_searchmode"


def chinese_table_search(app):
    """The app, with each ``_search`` (or ``_search_<column>``) argument holding Han characters rewritten to the FTS
    query the index needs, run in raw mode."""

    async def searching(scope, receive, send):
        if scope["type"] == "http" and b"_search" in scope.get("query_string", b""):
            scope = {**scope, "query_string": _rewritten(scope["query_string"])}
        await app(scope, receive, send)

    return searching


def _rewritten(query_string: bytes) -> bytes:
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    rewritten, changed = [], False
    for name, value in pairs:
        query = browse.table_search_query(value) if name.startswith("_search") and name != SEARCH_MODE else None
        rewritten.append((name, query if query is not None else value))
        changed = changed or query is not None
    if not changed:
        return query_string
    rewritten = [(name, value) for name, value in rewritten if name != SEARCH_MODE] + [(SEARCH_MODE, "raw")]
    return urlencode(rewritten).encode("ascii")
