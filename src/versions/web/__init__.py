"""The Datasette plugin: pages under ``/-/versions`` over the library's read queries (``versions.browse``)."""

from __future__ import annotations

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from .. import browse


@hookimpl
def register_routes():
    return [(r"^/-/versions$", documents_page)]


async def documents_page(datasette, request):
    database = await versions_database(datasette)
    documents = await database.execute_fn(browse.list_documents)
    context = {"documents": documents, "database": database.name}
    return Response.html(await datasette.render_template("versions_index.html", context, request=request))


async def versions_database(datasette):
    """The first attached database that was built by ``versions build``."""
    for database in datasette.databases.values():
        if database.name != "_internal" and await database.execute_fn(browse.is_versions_database):
            return database
    raise NotFound("No versions database is attached")
