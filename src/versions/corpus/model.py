"""The corpus as read: documents, their versions and how versions derive from one another."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..archival import ArchivalRef
from ..languages import same_language
from ..segment import Paragraph
from .corrections import Correction
from .coverage import Coverage
from .facsimiles import Facsimile

KINDS = ("original", "archival-copy", "translation", "edition")
RELATIONS = ("translation-of", "copy-of", "revision-of", "edition-of")
DEFAULT_RELATION = {
    "translation": "translation-of",
    "archival-copy": "copy-of",
    "edition": "edition-of",
    "original": "revision-of",
}


@dataclass(frozen=True)
class Derivation:
    source: str
    relation: str
    line: int = field(default=1, compare=False)  # of its entry in the version's front matter


@dataclass
class Version:
    document_id: str
    id: str
    path: str
    kind: str
    language: str
    label: str
    transcribed: bool
    illustrative: bool
    archive: str | None
    translator: str | None
    publisher: str | None
    source: str | None
    date: str | None
    note: str | None
    derived_from: list[Derivation]
    leading: str
    paragraphs: list[Paragraph]
    body_line: int
    facsimiles: list[Facsimile] = field(default_factory=list)
    covers: Coverage | None = None  # a partial version: what it holds (versions.corpus.coverage)

    @property
    def key(self) -> str:
        return f"{self.document_id}/{self.id}"

    @property
    def body(self) -> str:
        return self.leading + "".join(p.text + p.separator for p in self.paragraphs)


@dataclass
class Document:
    id: str
    path: str
    title: str
    date: str
    sender: str | None
    recipient: str | None
    summary: str | None
    original_language: str
    base: str | None
    citation: str | None
    source_name: str | None
    source_url: str | None
    rights: str | None
    illustrative: bool
    archival_refs: list[ArchivalRef]
    versions: list[Version]
    corrections: list[Correction]
    content_hash: str = ""

    def version(self, version_id: str) -> Version:
        return next(v for v in self.versions if v.id == version_id)

    @property
    def transcribed_versions(self) -> list[Version]:
        return [v for v in self.versions if v.transcribed]


@dataclass
class Corpus:
    root: Path
    documents: list[Document] = field(default_factory=list)


def default_base(document: Document) -> str | None:
    """The first transcribed version in the original language, else the first transcribed version; a version
    transcribed in part (``covers``) only when no other is transcribed."""
    transcribed = [v for v in document.transcribed_versions if v.covers is None] or document.transcribed_versions
    in_original = [v for v in transcribed if same_language(v.language, document.original_language)]
    chosen = (in_original or transcribed or [None])[0]
    return chosen.id if chosen else None
