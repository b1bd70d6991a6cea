"""Corrections made where the alignment is read (``versions serve --edit``): one document's ``alignment.yaml``
changed all at once, checked first by the reader's own rules, guarded by a version token, journaled for undo.

- **link** and **pin** write ``pin`` entries (link: two paragraphs the aligner kept apart; pin: keep a link the
  aligner made), **unlink** writes ``forbid`` entries. A pair pinned and then unlinked loses its pin, and the other
  way round, so the file never holds both.
- Entries are added and removed in the file's text, at the places YAML's own parser marks: comments, order and
  layout of everything else stay as written. Each new entry records who made it and when
  (``{pair: [a, b], by: ..., at: ...}``, ``versions.corpus.corrections``).
- **Token:** a short hash of the file's bytes (``absent`` when there is none). A change is refused (``Stale``) unless
  the token it was made from is the file's now, so a page older than the file never overwrites another tab's work.
- **Undo:** the journal (a JSON file beside the database, never in the corpus) keeps each change's text before and
  token after; undo restores the text, only while the file is still as that change left it.
- **Commit:** in a git corpus, each change may be committed (``Editor.commit``) with a message naming the link.

Bad input (a document folder outside the corpus, an unknown paragraph, a forbid the pins contradict, a file changed
since the page was made) is an ``EditRefused`` of one line, and alignment.yaml is left as it was.
"""

from __future__ import annotations

import datetime
import fcntl
import hashlib
import json
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from . import git
from .corpus import CORRECTIONS_FILE, Document, load_document
from .corpus.corrections import (
    corrections_in_text,
    parse_key_ref,
    resolve_corrections,
    same_version_problem,
)
from .durable import WriteError, fsync_folder, replace_text, writing
from .errors import CorpusError
from .identity import VersionKeys, document_keys
from .ids import slug_problem

ACTIONS = {"link": "pin", "pin": "pin", "unlink": "forbid"}  # what the page offers -> the entry it writes
OPPOSITE = {"pin": "forbid", "forbid": "pin"}
ABSENT = "absent"  # the token of a document without alignment.yaml
JOURNAL_LENGTH = 20  # changes of one document that can be undone
MAX_BY_LENGTH = 100


class EditRefused(Exception):
    """A correction that cannot be made, as one line to show; alignment.yaml is as it was."""


class Stale(EditRefused):
    """The page the correction comes from is older than alignment.yaml."""


Pair = tuple[str, str]  # two paragraphs as ``<version>/<key>``


@dataclass(frozen=True)
class Change:
    """One correction as the journal keeps it."""

    document: str
    action: str  # link, unlink, pin, or undo
    pairs: tuple[Pair, ...]
    by: str
    at: str  # ISO 8601, UTC
    before: str | None  # alignment.yaml's text before the change (None: there was none)
    after: str  # the file's token after it

    def summary(self) -> str:
        """``pin wilson-en/3kq7zv2a ↔ en-revised/d4ruvidh``, as a commit message and the page name it."""
        return f"{self.action} " + "; ".join(f"{a} ↔ {b}" for a, b in self.pairs)


@dataclass(frozen=True)
class Saved:
    change: Change
    commit: str | None  # the commit made of it, with ``Editor.commit``
    commit_problem: str | None = None  # why it could not be committed (the change itself stands)


