"""The one path by which importers read their input and write a document into the corpus.

Importers read their input with ``text.read_bytes`` / ``text.read_text``, as the corpus reader does: anything that
is not a regular file is refused before a byte is read.

Writing: ``write_document(root, document_id, files, whole_folder=..., overwrite=...)`` writes every file to a staging
folder beside the documents (``root/.import-*``: the same file system, and a dot-name the corpus reader skips),
syncs it, reads and checks the staged document as ``versions check`` reads it (``corpus.load_document``), and only
then moves it into place: a new folder with one rename; files added to an existing folder one rename each, the ones
already moved put back if a later one fails. Whatever fails (a full disk, a document the checks refuse) leaves the
corpus as it was. ``check_document`` does all of that but the move, for importers that try variants first.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..corpus import IMAGES_FOLDER, Document, load_document
from ..durable import fsync_folder, writing
from ..errors import CorpusError, problem
from ..ids import slug_problem

STAGING_PREFIX = ".import-"


class ImportFailure(ValueError):
    """A file that cannot be imported; ``line`` is where (1 when unknown)."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class ImportResult:
    folder: Path
    files: list[str]
    warnings: list[str] = field(default_factory=list)
    paragraph_rule: str | None = None  # how the text was split into paragraphs, for importers that choose one


# --- the files of a document -------------------------------------------------------------------------------------------


