from __future__ import annotations

import errno
import html
import json
import os
import random
import re
import resource
import shutil
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from datasette.app import Datasette

from versions.align import Bead
from versions.align.embeddings import Embedder, using
from versions.ingest import staging
from versions.store import build
from versions.store.cache import VectorCache

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_CORPUS = ROOT / "translations"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True, scope="session")
def kept_vectors(request, tmp_path_factory):
    """The alignment's sentence vectors kept between test runs in pytest's cache folder (in the session's temporary
    folder when the cache is off): the model embeds only texts no earlier run saw (a build's own cache file is its
    own: builds in tests embed as they would)."""
    cache = getattr(request.config, "cache", None)
    folder = cache.mkdir("vectors") if cache is not None else tmp_path_factory.mktemp("vectors")
    store = VectorCache(folder / "vectors.db")
    with using(Embedder(store)):
        yield
    store.close()


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


def tiny_png(shade: int = 0) -> bytes:
    """A valid 1x1 grey PNG, written here byte by byte (no image library needed)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes([0, shade]))) \
        + chunk(b"IEND", b"")


VERSION_WITH_FACSIMILES = """\
---
kind: archival-copy
language: ru
archive: APRF
facsimiles:
  - {sheet: 86, image: l86.png, paragraphs: [1, 2]}
  - {sheet: 86ob, iiif: "https://iiif.example.org/iiif/3/aprf-86ob"}
---
ТЕЛЕГРАММА № 1

Текст на обороте.
"""


def with_facsimiles(root: Path) -> Path:
    """``root`` (``small_corpus``) with an archival copy that lists a facsimile file and a IIIF image."""
    return write_files(root, {"doc-1/aprf-copy.md": VERSION_WITH_FACSIMILES, "doc-1/images/l86.png": tiny_png()})


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def built_db(tmp_path_factory, name: str, make_corpus) -> Path:
    """A fresh folder named ``name`` holding ``make_corpus(folder / "translations")`` built into ``versions.db``."""
    root = tmp_path_factory.mktemp(name)
    build(make_corpus(root / "translations"), root / "versions.db")
    return root / "versions.db"


@pytest.fixture(scope="session")
def shipped_db(tmp_path_factory) -> Path:
    """The shipped corpus built once for the whole session; tests read it and never write to it."""
    db_path = tmp_path_factory.mktemp("shipped") / "versions.db"
    build(SHIPPED_CORPUS, db_path)
    return db_path


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


@pytest.fixture
def telegram_corpus(tmp_path: Path) -> Path:
    """A private copy of the shipped corpus's telegram alone, the document whose counts the tests know."""
    root = tmp_path / "translations"
    shutil.copytree(SHIPPED_CORPUS / "telegram-23256", root / "telegram-23256")
    return root


def transcribe_in_part(corpus: Path) -> Path:
    """Give the shipped document's RGASPI copy five paragraphs of a Russian text and ``covers: [2, 7-10]`` (the
    partial gold case of issue 13, tests/data/align/partial-ru-seed; illustrative text of ours)."""
    path = corpus / "telegram-23256" / "rgaspi-copy.md"
    body = (DATA / "align" / "partial-ru-seed" / "b.txt").read_text(encoding="utf-8")
    front = path.read_text(encoding="utf-8").replace("transcribed: false\n", "covers: [2, 7-10]\nillustrative: true\n")
    path.write_text(front + body, encoding="utf-8")
    return corpus


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


GIT_IDENTITY = ["-c", "user.name=Test Historian", "-c", "user.email=historian@example.org", "-c", "commit.gpgsign=false"]


