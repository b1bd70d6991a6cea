"""The Datasette plugin through datasette.client (no server): every page, every error case, escaping, render_cell,
canned queries and facets."""

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette
from markupsafe import Markup

from conftest import (
    DOC,
    IMG,
    METADATA,
    SCRIPT,
    SHIPPED_CORPUS,
    follow_every_link,
    write_files,
    xss_corpus,
)
from versions.store import build
from versions.web import render_cell

# The plugin and Datasette's own pages ---------------------------------------------------------------------------------


async def test_plugin_is_registered_from_the_package(datasette):
    response = await datasette.client.get("/-/plugins.json")
    [plugin] = [plugin for plugin in response.json() if plugin["name"] == "versions"]
    assert plugin["templates"] is True
    assert plugin["static"] is True
    assert {"register_routes", "render_cell", "extra_css_urls"} <= set(plugin["hooks"])


async def test_static_files_are_served_from_the_package(datasette):
    css = await datasette.client.get("/-/static-plugins/versions/versions.css")
    js = await datasette.client.get("/-/static-plugins/versions/versions.js")
    assert css.status_code == 200 and ".variance-map" in css.text
    assert js.status_code == 200 and "data-copy" in js.text


async def test_seed_paragraphs_through_the_json_api(datasette):
    response = await datasette.client.get("/versions/paragraphs.json?version_id=telegram-23256/wilson-en&_shape=array&_size=max")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 27
    assert rows[0]["text"] == "## SECOND MAIN ADMINISTRATION OF THE GENERAL STAFF OF THE SOVIET ARMY"
    assert any("nine bombs" in row["text"] for row in rows)


async def test_archival_refs_through_the_json_api(datasette):
    response = await datasette.client.get("/versions/archival_refs.json?_shape=array&archive=RGASPI")
    [row] = response.json()
    assert (row["fond"], row["opis"], row["delo"], row["listy"]) == ("558", "11", "341", "86-88")


async def test_full_text_search_finds_english(datasette):
    response = await datasette.client.get("/versions/paragraphs.json?_search=Kaesong&_shape=array")
    assert ("telegram-23256/wilson-en", 10) in {(row["version_id"], row["n"]) for row in response.json()}


async def test_full_text_search_finds_russian_in_datasette(datasette):
    response = await datasette.client.get("/versions/paragraphs.json?_search=Кэсоне&_shape=array")
    assert {row["version_id"] for row in response.json()} == {"telegram-23256/ru-rendering"}


async def test_metadata_describes_every_table_and_column(datasette):
    tables = METADATA["databases"]["versions"]["tables"]
    db = datasette.get_database("versions")
    for table in await db.table_names():
        if table.startswith("paragraphs_fts"):
            continue
        assert tables[table]["description"], table
        columns = await db.table_columns(table)
        assert set(columns) <= set(tables[table]["columns"]), table
        assert all(tables[table]["columns"][column] for column in columns), table
    for view in await db.view_names():
        assert tables[view]["description"], view
        assert set(await db.table_columns(view)) <= set(tables[view]["columns"]), view
    assert METADATA["source"] == "Wilson Center Digital Archive"
    assert METADATA["license"]
    assert METADATA["title"] and METADATA["description"]


def test_metadata_facets_on_archive_language_kind_and_translator():
    tables = METADATA["databases"]["versions"]["tables"]
    facets = {facet for table in tables.values() for facet in table.get("facets", [])}
    assert {"archive", "language", "kind", "translator"} <= facets
    assert {"archive", "language", "translator"} <= set(tables["paragraph_details"]["facets"])
    assert {"kind", "language", "translator"} <= set(tables["versions"]["facets"])


@pytest.mark.parametrize("path, facet", [
    ("/versions/versions.json", "kind"),
    ("/versions/versions.json", "language"),
    ("/versions/versions.json", "translator"),
    ("/versions/archival_refs.json", "archive"),
    ("/versions/paragraph_details.json", "archive"),
])
async def test_facets_are_computed(datasette, path, facet):
    response = await datasette.client.get(path)
    assert response.status_code == 200
    assert facet in response.json()["facet_results"]


