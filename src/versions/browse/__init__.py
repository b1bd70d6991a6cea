"""Reading the built database for people: the queries behind the web pages and the terminal views.

Functions take a plain ``sqlite3.Connection`` so that Datasette (``execute_fn``) and the CLI share them. Nothing here
knows about HTTP or HTML: pages get dataclasses holding texts, stored or freshly computed ``WordDiff`` objects and
anchor checks, and render them themselves.

Each page is served by a handful of set-based queries (one per table involved, filtered by document or by group),
never by one query per row. Whatever may grow without bound (documents, rows, versions, search hits, revisions,
archival references) is read a part at a time (``rows=``, ``versions=``, ``offset``/``limit``; ``Page`` numbers the
parts), so that what one page costs does not grow with the corpus.

The alignment of a document is the one stored by ``versions build``: its rows (alignment groups) are numbered from 1
along the stored base and never change with the view. What a view may change is the version the others are compared
with (``base``) and the normalization: with the stored base and normalization the stored diffs, anchor checks and
variances are read; otherwise they are computed here, the same way ``versions.collate`` computes them.

One module per kind of page: ``documents`` (the list, a document and its versions, pages of long lists),
``alignment`` (the alignment table, a row and its address, a row as of a commit), ``comparison`` (two versions side by side), ``variance`` (the
variance map and its overview of a long document), ``search``, ``history`` (the stored revisions of a version),
``provenance`` (the graph of which version was made from which) and ``facsimiles`` (the page images beside the
readings).
"""

from ..collate import STORED_NORMALIZATION
from .alignment import (
    ALIGNMENT_TABLES_READ,
    PARAGRAPH_SEPARATOR,
    Alignment,
    AsOf,
    LinkCorrection,
    ParagraphInfo,
    Reading,
    Row,
    RowLabel,
    anchors_by_side,
    as_of,
    latest_commit,
    load_alignment,
    load_split_row,
    neighbours,
    row_at,
    row_exists,
    row_successors,
)
from .comparison import Comparison, Pair, load_comparison
from .documents import (
    DOCUMENT_TABLES,
    LIST_TABLES,
    DocumentInfo,
    DocumentSummary,
    Page,
    VersionInfo,
    count_documents,
    get_document,
    is_versions_database,
    list_documents,
    numbers_label,
    web_url,
)
from .history import (
    CHANGES_SHOWN,
    HISTORY_TABLES_READ,
    DocumentComparison,
    HistorySpan,
    RevisionChange,
    RevisionInfo,
    TimelineCommit,
    TimelineEntry,
    VersionChange,
    change_place,
    compare_document,
    compare_stored_revisions,
    has_history,
    has_timeline,
    history_span,
    latest_revisions,
    list_revisions,
    load_history,
    load_timeline,
    revision_counts,
    timeline_commits,
    timeline_count,
)
from .provenance import (
    RELATIONS,
    Provenance,
    ProvenanceEdge,
    ProvenanceNode,
    provenance,
)
from .search import (
    SEARCH_TABLES,
    SearchHit,
    SearchResults,
    SearchTerm,
    expand_terms,
    fts_query,
    phrase_search_query,
    search,
    search_terms,
    table_search_query,
)
from .variance import OVERVIEW_BINS, Bin, variance_mark, variance_overview, words_mark

__all__ = [
    "OVERVIEW_BINS", "Bin", "variance_mark", "variance_overview", "words_mark",
    "ALIGNMENT_TABLES_READ", "DOCUMENT_TABLES", "HISTORY_TABLES_READ", "LIST_TABLES", "PARAGRAPH_SEPARATOR",
    "RELATIONS", "SEARCH_TABLES", "STORED_NORMALIZATION", "Alignment", "AsOf", "Comparison", "DocumentInfo",
    "DocumentSummary", "HistorySpan", "LinkCorrection", "Page", "Pair", "ParagraphInfo", "Provenance", "ProvenanceEdge",
    "ProvenanceNode", "Reading", "RevisionChange", "RevisionInfo", "Row", "RowLabel", "SearchHit", "SearchResults",
    "SearchTerm", "TimelineEntry", "VersionInfo", "anchors_by_side", "as_of", "count_documents", "expand_terms", "fts_query",
    "table_search_query", "phrase_search_query",
    "get_document", "has_history", "has_timeline", "history_span", "is_versions_database", "latest_commit", "latest_revisions",
    "list_documents", "load_alignment", "load_comparison", "load_history", "load_timeline", "neighbours", "numbers_label", "provenance",
    "revision_counts", "row_at", "row_exists", "search", "search_terms", "timeline_count",
    "web_url",
    "CHANGES_SHOWN", "DocumentComparison", "TimelineCommit", "VersionChange", "change_place", "compare_document",
    "compare_stored_revisions", "timeline_commits", "list_revisions", "load_split_row", "row_successors",
]
