import os

import pytest

from versions.errors import CorpusError, Problem, is_undecodable, shown_name


@pytest.mark.parametrize(
    "path, shown",
    [
        ("doc-1/notes\nmore.txt", "doc-1/notes\\nmore.txt"),
        ("doc-1/a\rb\tc.md", "doc-1/a\\rb\\tc.md"),
        ("doc-1/a\x85b\u2028c\u2029d.md", "doc-1/a\\x85b\\u2028c\\u2029d.md"),
        ("doc-1/a\x1b[31mred.md", "doc-1/a\\x1b[31mred.md"),
        (os.fsdecode(b"doc-1/en\xff.md"), "doc-1/en\\xff.md"),
        ("doc-1/Кэсон é.md", "doc-1/Кэсон é.md"),
    ],
)
def test_every_problem_shows_its_path_on_one_printable_line(path, shown):
    assert str(Problem(path, 3, "message")) == f"{shown}:3: message"
    assert len(str(CorpusError([Problem(path, 3, "message")])).splitlines()) == 1
    str(Problem(path, 3, "message")).encode("utf-8")  # printable: no lone surrogate left


def test_names_read_from_bytes_that_are_not_utf8_are_recognised():
    assert is_undecodable(os.fsdecode(b"en\xff.md"))
    assert not is_undecodable("en.md") and not is_undecodable("Кэсон.md")
    assert shown_name("plain/path.md") == "plain/path.md"


def test_a_message_quoting_a_name_stays_on_the_line_too():
    found = Problem("doc-1/en.md", 1, "broken symbolic link to /tmp/a\nb")
    assert str(found) == "doc-1/en.md:1: broken symbolic link to /tmp/a\\nb"
