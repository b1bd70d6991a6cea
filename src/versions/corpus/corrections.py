"""``alignment.yaml``: human corrections to the alignment, and the rules a set of pins and forbids must keep.

An entry names two paragraphs by their stable keys (``[wilson-en/3kq7zv2a, en-revised/d4ruvidh]``,
``versions.identity``), so that it stays with its text when paragraphs are added or removed elsewhere; the older
positional form (``wilson-en/7``, counted from 1) is still read, and ``versions migrate`` rewrites it. An entry may
also be a mapping that records who made it and when (``{pair: [a, b], by: alice, at: '2026-12-03T15:02:11Z'}``,
as ``versions serve --edit`` writes it). Keys are
resolved to positions (``resolve_corrections``) once the build knows them, before anything is aligned: a paragraph
edited since its key was made, or merged into another, keeps its correction with a warning (``Correction.note``);
one that is gone is an error naming the entry's line.

The rules are applied twice, by one set of functions: here, to name the entry's line of a correction the aligner
would refuse, and by ``align.align`` on the indices it is given.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..errors import CorpusError, Problem, clipped, problem
from .safe_yaml import parse_yaml


@dataclass(frozen=True)
class Correction:
    action: str  # "pin" or "forbid"
    a: tuple[str, int | str]  # (version id, paragraph n from 1 or its stable key); n once resolved
    b: tuple[str, int | str]
    line: int
    path: str = ""  # alignment.yaml, as problems name it
    refs: tuple[str, str] = ("", "")  # the two paragraphs as the entry names them
    note: str | None = None  # why it applies with a warning (its paragraph changed since), once resolved
    by: str | None = None  # who made it, when the entry records it
    at: str | None = None  # when (ISO 8601), likewise


class VersionKeys(Protocol):
    """What ``resolve_corrections`` needs of ``versions.identity.VersionKeys``."""

    keys: list[str]
    changed_in: list[int | None]
    predecessors: dict[str, str]


def corrections_of(data: dict, lines: dict, paragraphs: Mapping[str, int], shown: str, problems: list[Problem]):
    """The corrections of a parsed alignment.yaml (``lines`` as ``parse_yaml`` gives them), given how many
    paragraphs each version of the document has; every problem recorded with its entry's line."""
    corrections = []
    for action in data:
        if action not in ("pin", "forbid"):
            problems.append(problem(shown, lines[action], f"unknown correction {action!r}; expected pin or forbid"))
            continue
        corrections.extend(_corrections(action, data[action], paragraphs, shown, lines, problems))
    _check_corrections(corrections, shown, problems)
    return corrections


def corrections_in_text(text: str, shown: str, paragraphs: Mapping[str, int]) -> list[Correction]:
    """The corrections of alignment.yaml's ``text`` as the reader takes them from the file (``CorpusError`` for
    any problem), for a text not yet written: a correction made on the page is checked before it is saved."""
    problems: list[Problem] = []
    parsed = parse_yaml(text, shown, 1, problems)
    corrections = corrections_of(*parsed, paragraphs, shown, problems) if parsed else []
    if problems:
        raise CorpusError(problems)
    return corrections


def _corrections(
    action: str, entries: Any, paragraphs: Mapping[str, int], shown: str, lines: dict, problems: list[Problem]
) -> list[Correction]:
    if not isinstance(entries, list):
        problems.append(problem(shown, lines[action], f"{action} must be a list of [version/n, version/n] pairs"))
        return []
    corrections = []
    for index, entry in enumerate(entries):
        at = lines[action, index]
        pair, record = _entry_parts(entry, shown, at, problems)
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(e, str) for e in pair)):
            problems.append(problem(shown, at, f"{action} entries are pairs like [wilson-en/7, en-revised/8]"))
            continue
        ends = [_paragraph_ref(text, paragraphs, shown, at, problems) for text in pair]
        if all(ends) and record is not None:
            corrections.append(Correction(action, ends[0], ends[1], at, shown, (pair[0], pair[1]), **record))
    return corrections


RECORD_FIELDS = ("by", "at")  # what an entry may record beside its pair: who made it, and when


