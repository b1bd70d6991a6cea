"""The copies view (?copies=<language>), copy-against-copy diffs and the variance map (datasette.client)."""

import json
import re

import pytest

from conftest import (
    METADATA,
    started_site,
    write_files,
)
from versions.store import build


# The copies view (?copies=<language>) and the variance map ------------------------------------------------------

COPIES_DOC = "copies-4117"


@pytest.fixture
async def copies_datasette(copies_db):
    return await started_site(copies_db, METADATA)


def columns_of(text: str) -> list[str]:
    return re.findall(r'<th scope="col" id="col-([a-z0-9-]+)">', text)


def reading_of(text: str, row: int, version: str) -> str:
    """The HTML of one reading of the alignment table: row ``row``, column ``version``."""
    row_html = text[text.index(f'<tr id="g-{row}"'):]
    row_html = row_html[:row_html.index("</tr>")]
    column = columns_of(text).index(version)
    return re.split(r'<td class="reading', row_html)[column + 1]


async def test_copies_view_sets_the_copies_of_one_language_side_by_side(copies_datasette):
    response = await copies_datasette.client.get(f"/-/versions/{COPIES_DOC}?copies=ru")
    assert response.status_code == 200
    assert columns_of(response.text) == ["copy-a", "copy-b", "copy-c"]  # the English base is left out
    assert 'aria-current="page">3 versions in ru</a>' in response.text
    assert "stored word diff against Copy A (copy against copy)" in response.text
    # copy B writes the number in figures where copy A spells it out: the stored diff of the two copies
    assert "<del>девять</del><ins>9</ins>" in reading_of(response.text, 7, "copy-b").replace("\n", "")


async def test_copies_view_takes_any_copy_as_base_and_reads_stored_diffs_from_its_side(copies_datasette, monkeypatch):
    import versions.browse.alignment

    def no_diffing(*args, **kwargs):
        raise AssertionError("copies of one text are read from the stored diffs, not diffed again")

    monkeypatch.setattr(versions.browse.alignment, "compare", no_diffing)
    response = await copies_datasette.client.get(f"/-/versions/{COPIES_DOC}?copies=ru&base=copy-b")
    assert response.status_code == 200
    assert columns_of(response.text) == ["copy-b", "copy-a", "copy-c"]
    assert "<del>9</del><ins>девять</ins>" in reading_of(response.text, 7, "copy-a").replace("\n", "")
    assert 'name="copies" value="ru"' in response.text  # the controls keep the view
    assert "make base" in response.text and "copies=ru" in response.text


@pytest.mark.parametrize("language", ["en", "zz", ""])
async def test_copies_view_needs_a_language_with_two_transcribed_versions(copies_datasette, language):
    response = await copies_datasette.client.get(f"/-/versions/{COPIES_DOC}?copies={language}")
    assert response.status_code == 400
    assert "(ru)" in response.text


async def test_copy_against_copy_diffs_are_in_datasettes_diffs_table(copies_datasette):
    response = await copies_datasette.client.get(
        f"/versions/diffs.json?_shape=array&base_version_id={COPIES_DOC}/copy-a&version_id={COPIES_DOC}/copy-b"
        "&replaced__gt=0&_sort=id")
    found = next(row for row in response.json() if "девять" in row["ops"])
    assert found["id"].endswith("/copy-a/copy-b")
    assert json.loads(found["ops"]) == [[0, "Переговоры в Кэсоне не возобновлялись уже "], [-1, "девять"], [1, "9"],
                                        [0, (" дней. Противник ссылается на нарушение нейтральной зоны и требует "
                                             "новых гарантий.")]]


async def test_variance_map_marks_a_one_word_variant_and_scales_by_changed_words(copies_datasette):
    text = (await copies_datasette.client.get(f"/-/versions/{COPIES_DOC}?copies=ru")).text
    bars = dict(re.findall(r'<a href="#g-(\d+)" title="[^"]*" aria-label="[^"]*"><span class="bar (v\d+ h\d+)">', text))
    assert bars["7"] == "v1 h3"  # one word in a long paragraph: variance 0.01, still marked
    assert bars["3"] == "v0 h0"  # the same in every copy
    assert bars["2"] == "v10 h6"  # the stamp of one copy: four words none of the others has


async def test_variance_map_of_a_long_document_zooms_from_an_overview(copies_db):
    ds = await started_site(copies_db, {**METADATA, "plugins": {"versions": {"rows_per_page": 4}}})
    text = (await ds.client.get(f"/-/versions/{COPIES_DOC}?page=2")).text
    overview = text[text.index('<ol class="overview">'):]
    overview = overview[:overview.index("</ol>")]
    assert overview.count("<li") == 11  # every row of the document, one to a bar
    bars = re.findall(r'class="bar (v\d+ h\d+)"', overview)
    assert bars[4].split()[1] not in ("h0", "h1")  # row 5: the time written out in the copies, anchors counted
    assert bars[0] == "v3 h1"  # row 1: a line one copy lacks, no word changed, still marked
    assert re.findall(r'<li class="here">\s*<a href="#g-(\d+)"', overview) == ["5", "6", "7", "8"]
    assert f'href="/-/versions/{COPIES_DOC}?page=3#g-9"' in overview  # another page's rows: zoom there
    assert "Rows 5–8, one bar each" in text


async def test_each_member_names_the_version_it_was_aligned_with(copies_datasette):
    response = await copies_datasette.client.get(
        f"/versions/alignment_members.json?_shape=array&_size=max&document_id={COPIES_DOC}&_labels=off")
    aligned_with = {(row["version_id"], row["aligned_with_id"]) for row in response.json()}
    doc = COPIES_DOC
    assert aligned_with == {
        (f"{doc}/en", None), (f"{doc}/copy-a", f"{doc}/en"),
        (f"{doc}/copy-b", f"{doc}/copy-a"), (f"{doc}/copy-c", f"{doc}/copy-a"),
    }


async def test_a_copy_in_the_base_language_that_drops_a_number_is_flagged(tmp_path):
    corpus = write_files(tmp_path / "translations", {
        "copy-doc/document.yaml": "title: An illustrative copy\ndate: 1951-08-27\noriginal_language: en\nbase: en\n",
        "copy-doc/en.md": "---\nkind: original\nlanguage: en\n---\nOn the 27th nine planes bombed Kaesong.\n",
        "copy-doc/words.md": "---\nkind: edition\nlanguage: en\n---\nOn the twenty-seventh 9 planes bombed Kaesong.\n",
        "copy-doc/short.md": "---\nkind: edition\nlanguage: en\n---\nOn the 27th planes bombed Kaesong.\n",
    })
    build(corpus, tmp_path / "versions.db")
    response = await (await started_site(tmp_path / "versions.db")).client.get("/-/versions/copy-doc")
    assert response.status_code == 200
    assert response.text.count("<strong>Missing here</strong>") == 1  # the copy without 9; the one in words is whole
    assert re.search(r'Missing here</strong> \(in [^)]*\): <span class="anchor" title="number">9</span></p>', response.text)
