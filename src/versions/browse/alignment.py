"""The alignment table of a document, a row and what its address names, read from the stored alignment."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..anchors import Anchor
from ..collate import STORED_NORMALIZATION, compare, variance
from ..collate import Comparison as CollatedComparison
from ..diff import WordDiff
from ..history import stored_revision_text
from ..normalize import Normalization
from ..segment import split_body
from .documents import (
    ALIGNMENT_TABLES,
    DOCUMENT_TABLES,
    DocumentInfo,
    VersionInfo,
    numbers_label,
    table_names,
    version_slug,
)
from .history import revisions_as_of
from .variance import variance_mark, words_mark

ALIGNMENT_TABLES_READ = (  # + revision_counts
    *DOCUMENT_TABLES, *sorted(ALIGNMENT_TABLES), "paragraphs", "revisions", "corrections", "paragraph_predecessors",
    "facsimiles", "former_rows")
PARAGRAPH_SEPARATOR = "\n\n"  # how the paragraphs of one version in one group are joined (as versions.collate does)



@dataclass(frozen=True)
class ParagraphInfo:
    id: str
    n: int
    line: int | None
    kind: str
    text: str
    changed_revision_id: str | None = None  # the revision whose edit gave it this text under its key (None: as minted)

    @property
    def key(self) -> str:
        """Its stable key (``versions.identity``), the last part of its id."""
        return self.id.rpartition("/")[2]

    @property
    def changed_revision(self) -> int | None:
        """The number of that revision in its version's history."""
        return int(self.changed_revision_id.rpartition("@")[2]) if self.changed_revision_id else None


@dataclass(frozen=True)
class RowLabel:
    """Another row, as a link to it shows it: its number (a label only) and its key (its address)."""

    n: int
    key: str


@dataclass(frozen=True)
class LinkCorrection:
    """A human correction (alignment.yaml) touching a reading: pinned to, or kept apart from, another paragraph."""

    action: str  # pin or forbid
    version: str  # slug of the other paragraph's version
    n: int  # its number there
    note: str | None  # why it applies with a warning


@dataclass
class Reading:
    """What one version says in one row of the alignment table, compared with the base."""

    version: str  # slug
    language: str
    paragraphs: tuple[ParagraphInfo, ...] = ()
    bead: str = ""
    score: float | None = None
    method: str = ""
    moved: bool = False
    is_base: bool = False
    diff: WordDiff | None = None  # against the base, for a version in the base's language
    anchors_missing: tuple[Anchor, ...] = ()  # in the base, not in this version
    anchors_added: tuple[Anchor, ...] = ()  # in this version, not in the base
    anchors_shared: tuple[Anchor, ...] = ()
    moved_after: RowLabel | None = None  # a moved reading: row of the paragraph before it in its own version
    moved_before: RowLabel | None = None  # ... and of the paragraph after it
    corrections: tuple[LinkCorrection, ...] = ()
    untranscribed: bool = False  # a lacuna of a version transcribed in part: not an omission, compared with nothing

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(paragraph.text for paragraph in self.paragraphs)

    @property
    def present(self) -> bool:
        return bool(self.paragraphs)

    @property
    def changed_in(self) -> tuple[int, ...]:
        """The revisions whose edits this reading's paragraphs show, since their keys were made."""
        return tuple(sorted({p.changed_revision for p in self.paragraphs if p.changed_revision}))

    @property
    def numbers(self) -> str:
        """Paragraph numbers in the version: ``7``, ``7–8`` or ``3, 7``."""
        return numbers_label([paragraph.n for paragraph in self.paragraphs])

    @property
    def changed(self) -> bool:
        """Whether this reading differs from the base (in words, or in anchors across languages)."""
        if self.is_base:
            return False
        if self.diff is not None:
            return bool(self.diff.inserted or self.diff.deleted or self.diff.replaced)
        return bool(self.anchors_missing or self.anchors_added)


