"""The Datasette plugin: pages under ``/-/versions`` over the library's read queries (``versions.browse``).

Pages (all GET, all readable without JavaScript)::

    /-/versions                          documents, and a search box over every version in every language: ?page=
    /-/versions/-/search?q=&language=    search results (``-`` is never a document id, ids are slugs): ?page=
    /-/versions/<doc>                    the alignment table: ?base= ?columns= ?muted= ?page= ?column_page=
                                         ?version_page= ?copies=<language> (the copies view: the versions in one
                                         language side by side, any of them the base, their stored diffs)
    /-/versions/<doc>/compare            two versions side by side: ?a= ?b= ?norm= ?muted= ?rows= ?page=
    /-/versions/<doc>/p/<row key>        one alignment group, citable: ?base= ?muted= ?column_page= ?at= ?style=
                                         (a row that split shows what it held from all its successors; ?alone:
                                         the row of that key as it is now)
    /-/versions/<doc>/history            the document's timeline (every revision of its versions and of document.yaml
                                         and alignment.yaml, newest first: ?timeline_page=) and its versions with
                                         their numbers of revisions: ?page=
    /-/versions/<doc>/history/<version>  the revisions of one version as a timeline, newest first, each with its
                                         diff: ?page=
    /-/versions/<doc>/history/-/compare  the document at two commits of its timeline (two pickers): each version
                                         that differs, compared, and its own files' fields: ?a= ?b= (commits;
                                         default the two newest) ?page= (versions)
    /-/versions/<doc>/history/<version>/compare  any two revisions of a version compared (two pickers): ?a= ?b=
                                         (revision numbers; default: the one before the latest, and the latest)
                                         ?page=

The document page also draws the provenance of the versions (``derivations``) as inline SVG (``.provenance``). The
row and compare pages show beside each reading the image of the sheet it lies on (``facsimiles``): a IIIF image, or a
file Datasette serves from the folder a build publishes (``--static facsimiles:db/facsimiles``, ``web.facsimiles``).

Permissions: a page answers 403, as Datasette's own table pages do, unless the actor may view every table it reads
(``view-table``, else ``view-database``, else ``view-instance``); the menu links to the documents only for an actor
who may see them.

Bounded work: every list a page shows is paged (``web.arguments.PAGE_SIZES``, which metadata may change under
``plugins.versions``): documents, rows (``page``), versions side by side (``column_page``, the base on every page),
version cards, search results, revisions. Only the rows and versions shown are read and, for another base or
normalization, diffed.

Errors: an unknown document, group, or a version named by ``a``/``b``/``base`` or in a history address is 404, and so
is a page beyond the last; a malformed parameter (empty, not a slug, not an integer, not a page number from 1, a
``columns`` list naming no column of the table, an unknown normalization) or a version in a history address that is
not a slug is 400.

Every value reaches HTML through Jinja with autoescape, or through markupsafe (``versions.diff.render_html``).
"""

from __future__ import annotations

import datetime
import json
import re

from datasette import hookimpl
from datasette.utils import tilde_encode
from datasette.utils.asgi import BadRequest, Forbidden, NotFound, Response
from markupsafe import Markup

from .. import browse
from ..browse.facsimiles import load_facsimiles, new_sheets, sheets_of
from ..citation import FORMATS, RowCitation, document_meta_tags
from ..diff import DELETE, EQUAL, WordDiff, render_html
from ..ids import slug_problem
from ..languages import TAG as LANGUAGE_TAG
from ..normalize import FLAGS
from . import arguments
from .arguments import PLUGIN
from .edit import edit_config, page_controls, refuse_other_hosts
from .edit import routes as edit_routes
from .facsimiles import facsimile_urls
from .history_pages import (
    document_compare_page,
    document_history_page,
    history_page,
    revision_compare_page,
)
from .provenance import provenance_view, relation_class, relation_phrase
from .table_search import chinese_table_search

