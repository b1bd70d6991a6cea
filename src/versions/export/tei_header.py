"""The ``teiHeader`` of a document's TEI export: sources and witnesses, encoding, languages, revisions."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from ..archival import PARTS
from ..corpus import Document, Version
from ..history import FileRevision, VersionHistory
from .xml import el, sub

REF_PARTS = PARTS
ARCHIVAL_REFERENCES = "archival-references"
PUBLISHER = "versions"
COVERS = "covers"  # the type of a witness's extent: the stretches a version transcribed in part holds


def witness_id(version_id: str) -> str:
    """The ``xml:id`` of a version's witness: its id, or ``_<id>`` when the id starts with a digit (no NCName)."""
    return version_id if version_id[:1].isalpha() else f"_{version_id}"


def paragraph_id(version_id: str, key: str) -> str:
    """The ``xml:id`` of a version's paragraph: its witness's id and the paragraph's stable key."""
    return f"{witness_id(version_id)}.{key}"


def pointers(version_ids: Sequence[str]) -> str:
    return " ".join(f"#{witness_id(v)}" for v in version_ids)


def tei_header(
    document: Document, histories: Sequence[VersionHistory], file_revisions: Sequence[FileRevision]
) -> etree._Element:
    header = el("teiHeader")
    header.append(_file_desc(document))
    encoding = sub(header, "encodingDesc")
    sub(encoding, "variantEncoding", method="parallel-segmentation", location="internal")
    header.append(_profile_desc(document))
    if (revisions := _revision_desc(histories, file_revisions)) is not None:
        header.append(revisions)
    return header


def _file_desc(document: Document) -> etree._Element:
    file_desc = el("fileDesc")
    sub(sub(file_desc, "titleStmt"), "title", text=document.title)
    publication = sub(file_desc, "publicationStmt")
    sub(publication, "publisher", text=PUBLISHER)
    sub(publication, "idno", text=document.id, type="document")
    if document.rights:
        sub(sub(publication, "availability"), "p", text=document.rights)
    source_desc = sub(file_desc, "sourceDesc")
    source_desc.append(_document_bibl(document))
    carried = {v.archive for v in document.versions if v.archive}
    loose = [(i, ref) for i, ref in enumerate(document.archival_refs, start=1) if ref.archive not in carried]
    if loose:
        listing = sub(source_desc, "listBibl", type=ARCHIVAL_REFERENCES)
        for position, ref in loose:
            listing.append(_ms_desc(ref, position))
    list_wit = sub(source_desc, "listWit")
    for version in document.versions:
        list_wit.append(_witness(document, version))
    return file_desc


def _profile_desc(document: Document) -> etree._Element:
    profile = el("profileDesc")
    languages = sub(profile, "langUsage")
    for language in dict.fromkeys([document.original_language, *(v.language for v in document.versions)]):
        sub(languages, "language", ident=language)
    if document.sender or document.recipient:
        corresp = sub(profile, "correspDesc")
        for kind, name in (("sent", document.sender), ("received", document.recipient)):
            if name:
                sub(sub(corresp, "correspAction", type=kind), "persName", text=name)
    return profile


def _revision_desc(histories, file_revisions) -> etree._Element | None:
    """One ``change`` per commit that touched the document, newest first: its date, commit, the witnesses whose
    files it changed (``target``; none for the document's own files only) and its subject."""
    changes: dict[str, tuple[str, str, list[str]]] = {}
    for history in histories:
        for revision in history.revisions:
            if revision.commit:
                _, _, targets = changes.setdefault(revision.commit, (revision.date, revision.subject or "", []))
                targets.append(history.version_id)
    for revision in file_revisions:
        state = revision.state
        if state.commit:
            subject = state.message.strip().split("\n", 1)[0] if state.message else ""
            changes.setdefault(state.commit, (state.date, subject, []))
    if not changes:
        return None
    desc = el("revisionDesc")
    for commit, (date, subject, targets) in sorted(changes.items(), key=lambda item: (item[1][0], item[0]),
                                                   reverse=True):
        sub(desc, "change", text=subject, when=date, n=commit, target=pointers(targets) or None)
    return desc


def _document_bibl(document: Document) -> etree._Element:
    bibl = el("bibl", type="document", subtype="illustrative" if document.illustrative else None)
    sub(bibl, "title", text=document.title)
    sub(bibl, "date", text=document.date, when=document.date)
    sub(bibl, "textLang", mainLang=document.original_language)
    if document.source_name:
        sub(bibl, "publisher", text=document.source_name)
    if document.source_url:
        sub(bibl, "ref", text=document.source_url, target=document.source_url)
    if document.citation:
        sub(bibl, "note", text=document.citation, type="citation")
    if document.summary:
        sub(bibl, "note", text=document.summary, type="summary")
    if document.base:  # the version other versions are aligned with and compared to
        sub(bibl, "relatedItem", type="base", target=f"#{witness_id(document.base)}")
    return bibl


def _ms_desc(ref, position: int) -> etree._Element:
    ms_desc = el("msDesc", n=str(position), type="unparsed" if ref.unparsed else None)
    identifier = sub(ms_desc, "msIdentifier")
    if ref.archive:
        sub(identifier, "repository", text=ref.archive)
    for part in REF_PARTS:
        if getattr(ref, part):
            sub(identifier, "idno", text=getattr(ref, part), type=part)
    if ref.citation:
        sub(sub(identifier, "altIdentifier", type="citation"), "idno", text=ref.citation)
    return ms_desc


def _witness(document: Document, version: Version) -> etree._Element:
    witness = el("witness", n=version.id, xml_id=witness_id(version.id))
    sub(witness, "label", text=version.label)
    if version.archive:
        position, ref = next(
            (i, ref) for i, ref in enumerate(document.archival_refs, start=1) if ref.archive == version.archive
        )
        witness.append(_ms_desc(ref, position))
    bibl = sub(witness, "bibl", type=version.kind, subtype="illustrative" if version.illustrative else None)
    sub(bibl, "textLang", mainLang=version.language)
    if version.translator:
        sub(bibl, "editor", text=version.translator, role="translator")
    if version.publisher:
        sub(bibl, "publisher", text=version.publisher)
    if version.date:
        sub(bibl, "date", text=version.date, when=version.date)
    if version.source:
        sub(bibl, "ref", text=version.source, target=version.source)
    if version.covers:  # a version transcribed in part: what it holds, in the canonical form of corpus.coverage
        sub(bibl, "extent", text=str(version.covers), type=COVERS)
    for derivation in version.derived_from:
        sub(bibl, "relatedItem", type=derivation.relation, target=f"#{witness_id(derivation.source)}")
    if version.note:
        sub(bibl, "note", text=version.note)
    return witness