@dataclass
class Row:
    """One alignment group: ``key`` names it in addresses (``versions.store.rows.row_key``), ``n`` is its number
    along the base, a label that changes when rows are added before it."""

    id: str
    key: str
    n: int
    variance: float
    moved: bool
    versions_present: int
    excerpt: str
    readings: dict[str, Reading] = field(default_factory=dict)  # version slug -> reading, for every transcribed one

    @property
    def variance_bucket(self) -> int:
        """0..10, for colouring; at least 1 for any difference (``variance.variance_mark``)."""
        return variance_mark(self.variance)

    @property
    def changed_words(self) -> int:
        """Words that differ from the base in this row: changed in a word diff, anchors on one side only across two
        languages, every word of a reading the other side lacks."""
        base = next((reading for reading in self.readings.values() if reading.is_base), None)
        return sum(_changed_words(reading, base) for reading in self.readings.values() if not reading.is_base)

    @property
    def words_bucket(self) -> int:
        """0..10, for the height of its bar (``variance.words_mark``)."""
        return words_mark(self.changed_words, self.variance)


def _changed_words(reading: Reading, base: Reading | None) -> int:
    if reading.diff is not None:
        return reading.diff.inserted + reading.diff.deleted + reading.diff.replaced
    if base is None or reading.present == base.present:
        return len(reading.anchors_missing) + len(reading.anchors_added)
    return len((reading.text or base.text).split())


@dataclass
class Alignment:
    document: DocumentInfo
    base: str  # slug of the version the readings are compared with
    normalization: Normalization
    stored: bool  # True when diffs, anchors and variances are the ones stored by the build
    rows: list[Row]

    def row(self, n: int) -> Row | None:
        return next((row for row in self.rows if row.n == n), None)


def load_alignment(
    conn: sqlite3.Connection,
    document: DocumentInfo,
    base: str | None = None,
    normalization: Normalization | None = None,
    row: str | None = None,
    compute: bool = False,
    rows: range | None = None,
    versions: Sequence[str] | None = None,
    at: AsOf | None = None,
) -> Alignment:
    """The alignment table of ``document`` (only its rows numbered in ``rows``, or only the row keyed ``row``) compared
    with ``base``, with a reading of every transcribed version (or of those in ``versions``, the base always among
    them).

    ``base`` must be a transcribed version of the document (default: the stored base); ``normalization`` defaults
    to the one the stored diffs were made with. Rows of another base or normalization (or all rows, with
    ``compute``) are diffed and anchor-checked here instead of read from the stored diffs and anchors, against the
    versions read only, so that the work is bounded by the rows and versions asked for. ``at`` (``as_of``) shows
    each reading's paragraphs as they read at a corpus commit (those that did not exist then are left out).
    """
    base = base or document.base
    stored_normalization = _stored_normalization(conn, document.id)
    normalization = stored_normalization if normalization is None else normalization
    stored = base == document.base and normalization == stored_normalization and not compute and at is None
    shown = [v for v in document.transcribed if versions is None or v.id in versions or v.id == base]
    if base is None or not shown or not ALIGNMENT_TABLES <= table_names(conn):
        return Alignment(document, base or "", normalization, stored, [])
    where, params = "document_id = ?", [document.id]
    if row is not None:
        where, params = where + " and key = ?", [*params, row]
    if rows is not None:
        where, params = where + " and n >= ? and n < ?", [*params, rows.start, rows.stop]
    table_rows = [
        Row(group_id, key, n, variance or 0.0, bool(moved), versions_present or 0, excerpt or "")
        for group_id, key, n, variance, moved, versions_present, excerpt in conn.execute(
            "select id, key, n, variance, moved, versions_present, excerpt from alignment_groups "
            f"where {where} order by n",
            params,
        )
    ]
    by_id = {row.id: row for row in table_rows}
    in_rows = f"group_id in (select id from alignment_groups where {where})"
    if versions is not None:
        keys = [version.key for version in shown]
        in_rows += f" and version_id in ({', '.join('?' * len(keys))})"
        params = [*params, *keys]
    members = _members(conn, f"select * from alignment_members where {in_rows}", params)
    _fill_readings(table_rows, members, shown, base)
    _mark_untranscribed(conn, by_id, in_rows, params)
    base_key = f"{document.id}/{base}"
    if stored:
        _read_comparisons(conn, by_id, in_rows, params, base_key)
    known = {} if stored or compute or at is not None or normalization != stored_normalization else (
        _stored_copy_diffs(conn, in_rows, params, base_key))
    return _finished(conn, Alignment(document, base, normalization, stored, table_rows), at, known)


