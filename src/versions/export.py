"""Export of one document's alignment table: TEI P5 parallel segmentation, CollateX alignment-table JSON, CSV.

All three are made from the corpus (``load_corpus`` + ``collate``), never from the database, and are deterministic:
the same corpus gives the same bytes (no dates, no tool version in the output), so an export can be committed,
diffed, and compared after a round trip through ``versions.ingest.tei.import_tei``.

TEI (the subset is the RelaxNG schema ``versions/data/tei-subset.rng``)
    ``teiHeader/fileDesc/sourceDesc`` holds ``bibl type="document"`` (title, date, original language, source,
    citation, summary) and ``listWit``: one ``witness`` per version, ``xml:id`` = the version id (prefixed with ``_``
    when the id starts with a digit, which an XML id cannot) and ``n`` = the version id exactly. A witness carries its
    ``label``; for a version kept in an archive an ``msDesc`` whose ``msIdentifier`` has the ``repository`` and one
    ``idno`` per part of the archival reference (``type`` fond, opis, delo, papka, tom, listy) and the citation as an
    ``altIdentifier``; and a ``bibl`` (``type`` = the version's kind) with its language, translator
    (``editor role="translator"``), publisher, date, source (``ref``), provenance (``relatedItem type=<relation>
    target="#<witness>"``) and note. Archival references that no version carries are listed in
    ``listBibl type="archival-references"`` (one kept unparsed: ``msDesc type="unparsed"``, its citation only);
    sender and recipient in ``profileDesc/correspDesc``.

    ``text/body`` holds one ``ab`` per alignment group, holding one ``app``. The base version's reading is the
    ``lem``; other versions reading exactly the same text share it (``wit="#a #b"``), every other reading is a
    ``rdg``; a version that has nothing in the group has an empty ``rdg`` (an omission); a reading the aligner found
    moved has ``type="transposition"``. A reading holds one ``seg`` per paragraph, the text of the paragraph exactly,
    and after each ``seg`` the blank lines that followed the paragraph in the file (blank lines before the first
    paragraph stand before its ``seg``). A ``seg`` carries ``n``, its paragraph number, only where that is not the
    number after the witness's previous paragraph in the table (after a moved paragraph), so versions that read the
    same text share a reading even when their paragraphs are numbered differently. The readings of a witness put
    together in paragraph order give the body of its file byte for byte. Witnesses without a transcription have no
    readings.

CollateX JSON
    The shape of CollateX's own JSON output: ``{"witnesses": [sigla], "table": [column, ...]}`` where each column
    (one alignment group) holds, per witness in the order of ``witnesses``, the list of that witness's tokens in the
    group (``[]`` where it has none). A token is ``{"t": text, "n": normalized}`` as CollateX writes them: ``t`` a
    word or punctuation with the whitespace after it (so the ``t`` of a cell put together is the text exactly),
    ``n`` that text stripped.

CSV
    One row per alignment group: ``group``, ``moved``, ``variance``, then per transcribed version (base first) a
    column with its text in the group and a column ``<version> n`` with its paragraph numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from lxml import etree

from .archival import PARTS
from .collate import Collation, collate, group_text
from .corpus import Document, Version, load_corpus
from .errors import CorpusError
from .identity import document_keys, with_corrections_resolved

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
FORMATS = ("tei", "collatex", "csv")
REF_PARTS = PARTS
ARCHIVAL_REFERENCES = "archival-references"
PUBLISHER = "versions"

# Elements whose content is only elements: indented on export, their whitespace ignored on import. Everything else
# (lem, rdg, seg and the leaves) is written exactly as the text it carries.
CONTAINERS = frozenset({
    "TEI", "teiHeader", "fileDesc", "titleStmt", "publicationStmt", "availability", "sourceDesc", "bibl", "listBibl",
    "listWit", "witness", "msDesc", "msIdentifier", "altIdentifier", "profileDesc", "correspDesc", "correspAction",
    "text", "body", "ab", "app",
})

_TOKEN = re.compile(r"\w+\s*|[^\w\s]+\s*|\s+")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ExportError(ValueError):
    """A document that cannot be exported in the format asked for."""


def export_document(corpus_root: Path, document_id: str, fmt: str, encoding: str | None = None) -> str:
    """The export of one document of the corpus at ``corpus_root`` in ``fmt`` (tei, collatex or csv)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    corpus = load_corpus(Path(corpus_root), encoding)
    document = next((d for d in corpus.documents if d.id == document_id), None)
    if document is None:
        known = ", ".join(d.id for d in corpus.documents) or "none"
        raise ExportError(f"no document {document_id!r} in {corpus_root} (documents: {known})")
    try:
        document = with_corrections_resolved(document, document_keys(document))
    except CorpusError as error:
        raise ExportError(str(error)) from None
    collation = collate(document)
    return {"tei": to_tei, "collatex": to_collatex, "csv": to_csv}[fmt](document, collation)


