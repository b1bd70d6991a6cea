"""Importers: files in the forms documents come in → the corpus layout of docs/corpus-format.md.

``import_file`` detects the format (or takes ``fmt``) and hands the file to its importer: ``wilson`` (a Wilson Center
Digital Archive record), ``tei`` (TEI parallel segmentation, a whole document), ``plain`` (a text file as one
version). Every importer writes through ``staging``: checked as ``versions check`` checks, then moved into place all
or nothing.
"""

from __future__ import annotations

from pathlib import Path

from ..text import read_bytes
from .plain import import_text
from .staging import ImportFailure, ImportResult
from .tei import import_tei
from .wilson import import_wilson

FORMATS = ("wilson", "tei", "text")

__all__ = ["FORMATS", "ImportFailure", "ImportResult", "detect_format", "import_file", "import_tei", "import_text",
           "import_wilson"]


def detect_format(path: Path) -> str:
    """``tei`` for an XML file, else ``wilson``: a plain text version needs its ids given, so it is never guessed."""
    start = read_bytes(Path(path))[:512].lstrip()
    if start.startswith(b"<?xml") or start.startswith(b"<TEI"):
        return "tei"
    return "wilson"


def import_file(
    path: Path, corpus_root: Path, fmt: str | None = None, *, document_id: str | None = None, overwrite: bool = False,
    encoding: str | None = None,
) -> ImportResult:
    """Import a record or a TEI file as a document of ``corpus_root``."""
    fmt = fmt or detect_format(path)
    if fmt == "tei":
        return import_tei(path, corpus_root, document_id, overwrite)
    if fmt == "wilson":
        return import_wilson(path, corpus_root, document_id, overwrite=overwrite, encoding=encoding)
    raise ImportFailure(f"format {fmt!r} needs the version's ids; use import_text")