def _members(conn: sqlite3.Connection, selected: str, params) -> dict[tuple[str, str], dict]:
    """(group id, version slug) -> what the members ``selected`` (rows of alignment_members) say of the reading."""
    members: dict[tuple[str, str], dict] = {}
    for group_id, version_key, bead, score, method, moved, p_id, p_n, p_line, p_kind, p_text, p_changed in conn.execute(
        "select m.group_id, m.version_id, m.bead, m.score, m.method, m.moved, p.id, p.n, p.line, p.kind, p.text, "
        f"p.changed_revision_id from ({selected}) m join paragraphs p on p.id = m.paragraph_id "
        "order by m.group_id, m.version_id, p.n",
        params,
    ):
        member = members.setdefault(
            (group_id, version_slug(version_key)),
            {"bead": bead, "score": score, "method": method, "moved": False, "paragraphs": []},
        )
        member["moved"] = member["moved"] or bool(moved)
        member["paragraphs"].append(ParagraphInfo(p_id, p_n, p_line, p_kind, p_text, p_changed))
    return members


def _fill_readings(rows: list[Row], members: dict[tuple[str, str], dict], shown: list[VersionInfo], base: str) -> None:
    for table_row in rows:
        for version in shown:
            member = members.get((table_row.id, version.id))
            table_row.readings[version.id] = Reading(
                version=version.id,
                language=version.language,
                paragraphs=tuple(member["paragraphs"]) if member else (),
                bead=member["bead"] if member else "",
                score=member["score"] if member else None,
                method=member["method"] if member else "",
                moved=member["moved"] if member else False,
                is_base=version.id == base,
            )


def _finished(
    conn: sqlite3.Connection, alignment: Alignment, at: AsOf | None,
    known: dict[tuple[str, str], WordDiff] | None = None,
) -> Alignment:
    """The rows' readings as of ``at``, compared with the base unless the stored comparisons were read (diffs
    ``known`` from the store taken as they are), their moves located and their corrections marked."""
    rows, document = alignment.rows, alignment.document
    if at is not None:
        _as_of(rows, at)
    if not alignment.stored:
        base_language = document.version(alignment.base).language
        for table_row in rows:
            table_row.variance = _compare_row(
                table_row, alignment.base, base_language, alignment.normalization, known)
    _locate_moves(conn, document, rows)
    _mark_corrections(conn, document, rows)
    return alignment


@dataclass(frozen=True)
class AsOf:
    """The texts of a document's versions as they read at one corpus commit, from the stored revisions."""

    commit: str
    date: str | None
    texts: dict[str, dict[str, str]]  # version slug -> paragraph key -> its text at that commit

    @property
    def short(self) -> str:
        return self.commit[:10]


def latest_commit(conn: sqlite3.Connection, document_id: str) -> str | None:
    """The newest commit that changed one of the document's versions: what a permalink pins."""
    found = conn.execute(
        "select commit_hash from revisions where document_id = ? and commit_hash is not null "
        "order by commit_order is null, commit_order desc, julianday(date) desc, n desc limit 1", [document_id]).fetchone()
    return found[0] if found else None


