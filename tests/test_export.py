"""Export (TEI, CollateX JSON, CSV) and import (TEI, plain text), with the round trip export -> import -> export."""

import csv
import dataclasses
import io
import json
import os
import shutil
import sys
import unicodedata
from importlib.resources import files
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DOCUMENT_YAML, ROOT, SHIPPED_CORPUS, VERSION_COPY, write_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from versions.cli import cli
from versions.corpus import load_corpus, load_document
from versions.errors import CorpusError
from versions.export import ExportError, export_document, tokens, witness_id
from versions.identity import document_keys
from versions.ingest import ImportFailure, import_text
from versions.ingest.tei import import_tei, read_tei

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
SCHEMA = etree.RelaxNG(etree.parse(str(files("versions") / "data" / "tei-subset.rng")))


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def validated(text: str) -> etree._Element:
    root = etree.fromstring(text.encode("utf-8"))
    assert SCHEMA.validate(root), SCHEMA.error_log
    return root


@pytest.fixture(scope="module")
def shipped_tei() -> str:
    return export_document(SHIPPED_CORPUS, "telegram-23256", "tei")


def test_tei_of_the_telegram_lists_the_three_archival_copies(shipped_tei):
    root = validated(shipped_tei)
    assert root.tag == f"{TEI}TEI" and root.nsmap == {None: NS["tei"]}
    refs = {}
    for witness in root.iterfind(".//tei:listWit/tei:witness", NS):
        identifier = witness.find("tei:msDesc/tei:msIdentifier", NS)
        if identifier is not None:
            parts = {idno.get("type"): idno.text for idno in identifier.iterfind("tei:idno", NS)}
            refs[identifier.findtext("tei:repository", namespaces=NS)] = (witness.get("n"), parts)
    assert refs == {
        "APRF": ("aprf-copy", {"fond": "45", "opis": "1", "delo": "340", "listy": "86-88"}),
        "AVP RF": ("avp-rf-copy", {"fond": "059a", "opis": "5a", "delo": "5", "papka": "11", "listy": "51-53"}),
        "RGASPI": ("rgaspi-copy", {"fond": "558", "opis": "11", "delo": "341", "listy": "86-88"}),
    }
    wilson = root.find(".//tei:witness[@n='wilson-en']/tei:bibl", NS)
    assert wilson.findtext("tei:publisher", namespaces=NS) == "Wilson Center Digital Archive"
    assert [r.get("target") for r in wilson.iterfind("tei:relatedItem", NS)] == [
        "#aprf-copy", "#avp-rf-copy", "#rgaspi-copy"
    ]
    translator = root.find(".//tei:witness[@n='en-revised']/tei:bibl/tei:editor[@role='translator']", NS)
    assert translator is not None and translator.text


def test_tei_declares_its_encoding_languages_and_revisions(shipped_tei):
    root = validated(shipped_tei)
    encoding = root.find("tei:teiHeader/tei:encodingDesc/tei:variantEncoding", NS)
    assert (encoding.get("method"), encoding.get("location")) == ("parallel-segmentation", "internal")
    assert [e.get("ident") for e in root.iterfind(".//tei:langUsage/tei:language", NS)] == ["ru", "en"]
    assert root.find("tei:text", NS).get(XML_LANG) == "ru"
    languages = {t.get(XML_ID): t.get(XML_LANG) for t in root.iterfind("tei:text/tei:group/tei:text", NS)}
    assert languages == {"text.aprf-copy": "ru", "text.en-independent": "en", "text.wilson-en": "en",
                         "text.ru-rendering": "ru"}
    changes = root.findall("tei:teiHeader/tei:revisionDesc/tei:change", NS)
    assert changes and all(c.get("when") and len(c.get("n")) == 40 for c in changes)
    assert [c.get("when") for c in changes] == sorted((c.get("when") for c in changes), reverse=True)
    assert any("#wilson-en" in (c.get("target") or "").split() for c in changes)


def texts(root) -> dict[str, etree._Element]:
    return {t.get(XML_ID): t for t in root.iterfind("tei:text/tei:group/tei:text", NS)}


