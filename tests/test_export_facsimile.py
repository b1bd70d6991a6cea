"""Page images and partial transcriptions in TEI: ``facsimile`` and ``extent type="covers"`` written by the export
(``export.facsimile``, ``export.tei_header``) and read back by the import (``ingest.tei_facsimile``)."""

import dataclasses
import shutil
from importlib.resources import files

import pytest
from click.testing import CliRunner
from conftest import SHIPPED_CORPUS, with_facsimiles
from lxml import etree

from versions.cli import cli
from versions.corpus import load_document
from versions.export import export_document
from versions.ingest import ImportFailure
from versions.ingest.tei import import_tei

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SCHEMA = etree.RelaxNG(etree.parse(str(files("versions") / "data" / "tei-subset.rng")))
DOCUMENT = "illustrative-copies"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def front_matter(version) -> dict:
    """A version's parsed front matter, without where in its file each field was."""
    fields = {f.name: getattr(version, f.name) for f in dataclasses.fields(version)
              if f.name not in ("path", "body_line", "leading", "paragraphs")}
    fields["facsimiles"] = [dataclasses.replace(page, line=0) for page in version.facsimiles]
    fields["covers"] = version.covers and dataclasses.replace(version.covers, line=0)
    return fields


@pytest.fixture(scope="module")
def copies_tei() -> str:
    return export_document(SHIPPED_CORPUS, DOCUMENT, "tei")


def exported(tmp_path, tei: str, images_from=None):
    """The TEI written to a folder of its own, with the document's images beside it when ``images_from``."""
    path = tmp_path / "export" / "document.xml"
    path.parent.mkdir()
    path.write_text(tei, encoding="utf-8")
    if images_from is not None:
        shutil.copytree(images_from / "images", path.parent / "images")
    return path


def test_the_copies_export_valid_with_covers_and_a_surface_per_sheet(copies_tei):
    root = etree.fromstring(copies_tei.encode())
    assert SCHEMA.validate(root), SCHEMA.error_log
    assert root.findtext(".//tei:witness[@n='copy-c']/tei:bibl/tei:extent[@type='covers']", namespaces=NS) == \
        "1-7, l. 41"
    assert [child.tag.split("}")[1] for child in root] == ["teiHeader", "facsimile", "text"]
    ids = {element.get(XML_ID) for element in root.iter()}
    document = load_document(SHIPPED_CORPUS, DOCUMENT)
    for version in document.versions:
        surfaces = root.findall(f".//tei:surfaceGrp[@corresp='#{version.id}']/tei:surface", NS)
        assert [s.get("n") for s in surfaces] == [page.sheet for page in version.facsimiles]
        for surface, page in zip(surfaces, version.facsimiles):
            pointers = (surface.get("corresp") or "").split()
            assert len(pointers) == len(page.paragraphs)
            assert all(p.removeprefix("#") in ids for p in pointers)  # every one a paragraph of the body
            assert surface.find("tei:graphic", NS).get("url") == page.path
    for drift in ('url="images/copy-a-3.jpg"', 'type="covers"'):  # the subset is strict: a path or other extent fails
        changed = copies_tei.replace(drift, drift.replace("images/", "../").replace("covers", "pages"), 1)
        assert not SCHEMA.validate(etree.fromstring(changed.encode())), drift


def test_round_trip_of_the_copies_keeps_front_matter_bodies_and_images(tmp_path, copies_tei):
    path = exported(tmp_path, copies_tei, SHIPPED_CORPUS / DOCUMENT)
    result = run("import", path, "--corpus", tmp_path / "corpus")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    before = {v.id: v for v in load_document(SHIPPED_CORPUS, DOCUMENT).versions}
    after = load_document(tmp_path / "corpus", DOCUMENT)
    assert sorted(v.id for v in after.versions) == sorted(before)
    for version in after.versions:
        assert front_matter(version) == front_matter(before[version.id]), version.id
        assert version.body == before[version.id].body
    assert any(v.covers for v in after.versions) and all(v.facsimiles for v in after.versions if v.archive)
    for image in (SHIPPED_CORPUS / DOCUMENT / "images").iterdir():
        assert (tmp_path / "corpus" / DOCUMENT / "images" / image.name).read_bytes() == image.read_bytes()
    assert run("check", "--corpus", tmp_path / "corpus").exit_code == 0