MAX_DRAWN_VERSIONS = 60  # a document with more versions lists its derivations as data instead of drawing them
MAX_OPS_LENGTH = 1_000_000  # characters of a value render_cell reads as diff operations
# the shapes of diffs.ops (op: DELETE -1, EQUAL 0, INSERT 1) and diffs.muted as stored; possessive, so that nothing
# is ever matched twice
_JSON_STRING = r'"(?:[^"\\]|\\.)*+"'
_OP = rf"\[\s*+-?[01]\s*+,\s*+{_JSON_STRING}\s*+\]"
_OPS = re.compile(rf"\s*+\[\s*+(?:{_OP}\s*+(?:,\s*+{_OP}\s*+)*+)?\]\s*+")
_MUTED = re.compile(r"\s*+\[\s*+(?:[0-9]++\s*+(?:,\s*+[0-9]++\s*+)*+)?\]\s*+")
_ROW_KEY_SHAPE = r"(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)?[a-z0-9]+(?:-[0-9]+)?"  # store.rows.row_key, or a number
_ROW_KEY = re.compile(_ROW_KEY_SHAPE + r"\Z")
_PAGE = re.compile(r"/-/versions/[a-z0-9-]+/p/" + _ROW_KEY_SHAPE + r"\Z")


@hookimpl
def register_routes(datasette):
    document = r"^/-/versions/(?P<document>[^/]+)"
    row = document + r"/p/(?P<row>[^/]+)"
    return [
        (r"^/-/versions$", _route(browse.LIST_TABLES, documents_page)),
        (r"^/-/versions/-/search$", _route(browse.SEARCH_TABLES, search_page)),
        (document + "$", _route(browse.ALIGNMENT_TABLES_READ, document_page)),
        (document + "/compare$", _route(browse.ALIGNMENT_TABLES_READ, compare_page)),
        (row + "$", _route(browse.ALIGNMENT_TABLES_READ, paragraph_page)),
        (row + r"/cite\.(?P<format>[a-z]+)$", _route(browse.ALIGNMENT_TABLES_READ, citation_file)),
        (document + "/history$", _route(browse.HISTORY_TABLES_READ, document_history_page)),
        (document + "/history/(?P<version>[^/]+)$", _route(browse.HISTORY_TABLES_READ, history_page)),
        (document + "/history/-/compare$", _route(browse.HISTORY_TABLES_READ, document_compare_page)),
        (document + "/history/(?P<version>[^/]+)/compare$",
         _route(browse.HISTORY_TABLES_READ, revision_compare_page)),
        *edit_routes(_edit_config(datasette)),  # only with versions serve --edit
    ]


@hookimpl
def asgi_wrapper(datasette):
    edit = _edit_config(datasette)

    def wrap(app):
        app = chinese_table_search(app)
        return refuse_other_hosts(app) if edit else app

    return wrap


def _edit_config(datasette):
    return edit_config(datasette.plugin_config(PLUGIN))


@hookimpl
def prepare_connection(conn):
    conn.create_function("versions_phrase", 1, browse.phrase_search_query, deterministic=True)


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins(PLUGIN, "versions.css")]


@hookimpl
def menu_links(datasette, actor):
    async def links():
        try:
            database = await versions_database(datasette)
            await ensure_can_view(datasette, actor, database, browse.LIST_TABLES)
        except (NotFound, Forbidden):
            return []
        return [{"href": datasette.urls.path("/-/versions"), "label": "Documents and their versions"}]

    return links


@hookimpl
def extra_template_vars(template, datasette, request=None):
    """What every page of ours uses; our templates' names start with ``versions_``."""
    if not template.startswith("versions_"):
        return None
    return {
        "versions_url": lambda path="": datasette.urls.path("/-/versions" + path),
        "versions_css": datasette.urls.static_plugins(PLUGIN, "versions.css"),
        "versions_js": datasette.urls.static_plugins(PLUGIN, "versions.js"),
        "diff_html": render_html,
        "side_parts": side_parts,
        "web_url": browse.web_url,
        "change_place": browse.change_place,
        "history_url": lambda document_id, version_id: datasette.urls.path(
            f"/-/versions/{document_id}/history/{version_id}"),
        "relation_class": relation_class,
        "relation_phrase": relation_phrase,
        "EQUAL": EQUAL,
        "versions_edit": page_controls(datasette, request, _edit_config(datasette)),
        "facsimile_urls": lambda document_id, facsimile: facsimile_urls(datasette, document_id, facsimile),
    }


