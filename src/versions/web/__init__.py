"""The Datasette plugin: pages under ``/-/versions`` over the library's read queries (``versions.browse``).

Pages (all GET, all readable without JavaScript)::

    /-/versions                          documents, and a search box over every version in every language
    /-/versions/-/search?q=&language=    search results (``-`` is never a document id, ids are slugs)
    /-/versions/<doc>                    the alignment table: ?base= ?columns= ?muted=
    /-/versions/<doc>/compare            two versions side by side: ?a= ?b= ?norm= ?muted=
    /-/versions/<doc>/p/<n>              one alignment group, citable: ?base= ?muted=
    /-/versions/<doc>/history            the versions of a document with their numbers of revisions
    /-/versions/<doc>/history/<version>  the revisions of one version as a timeline, newest first, each with its diff

The document page also draws the provenance of the versions (``derivations``) as inline SVG (``.provenance``).

Errors: an unknown document, group, or a version named by ``a``/``b``/``base`` or in a history address is 404; a
malformed parameter (empty, not a slug, not an integer, a ``columns`` list naming no column of the table, an unknown
normalization) or a version in a history address that is not a slug is 400.

Every value reaches HTML through Jinja with autoescape, or through markupsafe (``versions.diff.render_html``).
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import BadRequest, NotFound, Response
from markupsafe import Markup

from .. import browse
from ..diff import DELETE, EQUAL, INSERT, WordDiff, render_html
from ..ids import slug_problem
from ..normalize import FLAGS, Normalization
from .provenance import provenance_view, relation_class, relation_phrase

PLUGIN = "versions"
MAX_PARAM_LENGTH = 500
_LANGUAGE = re.compile(r"[a-z]{2,3}\Z")
_PAGE = re.compile(r"/-/versions/[a-z0-9-]+/p/[0-9]+\Z")


@hookimpl
def register_routes():
    return [
        (r"^/-/versions$", documents_page),
        (r"^/-/versions/-/search$", search_page),
        (r"^/-/versions/(?P<document>[^/]+)$", document_page),
        (r"^/-/versions/(?P<document>[^/]+)/compare$", compare_page),
        (r"^/-/versions/(?P<document>[^/]+)/p/(?P<n>[^/]+)$", paragraph_page),
        (r"^/-/versions/(?P<document>[^/]+)/history$", document_history_page),
        (r"^/-/versions/(?P<document>[^/]+)/history/(?P<version>[^/]+)$", history_page),
    ]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins(PLUGIN, "versions.css")]


@hookimpl
def render_cell(row, value, column, table, datasette):
    """Stored diff operations (``diffs.ops``, ``revision_diffs.ops``) as a marked-up diff; a group's number as a link to its page."""
    try:
        if column == "ops" and table in ("diffs", "revision_diffs", None) and isinstance(value, str):
            return _render_ops(row, value)
        if column == "n" and table == "alignment_groups" and isinstance(value, int):
            document_id = row["document_id"]
            if isinstance(document_id, dict):  # a foreign key Datasette expanded to {"value": ..., "label": ...}
                document_id = document_id.get("value")
            if isinstance(document_id, str) and not slug_problem(document_id):
                url = datasette.urls.path(f"/-/versions/{document_id}/p/{value}")
                return Markup('<a href="{}">¶ {}</a>').format(url, value)
        if column == "page" and table is None and isinstance(value, str) and _PAGE.match(value):
            return Markup('<a href="{}">{}</a>').format(datasette.urls.path(value), value)
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return None


def _render_ops(row, value: str) -> Markup | None:
    ops = json.loads(value)
    if not isinstance(ops, list) or not all(
        isinstance(op, list) and len(op) == 2 and op[0] in (DELETE, EQUAL, INSERT) and isinstance(op[1], str)
        for op in ops
    ):
        return None
    muted: list[int] = []
    if "muted" in row.keys() and isinstance(row["muted"], (str, type(None))):
        parsed = json.loads(row["muted"] or "[]")
        muted = [index for index in parsed if isinstance(index, int)] if isinstance(parsed, list) else []
    diff = WordDiff(ops=[(op, text) for op, text in ops], muted=muted, similarity=0.0, inserted=0, deleted=0,
                    replaced=0)
    return Markup('<span class="versions-diff">{}</span>').format(render_html(diff))


# Pages ---------------------------------------------------------------------------------------------------------------


async def documents_page(datasette, request):
    database = await versions_database(datasette)
    documents = await database.execute_fn(browse.list_documents)
    context = {"documents": documents, "database": database.name, **_common(datasette)}
    return await _html(datasette, request, "versions_index.html", context)


