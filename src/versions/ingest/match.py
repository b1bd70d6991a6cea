"""The document of the corpus that an imported record is another copy of.

A record id or a source URL names one record: a document that has either is the same document, and the import adds
a version to it. A title and date alone do not (titles repeat: "Telegram from Mao Zedong to Stalin"), so such a
document is only suggested, for the user to confirm with ``--into``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..corpus import DOCUMENT_FILE
from ..corpus.safe_yaml import parse_yaml
from ..errors import CorpusError
from ..text import read_text


@dataclass(frozen=True)
class Matches:
    same: str | None  # the document with the record's id or source URL
    similar: str | None  # else one with the same title and date


def find_document(root: Path, record_id: str | None, source_url: str | None, title: str, date: str) -> Matches:
    similar = None
    for document_id, data in _documents(Path(root)):
        url = data.get("source", {}).get("url") if isinstance(data.get("source"), dict) else None
        if (record_id and data.get("record_id") == record_id) or (source_url and url == source_url):
            return Matches(document_id, None)
        if similar is None and data.get("title") == title and str(data.get("date")) == date:
            similar = document_id
    return Matches(None, similar)


def _documents(root: Path):
    """(id, document.yaml fields) of every readable document; a broken one is ``versions check``'s to report."""
    if not root.is_dir():
        return
    for folder in sorted(root.iterdir()):
        path = folder / DOCUMENT_FILE
        if folder.name.startswith(".") or not path.is_file():
            continue
        try:
            parsed = parse_yaml(read_text(path), str(path), 1, [])
        except CorpusError:
            continue
        if parsed is not None:
            yield folder.name, parsed[0]
