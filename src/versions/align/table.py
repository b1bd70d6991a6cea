"""N versions: aligned pair by pair along their guide tree and composed into one table; human corrections applied."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Callable, Collection, Iterable, Mapping, Sequence

from ..corpus import parse_paragraph_ref, same_version_problem
from .beads import Bead
from .guide import guide_tree
from .pairwise import align, may_use_vectors
from .reuse import Previous


@dataclass(frozen=True)
class Correction:
    """A human correction (alignment.yaml): ``pin`` two paragraphs into one group, or ``forbid`` that they share one.

    Paragraphs are (version id, 0-based index); :meth:`from_refs` reads the file's ``<version>/<n>`` (n from 1).
    """

    action: str  # "pin" or "forbid"
    first: tuple[str, int]
    second: tuple[str, int]

    def __post_init__(self):
        if self.action not in ("pin", "forbid"):
            raise ValueError(f"a correction is 'pin' or 'forbid', not {self.action!r}")
        if reason := same_version_problem(self.first[0], self.second[0]):
            raise ValueError(reason)

    @classmethod
    def from_refs(cls, action: str, first: str, second: str) -> Correction:
        return cls(action, _paragraph_ref(first), _paragraph_ref(second))

    def between(self, version_a: str, version_b: str) -> tuple[int, int] | None:
        """The (paragraph of version_a, paragraph of version_b) this correction names, if it links those two."""
        if (self.first[0], self.second[0]) == (version_a, version_b):
            return self.first[1], self.second[1]
        if (self.second[0], self.first[0]) == (version_a, version_b):
            return self.second[1], self.first[1]
        return None


def _paragraph_ref(ref: str) -> tuple[str, int]:
    parsed = parse_paragraph_ref(str(ref))
    if parsed is None or parsed[1] < 1:
        raise ValueError(f"a paragraph reference is <version>/<n> with n from 1, not {ref!r}")
    return parsed[0], parsed[1] - 1


def corrections_from_mapping(data: Mapping | None) -> list[Correction]:
    """The corrections of a parsed alignment.yaml: ``{pin: [[ref, ref], ...], forbid: [[ref, ref], ...]}``."""
    corrections = []
    for action in ("pin", "forbid"):
        for pair in (data or {}).get(action) or []:
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise ValueError(f"each {action} entry is a pair of paragraph references, not {pair!r}")
            corrections.append(Correction.from_refs(action, *pair))
    return corrections


@dataclass(frozen=True)
class Member:
    """What one version contributes to one group of the table."""

    paragraphs: tuple[int, ...]  # 0-based; empty when the version has nothing here
    bead: str  # "2-1": paragraphs of the base : of this version in the group; "base" for the base itself
    score: float
    method: str
    moved: bool = False
    via: str = ""  # the version this one was aligned with (its parent in the guide tree, or a pin's other side)
    # the version is transcribed in part and has not transcribed this row: a lacuna, not an omission (no paragraphs)
    untranscribed: bool = False


@dataclass
class Group:
    """One row of the alignment table: the paragraphs of every version that say the same thing."""

    members: dict[str, Member]

    def paragraphs(self, version: str) -> tuple[int, ...]:
        member = self.members.get(version)
        return member.paragraphs if member else ()

    def is_empty(self) -> bool:
        return not any(member.paragraphs for member in self.members.values())


@dataclass
class AlignmentTable:
    base: str
    versions: list[str]  # the base first
    groups: list[Group]  # ordered along the base; paragraphs found only in another version follow their predecessor
    # the raw pairwise links per other version (its parent against it), as ``align`` returned them: the next Previous
    pair_beads: Mapping[str, tuple[Bead, ...]] = field(default_factory=dict)
    # the guide tree: the version each other version was aligned with (``guide.guide_tree``)
    parents: Mapping[str, str] = field(default_factory=dict)

    def rows(self) -> list[dict[str, tuple[int, ...]]]:
        return [{version: group.paragraphs(version) for version in self.versions} for group in self.groups]

    def group_of(self, version: str, paragraph: int) -> int | None:
        """Index of the group holding that paragraph of that version."""
        return next((k for k, group in enumerate(self.groups) if paragraph in group.paragraphs(version)), None)

    def to_dict(self) -> dict:
        """Plain data for JSON: base, versions and, per group, each version's paragraphs, bead, score, method, moved."""
        return {
            "base": self.base,
            "versions": list(self.versions),
            "groups": [
                {version: {**asdict(member), "paragraphs": list(member.paragraphs)} for version, member in members}
                for members in (group.members.items() for group in self.groups)
            ],
        }