def test_copies_share_a_text_and_differ_word_by_word_inside_a_paragraph(shipped_tei):
    root = validated(shipped_tei)
    wilson = texts(root)["text.wilson-en"]
    assert wilson.get("decls") == "#wilson-en #en-revised"  # the revision reads the text it revises
    variants = {(app.find("tei:lem", NS).text, app.find("tei:rdg", NS).text)
                for app in wilson.iterfind("tei:body/tei:p/tei:app", NS)}
    assert ("Syngmann", "Syngman") in variants  # one word, not two whole paragraphs
    assert all(len(p.findall(".//tei:app", NS)) < 10 for p in wilson.iterfind("tei:body/tei:p", NS))
    # translations are texts of their own, never readings of another language's text
    for text in texts(root).values():
        own = set(text.get("decls").split())
        assert {w for r in text.iterfind(".//tei:*[@wit]", NS) for w in r.get("wit").split()} <= own


def test_translations_are_linked_paragraph_to_paragraph(shipped_tei):
    root = validated(shipped_tei)
    ids = {e.get(XML_ID) for e in root.iter() if e.get(XML_ID)}
    links = root.findall("tei:text/tei:back/tei:linkGrp[@type='alignment']/tei:link", NS)
    assert len(links) > 20
    targets = [t.removeprefix("#") for link in links for t in link.get("target").split()]
    assert set(targets) <= ids and len(targets) == len(set(targets))
    first = links[0].get("target").split()
    assert {t.split(".")[0] for t in first} >= {"#wilson-en", "#ru-rendering", "#en-independent"}


def test_headings_and_notes_are_head_and_note_without_markdown(shipped_tei):
    root = validated(shipped_tei)
    heads = texts(root)["text.wilson-en"].findall(".//tei:head", NS)
    heading = "".join(heads[0].itertext())
    assert heads[0].get("rend") == "h2" and heading == "SECOND MAIN ADMINISTRATION OF THE GENERAL STAFF OF THE SOVIET ARMY"
    blocks = root.find("tei:text", NS).iter(f"{TEI}p", f"{TEI}head", f"{TEI}ab", f"{TEI}note")
    assert not [b for b in blocks if "".join(b.itertext()).startswith("#")]
    [note] = root.find("tei:text", NS).findall(".//tei:note", NS)
    assert note.text.startswith("[Translator's note:") and texts(root)["text.en-independent"] in note.iterancestors()


def test_xml_ids_are_the_stable_paragraph_keys(shipped_tei):
    root = validated(shipped_tei)
    document = next(d for d in load_corpus(SHIPPED_CORPUS).documents if d.id == "telegram-23256")
    ids = {e.get(XML_ID) for e in root.find("tei:text", NS).iter() if e.get(XML_ID)}
    for version_id, keys in document_keys(document).items():
        assert {f"{version_id}.{key}" for key in keys.keys} <= ids  # every paragraph of every version
    anchored = root.find(".//tei:p/tei:anchor", NS)
    assert anchored.get(XML_ID).startswith("en-revised.") and anchored.getparent().get(XML_ID).startswith("wilson-en.")


