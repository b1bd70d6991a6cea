"""How a revision is compared with the one before: identical paragraphs matched by hash, the stretches between aligned
and word-diffed, moves found."""

from __future__ import annotations

import json
import re

from ..align import align
from ..corpus.safe_yaml import parse_yaml
from ..diff import (
    DELETE,
    EQUAL,
    INSERT,
    WordDiff,
    count_words,
    diff_sequences,
    word_diff,
)
from ..segment import Paragraph
from .model import FieldChange, ParagraphChange, Revision, RevisionDiff


def compare(previous: Revision | None, revision: Revision, language: str | None = None) -> list[ParagraphChange]:
    """The paragraph changes from ``previous`` (None: an empty text) to ``revision``."""
    old = list(previous.paragraphs) if previous else []
    return compare_paragraphs(old, list(revision.paragraphs), language)


def compare_revisions(old: Revision | None, new: Revision, language: str | None = None) -> RevisionDiff:
    """``new`` against ``old`` (None: nothing before it), as a revision is compared with the one before it: its
    paragraph changes and the front-matter fields that differ. Any two revisions of a version may be compared so,
    in either order."""
    fields = front_matter_changes(old.front_matter, new.front_matter) if old else []
    return RevisionDiff(new, old, compare(old, new, language), fields)


def _changed_stretches(old: list[Paragraph], new: list[Paragraph]):
    """(i1, i2, j1, j2) for each stretch where the paragraph sequences differ, by diff-match-patch over hashes."""
    i = j = 0
    stretch: list[int] | None = None
    for op, count in diff_sequences([p.hash for p in old], [p.hash for p in new]):
        if op == EQUAL:
            if stretch:
                yield tuple(stretch)
                stretch = None
            i, j = i + count, j + count
            continue
        stretch = stretch or [i, i, j, j]
        if op == DELETE:
            i += count
            stretch[1] = i
        else:
            j += count
            stretch[3] = j
    if stretch:
        yield tuple(stretch)


def compare_paragraphs(
    old: list[Paragraph], new: list[Paragraph], language: str | None = None
) -> list[ParagraphChange]:
    if not old:  # a first revision: every paragraph inserted, nothing to match or move (thousands of them)
        return [ParagraphChange("inserted", (), (p.n,), _one_sided("", p.text)) for p in new]
    changes: list[ParagraphChange] = []
    for i1, i2, j1, j2 in _changed_stretches(old, new):
        if i1 == i2 or j1 == j2:
            changes += [_change("deleted", [p], []) for p in old[i1:i2]]
            changes += [_change("inserted", [], [p]) for p in new[j1:j2]]
        else:
            changes += _aligned_changes(old[i1:i2], new[j1:j2], language)
    return _find_moves(changes)


def _joined(paragraphs: list[Paragraph]) -> str:
    return "\n\n".join(p.text for p in paragraphs)


def _change(kind: str, old: list[Paragraph], new: list[Paragraph]) -> ParagraphChange:
    a, b = _joined(old), _joined(new)
    diff = word_diff(a, b) if a and b else _one_sided(a, b)
    return ParagraphChange(kind, tuple(p.n for p in old), tuple(p.n for p in new), diff)


def _one_sided(a: str, b: str) -> WordDiff:
    """What ``word_diff`` gives when one side is empty, without the diff machinery (a first revision is all
    insertions: thousands of paragraphs)."""
    text, op = (b, INSERT) if b else (a, DELETE)
    words = count_words(text)
    return WordDiff(
        ops=[(op, text)] if text else [],
        muted=[],
        similarity=0.0 if text else 1.0,
        inserted=words if op == INSERT else 0,
        deleted=words if op == DELETE else 0,
        replaced=0,
    )


def _aligned_changes(old: list[Paragraph], new: list[Paragraph], language: str | None) -> list[ParagraphChange]:
    """Align a stretch of differing paragraphs (beads come ordered along the old text) and diff each bead."""
    if len(old) == 1 and len(new) == 1:
        return [_change("modified", old, new)]
    changes = []
    for bead in align([p.text for p in old], [p.text for p in new], language, language):
        a, b = [old[i] for i in bead.a], [new[j] for j in bead.b]
        changes.append(_change("modified" if a and b else ("deleted" if a else "inserted"), a, b))
    return changes


def _find_moves(changes: list[ParagraphChange]) -> list[ParagraphChange]:
    """A deleted and an inserted paragraph with the same text are one paragraph that moved."""
    deleted = {}
    for index, change in enumerate(changes):
        if change.kind == "deleted":
            deleted.setdefault(change.diff.text_a, []).append(index)
    moved_from: dict[int, int] = {}
    for index, change in enumerate(changes):
        if change.kind == "inserted" and deleted.get(change.diff.text_b):
            moved_from[index] = deleted[change.diff.text_b].pop(0)
    if not moved_from:
        return changes
    sources = set(moved_from.values())
    result = []
    for index, change in enumerate(changes):
        if index in sources:
            continue
        if index in moved_from:
            source = changes[moved_from[index]]
            change = ParagraphChange("moved", source.old, change.new, word_diff(source.diff.text_a, change.diff.text_b))
        result.append(change)
    return result


def revisions_language(revisions: list[Revision]) -> str | None:
    for revision in reversed(revisions):
        if revision.front_matter:
            match = re.search(r"^language:\s*['\"]?([a-z]{2,3})\b", revision.front_matter, re.MULTILINE)
            if match:
                return match.group(1)
    return None


def front_matter_changes(old: str | None, new: str | None) -> list[FieldChange]:
    """The fields of the front matter that differ between two revisions, by name, in the newer one's order (then
    those it removed); a front matter that cannot be read counts as one change of the whole."""
    if (old or "") == (new or ""):
        return []
    old_fields, new_fields = _front_matter_fields(old), _front_matter_fields(new)
    if old_fields is None or new_fields is None:
        return [FieldChange("front matter", _unreadable(old, old_fields), _unreadable(new, new_fields))]
    names = [*new_fields, *(name for name in old_fields if name not in new_fields)]
    return [
        FieldChange(name, old_fields.get(name), new_fields.get(name))
        for name in names
        if old_fields.get(name) != new_fields.get(name)
    ]


def combined_fields(steps: list[list[FieldChange]]) -> list[FieldChange]:
    """The fields changed over several revisions in a row (each revision's changes, oldest first), as one change
    each from its value before the first to its value after the last; those that came back are left out."""
    first: dict[str, FieldChange] = {}
    last: dict[str, FieldChange] = {}
    for changes in steps:
        for change in changes:
            first.setdefault(change.field, change)
            last[change.field] = change
    combined = [FieldChange(name, change.old, last[name].new) for name, change in first.items()]
    return [change for change in combined if change.old != change.new]


def _front_matter_fields(text: str | None) -> dict[str, str] | None:
    """Each field's value as compact JSON; None when the YAML cannot be read."""
    if not text or not text.strip():
        return {}
    parsed = parse_yaml(text, "front matter", 1, [])
    if parsed is None:
        return None
    return {str(name): json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
            for name, value in parsed[0].items()}


def _unreadable(text: str | None, fields: dict | None) -> str | None:
    if fields is None:
        return "(cannot be read)"
    return "{...}" if text and text.strip() else None