async def test_canned_query_most_changed_paragraphs(datasette):
    response = await datasette.client.get("/versions/most_changed_paragraphs.json?document=&_shape=array")
    rows = response.json()
    assert rows[0]["paragraph"] == 22 and rows[0]["variance"] == 1.0
    assert [row["variance"] for row in rows] == sorted((row["variance"] for row in rows), reverse=True)
    assert rows[0]["page"] == await _row_path(datasette, 22)
    filtered = await datasette.client.get(f"/versions/most_changed_paragraphs.json?document={DOC}&_shape=array")
    assert len(filtered.json()) == 25
    none = await datasette.client.get("/versions/most_changed_paragraphs.json?document=nothing&_shape=array")
    assert none.json() == []


async def test_canned_query_most_changed_links_to_the_paragraph_page(datasette):
    response = await datasette.client.get(f"/versions/most_changed_paragraphs?document={DOC}")
    assert f'<a href="{await _row_path(datasette, 22)}">' in response.text


@pytest.fixture(scope="module")
def dropped_db(tmp_path_factory) -> Path:
    """An English base and a Russian translation that drops a name and a number and adds a date."""
    root = tmp_path_factory.mktemp("dropped")
    write_files(root / "translations", {
        "dropped/document.yaml": "title: Dropped anchors\ndate: 1951-08-27\noriginal_language: en\nbase: en\n",
        "dropped/en.md": "---\nkind: original\nlanguage: en\n---\nOn August 19 nine bombs fell on Kaesong.\n\n"
                         "Mao Zedong.\n",
        "dropped/ru.md": "---\nkind: translation\nlanguage: ru\nlabel: Russian\n---\n19 августа упали бомбы, "
                         "22 августа тоже.\n\nМао Цзэдун.\n",
    })
    build(root / "translations", root / "versions.db")
    return root / "versions.db"


async def test_canned_query_anchors_missing_from_a_translation(dropped_db, datasette):
    ds = Datasette([str(dropped_db)], metadata=METADATA)
    response = await ds.client.get("/versions/anchors_missing_from_translation.json?version=&_shape=array")
    rows = {(row["kind"], row["value"], row["missing"]) for row in response.json()}
    assert ("name", "kaesong", "missing from this version") in rows
    assert ("number", "9", "missing from this version") in rows
    assert ("date", "08-22", "missing from the base") in rows
    first = (await ds.client.get("/-/versions/dropped/p/1")).headers["location"]
    assert all(row["page"] == first for row in response.json())
    only_ru = await ds.client.get("/versions/anchors_missing_from_translation.json?version=ru&_shape=array")
    assert len(only_ru.json()) == len(rows)
    none = await ds.client.get("/versions/anchors_missing_from_translation.json?version=en&_shape=array")
    assert none.json() == []
    shipped = await datasette.client.get("/versions/anchors_missing_from_translation.json?version=&_shape=array")
    assert shipped.status_code == 200


async def test_document_page_flags_anchors_missing_across_languages(dropped_db):
    ds = Datasette([str(dropped_db)], metadata=METADATA)
    text = (await ds.client.get("/-/versions/dropped")).text
    assert "<strong>Missing here</strong>" in text and '<span class="anchor" title="name">kaesong</span>' in text
    assert "<strong>Not in the base:</strong>" in text and '<span class="anchor" title="date">08-22</span>' in text
    compare = (await ds.client.get("/-/versions/dropped/compare?a=en&b=ru")).text
    assert "<strong>Only here:</strong>" in compare and "kaesong" in compare


@pytest.fixture(scope="module")
def partial_db(tmp_path_factory) -> Path:
    """The shipped document with its RGASPI copy transcribed in part (covers: [2, 7-10])."""
    from conftest import transcribe_in_part

    root = tmp_path_factory.mktemp("partial")
    corpus = transcribe_in_part(Path(shutil.copytree(SHIPPED_CORPUS, root / "translations")))
    build(corpus, root / "versions.db")
    return root / "versions.db"