def align_versions(
    base_id: str,
    texts: Mapping[str, Sequence[str]],
    languages: Mapping[str, str],
    corrections: Iterable[Correction] = (),
    previous: Mapping[str, Previous] | None = None,
    derivations: Mapping[str, Sequence[str]] | None = None,
    partial: Mapping[str, Collection[int] | None] | None = None,
    vectors_done: Callable[[], None] | None = None,
) -> AlignmentTable:
    """Align the versions along their guide tree (``guide.guide_tree``: copies of one text with each other in their
    own language, translations with their source) and compose one table from those pairwise alignments.

    Each version is aligned with its parent in the tree, and its paragraphs join the rows of the parent's paragraphs
    they are linked to, in the order the versions join the tree; the rows stay ordered along the base. Corrections
    between a version and its parent constrain that alignment; the others are applied to the composed table
    afterwards. ``previous`` holds, per version, the earlier alignment of its parent with it (see ``align``): only
    the neighbourhoods of their changes are searched again. ``derivations``: per version, those it is derived from.

    ``partial`` names the versions transcribed in part, each with the base paragraphs it covers (None when it names
    sheets only): they are aligned as partial copies (limited to those paragraphs when aligned with the base itself),
    and the rows they have not transcribed are marked so (``Member.untranscribed``).

    ``vectors_done`` is called once every pair that may ask for sentence vectors (those across languages, aligned
    first) is aligned: a long document lets go of the model there, before its other pairs add to what it holds.
    """
    if base_id not in texts:
        raise ValueError(f"the base version {base_id!r} is not among the versions")
    corrections = list(corrections)
    _check_corrections(corrections, texts)
    parents = guide_tree(base_id, list(texts), languages, derivations, partial=set(partial or ()))

    def aligned(version: str) -> list[Bead]:
        parent = parents[version]
        return align(
            texts[parent],
            texts[version],
            languages.get(parent),
            languages.get(version),
            pinned=_pairs(corrections, "pin", parent, version),
            forbidden=_pairs(corrections, "forbid", parent, version),
            previous=(previous or {}).get(version),
            partial=version in (partial or {}),
            within=(partial or {}).get(version) if parent == base_id else None,
        )

    # the pairs that may ask for sentence vectors first, so that the model may be let go before the others
    across = [v for v in parents if may_use_vectors(texts[parents[v]], texts[v], languages.get(parents[v]),
                                                    languages.get(v))]
    beads = {version: aligned(version) for version in across}
    if vectors_done is not None:
        vectors_done()
    beads |= {version: aligned(version) for version in parents if version not in beads}
    versions = [base_id, *(version for version in texts if version != base_id)]
    rows = _composed_rows(base_id, len(texts[base_id]), parents, beads)
    groups = [_group(base_id, versions, parents, row) for row in rows]
    table = AlignmentTable(base_id, versions, groups, {v: tuple(beads[v]) for v in parents}, dict(parents))
    for correction in corrections:
        if not _on_tree(correction, parents):
            _apply_correction(table, correction)
    for version, covered in (partial or {}).items():
        if version in parents:
            _mark_untranscribed(table, version, covered)
    return table


def _on_tree(correction: Correction, parents: Mapping[str, str]) -> bool:
    """Whether the correction links a version with its parent (and so constrained their alignment)."""
    first, second = correction.first[0], correction.second[0]
    return parents.get(first) == second or parents.get(second) == first


