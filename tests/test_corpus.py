import builtins
import os
import sqlite3
from pathlib import Path

import pytest

from conftest import DOCUMENT_YAML, VERSION_EN, versions_command, write_files
import versions.corpus.hashes
from versions.corpus import check_corpus, default_base, document_hashes, load_corpus
from versions.collate import collate
from versions.errors import CorpusError
from versions.identity import document_keys, with_corrections_resolved
from versions.store import build, check


def problems_of(root: Path, encoding: str | None = None) -> list[str]:
    return [str(p) for p in check_corpus(root, encoding)]


def only_problem(root: Path) -> str:
    [found] = problems_of(root)
    return found


def test_small_corpus_reads(small_corpus):
    [document] = load_corpus(small_corpus).documents
    assert document.id == "doc-1"
    assert document.date == "1951-08-27"
    assert document.base == "en"
    assert [v.id for v in document.versions] == ["aprf-copy", "en"]
    copy, english = document.versions
    assert copy.transcribed is False and copy.paragraphs == [] and copy.archive == "APRF"
    assert [p.kind for p in english.paragraphs] == ["heading", "body", "signature"]
    assert english.paragraphs[1].line == 8
    assert english.body == VERSION_EN.split("---\n", 2)[2]
    assert document.archival_refs[0].fond == "45"
    assert len(document.content_hash) == 64


def test_default_base_prefers_the_original_language(small_corpus):
    write_files(small_corpus, {"doc-1/ru.md": "---\nkind: original\nlanguage: ru\n---\nТекст.\n"})
    document = load_corpus(small_corpus).documents[0]
    assert default_base(document) == "ru"


