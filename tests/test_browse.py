"""The read-side query library (versions.browse) on the shipped corpus and on small corpora of its own."""

import sqlite3
from pathlib import Path

import pytest

from conftest import DATA, write_files
from versions import browse
from versions.anchors import Anchor
from versions.archival import ArchivalRef
from versions.identity import text_key
from versions.normalize import ALL, NONE, Normalization
from versions.store import build

DOC = "telegram-23256"


@pytest.fixture(scope="module")
def conn(shipped_db):
    connection = sqlite3.connect(shipped_db)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def document(conn):
    return browse.get_document(conn, DOC)


@pytest.fixture(scope="module")
def moved_conn(tmp_path_factory):
    """Two Russian versions of one telegram, the second with two paragraphs moved (tests/data/align/same-moved-ru)."""
    root = tmp_path_factory.mktemp("moved")
    case = DATA / "align" / "same-moved-ru"
    write_files(root / "translations", {
        "moved-doc/document.yaml": "title: Moved paragraphs\ndate: 1951-09-03\noriginal_language: ru\nbase: copy-a\n",
        "moved-doc/copy-a.md": "---\nkind: original\nlanguage: ru\n---\n" + (case / "a.txt").read_text(encoding="utf-8"),
        "moved-doc/copy-b.md": "---\nkind: edition\nlanguage: ru\n---\n" + (case / "b.txt").read_text(encoding="utf-8"),
    })
    build(root / "translations", root / "versions.db")
    connection = sqlite3.connect(root / "versions.db")
    yield connection
    connection.close()


def test_is_versions_database(conn, tmp_path):
    assert browse.is_versions_database(conn)
    other = sqlite3.connect(tmp_path / "other.db")
    other.execute("create table documents (id text)")
    assert not browse.is_versions_database(other)


def test_list_documents_counts_kinds_languages_archives_and_rows(conn):
    summaries = browse.list_documents(conn)
    assert [summary.id for summary in summaries] == [DOC, "illustrative-copies"]  # by date
    summary = summaries[0]
    assert summary.kinds == {"archival-copy": 3, "translation": 4}
    assert summary.languages == ["en", "ru"]
    assert summary.archives == ("APRF", "AVP RF", "RGASPI")
    assert summary.transcribed == 4
    assert summary.groups == 25
    assert summary.paragraphs == 106


def test_get_document_reads_versions_with_archival_refs_and_provenance(document):
    assert document.base == "wilson-en"
    assert [v.id for v in document.transcribed] == ["wilson-en", "en-independent", "en-revised", "ru-rendering"]
    rgaspi = document.version("rgaspi-copy")
    assert not rgaspi.transcribed
    assert rgaspi.archival_ref.reference == "RGASPI, f. 558, op. 11, d. 341, ll. 86-88"
    wilson = document.version("wilson-en")
    assert wilson.source_link == "https://wilson-center.drivingcreative.com/document/110381"
    assert ("aprf-copy", "translation-of") in wilson.derived_from
    assert document.version("en-revised").illustrative
    assert document.version("no-such-version") is None
    assert document.groups == 25


def test_get_document_of_an_unknown_id_is_none(conn):
    assert browse.get_document(conn, "no-such-document") is None
    assert browse.get_document(conn, "../telegram-23256") is None


def test_archival_reference_is_composed_from_its_parts_without_a_citation():
    ref = ArchivalRef("APRF", fond="45", opis="1", delo="340", listy="86-88")
    assert ref.reference == "APRF, Fond 45, Opis 1, Delo 340, Listy 86-88"


@pytest.mark.parametrize("value, link", [
    ("https://example.org/doc/1", "https://example.org/doc/1"),
    ("http://example.org", "http://example.org"),
    ("javascript:alert(1)", None),
    ("JavaScript:alert(1)", None),
    (" javascript:alert(1)", None),
    ("data:text/html,<script>alert(1)</script>", None),
    ("//example.org/x", None),
    ("/relative/path", None),
    ("https://exa mple.org", None),
    ("https://example.org/\nx", None),
    ("https:///nohost", None),
    ("", None),
    (None, None),
])
def test_only_absolute_http_addresses_become_links(value, link):
    assert browse.web_url(value) == link


