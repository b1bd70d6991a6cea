"""What every command shares: the corpus, database and encoding options, progress, and how problems are shown."""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NoReturn

import click

from ..errors import Problem

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


def progress(documents: Iterable) -> Iterator:
    documents = list(documents)
    if len(documents) < PROGRESS_THRESHOLD or os.environ.get("CI"):
        yield from documents
        return
    with click.progressbar(documents, label="Building", file=sys.stderr, show_pos=True) as bar:
        yield from bar


def fail(problems: Iterable[Problem | Exception]) -> NoReturn:
    """Print each problem (or one-line error, such as a ``WriteError``) on its own line and exit with status 1."""
    for found in problems:
        click.echo(str(found), err=True)
    sys.exit(1)


def terminal_width() -> int:
    return shutil.get_terminal_size((120, 24)).columns


def use_color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