"""The ``versions`` command: a thin click shell over the library."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NoReturn

import click

from . import __version__, terminal
from .align import Bead, align, format_beads
from .anchors import detect_language
from .collate import Comparison, collate, compare_segments
from .corpus import KINDS, TextFile, load_corpus, read_text_file, read_version_ref
from .durable import WriteError
from .errors import CorpusError, Problem, problem
from .export import FORMATS as EXPORT_FORMATS
from .export import ExportError, export_document
from .history import HistoryError, document_history, parse_revision_ref, revision_text
from .ingest import FORMATS as IMPORT_FORMATS
from .ingest import PARAGRAPH_RULES, ImportFailure, import_file, import_text
from .lifetime import die_with_parent
from .normalize import Normalization
from .report import diff_page
from .segment import split_body, split_lines
from .store import build as build_database
from .store import check as check_database_input
from .watch import watch as watch_corpus

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
    """Store, align, diff and publish every archival copy and translation of a historical document.

    Example: versions serve
    """


@cli.command()
@corpus_option
@encoding_option
def check(corpus: Path, encoding: str | None) -> None:
    """Validate the corpus; print every problem as path:line: message.

    Runs the build's own pass over every document (read, check, align, diff) without writing anything, so whatever
    `versions build` would refuse, `check` refuses with the same line.

    Example: versions check --corpus translations
    """
    problems = check_database_input(corpus, encoding, progress=_progress)
    if problems:
        _fail(problems)
    click.echo(f"{corpus}: no problems")


@cli.command()
@corpus_option
@db_option
@encoding_option
def build(corpus: Path, db_path: Path, encoding: str | None) -> None:
    """Build the SQLite database from the corpus (atomically; unchanged documents are carried over).

    Refuses to overwrite a --db file that this tool did not create.

    Example: versions build --corpus translations --db db/versions.db
    """
    click.echo(_build(corpus, db_path, encoding).summary())


@cli.command()
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
    click.echo(_build(corpus, db_path, encoding).summary())
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


@cli.command(name="align")
@click.argument("texts", nargs=-1, required=True)
@corpus_option
@encoding_option
@click.option("--unit", type=click.Choice(["paragraph", "line"]), default="paragraph", show_default=True,
              help="Segments: paragraphs separated by blank lines, or one segment per line.")
@click.option("--lang-a", default=None, help="Language of A (default: detected from the script).")
@click.option("--lang-b", default=None, help="Language of B (default: detected from the script).")
@click.option("--format", "output", type=click.Choice(["table", "beads", "json"]), default="table", show_default=True)
def align_command(texts, corpus, encoding, unit, lang_a, lang_b, output) -> None:
    """Align A B (files or DOC/VERSION), or print the alignment table of document DOC.

    Example: versions align telegram-23256/wilson-en telegram-23256/en-revised --format beads
    """
    if len(texts) == 1:
        _print_document_table(corpus, texts[0], encoding)
        return
    if len(texts) != 2:
        raise click.UsageError("give two texts to align, or one document id")
    a, b = (_text_argument(text, corpus, unit, encoding) for text in texts)
    lang_a, lang_b = lang_a or _language(a), lang_b or _language(b)
    beads = align([p.text for p in a.segments], [p.text for p in b.segments], lang_a, lang_b)
    if output == "beads":
        click.echo(format_beads(beads), nl=False)
    elif output == "json":
        click.echo(json.dumps({"lang_a": lang_a, "lang_b": lang_b, "beads": [_bead_json(bead) for bead in beads]}))
    else:
        click.echo(terminal.bead_table(beads, a.segments, b.segments, texts, _width()))


@cli.command(name="diff")
@click.argument("a")
@click.argument("b")
@corpus_option
@encoding_option
@click.option("--unit", type=click.Choice(["paragraph", "line"]), default="paragraph", show_default=True)
@click.option("--lang-a", default=None, help="Language of A (default: detected from the script).")
@click.option("--lang-b", default=None, help="Language of B (default: detected from the script).")
@click.option("--format", "output", type=click.Choice(["text", "json", "html"]), default="text", show_default=True)
@click.option("--normalize", "normalization", default="none", show_default=True,
              help="Differences to treat as equal (shown muted): case, punctuation, whitespace, unicode, "
                   "romanization, default or all; comma-separated.")
@click.option("--side-by-side", is_flag=True, help="Two columns instead of inline changes (text format).")
def diff_command(a, b, corpus, encoding, unit, lang_a, lang_b, output, normalization, side_by_side) -> None:
    """Word-level diff of A and B (files or DOC/VERSION), paragraph by aligned paragraph.

    Example: versions diff telegram-23256/wilson-en telegram-23256/en-revised --normalize romanization
    """
    try:
        normalization = Normalization.parse(normalization)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--normalize") from None
    text_a, text_b = (_text_argument(text, corpus, unit, encoding) for text in (a, b))
    lang_a, lang_b = lang_a or _language(text_a), lang_b or _language(text_b)
    compared = compare_segments(text_a.segments, text_b.segments, lang_a, lang_b, normalization)
    if output == "json":
        click.echo(json.dumps({"groups": [_group_json(bead, comparison) for bead, comparison in compared]},
                              ensure_ascii=False))
    elif output == "html":
        rows = [(terminal.bead_label(bead), comparison) for bead, comparison in compared]
        click.echo(diff_page(f"{a} → {b}", a, b, rows))
    else:
        color = _color()
        changed = [(bead, comparison) for bead, comparison in compared if terminal.differs(comparison)]
        for bead, comparison in changed:
            click.echo(terminal.comparison_text(bead, comparison, color, side_by_side, _width()))
        click.echo(f"{len(changed)} of {len(compared)} aligned groups differ")


def _text_argument(text: str, corpus: Path, unit: str, encoding: str | None) -> TextFile:
    """A file, a version ``DOC/VERSION`` of the corpus, or one of its revisions ``DOC/VERSION@REV``."""
    try:
        if Path(text).is_file():
            return read_text_file(Path(text), unit, encoding)
        if "@" in text:
            return _revision_argument(text, corpus, unit, encoding)
        if text.count("/") == 1:
            return read_version_ref(corpus, text, encoding, unit)
        raise CorpusError([problem(text, 1, "no such file, and not a DOC/VERSION id")])
    except CorpusError as error:
        _fail(error.problems)
    except HistoryError as error:
        _fail([problem(text, 1, str(error))])


def _revision_argument(text: str, corpus: Path, unit: str, encoding: str | None) -> TextFile:
    document_id, version_id, rev = parse_revision_ref(text)
    body = revision_text(corpus, document_id, version_id, rev, encoding)
    current = read_version_ref(corpus, f"{document_id}/{version_id}", encoding)
    segments = split_lines(body) if unit == "line" else split_body(body)[1]
    return TextFile(current.path, current.language, segments)


def _language(text: TextFile) -> str:
    return text.language or detect_language("\n".join(p.text for p in text.segments))


def _bead_json(bead: Bead) -> dict:
    return {"a": list(bead.a), "b": list(bead.b), "score": round(bead.score, 4), "method": bead.method,
            "moved": bead.moved}


def _group_json(bead: Bead, comparison: Comparison) -> dict:
    group = {"a": list(bead.a), "b": list(bead.b)}
    if comparison.diff is not None:
        data = comparison.diff.to_json()
        return group | {"ops": data["ops"], "muted": data["muted"], "similarity": data["similarity"],
                        "inserted": data["inserted"], "deleted": data["deleted"], "replaced": data["replaced"]}
    return group | {
        "ops": comparison.ops,
        "similarity": round(1.0 - comparison.dissimilarity, 4),
        "anchors": [{"kind": c.anchor.kind, "value": c.anchor.value, "side": c.side} for c in comparison.anchors],
    }


def _print_document_table(corpus: Path, document_id: str, encoding: str | None) -> None:
    try:
        document = next((d for d in load_corpus(corpus, encoding).documents if d.id == document_id), None)
    except CorpusError as error:
        _fail(error.problems)
    if document is None:
        _fail([problem(corpus / document_id, 1, f"no document {document_id!r} in {corpus}")])
    collation = collate(document)
    if collation is None:
        _fail([problem(corpus / document_id, 1, "no transcribed version to align")])
    click.echo(terminal.alignment_table(collation, _width()))


def _width() -> int:
    return shutil.get_terminal_size((120, 24)).columns


def _color() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _build(corpus: Path, db_path: Path, encoding: str | None):
    try:
        return build_database(corpus, db_path, encoding, progress=_progress)
    except CorpusError as error:
        _fail(error.problems)
    except WriteError as error:
        click.echo(str(error), err=True)
        sys.exit(1)


def _progress(documents: Iterable) -> Iterator:
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


# --- history and exchange: versions log, versions export, versions import ---------------------------------------------


@cli.command(name="log")
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
        _fail([problem(corpus / document_id, 1, str(error))])
    if as_json:
        click.echo(json.dumps([history.to_json() for history in histories], ensure_ascii=False, indent=1))
        return
    for index, history in enumerate(histories):
        if index:
            click.echo()
        click.echo(terminal.history_text(history))


@cli.command(name="export")
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
        _fail(error.problems)
    except ExportError as error:
        _fail([problem(corpus / document_id, 1, str(error))])
    if output is None:
        click.echo(text, nl=False)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, output)
    click.echo(f"{output}: {fmt} export of {document_id}", err=True)


@cli.command(name="import")
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
        _fail([problem(file, error.line, error.message)])
    except CorpusError as error:
        _fail(error.problems)
    except (ValueError, FileExistsError) as error:
        _fail([problem(file, 1, str(error))])
    except WriteError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
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


if __name__ == "__main__":
    cli()
