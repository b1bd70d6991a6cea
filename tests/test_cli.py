import ast
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from conftest import DATA, git, write_files
from versions.cli import cli
from versions.cli.database import datasette_args

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


def test_datasette_serves_the_live_database_locally(tmp_path):
    metadata = tmp_path / "metadata.json"
    metadata.write_text("{}")
    args = datasette_args(Path("db/versions.db"), metadata, "127.0.0.1", 8001)
    assert args[1:] == [
        "-m", "datasette", "db/versions.db", "--host", "127.0.0.1", "--port", "8001",
        "--static", "facsimiles:db/facsimiles", "--metadata", str(metadata),
    ]


def test_datasette_serves_a_published_copy_immutable(tmp_path):
    args = datasette_args(Path("db/versions.db"), tmp_path / "none.json", "127.0.0.1", 8001, immutable=True)
    assert args[3:5] == ["-i", "db/versions.db"] and "--metadata" not in args and "--reload" not in args


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
        image = "illustrative-copies/copy-a-3.jpg"  # a page image, from the folder serve mounts
        assert wait_for(f"http://127.0.0.1:{port}/facsimiles/{image}") == (shipped_corpus / image.replace(
            "/", "/images/")).read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_shows_a_rebuilt_database_on_every_page(shipped_corpus, tmp_path):
    port = free_port()
    db_path = tmp_path / "db" / "versions.db"
    command = [sys.executable, "-m", "versions.cli", "serve", "--corpus", str(shipped_corpus), "--db", str(db_path),
               "--port", str(port), "--no-watch"]
    url = f"http://127.0.0.1:{port}/versions/paragraphs.json?_shape=array&_size=max&_search=eleven"
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ | {"CI": ""},
                              start_new_session=True)
    try:
        assert json.loads(wait_for(url)) == []
        version = shipped_corpus / "telegram-23256" / "wilson-en.md"
        version.write_text(version.read_text("utf-8").replace("nine bombs", "eleven bombs"), "utf-8")
        assert run("build", "--corpus", shipped_corpus, "--db", db_path).exit_code == 0
        # the very next requests, on every one of Datasette's threads, show the new build: no restart, no wait
        assert all(json.loads(wait_for(url)) != [] for _ in range(20))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def test_serve_rebuilds_what_is_edited_and_its_server_ends_with_it(shipped_corpus, tmp_path):
    port = free_port()
    db_path = tmp_path / "db" / "versions.db"
    command = [sys.executable, "-m", "versions.cli", "serve", "--corpus", str(shipped_corpus), "--db", str(db_path),
               "--port", str(port)]
    url = f"http://127.0.0.1:{port}/versions/paragraphs.json?_shape=array&_size=max&_search=eleven"
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ | {"CI": ""})
    try:
        assert json.loads(wait_for(url)) == []
        version = shipped_corpus / "telegram-23256" / "wilson-en.md"
        version.write_text(version.read_text("utf-8").replace("nine bombs", "eleven bombs"), "utf-8")
        deadline = time.monotonic() + 30  # no build run by hand: serve sees the edit
        while json.loads(wait_for(url)) == [] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert json.loads(wait_for(url)) != []
    finally:
        server.kill()  # as kill -9 would: Datasette must not outlive it
        server.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and answers(f"http://127.0.0.1:{port}/"):
        time.sleep(0.2)
    assert not answers(f"http://127.0.0.1:{port}/"), "Datasette outlived versions serve"


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


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


WILSON = Path(__file__).resolve().parents[1] / "translations" / "telegram-23256" / "wilson-en.md"


