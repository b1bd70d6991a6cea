"""The facsimile files a build publishes beside the database, for Datasette to serve as static files.

``<database folder>/facsimiles/<document>/<file>`` holds exactly the image files the database's ``facsimiles`` table
lists (each copied from ``<corpus>/<document>/images/<file>``) and nothing else, so that
``datasette db/versions.db --static facsimiles:db/facsimiles`` (and ``datasette publish ... --static
facsimiles:db/facsimiles``, which carries the folder into a published copy) serves page images and never another file
of the corpus. Datasette's static handler itself refuses any path that resolves outside the mounted folder.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections import defaultdict
from contextlib import closing
from pathlib import Path, PurePosixPath

FACSIMILES_MOUNT = "facsimiles"  # the folder beside the database, and the address Datasette serves it at


def facsimiles_folder(db_path: Path) -> Path:
    return Path(db_path).parent / FACSIMILES_MOUNT


def publish_facsimiles(corpus_root: Path, db_path: Path) -> None:
    """Bring the published folder in line with the database: copy each listed file that is new or changed, remove
    every file and document folder that the database does not list."""
    listed = _listed_files(Path(db_path))
    folder = facsimiles_folder(db_path)
    if not listed and not folder.exists():
        return
    folder.mkdir(exist_ok=True)
    for stale in {entry.name for entry in os.scandir(folder)} - set(listed):
        _remove(folder / stale)
    for document_id, names in listed.items():
        target = folder / document_id
        target.mkdir(exist_ok=True)
        for stale in {entry.name for entry in os.scandir(target)} - set(names):
            _remove(target / stale)
        for name, path in names.items():
            _copy_if_changed(Path(corpus_root) / document_id / path, target / name)


def _listed_files(db_path: Path) -> dict[str, dict[str, str]]:
    """The image files the database lists, by document: their names and their paths in the document folder."""
    listed: dict[str, dict[str, str]] = defaultdict(dict)
    # closed as the build's own connections are, so that the last one to close leaves the database one file
    with closing(sqlite3.connect(db_path)) as conn:
        for document_id, path in conn.execute("select document_id, path from facsimiles where path is not null"):
            listed[document_id][PurePosixPath(path).name] = path
    return listed


def _copy_if_changed(source: Path, target: Path) -> None:
    """A copy with the source's times, written beside the target and moved into place, so that a server never sends
    half a file; a source gone or turned into a link since the build read it is left for the next check to report."""
    if source.is_symlink() or not source.is_file():
        return
    found, kept = source.stat(), target.stat() if target.exists() else None
    if kept and (kept.st_size, kept.st_mtime_ns) == (found.st_size, found.st_mtime_ns):
        return
    partial = target.with_name(f".{target.name}.tmp")
    shutil.copy2(source, partial, follow_symlinks=False)
    os.replace(partial, target)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()
