"""Load test: the shipped corpus served by Datasette, its alignment-table page hit by 50 concurrent clients for 10 s.

    python benchmarks/load.py [--clients 50] [--seconds 10] [--path /-/versions/telegram-23256]

Builds the shipped corpus (translations/) into a temporary database with ``versions build``, starts Datasette on it
as ``versions serve`` does, on 127.0.0.1 on a free port, and sends GET requests from ``--clients`` concurrent clients
(asyncio + httpx, one connection each) for ``--seconds`` seconds, at most ``--max-requests`` in all. Only 127.0.0.1 is
ever contacted. Prints requests/s, latency percentiles and errors, and as its last line one JSON object.
If the alignment-table page answers 404 (not built yet), the documents page ``/-/versions`` is loaded instead and
the output says so.

    python benchmarks/load.py --rebuilds 20 [--clients 10] [--seconds 30]

Rebuild while serving: the server runs as ``versions serve`` runs it (``datasette_args``: the live database) on a copy
of the corpus, and while the clients poll, one word of a version file is changed and ``versions build`` rebuilds the
served database ``--rebuilds`` times, spread over the run. Every request that does not answer 200 counts as failed;
the target is 0. ``distinct_pages`` counts the different bodies served: more than one shows the rebuilds were seen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))

HOST = "127.0.0.1"
DOCUMENT_PAGE = "/-/versions/telegram-23256"
FALLBACK_PAGE = "/-/versions"
ERROR_PAUSE_S = 0.05


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def build(corpus: Path, db: Path) -> str:
    env = {**os.environ, "CI": "1", "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "versions.cli", "build", "--corpus", str(corpus), "--db", str(db)],
                          capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"versions build failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def serve_command(db: Path, metadata: Path, port: int) -> list[str]:
    try:
        from versions.cli import datasette_args  # the command `versions serve` runs

        args = datasette_args(db, metadata, HOST, port)
    except (ImportError, TypeError):
        args = [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--host", HOST, "--port", str(port)]
        if metadata.exists():
            args += ["--metadata", str(metadata)]
    assert HOST in args, args
    return args


def wait_until_up(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"datasette exited with {process.returncode}:\n{process.stderr.read()}")
        try:
            if httpx.get(base + "/", timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"datasette did not answer on {base} within {timeout:.0f} s")


async def load(url: str, clients: int, seconds: float, max_requests: int, timeout: float) -> dict:
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    errors: list[str] = []
    failed_spans: list[tuple[float, float]] = []
    bodies: set[int] = set()
    started = time.perf_counter()
    stop_at = started + seconds
    sent = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:

        async def one_client() -> None:
            nonlocal sent
            while time.perf_counter() < stop_at and sent < max_requests:
                sent += 1
                begin = time.perf_counter()
                try:
                    response = await client.get(url)
                    bodies.add(hash(await response.aread()))
                    key = str(response.status_code)
                    if response.status_code != 200:
                        errors.append(f"HTTP {response.status_code}")
                except httpx.HTTPError as error:
                    key = type(error).__name__
                    errors.append(f"{key}: {error}")
                latencies.append(time.perf_counter() - begin)
                statuses[key] = statuses.get(key, 0) + 1
                if key != "200":
                    await asyncio.sleep(ERROR_PAUSE_S)  # a refused connection returns at once: do not spin
                    failed_spans.append((begin, time.perf_counter()))

        await asyncio.gather(*(one_client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return {"latencies": latencies, "statuses": statuses, "errors": errors, "elapsed": elapsed,
            "failing_s": covered_seconds(failed_spans), "distinct_pages": len(bodies)}


def covered_seconds(spans: list[tuple[float, float]]) -> float:
    """How long the server was failing: the union of the failed requests' spans, each with the pause after it."""
    total, reach = 0.0, float("-inf")
    for begin, end in sorted(spans):
        if end > reach:
            total += end - max(begin, reach)
            reach = end
    return total


EDITED_WORDS = ("Kaesong", "Kaeseong")  # one word of the first version file, swapped back and forth


def edited_file(corpus: Path) -> Path:
    for path in sorted(corpus.glob("*/*.md")):
        if EDITED_WORDS[0] in path.read_text(encoding="utf-8"):
            return path
    raise SystemExit(f"no version file of {corpus} has the word {EDITED_WORDS[0]!r} to change")


def edit_one_word(path: Path, n: int) -> None:
    old, new = EDITED_WORDS if n % 2 == 0 else EDITED_WORDS[::-1]
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


