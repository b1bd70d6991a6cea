"""Reading and checking the corpus in ``translations/``: documents, versions, archival references, corrections.

Everything wrong is collected as a ``Problem`` (``path:line: message``); ``load_corpus`` raises them all at once as a
``CorpusError`` so that nothing is built from a corpus with a known fault.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..archival import PARTS, ArchivalRef, archive_slug, canonical_archive
from ..errors import CorpusError, Problem, problem
from ..languages import TAG as LANGUAGE_TAG
from ..languages import same_language
from ..ids import slug_problem
from ..segment import Paragraph, split_body, split_lines
from ..text import encoding_problem, read_text
from .corrections import (  # noqa: F401  the rules shared with align, re-exported
    Correction,
    corrections_of,
    forbids_inside_pins,
    parse_paragraph_ref,
    pin_groups,
    same_version_problem,
)
from .facsimiles import FACSIMILE_FIELDS, IMAGES_FOLDER, Facsimile, facsimile_of, sheet_problems
from .coverage import Coverage, coverage_problems, read_coverage
from .folders import entries, outside_problem
from .hashes import FORMAT_VERSION, RACY_NS, FolderHash, document_hashes, folder_hash  # noqa: F401
from .safe_yaml import MAX_YAML_DEPTH, parse_yaml, within  # noqa: F401

KINDS = ("original", "archival-copy", "translation", "edition")
RELATIONS = ("translation-of", "copy-of", "revision-of", "edition-of")
DEFAULT_RELATION = {
    "translation": "translation-of",
    "archival-copy": "copy-of",
    "edition": "edition-of",
    "original": "revision-of",
}
DOCUMENT_FILE = "document.yaml"
CORRECTIONS_FILE = "alignment.yaml"

_ISO_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?\Z")

# field name -> (accepted types, required)
_DOCUMENT_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "title": ((str,), True),
    "date": ((str,), True),
    "from": ((str,), False),
    "to": ((str,), False),
    "summary": ((str,), False),
    "original_language": ((str,), True),
    "base": ((str,), False),
    "citation": ((str,), False),
    "source": ((dict,), False),
    "rights": ((str,), False),
    "illustrative": ((bool,), False),
    "archival_refs": ((list,), False),
    "record_id": ((str,), False),
}
_REF_FIELDS = {
    "archive": ((str,), False),  # required unless the reference is unparsed
    **{part: ((str,), False) for part in (*PARTS, "citation")},
    "unparsed": ((bool,), False),
}
_SOURCE_FIELDS = {"name": ((str,), False), "url": ((str,), False)}
_VERSION_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "kind": ((str,), True),
    "language": ((str,), True),
    "label": ((str,), False),
    "archive": ((str,), False),
    "transcribed": ((bool,), False),
    "translator": ((str,), False),
    "publisher": ((str,), False),
    "source": ((str,), False),
    "date": ((str,), False),
    "illustrative": ((bool,), False),
    "note": ((str,), False),
    "derived_from": ((str, list, dict), False),
    "facsimiles": ((list,), False),
    "covers": ((str, int, list), False),
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


def load_corpus(root: Path, encoding: str | None = None, only: Collection[str] | None = None) -> Corpus:
    """Read every document under ``root`` (or those named in ``only``); raise ``CorpusError`` listing every problem
    if there is any."""
    corpus, problems = _read_corpus(Path(root), encoding, only)
    if problems:
        raise CorpusError(problems)
    return corpus


def load_document(
    root: Path, document_id: str, encoding: str | None = None, content_hash: str | None = None
) -> Document:
    """Read one document folder of the corpus; raise ``CorpusError`` listing its problems if it has any.

    ``content_hash``: the folder's hash as the caller already knows it, instead of reading every file once more.
    """
    problems: list[Problem] = []
    document = _read_document(Path(root), Path(root) / document_id, encoding, problems, content_hash)
    if problems or document is None:
        raise CorpusError(problems)
    return document


def check_corpus(root: Path, encoding: str | None = None) -> list[Problem]:
    return sorted(_read_corpus(Path(root), encoding)[1])


@dataclass(frozen=True)
class TextFile:
    """A version file or a plain text file read on its own, e.g. for ``versions align A B``."""

    path: Path
    language: str | None  # as declared in front matter, if any
    segments: list[Paragraph]


def read_text_file(path: Path, unit: str = "paragraph", encoding: str | None = None) -> TextFile:
    """Segments of a version file (front matter + body) or of plain UTF-8 text; ``CorpusError`` if unreadable."""
    path = Path(path)
    problems: list[Problem] = []
    text = _read_file(path, encoding, str(path), problems)
    language, body, body_line = None, text, 1
    if text is not None and text.startswith("---\n"):
        split = _split_front_matter(text, str(path), problems)
        parsed = parse_yaml(split[0], str(path), 2, problems) if split else None
        if parsed:
            _, body, body_line = split
            language = parsed[0].get("language") if isinstance(parsed[0].get("language"), str) else None
    if problems:
        raise CorpusError(problems)
    segments = split_lines(body, body_line) if unit == "line" else split_body(body, body_line)[1]
    return TextFile(path, language, segments)


def read_version_ref(root: Path, ref: str, encoding: str | None = None, unit: str = "paragraph") -> TextFile:
    """The segments (paragraphs, or lines with ``unit="line"``) of version ``<document>/<version>`` of the corpus
    at ``root``."""
    document_id, _, version_id = ref.partition("/")
    for value in (document_id, version_id):
        if reason := slug_problem(value):
            raise CorpusError([problem(ref, 1, reason)])
    path = Path(root) / document_id / f"{version_id}.md"
    if not path.is_file():
        raise CorpusError([problem(path, 1, f"no version {ref!r} in {root}")])
    return read_text_file(path, unit, encoding)


def _read_corpus(root: Path, encoding: str | None, only: Collection[str] | None = None) -> tuple[Corpus, list[Problem]]:
    corpus = Corpus(root)
    if not root.is_dir():
        return corpus, [problem(root, 1, "corpus folder not found")]
    if reason := encoding_problem(encoding):
        return corpus, [problem(root, 1, reason)]
    problems: list[Problem] = []
    try:
        listed = entries(root)
    except OSError as error:
        return corpus, [problem(root, 1, f"cannot read folder: {error.strerror or error}")]
    for entry in listed:
        if not entry.is_dir():
            problems.append(problem(_shown(root, Path(entry.path)), 1, "unexpected file; each document is a folder"))
            continue
        if only is not None and entry.name not in only:
            continue
        document = _read_document(root, Path(entry.path), encoding, problems)
        if document:
            corpus.documents.append(document)
    return corpus, problems


def _shown(root: Path, path: Path) -> str:
    return str(root / path.relative_to(root))


def _folder_paths(folder: Path, shown: str, problems: list[Problem]) -> list[Path] | None:
    """What a folder holds (but hidden files), sorted; None after recording why it cannot be listed."""
    try:
        return [Path(entry.path) for entry in entries(folder)]
    except OSError as error:
        problems.append(problem(shown, 1, f"cannot read folder: {error.strerror or error}"))
        return None


def _read_document(
    root: Path, folder: Path, encoding: str | None, problems: list[Problem], content_hash: str | None = None
) -> Document | None:
    shown = _shown(root, folder)
    found = len(problems)
    if reason := outside_problem(root, folder):
        problems.append(problem(shown, 1, reason))
        return None
    if reason := slug_problem(folder.name):
        problems.append(problem(shown, 1, f"document {reason}"))
    paths = _folder_paths(folder, shown, problems)
    if paths is None:
        return None
    meta_path = folder / DOCUMENT_FILE
    if not meta_path.is_file():
        problems.append(problem(shown + "/" + DOCUMENT_FILE, 1, "missing document.yaml"))
        return None
    meta = _read_yaml_file(root, meta_path, encoding, problems)
    if meta is None:
        return None
    data, lines = meta
    _check_fields(data, lines, _DOCUMENT_FIELDS, _shown(root, meta_path), problems)
    if isinstance(data.get("source"), dict):
        source_lines = within(lines, "source")
        _check_fields(data["source"], source_lines, _SOURCE_FIELDS, _shown(root, meta_path), problems, lines["source"])
    refs = _archival_refs(data, lines, _shown(root, meta_path), problems)
    versions = _read_versions(root, paths, encoding, problems)
    document = _document(folder.name, shown, data, refs, versions)
    on_disk = {path.stem for path in paths if path.suffix == ".md"}
    _check_document(document, on_disk, lines, _shown(root, meta_path), problems)
    document.corrections = _read_corrections(root, folder, document, encoding, problems)
    if len(problems) > found:
        return None
    document.content_hash = content_hash or folder_hash(root, folder)
    return document


def _document(doc_id: str, shown: str, data: dict, refs: list[ArchivalRef], versions: list[Version]) -> Document:
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    document = Document(
        id=doc_id,
        path=shown,
        title=_text(data.get("title")),
        date=_text(data.get("date")),
        sender=data.get("from"),
        recipient=data.get("to"),
        summary=data.get("summary"),
        original_language=_text(data.get("original_language")),
        base=None,
        citation=data.get("citation"),
        source_name=source.get("name"),
        source_url=source.get("url"),
        rights=data.get("rights"),
        illustrative=bool(data.get("illustrative", False)),
        archival_refs=refs,
        versions=versions,
        corrections=[],
    )
    declared = data.get("base")
    document.base = declared if isinstance(declared, str) else default_base(document)
    return document


def default_base(document: Document) -> str | None:
    """The first transcribed version in the original language, else the first transcribed version; a version
    transcribed in part (``covers``) only when no other is transcribed."""
    transcribed = [v for v in document.transcribed_versions if v.covers is None] or document.transcribed_versions
    in_original = [v for v in transcribed if same_language(v.language, document.original_language)]
    chosen = (in_original or transcribed or [None])[0]
    return chosen.id if chosen else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _read_versions(root: Path, paths: list[Path], encoding: str | None, problems: list[Problem]) -> list[Version]:
    versions: list[Version] = []
    seen: dict[str, str] = {}
    for path in paths:
        if path.name in (DOCUMENT_FILE, CORRECTIONS_FILE) or (path.name == IMAGES_FOLDER and path.is_dir()):
            continue
        shown = _shown(root, path)
        if path.suffix == ".md" and (reason := outside_problem(root, path)):
            problems.append(problem(shown, 1, reason))
            continue
        if path.suffix != ".md" or not path.is_file():
            problems.append(problem(shown, 1, "unexpected file; versions are <version-id>.md files"))
            continue
        if _duplicate(path.stem, shown, seen, problems):
            continue
        version = _read_version(root, path, encoding, problems)
        if version:
            versions.append(version)
    return versions


def _duplicate(version_id: str, shown: str, seen: dict[str, str], problems: list[Problem]) -> bool:
    """Ids that differ only in case, width or underscores name the same version on many systems."""
    folded = unicodedata.normalize("NFKC", version_id).casefold().replace("_", "-")
    if folded in seen:
        problems.append(problem(shown, 1, f"duplicate version id {version_id!r} (also {seen[folded]})"))
        return True
    seen[folded] = shown
    return False


def _read_version(root: Path, path: Path, encoding: str | None, problems: list[Problem]) -> Version | None:
    shown = _shown(root, path)
    if reason := outside_problem(root, path):
        problems.append(problem(shown, 1, reason))
        return None
    if reason := slug_problem(path.stem):
        problems.append(problem(shown, 1, f"version {reason}"))
        return None
    text = _read_file(path, encoding, shown, problems)
    if text is None:
        return None
    split = _split_front_matter(text, shown, problems)
    if split is None:
        return None
    front, body, body_line = split
    parsed = parse_yaml(front, shown, 2, problems)
    if parsed is None:
        return None
    data, lines = parsed
    before = len(problems)
    _check_fields(data, lines, _VERSION_FIELDS, shown, problems)
    _check_version_values(data, lines, body, shown, problems)
    derived = _derivations(data, lines, shown, problems)
    covers = _coverage(data, lines, shown, problems)
    if len(problems) > before:
        return None
    leading, paragraphs = split_body(body, body_line)
    facsimiles = _facsimiles(data, lines, root, path.parent, len(paragraphs), shown, problems)
    if len(problems) > before:
        return None
    return Version(
        document_id=path.parent.name,
        id=path.stem,
        path=shown,
        kind=data["kind"],
        language=data["language"],
        label=data.get("label") or path.stem,
        transcribed=data.get("transcribed", True),
        illustrative=data.get("illustrative", False),
        archive=data.get("archive"),
        translator=data.get("translator"),
        publisher=data.get("publisher"),
        source=data.get("source"),
        date=data.get("date"),
        note=data.get("note"),
        derived_from=derived,
        leading=leading,
        paragraphs=paragraphs,
        body_line=body_line,
        facsimiles=facsimiles,
        covers=covers,
    )


def _read_file(path: Path, encoding: str | None, shown: str, problems: list[Problem]) -> str | None:
    try:
        return read_text(path, encoding, shown)
    except CorpusError as error:
        problems.extend(error.problems)
    return None


def _split_front_matter(text: str, shown: str, problems: list[Problem]) -> tuple[str, str, int] | None:
    """(front matter, body, line where the body starts) of a version file."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        problems.append(problem(shown, 1, "missing front matter: the file must start with a '---' line"))
        return None
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    problems.append(problem(shown, 1, "front matter is not closed: no second '---' line"))
    return None


