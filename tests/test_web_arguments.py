"""What a request names, read and checked (web.arguments): 404 for what does not exist, 400 for what is
malformed, never 500; and every page bounded by its page sizes."""

import re
from pathlib import Path

import pytest
from datasette.app import Datasette

from conftest import DOC, METADATA, SCRIPT, built_db, follow_every_link, pager_link, started_site, write_files
from versions import browse

# Errors: 404 for what does not exist, 400 for what is malformed, never 500 ------------------------------------------------

NOT_FOUND = [
    "/-/versions/no-such-document",
    "/-/versions/no-such-document/compare",
    "/-/versions/no-such-document/p/1",
    "/-/versions/Telegram-23256",
    "/-/versions/..",
    "/-/versions/~2E~2E",
    "/-/versions/%3Cscript%3E",
    "/-/versions/a%2Fb",
    f"/-/versions/{DOC}/p/0",
    f"/-/versions/{DOC}/p/26",
    f"/-/versions/{DOC}/p/999999999",
    f"/-/versions/{DOC}/p/99999999999999999999",
    f"/-/versions/{DOC}?base=no-such-version",
    f"/-/versions/{DOC}/compare?a=no-such-version",
    f"/-/versions/{DOC}/compare?a=wilson-en&b=no-such-version",
    f"/-/versions/{DOC}/p/8?base=no-such-version",
    f"/-/versions/{DOC}/p/x",
    f"/-/versions/{DOC}/p/1.5",
    f"/-/versions/{DOC}/p/1e3",
    f"/-/versions/{DOC}/p/ru-rendering.aaaaaaaa",
    "/-/versions/no-such-document/history",
    "/-/versions/no-such-document/history/wilson-en",
    "/-/versions/Telegram-23256/history/wilson-en",
    f"/-/versions/{DOC}/history/no-such-version",
    f"/-/versions/{DOC}/history/wilson-en/1",
]

BAD_REQUEST = [
    f"/-/versions/{DOC}?base=../x",
    f"/-/versions/{DOC}?base=",
    f"/-/versions/{DOC}?base=Wilson-EN",
    f"/-/versions/{DOC}?base=wilson-en/../x",
    f"/-/versions/{DOC}?base=aprf-copy",  # exists, but has no text to compare with
    f"/-/versions/{DOC}?base=%3Cscript%3Ealert(1)%3C/script%3E",
    f"/-/versions/{DOC}?columns=",
    f"/-/versions/{DOC}?columns=,",
    f"/-/versions/{DOC}?columns=no-such-version",
    f"/-/versions/{DOC}?columns=wilson-en,../etc",
    f"/-/versions/{DOC}?columns=rgaspi-copy",
    f"/-/versions/{DOC}?muted=maybe",
    f"/-/versions/{DOC}/compare?a=",
    f"/-/versions/{DOC}/compare?b=",
    f"/-/versions/{DOC}/compare?a=../x",
    f"/-/versions/{DOC}/compare?a=avp-rf-copy",
    f"/-/versions/{DOC}/compare?norm=bogus",
    f"/-/versions/{DOC}/compare?norm=case,<script>",
    f"/-/versions/{DOC}/compare?muted=",
    f"/-/versions/{DOC}/compare?rows=some",
    f"/-/versions/{DOC}/compare?a=" + "a" * 600,
    f"/-/versions/{DOC}/p/-1",
    f"/-/versions/{DOC}/p/Row-8",
    f"/-/versions/{DOC}/p/a..b",
    f"/-/versions/{DOC}/p/" + "a" * 600,
    f"/-/versions/{DOC}/p/%31",
    f"/-/versions/{DOC}/p/１",
    f"/-/versions/{DOC}/p/8?muted=x",
    f"/-/versions/{DOC}/p/8?base=",
    "/-/versions/-/search?language=english",
    "/-/versions/-/search?language=",
    "/-/versions/-/search?q=" + "x" * 600,
    "/-/versions/-/search?q=%01",
    "/-/versions/-/search?q=x&document=../x",
    f"/-/versions/{DOC}/history/Wilson-EN",
    f"/-/versions/{DOC}/history/wilson..en",
    f"/-/versions/{DOC}/history/wilson%20en",
    f"/-/versions/{DOC}/history/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    f"/-/versions/{DOC}/history/" + "a" * 600,
]


@pytest.mark.parametrize("path", NOT_FOUND)
async def test_unknown_things_are_404(datasette, path):
    response = await datasette.client.get(path, follow_redirects=True)
    assert response.status_code == 404, response.text[:500]


