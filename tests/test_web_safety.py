"""Every value the corpus gives is escaped on every page, and the plugin answers as Datasette does for the
tables it reads (datasette.client)."""

import json
import re

import pytest
from datasette.app import Datasette

from conftest import (
    DOC,
    METADATA,
    SCRIPT,
    started_site,
)


# Safety: every value escaped -----------------------------------------------------------------------------------------

XSS_PAGES = [
    "/-/versions",
    "/-/versions/xss-doc",
    "/-/versions/xss-doc?base=en-two",
    "/-/versions/xss-doc?base=ru",
    "/-/versions/xss-doc/compare",
    "/-/versions/xss-doc/compare?a=en&b=en-two&norm=none",
    "/-/versions/xss-doc/compare?a=en&b=ru",
    "/-/versions/xss-doc/p/1",
    "/-/versions/xss-doc/p/2",
    "/-/versions/xss-doc/p/3",
    "/-/versions/xss-doc/history",
    "/-/versions/xss-doc/history/en",
    "/-/versions/xss-doc/history/en-two",
    "/-/versions/xss-doc/history/aprf-copy",
    "/-/versions/-/search?q=Kaesong",
    "/-/versions/-/search?q=script+alert",
    "/-/versions/-/search?q=" + SCRIPT,
    "/versions/diffs",
    "/versions/documents",
    "/versions/versions",
    "/versions/paragraphs",
    "/versions/archival_refs",
    "/versions/alignment_groups",
    "/versions/paragraphs?_search=script",
    "/versions/paragraph_details",
    "/versions/readings_of_paragraph?document=xss-doc&paragraph=2",
    "/versions/search_across_versions?q=script",
    "/versions/most_changed_paragraphs?document=",
]


@pytest.mark.parametrize("path", XSS_PAGES)
async def test_markup_in_the_corpus_is_shown_as_text(xss_datasette, path):
    response = await xss_datasette.client.get(path, follow_redirects=True)
    assert response.status_code == 200
    text = response.text
    assert SCRIPT not in text
    assert "<img src=x" not in text and "<img" not in text.lower().replace("<img src=", "<img src=")  # no img at all
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", text, re.I)
    assert "<b>bold" not in text and "<i>italic" not in text
    if path.startswith("/-/versions"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


async def test_javascript_source_is_shown_as_text_not_as_a_link(xss_datasette):
    response = await xss_datasette.client.get("/-/versions/xss-doc")
    text = response.text
    assert '<span class="unlinked-source" title="Not an http(s) address, so not shown as a link">javascript:alert(1)</span>' in text
    # an http(s) source is a link, with its markup escaped inside the attribute
    assert 'href="https://example.org/&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in text


async def test_escaped_values_in_titles_and_attributes(xss_datasette):
    response = await xss_datasette.client.get("/-/versions/xss-doc")
    text = response.text
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert "&lt;script&gt;" in title and "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in title
    assert 'title="Row 2: variance' in text
    for attribute in re.findall(r'title="([^"]*)"', text):
        assert "<" not in attribute and ">" not in attribute


# Permissions: the plugin answers as Datasette does for the tables it reads -----------------------------------------

PLUGIN_PAGES = [
    "/-/versions",
    "/-/versions/-/search?q=Kaesong",
    f"/-/versions/{DOC}",
    f"/-/versions/{DOC}/compare?a=wilson-en&b=en-revised",
    f"/-/versions/{DOC}/p/8",
    f"/-/versions/{DOC}/history",
    f"/-/versions/{DOC}/history/ru-rendering",
]


def _metadata_with(**database) -> dict:
    metadata = json.loads(json.dumps(METADATA))
    metadata["databases"]["versions"].update(database)
    return metadata


def _as(ds: Datasette, actor_id: str) -> dict:
    return {"ds_actor": ds.sign({"a": {"id": actor_id}}, "actor")}


@pytest.fixture
async def locked(shipped_db):
    return await started_site(shipped_db, _metadata_with(allow={"id": "admin"}))


@pytest.mark.parametrize("path", PLUGIN_PAGES)
async def test_a_locked_database_locks_every_plugin_page(locked, path):
    anonymous = await locked.client.get(path)
    assert anonymous.status_code == 403
    assert "Kaesong" not in anonymous.text and "Wilson" not in anonymous.text
    stranger = await locked.client.get(path, cookies=_as(locked, "someone"))
    assert stranger.status_code == 403
    admin = await locked.client.get(path, cookies=_as(locked, "admin"), follow_redirects=True)
    assert admin.status_code == 200


async def test_a_locked_database_is_locked_for_datasette_too(locked):
    assert (await locked.client.get("/versions/paragraphs")).status_code == 403


async def test_an_unknown_document_of_a_locked_database_is_403_not_404(locked):
    assert (await locked.client.get("/-/versions/no-such-document")).status_code == 403


async def test_a_locked_table_locks_the_pages_that_read_it(shipped_db):
    ds = await started_site(shipped_db, _metadata_with(tables={
        **METADATA["databases"]["versions"]["tables"],
        "revisions": {**METADATA["databases"]["versions"]["tables"].get("revisions", {}), "allow": {"id": "admin"}},
    }))
    for path in (f"/-/versions/{DOC}/history/ru-rendering", f"/-/versions/{DOC}/history", f"/-/versions/{DOC}"):
        assert (await ds.client.get(path)).status_code == 403, path
        assert (await ds.client.get(path, cookies=_as(ds, "admin"))).status_code == 200, path
    assert (await ds.client.get("/-/versions")).status_code == 200  # the list reads no revision


MENU_LINK = 'href="/-/versions">Documents and their versions</a>'


async def test_the_menu_links_to_the_documents_for_whoever_may_see_them(datasette, locked):
    assert MENU_LINK in (await datasette.client.get("/")).text
    assert MENU_LINK in (await datasette.client.get(f"/-/versions/{DOC}")).text
    assert MENU_LINK not in (await locked.client.get("/")).text
    assert MENU_LINK in (await locked.client.get("/", cookies=_as(locked, "admin"))).text


async def test_shared_template_variables_are_given_to_our_templates_only(datasette):
    from versions.web import extra_template_vars

    assert extra_template_vars("index.html", datasette) is None
    shared = extra_template_vars("versions_document.html", datasette)
    assert shared["versions_url"]("/x") == "/-/versions/x"


