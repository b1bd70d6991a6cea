"""TEI P5 export of one document: each text in its own language, copies as a word-level apparatus, translations
linked paragraph to paragraph (Guidelines ch. 12 parallel segmentation, ch. 16 linking).

``TEI/text/group`` holds one ``text`` per text of the document (``versions.export.texts``): ``xml:lang`` its
language, ``decls`` its witnesses. Its ``body`` has, per alignment group, one unit:

- where every witness of the text has as many paragraphs there, in its order, none moved, in the same form: one
  block per paragraph read by all of them (``head`` for a heading at the top, its Markdown marker as ``rend="h2"``;
  ``ab type="heading"`` for a later one, or when a text has only headings, since a ``head`` needs a paragraph
  after it; ``note`` for a note such as a translator's; else ``p``), whose text outside ``app`` is read alike and
  whose ``app``\\s (``lem`` the first witness's reading, ``rdg`` the others, every witness of the text named) hold
  the words they read differently, from the word diff of ``versions.diff``;
- otherwise an ``ab type="readings"`` holding one ``app`` of whole readings: each witness's blocks (``n`` = the
  paragraph number where it is not the one after the witness's previous paragraph, as after a moved paragraph;
  ``type="transposition"`` on a moved reading), an empty ``rdg`` for an omission, ``gap reason="untranscribed"``
  for a lacuna.

A block's ``xml:id`` is ``<witness>.<paragraph key>`` (the stable key of ``versions.identity``) of the first witness
reading it, and an ``anchor`` at its start carries that of each other witness reading it, so that every paragraph
of every version has its id; an ``ab`` of whole readings has the first one's id plus ``.app``. The blank lines
after a paragraph are the text after its block, or an ``app`` of their own where the witnesses differ (before a
first paragraph: the blank lines that open a body), so the text of every witness, put together, is its file's body
byte for byte. A text none of whose versions is transcribed is one ``ab`` holding a ``gap``.
``back/linkGrp type="alignment"`` links the units of one alignment group across texts (and the blocks of a group
that has several in one text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lxml import etree

from ..collate import Collation
from ..corpus import Document
from ..history import FileRevision, VersionHistory
from ..identity import VersionKeys
from ..segment import Paragraph
from .facsimile import facsimile
from .readings import Zone, segments
from .readings import zone as _zone
from .tei_header import paragraph_id, pointers, tei_header, witness_id
from .texts import Text, texts_of, untranscribed
from .xml import TEI_NS, XML_ID, el, serialize, sub, xml_text

HEADING_MARKER = re.compile(r"(#{1,6}) (?=\S)")
UNTRANSCRIBED = "untranscribed"
READINGS = "readings"  # the type of an ab holding an app of whole readings


def to_tei(
    document: Document,
    collation: Collation | None,
    keys: Mapping[str, VersionKeys],
    histories: Sequence[VersionHistory] = (),
    file_revisions: Sequence[FileRevision] = (),
) -> str:
    root = el("TEI")
    root.append(tei_header(document, histories, file_revisions))
    if (images := facsimile(document, keys)) is not None:
        root.append(images)
    outer = sub(root, "text", xml_lang=document.original_language)
    group = sub(outer, "group")
    links: dict[int, list[str]] = {}
    for text in texts_of(document):
        element = sub(group, "text", xml_id=f"text.{witness_id(text.key)}", xml_lang=text.language,
                      decls=pointers(text.witnesses))
        body = sub(element, "body")
        body.text = "\n"
        if collation is None or not text.transcribed:
            sub(sub(body, "ab"), "gap", reason=UNTRANSCRIBED).getparent().tail = "\n"
            continue
        writer = _TextWriter(document, collation, keys, text, body)
        for index, aligned in enumerate(collation.table.groups):
            links.setdefault(index, []).extend(writer.unit(index, aligned))
        if writer.at_top:
            _headings_as_blocks(body)
    linked = [ids for _, ids in sorted(links.items()) if len(ids) > 1]
    if linked:
        link_group = sub(sub(outer, "back"), "linkGrp", type="alignment")
        for ids in linked:
            sub(link_group, "link", target=" ".join(f"#{i}" for i in ids))
    return serialize(root)


@dataclass
class _TextWriter:
    """The body of one text, unit by unit."""

    document: Document
    collation: Collation
    keys: Mapping[str, VersionKeys]
    text: Text
    body: etree._Element
    expected: dict[str, int] = field(default_factory=dict)  # per witness: the number of its next paragraph
    at_top: bool = True  # no block but headings yet: a heading is a ``head``

    def unit(self, index: int, aligned) -> list[str]:
        """Write the text's unit for one alignment group; the ids of its elements (none: the text has nothing)."""
        present = [w for w in self.text.witnesses if aligned.paragraphs(w)]
        if not present:
            return []
        ids = self._shared(aligned, present) if len(present) == len(self.text.witnesses) else None
        if ids is None:
            ids = [self._readings(index, aligned, present)]
        for witness in present:
            self.expected[witness] = aligned.paragraphs(witness)[-1] + 2
        return ids

    def _shared(self, aligned, present: list[str]) -> list[str] | None:
        """Blocks read by every witness (as many as each has paragraphs here, in order, none moved, in the same
        form), or None when they cannot share them."""
        columns = [aligned.paragraphs(w) for w in present]
        if len({len(c) for c in columns}) != 1 or any(aligned.members[w].moved for w in present):
            return None
        for witness, indices in zip(present, columns):
            following = list(range(indices[0], indices[0] + len(indices)))
            if _number(indices[0], self.expected.get(witness, 1)) is not None or list(indices) != following:
                return None
        planned, at_top = [], self.at_top
        for row in zip(*columns):
            paragraphs = {w: self.document.version(w).paragraphs[i] for w, i in zip(present, row)}
            forms = {w: self._form(p, at_top) for w, p in paragraphs.items()}
            if len({(tag, tuple(attributes.items())) for tag, attributes, _ in forms.values()}) != 1:
                return None
            at_top = at_top and forms[present[0]][0] == "head"
            planned.append((row, forms))
        self.at_top = at_top
        return [self._write_shared(present, row, forms) for row, forms in planned]

    def _write_shared(self, present: list[str], row: tuple[int, ...], forms) -> str:
        """A block read by every witness, the blank lines before (a witness's first paragraph) and after it shared
        as text or, where the witnesses differ, as an ``app`` of their own."""
        lead = present[0]
        versions = [self.document.version(w) for w in present]
        leading = {v.id: v.leading if i == 0 else "" for v, i in zip(versions, row)}
        if any(leading.values()):
            _write_zone(self.body, _zone(leading, present), lead).tail = "\n"
        tag, attributes, _ = forms[lead]
        block = sub(self.body, tag, xml_id=self._id(lead, row[0]), **attributes)
        anchors = self._anchors(block, zip(present[1:], row[1:]))
        _fill(block, segments({w: content for w, (_, _, content) in forms.items()}, present), lead, anchors)
        separators = {v.id: v.paragraphs[i].separator for v, i in zip(versions, row)}
        if len(set(separators.values())) == 1:
            block.tail = separators[lead]
        else:
            _write_zone(self.body, _zone(separators, present), lead).tail = "\n"
        return block.get(XML_ID)

    def _readings(self, index: int, aligned, present: list[str]) -> str:
        """One ``app`` of whole readings (the witnesses' blocks, omissions and lacunae) in an ``ab``: a body
        needs a block of its own."""
        readings: dict[tuple, list[str]] = {}
        for witness in self.text.witnesses:
            readings.setdefault(self._reading_key(index, aligned, witness), []).append(witness)
        lead = present[0]
        unit = sub(self.body, "ab", type=READINGS, xml_id=self._id(lead, aligned.paragraphs(lead)[0]) + ".app")
        unit.tail = "\n"
        app = sub(unit, "app")
        headings_only = True
        for key, witnesses in sorted(readings.items(), key=lambda item: lead not in item[1]):
            reading = sub(app, "lem" if lead in witnesses else "rdg", wit=pointers(witnesses))
            if key[0] == UNTRANSCRIBED:
                sub(reading, "gap", reason=UNTRANSCRIBED)
            elif key[0] == "read":
                headings_only = self._write_reading(reading, aligned, witnesses, key) and headings_only
        self.at_top = self.at_top and headings_only
        return unit.get(XML_ID)

    def _write_reading(self, reading: etree._Element, aligned, witnesses: list[str], key: tuple) -> bool:
        """The blocks of a reading the ``witnesses`` share, the first one's ids on them and the others' on anchors
        inside; whether all of them are headings."""
        _, moved, leading, numbers, _ = key
        witness = witnesses[0]
        if moved:
            reading.set("type", "transposition")
        reading.text = xml_text(leading, witness) or None
        version = self.document.version(witness)
        headings_only = True
        for position, (n, i) in enumerate(zip(numbers, aligned.paragraphs(witness))):
            paragraph = version.paragraphs[i]
            tag, attributes, text = self._form(paragraph, self.at_top)
            headings_only = headings_only and tag == "head"
            block = sub(reading, tag, xml_id=self._id(witness, i), n=n, **attributes)
            others = [(w, aligned.paragraphs(w)[position]) for w in witnesses[1:]]
            _fill(block, [text], f"{witness}/{i + 1}", self._anchors(block, others))
            block.tail = paragraph.separator or None
        return headings_only

    def _anchors(self, block: etree._Element, others) -> list[etree._Element]:
        """An ``anchor`` per other witness reading the block, carrying the id of its own paragraph there."""
        return [sub(block, "anchor", xml_id=self._id(witness, i)) for witness, i in others]

    def _reading_key(self, index: int, aligned, witness: str) -> tuple:
        """What a witness reads in a group; witnesses with equal keys share one reading (their paragraph numbers
        are part of it only where written)."""
        version = self.document.version(witness)
        indices = aligned.paragraphs(witness)
        if not indices:
            return (UNTRANSCRIBED,) if untranscribed(version, aligned.members.get(witness)) else ("omitted",)
        member = aligned.members.get(witness)
        numbers, expected = [], self.expected.get(witness, 1)
        for i in indices:
            numbers.append(_number(i, expected))
            expected = i + 2
        texts = tuple((version.paragraphs[i].text, version.paragraphs[i].separator, version.paragraphs[i].kind)
                      for i in indices)
        leading = version.leading if 0 in indices else ""
        return "read", bool(member and member.moved), leading, tuple(numbers), texts

    @staticmethod
    def _form(paragraph: Paragraph, at_top: bool) -> tuple[str, dict[str, str], str]:
        """(element, attributes, its text) for a paragraph: heading, note or plain paragraph."""
        if paragraph.kind == "heading":
            marker = HEADING_MARKER.match(paragraph.text)
            rend = f"h{len(marker.group(1))}" if marker else None
            text = paragraph.text[marker.end():] if marker else paragraph.text
            attributes = {"rend": rend} if at_top else {"type": "heading", "rend": rend}
            return ("head" if at_top else "ab"), {k: v for k, v in attributes.items() if v}, text
        if paragraph.kind == "note":
            return "note", {}, paragraph.text
        return "p", {}, paragraph.text

    def _id(self, witness: str, i: int) -> str:
        return paragraph_id(witness, self.keys[witness].keys[i])



