"""``versions serve --edit``: link, unlink and pin paragraphs from the alignment table and the compare page.

Only when the plugin's configuration has ``edit`` (``plugins.versions.edit``: ``corpus``, ``db``, ``journal``,
``commit``, ``encoding``; ``versions serve --edit`` writes it) do the pages show the controls and these routes
exist; otherwise a POST to them is Datasette's 404::

    POST /-/versions/<doc>/-/edit    action=link|unlink|pin, paragraph=<version>/<key> (repeated), and either
                                     with=<version>/<key> (repeated: the other reading of the same row) or
                                     other=<version> and row=<row number or key> (link to that row's reading)
    POST /-/versions/<doc>/-/undo    the document's last correction made here, undone

Both carry ``token`` (alignment.yaml's version when the page was made: an older one is refused with 409 and a reload
prompt), ``next`` (the page to return to) and ``csrftoken``. The work is ``versions.edit.Editor``'s; then the document
is rebuilt in a process of its own (the build takes its lock, so a watcher's build waits or follows) before the
redirect, so the page shown next shows the correction.

Safety: every request must name a loopback host (``Host``: ``127.0.0.1``, ``localhost``, ``[::1]``; a rebinding
name is refused, ``refuse_other_hosts``); a POST must carry Datasette's CSRF cookie, so asgi-csrf checks its token
(asgi-csrf lets a request without any cookie through), and an ``Origin``, when sent, must be loopback too.
"""

from __future__ import annotations

import asyncio
import getpass
import multiprocessing
import re
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from itertools import product
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from datasette.utils.asgi import Forbidden, Response

from .. import browse
from ..edit import Change, Editor, EditRefused, Stale
from ..ids import slug_problem
from ..watch import rebuild

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
CSRF_COOKIE = "ds_csrftoken"  # Datasette's
MAX_BODY = 64 * 1024
MAX_PAIRS = 36  # a row holds a few paragraphs of each side
_ROW = re.compile(r"(?:row\s*)?(?P<row>[0-9]{1,9}|(?:[a-z0-9]+(?:-[a-z0-9]+)*\.)?[a-z0-9]+(?:-[0-9]+)?)\Z")


@dataclass(frozen=True)
class EditConfig:
    editor: Editor
    db: Path


def edit_config(plugin_config: dict | None) -> EditConfig | None:
    """The editing ``versions serve --edit`` configured, or None: no control, no route."""
    config = (plugin_config or {}).get("edit")
    if not isinstance(config, dict):
        return None
    editor = Editor(Path(config["corpus"]), Path(config["journal"]), config.get("encoding"),
                    bool(config.get("commit")))
    return EditConfig(editor, Path(config["db"]))


def routes(config: EditConfig | None) -> list:
    if config is None:
        return []
    document = r"^/-/versions/(?P<document>[a-z0-9-]+)/-/"

    async def correct(datasette, request):
        return await _answer(datasette, request, config, _correct)

    async def undo(datasette, request):
        return await _answer(datasette, request, config, _undo)

    return [(document + "edit$", correct), (document + "undo$", undo)]


def refuse_other_hosts(app):
    """The app, answering only requests addressed to a loopback name (against DNS rebinding)."""

    async def guarded(scope, receive, send):
        if scope["type"] == "http" and _hostname(dict(scope.get("headers") or []).get(b"host")) not in LOOPBACK:
            response = Response.text("versions serve --edit answers on 127.0.0.1, localhost or [::1] only\n",
                                     status=403)
            await response.asgi_send(send)
            return
        await app(scope, receive, send)

    return guarded


@dataclass(frozen=True)
class EditPage:
    """What a page's controls need: the file's token, where to post, where to come back, what can be undone."""

    document: str
    token: str
    next: str
    edit_url: str
    undo_url: str
    recent: list[Change]

    @staticmethod
    def refs(reading) -> list[str]:
        """``<version>/<key>`` of each paragraph of a reading (``versions.browse.Reading``)."""
        return [paragraph.id.split("/", 1)[1] for paragraph in reading.paragraphs]


def page_controls(datasette, request, config: EditConfig | None):
    """For templates: ``versions_edit(document_id)`` → an ``EditPage``, or None when editing is off."""
    if config is None or request is None:
        return None

    def controls(document_id: str) -> EditPage:
        path = f"/-/versions/{document_id}/-/"
        query = f"?{request.query_string}" if request.query_string else ""
        return EditPage(document_id, config.editor.token(document_id), request.path + query,
                        datasette.urls.path(path + "edit"), datasette.urls.path(path + "undo"),
                        config.editor.recent(document_id)[:5])

    return controls


# ----------------------------------------------------------------------------------------------------------------


