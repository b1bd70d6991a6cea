"""`versions check`, `versions build` and `versions serve`: the corpus into the database, and the database into
Datasette."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click

from ..durable import WriteError
from ..errors import CorpusError
from ..lifetime import die_with_parent
from ..store import build as build_database
from ..store import check as check_database_input
from ..watch import watch as watch_corpus
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
    `versions build` would refuse, `check` refuses with the same line.

    Example: versions check --corpus translations
    """
    problems = check_database_input(corpus, encoding, progress=progress)
    if problems:
        fail(problems)
    click.echo(f"{corpus}: no problems")


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
@encoding_option
def serve(corpus: Path, db_path: Path, metadata: Path, host: str, port: int, immutable: bool, watch: bool,
          encoding: str | None) -> None:
    """Rebuild the database if the corpus changed, then serve it with Datasette.

    The live database is served as it is, and the corpus is watched: save a file and the next request shows the
    rebuilt document, with no restart and no failed request (builds write the database in one SQLite transaction).
    `versions build` in another terminal works the same way.

    Example: versions serve --port 8001
    """
    click.echo(build_or_fail(corpus, db_path, encoding).summary())
    args = datasette_args(db_path, metadata, host, port, immutable)
    click.echo(f"Serving on http://{host}:{port}/-/versions")
    sys.stdout.flush()
    if immutable or not watch:
        os.execv(args[0], args)  # Datasette takes this process's place: one process to stop, no orphan
    else:
        _serve_and_watch(args, corpus, db_path, encoding)


def _serve_and_watch(args: list[str], corpus: Path, db_path: Path, encoding: str | None) -> None:
    """Datasette in a child process that ends with this one, and the corpus watched here until interrupted."""
    with subprocess.Popen(args, preexec_fn=_dies_with_this_process) as server:
        try:
            watch_corpus(corpus, db_path, encoding, say=lambda line: click.echo(line, err=True))
        finally:
            server.terminate()


def _dies_with_this_process() -> None:
    die_with_parent(os.getppid())


def datasette_args(db_path: Path, metadata: Path, host: str, port: int, immutable: bool = False) -> list[str]:
    # no "serve": it is Datasette's default command
    database = ["-i", str(db_path)] if immutable else [str(db_path)]
    args = [sys.executable, "-m", "datasette", *database, "--host", host, "--port", str(port)]
    if metadata.exists():
        args += ["--metadata", str(metadata)]
    return args


def build_or_fail(corpus: Path, db_path: Path, encoding: str | None):
    try:
        return build_database(corpus, db_path, encoding, progress=progress)
    except CorpusError as error:
        fail(error.problems)
    except WriteError as error:
        fail([error])