def test_untranscribed_copies_and_stretches_are_gaps(shipped_tei, tmp_path):
    root = validated(shipped_tei)
    copies = texts(root)["text.aprf-copy"]
    assert [etree.QName(e).localname for e in copies.find("tei:body", NS).iter()] == ["body", "ab", "gap"]
    assert copies.find("tei:body/tei:ab/tei:gap", NS).get("reason") == "untranscribed"
    # a copy that covers only part of the text (as declared by the corpus): its missing paragraphs are lacunae
    corpus = write_files(tmp_path / "c", {
        "d/document.yaml": "title: T\ndate: '1951'\noriginal_language: ru\narchival_refs:\n  - {archive: APRF, fond: '1'}\n",
        "d/a.md": "---\nkind: archival-copy\nlanguage: ru\narchive: APRF\n---\nПервый абзац.\n\nВторой абзац.\n\n"
                  "Третий абзац, девять бомб.\n",
        "d/b.md": "---\nkind: archival-copy\nlanguage: ru\narchive: APRF\ncovers: [1, 3]\n---\nПервый абзац.\n\n"
                  "Третий абзац, 9 бомб.\n",
    })
    tei = export_document(corpus, "d", "tei")
    root = validated(tei)
    assert root.find(".//tei:rdg[@wit='#b']/tei:gap[@reason='untranscribed']", NS) is not None
    app = root.find(".//tei:p/tei:app", NS)
    assert (app.find("tei:lem", NS).text, app.find("tei:rdg", NS).text) == ("девять", "9")
    (tmp_path / "d.xml").write_text(tei, encoding="utf-8")
    import_tei(tmp_path / "d.xml", tmp_path / "again")
    assert load_corpus(tmp_path / "again").documents[0].version("b").body == "Первый абзац.\n\nТретий абзац, 9 бомб.\n"


EDITION = "---\nkind: edition\nlanguage: en\nderived_from: a\n---\n"


@pytest.mark.parametrize("original, edition, shape", [
    # a merge: whole readings, in an ab since a body needs a block of its own
    ("The enemy attacked.\n\nWe protested.\n", "The enemy attacked. We protested.\n", ["ab"]),
    # the same paragraphs with other blank lines between them: one block each, the blank lines an app of their own
    ("\nThe enemy attacked.\n\nWe protested.\n", "The enemy attacked.\n\n\n\nWe protested.\n", ["app", "p", "app", "p"]),
    # a text of headings only: no head, which would need a paragraph after it
    ("## A TITLE\n", "## A TITLE\n", ["ab"]),
])
def test_what_cannot_share_a_block_round_trips(tmp_path, original, edition, shape):
    corpus = write_files(tmp_path / "c", {
        "d/document.yaml": "title: T\ndate: '1951'\noriginal_language: en\n",
        "d/a.md": "---\nkind: original\nlanguage: en\n---\n" + original,
        "d/b.md": EDITION + edition,
    })
    tei = export_document(corpus, "d", "tei")
    body = validated(tei).find("tei:text/tei:group/tei:text/tei:body", NS)
    assert [etree.QName(e).localname for e in body] == shape
    (tmp_path / "d.xml").write_text(tei, encoding="utf-8")
    assert import_tei(tmp_path / "d.xml", tmp_path / "again").warnings == []
    same_corpus(corpus, tmp_path / "again")


def same_corpus(a: Path, b: Path) -> None:
    """The two corpora have the same documents, document fields, versions, front matter and bodies."""
    first, second = load_corpus(a).documents, load_corpus(b).documents
    assert [d.id for d in first] == [d.id for d in second]
    for one, other in zip(first, second):
        fields = [f.name for f in dataclasses.fields(one) if f.name not in ("path", "versions", "content_hash")]
        assert {f: getattr(one, f) for f in fields} == {f: getattr(other, f) for f in fields}
        theirs = {v.id: v for v in other.versions}
        assert sorted(theirs) == sorted(v.id for v in one.versions)
        for version in one.versions:
            names = [f.name for f in dataclasses.fields(version) if f.name not in ("path", "paragraphs", "body_line")]
            assert {f: getattr(version, f) for f in names} == {f: getattr(theirs[version.id], f) for f in names}


def test_export_then_import_gives_the_same_corpus(tmp_path, shipped_tei):
    (tmp_path / "t.xml").write_text(shipped_tei, encoding="utf-8")
    import_tei(tmp_path / "t.xml", tmp_path / "again")
    shipped = write_files(tmp_path / "shipped", {})
    shutil.copytree(SHIPPED_CORPUS / "telegram-23256", shipped / "telegram-23256")
    same_corpus(shipped, tmp_path / "again")
    generated = generate.generate(tmp_path / "generated", documents=2, versions=6, paragraphs=30)
    for document in sorted(p.name for p in generated.iterdir()):
        path = tmp_path / f"{document}.xml"
        path.write_text(validated_text(export_document(generated, document, "tei")), encoding="utf-8")
        result = import_tei(path, tmp_path / "generated-again")
        assert result.warnings == [] and "alignment.yaml" not in result.files
    same_corpus(generated, tmp_path / "generated-again")


