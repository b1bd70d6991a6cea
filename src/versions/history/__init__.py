"""Revisions of a version: every committed state of its file in git, plus the working tree when it differs.

Where the revisions come from
    Every commit that changed the version file, merges included: commit, author date, author, message, and the file's
    content at that commit, parsed with the corpus's own front-matter rules (in the corpus's encoding). A commit on a
    merged branch is a revision of its own, credited to its author; a merge whose text differs from its first parent's
    is one too (what the merge took or resolved), and so is a merge that brought in such commits but kept its first
    parent's text. They come in the order they reached HEAD (a merge right after the commits it brought in), so the last
    one is the file as HEAD has it; renames and copies are found as ``--follow`` finds them. Git is not asked once per
    file: the log of the corpus folder is read once per repository state (that of the whole repository too, only for a
    file renamed from outside the corpus) and contents come from one long-lived ``git cat-file --batch``. Outside a
    repository no git process is started. When the file in the working tree differs from HEAD's, its state is one more
    revision marked ``uncommitted``. A file git does not track, a corpus outside any repository, or no ``git`` at all:
    one revision (``untracked`` / ``unversioned``) with a ``note`` saying why. Nothing here raises for a repository in a
    strange state; what could not be done is said in a note.

What is said in notes
    - a rename: ``renamed from translations/doc/old.md`` on the revision whose commit renamed it (``--follow``);
    - a copy: when git finds the file was made as a copy of another (``created as a copy of ...``), its history
      starts there; the other file's past is not this version's;
    - a shallow clone: on a revision whose commit is a shallow boundary, that earlier history is not in this clone;
      that revision is not diffed (what it changed is unknown);
    - a merge that kept its first parent's text while the commits it brought in changed the file;
    - a state that cannot be read (not UTF-8, no front matter, empty): the revision is kept, with the reason.

How a revision is compared with the one before
    The one before is the revision holding the file as the commit's first parent had it (``previous``), so a branch
    commit is compared with the state it started from, not with a commit made meanwhile on another branch; for the
    working tree, the last commit. Paragraph by paragraph, not as one body. Paragraphs whose text is identical are
    matched first (a sequence match on paragraph hashes); only the stretches in between are aligned, with the
    same-language aligner of ``versions.align`` (so a split, a merge or a rewritten paragraph is one change, not a
    deletion plus an insertion), and each aligned unit gets the word diff of ``versions.diff`` (no normalization: in a
    history every character counts). An identical paragraph that changed place is a ``moved`` change. This (1) gives the
    number of paragraphs a revision changed directly, (2) stores nothing for the unchanged paragraphs, so a typo fixed
    in a long text costs one small row, and (3) keeps an edit from being smeared over its neighbours by the semantic
    cleanup of a whole-body diff. A revision with nothing before it is compared with nothing: every paragraph is
    ``inserted``.

Rows (``history_rows``, tables ``revisions`` and ``revision_diffs``)
    One ``revisions`` row per revision with its counts (``changed_paragraphs`` ...) and ``summary``; one
    ``revision_diffs`` row per paragraph change of a revision against the one before. Nothing is repeated that the
    database already holds: a first revision (all insertions) has no ``revision_diffs`` rows, and ``body`` is NULL
    where it is the version's current text; ``stored_revision_text`` reads either case back.

Ids: a revision is ``<document>/<version>@<n>`` with n counting from 1, oldest first; a change is
``<revision>/<k>``.
"""

from __future__ import annotations

from .changes import (  # noqa: F401
    combined_fields,
    compare,
    compare_paragraphs,
    compare_revisions,
    front_matter_changes,
    revisions_language,
)
from .files import (  # noqa: F401
    DOCUMENT_FILES,
    FileRevision,
    document_file_histories,
    document_revision_rows,
)
from .fingerprints import (  # noqa: F401
    CorpusHistory,
    corpus_history,
    history_fingerprint,
    history_fingerprints,
)
from .model import (  # noqa: F401
    CHANGE_KINDS,
    COMMITTED,
    UNCOMMITTED,
    UNTRACKED,
    UNVERSIONED,
    FieldChange,
    HistoryError,
    ParagraphChange,
    Revision,
    RevisionDiff,
    VersionHistory,
    find_revision,
)
from .points import (  # noqa: F401
    DocumentPoints,
    compare_document_commits,
)
from .revisions import (  # noqa: F401
    document_history,
    get_revision,
    get_revisions,
    parse_revision_ref,
    revision_text,
    version_histories,
    version_history,
)
from .rows import (  # noqa: F401
    change_diff,
    history_rows,
    stored_revision,
    stored_revision_text,
)
