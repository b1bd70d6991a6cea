from pathlib import Path

import pytest

from versions.ingest import import_file
from versions.ingest.html import page_text, read_html_record

DATA = Path(__file__).parent / "data" / "ingest"


def test_a_saved_record_page_reads_as_the_page_text():
    record = read_html_record(DATA / "record-page.html")
    assert (record.date, record.title, record.record_id) == (
        "1957-01-21", "Telegram No. 60210, Ambassador Kim to Cde. Zhou", "260005")
    assert record.source_url == "https://digitalarchive.wilsoncenter.org/document/260005"
    assert record.summary.startswith("An invented telegram on a railway timetable")
    assert [ref.archive for ref in record.archival_refs] == ["AVP RF"]
    assert record.body.startswith("TELEGRAM No. 60210\n\nThe railway line")
    assert "&" in record.body and "tracking" not in record.body and "Skip to content" not in record.body


def test_scripts_navigation_and_footer_are_not_text():
    text = page_text(
        b"<html><body><nav>Home</nav><script>x = 1</script><p>Kept</p><footer>Terms</footer></body></html>"
    )
    assert text.split() == ["Kept"]


def test_a_page_with_the_chinese_original_above_the_english_becomes_two_versions(tmp_path):
    result = import_file(DATA / "record-chinese-english.html", tmp_path)
    assert {"wilson-zh.md", "wilson-en.md"} <= set(result.files)
    assert "language: zh" in (result.folder / "wilson-zh.md").read_text()
    assert "外交部" not in (result.folder / "wilson-en.md").read_text()


@pytest.mark.parametrize("name", ["record-page.html", "record-chinese-english.html"])
def test_every_html_fixture_imports_with_no_flags(tmp_path, name):
    assert import_file(DATA / name, tmp_path).folder.is_dir()
