"""Chinese words found by our search page (and its language filter), Datasette's table search (web.table_search)
and the canned query."""

from pathlib import Path

import pytest

from conftest import started_site, write_files
from versions.store import build

# --- Chinese search ---------------------------------------------------------------------------------------------------

# Illustrative texts written for this test: an English base, a Chinese copy in traditional characters and one in
# simplified characters; Kaesong (開城/开城) and America (美國/美国) are two-character words inside runs of Han.
CHINESE_CORPUS = {
    "zh-doc/document.yaml": """\
        title: An illustrative telegram with Chinese copies
        date: 1951-08-27
        original_language: zh
        base: en
        """,
    "zh-doc/en.md": """\
        ---
        kind: translation
        language: en
        label: English
        ---
        On the 27th the American delegates at Kaesong again refused to meet.

        Nine of our officers waited until noon.
        """,
    "zh-doc/zh-hant.md": """\
        ---
        kind: original
        language: zh-Hant
        label: Traditional
        ---
        感日美國代表在開城再次拒絕會面。

        我方九名軍官等候至中午。
        """,
    "zh-doc/zh-hans.md": """\
        ---
        kind: edition
        language: zh
        label: Simplified
        ---
        感日美国代表在开城再次拒绝会面。

        我方九名军官等候至中午。
        """,
}


@pytest.fixture(scope="module")
def chinese_db(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("zh")
    db_path = root / "versions.db"
    build(write_files(root / "translations", CHINESE_CORPUS), db_path)
    return db_path


@pytest.fixture
async def chinese_site(chinese_db):
    return await started_site(chinese_db)


@pytest.mark.parametrize("query", ["开城", "開城", "美国", "美國", "中午", "官"])
async def test_search_finds_short_chinese_words_in_both_scripts(chinese_site, query):
    response = await chinese_site.client.get("/-/versions/-/search", params={"q": query})
    assert response.status_code == 200
    assert "Traditional" in response.text and "Simplified" in response.text
    assert "\u200b" not in response.text


async def test_search_marks_a_chinese_word_and_finds_its_other_spellings(chinese_site):
    response = await chinese_site.client.get("/-/versions/-/search", params={"q": "Kaesong"})
    assert "<mark>Kaesong</mark>" in response.text and "<mark>开城</mark>" in response.text
    response = await chinese_site.client.get("/-/versions/-/search", params={"q": "城开"})
    assert "Traditional" not in response.text  # the characters, but not as a phrase


@pytest.mark.parametrize("query", ["开城", "開城", "美国 代表", "開城 拒絕", "官"])
async def test_datasette_table_search_finds_short_chinese_words_in_both_scripts(chinese_site, query):
    response = await chinese_site.client.get("/versions/paragraphs.json", params={"_search": query, "_shape": "array"})
    assert {row["version_id"] for row in response.json()} == {"zh-doc/zh-hant", "zh-doc/zh-hans"}


@pytest.mark.parametrize("query", ["开城", "開城", "美國代表"])
async def test_the_canned_search_finds_short_chinese_words_in_both_scripts(chinese_site, query):
    response = await chinese_site.client.get(
        "/versions/search_across_versions.json", params={"q": query, "_shape": "array"})
    assert {row["version"] for row in response.json()} == {"Traditional", "Simplified"}


async def test_datasette_table_search_keeps_a_chinese_phrase_and_other_words_as_they_are(chinese_site):
    search = chinese_site.client.get
    assert (await search("/versions/paragraphs.json", params={"_search": "城开", "_shape": "array"})).json() == []
    found = await search("/versions/paragraphs.json", params={"_search": "开城 Kaesong", "_shape": "array"})
    assert found.json() == []  # no paragraph holds both
    found = await search("/versions/paragraphs.json", params={"_search": 'Kaesong" OR "', "_shape": "array"})
    assert found.status_code == 200  # no FTS syntax gets through Datasette's quoting


async def test_search_page_filters_by_a_tag_with_a_script(chinese_site):
    response = await chinese_site.client.get("/-/versions/-/search", params={"q": "开城", "language": "zh-Hant"})
    assert "Traditional" in response.text and "Simplified" not in response.text