async def test_rows_a_partial_copy_has_not_transcribed_are_lacunae_not_omissions(partial_db):
    ds = Datasette([str(partial_db)], metadata=METADATA)
    cells = [" ".join(cell.split()) for cell in (await ds.client.get(f"/-/versions/{DOC}")).text.split("<td ")]
    copy = [cell for cell in cells if cell.startswith('class="reading') and "RGASPI copy (Russian)</span>" in cell]
    lacunae = [cell for cell in copy if "— not transcribed in this version" in cell]
    assert len(copy) - len(lacunae) == 5 and all('class="reading absent lacuna"' in cell for cell in lacunae)
    assert not any("not in this version" in cell or "Missing here" in cell for cell in lacunae)
    compare = (await ds.client.get(f"/-/versions/{DOC}/compare?a=wilson-en&b=rgaspi-copy")).text
    assert 15 <= compare.count("— not transcribed in this version") <= len(lacunae)  # rows with some text of either
    assert "— not in this version" not in compare


async def test_canned_query_all_readings_of_a_paragraph(datasette):
    response = await datasette.client.get(f"/versions/readings_of_paragraph.json?document={DOC}&paragraph=8&_shape=array")
    rows = response.json()
    assert [row["paragraph_id"].split("/")[1] for row in rows] == ["wilson-en", "en-independent", "en-revised", "ru-rendering"]
    assert rows[0]["bead"] == "base"
    assert rows[2]["similarity_to_base"] > 0.9


async def test_canned_query_search_across_versions(datasette):
    response = await datasette.client.get("/versions/search_across_versions.json?q=Кэсон&_shape=array")
    rows = response.json()
    assert rows and {row["language"] for row in rows} == {"ru"}
    assert all("**" in row["snippet"] for row in rows)
    for query in ["", '"', 'a" OR "b', "NEAR(x"]:
        response = await datasette.client.get("/versions/search_across_versions.json", params={"q": query, "_shape": "array"})
        assert response.status_code == 200, query


async def test_render_cell_shows_stored_diffs_in_the_diffs_table(datasette):
    key = (await _row_path(datasette, 8)).rpartition("/")[2]
    response = await datasette.client.get(f"/versions/diffs?group_id={DOC}/{key}")
    assert response.status_code == 200
    cells = re.findall(r'<td class="col-ops[^"]*">(.*?)</td>', response.text, re.S)
    assert cells and all(cell.startswith('<span class="versions-diff">') for cell in cells)
    assert any("<del>Gaeseong [</del>" in cell or "<del>Gaeseong" in cell for cell in cells)
    assert any("<ins>" in cell for cell in cells)


async def test_render_cell_links_group_numbers_to_their_pages(datasette):
    response = await datasette.client.get(f"/versions/alignment_groups?document_id={DOC}&n=8")
    assert f'<a href="{await _row_path(datasette, 8)}">row 8</a>' in response.text


def test_render_cell_falls_back_on_anything_else():
    row = {"muted": "[]", "document_id": DOC}
    assert render_cell(row, "not json", "ops", "diffs", None) is None
    assert render_cell(row, '{"a": 1}', "ops", "diffs", None) is None
    assert render_cell(row, "[[2, \"x\"]]", "ops", "diffs", None) is None
    assert render_cell(row, "[[0, 1]]", "ops", "diffs", None) is None
    assert render_cell(row, "[[0, \"x\"]]", "ops", "paragraphs", None) is None
    assert render_cell({"muted": "nonsense"}, "[[0, \"x\"]]", "ops", "diffs", None) is None
    assert render_cell(row, "/-/versions/../p/1", "page", None, None) is None
    rendered = render_cell(row, json.dumps([[0, "a "], [-1, SCRIPT], [1, IMG]]), "ops", "diffs", None)
    assert isinstance(rendered, Markup)
    assert SCRIPT not in rendered and "<img" not in rendered
    assert "<del>&lt;script&gt;alert(1)&lt;/script&gt;</del>" in rendered


# Our pages ------------------------------------------------------------------------------------------------------------


async def test_documents_page_lists_the_seed(datasette):
    response = await datasette.client.get("/-/versions")
    assert response.status_code == 200
    assert "Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin]" in response.text
    assert "1951-08-27" in response.text
    assert "3 archival-copy" in response.text
    assert "4 translation" in response.text
    assert "en, ru" in response.text
    assert "APRF, AVP RF, RGASPI" in response.text
    assert f'href="/-/versions/{DOC}"' in response.text
    assert f'href="/-/versions/{DOC}/compare"' in response.text
    assert 'action="/-/versions/-/search"' in response.text
    assert "/-/static-plugins/versions/versions.css" in response.text