async def _answer(datasette, request, config: EditConfig, work):
    """Check the request, do ``work`` off the event loop, rebuild the document, and go back to the page."""
    if request.method != "POST":
        return Response.text("Corrections are sent with POST from the page\n", status=405)
    _check_origin(request)
    document_id = request.url_vars["document"]
    back = datasette.urls.path(f"/-/versions/{document_id}")
    try:
        form = await _form(request)
        back = _next(datasette, form, document_id)
        saved = await asyncio.to_thread(work, config, document_id, form, _who(request))
    except EditRefused as refused:
        return await _refused(datasette, request, refused, back)
    built = await _rebuilt(config, document_id)
    said = f"{saved.change.summary()} (by {saved.change.by}). {built}"
    if saved.commit:
        said += f" Committed as {saved.commit[:12]}."
    if saved.commit_problem:
        said += f" {saved.commit_problem}."
    datasette.add_message(request, said, datasette.INFO)
    return Response.redirect(back, status=303)


async def _rebuilt(config: EditConfig, document_id: str) -> str:
    """The document rebuilt in a process of its own: never in Datasette's, whose connections stay open on the file
    (a write in place from beside them was seen to corrupt it); the build's lock orders it with the watcher's."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return await asyncio.wrap_future(
            pool.submit(rebuild, config.editor.corpus, config.db, {document_id}, config.editor.encoding))


def _correct(config: EditConfig, document_id: str, form: dict[str, list[str]], by: str):
    action = _one(form, "action")
    config.editor.ensure_current(document_id, _one(form, "token"))  # a stale page is told so before anything else
    paragraphs = form.get("paragraph", [])
    others = form.get("with", []) if action != "link" else _row_paragraphs(config, document_id, form)
    pairs = list(product(paragraphs, others))
    if not pairs or len(pairs) > MAX_PAIRS:
        raise EditRefused(f"{action or 'a correction'}: name up to {MAX_PAIRS} pairs of paragraphs")
    return config.editor.correct(document_id, action, pairs, by, _one(form, "token"))


def _undo(config: EditConfig, document_id: str, form: dict[str, list[str]], by: str):
    return config.editor.undo(document_id, by, _one(form, "token"))


def _row_paragraphs(config: EditConfig, document_id: str, form: dict[str, list[str]]) -> list[str]:
    """The paragraphs of version ``other`` in the row the reader typed (``7``, ``row 7`` or a row's key)."""
    other, typed = _one(form, "other"), _one(form, "row").strip().lower()
    if slug_problem(other):
        raise EditRefused(f"{other!r} is not a version of {document_id}")
    match = _ROW.match(typed)
    if match is None:
        raise EditRefused(f"{typed[:40]!r} is not a row: type its number, such as 7")
    with closing(sqlite3.connect(config.db.resolve().as_uri() + "?mode=ro", uri=True)) as conn:
        document = browse.get_document(conn, document_id)
        row = match["row"]
        key = browse.row_at(conn, document_id, int(row)) if row.isdigit() else row
        if document is None or key is None or not browse.row_exists(conn, document_id, key):
            raise EditRefused(f"{document_id} has no row {row}")
        if document.version(other) is None or not document.version(other).transcribed:
            raise EditRefused(f"{document_id} has no transcribed version {other!r}")
        reading = browse.load_alignment(conn, document, row=key, versions=[other]).rows[0].readings[other]
    if not reading.present:
        raise EditRefused(f"row {row} has no paragraph of {document.version(other).label} to link to")
    return EditPage.refs(reading)


async def _refused(datasette, request, refused: EditRefused, back: str) -> Response:
    status = 409 if isinstance(refused, Stale) else 400
    html = await datasette.render_template(
        "versions_edit_refused.html", {"message": str(refused), "stale": status == 409, "back": back},
        request=request)
    return Response.html(html, status=status)


def _check_origin(request) -> None:
    if CSRF_COOKIE not in request.cookies:
        raise Forbidden("The page's form token is missing (no CSRF cookie): reload the page and try again")
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).hostname not in LOOPBACK:
        raise Forbidden("Corrections are accepted from this server's own pages only")


async def _form(request) -> dict[str, list[str]]:
    body = await request.post_body()
    if len(body) > MAX_BODY:
        raise EditRefused("the form is too large")
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        return {}


def _one(form: dict[str, list[str]], name: str) -> str:
    values = form.get(name)
    return values[0] if values else ""


def _next(datasette, form: dict[str, list[str]], document_id: str) -> str:
    """The page to go back to: one of this document's pages here, never another site."""
    home = datasette.urls.path(f"/-/versions/{document_id}")
    wanted = _one(form, "next")
    parts = urlsplit(wanted)
    if parts.scheme or parts.netloc or not (parts.path == home or parts.path.startswith(home + "/")) \
            or "\\" in wanted or any(ord(char) < 32 for char in wanted):
        return home
    return wanted


def _who(request) -> str:
    """The actor's id, else the user running the server (it answers on loopback only)."""
    actor = request.actor or {}
    return str(actor.get("id") or getpass.getuser())


def _hostname(host: bytes | None) -> str | None:
    if not host:
        return None
    try:
        return urlsplit("//" + host.decode("ascii")).hostname
    except (UnicodeDecodeError, ValueError):
        return None