# --- TEI -----------------------------------------------------------------------------------------------------------------


def witness_id(version_id: str) -> str:
    """The ``xml:id`` of a version's witness: its id, or ``_<id>`` when the id starts with a digit (no NCName)."""
    return version_id if version_id[:1].isalpha() else f"_{version_id}"


def to_tei(document: Document, collation: Collation | None) -> str:
    root = _el("TEI")
    root.append(_header(document))
    text = _sub(root, "text")
    body = _sub(text, "body")
    if collation is not None:
        expected: dict[str, int] = {}
        for index, group in enumerate(collation.table.groups):
            ab = _sub(body, "ab", n=str(index + 1))
            ab.append(_app(collation, group, expected))
    _indent(root)
    return etree.tostring(root, encoding="unicode", xml_declaration=False).join(
        ('<?xml version="1.0" encoding="UTF-8"?>\n', "\n")
    )


def _header(document: Document) -> etree._Element:
    header = _el("teiHeader")
    file_desc = _sub(header, "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title", text=document.title)
    publication = _sub(file_desc, "publicationStmt")
    _sub(publication, "publisher", text=PUBLISHER)
    _sub(publication, "idno", text=document.id, type="document")
    if document.rights:
        _sub(_sub(publication, "availability"), "p", text=document.rights)
    source_desc = _sub(file_desc, "sourceDesc")
    source_desc.append(_document_bibl(document))
    carried = {v.archive for v in document.versions if v.archive}
    loose = [(i, ref) for i, ref in enumerate(document.archival_refs, start=1) if ref.archive not in carried]
    if loose:
        listing = _sub(source_desc, "listBibl", type=ARCHIVAL_REFERENCES)
        for position, ref in loose:
            listing.append(_ms_desc(ref, position))
    list_wit = _sub(source_desc, "listWit")
    for version in document.versions:
        list_wit.append(_witness(document, version))
    if document.sender or document.recipient:
        corresp = _sub(_sub(header, "profileDesc"), "correspDesc")
        for kind, name in (("sent", document.sender), ("received", document.recipient)):
            if name:
                _sub(_sub(corresp, "correspAction", type=kind), "persName", text=name)
    return header


def _document_bibl(document: Document) -> etree._Element:
    bibl = _el("bibl", type="document", subtype="illustrative" if document.illustrative else None)
    _sub(bibl, "title", text=document.title)
    _sub(bibl, "date", text=document.date, when=document.date)
    _sub(bibl, "textLang", mainLang=document.original_language)
    if document.source_name:
        _sub(bibl, "publisher", text=document.source_name)
    if document.source_url:
        _sub(bibl, "ref", text=document.source_url, target=document.source_url)
    if document.citation:
        _sub(bibl, "note", text=document.citation, type="citation")
    if document.summary:
        _sub(bibl, "note", text=document.summary, type="summary")
    return bibl


def _ms_desc(ref, position: int) -> etree._Element:
    ms_desc = _el("msDesc", n=str(position), type="unparsed" if ref.unparsed else None)
    identifier = _sub(ms_desc, "msIdentifier")
    if ref.archive:
        _sub(identifier, "repository", text=ref.archive)
    for part in REF_PARTS:
        if getattr(ref, part):
            _sub(identifier, "idno", text=getattr(ref, part), type=part)
    if ref.citation:
        _sub(_sub(identifier, "altIdentifier", type="citation"), "idno", text=ref.citation)
    return ms_desc


def _witness(document: Document, version: Version) -> etree._Element:
    witness = _el("witness", n=version.id)
    witness.set(f"{{{XML_NS}}}id", witness_id(version.id))
    _sub(witness, "label", text=version.label)
    if version.archive:
        position, ref = next(
            (i, ref) for i, ref in enumerate(document.archival_refs, start=1) if ref.archive == version.archive
        )
        witness.append(_ms_desc(ref, position))
    bibl = _sub(witness, "bibl", type=version.kind, subtype="illustrative" if version.illustrative else None)
    _sub(bibl, "textLang", mainLang=version.language)
    if version.translator:
        _sub(bibl, "editor", text=version.translator, role="translator")
    if version.publisher:
        _sub(bibl, "publisher", text=version.publisher)
    if version.date:
        _sub(bibl, "date", text=version.date, when=version.date)
    if version.source:
        _sub(bibl, "ref", text=version.source, target=version.source)
    for derivation in version.derived_from:
        _sub(bibl, "relatedItem", type=derivation.relation, target=f"#{witness_id(derivation.source)}")
    if version.note:
        _sub(bibl, "note", text=version.note)
    return witness