def as_of(conn: sqlite3.Connection, document_id: str, commit: str) -> AsOf | None:
    """The document's versions as of ``commit`` (a full hash or a prefix of one that changed one of its versions):
    for each version, its newest revision on its first-parent line no later than that commit. None for a commit the
    database does not know. Served from ``revisions`` alone, so it works in a published copy without git."""
    found = conn.execute(
        "select commit_hash, date, commit_order from revisions where document_id = ? and commit_hash like ? || '%' "
        "order by julianday(date) limit 1", [document_id, commit]).fetchone()
    if found is None:
        return None
    full, date, order = found
    texts = {}
    chosen = list(revisions_as_of(conn, document_id, date, order).values())
    for revision_id, version_key, keys in conn.execute(
            f"select id, version_id, paragraph_keys from revisions where id in ({', '.join('?' * len(chosen))})",
            chosen):
        _, paragraphs = split_body(stored_revision_text(conn, revision_id) or "")
        texts[version_slug(version_key)] = dict(zip(json.loads(keys), (p.text for p in paragraphs)))
    return AsOf(full, date, texts)


def _as_of(rows: list[Row], at: AsOf) -> None:
    for row in rows:
        for slug, reading in row.readings.items():
            then = at.texts.get(slug, {})
            reading.paragraphs = tuple(
                dataclasses.replace(p, text=then[p.key], changed_revision_id=None)
                for p in reading.paragraphs if p.key in then
            )


def _mark_corrections(conn: sqlite3.Connection, document: DocumentInfo, rows: list[Row]) -> None:
    """Each reading's pins and forbids, as the build applied them."""
    readings = {p.id: reading for row in rows for reading in row.readings.values() for p in reading.paragraphs}
    if not readings or "corrections" not in table_names(conn):
        return
    ids = list(readings)
    marks: dict[str, list[LinkCorrection]] = {}
    placeholders = ", ".join("?" * len(ids))
    for action, mine, other_version, other_n, note in conn.execute(
        "select c.action, c.paragraph_a_id, o.version_id, o.n, c.note from corrections c "
        f"join paragraphs o on o.id = c.paragraph_b_id where c.paragraph_a_id in ({placeholders}) union all "
        "select c.action, c.paragraph_b_id, o.version_id, o.n, c.note from corrections c "
        f"join paragraphs o on o.id = c.paragraph_a_id where c.paragraph_b_id in ({placeholders}) order by 1, 3, 4",
        [*ids, *ids],
    ):
        marks.setdefault(mine, []).append(LinkCorrection(action, version_slug(other_version), other_n, note))
    for paragraph_id, found in marks.items():
        reading = readings[paragraph_id]
        reading.corrections = (*reading.corrections, *found)


def row_exists(conn: sqlite3.Connection, document_id: str, key: str) -> bool:
    return conn.execute(
        "select 1 from alignment_groups where document_id = ? and key = ?", [document_id, key]).fetchone() is not None


# The paragraphs an address names: those its row holds now, those it held when it split or vanished (former_rows),
# and the paragraph its key is made of (store.rows.row_key), each followed through a merge (paragraph_predecessors).
_HELD = """
    with named(id) as (
        select paragraph_id from alignment_members where group_id = :row
        union select paragraph_id from former_rows where row_id = :row
        union select :own
    )
    select coalesce((select paragraph_id from paragraph_predecessors where id = named.id), named.id) from named
"""


def row_successors(conn: sqlite3.Connection, document: DocumentInfo, key: str) -> list[RowLabel]:
    """The rows now holding what the row at ``key`` (``versions.store.rows.row_key``) holds or held, along the base:
    that row alone, or the row its paragraphs joined, or several when it split; none when all of it is gone."""
    return [
        RowLabel(n, found)
        for n, found in conn.execute(
            "select distinct g.n, g.key from alignment_members m join alignment_groups g on g.id = m.group_id "
            f"where m.paragraph_id in ({_HELD}) order by g.n",
            _named(document, key),
        )
    ]


