"""`versions migrate`: alignment.yaml rewritten to name paragraphs by stable key instead of position."""

from __future__ import annotations

from pathlib import Path

import click

from ..corpus import CORRECTIONS_FILE, load_document
from ..corpus.corrections import migrated_text
from ..durable import WriteError, replace_text
from ..errors import CorpusError, problem
from ..identity import document_keys
from .common import corpus_option, encoding_option, fail


@click.command(name="migrate")
@click.argument("document_id")
@corpus_option
@encoding_option
def migrate_command(document_id, corpus, encoding) -> None:
    """Rewrite DOCUMENT_ID's alignment.yaml to name paragraphs by their stable keys (wilson-en/3kq7zv2a) instead
    of their positions (wilson-en/7), which drift when paragraphs are added; comments and layout are kept. Run it
    before editing the versions, while the positions still name the paragraphs meant.

    Example: versions migrate telegram-23256
    """
    path = Path(corpus) / document_id / CORRECTIONS_FILE
    try:
        document = load_document(Path(corpus), document_id, encoding)
    except CorpusError as error:
        fail(error.problems)
    if not path.is_file():
        fail([problem(path, 1, "no alignment.yaml to migrate")])
    text = path.read_text(encoding="utf-8")
    migrated = migrated_text(text, document_keys(document))
    if migrated == text:
        click.echo(f"{path}: nothing to migrate")
        return
    try:
        replace_text(path, migrated)
    except WriteError as error:
        fail([error])
    click.echo(f"{path}: {len(document.corrections)} corrections now name paragraphs by key")

