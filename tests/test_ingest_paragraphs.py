import pytest

from versions.ingest.paragraphs import split_paragraphs

WRAPPED = """The delegation arrived at the station late in the
evening and was met by the deputy minister and two
officials of the protocol department.
The talks are to begin tomorrow at ten o'clock.
"""


def test_blank_lines_separate_paragraphs_and_lines_in_one_block_stay_together():
    assert split_paragraphs("One.\n\nTwo,\nstill two.\n", "blank") == (["One.", "Two,\nstill two."], "blank")


def test_single_newlines_are_paragraphs_when_each_line_ends_a_sentence():
    assert split_paragraphs("First paragraph ends.\nSecond one, short.\nThird.\n") == (
        ["First paragraph ends.", "Second one, short.", "Third."], "line")


def test_hard_wrapped_lines_are_joined_into_paragraphs():
    paragraphs, rule = split_paragraphs(WRAPPED)
    assert rule == "wrapped"
    assert paragraphs == [
        (
            "The delegation arrived at the station late in the evening and was met by the deputy minister and two "
            "officials of the protocol department."
        ),
        "The talks are to begin tomorrow at ten o'clock.",
    ]


def test_a_word_broken_by_a_hyphen_at_the_end_of_a_wrapped_line_is_joined():
    text = (
        "The ambassador said that the negoti-\nations would go on for one more week at\n"
        "the request of the other side and then stop.\nEnd.\n"
    )
    paragraphs, _ = split_paragraphs(text, "wrapped")
    assert paragraphs[0].startswith("The ambassador said that the negotiations would")


@pytest.mark.parametrize("rule", ["blank", "line", "wrapped"])
def test_the_rule_given_overrides_the_detected_one(rule):
    assert split_paragraphs(WRAPPED, rule)[1] == rule


def test_text_with_only_single_line_blocks_is_split_at_blank_lines():
    assert split_paragraphs("A heading\n\nA sentence.\n\n\nAnother.\n") == (
        ["A heading", "A sentence.", "Another."], "blank")