async def test_search_page_finds_every_language(datasette):
    response = await datasette.client.get("/-/versions/-/search?q=Kaesong")
    assert response.status_code == 200
    text = response.text
    assert "<mark>Kaesong</mark>" in text and "<mark>Кэсоне</mark>" in text
    assert f'href="{await _row_path(datasette, 9)}#reading-ru-rendering"' in text
    assert "language=ru" in text and "Also searched for" in text


async def test_search_page_filters_by_language(datasette):
    response = await datasette.client.get("/-/versions/-/search?q=Kaesong&language=ru")
    assert response.status_code == 200
    assert "<mark>Кэсоне</mark>" in response.text and "<mark>Kaesong</mark>" not in response.text


@pytest.mark.parametrize(("language", "status"), [("zh-Hant", 200), ("en-GB", 200), ("English", 400), ("r u", 400)])
async def test_search_page_takes_any_language_tag_and_refuses_anything_else(datasette, language, status):
    response = await datasette.client.get("/-/versions/-/search", params={"q": "Kaesong", "language": language})
    assert response.status_code == status


@pytest.mark.parametrize("query", ["", "   ", '"', "NEAR(", "*", "zzzzqqq", "a" * 500])
async def test_search_page_without_results(datasette, query):
    response = await datasette.client.get("/-/versions/-/search", params={"q": query})
    assert response.status_code == 200


async def test_document_page_is_the_alignment_table(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}")
    assert response.status_code == 200
    text = response.text
    # one column per transcribed version, base first, with its metadata
    headers = re.findall(r'<th scope="col" id="col-([a-z0-9-]+)">', text)
    assert headers == ["wilson-en", "en-independent", "en-revised", "ru-rendering"]
    assert "Publisher: Wilson Center Digital Archive" in text
    assert 'href="https://wilson-center.drivingcreative.com/document/110381"' in text
    assert "badge-illustrative" in text and "badge-base" in text
    # one row per group, with the citable link; a variance map cell per group jumping to its row
    assert len(re.findall(r'<tr id="g-\d+"', text)) == 25
    assert len(re.findall(r'<li><a href="#g-\d+" title="Row \d+: variance', text)) == 25
    assert f'href="{await _row_path(datasette, 22)}"' in text
    # diffs highlighted
    assert "<del>Gaeseong [</del>" in text or "<del>Gaeseong" in text
    assert "<ins>" in text
    # untranscribed archival copies listed with their references
    assert "AVP RF, Fond 059a, Opis 5a, Delo 5, Papka 11, Listy 51-53" in text
    assert "not transcribed" in text
    # a cross-language column reports anchors
    assert "anchors found" in text


async def test_document_page_columns_can_be_chosen_and_reordered(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}?columns=ru-rendering,en-revised")
    assert response.status_code == 200
    assert re.findall(r'<th scope="col" id="col-([a-z0-9-]+)">', response.text) == ["ru-rendering", "en-revised"]
    # the base, when shown, comes first; a repeated column counts once
    repeated = await datasette.client.get(
        f"/-/versions/{DOC}?columns=en-revised&columns=ru-rendering&columns=wilson-en&columns=en-revised")
    assert re.findall(r'<th scope="col" id="col-([a-z0-9-]+)">', repeated.text) == ["wilson-en", "en-revised", "ru-rendering"]


async def test_document_page_column_links_move_hide_and_rebase(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}")
    text = response.text.replace("&amp;", "&")
    assert f"/-/versions/{DOC}?columns=wilson-en%2Cen-revised%2Cen-independent%2Cru-rendering" in text  # move left
    assert f"/-/versions/{DOC}?columns=wilson-en%2Cen-independent%2Cen-revised" in text  # hide ru-rendering
    assert f"/-/versions/{DOC}?base=en-revised" in text  # make base: default columns for that base


async def test_document_page_with_another_base(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}?base=en-revised")
    assert response.status_code == 200
    text = response.text
    assert re.findall(r'<th scope="col" id="col-([a-z0-9-]+)">', text)[0] == "en-revised"
    assert "computed against Revised English translation (illustrative)" in text
    # wilson-en against en-revised: Kaesong became Gaeseong [Kaesong] again
    assert "<ins>Gaeseong [</ins>" in text or "<ins>Gaeseong" in text