def yaml_text(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def version_file(front_matter: dict, body: str) -> str:
    return f"---\n{yaml_text(front_matter)}---\n{body}"


# --- writing -----------------------------------------------------------------------------------------------------------


def write_document(
    root: Path,
    document_id: str,
    files: Mapping[str, str],
    *,
    whole_folder: bool = False,
    overwrite: bool = False,
    images: Mapping[str, Path] | None = None,
) -> Path:
    """Write ``files`` (name -> text, written as UTF-8) as document ``root/document_id``, all or nothing; return
    that folder.

    ``whole_folder``: the files are the whole document, and an existing folder is replaced as a whole. Otherwise
    they are added to the folder and its other files stay. Unless ``overwrite``, an existing folder (whole folder)
    or file of the same name is refused with ``FileExistsError``. The document, as it would then be, must pass the
    corpus checks (``CorpusError`` otherwise); a failure to write raises ``WriteError``. ``images`` (file name ->
    the file to copy) go into the document's ``images/`` folder; only with ``whole_folder``.
    """
    root = Path(root)
    target = root / document_id
    with _staged(root, document_id, files, whole_folder, overwrite, images) as (folder, _), writing(target):
        if whole_folder or not target.is_dir():
            _move_folder(folder, target, folder.parent / "replaced")
        else:
            _move_files(folder, target, list(files), folder.parent / "replaced")
    return target


def check_document(
    root: Path,
    document_id: str,
    files: Mapping[str, str],
    *,
    whole_folder: bool = False,
    overwrite: bool = False,
    images: Mapping[str, Path] | None = None,
) -> Document:
    """The document ``write_document`` with these arguments would write, read and checked; nothing is moved into
    the corpus."""
    with _staged(Path(root), document_id, files, whole_folder, overwrite, images) as (_, document):
        return document


@contextmanager
def _staged(
    root: Path, document_id: str, files: Mapping[str, str], whole_folder: bool, overwrite: bool,
    images: Mapping[str, Path] | None,
) -> Iterator[tuple[Path, Document]]:
    """The document staged in ``root/.import-*/<document_id>/`` and read from there; removed afterwards."""
    _refuse_names(document_id, files)
    if images:
        _refuse_names(document_id, images)
        if not whole_folder:
            raise ValueError("images are written with a whole document folder only")
    target = root / document_id
    _refuse_existing(target, files, whole_folder, overwrite)
    made_root = not root.exists()
    staging_root = None
    try:
        with writing(target):
            root.mkdir(parents=True, exist_ok=True)
            staging_root = Path(tempfile.mkdtemp(dir=root, prefix=STAGING_PREFIX))
            folder = staging_root / document_id
            folder.mkdir()
            folder.chmod(0o755)
            if not whole_folder:
                _copy_other_files(target, folder, files)
            for name, content in files.items():
                _write_file(folder / name, content.encode("utf-8"))
            if images:
                (folder / IMAGES_FOLDER).mkdir(mode=0o755)
                for name, source in images.items():
                    _write_file(folder / IMAGES_FOLDER / name, Path(source).read_bytes())  # page scans may pass 10 MB
                fsync_folder(folder / IMAGES_FOLDER)
            fsync_folder(folder)
        yield folder, _load(staging_root, document_id, target)
    finally:
        if staging_root is not None:
            shutil.rmtree(staging_root, ignore_errors=True)
        if made_root:
            with suppress(OSError):  # only an empty root goes: the import failed or only checked
                root.rmdir()


def _refuse_names(document_id: str, files: Mapping[str, str]) -> None:
    """Nothing may land outside the document's folder, or hidden in it."""
    if reason := slug_problem(document_id):
        raise ValueError(f"document {reason}")
    for name in files:
        if Path(name).name != name or name.startswith("."):
            raise ValueError(f"{name!r} is not the name of a file in a document folder")


def _refuse_existing(target: Path, files: Mapping[str, str], whole_folder: bool, overwrite: bool) -> None:
    if target.exists() and not target.is_dir():
        raise FileExistsError(f"{target} exists and is not a document folder; move it away first")
    if overwrite or not target.exists():
        return
    if whole_folder:
        raise FileExistsError(f"{target} already exists; import with overwrite to replace the whole document")
    existing = [name for name in files if (target / name).exists()]
    if existing:
        raise FileExistsError(f"{target}: already exists: {', '.join(existing)}; import with overwrite to replace")


def _copy_other_files(target: Path, folder: Path, files: Mapping[str, str]) -> None:
    """The folder's files the import leaves alone, so that the staged document is the whole document."""
    if not target.is_dir():
        return
    for existing in sorted(target.iterdir()):
        if existing.name not in files and existing.is_file():
            _write_file(folder / existing.name, existing.read_bytes())
        elif existing.name == IMAGES_FOLDER and existing.is_dir() and not existing.is_symlink():
            shutil.copytree(existing, folder / IMAGES_FOLDER, symlinks=True)  # the facsimiles the versions list


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    path.chmod(0o644)  # corpus files are for everyone to read, whatever the umask


def _load(staging_root: Path, document_id: str, target: Path) -> Document:
    """The staged document as the corpus reader reads it (as UTF-8, which importers write); its problems name the
    files where they will be."""
    try:
        return load_document(staging_root, document_id)
    except CorpusError as error:
        staged = str(staging_root / document_id)
        raise CorpusError(
            [problem(found.path.replace(staged, str(target), 1), found.line, found.message) for found in error.problems]
        ) from None


def _move_folder(folder: Path, target: Path, replaced: Path) -> None:
    """Rename the staged folder to ``target``; an existing ``target`` is set aside first and put back on failure."""
    if target.exists():
        os.rename(target, replaced)
        try:
            os.rename(folder, target)
        except OSError:
            os.rename(replaced, target)
            raise
    else:
        os.rename(folder, target)
    fsync_folder(target.parent)


def _move_files(folder: Path, target: Path, names: list[str], replaced: Path) -> None:
    """Rename each staged file into ``target``, setting aside the one it replaces; on a failure, undo them all."""
    replaced.mkdir()
    moved = []
    try:
        for name in names:
            if (target / name).exists():
                os.rename(target / name, replaced / name)
            moved.append(name)
            os.rename(folder / name, target / name)
    except OSError:
        for name in reversed(moved):
            _put_back(target / name, replaced / name)
        raise
    fsync_folder(target)


def _put_back(path: Path, replaced: Path) -> None:
    if replaced.exists():
        os.rename(replaced, path)
    else:
        path.unlink(missing_ok=True)
