import dataclasses
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import disk_full_after, snapshot, versions_command

from versions.archival import ArchivalRef
from versions.cli import cli
from versions.durable import WriteError
from versions.errors import CorpusError
from versions.ingest.documents import default_document_id, write_document
from versions.ingest.record import Content, WilsonRecord, sender_and_recipient
from versions.ingest.staging import ImportFailure
from versions.ingest.wilson import parse_wilson_record, read_wilson_record

SEED = Path(__file__).parent / "data" / "seed" / "telegram-23256.txt"
TITLE = "Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin]"
URL = "https://wilson-center.drivingcreative.com/document/110381"
SEED_REFS = (
    ArchivalRef("APRF", "45", "1", "340", None, "86-88", "APRF, Fond 45, Opis 1, Delo 340, Listy 86-88"),
    ArchivalRef(
        "AVP RF", "059a", "5a", "5", "11", "51-53", "AVP RF, Fond 059a, Opis 5a, Delo 5, Papka 11, Listy 51-53"
    ),
    ArchivalRef("RGASPI", "558", "11", "341", None, "86-88", "RGASPI, f. 558, op. 11, d. 341, ll. 86-88"),
)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def record(seed_text) -> WilsonRecord:
    return parse_wilson_record(seed_text)


def split_front_matter(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    front_matter, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(front_matter), body


# The seed, field by field


def test_seed_date_and_title(record):
    assert record.date == "1951-08-27"
    assert record.title == TITLE
    assert record.warnings == ()


def test_seed_sender_and_recipient(record):
    assert (record.sender, record.recipient) == ("Mao Zedong", "Filippov [Stalin]")


def test_seed_summary(record):
    assert record.summary.startswith("A telegram from Mao to Stalin informing the latter")
    assert record.summary.endswith("the possible outcomes of such a suspension.")
    assert "\n" not in record.summary


def test_seed_languages_and_contents(record):
    assert record.original_language == "ru"
    assert record.contents == (Content("translation", "en"),)
    assert (record.text_kind, record.text_language) == ("translation", "en")


def test_seed_citation_and_source(record, seed_text):
    assert record.citation.startswith(f'"{TITLE}", August 27, 1951, Wilson Center Digital Archive, APRF')
    assert record.citation.endswith(f"ll. 86-88. <{URL}>")
    assert record.citation in seed_text
    assert record.source_url == URL


def test_seed_archival_refs(record):
    assert record.archival_refs == SEED_REFS


def test_seed_body_is_the_verbatim_rest_of_the_record(record, seed_text):
    start = seed_text.index("## SECOND MAIN ADMINISTRATION")
    assert record.body == seed_text[start:]
    assert record.body.startswith("## SECOND MAIN ADMINISTRATION OF THE GENERAL STAFF OF THE SOVIET ARMY\n\n")
    assert record.body.endswith("Mao Zedong.\n\n[...]")
    assert "answer—we'll let them cool their heels" in record.body


def test_seed_document_id(record):
    assert default_document_id(record) == "telegram-23256"


def test_read_wilson_record_reads_the_file(record):
    assert read_wilson_record(SEED) == record


# Writing the corpus layout


@pytest.fixture
def written(record, tmp_path) -> Path:
    return write_document(record, tmp_path / "translations")


def test_write_document_files(written, tmp_path):
    assert written == tmp_path / "translations" / "telegram-23256"
    assert sorted(path.name for path in written.iterdir()) == [
        "aprf-copy.md", "avp-rf-copy.md", "document.yaml", "rgaspi-copy.md", "wilson-en.md",
    ]


def test_document_yaml_round_trip(written, record):
    document = yaml.safe_load((written / "document.yaml").read_text(encoding="utf-8"))
    assert document == {
        "title": TITLE,
        "date": "1951-08-27",
        "from": "Mao Zedong",
        "to": "Filippov [Stalin]",
        "summary": record.summary,
        "original_language": "ru",
        "base": "wilson-en",
        "citation": record.citation,
        "source": {"name": "Wilson Center Digital Archive", "url": URL},
        "rights": document["rights"],
        "archival_refs": [
            {"archive": "APRF", "fond": "45", "opis": "1", "delo": "340", "listy": "86-88",
             "citation": SEED_REFS[0].citation},
            {"archive": "AVP RF", "fond": "059a", "opis": "5a", "delo": "5", "papka": "11", "listy": "51-53",
             "citation": SEED_REFS[1].citation},
            {"archive": "RGASPI", "fond": "558", "opis": "11", "delo": "341", "listy": "86-88",
             "citation": SEED_REFS[2].citation},
        ],
    }
    assert "Wilson Center Digital Archive" in document["rights"]


@pytest.mark.parametrize("slug, archive", [("aprf", "APRF"), ("avp-rf", "AVP RF"), ("rgaspi", "RGASPI")])
def test_archival_copies_are_untranscribed_versions(written, slug, archive):
    front_matter, body = split_front_matter((written / f"{slug}-copy.md").read_text(encoding="utf-8"))
    assert front_matter == {
        "kind": "archival-copy",
        "language": "ru",
        "archive": archive,
        "label": f"{archive} copy (Russian)",
        "transcribed": False,
    }
    assert body == ""


def test_translation_version_round_trip(written, record):
    raw = (written / "wilson-en.md").read_bytes()
    assert b"\r" not in raw
    front_matter, body = split_front_matter(raw.decode("utf-8"))
    assert front_matter == {
        "kind": "translation",
        "language": "en",
        "label": "English translation (Wilson Center Digital Archive)",
        "publisher": "Wilson Center Digital Archive",
        "source": URL,
        "derived_from": [
            {"version": "aprf-copy", "relation": "translation-of"},
            {"version": "avp-rf-copy", "relation": "translation-of"},
            {"version": "rgaspi-copy", "relation": "translation-of"},
        ],
    }
    assert body == record.body


def test_write_document_refuses_to_overwrite(written, record):
    before = (written / "wilson-en.md").read_bytes()
    with pytest.raises(FileExistsError, match="telegram-23256.*overwrite"):
        write_document(record, written.parent)
    assert (written / "wilson-en.md").read_bytes() == before


def test_write_document_overwrites_on_request_and_keeps_other_versions(written, record):
    (written / "en-revised.md").write_text("---\nkind: translation\nlanguage: en\n---\nText\n", encoding="utf-8")
    (written / "wilson-en.md").write_text("changed", encoding="utf-8")
    assert write_document(record, written.parent, overwrite=True) == written
    assert split_front_matter((written / "wilson-en.md").read_text(encoding="utf-8"))[1] == record.body
    assert (written / "en-revised.md").exists()
    assert not [path for path in written.iterdir() if path.name.endswith(".tmp")]


def test_written_files_are_readable_by_everyone(written):
    assert {path.stat().st_mode & 0o777 for path in written.iterdir()} == {0o644}


def test_write_document_with_explicit_id(record, tmp_path):
    assert write_document(record, tmp_path, "mao-stalin-1951").name == "mao-stalin-1951"


@pytest.mark.parametrize("bad_id", ["../escape", "a/b", "Telegram", "two words", "double--hyphen", "-x", "a" * 65])
def test_write_document_refuses_ids_that_are_not_slugs(record, tmp_path, bad_id):
    with pytest.raises(ValueError, match="not a slug"):
        write_document(record, tmp_path, bad_id)
    assert list(tmp_path.iterdir()) == []


# Other records


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1
    return text.replace(old, new)


def test_record_without_telegram_number_is_named_after_the_url(seed_text):
    text = replace_once(
        seed_text, "**Ciphered Telegram No. 23256, Mao Zedong to Cde.**  ", "**Letter, Mao Zedong to**"
    )
    text = replace_once(text, '"Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin]"', '"Letter"')
    record = parse_wilson_record(text)
    assert record.title == "Letter"
    assert "differs from the citation's" in record.warnings[0]
    assert (record.sender, record.recipient) == (None, None)
    assert default_document_id(record) == "wilson-110381"


@pytest.mark.parametrize(
    "url, title, document_id",
    [
        ("https://example.org/document/letter-from-an-example-minister", "Letter", "wilson-letter-from-an-example-minister"),
        (None, "Telegram, Example to Another", "wilson-1951-08-27-telegram-example-to-another"),
        (None, "Записка Примерова", "wilson-1951-08-27-zapiska-primerova"),
        (None, "Memorandum " * 10, "wilson-1951-08-27-memorandum-memorandum-memorandum-memorandum"),
    ],
)
def test_a_record_with_no_number_and_no_record_id_gets_an_id_from_its_url_or_its_date_and_title(
    record, url, title, document_id
):
    other = dataclasses.replace(record, title=title, source_url=url, record_id=None)
    assert default_document_id(other) == document_id


def test_transcript_becomes_an_edition_of_the_copies(seed_text, tmp_path):
    text = replace_once(seed_text, "Translation - English", "Original Scan\n\nTranscript - Russian")
    record = parse_wilson_record(text)
    assert record.contents == (Content("original-scan", None), Content("transcript", "ru"))
    assert record.body.startswith("## SECOND MAIN")
    front_matter, _ = split_front_matter((write_document(record, tmp_path) / "wilson-ru.md").read_text("utf-8"))
    assert (front_matter["kind"], front_matter["language"]) == ("edition", "ru")
    assert {link["relation"] for link in front_matter["derived_from"]} == {"edition-of"}


def test_crlf_and_byte_order_mark_are_read_as_lf(seed_text, record):
    assert parse_wilson_record("\ufeff" + seed_text.replace("\n", "\r\n")) == record


@pytest.mark.parametrize(
    "date_line, iso",
    [("**27 August 1951**", "1951-08-27"), ("**Aug 27, 1951**", "1951-08-27"), ("**August 1951**", "1951-08"),
     ("**1951**", "1951")],
)
def test_other_date_forms(seed_text, date_line, iso):
    assert parse_wilson_record(replace_once(seed_text, "**August 27, 1951**", date_line)).date == iso


@pytest.mark.parametrize(
    "title, sender, recipient",
    [
        ("Letter from Kim Il Sung to Comrade Stalin", "Kim Il Sung", "Stalin"),
        ("Telegram, Stalin to Cde. Mao Zedong, via Roshchin", "Stalin", "Mao Zedong"),
        ("Record of a Conversation", None, None),
    ],
)
def test_sender_and_recipient(title, sender, recipient):
    assert sender_and_recipient(title) == (sender, recipient)


# Broken records: a clear error naming the line


def problem(text: str) -> ImportFailure:
    with pytest.raises(ImportFailure) as caught:
        parse_wilson_record(text)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == caught.value.message
    return caught.value


def test_missing_citation(seed_text):
    start = seed_text.index("**Citation:**")
    error = problem(seed_text[:start] + seed_text[seed_text.index("**Summary:**"):])
    assert "Citation" in error.message
    assert error.line == 15  # the Contents line, before which the citation belongs


def test_missing_contents_block(seed_text):
    error = problem(replace_once(seed_text, "**Contents:**\n\nTranslation - English\n\n", ""))
    assert "Contents" in error.message
    assert error.line == len(seed_text.split("\n")) - 4


def test_contents_naming_no_text(seed_text):
    error = problem(replace_once(seed_text, "Translation - English", "Original Scan"))
    assert error.line == 19
    assert "names no text" in error.message


def test_garbage_date(seed_text):
    error = problem(replace_once(seed_text, "**August 27, 1951**", "**sometime in the summer**"))
    assert error.line == 3
    assert "unknown date format 'sometime in the summer'" in error.message


def test_impossible_date(seed_text):
    error = problem(replace_once(seed_text, "August 27, 1951**", "February 30, 1951**"))
    assert (error.line, error.message) == (3, "February 1951 has no day 30")


def test_unknown_original_language(seed_text):
    error = problem(replace_once(seed_text, "\nRussian\n", "\nKlingon\n"))
    assert error.line == 17
    assert "unknown language 'Klingon'" in error.message


def test_empty_field(seed_text):
    summary_start = seed_text.index("A telegram from Mao")
    summary_end = seed_text.index("**Original Language:**")
    error = problem(seed_text[:summary_start] + seed_text[summary_end:])
    assert (error.line, error.message) == (11, "field Summary is empty")


def test_duplicate_field(seed_text):
    repeated = "**Summary:**\n\nAgain.\n\n**Original Language:**"
    error = problem(replace_once(seed_text, "**Original Language:**", repeated))
    assert error.line == 15
    assert "appears twice (first on line 11)" in error.message


def test_no_text_after_contents(seed_text):
    error = problem(seed_text[: seed_text.index("## SECOND")])
    assert "no text after the Contents block" in error.message


def test_duplicate_archive_in_citation(seed_text):
    error = problem(replace_once(seed_text, "and RGASPI, f. 558", "and APRF, f. 558"))
    assert error.line == 9
    assert "names APRF twice" in error.message


def test_empty_record():
    assert problem("\n \n").line == 1


def test_nul_byte(seed_text):
    series_line = seed_text[: seed_text.index("SERIES")].count("\n") + 1
    assert problem(replace_once(seed_text, "SERIES", "SER\0IES")).line == series_line


def test_undecodable_bytes_name_line_and_offset(tmp_path, seed_text):
    path = tmp_path / "record.txt"
    path.write_bytes(seed_text.encode("utf-8").replace(b"SERIES", "СЕРИЯ".encode("cp1251")))
    with pytest.raises(ImportFailure) as caught:
        read_wilson_record(path)
    assert caught.value.line == seed_text[: seed_text.index("SERIES")].count("\n") + 1
    assert "is not UTF-8" in caught.value.message
    assert read_wilson_record(path, encoding="cp1251").body.count("СЕРИЯ") == 1


# One import path: checked as `versions check` reads it, written all or nothing, inputs only from regular files


def test_write_document_refuses_a_document_the_corpus_checks_refuse(written, record):
    (written / "en-revised.md").write_text(
        "---\nkind: translation\nlanguage: en\nderived_from: [no-such-version]\n---\nText\n", encoding="utf-8"
    )
    before = snapshot(written.parent)
    with pytest.raises(CorpusError, match="no-such-version"):
        write_document(record, written.parent, overwrite=True)
    assert snapshot(written.parent) == before


@pytest.mark.parametrize("writes", [0, 2, 4])
def test_a_full_disk_leaves_no_partial_document(record, tmp_path, monkeypatch, writes):
    corpus = tmp_path / "translations"
    (corpus / "other").mkdir(parents=True)
    disk_full_after(monkeypatch, writes)
    with pytest.raises(WriteError, match=f"^{corpus / 'telegram-23256'}: cannot write: No space left on device$"):
        write_document(record, corpus)
    assert [p.name for p in corpus.iterdir()] == ["other"]


def test_a_full_disk_while_overwriting_leaves_the_document_as_it_was(written, record, monkeypatch):
    (written / "wilson-en.md").write_text(
        (written / "wilson-en.md").read_text(encoding="utf-8") + "\nAn added line.\n", encoding="utf-8"
    )
    before = snapshot(written.parent)
    disk_full_after(monkeypatch, 3)
    with pytest.raises(WriteError):
        write_document(record, written.parent, overwrite=True)
    assert snapshot(written.parent) == before


def test_the_cli_says_a_full_disk_in_one_line(tmp_path, monkeypatch):
    corpus = tmp_path / "translations"
    disk_full_after(monkeypatch, 1)
    result = CliRunner().invoke(cli, ["import", str(SEED), "--corpus", str(corpus)], catch_exceptions=False)
    assert (result.exit_code, result.stderr) == (
        1, f"{corpus / 'telegram-23256'}: cannot write: No space left on device\n"
    )
    assert not corpus.exists()


def test_the_cli_refuses_a_named_pipe_and_a_device_without_reading_them(tmp_path):
    pipe = tmp_path / "record.txt"
    os.mkfifo(pipe)
    for source in (pipe, Path("/dev/zero")):
        result = versions_command("import", source, "--corpus", tmp_path / "translations")
        assert (result.returncode, result.stderr) == (
            1, f"{source}:1: not a regular file (a folder, pipe or device cannot be read as text)\n"
        )
    assert not (tmp_path / "translations").exists()
    with pytest.raises(ImportFailure, match="not a regular file"):
        read_wilson_record(Path("/dev/zero"))


def test_a_markdown_record_dated_year_0000_is_refused_at_import_with_its_line(seed_text):
    with pytest.raises(ImportFailure) as caught:
        parse_wilson_record(seed_text.replace("**August 27, 1951**", "**August 27, 0000**"))
    assert caught.value.line == 3 and "0000" in caught.value.message