def load_split_row(
    conn: sqlite3.Connection, document: DocumentInfo, key: str, successors: Sequence[RowLabel],
    base: str | None = None, versions: Sequence[str] | None = None, at: AsOf | None = None,
) -> Alignment:
    """A row that split (``row_successors`` gives several) as its address showed it: one row whose reading of each
    version joins the paragraphs it held, wherever they stand now, compared with ``base`` afresh. It bears the
    number of its first successor and links to that row's data."""
    base = base or document.base
    shown = [v for v in document.transcribed if versions is None or v.id in versions or v.id == base]
    named = _named(document, key)
    members = _members(conn, f"select * from alignment_members where paragraph_id in ({_HELD})", named)
    row = Row(f"{document.id}/{successors[0].key}", key, successors[0].n, 0.0, False, 0, "")
    joined: dict[tuple[str, str], dict] = {}
    for (_, slug), member in members.items():
        kept = joined.setdefault((row.id, slug), {**member, "paragraphs": []})
        kept["paragraphs"] = sorted([*kept["paragraphs"], *member["paragraphs"]], key=lambda p: p.n)
        kept["moved"] = kept["moved"] or member["moved"]
    _fill_readings([row], joined, shown, base)
    row.versions_present = sum(reading.present for reading in row.readings.values())
    return _finished(conn, Alignment(document, base, _stored_normalization(conn, document.id), False, [row]), at)


def _named(document: DocumentInfo, key: str) -> dict[str, str]:
    version, _, paragraph = key.rpartition(".")
    return {"row": f"{document.id}/{key}", "own": f"{document.id}/{version or document.base}/{paragraph}"}


def row_at(conn: sqlite3.Connection, document_id: str, n: int) -> str | None:
    """The key of the row numbered ``n`` now (a number is a label: the row it names changes as rows are added)."""
    found = conn.execute(
        "select key from alignment_groups where document_id = ? and n = ?", [document_id, n]).fetchone()
    return found[0] if found else None


def neighbours(conn: sqlite3.Connection, document_id: str, n: int) -> tuple[RowLabel | None, RowLabel | None]:
    """The rows before and after row ``n``."""
    labels = {
        number: RowLabel(number, key)
        for number, key in conn.execute(
            "select n, key from alignment_groups where document_id = ? and n in (?, ?)", [document_id, n - 1, n + 1])
    }
    return labels.get(n - 1), labels.get(n + 1)


def _stored_normalization(conn: sqlite3.Connection, document_id: str) -> Normalization:
    row = None
    if "diffs" in table_names(conn):
        row = conn.execute("select normalization from diffs where document_id = ? limit 1", [document_id]).fetchone()
    if row is None:
        return STORED_NORMALIZATION
    try:
        return Normalization.from_names(json.loads(row[0]))
    except (ValueError, TypeError):
        return STORED_NORMALIZATION


_DIFF_COLUMNS = "group_id, base_version_id, version_id, ops, muted, similarity, inserted, deleted, replaced, normalization"


def _stored_diffs(conn: sqlite3.Connection, where: str, params: list) -> Iterator[tuple[str, str, str, WordDiff]]:
    """(group id, key of the version diffed against, key of the version diffed, the diff) of the diffs ``where``."""
    for group_id, against, version_key, ops, muted, similarity, inserted, deleted, replaced, normalization in (
        conn.execute(f"select {_DIFF_COLUMNS} from diffs where {where}", params)
    ):
        yield group_id, against, version_key, WordDiff.from_json({
            "ops": json.loads(ops), "muted": json.loads(muted), "similarity": similarity, "inserted": inserted,
            "deleted": deleted, "replaced": replaced, "normalization": json.loads(normalization),
        })


def _stored_copy_diffs(
    conn: sqlite3.Connection, in_rows: str, params: list, base_key: str
) -> dict[tuple[str, str], WordDiff]:
    """The stored diffs of these rows between ``base_key`` and another version (copies of one text), each read
    from that base: (group id, version slug) -> diff."""
    found = {}
    for group_id, against, version_key, diff in _stored_diffs(
        conn, f"{in_rows} and ? in (base_version_id, version_id)", [*params, base_key]
    ):
        if against == base_key:
            found[(group_id, version_slug(version_key))] = diff
        else:
            found[(group_id, version_slug(against))] = diff.reversed()
    return found