def token_of(text: str | None) -> str:
    return ABSENT if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Editor:
    """Corrections to the documents of the corpus at ``corpus``, journaled in ``journal``."""

    corpus: Path
    journal: Path
    encoding: str | None = None
    commit: bool = False

    def token(self, document_id: str) -> str:
        return token_of(_read(self._path(document_id)))

    def ensure_current(self, document_id: str, token: str) -> None:
        """Refuse (``Stale``) a page made from another state of the document's alignment.yaml than the present."""
        self._current(self._path(document_id), token)

    def recent(self, document_id: str) -> list[Change]:
        """The changes of a document that can be undone, newest first."""
        return _read_journal(self.journal).get(document_id, [])[::-1]

    def correct(self, document_id: str, action: str, pairs: Sequence[Pair], by: str, token: str,
                now: datetime.datetime | None = None) -> Saved:
        """Link, unlink or pin ``pairs`` of paragraphs in the document's alignment.yaml, made from a page whose
        token was ``token``."""
        if action not in ACTIONS:
            raise EditRefused(f"a correction is {', '.join(ACTIONS)}, not {action!r}")
        if not pairs:
            raise EditRefused(f"{action}: name two paragraphs")
        path = self._path(document_id)
        with self._locked():
            before = self._current(path, token)
            document = self._document(document_id)
            keys = document_keys(document)
            pairs = tuple(_checked_pair(pair, document, keys) for pair in pairs)
            record = {"by": _by(by), "at": _timestamp(now)}
            text = _corrected_text(before or "", ACTIONS[action], pairs, document, keys, record)
            self._check(text, path, document, keys)
            change = Change(document_id, action, pairs, record["by"], record["at"], before, token_of(text))
            return self._save(path, text, change)

    def undo(self, document_id: str, by: str, token: str, now: datetime.datetime | None = None) -> Saved:
        """Undo the document's last change, made from a page whose token was ``token``."""
        path = self._path(document_id)
        with self._locked():
            current = self._current(path, token)
            changes = _read_journal(self.journal).get(document_id, [])
            if not changes:
                raise EditRefused(f"{document_id}: no correction made here to undo")
            last = changes[-1]
            if last.after != token_of(current):
                raise EditRefused(f"{path}: changed since the last correction made here; undo it by hand")
            if last.before is not None:
                document = self._document(document_id)
                self._check(last.before, path, document, document_keys(document))
            change = Change(document_id, "undo", last.pairs, _by(by), _timestamp(now), current, token_of(last.before))
            return self._save(path, last.before, change, undone=last)

    # ------------------------------------------------------------------------------------------------------------

    def _path(self, document_id: str) -> Path:
        """The document's alignment.yaml, for a document folder inside the corpus."""
        if reason := slug_problem(document_id):
            raise EditRefused(f"{self.corpus}: {reason}")
        folder = self.corpus / document_id
        if not folder.is_dir() or not folder.resolve().is_relative_to(self.corpus.resolve()):
            raise EditRefused(f"{folder}: no document folder in {self.corpus}")
        return folder / CORRECTIONS_FILE

    def _current(self, path: Path, token: str) -> str | None:
        """The file's text, if the page was made from it."""
        current = _read(path)
        if token_of(current) != token:
            raise Stale(f"{path} changed since this page was made (in another tab, or by hand): reload the page "
                        "and make the correction again")
        return current

    def _document(self, document_id: str) -> Document:
        try:
            return load_document(self.corpus, document_id, self.encoding)
        except CorpusError as error:
            raise EditRefused(str(error.problems[0])) from None

    def _check(self, text: str, path: Path, document: Document, keys: dict[str, VersionKeys]) -> None:
        """Refuse ``text`` unless the build would take it: the reader's own rules."""
        paragraphs = {version.id: len(version.paragraphs) for version in document.versions}
        try:
            resolve_corrections(corrections_in_text(text, str(path), paragraphs), keys)
        except CorpusError as error:
            raise EditRefused(str(error.problems[0])) from None

    def _save(self, path: Path, text: str | None, change: Change, undone: Change | None = None) -> Saved:
        try:
            if text is None:
                with writing(path):
                    path.unlink()
                    fsync_folder(path.parent)
            else:
                replace_text(path, text)
            journal = _read_journal(self.journal)
            changes = journal.setdefault(change.document, [])
            if undone is not None:
                changes.pop()
            else:
                changes[:] = [*changes, change][-JOURNAL_LENGTH:]
            _write_journal(self.journal, journal)
        except WriteError as error:
            raise EditRefused(str(error)) from None
        if not self.commit:
            return Saved(change, None)
        message = f"{change.document}: {change.summary()}\n\nMade by {change.by} on the page, {change.at}."
        try:
            return Saved(change, git.commit_path(path, message))
        except git.GitFailed as error:
            return Saved(change, None, f"not committed: {error}")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One change at a time, across processes (the lock file lies beside the journal)."""
        lock = self.journal.with_name(self.journal.name + ".lock")
        with writing(lock):
            descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise EditRefused(f"{path}: cannot read: {error}") from None


def _read_journal(path: Path) -> dict[str, list[Change]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise EditRefused(f"{path}: cannot read the journal of corrections: {error}") from None
    return {document: [Change(**{**entry, "pairs": tuple(map(tuple, entry["pairs"]))}) for entry in changes]
            for document, changes in data.items()}


def _write_journal(path: Path, journal: dict[str, list[Change]]) -> None:
    data = {document: [asdict(change) for change in changes] for document, changes in journal.items() if changes}
    replace_text(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def _checked_pair(pair: Pair, document: Document, keys: dict[str, VersionKeys]) -> Pair:
    """A pair of paragraphs of two versions of ``document``, each named ``<version>/<key>`` by its present key."""
    for ref in pair:
        parsed = parse_key_ref(ref)
        if parsed is None:
            raise EditRefused(f"{ref!r} is not a paragraph such as wilson-en/3kq7zv2a")
        version, key = parsed
        if version not in keys or key not in keys[version].keys:
            raise EditRefused(f"{document.id} has no paragraph {ref}")
    if reason := same_version_problem(pair[0].split("/")[0], pair[1].split("/")[0]):
        raise EditRefused(reason)
    return pair[0], pair[1]


def _by(by: str) -> str:
    by = " ".join(by.split())[:MAX_BY_LENGTH]
    return by or "someone"


def _timestamp(now: datetime.datetime | None) -> str:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return now.astimezone(datetime.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _corrected_text(text: str, action: str, pairs: tuple[Pair, ...], document: Document,
                    keys: dict[str, VersionKeys], record: dict[str, str]) -> str:
    """alignment.yaml's ``text`` with ``pairs`` added to ``action``'s entries (those already there left as they
    are) and taken out of the opposite action's."""
    wanted = {frozenset(pair) for pair in pairs}
    present: dict[str, dict[int, frozenset]] = {"pin": {}, "forbid": {}}
    for correction in document.corrections:
        entries = present[correction.action]
        entries[len(entries)] = frozenset(_present_ref(end, keys) for end in (correction.a, correction.b))
    removed = {index for index, pair in present[OPPOSITE[action]].items() if pair in wanted}
    added = [pair for pair in pairs if frozenset(pair) not in present[action].values()]
    if not added and not removed:
        raise EditRefused(f"{'; '.join(' and '.join(pair) for pair in pairs)}: already "
                          f"{'pinned' if action == 'pin' else 'kept apart'}")
    entries = [_entry(pair, record) for pair in dict.fromkeys(added)]
    return _edited(text, {OPPOSITE[action]: removed}, {action: entries})


