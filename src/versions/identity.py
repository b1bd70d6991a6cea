"""Stable paragraph ids: minted from a paragraph's text, carried forward through its version's history.

A paragraph's key is a short hash of its text with the white space collapsed (in the spirit of the W3C Web
Annotation text-quote selector), ``-2``, ``-3`` ... for the second and later paragraphs of a version with the same
text. A key minted once stays with its paragraph when the paragraph is edited: along the first-parent line of the
version file's git history (``versions.history``), an unchanged or moved paragraph keeps the key it had, an edited one
keeps it too, and the first paragraph of a split or a merge keeps the key of the first it came from; the others of a
merge are recorded as its predecessors, so that an address naming them can be sent on. Only paragraphs new in a
revision get new keys.

Everything is computed from the corpus and its history, nothing is written into the corpus, and the keys come out
the same on every full clone. What a shallow clone or a tarball loses: where the history stops (a shallow clone's
boundary, a copy without ``.git``), keys are minted again from the text as it stands there, so a paragraph edited
before that point gets the key of its present text instead of the one it carried.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from .corpus.corrections import resolve_corrections
from .history import Revision, VersionHistory, version_histories

KEY_LENGTH = 8  # characters of base32: 40 bits, unique among the paragraphs of any version we expect


# A long document's rebuild learns the keys minted before from its cache: room for a long document's paragraphs
TEXT_KEYS_KEPT = 1 << 15
_TEXT_KEYS: dict[str, str] = {}


def text_key(text: str) -> str:
    """The key minted from a paragraph's text: lower-case base32 of its SHA-256, white space collapsed first."""
    known = _TEXT_KEYS.get(text)
    if known is None:
        if len(_TEXT_KEYS) >= TEXT_KEYS_KEPT:
            _TEXT_KEYS.clear()
        digest = hashlib.sha256(" ".join(text.split()).encode("utf-8")).digest()
        # base32 spells each 5 bits apart: the first KEY_LENGTH characters are those of the first bytes alone
        known = _TEXT_KEYS[text] = base64.b32encode(digest[: KEY_LENGTH * 5 // 8]).decode("ascii").lower()
    return known


def learn_text_keys(keys: dict[str, str]) -> None:
    """Take the keys of these texts, minted before, instead of minting them."""
    _TEXT_KEYS.update(keys)


def forget_text_keys() -> None:
    _TEXT_KEYS.clear()


def _unused(key: str, used: set[str]) -> str:
    """``key``, or ``key-2``, ``key-3`` ... the first not in ``used``; marked as used."""
    candidate, occurrence = key, 1
    while candidate in used:
        occurrence += 1
        candidate = f"{key}-{occurrence}"
    used.add(candidate)
    return candidate


def mint_keys(texts: Sequence[str]) -> list[str]:
    """Keys for the paragraphs of one version that have no history: from their texts, by occurrence."""
    used: set[str] = set()
    return [_unused(text_key(text), used) for text in texts]


@dataclass
class VersionKeys:
    """The keys of a version's paragraphs as loaded, and what the history says about them."""

    keys: list[str]  # one per paragraph, in order
    changed_in: list[int | None]  # the revision (n) whose edit the paragraph's present text comes from; None: minted
    predecessors: dict[str, str] = field(default_factory=dict)  # a key no paragraph has now -> the key it became
    # revision n -> the keys of its paragraphs, for the revisions on the first-parent line
    by_revision: dict[int, list[str]] = field(default_factory=dict)


def document_keys(document, histories: Sequence[VersionHistory] | None = None) -> dict[str, VersionKeys]:
    """Version slug -> the keys of its paragraphs, for a loaded ``versions.corpus.Document`` (its histories read
    unless given)."""
    histories = version_histories(document) if histories is None else histories
    by_version = {history.version_id: history for history in histories}
    return {
        version.id: version_keys(by_version.get(version.id), [p.text for p in version.paragraphs])
        for version in document.versions
    }


def with_corrections_resolved(document, keys: dict[str, VersionKeys]):
    """The document with its corrections (``alignment.yaml``) naming paragraphs by position, ready for
    ``versions.collate``; raises ``CorpusError`` for a correction whose paragraph is gone."""
    return dataclasses.replace(document, corrections=resolve_corrections(document.corrections, keys))


def version_keys(history: VersionHistory | None, texts: Sequence[str]) -> VersionKeys:
    """The keys of a version's paragraphs (``texts``, as loaded), carried along ``history`` when it ends in them."""
    line = _first_parent_line(history) if history is not None else []
    if not line or [p.text for p in line[-1].paragraphs] != list(texts):
        return VersionKeys(mint_keys(texts), [None] * len(texts))
    keys: list[str] = []
    changed: list[int | None] = []
    predecessors: dict[str, str] = {}
    by_revision: dict[int, list[str]] = {}
    previous: Revision | None = None
    for revision in line:
        diff = history.diff_of(revision)
        if previous is None or diff is None or diff.previous is not previous:
            keys, changed = mint_keys([p.text for p in revision.paragraphs]), [None] * len(revision.paragraphs)
        else:
            keys, changed = _carried(revision, diff.changes, keys, changed, predecessors)
        by_revision[revision.n] = keys
        previous = revision
    return VersionKeys(keys, changed, _resolved(predecessors, set(keys)), by_revision)


def _resolved(predecessors: dict[str, str], live: set[str]) -> dict[str, str]:
    """Each key no paragraph has now -> the live key its chain of merges ends in (dropped if it ends in none)."""
    resolved = {}
    for old in predecessors:
        key, seen = old, set()
        while key not in live and key in predecessors and key not in seen:
            seen.add(key)
            key = predecessors[key]
        if old not in live and key in live:
            resolved[old] = key
    return resolved


def _first_parent_line(history: VersionHistory) -> list[Revision]:
    """The revisions from the first one to the latest along each revision's first parent, oldest first."""
    if not history.revisions:
        return []
    line = [history.revisions[-1]]
    while line[-1].previous:
        line.append(history.revisions[line[-1].previous - 1])
    return line[::-1]


def _carried(revision: Revision, changes, keys: list[str], changed: list[int | None], predecessors: dict[str, str]):
    """The keys of ``revision``'s paragraphs, given those of the revision before it and the changes between them."""
    count = len(revision.paragraphs)
    new_keys: list[str | None] = [None] * count
    new_changed: list[int | None] = [None] * count
    old_changed = {i for change in changes for i in change.old}
    new_changed_at = {j for change in changes for j in change.new}
    unchanged_old = [i for i in range(1, len(keys) + 1) if i not in old_changed]
    unchanged_new = [j for j in range(1, count + 1) if j not in new_changed_at]
    for i, j in zip(unchanged_old, unchanged_new):
        new_keys[j - 1], new_changed[j - 1] = keys[i - 1], changed[i - 1]
    for change in changes:
        if not change.old or not change.new:
            continue
        first_old, first_new = change.old[0], change.new[0]
        new_keys[first_new - 1] = keys[first_old - 1]
        new_changed[first_new - 1] = changed[first_old - 1] if change.kind == "moved" else revision.n
        for i in change.old[1:]:
            predecessors[keys[i - 1]] = keys[first_old - 1]
    used = {key for key in new_keys if key is not None}
    minted = [key or _unused(text_key(p.text), used) for key, p in zip(new_keys, revision.paragraphs)]
    return minted, new_changed