def git(repo: Path, *args: str, date: str = "2024-01-02T10:00:00+00:00") -> str:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "PATH": "/usr/bin:/bin", "HOME": str(repo)}
    result = subprocess.run(["git", *GIT_IDENTITY, "-C", str(repo), *args], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def commit(repo: Path, message: str, files: dict[str, str], date: str) -> None:
    write_files(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)


@pytest.fixture
def count_git(monkeypatch):
    """The git processes started (``subprocess.run`` and ``Popen``), as a list of their commands."""
    started = []
    real_popen = subprocess.Popen

    class CountingPopen(real_popen):
        def __init__(self, args, *rest, **options):
            started.append(list(args))
            super().__init__(args, *rest, **options)

    monkeypatch.setattr(subprocess, "Popen", CountingPopen)
    return started


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
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    specs = generate.version_specs(4, same_language)
    return generate.document_texts(random.Random(f"1951/{index}"), paragraphs, specs)


GENERATED_LANGUAGES = {"original": "ru", "en-translation": "en", "aprf-copy": "ru", "en-revised": "en"}


def edited_copy(document: list[str], spare: list[str], rng: random.Random, rate: float):
    """A copy of document with paragraphs dropped, split, merged, inserted and moved at the given rate, and its gold."""
    pieces: list[tuple[str, tuple[int, ...]]] = []  # (text, paragraphs of document it comes from)
    dropped, i = [], 0
    while i < len(document):
        roll = rng.random()
        if roll < rate:
            dropped.append(i)
        elif roll < 2 * rate and ". " in document[i]:
            head, tail = document[i].split(". ", 1)
            pieces += [(head + ".", (i,)), (tail, (i,))]
        elif roll < 3 * rate and i + 1 < len(document):
            pieces.append((document[i] + " " + document[i + 1], (i, i + 1)))
            i += 1
        else:
            pieces.append((document[i], (i,)))
            if rng.random() < rate and spare:
                pieces.append((spare.pop(), ()))
        i += 1
    for _ in range(round(len(document) * rate * 0.75)):
        sources = [source for _, source in pieces]
        whole = [k for k, source in enumerate(sources) if len(source) == 1 and sources.count(source) == 1]
        piece = pieces.pop(rng.choice(whole))
        pieces.insert(rng.randrange(len(pieces) + 1), piece)
    gold: dict[tuple, list[int]] = {}
    for j, (_, source) in enumerate(pieces):
        gold.setdefault(source or ("inserted", j), []).append(j)
    beads = [Bead(() if key[0] == "inserted" else key, tuple(js), 1.0, "gold") for key, js in gold.items()]
    return [text for text, _ in pieces], beads + [Bead((i,), (), 1.0, "gold") for i in dropped]


GUIDE_COPIES = DATA / "guide" / "copies-ru"
COPIES_DOCUMENT = "copies-4117"


def copies_corpus(root: Path) -> Path:
    """One illustrative document (tests/data/guide/copies-ru): three Russian copies of one text and an English
    translation of the first, the base; the copies differ by a stamp, a distribution list, a word, a number written
    out, a split paragraph and a missing signature."""
    front = {
        "en": "kind: translation\nlanguage: en\nlabel: English translation\nderived_from: [copy-a]\n",
        "copy-a": "kind: archival-copy\nlanguage: ru\narchive: APRF\nlabel: Copy A\n",
        "copy-b": "kind: archival-copy\nlanguage: ru\narchive: AVP RF\nlabel: Copy B\n",
        "copy-c": "kind: archival-copy\nlanguage: ru\narchive: RGASPI\nlabel: Copy C\n",
    }
    files = {
        f"{COPIES_DOCUMENT}/document.yaml": (
            "title: Ciphered telegram No. 4117 (illustrative)\ndate: 1951-09-14\noriginal_language: ru\nbase: en\n"
            "illustrative: true\narchival_refs:\n"
            + "".join(f"  - {{archive: {archive}, citation: {archive} (illustrative)}}\n" for archive in ("APRF", "AVP RF", "RGASPI"))),
        **{
            f"{COPIES_DOCUMENT}/{name}.md":
                f"---\n{meta}illustrative: true\n---\n" + (GUIDE_COPIES / f"{name}.md").read_text(encoding="utf-8")
            for name, meta in front.items()
        },
    }
    for path, content in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(content, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def copies_db(tmp_path_factory) -> Path:
    """The database of ``copies_corpus``."""
    return built_db(tmp_path_factory, "copies", copies_corpus)


# A Datasette site over a built database, as the web tests read it ------------------------------------------------------

DOC = "telegram-23256"  # the shipped document
METADATA = json.loads((ROOT / "metadata.json").read_text())

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"


async def started_site(db_path: Path, metadata: dict = METADATA) -> Datasette:
    """Datasette serving one built database (with the project's metadata unless told otherwise), started."""
    ds = Datasette([str(db_path)], metadata=metadata)
    await ds.invoke_startup()
    return ds


@pytest.fixture
async def datasette(shipped_db):
    return await started_site(shipped_db)


def xss_corpus(root: Path) -> Path:
    """One document whose every text and metadata field carries markup and a javascript: address."""
    return write_files(root, {
        "xss-doc/document.yaml": f"""\
            title: 'Telegram {SCRIPT} {IMG}'
            date: 1951-08-27
            from: '{SCRIPT}'
            to: '{IMG}'
            summary: 'Summary {SCRIPT} and {IMG}'
            original_language: ru
            base: en
            citation: 'Cited {SCRIPT} {IMG}'
            source:
              name: 'Source {SCRIPT}'
              url: '{JS_URL}'
            rights: 'Rights {IMG}'
            archival_refs:
              - archive: APRF
                fond: '{IMG}'
                opis: "1"
                delo: "340"
                listy: 86-88
                citation: 'APRF {SCRIPT}'
            """,
        "xss-doc/en.md": f"""\
            ---
            kind: translation
            language: en
            label: 'English {SCRIPT}'
            translator: '{IMG}'
            publisher: '{SCRIPT}'
            source: '{JS_URL}'
            note: 'Note {SCRIPT} {IMG}'
            ---
            TELEGRAM No. 1 {SCRIPT}

            On August 19 enemy troops made a raid in Kaesong {IMG} near the zone.

            A [link]({JS_URL}) and <b>bold</b> text.

            Mao Zedong.
            """,
        "xss-doc/en-two.md": f"""\
            ---
            kind: translation
            language: en
            label: 'Second {IMG}'
            source: 'https://example.org/"><script>alert(1)</script>'
            derived_from:
              - {{version: en, relation: revision-of}}
            ---
            TELEGRAM No. 1 {IMG}

            On August 19 enemy troops made a raid in Gaeseong {SCRIPT} near the zone.

            A [link]({JS_URL}) and <i>italic</i> text.

            Mao Zedong.
            """,
        "xss-doc/ru.md": f"""\
            ---
            kind: translation
            language: ru
            label: 'Русский {SCRIPT}'
            derived_from:
              - {{version: en, relation: translation-of}}
            ---
            ТЕЛЕГРАММА № 1 {SCRIPT}

            19 августа вражеские войска совершили налёт в Кэсоне {IMG}.

            Мао Цзэдун.
            """,
        "xss-doc/aprf-copy.md": f"""\
            ---
            kind: archival-copy
            language: ru
            archive: APRF
            transcribed: false
            label: 'Copy {SCRIPT}'
            ---
            """,
    })


@pytest.fixture(scope="session")
def xss_db(tmp_path_factory) -> Path:
    return built_db(tmp_path_factory, "xss", xss_corpus)


@pytest.fixture
async def xss_datasette(xss_db):
    return await started_site(xss_db)


async def follow_every_link(ds: Datasette, page: str) -> None:
    response = await ds.client.get(page, follow_redirects=True)
    links = {href.replace("&amp;", "&").split("#")[0] for href in re.findall(r'href="([^"]+)"', response.text)}
    local = sorted(link for link in links if link.startswith("/") and not link.startswith("//"))
    assert len(local) > 3
    for link in local:
        followed = await ds.client.get(link)
        assert followed.status_code == 200, (page, link, followed.status_code)


def pager_link(text: str, name: str, rel: str = "next") -> str | None:
    """The address of the previous or next page of a pager of the page, or None."""
    nav = re.search(rf'<nav class="list-pager" data-pager="{name}".*?</nav>', text, re.S)
    link = re.search(rf'<a href="([^"]+)" rel="{rel}"', nav.group(0)) if nav else None
    return html.unescape(link.group(1)) if link else None