def test_align_two_files_prints_beads_covering_every_segment(tmp_path):
    one = "On August 19 enemy troops made a raid on our security forces in the neutral zone."
    two = "After this, on the night of August 22, one enemy plane dropped nine bombs on Kaesong."
    three = "The enemy dared to make these impudent provocations to put pressure on us."
    a = write_files(tmp_path, {"a.txt": f"{one}\n\n{two}\n\n{three}\n"}) / "a.txt"
    b = write_files(tmp_path, {"b.txt": f"{one}\n\n{two} {three}\n"}) / "b.txt"
    result = run("align", a, b, "--format", "beads")
    assert result.exit_code == 0
    assert result.output == "[0]:[0]\n[1,2]:[1]\n"


def test_align_line_unit_and_json(tmp_path):
    a = write_files(tmp_path, {"a.txt": "Line one here.\nLine two here.\n"}) / "a.txt"
    b = write_files(tmp_path, {"b.txt": "Строка один.\nСтрока два.\n"}) / "b.txt"
    result = run("align", a, b, "--unit", "line", "--format", "json")
    data = json.loads(result.output)
    assert (data["lang_a"], data["lang_b"]) == ("en", "ru")
    assert [(bead["a"], bead["b"]) for bead in data["beads"]] == [([1], [1]), ([2], [2])]  # numbered from 1


def test_align_document_prints_its_table(shipped_corpus):
    result = run("align", "telegram-23256", "--corpus", shipped_corpus)
    assert result.exit_code == 0
    assert result.output.splitlines()[0].split("│")[1].strip() == "wilson-en"


def test_align_unknown_inputs_fail_cleanly(shipped_corpus):
    result = run("align", "no-such-doc", "--corpus", shipped_corpus)
    assert result.exit_code == 1 and "no document 'no-such-doc'" in result.stderr
    result = run("align", "missing.txt", "other.txt")
    assert result.exit_code == 1 and result.stderr.startswith("missing.txt:1: no such file")


def syngman_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "copy.md"
    copy.write_text(WILSON.read_text().replace("Syngmann Rhee", "Syngman Rhee"))
    return copy


def test_diff_json_contract_on_the_seed(tmp_path):
    result = run("diff", WILSON, syngman_copy(tmp_path), "--format", "json")
    groups = json.loads(result.output)["groups"]
    changed = [g for g in groups if any(op != 0 for op, _ in g["ops"])]
    assert len(changed) == 1
    assert changed[0]["replaced"] == 1 and changed[0]["inserted"] == changed[0]["deleted"] == 0
    assert [op for op in changed[0]["ops"] if op[0] != 0] == [[-1, "Syngmann"], [1, "Syngman"]]
    body = WILSON.read_text().split("---\n", 2)[2]
    from versions.segment import join_segments, split_body

    _, paragraphs = split_body(body)
    for group in groups:
        a_text = "".join(text for op, text in group["ops"] if op <= 0)
        assert a_text == join_segments([paragraphs[n - 1] for n in group["a"]])  # numbered from 1


def test_diff_text_is_plain_when_piped_and_shows_only_changes(tmp_path):
    result = run("diff", WILSON, syngman_copy(tmp_path))
    assert "[-Syngmann-]{+Syngman+} Rhee" in result.output
    assert "\x1b[" not in result.output
    assert result.output.endswith("1 of 27 aligned groups differ\n")


def test_diff_with_romanization_normalization_mutes_the_change(tmp_path):
    result = run("diff", WILSON, syngman_copy(tmp_path), "--normalize", "romanization", "--format", "json")
    [changed] = [g for g in json.loads(result.output)["groups"] if any(op != 0 for op, _ in g["ops"])]
    assert changed["replaced"] == 0 and len(changed["muted"]) == 2


def test_diff_html_is_a_standalone_escaped_page(tmp_path):
    a = write_files(tmp_path, {"a.txt": "Plain text.\n"}) / "a.txt"
    b = write_files(tmp_path, {"b.txt": "Plain <script>alert(1)</script> text.\n"}) / "b.txt"
    result = run("diff", a, b, "--format", "html")
    assert result.output.startswith("<!DOCTYPE html>")
    assert "<script>" not in result.output and "&lt;script&gt;" in result.output


