"""A parsed record written into the corpus layout of docs/corpus-format.md, through ``staging``.

A new document gets ``document.yaml``, one untranscribed ``<archive>-copy.md`` per archival reference and
``wilson-<language>.md`` holding the text (and ``wilson-<original language>.md`` when the page gives the original). A
record that is another copy of a document already in the corpus becomes new versions of it.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from ..archival import ArchivalRef, archive_slug
from ..corpus import load_document
from ..ids import MAX_ID_LENGTH, slug_problem
from . import staging
from .match import find_document
from .record import LANGUAGE_NAMES, TEXT_KINDS, WilsonRecord
from .staging import ImportFailure, ImportResult

PUBLISHER = "Wilson Center Digital Archive"
RIGHTS = (
    "The texts are from the Wilson Center Digital Archive and are subject to its terms of use."
)
DERIVATION = {"translation": "translation-of", "edition": "edition-of"}


def default_document_id(record: WilsonRecord) -> str:
    """``telegram-<n>`` for "Telegram No. <n>", else ``wilson-<record id>`` (from the Record ID section, or the last
    part of the source URL: a number or a name), else ``wilson-<date>-<title>``."""
    if match := re.search(r"Telegram No\.\s*(\d+)", record.title, re.IGNORECASE):
        return f"telegram-{match.group(1)}"
    if record.record_id and not slug_problem(f"wilson-{record.record_id}"):
        return f"wilson-{record.record_id}"
    named = record.source_url and re.search(r"/([a-z0-9]+(?:-[a-z0-9]+)*)/?$", record.source_url)
    if named and not slug_problem(document_id := f"wilson-{named.group(1)}"):
        return document_id
    return _shortened(f"wilson-{record.date}-{archive_slug(record.title)}")


def _shortened(slug: str) -> str:
    """The slug cut at a hyphen to the longest id the corpus allows."""
    if len(slug) <= MAX_ID_LENGTH:
        return slug
    return slug[:MAX_ID_LENGTH + 1].rsplit("-", 1)[0]


def text_version_id(record: WilsonRecord) -> str:
    return f"wilson-{record.text_language}"


def original_version_id(record: WilsonRecord) -> str:
    return f"wilson-{record.original_language}"


def copy_version_id(ref: ArchivalRef) -> str:
    return f"{archive_slug(ref.archive)}-copy"


def import_record(
    record: WilsonRecord,
    corpus_root: Path,
    document_id: str | None = None,
    *,
    into: str | None = None,
    version_id: str | None = None,
    overwrite: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Write a parsed record into ``corpus_root``, checked and all or nothing; with ``dry_run`` only checked.

    A document the record is another copy of (``into``, or found by record id or source URL) gets the record's text
    as new versions; otherwise the record becomes document ``document_id`` (default: derived from the record).
    """
    root = Path(corpus_root)
    target = into or (None if document_id or overwrite else _same_document(root, record))
    if target is not None:
        document_id, files = target, added_version_files(record, root, target, version_id)
    else:
        document_id = document_id or default_document_id(record)
        files = record_files(record, version_id)
    if dry_run:
        staging.check_document(root, document_id, files, overwrite=overwrite)
        folder = root / document_id
    else:
        folder = staging.write_document(root, document_id, files, overwrite=overwrite)
    return ImportResult(folder, sorted(files), list(record.warnings), record.paragraph_rule)


def _same_document(root: Path, record: WilsonRecord) -> str | None:
    """The document with the record's id or source URL; one with only its title and date is suggested, not taken."""
    matches = find_document(root, record.record_id, record.source_url, record.title, record.date)
    if matches.similar is not None:
        raise ImportFailure(
            f"document {matches.similar} has the same title and date; if this is another copy of it, import with "
            f"--into {matches.similar}, else name a new document with --document"
        )
    return matches.same


def record_files(record: WilsonRecord, version_id: str | None = None) -> dict[str, str]:
    """The files of a new document: its metadata, one file per archival copy, the text (and the original)."""
    copies = [copy_version_id(ref) for ref in record.archival_refs]
    files = {f"{copy_version_id(ref)}.md": _copy_file(record, ref) for ref in record.archival_refs}
    files.update(_text_files(record, version_id or text_version_id(record), original_version_id(record), copies))
    files["document.yaml"] = staging.yaml_text(_document_metadata(record, version_id))
    return files


