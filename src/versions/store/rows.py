"""A document turned into rows, table by table: pure functions, so that they can run in a worker process."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import marshal
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

from ..align.reuse import digests as text_digests
from ..align.reuse import forget_digests
from ..anchors.chinese import han_tokens, has_han
from ..archival import archive_slug
from ..collate import Collation, Stretch, collate, group_text
from ..corpus import (
    Document,
    Version,
)
from ..diff import count_words, forget_word_counts, learn_word_counts
from ..heap import set_apart, settle
from ..history import (
    document_file_histories,
    document_revision_rows,
    history_rows,
    version_histories,
)
from ..identity import (
    VersionKeys,
    document_keys,
    forget_text_keys,
    learn_text_keys,
    text_key,
    with_corrections_resolved,
)
from .cache import BuildCache
from .changes import KEPT, SAME, Rows

EXCERPT_LENGTH = 120
# comparisons made and turned into rows together: 500 groups of a document of 4 versions (3 with the base, a pair of
# copies), 3 of one of 50; what a stretch holds grows with its comparisons, not its groups
STRETCH_COMPARISONS = 2000
CACHE_MIN_PARAGRAPHS = 100  # in all its transcribed versions: a shorter document is collated afresh faster
# in all its transcribed versions: a document this long makes enough objects for the collector's passes over them
# to cost more than the one pass over the process's objects that follows when they are handed back (versions.heap)
SET_APART_MIN_PARAGRAPHS = 1000


def document_rows(
    document: Document, encoding: str | None = None, cache: BuildCache | None = None, written: str | None = None
) -> Iterator[dict[str, list[dict]]]:
    """Every row of one document, table by table, in batches: first the document's own, then each version with its
    paragraphs, then its alignment groups with their members, diffs and anchors, a stretch of groups asking for
    ``STRETCH_COMPARISONS`` comparisons at a time, so that a long document is never held compared whole. The rows
    depend on the document alone: ``cache`` only saves recomputing what an earlier build found, and nothing else is
    shared, so it can run in a worker process.

    ``written``: the content hash of the document whose rows the database to write holds. The cache knows what its
    rows were made from in that build (``RowDigests``): a version's batch that comes out the same is marked so
    (``changes.SAME``), and the groups that do are left out, their ids handed over instead, in a last batch of
    their own (``changes.KEPT``)."""
    long = sum(len(v.paragraphs) for v in document.transcribed_versions) >= SET_APART_MIN_PARAGRAPHS
    try:
        with set_apart() if long else nullcontext():
            settle()  # the document read
            yield from _rows(document, encoding, cache, written)
    finally:
        forget_digests()  # of its paragraphs' texts


def _rows(
    document: Document, encoding: str | None, cache: BuildCache | None, written: str | None
) -> Iterator[dict[str, list[dict]]]:
    if cache is not None and sum(len(v.paragraphs) for v in document.transcribed_versions) < CACHE_MIN_PARAGRAPHS:
        cache = None
    texts = [p.text for version in document.versions for p in version.paragraphs]
    if cache is not None:  # what the history, the keys and the rows read of each paragraph, read before
        known = cache.paragraph_facts(texts)
        learn_word_counts({text: words for text, (words, _) in known.items()})
        learn_text_keys({text: key for text, (_, key) in known.items()})
    histories = version_histories(document, encoding)
    keys = document_keys(document, histories)
    document = with_corrections_resolved(document, keys)
    rows = {
        "documents": [_document_row(document)],
        "archival_refs": list(_archival_ref_rows(document)),
        "derivations": list(_derivation_rows(document)),
        "paragraph_predecessors": list(_predecessor_rows(document, keys)),
        "corrections": list(_correction_rows(document, keys)),
    }
    rows["revisions"], rows["revision_diffs"] = history_rows(histories)
    own_files = document_file_histories(Path(document.path), document.id, encoding)
    rows["document_revisions"] = document_revision_rows(own_files)
    for revision in rows["revisions"]:  # which paragraph of each revision carries which key, for pages "as of" a commit
        by_revision = keys[revision["version_id"].rpartition("/")[2]].by_revision
        revision["paragraph_keys"] = json.dumps(by_revision[revision["n"]]) if revision["n"] in by_revision else None
    settle()  # the histories and keys
    yield rows
    del rows, histories, own_files  # the revisions' texts and changes: held on, they would stay beside the alignment
    digests = RowDigests(cache.row_digests(written) if cache is not None and written else {})
    for version in document.versions:
        words = [count_words(p.text) for p in version.paragraphs]
        batch = {
            "versions": [_version_row(document, version, sum(words))],
            "paragraphs": list(_paragraph_rows(document, version, keys[version.id], words)),
            "facsimiles": list(_facsimile_rows(document, version, keys[version.id])),
        }
        yield batch if cache is None else digests.marked(version.id, batch)
    if cache is not None:
        cache.keep_paragraph_facts({text: (count_words(text), text_key(text)) for text in texts})
    forget_word_counts()  # kept longer, they would only hold texts
    forget_text_keys()
    if cache is None:
        collation = collate(document)
    else:
        collation = collate(document, comparer=cache.comparer, previous=cache.previous_alignments(document),
                            features=cache)
        if collation:
            cache.keep_alignments(document, collation.table)
    if collation:
        settle()  # the collation, and what it read of every paragraph
        groups = _group_keys(collation, keys)
        same = digests.same_groups(collation, keys, groups) if cache is not None else []
        if same:  # their comparisons are not read, but still wanted: the next edit may move the groups around them
            cache.keep_comparisons((pair for index in same for _, pair in collation.group_pairs(index)),
                                   collation.normalization)
        for stretch in collation.stretches(_stretch_groups(collation), set(same)):
            yield stretch_rows(collation, stretch, keys, groups)
        if same:
            yield {KEPT: [{"id": group_id(document.id, groups[index])} for index in same]}
    if cache is not None:
        cache.keep_row_digests(document.content_hash, digests.made)


class RowDigests:
    """Digests of what a long document's rows are made from, per version (its batch of rows) and per alignment
    group (``group_digests``): those of the build the database holds (``held``, from the cache), to tell which rows
    come out the same, and this build's (``made``), kept for the next one."""

    def __init__(self, held: dict[str, dict[str, str]]):
        self.held = held
        self.made: dict[str, dict[str, str]] = {"versions": {}, "groups": {}}

    def marked(self, version_id: str, batch: Rows) -> Rows:
        """A version's batch of rows, marked ``SAME`` if the database holds it so."""
        digest = hashlib.blake2b(_spelled(batch), digest_size=16).hexdigest()
        self.made["versions"][version_id] = digest
        return {**batch, SAME: []} if self.held.get("versions", {}).get(version_id) == digest else batch

    def same_groups(self, collation: Collation, keys: dict[str, VersionKeys], groups: list[str]) -> list[int]:
        """The indexes of the groups made from the same as in the build the database holds."""
        digests = group_digests(collation, keys, groups)
        self.made["groups"] = dict(zip(groups, digests))
        held = self.held.get("groups", {})
        return [index for index, (key, digest) in enumerate(zip(groups, digests)) if held.get(key) == digest]


