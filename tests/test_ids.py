import os

import pytest

from versions.ids import slug_problem


@pytest.mark.parametrize(
    "value, ok",
    [("wilson-en", True), ("a", True), ("-a", False), ("a--b", False), ("a" * 65, False), ("a/b", False)],
)
def test_slug_rule(value, ok):
    assert (slug_problem(value) is None) is ok


@pytest.mark.parametrize(
    "value, reason",
    [
        ("a/b", "path separator"),
        ("a\\b", "path separator"),
        ("a..b", "'..'"),
        ("wilson en", "space"),
        ("wilsоn", "CYRILLIC SMALL LETTER O"),
        ("Wilson", "not a slug"),
    ],
)
def test_each_refusal_says_why(value, reason):
    assert reason in slug_problem(value)


def test_a_name_that_is_not_utf8_is_said_to_be_so_on_one_line():
    name = os.fsdecode(b"wilson-\xff\n")
    assert slug_problem(name) == "id 'wilson-\\xff\\n': file name is not UTF-8; rename it"
