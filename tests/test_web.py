import json

import pytest
from datasette.app import Datasette

from conftest import ROOT
from versions.store import build


@pytest.fixture
async def datasette(shipped_corpus, tmp_path):
    db_path = tmp_path / "versions.db"
    build(shipped_corpus, db_path)
    metadata = json.loads((ROOT / "metadata.json").read_text())
    ds = Datasette([str(db_path)], metadata=metadata)
    await ds.invoke_startup()
    return ds


async def test_plugin_is_registered_from_the_package(datasette):
    response = await datasette.client.get("/-/plugins.json")
    [plugin] = [plugin for plugin in response.json() if plugin["name"] == "versions"]
    assert plugin["templates"] is True
    assert "register_routes" in plugin["hooks"]


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
    assert {row["id"] for row in response.json()} >= {"telegram-23256/wilson-en/10"}


async def test_documents_page_lists_the_seed(datasette):
    response = await datasette.client.get("/-/versions")
    assert response.status_code == 200
    assert "Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin]" in response.text
    assert "1951-08-27" in response.text
    assert "3 archival-copy" in response.text


async def test_metadata_describes_every_table_and_column(datasette):
    metadata = json.loads((ROOT / "metadata.json").read_text())
    tables = metadata["databases"]["versions"]["tables"]
    db = datasette.get_database("versions")
    for table in await db.table_names():
        if table.startswith("paragraphs_fts"):
            continue
        assert tables[table]["description"], table
        columns = await db.table_columns(table)
        assert set(columns) <= set(tables[table]["columns"]), table
    assert metadata["source"] == "Wilson Center Digital Archive"
    assert metadata["license"]
