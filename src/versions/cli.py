"""The ``versions`` command: a thin click shell over the library."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from .corpus import Document, check_corpus
from .errors import CorpusError, Problem, problem
from .importer import ImportProblem, read_wilson_record, write_document
from .store import build as build_database

CORPUS = "translations"
DATABASE = "db/versions.db"
METADATA = "metadata.json"
PROGRESS_THRESHOLD = 20

corpus_option = click.option(
    "--corpus", type=click.Path(file_okay=False, path_type=Path), default=CORPUS, show_default=True,
    help="Folder holding the corpus.",
)
db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=DATABASE, show_default=True,
    help="SQLite database to write.",
)
encoding_option = click.option(
    "--encoding", default=None, help="Decode corpus files with this encoding instead of UTF-8 (e.g. cp1251, koi8-r)."
)


@click.group()
@click.version_option(__version__, prog_name="versions")
def cli() -> None:
    """Store, align, diff and publish every archival copy and translation of a historical document."""


@cli.command()
@corpus_option
@encoding_option
def check(corpus: Path, encoding: str | None) -> None:
    """Validate the corpus; print every problem as path:line: message."""
    problems = check_corpus(corpus, encoding)
    if problems:
        _fail(problems)
    click.echo(f"{corpus}: no problems")


@cli.command()
@corpus_option
@db_option
@encoding_option
def build(corpus: Path, db_path: Path, encoding: str | None) -> None:
    """Build the SQLite database from the corpus (atomically; unchanged documents are carried over)."""
    click.echo(_build(corpus, db_path, encoding).summary())


@cli.command()
@corpus_option
@db_option
@click.option("--metadata", type=click.Path(dir_okay=False, path_type=Path), default=METADATA, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, type=click.IntRange(0, 65535), show_default=True)
def serve(corpus: Path, db_path: Path, metadata: Path, host: str, port: int) -> None:
    """Rebuild the database if the corpus changed, then serve it with Datasette (immutable)."""
    click.echo(_build(corpus, db_path, None).summary())
    args = datasette_args(db_path, metadata, host, port)
    click.echo(f"Serving on http://{host}:{port}/-/versions")
    sys.exit(subprocess.call(args))


def datasette_args(db_path: Path, metadata: Path, host: str, port: int) -> list[str]:
    args = [sys.executable, "-m", "datasette", "serve", "-i", str(db_path), "--host", host, "--port", str(port)]
    if metadata.exists():
        args += ["--metadata", str(metadata)]
    return args


@cli.command(name="import")
@click.argument("record", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@corpus_option
@encoding_option
@click.option("--document", "document_id", default=None, help="Document id (default: derived from the title).")
@click.option("--overwrite", is_flag=True, help="Replace the files an earlier import of this record wrote.")
def import_record(record: Path, corpus: Path, encoding: str | None, document_id: str | None, overwrite: bool) -> None:
    """Import a Wilson Center Digital Archive record into the corpus."""
    try:
        parsed = read_wilson_record(record, encoding)
        folder = write_document(parsed, corpus, document_id=document_id, overwrite=overwrite)
    except ImportProblem as error:
        _fail([problem(record, error.line, error.message)])
    except (ValueError, FileExistsError) as error:
        _fail([problem(record, 1, str(error))])
    for warning in parsed.warnings:
        click.echo(f"{record}: warning: {warning}", err=True)
    click.echo(f"{folder}: {', '.join(sorted(p.name for p in folder.iterdir()))}")


def _build(corpus: Path, db_path: Path, encoding: str | None):
    try:
        return build_database(corpus, db_path, encoding, progress=_progress)
    except CorpusError as error:
        _fail(error.problems)


def _progress(documents: Iterable[Document]) -> Iterator[Document]:
    documents = list(documents)
    if len(documents) < PROGRESS_THRESHOLD or os.environ.get("CI"):
        yield from documents
        return
    with click.progressbar(documents, label="Building", file=sys.stderr, show_pos=True) as bar:
        yield from bar


def _fail(problems: list[Problem]) -> NoReturn:
    for found in problems:
        click.echo(str(found), err=True)
    sys.exit(1)
if __name__ == "__main__":
    cli()