@hookimpl
def render_cell(row, value, column, table, datasette):
    """Stored diff operations (``diffs.ops``, ``revision_diffs.ops``) as a marked-up diff; a group's number as a link to its page."""
    try:
        if column == "ops" and table in ("diffs", "revision_diffs", None) and isinstance(value, str):
            return _render_ops(row, value)
        if column == "n" and table == "alignment_groups" and isinstance(value, int):
            document_id, key = row["document_id"], row["key"]
            if isinstance(document_id, dict):  # a foreign key Datasette expanded to {"value": ..., "label": ...}
                document_id = document_id.get("value")
            if isinstance(document_id, str) and not slug_problem(document_id) and isinstance(key, str) \
                    and _ROW_KEY.match(key):
                url = datasette.urls.path(f"/-/versions/{document_id}/p/{key}")
                return Markup('<a href="{}">row {}</a>').format(url, value)
        if column == "page" and table is None and isinstance(value, str) and _PAGE.match(value):
            return Markup('<a href="{}">{}</a>').format(datasette.urls.path(value), value)
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return None


def _render_ops(row, value: str) -> Markup | None:
    """Stored ops (``[[op, text], ...]``) and their ``muted`` indexes as a diff, if both are exactly of that shape;
    else None: Datasette shows the value as it is."""
    ops = _json_of_shape(_OPS, value)
    if ops is None:
        return None
    muted: list[int] = []
    if "muted" in row.keys() and isinstance(row["muted"], str):
        muted = _json_of_shape(_MUTED, row["muted"])
        if muted is None:
            return None
    diff = WordDiff(ops=[(op, text) for op, text in ops], muted=muted, similarity=0.0, inserted=0, deleted=0,
                    replaced=0)
    return Markup('<span class="versions-diff">{}</span>').format(render_html(diff))


def _json_of_shape(shape: re.Pattern, value: str):
    """``value`` parsed, if all of it matches ``shape``, else None. Any SQL result may reach ``render_cell``: the
    match, one pass without backtracking, keeps any value from costing more than a scan (or the parser from
    recursing into it)."""
    if len(value) > MAX_OPS_LENGTH or not shape.fullmatch(value):
        return None
    try:
        return json.loads(value)
    except ValueError:  # a control character in a string, an escape JSON does not know
        return None


# Pages ---------------------------------------------------------------------------------------------------------------


def documents_page(datasette, request, database, conn):
    total = browse.count_documents(conn)
    page = arguments.page_param(request, "page", total, arguments.page_size(datasette, "documents_per_page"))
    documents = browse.list_documents(conn, page.start, page.size)
    context = {
        "documents": documents,
        "page": page,
        "page_url": lambda number: arguments.url(datasette, "/-/versions", page=arguments.beyond_first(number)),
        "database": database.name,
    }
    return "versions_index.html", context


def search_page(datasette, request, database, conn):
    query = arguments.text_param(request, "q", default="")
    language = arguments.text_param(request, "language", default="") or None
    if language and not LANGUAGE_TAG.match(language):
        raise BadRequest(f"?language= must be a language tag such as en, ru or zh-Hant, not {language!r}")
    document = arguments.text_param(request, "document", default="") or None
    if document:
        arguments.check_slug("document", document)
    size = arguments.page_size(datasette, "hits_per_page")
    number = arguments.page_number(request, "page")
    results, page = None, None
    if query.strip():
        results = browse.search(conn, query, language, document, limit=size, offset=(number - 1) * size)
        page = arguments.page_in_range("page", browse.Page(number, size, results.total))

    def search_url(**changes):
        return arguments.url(datasette, "/-/versions/-/search", **{"q": query, "language": language, "document": document,
                                                          **changes})

    context = {
        "query": query,
        "language": language,
        "document": document,
        "results": results,
        "page": page,
        "page_url": lambda number: search_url(page=arguments.beyond_first(number)),
        "database": database.name,
        "search_url": search_url,
    }
    return "versions_search.html", context


