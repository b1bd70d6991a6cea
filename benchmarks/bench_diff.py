"""Benchmark of word diffs: 5 versions x 5,000 words, ~50 aligned paragraph pairs per pair of versions.

Run from the repository root: ``python benchmarks/bench_diff.py`` (target: each version against the base,
i.e. 200 paragraph diffs, in <= 0.5 s). The corpus is generated deterministically; nothing is downloaded.
"""

from __future__ import annotations

import random
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from versions.diff import ENGINE, ENGINES, is_word, tokenize, word_diff  # noqa: E402
from versions.normalize import ALL, NONE, Normalization  # noqa: E402

VERSIONS = 5
WORDS = 5_000
PARAGRAPHS = 50
EDIT_RATE = 0.05
TARGET_SECONDS = 0.5

NAMES = ["Kaesong", "Gaeseong", "Syngman", "Syngmann", "Peking", "Beijing", "Tse-tung", "Zedong", "Filippov"]
PUNCTUATION = [" ", " ", " ", " ", " ", ", ", ". ", "; ", " - "]


def vocabulary(rng: random.Random, size: int = 3_000) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgkqjxz"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 10))) for _ in range(size)]
    return words + NAMES + ["23256", "1951", "Москва", "Кэсон"]


def base_paragraphs(rng: random.Random, words: list[str]) -> list[list[str]]:
    """Paragraphs as lists of words, each followed by its spaces and punctuation."""
    per_paragraph = WORDS // PARAGRAPHS
    return [
        [rng.choice(words) + rng.choice(PUNCTUATION) for _ in range(per_paragraph)] for _ in range(PARAGRAPHS)
    ]


def variant(rng: random.Random, paragraph: list[str], words: list[str]) -> list[str]:
    """A copy with ~EDIT_RATE of its words substituted, deleted, inserted or re-cased."""
    edited = []
    for word in paragraph:
        roll = rng.random()
        if roll >= EDIT_RATE:
            edited.append(word)
        elif roll < EDIT_RATE / 4:
            edited.append(rng.choice(words) + " ")
        elif roll < EDIT_RATE / 2:
            continue
        elif roll < 3 * EDIT_RATE / 4:
            edited += [word, rng.choice(words) + rng.choice(PUNCTUATION)]
        else:
            edited.append(word.upper())
    return edited


def corpus(seed: int = 23256) -> list[list[str]]:
    """VERSIONS versions, each a list of PARAGRAPHS paragraph texts aligned 1-1 with the base (version 0)."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    base = base_paragraphs(rng, words)
    versions = [base] + [[variant(rng, paragraph, words) for paragraph in base] for _ in range(VERSIONS - 1)]
    return [["".join(paragraph).strip() for paragraph in version] for version in versions]


def time_diffs(pairs: list[tuple[str, str]], normalization: Normalization, engine: str) -> float:
    start = time.perf_counter()
    for a, b in pairs:
        word_diff(a, b, normalization, engine=engine)
    return time.perf_counter() - start


def main() -> None:
    versions = corpus()
    against_base = [(a, b) for other in versions[1:] for a, b in zip(versions[0], other)]
    every_pair = [(a, b) for one, other in combinations(versions, 2) for a, b in zip(one, other)]
    words = sum(map(is_word, (token for text in versions[0] for token in tokenize(text))))
    print(f"{VERSIONS} versions x {words} words, {PARAGRAPHS} paragraphs each; default engine: {ENGINE}")
    # The default engine first: the normalization cache is warm for the runs after it.
    for engine in sorted(ENGINES, key=lambda name: name != ENGINE):
        for normalization in (NONE, ALL):
            for label, pairs in (("each against the base", against_base), ("every pair", every_pair)):
                seconds = time_diffs(pairs, normalization, engine)
                verdict = "ok" if seconds <= TARGET_SECONDS or label == "every pair" else "OVER TARGET"
                print(
                    f"{engine:22} normalize={str(normalization):48} {label:22} "
                    f"{len(pairs):4} diffs {seconds:6.3f} s  {verdict}"
                )


if __name__ == "__main__":
    main()
