import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import disk_full_after, snapshot, versions_command, write_files
from versions.archival import ArchivalRef
from versions.cli import cli
from versions.errors import CorpusError
from versions.ingest.wilson import (
    Content,
    ImportFailure,
    WilsonRecord,
    default_document_id,
    parse_wilson_record,
    read_wilson_record,
    sender_and_recipient,
    write_document,
)
from versions.durable import WriteError

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


# Page text: a record page copied from a browser or a reader view

INGEST = Path(__file__).parent / "data" / "ingest"
PAGES = ["page-blank-lines.txt", "page-single-newlines.txt", "page-wrapped.txt", "page-russian-english.txt",
         "page-title-first.txt", "page-summary-below.txt", "page-document-information-prose.txt"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_text_fixture_imports_with_no_flags(tmp_path, name):
    from versions.ingest import import_file

    result = import_file(INGEST / name, tmp_path)
    assert (result.folder / "document.yaml").is_file()


def test_page_text_navigation_funding_and_sections_are_not_text():
    record = read_wilson_record(INGEST / "page-blank-lines.txt")
    assert (record.date, record.record_id, record.paragraph_rule) == ("1953-03-04", "260001", "blank")
    assert record.title == "Ciphered Telegram No. 40417, Ambassador Orlov to Cde. Gromyko"  # comma inside quotes
    assert record.summary.startswith("An invented telegram in which")
    assert record.body.startswith("CIPHERED TELEGRAM No. 40417\n\n")
    assert "[...]" in record.body
    for residue in ("Skip to content", "results", "made possible", "Record ID", "Original Archive"):
        assert residue not in record.body
    assert record.source_url == "https://digitalarchive.wilsoncenter.org/document/260001"
    assert [(ref.archive, ref.fond, ref.listy) for ref in record.archival_refs] == [("AVP RF", "07", "3-4")]


def test_a_summary_above_the_date_and_single_newline_paragraphs():
    record = read_wilson_record(INGEST / "page-single-newlines.txt")
    assert record.summary.startswith("A telegram invented for the tests")
    assert record.paragraph_rule == "line"
    assert record.body.count("\n\n") == 3 and "<br" not in record.body
    assert default_document_id(record) == "wilson-260002"


def test_an_ambiguous_sender_and_recipient_are_left_out():
    assert sender_and_recipient("Telegram from Soviet Ambassador to the USA Dobrynin to the USSR MFA") == (None, None)


def test_hard_wrapped_page_text_is_joined_into_paragraphs():
    record = read_wilson_record(INGEST / "page-wrapped.txt")
    assert record.paragraph_rule == "wrapped"
    assert record.body.count("\n\n") == 2


def test_a_page_with_the_russian_original_above_the_english_becomes_two_versions(tmp_path):
    record = read_wilson_record(INGEST / "page-russian-english.txt")
    assert (record.original_language, record.text_language) == ("ru", "en")
    assert record.original_body.startswith("ШИФРТЕЛЕГРАММА")
    assert record.body.startswith("CIPHERED TELEGRAM")
    folder = write_document(record, tmp_path)
    assert "language: ru" in (folder / "wilson-ru.md").read_text()


def test_a_page_dated_year_0000_is_refused_with_its_line():
    with pytest.raises(ImportFailure) as caught:
        parse_wilson_record_page("Skip to content\nJanuary 5, 0000\nA title\n\nText.\n")
    assert caught.value.line == 2


def parse_wilson_record_page(text):
    from versions.ingest.wilson import parse_page_text

    return parse_page_text(text)


# More copies of one document


def another_translation(tmp_path, change=("The talks on the fishing zones resumed", "Talks on fishing began again")):
    path = tmp_path / "another.txt"
    path.write_text((INGEST / "page-blank-lines.txt").read_text().replace(*change))
    return path


def test_another_translation_of_a_record_becomes_a_new_version_matched_by_record_id(tmp_path):
    from versions.ingest import import_file

    corpus = tmp_path / "translations"
    first = import_file(INGEST / "page-blank-lines.txt", corpus)
    before = (first.folder / "wilson-en.md").read_bytes()
    second = import_file(another_translation(tmp_path), corpus)
    assert second.folder == first.folder and second.files == ["wilson-en-2.md"]
    assert (first.folder / "wilson-en.md").read_bytes() == before
    assert "record_id: '260001'" in (first.folder / "document.yaml").read_text()


def test_the_same_text_imported_twice_is_refused_naming_the_version(tmp_path):
    from versions.ingest import import_file

    corpus = tmp_path / "translations"
    import_file(INGEST / "page-blank-lines.txt", corpus)
    with pytest.raises(ImportFailure, match="already version telegram-40417/wilson-en"):
        import_file(INGEST / "page-blank-lines.txt", corpus)


def test_a_match_by_title_and_date_alone_is_only_suggested(tmp_path):
    from versions.ingest import import_file

    corpus = tmp_path / "translations"
    import_file(INGEST / "page-blank-lines.txt", corpus)
    text = another_translation(tmp_path).read_text().replace("Record ID\n260001", "").replace("/260001", "/260099")
    (tmp_path / "other.txt").write_text(text)
    with pytest.raises(ImportFailure, match="--into telegram-40417"):
        import_file(tmp_path / "other.txt", corpus)
    result = import_file(tmp_path / "other.txt", corpus, into="telegram-40417", version_id="other-en")
    assert result.files == ["other-en.md"]


def test_a_dry_run_checks_and_writes_nothing(tmp_path):
    from versions.ingest import import_file

    result = import_file(INGEST / "page-blank-lines.txt", tmp_path / "translations", dry_run=True)
    assert "document.yaml" in result.files and not (tmp_path / "translations").exists()


def test_a_title_above_the_date_contents_residue_and_a_reference_only_in_the_source_section():
    record = read_wilson_record(INGEST / "page-title-first.txt")
    assert record.title == "Record of a Conversation, Minister Novak with Ambassador Ferreira"
    assert record.date == "1953-11-12"
    assert record.summary.startswith("An invented conversation")
    assert record.body.startswith("Minister Novak received") and record.body.count("\n\n") == 2
    assert "Translation - English" not in record.body and "Russian" not in record.body
    assert [(ref.archive, ref.fond, ref.opis) for ref in record.archival_refs] == [("GARF", "5446", "98c")]


def test_an_iso_date_line_is_read():
    record = parse_wilson_record_page("2 March\n1952-03-02\nA title\n\nText of the record.\n")
    assert record.date == "1952-03-02"


def test_a_markdown_record_dated_year_0000_is_refused_at_import_with_its_line(seed_text):
    with pytest.raises(ImportFailure) as caught:
        parse_wilson_record(seed_text.replace("**August 27, 1951**", "**August 27, 0000**"))
    assert caught.value.line == 3 and "0000" in caught.value.message


def test_the_translator_the_citation_names_is_the_texts_translator(tmp_path):
    record = read_wilson_record(INGEST / "page-blank-lines.txt")
    assert record.translator == "Anna Test"
    assert "translator: Anna Test" in (write_document(record, tmp_path) / "wilson-en.md").read_text()


def test_a_summary_below_the_text_is_the_summary_not_the_last_paragraph():
    record = read_wilson_record(INGEST / "page-summary-below.txt")
    assert record.summary.startswith("An invented reply agreeing to grain shipments")
    assert "grain shipments and asking" not in record.body
    assert record.body.startswith("[...]\n\nCIPHERED TELEGRAM No. 5102") and record.body.rstrip().endswith("[...]")
    assert [(ref.archive, ref.delo, ref.listy) for ref in record.archival_refs] == [
        ("APRF", "344", "12"), ("RGASPI", "344", "0012-0013")]
    assert record.record_id == "260002"


def test_the_archival_reference_may_stand_only_in_the_prose_under_document_information():
    record = read_wilson_record(INGEST / "page-document-information-prose.txt")
    assert record.summary.startswith("An invented instruction")
    assert record.body.startswith("Top Secret") and "made possible" not in record.body
    assert [(ref.archive, ref.fond, ref.listy) for ref in record.archival_refs] == [
        ("APRF", None, None), ("RGASPI", "558", "0041")]


def test_a_page_of_search_results_is_refused_in_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["import", str(INGEST / "page-search-results.txt"), "--corpus", str(tmp_path / "c")])
    assert result.exit_code == 1
    assert result.stderr == (f"{INGEST / 'page-search-results.txt'}:3: a list of search results (3 dated entries), "
                             "not one record: save the page of one record\n")
    assert not (tmp_path / "c").exists()


def test_a_reference_naming_no_archive_is_kept_as_written_and_notes_reach_the_text(tmp_path):
    from versions.ingest import import_file

    page = """Skip to content

June 2, 1953

Ciphered Telegram No. 7312, an invented sender to an invented recipient

THE TEXT of an invented telegram.

An invented telegram whose only reference names no archive. Illustrative: written for the tests.

Document Information

Source

Fond 45, Opis 1, Delo 351, Listy 4-5; copy obtained by an invented project.

Record ID

260010
"""
    path = write_files(tmp_path, {"page.txt": page}) / "page.txt"
    result = import_file(path, tmp_path / "corpus")
    document = yaml.safe_load((result.folder / "document.yaml").read_text())
    assert document["archival_refs"] == [{"citation": "Fond 45, Opis 1, Delo 351, Listy 4-5", "unparsed": True}]
    text = (result.folder / "wilson-en.md").read_text()
    assert "note: copy obtained by an invented project" in text