def document_page(datasette, request, database, conn):
    document = arguments.requested_document(conn, request)
    copies = arguments.copies_param(request, document)
    base = arguments.version_param(request, "base", document) or document.base
    if copies and base not in copies:
        base = copies[0]
    muted = arguments.muted_param(request)
    columns = arguments.base_first(arguments.columns_param(request, document) or copies or arguments.default_columns(document, base), base)
    column_size = arguments.page_size(datasette, "columns_per_page")
    column_page = arguments.page_param(request, "column_page", *arguments.column_count(columns, base, column_size))
    shown = arguments.shown_columns(columns, base, column_page)
    row_page = arguments.page_param(request, "page", document.groups, arguments.page_size(datasette, "rows_per_page"))
    version_page = arguments.page_param(request, "version_page", len(document.versions), arguments.page_size(datasette, "items_per_page"))
    drawn = len(document.versions) <= MAX_DRAWN_VERSIONS
    alignment = browse.load_alignment(conn, document, base, rows=row_page.numbers, versions=shown)
    revisions = browse.revision_counts(conn, document.id)
    path = f"/-/versions/{document.id}"

    copies_language = document.version(copies[0]).language if copies else None

    def view_url(base=base, columns=columns, muted=muted, page=row_page.number, column_page=column_page.number,
                 version_page=version_page.number, copies=copies_language):
        total, size = arguments.column_count(columns, base, column_size)
        last_column_page = browse.Page(1, size, total).count
        default = arguments.base_first([v.id for v in document.copies(copies)], base) if copies else None
        return arguments.url(
            datasette, path,
            copies=copies,
            base=None if base == document.base and not copies else base,
            columns=None if list(columns) in (arguments.default_columns(document, base), default) else ",".join(columns),
            muted=None if muted else "hide",
            column_page=arguments.beyond_first(min(column_page, last_column_page)),
            page=arguments.beyond_first(page),
            version_page=arguments.beyond_first(version_page),
        )

    def row_href(label):
        holding = row_page.holding(label.n - 1)
        return f"#g-{label.n}" if holding == row_page.number else f"{view_url(page=holding)}#g-{label.n}"

    context = {
        "document": document,
        "alignment": alignment,
        "columns": [document.version(slug) for slug in shown],
        "column_ids": columns,
        "shown_ids": shown,
        "column_page": column_page,
        "row_page": row_page,
        "base": document.version(base) if base else None,
        "muted": muted,
        "view_url": view_url,
        "column_page_url": lambda number: view_url(column_page=number),
        "row_page_url": lambda number: view_url(page=number),
        "row_href": row_href,
        "top_rows": sorted(alignment.rows, key=lambda row: (-row.variance, row.n))[:5],
        "copies": copies_language,
        "overview": browse.variance_overview(
            conn, document.id, f"{document.id}/{base}", base == document.base and not copies,
            [f"{document.id}/{slug}" for slug in columns],
        ) if row_page.count > 1 else None,
        "provenance": provenance_view(browse.provenance(document)) if drawn else None,
        "meta_tags": document_meta_tags(document, datasette.absolute_url(request, datasette.urls.path(path))),
        "provenance_drawn": drawn,
        "version_cards": document.versions[version_page.start:version_page.stop],
        "version_page": version_page,
        "version_page_url": lambda number: view_url(version_page=number) + "#versions",
        "revisions": revisions,
        "database": database.name,
    }
    return "versions_document.html", context


def compare_page(datasette, request, database, conn):
    document = arguments.requested_document(conn, request)
    transcribed = document.transcribed
    if not transcribed:
        raise NotFound(f"{document.id} has no transcribed version to compare")
    a = arguments.version_param(request, "a", document) or transcribed[0].id
    default_b = next((version.id for version in transcribed if version.id != a), a)
    b = arguments.version_param(request, "b", document) or default_b
    normalization = arguments.normalization_param(request)
    muted = arguments.muted_param(request)
    rows = arguments.choice_param(request, "rows", ("all", "changed"))
    row_page = arguments.page_param(request, "page", document.groups, arguments.page_size(datasette, "rows_per_page"))
    comparison = browse.load_comparison(conn, document, a, b, normalization, rows=row_page.numbers)
    pairs = [pair for pair in comparison.pairs if rows == "all" or not pair.same]
    path = f"/-/versions/{document.id}/compare"

    def view_url(**changes):
        params = {"a": a, "b": b, "norm": arguments.norm_value(normalization), "muted": None if muted else "hide",
                  "rows": None if rows == "all" else rows, "page": row_page.number}
        params.update(changes)
        params["page"] = arguments.beyond_first(params["page"])
        return arguments.url(datasette, path, **params)

    context = {
        "document": document,
        "comparison": comparison,
        "a": comparison.a,
        "b": comparison.b,
        "normalization": normalization,
        "flags": FLAGS,
        "muted": muted,
        "view_url": view_url,
        "row_page": row_page,
        "row_page_url": lambda number: view_url(page=number),
        "totals": comparison.totals,
        "pairs": pairs,
        "sheets": _pair_sheets(conn, document.id, comparison, pairs),
        "rows": rows,
        "database": database.name,
    }
    return "versions_compare.html", context


