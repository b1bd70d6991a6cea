"""Import a plain text file as one version of a document.

``import_text`` makes one version file from a text file: the text (UTF-8, or ``encoding``) is its body as it is, the
front matter comes from the arguments. A new document needs a title and a date. Written through ``staging``: checked
by the corpus reader and written all or nothing.
"""

from __future__ import annotations

from pathlib import Path

from ..corpus import DOCUMENT_FILE, KINDS
from ..ids import slug_problem
from ..text import read_text
from . import staging
from .staging import ImportFailure, ImportResult


def import_text(
    path: Path,
    corpus_root: Path,
    document_id: str,
    version_id: str,
    kind: str,
    language: str,
    *,
    label: str | None = None,
    archive: str | None = None,
    translator: str | None = None,
    publisher: str | None = None,
    source: str | None = None,
    date: str | None = None,
    note: str | None = None,
    illustrative: bool = False,
    derived_from: tuple[str, ...] | list[str] = (),
    title: str | None = None,
    document_date: str | None = None,
    original_language: str | None = None,
    encoding: str | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Write ``path`` as version ``version_id`` of ``document_id``; a new document needs ``title`` and
    ``document_date``. Raises ``CorpusError`` (nothing written) if the result would not pass ``versions check``.

    ``encoding`` is the input file's; the version file is written, and checked, as UTF-8 like the rest of the corpus.
    """
    for what, value in (("document", document_id), ("version", version_id)):
        if reason := slug_problem(value):
            raise ImportFailure(f"{what} {reason}")
    if kind not in KINDS:
        raise ImportFailure(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    path = Path(path)
    body = read_text(path, encoding)
    if body.startswith("---\n"):
        raise ImportFailure(
            "the file starts with '---' front matter, so it is already a version file; copy it into the corpus"
        )
    front: dict = {"kind": kind, "language": language}
    optional = {
        "label": label, "archive": archive, "translator": translator, "publisher": publisher, "source": source,
        "date": date, "illustrative": True if illustrative else None, "note": note,
        "derived_from": list(derived_from) or None,
    }
    front.update({key: value for key, value in optional.items() if value is not None})
    files = {f"{version_id}.md": staging.version_file(front, body)}
    target = Path(corpus_root) / document_id
    if not (target / DOCUMENT_FILE).exists():
        if not title or not document_date:
            raise ImportFailure(
                f"document {document_id!r} does not exist yet; give its title and date to create it"
            )
        files[DOCUMENT_FILE] = staging.yaml_text(
            {"title": title, "date": document_date, "original_language": original_language or language}
        )
    if dry_run:
        staging.check_document(Path(corpus_root), document_id, files, overwrite=overwrite)
    else:
        staging.write_document(Path(corpus_root), document_id, files, overwrite=overwrite)
    return ImportResult(target, sorted(files), [])
