"""What every kind of anchor shares: the Anchor itself, and how a consumed span is blanked out of the text."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Anchor:
    kind: str  # "number", "date", "name" or "punct"
    value: str


DIGIT_FIRST = r"(?=\d)"  # a pattern whose matches start where runs of digits start: see digit_led_matches
DIGIT_RUN = re.compile(r"\d+")


def blank(text: str, start: int, end: int) -> str:
    """Replace a consumed span by spaces, so its digits or words are not read twice and offsets stay put."""
    return text[:start] + " " * (end - start) + text[end:]


def digit_led_matches(pattern: re.Pattern, text: str, digit_runs: list[int]) -> list[re.Match]:
    """The matches of pattern.finditer(text) for a pattern said to start with a digit that follows none
    (DIGIT_FIRST), tried only where a run of digits starts: a regex that does not open with a plain character is
    otherwise tried at every character of the text, the dearest part of reading anchors.

    The runs may be those of the text before spans were blanked: blanking removes digits and never ends a span
    between two digits (every pattern ends with a non-digit or refuses a digit after it), so no run starts anew.
    """
    matches, end = [], 0
    for start in digit_runs:
        match = pattern.match(text, start) if start >= end else None
        if match:
            matches.append(match)
            end = match.end()
    return matches