def _pair_sheets(conn, document_id: str, comparison: browse.Comparison, pairs: list[browse.Pair]):
    """Each side's sheets to show beside each pair: a sheet once, beside the first row of the page on it."""
    facsimiles = load_facsimiles(conn, document_id, [comparison.a.id, comparison.b.id])
    sides = [new_sheets([getattr(pair, side) for pair in pairs], facsimiles.get(version.id, []))
             for side, version in (("a", comparison.a), ("b", comparison.b))]
    return [{-1: a, 1: b} for a, b in zip(*sides)]


def paragraph_page(datasette, request, database, conn):
    """A row's page at its key. An older address is sent on with a 302 (a later correction may undo the change) to
    the one row now holding what it held (its paragraph joined another row, or it is a number, which is only a
    label); the address of a row that split shows what it held from all the rows now holding it."""
    document = arguments.requested_document(conn, request)
    key = _row_key(request)
    successors = _row_successors(conn, document, key)
    if "alone" in request.args:  # the row of that key as it is now, not what it held before it split
        successors = [label for label in successors if label.key == key] or successors
    if len(successors) == 1 and successors[0].key != key:
        query = f"?{request.query_string}" if request.query_string else ""
        return Response.redirect(
            datasette.urls.path(f"/-/versions/{document.id}/p/{successors[0].key}") + query, status=302)
    base = arguments.version_param(request, "base", document) or document.base
    muted = arguments.muted_param(request)
    commit = arguments.commit_param(request)
    readings = arguments.page_param(request, "column_page", len(document.transcribed), arguments.page_size(datasette, "columns_per_page"))
    shown = [version.id for version in document.transcribed[readings.start:readings.stop]]

    at = _as_of(conn, document, commit)
    alignment = _row_shown(conn, document, key, successors, base, [*shown, document.base], at)
    row = alignment.rows[0]
    latest = browse.latest_commit(conn, document.id)
    previous, following = browse.neighbours(conn, document.id, row.n)
    revisions = browse.revision_counts(conn, document.id)
    facsimiles = load_facsimiles(conn, document.id, shown)
    path = f"/-/versions/{document.id}/p/{key}"
    canonical = datasette.urls.path(path)
    url = datasette.absolute_url(request, canonical)
    pinned_commit = at.commit if at else latest
    pinned_url = f"{url}?at={pinned_commit}" if pinned_commit else None
    style = arguments.style_param(request)
    cited = RowCitation(document, row, pinned_url if at else url, pinned_commit, datetime.date.today())
    table_page = browse.Page(1, arguments.page_size(datasette, "rows_per_page"), document.groups).holding(row.n - 1)
    context = {
        "document": document,
        "alignment": alignment,
        "row": row,
        "readings": {slug: row.readings[slug] for slug in shown},
        "sheets": {slug: sheets_of(row.readings[slug], facsimiles.get(slug, [])) for slug in shown},
        "readings_page": readings,
        "page_url": lambda number: arguments.url(datasette, path,
                                        base=None if base == document.base else base, muted=None if muted else "hide",
                                        column_page=arguments.beyond_first(number)),
        "table_page": arguments.beyond_first(table_page),
        "base": document.version(base) if base else None,
        "muted": muted,
        "citation": cited.text(style),
        "style": style,
        "meta_tags": cited.meta_tags(),
        "cite_url": lambda format: arguments.url(datasette, f"{path}/cite.{format}", at=at.commit if at else None),
        "style_url": lambda name: arguments.url(datasette, path, at=at.commit if at else None, style=name),
        "canonical_url": url,
        "at": at,
        "pinned_url": pinned_url,
        "pinned_commit": pinned_commit,
        "row_href": lambda label: datasette.urls.path(f"/-/versions/{document.id}/p/{label.key}"),
        "previous": previous,
        "next": following,
        "group_row_url": datasette.urls.row(database.name, "alignment_groups", tilde_encode(row.id)),
        "revisions": revisions,
        "successors": successors if len(successors) > 1 else [],
        "database": database.name,
    }
    return "versions_paragraph.html", context


