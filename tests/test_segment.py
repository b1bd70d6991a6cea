import pytest
from hypothesis import given
from hypothesis import strategies as st

from versions.segment import classify, content_hash, join_body, join_segments, split_body, split_lines

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
        (3, 9, "body"),
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


LONG = "A paragraph long enough to be the text itself, as the body of a letter or a telegram usually is."


@pytest.mark.parametrize(
    "opening",
    [
        ["Pass the following to the minister."],  # a short sentence
        ["Comrade Filippov!"],  # a salutation
        ["Dear Sir,"],
        ["“Comrade MAO ZEDONG."],
        ["COMRADE KOVALEV!"],  # a salutation in capitals
        ["27 August 1951"],  # a date line
        ["Moscow, 1 December 1950"],
        ["1 ДЕКАБРЯ 1950 г."],
        ["Beijing, 12 March 1952", "To Comrade Example:"],
    ],
)
def test_no_sentence_salutation_or_date_above_the_text_is_a_heading(opening):
    assert classify([*opening, LONG]) == ["body"] * (len(opening) + 1)


def test_the_heading_block_keeps_its_titles_and_addressees():
    texts = ["CIPHERED TELEGRAM No. 12", "TOP PRIORITY", "To the Soviet Ambassador", "Dear Comrade Example!", LONG]
    assert classify(texts) == ["heading", "heading", "heading", "body", "body"]


@pytest.mark.parametrize("signatory", ["FILIPPOV", "A. GROMYKO", "Mao Zedong"])
def test_a_signature_at_the_end_is_no_heading_even_in_capitals(signatory):
    assert classify([LONG, "With greetings.", signatory]) == ["body", "signature", "signature"]


def test_a_telegrams_closing_block_is_its_signature():
    texts = [LONG, "E X A M P L O V", "No. 12/sh", "3 May 1951", "Typed by Examplova on 3.5.51"]
    assert classify(texts) == ["body"] + ["signature"] * 4


def test_a_report_title_naming_a_month_and_year_is_a_heading():
    assert classify(["REPORT ON THE HARVEST OF AUGUST 1951", LONG]) == ["heading", "body"]


def test_a_text_of_one_short_sentence_is_its_body():
    assert classify(["I agree."]) == ["body"]


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


def test_lines_of_chinese_are_cut_into_sentences_on_their_line():
    text = "第一行。第二句！“引语。”他说；还问？\nEnglish stays whole. Always.\n\n  前导。尾\n"
    segments = split_lines(text, first_line=5)
    assert [(s.text, s.line) for s in segments] == [
        ("第一行。", 5), ("第二句！", 5), ("“引语。”", 5), ("他说；", 5), ("还问？", 5),
        ("English stays whole. Always.", 6), ("", 7), ("  前导。", 8), ("尾", 8)]
    assert [s.n for s in segments] == list(range(1, 10))


@given(st.lists(st.text(alphabet="ab 。！？；”\n"), max_size=8))
def test_split_lines_gives_the_text_back(pieces):
    text = "".join(pieces)
    assert join_segments(split_lines(text)) + ("\n" if text.endswith("\n") else "") == text