async def search_page(datasette, request):
    database = await versions_database(datasette)
    query = _text_param(request, "q", default="")
    language = _text_param(request, "language", default="") or None
    if language and not _LANGUAGE.match(language):
        raise BadRequest(f"?language= must be a language code such as en or ru, not {language!r}")
    document = _text_param(request, "document", default="") or None
    if document:
        _check_slug("document", document)
    results = None
    if query.strip():
        results = await database.execute_fn(lambda conn: browse.search(conn, query, language, document))
    context = {
        "query": query,
        "language": language,
        "document": document,
        "results": results,
        "database": database.name,
        "search_url": lambda **params: _url(datasette, "/-/versions/-/search", q=query, document=document, **params),
        **_common(datasette),
    }
    return await _html(datasette, request, "versions_search.html", context)


async def document_page(datasette, request):
    database, document = await _document(datasette, request)
    base = _version_param(request, "base", document) or document.base
    muted = _muted_param(request)
    columns = _base_first(_columns_param(request, document) or _default_columns(document, base), base)
    alignment = await database.execute_fn(lambda conn: browse.load_alignment(conn, document, base))
    revisions = await database.execute_fn(lambda conn: browse.revision_counts(conn, document.id))
    path = f"/-/versions/{document.id}"

    def view_url(base=base, columns=columns, muted=muted):
        return _url(
            datasette, path,
            base=None if base == document.base else base,
            columns=None if list(columns) == _default_columns(document, base) else ",".join(columns),
            muted=None if muted else "hide",
        )

    context = {
        "document": document,
        "alignment": alignment,
        "columns": [document.version(slug) for slug in columns],
        "column_ids": columns,
        "base": document.version(base) if base else None,
        "muted": muted,
        "view_url": view_url,
        "row_href": lambda n: f"#g-{n}",
        "top_rows": sorted(alignment.rows, key=lambda row: (-row.variance, row.n))[:5],
        "provenance": provenance_view(browse.provenance(document)),
        "revisions": revisions,
        "database": database.name,
        **_common(datasette),
    }
    return await _html(datasette, request, "versions_document.html", context)


async def compare_page(datasette, request):
    database, document = await _document(datasette, request)
    transcribed = document.transcribed
    if not transcribed:
        raise NotFound(f"{document.id} has no transcribed version to compare")
    a = _version_param(request, "a", document) or transcribed[0].id
    default_b = next((version.id for version in transcribed if version.id != a), a)
    b = _version_param(request, "b", document) or default_b
    normalization = _normalization_param(request)
    muted = _muted_param(request)
    rows = _choice_param(request, "rows", ("all", "changed"))
    comparison = await database.execute_fn(
        lambda conn: browse.load_comparison(conn, document, a, b, normalization)
    )
    path = f"/-/versions/{document.id}/compare"

    def view_url(**changes):
        params = {"a": a, "b": b, "norm": _norm_value(normalization), "muted": None if muted else "hide",
                  "rows": None if rows == "all" else rows}
        params.update(changes)
        return _url(datasette, path, **params)

    context = {
        "document": document,
        "comparison": comparison,
        "a": comparison.a,
        "b": comparison.b,
        "normalization": normalization,
        "flags": FLAGS,
        "muted": muted,
        "view_url": view_url,
        "totals": comparison.totals,
        "pairs": [pair for pair in comparison.pairs if rows == "all" or not pair.same],
        "rows": rows,
        "database": database.name,
        **_common(datasette),
    }
    return await _html(datasette, request, "versions_compare.html", context)