def validated_text(text: str) -> str:
    validated(text)
    return text


def test_schema_rejects_what_we_do_not_emit(shipped_tei):
    root = etree.fromstring(shipped_tei.encode())
    root.find(".//tei:listWit/tei:witness/tei:msDesc//tei:idno", NS).set("type", "shelf")
    assert not SCHEMA.validate(root)
    root = etree.fromstring(shipped_tei.encode())
    etree.SubElement(root.find(".//tei:app", NS), f"{TEI}note").text = "x"
    assert not SCHEMA.validate(root)


def test_round_trip_of_the_shipped_corpus_is_exact(tmp_path, shipped_tei):
    exported = tmp_path / "telegram.xml"
    assert run("export", "telegram-23256", "--corpus", SHIPPED_CORPUS, "-o", exported).exit_code == 0
    assert exported.read_text(encoding="utf-8") == shipped_tei
    corpus = tmp_path / "translations"
    result = run("import", exported, "--corpus", corpus)
    assert result.exit_code == 0, result.output
    assert "document.yaml" in result.output and "alignment.yaml" not in result.output
    for fmt in ("collatex", "csv"):  # TEI differs by design: no git history, so no revisionDesc and keys minted anew
        again = run("export", "telegram-23256", "--corpus", corpus, "--format", fmt)
        assert again.output == export_document(SHIPPED_CORPUS, "telegram-23256", fmt), fmt
    original = {v.id: v for v in load_document(SHIPPED_CORPUS, "telegram-23256").versions}
    for version in load_corpus(corpus).documents[0].versions:
        assert version.body == original[version.id].body
        assert version.derived_from == original[version.id].derived_from
    assert run("check", "--corpus", corpus).exit_code == 0


ODD_DOCUMENT = """\
title: "Odd & <tricky> document ]]>"
date: 1950-06
original_language: en
illustrative: true
archival_refs:
  - archive: APRF
    fond: "3"
    listy: 1-2
  - archive: GARF
    fond: R-5446
    citation: GARF, f. R-5446
"""
ODD_BASE = (
    "---\nkind: original\nlanguage: en\n---\n\n\nFirst paragraph & <markup>.\n\nSecond paragraph\nwith two lines."
    "\n\n\n\nThird paragraph is here.\n\nFourth, the last, without a newline."
)
ODD_MOVED = (
    "---\nkind: edition\nlanguage: en\nlabel: \"1st edition\"\nderived_from: [{version: base, relation: edition-of}]\n"
    "---\nFourth, the last, without a newline.\n\nFirst paragraph & <markup>.\n\nSecond paragraph\nwith two lines."
    "\n\nA paragraph only this edition has, about something else entirely.\n\nThird paragraph is here.\n"
)


@pytest.fixture
def odd_corpus(tmp_path: Path) -> Path:
    """Leading blank lines, three blank lines, no final newline, XML specials, a moved paragraph, an id starting
    with a digit, an untranscribed copy, an archival reference no version carries, a correction."""
    return write_files(tmp_path / "odd", {
        "odd-doc/document.yaml": ODD_DOCUMENT,
        "odd-doc/base.md": ODD_BASE,
        "odd-doc/1st-edition.md": ODD_MOVED,
        "odd-doc/aprf-copy.md": VERSION_COPY,
        "odd-doc/alignment.yaml": "forbid:\n  - [base/3, 1st-edition/5]\n",
    })


