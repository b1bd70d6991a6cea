"""Parallel segmentation of one paragraph read by several witnesses: shared text and word-level variant zones.

The lead witness's text is diffed word by word (``versions.diff.word_diff``, no normalization: every character
counts) against each other witness's; every stretch of the lead that some witness reads differently, or where some
witness has more, is a zone. Overlapping or touching zones of different witnesses are one zone, so each zone holds
one reading per witness and the text between zones is read alike by all of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..diff import DELETE, EQUAL, INSERT, word_diff


@dataclass(frozen=True)
class Zone:
    """Witness groups that read the same text, the lead's group first: ((text, (witness, ...)), ...)."""

    readings: tuple[tuple[str, tuple[str, ...]], ...]


def segments(texts: dict[str, str], order: Sequence[str]) -> list[str | Zone]:
    """The paragraph as shared text (``str``) and variant zones, for witnesses ``order`` (the first is the lead)."""
    lead, *others = order
    lead_text = texts[lead]
    edits = {witness: _edits(lead_text, texts[witness]) for witness in others}
    zones = _merged([(start, end) for found in edits.values() for start, end, _ in found])
    pieces: list[str | Zone] = []
    position = 0
    for start, end in zones:
        if start > position:
            pieces.append(lead_text[position:start])
        read = {lead: lead_text[start:end]} | {w: _reading(lead_text, found, start, end) for w, found in edits.items()}
        pieces.append(zone(read, order))
        position = end
    if position < len(lead_text) or not pieces:
        pieces.append(lead_text[position:])
    return pieces


def _edits(lead_text: str, text: str) -> list[tuple[int, int, str]]:
    """(start, end, what the witness reads instead) for each stretch of the lead it reads differently."""
    found: list[tuple[int, int, str]] = []
    position = 0
    for op, piece in word_diff(lead_text, text).ops:
        if op == EQUAL:
            position += len(piece)
            continue
        end = position + len(piece) if op == DELETE else position
        instead = piece if op == INSERT else ""
        if found and found[-1][1] == position:  # a replacement: a deletion and an insertion at one place
            start, _, before = found.pop()
            found.append((start, end, before + instead))
        else:
            found.append((position, end, instead))
        position = end
    return found


def _merged(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _reading(lead_text: str, found: list[tuple[int, int, str]], start: int, end: int) -> str:
    """A witness's text for the lead's stretch ``start:end``: the lead's, with the witness's edits inside it."""
    parts, position = [], start
    for edit_start, edit_end, instead in found:
        if start <= edit_start and edit_end <= end:
            parts += [lead_text[position:edit_start], instead]
            position = edit_end
    return "".join(parts) + lead_text[position:end]


def zone(read: dict[str, str], order: Sequence[str]) -> Zone:
    """What each witness of ``order`` reads in one place (``read``), witnesses reading alike grouped."""
    groups: dict[str, list[str]] = {}
    for witness in order:
        groups.setdefault(read[witness], []).append(witness)
    return Zone(tuple((text, tuple(witnesses)) for text, witnesses in groups.items()))
