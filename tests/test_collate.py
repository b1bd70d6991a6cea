import pytest

from conftest import write_files

from versions.collate import collate, compare, compare_segments, group_text
from versions.corpus import load_corpus, load_document
from versions.normalize import NONE, Normalization
from versions.segment import split_body


def shipped_collation(shipped_corpus):
    return collate(load_document(shipped_corpus, "telegram-23256"))


def test_every_transcribed_paragraph_is_in_exactly_one_group(shipped_corpus):
    collation = shipped_collation(shipped_corpus)
    document = collation.document
    assert collation.table.versions[0] == "wilson-en"
    assert set(collation.table.versions) == {v.id for v in document.transcribed_versions}
    for version in document.transcribed_versions:
        placed = [i for group in collation.table.groups for i in group.paragraphs(version.id)]
        assert sorted(placed) == list(range(len(version.paragraphs)))


def test_variance_per_group_between_zero_and_one(shipped_corpus):
    collation = shipped_collation(shipped_corpus)
    assert len(collation.variances) == len(collation.table.groups)
    assert all(0.0 <= v <= 1.0 for v in collation.variances)


def test_same_language_versions_get_diffs_and_others_anchor_checks(shipped_corpus):
    collation = shipped_collation(shipped_corpus)
    revised = [c for (_, version), c in collation.comparisons.items() if version == "en-revised"]
    russian = [c for (_, version), c in collation.comparisons.items() if version == "ru-rendering"]
    assert all(c.diff is not None for c in revised)
    assert any(("Syngmann" in c.text_a and "Syngman Rhee" in c.text_b) for c in revised)
    assert all(c.diff is None for c in russian)
    assert any(check.anchor.value == "23256" and check.side == "both" for c in russian for check in c.anchors)


def test_a_dropped_number_is_reported_across_languages():
    comparison = compare("one enemy plane dropped nine bombs on 22 August", "вражеский самолёт сбросил бомбы",
                         "en", "ru", NONE)
    missing = {(check.anchor.kind, check.anchor.value) for check in comparison.anchors if check.side == "a-only"}
    assert ("number", "9") in missing or ("date", "08-22") in missing
    assert comparison.dissimilarity > 0
    assert comparison.ops == [(-1, comparison.text_a), (1, comparison.text_b)]


@pytest.mark.parametrize("language, base, rewritten, dropped", [
    ("en", "On 27 August 9 planes bombed Kaesong.", "On the twenty-seventh of August nine planes bombed Kaesong.",
     "On 27 August planes bombed the city."),
    ("ru", "27 августа 9 самолётов бомбили Кэсон.", "Двадцать седьмого августа девять самолётов бомбили Кэсон.",
     "Самолёты бомбили город."),
    ("zh", "八月二十七日九架飞机轰炸开城。", "八月感日九架飛機轟炸開城。", "八月二十七日飞机轰炸该城。"),
])
def test_a_copy_in_the_same_language_that_drops_a_number_gets_the_missing_report(language, base, rewritten, dropped):
    same = compare(base, rewritten, language, language, NONE)
    assert same.diff is not None and same.diff.similarity < 1.0  # the words differ ...
    assert same.anchors and all(check.side == "both" for check in same.anchors)  # ... what they say does not
    missing = {(c.anchor.kind, c.anchor.value) for c in compare(base, dropped, language, language, NONE).anchors
               if c.side == "a-only"}
    assert ("number", "9") in missing
    assert missing & {("name", "kaesong"), ("date", "08-27")}


def test_group_text_keeps_the_separators_of_the_file(small_corpus):
    write_files(small_corpus, {"doc-1/en.md": "---\nkind: translation\nlanguage: en\n---\nOne.\n\n\nTwo.\n"})
    version = load_corpus(small_corpus).documents[0].version("en")
    assert group_text(version, (0, 1)) == "One.\n\n\nTwo."


def test_compare_segments_diffs_each_bead():
    _, a = split_body("The enemy dropped nine bombs on Kaesong.\n\nWe suppose the enemy will not acknowledge it.")
    _, b = split_body("The enemy dropped nine bombs on Kaesong.\n\nWe suppose the enemy will never acknowledge it.")
    compared = compare_segments(a, b, "en", "en", Normalization.parse("case"))
    assert [(bead.a, bead.b) for bead, _ in compared] == [((0,), (0,)), ((1,), (1,))]
    assert compared[0][1].diff.similarity == 1.0
    assert compared[1][1].diff.replaced == 1


def test_corrections_are_applied(small_corpus):
    write_files(small_corpus, {
        "doc-1/en-2.md": "---\nkind: translation\nlanguage: en\n---\nCompletely different words.\n\nMao Zedong.\n",
        "doc-1/alignment.yaml": "pin:\n  - [en/2, en-2/1]\n",
    })
    collation = collate(load_corpus(small_corpus).documents[0])
    [group] = [g for g in collation.table.groups if 0 in g.paragraphs("en-2")]
    assert group.paragraphs("en") == (1,)


def test_nothing_transcribed_gives_no_collation(small_corpus):
    (small_corpus / "doc-1" / "en.md").unlink()
    write_files(small_corpus, {"doc-1/document.yaml": "title: T\ndate: 1951\noriginal_language: ru\narchival_refs:\n  - archive: APRF\n"})
    assert collate(load_corpus(small_corpus).documents[0]) is None


