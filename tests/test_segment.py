import pytest
from hypothesis import given
from hypothesis import strategies as st

from versions.segment import classify, content_hash, join_body, split_body

BODY = """\
## HEADING

CIPHERED TELEGRAM No. 1

Comrade Filippov!

First paragraph
continues on a second line.

Translator's note: a note.

[...]

With greetings.

Mao Zedong.
"""


def test_paragraphs_with_lines_kinds_and_hashes():
    leading, paragraphs = split_body(BODY, first_line=5)
    assert leading == ""
    assert [(p.n, p.line, p.kind) for p in paragraphs] == [
        (1, 5, "heading"),
        (2, 7, "heading"),
        (3, 9, "heading"),
        (4, 11, "body"),
        (5, 14, "note"),
        (6, 16, "editorial"),
        (7, 18, "signature"),
        (8, 20, "signature"),
    ]
    assert paragraphs[3].text == "First paragraph\ncontinues on a second line."
    assert paragraphs[3].hash == content_hash(paragraphs[3].text)
    assert paragraphs[-1].separator == "\n"


def test_leading_blank_lines_and_whitespace_only_separators_are_kept():
    body = "\n \nfirst\n \t\n\nsecond"
    leading, paragraphs = split_body(body)
    assert leading == "\n \n"
    assert [p.text for p in paragraphs] == ["first", "second"]
    assert paragraphs[0].separator == "\n \t\n\n"
    assert join_body(leading, paragraphs) == body


def test_editorial_note_at_the_end_does_not_hide_the_signature():
    assert classify(["A long body paragraph " * 5, "Mao Zedong.", "[...]"]) == ["body", "signature", "editorial"]


@given(st.text(alphabet=st.sampled_from(["a", "Б", " ", "\t", "\n", "[", "]", "#", "."]), max_size=200))
def test_split_is_lossless(body):
    leading, paragraphs = split_body(body)
    assert join_body(leading, paragraphs) == body
    assert all(p.text.strip() for p in paragraphs)
    assert [p.n for p in paragraphs] == list(range(1, len(paragraphs) + 1))


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\u2028", "\u2029", "\x85", "\x1c"])
def test_only_newlines_end_lines_so_paragraph_lines_match_the_file(separator):
    leading, paragraphs = split_body(f"one{separator}still one\n\ntwo\n", 5)
    assert [(p.text, p.line) for p in paragraphs] == [(f"one{separator}still one", 5), ("two", 7)]
    assert join_body(leading, paragraphs) == f"one{separator}still one\n\ntwo\n"