def _number(index: int, expected: int) -> str | None:
    """The number of the paragraph at ``index`` to write: only where it is not ``expected``, the one after the
    witness's previous paragraph."""
    return None if index + 1 == expected else str(index + 1)


def _fill(block: etree._Element, pieces: list[str | Zone], where: str, anchors: list[etree._Element]) -> None:
    """A block's content after its ``anchors``: shared text as text, each variant zone as an ``app`` naming every
    witness."""
    last = anchors[-1] if anchors else None
    for piece in pieces:
        if isinstance(piece, Zone):
            last = _write_zone(block, piece, where)
        elif last is None:
            block.text = xml_text(piece, where) or None
        else:
            last.tail = xml_text(piece, where) or None


def _write_zone(parent: etree._Element, zone: Zone, where: str) -> etree._Element:
    """An ``app`` of what the witnesses read in one place: ``lem`` the lead's, an ``rdg`` for each other reading."""
    app = sub(parent, "app")
    for position, (text, witnesses) in enumerate(zone.readings):
        reading = sub(app, "rdg" if position else "lem", wit=pointers(witnesses))
        reading.text = xml_text(text, where) or None
    return app


def _headings_as_blocks(body: etree._Element) -> None:
    """``head`` becomes ``ab type="heading"``: the headings of a text that has nothing else."""
    for head in body.iter(f"{{{TEI_NS}}}head"):
        head.tag = f"{{{TEI_NS}}}ab"
        rend = head.attrib.pop("rend", None)
        head.set("type", "heading")
        if rend:
            head.set("rend", rend)
