"""Reading git: where a folder's repository is, its log (NUL-separated, parsed one way), files at a commit, the
index, the shallow list. Every git process starts here, with one environment and one timeout; outside a repository
none is started at all."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GIT_TIMEOUT = 60


class GitFailed(Exception):
    pass


def which(name: str) -> str | None:
    return shutil.which(name)


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    env.update({"GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0",
                "GIT_LITERAL_PATHSPECS": "1"})
    return env


def git_command(cwd: Path, *args: str) -> list[str]:
    return ["git", "-c", "core.quotepath=off", "-c", "log.showSignature=false", "-C", str(cwd), *args]


def _failure(command: str, status: int, stderr: bytes) -> GitFailed:
    message = stderr.decode("utf-8", "replace").strip().splitlines()
    return GitFailed(message[-1] if message else f"git {command} exited with {status}")


def run(cwd: Path, *args: str) -> str:
    return run_bytes(cwd, *args).decode("utf-8", "replace")


def run_bytes(cwd: Path, *args: str) -> bytes:
    [output] = run_together(cwd, args)
    return output


def scope_of(folder: Path, top: Path) -> str:
    """``folder`` as a pathspec prefix relative to the repository at ``top``: "" for the whole of it, else ending in
    "/" (``folder`` is resolved first)."""
    relative = Path(folder).resolve().relative_to(top).as_posix()
    return "" if relative == "." else relative + "/"


# Every log is read one way, ``log``: each commit of ``git log -z`` in this format starts with an empty field (no
# path and no status is empty, so an empty field can only start a commit), then its fields and the files it changed,
# each ended by NUL. A message cannot hold NUL, so any other byte in a message or a name is theirs.
_LOG_FORMAT = "%x00%H%x00%P%x00%aI%x00%an%x00%B"
_LOG_FIELDS = 5
@dataclass(frozen=True)
class Change:
    status: str  # A, M, D, T, R or C
    path: str
    source: str | None  # for R and C: the path it came from


@dataclass(frozen=True)
class Commit:
    commit: str
    parents: tuple[str, ...]
    date: str
    author: str
    message: str
    changes: tuple[Change, ...]


def log(top: Path, *args: str, input: bytes = b"") -> Iterator[Commit]:
    """The commits of ``git log <args>``, newest first, as git writes them; closing the generator stops git."""
    command = git_command(top, "log", "-z", f"--format={_LOG_FORMAT}", *args)
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(command, stdin=subprocess.PIPE if input else subprocess.DEVNULL,
                                       stdout=subprocess.PIPE, stderr=errors, env=git_env())
        except OSError as error:
            raise GitFailed(str(error)) from None
        timer = threading.Timer(GIT_TIMEOUT, process.kill)
        timer.start()
        finished = False
        try:
            if input:
                _send(process, input)
            yield from _parse_log(_nul_separated(process.stdout))
            finished = True
        finally:
            timer.cancel()
            if not finished:
                process.kill()
            process.stdout.close()
            status = process.wait()
        if status != 0:
            errors.seek(0)
            raise _failure("log", status, errors.read())


def _send(process: subprocess.Popen, data: bytes) -> None:
    try:
        process.stdin.write(data)
        process.stdin.close()
    except BrokenPipeError:
        pass  # git stopped before reading it: its exit status says why


def _nul_separated(stream) -> Iterator[bytes]:
    pending = b""
    while chunk := stream.read(65536):
        *fields, pending = (pending + chunk).split(b"\0")
        yield from fields
    if pending:
        yield pending


def _parse_log(fields: Iterator[bytes]) -> Iterator[Commit]:
    """The commits in the fields of ``git log -z --format=_LOG_FORMAT``, with ``--name-status`` or no files."""
    header: list[str] = []
    changes: list[Change] = []
    for value in fields:
        if not value:  # a commit starts
            if header:
                yield _commit(header, changes)
            header = [next(fields, b"").decode("utf-8", "replace") for _ in range(_LOG_FIELDS)]
            changes = []
            continue
        status = value.lstrip(b"\n")[:1].decode("ascii", "replace")
        paths = [next(fields, b"").decode("utf-8", "replace") for _ in range(2 if status in ("R", "C") else 1)]
        changes.append(Change(status, paths[-1], paths[0] if len(paths) == 2 else None))
    if header:
        yield _commit(header, changes)


def _commit(header: list[str], changes: list[Change]) -> Commit:
    commit, parents, date, author, message = header
    return Commit(commit, tuple(parents.split()), date, author, message.rstrip("\n"), tuple(changes))


# What is asked of git is asked once per process and repository state, not once per version file: where the
# repository is (found by looking for ``.git`` upwards, so outside git no process is started at all), the log of the
# corpus folder with the files each commit touched (one ``git log``, kept while HEAD, the refs and the shallow list
# stay the same), and file contents at a commit (one long-lived ``git cat-file --batch``). Worker processes of a build
# each keep their own; the caches know the process they were made in.


@dataclass(frozen=True)
class Repository:
    top: Path
    git_dir: Path
    common_dir: Path
    shallow_file: Path


_REPOSITORIES: dict[str, tuple[object, Repository]] = {}
_INDEXES: dict[tuple[str, str], tuple[object, frozenset[str]]] = {}
_CAT_FILES: dict[str, "CatFile"] = {}
LOCK = threading.RLock()


def file_stamp(path: Path):
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size


def _git_marker(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` holding a ``.git``, as git's discovery looks for it; None: git
    would not find a repository either (``GIT_DIR`` is not passed on to git here)."""
    current = Path(os.path.realpath(folder))
    while True:
        if os.path.lexists(current / ".git"):
            return current
        if current.parent == current:
            return None
        current = current.parent