def added_version_files(
    record: WilsonRecord, root: Path, document_id: str, version_id: str | None = None
) -> dict[str, str]:
    """The record's text (and original) as new versions of document ``document_id``, under names not taken there;
    the archival copies it names that the document has stay their source. A text the document has already is
    refused: importing a record twice adds nothing."""
    folder = root / document_id
    if not (folder / "document.yaml").is_file():
        raise ImportFailure(f"there is no document {document_id} to add versions to")
    versions = load_document(root, document_id).versions
    if same := next((version.id for version in versions if version.body == record.body), None):
        raise ImportFailure(f"this text is already version {document_id}/{same}")
    taken = {version.id for version in versions}
    text_id = version_id or _free_id(text_version_id(record), taken)
    if text_id in taken:
        raise ImportFailure(f"{document_id} already has a version {text_id}; name the new one with --as")
    original_id = _free_id(original_version_id(record), taken | {text_id})
    copies = [copy_version_id(ref) for ref in record.archival_refs if copy_version_id(ref) in taken]
    return _text_files(record, text_id, original_id, copies)


def _free_id(version_id: str, taken: set[str]) -> str:
    number = 2
    free = version_id
    while free in taken:
        free, number = f"{version_id}-{number}", number + 1
    return free


def _text_files(record: WilsonRecord, text_id: str, original_id: str, copies: list[str]) -> dict[str, str]:
    if record.original_body is None:
        return {f"{text_id}.md": _text_file(record, copies)}
    return {f"{original_id}.md": _original_file(record, copies), f"{text_id}.md": _text_file(record, [original_id])}


def write_document(
    record: WilsonRecord, translations_dir: Path, document_id: str | None = None, overwrite: bool = False
) -> Path:
    """Write the record as a new document ``translations_dir/<document_id>/``; return that folder.

    Other versions already in the folder stay. Unless ``overwrite``, an existing ``document.yaml`` or version file
    of the same name is refused. The document is checked as ``versions check`` reads it before anything is written
    (``CorpusError``), and written all or nothing (``WriteError`` if it cannot be).
    """
    document_id = document_id or default_document_id(record)
    if slug_problem(document_id):
        raise ValueError(
            f"document id {document_id!r} is not a slug (a-z, 0-9 and single hyphens, at most 64 characters)"
        )
    return staging.write_document(Path(translations_dir), document_id, record_files(record), overwrite=overwrite)


def _document_metadata(record: WilsonRecord, text_id: str | None = None) -> dict:
    metadata = {
        "title": record.title,
        "date": record.date,
        "from": record.sender,
        "to": record.recipient,
        "summary": record.summary,
        "original_language": record.original_language,
        "base": text_id or text_version_id(record),
        "citation": record.citation,
        "source": _without_empty({"name": PUBLISHER, "url": record.source_url}),
        "record_id": record.record_id,
        "illustrative": True if record.illustrative else None,
        "rights": RIGHTS,
        "archival_refs": [_ref_metadata(ref) for ref in record.archival_refs]
        + [{"citation": citation, "unparsed": True} for citation in record.unparsed_refs],
    }
    return _without_empty(metadata)


def _ref_metadata(ref: ArchivalRef) -> dict:
    return _without_empty(dataclasses.asdict(ref))


def _copy_file(record: WilsonRecord, ref: ArchivalRef) -> str:
    front_matter = {
        "kind": "archival-copy",
        "language": record.original_language,
        "archive": ref.archive,
        "label": f"{ref.archive} copy ({_language_name(record.original_language)})",
        "transcribed": False,
    }
    return staging.version_file(front_matter, "")


def _text_file(record: WilsonRecord, sources: list[str]) -> str:
    kind = TEXT_KINDS[record.text_kind]
    front_matter = {
        "kind": kind,
        "language": record.text_language,
        "label": f"{_language_name(record.text_language)} {record.text_kind} ({PUBLISHER})",
        "translator": record.translator,
        "publisher": PUBLISHER,
        "source": record.source_url,
        "derived_from": [{"version": source, "relation": DERIVATION[kind]} for source in sources],
        "note": "; ".join(note for note in (record.note, *record.citation_notes) if note) or None,
    }
    return staging.version_file(_without_empty(front_matter), record.body)


def _original_file(record: WilsonRecord, copies: list[str]) -> str:
    """The original as the page gives it above the translation: an edition of the archival copies."""
    front_matter = {
        "kind": "edition",
        "language": record.original_language,
        "label": f"{_language_name(record.original_language)} original ({PUBLISHER})",
        "publisher": PUBLISHER,
        "source": record.source_url,
        "derived_from": [{"version": copy, "relation": "edition-of"} for copy in copies],
    }
    return staging.version_file(_without_empty(front_matter), record.original_body)


def _language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def _without_empty(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if value not in (None, [], {})}