def test_stored_alignment_reads_diffs_and_anchors(conn, document):
    alignment = browse.load_alignment(conn, document)
    assert alignment.stored and alignment.base == "wilson-en"
    assert [row.n for row in alignment.rows] == list(range(1, 26))
    row = alignment.row(8)
    assert row.id == f"{DOC}/{row.key}" and row.key == text_key(row.readings["wilson-en"].paragraphs[0].text)
    assert set(row.readings) == {"wilson-en", "en-independent", "en-revised", "ru-rendering"}
    assert row.readings["wilson-en"].is_base and row.readings["wilson-en"].diff is None
    revised = row.readings["en-revised"]
    assert "Gaeseong" in revised.diff.text_a and "Gaeseong" not in revised.diff.text_b
    assert revised.changed
    russian = row.readings["ru-rendering"]
    assert russian.diff is None
    assert Anchor("name", "kaesong") in russian.anchors_shared
    assert russian.text.startswith("19 августа")


def test_a_row_holding_two_paragraphs_of_a_version(conn, document):
    row = browse.load_alignment(conn, document).row(6)
    assert row.readings["wilson-en"].numbers == "6–7"
    assert row.readings["wilson-en"].text.count(browse.PARAGRAPH_SEPARATOR) == 1


def test_a_paragraph_only_one_version_has(conn, document):
    row = browse.load_alignment(conn, document).row(22)
    assert row.variance == 1.0
    assert not row.readings["wilson-en"].present
    note = row.readings["en-independent"]
    assert note.present and note.text.startswith("[Translator's note")
    assert note.diff.inserted > 0 and not note.diff.deleted


def test_computed_comparisons_equal_the_stored_ones(conn, document):
    stored = browse.load_alignment(conn, document)
    computed = browse.load_alignment(conn, document, compute=True)
    assert not computed.stored
    for a, b in zip(stored.rows, computed.rows, strict=True):
        assert a.variance == b.variance, a.n
        for slug, reading in a.readings.items():
            other = b.readings[slug]
            assert reading.diff == other.diff, (a.n, slug)
            assert (reading.anchors_shared, reading.anchors_missing, reading.anchors_added) == (
                other.anchors_shared, other.anchors_missing, other.anchors_added), (a.n, slug)


def test_another_base_is_compared_on_the_fly(conn, document):
    alignment = browse.load_alignment(conn, document, base="en-revised")
    assert not alignment.stored and alignment.base == "en-revised"
    row = alignment.row(8)
    assert row.readings["en-revised"].is_base and row.readings["en-revised"].diff is None
    wilson = row.readings["wilson-en"].diff
    assert wilson.text_a == row.readings["en-revised"].text and wilson.text_b == row.readings["wilson-en"].text
    assert "Gaeseong" in wilson.text_b


def test_another_normalization_is_computed(conn, document):
    default = browse.load_alignment(conn, document, rows=range(8, 9)).row(8).readings["en-revised"].diff
    romanized = browse.load_alignment(conn, document, normalization=ALL, rows=range(8, 9)).row(8).readings["en-revised"].diff
    assert romanized.normalization == ALL.names()
    assert romanized.similarity > default.similarity
    assert romanized.muted


def test_one_row_is_loaded_alone_by_its_key(conn, document):
    key = browse.row_at(conn, DOC, 9)
    alignment = browse.load_alignment(conn, document, row=key)
    assert [row.n for row in alignment.rows] == [9]
    assert alignment.row(9).readings["en-revised"].diff is not None
    assert browse.load_alignment(conn, document, row="nosuchkey").rows == []