def find_repository(folder: Path) -> Repository | None:
    marker = _git_marker(folder)
    if marker is None:
        return None
    stamp = file_stamp(marker / ".git")
    stamp = stamp[:2] if stamp else None
    with LOCK:
        cached = _REPOSITORIES.get(str(marker))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        lines = run(folder, "rev-parse", "--show-toplevel", "--absolute-git-dir", "--git-common-dir",
                     "--git-path", "shallow").splitlines()
    except GitFailed:
        return None  # not cached: git may be installed or the repository repaired later
    if len(lines) < 4 or not lines[0]:
        return None
    here = Path(folder).resolve()
    git_dir = Path(lines[1])
    repository = Repository(
        top=Path(lines[0]).resolve(),
        git_dir=git_dir,
        common_dir=(here / lines[2]).resolve(),
        shallow_file=(here / lines[3]).resolve(),
    )
    with LOCK:
        _REPOSITORIES[str(marker)] = (stamp, repository)
    return repository


def toplevel(folder: Path) -> Path | None:
    repository = find_repository(folder)
    return repository.top if repository else None


def head_key(repository: Repository) -> tuple:
    """What the history of HEAD depends on, read from files (no process): HEAD, the ref it names, the packed refs,
    the shallow list, replacements and grafts. A ref update replaces its file, so its inode changes."""
    try:
        head = (repository.git_dir / "HEAD").read_text("utf-8", "replace").strip()
    except OSError:
        head = None
    common = repository.common_dir
    watched = ("packed-refs", "refs/replace", "info/grafts", "reftable/tables.list")
    parts = [head, file_stamp(repository.shallow_file), *(file_stamp(common / name) for name in watched)]
    if head and head.startswith("ref:"):
        ref = head[4:].strip()
        parts += [file_stamp(common / ref), file_stamp(repository.git_dir / ref)]
    return tuple(parts)


class CatFile:
    """One ``git cat-file --batch`` kept running: a file's content at a commit costs a line written and read."""

    def __init__(self, top: Path, key: tuple):
        self.key, self.pid = key, os.getpid()
        command = git_command(top, "cat-file", "--batch")
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, env=git_env())
        except OSError as error:
            raise GitFailed(str(error)) from None

    def blob(self, spec: str) -> bytes | None:
        if "\n" in spec:
            return None
        try:
            self.process.stdin.write(spec.encode("utf-8", "surrogateescape") + b"\n")
            self.process.stdin.flush()
            header = self.process.stdout.readline()
            parts = header.split()
            if len(parts) != 3 or not parts[2].isdigit():
                if not header:
                    raise GitFailed("git cat-file stopped")
                return None  # missing or ambiguous
            size = int(parts[2])
            data = self.process.stdout.read(size + 1)
        except (OSError, ValueError) as error:
            raise GitFailed(f"git cat-file: {error}") from None
        if len(data) != size + 1:
            raise GitFailed("git cat-file stopped")
        return data[:size] if parts[1] == b"blob" else None

    def close(self) -> None:
        if self.pid != os.getpid():
            return  # made in the process this one was forked from: its to close
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


def cat_file(top: Path) -> "CatFile":
    repository = find_repository(top)
    key = head_key(repository) if repository else ()
    with LOCK:
        reader = _CAT_FILES.get(str(top))
        if reader is not None and (reader.pid != os.getpid() or reader.key != key or reader.process.poll() is not None):
            if reader.pid == os.getpid():
                reader.close()
            reader = None
        if reader is None:
            reader = _CAT_FILES[str(top)] = CatFile(top, key)
        return reader


@atexit.register
def _close_cat_files() -> None:
    with LOCK:
        for reader in _CAT_FILES.values():
            reader.close()
        _CAT_FILES.clear()


def shallow_commits(top: Path) -> set[str]:
    repository = find_repository(top)
    if repository is None:
        raise GitFailed(f"{top} is not in a git repository")
    try:
        return set(repository.shallow_file.read_text().split())
    except OSError:
        return set()


def shallow_digest(top: Path) -> str:
    try:
        commits = sorted(shallow_commits(top))
    except GitFailed:
        return ""
    return hashlib.sha256(" ".join(commits).encode()).hexdigest()[:16] if commits else "no"


