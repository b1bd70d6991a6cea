"""Benchmark of the aligner alone: cost per paragraph and peak memory as documents get longer.

For each length (20, 320, 1,280, 5,000 paragraphs per version) it aligns about the same number of paragraphs in all
(generated documents of 4 versions, each version against the base, as a build does), once with the windowed search
(a first pass of sure links, then bands between them) and, where feasible, once with the full search (one band over
the whole grid, widening without bound). It reports CPU seconds per base paragraph (process time: other processes
on the machine disturb it less than wall time), the peak of Python memory while
aligning one document (tracemalloc), the share of links the first pass found, and how many paragraphs the two
searches link alike. Then a one-word edit of the longest document is aligned again: from scratch, from the previous alignment, and from
the previous alignment with the features of its paragraphs kept (as a build's cache keeps them).

    python benchmarks/bench_align.py [--sizes 20 320 1280 5000] [--total 5000] [--full-up-to 1280]

Run from the repository root. The corpus is generated (benchmarks/generate.py); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import generate  # noqa: E402

from versions.align import (  # noqa: E402
    Previous,
    agreement,
    align,
    align_versions,
    clear_caches,
    first_pass,
    known_features,
    learn_features,
)

BASE = "original"


def documents(size: int, total: int) -> list[tuple[dict[str, list[str]], dict[str, str]]]:
    """Enough generated documents of ``size`` paragraphs a version to hold about ``total`` base paragraphs."""
    specs = generate.version_specs(4, False)
    languages = {spec.id: spec.language for spec in specs}
    count = max(1, round(total / size))
    return [(generate.document_texts(random.Random(f"1951/{k}"), size, specs), languages) for k in range(count)]


def align_all(docs, windowed: bool) -> tuple[float, list[dict[str, list]]]:
    """Seconds to align every version of every document with its base (caches cleared per document, as a build
    does), and the beads per document and version."""
    results, seconds = [], 0.0
    for texts, languages in docs:
        clear_caches()
        start = time.process_time()
        results.append({
            version: align(texts[BASE], texts[version], languages[BASE], languages[version], windowed=windowed)
            for version in texts if version != BASE
        })
        seconds += time.process_time() - start
    clear_caches()
    return seconds, results


def peak_memory_mb(texts, languages, windowed: bool) -> float:
    """Peak Python memory (tracemalloc) of aligning one document's versions with its base, caches included."""
    clear_caches()
    tracemalloc.start()
    for version in texts:
        if version != BASE:
            align(texts[BASE], texts[version], languages[BASE], languages[version], windowed=windowed)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    clear_caches()
    return peak / 1e6


def pooled_agreement(first: list[dict[str, list]], second: list[dict[str, list]]) -> float:
    """The share of paragraphs, over every pair of every document, that both alignments link alike."""
    pairs = [(beads, doc_second[version]) for doc_first, doc_second in zip(first, second)
             for version, beads in doc_first.items()]
    sizes = [sum(len(bead.a) + len(bead.b) for bead in beads) for beads, _ in pairs]
    return sum(size * agreement(*pair) for size, pair in zip(sizes, pairs)) / sum(sizes)


def first_pass_share(docs, results) -> float:
    """The share of linked beads that the first pass found as sure links (counted by a wrapper, not timed)."""
    found = []
    sure_links = first_pass.sure_links
    first_pass.sure_links = lambda *args: found.append(len(links := sure_links(*args))) or links
    try:
        align_all(docs[:3], True)
    finally:
        first_pass.sure_links = sure_links
    linked = sum(1 for doc in results[:3] for beads in doc.values() for bead in beads if bead.a and bead.b)
    return sum(found) / linked if linked else 0.0


def one_word_edit(texts, languages) -> dict:
    """A word of the base changed in the middle: the alignment again, from scratch, from the previous one, and from
    the previous one with the features of the paragraphs read before (as the build's cache keeps them)."""
    clear_caches()
    table = align_versions(BASE, texts, languages)
    read = known_features((text, languages[version]) for version in texts for text in texts[version])
    previous = {v: Previous(tuple(texts[BASE]), tuple(texts[v]), beads) for v, beads in table.pair_beads.items()}
    base = list(texts[BASE])
    middle = len(base) // 2
    words = base[middle].split()
    words[len(words) // 2] = "слово"
    edited = {**texts, BASE: [*base[:middle], " ".join(words), *base[middle + 1 :]]}
    timings = {}
    for name, kwargs, features in (("from_scratch_s", {}, {}), ("from_previous_s", {"previous": previous}, {}),
                                   ("from_previous_and_features_s", {"previous": previous}, read)):
        clear_caches()
        start = time.process_time()
        learn_features(features)
        align_versions(BASE, edited, languages, **kwargs)
        timings[name] = time.process_time() - start
    clear_caches()
    return timings


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 320, 1280, 5000])
    parser.add_argument("--total", type=int, default=5000, help="base paragraphs aligned per size (default 5000)")
    parser.add_argument("--full-up-to", type=int, default=1280, help="the longest documents the full search runs on")
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes:
        docs = documents(size, args.total)
        paragraphs = sum(len(texts[BASE]) for texts, _ in docs)
        seconds, windowed = align_all(docs, True)
        row = {
            "paragraphs": size,
            "documents": len(docs),
            "windowed_ms_per_paragraph": 1000 * seconds / paragraphs,
            "windowed_peak_mb": peak_memory_mb(*docs[0], True),
            "first_pass_share": first_pass_share(docs, windowed),
        }
        if size <= args.full_up_to:
            full_seconds, full = align_all(docs, False)
            row["full_ms_per_paragraph"] = 1000 * full_seconds / paragraphs
            row["full_peak_mb"] = peak_memory_mb(*docs[0], False)
            row["agreement"] = pooled_agreement(windowed, full)
        rows.append(row)
        print(_line(row), flush=True)
    smallest, longest = rows[0], rows[-1]
    result = {
        "rows": rows,
        "longest_vs_shortest": longest["windowed_ms_per_paragraph"] / smallest["windowed_ms_per_paragraph"],
        "one_word_edit": one_word_edit(*documents(args.sizes[-1], 1)[0]),
    }
    print(f"per paragraph, {longest['paragraphs']} against {smallest['paragraphs']}: "
          f"{result['longest_vs_shortest']:.2f}x; one-word edit of the longest: {result['one_word_edit']}")
    print(json.dumps(result))
    return result


def _line(row: dict) -> str:
    text = (f"{row['paragraphs']:>5} paragraphs x {row['documents']:>3} documents: windowed "
            f"{row['windowed_ms_per_paragraph']:.3f} ms/paragraph, peak {row['windowed_peak_mb']:.0f} MB, "
            f"first pass {row['first_pass_share']:.0%} of links")
    if "full_ms_per_paragraph" in row:
        text += (f"; full {row['full_ms_per_paragraph']:.3f} ms/paragraph, peak {row['full_peak_mb']:.0f} MB; "
                 f"same links for {row['agreement']:.2%} of paragraphs")
    return text


if __name__ == "__main__":
    main()
