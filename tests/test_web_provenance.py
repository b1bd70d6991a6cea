"""The provenance graph on the document page (web.provenance), through datasette.client."""

import re

from datasette.app import Datasette

from conftest import DOC
from versions.store import build


async def test_provenance_graph_lists_every_derivation_of_the_shipped_corpus(datasette, shipped_db):
    import sqlite3

    with sqlite3.connect(shipped_db) as conn:
        derivations = conn.execute(
            "select version_id, source_version_id, relation from derivations where document_id = ?", [DOC]
        ).fetchall()
    assert len(derivations) == 5
    text = (await datasette.client.get(f"/-/versions/{DOC}")).text
    section = text.split('<section id="provenance"')[1].split("</section>")[0]
    wide = section.split('class="pv-drawing pv-wide"')[1].split("</svg>")[0]
    narrow = section.split('class="pv-drawing pv-narrow"')[1].split("</svg>")[0]
    words = section.split('<ul class="pv-words">')[1]
    for version_key, source_key, relation in derivations:
        version, source = version_key.split("/")[1], source_key.split("/")[1]
        arrow = f'data-source="{source}" data-target="{version}" data-relation="{relation}"'
        assert wide.count(arrow) == 1 and narrow.count(arrow) == 1, arrow
        assert f'data-derivation="{version} {relation} {source}"' in words
    assert wide.count('class="pv-arrow ') == narrow.count('class="pv-arrow ') == len(derivations)
    # every version is a box of both drawings; the one made from nothing recorded is said to be
    assert len(re.findall(r'<g class="pv-node [^"]*" data-version=', wide)) == 7
    assert len(re.findall(r'<g class="pv-node [^"]*" data-version=', narrow)) == 7
    assert "No recorded source:" in words and "Independent English translation (illustrative)" in words
    assert ("<title>English translation (Wilson Center Digital Archive): translation of APRF copy (Russian)</title>"
            in wide)
    # drawn by us: no script, no external resource
    assert "<script" not in section and "http://" not in section.replace('xmlns="http://www.w3.org/2000/svg"', "")
    # the narrow drawing replaces the wide one on a phone
    assert re.search(r"<style>@media \(max-width: \d+px\) \{ \.pv-figure \.pv-wide \{ display: none; \}", text)


async def test_provenance_labels_are_escaped(xss_datasette):
    text = (await xss_datasette.client.get("/-/versions/xss-doc")).text
    section = text.split('<section id="provenance"')[1].split("</section>")[0]
    assert "<script>" not in section and "<img" not in section
    assert 'data-source="en" data-target="en-two" data-relation="revision-of"' in section
    assert "English &lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "Second &#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in section


async def test_a_document_without_derivations_says_so(small_corpus, tmp_path):
    build(small_corpus, tmp_path / "versions.db")
    ds = Datasette([str(tmp_path / "versions.db")])
    text = (await ds.client.get("/-/versions/doc-1")).text
    assert "No version of this document is recorded as made from another." in text
    assert "pv-drawing" not in text
    history = await ds.client.get("/-/versions/doc-1/history/en")
    assert history.status_code == 200
    assert "badge-uncommitted" in history.text or "unversioned" in history.text  # outside git, or untracked in one