def is_in_index(repository: Repository, scope: str, relative: str) -> bool:
    """Whether git's index lists the file (one ``git ls-files`` of the corpus folder per state of the index)."""
    key = (file_stamp(repository.git_dir / "index"), head_key(repository))
    with LOCK:
        cached = _INDEXES.get((str(repository.top), scope))
    if cached is None or cached[0] != key:
        try:
            output = run(repository.top, "ls-files", "--cached", "-z", "--", scope or ".")
        except GitFailed:
            return False
        cached = (key, frozenset(name for name in output.split("\0") if name))
        with LOCK:
            _INDEXES[(str(repository.top), scope)] = cached
    return relative in cached[1]




# --- what changed since the last commit -------------------------------------------------------------------------------


def committed_trees(top: Path, scope: str) -> dict[str, str]:
    """The tree id at HEAD of each folder directly under ``scope`` (a path relative to ``top`` ending in "/", or "")
    that has nothing changed since, in the index or on disk, untracked and ignored files included.

    Two processes side by side whatever the number of files: ``git ls-tree`` of HEAD, and ``git status``, which
    compares each file with the index by the metadata the index keeps, reads only those that look changed, and writes
    nothing (GIT_OPTIONAL_LOCKS=0)."""
    spec = scope or "."
    listed, status = run_together(
        top,
        ("ls-tree", "-z", "HEAD", "--", spec),
        ("status", "--porcelain=v2", "-z", "--untracked-files=all", "--ignored=traditional", "--no-renames", "--",
         spec),
    )
    changed = {path.removeprefix(scope).split("/", 1)[0] for path in _changed_paths(os.fsdecode(status))}
    trees = {}
    for entry in filter(None, os.fsdecode(listed).split("\0")):
        fields, _, path = entry.partition("\t")
        _, kind, object_id = fields.split(" ")
        name = path.removeprefix(scope)
        if kind == "tree" and name not in changed:
            trees[name] = object_id
    return trees


_STATUS_FIELDS = {"1": 8, "u": 10}  # fields before the path in porcelain v2: changed and unmerged entries


def _changed_paths(status: str) -> Iterator[str]:
    """The paths of ``git status --porcelain=v2 -z`` that differ from HEAD: in the index, on disk, or not tracked."""
    for entry in status.split("\0"):
        kind = entry[:1]
        if kind in ("?", "!"):
            yield entry[2:]
        elif kind in _STATUS_FIELDS:
            yield entry.split(" ", _STATUS_FIELDS[kind])[-1]


def run_together(cwd: Path, *commands: tuple[str, ...]) -> list[bytes]:
    """The output of each git command, all started at once."""
    processes = []
    try:
        for args in commands:
            processes.append(subprocess.Popen(git_command(cwd, *args), stdout=subprocess.PIPE,
                                              stderr=subprocess.PIPE, env=git_env()))
        outputs = [process.communicate(timeout=GIT_TIMEOUT) for process in processes]
    except (OSError, subprocess.TimeoutExpired) as error:
        for process in processes:
            process.kill()
            process.wait()
        raise GitFailed(str(error)) from None
    for args, process, (_, errors) in zip(commands, processes, outputs):
        if process.returncode != 0:
            raise _failure(args[0], process.returncode, errors)
    return [output for output, _ in outputs]


def head_commit(top: Path) -> str | None:
    """The commit HEAD names; None on an unborn branch."""
    try:
        return run(top, "rev-parse", "--verify", "-q", "HEAD^{commit}").strip() or None
    except GitFailed:
        return None


def reachable(top: Path, ref: str, scope: str) -> tuple[str, set[str]]:
    """The commit ``ref`` names (a hash, a prefix of one, a branch, a tag, ``HEAD~2`` ...) and the commits it reaches
    that touch ``scope`` (``scope_of``; "" for the whole repository). Raises ``GitFailed`` for a name of no commit."""
    try:
        commit = run(top, "rev-parse", "--verify", "-q", "--end-of-options", f"{ref}^{{commit}}").strip()
    except GitFailed:
        commit = ""
    if not commit:
        raise GitFailed(f"{ref!r} names no commit of {top}")
    return commit, set(run(top, "rev-list", commit, "--", scope or ".").split())


def is_ancestor(top: Path, older: str, newer: str) -> bool:
    try:
        run_bytes(top, "merge-base", "--is-ancestor", older, newer)
    except GitFailed:  # exit status 1: it is not; any other failure: it cannot be shown to be
        return False
    return True


def commit_path(path: Path, message: str) -> str:
    """Commit ``path`` alone, as it is now (written or removed), whatever else is staged; the new commit's hash."""
    folder, name = path.parent, path.name
    run(folder, "add", "--all", "--", name)
    run(folder, "commit", "--quiet", "--only", "--message", message, "--", name)
    return run(folder, "rev-parse", "HEAD").strip()
