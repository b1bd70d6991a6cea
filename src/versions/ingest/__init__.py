"""Importers: files in the forms documents come in → the corpus layout of docs/corpus-format.md.

``import_file`` detects the format (or takes ``fmt``) and hands the file to its importer: ``wilson`` (a Wilson Center
Digital Archive record: the Markdown rendering or page text copied from a browser), ``html`` (a saved record page),
``tei`` (TEI parallel segmentation, a whole document). ``plain.import_text`` writes a text file as one version. Every
importer writes through ``staging``: checked as ``versions check`` checks, then moved into place all or nothing.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..text import read_bytes
from .documents import import_record
from .html import read_html_record
from .paragraphs import RULES as PARAGRAPH_RULES
from .plain import import_text
from .staging import ImportFailure, ImportResult
from .tei import import_tei
from .wilson import read_wilson_record

FORMATS = ("wilson", "tei", "text", "html")

__all__ = ["FORMATS", "PARAGRAPH_RULES", "ImportFailure", "ImportResult", "detect_format", "import_file",
           "import_tei", "import_text"]


def detect_format(path: Path) -> str:
    """``tei`` for an XML file, ``html`` for a web page, else ``wilson``. A plain text version needs its ids given,
    so ``text`` is never guessed."""
    path = Path(path)
    start = read_bytes(path)[:1024].lstrip().lower()
    if path.suffix.lower() == ".xml" or start.startswith((b"<?xml", b"<tei", b"<!doctype tei")):
        return "tei"
    if path.suffix.lower() in (".html", ".htm") or start.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "wilson"


def import_file(
    path: Path, corpus_root: Path, fmt: str | None = None, *, document_id: str | None = None, overwrite: bool = False,
    encoding: str | None = None, paragraph_rule: str | None = None, into: str | None = None,
    version_id: str | None = None, dry_run: bool = False, note: str | None = None, illustrative: bool = False,
) -> ImportResult:
    """Import a record, a saved record page or a TEI file as a document of ``corpus_root``, or a record as new
    versions of the document it is another copy of (``into``, or found by record id or source URL)."""
    fmt = fmt or detect_format(path)
    if fmt == "tei":
        return import_tei(path, corpus_root, document_id, overwrite, dry_run)
    if fmt == "html":
        record = read_html_record(path, paragraph_rule)
    elif fmt == "wilson":
        record = read_wilson_record(path, encoding, paragraph_rule)
    else:
        raise ImportFailure(f"format {fmt!r} needs the version's ids (plain.import_text)")
    record = dataclasses.replace(record, note=note, illustrative=illustrative)
    return import_record(
        record, corpus_root, document_id, into=into, version_id=version_id, overwrite=overwrite, dry_run=dry_run
    )