def group_digests(collation: Collation, keys: dict[str, VersionKeys], groups: list[str]) -> list[str]:
    """Per group, a digest of everything its rows are made from: its place and row key (``groups``), its members
    with their paragraphs' keys, texts (by digest) and separators, and what holds for the whole table (its versions,
    their languages, the base, the normalization); the comparisons follow from the texts."""
    document, table = collation.document, collation.table
    whole = json.dumps([document.id, table.base, [(v, document.version(v).language) for v in table.versions],
                        str(collation.normalization)], ensure_ascii=False).encode()
    digests = []
    paragraphs = {v: (keys[v].keys, _paragraph_digests(document.version(v))) for v in table.versions}
    for index, (group, key) in enumerate(zip(table.groups, groups)):
        made_of = [index, key]
        for version_id, member in group.members.items():
            version_keys, read = paragraphs[version_id]
            made_of += [version_id, member.__dict__, [version_keys[n] for n in member.paragraphs],
                        [read[n] for n in member.paragraphs]]
        digests.append(hashlib.blake2b(whole + _spelled(made_of), digest_size=16).hexdigest())
    return digests


def _paragraph_digests(version: Version) -> list[tuple[str, str]]:
    """Each paragraph as its text's digest (align.reuse's, made for the alignment already) and its separator."""
    return list(zip(text_digests([p.text for p in version.paragraphs]), (p.separator for p in version.paragraphs)))


