"""N versions: each aligned to the base and merged into one table; human corrections applied."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Collection, Iterable, Mapping, Sequence

from ..corpus import parse_paragraph_ref, same_version_problem
from .beads import Bead
from .pairwise import align
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
    # the raw pairwise links per other version (base against it), as ``align`` returned them: the next Previous
    pair_beads: Mapping[str, tuple[Bead, ...]] = field(default_factory=dict)

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
    partial: Mapping[str, Collection[int] | None] | None = None,
) -> AlignmentTable:
    """Align every version to the base and merge the results into one table.

    Corrections between the base and another version constrain that alignment; corrections between two other
    versions are applied to the merged table afterwards. ``previous`` holds, per other version, the earlier
    alignment of the base with it (see ``align``): only the neighbourhoods of their changes are searched again.

    ``partial`` names the versions transcribed in part, each with the base paragraphs it covers (None when it names
    sheets only): they are aligned as partial copies, and the rows they have not transcribed are marked so
    (``Member.untranscribed``).
    """
    if base_id not in texts:
        raise ValueError(f"the base version {base_id!r} is not among the versions")
    corrections = list(corrections)
    _check_corrections(corrections, texts)
    others = [version for version in texts if version != base_id]
    beads = {
        version: align(
            texts[base_id],
            texts[version],
            languages.get(base_id),
            languages.get(version),
            pinned=_pairs(corrections, "pin", base_id, version),
            forbidden=_pairs(corrections, "forbid", base_id, version),
            previous=(previous or {}).get(version),
            partial=version in (partial or {}),
            within=(partial or {}).get(version),
        )
        for version in others
    }
    groups = _base_groups(base_id, others, len(texts[base_id]), beads)
    table = AlignmentTable(base_id, [base_id, *others], groups, {version: tuple(beads[version]) for version in others})
    for version in others:
        _place_insertions(table, version, [bead for bead in beads[version] if not bead.a])
    for correction in corrections:
        if base_id not in (correction.first[0], correction.second[0]):
            _apply_correction(table, correction)
    for version, covered in (partial or {}).items():
        if version in others:
            _mark_untranscribed(table, version, covered)
    return table


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


def _base_groups(base_id: str, others: list[str], size: int, beads: dict[str, list[Bead]]) -> list[Group]:
    """One group per run of base paragraphs that some version's bead holds together."""
    joined_to_next = [False] * size
    for version in others:
        for bead in beads[version]:
            for k in range(min(bead.a, default=0), max(bead.a, default=0)):
                joined_to_next[k] = True
    runs, start = [], 0
    for k in range(size):
        if not joined_to_next[k]:
            runs.append(tuple(range(start, k + 1)))
            start = k + 1
    bead_of = {version: {i: bead for bead in beads[version] for i in bead.a} for version in others}
    groups = []
    for run in runs:
        members = {base_id: Member(run, "base", 1.0, "base")}
        for version in others:
            in_run = list({id(bead): bead for bead in (bead_of[version][i] for i in run)}.values())
            members[version] = _member(run, in_run)
        groups.append(Group(members))
    return groups


def _member(base_paragraphs: tuple[int, ...], beads: list[Bead]) -> Member:
    paragraphs = tuple(sorted(j for bead in beads for j in bead.b))
    weight = sum(len(bead.a) for bead in beads)
    methods = sorted({bead.method for bead in beads})
    return Member(
        paragraphs,
        f"{len(base_paragraphs)}-{len(paragraphs)}",
        sum(bead.score * len(bead.a) for bead in beads) / weight if weight else 0.0,
        "+".join(methods),
        any(bead.moved for bead in beads),
    )


def _place_insertions(table: AlignmentTable, version: str, insertions: list[Bead]) -> None:
    """Give each paragraph found only in this version a group of its own, right after its predecessor's group (past
    the groups of other versions' insertions that follow it). One pass over the table, however many insertions."""
    holder = {paragraph: group for group in table.groups for paragraph in group.paragraphs(version)}
    following: dict[int | None, Group] = {}  # id of the predecessor's group (None: the start) -> the new group
    for bead in sorted(insertions, key=lambda bead: bead.b):
        paragraph = bead.b[0]
        predecessor = holder.get(paragraph - 1) if paragraph > 0 else None
        group = holder[paragraph] = _lone_group(table, version, Member((paragraph,), "0-1", 0.0, bead.method))
        following[None if predecessor is None else id(predecessor)] = group
    if not following:
        return
    groups, waiting = [], following.get(None)
    for group in table.groups:
        if waiting is not None and not _is_insertion_of_another(table, group, version):
            groups += _chain(waiting, following)
            waiting = None
        groups.append(group)
        waiting = following.get(id(group), waiting)
    if waiting is not None:
        groups += _chain(waiting, following)
    table.groups[:] = groups


def _chain(group: Group, following: dict[int | None, Group]) -> list[Group]:
    """The new group and those that follow it in turn (paragraphs found only in this version, one after another)."""
    chain = [group]
    while id(chain[-1]) in following:
        chain.append(following[id(chain[-1])])
    return chain


def _is_insertion_of_another(table: AlignmentTable, group: Group, version: str) -> bool:
    return not group.paragraphs(table.base) and not group.paragraphs(version)


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
        group.members[version_b] = Member(paragraphs, bead, 1.0, "pinned", moved)
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