async def paragraph_page(datasette, request):
    database, document = await _document(datasette, request)
    raw = request.url_vars["n"]
    if not raw.isascii() or not raw.isdigit():
        raise BadRequest(f"a paragraph is a whole number from 1, not {raw!r}")
    if len(raw) > 9:
        raise NotFound(f"{document.id} has no paragraph {raw[:12]}…")
    n = int(raw)
    if str(n) != raw:  # 007: one paragraph, one address
        query = f"?{request.query_string}" if request.query_string else ""
        return Response.redirect(datasette.urls.path(f"/-/versions/{document.id}/p/{n}") + query, status=301)
    base = _version_param(request, "base", document) or document.base
    muted = _muted_param(request)
    alignment = await database.execute_fn(lambda conn: browse.load_alignment(conn, document, base, group=n))
    row = alignment.row(n)
    if row is None:
        raise NotFound(f"{document.id} has no paragraph {n}" + (f" (it has 1–{document.groups})" if document.groups else ""))
    revisions = await database.execute_fn(lambda conn: browse.revision_counts(conn, document.id))
    canonical = datasette.urls.path(f"/-/versions/{document.id}/p/{n}")
    url = datasette.absolute_url(request, canonical)
    context = {
        "document": document,
        "alignment": alignment,
        "row": row,
        "base": document.version(base) if base else None,
        "muted": muted,
        "citation": browse.citation(document, row, url),
        "canonical_url": url,
        "row_href": lambda k: datasette.urls.path(f"/-/versions/{document.id}/p/{k}"),
        "previous": n - 1 if n > 1 else None,
        "next": n + 1 if n < document.groups else None,
        "group_row_url": datasette.urls.row(database.name, "alignment_groups", tilde_encode(row.id)),
        "revisions": revisions,
        "database": database.name,
        **_common(datasette),
    }
    return await _html(datasette, request, "versions_paragraph.html", context)


async def document_history_page(datasette, request):
    database, document = await _document(datasette, request)
    revisions = await database.execute_fn(lambda conn: browse.revision_counts(conn, document.id))
    latest = await database.execute_fn(lambda conn: browse.latest_revisions(conn, document.id))
    context = {
        "document": document,
        "revisions": revisions,
        "latest": latest,
        "revisions_url": _table_url(datasette, database.name, "revision_details", document_id=document.id),
        "database": database.name,
        **_common(datasette),
    }
    return await _html(datasette, request, "versions_document_history.html", context)


async def history_page(datasette, request):
    database, document = await _document(datasette, request)
    slug = request.url_vars["version"]
    if slug_problem(slug):
        shown = slug if len(slug) <= 80 else slug[:80] + "…"
        raise BadRequest(f"{shown!r} is not a version id: version ids are slugs such as {document.base or 'wilson-en'}")
    version = document.version(slug)
    if version is None:
        raise NotFound(f"{document.id} has no version {slug!r}")
    history = await database.execute_fn(lambda conn: browse.load_history(conn, document, slug))
    counts = await database.execute_fn(lambda conn: browse.revision_counts(conn, document.id))
    committed = [revision for revision in history if revision.commit]
    context = {
        "document": document,
        "version": version,
        "history": history,
        "revisions": counts,
        "authors": sorted({revision.author for revision in history if revision.author}),
        "first_date": committed[-1].day if committed else None,
        "last_date": committed[0].day if committed else None,
        "unknown": sum(not revision.compared for revision in history),
        "data_url": _table_url(datasette, database.name, "revisions", version_id=version.key, _sort_desc="n"),
        "changes_url": _table_url(datasette, database.name, "revision_diffs", version_id=version.key),
        "revision_url": lambda revision: datasette.urls.row(database.name, "revisions", tilde_encode(revision.id)),
        "database": database.name,
        **_common(datasette),
    }
    return await _html(datasette, request, "versions_history.html", context)


# Helpers ---------------------------------------------------------------------------------------------------------


async def versions_database(datasette):
    """The first attached database that was built by ``versions build``."""
    for database in datasette.databases.values():
        if database.name != "_internal" and await database.execute_fn(browse.is_versions_database):
            return database
    raise NotFound("No versions database is attached")


async def _document(datasette, request):
    database = await versions_database(datasette)
    document_id = request.url_vars["document"]
    if slug_problem(document_id):
        raise NotFound(f"There is no document {document_id!r}: document ids are slugs such as telegram-23256")
    document = await database.execute_fn(lambda conn: browse.get_document(conn, document_id))
    if document is None:
        raise NotFound(f"There is no document {document_id!r}")
    return database, document


async def _html(datasette, request, template, context):
    return Response.html(await datasette.render_template(template, context, request=request))


def _common(datasette) -> dict:
    return {
        "versions_url": lambda path="": datasette.urls.path("/-/versions" + path),
        "versions_css": datasette.urls.static_plugins(PLUGIN, "versions.css"),
        "versions_js": datasette.urls.static_plugins(PLUGIN, "versions.js"),
        "diff_html": render_html,
        "side_parts": side_parts,
        "web_url": browse.web_url,
        "history_url": lambda document_id, version_id: datasette.urls.path(
            f"/-/versions/{document_id}/history/{version_id}"),
        "relation_class": relation_class,
        "relation_phrase": relation_phrase,
        "EQUAL": EQUAL,
    }


