"""The bad input suite: every case in tests/data/bad/ (see its README.md) through ``versions check`` and ``build``.

A refused case prints exactly one line ``path:line: message`` on stderr, exits 1 without a traceback and leaves the
previously built database byte for byte as it was; an accepted case (BOM, CRLF, an explicit encoding, a very long
version) checks and builds, and every version's text in the database equals its file's body after the text rules.
Each case runs under a deadline, so that a hang fails the test instead of blocking the suite.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from click.testing import CliRunner

from test_roundtrip import file_body
from versions.cli import cli
from versions.store import version_text
from versions.store.cache import CACHE_SUFFIX
from versions.store.facsimiles import FACSIMILES_MOUNT

BAD = Path(__file__).resolve().parent / "data" / "bad"
VALID = BAD / "_valid" / "translations"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
DEADLINE_SECONDS = 30  # a hang guard, not a speed test: per case, unless its case.yaml says otherwise
BIG_FILE_BYTES = 20 * 1024 * 1024
MANY_PARAGRAPHS = 10_000
DB = Path("db") / "versions.db"
CORPUS = Path("translations")


class Hang(BaseException):
    """Raised by the deadline; a BaseException so that CliRunner does not swallow it as the command's error."""


@contextmanager
def deadline(seconds: float):
    def expire(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def load_case(name: str) -> dict:
    return yaml.safe_load((BAD / name / "case.yaml").read_text(encoding="utf-8"))


def invoke(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=True)


@pytest.fixture(scope="session")
def valid_database(tmp_path_factory) -> bytes:
    """The bytes of a database built from ``_valid`` (built once; each case starts from a copy)."""
    work = tmp_path_factory.mktemp("valid")
    shutil.copytree(VALID, work / CORPUS)
    cwd = os.getcwd()
    os.chdir(work)
    try:
        result = invoke("build", "--corpus", CORPUS, "--db", DB)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    return (work / DB).read_bytes()


# --- generators for inputs too large to commit -----------------------------------------------------------------------

WORDS = ("enemy troops delegation armistice neutral zone Kaesong aircraft bombs investigation officers "
         "representatives negotiations proposal answer meeting Panmunjom September August").split()


def _paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def big_file(corpus: Path) -> None:
    """A 20 MB version: front matter and paragraphs of ordinary text."""
    rng = random.Random(20)
    paragraph = _paragraph(rng, 60) + "\n\n"
    head = "---\nkind: translation\nlanguage: en\n---\n"
    count = (BIG_FILE_BYTES - len(head)) // len(paragraph) + 1
    (corpus / "doc-1" / "big.md").write_text(head + paragraph * count, encoding="utf-8")


def many_paragraphs(corpus: Path) -> None:
    """A document with two versions of 10,000 paragraphs each: one a copy of the other with a few edits."""
    rng = random.Random(10_000)
    folder = corpus / "doc-3"
    folder.mkdir()
    (folder / "document.yaml").write_text("title: Ten thousand paragraphs\ndate: '1951'\noriginal_language: en\n")
    paragraphs = [_paragraph(rng, rng.randint(5, 40)) for _ in range(MANY_PARAGRAPHS)]
    edited = []
    for text in paragraphs:
        roll = rng.random()
        if roll < 0.01:
            continue  # omitted
        edited.append(text.replace(" enemy ", " hostile ") if roll < 0.05 else text)
        if roll > 0.99:
            edited.append(_paragraph(rng, 12))  # inserted
    (folder / "a.md").write_text("---\nkind: original\nlanguage: en\n---\n" + "\n\n".join(paragraphs) + "\n")
    (folder / "b.md").write_text("---\nkind: edition\nlanguage: en\nderived_from: a\n---\n" + "\n\n".join(edited) + "\n")


GENERATORS = {"big_file": big_file, "many_paragraphs": many_paragraphs}


# --- assembling a case -----------------------------------------------------------------------------------------------

def assemble(name: str, case: dict, work: Path) -> None:
    """Lay out the case under ``work``: translations/ (a copy of _valid plus the case's files) and outside/."""
    corpus = work / CORPUS
    if not case.get("standalone"):
        shutil.copytree(VALID, corpus)
    if (BAD / name / "translations").is_dir():
        shutil.copytree(BAD / name / "translations", corpus, dirs_exist_ok=True)
    if (BAD / name / "outside").is_dir():
        shutil.copytree(BAD / name / "outside", work / "outside")
    for relative in case.get("remove", []):
        (corpus / relative).unlink()
    for link, target in (case.get("symlinks") or {}).items():
        (corpus / link).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, corpus / link)
    for fifo in case.get("fifos", []):
        os.mkfifo(corpus / fifo)
    for new, existing in (case.get("copies") or {}).items():
        shutil.copyfile(corpus / existing, corpus / new)
    if case.get("generate"):
        GENERATORS[case["generate"]](corpus)


