"""Facsimiles in a version's front matter: image files in the document's images/ folder or IIIF base URLs, each on
one archival sheet and optionally on paragraphs, checked in the reader's one pass."""

import os
from pathlib import Path

import pytest
from conftest import (
    DOCUMENT_YAML,
    VERSION_EN,
    VERSION_WITH_FACSIMILES,
    commit,
    git,
    tiny_png,
    with_facsimiles,
    write_files,
)

from versions.corpus import check_corpus, document_hashes, hashes, load_corpus
from versions.corpus.facsimiles import iiif_problem


def with_entries(root: Path, entries: str, images: dict[str, bytes] | None = None) -> Path:
    text = VERSION_WITH_FACSIMILES.replace(
        '  - {sheet: 86, image: l86.png, paragraphs: [1, 2]}\n'
        '  - {sheet: 86ob, iiif: "https://iiif.example.org/iiif/3/aprf-86ob"}\n', entries)
    return write_files(root, {"doc-1/aprf-copy.md": text,
                              **{f"doc-1/images/{name}": data for name, data in (images or {}).items()}})


def problems_of(root: Path) -> list[str]:
    return [str(found) for found in check_corpus(root)]


def test_a_version_lists_its_images_by_sheet_and_paragraph(small_corpus):
    copy = load_corpus(with_facsimiles(small_corpus)).documents[0].version("aprf-copy")
    local, remote = copy.facsimiles
    assert (local.sheet, local.image, local.path, local.iiif, local.paragraphs) == \
        ("86", "l86.png", "images/l86.png", None, (1, 2))
    assert (remote.sheet, remote.image, remote.iiif, remote.paragraphs) == \
        ("86ob", None, "https://iiif.example.org/iiif/3/aprf-86ob", ())
    assert (local.line, remote.line) == (6, 7)  # the line of each entry in the version file


def test_the_images_folder_is_part_of_the_document_not_an_unexpected_file(small_corpus):
    assert problems_of(with_facsimiles(small_corpus)) == []


def test_a_missing_image_file_is_named_with_its_line(small_corpus):
    with_facsimiles(small_corpus)
    (small_corpus / "doc-1/images/l86.png").unlink()
    assert problems_of(small_corpus) == [f"{small_corpus}/doc-1/aprf-copy.md:6: missing image file images/l86.png"]


@pytest.mark.parametrize("name", ["../en.md", "images/l86.png", "/etc/passwd", "..png", "a/../../b.png", ".hidden.png",
                                  "l 86.png", "l86.png%2f..", "C:\\\\l86.png", "l86..png"])
def test_an_image_is_a_plain_file_name_never_a_path(small_corpus, name):
    root = with_entries(small_corpus, f"  - {{sheet: 86, image: '{name}'}}\n", {"l86.png": tiny_png()})
    assert [line.split(": ", 1)[1].split(" (")[0] for line in problems_of(root)] == [
        f"image {name!r} is not a plain file name"]


