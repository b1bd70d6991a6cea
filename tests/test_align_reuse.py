"""Re-aligning after an edit: the previous alignment is kept away from the changes, the rest searched again."""

import pytest
from conftest import GENERATED_LANGUAGES, generated_document

from versions.align import Previous, align, align_versions, pairwise
from versions.align.reuse import unchanged


def test_unchanged_paragraphs_are_matched_in_order():
    old = ["a", "b", "c", "d", "e", "f"]
    new = ["a", "b", "x", "d", "f", "e"]  # c edited, e and f swapped
    matched = unchanged(old, new)
    assert matched[0] == 0 and matched[1] == 1 and matched[3] == 3
    assert 2 not in matched
    assert sorted(matched.values()) == [matched[k] for k in sorted(matched)]  # in order on both sides
    assert unchanged(old, old) == {k: k for k in range(6)}
    assert unchanged([], new) == {}


def edited(paragraphs: list[str], at: int) -> list[str]:
    """The paragraphs with one word of one paragraph replaced."""
    words = paragraphs[at].split()
    words[len(words) // 2] = "word" if words[0].isascii() else "слово"
    return [*paragraphs[:at], " ".join(words), *paragraphs[at + 1 :]]


def realigned(monkeypatch, texts: tuple, now: tuple, languages: tuple) -> tuple[list, list]:
    """Align the pair (a, b), edit it into ``now`` and align it again from the first alignment: the beads, and the
    stretches the second alignment searched."""
    a, b = texts
    previous = Previous.of(a, b, align(a, b, *languages))
    stretches = []
    search = pairwise._best_path

    def spy(scorer, stretch, constraints, **options):
        stretches.append(stretch)
        return search(scorer, stretch, constraints, **options)

    with monkeypatch.context() as patch:
        patch.setattr(pairwise, "_best_path", spy)
        return align(*now, *languages, previous=previous), stretches


def links(beads) -> list:
    return [(bead.a, bead.b, bead.method, bead.moved) for bead in beads]


EDITS = {
    "one word": lambda a: edited(a, len(a) // 2),
    "paragraph inserted": lambda a: [*a[:100], "Вставленный абзац о переговорах в Кэсоне 5 августа.", *a[100:]],
    "paragraph deleted": lambda a: [*a[:150], *a[151:]],
    "first and last edited": lambda a: edited(edited(a, 0), len(a) - 1),
}


@pytest.mark.parametrize("version", ["aprf-copy", "en-translation", "en-revised"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_a_realignment_equals_a_full_alignment(monkeypatch, version, edit):
    texts = generated_document(400, index=3)
    a, b = texts["original"], texts[version]
    languages = ("ru", GENERATED_LANGUAGES[version])
    now = EDITS[edit](a)
    again, stretches = realigned(monkeypatch, (a, b), (now, b), languages)
    assert sum(stretch.bottom - stretch.top for stretch in stretches) <= 12
    assert links(again) == links(align(now, b, *languages))


def test_an_edit_of_the_other_side_is_realigned_too(monkeypatch):
    texts = generated_document(300, index=5)
    a, b = texts["original"], texts["aprf-copy"]
    now = edited(b, 120)
    again, stretches = realigned(monkeypatch, (a, b), (a, now), ("ru", "ru"))
    assert len(stretches) == 1 and stretches[0].left <= 120 < stretches[0].right
    assert links(again) == links(align(a, now, "ru", "ru"))


def test_a_one_word_edit_of_a_long_version_searches_only_its_neighbourhood(monkeypatch):
    texts = generated_document(5000, index=1)
    a, b = texts["original"], texts["aprf-copy"]
    _, stretches = realigned(monkeypatch, (a, b), (edited(a, 2500), b), ("ru", "ru"))
    assert len(stretches) == 1
    assert stretches[0].top <= 2500 < stretches[0].bottom and stretches[0].size <= 4


def test_a_pair_unchanged_since_its_previous_alignment_is_not_searched(monkeypatch):
    texts = generated_document(200, index=6)
    a, b = texts["original"], texts["en-translation"]
    again, stretches = realigned(monkeypatch, (a, b), (a, b), ("ru", "en"))
    assert stretches == []
    assert links(again) == links(align(a, b, "ru", "en"))


def test_nothing_is_kept_that_a_new_correction_names():
    texts = generated_document(200, index=2)
    a, b = texts["original"], texts["aprf-copy"]
    before = align(a, b, "ru", "ru")
    link = next(bead for bead in before if len(bead.a) == len(bead.b) == 1 and bead.a[0] > 50)
    forbidden = [(link.a[0], link.b[0])]
    again = align(a, b, "ru", "ru", forbidden=forbidden, previous=Previous.of(a, b, before))
    assert all(not (link.a[0] in bead.a and link.b[0] in bead.b) for bead in again)
    assert links(again) == links(align(a, b, "ru", "ru", forbidden=forbidden))


def test_versions_are_realigned_from_the_table_pairs():
    texts = generated_document(120, index=4)
    table = align_versions("original", texts, GENERATED_LANGUAGES)
    assert set(table.pair_beads) == {"en-translation", "aprf-copy", "en-revised"}
    previous = {
        version: Previous.of(texts["original"], texts[version], beads)
        for version, beads in table.pair_beads.items()
    }
    now = {**texts, "original": edited(texts["original"], 60)}
    again = align_versions("original", now, GENERATED_LANGUAGES, previous=previous)
    assert again.rows() == align_versions("original", now, GENERATED_LANGUAGES).rows()