def test_moved_paragraphs_point_to_where_they_stand_in_their_own_version(moved_conn):
    document = browse.get_document(moved_conn, "moved-doc")
    alignment = browse.load_alignment(moved_conn, document)
    moved = {row.n: row.readings["copy-b"] for row in alignment.rows if row.readings["copy-b"].moved}
    assert set(moved) == {4, 10}
    # copy-b/1 ("Товарищу ФИЛИППОВУ") opens copy-b: nothing before it, and copy-b/2 is in row 1
    assert (moved[4].numbers, moved[4].moved_after, moved[4].moved_before.n) == ("1", None, 1)
    assert moved[4].moved_before.key == alignment.row(1).key
    # copy-b/7 stands between copy-b/6 (row 6) and copy-b/8 (row 7)
    assert (moved[10].numbers, moved[10].moved_after.n, moved[10].moved_before.n) == ("7", 6, 7)
    assert alignment.row(4).moved and not alignment.row(5).moved


def test_comparison_of_two_versions_in_one_language(conn, document):
    comparison = browse.load_comparison(conn, document, "wilson-en", "en-revised", Normalization.parse("default"))
    assert comparison.same_language
    assert len(comparison.pairs) == 24  # every row but the translator's note only en-independent has
    totals = comparison.totals
    assert totals["differing"] > 0 and 0.9 < totals["similarity"] < 1
    pair = next(pair for pair in comparison.pairs if pair.row.n == 8)
    assert "Gaeseong" in pair.diff.text_a and "Gaeseong" not in pair.diff.text_b


def test_comparison_without_normalization_counts_more_differences(conn, document):
    none = browse.load_comparison(conn, document, "wilson-en", "en-revised", NONE).totals
    everything = browse.load_comparison(conn, document, "wilson-en", "en-revised", ALL).totals
    assert everything["replaced"] + everything["inserted"] + everything["deleted"] < (
        none["replaced"] + none["inserted"] + none["deleted"])


def test_comparison_across_languages_checks_anchors(conn, document):
    comparison = browse.load_comparison(conn, document, "wilson-en", "ru-rendering", NONE)
    assert not comparison.same_language
    assert all(pair.diff is None for pair in comparison.pairs)
    pair = next(pair for pair in comparison.pairs if pair.row.n == 4)
    assert Anchor("date", "1951-08-27") in pair.anchors_shared


def test_anchors_by_side_reports_what_a_translation_dropped():
    from versions.collate import compare
    from versions.normalize import NONE

    comparison = compare("On August 19 nine bombs fell on Kaesong.", "19 августа бомбы упали на Пхеньян.", "en", "ru", NONE)
    shared, missing, added = browse.anchors_by_side(comparison)
    assert Anchor("date", "08-19") in shared
    assert Anchor("name", "kaesong") in missing
    assert Anchor("name", "pyongyang") in added


def test_search_finds_english_and_russian_spellings_of_a_name(conn):
    results = browse.search(conn, "Kaesong")
    assert results.languages["en"] > 0 and results.languages["ru"] > 0
    assert any("Кэсон" in "".join(text for text, _ in hit.snippet) for hit in results.hits)
    assert any(hit.version == "wilson-en" and hit.group for hit in results.hits)
    [term] = results.terms
    assert "Кэсон" in term.variants and "Gaeseong" in term.variants


def test_search_in_russian_finds_case_forms_and_english(conn):
    results = browse.search(conn, "Кэсона")
    assert results.languages.get("ru", 0) >= 3 and results.languages.get("en", 0) > 0


def test_search_marks_the_matched_words(conn):
    hit = browse.search(conn, "nine bombs").hits[0]
    assert ("nine", True) in hit.snippet or ("nine bombs", True) in [(t.lower(), m) for t, m in hit.snippet]


