"""What a partial version covers: its front matter's ``covers`` field, read and checked.

A copy transcribed in part says which stretches of the text it holds, as paragraphs of the document's base
(``7-9``, numbered from 1 as everywhere in the corpus) or as archival sheets, листы (``l. 86-87``, ``л. 86``, as the
archive counts them), or both: ``covers: [1-2, 7-9]``. Everything else of the text is not transcribed (a lacuna), not
omitted: the aligner leaves it unlinked without cost, and pages and checks never count it as missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..errors import Problem, problem

# "7", "7-9", "l. 86-87", "ll. 86-88", "л. 86", "лл. 86–88"
_ITEM = re.compile(r"(?P<sheets>(?:ll?|лл?)\.\s*)?(?P<first>\d+)(?:\s*[-–]\s*(?P<last>\d+))?\Z", re.IGNORECASE)
_SHEETS_OF_REF = re.compile(r"\s*(\d+)(?:\s*[-–]\s*(\d+))?\s*\Z")


@dataclass(frozen=True)
class Coverage:
    """The stretches a partial version holds: paragraphs of the base (0-based) and sheets (as numbered)."""

    paragraphs: tuple[range, ...]
    sheets: tuple[range, ...]
    line: int = 1  # of the field in the version's front matter

    @property
    def covered(self) -> list[int] | None:
        """The base paragraphs covered, in order; None when the coverage names sheets only."""
        return [k for stretch in self.paragraphs for k in stretch] if self.paragraphs else None

    def __str__(self) -> str:
        """The canonical form, as stored: ``7-9, l. 86-87`` (paragraphs numbered from 1)."""
        paragraphs = [_shown(range(r.start + 1, r.stop + 1)) for r in self.paragraphs]
        return ", ".join(paragraphs + [f"l. {_shown(r)}" for r in self.sheets])


def _shown(stretch: range) -> str:
    return str(stretch.start) if len(stretch) == 1 else f"{stretch.start}-{stretch.stop - 1}"


def read_coverage(value: object, line: int, shown: str, problems: list[Problem]) -> Coverage | None:
    """The ``covers`` field's value (a string, a number or a list of them) as a Coverage; problems name the line."""
    items = value if isinstance(value, list) else [value]
    if not items:
        problems.append(problem(shown, line, "'covers' is empty; list the paragraphs or sheets the version holds"))
        return None
    paragraphs, sheets = [], []
    for item in items:
        match = _ITEM.match(str(item).strip()) if isinstance(item, (str, int)) and not isinstance(item, bool) else None
        if match is None:
            problems.append(problem(
                shown, line, f"'covers' item {item!r} is neither paragraphs ('7-9') nor sheets ('l. 86-87')"))
            return None
        first, last = int(match["first"]), int(match["last"] or match["first"])
        if last < first or (not match["sheets"] and first < 1):
            problems.append(problem(shown, line, f"'covers' item {item!r} runs backwards or starts below 1"))
            return None
        (sheets if match["sheets"] else paragraphs).append(range(first, last + 1))  # as numbered
    for kind, stretches in (("paragraphs", paragraphs), ("sheets", sheets)):
        if reason := _overlap(stretches):
            problems.append(problem(shown, line, f"'covers' names {kind} {reason}"))
            return None
    from_zero = (range(r.start - 1, r.stop - 1) for r in sorted(paragraphs, key=_start))
    return Coverage(tuple(from_zero), tuple(sorted(sheets, key=_start)), line)


def _start(stretch: range) -> int:
    return stretch.start


def _overlap(stretches: list[range]) -> str | None:
    ordered = sorted(stretches, key=_start)
    for before, after in pairwise(ordered):
        if after.start < before.stop:
            return f"twice ({_shown(before)} and {_shown(after)} overlap)"
    return None


def coverage_problems(
    coverage: Coverage, shown: str, base_paragraphs: int | None, is_base: bool, listy: str | None
) -> list[Problem]:
    """Checks against the rest of the document: paragraphs within the base (and not on the base itself), sheets
    within the listy of the copy's archival reference (when they are one plain range)."""
    found = []
    if coverage.paragraphs and is_base:
        found.append(problem(shown, coverage.line, "the base cannot cover paragraphs of itself; name sheets instead"))
    elif coverage.paragraphs and base_paragraphs is not None and coverage.paragraphs[-1].stop > base_paragraphs:
        found.append(problem(
            shown, coverage.line,
            f"'covers' names paragraph {coverage.paragraphs[-1].stop} but the base has {base_paragraphs}"))
    held = _SHEETS_OF_REF.match(listy or "")
    if coverage.sheets and held:
        first, last = int(held[1]), int(held[2] or held[1])
        outside = [r for r in coverage.sheets if r.start < first or r.stop - 1 > last]
        if outside:
            found.append(problem(
                shown, coverage.line,
                f"'covers' names sheets {_shown(outside[0])} outside the archival reference's listy {listy}"))
    return found