def test_stretches_compare_the_groups_as_the_whole_does(shipped_corpus):
    collation = shipped_collation(shipped_corpus)
    stretches = list(collation.stretches(4))
    assert [s.indexes[0] for s in stretches] == list(range(0, len(collation.table.groups), 4))
    assert [v for s in stretches for v in s.variances] == collation.variances
    assert {key: c for s in stretches for key, c in s.comparisons.items()} == collation.comparisons


def test_stretches_leave_out_the_groups_skipped(shipped_corpus):
    collation = shipped_collation(shipped_corpus)
    skip = {1, 4, len(collation.table.groups) - 1}
    stretches = list(collation.stretches(4, skip))
    kept = [index for index in range(len(collation.table.groups)) if index not in skip]
    assert [index for s in stretches for index, _ in s.indexed()] == kept
    assert [v for s in stretches for v in s.variances] == [collation.variances[index] for index in kept]
    assert {key for s in stretches for key in s.comparisons} == {
        key for key in collation.comparisons if key[0] not in skip}


def test_a_comparison_read_back_from_its_json_is_the_same(shipped_corpus):
    from versions.collate import Comparison

    for comparison in shipped_collation(shipped_corpus).comparisons.values():
        again = Comparison.from_json(comparison.text_a, comparison.text_b, comparison.to_json())
        assert again == comparison


def test_copies_of_one_text_are_diffed_with_each_other(tmp_path):
    from conftest import COPIES_DOCUMENT, copies_corpus

    collation = collate(load_corpus(copies_corpus(tmp_path / "translations")).documents[0])
    assert collation.document.id == COPIES_DOCUMENT
    assert collation.copy_pairs == [("copy-a", "copy-b"), ("copy-a", "copy-c"), ("copy-b", "copy-c")]
    copies = collation.whole.copies
    assert all(comparison.diff is not None for comparison in copies.values())
    stamp = collation.table.group_of("copy-b", 1)  # a line only copy B has
    assert (stamp, "copy-a", "copy-c") not in copies  # nothing on either side: no diff
    assert copies[(stamp, "copy-a", "copy-b")].diff.inserted == 4
    number = collation.table.group_of("copy-b", 6)
    assert copies[(number, "copy-a", "copy-b")].diff.replaced == 1  # девять / 9


ZH_COPY = "---\nkind: {kind}\nlanguage: {language}\n{extra}---\n{text}\n"
ZH_SIMPLIFIED = "毛泽东致菲利波夫。\n\n八月二十二日夜，敌机轰炸开城会场。\n\n我们要求停止谈判三天。"
ZH_TRADITIONAL = "毛澤東致菲利波夫。\n\n八月二十二日夜，敵機轟炸開城會場。\n\n我們要求停止談判五天。"


def test_a_copy_in_traditional_characters_is_a_copy_of_one_in_simplified(tmp_path):
    """zh-Hant is Chinese: the two copies are aligned and diffed with each other, the script folded, so that only
    the word that differs (three days / five days) is a variant."""
    corpus = write_files(tmp_path / "translations", {
        "doc/document.yaml": "title: Two scripts (illustrative)\ndate: 1951-08-23\noriginal_language: zh\nbase: zh\n",
        "doc/zh.md": ZH_COPY.format(kind="original", language="zh", extra="", text=ZH_SIMPLIFIED),
        "doc/zh-trad.md": ZH_COPY.format(
            kind="edition", language="zh-Hant", extra="derived_from: zh\n", text=ZH_TRADITIONAL),
        "doc/en.md": ZH_COPY.format(kind="translation", language="en", extra="derived_from: zh\n", text=(
            "Mao Zedong to Filippov.\n\nOn the night of 22 August enemy planes bombed the conference site at "
            "Kaesong.\n\nWe demand that the talks stop for three days.")),
    })
    collation = collate(load_corpus(corpus).documents[0])
    assert collation.document.base == "zh"
    diffs = [collation.whole.comparisons[(n, "zh-trad")].diff for n in range(3)]
    assert [diff.replaced + diff.inserted + diff.deleted for diff in diffs[:2]] == [0, 0]
    assert diffs[2].similarity < 1.0


def test_rows_a_partial_copy_has_not_transcribed_are_compared_with_nothing(telegram_corpus):
    from conftest import transcribe_in_part

    collation = collate(load_corpus(transcribe_in_part(telegram_corpus)).documents[0])
    lacunae = [k for k, group in enumerate(collation.table.groups) if group.members["rgaspi-copy"].untranscribed]
    held = [k for k, group in enumerate(collation.table.groups) if group.paragraphs("rgaspi-copy")]
    assert len(held) == 5 and len(lacunae) == len(collation.table.groups) - 5
    assert not any((k, "rgaspi-copy") in collation.comparisons for k in lacunae)
    assert all((k, "rgaspi-copy") in collation.comparisons for k in held)


@pytest.mark.parametrize("beyond", [0, 1])
def test_a_long_document_lets_go_of_the_model_once_it_is_aligned(tmp_path, monkeypatch, beyond):
    """Its comparisons and rows need no vectors: the model's weights need not sit beside them."""
    from conftest import benchmarks_generate

    import versions.collate

    generate = benchmarks_generate()
    corpus = generate.generate(tmp_path / "translations", documents=1, versions=4, paragraphs=10)
    document = load_document(corpus, generate.document_id(0))
    calls = []
    monkeypatch.setattr(versions.collate.embeddings, "let_go", lambda: calls.append(1))
    monkeypatch.setattr(versions.collate, "LET_GO_OF_MODEL", sum(len(v.paragraphs) for v in document.versions) + beyond)
    collate(document)
    assert len(calls) == (beyond == 0)