def _entry_parts(entry: Any, shown: str, line: int, problems: list[Problem]):
    """(the pair, {by, at}) of an entry: ``[a, b]``, or ``{pair: [a, b], by: ..., at: ...}``; the record is None
    after a problem with it is recorded."""
    if not isinstance(entry, dict):
        return entry, {}
    unknown = [str(name) for name in entry if name not in ("pair", *RECORD_FIELDS)]
    if unknown:
        expected = ", ".join(("pair", *RECORD_FIELDS))
        found = f"unknown field {clipped(unknown[0])} in a correction; expected {expected}"
        problems.append(problem(shown, line, found))
        return entry.get("pair"), None
    record = {name: entry.get(name) for name in RECORD_FIELDS}
    wrong = [name for name, value in record.items() if value is not None and not isinstance(value, str)]
    if wrong:
        problems.append(problem(shown, line, f"{wrong[0]} of a correction is text"))
        return entry.get("pair"), None
    return entry.get("pair"), record


def _paragraph_ref(text: str, paragraphs: Mapping[str, int], shown: str, line: int, problems: list[Problem]):
    parsed = parse_paragraph_ref(text) or parse_key_ref(text)
    if parsed is None:
        example = "'wilson-en/3kq7zv2a'"
        problems.append(problem(shown, line, f"{clipped(text)} is not a paragraph reference such as {example}"))
        return None
    version_id, n = parsed
    if version_id not in paragraphs:
        problems.append(problem(shown, line, f"{text!r} names unknown version {version_id!r}"))
        return None
    if isinstance(n, str):
        return version_id, n
    if not 1 <= n <= paragraphs[version_id]:
        problems.append(
            problem(shown, line, f"{text!r}: paragraph {n} no longer exists ({version_id} has {paragraphs[version_id]})")
        )
        return None
    return version_id, n


def _check_corrections(corrections: list[Correction], shown: str, problems: list[Problem]) -> None:
    """Refuse here, at the entry's line, the corrections the aligner would refuse: within one version, or a forbid
    that the pins between the same two versions contradict."""
    between: dict[tuple[str, str], tuple[dict, dict]] = defaultdict(lambda: ({}, {}))  # pins, forbids by pair
    for correction in corrections:
        if reason := same_version_problem(correction.a[0], correction.b[0]):
            problems.append(problem(shown, correction.line, reason))
            continue
        if isinstance(correction.a[1], str) or isinstance(correction.b[1], str):
            continue  # checked once its keys are resolved
        first, second = sorted((correction.a, correction.b))
        pins, forbids = between[first[0], second[0]]
        (pins if correction.action == "pin" else forbids)[first[1], second[1]] = correction
    for pins, forbids in between.values():
        for pair, _ in forbids_inside_pins(pins, forbids):
            forbid = forbids[pair]
            refs = f"[{forbid.refs[0]}, {forbid.refs[1]}]"
            reason = "is pinned too" if pair in pins else "lies inside a group of paragraphs the pins join"
            problems.append(problem(shown, forbid.line, f"forbid {refs} {reason}; a pin and a forbid contradict"))


# --- pins and forbids: one rule for the reader (which names the line) and the aligner (which gets indices) -----------

_PARAGRAPH_REF = re.compile(r"(?P<version>[^/\s]+)/(?P<n>[0-9]{1,9})\Z", re.ASCII)  # no version holds 10^9 paragraphs


_KEY_REF = re.compile(r"(?P<version>[^/\s]+)/(?P<key>[a-z2-7]{8}(?:-[0-9]{1,9})?)\Z", re.ASCII)  # identity.text_key


def parse_paragraph_ref(text: str) -> tuple[str, int] | None:
    """(version id, paragraph number from 1) of ``<version>/<n>``, or None if ``text`` is not one."""
    match = _PARAGRAPH_REF.match(text)
    return (match["version"], int(match["n"])) if match else None


def parse_key_ref(text: str) -> tuple[str, str] | None:
    """(version id, stable key) of ``<version>/<key>``, or None if ``text`` is not one."""
    match = _KEY_REF.match(text)
    return (match["version"], match["key"]) if match else None


