"""Export of one document: TEI P5 (``export.tei``), CollateX alignment-table JSON and CSV (``export.tables``).

All three are made from the corpus (``load_corpus`` + ``collate``), never from the database, and are deterministic:
the same corpus and history give the same bytes (no export date, no tool version), so an export can be committed,
diffed, and read back by ``versions.ingest.tei.import_tei``. The TEI subset written is the RelaxNG schema
``versions/data/tei-subset.rng``.
"""

from __future__ import annotations

from pathlib import Path

from ..collate import collate
from ..corpus import load_corpus
from ..errors import CorpusError
from ..history import document_file_histories, version_histories
from ..identity import document_keys, with_corrections_resolved
from .facsimile import IIIF  # noqa: F401
from .tables import to_collatex, to_csv, tokens  # noqa: F401
from .tei import to_tei
from .tei_header import COVERS, REF_PARTS, witness_id  # noqa: F401
from .xml import TEI_NS, XML_NS, ExportError  # noqa: F401

FORMATS = ("tei", "collatex", "csv")


def export_document(corpus_root: Path, document_id: str, fmt: str, encoding: str | None = None) -> str:
    """The export of one document of the corpus at ``corpus_root`` in ``fmt`` (tei, collatex or csv)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    corpus = load_corpus(Path(corpus_root), encoding)
    document = next((d for d in corpus.documents if d.id == document_id), None)
    if document is None:
        known = ", ".join(d.id for d in corpus.documents) or "none"
        raise ExportError(f"no document {document_id!r} in {corpus_root} (documents: {known})")
    histories = version_histories(document, encoding)
    keys = document_keys(document, histories)
    try:
        document = with_corrections_resolved(document, keys)
    except CorpusError as error:
        raise ExportError(str(error)) from None
    collation = collate(document)
    if fmt == "tei":
        return to_tei(document, collation, keys, histories,
                      document_file_histories(Path(document.path), document.id, encoding))
    return {"collatex": to_collatex, "csv": to_csv}[fmt](document, collation)