def test_content_hash_changes_with_any_file(small_corpus):
    before = load_corpus(small_corpus).documents[0].content_hash
    write_files(small_corpus, {"doc-1/en.md": VERSION_EN + "\nOne more.\n"})
    assert load_corpus(small_corpus).documents[0].content_hash != before


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled as soon as they are written (normally after two seconds)."""
    monkeypatch.setattr(versions.corpus.hashes, "RACY_NS", 0)


def forbid_reading(monkeypatch):
    def read(path):
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(versions.corpus.hashes, "_read", read)


def test_document_hashes_match_the_loaded_documents(small_corpus):
    [document] = load_corpus(small_corpus).documents
    assert document_hashes(small_corpus)["doc-1"].content_hash == document.content_hash


def test_folders_whose_files_kept_their_signature_are_not_read_again(small_corpus, settled, monkeypatch):
    first = document_hashes(small_corpus)
    assert first["doc-1"].signature is not None
    forbid_reading(monkeypatch)
    assert document_hashes(small_corpus, first) == first


def test_a_file_rewritten_with_the_same_size_and_times_is_read_again(small_corpus, settled):
    first = document_hashes(small_corpus)
    path = small_corpus / "doc-1" / "en.md"
    status = path.stat()
    path.write_text(VERSION_EN.replace("Kaesong", "Kaesonq"))  # what cp -p or rsync -t leave: same size, same mtime
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    again = document_hashes(small_corpus, first)
    assert again["doc-1"].content_hash != first["doc-1"].content_hash


def test_a_file_added_to_a_folder_changes_its_hash(small_corpus, settled):
    first = document_hashes(small_corpus)
    write_files(small_corpus, {"doc-1/ru.md": "---\nkind: original\nlanguage: ru\n---\nТекст.\n"})
    assert document_hashes(small_corpus, first)["doc-1"].content_hash != first["doc-1"].content_hash


def test_files_changed_in_the_last_two_seconds_are_not_vouched_for(small_corpus):
    write_files(small_corpus, {"doc-1/en.md": VERSION_EN + "\nOne more.\n"})
    assert document_hashes(small_corpus)["doc-1"].signature is None


def test_load_raises_every_problem_at_once(small_corpus):
    write_files(small_corpus, {"doc-1/bad.md": "no front matter\n", "doc-1/other.md": b"\x00"})
    with pytest.raises(CorpusError) as caught:
        load_corpus(small_corpus)
    assert len(caught.value.problems) == 2


BAD_VERSIONS = {
    "no front matter": ("Just text.\n", 1, "missing front matter"),
    "unclosed front matter": ("---\nkind: translation\n", 1, "front matter is not closed"),
    "broken yaml": ("---\nkind: translation\nlanguage: [en\n---\nText.\n", 3, "broken YAML"),
    "not a mapping": ("---\n- a list\n---\nText.\n", 2, "expected a YAML mapping"),
    "unknown kind": ("---\nkind: fanfic\nlanguage: en\n---\nText.\n", 2, "unknown kind 'fanfic'"),
    "missing kind": ("---\nlanguage: en\n---\nText.\n", 1, "missing required field 'kind'"),
    "wrong type": ("---\nkind: translation\nlanguage: en\nillustrative: maybe\n---\nText.\n", 4, "must be true or false"),
    "unknown field": ("---\nkind: translation\nlanguage: en\ntranslater: X\n---\nText.\n", 4, "unknown field 'translater'"),
    "bad language": ("---\nkind: translation\nlanguage: English\n---\nText.\n", 3, "not a language tag"),
    "bad date": ("---\nkind: translation\nlanguage: en\ndate: 27 Aug\n---\nText.\n", 4, "not an ISO date"),
    "empty body": ("---\nkind: translation\nlanguage: en\n---\n\n", 1, "empty body"),
    "untranscribed with text": (
        "---\nkind: archival-copy\nlanguage: ru\narchive: APRF\ntranscribed: false\n---\nТекст.\n",
        5,
        "'transcribed: false' but the body has text",
    ),
    "copy without archive": ("---\nkind: archival-copy\nlanguage: ru\n---\nТекст.\n", 2, "needs 'archive'"),
    "copy of unknown archive": (
        "---\nkind: archival-copy\nlanguage: ru\narchive: GARF\n---\nТекст.\n",
        1,
        "archive 'GARF' is not among the document's archival_refs",
    ),
    "alias bomb": (
        "---\nkind: translation\nlanguage: en\nnote: &a [x, x]\nlabel: *a\n---\nText.\n",
        5,
        "aliases (*name) are not allowed",
    ),
    "derived from unknown": (
        "---\nkind: translation\nlanguage: en\nderived_from: nowhere\n---\nText.\n",
        4,
        "derived_from names unknown version 'nowhere'",
    ),
    "derived from a path": (
        "---\nkind: translation\nlanguage: en\nderived_from: ../doc-2/en\n---\nText.\n",
        4,
        "contains a path separator",
    ),
    "unknown relation": (
        "---\nkind: translation\nlanguage: en\nderived_from: {version: en, relation: cousin-of}\n---\nText.\n",
        4,
        "unknown relation 'cousin-of'",
    ),
    "cp1251": ("---\nkind: translation\nlanguage: ru\n---\nТекст.\n".encode("cp1251"), 5, "is not UTF-8"),
    "utf-16": ("---\nkind: translation\nlanguage: ru\n---\nТекст.\n".encode("utf-16"), 1, "UTF-16"),
    "nul byte": (b"---\nkind: translation\nlanguage: en\n---\nTe\x00xt.\n", 5, "NUL byte"),
    "empty file": (b"", 1, "empty file"),
}


@pytest.mark.parametrize("name", BAD_VERSIONS)
def test_bad_version_file_gives_one_line_naming_file_and_line(small_corpus, name):
    content, line, message = BAD_VERSIONS[name]
    write_files(small_corpus, {"doc-1/bad.md": content})
    found = only_problem(small_corpus)
    assert found.startswith(f"{small_corpus}/doc-1/bad.md:{line}: "), found
    assert message in found
    assert "\n" not in found


def test_crlf_and_bom_are_accepted(small_corpus):
    write_files(small_corpus, {"doc-1/en.md": b"\xef\xbb\xbf" + VERSION_EN.replace("\n", "\r\n").encode()})
    english = load_corpus(small_corpus).documents[0].version("en")
    assert english.paragraphs[0].text == "TELEGRAM No. 1"


def test_missing_document_yaml(small_corpus):
    (small_corpus / "doc-1" / "document.yaml").unlink()
    assert only_problem(small_corpus) == f"{small_corpus}/doc-1/document.yaml:1: missing document.yaml"


def test_document_yaml_missing_fields_and_wrong_types(small_corpus):
    (small_corpus / "doc-1" / "aprf-copy.md").unlink()
    write_files(small_corpus, {"doc-1/document.yaml": "title: 5\ndate: 1951-08-27\n"})
    assert problems_of(small_corpus) == [
        f"{small_corpus}/doc-1/document.yaml:1: field 'title' must be text, not a number",
        f"{small_corpus}/doc-1/document.yaml:1: missing required field 'original_language'",
    ]


def test_path_like_base(small_corpus):
    write_files(small_corpus, {"doc-1/document.yaml": DOCUMENT_YAML.replace("base: en", "base: ../doc-2/en")})
    assert "contains a path separator" in only_problem(small_corpus)


def test_unknown_base(small_corpus):
    write_files(small_corpus, {"doc-1/document.yaml": DOCUMENT_YAML.replace("base: en", "base: fr")})
    assert only_problem(small_corpus) == f"{small_corpus}/doc-1/document.yaml:4: base names unknown version 'fr'"


@pytest.mark.parametrize(
    "folder, message",
    [
        ("Doc 2", "contains a space"),
        ("doc..2", "contains '..'"),
        ("dоc-2", "non-ASCII letter 'о' (CYRILLIC SMALL LETTER O)"),
        ("Doc-2", "is not a slug"),
    ],
)
def test_bad_document_ids(small_corpus, folder, message):
    write_files(small_corpus, {f"{folder}/document.yaml": DOCUMENT_YAML.replace("base: en\n", "")})
    found = only_problem(small_corpus)
    assert found.startswith(f"{small_corpus}/{folder}:1: document id")
    assert message in found


@pytest.mark.parametrize("name", ["en copy.md", "en..copy.md", "еn.md"])
def test_bad_version_ids(small_corpus, name):
    write_files(small_corpus, {f"doc-1/{name}": VERSION_EN})
    assert only_problem(small_corpus).startswith(f"{small_corpus}/doc-1/{name}:1: version id")


def test_duplicate_version_ids(small_corpus):
    write_files(small_corpus, {"doc-1/EN.md": VERSION_EN})
    assert any("duplicate version id 'en'" in found for found in problems_of(small_corpus))


def test_derivation_cycle(small_corpus):
    write_files(
        small_corpus,
        {
            "doc-1/a.md": "---\nkind: edition\nlanguage: en\nderived_from: b\n---\nText.\n",
            "doc-1/b.md": "---\nkind: edition\nlanguage: en\nderived_from: a\n---\nText.\n",
        },
    )
    assert "derived_from forms a cycle: a -> b -> a" in only_problem(small_corpus)


def test_symlink_out_of_the_corpus_is_refused(small_corpus, tmp_path):
    outside = write_files(tmp_path / "outside", {"secret.md": VERSION_EN})
    (small_corpus / "doc-1" / "leak.md").symlink_to(outside / "secret.md")
    assert "symbolic link leads outside" in only_problem(small_corpus)


def test_unexpected_files(small_corpus):
    write_files(small_corpus, {"stray.txt": "x", "doc-1/notes.txt": "x"})
    assert len(problems_of(small_corpus)) == 2


def test_corrections_are_read_and_checked(small_corpus):
    write_files(small_corpus, {"doc-1/ru.md": "---\nkind: original\nlanguage: ru\n---\nТекст.\n\nЕщё.\n"})
    write_files(small_corpus, {"doc-1/alignment.yaml": "pin:\n  - [en/2, ru/1]\nforbid:\n  - [en/1, ru/2]\n"})
    [document] = load_corpus(small_corpus).documents
    assert [(c.action, c.a, c.b, c.line) for c in document.corrections] == [
        ("pin", ("en", 2), ("ru", 1), 2),
        ("forbid", ("en", 1), ("ru", 2), 4),
    ]


def test_a_correction_may_record_who_made_it_and_when(small_corpus):
    write_files(small_corpus, {"doc-1/ru.md": "---\nkind: original\nlanguage: ru\n---\nТекст.\n\nЕщё.\n"})
    write_files(small_corpus, {"doc-1/alignment.yaml": (
        "pin:\n  - [en/1, ru/1]\n  - {pair: [en/2, ru/2], by: alice, at: '2026-12-03T15:02:11Z'}\n")})
    [document] = load_corpus(small_corpus).documents
    assert [(c.a, c.b, c.by, c.at, c.line) for c in document.corrections] == [
        (("en", 1), ("ru", 1), None, None, 2),
        (("en", 2), ("ru", 2), "alice", "2026-12-03T15:02:11Z", 3),
    ]


def test_correction_naming_a_vanished_paragraph(small_corpus):
    write_files(small_corpus, {"doc-1/alignment.yaml": "pin:\n  - [en/9, en/1]\n"})
    assert only_problem(small_corpus) == (
        f"{small_corpus}/doc-1/alignment.yaml:2: 'en/9': paragraph 9 no longer exists (en has 3)"
    )


# Corrections anchored to text: stable keys, resolved once the build knows them ---------------------------------------

TWO_ENGLISH = {
    "doc-1/en-2.md": "---\nkind: translation\nlanguage: en\n---\nCompletely different words.\n\nMao Zedong.\n",
}


def _pin_by_key(corpus: Path, en: int, en_2: int) -> str:
    """alignment.yaml pinning paragraph ``en`` of en to ``en_2`` of en-2 (from 1), by their keys as they stand."""
    [document] = load_corpus(corpus).documents
    keys = document_keys(document)
    return f"pin:\n  - [en/{keys['en'].keys[en - 1]}, en-2/{keys['en-2'].keys[en_2 - 1]}]\n"


def _pinned_rows(db_path: Path) -> list[tuple[str, ...]]:
    """The texts of the two paragraphs of each stored correction, with its note."""
    conn = sqlite3.connect(db_path)
    return conn.execute(
        "select a.text, b.text, c.note from corrections c join paragraphs a on a.id = c.paragraph_a_id "
        "join paragraphs b on b.id = c.paragraph_b_id").fetchall()


def test_a_correction_by_key_stays_with_its_text_when_paragraphs_are_added(small_corpus, tmp_path):
    write_files(small_corpus, TWO_ENGLISH)
    write_files(small_corpus, {"doc-1/alignment.yaml": _pin_by_key(small_corpus, 2, 1)})
    pinned = small_corpus / "doc-1" / "en.md"
    text = pinned.read_text(encoding="utf-8")
    pinned.write_text(text.replace("TELEGRAM No. 1\n", "A new first paragraph.\n\nTELEGRAM No. 1\n"), encoding="utf-8")
    build(small_corpus, tmp_path / "v.db")
    [(a, b, note)] = _pinned_rows(tmp_path / "v.db")
    assert a.startswith("On August 19") and b == "Completely different words." and note is None
    [document] = load_corpus(small_corpus).documents
    collation = collate(with_corrections_resolved(document, document_keys(document)))
    [group] = [g for g in collation.table.groups if 0 in g.paragraphs("en-2")]
    assert group.paragraphs("en") == (2,)  # the pinned paragraph, now the third


def test_the_old_positional_form_is_still_read_and_applied(small_corpus, tmp_path):
    write_files(small_corpus, TWO_ENGLISH | {"doc-1/alignment.yaml": "pin:\n  - [en/2, en-2/1]\n"})
    build(small_corpus, tmp_path / "v.db")
    [(a, b, _)] = _pinned_rows(tmp_path / "v.db")
    assert a.startswith("On August 19") and b == "Completely different words."


def test_a_correction_whose_paragraph_is_gone_is_an_error_of_check_and_build(small_corpus, tmp_path):
    write_files(small_corpus, TWO_ENGLISH)
    write_files(small_corpus, {"doc-1/alignment.yaml": "# pins\n" + _pin_by_key(small_corpus, 2, 1)})
    entry = (small_corpus / "doc-1" / "alignment.yaml").read_text(encoding="utf-8").splitlines()[2]
    pinned = small_corpus / "doc-1" / "en.md"
    pinned.write_text(pinned.read_text(encoding="utf-8").replace("On August 19", "On August 20"), encoding="utf-8")
    refs = entry[5:-1]
    expected = f"{small_corpus}/doc-1/alignment.yaml:3: pin [{refs}]: paragraph {refs.split(', ')[0]} no longer exists"
    assert [str(p) for p in check(small_corpus)] == [expected]
    with pytest.raises(CorpusError):
        build(small_corpus, tmp_path / "v.db")
    assert not (tmp_path / "v.db").exists()


def test_a_correction_whose_paragraph_changed_still_applies_with_a_note(tmp_path):
    from conftest import commit, git
    from versions.store import check

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    corpus = repo / "translations"
    commit(repo, "Add", {"translations/doc-1/document.yaml": DOCUMENT_YAML, "translations/doc-1/en.md": VERSION_EN,
                         **{f"translations/{k}": v for k, v in TWO_ENGLISH.items()}}, "2024-01-01T09:00:00+00:00")
    commit(repo, "Pin", {"translations/doc-1/alignment.yaml": _pin_by_key(corpus, 2, 1)}, "2024-01-02T09:00:00+00:00")
    edited = VERSION_EN.replace("On August 19", "On 19 August")
    commit(repo, "Edit", {"translations/doc-1/en.md": edited}, "2024-01-03T09:00:00+00:00")
    build(corpus, tmp_path / "v.db")
    [(a, b, note)] = _pinned_rows(tmp_path / "v.db")
    assert a.startswith("On 19 August") and b == "Completely different words."
    assert note.startswith("en/") and note.endswith("changed since its key was made (revision 2)")
    [warned] = check(corpus)  # the one pass of check and build says it too, as a warning
    assert warned.warning and str(warned) == f"{corpus}/doc-1/alignment.yaml:2: warning: {note}"
    result = versions_command("check", "--corpus", corpus)
    assert result.returncode == 0 and f"alignment.yaml:2: warning: {note}" in result.stderr
    assert result.stdout.strip() == f"{corpus}: no problems (1 warning)"


def test_shipped_corpus_has_no_problems():
    from conftest import SHIPPED_CORPUS

    assert problems_of(SHIPPED_CORPUS) == []


# --- what used to crash the reader or the hashing (issue 11) ---------------------------------------------------------


def refuse(monkeypatch, target, name: str, path_part: str) -> None:
    """Make ``target.name`` raise PermissionError for paths containing ``path_part``, as chmod 000 does for others
    than root (the tests run as root, whom permissions do not stop)."""
    original = getattr(target, name)

    def denied(*args, **kwargs):
        if any(path_part in str(getattr(arg, "path", arg)) for arg in args):
            raise PermissionError(13, "Permission denied")
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, denied)


def test_an_unreadable_file_is_hashed_as_such_and_reported(small_corpus, monkeypatch):
    refuse(monkeypatch, builtins, "open", "en.md")
    refuse(monkeypatch, os, "open", "en.md")
    readable = document_hashes(small_corpus)["doc-1"]
    assert only_problem(small_corpus) == f"{small_corpus}/doc-1/en.md:1: cannot read: Permission denied"
    monkeypatch.undo()
    assert document_hashes(small_corpus)["doc-1"] != readable


def test_an_unreadable_folder_is_hashed_as_such_and_reported(small_corpus, monkeypatch):
    refuse(monkeypatch, os, "scandir", "doc-1")
    refuse(monkeypatch, Path, "iterdir", "doc-1")
    assert document_hashes(small_corpus)["doc-1"].signature is None
    assert only_problem(small_corpus) == f"{small_corpus}/doc-1:1: cannot read folder: Permission denied"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_chmod_000_is_reported_not_raised(small_corpus):
    path = small_corpus / "doc-1" / "en.md"
    path.chmod(0)
    try:
        document_hashes(small_corpus)
        assert only_problem(small_corpus) == f"{path}:1: cannot read: Permission denied"
    finally:
        path.chmod(0o644)


def test_names_that_are_not_utf8_are_reported_on_one_line(small_corpus):
    folder = os.fsencode(small_corpus / "doc-1")
    with open(folder + b"/en\xff.md", "wb") as handle:
        handle.write(VERSION_EN.encode())
    os.mkdir(os.fsencode(small_corpus) + b"/doc\xfe")
    assert set(document_hashes(small_corpus)) == {"doc-1", "doc\udcfe"}
    assert problems_of(small_corpus) == [
        f"{small_corpus}/doc-1/en\\xff.md:1: version id 'en\\xff': file name is not UTF-8; rename it",
        f"{small_corpus}/doc\\xfe:1: document id 'doc\\xfe': file name is not UTF-8; rename it",
        f"{small_corpus}/doc\\xfe/document.yaml:1: missing document.yaml",
    ]


@pytest.mark.parametrize("link", ["doc-2", "doc-1/proc.md", "doc-1/alignment.yaml"])
def test_links_to_proc_self_are_refused_before_anything_is_read_through_them(small_corpus, monkeypatch, link):
    (small_corpus / link).symlink_to("/proc/self")
    real_open = builtins.open

    real_os_open = os.open

    def no_proc(file, *args, **kwargs):
        assert isinstance(file, int) or not os.path.realpath(file).startswith("/proc"), f"{file} was read"
        return real_open(file, *args, **kwargs)

    def no_proc_descriptor(file, *args, **kwargs):
        assert not os.path.realpath(file).startswith("/proc"), f"{file} was read"
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", no_proc)
    monkeypatch.setattr(os, "open", no_proc_descriptor)
    assert set(document_hashes(small_corpus)) == ({"doc-1", "doc-2"} if link == "doc-2" else {"doc-1"})
    assert only_problem(small_corpus).startswith(f"{small_corpus}/{link}:1: symbolic link leads outside")


def test_derivations_keep_their_lines_and_are_named_once(small_corpus):
    write_files(small_corpus, {
        "doc-1/ru.md": "---\nkind: original\nlanguage: ru\n---\nТекст.\n",
        "doc-1/en.md": VERSION_EN.replace("label: English\n", "derived_from:\n  - ru\n  - {version: ru}\n"),
    })
    assert only_problem(small_corpus) == f"{small_corpus}/doc-1/en.md:6: derived_from names 'ru' twice"


@pytest.mark.parametrize(
    "front, line, message",
    [
        ("derived_from: {version: ru, relaton: copy-of}\n", 4, "unknown field 'relaton'"),
        ("derived_from: [{version: ru, relation: copy-of, by: me}]\n", 4, "unknown field 'by'"),
        ("? [a, b]\n: c\n", 4, "field names are text, not a list"),
        ("? {a: b}\n: c\n", 4, "field names are text, not a mapping"),
        ("true: c\n", 4, "field names are text, not 'true' (bool)"),
        ("<<: {label: X}\n", 4, "merge keys (<<) are not allowed"),
        ("date: 0x79f\n", 4, "'0x79f' reads as a number"),
        ("date: 1_951\n", 4, "'1_951' reads as a number"),
        ("date: 03637\n", 4, "field 'date' must be text, not a number"),  # octal 1951 in YAML 1.1
        ("note: " + "9" * 5000 + "\n", 4, "reads as a number"),
        ("date: 19510\n", 4, "field 'date' must be text, not a number"),
        ("label: a\x7fb\n", 4, "control character U+007F at column 9"),
        ("label: a\u2029b\n", 4, "line separator U+2029"),
    ],
)
def test_front_matter_refused_at_its_line(small_corpus, front, line, message):
    write_files(small_corpus, {
        "doc-1/ru.md": "---\nkind: original\nlanguage: ru\n---\nТекст.\n",
        "doc-1/bad.md": f"---\nkind: edition\nlanguage: ru\n{front}---\nТекст.\n",
    })
    found = only_problem(small_corpus)
    assert found.startswith(f"{small_corpus}/doc-1/bad.md:{line}: "), found
    assert message in found


def test_a_bare_four_digit_year_is_text(small_corpus):
    write_files(small_corpus, {"doc-1/document.yaml": DOCUMENT_YAML.replace("date: 1951-08-27", "date: 1951")})
    assert load_corpus(small_corpus).documents[0].date == "1951"


CORRECTION_PROBLEMS = {
    "pin within one version": ("pin:\n  - [en/1, en/2]\n", 2, "a correction links two versions, not en with itself"),
    "pin and forbid": ("pin: [[en/1, ru/1]]\nforbid: [[ru/1, en/1]]\n", 2, "forbid [ru/1, en/1] is pinned too"),
    "forbid inside pins": (
        "pin:\n  - [en/1, ru/1]\n  - [ru/3, en/1]\nforbid:\n  - [en/1, ru/2]\n",
        5,
        "forbid [en/1, ru/2] lies inside a group of paragraphs the pins join",
    ),
    "arabic-indic digits": ("pin:\n  - [en/\u0662, ru/1]\n", 2, "is not a paragraph reference"),
    "fullwidth digits": ("pin:\n  - [en/\uff12, ru/1]\n", 2, "is not a paragraph reference"),
    "huge number": ("pin:\n  - [en/" + "7" * 5000 + ", ru/1]\n", 2, "is not a paragraph reference"),
    "number key": ("1: [[en/1, ru/1]]\n", 1, "field names are text, not '1' (int)"),
    "null key": ("pin: [[en/1, ru/1]]\n~: [[en/2, ru/2]]\n", 2, "field names are text, not '~' (null)"),
    "flow entries keep their lines": ("forbid: [[en/1, ru/1],\n         [en/9, ru/1]]\n", 2, "paragraph 9 no longer"),
    "unknown field in a recorded entry": (
        "pin:\n  - [en/1, ru/1]\n  - {pair: [en/2, ru/2], who: me}\n", 3, "unknown field 'who' in a correction"),
    "a record that is not text": ("pin:\n  - {pair: [en/2, ru/2], by: [me]}\n", 2, "by of a correction is text"),
    "a record without its pair": ("pin:\n  - {by: me}\n", 2, "pin entries are pairs like"),
}


@pytest.mark.parametrize("name", CORRECTION_PROBLEMS)
def test_corrections_the_aligner_would_refuse_are_refused_at_their_line(small_corpus, name):
    text, line, message = CORRECTION_PROBLEMS[name]
    write_files(small_corpus, {
        "doc-1/ru.md": "---\nkind: original\nlanguage: ru\n---\nОдин.\n\nДва.\n\nТри.\n",
        "doc-1/alignment.yaml": text,
    })
    found = only_problem(small_corpus)
    assert found.startswith(f"{small_corpus}/doc-1/alignment.yaml:{line}: "), found
    assert message in found


def test_an_encoding_that_does_not_read_ascii_as_ascii_is_one_problem_for_the_corpus(small_corpus):
    [found] = problems_of(small_corpus, "utf-7")
    assert found.startswith(f"{small_corpus}:1: --encoding 'utf-7' does not read ASCII as ASCII")


def test_an_unreadable_corpus_folder_is_one_problem(small_corpus, monkeypatch):
    refuse(monkeypatch, os, "scandir", "translations")
    assert document_hashes(small_corpus) == {}
    assert problems_of(small_corpus) == [f"{small_corpus}:1: cannot read folder: Permission denied"]


def test_a_link_whose_target_holds_a_newline_is_reported_on_one_line(small_corpus):
    (small_corpus / "doc-1" / "gone.md").symlink_to("no\nwhere.md")
    [found] = check_corpus(small_corpus)
    assert str(found) == f"{small_corpus}/doc-1/gone.md:1: broken symbolic link to no\\nwhere.md"


UNPARSED_REFS = """\
    tom: "2"
  - citation: Fond 7, Delo 2
    unparsed: true