async def rebuild_repeatedly(corpus: Path, db: Path, rebuilds: int, seconds: float) -> list[float]:
    """Change one word and rebuild, ``rebuilds`` times evenly over ``seconds``; the seconds each build took."""
    took, path = [], edited_file(corpus)
    for n in range(rebuilds):
        await asyncio.sleep(seconds / (rebuilds + 1))
        edit_one_word(path, n)
        begin = time.perf_counter()
        await asyncio.to_thread(build, corpus, db)
        took.append(time.perf_counter() - begin)
    return took


async def load_while_rebuilding(url: str, args: argparse.Namespace, corpus: Path, db: Path) -> dict:
    measured, took = await asyncio.gather(
        load(url, args.clients, args.seconds, args.max_requests, args.timeout),
        rebuild_repeatedly(corpus, db, args.rebuilds, args.seconds),
    )
    return measured | {"rebuild_seconds": took}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description="Load test of the alignment-table page (127.0.0.1 only).")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-requests", type=int, default=100_000, help="stop after this many requests in all")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--path", default=DOCUMENT_PAGE, help="page to load")
    parser.add_argument("--corpus", type=Path, default=ROOT / "translations")
    parser.add_argument("--metadata", type=Path, default=ROOT / "metadata.json")
    parser.add_argument("--rebuilds", type=int, default=0,
                        help="rebuild the served database this many times during the run (as `versions serve` serves)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="versions-load-") as tmp:
        db = Path(tmp) / "versions.db"
        corpus = Path(shutil.copytree(args.corpus, Path(tmp) / "translations")) if args.rebuilds else args.corpus
        print(f"- {build(corpus, db)}", flush=True)
        port = free_port()
        base = f"http://{HOST}:{port}"
        command = serve_command(db, args.metadata, port)
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            wait_until_up(base, server)
            print(f"- serving {db.name} on {base} (pid {server.pid}): {' '.join(command[1:])}", flush=True)
            path, note = args.path, None
            probe = httpx.get(base + path, timeout=args.timeout)
            if probe.status_code == 404 and path != FALLBACK_PAGE:
                note = f"{path} answered 404 (page not there yet); loaded {FALLBACK_PAGE} instead"
                print(f"- {note}", flush=True)
                path = FALLBACK_PAGE
                probe = httpx.get(base + path, timeout=args.timeout)
            print(f"- GET {path}: HTTP {probe.status_code}, {len(probe.content)} bytes", flush=True)
            print(f"- {args.clients} clients for {args.seconds:g} s (at most {args.max_requests} requests) ...",
                  flush=True)
            if args.rebuilds:
                print(f"- rebuilding {args.rebuilds} times meanwhile", flush=True)
                measured = asyncio.run(load_while_rebuilding(base + path, args, corpus, db))
            else:
                measured = asyncio.run(load(base + path, args.clients, args.seconds, args.max_requests, args.timeout))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    latencies = measured["latencies"]
    results = {
        "path": path,
        "fallback_note": note,
        "page_bytes": len(probe.content),
        "clients": args.clients,
        "seconds": round(measured["elapsed"], 2),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / measured["elapsed"], 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1) if latencies else None,
        "max_ms": round(max(latencies) * 1000, 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "errors": len(measured["errors"]),
        "statuses": measured["statuses"],
        "failing_s": round(measured["failing_s"], 2),
        "distinct_pages": measured["distinct_pages"],
        "rebuilds": len(measured.get("rebuild_seconds", [])),
        "rebuild_s": [round(took, 2) for took in measured.get("rebuild_seconds", [])],
        "cpus": os.cpu_count(),
        "load_average": round(os.getloadavg()[0], 2),
    }
    print()
    print(f"GET {path} with {args.clients} concurrent clients for {results['seconds']} s (client and server share "
          f"{results['cpus']} CPUs)")
    print(f"  requests     {results['requests']} ({results['requests_per_s']} per second)")
    print(f"  latency      p50 {results['p50_ms']} ms, p99 {results['p99_ms']} ms, max {results['max_ms']} ms")
    print(f"  errors       {results['errors']}  statuses {results['statuses']}")
    if results["rebuilds"]:
        print(f"  rebuilds     {results['rebuilds']} while serving; failed requests {results['errors']} of "
              f"{results['requests']} (target 0); some request failing during {results['failing_s']} s; "
              f"{results['distinct_pages']} different pages served")
    if measured["errors"]:
        print(f"  first error  {measured['errors'][0]}")
    if note:
        print(f"  note         {note}")
    print(json.dumps(results), flush=True)
    return results


if __name__ == "__main__":
    main()
