"""Which versions are witnesses of one text, and where a witness was not transcribed.

A copy, a revision or an edition of a version in the same language reads the same text as that version; archival
copies and originals in one language that derive from no version of the document are copies of one lost or
unseen original, so they read one text too. A translation that is no copy or revision of another version is a text
of its own. Versions not transcribed at all make a text of their own (a ``gap``), so that the others are not each
read against nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..align import Member
from ..corpus import Document, Version
from ..languages import same_language

SAME_TEXT = ("copy-of", "revision-of", "edition-of")
COPIES = ("original", "archival-copy")


@dataclass(frozen=True)
class Text:
    key: str  # the id of its first version
    language: str
    witnesses: tuple[str, ...]  # version ids: the one the others copy first, then in the document's order
    transcribed: bool


def texts_of(document: Document) -> list[Text]:
    """The document's texts, in the order of their first version in the document."""
    members: dict[tuple[str, bool], list[str]] = {}
    for version in document.versions:
        members.setdefault((_root(document, version), version.transcribed), []).append(version.id)
    members = {(root, transcribed): sorted(ids, key=lambda v: v != root) for (root, transcribed), ids in members.items()}
    return [
        Text(witnesses[0], document.version(witnesses[0]).language, tuple(witnesses), transcribed)
        for (_, transcribed), witnesses in members.items()
    ]


def _root(document: Document, version: Version) -> str:
    seen = {version.id}
    while source := next(
        (d.source for d in version.derived_from
         if d.relation in SAME_TEXT and same_language(document.version(d.source).language, version.language)), None
    ):
        if source in seen:
            break
        seen.add(source)
        version = document.version(source)
    if version.derived_from or version.kind not in COPIES:
        return version.id
    return next(v.id for v in document.versions if v.kind in COPIES and same_language(v.language, version.language)
                and not v.derived_from)


def untranscribed(version: Version, member: Member | None) -> bool:
    """Whether ``version`` has no paragraph in a group because that stretch was not transcribed (a lacuna, exported
    as ``gap reason="untranscribed"``), as opposed to an omission: always for a version with ``transcribed: false``;
    for a version transcribed in part (``covers``), where the alignment marked its member so
    (``align.Member.untranscribed``)."""
    return not version.transcribed or (member is not None and member.untranscribed)