async def test_document_page_hides_muted_differences_on_request(datasette):
    shown = await datasette.client.get(f"/-/versions/{DOC}")
    hidden = await datasette.client.get(f"/-/versions/{DOC}?muted=hide")
    assert hidden.status_code == 200
    assert 'class="muted"' not in hidden.text.split("<table")[1]
    assert shown.text.count("<del") >= hidden.text.count("<del")


async def test_compare_page_defaults_to_the_base_and_the_next_version(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}/compare")
    assert response.status_code == 200
    assert "A: English translation (Wilson Center Digital Archive)" in response.text
    assert "B: Independent English translation (illustrative)" in response.text


async def test_compare_page_rows_in_step(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}/compare?a=wilson-en&b=en-revised")
    assert response.status_code == 200
    text = response.text
    rows = re.findall(r'<tr id="g-(\d+)"', text)
    assert rows == [str(n) for n in range(1, 26) if n != 22]
    row8 = text.split('<tr id="g-8"')[1].split("</tr>")[0]
    a_cell, b_cell = row8.split('<td class="reading')[1:3]
    assert "<del>Gaeseong [</del>" in a_cell and "<ins>" not in a_cell
    assert "<del>" not in b_cell
    assert "similarity" in text and "normalization: whitespace,unicode" in text


async def test_compare_page_normalization_toggles(datasette):
    none = await datasette.client.get(f"/-/versions/{DOC}/compare?a=wilson-en&b=en-revised&norm=")
    assert "normalization: none" in none.text
    checkboxes = await datasette.client.get(
        f"/-/versions/{DOC}/compare?a=wilson-en&b=en-revised&norm=&norm=romanization&norm=case&muted=show")
    assert "normalization: case,romanization" in checkboxes.text
    assert 'value="romanization" checked' in checkboxes.text
    assert '<ins class="muted">' in checkboxes.text or '<del class="muted">' in checkboxes.text
    hidden = await datasette.client.get(f"/-/versions/{DOC}/compare?a=wilson-en&b=en-revised&norm=all&muted=hide")
    assert 'class="muted"' not in hidden.text.split("<table")[1]


async def test_compare_page_shows_only_the_rows_that_differ_on_request(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}/compare?a=wilson-en&b=en-revised&rows=changed")
    rows = re.findall(r'<tr id="g-(\d+)"', response.text)
    assert "8" in rows and "1" not in rows and 0 < len(rows) < 24
    assert 'value="changed" checked' in response.text


async def test_compare_page_across_languages_lists_anchors(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}/compare?a=wilson-en&b=ru-rendering")
    assert response.status_code == 200
    assert "different languages (en, ru)" in response.text
    assert "<del>" not in response.text.split("<table")[1]


async def _row_path(ds, n: int) -> str:
    """The address of the row numbered ``n`` today (a number redirects there)."""
    response = await ds.client.get(f"/-/versions/{DOC}/p/{n}")
    assert response.status_code == 302
    return response.headers["location"]


async def test_paragraph_page_is_citable(datasette):
    path = await _row_path(datasette, 8)
    response = await datasette.client.get(path)
    assert response.status_code == 200
    text = response.text
    assert f'<link rel="canonical" href="http://localhost{path}">' in text
    citation = html.unescape(re.search(r'<p class="citation" id="citation" data-copy>(.*?)</p>', text, re.S).group(1))
    assert citation.startswith("Mao Zedong. “Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin], Row 8 "
                               "(paragraph 9)”. In English Translation (Wilson Center Digital Archive)")
    assert "August 27, 1951" in citation and "Accessed " in citation and ". Corpus commit " in citation
    assert f"http://localhost{path}." in citation and citation.endswith("subject to its terms of use.")
    for label in ["English translation (Wilson Center Digital Archive)", "Independent English translation",
                  "Revised English translation", "Russian rendering"]:
        assert label in text
    assert "19 августа" in text and "<del>Gaeseong" in text
    assert f'href="{await _row_path(datasette, 7)}"' in text and f'href="{await _row_path(datasette, 9)}"' in text
    assert f'href="/-/versions/{DOC}#g-8"' in text
    assert f"/versions/alignment_groups/telegram-23256~2F{path.rpartition('/')[2]}" in text


