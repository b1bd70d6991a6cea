"""The fields of ``document.yaml`` and of a version's front matter: which exist, their types, and their values
checked, each fault a ``Problem`` naming file and line."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

from ..archival import PARTS, ArchivalRef, archive_slug, canonical_archive
from ..errors import Problem, problem
from ..ids import slug_problem
from ..languages import TAG as LANGUAGE_TAG
from .coverage import Coverage, read_coverage
from .facsimiles import FACSIMILE_FIELDS, Facsimile, facsimile_of
from .model import DEFAULT_RELATION, KINDS, RELATIONS, Derivation
from .safe_yaml import within

_ISO_DATE = re.compile(r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?\Z")

# field name -> (accepted types, required)
DOCUMENT_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
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
SOURCE_FIELDS = {"name": ((str,), False), "url": ((str,), False)}
VERSION_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
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


def check_fields(data: dict, lines: dict, spec: dict, shown: str, problems: list[Problem], at: int = 1) -> None:
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


def check_version_values(data: dict, lines: dict, body: str, shown: str, problems: list[Problem]) -> None:
    kind = data.get("kind")
    if isinstance(kind, str) and kind not in KINDS:
        problems.append(problem(shown, lines["kind"], f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}"))
    check_language(data, "language", lines, shown, problems)
    check_date(data, "date", lines, shown, problems)
    if kind == "archival-copy" and not data.get("archive"):
        problems.append(problem(shown, lines.get("kind", 1), "an archival-copy needs 'archive' naming its archive"))
    transcribed = data.get("transcribed", True)
    if transcribed is True and not body.strip():
        problems.append(problem(shown, 1, "empty body; mark a copy without text as 'transcribed: false'"))
    if transcribed is False and body.strip():
        problems.append(problem(shown, lines["transcribed"], "'transcribed: false' but the body has text"))


def check_language(data: dict, key: str, lines: dict, shown: str, problems: list[Problem]) -> None:
    value = data.get(key)
    if isinstance(value, str) and value and not LANGUAGE_TAG.match(value):
        problems.append(problem(
            shown, lines.get(key, 1), f"{key} {value!r} is not a language tag such as 'ru', 'en' or 'zh-Hant'"))


def check_date(data: dict, key: str, lines: dict, shown: str, problems: list[Problem]) -> None:
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


def derivations(data: dict, lines: dict, shown: str, problems: list[Problem]) -> list[Derivation]:
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


def read_facsimiles(
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
        check_fields(entry, within(lines, "facsimiles", index), FACSIMILE_FIELDS, shown, problems, line)
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
    check_fields(entry, field_lines, _DERIVATION_FIELDS, shown, problems, line)
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


def archival_refs(data: dict, lines: dict, shown: str, problems: list[Problem]) -> list[ArchivalRef]:
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
        check_fields(entry, within(lines, "archival_refs", index), _REF_FIELDS, shown, problems, at)
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


def coverage(data: dict, lines: dict, shown: str, problems: list[Problem]) -> Coverage | None:
    if not isinstance(data.get("covers"), (str, int, list)):
        return None  # absent, or reported by check_fields
    if data.get("transcribed") is False:
        problems.append(problem(shown, lines["covers"], "'covers' on a version with 'transcribed: false'"))
        return None
    return read_coverage(data["covers"], lines["covers"], shown, problems)