def test_search_filters_by_language_and_document(conn):
    results = browse.search(conn, "Kaesong", language="ru")
    assert results.hits and {hit.language for hit in results.hits} == {"ru"}
    assert results.total == results.languages["ru"]
    assert browse.search(conn, "Kaesong", document="another-document").hits == []


@pytest.mark.parametrize("query", ['"', '" OR 1', "NEAR(", "*", "a AND", "^x", "-", "NOT", "(((", "\x00", ""])
def test_search_never_passes_fts_syntax_through(conn, query):
    results = browse.search(conn, query)
    assert isinstance(results.total, int)


def test_fts_query_quotes_every_spelling():
    query = browse.fts_query(browse.expand_terms(browse.search_terms('Syngman "x" OR y')))
    assert query.startswith('("Syngman"* OR ')
    assert '"x"* AND "OR"* AND "y"*' in query


def test_a_document_without_transcribed_text_has_no_rows(small_corpus, tmp_path):
    write_files(small_corpus, {"doc-2/document.yaml": "title: Nothing yet\ndate: 1950\noriginal_language: ru\n"
                               "archival_refs:\n  - archive: APRF\n",
                               "doc-2/aprf-copy.md": "---\nkind: archival-copy\nlanguage: ru\narchive: APRF\n"
                               "transcribed: false\n---\n"})
    build(small_corpus, tmp_path / "v.db")
    conn = sqlite3.connect(tmp_path / "v.db")
    document = browse.get_document(conn, "doc-2")
    assert document.transcribed == [] and document.base is None
    assert browse.load_alignment(conn, document).rows == []


def test_paths_in_this_package_are_never_taken_from_input():
    # the package only reads through the connection it is given
    modules = list(Path(browse.__file__).parent.glob("*.py"))
    assert len(modules) > 1
    assert all("open(" not in module.read_text(encoding="utf-8") for module in modules)


# Provenance and history ----------------------------------------------------------------------------------------------


def test_provenance_of_the_shipped_corpus(document):
    graph = browse.provenance(document)
    edges = {(edge.target, edge.relation, edge.source) for edge in graph.edges}
    assert edges == {
        ("wilson-en", "translation-of", "aprf-copy"),
        ("wilson-en", "translation-of", "avp-rf-copy"),
        ("wilson-en", "translation-of", "rgaspi-copy"),
        ("en-revised", "revision-of", "wilson-en"),
        ("ru-rendering", "translation-of", "wilson-en"),
    }
    depths = {node.id: node.depth for node in graph.nodes}
    assert depths == {"aprf-copy": 0, "avp-rf-copy": 0, "rgaspi-copy": 0, "en-independent": 0, "wilson-en": 1,
                      "en-revised": 2, "ru-rendering": 2}
    assert [node.id for node in graph.unconnected] == ["en-independent"]
    assert graph.node("wilson-en").is_base and not graph.node("aprf-copy").transcribed
    assert [edge.source for edge in graph.sources("wilson-en")] == ["aprf-copy", "avp-rf-copy", "rgaspi-copy"]


def _version(slug: str, derived_from=(), kind="translation") -> browse.VersionInfo:
    return browse.VersionInfo(key=f"d/{slug}", id=slug, kind=kind, language="en", label=slug.upper(), transcribed=True,
                              illustrative=False, derived_from=tuple(derived_from))