def _spelled(rows) -> bytes:
    """Rows (plain dicts, lists, strings, numbers) as bytes that equal rows spell alike: marshal's first format,
    which writes every string whole (the later ones refer back to strings met before, as they happen to be
    shared), many times faster than their repr."""
    return marshal.dumps(rows, 0)


def _stretch_groups(collation: Collation) -> int:
    """Groups in a stretch: as many as ask for ``STRETCH_COMPARISONS`` comparisons (a version alone asks for none)."""
    return max(1, STRETCH_COMPARISONS // max(1, collation.comparisons_per_group))


def collation_rows(collation: Collation, keys: dict[str, VersionKeys]) -> dict[str, list[dict]]:
    """The rows of a whole collation (a short document's)."""
    return stretch_rows(collation, collation.whole, keys, _group_keys(collation, keys))


def stretch_rows(
    collation: Collation, stretch: Stretch, keys: dict[str, VersionKeys], groups: list[str]
) -> dict[str, list[dict]]:
    """The rows of one stretch of groups; ``groups``: every group's row key (``_group_keys``)."""
    return {
        "alignment_groups": list(_group_rows(collation, stretch, keys, groups)),
        "alignment_members": list(_member_rows(collation, stretch, keys, groups)),
        "untranscribed": list(_untranscribed_rows(collation, stretch, groups)),
        "diffs": list(_diff_rows(collation, stretch, groups)),
        "anchors": list(_anchor_rows(collation, stretch, groups)),
    }


def group_id(document_id: str, key: str) -> str:
    """A row's id, ``<document>/<row key>``: see ``row_key``."""
    return f"{document_id}/{key}"


def row_key(base: str, version_id: str, paragraph_key: str) -> str:
    """A row is named by one paragraph it holds: the key of its first paragraph of the base (``3kq7zv2a``), else of
    the first version holding any, after that version's slug (``ru-rendering.3kq7zv2a``). Adding or removing other
    versions leaves it alone; an address whose paragraph has joined another row is sent on to it (the web plugin)."""
    return paragraph_key if version_id == base else f"{version_id}.{paragraph_key}"


def paragraph_id(document_id: str, version_id: str, key: str) -> str:
    """A paragraph's id, ``<document>/<version>/<key>``, with its stable key (``versions.identity``)."""
    return f"{document_id}/{version_id}/{key}"


def _group_keys(collation: Collation, keys: dict[str, VersionKeys]) -> list[str]:
    table = collation.table
    named = []
    for group in table.groups:
        version_id = next(v for v in table.versions if group.paragraphs(v))
        named.append(row_key(table.base, version_id, keys[version_id].keys[group.paragraphs(version_id)[0]]))
    return named


def archival_ref_id(document_id: str, archive: str) -> str:
    return f"{document_id}/{archive_slug(archive)}"


def _document_row(document: Document) -> dict:
    return {
        "id": document.id,
        "title": document.title,
        "date": document.date,
        "sender": document.sender,
        "recipient": document.recipient,
        "summary": document.summary,
        "original_language": document.original_language,
        "base_version_id": f"{document.id}/{document.base}" if document.base else None,
        "citation": document.citation,
        "source_name": document.source_name,
        "source_url": document.source_url,
        "rights": document.rights,
        "illustrative": document.illustrative,
        "version_count": len(document.versions),
        "path": document.path,
        "content_hash": document.content_hash,
    }


def _archival_ref_rows(document: Document) -> Iterator[dict]:
    unparsed = 0
    for ref in document.archival_refs:
        unparsed += ref.unparsed
        yield {
            # An unparsed reference has no archive to name it by: it is numbered among the document's unparsed ones.
            "id": f"{document.id}/unparsed-{unparsed}" if ref.unparsed else archival_ref_id(document.id, ref.archive),
            "document_id": document.id,
            **dataclasses.asdict(ref),
            "unparsed": ref.unparsed,
        }


def _version_row(document: Document, version: Version, words: int) -> dict:
    return {
        "id": version.key,
        "document_id": document.id,
        "version": version.id,
        "kind": version.kind,
        "language": version.language,
        "label": version.label,
        "transcribed": version.transcribed,
        "illustrative": version.illustrative or document.illustrative,
        "archival_ref_id": archival_ref_id(document.id, version.archive) if version.archive else None,
        "translator": version.translator,
        "publisher": version.publisher,
        "source": version.source,
        "date": version.date,
        "note": version.note,
        "path": version.path,
        "leading": version.leading,
        "paragraph_count": len(version.paragraphs),
        "word_count": words,
        "body_line": version.body_line,
        "covers": str(version.covers) if version.covers else None,
    }


def _derivation_rows(document: Document) -> Iterator[dict]:
    for version in document.versions:
        for derivation in version.derived_from:
            yield {
                "version_id": version.key,
                "source_version_id": f"{document.id}/{derivation.source}",
                "relation": derivation.relation,
                "document_id": document.id,
            }


def _paragraph_rows(
    document: Document, version: Version, of_version: VersionKeys, words: list[int]
) -> Iterator[dict]:
    keyed = zip(version.paragraphs, of_version.keys, of_version.changed_in, words, strict=True)
    for p, key, changed_in, count in keyed:
        yield {
            "id": paragraph_id(document.id, version.id, key),
            "document_id": document.id,
            "version_id": version.key,
            "key": key,
            "changed_revision_id": f"{version.key}@{changed_in}" if changed_in else None,
            "n": p.n,
            "kind": p.kind,
            "text": p.text,
            "separator": p.separator,
            "line": p.line,
            "words": count,
            "hash": p.hash,
            "search_text": han_tokens(p.text) if has_han(p.text) else None,
        }


def _facsimile_rows(document: Document, version: Version, of_version: VersionKeys) -> Iterator[dict]:
    for n, facsimile in enumerate(version.facsimiles, start=1):
        on_sheet = [paragraph_id(document.id, version.id, of_version.keys[number - 1]) for number in facsimile.paragraphs]
        yield {
            "id": f"{version.key}/{facsimile.sheet}",
            "document_id": document.id,
            "version_id": version.key,
            "n": n,
            "sheet": facsimile.sheet,
            "path": facsimile.path,
            "iiif": facsimile.iiif,
            "paragraphs": json.dumps(on_sheet) if on_sheet else None,
            "line": facsimile.line,
        }


def _predecessor_rows(document: Document, keys: dict[str, VersionKeys]) -> Iterator[dict]:
    for version in document.versions:
        for old, new in keys[version.id].predecessors.items():
            yield {
                "id": paragraph_id(document.id, version.id, old),
                "document_id": document.id,
                "version_id": version.key,
                "paragraph_id": paragraph_id(document.id, version.id, new),
            }


def _correction_rows(document: Document, keys: dict[str, VersionKeys]) -> Iterator[dict]:
    for number, correction in enumerate(document.corrections, start=1):
        (version_a, n_a), (version_b, n_b) = correction.a, correction.b
        yield {
            "id": f"{document.id}/correction-{number}",
            "document_id": document.id,
            "action": correction.action,
            "paragraph_a_id": paragraph_id(document.id, version_a, keys[version_a].keys[n_a - 1]),
            "paragraph_b_id": paragraph_id(document.id, version_b, keys[version_b].keys[n_b - 1]),
            "line": correction.line,
            "note": correction.note,
        }


def _group_rows(
    collation: Collation, stretch: Stretch, keys: dict[str, VersionKeys], groups: list[str]
) -> Iterator[dict]:
    doc = collation.document.id
    base = collation.table.base
    for (index, group), variance in zip(stretch.indexed(), stretch.variances):
        base_paragraphs = group.paragraphs(base)
        members = [m for m in group.members.values() if m.paragraphs]
        yield {
            "id": group_id(doc, groups[index]),
            "document_id": doc,
            "key": groups[index],
            "n": index + 1,
            "base_paragraph_id": (
                paragraph_id(doc, base, keys[base].keys[base_paragraphs[0]]) if base_paragraphs else None),
            "versions_present": len(members),
            "variance": variance,
            "moved": any(m.moved for m in members),
            "excerpt": _excerpt(collation, group),
        }


def _excerpt(collation: Collation, group) -> str:
    version_id = next(v for v in collation.table.versions if group.paragraphs(v))
    text = group_text(collation.document.version(version_id), group.paragraphs(version_id))
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def _member_rows(
    collation: Collation, stretch: Stretch, keys: dict[str, VersionKeys], groups: list[str]
) -> Iterator[dict]:
    doc = collation.document.id
    for index, group in stretch.indexed():
        for version_id, member in group.members.items():
            for paragraph in member.paragraphs:
                yield {
                    "group_id": group_id(doc, groups[index]),
                    "paragraph_id": paragraph_id(doc, version_id, keys[version_id].keys[paragraph]),
                    "document_id": doc,
                    "version_id": f"{doc}/{version_id}",
                    "bead": member.bead,
                    "score": round(member.score, 4),
                    "method": member.method,
                    "moved": member.moved,
                    "aligned_with_id": f"{doc}/{member.via}" if member.via else None,
                }


def _untranscribed_rows(collation: Collation, stretch: Stretch, groups: list[str]) -> Iterator[dict]:
    doc = collation.document.id
    for index, group in stretch.indexed():
        for version_id, member in group.members.items():
            if member.untranscribed:
                yield {"group_id": group_id(doc, groups[index]), "version_id": f"{doc}/{version_id}", "document_id": doc}


def _diff_rows(collation: Collation, stretch: Stretch, groups: list[str]) -> Iterator[dict]:
    """A version's diff with the base (id ``<row>/<version>``), and one copy's with another (``<row>/<a>/<b>``, the
    first as the base of the diff)."""
    for index, _group in stretch.indexed():
        for version_id in collation.table.versions[1:]:
            comparison = stretch.comparisons.get((index, version_id))
            if comparison is not None and comparison.diff is not None:
                compared = _compared(collation, groups[index], version_id)
                yield {"id": f"{compared['group_id']}/{version_id}", **compared, **comparison.diff.to_row()}
        for version_a, version_b in collation.copy_pairs:
            if (comparison := stretch.copies.get((index, version_a, version_b))) is not None:
                compared = _compared(collation, groups[index], version_b, version_a)
                yield {"id": f"{compared['group_id']}/{version_a}/{version_b}", **compared, **comparison.diff.to_row()}


_ANCHOR_SIDES = {"both": "both", "a-only": "base-only", "b-only": "version-only"}


def _anchor_rows(collation: Collation, stretch: Stretch, groups: list[str]) -> Iterator[dict]:
    for (index, version_id), comparison in stretch.comparisons.items():
        compared = _compared(collation, groups[index], version_id)
        for check in comparison.anchors:
            yield {
                "id": f"{compared['group_id']}/{version_id}/{check.anchor.kind}/{check.anchor.value}",
                **compared,
                "kind": check.anchor.kind,
                "value": check.anchor.value,
                "side": _ANCHOR_SIDES[check.side],
            }


def _compared(collation: Collation, row: str, version_id: str, base: str | None = None) -> dict:
    """What a diff row and an anchor row say of the comparison they come from: the row, the version and what it is
    compared with (the table's base unless ``base`` names another version)."""
    doc = collation.document.id
    return {
        "group_id": group_id(doc, row),
        "document_id": doc,
        "base_version_id": f"{doc}/{base or collation.table.base}",
        "version_id": f"{doc}/{version_id}",
    }
