"""Finding what changed without parsing anything: a content hash per document folder, what a build compares first.

A folder's hash is taken over its files' names and git blob ids (the SHA-1 git gives a file's content), so it comes
out the same whether the files are read or git's index vouches for them. Where the corpus is in a git repository,
``git status`` says which files no longer hold what the index recorded and only those are read; elsewhere the
metadata the last build recorded (names, sizes, inodes, times, as git's index keeps them) does the same.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import __version__, git
from ..text import MAX_FILE_BYTES
from .facsimiles import IMAGES_FOLDER
from .folders import entries, outside_problem

# Bumped whenever the way a document is turned into rows changes, so that incremental builds recompute everything.
FORMAT_VERSION = "13"
RACY_NS = 2_000_000_000  # files changed this recently are read and hashed by the next build too



@dataclass(frozen=True)
class FolderHash:
    """A document folder's content hash, and the signature of its files' metadata it was taken with."""

    content_hash: str
    signature: str | None  # None: not vouched for by metadata (changed too recently, or vouched for by git)


def document_hashes(
    root: Path, known: Mapping[str, FolderHash] | None = None, only: Collection[str] | None = None
) -> dict[str, FolderHash]:
    """The content hash of every document folder (or of those named in ``only`` that exist).

    In a git repository, a folder with nothing changed since the last commit has the hash of its committed tree;
    elsewhere a folder whose files have the signature recorded in ``known`` is not read again.
    """
    root, known = Path(root), known or {}
    if not root.is_dir():
        return {}
    folders = _document_folders(root) if only is None else _named_folders(root, only)
    committed = _committed_trees(root) if only is None and folders else {}
    now = time.time_ns()
    hashes = {}
    for folder in folders:
        tree = committed.get(folder.name)
        if tree is not None:
            hashes[folder.name] = FolderHash(_content_hash(tree), None)
        else:
            hashes[folder.name] = _stat_hash(root, folder, known.get(folder.name), now)
    return hashes


def folder_hash(root: Path, folder: Path) -> str:
    """Changes when any file of the document or the tool's own version changes."""
    return _files_hash(folder_files(root, folder))


def folder_files(root: Path, folder: Path) -> list[os.DirEntry]:
    """The files of a document folder, hidden ones too (as in git's tree), as ``os.DirEntry`` (which knows each
    file's type without a system call per file); none of a folder the reader refuses to follow (a link out of the
    corpus, say to /proc/self)."""
    if outside_problem(root, folder):
        return []
    with os.scandir(folder) as found:
        return list(found)


def _document_folders(root: Path) -> list[Path]:
    try:
        return [Path(entry.path) for entry in entries(root) if entry.is_dir()]
    except OSError:
        return []  # the reader says why the corpus folder cannot be read


def _named_folders(root: Path, names: Collection[str]) -> list[Path]:
    return [root / name for name in sorted(names) if not name.startswith(".") and (root / name).is_dir()]


# --- without git: the files, and the metadata the last build recorded -------------------------------------------------


def _stat_hash(root: Path, folder: Path, previous: FolderHash | None, now: int) -> FolderHash:
    try:
        files = folder_files(root, folder)
    except OSError:
        return FolderHash(_content_hash(_object_id(b"unreadable folder", b"")), None)
    signature = _signature(files, now)
    if signature is not None and previous is not None and previous.signature == signature:
        return previous
    return FolderHash(_files_hash(files), signature)


def _files_hash(files: list[os.DirEntry]) -> str:
    return _content_hash(_tree_id(files))


def _content_hash(tree_id: str) -> str:
    return hashlib.sha256(f"{__version__}/{FORMAT_VERSION}/{tree_id}".encode()).hexdigest()


def _signature(files: list[os.DirEntry], now: int) -> str | None:
    """What a file's content hash can be vouched for by: its metadata, unless it changed within RACY_NS of now (a
    file written again within one tick of the clock keeps its times; git's index has the same rule)."""
    digest = hashlib.sha256(f"{__version__}/{FORMAT_VERSION}".encode())
    for entry in files:
        try:
            status = entry.stat(follow_symlinks=False)
            inside = _images_files(entry, status)
        except OSError:
            return None
        if max(status.st_mtime_ns, status.st_ctime_ns) > now - RACY_NS:
            return None
        fields = (entry.name, status.st_mode, status.st_size, status.st_dev, status.st_ino, status.st_mtime_ns,
                  status.st_ctime_ns)
        digest.update(repr(fields).encode() + b"\0")
        if inside and (inner := _signature(inside, now)) is None:
            return None
        if inside:
            digest.update(inner.encode() + b"/")
    return digest.hexdigest()


def _images_files(entry: os.DirEntry, status: os.stat_result) -> list[os.DirEntry]:
    """The files of a document's images/ folder (its facsimiles, part of the document as its versions are); none
    of any other folder, which the reader refuses."""
    if entry.name != IMAGES_FOLDER or not stat.S_ISDIR(status.st_mode):
        return []
    with os.scandir(entry.path) as found:
        return list(found)


# A folder's content is named as git names it, by the id of the tree object of its files, so that a folder git has
# committed unchanged needs no reading at all. A folder inside a document is not read (the reader refuses it): it
# counts as an empty tree, as does what the corpus refuses to read, each under a mode of its own.


def _tree_id(files: list[os.DirEntry]) -> str:
    entries = [entry for entry in map(_tree_entry, files) if entry is not None]
    entries.sort(key=lambda entry: entry[1] + (b"/" if entry[0] == b"40000" else b""))
    body = b"".join(mode + b" " + name + b"\0" + bytes.fromhex(object_id) for mode, name, object_id in entries)
    return _object_id(b"tree", body)


_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_REFUSED_MODES = {"folder": b"40000", "unreadable": b"100000", "not a file": b"100001", "too big": b"100002"}


def _tree_entry(entry: os.DirEntry) -> tuple[bytes, bytes, str] | None:
    """(mode, name, object id) as a git tree lists a file; a link's object is its target. None: it is gone."""
    name = os.fsencode(entry.name)
    try:
        status = entry.stat(follow_symlinks=False)
        if stat.S_ISLNK(status.st_mode):
            return b"120000", name, _object_id(b"blob", os.fsencode(os.readlink(entry.path)))
        if stat.S_ISDIR(status.st_mode) and entry.name == IMAGES_FOLDER:
            return b"40000", name, _tree_id(_images_files(entry, status))
        if stat.S_ISDIR(status.st_mode):
            return _REFUSED_MODES["folder"], name, _EMPTY_TREE
        if not stat.S_ISREG(status.st_mode):
            return _REFUSED_MODES["not a file"], name, _EMPTY_TREE
        if status.st_size > MAX_FILE_BYTES:
            return _REFUSED_MODES["too big"], name, _object_id(b"size", str(status.st_size).encode())
        mode = b"100755" if status.st_mode & stat.S_IXUSR else b"100644"
        return mode, name, _object_id(b"blob", _read(entry.path))
    except FileNotFoundError:
        return None
    except OSError:
        return _REFUSED_MODES["unreadable"], name, _EMPTY_TREE


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _object_id(kind: bytes, data: bytes) -> str:
    """The id git gives this object (``git hash-object -t KIND``)."""
    return hashlib.sha1(kind + b" %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _committed_trees(root: Path) -> dict[str, str]:
    """The committed tree of every document folder that nothing has changed since (as ``git status`` sees it, in
    the index or on disk, ignored files included); empty outside git or where git cannot say."""
    top = git.toplevel(root)
    if top is None:
        return {}
    try:
        return git.committed_trees(top, git.scope_of(root, top))
    except git.GitFailed:
        return {}