@pytest.mark.parametrize("path", BAD_REQUEST)
async def test_malformed_parameters_are_400(datasette, path):
    response = await datasette.client.get(path, follow_redirects=True)
    if path == "/-/versions/-/search?language=":
        assert response.status_code == 200  # an empty filter is no filter
        return
    assert response.status_code == 400, response.text[:500]
    assert "<script>alert" not in response.text


async def test_error_pages_escape_what_they_repeat(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}/compare", params={"norm": SCRIPT})
    assert response.status_code == 400
    assert SCRIPT not in response.text and "&lt;script&gt;" in response.text

# Bounded pages -------------------------------------------------------------------------------------------------------

MANY_VERSIONS, MANY_PARAGRAPHS = 60, 3
MANY_TEXTS = ["The delegation crossed the river at Kaesong on Monday morning.",
              "Nine bombs fell near the conference house during the night.",
              "The commander asked for an inquiry into the raid and its witnesses."]
PAGE_SIZES = {"rows_per_page": 2, "columns_per_page": 4, "items_per_page": 10, "documents_per_page": 2,
              "hits_per_page": 10}


def many_versions_corpus(root: Path) -> Path:
    """One document in MANY_VERSIONS English versions of MANY_PARAGRAPHS paragraphs (v00 the base), and two small
    documents beside it."""
    files = {"many/document.yaml": "title: Many versions\ndate: 1951-08-27\noriginal_language: en\nbase: v00\n"}
    for v in range(MANY_VERSIONS):
        body = "\n\n".join(f"{text} (copy {v})" for text in MANY_TEXTS[:MANY_PARAGRAPHS])
        files[f"many/v{v:02d}.md"] = f"---\nkind: translation\nlanguage: en\nlabel: Copy {v:02d}\n---\n{body}\n"
    for name in ("small-a", "small-b"):
        files[f"{name}/document.yaml"] = f"title: Small {name}\ndate: 1952-01-01\noriginal_language: en\nbase: en\n"
        files[f"{name}/en.md"] = "---\nkind: translation\nlanguage: en\n---\nOne paragraph.\n"
    return write_files(root, files)


@pytest.fixture(scope="module")
def many_db(tmp_path_factory) -> Path:
    return built_db(tmp_path_factory, "many", many_versions_corpus)


@pytest.fixture
async def many(many_db):
    return await started_site(many_db, {**METADATA, "plugins": {"versions": PAGE_SIZES}})


def _row_numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="g-([0-9]+)"', text)]


def _column_ids(text: str) -> list[str]:
    return re.findall(r'<th scope="col" id="col-([a-z0-9-]+)">', text)


async def _follow(ds: Datasette, url: str, name: str, found) -> list:
    """Everything ``found`` finds on a page and on each next page of its pager ``name``."""
    everything = []
    while url:
        response = await ds.client.get(url)
        assert response.status_code == 200, url
        everything += found(response.text)
        url = pager_link(response.text, name)
    return everything


async def test_the_document_page_shows_one_page_of_rows_and_columns(many):
    response = await many.client.get("/-/versions/many")
    assert response.status_code == 200
    assert _row_numbers(response.text) == [1, 2]
    assert _column_ids(response.text) == ["v00", "v01", "v02", "v03"]
    # the form still names every column, so that sending it keeps them all
    assert len(re.findall(r'name="columns" value="v[0-9]+" checked', response.text)) == MANY_VERSIONS
    groups = (await many.client.get("/versions/alignment_groups.json?document_id=many&_shape=array&_size=max")).json()
    assert len(groups) > 2
    assert await _follow(many, "/-/versions/many", "page", _row_numbers) == list(range(1, len(groups) + 1))
    pages = await _follow(many, "/-/versions/many", "column_page", lambda text: [_column_ids(text)])
    assert all(shown[0] == "v00" and len(shown) <= 4 for shown in pages)  # the base on every page
    assert [slug for shown in pages for slug in shown[1:]] == [f"v{v:02d}" for v in range(1, MANY_VERSIONS)]


async def test_only_the_rows_and_versions_shown_are_diffed(many, monkeypatch):
    compared = []
    original = browse.alignment._compare_row
    monkeypatch.setattr(browse.alignment, "_compare_row", lambda row, *args: compared.append(set(row.readings)) or original(row, *args))
    response = await many.client.get("/-/versions/many?base=v05&page=2&column_page=3")
    assert response.status_code == 200
    assert _row_numbers(response.text) == [3]
    assert compared == [{"v05", "v07", "v08", "v09"}]  # the base, then the third page of three other columns


