"""Page text: a record page copied from a browser or a reader view (fixtures in tests/data/ingest, illustrative)."""

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import write_files

from versions.cli import cli
from versions.ingest import import_file
from versions.ingest.documents import default_document_id, write_document
from versions.ingest.page import parse_page_text
from versions.ingest.record import sender_and_recipient
from versions.ingest.staging import ImportFailure
from versions.ingest.wilson import read_wilson_record

INGEST = Path(__file__).parent / "data" / "ingest"
PAGES = ["page-blank-lines.txt", "page-single-newlines.txt", "page-wrapped.txt", "page-russian-english.txt",
         "page-title-first.txt", "page-summary-below.txt", "page-document-information-prose.txt",
         "page-citation-above.txt", "page-pdf-text.txt"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_text_fixture_imports_with_no_flags(tmp_path, name):
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
        parse_page_text("Skip to content\nJanuary 5, 0000\nA title\n\nText.\n")
    assert caught.value.line == 2


# More copies of one document


def another_translation(tmp_path, change=("The talks on the fishing zones resumed", "Talks on fishing began again")):
    path = tmp_path / "another.txt"
    path.write_text((INGEST / "page-blank-lines.txt").read_text().replace(*change))
    return path


def test_another_translation_of_a_record_becomes_a_new_version_matched_by_record_id(tmp_path):
    corpus = tmp_path / "translations"
    first = import_file(INGEST / "page-blank-lines.txt", corpus)
    before = (first.folder / "wilson-en.md").read_bytes()
    second = import_file(another_translation(tmp_path), corpus)
    assert second.folder == first.folder and second.files == ["wilson-en-2.md"]
    assert (first.folder / "wilson-en.md").read_bytes() == before
    assert "record_id: '260001'" in (first.folder / "document.yaml").read_text()


def test_the_same_text_imported_twice_is_refused_naming_the_version(tmp_path):
    corpus = tmp_path / "translations"
    import_file(INGEST / "page-blank-lines.txt", corpus)
    with pytest.raises(ImportFailure, match="already version telegram-40417/wilson-en"):
        import_file(INGEST / "page-blank-lines.txt", corpus)


def test_a_match_by_title_and_date_alone_is_only_suggested(tmp_path):
    corpus = tmp_path / "translations"
    import_file(INGEST / "page-blank-lines.txt", corpus)
    text = another_translation(tmp_path).read_text().replace("Record ID\n260001", "").replace("/260001", "/260099")
    (tmp_path / "other.txt").write_text(text)
    with pytest.raises(ImportFailure, match="--into telegram-40417"):
        import_file(tmp_path / "other.txt", corpus)
    result = import_file(tmp_path / "other.txt", corpus, into="telegram-40417", version_id="other-en")
    assert result.files == ["other-en.md"]


def test_a_dry_run_checks_and_writes_nothing(tmp_path):
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
    record = parse_page_text("2 March\n1952-03-02\nA title\n\nText of the record.\n")
    assert record.date == "1952-03-02"


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


def test_an_empty_language_line_leaves_the_original_language_to_the_archives():
    record = read_wilson_record(INGEST / "page-summary-below.txt")
    assert (record.original_language, record.text_language, record.text_kind) == ("ru", "en", "translation")


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


@pytest.mark.parametrize(
    "name, line, entries",
    [("page-search-results-bullets.txt", 5, 3), ("page-search-results-facets.txt", 6, 4)],
)
def test_a_list_of_search_results_without_a_result_count_is_refused(name, line, entries):
    with pytest.raises(ImportFailure, match=f"a list of search results \\({entries} dated entries\\)") as caught:
        read_wilson_record(INGEST / name)
    assert caught.value.line == line


def test_a_page_whose_line_after_the_date_is_sentences_is_no_record_page():
    with pytest.raises(ImportFailure, match="^not a record page: 'Very secret. By cipher.' after the date") as caught:
        parse_page_text("An invented essay on a decree\nMarch 3, 1921\nVery secret. By cipher.\n\nThe text.\n")
    assert caught.value.line == 3


def test_a_page_with_no_date_line_is_no_record_page():
    with pytest.raises(ImportFailure, match="^not a record page: no date line"):
        parse_page_text("An essay on archives\n\nIt has paragraphs but no date of its own.\n")


def test_a_reference_naming_no_archive_is_kept_as_written_and_notes_reach_the_text(tmp_path):
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


def test_a_citation_above_the_text_gives_the_title_summary_and_references():
    record = read_wilson_record(INGEST / "page-citation-above.txt")
    assert (record.date, record.title) == ("1953-03-03", "Report from the Example Embassy on the New School")
    assert record.summary.startswith("An invented summary: the embassy reports")
    assert record.body.startswith("The new school building") and record.body.count("\n\n") == 2
    for residue in ("share document", "English HTML", "get citation", "made possible"):
        assert residue not in record.body
    assert [(ref.archive, ref.delo, ref.listy) for ref in record.archival_refs] == [("RGASPI", "12", "4-5")]
    assert (record.translator, record.original_language) == ("Ann Example", "ru")


def test_a_records_pdf_text_gives_its_citation_url_summary_and_language_above_the_text():
    record = read_wilson_record(INGEST / "page-pdf-text.txt")
    assert (record.date, record.title) == ("1953-04-04", "Letter from the Example Harbour Office to the Ministry")
    assert [(ref.archive, ref.opis, ref.listy) for ref in record.archival_refs] == [("AVP RF", "2", "3-4")]
    assert (record.source_url, default_document_id(record)) == ("https://example.org/document/260009", "wilson-260009")
    assert record.summary.endswith("asks for a second pilot boat before the spring traffic begins.")
    assert (record.original_language, record.translator) == ("ru", "Ann Example")
    assert record.body.startswith("TO THE MINISTRY\n\nThe harbour office reports")
    for residue in ("Contents", "English Translation", "Scan of Original Document", "Summary", "Russian\n"):
        assert residue not in record.body


def test_a_short_record_with_its_citation_right_below_the_text_keeps_its_text():
    record = parse_page_text(
        "Skip to content\n\nMay 1, 1950\n\nTelegram, Example to Another\n\nThe one paragraph of an invented text."
        '\n\nCitation\n\n"Telegram, Example to Another," May 1, 1950, Example Digital Archive, APRF, f. 3, l. 4.\n'
    )
    assert record.body == "The one paragraph of an invented text.\n"
    assert [(ref.archive, ref.fond) for ref in record.archival_refs] == [("APRF", "3")]


def test_the_original_archive_section_names_the_archive_when_nothing_else_does_and_the_translator_stays():
    record = parse_page_text(
        "Skip to content\n\nMay 2, 1950\n\nNote, Example to Another\n\nThe one paragraph of an invented note.\n\n"
        "Language\n\nOriginal Archive\nArchive of the President of the Russian Federation\n\nCitation\n"
        '"Note, Example to Another," May 2, 1950, Example Digital Archive. Translated by Ann Example.\n'
    )
    assert [(ref.archive, ref.fond) for ref in record.archival_refs] == [("APRF", None)]
    assert (record.translator, record.original_language) == ("Ann Example", "ru")
