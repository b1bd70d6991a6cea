"""Citing a row: CSL-JSON, citeproc-py in Chicago and other styles, BibTeX, RIS, the citation_* meta tags, and the
rights statement carried in each."""

import datetime
import json
import re
import sqlite3

import pytest
from datasette.app import Datasette
from lxml import html as lxml_html

from versions import browse
from versions.citation import DEFAULT_STYLE, RowCitation, UnknownStyle, document_meta_tags

DOC = "telegram-23256"
RIGHTS = "The texts are from the Wilson Center Digital Archive and are subject to its terms of use."


@pytest.fixture
def cited(shipped_db) -> RowCitation:
    conn = sqlite3.connect(shipped_db)
    document = browse.get_document(conn, DOC)
    row = browse.load_alignment(conn, document, rows=range(8, 9)).row(8)
    return RowCitation(document, row, "https://example.org/-/versions/telegram-23256/p/x", "8f629e157f0123",
                       datetime.date(2026, 12, 3))


def test_csl_json_names_document_version_archive_row_commit_access_and_rights(cited):
    item = cited.csl_json()
    assert item["title"] == "Ciphered Telegram No. 23256, Mao Zedong to Cde. Filippov [Stalin], row 8 (paragraph 9)"
    assert item["author"] == [{"literal": "Mao Zedong"}] and item["issued"] == {"date-parts": [[1951, 8, 27]]}
    assert item["container-title"] == "English translation (Wilson Center Digital Archive)"
    assert (item["archive"], item["archive_location"]) == ("APRF", "Fond 45, Opis 1, Delo 340, Listy 86-88")
    assert item["medium"] == "corpus commit 8f629e157f" and item["accessed"] == {"date-parts": [[2026, 12, 3]]}
    assert item["URL"].endswith("/p/x") and item["license"] == RIGHTS


def test_chicago_by_default_and_other_styles_by_name(cited):
    chicago = cited.text()
    assert DEFAULT_STYLE.startswith("chicago")
    assert chicago.startswith("Mao Zedong. “Ciphered Telegram No. 23256")
    assert "August 27, 1951" in chicago and "Accessed December 3, 2026" in chicago
    assert "Corpus commit 8f629e157f" in chicago
    assert chicago.endswith(RIGHTS)
    apa = cited.text("apa")
    assert apa.startswith("Mao Zedong. (1951).") and apa != chicago
    with pytest.raises(UnknownStyle):
        cited.text("no-such-style")
    with pytest.raises(UnknownStyle):
        cited.text("../../etc/passwd")


def test_bibtex_and_ris_carry_the_same_facts(cited):
    bibtex = cited.bibtex()
    assert bibtex.startswith("@misc{telegram-23256-") and bibtex.endswith("}\n")
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", bibtex, re.M))
    assert fields["author"] == "{Mao Zedong}" and fields["date"] == "1951-08-27" and fields["urldate"] == "2026-12-03"
    assert fields["archive"] == "APRF, Fond 45, Opis 1, Delo 340, Listy 86-88" and fields["note"] == f"Rights: {RIGHTS}"
    assert bibtex.count("{") == bibtex.count("}")
    ris = dict(line.split("  - ", 1) for line in cited.ris().splitlines())
    assert ris["TY"] == "MANSCPT" and ris["DA"] == "1951/08/27" and ris["ET"] == "corpus commit 8f629e157f"
    assert ris["N1"] == f"Rights: {RIGHTS}" and ris["UR"].endswith("/p/x") and "ER" in ris


def test_bibtex_escapes_its_special_characters(cited):
    from dataclasses import replace

    document = replace(cited.document, title="50% of {x} & y_z", rights=None)
    bibtex = replace(cited, document=document).bibtex()
    assert r"50\% of \{x\} \& y\_z" in bibtex and "note" not in bibtex


async def test_pages_carry_meta_tags_that_parse_and_offer_every_format(shipped_db):
    ds = Datasette([str(shipped_db)])
    row_path = (await ds.client.get(f"/-/versions/{DOC}/p/8")).headers["location"]
    for path in (row_path, f"/-/versions/{DOC}"):
        page = lxml_html.fromstring((await ds.client.get(path)).text)
        tags = {meta.get("name"): meta.get("content") for meta in page.xpath("//head/meta[@name]")}
        assert tags["citation_title"].startswith("Ciphered Telegram No. 23256")
        assert tags["citation_author"] == "Mao Zedong" and tags["citation_date"] == "1951/08/27"
        assert tags["citation_public_url"] == f"http://localhost{path}" and tags["dc.rights"] == RIGHTS
    csl = await ds.client.get(f"{row_path}/cite.json")
    assert csl.headers["content-type"].startswith("application/vnd.citationstyles.csl+json")
    [item] = json.loads(csl.text)
    assert item["URL"] == f"http://localhost{row_path}" and item["license"] == RIGHTS
    assert (await ds.client.get(f"{row_path}/cite.bib")).text.startswith("@misc{")
    assert (await ds.client.get(f"{row_path}/cite.ris")).text.startswith("TY  - MANSCPT")
    assert (await ds.client.get(f"{row_path}/cite.pdf")).status_code == 404
    assert (await ds.client.get(f"/-/versions/{DOC}/p/nosuchrow/cite.json")).status_code == 404
    apa = await ds.client.get(f"{row_path}?style=apa")
    assert "Mao Zedong. (1951)." in apa.text
    assert (await ds.client.get(f"{row_path}?style=no-such-style")).status_code == 400


def test_document_meta_tags_leave_out_what_is_unknown(cited):
    from dataclasses import replace

    tags = dict(document_meta_tags(replace(cited.document, sender=None, rights=None), "https://example.org/"))
    assert "citation_author" not in tags and "dc.rights" not in tags and tags["citation_title"]
