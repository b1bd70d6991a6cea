"""The alignment of an imported TEI file's texts made to agree with its apparatus: the pins and forbids of an
``alignment.yaml`` found round by round, each round collating the staged document again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..align import Correction
from ..collate import collate
from ..corpus import CORRECTIONS_FILE
from ..errors import CorpusError
from . import staging

MAX_ALIGNMENT_ROUNDS = 4


def _table_groups(collation) -> list[dict[str, tuple[int, ...]]]:
    groups = []
    for group in collation.table.groups:
        found = {v: tuple(i + 1 for i in m.paragraphs) for v, m in group.members.items() if m.paragraphs}
        if found:
            groups.append(found)
    return groups


def reproduce_alignment(corpus_root: Path, files: dict[str, str], document, wanted,
                         images: dict[str, Path]) -> tuple[str | None, int]:
    """Corrections that make the automatic alignment group paragraphs as the apparatus does.

    Returns (the text of ``alignment.yaml``, or None when none is needed; groups still differing)."""
    pins: list[tuple[str, str]] = []
    forbids: list[tuple[str, str]] = []
    best = None
    for _ in range(MAX_ALIGNMENT_ROUNDS):
        collation = collate(document)
        current = _table_groups(collation) if collation else []
        differing = _difference(current, wanted)
        if best is None or differing < best[0]:
            best = (differing, list(pins), list(forbids))
        if differing == 0:
            break
        order = collation.table.versions if collation else []
        new_pins, new_forbids = _corrections_towards(current, wanted, order)
        new_pins = [p for p in new_pins if p not in pins]
        new_forbids = [f for f in new_forbids if f not in forbids]
        if not new_pins and not new_forbids:
            break
        pins += new_pins
        forbids += new_forbids
        try:
            document = staging.check_document(
                corpus_root, document.id, files | {CORRECTIONS_FILE: _corrections_file(pins, forbids)},
                whole_folder=True, overwrite=True, images=images,
            )
        except CorpusError:
            break
    differing, pins, forbids = best
    return (_corrections_file(pins, forbids) if pins or forbids else None), differing


def _difference(current: list[dict], wanted: list[dict]) -> int:
    """How many groups of one side the other lacks (groups as sets: the links of a TEI file carry no order)."""
    keys_a = Counter(repr(sorted(g.items())) for g in current)
    keys_b = Counter(repr(sorted(g.items())) for g in wanted)
    return max(sum((keys_a - keys_b).values()), sum((keys_b - keys_a).values()))


def _corrections_towards(current, wanted, order: list[str]):
    def index(groups):
        return {(v, n): k for k, g in enumerate(groups) for v, ns in g.items() for n in ns}

    def members(group):
        return [(v, n) for v in order if v in group for n in group[v]] + [
            (v, n) for v in group if v not in order for n in group[v]
        ]

    def apart_in(groups, elsewhere):
        """Links (first member, other member of another version) of ``groups`` that ``elsewhere`` splits."""
        where = index(elsewhere)
        links = []
        for group in groups:
            anchor, *items = members(group)
            links += [(_ref(anchor), _ref(item)) for item in items
                      if item[0] != anchor[0] and where.get(item) != where.get(anchor)]
        return links

    return apart_in(wanted, current), apart_in(current, wanted)


def _ref(item: tuple[str, int]) -> str:
    return f"{item[0]}/{item[1]}"


def _corrections_file(pins, forbids) -> str:
    for action, pairs in (("pin", pins), ("forbid", forbids)):
        for first, second in pairs:
            Correction.from_refs(action, first, second)  # raises on a malformed pair
    data = {}
    if pins:
        data["pin"] = [list(pair) for pair in pins]
    if forbids:
        data["forbid"] = [list(pair) for pair in forbids]
    header = "# Written by versions import so that the alignment matches the imported apparatus.\n"
    return header + staging.yaml_text(data)