def _read_comparisons(conn: sqlite3.Connection, rows: dict[str, Row], where: str, params: list, base_key: str) -> None:
    for group_id, _, version_key, diff in _stored_diffs(conn, f"{where} and base_version_id = ?", [*params, base_key]):
        reading = rows[group_id].readings.get(version_slug(version_key)) if group_id in rows else None
        if reading is not None:
            reading.diff = diff
    sides: dict[tuple[str, str], dict[str, list[Anchor]]] = {}
    for group_id, version_key, kind, value, side in conn.execute(
        f"select group_id, version_id, kind, value, side from anchors where {where} order by kind, value", params
    ):
        sides.setdefault((group_id, version_slug(version_key)), {}).setdefault(side, []).append(Anchor(kind, value))
    for (group_id, slug), found in sides.items():
        reading = rows[group_id].readings.get(slug) if group_id in rows else None
        if reading is not None:
            reading.anchors_shared = tuple(found.get("both", ()))
            reading.anchors_missing = tuple(found.get("base-only", ()))
            reading.anchors_added = tuple(found.get("version-only", ()))


def _mark_untranscribed(conn: sqlite3.Connection, rows: dict[str, Row], in_rows: str, params: list) -> None:
    """Mark the readings of rows that a version transcribed in part has not transcribed (the table ``untranscribed``)."""
    if "untranscribed" not in table_names(conn):
        return
    for group_id, version_key in conn.execute(f"select group_id, version_id from untranscribed where {in_rows}", params):
        reading = rows[group_id].readings.get(version_slug(version_key)) if group_id in rows else None
        if reading is not None:
            reading.untranscribed = True


def _compare_row(
    row: Row, base: str, base_language: str, normalization: Normalization,
    known: dict[tuple[str, str], WordDiff] | None = None,
) -> float:
    """Diff or anchor-check every reading against the base reading (a diff ``known`` from the store is taken as it
    is); the row's variance (as versions.collate)."""
    base_text = row.readings[base].text
    dissimilarities = []
    for slug, reading in row.readings.items():
        if slug == base or not (reading.text or base_text) or reading.untranscribed:
            continue
        stored = (known or {}).get((row.id, slug))
        comparison = CollatedComparison(base_text, reading.text, stored) if stored is not None else compare(
            base_text, reading.text, base_language, reading.language, normalization)
        reading.diff = comparison.diff
        reading.anchors_shared, reading.anchors_missing, reading.anchors_added = anchors_by_side(comparison)
        dissimilarities.append(comparison.dissimilarity if reading.text and base_text else 1.0)
    return variance(dissimilarities)


def anchors_by_side(comparison: CollatedComparison) -> tuple[tuple[Anchor, ...], ...]:
    """Anchors of A found in B, of A missing from B, and of B missing from A."""
    return tuple(tuple(c.anchor for c in comparison.anchors if c.side == side) for side in ("both", "a-only", "b-only"))


def _locate_moves(conn: sqlite3.Connection, document: DocumentInfo, rows: list[Row]) -> None:
    """For each moved reading, the rows holding the paragraphs just before and after it in its own version."""
    wanted: dict[tuple[str, int], list[tuple[Reading, str]]] = {}
    for row in rows:
        for reading in row.readings.values():
            if reading.moved and reading.paragraphs:
                key = f"{document.id}/{reading.version}"
                wanted.setdefault((key, reading.paragraphs[0].n - 1), []).append((reading, "moved_after"))
                wanted.setdefault((key, reading.paragraphs[-1].n + 1), []).append((reading, "moved_before"))
    if not wanted:
        return
    versions = sorted({version for version, _ in wanted})
    numbers = sorted({n for _, n in wanted})
    for version_key, paragraph_n, n, key in conn.execute(
        "select p.version_id, p.n, g.n, g.key from paragraphs p join alignment_members m on m.paragraph_id = p.id "
        f"join alignment_groups g on g.id = m.group_id where p.version_id in ({', '.join('?' * len(versions))}) "
        f"and p.n in ({', '.join('?' * len(numbers))})",
        [*versions, *numbers],
    ):
        for reading, attribute in wanted.get((version_key, paragraph_n), ()):
            setattr(reading, attribute, RowLabel(n, key))
