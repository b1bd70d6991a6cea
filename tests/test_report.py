from versions.collate import compare
from versions.normalize import NONE
from versions.report import diff_page


def test_diff_page_is_standalone_and_escapes_everything():
    same = compare("nine bombs", "nine <b>bombs</b>", "en", "en", NONE)
    across = compare("nine bombs on 22 August", "бомбы", "en", "ru", NONE)
    page = diff_page("<script>alert(1)</script>", "a.txt", '"><img src=x>', [("[0]:[0]", same), ("[1]:[1]", across)])
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<img" not in page and "<b>" not in page
    assert "<ins>" in page or "<ins " in page
    assert "only in a.txt" in page
