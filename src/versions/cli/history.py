"""`versions log`: the revisions of a version, from git."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .. import terminal
from ..errors import problem
from ..history import HistoryError, document_history
from .common import (
    corpus_option,
    encoding_option,
    fail,
)


@click.command(name="log")
@click.argument("target", metavar="DOC[/VERSION]")
@corpus_option
@encoding_option
@click.option("--json", "as_json", is_flag=True, help="Print the revisions as JSON.")
def log_command(target: str, corpus: Path, encoding: str | None, as_json: bool) -> None:
    """List the revisions of a version (or of every version of a document), newest first, with the number of
    paragraphs each changed. Revisions come from git; uncommitted changes are the newest revision.

    Example: versions log telegram-23256/ru-rendering
    """
    document_id, _, version_id = target.partition("/")
    try:
        histories = document_history(corpus, document_id, version_id or None, encoding)
    except HistoryError as error:
        fail([problem(corpus / document_id, 1, str(error))])
    if as_json:
        click.echo(json.dumps([history.to_json() for history in histories], ensure_ascii=False, indent=1))
        return
    for index, history in enumerate(histories):
        if index:
            click.echo()
        click.echo(terminal.history_text(history))