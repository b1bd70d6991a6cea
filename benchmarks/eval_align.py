"""Alignment quality on a public sentence-level bitext we did not write: Text+Berg German-French, as vecalign ships it.

    python benchmarks/eval_align.py DATA              # DATA: a folder holding dev.de, dev.fr, dev.defr, test*.de ...
    python benchmarks/eval_align.py DATA --vectors /tmp/tb-vectors.db   # sentence vectors kept between runs
    python benchmarks/eval_align.py DATA --no-meaning  # length and anchors alone

The data is not in this repository: it comes with vecalign (https://github.com/thompsonb/vecalign, folder
``bleualign_data/``, GPL-2.0), one sentence per line and gold links in vecalign's beads format (``[0]:[0]``),
which ``versions.align.parse_beads`` reads. Each file is aligned with ``versions.align.align`` as two texts whose
segments are its lines (German and French: the cross-language scorer) and scored with ``score_beads``, strict and
lax, as vecalign's score.py defines them; the test files are pooled (micro-average) as vecalign and Bertalign report
them. Tune on dev only; report test. Published strict F1 on test: hunalign 0.751 (our issue's figure for the aligner
before), vecalign 0.902, Bertalign 0.936. The share of sentences searched again with vectors (``align.meaning``) and
the seconds spent embedding are reported too.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from versions.align import align, combine_scores, parse_beads, score_beads  # noqa: E402
from versions.align.embeddings import Embedder, using  # noqa: E402
from versions.store.cache import VectorCache  # noqa: E402


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def evaluate(data: Path, name: str, meaning: bool = True) -> dict:
    german, french = lines(data / f"{name}.de"), lines(data / f"{name}.fr")
    gold = parse_beads((data / f"{name}.defr").read_text(encoding="utf-8"))
    start = time.perf_counter()
    found = align(german, french, "de", "fr", meaning=meaning)
    seconds = time.perf_counter() - start
    score = score_beads(found, gold)
    return {"file": name, "de": len(german), "fr": len(french), "seconds": round(seconds, 3), **score}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="folder with vecalign's bleualign_data files")
    parser.add_argument("--vectors", type=Path, help="a file to keep sentence vectors in between runs")
    parser.add_argument("--no-meaning", action="store_true", help="length and anchors alone, no sentence vectors")
    args = parser.parse_args(argv)
    store = VectorCache(args.vectors) if args.vectors else None
    with using(Embedder(store)) as embedder:
        summary = _evaluate_all(args, not args.no_meaning)
        counts = embedder.counts
    summary["share_embedded"] = round(counts.share_embedded(), 3)
    summary["embed_seconds"] = round(counts.embed_seconds, 2)
    print(json.dumps(summary))
    return summary


def _evaluate_all(args, meaning: bool) -> dict:
    tests = sorted(path.stem for path in args.data.glob("test*.defr"))
    if not (args.data / "dev.defr").exists() or not tests:
        raise SystemExit(f"{args.data}: no dev.defr or test*.defr (vecalign's bleualign_data/)")
    dev = evaluate(args.data, "dev", meaning)
    test = [evaluate(args.data, name, meaning) for name in tests]
    pooled = combine_scores(test)
    for result in (dev, *test):
        print(f"{result['file']:6} {result['de']:4} de x {result['fr']:4} fr  strict F1 {result['f1_strict']:.3f}  "
              f"lax F1 {result['f1_lax']:.3f}  {result['seconds']:.2f} s")
    print(f"test (pooled, {len(test)} files): strict F1 {pooled['f1_strict']:.3f}, lax F1 {pooled['f1_lax']:.3f}")
    summary = {
        "dev_f1_strict": round(dev["f1_strict"], 3), "dev_f1_lax": round(dev["f1_lax"], 3),
        "test_f1_strict": round(pooled["f1_strict"], 3), "test_f1_lax": round(pooled["f1_lax"], 3),
        "test_precision_strict": round(pooled["precision_strict"], 3),
        "test_recall_strict": round(pooled["recall_strict"], 3),
        "seconds": round(dev["seconds"] + sum(result["seconds"] for result in test), 2),
    }
    return summary


if __name__ == "__main__":
    main()