def resolve_corrections(corrections: Sequence[Correction], keys: Mapping[str, VersionKeys]) -> list[Correction]:
    """The corrections with every paragraph named by its position (from 1), given the keys of each version's
    paragraphs. A paragraph edited since its key was made, or merged into another, keeps the correction, with a
    note; one that is gone raises ``CorpusError`` naming the entry's line, as does a forbid the pins contradict."""
    problems: list[Problem] = []
    resolved = []
    for correction in corrections:
        ends = [_resolved_end(end, ref, keys) for end, ref in zip((correction.a, correction.b), correction.refs)]
        missing = [ref for (found, _), ref in zip(ends, correction.refs) if found is None]
        entry = f"{correction.action} [{', '.join(correction.refs)}]"
        problems += [problem(correction.path, correction.line, f"{entry}: paragraph {ref} no longer exists")
                     for ref in missing]
        if missing:
            continue
        notes = [note for _, note in ends if note]
        resolved.append(replace(correction, a=ends[0][0], b=ends[1][0], note="; ".join(notes) or None))
    if not problems and resolved:
        _check_corrections(resolved, resolved[0].path, problems)
    if problems:
        raise CorpusError(problems)
    return resolved


_POSITIONAL_ENTRY = re.compile(r"(?P<version>[a-z0-9]+(?:-[a-z0-9]+)*)/(?P<n>[0-9]{1,9})\b")


def migrated_text(text: str, keys: Mapping[str, VersionKeys]) -> str:
    """alignment.yaml's text with every positional reference (``wilson-en/7``) to a paragraph that exists replaced
    by its stable key (``wilson-en/3kq7zv2a``); comments, order and layout kept as written."""

    def keyed(match: re.Match) -> str:
        of_version, n = keys.get(match["version"]), int(match["n"])
        if of_version is None or not 1 <= n <= len(of_version.keys):
            return match.group()
        return f"{match['version']}/{of_version.keys[n - 1]}"

    return _POSITIONAL_ENTRY.sub(keyed, text)


def _resolved_end(end: tuple[str, int | str], ref: str, keys: Mapping[str, VersionKeys]):
    """((version, n), note) for one paragraph of a correction; (None, None) if it is gone."""
    version_id, key = end
    if isinstance(key, int):
        return end, None
    of_version = keys[version_id]
    note = None
    if key not in of_version.keys and key in of_version.predecessors:
        key, note = of_version.predecessors[key], f"{ref} was merged into {version_id}/{of_version.predecessors[key]}"
    if key not in of_version.keys:
        return None, None
    n = of_version.keys.index(key) + 1
    if of_version.changed_in[n - 1] is not None and note is None:
        note = f"{ref} changed since its key was made (revision {of_version.changed_in[n - 1]})"
    return (version_id, n), note


def same_version_problem(version_a: str, version_b: str) -> str | None:
    if version_a == version_b:
        return f"a correction links two versions, not {version_a} with itself"
    return None


def pin_groups(pinned: Iterable[tuple[int, int]]) -> list[tuple[range, range]]:
    """Group pins that share a segment, and widen each group to contiguous ranges on both sides: one bead each."""
    groups = [(range(i, i + 1), range(j, j + 1)) for i, j in sorted(pinned)]
    merged = True
    while merged:
        merged = False
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                (ax, bx), (ay, by) = groups[x], groups[y]
                if _overlap(ax, ay) or _overlap(bx, by):
                    groups[x] = (_span(ax, ay), _span(bx, by))
                    del groups[y]
                    merged = True
                    break
            if merged:
                break
    return sorted(groups, key=lambda group: (group[0].start, group[1].start))


def forbids_inside_pins(
    pinned: Iterable[tuple[int, int]], forbidden: Iterable[tuple[int, int]]
) -> list[tuple[tuple[int, int], tuple[range, range]]]:
    """Each forbidden (i, j) pair that the pins put in one bead anyway, with the group of pins that does."""
    groups = pin_groups(pinned)
    return [(pair, (a, b)) for pair in sorted(forbidden) for a, b in groups if pair[0] in a and pair[1] in b]


def _overlap(x: range, y: range) -> bool:
    return x.start < y.stop and y.start < x.stop


def _span(x: range, y: range) -> range:
    return range(min(x.start, y.start), max(x.stop, y.stop))
