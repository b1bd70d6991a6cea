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
