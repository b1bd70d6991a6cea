"""The alignment-table page against Datasette's own table page of the same paragraph rows, measured in one run.

A document of 5 versions x 50 paragraphs (synthetic, deterministic) is built, then both pages are requested through
``datasette.client`` (no network) and the median of several requests is compared. Target (issue 5): the alignment
table page in at most 2x the time of Datasette's table page of those paragraph rows.

    python benchmarks/page.py [--runs 30]

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from datasette.app import Datasette

from versions.store import build

ROOT = Path(__file__).resolve().parents[1]
WORDS = (
    "enemy troops neutral zone negotiations delegation armistice front aircraft bombs night territory comrade "
    "proposal representatives security forces provocation breakdown government commander village river bridge "
    "railway supply division regiment report telegram cipher agreement"
).split()
DOCUMENT = "bench"


def write_corpus(root: Path, paragraphs: int = 50, versions: int = 5, seed: int = 1) -> None:
    """One document: a base version and variants with a few words replaced in each paragraph."""
    rng = random.Random(seed)
    folder = root / DOCUMENT
    folder.mkdir(parents=True)
    (folder / "document.yaml").write_text("title: Benchmark\ndate: '1951-08-27'\noriginal_language: en\nbase: v1\n")
    base = [_paragraph(rng) for _ in range(paragraphs)]
    for k in range(1, versions + 1):
        texts = [_variant(rng, text) if k > 1 else text for text in base]
        front = f"---\nkind: translation\nlanguage: en\nlabel: Version {k}\nillustrative: true\n---\n"
        (folder / f"v{k}.md").write_text(front + "\n\n".join(texts) + "\n")


def _paragraph(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 70))).capitalize() + "."


def _variant(rng: random.Random, text: str) -> str:
    words = text.split()
    for _ in range(rng.randint(0, 6)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


async def median_seconds(datasette: Datasette, url: str, runs: int) -> float:
    await datasette.client.get(url)  # warm caches once
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = await datasette.client.get(url)
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return statistics.median(times)


async def measure(runs: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="versions-page-"))
    write_corpus(work / "translations")
    build(work / "translations", work / "versions.db")
    metadata = json.loads((ROOT / "metadata.json").read_text())
    datasette = Datasette([str(work / "versions.db")], metadata=metadata)
    await datasette.invoke_startup()
    page = await median_seconds(datasette, f"/-/versions/{DOCUMENT}", runs)
    other_base = await median_seconds(datasette, f"/-/versions/{DOCUMENT}?base=v2", runs)
    table = await median_seconds(datasette, f"/versions/paragraphs?document_id={DOCUMENT}&_size=max", runs)
    return {
        "alignment_page_s": round(page, 4),
        "alignment_page_other_base_s": round(other_base, 4),
        "datasette_table_s": round(table, 4),
        "page_vs_table": round(page / table, 2),
        "other_base_vs_table": round(other_base / table, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    results = asyncio.run(measure(parser.parse_args().runs))
    print(f"alignment-table page (stored base)     {results['alignment_page_s'] * 1000:7.1f} ms")
    print(f"alignment-table page (?base=v2)        {results['alignment_page_other_base_s'] * 1000:7.1f} ms")
    print(f"Datasette table page, 250 rows         {results['datasette_table_s'] * 1000:7.1f} ms")
    verdict = "ok" if results["page_vs_table"] <= 2 else "MISSED"
    print(f"page / table                           {results['page_vs_table']:.2f}x  {verdict} (target <= 2)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
