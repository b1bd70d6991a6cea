"""The history pages of a document: its timeline, a version's revisions, two revisions compared, and the document
at two commits (``versions.browse.history`` reads them; addresses in ``versions.web``)."""

from __future__ import annotations

from datasette.utils import tilde_encode
from datasette.utils.asgi import BadRequest, NotFound

from .. import browse
from ..ids import slug_problem
from . import arguments


def document_history_page(datasette, request, database, conn):
    document = arguments.requested_document(conn, request)
    size = arguments.page_size(datasette, "items_per_page")
    page = arguments.page_param(request, "page", len(document.versions), size)
    timeline_page = arguments.page_param(request, "timeline_page", browse.timeline_count(conn, document.id), size)
    revisions = browse.revision_counts(conn, document.id)
    latest = browse.latest_revisions(conn, document.id)
    address = f"/-/versions/{document.id}/history"
    context = {
        "document": document,
        "versions": document.versions[page.start:page.stop],
        "page": page,
        "page_url": lambda number: arguments.url(datasette, address, page=arguments.beyond_first(number),
                                        timeline_page=arguments.beyond_first(timeline_page.number)),
        "timeline": browse.load_timeline(conn, document.id, timeline_page.start, timeline_page.size),
        "timeline_page": timeline_page,
        "timeline_url": lambda number: arguments.url(datasette, address, page=arguments.beyond_first(page.number),
                                            timeline_page=arguments.beyond_first(number)),
        "revision_url": lambda entry: revision_url(datasette, database.name, document.id, entry, revisions, size),
        "revisions": revisions,
        "latest": latest,
        "revisions_url": arguments.table_url(datasette, database.name, "revision_details", document_id=document.id),
        "compare_url": datasette.urls.path(f"/-/versions/{document.id}/history/-/compare"),
        "database": database.name,
    }
    return "versions_document_history.html", context


def revision_url(datasette, database: str, document_id: str, entry, counts: dict[str, int], size: int) -> str:
    """Where a timeline entry is shown: a version's revision on its page of the version's history (newest first),
    a file's revision as its row of ``document_revisions``."""
    if entry.kind != "version":
        return datasette.urls.row(database, "document_revisions", tilde_encode(entry.revision_id))
    number = (counts.get(entry.what, entry.n) - entry.n) // size + 1
    address = arguments.url(datasette, f"/-/versions/{document_id}/history/{entry.what}", page=arguments.beyond_first(number))
    return f"{address}#rev-{entry.n}"


def history_page(datasette, request, database, conn):
    document = arguments.requested_document(conn, request)
    version = history_version(request, document)
    slug = version.id
    counts = browse.revision_counts(conn, document.id)
    page = arguments.page_param(request, "page", counts.get(slug, 0), arguments.page_size(datasette, "items_per_page"))
    history = browse.load_history(conn, document, slug, page.start, page.size)
    span = browse.history_span(conn, document, slug)
    context = {
        "document": document,
        "version": version,
        "history": history,
        "page": page,
        "page_url": lambda number: arguments.url(datasette, f"/-/versions/{document.id}/history/{slug}",
                                        page=arguments.beyond_first(number)),
        "revisions": counts,
        "span": span,
        "data_url": arguments.table_url(datasette, database.name, "revisions", version_id=version.key, _sort_desc="n"),
        "changes_url": arguments.table_url(datasette, database.name, "revision_diffs", version_id=version.key),
        "revision_url": lambda revision: datasette.urls.row(database.name, "revisions", tilde_encode(revision.id)),
        "compare_url": lambda a=None, b=None: arguments.url(
            datasette, f"/-/versions/{document.id}/history/{slug}/compare", a=a, b=b),
        "database": database.name,
    }
    return "versions_history.html", context


def revision_compare_page(datasette, request, database, conn):
    """Any two revisions of a version, picked on the page, compared paragraph by paragraph with word diffs."""
    document = arguments.requested_document(conn, request)
    version = history_version(request, document)
    revisions = browse.list_revisions(conn, document, version.id)
    if not revisions:
        raise NotFound(f"{document.id}/{version.id} has no recorded revision")
    latest = revisions[0].n
    a = arguments.number_param(request, "a", max(1, latest - 1), "revision")
    b = arguments.number_param(request, "b", latest, "revision")
    compared = browse.compare_stored_revisions(conn, document, version.id, a, b)
    if compared is None:
        raise NotFound(f"{document.id}/{version.id} has revisions 1 to {latest}, not {max(a, b)}")
    address = f"/-/versions/{document.id}/history/{version.id}/compare"
    page = arguments.page_param(request, "page", len(compared.changes), arguments.page_size(datasette, "rows_per_page"))
    context = {
        "document": document,
        "version": version,
        "revisions": revisions,
        "a": a,
        "b": b,
        "compared": compared,
        "changes": compared.changes[page.start:page.stop],
        "page": page,
        "page_url": lambda number: arguments.url(datasette, address, a=a, b=b, page=arguments.beyond_first(number)),
        "compare_url": lambda old, new: arguments.url(datasette, address, a=old, b=new),
        "database": database.name,
    }
    return "versions_revision_compare.html", context


def document_compare_page(datasette, request, database, conn):
    """The document at any two commits of its timeline, picked on the page: what changed in each version and in its
    own files."""
    document = arguments.requested_document(conn, request)
    commits = browse.timeline_commits(conn, document.id)
    if not commits:
        raise NotFound(f"{document.id} has no recorded commit")
    a = arguments.commit_param(request, "a") or commits[min(1, len(commits) - 1)].commit
    b = arguments.commit_param(request, "b") or commits[0].commit
    size = arguments.page_size(datasette, "items_per_page")
    number = arguments.page_number(request, "page")
    compared = browse.compare_document(conn, document, a, b, slice((number - 1) * size, number * size))
    if compared is None:
        raise NotFound(f"{document.id} has no commit {a!r} or {b!r} on its timeline")
    page = arguments.page_param(request, "page", len(compared.versions), size)
    address = f"/-/versions/{document.id}/history/-/compare"
    context = {
        "document": document,
        "commits": commits,
        "compared": compared,
        "changes": compared.versions[page.start:page.stop],
        "page": page,
        "page_url": lambda n: arguments.url(datasette, address, a=compared.old.commit, b=compared.new.commit,
                                   page=arguments.beyond_first(n)),
        "compare_url": lambda old, new: arguments.url(datasette, address, a=old, b=new),
        "changes_shown": browse.CHANGES_SHOWN,
        "version_compare_url": lambda change: arguments.url(
            datasette, f"/-/versions/{document.id}/history/{change.version}/compare", a=change.old, b=change.new),
        "database": database.name,
    }
    return "versions_document_compare.html", context


def history_version(request, document: browse.DocumentInfo) -> browse.VersionInfo:
    """The version a history address names (400 for what is not a slug, 404 for no such version)."""
    slug = request.url_vars["version"]
    if slug_problem(slug):
        shown = slug if len(slug) <= 80 else slug[:80] + "…"
        raise BadRequest(f"{shown!r} is not a version id: version ids are slugs such as {document.base or 'wilson-en'}")
    version = document.version(slug)
    if version is None:
        raise NotFound(f"{document.id} has no version {slug!r}")
    return version
