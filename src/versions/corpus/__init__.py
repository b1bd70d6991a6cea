"""Reading and checking the corpus in ``translations/``: documents, versions, archival references, corrections.

Everything wrong is collected as a ``Problem`` (``path:line: message``); ``load_corpus`` raises them all at once as a
``CorpusError`` so that nothing is built from a corpus with a known fault.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..archival import ArchivalRef
from ..errors import CorpusError, Problem, problem
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
from .coverage import coverage_problems
from .facsimiles import IMAGES_FOLDER, sheet_problems  # noqa: F401  IMAGES_FOLDER re-exported
from .fields import (
    DOCUMENT_FIELDS,
    SOURCE_FIELDS,
    VERSION_FIELDS,
    archival_refs,
    check_date,
    check_fields,
    check_language,
    check_version_values,
    coverage,
    derivations,
    read_facsimiles,
)
from .folders import entries, outside_problem
from .hashes import FORMAT_VERSION, RACY_NS, FolderHash, document_hashes, folder_hash  # noqa: F401
from .model import KINDS, RELATIONS, Corpus, Derivation, Document, Version, default_base  # noqa: F401  the API
from .safe_yaml import MAX_YAML_DEPTH, parse_yaml, within  # noqa: F401

DOCUMENT_FILE = "document.yaml"
CORRECTIONS_FILE = "alignment.yaml"


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
    check_fields(data, lines, DOCUMENT_FIELDS, _shown(root, meta_path), problems)
    if isinstance(data.get("source"), dict):
        source_lines = within(lines, "source")
        check_fields(data["source"], source_lines, SOURCE_FIELDS, _shown(root, meta_path), problems, lines["source"])
    refs = archival_refs(data, lines, _shown(root, meta_path), problems)
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
    check_fields(data, lines, VERSION_FIELDS, shown, problems)
    check_version_values(data, lines, body, shown, problems)
    derived = derivations(data, lines, shown, problems)
    covers = coverage(data, lines, shown, problems)
    if len(problems) > before:
        return None
    leading, paragraphs = split_body(body, body_line)
    facsimiles = read_facsimiles(data, lines, root, path.parent, len(paragraphs), shown, problems)
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


def _check_document(document: Document, on_disk: set[str], lines: dict, shown: str, problems: list[Problem]) -> None:
    """Cross-checks between files; a version whose own file is broken still counts as existing (``on_disk``)."""
    check_language({"original_language": document.original_language}, "original_language", lines, shown, problems)
    check_date({"date": document.date}, "date", lines, shown, problems)
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