def test_round_trip_of_odd_texts_and_corrections(odd_corpus, tmp_path):
    tei = export_document(odd_corpus, "odd-doc", "tei")
    root = validated(tei)
    assert root.find(".//tei:witness[@n='1st-edition']", NS).get("{http://www.w3.org/XML/1998/namespace}id") == (
        "_1st-edition"
    )
    assert root.find(".//tei:listBibl[@type='archival-references']/tei:msDesc/tei:msIdentifier/tei:repository",
                     NS).text == "GARF"
    assert root.find(".//tei:p[@n]", NS) is not None  # the moved paragraph carries its number
    assert root.find(".//tei:*[@type='transposition']", NS) is not None
    (tmp_path / "odd.xml").write_text(tei, encoding="utf-8")
    result = import_tei(tmp_path / "odd.xml", tmp_path / "again")
    assert result.warnings == []
    assert export_document(tmp_path / "again", "odd-doc", "tei") == tei
    document = load_corpus(tmp_path / "again").documents[0]
    assert document.version("base").body == ODD_BASE.split("---\n", 2)[2]
    assert document.version("1st-edition").label == "1st edition"
    assert not document.version("aprf-copy").transcribed
    assert [r.archive for r in document.archival_refs] == ["APRF", "GARF"]
    assert document.illustrative and document.title == "Odd & <tricky> document ]]>"


def test_import_derives_corrections_when_the_apparatus_differs(tmp_path):
    corpus = write_files(tmp_path / "c", {
        "d/document.yaml": "title: T\ndate: '1951'\noriginal_language: en\nbase: a\n",
        "d/a.md": "---\nkind: original\nlanguage: en\n---\nThe enemy attacked the neutral zone at night.\n\n"
                  "Our delegation protested strongly.\n\nWe await your orders.\n",
        "d/b.md": "---\nkind: edition\nlanguage: en\n---\nThe enemy attacked the neutral zone by night.\n\n"
                  "Our delegation protested.\n\nWe await your instructions.\n",
        "d/alignment.yaml": "pin:\n  - [a/2, b/3]\n",
    })
    tei = export_document(corpus, "d", "tei")
    (tmp_path / "d.xml").write_text(tei, encoding="utf-8")
    result = import_tei(tmp_path / "d.xml", tmp_path / "again")
    assert "alignment.yaml" in result.files
    assert export_document(tmp_path / "again", "d", "tei") == tei


