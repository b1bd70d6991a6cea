"""The guide tree: which version is aligned with which, and the table composed from those pairs (gold rows)."""

import re
from pathlib import Path

import pytest

from versions.align import Correction, align_versions, guide_tree

GUIDE = Path(__file__).parent / "data" / "guide"
RU_COPIES = {"copy-a": "ru", "copy-b": "ru", "copy-c": "ru"}


def test_copies_of_one_text_are_aligned_with_the_first_of_them_and_it_with_its_translation():
    languages = {"en": "en", **RU_COPIES}
    parents = guide_tree("en", ["en", "copy-a", "copy-b", "copy-c"], languages, {"en": ["copy-b"]})
    assert parents == {"copy-b": "en", "copy-a": "copy-b", "copy-c": "copy-b"}


def test_a_revision_hangs_from_what_it_revises_before_another_version_of_its_language():
    languages = {"en": "en", "other-en": "en", "revised": "en", "ru": "ru"}
    derivations = {"revised": ["other-en"]}
    parents = guide_tree("en", ["en", "ru", "other-en", "revised"], languages, derivations)
    assert list(parents) == ["other-en", "revised", "ru"]  # closest first
    assert parents["revised"] == "other-en"
    assert parents["ru"] == "en"  # no link recorded: with the base


def test_copies_in_two_scripts_of_one_language_are_copies_of_one_text():
    languages = {"en": "en", "zh": "zh", "zh-trad": "zh-Hant", "ru": "ru"}
    parents = guide_tree("en", ["en", "ru", "zh", "zh-trad"], languages, {"zh": ["en"]})
    assert parents == {"zh": "en", "zh-trad": "zh", "ru": "en"}


def test_a_translation_of_a_copy_is_aligned_with_that_copy():
    languages = {"en": "en", "ru": "ru", "de": "de"}
    assert guide_tree("en", ["en", "ru", "de"], languages, {"de": ["ru"]}) == {"ru": "en", "de": "ru"}


def test_a_copy_transcribed_in_part_is_nobodys_parent():
    languages = {"en": "en", "partial-ru": "ru", "whole-ru": "ru"}
    versions = ["en", "partial-ru", "whole-ru"]
    assert guide_tree("en", versions, languages)["whole-ru"] == "partial-ru"
    parents = guide_tree("en", versions, languages, partial={"partial-ru"})
    assert parents == {"partial-ru": "en", "whole-ru": "en"}


def paragraphs(path: Path) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")) if p.strip()]


def gold_rows(path: Path) -> list[dict[str, tuple[int, ...]]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = re.findall(r"([\w-]+):\[([\d,]*)\]", line)
        rows.append({version: tuple(int(n) for n in found.split(",") if n) for version, found in cells})
    return rows


@pytest.fixture(scope="module")
def ru_copies():
    folder = GUIDE / "copies-ru"
    texts = {name: paragraphs(folder / f"{name}.md") for name in ("en", *RU_COPIES)}
    return texts, {"en": "en", **RU_COPIES}, gold_rows(folder / "gold.txt")


def test_copies_of_one_russian_text_align_through_the_guide_tree(ru_copies):
    texts, languages, gold = ru_copies
    table = align_versions("en", texts, languages, derivations={"en": ["copy-a"]})
    assert table.parents == {"copy-a": "en", "copy-b": "copy-a", "copy-c": "copy-a"}
    assert table.rows() == gold
    split = table.groups[table.group_of("copy-c", 4)].members["copy-c"]
    assert (split.paragraphs, split.bead, split.via, split.method) == ((4, 5), "1-2", "copy-a", "same-language")


def test_a_correction_between_two_copies_constrains_their_own_alignment(ru_copies):
    texts, languages, _ = ru_copies
    forbid = Correction.from_refs("forbid", "copy-a/6", "copy-b/7")  # the paragraph that reads "9" for "девять"
    table = align_versions("en", texts, languages, [forbid], derivations={"en": ["copy-a"]})
    assert table.group_of("copy-a", 5) != table.group_of("copy-b", 6)
    assert not any(5 in bead.a and 6 in bead.b for bead in table.pair_beads["copy-b"])  # in the pair's own search