def test_diff_by_version_ids_and_across_languages(shipped_corpus):
    result = run("diff", "telegram-23256/wilson-en", "telegram-23256/ru-rendering", "--corpus", shipped_corpus,
                 "--format", "json")
    groups = json.loads(result.output)["groups"]
    assert all("anchors" in group for group in groups)
    assert any(a["value"] == "23256" and a["side"] == "both" for g in groups for a in g["anchors"])


def test_diff_rejects_an_unknown_normalization(tmp_path):
    a = write_files(tmp_path, {"a.txt": "x\n"}) / "a.txt"
    result = CliRunner().invoke(cli, ["diff", str(a), str(a), "--normalize", "spelling"])
    assert result.exit_code == 2 and "--normalize" in result.output


def test_diff_between_two_revisions_of_a_version(shipped_corpus):
    git(shipped_corpus.parent, "init", "-q")
    git(shipped_corpus.parent, "add", ".")
    git(shipped_corpus.parent, "commit", "-qm", "first")
    wilson = shipped_corpus / "telegram-23256" / "wilson-en.md"
    wilson.write_text(wilson.read_text().replace("Syngmann", "Syngman"))
    git(shipped_corpus.parent, "commit", "-qam", "second")
    ref = "telegram-23256/wilson-en"
    result = run("diff", f"{ref}@1", f"{ref}@2", "--corpus", shipped_corpus, "--format", "json")
    changed = [g for g in json.loads(result.output)["groups"] if any(op != 0 for op, _ in g["ops"])]
    assert [(g["a"], g["b"], g["replaced"]) for g in changed] == [([12], [12], 1)]
    missing = run("diff", f"{ref}@1", f"{ref}@7", "--corpus", shipped_corpus)
    assert missing.exit_code == 1
    assert missing.stderr == f"{ref}@7:1: {ref} has revisions 1 to 2, not 7\n"


def test_build_refuses_a_db_path_that_is_a_corpus_file_in_one_line(small_corpus):
    target = small_corpus / "doc-1" / "en.md"
    before = target.read_bytes()
    result = run("build", "--corpus", small_corpus, "--db", target)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{target}: exists and is not a database built by versions; refusing to overwrite it "
        "(choose another --db, or remove the file yourself)\n"
    )
    assert target.read_bytes() == before


def test_a_full_disk_during_build_prints_one_line(small_corpus, tmp_path, monkeypatch):
    import versions.store.workers

    def full(pending):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(versions.store.workers._Pending, "flush", full)
    db_path = tmp_path / "versions.db"
    result = run("build", "--corpus", small_corpus, "--db", db_path)
    assert result.exit_code == 1
    assert result.stderr == f"{db_path}: cannot write: No space left on device\n"
    assert list(tmp_path.iterdir()) == [small_corpus]


def test_serve_reads_the_corpus_with_the_given_encoding(small_corpus, tmp_path, monkeypatch):
    import versions.cli.database

    write_files(small_corpus, {"doc-1/ru.md": "---\nkind: translation\nlanguage: ru\n---\nБомба.\n".encode("cp1251")})
    monkeypatch.setattr(versions.cli.database.os, "execv", lambda *args: None)  # build, but do not start Datasette
    result = run("serve", "--corpus", small_corpus, "--db", tmp_path / "versions.db", "--encoding", "cp1251", "--no-watch")
    assert result.exit_code == 0, result.output
    assert "1 built" in result.output


def test_every_command_shows_an_example_in_its_help():
    for name, command in every_command():
        assert "Example:" in (command.help or ""), name


