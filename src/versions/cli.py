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

from . import __version__
from . import terminal
from .align import Bead, align, format_beads
from .anchors import detect_language
from .collate import Comparison, collate, compare_segments
from .corpus import Document, TextFile, check_corpus, load_corpus, read_text_file, read_version_ref
from .normalize import Normalization
from .report import diff_page
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
    """Align A B (files or DOC/VERSION), or print the alignment table of document DOC."""
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
    """Word-level diff of A and B (files or DOC/VERSION), paragraph by aligned paragraph."""
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
    try:
        if Path(text).is_file():
            return read_text_file(Path(text), unit, encoding)
        if text.count("/") == 1:
            return read_version_ref(corpus, text, encoding)
        raise CorpusError([problem(text, 1, "no such file, and not a DOC/VERSION id")])
    except CorpusError as error:
        _fail(error.problems)


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