def _mark_untranscribed(table: AlignmentTable, version: str, covered: Collection[int] | None) -> None:
    """Mark the rows a partial version has no paragraph in and does not cover: all of them when it names no
    paragraphs of the base; else those whose base paragraphs it does not cover, and the rows found only in other
    versions that follow one of those."""
    covered = None if covered is None else set(covered)
    outside = False  # whether the last row with base paragraphs lies outside what the version covers
    for group in table.groups:
        base_paragraphs = group.paragraphs(table.base)
        if base_paragraphs:
            outside = covered is not None and not covered.intersection(base_paragraphs)
        member = group.members.get(version)
        if member is not None and not member.paragraphs and (covered is None or outside):
            group.members[version] = replace(member, untranscribed=True)


def _check_corrections(corrections: list[Correction], texts: Mapping[str, Sequence[str]]) -> None:
    for correction in corrections:
        for version, paragraph in (correction.first, correction.second):
            if version not in texts:
                raise ValueError(f"{correction.action} names an unknown version {version!r}")
            if not 0 <= paragraph < len(texts[version]):
                raise ValueError(f"{correction.action} names {version}/{paragraph + 1}, which does not exist")


def _pairs(corrections: list[Correction], action: str, version_a: str, version_b: str) -> list[tuple[int, int]]:
    pairs = (c.between(version_a, version_b) for c in corrections if c.action == action)
    return [pair for pair in pairs if pair is not None]


@dataclass(eq=False)
class _Row:
    """A row while the table is composed: each version's paragraphs in it and the beads that brought them."""

    paragraphs: dict[str, list[int]] = field(default_factory=dict)
    beads: dict[str, list[Bead]] = field(default_factory=dict)
    merged: bool = False  # joined into another row

    def add(self, version: str, bead: Bead) -> None:
        self.paragraphs.setdefault(version, []).extend(bead.b)
        self.beads.setdefault(version, []).append(bead)

    def take(self, other: _Row) -> None:
        for version, paragraphs in other.paragraphs.items():
            self.paragraphs.setdefault(version, []).extend(paragraphs)
        for version, beads in other.beads.items():
            self.beads.setdefault(version, []).extend(beads)
        other.merged = True


def _composed_rows(
    base_id: str, size: int, parents: Mapping[str, str], beads: Mapping[str, list[Bead]]
) -> list[_Row]:
    """The rows of the table, version after version in the order they joined the guide tree.

    A bead joins the version's paragraphs to the row of its parent's paragraphs, merging their rows when it holds
    several of them (a 2-1 bead); a paragraph of the version alone gets a row of its own after its predecessor's."""
    rows = [_Row({base_id: [k]}) for k in range(size)]
    holder = {(base_id, k): row for k, row in enumerate(rows)}
    for version, parent in parents.items():
        insertions = []
        for bead in beads[version]:
            if not bead.a:
                insertions.append(bead)
                continue
            row = holder[(parent, bead.a[0])]
            for other in {id(r): r for r in (holder[(parent, i)] for i in bead.a[1:])}.values():
                if other is not row and not other.merged:
                    row.take(other)
                    holder.update({(v, p): row for v, ps in other.paragraphs.items() for p in ps})
            row.add(version, bead)
            holder.update({(version, j): row for j in bead.b})
        rows = [row for row in rows if not row.merged]
        if insertions:
            rows = _with_insertions(rows, holder, base_id, version, insertions)
    return rows


def _with_insertions(
    rows: list[_Row], holder: dict[tuple[str, int], _Row], base_id: str, version: str, insertions: list[Bead]
) -> list[_Row]:
    """Give each paragraph found only in this version a row of its own, right after its predecessor's row (past the
    rows of other versions' insertions that follow it). One pass over the table, however many insertions."""
    following: dict[int | None, _Row] = {}  # id of the predecessor's row (None: the start) -> the new row
    for bead in sorted(insertions, key=lambda bead: bead.b):
        paragraph = bead.b[0]
        predecessor = holder.get((version, paragraph - 1)) if paragraph > 0 else None
        row = _Row()
        row.add(version, bead)
        holder[(version, paragraph)] = row
        following[None if predecessor is None else id(predecessor)] = row
    placed, waiting = [], following.get(None)
    for row in rows:
        if waiting is not None and (row.paragraphs.get(base_id) or row.paragraphs.get(version)):
            placed += _chain(waiting, following)
            waiting = None
        placed.append(row)
        waiting = following.get(id(row), waiting)
    if waiting is not None:
        placed += _chain(waiting, following)
    return placed


