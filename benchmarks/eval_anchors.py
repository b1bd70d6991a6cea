"""Anchors on the gold pairs: how many numbers and dates of one side of a gold bead have no counterpart on the other.

    python benchmarks/eval_anchors.py

Reads the gold sets of ``tests/data/align/`` (cross-language, paraphrase and line cases: every bead that holds
segments on both sides) and counts, for each bead, the numbers and dates found in either side's text
(``anchors.extract_anchors``) and those without a corresponding one on the other side
(``anchors.unmatched_anchors``). A translation keeps its numbers and dates, so what is unmatched is mostly what the
extraction misses or misreads: numbers in words, date ranges, day codes, thousands. Names are left out (a
translation may well name a place differently, or not at all). The cases the anchors were written for (their names in
``WRITTEN_FOR_ANCHORS``) are left out too; the others were written before the number words and Chinese anchors, but
their misses were looked at while writing them, so read the count as a check against regression, not as accuracy.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import yaml  # noqa: E402

from versions.align import parse_beads  # noqa: E402
from versions.anchors import extract_anchors, unmatched_anchors  # noqa: E402
from versions.segment import split_lines  # noqa: E402

GOLD = HERE.parent / "tests" / "data" / "align"
CATEGORIES = {"cross-language", "paraphrase", "lines"}
WRITTEN_FOR_ANCHORS = {"cross-zh-en-traditional", "cross-numbers-ru-en", "lines-zh-en"}
KINDS = {"number", "date"}


def segments(text: str, unit: str | None) -> list[str]:
    """The segments of a case's text, as the aligner's tests read them (a version file without its front matter)."""
    if text.startswith("---\n"):
        text = text[text.index("\n---\n", 4) + 5 :]
    if unit == "line":
        return [segment.text for segment in split_lines(text)]
    return [p.strip() for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def evaluate_case(folder: Path) -> dict:
    meta = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    a, b = (segments((folder / meta.get(side, f"{side}.txt")).read_text(encoding="utf-8"), meta.get("unit"))
            for side in ("a", "b"))
    found = unmatched = 0
    for bead in parse_beads((folder / "gold.txt").read_text(encoding="utf-8")):
        if not (bead.a and bead.b):
            continue
        ours = {x for x in extract_anchors("\n\n".join(a[i] for i in bead.a), meta["lang_a"]) if x.kind in KINDS}
        theirs = {x for x in extract_anchors("\n\n".join(b[j] for j in bead.b), meta["lang_b"]) if x.kind in KINDS}
        found += len(ours) + len(theirs)
        unmatched += len(unmatched_anchors(ours, theirs)) + len(unmatched_anchors(theirs, ours))
    return {"case": folder.name, "anchors": found, "unmatched": unmatched}


def main() -> dict:
    cases = [
        evaluate_case(folder) for folder in sorted(GOLD.iterdir())
        if (folder / "gold.txt").is_file() and folder.name not in WRITTEN_FOR_ANCHORS
        and yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))["category"] in CATEGORIES
    ]
    for case in cases:
        print(f"{case['case']:32} {case['anchors']:4} numbers and dates, {case['unmatched']:3} without counterpart")
    result = {"anchors": sum(c["anchors"] for c in cases), "unmatched": sum(c["unmatched"] for c in cases)}
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