async def test_paragraph_page_of_a_paragraph_only_one_version_has(datasette):
    response = await datasette.client.get(await _row_path(datasette, 22))
    assert response.status_code == 200
    assert "[Translator&#39;s note" in response.text
    assert response.text.count("— not in this version") == 3


async def test_a_row_number_is_a_label_that_redirects_to_the_row_it_names_today(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}/p/008?muted=hide")
    assert response.status_code == 302
    assert response.headers["location"] == await _row_path(datasette, 8) + "?muted=hide"
    assert (await datasette.client.get(f"/-/versions/{DOC}/p/000")).status_code == 404


async def test_paragraph_page_first_and_last(datasette):
    first = await datasette.client.get(await _row_path(datasette, 1))
    last = await datasette.client.get(await _row_path(datasette, 25))
    assert "first row" in first.text and 'rel="prev"' not in first.text
    assert "last row" in last.text and 'rel="next"' not in last.text


async def test_paragraph_url_is_stable_when_another_document_is_added(shipped_db, tmp_path):
    before = await _citation(shipped_db)
    corpus = write_files(tmp_path / "translations", {})
    import shutil
    shutil.copytree(SHIPPED_CORPUS, corpus, dirs_exist_ok=True)
    xss_corpus(corpus)  # a document sorting before and after nothing in particular
    write_files(corpus, {"aaa-first/document.yaml": "title: First\ndate: 1900\noriginal_language: en\n",
                         "aaa-first/en.md": "---\nkind: original\nlanguage: en\n---\nOne.\n\nTwo.\n"})
    build(corpus, tmp_path / "versions.db")
    after = await _citation(tmp_path / "versions.db")
    without_commit = re.compile(r" Corpus commit [0-9a-f]+\.")  # a copy without git has no commit to cite
    assert without_commit.sub("", after) == without_commit.sub("", before)


async def _citation(db_path):
    ds = Datasette([str(db_path)], metadata=METADATA)
    response = await ds.client.get(await _row_path(ds, 8))
    assert response.status_code == 200
    return re.search(r'<p class="citation" id="citation" data-copy>(.*?)</p>', response.text, re.S).group(1)


async def test_a_moved_paragraph_is_marked_and_linked(tmp_path):
    from conftest import DATA
    case = DATA / "align" / "same-moved-ru"
    corpus = write_files(tmp_path / "translations", {
        "moved-doc/document.yaml": "title: Moved\ndate: 1951-09-03\noriginal_language: ru\nbase: copy-a\n",
        "moved-doc/copy-a.md": "---\nkind: original\nlanguage: ru\n---\n" + (case / "a.txt").read_text(encoding="utf-8"),
        "moved-doc/copy-b.md": "---\nkind: edition\nlanguage: ru\n---\n" + (case / "b.txt").read_text(encoding="utf-8"),
    })
    build(corpus, tmp_path / "versions.db")
    ds = Datasette([str(tmp_path / "versions.db")])
    response = await ds.client.get("/-/versions/moved-doc")
    assert response.status_code == 200
    row10 = response.text.split('<tr id="g-10" class="moved"')[1].split("</tr>")[0]
    assert "badge-moved" in row10
    assert 'after <a href="#g-6">row 6</a>' in row10 and 'before <a href="#g-7">row 7</a>' in row10
    page = await ds.client.get("/-/versions/moved-doc/p/4", follow_redirects=True)
    first = (await ds.client.get("/-/versions/moved-doc/p/1")).headers["location"]
    assert f'before <a href="{first}">row 1</a>' in page.text


async def test_a_document_without_transcribed_text(small_corpus, tmp_path):
    write_files(small_corpus, {"doc-2/document.yaml": "title: Nothing yet\ndate: 1950\noriginal_language: ru\n"
                               "archival_refs:\n  - archive: APRF\n",
                               "doc-2/aprf-copy.md": "---\nkind: archival-copy\nlanguage: ru\narchive: APRF\n"
                               "transcribed: false\n---\n"})
    build(small_corpus, tmp_path / "versions.db")
    ds = Datasette([str(tmp_path / "versions.db")])
    page = await ds.client.get("/-/versions/doc-2")
    assert page.status_code == 200 and "nothing to align" in page.text
    assert (await ds.client.get("/-/versions/doc-2/compare")).status_code == 404
    assert (await ds.client.get("/-/versions/doc-2/p/1")).status_code == 404
    assert (await ds.client.get("/-/versions")).status_code == 200


