"""browse.variance: marks that hide no difference, and the overview of a whole document in bins."""

import sqlite3

from conftest import COPIES_DOCUMENT

from versions.browse import variance_mark, variance_overview, words_mark


def test_any_difference_gets_a_mark():
    assert variance_mark(0.0) == 0
    assert variance_mark(0.004) == 1  # one word in a 300-word paragraph rounds to 0, and still shows
    assert variance_mark(0.5) == 5 and variance_mark(1.0) == 10


def test_height_grows_with_the_changed_words_on_a_log_scale():
    assert words_mark(0) == 0
    assert words_mark(0, variance=0.3) == 1  # a difference that changed no word (a missing line across languages)
    marks = [words_mark(words) for words in (1, 2, 4, 8, 16, 32, 1000)]
    assert marks == sorted(marks) and marks[0] == 3 and marks[-1] == 10 and marks[-2] == 10


def test_the_overview_bins_the_rows_of_the_whole_document(copies_db):
    with sqlite3.connect(copies_db) as conn:
        rows = variance_overview(conn, COPIES_DOCUMENT, f"{COPIES_DOCUMENT}/en", True, [], bins=20)
        binned = variance_overview(conn, COPIES_DOCUMENT, f"{COPIES_DOCUMENT}/en", True, [], bins=4)
        stored = dict(conn.execute("select n, variance from alignment_groups where document_id = ?", [COPIES_DOCUMENT]))
    assert [(b.first, b.last) for b in rows] == [(n, n) for n in range(1, 12)]
    assert [b.variance for b in rows] == [stored[n] for n in range(1, 12)]
    assert [(b.first, b.last) for b in binned] == [(1, 3), (4, 6), (7, 9), (10, 11)]
    assert binned[0].variance == max(b.variance for b in rows[:3])
    assert sum(b.words for b in binned) == sum(b.words for b in rows)
    assert binned[0].label == "rows 1–3" and rows[0].label == "row 1"
    assert binned[1].words_mark == words_mark(-(-binned[1].words // 3), binned[1].variance)  # words per row


def test_the_overview_against_a_copy_reads_the_stored_copy_diffs(copies_db):
    copies = [f"{COPIES_DOCUMENT}/{name}" for name in ("copy-a", "copy-b", "copy-c")]
    with sqlite3.connect(copies_db) as conn:
        against_b = variance_overview(conn, COPIES_DOCUMENT, copies[1], False, copies)
        words_of_b = conn.execute(
            "select g.n from diffs d join alignment_groups g on g.id = d.group_id "
            "where d.base_version_id = ? and d.version_id = ? and d.replaced > 0 order by g.n", copies[:2]).fetchall()
    for (n,) in words_of_b:  # девять / 9, ждать / выжидать: copies A and C read alike there, B differs by one word
        assert against_b[n - 1].words == 2 and 0 < against_b[n - 1].variance < 0.1