def _read_yaml_file(root: Path, path: Path, encoding: str | None, problems: list[Problem]):
    shown = _shown(root, path)
    if reason := outside_problem(root, path):
        problems.append(problem(shown, 1, reason))
        return None
    text = _read_file(path, encoding, shown, problems)
    return None if text is None else parse_yaml(text, shown, 1, problems)


def _check_fields(data: dict, lines: dict, spec: dict, shown: str, problems: list[Problem], at: int = 1) -> None:
    for key in data:
        if key not in spec:
            known = ", ".join(spec)
            problems.append(problem(shown, lines.get(key, at), f"unknown field {key!r}; known fields: {known}"))
    for key, (types, required) in spec.items():
        if key not in data or data[key] is None:
            if required:
                problems.append(problem(shown, at, f"missing required field {key!r}"))
            continue
        if not isinstance(data[key], types):
            wanted = " or ".join(_TYPE_NAMES[t] for t in types)
            got = _TYPE_NAMES.get(type(data[key]), type(data[key]).__name__)
            problems.append(problem(shown, lines.get(key, at), f"field {key!r} must be {wanted}, not {got}"))


_TYPE_NAMES = {str: "text", bool: "true or false", list: "a list", dict: "a mapping", int: "a number", float: "a number"}


def _check_version_values(data: dict, lines: dict, body: str, shown: str, problems: list[Problem]) -> None:
    kind = data.get("kind")
    if isinstance(kind, str) and kind not in KINDS:
        problems.append(problem(shown, lines["kind"], f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}"))
    _check_language(data, "language", lines, shown, problems)
    _check_date(data, "date", lines, shown, problems)
    if kind == "archival-copy" and not data.get("archive"):
        problems.append(problem(shown, lines.get("kind", 1), "an archival-copy needs 'archive' naming its archive"))
    transcribed = data.get("transcribed", True)
    if transcribed is True and not body.strip():
        problems.append(problem(shown, 1, "empty body; mark a copy without text as 'transcribed: false'"))
    if transcribed is False and body.strip():
        problems.append(problem(shown, lines["transcribed"], "'transcribed: false' but the body has text"))


def _check_language(data: dict, key: str, lines: dict, shown: str, problems: list[Problem]) -> None:
    value = data.get(key)
    if isinstance(value, str) and value and not LANGUAGE_TAG.match(value):
        problems.append(problem(
            shown, lines.get(key, 1), f"{key} {value!r} is not a language tag such as 'ru', 'en' or 'zh-Hant'"))


def _check_date(data: dict, key: str, lines: dict, shown: str, problems: list[Problem]) -> None:
    value = data.get(key)
    if isinstance(value, str) and value and not _is_iso_date(value):
        problems.append(problem(shown, lines.get(key, 1), f"{key} {value!r} is not an ISO date (YYYY-MM-DD, YYYY-MM, YYYY)"))


def _is_iso_date(value: str) -> bool:
    if not _ISO_DATE.match(value):
        return False
    padded = value + "-01-01"[len(value) - 4 :]  # YYYY and YYYY-MM stand for their first day
    try:
        datetime.date.fromisoformat(padded)
    except ValueError:
        return False
    return True


def _derivations(data: dict, lines: dict, shown: str, problems: list[Problem]) -> list[Derivation]:
    raw = data.get("derived_from")
    if not isinstance(raw, (str, list, dict)):
        return []  # missing, or a wrong type already reported
    paths = [("derived_from", k) for k in range(len(raw))] if isinstance(raw, list) else [("derived_from",)]
    entries = raw if isinstance(raw, list) else [raw]
    default = DEFAULT_RELATION.get(data.get("kind"), "revision-of")
    derivations: list[Derivation] = []
    for entry, path in zip(entries, paths):
        line = lines.get(path if len(path) > 1 else path[0], lines["derived_from"])
        derivation = _derivation(entry, default, shown, line, within(lines, *path), problems)
        if derivation and derivation.source in {d.source for d in derivations}:
            problems.append(problem(shown, line, f"derived_from names {derivation.source!r} twice"))
        elif derivation:
            derivations.append(derivation)
    return derivations


def _facsimiles(
    data: dict, lines: dict, root: Path, folder: Path, paragraph_count: int, shown: str, problems: list[Problem]
) -> list[Facsimile]:
    """The page images a version lists (``corpus.facsimiles``), each entry's fields checked as every field is."""
    facsimiles = []
    for index, entry in enumerate(data.get("facsimiles") or []):
        line = lines.get(("facsimiles", index), lines.get("facsimiles", 1))
        if not isinstance(entry, dict):
            problems.append(problem(shown, line, "each facsimile is a mapping: {sheet: 5, image: file.png}"))
            continue
        before = len(problems)
        _check_fields(entry, within(lines, "facsimiles", index), FACSIMILE_FIELDS, shown, problems, line)
        if len(problems) == before and (found := facsimile_of(entry, root, folder, paragraph_count, shown, line,
                                                              problems)):
            facsimiles.append(found)
    return facsimiles


_DERIVATION_FIELDS = {"version": ((str,), True), "relation": ((str,), False)}


def _derivation(
    entry: Any, default: str, shown: str, line: int, field_lines: dict, problems: list[Problem]
) -> Derivation | None:
    if isinstance(entry, str):
        entry = {"version": entry}
    if not isinstance(entry, dict):
        problems.append(problem(shown, line, "derived_from entries are a version id or {version: id, relation: ...}"))
        return None
    before = len(problems)
    _check_fields(entry, field_lines, _DERIVATION_FIELDS, shown, problems, line)
    if len(problems) > before:
        return None
    relation = entry.get("relation", default)
    if relation not in RELATIONS:
        problems.append(problem(shown, line, f"unknown relation {relation!r}; expected one of {', '.join(RELATIONS)}"))
        return None
    if reason := slug_problem(entry["version"]):
        problems.append(problem(shown, line, f"derived_from {reason}"))
        return None
    return Derivation(entry["version"], relation, line)


def _archival_refs(data: dict, lines: dict, shown: str, problems: list[Problem]) -> list[ArchivalRef]:
    raw = data.get("archival_refs")
    if not isinstance(raw, list):
        return []
    line = lines.get("archival_refs", 1)
    refs: list[ArchivalRef] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            problems.append(problem(shown, line, "each archival reference is a mapping with at least 'archive'"))
            continue
        before = len(problems)
        at = lines.get(("archival_refs", index), line)
        _check_fields(entry, within(lines, "archival_refs", index), _REF_FIELDS, shown, problems, at)
        _check_ref_identity(entry, shown, problems, at)
        if len(problems) == before:
            refs.append(ArchivalRef(**{key: entry.get(key) for key in ("archive", *PARTS, "citation")}))
    slugs = [archive_slug(canonical_archive(ref.archive)) for ref in refs if ref.archive]
    for slug in {s for s in slugs if slugs.count(s) > 1}:
        problems.append(problem(shown, line, f"two archival references for the same archive ({slug})"))
    return refs


def _check_ref_identity(entry: dict, shown: str, problems: list[Problem], at: int) -> None:
    """A reference names its archive; one that could not be parsed is kept by its citation alone."""
    if entry.get("unparsed") is True:
        if not entry.get("citation") or set(entry) - {"citation", "unparsed"}:
            problems.append(problem(shown, at, "an unparsed archival reference has its 'citation' and nothing else"))
    elif "archive" not in entry or entry["archive"] is None:
        problems.append(problem(shown, at, "missing required field 'archive'"))


def _check_document(document: Document, on_disk: set[str], lines: dict, shown: str, problems: list[Problem]) -> None:
    """Cross-checks between files; a version whose own file is broken still counts as existing (``on_disk``)."""
    _check_language({"original_language": document.original_language}, "original_language", lines, shown, problems)
    _check_date({"date": document.date}, "date", lines, shown, problems)
    archives = {ref.archive for ref in document.archival_refs}
    if document.base and (reason := slug_problem(document.base)):
        problems.append(problem(shown, lines.get("base", 1), f"base {reason}"))
    elif document.base and document.base not in on_disk:
        problems.append(problem(shown, lines.get("base", 1), f"base names unknown version {document.base!r}"))
    listy = {ref.archive: ref.listy for ref in document.archival_refs}
    for version in document.versions:
        if version.archive and version.archive not in archives:
            problems.append(
                problem(version.path, 1, f"archive {version.archive!r} is not among the document's archival_refs")
            )
        problems += sheet_problems(version.facsimiles, listy.get(version.archive), version.archive, version.path)
        for derivation in version.derived_from:
            if derivation.source not in on_disk:
                message = f"derived_from names unknown version {derivation.source!r}"
                problems.append(problem(version.path, derivation.line, message))
    _check_coverages(document, problems)
    if cycle := _derivation_cycle(document):
        problems.append(problem(cycle[0].path, 1, "derived_from forms a cycle: " + " -> ".join(v.id for v in cycle)))


def _coverage(data: dict, lines: dict, shown: str, problems: list[Problem]) -> Coverage | None:
    if not isinstance(data.get("covers"), (str, int, list)):
        return None  # absent, or reported by _check_fields
    if data.get("transcribed") is False:
        problems.append(problem(shown, lines["covers"], "'covers' on a version with 'transcribed: false'"))
        return None
    return read_coverage(data["covers"], lines["covers"], shown, problems)


def _check_coverages(document: Document, problems: list[Problem]) -> None:
    base = next((v for v in document.versions if v.id == document.base), None)
    listy = {ref.archive: ref.listy for ref in document.archival_refs}
    for version in document.versions:
        if version.covers is not None:
            problems += coverage_problems(
                version.covers, version.path, len(base.paragraphs) if base else None, version is base,
                listy.get(version.archive),
            )


def _derivation_cycle(document: Document) -> list[Version]:
    by_id = {v.id: v for v in document.versions}
    state: dict[str, str] = {}

    def visit(version: Version, trail: list[Version]) -> list[Version]:
        state[version.id] = "open"
        for derivation in version.derived_from:
            source = by_id.get(derivation.source)
            if source is None:
                continue
            if state.get(source.id) == "open":
                return trail[trail.index(source) :] + [source] if source in trail else [version, source]
            if source.id not in state and (cycle := visit(source, trail + [source])):
                return cycle
        state[version.id] = "done"
        return []

    for version in document.versions:
        if version.id not in state and (cycle := visit(version, [version])):
            return cycle
    return []


def _read_corrections(
    root: Path, folder: Path, document: Document, encoding: str | None, problems: list[Problem]
) -> list[Correction]:
    path = folder / CORRECTIONS_FILE
    if not (path.exists() or path.is_symlink()):
        return []
    parsed = _read_yaml_file(root, path, encoding, problems)
    if parsed is None:
        return []
    paragraphs = {version.id: len(version.paragraphs) for version in document.versions}
    return corrections_of(*parsed, paragraphs, _shown(root, path), problems)