def test_provenance_survives_a_cycle_a_long_edge_and_an_unknown_source():
    from versions.web.provenance import narrow_drawing, wide_drawing

    versions = (
        _version("a", kind="original"),
        _version("b", [("a", "copy-of")]),
        _version("c", [("b", "translation-of")]),
        _version("d", [("c", "edition-of"), ("a", "revision-of")]),  # spans two layers
        _version("x", [("y", "copy-of")]),  # x and y form a cycle (versions check refuses it; a database may not)
        _version("y", [("x", "copy-of")]),
        _version("z", [("ghost", "copy-of")]),  # a source the document does not hold
    )
    document = browse.DocumentInfo("d", "D", "1951", None, None, None, "en", "a", None, None, None, None, False,
                                   versions, (), 0, 0)
    graph = browse.provenance(document)
    depth = {node.id: node.depth for node in graph.nodes}
    assert (depth["a"], depth["b"], depth["c"], depth["d"]) == (0, 1, 2, 3)
    assert graph.node("ghost") is not None and not graph.node("ghost").known
    for drawing in (wide_drawing(graph), narrow_drawing(graph)):
        assert {box.id for box in drawing.boxes} == {node.id for node in graph.nodes}
        assert len(drawing.arrows) == len(graph.edges) == 7
        for box in drawing.boxes:
            assert 0 <= box.x and box.x + box.width <= drawing.width and box.y + box.height <= drawing.height
        for one in drawing.boxes:  # no box overlaps another
            for other in drawing.boxes:
                if one is not other:
                    assert (one.x + one.width <= other.x or other.x + other.width <= one.x
                            or one.y + one.height <= other.y or other.y + other.height <= one.y), (one.id, other.id)
    # the arrow from a to d passes through a point of each layer between, beside the boxes of b and c
    wide = wide_drawing(graph)
    [long_arrow] = [arrow for arrow in wide.arrows if (arrow.source, arrow.target) == ("a", "d")]
    assert long_arrow.path.count(" L ") == 2


def test_history_of_a_version_newest_first_with_its_changes(conn, document):
    history = browse.load_history(conn, document, "ru-rendering")
    assert [revision.n for revision in history] == [2, 1]
    latest, first = history
    assert latest.latest and latest.compared and not latest.first
    assert latest.summary == "1 paragraph changed (1 modified); front matter: note changed" and latest.changed == 1
    [change] = latest.changes
    assert change.kind == "modified" and browse.change_place(change.old, change.new) == f"¶ {change.new[0]}"
    assert change.diff.deleted or change.diff.replaced
    assert first.first and first.summary == "created, 25 paragraphs" and first.changes == []
    assert first.text.startswith("## ") and first.created_diff.ops == [(1, first.text)]
    assert len(latest.commit) == 40 and latest.short == latest.commit[:10]
    assert browse.revision_counts(conn, DOC)["ru-rendering"] == 2
    assert browse.latest_revisions(conn, DOC)["ru-rendering"].n == 2
    assert browse.load_history(conn, document, "no-such-version") == []


def test_change_locations_read_old_to_new():
    assert browse.change_place((2,), (2,)) == "¶ 2"
    assert browse.change_place((2,), (5,)) == "¶ 2 → ¶ 5"
    assert browse.change_place((4, 5), (4,)) == "¶ 4–5 → ¶ 4"
    assert browse.change_place((), (3,)) == "¶ 3"
    assert browse.change_place((3,), ()) == "¶ 3"


def test_a_database_without_history_tables_has_no_history(conn, document, tmp_path):
    bare = sqlite3.connect(tmp_path / "bare.db")
    bare.execute("create table documents (id text)")
    assert not browse.has_history(bare)
    assert browse.revision_counts(bare, DOC) == {} and browse.latest_revisions(bare, DOC) == {}
    assert browse.load_history(bare, document, "wilson-en") == []


# Bounded reads -------------------------------------------------------------------------------------------------------


def test_a_page_of_a_list():
    page = browse.Page(2, 10, 25)
    assert (page.count, page.start, page.stop, page.numbers) == (3, 10, 20, range(11, 21))
    assert (page.previous, page.next, page.holding(24)) == (1, 3, 3)
    last = browse.Page(3, 10, 25)
    assert (last.stop, last.next) == (25, None)
    empty = browse.Page(1, 10, 0)
    assert (empty.count, empty.numbers, empty.previous, empty.next) == (1, range(1, 1), None, None)