async def test_the_compare_page_shows_one_page_of_rows(many):
    first = await many.client.get("/-/versions/many/compare?a=v00&b=v07")
    assert _row_numbers(first.text) == [1, 2]
    second = await many.client.get(pager_link(first.text, "page"))
    assert _row_numbers(second.text) == [3]
    assert "a=v00" in str(second.url) and "b=v07" in str(second.url)
    assert '<input type="hidden" name="page" value="2">' in second.text  # the form keeps the page


async def test_the_paragraph_page_shows_one_page_of_readings(many):
    first = await many.client.get("/-/versions/many/p/1", follow_redirects=True)
    assert re.findall(r'<li id="reading-([a-z0-9-]+)"', first.text) == ["v00", "v01", "v02", "v03"]
    assert "Many versions" in first.text and "In Copy 00" in first.text  # the citation names the base version
    third = await many.client.get("/-/versions/many/p/3", follow_redirects=True)
    assert 'href="/-/versions/many?page=2#g-3">in the alignment table' in third.text
    assert "compare?a=v00&amp;b=v01&amp;page=2#g-3" in third.text
    last = await many.client.get("/-/versions/many/p/1?column_page=15", follow_redirects=True)
    assert re.findall(r'<li id="reading-([a-z0-9-]+)"', last.text) == ["v56", "v57", "v58", "v59"]


async def test_the_document_list_and_the_version_cards_are_paged(many):
    first = await many.client.get("/-/versions")
    assert len(re.findall(r'<ul class="documents-list">\s*<li>', first.text)) == 1
    assert first.text.count("<h2><a href=") == 2
    second = await many.client.get(pager_link(first.text, "page"))
    assert second.text.count("<h2><a href=") == 1
    document = await many.client.get("/-/versions/many?version_page=6")
    assert re.findall(r'<li id="version-([a-z0-9-]+)">', document.text) == [f"v{v}" for v in range(50, 60)]


async def test_search_hits_are_paged(many):
    first = await many.client.get("/-/versions/-/search?q=copy")
    assert "<strong>180</strong> paragraphs found" in first.text
    assert first.text.count('<div class="snippet"') == 10
    second = await many.client.get(pager_link(first.text, "page"))
    assert 'start="11"' in second.text and second.text.count('<div class="snippet"') == 10
    assert (await many.client.get("/-/versions/-/search?q=copy&page=18")).status_code == 200
    assert (await many.client.get("/-/versions/-/search?q=copy&page=19")).status_code == 404


async def test_too_many_versions_to_draw_are_listed_as_data(many, monkeypatch):
    import versions.web

    monkeypatch.setattr(versions.web, "MAX_DRAWN_VERSIONS", 10)
    response = await many.client.get("/-/versions/many")
    assert "too many to draw" in response.text and "<svg class=\"pv-drawing" not in response.text


@pytest.mark.parametrize("query, status", [
    ("page=0", 400), ("page=x", 400), ("page=-1", 400), ("page=1.5", 400), ("page=", 400), ("page=%EF%BC%92", 400),
    ("page=3", 404), ("page=9999999999", 404), ("column_page=21", 404), ("column_page=0", 400),
    ("version_page=7", 404), ("page=2", 200), ("column_page=20", 200), ("version_page=6", 200),
])
async def test_page_parameters(many, query, status):
    assert (await many.client.get(f"/-/versions/many?{query}")).status_code == status


@pytest.mark.parametrize("path", [
    "/-/versions?page=3", "/-/versions/many/compare?page=99", "/-/versions/many/p/1?column_page=16",
    "/-/versions/many/history?page=7",
])
async def test_pages_out_of_range_are_404(many, path):
    assert (await many.client.get(path, follow_redirects=True)).status_code == 404


@pytest.mark.parametrize("page", [
    "/-/versions?page=2",
    "/-/versions/-/search?q=copy&page=18",
    "/-/versions/many?page=2&column_page=20&version_page=6",
    "/-/versions/many?base=v03&columns=v03,v01,v02,v04,v05&column_page=2",
    "/-/versions/many/compare?a=v00&b=v07&page=2",
    "/-/versions/many/p/3?column_page=15",
])
async def test_every_link_of_a_paged_page_leads_somewhere(many, page):
    await follow_every_link(many, page)