def citation_file(datasette, request, database, conn):
    """A row's citation as CSL-JSON, BibTeX or RIS (``?at=`` pins it to a commit, as on the page)."""
    document = arguments.requested_document(conn, request)
    format = request.url_vars["format"]
    if format not in FORMATS:
        raise NotFound(f"A citation is offered as {', '.join('cite.' + name for name in FORMATS)}, not cite.{format}")
    key = _row_key(request)
    commit = arguments.commit_param(request)
    successors = _row_successors(conn, document, key)
    if len(successors) == 1 and successors[0].key != key:
        raise NotFound(f"{document.id} has no row {key!r}: it is now row {successors[0].key}")
    at = _as_of(conn, document, commit)
    row = _row_shown(conn, document, key, successors, None, [document.base], at).rows[0]
    latest = browse.latest_commit(conn, document.id)
    url = datasette.absolute_url(request, datasette.urls.path(f"/-/versions/{document.id}/p/{key}"))
    cited = RowCitation(document, row, f"{url}?at={at.commit}" if at else url, at.commit if at else latest,
                        datetime.date.today())
    body = {"json": lambda: json.dumps([cited.csl_json()], ensure_ascii=False, indent=2) + "\n",
            "bib": cited.bibtex, "ris": cited.ris}[format]()
    return Response(body, content_type=f"{FORMATS[format]}; charset=utf-8",
                    headers={"content-disposition": f'inline; filename="{key}.{format}"'})


def _row_key(request) -> str:
    """The row a row's address names (400 for what cannot be one)."""
    key = request.url_vars["row"]
    if len(key) > arguments.MAX_PARAM_LENGTH or not _ROW_KEY.match(key):
        raise BadRequest(f"{key[:80]!r} is not a row of the alignment table: rows are named like 3kq7zv2a")
    return key


def _as_of(conn, document: browse.DocumentInfo, commit: str | None) -> browse.AsOf | None:
    """The document as of ``?at=``'s commit (404 for a commit the database does not know); None without one."""
    if commit is None:
        return None
    at = browse.as_of(conn, document.id, commit)
    if at is None:
        raise NotFound(f"{document.id} has no version changed in commit {commit!r}")
    return at


def _row_successors(conn, document: browse.DocumentInfo, key: str) -> list[browse.RowLabel]:
    """The rows now holding what the address ``key`` showed (``browse.row_successors``; a number: the row numbered
    so today); 404 for none."""
    if key.isdigit():
        found = browse.row_at(conn, document.id, int(key)) if len(key) <= 9 else None
        successors = [browse.RowLabel(int(key), found)] if found else []
    else:
        successors = browse.row_successors(conn, document, key)
    if not successors:
        raise NotFound(f"{document.id} has no row {key!r}")
    return successors


def _row_shown(conn, document: browse.DocumentInfo, key: str, successors: list[browse.RowLabel], base: str | None,
               versions: list[str], at: browse.AsOf | None) -> browse.Alignment:
    """The row at ``key``: itself, or, when it split, what it held, from its successors."""
    if len(successors) > 1:
        return browse.load_split_row(conn, document, key, successors, base, versions, at)
    return browse.load_alignment(conn, document, base, row=key, versions=versions, at=at)


# Helpers ---------------------------------------------------------------------------------------------------------


async def versions_database(datasette):
    """The first attached database that was built by ``versions build``."""
    for database in datasette.databases.values():
        if database.name != "_internal" and await database.execute_fn(browse.is_versions_database):
            return database
    raise NotFound("No versions database is attached")


async def ensure_can_view(datasette, actor, database, tables) -> None:
    """Forbidden unless ``actor`` may view every one of ``tables``, checked as Datasette checks its own table
    pages (the table's ``allow``, else the database's, else the instance's)."""
    for table in tables:
        await datasette.ensure_permissions(
            actor, [("view-table", (database.name, table)), ("view-database", database.name), "view-instance"]
        )


async def _readable_database(datasette, request, tables):
    database = await versions_database(datasette)
    await ensure_can_view(datasette, request.actor, database, tables)
    return database


def _route(tables, build):
    """One of our pages: the actor checked against every table it reads (``tables``), then ``build(datasette,
    request, database, conn)`` (its template and context, or a response such as a redirect) with every query in one
    read transaction, so that a page shows one state of the database even while a build writes in place."""

    async def page(datasette, request):
        database = await _readable_database(datasette, request, tables)
        found = await database.execute_fn(
            lambda conn: _in_one_read(conn, lambda: build(datasette, request, database, conn)))
        if isinstance(found, Response):
            return found
        return await _html(datasette, request, *found)

    return page


def _in_one_read(conn, read):
    """``read()`` inside one read transaction on ``conn`` (SQLite otherwise gives each statement its own snapshot)."""
    if conn.in_transaction:
        return read()
    conn.execute("begin")
    try:
        return read()
    finally:
        conn.execute("rollback")


async def _html(datasette, request, template, context):
    return Response.html(await datasette.render_template(template, context, request=request))


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
