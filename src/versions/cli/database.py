"""`versions check`, `versions build` and `versions serve`: the corpus into the database, and the database into
Datasette."""
from __future__ import annotations

import gc
import ipaddress
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from ..durable import WriteError
from ..errors import CorpusError
from ..lifetime import die_with_parent
from ..store import build as build_database
from ..store import check as check_database_input
from ..store.facsimiles import FACSIMILES_MOUNT, facsimiles_folder
from .common import (
    METADATA,
    corpus_option,
    db_option,
    encoding_option,
    fail,
    progress,
)


@click.command()
@corpus_option
@encoding_option
def check(corpus: Path, encoding: str | None) -> None:
    """Validate the corpus; print every problem as path:line: message.

    Runs the build's own pass over every document (read, check, align, diff) without writing anything, so whatever
    `versions build` would refuse, `check` refuses with the same line. Warnings (a correction whose paragraph was
    edited since it was made: it still applies) are printed as path:line: warning: message and do not fail.

    Example: versions check --corpus translations
    """
    found = check_database_input(corpus, encoding, progress=progress)
    problems = [problem for problem in found if not problem.warning]
    if problems:
        fail(found)
    for warning in found:
        click.echo(str(warning), err=True)
    warned = f" ({len(found)} warning{'' if len(found) == 1 else 's'})" if found else ""
    click.echo(f"{corpus}: no problems{warned}")


@click.command()
@corpus_option
@db_option
@encoding_option
def build(corpus: Path, db_path: Path, encoding: str | None) -> None:
    """Build the SQLite database from the corpus (atomically; unchanged documents are carried over).

    Refuses to overwrite a --db file that this tool did not create.

    Example: versions build --corpus translations --db db/versions.db
    """
    click.echo(build_or_fail(corpus, db_path, encoding).summary())


@click.command()
@corpus_option
@db_option
@click.option("--metadata", type=click.Path(dir_okay=False, path_type=Path), default=METADATA, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, type=click.IntRange(0, 65535), show_default=True)
@click.option("--immutable", is_flag=True,
              help="Serve a published, read-only copy: Datasette may cache it, and later builds are not shown.")
@click.option("--watch/--no-watch", default=True, show_default=True,
              help="Rebuild the documents whose files change while serving (not with --immutable).")
@click.option("--edit", is_flag=True,
              help="Add link, unlink and pin controls to the alignment table and the compare page: corrections are "
                   "written to the document's alignment.yaml, and it is rebuilt. On loopback only.")
@click.option("--commit", "commit_edits", is_flag=True,
              help="With --edit, in a git corpus: commit each correction, with a message naming the link.")
@encoding_option
def serve(corpus: Path, db_path: Path, metadata: Path, host: str, port: int, immutable: bool, watch: bool,
          edit: bool, commit_edits: bool, encoding: str | None) -> None:
    """Rebuild the database if the corpus changed, then serve it with Datasette.

    The live database is served as it is, and the corpus is watched: save a file and the next request shows the
    rebuilt document, with no restart and no failed request (builds write the database in one SQLite transaction).
    `versions build` in another terminal works the same way.

    With --edit, the pages let you fix the alignment where you see it; each correction records who made it and when,
    can be undone from the page, and is refused if the page is older than alignment.yaml.

    Example: versions serve --port 8001

    Example: versions serve --edit --commit
    """
    _check_edit_options(edit, commit_edits, host, immutable)
    click.echo(build_or_fail(corpus, db_path, encoding).summary())
    with _served_metadata(metadata, _edit_config(corpus, db_path, encoding, commit_edits) if edit else None) as shown:
        facsimiles_folder(db_path).mkdir(exist_ok=True)  # mounted even before a version lists an image file
        args = datasette_args(db_path, shown, host, port, immutable)
        click.echo(f"Serving on http://{host}:{port}/-/versions" + (" (editing on)" if edit else ""))
        sys.stdout.flush()
        if (immutable or not watch) and not edit:
            os.execv(args[0], args)  # Datasette takes this process's place: one process to stop, no orphan
        else:
            _serve_and_watch(args, corpus, db_path, encoding, watch)


def _check_edit_options(edit: bool, commit_edits: bool, host: str, immutable: bool) -> None:
    if commit_edits and not edit:
        raise click.UsageError("--commit commits corrections made with --edit; add --edit")
    if not edit:
        return
    if immutable:
        raise click.UsageError("--edit rebuilds the live database; it cannot serve an --immutable copy")
    if not _is_loopback(host):
        raise click.UsageError(f"--edit listens on loopback only (127.0.0.1, ::1 or localhost), not {host}")


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _edit_config(corpus: Path, db_path: Path, encoding: str | None, commit_edits: bool) -> dict:
    """``plugins.versions.edit`` for the plugin (``versions.web.edit``); the undo journal lies beside the database."""
    return {"corpus": str(corpus.resolve()), "db": str(db_path.resolve()), "encoding": encoding,
            "journal": str(db_path.resolve().parent / ".versions-edits.json"), "commit": commit_edits}


@contextmanager
def _served_metadata(metadata: Path, edit: dict | None) -> Iterator[Path]:
    """The metadata file to serve: ``metadata`` itself, or with --edit a copy carrying the edit configuration, removed
    when serving ends."""
    if edit is None:
        yield metadata
        return
    # imported here: Datasette's imports are serve's, not build's
    from datasette.utils import parse_metadata

    data = parse_metadata(metadata.read_text(encoding="utf-8")) if metadata.exists() else {}
    data.setdefault("plugins", {}).setdefault("versions", {})["edit"] = edit
    handle, name = tempfile.mkstemp(prefix="versions-serve-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file)
        yield Path(name)
    finally:
        os.unlink(name)


def _serve_and_watch(args: list[str], corpus: Path, db_path: Path, encoding: str | None, watch: bool = True) -> None:
    """Datasette in a child process that ends with this one, and the corpus watched here until interrupted."""
    # imported here: the watcher's imports are serve's, not build's
    from ..watch import watch as watch_corpus

    with subprocess.Popen(args, preexec_fn=_dies_with_this_process) as server:
        try:
            if watch:
                watch_corpus(corpus, db_path, encoding, say=lambda line: click.echo(line, err=True))
            else:
                server.wait()
        finally:
            server.terminate()


def _dies_with_this_process() -> None:
    die_with_parent(os.getppid())


def datasette_args(db_path: Path, metadata: Path, host: str, port: int, immutable: bool = False) -> list[str]:
    # no "serve": it is Datasette's default command
    database = ["-i", str(db_path)] if immutable else [str(db_path)]
    args = [sys.executable, "-m", "datasette", *database, "--host", host, "--port", str(port),
            "--static", f"{FACSIMILES_MOUNT}:{facsimiles_folder(db_path)}"]  # the page images (store.facsimiles)
    if metadata.exists():
        args += ["--metadata", str(metadata)]
    return args


# A build makes many objects that live until a document is done, and few that are cyclic garbage: the collector's
# youngest generation may grow to this many before it is searched (at Python's 700, a one-word edit of a document of
# 4 x 5,000 paragraphs spent a tenth of its time in the collector)
YOUNG_OBJECTS = 20_000


def build_or_fail(corpus: Path, db_path: Path, encoding: str | None):
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
    try:
        return build_database(corpus, db_path, encoding, progress=progress)
    except CorpusError as error:
        fail(error.problems)
    except WriteError as error:
        fail([error])