def test_import_refuses_to_overwrite_unless_asked(tmp_path, shipped_tei):
    path = tmp_path / "t.xml"
    path.write_text(shipped_tei, encoding="utf-8")
    corpus = tmp_path / "translations"
    import_tei(path, corpus)
    (corpus / "telegram-23256" / "extra.md").write_text("---\nkind: edition\nlanguage: en\n---\nX.\n")
    result = run("import", path, "--corpus", corpus)
    assert result.exit_code == 1 and "already exists" in result.output
    assert run("import", path, "--corpus", corpus, "--overwrite").exit_code == 0
    assert not (corpus / "telegram-23256" / "extra.md").exists()  # the document is replaced as a whole
    assert run("import", path, "--corpus", corpus, "--document", "telegram-copy").exit_code == 0
    assert (corpus / "telegram-copy" / "wilson-en.md").exists()
    assert not [p for p in corpus.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_import_of_broken_tei_says_where(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text('<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">\n<teiHeader>\n</TEI>\n')
    result = run("import", bad, "--corpus", tmp_path / "c")
    assert result.exit_code == 1 and f"{bad}:4: not well-formed XML" in result.output
    bad.write_text('<TEI xmlns="http://example.org/not-tei"/>')
    with pytest.raises(ImportFailure, match="not TEI"):
        read_tei(bad)


def test_import_does_not_expand_entities(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    xml = f"""<?xml version="1.0"?>
<!DOCTYPE TEI [<!ENTITY x SYSTEM "file://{secret}">]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>
<sourceDesc><bibl type="document"><date when="1951">1951</date></bibl>
<listWit><witness xml:id="a" xml:lang="en"/></listWit></sourceDesc></fileDesc></teiHeader>
<text><body><p>Text &x; here.</p></body></text></TEI>"""
    with pytest.raises(ImportFailure, match="Entity 'x' not defined") as refused:
        read_tei(xml.encode(), "doc")
    assert "SECRET" not in str(refused.value) and refused.value.line == 6


COLLATEX_STYLE_TEI = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc><titleStmt><title>A letter</title></titleStmt>
    <publicationStmt><p>unpublished</p></publicationStmt>
    <sourceDesc><bibl><date when="1951-08-27"/></bibl>
      <listWit>
        <witness xml:id="A"><bibl><textLang mainLang="ru"/></bibl>Copy A</witness>
        <witness xml:id="B" xml:lang="ru">Copy B</witness>
      </listWit></sourceDesc></fileDesc></teiHeader>
  <text><body>
    <p>Товарищ <app><rdg wit="#A">Филиппов</rdg><rdg wit="#B">Филипов</rdg></app>!</p>
    <p>Противник <app><lem wit="#A">нагло</lem><rdg wit="#B"/></app>
       отказался.</p>
    <p><app><rdg wit="#B">Только в B.</rdg></app></p>
  </body></text>
</TEI>
"""


def test_import_of_a_generic_parallel_segmentation_file(tmp_path):
    path = tmp_path / "letter.xml"
    path.write_text(COLLATEX_STYLE_TEI, encoding="utf-8")
    result = run("import", path, "--corpus", tmp_path / "c", "--document", "letter")
    assert result.exit_code == 0, result.output
    document = load_corpus(tmp_path / "c").documents[0]
    assert (document.title, document.date, document.original_language) == ("A letter", "1951-08-27", "ru")
    assert document.version("a").body == "Товарищ Филиппов!\n\nПротивник нагло отказался.\n"
    assert document.version("b").body == "Товарищ Филипов!\n\nПротивник отказался.\n\nТолько в B.\n"
    assert document.version("a").kind == "edition"
    missing = tmp_path / "nodoc.xml"
    missing.write_text(COLLATEX_STYLE_TEI)
    assert "give one" in run("import", missing, "--corpus", tmp_path / "c").output  # no document id in the file


def test_collatex_json_has_the_shape_of_collatex_output():
    data = json.loads(export_document(SHIPPED_CORPUS, "telegram-23256", "collatex"))
    document = load_document(SHIPPED_CORPUS, "telegram-23256")
    assert data["witnesses"] == ["wilson-en", "en-independent", "en-revised", "ru-rendering"]
    assert set(data) == {"witnesses", "table", "rights"}  # rights: ours, carried with the text
    assert data["rights"] == document.rights
    for column in data["table"]:
        assert len(column) == len(data["witnesses"])
        assert all(isinstance(cell, list) for cell in column)
        assert all(set(token) == {"t", "n"} and token["n"] == token["t"].strip() for cell in column for token in cell)
    for index, witness in enumerate(data["witnesses"]):
        text = "".join(token["t"] for column in data["table"] for token in column[index])
        assert text == document.version(witness).body  # no moves in this document: columns follow every text
    assert data["table"][-1][3] == []  # the Russian rendering has no closing "[...]"
    assert tokens("Kaesong, 27.8.1951!\n\n") == [
        {"t": "Kaesong", "n": "Kaesong"}, {"t": ", ", "n": ","}, {"t": "27", "n": "27"}, {"t": ".", "n": "."},
        {"t": "8", "n": "8"}, {"t": ".", "n": "."}, {"t": "1951", "n": "1951"}, {"t": "!\n\n", "n": "!"},
    ]


def test_csv_is_the_alignment_table():
    text = export_document(SHIPPED_CORPUS, "telegram-23256", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["group", "moved", "variance", "wilson-en", "wilson-en n"]
    assert len(rows[0]) == 3 + 2 * 4
    data = list(csv.DictReader(io.StringIO(text)))
    assert data[0]["wilson-en"].startswith("## SECOND MAIN ADMINISTRATION") and data[0]["wilson-en n"] == "1"
    assert any(" " in row["wilson-en n"] for row in data)  # a group holding two paragraphs
    assert [int(row["group"]) for row in data] == list(range(1, len(data) + 1))


def test_export_errors(tmp_path, small_corpus):
    result = run("export", "nope", "--corpus", small_corpus)
    assert result.exit_code == 1 and "no document 'nope'" in result.output
    with pytest.raises(ExportError, match="unknown format"):
        export_document(small_corpus, "doc-1", "pdf")
    write_files(small_corpus, {"doc-1/en.md": "---\nkind: translation\nlanguage: en\n---\nA\x0bB.\n"})
    with pytest.raises(ExportError, match="U\\+000B"):
        export_document(small_corpus, "doc-1", "tei")
    assert witness_id("2nd") == "_2nd" and witness_id("en") == "en"


def test_plain_text_import_into_a_new_and_an_existing_document(tmp_path):
    corpus = tmp_path / "translations"
    text = tmp_path / "draft.txt"
    text.write_bytes("Первый абзац.\r\n\r\nВторой абзац.\r\n".encode("cp1251"))
    refused = run("import", text, "--corpus", corpus, "--document", "new-doc", "--format", "text", "--as", "ru-draft",
                  "--kind", "original", "--language", "ru", "--encoding", "cp1251")
    assert refused.exit_code == 1 and "give its title and date" in refused.output
    result = run("import", text, "--corpus", corpus, "--document", "new-doc", "--format", "text", "--as", "ru-draft",
                 "--kind", "original", "--language", "ru", "--encoding", "cp1251", "--title", "A draft",
                 "--document-date", "1951-08-27")
    assert result.exit_code == 0, result.output
    english = tmp_path / "english.txt"
    english.write_text("First paragraph.\n\nSecond paragraph.\n", encoding="utf-8")
    result = run("import", english, "--corpus", corpus, "--document", "new-doc", "--format", "text", "--as", "en",
                 "--kind", "translation", "--language", "en", "--translator", "A. Translator",
                 "--derived-from", "ru-draft")
    assert result.exit_code == 0, result.output
    document = load_corpus(corpus).documents[0]
    assert document.version("ru-draft").body == "Первый абзац.\n\nВторой абзац.\n"
    assert document.version("en").translator == "A. Translator"
    assert [d.source for d in document.version("en").derived_from] == ["ru-draft"]
    again = run("import", english, "--corpus", corpus, "--document", "new-doc", "--format", "text", "--as", "en",
                "--kind", "translation", "--language", "en")
    assert again.exit_code == 1 and "already exists" in again.output
    # and the document survives a TEI round trip
    tei = export_document(corpus, "new-doc", "tei")
    validated(tei)
    (tmp_path / "new.xml").write_text(tei, encoding="utf-8")
    import_tei(tmp_path / "new.xml", tmp_path / "copy")
    assert export_document(tmp_path / "copy", "new-doc", "tei") == tei


def test_plain_text_import_is_checked_before_anything_is_written(small_corpus, tmp_path):
    text = tmp_path / "copy.txt"
    text.write_text("Текст копии.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="not among the document's archival_refs"):
        import_text(text, small_corpus, "doc-1", "garf-copy", "archival-copy", "ru", archive="GARF")
    assert not (small_corpus / "doc-1" / "garf-copy.md").exists()
    result = run("import", text, "--corpus", small_corpus, "--document", "doc-1", "--format", "text", "--as", "Bad/Id",
                 "--kind", "edition", "--language", "ru")
    assert result.exit_code == 1 and "path separator" in result.output
    versioned = tmp_path / "v.md"
    versioned.write_text("---\nkind: edition\n---\nText.\n")
    with pytest.raises(ImportFailure, match="already a version file"):
        import_text(versioned, small_corpus, "doc-1", "v", "edition", "en")
    result = run("import", text, "--corpus", small_corpus, "--kind", "edition")
    assert result.exit_code == 2 and "--kind is for a plain text import (--format text)" in result.output
    assert [p.name for p in (small_corpus / "doc-1").iterdir() if p.name.startswith(".")] == []


def test_document_yaml_round_trip_keeps_every_field(tmp_path, small_corpus):
    tei = export_document(small_corpus, "doc-1", "tei")
    (tmp_path / "d.xml").write_text(tei, encoding="utf-8")
    import_tei(tmp_path / "d.xml", tmp_path / "again")
    before = load_corpus(small_corpus).documents[0]
    after = load_corpus(tmp_path / "again").documents[0]
    for field in ("title", "date", "original_language", "base", "archival_refs", "illustrative", "citation"):
        assert getattr(after, field) == getattr(before, field), field
    assert DOCUMENT_YAML  # the fixture's document.yaml is what was exported


EXAMPLES = int(os.environ.get("ROUNDTRIP_EXAMPLES", "30"))  # more for a longer search
_LINE_CHARS = st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="\ufeff")
_BLANK = st.text(alphabet=" \t\u00a0", max_size=2)


@st.composite
def bodies(draw):
    """A body with odd whitespace: leading blank lines, runs of blank lines holding spaces, tabs and no-break
    spaces, lines with trailing spaces, Unicode from every script, with or without a final newline."""
    paragraphs = draw(st.lists(
        st.lists(st.text(_LINE_CHARS, min_size=1, max_size=30).filter(lambda t: t.strip()), min_size=1, max_size=3)
        .map("\n".join), min_size=1, max_size=6))
    separators = draw(st.lists(st.lists(_BLANK, min_size=1, max_size=3).map(lambda b: "\n" + "\n".join(b) + "\n"),
                               min_size=len(paragraphs), max_size=len(paragraphs)))
    leading = draw(st.sampled_from(["", "\n", " \n\t\n"]))
    ending = draw(st.sampled_from(["", "\n", "\n\n \n"]))
    body = leading + "".join(p + s for p, s in zip(paragraphs[:-1], separators)) + paragraphs[-1] + ending
    return unicodedata.normalize("NFC", body)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=bodies(), other=bodies(), same_text=st.booleans(), data=st.data())
def test_round_trip_of_any_text(tmp_path_factory, base, other, same_text, data):
    """Two texts, or (``same_text``) an edition read word by word against its original, often a copy of it with
    one character replaced everywhere."""
    if same_text and data.draw(st.booleans()):
        edited = base.replace(data.draw(st.sampled_from(base)), data.draw(st.sampled_from(["9", "", " x ", "девять"])))
        other = unicodedata.normalize("NFC", edited) if edited.strip() else base
    root = tmp_path_factory.mktemp("prop")
    corpus = write_files(root / "c", {"d/document.yaml": "title: T\ndate: '1951'\noriginal_language: en\n"})
    derived = "derived_from: a\n" if same_text else ""
    (corpus / "d" / "a.md").write_text("---\nkind: original\nlanguage: en\n---\n" + base, encoding="utf-8")
    (corpus / "d" / "b.md").write_text(f"---\nkind: edition\nlanguage: en\n{derived}---\n" + other, encoding="utf-8")
    before = load_corpus(corpus).documents[0]
    tei = export_document(corpus, "d", "tei")
    validated(tei)
    (root / "d.xml").write_text(tei, encoding="utf-8")
    import_tei(root / "d.xml", root / "again")
    after = load_corpus(root / "again").documents[0]
    assert [v.body for v in after.versions] == [v.body for v in before.versions]
    assert export_document(root / "again", "d", "tei") == tei


def test_a_volume_and_an_unparsed_reference_are_exported_as_the_schema_allows(small_corpus):
    refs = '    tom: "2"\n  - citation: Fond 7, Delo 2\n    unparsed: true\n'
    write_files(small_corpus, {"doc-1/document.yaml": DOCUMENT_YAML + refs})
    root = validated(export_document(small_corpus, "doc-1", "tei"))
    assert root.find(".//tei:idno[@type='tom']", NS).text == "2"
    [unparsed] = root.findall(".//tei:msDesc[@type='unparsed']", NS)
    assert unparsed.find("tei:msIdentifier/tei:repository", NS) is None
    assert unparsed.findtext("tei:msIdentifier/tei:altIdentifier/tei:idno", namespaces=NS) == "Fond 7, Delo 2"
