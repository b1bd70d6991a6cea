"""Alignment quality on partial copies we did not write: stretches cut from Text+Berg de-fr (vecalign's files).

    python benchmarks/eval_partial.py DATA            # DATA: the folder eval_align.py reads (dev.*, test*.*)
    python benchmarks/eval_partial.py DATA --files dev

Each file's French side (or its German side) is cut to one or two stretches of whole gold beads, at ratios of
lengths from 1:2 to 1:500 (as far as the file is long), and aligned against the other side whole: the case of an
archival copy transcribed in part against a whole translation. The gold is the file's own gold restricted to the
stretches, every sentence outside them an omission. Cuts are drawn with a fixed seed, so every run scores the same
pairs. Scores are strict and lax F1 as ``score_beads`` defines them; "links" is strict F1 over beads that link both
sides only (omissions, the easy part of a partial pair, left out). Tune on dev only; report the test files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from eval_align import lines  # noqa: E402

from versions.align import Bead, align, combine_scores, parse_beads, score_beads  # noqa: E402

RATIOS = (2, 5, 40, 500)
CUTS_PER_RATIO = 6


def partial_pair(full: list[str], cut: list[str], gold: list[Bead], ratio: int, stretches: int, rng: random.Random):
    """(cut texts kept, gold of full against the kept) for stretches of about len(cut) / ratio segments of cut."""
    linked = [bead for bead in gold if bead.b]
    size = max(1, round(len(cut) / ratio / stretches))
    starts = sorted(rng.sample(range(len(linked)), stretches))
    kept_beads: set[int] = set()
    for start in starts:
        run, count = start, 0
        while run < len(linked) and count < size:
            kept_beads.add(run)
            count += len(linked[run].b)
            run += 1
    kept_b = sorted(j for k in kept_beads for j in linked[k].b)
    renumber = {j: k for k, j in enumerate(kept_b)}
    partial_gold = []
    for bead in gold:
        if bead.b and renumber.get(bead.b[0]) is not None:
            partial_gold.append(Bead(bead.a, tuple(renumber[j] for j in bead.b), 1.0, "gold"))
        else:
            partial_gold += [Bead((i,), (), 1.0, "gold") for i in bead.a]
    return [cut[j] for j in kept_b], partial_gold


def flipped(beads: list[Bead]) -> list[Bead]:
    return [Bead(bead.b, bead.a, bead.score, bead.method) for bead in beads]


def link_f1(found: list[Bead], gold: list[Bead]) -> dict:
    return score_beads([bead for bead in found if bead.a and bead.b], [bead for bead in gold if bead.a and bead.b])


def evaluate(data: Path, name: str, seed: int = 0) -> list[dict]:
    german, french = lines(data / f"{name}.de"), lines(data / f"{name}.fr")
    gold = parse_beads((data / f"{name}.defr").read_text(encoding="utf-8"))
    rng = random.Random(f"{name}/{seed}")
    results = []
    for ratio in RATIOS:
        if ratio > len(french):
            continue
        for cut_number in range(CUTS_PER_RATIO):
            stretches = 2 if cut_number >= 4 and ratio <= 5 else 1
            if cut_number % 2:  # the German side cut: a short A against a long B
                kept, partial_gold = partial_pair(french, german, flipped(gold), ratio, stretches, rng)
                found = flipped(align(kept, french, "de", "fr"))  # scored as French against the German kept
            else:
                kept, partial_gold = partial_pair(german, french, gold, ratio, stretches, rng)
                found = align(german, kept, "de", "fr")
            results.append({
                "file": name, "ratio": ratio, "cut": "de" if cut_number % 2 else "fr", "kept": len(kept),
                **score_beads(found, partial_gold), "links": link_f1(found, partial_gold),
            })
    return results


def report(label: str, results: list[dict]) -> dict:
    pooled = combine_scores(results)
    links = combine_scores(result["links"] for result in results)
    print(f"{label:12} {len(results):3} pairs  strict F1 {pooled['f1_strict']:.3f}  lax F1 {pooled['f1_lax']:.3f}  "
          f"links strict F1 {links['f1_strict']:.3f}")
    return {"pairs": len(results), "f1_strict": round(pooled["f1_strict"], 3), "f1_lax": round(pooled["f1_lax"], 3),
            "links_f1_strict": round(links["f1_strict"], 3)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="folder with vecalign's bleualign_data files")
    parser.add_argument("--files", nargs="*", help="file names (default: dev and every test file)")
    args = parser.parse_args(argv)
    names = args.files or ["dev", *sorted(path.stem for path in args.data.glob("test*.defr"))]
    summary = {}
    for group in ("dev", "test"):
        results = [r for name in names if name.startswith(group) for r in evaluate(args.data, name)]
        if not results:
            continue
        summary[group] = report(group, results)
        for ratio in RATIOS:
            at_ratio = [result for result in results if result["ratio"] == ratio]
            if at_ratio:
                summary[f"{group}_1:{ratio}"] = report(f"  1:{ratio}", at_ratio)
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