async def test_no_versions_database_attached(tmp_path):
    import sqlite3
    sqlite3.connect(tmp_path / "other.db").execute("create table t (x)")
    ds = Datasette([str(tmp_path / "other.db")])
    assert (await ds.client.get("/-/versions")).status_code == 404
    assert (await ds.client.get(f"/-/versions/{DOC}")).status_code == 404


@pytest.mark.parametrize("page", [
    "/-/versions",
    "/-/versions/-/search?q=Kaesong",
    f"/-/versions/{DOC}",
    f"/-/versions/{DOC}/compare?a=wilson-en&b=ru-rendering",
    f"/-/versions/{DOC}/p/8",
    f"/-/versions/{DOC}/history",
    f"/-/versions/{DOC}/history/ru-rendering",
])
async def test_every_link_of_a_page_leads_somewhere(datasette, page):
    await follow_every_link(datasette, page)


# render_cell takes any value -------------------------------------------------------------------------------------


async def test_deeply_nested_brackets_in_an_ops_column_are_left_to_datasette(datasette):
    sql = "select replace(hex(zeroblob(2000)), '00', '[') as ops"
    response = await datasette.client.get("/versions?" + urlencode({"sql": sql}))
    assert response.status_code == 200
    assert "[[[[" in response.text


@pytest.mark.parametrize("value", [
    "[" * 4000,
    "[" * 4000 + "]" * 4000,
    '[[0, "x"], [[0, "y"]]]',  # three deep
    '[[0, "' + "x" * 1_000_001 + '"]]',  # longer than MAX_OPS_LENGTH
    '[[0, "x"]',
    '[[0, "x", 1]]',
    '[[1.0, "x"]]',
    '[[-2, "x"]]',
    '[[0, "' + '\\"' * 300_000,  # an unclosed string of escaped quotes: one scan, not one per quote
    '[[0, "tab\there"]]',  # a control character JSON refuses
])
def test_render_cell_leaves_anything_not_exactly_ops_alone(value):
    assert render_cell({"muted": "[]"}, value, "ops", None, None) is None


@pytest.mark.parametrize("muted", ["[1.5]", '["1"]', "[[1]]", "{}"])
def test_render_cell_leaves_ops_alone_when_muted_is_not_a_list_of_indexes(muted):
    assert render_cell({"muted": muted}, '[[0, "x"]]', "ops", None, None) is None


def test_render_cell_still_renders_ops_with_brackets_in_their_text():
    assert render_cell({"muted": "[]"}, '[[0, "[[[x]]]"], [1, "{y"]]', "ops", None, None) == Markup(
        '<span class="versions-diff">[[[x]]]<ins>{y</ins></span>')


# One snapshot per page -------------------------------------------------------------------------------------------------


async def test_every_query_of_a_page_reads_one_snapshot(datasette, monkeypatch):
    from versions import web

    seen = []
    original = web._in_one_read

    def watched(conn, read):
        def reading():
            seen.append(conn.in_transaction)
            return read()
        return original(conn, reading)

    monkeypatch.setattr(web, "_in_one_read", watched)
    calls = []
    database = datasette.get_database("versions")
    real = database.execute_fn

    async def counted(fn):
        if fn.__module__.startswith("versions") and fn.__name__ != "is_versions_database":
            calls.append(fn)  # ours, not Datasette's own permission queries nor the lookup of our database
        return await real(fn)

    monkeypatch.setattr(database, "execute_fn", counted)
    for path in ["/-/versions", f"/-/versions/{DOC}", f"/-/versions/{DOC}/compare", f"/-/versions/{DOC}/history",
                 f"/-/versions/{DOC}/history/ru-rendering", "/-/versions/-/search?q=Kaesong"]:
        calls.clear()
        assert (await datasette.client.get(path)).status_code == 200
        assert len(calls) == 1, path  # the page's queries, all in one call: one read transaction
    row = await _row_path(datasette, 8)
    calls.clear()
    assert (await datasette.client.get(row)).status_code == 200 and len(calls) == 1
    assert seen and all(seen)
