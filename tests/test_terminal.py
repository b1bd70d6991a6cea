from versions.align import Bead
from versions.anchors import Anchor
from versions.collate import AnchorCheck, Comparison, collate
from versions.corpus import load_corpus
from versions.diff import word_diff
from versions.segment import split_body
from versions.terminal import alignment_table, bead_table, comparison_text, differs


def test_link_table_shows_both_texts_per_link_numbered_from_1():
    _, a = split_body("One.\n\nTwo.")
    _, b = split_body("Один.")
    table = bead_table([Bead((0,), (0,), 0.9, "x"), Bead((1,), (), 0.0, "x")], a, b, ["a.txt", "b.txt"], 80)
    lines = table.splitlines()
    assert lines[0].split() == ["link", "│", "a.txt", "│", "b.txt"]
    assert lines[2].startswith("1 ↔ 1") and "One." in lines[2] and "Один." in lines[2]
    assert lines[3].startswith("2 ↔ —")


def test_alignment_table_has_a_column_per_version(small_corpus):
    document = load_corpus(small_corpus).documents[0]
    table = alignment_table(collate(document), 100)
    assert table.splitlines()[0].split("│")[0].strip() == "row"
    assert table.splitlines()[0].split("│")[1].strip() == "en"
    assert "TELEGRAM No. 1" in table


def test_comparison_text_plain_and_anchor_forms():
    same = Comparison("Syngmann Rhee", "Syngman Rhee", word_diff("Syngmann Rhee", "Syngman Rhee"))
    text = comparison_text(Bead((3,), (3,), 1.0, "x"), same, color=False, side_by_side=False, width=80)
    assert text == "¶ 4 ↔ 4 similarity 0.40\n[-Syngmann-]{+Syngman+} Rhee\n"
    assert "\x1b[" not in text
    across = Comparison("nine bombs", "бомбы", None, (AnchorCheck(Anchor("number", "9"), "a-only"),))
    assert "number 9: only in A" in comparison_text(Bead((0,), (0,), 1.0, "x"), across, False, False, 80)


def test_differs_ignores_identical_groups():
    assert not differs(Comparison("a", "a", word_diff("a", "a")))
    assert differs(Comparison("a", "b", word_diff("a", "b")))
    assert not differs(Comparison("5", "5", None, (AnchorCheck(Anchor("number", "5"), "both"),)))
