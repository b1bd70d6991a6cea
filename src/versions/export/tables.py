"""Export of a document's alignment table as CollateX alignment-table JSON and as CSV.

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

from ..collate import Collation, group_text
from ..corpus import Document

_TOKEN = re.compile(r"\w+\s*|[^\w\s]+\s*|\s+")


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
