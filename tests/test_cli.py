import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA, write_files
from versions.cli import cli, datasette_args

SEED = DATA / "seed" / "telegram-23256.txt"


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_check_passes_on_a_good_corpus(small_corpus):
    result = run("check", "--corpus", small_corpus)
    assert result.exit_code == 0
    assert "no problems" in result.output


def test_check_prints_path_line_message_and_exits_1(small_corpus):
    write_files(small_corpus, {"doc-1/bad.md": b"---\nkind: translation\nlanguage: ru\n---\n\xc1\xee\xec\n"})
    result = run("check", "--corpus", small_corpus)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{small_corpus}/doc-1/bad.md:5: byte 0xc1 at offset 39 is not UTF-8; "
        "convert the file or pass --encoding (e.g. cp1251, koi8-r)\n"
    )
    assert "Traceback" not in result.output


def test_check_with_explicit_encoding(small_corpus):
    write_files(small_corpus, {"doc-1/ru.md": "---\nkind: translation\nlanguage: ru\n---\nБомба.\n".encode("cp1251")})
    assert run("check", "--corpus", small_corpus, "--encoding", "cp1251").exit_code == 0


def test_build_twice_says_nothing_changed(small_corpus, tmp_path):
    db_path = tmp_path / "db" / "versions.db"
    first = run("build", "--corpus", small_corpus, "--db", db_path)
    assert first.exit_code == 0 and "1 built" in first.output
    second = run("build", "--corpus", small_corpus, "--db", db_path)
    assert second.exit_code == 0 and "nothing changed" in second.output


def test_build_on_a_bad_corpus_fails_and_keeps_the_database(small_corpus, tmp_path):
    db_path = tmp_path / "versions.db"
    run("build", "--corpus", small_corpus, "--db", db_path)
    before = db_path.read_bytes()
    write_files(small_corpus, {"doc-1/en.md": "---\nkind: poem\nlanguage: en\n---\nText.\n"})
    result = run("build", "--corpus", small_corpus, "--db", db_path)
    assert result.exit_code == 1
    assert result.stderr == f"{small_corpus}/doc-1/en.md:2: unknown kind 'poem'; expected one of original, archival-copy, translation, edition\n"
    assert db_path.read_bytes() == before


def test_import_writes_the_seed_document(tmp_path):
    corpus = tmp_path / "translations"
    result = run("import", SEED, "--corpus", corpus)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (corpus / "telegram-23256").iterdir()) == [
        "aprf-copy.md", "avp-rf-copy.md", "document.yaml", "rgaspi-copy.md", "wilson-en.md",
    ]
    assert run("check", "--corpus", corpus).exit_code == 0
    again = run("import", SEED, "--corpus", corpus)
    assert again.exit_code == 1 and again.stderr.startswith(f"{SEED}:1: ")


def test_import_of_a_broken_record_names_the_line(tmp_path):
    record = tmp_path / "record.txt"
    record.write_text(SEED.read_text().replace("**Citation:**", "**Quote:**"))
    result = run("import", record, "--corpus", tmp_path / "translations")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{record}:") and result.stderr.count("\n") == 1
    assert not (tmp_path / "translations").exists()


def test_datasette_arguments_are_immutable_and_local(tmp_path):
    metadata = tmp_path / "metadata.json"
    metadata.write_text("{}")
    args = datasette_args(Path("db/versions.db"), metadata, "127.0.0.1", 8001)
    assert args[1:] == [
        "-m", "datasette", "serve", "-i", "db/versions.db", "--host", "127.0.0.1", "--port", "8001",
        "--metadata", str(metadata),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_builds_then_serves_the_paragraphs(shipped_corpus, tmp_path):
    port = free_port()
    db_path = tmp_path / "db" / "versions.db"
    command = [sys.executable, "-m", "versions.cli", "serve", "--corpus", str(shipped_corpus), "--db", str(db_path),
               "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ | {"CI": ""})
    try:
        body = wait_for(f"http://127.0.0.1:{port}/versions/paragraphs.json?_shape=array&_size=max")
        assert b"nine bombs" in body
        assert db_path.exists()
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for(url: str, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
