"""The ``covers`` field of a partial version: read, checked against the document, reported by file and line."""

import pytest

from conftest import DOCUMENT_YAML, VERSION_EN, write_files
from versions.corpus import check_corpus, load_corpus

PARTIAL_COPY = """\
---
kind: archival-copy
language: ru
archive: APRF
covers: {covers}
---
19 августа вражеские войска совершили налёт на нашу охрану в нейтральной зоне в Кэсоне.
"""


def corpus_with(tmp_path, covers: str, base: str = "en"):
    return write_files(tmp_path / "translations", {
        "doc-1/document.yaml": DOCUMENT_YAML.replace("base: en", f"base: {base}"),
        "doc-1/en.md": VERSION_EN,
        "doc-1/aprf-copy.md": PARTIAL_COPY.format(covers=covers),
    })


def said(problem) -> str:
    """The problem's line, its path from the document folder on."""
    return str(problem)[str(problem).index("doc-1/"):]


@pytest.mark.parametrize("covers, paragraphs, sheets, shown", [
    ("2", [range(1, 2)], [], "2"),
    ('"2-3"', [range(1, 3)], [], "2-3"),
    ('"l. 86-87"', [], [range(86, 88)], "l. 86-87"),
    ('["л. 87", 2]', [range(1, 2)], [range(87, 88)], "2, l. 87"),
    ('["ll. 86–87", "1-2"]', [range(2)], [range(86, 88)], "1-2, l. 86-87"),
])
def test_a_partial_copy_declares_paragraphs_or_sheets(tmp_path, covers, paragraphs, sheets, shown):
    [document] = load_corpus(corpus_with(tmp_path, covers)).documents
    coverage = document.version("aprf-copy").covers
    assert list(coverage.paragraphs) == paragraphs and list(coverage.sheets) == sheets
    assert str(coverage) == shown
    assert coverage.line == 5
    assert document.version("en").covers is None


def test_what_a_coverage_holds(tmp_path):
    [document] = load_corpus(corpus_with(tmp_path, '["1", "3"]')).documents
    coverage = document.version("aprf-copy").covers
    assert coverage.covered == [0, 2]
    [document] = load_corpus(corpus_with(tmp_path / "sheets", '"l. 86"')).documents
    assert document.version("aprf-copy").covers.covered is None


@pytest.mark.parametrize("covers, message", [
    ('"seven"', "'covers' item 'seven' is neither paragraphs ('7-9') nor sheets ('l. 86-87')"),
    ("true", "'covers' item True is neither paragraphs"),
    ('"3-1"', "'covers' item '3-1' runs backwards or starts below 1"),
    ("0", "'covers' item 0 runs backwards or starts below 1"),
    ("[]", "'covers' is empty"),
    ('["1-2", "2"]', "'covers' names paragraphs twice (1-2 and 2 overlap)"),
    ('"2-9"', "'covers' names paragraph 9 but the base has 3"),
    ('"l. 80-86"', "'covers' names sheets 80-86 outside the archival reference's listy 86-88"),
    ("{a: 1}", "field 'covers' must be text or a number or a list, not a mapping"),
])
def test_a_bad_coverage_is_one_line_naming_file_and_line(tmp_path, covers, message):
    [problem] = check_corpus(corpus_with(tmp_path, covers))
    assert said(problem).startswith("doc-1/aprf-copy.md:5: " + message)


def test_the_base_cannot_cover_its_own_paragraphs(tmp_path):
    [problem] = check_corpus(corpus_with(tmp_path, '"1"', base="aprf-copy"))
    assert said(problem) == "doc-1/aprf-copy.md:5: the base cannot cover paragraphs of itself; name sheets instead"


def test_an_untranscribed_copy_covers_nothing(tmp_path):
    root = corpus_with(tmp_path, '"1"')
    (root / "doc-1/aprf-copy.md").write_text(
        "---\nkind: archival-copy\nlanguage: ru\narchive: APRF\ntranscribed: false\ncovers: '1'\n---\n")
    [problem] = check_corpus(root)
    assert said(problem) == "doc-1/aprf-copy.md:6: 'covers' on a version with 'transcribed: false'"


def test_a_partial_copy_is_not_the_default_base(tmp_path):
    root = corpus_with(tmp_path, '"l. 86"')
    (root / "doc-1/document.yaml").write_text(DOCUMENT_YAML.replace("base: en\n", ""))
    (root / "doc-1/ru.md").write_text(PARTIAL_COPY.replace("archival-copy", "original").replace("covers: {covers}\n", ""))
    [document] = load_corpus(root).documents
    assert document.base == "ru"
