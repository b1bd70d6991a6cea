"""The pairing of what the search leaves unlinked: moves found among many leftovers."""

from conftest import generated_document
from versions.align import leftovers
from versions.align.pairwise import _scorer


def everything_left_over(n: int, m: int) -> list[tuple[int, int, int, int]]:
    return [(i, i + 1, 0, 0) for i in range(n)] + [(n, n, j, j + 1) for j in range(m)]


def test_many_leftovers_are_paired_through_shared_keys_as_all_pairs_would_be(monkeypatch):
    texts, other = generated_document(150, index=20), generated_document(150, index=21)
    a = texts["aprf-copy"]
    b = [*other["aprf-copy"][:60], a[5], *other["aprf-copy"][60:100], texts["en-revised"][7], a[90]]
    path = everything_left_over(len(a), len(b))
    every_pair = leftovers._pair_moves(_scorer(a, b, "ru", "ru", True), path, frozenset())
    monkeypatch.setattr(leftovers, "MOVE_PAIRS", 100)
    by_keys = leftovers._pair_moves(_scorer(a, b, "ru", "ru", True), path, frozenset())
    assert by_keys == every_pair
    assert by_keys[5][0] == 60 and by_keys[90][0] == len(b) - 1