def test_import_says_which_paragraph_rule_it_used_and_takes_another(tmp_path):
    record = DATA / "ingest" / "page-wrapped.txt"
    corpus = tmp_path / "translations"
    dry = run("import", record, "--corpus", corpus, "--dry-run")
    assert dry.exit_code == 0 and dry.stdout.startswith("would write ") and not corpus.exists()
    assert "paragraphs split by the wrapped rule" in dry.stderr
    result = run("import", record, "--corpus", corpus, "--paragraphs", "line", "--as", "en-lines", "--illustrative")
    assert result.exit_code == 0, result.output
    assert "split by the line rule" in result.stderr
    assert "illustrative: true" in (corpus / "wilson-260003" / "document.yaml").read_text()
    assert (corpus / "wilson-260003" / "en-lines.md").read_text().count("\n\n") > 5


def test_align_by_line_reads_doc_version_ids_line_by_line(tmp_path):
    corpus = write_files(tmp_path / "translations", {
        "d/document.yaml": "title: T\ndate: '1950'\noriginal_language: en\n",
        "d/a.md": "---\nkind: edition\nlanguage: en\n---\nOne line.\nTwo lines.\n",
        "d/b.md": "---\nkind: edition\nlanguage: en\n---\nOne line.\nTwo lines here.\n",
    })
    result = run("align", "d/a", "d/b", "--corpus", corpus, "--unit", "line", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["beads"]) == 2  # a paragraph of two lines is two segments


def test_every_command_and_option_is_documented():
    documents = Path(__file__).parent.parent
    text = "\n".join(path.read_text() for path in [documents / "README.md", *sorted((documents / "docs").glob("*.md"))])
    missing = [
        f"{name} {option}"
        for name, command in every_command()
        for parameter in command.params
        for option in getattr(parameter, "opts", [])
        if option.startswith("--") and option not in text
    ]
    missing += [f"versions {name}" for name, _ in every_command() if f"versions {name}" not in text]
    assert missing == []


def every_command() -> list[tuple[str, object]]:
    context = click.Context(cli)
    return [(name, cli.get_command(context, name)) for name in cli.list_commands(context)]


