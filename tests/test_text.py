import codecs
import os
import threading
from pathlib import Path

import pytest

from conftest import write_files
from versions.errors import CorpusError
from versions.text import MAX_FILE_BYTES, decode, encoding_problem, read_bytes, read_text


def problem_of(data: bytes, encoding=None) -> str:
    with pytest.raises(CorpusError) as caught:
        decode(data, "x.md", encoding)
    [found] = caught.value.problems
    return str(found)


def test_utf8_is_read_as_nfc_with_lf_line_ends():
    decomposed = "Кэсон e\u0301\r\nline two\rthree".encode()
    assert decode(decomposed, "x.md") == "Кэсон \u00e9\nline two\nthree"


def test_byte_order_mark_is_dropped():
    assert decode(codecs.BOM_UTF8 + b"text", "x.md") == "text"


def test_cp1251_names_line_and_offset_and_suggests_encoding():
    data = "first line\nвторая".encode("cp1251")
    assert problem_of(data) == (
        "x.md:2: byte 0xe2 at offset 11 is not UTF-8; convert the file or pass --encoding (e.g. cp1251, koi8-r)"
    )


def test_explicit_encoding_decodes_cp1251_and_koi8r():
    assert decode("Кэсон".encode("cp1251"), "x.md", "cp1251") == "Кэсон"
    assert decode("Кэсон".encode("koi8-r"), "x.md", "koi8-r") == "Кэсон"


def test_utf16_is_recognised_by_its_byte_order_mark():
    assert "UTF-16" in problem_of("text".encode("utf-16"))
    assert decode("Кэсон".encode("utf-16"), "x.md", "utf-16") == "Кэсон"


def test_unknown_encoding_is_a_problem_not_a_crash():
    assert problem_of(b"abc", "no-such-codec") == "x.md:1: unknown encoding 'no-such-codec'"


def test_nul_byte_names_its_line():
    assert problem_of(b"one\ntwo\x00\n").startswith("x.md:2: NUL byte")


@pytest.mark.parametrize("data", [b"", b"  \n\n"])
def test_empty_file(data):
    assert problem_of(data) == "x.md:1: empty file"


def test_huge_file_is_refused_with_the_limit_named(tmp_path):
    path = tmp_path / "huge.md"
    path.write_bytes(b"a" * (MAX_FILE_BYTES + 1))
    with pytest.raises(CorpusError, match="limit is 10 MiB"):
        read_text(path)


@pytest.mark.parametrize("codec, order", [("utf-16-le", "le"), ("utf-16-be", "be")])
def test_utf16_without_byte_order_mark_is_named(codec, order):
    assert problem_of("---\nkind: translation\n".encode(codec)) == (
        f"x.md:1: file looks like UTF-16 without a byte-order mark; pass --encoding utf-16-{order}"
    )


@pytest.mark.parametrize(
    "encoding, reason",
    [
        ("utf-7", "does not read ASCII as ASCII"),  # '+' starts encoded text
        ("punycode", "does not read ASCII as ASCII"),
        ("idna", "does not read ASCII as ASCII"),  # xn-- labels
        ("unicode_escape", "does not read ASCII as ASCII"),  # backslashes
        ("cp037", "does not read ASCII as ASCII"),  # EBCDIC
        ("rot13", "is not a text encoding"),
        ("hex", "is not a text encoding"),
    ],
)
def test_encodings_that_would_change_ascii_text_are_refused(encoding, reason):
    assert problem_of(b"---\nkind: translation\n", encoding).startswith(f"x.md:1: --encoding {encoding!r} {reason}")


@pytest.mark.parametrize("encoding", [None, "utf-8", "utf-8-sig", "cp1251", "koi8-r", "latin-1", "gb18030", "utf-16"])
def test_ascii_based_and_utf16_encodings_are_read(encoding):
    assert encoding_problem(encoding) is None
    text = "Kaesong +1 -- a\\u0041 xn--ls8h."
    assert decode(text.encode(encoding or "utf-8"), "x.md", encoding) == text


# --- reading -----------------------------------------------------------------------------------------------------------


def read_in_time(path: Path) -> BaseException | bytes:
    """``read_bytes(path)``, or fail the test if it does not return within 20 seconds (a hang, not a refusal)."""
    outcome: list = []

    def read() -> None:
        try:
            outcome.append(read_bytes(path))
        except BaseException as error:  # noqa: BLE001  handed to the test
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(20)
    assert outcome, f"reading {path} did not return"
    return outcome[0]


def test_a_named_pipe_is_refused_before_it_is_read(tmp_path):
    pipe = tmp_path / "record.txt"
    os.mkfifo(pipe)
    refused = read_in_time(pipe)
    assert isinstance(refused, CorpusError)
    assert str(refused) == f"{pipe}:1: not a regular file (a folder, pipe or device cannot be read as text)"


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused_before_it_is_read(device):
    refused = read_in_time(Path(device))
    assert isinstance(refused, CorpusError) and "not a regular file" in str(refused)


def test_a_folder_and_a_missing_file_are_refused_with_one_line(tmp_path):
    with pytest.raises(CorpusError, match="not a regular file"):
        read_bytes(tmp_path)
    with pytest.raises(CorpusError, match=f"^{tmp_path / 'none.txt'}:1: cannot read: No such file or directory$"):
        read_bytes(tmp_path / "none.txt")


def test_an_input_over_the_limit_is_refused(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (MAX_FILE_BYTES + 1))
    with pytest.raises(CorpusError, match="the limit is 10 MiB"):
        read_bytes(big)
    big.write_bytes(b"a" * MAX_FILE_BYTES)
    assert len(read_bytes(big)) == MAX_FILE_BYTES


def test_input_text_follows_the_corpus_text_rules(tmp_path):
    path = write_files(tmp_path, {"t.txt": "\ufeffline one\r\nline two\r\n".encode()}) / "t.txt"
    assert read_text(path) == "line one\nline two\n"
    path.write_bytes("Текст".encode("cp1251"))
    assert read_text(path, "cp1251") == "Текст"
    with pytest.raises(CorpusError, match="not UTF-8"):
        read_text(path)
