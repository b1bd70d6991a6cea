"""Plain-text views for the terminal: two aligned texts, a document's alignment table, compared groups."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from .align import Bead
from .browse import change_place, numbers_label
from .collate import AnchorCheck, Collation, Comparison, group_text
from .diff import render_side_by_side, render_text
from .history import DocumentPoints, RevisionDiff, VersionHistory
from .segment import Paragraph

_GAP = " │ "
_MIN_COLUMN = 12
_ANCHOR_SIDES = {"both": "in both", "a-only": "only in A", "b-only": "only in B"}


def link_label(bead: Bead) -> str:
    """A link between paragraphs of A and B as people count them, from 1: ``8 ↔ 2``, ``3–4 ↔ 3``, ``5 ↔ —``.
    (The beads format, ``--format beads``, is the one place that counts from 0.)"""
    a, b = (numbers_label([i + 1 for i in side]) or "—" for side in (bead.a, bead.b))
    return f"{a} ↔ {b}" + (" moved" if bead.moved else "")


def bead_table(beads: Sequence[Bead], a: Sequence[Paragraph], b: Sequence[Paragraph], names, width: int) -> str:
    """Two aligned texts side by side, one row per link."""
    label_width = max([len(link_label(bead)) for bead in beads] + [4])
    header = ["link", *names]
    rows = [[link_label(bead), _cell(a, bead.a), _cell(b, bead.b)] for bead in beads]
    return _table(header, rows, width, first_width=label_width)


def alignment_table(collation: Collation, width: int) -> str:
    """A document's alignment table: one row per group, one column per version (the base first)."""
    document = collation.document
    versions = [document.version(v) for v in collation.table.versions]
    header = ["row", *[v.id for v in versions]]
    rows = []
    for index, group in enumerate(collation.table.groups):
        cells = [_group_cell(v, group.paragraphs(v.id)) for v in versions]
        rows.append([str(index + 1), *cells])
    return _table(header, rows, width, first_width=max(len(header[0]), len(str(len(rows)))))


def differs(comparison: Comparison) -> bool:
    """Worth showing: a diff with any change (muted ones included), or anchors not found on both sides."""
    if comparison.diff is None:
        return any(check.side != "both" for check in comparison.anchors)
    return any(op != 0 for op, _ in comparison.diff.ops)


def comparison_text(bead: Bead, comparison: Comparison, color: bool, side_by_side: bool, width: int) -> str:
    heading = "¶ " + link_label(bead)
    if comparison.diff is None:
        lines = [_anchor_line(check) for check in comparison.anchors]
        return "\n".join([f"{heading} (languages differ: anchors)", *lines]) + "\n"
    if side_by_side:
        body = render_side_by_side(comparison.diff, width=width, color=color)
    else:
        body = render_text(comparison.diff, color)
    dropped = "".join(_anchor_line(check) + "\n" for check in comparison.anchors if check.side != "both")
    return f"{heading} similarity {comparison.diff.similarity:.2f}\n{body}\n{dropped}"


def _anchor_line(check: AnchorCheck) -> str:
    return f"  {check.anchor.kind} {check.anchor.value}: {_ANCHOR_SIDES[check.side]}"


def _cell(segments: Sequence[Paragraph], indices: tuple[int, ...]) -> str:
    return " ¶ ".join(segments[i].text for i in indices) if indices else "—"


def _group_cell(version, paragraphs: tuple[int, ...]) -> str:
    if not paragraphs:
        return "—"
    numbers = numbers_label([i + 1 for i in paragraphs])
    return f"{numbers}: {group_text(version, paragraphs)}"


def _table(header: list[str], rows: list[list[str]], width: int, first_width: int) -> str:
    columns = len(header) - 1
    column_width = max(_MIN_COLUMN, (width - first_width - len(_GAP) * columns) // max(columns, 1))
    widths = [first_width] + [column_width] * columns
    lines = [_row(header, widths), "─" * (sum(widths) + len(_GAP) * columns)]
    for row in rows:
        lines.extend(_row(row, widths, wrap_lines=3).splitlines())
    return "\n".join(lines)


def _row(cells: list[str], widths: list[int], wrap_lines: int = 1) -> str:
    wrapped = [
        textwrap.wrap(" ".join(cell.split()), width, max_lines=wrap_lines, placeholder=" …") or [""]
        for cell, width in zip(cells, widths)
    ]
    height = max(len(lines) for lines in wrapped)
    return "\n".join(
        _GAP.join(
            (lines[i] if i < len(lines) else "").ljust(width) for lines, width in zip(wrapped, widths)
        ).rstrip()
        for i in range(height)
    )


def history_text(history: VersionHistory) -> str:
    """The revisions of a version, newest first, one line each (``versions log``)."""
    count = len(history.revisions)
    where = f" (shallow clone of {history.repository})" if history.shallow else ""
    lines = [f"{history.key}: {count} revision{'' if count == 1 else 's'}{where}"]
    for revision in reversed(history.revisions):
        diff = history.diff_of(revision)
        date = (revision.date or "")[:16].replace("T", " ")
        changes = diff.summary() if diff else "changes not known"
        subject = f"  {revision.subject}" if revision.subject else ""
        lines.append(
            f"  @{revision.n:<3} {revision.short:<12} {date:<16}  {(revision.author or '-'):<20}  {changes}{subject}"
        )
        if revision.note:
            lines.append(f"        note: {revision.note}")
    return "\n".join(lines)


def revision_comparison_text(diff: RevisionDiff, color: bool) -> str:
    """Two revisions of a version compared (``versions log --compare``): what changed, then each changed paragraph's
    word diff."""
    old, new = diff.previous, diff.revision
    since = f"@{old.n} ({old.short})" if old else "nothing"
    lines = [f"{new.document_id}/{new.version_id} {since} → @{new.n} ({new.short}): {diff.summary()}"]
    for change in diff.changes:
        lines += ["", f"{change_place(change.old, change.new)} {change.kind}", render_text(change.diff, color)]
    return "\n".join(lines)


def document_points_text(points: DocumentPoints, color: bool) -> str:
    """A document at two commits (``versions log DOC --compare``): its own files' fields, then each version that
    changed as ``revision_comparison_text`` shows it."""
    lines = [f"{points.document_id}: {points.old[:10]} → {points.new[:10]}"]
    for name, fields in points.files.items():
        lines.append(f"{name}: " + "; ".join(change.describe() for change in fields))
    for version, diff in points.versions.items():
        lines += ["", revision_comparison_text(diff, color) if diff else f"{points.document_id}/{version}: "
                  f"not yet committed at {points.new[:10]}"]
    if len(lines) == 1:
        lines.append("nothing of the document changed")
    return "\n".join(lines)
