"""Problems found in the corpus, reported as ``path:line: message``."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Characters that would break a report's one line or cannot be printed: control characters, line and paragraph
# separators, and the lone surrogates that stand for the bytes of a file name that is not UTF-8.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    warning: bool = False  # True: reported, but nothing is refused (a correction whose paragraph was edited since)

    def __str__(self) -> str:
        said = f"warning: {self.message}" if self.warning else self.message
        return f"{shown_name(self.path)}:{self.line}: {shown_name(said)}"  # one line, whatever a name holds


class CorpusError(Exception):
    """One or more problems that stop the corpus from being read or built."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def problem(path: Path | str, line: int, message: str) -> Problem:
    return Problem(str(path), line, message)


def warning(path: Path | str, line: int, message: str) -> Problem:
    return Problem(str(path), line, message, warning=True)


def shown_name(name: str) -> str:
    """A file name (or a message quoting one) as one printable line: unprintable characters escaped as Python writes
    them (``\\n``, ``\\x85``), and each byte that is not UTF-8 as ``\\xff``."""
    return _UNPRINTABLE.sub(_escape, name)


def clipped(text: str, limit: int = 40) -> str:
    """A value quoted in a message, cut short if long (a number of 5,000 digits, say)."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def is_undecodable(name: str) -> bool:
    """Whether a file name as Python reads it holds bytes that are not UTF-8 (as lone surrogates)."""
    return any(unicodedata.category(char) == "Cs" for char in name)


def _escape(match: re.Match) -> str:
    char = match.group()
    if 0xDC80 <= ord(char) <= 0xDCFF:  # surrogateescape: the byte 0x80-0xff that could not be decoded
        return f"\\x{ord(char) - 0xDC00:02x}"
    return repr(char)[1:-1]
