"""`versions export` and `versions import`: TEI, CollateX and CSV out; Wilson Center records, TEI and plain text in."""
from __future__ import annotations

import os
from pathlib import Path

import click

from ..corpus import KINDS
from ..durable import WriteError
from ..errors import CorpusError, problem
from ..export import FORMATS as EXPORT_FORMATS
from ..export import ExportError, export_document
from ..ingest import FORMATS as IMPORT_FORMATS
from ..ingest import PARAGRAPH_RULES, ImportFailure, import_file, import_text
from .common import (
    corpus_option,
    encoding_option,
    fail,
)


@click.command(name="export")
@click.argument("document_id", metavar="DOC")
@corpus_option
@encoding_option
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="tei", show_default=True,
              help="TEI P5 parallel segmentation, CollateX alignment-table JSON, or CSV of the alignment table.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def export_command(document_id: str, corpus: Path, encoding: str | None, fmt: str, output: Path | None) -> None:
    """Export the alignment table of document DOC.

    Example: versions export telegram-23256 --format tei -o telegram-23256.xml
    """
    try:
        text = export_document(corpus, document_id, fmt, encoding)
    except CorpusError as error:
        fail(error.problems)
    except ExportError as error:
        fail([problem(corpus / document_id, 1, str(error))])
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, output)
    click.echo(f"{output}: {fmt} export of {document_id}", err=True)


@click.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@corpus_option
@encoding_option
@click.option("--format", "fmt", type=click.Choice(IMPORT_FORMATS), default=None,
              help="What FILE is (default: detected; a plain text version is never guessed).")
@click.option("--paragraphs", "paragraph_rule", type=click.Choice(PARAGRAPH_RULES), default=None,
              help="How a record's text is split into paragraphs: at blank lines, at every line, or by joining "
                   "hard-wrapped lines (default: detected, and reported).")
@click.option("--document", "document_id", default=None,
              help="Id of the new document (default: derived from the record's title or record id, or the TEI "
                   "file's); of the document a plain text version goes into.")
@click.option("--into", default=None, metavar="DOC",
              help="Add the record's text as new versions of document DOC (another copy of it).")
@click.option("--as", "version_id", default=None, metavar="VERSION",
              help="Id of the new version (default: wilson-<language>, numbered if taken; needed for plain text).")
@click.option("--overwrite", is_flag=True, help="Replace the files an earlier import of this record wrote.")
@click.option("--dry-run", is_flag=True, help="Check everything and print what would be written; write nothing.")
@click.option("--note", default=None, help="A note on the imported text (its version's note).")
@click.option("--illustrative", is_flag=True,
              help="Mark what is imported as written for demonstration, not an archival source.")
@click.option("--kind", type=click.Choice(KINDS), default=None, help="Plain text: what the version is.")
@click.option("--language", default=None, help="Plain text: language code of the version (ru, en, zh ...).")
@click.option("--label", default=None, help="Plain text: column heading of the version.")
@click.option("--archive", default=None, help="Plain text: the archive of an archival copy.")
@click.option("--translator", default=None, help="Plain text: who translated it.")
@click.option("--publisher", default=None, help="Plain text: who published it.")
@click.option("--source", default=None, help="Plain text: URL the text was taken from.")
@click.option("--date", default=None, help="Plain text: when the version was made (ISO date).")
@click.option("--derived-from", multiple=True, help="Plain text: version id this one was made from (repeatable).")
@click.option("--title", default=None, help="Plain text into a new document: its title.")
@click.option("--document-date", default=None, help="Plain text into a new document: its date (ISO).")
@click.option("--original-language", default=None,
              help="Plain text into a new document: its original language (default --language).")
def import_command(file: Path, corpus: Path, encoding, fmt, paragraph_rule, document_id, into, version_id, overwrite,
                   dry_run, note, illustrative, **text_options) -> None:
    """Import FILE into the corpus: a Wilson Center Digital Archive record (its Markdown rendering, page text
    copied from a browser or reader view, or a saved .html page), a TEI parallel-segmentation file (a whole
    document), or with --format text a plain text file as one version of document --document.

    A record of a document already in the corpus (the same record id or source URL) is added to it as new
    versions; nothing is overwritten without --overwrite.

    Example: versions import tests/data/seed/telegram-23256.txt
    """
    given = [name for name, value in text_options.items() if value not in (None, ())]
    if given and fmt != "text":
        raise click.UsageError(f"--{given[0].replace('_', '-')} is for a plain text import (--format text)")
    try:
        if fmt == "text":
            result = _import_plain_text(file, corpus, encoding, into or document_id, version_id, overwrite, dry_run,
                                        note, illustrative, text_options)
        else:
            result = import_file(file, corpus, fmt, document_id=document_id, overwrite=overwrite, encoding=encoding,
                                 paragraph_rule=paragraph_rule, into=into, version_id=version_id, dry_run=dry_run,
                                 note=note, illustrative=illustrative)
    except ImportFailure as error:
        fail([problem(file, error.line, error.message)])
    except CorpusError as error:
        fail(error.problems)
    except (ValueError, FileExistsError) as error:
        fail([problem(file, 1, str(error))])
    except WriteError as error:
        fail([error])
    for warning in result.warnings:
        click.echo(f"{file}: warning: {warning}", err=True)
    if result.paragraph_rule:
        click.echo(f"{file}: paragraphs split by the {result.paragraph_rule} rule", err=True)
    click.echo(f"{'would write ' if dry_run else ''}{result.folder}: {', '.join(result.files)}")


def _import_plain_text(file: Path, corpus: Path, encoding, document_id, version_id, overwrite, dry_run, note,
                       illustrative, options):
    missing = [flag for flag, value in (("--document", document_id), ("--as", version_id),
                                        ("--kind", options["kind"]), ("--language", options["language"]))
               if value is None]
    if missing:
        raise click.UsageError(f"a plain text import needs {', '.join(missing)}")
    return import_text(
        file, corpus, document_id, version_id, options["kind"], options["language"],
        label=options["label"], archive=options["archive"], translator=options["translator"],
        publisher=options["publisher"], source=options["source"], date=options["date"], note=note,
        illustrative=illustrative, derived_from=options["derived_from"], title=options["title"],
        document_date=options["document_date"], original_language=options["original_language"],
        encoding=encoding, overwrite=overwrite, dry_run=dry_run,
    )