"""


def test_volume_and_unparsed_references_are_read(small_corpus):
    write_files(small_corpus, {"doc-1/document.yaml": DOCUMENT_YAML + UNPARSED_REFS})
    [document] = load_corpus(small_corpus).documents
    aprf, unparsed = document.archival_refs
    assert (aprf.archive, aprf.tom, aprf.unparsed) == ("APRF", "2", False)
    assert (unparsed.archive, unparsed.citation, unparsed.unparsed) == (None, "Fond 7, Delo 2", True)


@pytest.mark.parametrize(
    "entry, message",
    [
        ('  - fond: "5"\n', "missing required field 'archive'"),
        ("  - citation: Fond 7\n    unparsed: false\n", "missing required field 'archive'"),
        ("  - unparsed: true\n", "an unparsed archival reference has its 'citation' and nothing else"),
        ("  - citation: Fond 7\n    archive: GARF\n    unparsed: true\n",
         "an unparsed archival reference has its 'citation' and nothing else"),
    ],
)
def test_a_reference_names_its_archive_unless_it_is_kept_unparsed(small_corpus, entry, message):
    write_files(small_corpus, {"doc-1/document.yaml": DOCUMENT_YAML + entry})
    assert only_problem(small_corpus) == f"{small_corpus}/doc-1/document.yaml:11: {message}"


def test_two_spellings_of_one_archive_are_one_archive(small_corpus):
    write_files(small_corpus, {"doc-1/document.yaml": DOCUMENT_YAML + "  - archive: АП РФ\n"})
    message = "two archival references for the same archive (aprf)"
    assert only_problem(small_corpus) == f"{small_corpus}/doc-1/document.yaml:5: {message}"


def _with_language(tmp_path, tag: str) -> Path:
    return write_files(tmp_path / "translations", {
        "doc/document.yaml": "title: Tags (illustrative)\ndate: 1951\noriginal_language: ru\n",
        "doc/ru.md": "---\nkind: original\nlanguage: ru\n---\nТекст.\n",
        "doc/other.md": f"---\nkind: translation\nlanguage: {tag}\n---\nText.\n",
    })


@pytest.mark.parametrize("tag", ["ru", "zh-Hant", "zh-Hans-CN", "en-GB", "es-419", "yue"])
def test_a_language_tag_with_a_script_or_region_is_accepted(tmp_path, tag):
    assert load_corpus(_with_language(tmp_path, tag)).documents[0].version("other").language == tag


@pytest.mark.parametrize("tag", ["English", "zh_TW", "ZH", "zh-hant", "en-gb-oxford", "z"])
def test_anything_else_is_refused_naming_file_and_line(tmp_path, tag):
    with pytest.raises(CorpusError, match=r"other\.md:3: language .* is not a language tag"):
        load_corpus(_with_language(tmp_path, tag))