def _url(datasette, path: str, **params) -> str:
    query = urlencode([(key, value) for key, value in params.items() if value not in (None, "")])
    url = datasette.urls.path(quote(path))
    return f"{url}?{query}" if query else str(url)


def _table_url(datasette, database: str, table: str, **params) -> str:
    return f"{datasette.urls.table(database, table)}?{urlencode(params)}"


def _text_param(request, name: str, default: str | None = None) -> str | None:
    values = request.args.getlist(name)
    if not values:
        return default
    value = values[0]
    if len(value) > MAX_PARAM_LENGTH:
        raise BadRequest(f"?{name}= is longer than {MAX_PARAM_LENGTH} characters")
    if any(ord(char) < 32 and char not in "\t\n\r" for char in value):
        raise BadRequest(f"?{name}= contains control characters")
    return value


def _check_slug(name: str, value: str) -> None:
    problem = slug_problem(value)
    if problem:
        raise BadRequest(f"?{name}=: {problem}")


def _version_param(request, name: str, document: browse.DocumentInfo) -> str | None:
    """A version named by a query parameter: None if absent; 400 if empty or not a slug, 404 if the document has
    no such version, 400 if it has no transcribed text."""
    value = _text_param(request, name)
    if value is None:
        return None
    if not value:
        raise BadRequest(f"?{name}= is empty: name a version of {document.id}, such as {document.base or 'its base'}")
    _check_slug(name, value)
    version = document.version(value)
    if version is None:
        raise NotFound(f"{document.id} has no version {value!r}")
    if not version.transcribed:
        raise BadRequest(f"?{name}=: version {value!r} of {document.id} has no transcribed text yet")
    return value


def _columns_param(request, document: browse.DocumentInfo) -> list[str] | None:
    """``?columns=a,b,c`` (or repeated ``columns``): transcribed versions, in the order given."""
    values = request.args.getlist("columns")
    if not values:
        return None
    names = [name.strip() for value in values for name in value.split(",")]
    if not any(names):
        raise BadRequest("?columns= is empty: name one or more versions, separated by commas")
    available = {version.id for version in document.transcribed}
    columns: list[str] = []
    for name in names:
        if not name:
            continue
        if len(name) > MAX_PARAM_LENGTH or name not in available:
            shown = name if len(name) <= 80 else name[:80] + "…"
            raise BadRequest(
                f"?columns=: {shown!r} is not a column of this table; choose from {', '.join(sorted(available))}"
            )
        if name not in columns:
            columns.append(name)
    return columns


def _default_columns(document: browse.DocumentInfo, base: str | None) -> list[str]:
    return _base_first([version.id for version in document.transcribed], base)


def _base_first(columns: list[str], base: str | None) -> list[str]:
    """The base column, when shown, comes first: every other column is read against it."""
    return [base, *(c for c in columns if c != base)] if base in columns else columns


def _muted_param(request) -> bool:
    return _choice_param(request, "muted", ("show", "hide")) == "show"


def _choice_param(request, name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``; the first when the parameter is absent, 400 for anything else."""
    value = _text_param(request, name)
    if value is None:
        return choices[0]
    if value not in choices:
        raise BadRequest(f"?{name}= is {' or '.join(choices)}, not {value!r}")
    return value


def _normalization_param(request) -> Normalization:
    """``?norm=case,punctuation`` or repeated ``norm`` (from the checkboxes); absent: the stored default."""
    values = request.args.getlist("norm")
    if not values:
        return browse.STORED_NORMALIZATION
    spec = ",".join(values)
    if len(spec) > MAX_PARAM_LENGTH:
        raise BadRequest(f"?norm= is longer than {MAX_PARAM_LENGTH} characters")
    try:
        return Normalization.parse(spec)
    except ValueError as error:
        raise BadRequest(f"?norm=: {error}") from None


def _norm_value(normalization: Normalization) -> str | None:
    if normalization == browse.STORED_NORMALIZATION:
        return None
    return ",".join(normalization.names()) or "none"


def side_parts(diff: WordDiff, side: int, show_muted: bool):
    """The parts of one side of a diff for a side-by-side view: ``(text, mark)`` with mark None, "del", "ins",
    "del muted" or "ins muted". Side DELETE is A (deletions marked), INSERT is B (insertions marked)."""
    muted = set(diff.muted)
    for index, (op, text) in enumerate(diff.ops):
        if op not in (EQUAL, side):
            continue
        if op == EQUAL or (index in muted and not show_muted):
            yield text, None
        else:
            yield text, ("del" if op == DELETE else "ins") + (" muted" if index in muted else "")
