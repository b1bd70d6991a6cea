"""Import a TEI parallel-segmentation file into the corpus: a whole document.

    ``read_tei`` reads the subset ``versions.export.tei`` writes exactly: document and witness metadata from the
    header (the base from ``bibl type="document"/relatedItem type="base"``), each witness's body from the texts of
    ``text/group`` (a text's witnesses in its ``decls``; blocks read by all of them, words differing in ``app``,
    whole readings in an ``app`` of blocks, a heading's ``rend="h2"`` back to ``## ``, the blank lines after a
    block), and the alignment groups from the units joined by ``linkGrp type="alignment"``; ``gap`` and
    ``revisionDesc`` add nothing (git history is not recreated). ``import_tei`` writes the document folder and,
    where the automatic alignment of the imported texts would group paragraphs differently from the file, an
    ``alignment.yaml`` with the pins and forbids that make it agree; so export -> import gives the same version
    files, front matter and bodies.

    Other parallel-segmentation files (CollateX's TEI output, hand-made apparatus) are read too: text outside ``app``
    belongs to every witness, ``lem``/``rdg`` to the witnesses in ``wit`` (a ``lem`` without ``wit`` to those no
    ``rdg`` names), each ``p``/``ab``/``l``/``head`` is a paragraph, whitespace is collapsed, and the texts are then
    aligned automatically. Witness languages come from ``textLang/@mainLang`` or ``xml:lang``.

    Mixed content is read whole: a paragraph's text is all the text inside it in document order, with the markup
    (``hi``, ``persName`` ...) dropped but never its text; ``note``, ``witDetail`` and ``wit`` are annotations and
    left out. Nothing else is left out: text of the body that belongs to no witness's paragraph is refused with its
    line. Nothing outside the file is read: no DTD, no network, no ``xi:include`` (refused with its line); entities
    declared in the file are expanded, any other entity reference is refused as not well-formed.

It goes through ``staging``: the input is read only if it is a regular file, and the document is checked by the
corpus reader and written all or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..archival import unparsed_warning
from ..corpus import CORRECTIONS_FILE, DOCUMENT_FILE, KINDS, RELATIONS
from ..export import COVERS, REF_PARTS, TEI_NS, XML_NS
from ..ids import slug_problem
from ..text import read_bytes
from . import staging
from .staging import ImportFailure, ImportResult
from .tei_alignment import reproduce_alignment
from .tei_facsimile import found_images, read_facsimiles

_T = f"{{{TEI_NS}}}"
_XML_ID = f"{{{XML_NS}}}id"
_XML_LANG = f"{{{XML_NS}}}lang"
_XINCLUDE = "{http://www.w3.org/2001/XInclude}include"
_UNDECLARED_ENTITY = {etree.ErrorTypes.ERR_UNDECLARED_ENTITY, etree.ErrorTypes.WAR_UNDECLARED_ENTITY}
_BLOCKS = {"p", "ab", "l", "head"}
_TEXT_BLOCKS = {"p", "ab", "head", "note"}  # a paragraph of a text written by versions.export.tei
_ANNOTATIONS = {"note", "witDetail", "wit"}  # about the readings, not text of a witness
_LANGUAGE = re.compile(r"[a-z]{2,3}\Z")


@dataclass
class ImportedVersion:
    id: str
    front_matter: dict
    body: str


@dataclass
class ImportedDocument:
    id: str
    metadata: dict  # document.yaml, in the corpus's field order
    versions: list[ImportedVersion]
    groups: list[dict[str, tuple[int, ...]]] | None  # the apparatus: paragraph numbers (from 1) per version per group
    warnings: list[str] = field(default_factory=list)


# --- TEI ---------------------------------------------------------------------------------------------------------------


def read_tei(source: Path | bytes, document_id: str | None = None) -> ImportedDocument:
    """Parse a TEI parallel-segmentation file into a document ready to be written."""
    data = source if isinstance(source, bytes) else read_bytes(Path(source))
    # Entities declared in the file are its own text and are expanded; any other reference (to another file, or
    # never declared) is not well-formed here, since nothing outside the file is read.
    parser = etree.XMLParser(resolve_entities="internal", no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        hint = "; only entities declared in the file are expanded" if error.code in _UNDECLARED_ENTITY else ""
        raise ImportFailure(f"not well-formed XML: {error.msg}{hint}", error.lineno or 1) from None
    if (include := next(root.iter(_XINCLUDE), None)) is not None:
        raise ImportFailure(
            f"xi:include of {include.get('href')!r} needs another file, which import does not read; "
            "put the included text in its place",
            include.sourceline or 1,
        )
    if root.tag != f"{_T}TEI":
        raise ImportFailure(f"the root element is {root.tag!r}, not TEI in the namespace {TEI_NS}", root.sourceline or 1)
    header = _one(root, "teiHeader", required=True)
    witnesses = root.findall(f".//{_T}listWit/{_T}witness")
    if not witnesses:
        raise ImportFailure("no witnesses: teiHeader//listWit/witness is empty", header.sourceline or 1)
    by_xml_id, versions = _witnesses(root, witnesses)
    text = root.find(f"{_T}text")
    if text is None:
        raise ImportFailure("no text", root.sourceline or 1)
    taken: set[tuple[etree._Element, str]] = set()
    paragraph_ids: dict[str, tuple[str, int]] = {}
    if text.find(f"{_T}group/{_T}text[@decls]") is not None:
        bodies, groups, paragraph_ids = _text_bodies(text, by_xml_id, taken)
        checked = text.findall(f"{_T}group/{_T}text/{_T}body")
        declared = header.find(f"{_T}fileDesc/{_T}sourceDesc/{_T}bibl[@type='document']/{_T}relatedItem[@type='base']")
        base = _pointers(declared, by_xml_id, "target") if declared is not None else []
    else:
        body = text.find(f"{_T}body")
        if body is None:
            raise ImportFailure("no text/body", root.sourceline or 1)
        bodies, groups, checked = _generic_bodies(body, by_xml_id, taken), None, [body]
        first_lem = body.find(f".//{_T}app/{_T}lem[@wit]")
        base = _pointers(first_lem, by_xml_id) if first_lem is not None else []
    for body in checked:
        _refuse_text_not_taken(body, taken)
    for version in versions:
        version.body = bodies.get(version.id, "")
        if not version.body.strip():
            version.front_matter["transcribed"] = False
            version.body = ""
    warnings: list[str] = []
    xml_ids = {xml_id: version.id for xml_id, version in by_xml_id.items()}
    by_id = {version.id: version for version in versions}
    for version_id, entries in read_facsimiles(root, xml_ids, paragraph_ids, warnings).items():
        by_id[version_id].front_matter["facsimiles"] = entries
    _order_front_matter(versions)
    metadata = _document_metadata(header, versions, base[0] if base else None)
    refs, unparsed = _archival_refs(header)
    if refs:
        metadata["archival_refs"] = refs
    doc_id = document_id or _text(header.find(f".//{_T}publicationStmt/{_T}idno[@type='document']"))
    if not doc_id:
        raise ImportFailure("the file names no document id (publicationStmt/idno[@type='document']); give one")
    if reason := slug_problem(doc_id):
        raise ImportFailure(f"document {reason}")
    warnings += [unparsed_warning(piece) for piece in unparsed]
    return ImportedDocument(doc_id, metadata, versions, groups, warnings)


def import_tei(
    path: Path, corpus_root: Path, document_id: str | None = None, overwrite: bool = False, dry_run: bool = False
) -> ImportResult:
    """Write the document of a TEI file into ``corpus_root/<document>/``, replacing it as a whole with
    ``overwrite``; checked and written all or nothing by ``staging.write_document``. The image files of the
    facsimiles are copied from the ``images/`` folder beside the TEI file; a facsimile whose file is not there is
    left out, with a warning."""
    imported = read_tei(Path(path), document_id)
    corpus_root = Path(corpus_root)
    images, missing = found_images(imported.versions, Path(path).parent)
    if missing:
        imported.warnings.append(missing)
    files = {DOCUMENT_FILE: staging.yaml_text(imported.metadata)}
    for version in imported.versions:
        files[f"{version.id}.md"] = staging.version_file(version.front_matter, version.body)
    document = staging.check_document(corpus_root, imported.id, files, whole_folder=True, overwrite=overwrite,
                                      images=images)
    if imported.groups is not None:
        corrections, differing = reproduce_alignment(corpus_root, files, document, imported.groups, images)
        if corrections:
            files[CORRECTIONS_FILE] = corrections
        if differing:
            imported.warnings.append(
                f"the automatic alignment differs from the apparatus in {differing} group(s) even with corrections"
            )
    if dry_run:
        return ImportResult(corpus_root / imported.id, sorted(files), imported.warnings)
    target = staging.write_document(corpus_root, imported.id, files, whole_folder=True, overwrite=overwrite,
                                    images=images)
    return ImportResult(target, sorted(files), imported.warnings)


def _witnesses(root, witnesses) -> tuple[dict[str, ImportedVersion], list[ImportedVersion]]:
    by_xml_id: dict[str, ImportedVersion] = {}
    versions = []
    text_lang = root.find(f"{_T}text")
    default_language = text_lang.get(_XML_LANG) if text_lang is not None else None
    for witness in witnesses:
        xml_id = witness.get(_XML_ID)
        version_id = witness.get("n") if witness.get("n") and not slug_problem(witness.get("n")) else _slug(xml_id)
        if not xml_id or not version_id:
            raise ImportFailure("a witness needs an xml:id", witness.sourceline or 1)
        if version_id in {v.id for v in versions}:
            raise ImportFailure(f"two witnesses are version {version_id!r}", witness.sourceline or 1)
        version = ImportedVersion(version_id, _witness_front_matter(witness, default_language), "")
        if version.front_matter.get("label") == version_id:  # the label a version has when it gives none
            del version.front_matter["label"]
        by_xml_id[xml_id] = version
        versions.append(version)
    for witness, version in zip(witnesses, versions):
        derived = []
        for related in witness.findall(f"{_T}bibl/{_T}relatedItem"):
            target = by_xml_id.get((related.get("target") or "").removeprefix("#"))
            relation = related.get("type")
            if target is None or relation not in RELATIONS:
                raise ImportFailure(
                    f"witness {version.id}: relatedItem must name a relation ({', '.join(RELATIONS)}) and a witness",
                    related.sourceline or 1,
                )
            derived.append({"version": target.id, "relation": relation})
        if derived:
            version.front_matter["derived_from"] = derived
    return by_xml_id, versions


def _witness_front_matter(witness, default_language: str | None) -> dict:
    bibl = witness.find(f"{_T}bibl")
    ms_desc = witness.find(f"{_T}msDesc")
    kind = bibl.get("type") if bibl is not None else None
    if kind not in KINDS:
        kind = "archival-copy" if ms_desc is not None else "edition"
    language = None
    if bibl is not None and (lang := bibl.find(f"{_T}textLang")) is not None:
        language = lang.get("mainLang")
    language = language or witness.get(_XML_LANG) or default_language
    if not language or not _LANGUAGE.match(language):
        raise ImportFailure(
            f"witness {witness.get(_XML_ID)!r} has no language code (bibl/textLang/@mainLang or xml:lang)",
            witness.sourceline or 1,
        )
    front = {"kind": kind, "language": language}
    label = _text(witness.find(f"{_T}label"))
    if label:
        front["label"] = label
    if ms_desc is not None and (archive := _text(ms_desc.find(f".//{_T}repository"))):
        front["archive"] = archive
    if bibl is not None:
        fields = {
            "translator": _text(bibl.find(f"{_T}editor[@role='translator']")),
            "publisher": _text(bibl.find(f"{_T}publisher")),
            "source": _attr(bibl.find(f"{_T}ref"), "target"),
            "date": _attr(bibl.find(f"{_T}date"), "when"),
            "illustrative": True if bibl.get("subtype") == "illustrative" else None,
            "note": _text(bibl.find(f"{_T}note")),
            "covers": _covers(_text(bibl.find(f"{_T}extent[@type='{COVERS}']"))),
        }
        front.update({key: value for key, value in fields.items() if value not in (None, "")})
    return front


_FRONT_MATTER_ORDER = (
    "kind", "language", "archive", "label", "transcribed", "translator", "publisher", "source", "date",
    "illustrative", "note", "derived_from", "covers", "facsimiles",
)


def _covers(text: str | None) -> str | list[str] | None:
    """The ``covers`` field from its canonical text (``1-7, l. 41``): one stretch as it is, several as a list."""
    if not text:
        return None
    stretches = [stretch.strip() for stretch in text.split(",")]
    return stretches if len(stretches) > 1 else stretches[0]


def _order_front_matter(versions: list[ImportedVersion]) -> None:
    for version in versions:
        version.front_matter = {k: version.front_matter[k] for k in _FRONT_MATTER_ORDER if k in version.front_matter}


def _document_metadata(header, versions: list[ImportedVersion], base: str | None) -> dict:
    source_desc = header.find(f"{_T}fileDesc/{_T}sourceDesc")
    bibl = source_desc.find(f"{_T}bibl[@type='document']") if source_desc is not None else None
    title = _text(bibl.find(f"{_T}title")) if bibl is not None else None
    title = title or _text(header.find(f"{_T}fileDesc/{_T}titleStmt/{_T}title"))
    if not title:
        raise ImportFailure("the document has no title (titleStmt/title)", header.sourceline or 1)
    date = None
    if bibl is not None and (element := bibl.find(f"{_T}date")) is not None:
        date = element.get("when") or _text(element)
    if not date and (element := header.find(f".//{_T}sourceDesc//{_T}date[@when]")) is not None:
        date = element.get("when")
    if not date:
        raise ImportFailure("the document has no date (sourceDesc/bibl/date/@when)", header.sourceline or 1)
    language = None
    if bibl is not None and (element := bibl.find(f"{_T}textLang")) is not None:
        language = element.get("mainLang")
    language = language or versions[0].front_matter["language"]
    metadata: dict = {"title": title, "date": date}
    for kind, key in (("sent", "from"), ("received", "to")):
        name = _text(header.find(f".//{_T}correspDesc/{_T}correspAction[@type='{kind}']/{_T}persName"))
        if name:
            metadata[key] = name
    if bibl is not None and (summary := _text(bibl.find(f"{_T}note[@type='summary']"))):
        metadata["summary"] = summary
    metadata["original_language"] = language
    if base:
        metadata["base"] = base
    if bibl is not None:
        if citation := _text(bibl.find(f"{_T}note[@type='citation']")):
            metadata["citation"] = citation
        source = {"name": _text(bibl.find(f"{_T}publisher")), "url": _attr(bibl.find(f"{_T}ref"), "target")}
        source = {key: value for key, value in source.items() if value}
        if source:
            metadata["source"] = source
    if rights := _text(header.find(f"{_T}fileDesc/{_T}publicationStmt/{_T}availability/{_T}p")):
        metadata["rights"] = rights
    if bibl is not None and bibl.get("subtype") == "illustrative":
        metadata["illustrative"] = True
    return metadata


def _archival_refs(header) -> tuple[list[dict], list[str]]:
    """The references of the msDesc elements, in their order (``n``), and the citations of those kept unparsed: an
    msIdentifier with no repository keeps its citation (or its text) as written, never dropped."""
    found: dict[str, tuple[int, int, dict]] = {}
    unparsed = []
    for order, ms_desc in enumerate(header.iter(f"{_T}msDesc")):
        identifier = ms_desc.find(f"{_T}msIdentifier")
        archive = _text(ms_desc.find(f"{_T}msIdentifier/{_T}repository"))
        citation = _text(ms_desc.find(f"{_T}msIdentifier/{_T}altIdentifier[@type='citation']/{_T}idno"))
        if not archive:
            citation = citation or (" ".join("".join(identifier.itertext()).split()) if identifier is not None else "")
            if not citation or citation in found:
                continue
            ref: dict = {"citation": citation, "unparsed": True}
            unparsed.append(citation)
        elif archive in found:
            continue
        else:
            ref = {"archive": archive}
            for part in REF_PARTS:
                if value := _text(ms_desc.find(f"{_T}msIdentifier/{_T}idno[@type='{part}']")):
                    ref[part] = value
            if citation:
                ref["citation"] = citation
        position = ms_desc.get("n")
        found[archive or citation] = (int(position) if position and position.isdigit() else 10**9, order, ref)
    return [ref for _, _, ref in sorted(found.values(), key=lambda item: item[:2])], unparsed


def _pointers(reading, by_xml_id, attribute: str = "wit") -> list[str]:
    versions = []
    for pointer in (reading.get(attribute) or "").split():
        version = by_xml_id.get(pointer.removeprefix("#"))
        if version is None:
            raise ImportFailure(f"{attribute} names {pointer!r}, which is no witness of listWit", reading.sourceline or 1)
        versions.append(version.id)
    return versions


def _text_bodies(text, by_xml_id, taken) -> tuple[dict[str, str], list[dict[str, tuple[int, ...]]],
                                                  dict[str, tuple[str, int]]]:
    """Bodies and alignment groups from the texts ``versions.export.tei`` writes: per text (its witnesses in
    ``decls``), blocks read by all of them and ``app``\\s of whole readings; the blank lines after a paragraph are
    the text after its block, or an ``app`` of blank lines only where the witnesses differ (before a witness's first
    paragraph: the blank lines that open its body); ``link``\\s of ``linkGrp type="alignment"`` join the units of
    one alignment group; and the ``xml:id`` of each paragraph (the block's or an ``anchor``'s in it that starts
    with its witness's id), as (version, number)."""
    paragraphs: dict[str, dict[int, tuple[str, str]]] = {}
    ids: dict[str, tuple[str, int]] = {}
    prefixes = {version.id: f"{xml_id}." for xml_id, version in by_xml_id.items()}
    leading: dict[str, str] = {}
    expected: dict[str, int] = {}
    units: dict[str, dict[str, list[int]]] = {}

    def read(version_id: str, block, members: dict[str, list[int]]) -> None:
        n = int(block.get("n")) if (block.get("n") or "").isdigit() else expected.get(version_id, 1)
        if n in paragraphs.setdefault(version_id, {}):
            raise ImportFailure(f"witness {version_id} has paragraph {n} twice", block.sourceline or 1)
        paragraphs[version_id][n] = (_block_text(block, version_id, by_xml_id, taken), block.tail or "")
        taken.add((block, "tail"))
        expected[version_id] = n + 1
        members.setdefault(version_id, []).append(n)
        for element in (block, *block.iterchildren(f"{_T}anchor")):
            if (own := element.get(_XML_ID) or "").startswith(prefixes[version_id]):
                ids[own] = (version_id, n)

    for element in text.iterfind(f"{_T}group/{_T}text"):
        witnesses = _pointers(element, by_xml_id, "decls")
        for unit in _one(element, "body", required=True).iterchildren(etree.Element):
            name = etree.QName(unit).localname
            if name == "gap" or [etree.QName(c).localname for c in unit.iterchildren(etree.Element)] == ["gap"]:
                continue  # a text none of whose witnesses is transcribed
            unit_id = unit.get(_XML_ID) or f"unit {len(units)}"
            if name == "ab" and unit.get("type") == "readings":  # an app of whole readings
                unit, name = _one(unit, "app", required=True), "app"
            readings = list(unit.iterchildren(f"{_T}lem", f"{_T}rdg")) if name == "app" else []
            if readings and not any(_blocks_of(r) or (r.text or "").strip() for r in readings):  # blank lines
                for reading in readings:
                    for version_id in _pointers(reading, by_xml_id):
                        found = paragraphs.get(version_id)
                        if found:  # after the block just read
                            last = expected[version_id] - 1
                            found[last] = (found[last][0], found[last][1] + (reading.text or ""))
                        else:
                            leading[version_id] = leading.get(version_id, "") + (reading.text or "")
                    taken.add((reading, "text"))
                continue
            members = units.setdefault(unit_id, {})
            if name != "app":
                for version_id in witnesses:
                    read(version_id, unit, members)
                continue
            for reading in readings:
                blocks = _blocks_of(reading)
                for version_id in _pointers(reading, by_xml_id):
                    if reading.text and blocks:  # blank lines before the first paragraph
                        leading[version_id] = reading.text
                        taken.add((reading, "text"))
                    for block in blocks:
                        read(version_id, block, members)
    bodies = {}
    for version_id, found in paragraphs.items():
        missing = sorted(set(range(1, len(found) + 1)) - set(found))
        if missing:
            raise ImportFailure(f"witness {version_id}: paragraph {missing[0]} is missing from the texts")
        bodies[version_id] = leading.get(version_id, "") + "".join(text + sep for _, (text, sep) in sorted(found.items()))
    return bodies, _linked_groups(text, units), ids


def _blocks_of(reading) -> list:
    return [b for b in reading.iterchildren(etree.Element) if etree.QName(b).localname in _TEXT_BLOCKS]


def _block_text(block, version_id: str, by_xml_id, taken) -> str:
    """A witness's paragraph in a block: a heading's Markdown marker (``rend="h2"``) back in front of its text."""
    marker = re.fullmatch(r"h([1-6])", block.get("rend") or "")
    heading = etree.QName(block).localname == "head" or block.get("type") == "heading"
    prefix = "#" * int(marker.group(1)) + " " if marker and heading else ""
    return prefix + _text_of(block, version_id, by_xml_id, taken)


def _linked_groups(text, units: dict[str, dict[str, list[int]]]) -> list[dict[str, tuple[int, ...]]]:
    """The alignment groups: units joined by a ``link``, every other unit a group of its own."""
    group_of = {unit: unit for unit in units}
    for link in text.iterfind(f"{_T}back/{_T}linkGrp[@type='alignment']/{_T}link"):
        targets = [t.removeprefix("#") for t in (link.get("target") or "").split() if t.removeprefix("#") in units]
        for target in targets[1:]:
            group_of[target] = group_of[targets[0]]
    groups: dict[str, dict[str, list[int]]] = {}
    for unit, members in units.items():
        group = groups.setdefault(group_of[unit], {})
        for version_id, numbers in members.items():
            group.setdefault(version_id, []).extend(numbers)
    return [{v: tuple(sorted(ns)) for v, ns in group.items()} for group in groups.values() if group]


def _generic_bodies(body, by_xml_id, taken) -> dict[str, str]:
    """Each witness's text of a parallel-segmentation body: one paragraph per block, whitespace collapsed."""
    everyone = [v.id for v in by_xml_id.values()]
    texts: dict[str, list[str]] = {v: [] for v in everyone}
    blocks = [b for b in body.iter(etree.Element) if etree.QName(b).localname in _BLOCKS and not _inside(b, _BLOCKS)]
    for block in blocks:
        parts = {v: [] for v in everyone}
        _collect(block, everyone, parts, by_xml_id, taken)
        for version_id, pieces in parts.items():
            paragraph = re.sub(r"\s+", " ", "".join(pieces)).strip()
            if paragraph:
                texts[version_id].append(paragraph)
    return {v: "\n\n".join(ps) + "\n" for v, ps in texts.items() if ps}


def _inside(element, names: set[str]) -> bool:
    parent = element.getparent()
    while parent is not None:
        if isinstance(parent.tag, str) and etree.QName(parent).localname in names:
            return True
        parent = parent.getparent()
    return False


def _text_of(element, version_id: str, by_xml_id, taken) -> str:
    parts: dict[str, list[str]] = {version_id: []}
    _collect(element, [version_id], parts, by_xml_id, taken)
    return "".join(parts[version_id])


def _collect(element, witnesses: list[str], parts: dict[str, list[str]], by_xml_id, taken) -> None:
    """Each witness's text of ``element`` in document order, into ``parts``; what was read, into ``taken``."""
    if element.text:
        for version_id in witnesses:
            parts[version_id].append(element.text)
        taken.add((element, "text"))
    for child in element:
        if not isinstance(child.tag, str):  # a comment or a processing instruction: only its tail is text
            pass
        elif etree.QName(child).localname == "app":
            _collect_app(child, witnesses, parts, by_xml_id, taken)
        elif etree.QName(child).localname not in _ANNOTATIONS:
            _collect(child, witnesses, parts, by_xml_id, taken)
        if child.tail:
            for version_id in witnesses:
                parts[version_id].append(child.tail)
            taken.add((child, "tail"))


def _collect_app(app, witnesses: list[str], parts, by_xml_id, taken) -> None:
    readings = [r for r in app.iter(f"{_T}lem", f"{_T}rdg")]
    named = {v for r in readings for v in _pointers(r, by_xml_id)}
    for reading in readings:
        wits = _pointers(reading, by_xml_id) or [v for v in witnesses if v not in named]
        _collect(reading, [v for v in wits if v in witnesses], parts, by_xml_id, taken)


def _refuse_text_not_taken(body, taken: set) -> None:
    """Text of the body that no witness's text took (outside every paragraph, or where the apparatus has no place
    for it) would be lost without a word: refuse the file instead. Annotations are left out on purpose."""
    for element in body.iter():
        if _inside(element, _ANNOTATIONS):
            continue
        pieces = [] if element is body else [("tail", element.tail)]
        if isinstance(element.tag, str) and etree.QName(element).localname not in _ANNOTATIONS:
            pieces.append(("text", element.text))
        for where, text in pieces:
            if text and text.strip() and (element, where) not in taken:
                raise ImportFailure(
                    f"text {_excerpt(text)!r} belongs to no witness's paragraph, so it cannot be imported",
                    element.sourceline or 1,
                )


# --- small helpers -----------------------------------------------------------------------------------------------------


def _one(parent, tag: str, required: bool = False):
    element = parent.find(f"{_T}{tag}")
    if element is None and required:
        raise ImportFailure(f"no {tag} element", parent.sourceline or 1)
    return element


def _text(element) -> str | None:
    if element is None:
        return None
    return "".join(element.itertext())


def _excerpt(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= 40 else words[:39] + "…"


def _attr(element, name: str) -> str | None:
    return element.get(name) if element is not None else None


def _slug(value: str | None) -> str | None:
    if not value:
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:64].strip("-")
    return slug or None
