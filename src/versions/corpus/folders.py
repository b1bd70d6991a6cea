"""What the corpus reader may look at: a folder's entries (hidden ones aside) and the symbolic links it refuses."""

from __future__ import annotations

import os
from pathlib import Path


def entries(folder: Path) -> list[os.DirEntry]:
    """What a folder holds but hidden files, sorted by name; ``os.DirEntry`` knows whether each is a folder without
    a system call per entry, which counts in a corpus of tens of thousands of documents."""
    with os.scandir(folder) as found:
        return sorted((entry for entry in found if not entry.name.startswith(".")), key=lambda entry: entry.name)


def outside_problem(root: Path, path: Path) -> str | None:
    """Why a symbolic link may not be followed: broken, a loop, or leading outside the corpus."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return f"broken symbolic link to {os.readlink(path)}"
    except (RuntimeError, OSError):
        return "symbolic link loop"
    if not target.is_relative_to(root.resolve()):
        # named as written: what it resolves to can differ between two runs (/proc/self)
        return f"symbolic link leads outside {root} (to {os.readlink(path)}); refusing to read it"
    return None
