"""store.rows: a document's rows handed over in batches, a long document's groups a stretch at a time."""

from conftest import benchmarks_generate

from versions.collate import collate
from versions.corpus import load_document
from versions.history import version_histories
from versions.identity import document_keys, with_corrections_resolved
from versions.store import rows

COLLATION_TABLES = ("alignment_groups", "alignment_members", "diffs", "anchors")


def test_groups_come_a_stretch_at_a_time_and_add_up_to_the_whole(tmp_path, monkeypatch):
    generate = benchmarks_generate()
    corpus = generate.generate(tmp_path / "translations", documents=1, paragraphs=40)
    document = load_document(corpus, generate.document_id(0))
    monkeypatch.setattr(rows, "STRETCH_COMPARISONS", 7 * 4)  # 4 versions: 3 compared with the base, 1 pair of copies
    batches = list(rows.document_rows(document))
    stretches = [batch for batch in batches if "alignment_groups" in batch]
    assert len(stretches) >= 5 and all(len(batch["alignment_groups"]) <= 7 for batch in stretches)
    assert not any(table in batch for batch in batches if batch not in stretches for table in COLLATION_TABLES)
    keys = document_keys(document, version_histories(document))
    whole = rows.collation_rows(collate(with_corrections_resolved(document, keys)), keys)
    for table in COLLATION_TABLES:
        assert [row for batch in stretches for row in batch[table]] == whole[table]


def test_each_version_comes_with_its_paragraphs(tmp_path):
    generate = benchmarks_generate()
    corpus = generate.generate(tmp_path / "translations", documents=1, paragraphs=12)
    document = load_document(corpus, generate.document_id(0))
    with_versions = [batch for batch in rows.document_rows(document) if "versions" in batch]
    assert [len(batch["versions"]) for batch in with_versions] == [1] * len(document.versions)
    for batch in with_versions:
        [version] = batch["versions"]
        assert {row["version_id"] for row in batch["paragraphs"]} == {version["id"]}
        assert version["word_count"] == sum(row["words"] for row in batch["paragraphs"])


def test_a_document_of_many_versions_is_compared_in_shorter_stretches(tmp_path, monkeypatch):
    """What a stretch holds grows with its comparisons: a group of 8 versions asks for more than one of 4."""
    generate = benchmarks_generate()
    corpus = generate.generate(tmp_path / "translations", documents=1, versions=8, paragraphs=20)
    document = load_document(corpus, generate.document_id(0))
    monkeypatch.setattr(rows, "STRETCH_COMPARISONS", 7 * 4)
    per_group = collate(document).comparisons_per_group
    assert per_group > 4
    stretches = [batch for batch in rows.document_rows(document) if "alignment_groups" in batch]
    assert len(stretches) >= 2
    assert all(len(batch["alignment_groups"]) <= max(1, 7 * 4 // per_group) for batch in stretches)
