"""Rebuilding while a corpus is edited: the folders that change are rebuilt as they change, no other is looked at.

``watch`` follows file events from the operating system (inotify and its kin, through ``watchfiles``), maps each
changed path to its document folder and runs ``store.build`` for those documents only, so a running server shows an
edit within a second or two at any corpus size. A change that only git sees (a commit of files already built) is
left to the next ``versions build``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import watchfiles

from .durable import WriteError
from .errors import CorpusError
from .store import build

DEBOUNCE_MS = 400  # an editor's save (write, rename, chmod) becomes one rebuild


def changed_documents(corpus_root: Path, paths: Iterable[str]) -> set[str]:
    """The document folders that the changed ``paths`` lie in (hidden ones, such as an import's staging, aside)."""
    root = Path(corpus_root).resolve()
    documents = set()
    for path in paths:
        try:
            first = Path(path).resolve().relative_to(root).parts[0]
        except (ValueError, IndexError):
            continue  # the corpus folder itself, or outside it
        if not first.startswith("."):
            documents.add(first)
    return documents


def watch(
    corpus_root: Path,
    db_path: Path,
    encoding: str | None = None,
    say: Callable[[str], None] = print,
    stop: threading.Event | None = None,
) -> None:
    """Rebuild the documents whose folders change, until ``stop`` is set; say what each build did, or its problems
    (the database then stays as it was)."""
    root = Path(corpus_root)
    for changes in watchfiles.watch(root, debounce=DEBOUNCE_MS, stop_event=stop, raise_interrupt=False):
        documents = changed_documents(root, (path for _, path in changes))
        if documents:
            say(rebuild(root, Path(db_path), documents, encoding))


def rebuild(corpus_root: Path, db_path: Path, documents: set[str], encoding: str | None = None) -> str:
    """One build of these documents, as the line (or lines) to show."""
    try:
        return build(corpus_root, db_path, encoding, documents=documents).summary()
    except CorpusError as error:
        return "\n".join(str(found) for found in error.problems)
    except WriteError as error:
        return str(error)
