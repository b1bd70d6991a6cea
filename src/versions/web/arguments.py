"""What a page's request names, read and checked: its document, versions, pages, columns, normalization, style and
commit. A malformed value is 400 and one that names nothing is 404, in the words the pages' docstring gives
(``versions.web``); page sizes come from the plugin's configuration (``PAGE_SIZES``)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

from datasette.utils.asgi import BadRequest, NotFound

from .. import browse
from ..citation import DEFAULT_STYLE, style_exists
from ..ids import slug_problem
from ..normalize import Normalization

PLUGIN = "versions"
MAX_PARAM_LENGTH = 500
# what one page shows at most; each can be set in metadata: {"plugins": {"versions": {"rows_per_page": 20}}}
PAGE_SIZES = {
    "rows_per_page": 50,  # rows of an alignment table or a comparison
    "columns_per_page": 6,  # versions side by side, the base included
    "documents_per_page": 50,
    "hits_per_page": 50,  # search results
    "items_per_page": 20,  # revisions of a version, versions in a document's history
}
COMMIT = re.compile(r"[0-9a-fA-F]{7,40}")


def page_size(datasette, name: str) -> int:
    """A page size of the plugin's configuration (``plugins.versions.<name>`` in metadata), else the default."""
    value = (datasette.plugin_config(PLUGIN) or {}).get(name)
    return value if type(value) is int and value > 0 else PAGE_SIZES[name]


def page_number(request, name: str) -> int:
    """``?<name>=``: a page number from 1 (400 otherwise); absent, 1."""
    return number_param(request, name, 1, "page")


def number_param(request, name: str, default: int, what: str) -> int:
    """``?<name>=``: a whole number from 1 (400 otherwise; 404 for one too large to exist); absent, ``default``."""
    value = text_param(request, name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or not value.strip("0"):
        raise BadRequest(f"?{name}= is a {what} number from 1, not {value!r}")
    if len(value) > 9:
        raise NotFound(f"There is no {what} {value[:12]}…")
    return int(value)


def page_in_range(name: str, page: browse.Page) -> browse.Page:
    if page.number > page.count:
        raise NotFound(f"There is no page {page.number} (?{name}=): the last is {page.count}")
    return page


def page_param(request, name: str, total: int, size: int) -> browse.Page:
    return page_in_range(name, browse.Page(page_number(request, name), size, total))


def beyond_first(number: int) -> int | None:
    """A page number for a link: none for the first page, so that it keeps its plain address."""
    return number if number > 1 else None


def column_count(columns: list[str], base: str | None, size: int) -> tuple[int, int]:
    """(number of columns paged, columns to a page): the base column, when shown, is on every page."""
    if base in columns:
        return len(columns) - 1, max(1, size - 1)
    return len(columns), size


def shown_columns(columns: list[str], base: str | None, page: browse.Page) -> list[str]:
    if base in columns:
        return [base, *columns[1:][page.start:page.stop]]
    return columns[page.start:page.stop]


def url(datasette, path: str, **params) -> str:
    query = urlencode([(key, value) for key, value in params.items() if value not in (None, "")])
    url = datasette.urls.path(quote(path))
    return f"{url}?{query}" if query else str(url)


def table_url(datasette, database: str, table: str, **params) -> str:
    return f"{datasette.urls.table(database, table)}?{urlencode(params)}"


def text_param(request, name: str, default: str | None = None) -> str | None:
    values = request.args.getlist(name)
    if not values:
        return default
    value = values[0]
    if len(value) > MAX_PARAM_LENGTH:
        raise BadRequest(f"?{name}= is longer than {MAX_PARAM_LENGTH} characters")
    if any(ord(char) < 32 and char not in "\t\n\r" for char in value):
        raise BadRequest(f"?{name}= contains control characters")
    return value


def style_param(request) -> str:
    """``?style=``: the name of a CSL style (400 for one that does not exist); absent, Chicago."""
    style = text_param(request, "style") or DEFAULT_STYLE
    if not style_exists(style):
        raise BadRequest(f"?style= names no CSL style: {style[:80]!r}; try {DEFAULT_STYLE} or apa")
    return style


def commit_param(request, name: str = "at") -> str | None:
    """``?at=`` (or ``name``): a commit hash or a prefix of one, 7 to 40 hex digits (400 otherwise); absent, None."""
    value = text_param(request, name)
    if value is not None and not COMMIT.fullmatch(value):
        raise BadRequest(f"?{name}= is a commit hash (7 to 40 hex digits), not {value[:80]!r}")
    return value.lower() if value else None


def check_slug(name: str, value: str) -> None:
    problem = slug_problem(value)
    if problem:
        raise BadRequest(f"?{name}=: {problem}")


def version_param(request, name: str, document: browse.DocumentInfo) -> str | None:
    """A version named by a query parameter: None if absent; 400 if empty or not a slug, 404 if the document has
    no such version, 400 if it has no transcribed text."""
    value = text_param(request, name)
    if value is None:
        return None
    if not value:
        raise BadRequest(f"?{name}= is empty: name a version of {document.id}, such as {document.base or 'its base'}")
    check_slug(name, value)
    version = document.version(value)
    if version is None:
        raise NotFound(f"{document.id} has no version {value!r}")
    if not version.transcribed:
        raise BadRequest(f"?{name}=: version {value!r} of {document.id} has no transcribed text yet")
    return value


def copies_param(request, document: browse.DocumentInfo) -> list[str] | None:
    """``?copies=<language>``: the copies view, the document's transcribed versions in that language side by side
    (their slugs); 400 for a language with fewer than two."""
    language = text_param(request, "copies")
    if language is None:
        return None
    if language not in document.copy_languages:
        choices = ", ".join(document.copy_languages) or "none in this document"
        shown = language if len(language) <= 20 else language[:20] + "…"
        raise BadRequest(f"?copies=: {shown!r} is not a language with two transcribed versions or more ({choices})")
    return [version.id for version in document.copies(language)]


def columns_param(request, document: browse.DocumentInfo) -> list[str] | None:
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


def default_columns(document: browse.DocumentInfo, base: str | None) -> list[str]:
    return base_first([version.id for version in document.transcribed], base)


def base_first(columns: list[str], base: str | None) -> list[str]:
    """The base column, when shown, comes first: every other column is read against it."""
    return [base, *(c for c in columns if c != base)] if base in columns else columns


def muted_param(request) -> bool:
    return choice_param(request, "muted", ("show", "hide")) == "show"


def choice_param(request, name: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``; the first when the parameter is absent, 400 for anything else."""
    value = text_param(request, name)
    if value is None:
        return choices[0]
    if value not in choices:
        raise BadRequest(f"?{name}= is {' or '.join(choices)}, not {value!r}")
    return value


def normalization_param(request) -> Normalization:
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


def norm_value(normalization: Normalization) -> str | None:
    if normalization == browse.STORED_NORMALIZATION:
        return None
    return ",".join(normalization.names()) or "none"


def requested_document(conn, request) -> browse.DocumentInfo:
    """The document the request names (404 for none)."""
    document_id = request.url_vars["document"]
    if slug_problem(document_id):
        raise NotFound(f"There is no document {document_id!r}: document ids are slugs such as telegram-23256")
    document = browse.get_document(conn, document_id)
    if document is None:
        raise NotFound(f"There is no document {document_id!r}")
    return document