def _chain(row: _Row, following: dict[int | None, _Row]) -> list[_Row]:
    """The new row and those that follow it in turn (paragraphs found only in this version, one after another)."""
    chain = [row]
    while id(chain[-1]) in following:
        chain.append(following[id(chain[-1])])
    return chain


def _group(base_id: str, versions: list[str], parents: Mapping[str, str], row: _Row) -> Group:
    base_paragraphs = tuple(sorted(row.paragraphs.get(base_id, ())))
    members = {
        base_id: Member(base_paragraphs, "base", 1.0, "base") if base_paragraphs else Member((), "base", 0.0, "")
    }
    for version in versions[1:]:
        members[version] = _member(
            len(base_paragraphs), row.paragraphs.get(version, []), row.beads.get(version, []), parents[version])
    return Group(members)


def _member(base_count: int, paragraphs: list[int], beads: list[Bead], parent: str) -> Member:
    """A version's part of a row: ``bead`` counts the paragraphs of the base and of the version in it; the score
    and method are those of the links to its parent that brought them, weighted by the parent's paragraphs."""
    if not paragraphs and not beads:
        return Member((), f"{base_count}-0" if base_count else "", 0.0, "")
    weight = sum(len(bead.a) for bead in beads)
    return Member(
        tuple(sorted(paragraphs)),
        f"{base_count}-{len(paragraphs)}",
        sum(bead.score * len(bead.a) for bead in beads) / weight if weight else 0.0,
        "+".join(sorted({bead.method for bead in beads})),
        any(bead.moved for bead in beads),
        parent,
    )


def _lone_group(table: AlignmentTable, version: str, member: Member) -> Group:
    members = {other: Member((), "base" if other == table.base else "", 0.0, "") for other in table.versions}
    members[version] = member
    return Group(members)


def _apply_correction(table: AlignmentTable, correction: Correction) -> None:
    (version_a, paragraph_a), (version_b, paragraph_b) = correction.first, correction.second
    home, away = table.group_of(version_a, paragraph_a), table.group_of(version_b, paragraph_b)
    if correction.action == "pin" and home != away:
        _take_out(table, table.groups[away], version_b, paragraph_b)
        group = table.groups[table.group_of(version_a, paragraph_a)]
        paragraphs = tuple(sorted(group.paragraphs(version_b) + (paragraph_b,)))
        bead = f"{len(group.paragraphs(table.base))}-{len(paragraphs)}"
        moved = _out_of_order(table, version_b, group, paragraphs)
        group.members[version_b] = Member(paragraphs, bead, 1.0, "pinned", moved, version_a)
    elif correction.action == "forbid" and home == away:
        _take_out(table, table.groups[away], version_b, paragraph_b)
        lone = _lone_group(table, version_b, Member((paragraph_b,), "0-1", 0.0, "pinned"))
        table.groups.insert(table.group_of(version_a, paragraph_a) + 1, lone)


def _take_out(table: AlignmentTable, group: Group, version: str, paragraph: int) -> None:
    member = group.members[version]
    rest = tuple(p for p in member.paragraphs if p != paragraph)
    base_count = len(group.paragraphs(table.base))
    group.members[version] = replace(member, paragraphs=rest, bead=f"{base_count}-{len(rest)}" if base_count else "")
    if group.is_empty():
        table.groups.remove(group)


def _out_of_order(table: AlignmentTable, version: str, group: Group, own: tuple[int, ...]) -> bool:
    """Whether paragraphs own of version, placed in group, break that version's order along the table."""
    position = table.groups.index(group)
    before = [p for g in table.groups[:position] for p in g.paragraphs(version)]
    after = [p for g in table.groups[position + 1 :] for p in g.paragraphs(version)]
    return bool(before and max(before) > min(own)) or bool(after and min(after) < max(own))
