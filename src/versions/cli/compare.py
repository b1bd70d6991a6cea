"""`versions align` and `versions diff`: two texts (files, versions or revisions) or a document's whole table."""
from __future__ import annotations

import json
from pathlib import Path

import click

from .. import terminal
from ..align import Bead, align, format_beads
from ..anchors import detect_language
from ..collate import Comparison, collate, compare_segments
from ..corpus import TextFile, load_corpus, load_document, read_text_file, read_version_ref
from ..errors import CorpusError, problem
from ..history import HistoryError, parse_revision_ref, revision_text
from ..identity import document_keys, with_corrections_resolved
from ..normalize import Normalization
from ..report import diff_page
from ..segment import split_body, split_lines
from .common import (
    corpus_option,
    encoding_option,
    fail,
    terminal_width,
    use_color,
)


@click.command(name="align")
@click.argument("texts", nargs=-1, required=True)
@corpus_option
@encoding_option
@click.option("--unit", type=click.Choice(["paragraph", "line"]), default="paragraph", show_default=True,
              help="Segments: paragraphs separated by blank lines, or one segment per line.")
@click.option("--lang-a", default=None, help="Language of A (default: detected from the script).")
@click.option("--lang-b", default=None, help="Language of B (default: detected from the script).")
@click.option("--format", "output", type=click.Choice(["table", "beads", "json"]), default="table", show_default=True)
def align_command(texts, corpus, encoding, unit, lang_a, lang_b, output) -> None:
    """Align A B (files or DOC/VERSION), or print the alignment table of document DOC. Two versions of one
    document, or a whole document, are aligned with the document's corrections (alignment.yaml).

    Example: versions align telegram-23256/wilson-en telegram-23256/en-revised --format beads
    """
    if len(texts) == 1:
        _print_document_table(corpus, texts[0], encoding)
        return
    if len(texts) != 2:
        raise click.UsageError("give two texts to align, or one document id")
    a, b = (_text_argument(text, corpus, unit, encoding) for text in texts)
    lang_a, lang_b = lang_a or _language(a), lang_b or _language(b)
    pinned, forbidden = _corrections_between(corpus, *texts, unit, encoding)
    beads = align([p.text for p in a.segments], [p.text for p in b.segments], lang_a, lang_b, pinned, forbidden)
    if output == "beads":
        click.echo(format_beads(beads), nl=False)
    elif output == "json":
        click.echo(json.dumps({"lang_a": lang_a, "lang_b": lang_b, "beads": [_bead_json(bead) for bead in beads]}))
    else:
        click.echo(terminal.bead_table(beads, a.segments, b.segments, texts, terminal_width()))


@click.command(name="diff")
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
    """Word-level diff of A and B (files or DOC/VERSION), paragraph by aligned paragraph; two versions of one
    document are aligned with the document's corrections (alignment.yaml).

    Example: versions diff telegram-23256/wilson-en telegram-23256/en-revised --normalize romanization
    """
    try:
        normalization = Normalization.parse(normalization)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--normalize") from None
    text_a, text_b = (_text_argument(text, corpus, unit, encoding) for text in (a, b))
    lang_a, lang_b = lang_a or _language(text_a), lang_b or _language(text_b)
    pinned, forbidden = _corrections_between(corpus, a, b, unit, encoding)
    compared = compare_segments(text_a.segments, text_b.segments, lang_a, lang_b, normalization, pinned, forbidden)
    if output == "json":
        click.echo(json.dumps({"groups": [_group_json(bead, comparison) for bead, comparison in compared]},
                              ensure_ascii=False))
    elif output == "html":
        rows = [(terminal.link_label(bead), comparison) for bead, comparison in compared]
        click.echo(diff_page(f"{a} → {b}", a, b, rows))
    else:
        color = use_color()
        changed = [(bead, comparison) for bead, comparison in compared if terminal.differs(comparison)]
        for bead, comparison in changed:
            click.echo(terminal.comparison_text(bead, comparison, color, side_by_side, terminal_width()))
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
        fail(error.problems)
    except HistoryError as error:
        fail([problem(text, 1, str(error))])


def _revision_argument(text: str, corpus: Path, unit: str, encoding: str | None) -> TextFile:
    document_id, version_id, rev = parse_revision_ref(text)
    body = revision_text(corpus, document_id, version_id, rev, encoding)
    current = read_version_ref(corpus, f"{document_id}/{version_id}", encoding)
    segments = split_lines(body) if unit == "line" else split_body(body)[1]
    return TextFile(current.path, current.language, segments)


def _anchored(document):
    """The document with its corrections resolved to positions (they name paragraphs by stable key)."""
    try:
        return with_corrections_resolved(document, document_keys(document))
    except CorpusError as error:
        fail(error.problems)


def _corrections_between(corpus: Path, a: str, b: str, unit: str, encoding: str | None):
    """The pinned and the forbidden (A, B) pairs (0-based) of the corrections of the document ``a`` and ``b`` are
    versions of (``DOC/VERSION``, as they stand now); none for files, revisions or two documents."""
    refs = [text.split("/") for text in (a, b)]
    if unit != "paragraph" or any(Path(text).is_file() or "@" in text or text.count("/") != 1 for text in (a, b)) \
            or refs[0][0] != refs[1][0]:
        return [], []
    try:
        document = _anchored(load_document(corpus, refs[0][0], encoding))
    except CorpusError as error:
        fail(error.problems)
    found: dict[str, list[tuple[int, int]]] = {"pin": [], "forbid": []}
    for correction in document.corrections:
        ends = {correction.a[0]: correction.a[1] - 1, correction.b[0]: correction.b[1] - 1}
        if set(ends) == {refs[0][1], refs[1][1]}:
            found[correction.action].append((ends[refs[0][1]], ends[refs[1][1]]))
    return found["pin"], found["forbid"]


def _language(text: TextFile) -> str:
    return text.language or detect_language("\n".join(p.text for p in text.segments))


def _numbers(bead: Bead) -> dict:
    """The paragraphs a link joins, numbered from 1 as everywhere but the beads format."""
    return {"a": [i + 1 for i in bead.a], "b": [i + 1 for i in bead.b]}


def _bead_json(bead: Bead) -> dict:
    return _numbers(bead) | {"score": round(bead.score, 4), "method": bead.method, "moved": bead.moved}


def _group_json(bead: Bead, comparison: Comparison) -> dict:
    anchors = [{"kind": c.anchor.kind, "value": c.anchor.value, "side": c.side} for c in comparison.anchors]
    group = _numbers(bead) | {"anchors": anchors}
    if comparison.diff is not None:
        data = comparison.diff.to_json()
        return group | {"ops": data["ops"], "muted": data["muted"], "similarity": data["similarity"],
                        "inserted": data["inserted"], "deleted": data["deleted"], "replaced": data["replaced"]}
    return group | {"ops": comparison.ops, "similarity": round(1.0 - comparison.dissimilarity, 4)}


def _print_document_table(corpus: Path, document_id: str, encoding: str | None) -> None:
    try:
        document = next((d for d in load_corpus(corpus, encoding).documents if d.id == document_id), None)
    except CorpusError as error:
        fail(error.problems)
    if document is None:
        fail([problem(corpus / document_id, 1, f"no document {document_id!r} in {corpus}")])
    collation = collate(_anchored(document))
    if collation is None:
        fail([problem(corpus / document_id, 1, "no transcribed version to align")])
    click.echo(terminal.alignment_table(collation, terminal_width()))