def test_an_image_that_is_a_link_is_refused_even_inside_the_folder(small_corpus, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(tiny_png())
    root = with_entries(small_corpus, "  - {sheet: 86, image: l86.png}\n  - {sheet: 87, image: l87.png}\n",
                        {"l87.png": tiny_png()})
    os.symlink(outside, root / "doc-1/images/l86.png")
    message = "image images/l86.png is a symbolic link; facsimiles are files in images/"
    assert problems_of(root) == [f"{root}/doc-1/aprf-copy.md:6: {message}"]


def test_an_images_folder_linked_from_outside_the_corpus_is_refused(small_corpus, tmp_path):
    elsewhere = write_files(tmp_path / "elsewhere", {"l86.png": tiny_png()})
    root = with_entries(small_corpus, "  - {sheet: 86, image: l86.png}\n")
    os.symlink(elsewhere, root / "doc-1/images")
    assert "symbolic link leads outside" in problems_of(root)[0]


@pytest.mark.parametrize("entry, message", [
    ("{sheet: 86, image: l86.tif}", "image 'l86.tif' is not a .png, .jpg, .jpeg, .webp, .gif file"),
    ("{sheet: 86}", "a facsimile gives either 'image'"),
    ("{sheet: 86, image: l86.png, iiif: 'https://x.org/i/1'}", "a facsimile gives either 'image'"),
    ("{sheet: 86-87, image: l86.png}", "sheet '86-87' is not one sheet"),
    ("{sheet: 90, image: l86.png}", "sheet 90 is not among the listy 86-88 of APRF"),
    ("{sheet: 86, image: l86.png, paragraphs: [3]}", "paragraphs: 3 is beyond the version's last paragraph (2)"),
    ("{sheet: 86, image: l86.png, paragraphs: ['2-1']}", "paragraphs: '2-1' is not a paragraph number"),
    ("{sheet: 86, image: l86.png, paragraphs: [0]}", "paragraphs: '0' is not a paragraph number"),
    ("{sheet: 86, image: l86.png, page: 1}", "unknown field 'page'"),
    ("{sheet: 86, image: [l86.png]}", "field 'image' must be text, not a list"),
    ("l86.png", "each facsimile is a mapping"),
])
def test_each_fault_of_an_entry_is_one_line_naming_it(small_corpus, entry, message):
    root = with_entries(small_corpus, f"  - {entry}\n", {"l86.png": tiny_png()})
    found = problems_of(root)
    assert len(found) == 1 and found[0].startswith(f"{root}/doc-1/aprf-copy.md:6: {message}")


def test_a_sheet_listed_twice_and_its_verso_apart(small_corpus):
    root = with_entries(small_corpus, "  - {sheet: 86, image: l86.png}\n  - {sheet: 86 об., image: l86.png}\n"
                                      "  - {sheet: '86', image: l86.png}\n", {"l86.png": tiny_png()})
    assert problems_of(root) == [f"{root}/doc-1/aprf-copy.md:8: sheet 86 has two facsimiles"]


@pytest.mark.parametrize("url, fault", [
    ("https://iiif.example.org/iiif/3/abc", None),
    ("https://iiif.example.org/iiif/3/abc/", None),
    ("ftp://iiif.example.org/abc", "is not an http(s) URL"),
    ("javascript:alert(1)", "is not an http(s) URL"),
    ("https:///abc", "is not an http(s) URL"),
    ('https://x.org/a"onerror="b', "is not an http(s) URL"),
    ("https://x.org/iiif/abc/info.json", "is a request"),
    ("https://x.org/iiif/abc/full/max/0/default.jpg", "is a request"),
    ("https://x.org/iiif/abc?size=2", "has a query or a fragment"),
])
def test_a_iiif_address_is_a_base_url(url, fault):
    found = iiif_problem(url)
    assert (found is None) if fault is None else (fault in found)


def test_an_untranscribed_copy_may_have_images_but_no_paragraphs_on_them(small_corpus):
    copy = ("---\nkind: archival-copy\nlanguage: ru\narchive: APRF\ntranscribed: false\nfacsimiles:\n"
            "  - {sheet: 86, image: l86.png, paragraphs: [1]}\n---\n")
    root = write_files(small_corpus, {"doc-1/aprf-copy.md": copy, "doc-1/images/l86.png": tiny_png()})
    assert problems_of(root) == [
        f"{root}/doc-1/aprf-copy.md:7: paragraphs: 1 is beyond the version's last paragraph (0)"]


def test_the_images_count_in_the_hash_from_git_and_from_the_files_alike(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    with_facsimiles(write_files(repo / "translations", {"doc-1/document.yaml": DOCUMENT_YAML,
                                                        "doc-1/en.md": VERSION_EN}))
    commit(repo, "Corpus", {}, "2024-01-01T09:00:00+00:00")
    root = repo / "translations"
    from_git = document_hashes(root)
    tree = git(repo, "rev-parse", "HEAD:translations/doc-1").strip()
    assert hashes._tree_id(hashes.folder_files(root, root / "doc-1")) == tree
    monkeypatch.setattr(hashes, "_committed_trees", lambda root: {})
    assert document_hashes(root) == from_git


def test_outside_git_a_changed_image_changes_the_hash(small_corpus, monkeypatch):
    monkeypatch.setattr(hashes, "RACY_NS", 0)
    root = with_facsimiles(small_corpus)
    first = document_hashes(root)
    assert document_hashes(root, first) == first
    image = root / "doc-1/images/l86.png"
    image.write_bytes(tiny_png(255))
    os.utime(image, ns=(1, 1))  # the same times as before cannot hide it: the size or inode or ctime differ
    assert document_hashes(root, first)["doc-1"].content_hash != first["doc-1"].content_hash
