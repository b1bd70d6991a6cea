"""The log of a corpus folder, read once per repository state and arranged in the order its commits reached HEAD."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import git

# The history of a corpus as its revisions need it: both sides of every merge walked (``--full-history``), so that a
# transcriber's commits on a merged branch stay theirs; a merge's changes are those against its first parent; parents
# are rewritten to the nearest commit listed (``--parents``). Renames are looked for apart (``_find_sources``).
HISTORY_OPTIONS = ("--full-history", "--parents", "--diff-merges=first-parent", "--no-renames", "--name-status")


@dataclass
class CorpusLog:
    """The log of a corpus folder, arranged for the revisions of its files.

    ``commits`` are in the order their changes reached HEAD, oldest first: each after its parents, and the commits a
    merge brings in from its other parents just before it. ``brought_by``: the innermost merge that brought a commit
    in (None on HEAD's line of first parents). ``spans``: each commit's entry and exit in a walk of the tree of first
    parents, so that a commit is on another's line of first parents when its span holds the other's entry."""

    key: tuple
    scope: str  # pathspec prefix relative to the repository ("" for all of it), ending in "/"
    commits: list[git.Commit]
    brought_by: list[int | None]  # positions in ``commits``, as everywhere here
    spans: list[tuple[int, int]]
    # path -> [(position, status A/M/D/T)], ascending
    paths: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # (position, added path) -> ("R" or "C", the path it came from)
    sources: dict[tuple[int, str], tuple[str, str]] = field(default_factory=dict)

    def first_parent_previous(self, positions) -> dict[int, int | None]:
        """For each of these commits, the nearest other one of them on its line of first parents (None: none)."""
        previous: dict[int, int | None] = {}
        line: list[int] = []  # those whose spans hold the commit in hand, innermost last
        for position in sorted(positions, key=lambda p: self.spans[p][0]):
            entry = self.spans[position][0]
            while line and self.spans[line[-1]][1] <= entry:
                line.pop()
            previous[position] = line[-1] if line else None
            line.append(position)
        return previous

    def on_first_parent_line(self, position: int, of: int) -> bool:
        """Whether the commit at ``position`` is the one at ``of`` or on its line of first parents."""
        entry, exit = self.spans[position]
        return entry <= self.spans[of][0] < exit

_LOGS: dict[tuple[str, str], CorpusLog] = {}


def corpus_log(repository: git.Repository, scope: str) -> CorpusLog:
    """Every commit touching the corpus folder with the files it touched, read once per repository state."""
    key = git.head_key(repository)
    with git.LOCK:
        cached = _LOGS.get((str(repository.top), scope))
    if cached is not None and cached.key == key:
        return cached
    log = _read_corpus_log(repository.top, scope, key)
    with git.LOCK:
        _LOGS[(str(repository.top), scope)] = log
    return log


def _read_corpus_log(top: Path, scope: str, key: tuple) -> CorpusLog:
    commits, brought_by = _arrival_order(list(git.log(top, *HISTORY_OPTIONS, "--", scope or ".")))
    positions = {commit.commit: position for position, commit in enumerate(commits)}
    first_parents = [positions.get(commit.parents[0]) if commit.parents else None for commit in commits]
    log = CorpusLog(key, scope, commits, brought_by, _first_parent_spans(first_parents))
    added: list[int] = []
    for position, commit in enumerate(commits):
        for change in commit.changes:
            log.paths.setdefault(change.path, []).append((position, change.status))
        if any(change.status == "A" for change in commit.changes):
            added.append(position)
    if added:
        _find_sources(top, log, added)
    return log


def _arrival_order(newest_first: list[git.Commit]) -> tuple[list[git.Commit], list[int | None]]:
    """The commits in the order their changes reached HEAD (see ``CorpusLog``), and the merge that brought each."""
    index = {commit.commit: i for i, commit in enumerate(newest_first)}
    parents = [[index.get(parent) for parent in commit.parents] for commit in newest_first]
    order: list[int] = []
    bringer: dict[int, int | None] = {}
    seen: set[int] = set()
    for start in range(len(newest_first)):  # HEAD's own line first: it is the first commit listed
        if start in seen:
            continue
        seen.add(start)
        stack: list[tuple[int, int, int | None]] = [(start, 0, None)]  # (commit, next parent to walk, its merge)
        while stack:
            node, slot, merge = stack.pop()
            if slot == len(parents[node]):
                order.append(node)
                bringer[node] = merge
                continue
            stack.append((node, slot + 1, merge))
            parent = parents[node][slot]
            if parent is not None and parent not in seen:
                seen.add(parent)
                stack.append((parent, 0, merge if slot == 0 else node))
    position = {node: p for p, node in enumerate(order)}
    return [newest_first[node] for node in order], [position.get(bringer[node]) for node in order]


def _first_parent_spans(first_parents: list[int | None]) -> list[tuple[int, int]]:
    """Each commit's (entry, exit) in a depth-first walk of the tree its first parents make (see ``CorpusLog``)."""
    children: list[list[int]] = [[] for _ in first_parents]
    for child, parent in enumerate(first_parents):
        if parent is not None:
            children[parent].append(child)
    spans = [(0, 0)] * len(first_parents)
    clock = 0
    for root in [p for p, parent in enumerate(first_parents) if parent is None]:
        stack = [root]
        while stack:
            node = stack.pop()
            if node < 0:  # its subtree is done
                spans[~node] = (spans[~node][0], clock)
                continue
            spans[node] = (clock, clock)
            clock += 1
            stack.append(~node)
            stack.extend(children[node])
    return spans


def _find_sources(top: Path, log: CorpusLog, added: list[int]) -> None:
    """Where the files added by these commits came from, as ``git log --follow`` looks for it: a rename or a copy of
    any file of the (first) parent commit, inside the corpus or not (one ``git log --no-walk`` over those commits)."""
    positions = {log.commits[position].commit: position for position in added}
    commits = "".join(f"{commit}\n" for commit in positions).encode()
    options = ("--no-walk=unsorted", "--stdin", "--diff-merges=first-parent", "-M", "-C", "-C", "--name-status")
    for commit in git.log(top, *options, input=commits):
        position = positions.get(commit.commit)
        if position is None:
            continue
        for change in commit.changes:
            if change.source is not None and change.path.startswith(log.scope):
                log.sources[(position, change.path)] = (change.status, change.source)
