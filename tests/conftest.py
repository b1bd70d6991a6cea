from __future__ import annotations

import errno
import os
import resource
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from versions.ingest import staging

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CORPUS = ROOT / "translations"
DATA = Path(__file__).resolve().parent / "data"

DOCUMENT_YAML = """\
title: A test telegram
date: 1951-08-27
original_language: ru
base: en
archival_refs:
  - archive: APRF
    fond: "45"
    opis: "1"
    delo: "340"
    listy: 86-88
"""

VERSION_EN = """\
---
kind: translation
language: en
label: English
---
TELEGRAM No. 1

On August 19 enemy troops, dressed in civilian clothes, made a raid on our security forces in the
neutral zone in Kaesong.

Mao Zedong.
"""

VERSION_COPY = """\
---
kind: archival-copy
language: ru
archive: APRF
transcribed: false
---
"""


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """A valid one-document corpus: an English translation and an untranscribed archival copy."""
    return write_files(
        tmp_path / "translations",
        {"doc-1/document.yaml": DOCUMENT_YAML, "doc-1/en.md": VERSION_EN, "doc-1/aprf-copy.md": VERSION_COPY},
    )


@pytest.fixture
def shipped_corpus(tmp_path: Path) -> Path:
    """A private copy of the shipped corpus, safe to modify."""
    return Path(shutil.copytree(SHIPPED_CORPUS, tmp_path / "translations"))


def snapshot(root: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry under ``root``, hidden ones too: its mode and, for a file, its bytes."""
    if not root.exists():
        return {}
    entries = {}
    for path in sorted(root.rglob("*")):
        entries[str(path.relative_to(root))] = (path.stat().st_mode, path.read_bytes() if path.is_file() else None)
    return entries


def disk_full_after(monkeypatch, writes: int) -> None:
    """The disk fills up after ``writes`` files have been written."""
    write = staging._write_file
    done = []

    def failing_write(path: Path, data: bytes) -> None:
        if len(done) == writes:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        done.append(path)
        write(path, data)

    monkeypatch.setattr(staging, "_write_file", failing_write)


def versions_command(*args, timeout: int = 20) -> subprocess.CompletedProcess:
    """``versions ARGS`` in a process of its own: a hang fails the test after ``timeout`` seconds rather than blocking
    it, and the memory it may take is limited."""
    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**31, 2**31))

    return subprocess.run(
        [sys.executable, "-m", "versions.cli", *map(str, args)], capture_output=True, text=True, timeout=timeout,
        preexec_fn=limit_memory,
    )


def benchmarks_generate():
    """benchmarks/generate.py, the generator of synthetic corpora."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    return generate


@pytest.fixture
def generated(tmp_path: Path) -> tuple[Path, Path]:
    """Two generated documents of 40 paragraphs in four versions (two languages), built once: (corpus, database)."""
    from versions.store import build

    corpus = benchmarks_generate().generate(tmp_path / "translations", documents=2, paragraphs=40)
    db_path = tmp_path / "db" / "versions.db"
    build(corpus, db_path)
    return corpus, db_path


def generated_document(paragraphs: int, index: int = 0, same_language: bool = False) -> dict[str, list[str]]:
    """The paragraphs of each version of one document of benchmarks/generate.py (made-up text, deterministic):
    original (ru, the base), en-translation, aprf-copy (ru), en-revised."""
    import random

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    specs = generate.version_specs(4, same_language)
    return generate.document_texts(random.Random(f"1951/{index}"), paragraphs, specs)


GENERATED_LANGUAGES = {"original": "ru", "en-translation": "en", "aprf-copy": "ru", "en-revised": "en"}