def assert_one_problem_line(result, case: dict, command: str) -> None:
    shown = f"{command}: exit {result.exit_code}\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}"
    if result.exception and not isinstance(result.exception, SystemExit):
        pytest.fail(f"{command} raised {result.exception!r}\n{shown}")
    assert "Traceback" not in result.output, shown
    assert result.exit_code == 1, shown
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected exactly one line\n{shown}"
    assert result.stdout == "", shown
    expect = case["expect"]
    prefix = f"{CORPUS / expect['path']}:{expect['line']}: "
    assert lines[0].startswith(prefix), f"expected {prefix!r}...\n{shown}"
    message = lines[0][len(prefix):]
    assert message.strip(), shown
    if expect.get("message"):
        assert re.search(expect["message"], message), f"message should match {expect['message']!r}\n{shown}"


def assert_accepted(result, command: str) -> None:
    shown = f"{command}: exit {result.exit_code}\nstdout: {result.stdout!r}\nstderr: {result.stderr!r}"
    if result.exception and not isinstance(result.exception, SystemExit):
        pytest.fail(f"{command} raised {result.exception!r}\n{shown}")
    assert result.exit_code == 0, shown
    assert "Traceback" not in result.output, shown


def assert_database_holds_every_body(work: Path, encoding: str | None) -> None:
    db = sqlite_utils.Database(work / DB)
    rows = list(db.query("select id, path, transcribed from versions"))
    assert rows
    on_disk = {str(p.relative_to(work)) for p in (work / CORPUS).glob("*/*.md")}
    assert {row["path"] for row in rows} == on_disk
    for row in rows:
        text = version_text(db, row["id"])
        assert "\r" not in text and "\ufeff" not in text, row["id"]
        assert text == file_body(work / row["path"], encoding), row["id"]


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, valid_database, tmp_path, monkeypatch):
    case = load_case(name)
    work = tmp_path
    assemble(name, case, work)
    (work / DB).parent.mkdir()
    (work / DB).write_bytes(valid_database)
    monkeypatch.chdir(work)
    args = [str(a) for a in case.get("args", [])]
    seconds, said = {}, {}
    with deadline(case.get("deadline", DEADLINE_SECONDS)):
        for command in ("check", "build"):
            start = time.perf_counter()
            extra = ["--db", str(DB)] if command == "build" else []
            result = invoke(command, "--corpus", CORPUS, *extra, *args)
            seconds[command] = time.perf_counter() - start
            if case.get("accept"):
                assert_accepted(result, command)
            else:
                assert_one_problem_line(result, case, command)
                said[command] = result.stderr
    assert said.get("check") == said.get("build"), "check and build are one pass: they refuse with the same line"
    if case.get("accept"):
        assert "no problems" in invoke("check", "--corpus", CORPUS, *args).output
        encoding = args[args.index("--encoding") + 1] if "--encoding" in args else None
        assert_database_holds_every_body(work, encoding)
        with sqlite3.connect(work / DB) as conn:
            assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    else:
        assert (work / DB).read_bytes() == valid_database, "the previous database changed"
    kept = (f"{DB.name}-wal", f"{DB.name}-shm", *(f"{DB.name}{CACHE_SUFFIX}{end}" for end in ("", "-wal", "-shm")),
            FACSIMILES_MOUNT)  # the image files a build publishes (store.facsimiles)
    left = [name for name in os.listdir(work / DB.parent) if name not in kept]
    assert left == [DB.name], "a temporary file was left beside the database (SQLite's own files and its cache aside)"
    if case.get("generate") == "many_paragraphs":
        print(f"10,000 paragraphs: check {seconds['check']:.2f} s, build {seconds['build']:.2f} s")


def test_every_case_is_described():
    for name in CASES:
        case = load_case(name)
        assert case.get("description"), name
        assert ("expect" in case) != bool(case.get("accept")), f"{name}: give either expect or accept: true"
        assert set(case) <= {"description", "expect", "accept", "args", "remove", "symlinks", "copies", "fifos",
                             "generate", "standalone", "deadline"}, name


def test_a_file_name_that_is_not_utf8(valid_database, tmp_path, monkeypatch):
    """Not a case folder: git and YAML cannot carry a name that is not UTF-8, so it is made here from bytes."""
    shutil.copytree(VALID, tmp_path / CORPUS)
    corpus = os.fsencode(tmp_path / CORPUS)
    shutil.copyfile(corpus + b"/doc-1/en.md", corpus + b"/doc-1/en-\xff.md")
    (tmp_path / DB).parent.mkdir()
    (tmp_path / DB).write_bytes(valid_database)
    monkeypatch.chdir(tmp_path)
    expect = {"path": "doc-1/en-\\xff.md", "line": 1, "message": "file name is not UTF-8"}
    with deadline(DEADLINE_SECONDS):
        assert_one_problem_line(invoke("check", "--corpus", CORPUS), {"expect": expect}, "check")
        assert_one_problem_line(invoke("build", "--corpus", CORPUS, "--db", DB), {"expect": expect}, "build")
    assert (tmp_path / DB).read_bytes() == valid_database
