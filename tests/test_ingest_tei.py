"""TEI and plain-text import: mixed content read whole or refused with its line, never dropped; inputs that are not
regular files refused before they are read; a full disk leaves the corpus as it was. (The export round trip is in
test_export.py.)"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import disk_full_after, snapshot, versions_command
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from versions.cli import cli
from versions.corpus import load_corpus
from versions.durable import WriteError
from versions.errors import CorpusError
from versions.ingest import ImportFailure, import_text
from versions.ingest.tei import import_tei, read_tei

HEADER = """<?xml version="1.0" encoding="UTF-8"?>{doctype}
<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude">
  <teiHeader><fileDesc>
    <titleStmt><title>A made-up report</title></titleStmt>
    <publicationStmt><idno type="document">report</idno></publicationStmt>
    <sourceDesc><bibl type="document"><date when="1952-03-04"/></bibl>
      <listWit>
        <witness n="first" xml:id="first"><bibl type="original"><textLang mainLang="en"/></bibl></witness>
        <witness n="second" xml:id="second"><bibl type="edition"><textLang mainLang="en"/></bibl></witness>
      </listWit></sourceDesc>
  </fileDesc></teiHeader>
  <text>{opening}
"""
FOOTER = "\n  </body></text>\n</TEI>\n"
BODY_LINE = HEADER.count("\n") + 1  # the line the body's first element is on


OURS = '<group><text xml:id="text.first" decls="#first #second"><body>'  # as versions export writes texts


def tei(body: str, doctype: str = "") -> bytes:
    if body.startswith("<p xml:id"):
        opening, footer = OURS, "\n  </body></text></group></text>\n</TEI>\n"
    else:
        opening, footer = "<body>", FOOTER
    return (HEADER.format(doctype=doctype, opening=opening) + body + footer).encode("utf-8")


def precise(first_block: str) -> str:
    """The body ``versions export`` writes for two paragraphs, the first of them ``first_block`` (markup inside):
    read alike by both witnesses, then differing as whole readings."""
    return (
        f'<p xml:id="first.a">{first_block}</p>\n\n'
        '<ab type="readings" xml:id="first.b.app"><app><lem wit="#first"><p xml:id="first.b">The second paragraph.</p>\n'
        '</lem><rdg wit="#second"><p xml:id="second.b">The 2nd paragraph.</p>\n</rdg></app></ab>'
    )


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def bodies(data: bytes) -> dict[str, str]:
    return {version.id: version.body for version in read_tei(data).versions}


# --- mixed content -----------------------------------------------------------------------------------------------------


def test_a_seg_with_markup_keeps_all_its_text_in_document_order():
    seg = 'Troops <hi rend="italic">in plain clothes</hi> entered <placeName>the zone</placeName><!-- sic --> at night.'
    assert bodies(tei(precise(seg))) == {
        "first": "Troops in plain clothes entered the zone at night.\n\nThe second paragraph.\n",
        "second": "Troops in plain clothes entered the zone at night.\n\nThe 2nd paragraph.\n",
    }


def test_a_seg_keeps_its_whitespace_exactly_around_markup():
    seg = "Line one <hi>with</hi>\nline  two."
    assert bodies(tei(precise(seg)))["first"].startswith("Line one with\nline  two.\n\n")


def test_a_note_in_a_seg_is_an_annotation_and_left_out():
    seg = "Sent on <date>4 March</date><note>the copy says 5 March</note> by courier."
    assert bodies(tei(precise(seg)))["first"].startswith("Sent on 4 March by courier.\n\n")


_XML_CHARACTER = st.one_of(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"), st.sampled_from("\t\n <&>")
)
_PIECE = st.tuples(st.sampled_from([None, "hi", "persName", "comment"]), st.text(_XML_CHARACTER, max_size=6))


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECE, max_size=8))
def test_any_markup_in_a_seg_keeps_every_character(pieces):
    """Pieces of text, each either plain or wrapped in an element, or after a comment: all of them, in order."""
    root = etree.fromstring(tei(precise("")))
    seg = root.find(".//{http://www.tei-c.org/ns/1.0}p")
    last = None  # the node the next plain text follows
    for wrapper, text in pieces:
        if wrapper is None and last is None:
            seg.text = (seg.text or "") + text
        elif wrapper is None:
            last.tail = (last.tail or "") + text
        elif wrapper == "comment":
            last = etree.Comment("a remark")
            last.tail = text
            seg.append(last)
        else:
            last = etree.SubElement(seg, f"{{http://www.tei-c.org/ns/1.0}}{wrapper}")
            last.text = text
    expected = "".join(text for _, text in pieces)
    assert bodies(etree.tostring(root))["first"] == expected + "\n\nThe second paragraph.\n"


def test_a_paragraph_with_markup_keeps_the_text_after_it():
    body = '<p>Report <hi>one</hi> of <app><rdg wit="#first">two</rdg><rdg wit="#second">three</rdg></app> pages.</p>'
    assert bodies(tei(body)) == {"first": "Report one of two pages.\n", "second": "Report one of three pages.\n"}


def test_an_entity_declared_in_the_file_is_expanded():
    doctype = '\n<!DOCTYPE TEI [<!ENTITY place "the <hi>neutral</hi> zone">]>'
    assert bodies(tei(precise("Troops entered &place; at night."), doctype))["first"].startswith(
        "Troops entered the neutral zone at night.\n\n"
    )


@pytest.mark.parametrize("doctype", ["", '\n<!DOCTYPE TEI [<!ENTITY place SYSTEM "place.txt">]>'])
def test_an_entity_that_is_not_in_the_file_is_refused_with_its_line(doctype):
    data = tei(precise("Troops entered &place; at night."), doctype)
    expected = "Entity 'place' not defined.*; only entities declared in the file are expanded"
    with pytest.raises(ImportFailure, match=expected) as error:
        read_tei(data)
    assert error.value.line == BODY_LINE + doctype.count("\n")


def test_an_xinclude_is_refused_with_its_line():
    data = tei(precise('Troops entered\n<xi:include href="zone.xml"/> at night.'))
    with pytest.raises(ImportFailure, match="xi:include of 'zone.xml' needs another file") as error:
        read_tei(data)
    assert error.value.line == BODY_LINE + 1


@pytest.mark.parametrize("body, line, words", [
    ("<p>One.</p>\n<div>Between the paragraphs</div>\n<p>Two.</p>", BODY_LINE + 1, "Between the paragraphs"),
    ("<p>One.</p>\nafter the paragraph", BODY_LINE, "after the paragraph"),
    (precise("One.") + '\n<app xml:id="c"><rdg wit="#second">outside a block</rdg></app>',
     BODY_LINE + precise("One.").count("\n") + 1, "outside a block"),
    (precise("One.").replace('<lem wit="#first">', "<lem>"), BODY_LINE + 2, "The second paragraph."),
])
def test_text_no_witness_takes_is_refused_with_its_line(body, line, words):
    with pytest.raises(ImportFailure, match=f"text '{words}' belongs to no witness's paragraph") as error:
        read_tei(tei(body))
    assert error.value.line == line


def test_the_cli_imports_mixed_content_whole(tmp_path):
    path = tmp_path / "report.xml"
    path.write_bytes(tei(precise("Troops <hi>in plain clothes</hi> entered.")))
    result = run("import", path, "--corpus", tmp_path / "translations")
    assert result.exit_code == 0, result.output
    document = load_corpus(tmp_path / "translations").documents[0]
    assert document.version("first").body == "Troops in plain clothes entered.\n\nThe second paragraph.\n"


def test_the_cli_refuses_an_xinclude_in_one_line_and_writes_nothing(tmp_path):
    path = tmp_path / "report.xml"
    path.write_bytes(tei(precise('Troops <xi:include href="zone.xml"/> entered.')))
    result = run("import", path, "--corpus", tmp_path / "translations")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:{BODY_LINE}: xi:include of 'zone.xml'") and result.stderr.count("\n") == 1
    assert not (tmp_path / "translations").exists()


def test_plain_text_in_another_encoding_is_written_and_checked_as_utf8(tmp_path):
    text = tmp_path / "draft.txt"
    text.write_bytes("Ивану Ильичу: ждём указаний.\n".encode("cp1251"))  # И is 0xD0 0x98 in UTF-8: no cp1251 byte
    result = run("import", text, "--corpus", tmp_path / "translations", "--document", "d", "--format", "text", "--as", "ru",
                 "--kind", "original", "--language", "ru", "--title", "T", "--document-date", "1952",
                 "--encoding", "cp1251")
    assert result.exit_code == 0, result.output
    assert load_corpus(tmp_path / "translations").documents[0].version("ru").body == "Ивану Ильичу: ждём указаний.\n"


# --- a full disk -------------------------------------------------------------------------------------------------------


def test_a_full_disk_while_replacing_a_document_from_tei_leaves_the_corpus_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "report.xml"
    path.write_bytes(tei(precise("The first paragraph.")))
    corpus = tmp_path / "translations"
    import_tei(path, corpus)
    path.write_bytes(tei(precise("The first paragraph, revised.")))
    before = snapshot(corpus)
    disk_full_after(monkeypatch, 1)
    with pytest.raises(WriteError):
        import_tei(path, corpus, overwrite=True)
    assert snapshot(corpus) == before
    result = run("import", path, "--corpus", corpus, "--overwrite")
    assert (result.exit_code, result.stderr) == (1, f"{corpus / 'report'}: cannot write: No space left on device\n")
    assert snapshot(corpus) == before


def test_a_full_disk_while_adding_a_plain_text_version_leaves_the_corpus_as_it_was(small_corpus, tmp_path, monkeypatch):
    text = tmp_path / "draft.txt"
    text.write_text("A draft of the telegram.\n", encoding="utf-8")
    before = snapshot(small_corpus)
    disk_full_after(monkeypatch, 3)  # the three files of doc-1 are copied to be checked; the new one fails
    with pytest.raises(WriteError, match="No space left on device"):
        import_text(text, small_corpus, "doc-1", "draft", "edition", "en")
    result = run("import", text, "--corpus", small_corpus, "--document", "doc-1", "--format", "text", "--as", "draft",
                 "--kind", "edition", "--language", "en")
    assert result.exit_code == 1
    assert result.stderr == f"{small_corpus / 'doc-1'}: cannot write: No space left on device\n"
    assert snapshot(small_corpus) == before


# --- inputs that are not regular files ---------------------------------------------------------------------------------


def test_the_cli_refuses_a_named_pipe_as_tei_or_plain_text(tmp_path):
    corpus = tmp_path / "translations"
    for pipe, options in ((tmp_path / "report.xml", ()),
                          (tmp_path / "draft.txt", ("--document", "d", "--format", "text", "--as", "v", "--kind", "edition",
                                                    "--language", "en", "--title", "T", "--document-date", "1952"))):
        os.mkfifo(pipe)
        result = versions_command("import", pipe, "--corpus", corpus, *options)
        assert (result.returncode, result.stderr) == (
            1, f"{pipe}:1: not a regular file (a folder, pipe or device cannot be read as text)\n"
        )
    assert not corpus.exists()


def test_plain_text_from_a_device_is_refused(tmp_path):
    with pytest.raises(CorpusError, match="^/dev/zero:1: not a regular file"):
        import_text(Path("/dev/zero"), tmp_path, "d", "v", "edition", "en", title="T", document_date="1952")
    assert list(tmp_path.iterdir()) == []



# --- archival references -------------------------------------------------------------------------------------------------


def with_ms_descs(ms_descs: str) -> bytes:
    header = HEADER.format(doctype="", opening="<body>").replace("<listWit>", f'<listBibl type="archival-references">{ms_descs}</listBibl><listWit>')
    return (header + '<p wit="#first #second">One paragraph.</p>' + FOOTER).encode("utf-8")


def test_an_ms_identifier_with_no_repository_is_kept_as_written_with_a_warning():
    imported = read_tei(with_ms_descs(
        '<msDesc n="2"><msIdentifier><idno>Box 7,</idno> folder 3 of the donor papers</msIdentifier></msDesc>'
        '<msDesc n="1"><msIdentifier><repository>APRF</repository><idno type="fond">3</idno></msIdentifier></msDesc>'
        '<msDesc n="3" type="unparsed"><msIdentifier><altIdentifier type="citation"><idno>Fond 7, Delo 2</idno>'
        "</altIdentifier></msIdentifier></msDesc>"
    ))
    assert imported.metadata["archival_refs"] == [
        {"archive": "APRF", "fond": "3"},
        {"citation": "Box 7, folder 3 of the donor papers", "unparsed": True},
        {"citation": "Fond 7, Delo 2", "unparsed": True},
    ]
    assert imported.warnings == [
        "could not parse the archival reference 'Box 7, folder 3 of the donor papers'; kept as written",
        "could not parse the archival reference 'Fond 7, Delo 2'; kept as written",
    ]


def test_an_unparsed_reference_survives_the_import_into_the_corpus(tmp_path):
    (tmp_path / "d.xml").write_bytes(with_ms_descs(
        '<msDesc><msIdentifier><idno>Box 7, folder 3</idno></msIdentifier></msDesc>'
    ))
    result = import_tei(tmp_path / "d.xml", tmp_path / "corpus")
    [document] = load_corpus(tmp_path / "corpus").documents
    assert [(ref.archive, ref.citation) for ref in document.archival_refs] == [(None, "Box 7, folder 3")]
    assert result.warnings