def _app(collation: Collation, group, expected: dict[str, int]) -> etree._Element:
    app = _el("app")
    readings: dict[tuple, list[str]] = {}
    for version_id in collation.table.versions:
        readings.setdefault(_reading_key(collation, group, version_id, expected), []).append(version_id)
    base = collation.table.base
    for key, version_ids in sorted(readings.items(), key=lambda item: base not in item[1]):
        tag = "lem" if base in version_ids else "rdg"
        moved, leading, paragraphs = key
        reading = _sub(app, tag, wit=" ".join(f"#{witness_id(v)}" for v in version_ids))
        if moved:
            reading.set("type", "transposition")
        if leading:
            reading.text = _xml_text(leading, version_ids[0], 1)
        for n, text, separator in paragraphs:
            seg = _sub(reading, "seg", n=None if n is None else str(n))
            seg.text = _xml_text(text, version_ids[0], n or 0)
            seg.tail = separator or None
    return app


def _reading_key(collation: Collation, group, version_id: str, expected: dict[str, int]) -> tuple:
    """(moved, leading blank lines, ((n or None, text, separator), ...)) of a version in a group.

    A paragraph's number is written only where it is not the one after the witness's previous paragraph in the
    table (a moved paragraph, or the ones after it), so identical readings of versions numbered differently share one
    ``rdg`` and the order of every witness can still be rebuilt exactly.
    """
    version = collation.document.version(version_id)
    member = group.members.get(version_id)
    indices = group.paragraphs(version_id)
    paragraphs = []
    for i in indices:
        n = i + 1
        paragraphs.append((None if n == expected.get(version_id, 1) else n, version.paragraphs[i].text,
                           version.paragraphs[i].separator))
        expected[version_id] = n + 1
    leading = version.leading if 0 in indices else ""
    return bool(member and member.moved), leading, tuple(paragraphs)


def _xml_text(text: str, version_id: str, n: int) -> str:
    if match := _XML_INVALID.search(text):
        raise ExportError(
            f"{version_id}/{n} contains the control character U+{ord(match.group()):04X}, which XML cannot carry"
        )
    return text


def _el(tag: str, text: str | None = None, **attributes: str | None) -> etree._Element:
    element = etree.Element(f"{{{TEI_NS}}}{tag}", nsmap={None: TEI_NS} if tag == "TEI" else None)
    for name, value in attributes.items():
        if value is not None:
            element.set(name, value)
    if text is not None:
        element.text = _xml_text(text, "metadata", 0)
    return element


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str | None) -> etree._Element:
    element = _el(tag, text, **attributes)
    parent.append(element)
    return element


def _indent(element: etree._Element, depth: int = 0) -> None:
    """Indent container elements only; readings and leaves keep their text exactly."""
    if etree.QName(element).localname not in CONTAINERS or len(element) == 0:
        return
    inner = "\n" + "  " * (depth + 1)
    element.text = inner
    for child in element:
        _indent(child, depth + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * depth


# --- CollateX --------------------------------------------------------------------------------------------------------------


def tokens(text: str) -> list[dict[str, str]]:
    """CollateX tokens of a text: ``t`` a word or a run of punctuation with the whitespace after it, ``n`` stripped."""
    return [{"t": t, "n": t.strip()} for t in _TOKEN.findall(text)]


def to_collatex(document: Document, collation: Collation | None) -> str:
    rights = json.dumps(document.rights, ensure_ascii=False)  # not CollateX's: carried so that it travels with the text
    if collation is None:
        return json.dumps({"witnesses": [], "table": [], "rights": document.rights}, ensure_ascii=False) + "\n"
    witnesses = collation.table.versions
    table = []
    for group in collation.table.groups:
        column = []
        for version_id in witnesses:
            version = document.version(version_id)
            cell = "".join(version.paragraphs[i].text + version.paragraphs[i].separator for i in group.paragraphs(version_id))
            column.append(tokens(cell))
        table.append(column)
    columns = ",\n  ".join(json.dumps(column, ensure_ascii=False) for column in table)
    return f'{{"witnesses": {json.dumps(witnesses, ensure_ascii=False)},\n "rights": {rights},\n "table": [\n  {columns}\n ]}}\n'


# --- CSV -------------------------------------------------------------------------------------------------------------------


def to_csv(document: Document, collation: Collation | None) -> str:
    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    if collation is None:
        writer.writerow(["group", "moved", "variance"])
        return output.getvalue()
    versions = collation.table.versions
    writer.writerow(["group", "moved", "variance", *[c for v in versions for c in (v, f"{v} n")]])
    for index, group in enumerate(collation.table.groups):
        moved = any(m.moved for m in group.members.values() if m.paragraphs)
        row: list = [index + 1, int(moved), collation.variances[index]]
        for version_id in versions:
            indices = group.paragraphs(version_id)
            row += [group_text(document.version(version_id), indices), " ".join(str(i + 1) for i in indices)]
        writer.writerow(row)
    return output.getvalue()