def test_an_alignment_reads_only_the_rows_and_versions_asked_for(conn, document):
    alignment = browse.load_alignment(conn, document, rows=range(5, 8), versions=["ru-rendering"])
    assert [row.n for row in alignment.rows] == [5, 6, 7]
    assert all(set(row.readings) == {"wilson-en", "ru-rendering"} for row in alignment.rows)  # the base always
    whole = browse.load_alignment(conn, document)
    for row in alignment.rows:
        assert row.readings["ru-rendering"].text == whole.row(row.n).readings["ru-rendering"].text
        assert row.readings["ru-rendering"].anchors_shared == whole.row(row.n).readings["ru-rendering"].anchors_shared


def test_computed_variance_is_over_the_versions_read(conn, document):
    two = browse.load_alignment(conn, document, base="en-revised", rows=range(8, 9), versions=["wilson-en"])
    assert set(two.rows[0].readings) == {"en-revised", "wilson-en"}
    assert two.rows[0].readings["wilson-en"].diff is not None


def test_a_comparison_of_some_rows(conn, document):
    comparison = browse.load_comparison(conn, document, "wilson-en", "en-revised", ALL, rows=range(3, 5))
    assert [pair.row.n for pair in comparison.pairs] == [3, 4]
    assert comparison.totals["rows"] == 2


def test_documents_page_by_page(conn):
    assert browse.count_documents(conn) == 2
    assert [summary.id for summary in browse.list_documents(conn, 0, 1)] == [DOC]
    assert [summary.id for summary in browse.list_documents(conn, 1, 1)] == ["illustrative-copies"]
    assert browse.list_documents(conn, 2, 1) == []


def test_archival_references_read_are_capped_and_counted(conn, monkeypatch):
    monkeypatch.setattr(browse.documents, "ARCHIVAL_REFS_SHOWN", 1)
    document = browse.get_document(conn, DOC)
    assert len(document.archival_refs) == 1 and document.archival_ref_count == 3
    # a version still knows its own reference
    assert all(version.archival_ref for version in document.versions if version.kind == "archival-copy")


def test_a_page_of_history(conn, document):
    assert [revision.n for revision in browse.load_history(conn, document, "ru-rendering", 1, 1)] == [1]
    capped = browse.load_history(conn, document, "ru-rendering", changes=1)
    assert all(len(revision.changes) <= 1 for revision in capped)
    span = browse.history_span(conn, document, "ru-rendering")
    assert span.first_date and span.last_date and span.first_date <= span.last_date


def test_volume_and_unparsed_references_are_stored_and_read_back(tmp_path):
    write_files(tmp_path / "translations", {
        "doc-1/document.yaml": (
            "title: T\ndate: 1951-08-27\noriginal_language: en\narchival_refs:\n"
            '  - archive: GARF\n    fond: "5"\n    tom: "2"\n    listy: 3ob\n'
            "  - citation: Fond 7, Delo 2\n    unparsed: true\n"
        ),
        "doc-1/en.md": "---\nkind: original\nlanguage: en\n---\nText.\n",
    })
    build(tmp_path / "translations", tmp_path / "versions.db")
    with sqlite3.connect(tmp_path / "versions.db") as connection:
        document = browse.get_document(connection, "doc-1")
        ids = [row[0] for row in connection.execute("select id from archival_refs where unparsed order by id")]
        [summary] = browse.list_documents(connection)
    references = [ref.reference for ref in document.archival_refs]
    assert references == ["GARF, Fond 5, Tom 2, Listy 3ob", "Fond 7, Delo 2"]
    assert [ref.unparsed for ref in document.archival_refs] == [False, True]
    assert ids == ["doc-1/unparsed-1"]
    assert summary.archives == ("GARF",)


def test_fts_query_makes_han_characters_a_folded_phrase():
    [term] = browse.expand_terms(browse.search_terms("開城"))
    query = browse.fts_query([term])
    assert '"开 城"' in query and '"Kaesong"*' in query and "開" not in query
    assert browse.fts_query(browse.expand_terms(["命令"])) == '"命 令"'
