"""Round trip: every version's text rebuilt from the database equals its file's body exactly.

The expected body is computed here from the file's bytes by the rules of docs/corpus-format.md alone (decode, drop a
byte-order mark, CRLF/CR to LF, NFC, everything after the closing ``---`` line), not by the library's reader, so that
the reader and the store are checked together. Tested on the shipped corpus, on the benchmark generator's corpora and
on corpora made by hypothesis (bodies with odd whitespace, line ends, Unicode line separators, combining marks).
"""

from __future__ import annotations

import sys
import tempfile
import unicodedata
from pathlib import Path

import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SHIPPED_CORPUS
from versions.store import build, version_text

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402  (benchmarks/generate.py)


def file_body(path: Path, encoding: str | None = None) -> str:
    """A version file's body by the corpus text rules."""
    text = path.read_bytes().decode(encoding or "utf-8")
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = unicodedata.normalize("NFC", text).split("\n")
    assert lines[0].rstrip() == "---", f"{path} has no front matter"
    close = next(i for i in range(1, len(lines)) if lines[i].rstrip() == "---")
    return "\n".join(lines[close + 1 :])


def assert_round_trip(corpus: Path, db_path: Path) -> int:
    """Every version file under ``corpus`` is in the database and rebuilt from it exactly; return how many."""
    db = sqlite_utils.Database(db_path)
    stored = {Path(row["path"]).resolve(): row["id"] for row in db.query("select id, path from versions")}
    files = sorted(p.resolve() for p in Path(corpus).glob("*/*.md"))
    assert sorted(stored) == files
    for path in files:
        assert version_text(db, stored[path]) == file_body(path), stored[path]
    return len(files)


def test_shipped_corpus_round_trips(shipped_db):
    assert assert_round_trip(SHIPPED_CORPUS, shipped_db) >= 4


def test_generated_corpus_round_trips_through_an_incremental_build(tmp_path):
    corpus = generate.generate(tmp_path / "translations", documents=3, versions=4, paragraphs=12)
    db_path = tmp_path / "versions.db"
    build(corpus, db_path)
    assert assert_round_trip(corpus, db_path) == 12
    generate.touch_one_file(corpus, index=1)
    report = build(corpus, db_path)
    assert report.rebuilt == [generate.document_id(1)]
    assert assert_round_trip(corpus, db_path) == 12


# --- hypothesis ------------------------------------------------------------------------------------------------------

# Characters that stress the split into paragraphs: Unicode line and paragraph separators, form feeds, vertical tabs,
# NEL, file/group/record separators (all line breaks to str.splitlines), tabs, a lone CR, combining marks (NFC),
# Markdown and YAML punctuation, Cyrillic and CJK.
AWKWARD = [" ", "  ", "\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r", "\u00a0",
           "\u0301", "e\u0301", "#", "[", "]", "---", ":", "&a", "*a", "- ", "е", "Кэсон", "开城", "…", "\ufeff"]
word = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8),
    st.sampled_from(AWKWARD),
    st.sampled_from(["Kaesong", "August", "19", "the", "enemy", "Mao", "Zedong", "1951"]),
)
line = st.lists(word, min_size=0, max_size=8).map("".join)
blank = st.sampled_from(["", " ", "\t", "  \t "])
body_lines = st.lists(st.one_of(line, blank), min_size=1, max_size=14)


@st.composite
def version_file(draw, kind: str) -> bytes:
    lines = draw(body_lines)
    ending = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    final = draw(st.sampled_from(["", "\n", "\n\n"]))
    language = draw(st.sampled_from(["en", "ru"]))
    front = f"---\nkind: {kind}\nlanguage: {language}\n---\n"
    text = (front + "\n".join(lines) + final).replace("\n", ending)
    bom = draw(st.sampled_from([b"", b"\xef\xbb\xbf"]))
    return bom + text.encode("utf-8")


@st.composite
def corpora(draw) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for d in range(draw(st.integers(1, 2))):
        files[f"doc-{d}/document.yaml"] = b"title: Generated\ndate: '1951'\noriginal_language: en\n"
        for v in range(draw(st.integers(1, 3))):
            files[f"doc-{d}/v{v}.md"] = draw(version_file("original" if v == 0 else "edition"))
    return files


def _has_text(data: bytes) -> bool:
    body = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n").split("\n---\n", 1)[1]
    return bool(unicodedata.normalize("NFC", body.removeprefix("\ufeff")).strip())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpora(), st.data())
def test_generated_bodies_round_trip(files, data):
    files = {name: content for name, content in files.items() if not name.endswith(".md") or _has_text(content)}
    for document in {name.split("/")[0] for name in files}:
        if not any(name.startswith(document + "/") and name.endswith(".md") for name in files):
            files[f"{document}/v0.md"] = b"---\nkind: original\nlanguage: en\n---\nText.\n"
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "translations"
        for name, content in files.items():
            (corpus / name).parent.mkdir(parents=True, exist_ok=True)
            (corpus / name).write_bytes(content)
        db_path = Path(tmp) / "versions.db"
        build(corpus, db_path)
        assert_round_trip(corpus, db_path)
        # change one version and rebuild: the changed document is rebuilt, the others carried over, all exact
        victim = data.draw(st.sampled_from(sorted(n for n in files if n.endswith(".md"))))
        (corpus / victim).write_bytes(files[victim].rstrip(b"\r\n") + b" changed\n\n")
        build(corpus, db_path)
        assert_round_trip(corpus, db_path)
