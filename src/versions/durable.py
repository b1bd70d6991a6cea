"""Writing files so that they last: fsync of a file and of a folder's entries, and a failure to write as one line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WriteError(Exception):
    """A file or folder cannot be written (a full disk, a read-only folder, a file that is not ours): one line to
    show, and nothing changed."""


@contextmanager
def writing(target: Path) -> Iterator[None]:
    """Turn a failure to write into one line naming ``target``."""
    try:
        yield
    except OSError as error:
        raise WriteError(f"{target}: cannot write: {error.strerror or error}") from None


def replace_text(path: Path, text: str) -> None:
    """Write ``text`` over ``path`` all at once, durably: a reader sees the old file or the new one, never a part;
    a failure is a ``WriteError`` and leaves the old file."""
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with writing(path):
        try:
            staged.write_text(text, encoding="utf-8")
            fsync_file(staged)
            os.replace(staged, path)
        finally:
            staged.unlink(missing_ok=True)
        fsync_folder(path.parent)


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def fsync_folder(path: Path) -> None:
    """Make the folder's entries (new files, renames) durable."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