def test_an_import_without_the_images_leaves_their_facsimiles_out_and_says_so(tmp_path, copies_tei):
    images = tmp_path / "some"
    shutil.copytree(SHIPPED_CORPUS / DOCUMENT / "images", images / "images")
    (images / "images" / "copy-b-18.jpg").unlink()
    path = exported(tmp_path, copies_tei, images)
    result = run("import", path, "--corpus", tmp_path / "corpus")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "copy-b sheet 18 (images/copy-b-18.jpg)" in warnings[0]
    after = {v.id: v for v in load_document(tmp_path / "corpus", DOCUMENT).versions}
    assert [page.sheet for page in after["copy-b"].facsimiles] == ["17"]
    assert [page.sheet for page in after["copy-a"].facsimiles] == ["3", "4"]
    assert not (tmp_path / "corpus" / DOCUMENT / "images" / "copy-b-18.jpg").exists()
    assert run("check", "--corpus", tmp_path / "corpus").exit_code == 0

    path.parent.joinpath("images").rename(tmp_path / "elsewhere")  # no images at all: no facsimile, no images/
    result = run("import", path, "--corpus", tmp_path / "bare")
    assert result.exit_code == 0 and "6 facsimile(s) left out" in result.output
    assert not any(v.facsimiles for v in load_document(tmp_path / "bare", DOCUMENT).versions)
    assert not (tmp_path / "bare" / DOCUMENT / "images").exists()


def test_iiif_images_and_an_image_of_untranscribed_paragraphs_round_trip(tmp_path, small_corpus):
    corpus = with_facsimiles(small_corpus)
    tei = export_document(corpus, "doc-1", "tei")
    root = etree.fromstring(tei.encode())
    assert SCHEMA.validate(root), SCHEMA.error_log
    assert root.find(".//tei:surface[@n='86ob']/tei:graphic", NS).attrib == {
        "url": "https://iiif.example.org/iiif/3/aprf-86ob", "type": "iiif"}
    path = exported(tmp_path, tei, corpus / "doc-1")
    import_tei(path, tmp_path / "again")
    before = {v.id: v for v in load_document(corpus, "doc-1").versions}
    for version in load_document(tmp_path / "again", "doc-1").versions:
        assert front_matter(version) == front_matter(before[version.id]), version.id


def test_a_surface_naming_another_witness_s_paragraph_is_refused_with_its_line(tmp_path, copies_tei):
    broken = copies_tei.replace('corresp="#copy-a.', 'corresp="#copy-b.', 1)
    line = broken[:broken.index('corresp="#copy-b.')].count("\n") + 1
    with pytest.raises(ImportFailure) as caught:
        import_tei(exported(tmp_path, broken), tmp_path / "corpus")
    assert caught.value.line == line and "is no paragraph of that witness" in caught.value.message
    assert not (tmp_path / "corpus").exists()


def test_a_graphic_that_is_neither_a_file_nor_iiif_is_left_out_with_a_warning(tmp_path, copies_tei):
    odd = copies_tei.replace('url="images/copy-a-3.jpg"', 'url="https://example.org/scans/3.jpg"')
    path = exported(tmp_path, odd, SHIPPED_CORPUS / DOCUMENT)
    result = import_tei(path, tmp_path / "corpus")
    assert result.warnings == [("sheet 3 of copy-a left out: its graphic 'https://example.org/scans/3.jpg' is "
                                'neither a file in images/ nor a IIIF base URL (type="iiif")')]
    assert [page.sheet for page in load_document(tmp_path / "corpus", DOCUMENT).version("copy-a").facsimiles] == ["4"]


def test_surfaces_of_another_edition_are_left_out_with_one_warning(tmp_path):
    """A file as other editions write it: surfaces straight under ``facsimile``, pages linked from ``pb/@facs``."""
    path = tmp_path / "edition.xml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
  <teiHeader><fileDesc>
    <titleStmt><title>A made-up letter</title></titleStmt>
    <publicationStmt><idno type="document">letter</idno></publicationStmt>
    <sourceDesc><bibl type="document"><date when="1953-01-02"/></bibl>
      <listWit><witness xml:id="draft"><bibl type="original"><textLang mainLang="en"/></bibl></witness>
        <witness xml:id="fair"><bibl type="edition"><textLang mainLang="en"/></bibl></witness></listWit>
    </sourceDesc></fileDesc></teiHeader>
  <facsimile>
    <surface xml:id="page1"><graphic url="scans/page1.png"/></surface>
    <surface xml:id="page2"><graphic url="scans/page2.png"/></surface>
  </facsimile>
  <text><body><pb facs="#page1"/><p>Dear <app><lem wit="#draft">friend</lem><rdg wit="#fair">colleague</rdg></app>,
  the letter.</p></body></text>
</TEI>
""", encoding="utf-8")
    result = import_tei(path, tmp_path / "corpus")
    assert result.warnings == [('2 facsimile surface(s) left out (from line 11): only a surfaceGrp with '
                                'corresp="#WITNESS" says whose sheets they are')]
    assert {v.id: v.body for v in load_document(tmp_path / "corpus", "letter").versions} == {
        "draft": "Dear friend, the letter.\n", "fair": "Dear colleague, the letter.\n"}