def modules_imported(arguments: list[str]) -> list[str]:
    """The modules a fresh process holds once ``versions ARGUMENTS`` has run."""
    code = (f"import sys; from versions.cli import cli; cli({arguments!r}, standalone_mode=False); "
            "print(sorted(sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def test_a_database_command_imports_neither_the_exporters_nor_the_importers():
    prefixes = ("versions.ingest", "versions.export", "versions.cli.")
    imported = [name for name in modules_imported(["check", "--help"]) if name.startswith(prefixes)]
    assert imported == ["versions.cli.common", "versions.cli.database"]


def test_build_imports_neither_datasette_nor_the_watcher():
    imported = modules_imported(["build", "--help"])
    assert not [name for name in imported if name == "versions.watch" or name.split(".")[0] in ("datasette", "watchfiles")]


# Corrections: applied by align and diff on DOC/VERSION ids, migrated to stable keys -----------------------------------

CORRECTED = {
    "doc-1/document.yaml": "title: T\ndate: 1951\noriginal_language: en\nbase: en\n",
    "doc-1/en.md": "---\nkind: original\nlanguage: en\n---\nTELEGRAM No. 1\n\nOn August 19 a raid on Kaesong.\n\n"
                   "Mao Zedong.\n",
    "doc-1/en-2.md": "---\nkind: translation\nlanguage: en\n---\nCompletely different words.\n\nMao Zedong.\n",
}


def test_align_and_diff_of_two_versions_apply_the_documents_corrections(tmp_path):
    corpus = write_files(tmp_path / "translations", CORRECTED)
    pairs = lambda result: [(bead["a"], bead["b"]) for bead in json.loads(result.output)["beads"]]  # noqa: E731
    plain = run("align", "doc-1/en", "doc-1/en-2", "--corpus", corpus, "--format", "json")
    assert ([2], [1]) not in pairs(plain)
    write_files(corpus, {"doc-1/alignment.yaml": "pin:\n  - [en/2, en-2/1]\n"})
    pinned = run("align", "doc-1/en", "doc-1/en-2", "--corpus", corpus, "--format", "json")
    assert ([2], [1]) in pairs(pinned)
    reversed_ = run("align", "doc-1/en-2", "doc-1/en", "--corpus", corpus, "--format", "json")
    assert ([1], [2]) in pairs(reversed_)
    diffed = run("diff", "doc-1/en", "doc-1/en-2", "--corpus", corpus, "--format", "json")
    assert ([2], [1]) in [(group["a"], group["b"]) for group in json.loads(diffed.output)["groups"]]


def test_migrate_rewrites_positions_as_keys_and_the_pin_survives_an_added_paragraph(tmp_path):
    corpus = write_files(tmp_path / "translations", CORRECTED)
    write_files(corpus, {"doc-1/alignment.yaml": "# a pin\npin:\n  - [en/2, en-2/1]  # the raid\n"})
    result = run("migrate", "doc-1", "--corpus", corpus)
    assert result.exit_code == 0, result.output
    migrated = (corpus / "doc-1" / "alignment.yaml").read_text(encoding="utf-8")
    assert migrated.startswith("# a pin\npin:\n  - [en/") and migrated.endswith("]  # the raid\n")
    assert "en/2" not in migrated and "en-2/1" not in migrated
    assert run("migrate", "doc-1", "--corpus", corpus).output.endswith("nothing to migrate\n")
    en = corpus / "doc-1" / "en.md"
    en.write_text(en.read_text(encoding="utf-8").replace("TELEGRAM", "A preface.\n\nTELEGRAM"), encoding="utf-8")
    table = run("align", "doc-1", "--corpus", corpus)
    assert table.exit_code == 0
    [row] = [line for line in table.output.splitlines() if "Completely" in line]
    assert "3: On August 19" in row


def test_migrate_without_corrections_fails_cleanly(tmp_path):
    corpus = write_files(tmp_path / "translations", CORRECTED)
    result = run("migrate", "doc-1", "--corpus", corpus)
    assert result.exit_code == 1 and result.stderr.endswith("alignment.yaml:1: no alignment.yaml to migrate\n")


EDIT_REFUSED = {
    "commit without edit": (["--commit"], "--commit commits corrections made with --edit; add --edit"),
    "edit on every address": (["--edit", "--host", "0.0.0.0"], "--edit listens on loopback only"),
    "edit on a named host": (["--edit", "--host", "example.org"], "--edit listens on loopback only"),
    "edit of an immutable copy": (["--edit", "--immutable"], "cannot serve an --immutable copy"),
}


@pytest.mark.parametrize("name", EDIT_REFUSED)
def test_serve_refuses_editing_off_loopback_or_without_a_live_database(small_corpus, tmp_path, name):
    options, message = EDIT_REFUSED[name]
    result = run("serve", "--corpus", small_corpus, "--db", tmp_path / "db" / "versions.db", *options)
    assert result.exit_code == 2 and message in result.stderr
    assert not (tmp_path / "db").exists()


def test_serve_edit_gives_the_plugin_its_configuration_and_takes_it_back(small_corpus, tmp_path):
    from versions.cli.database import _edit_config, _served_metadata

    metadata = tmp_path / "metadata.json"
    metadata.write_text('{"title": "kept", "plugins": {"versions": {"rows_per_page": 5}}}')
    db_path = tmp_path / "db" / "versions.db"
    with _served_metadata(metadata, _edit_config(small_corpus, db_path, None, True)) as served:
        data = json.loads(served.read_text())
    assert data["title"] == "kept" and data["plugins"]["versions"]["rows_per_page"] == 5
    assert data["plugins"]["versions"]["edit"] == {
        "corpus": str(small_corpus.resolve()), "db": str(db_path.resolve()), "encoding": None,
        "journal": str(db_path.resolve().parent / ".versions-edits.json"), "commit": True}
    assert not served.exists()
    with _served_metadata(metadata, None) as served:
        assert served == metadata
