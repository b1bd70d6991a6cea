"""Turning the bytes of a corpus file into text: UTF-8 (or an explicit encoding), LF line ends, Unicode NFC."""

from __future__ import annotations

import codecs
import functools
import os
import stat
import unicodedata
from pathlib import Path

import yaml

from .errors import CorpusError, problem

MAX_FILE_BYTES = 10 * 1024 * 1024

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_text(path: Path, encoding: str | None = None, display: str | None = None) -> str:
    """Read a corpus file or an import's input, refusing anything that is not clean text; errors name the file and
    line."""
    shown = display or str(path)
    return decode(read_bytes(path, shown), shown, encoding)


def read_bytes(path: Path, display: str | None = None) -> bytes:
    """The bytes of a regular file of at most MAX_FILE_BYTES. Anything else is refused before a byte is read, so a
    named pipe cannot hang a command and ``/dev/zero`` cannot fill memory."""
    shown = display or str(path)
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer before fstat can refuse it
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise _error(shown, 1, f"cannot read: {error.strerror}") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise _error(shown, 1, "not a regular file (a folder, pipe or device cannot be read as text)")
        if status.st_size > MAX_FILE_BYTES:
            raise _too_large(shown, status.st_size)
        with open(descriptor, "rb", closefd=False) as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _error(shown, 1, f"cannot read: {error.strerror}") from None
    finally:
        os.close(descriptor)
    if len(data) > MAX_FILE_BYTES:  # it grew while being read
        raise _too_large(shown, len(data))
    return data


def _too_large(shown: str, size: int) -> CorpusError:
    return _error(shown, 1, f"file is {size / 2**20:.1f} MiB; the limit is {MAX_FILE_BYTES // 2**20} MiB")


def decode(data: bytes, shown: str, encoding: str | None = None) -> str:
    if not data.strip():
        raise _error(shown, 1, "empty file")
    if encoding is None and data.startswith(_UTF16_BOMS):
        raise _error(shown, 1, "file is UTF-16 (byte-order mark); convert it to UTF-8 or pass --encoding utf-16")
    if encoding is None and _looks_like_utf16(data):
        order = "le" if data[1:2] == b"\0" else "be"
        raise _error(shown, 1, f"file looks like UTF-16 without a byte-order mark; pass --encoding utf-16-{order}")
    return normalize_text(_decode_bytes(data, shown, encoding), shown)


def _looks_like_utf16(data: bytes) -> bool:
    """Mostly-ASCII text in UTF-16 has a NUL in every other byte; UTF-8 text has none."""
    sample = data[:4096]
    return len(sample) >= 4 and sample.count(b"\0") * 3 >= len(sample)


def normalize_text(text: str, shown: str) -> str:
    """The corpus text rules for decoded text: no NUL, no byte-order mark, LF line ends, NFC."""
    if "\x00" in text:
        offset = text.index("\x00")
        raise _error(shown, _line_of(text, offset), f"NUL byte at character {offset}; text files must not contain NUL")
    text = text.removeprefix("\ufeff")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


@functools.lru_cache(maxsize=16)
def encoding_problem(encoding: str | None) -> str | None:
    """Why a corpus cannot be read in ``encoding``, or None. A text encoding must read ASCII as ASCII (cp1251,
    koi8-r, latin-1, ...) or be UTF-16 or UTF-32, whose byte-order marks and NULs make them unmistakable: UTF-7,
    punycode, idna or unicode-escape would read '+', '-' or backslashes as code and change the text unseen."""
    if encoding is None:
        return None
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        return f"unknown encoding {encoding!r}"
    if not codec._is_text_encoding:
        return f"--encoding {encoding!r} is not a text encoding"
    if codec.name.startswith(("utf-16", "utf-32")) or _reads_ascii_as_ascii(codec):
        return None
    return f"--encoding {encoding!r} does not read ASCII as ASCII; use UTF-8, UTF-16 or an ASCII-based code page"


# Printable ASCII, then what UTF-7, the escape codecs and idna read as code (each backslash starts a valid escape).
_ASCII_SAMPLE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) != "\\") + "\t\n\\n\\u0041\\x41 +- .xn--ls8h.\n"


def _reads_ascii_as_ascii(codec: codecs.CodecInfo) -> bool:
    try:
        return codec.decode(_ASCII_SAMPLE.encode("ascii"))[0] == _ASCII_SAMPLE
    except (UnicodeError, ValueError):
        return False


def _decode_bytes(data: bytes, shown: str, encoding: str | None) -> str:
    if reason := encoding_problem(encoding):
        raise _error(shown, 1, reason)
    try:
        return data.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        if encoding:
            raise _error(shown, line, f"byte 0x{byte:02x} at offset {exc.start} is not valid {encoding}") from None
        raise _error(
            shown,
            line,
            f"byte 0x{byte:02x} at offset {exc.start} is not UTF-8; "
            "convert the file or pass --encoding (e.g. cp1251, koi8-r)",
        ) from None


def load_data_yaml(text: str):
    """One of the package's own data files (gazetteer, romanization table), read by LibYAML where installed."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _error(shown: str, line: int, message: str) -> CorpusError:
    return CorpusError([problem(shown, line, message)])