def _present_ref(end: tuple[str, int | str], keys: dict[str, VersionKeys]) -> str:
    """``<version>/<key>`` of a correction's paragraph as the file names it (by number, or by a key since merged)."""
    version, named = end
    of_version = keys[version]
    key = of_version.keys[named - 1] if isinstance(named, int) else of_version.predecessors.get(named, named)
    return f"{version}/{key}"


def _entry(pair: Pair, record: dict[str, str]) -> str:
    """One entry as one line of YAML in flow style: ``{pair: [a, b], by: alice, at: '2026-…Z'}``."""
    data = {"pair": list(pair), **record}
    return yaml.safe_dump(data, default_flow_style=True, sort_keys=False, allow_unicode=True, width=math.inf).strip()


def _edited(text: str, removed: dict[str, set[int]], added: dict[str, list[str]]) -> str:
    """``text`` with the entries at ``removed``'s indexes taken out of each action's list and ``added``'s appended,
    everything else as written."""
    root = yaml.compose(text, Loader=yaml.SafeLoader) if text.strip() else None
    if root is not None and (not isinstance(root, yaml.MappingNode) or root.flow_style):
        raise EditRefused(f"{CORRECTIONS_FILE} is not a block mapping of pin: and forbid: lists; edit it by hand")
    lists = {key.value: (key, value) for key, value in (root.value if root else [])}
    spans: list[tuple[int, int, str]] = []  # (start, stop, replacement) in ``text``
    appended = ""
    for action in ("pin", "forbid"):
        drop, new = removed.get(action, set()), added.get(action, [])
        if not drop and not new:
            continue
        if action not in lists:
            appended += f"{action}:\n" + "".join(f"  - {entry}\n" for entry in new)
            continue
        key, sequence = lists[action]
        spans += _list_edits(text, key, sequence, drop, new)
    for start, stop, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[stop:]
    if appended and text and not text.endswith("\n"):
        text += "\n"
    return text + appended


def _list_edits(text: str, key, sequence, drop: set[int], new: list[str]) -> list[tuple[int, int, str]]:
    items = sequence.value
    kept = [item for index, item in enumerate(items) if index not in drop]
    if sequence.flow_style:
        parts = [text[item.start_mark.index:item.end_mark.index] for item in kept] + new
        return [(sequence.start_mark.index, sequence.end_mark.index, "[" + ", ".join(parts) + "]")]
    if not kept and not new:  # the whole list goes, with its key
        return [(_line_start(text, key.start_mark.index), _line_stop(text, _last_end(items[-1])), "")]
    edits = [(_line_start(text, items[index].start_mark.index), _line_stop(text, _last_end(items[index])), "")
             for index in sorted(drop)]
    if new:
        last = items[-1]
        start = _line_start(text, last.start_mark.index)
        indent = text[start:text.rindex("-", start, last.start_mark.index)]
        at = _line_stop(text, _last_end(last))
        edits.append((at, at, "".join(f"{indent}- {entry}\n" for entry in new)))
    return edits


def _last_end(node) -> int:
    """Where ``node``'s own text ends: a block collection's end mark lies at the next token, lines further on."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _last_end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _last_end(node.value[-1])
    return node.end_mark.index


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_stop(text: str, index: int) -> int:
    """Just after the line holding the character before ``index``."""
    newline = text.find("\n", max(index - 1, 0))
    return len(text) if newline < 0 else newline + 1
