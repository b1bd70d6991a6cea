"""Row URLs that never move: every row page shows the same readings after versions and paragraphs are
added, edited, merged or pinned to a commit (datasette.client)."""

import html
import re
import shutil
from pathlib import Path

from datasette.app import Datasette

from conftest import (
    DOC,
    git,
    write_files,
)
from versions.store import build


# Row URLs that never move ---------------------------------------------------------------------------------------------

_READING = re.compile(r'<li id="reading-(?P<slug>[a-z0-9-]+)" class="reading">.*?<div class="text"[^>]*>(?P<text>.*?)</div>',
                      re.DOTALL)


async def _row_urls(ds, document: str) -> list[str]:
    """Every row page the document's alignment table links to."""
    text = (await ds.client.get(f"/-/versions/{document}")).text
    return list(dict.fromkeys(re.findall(rf'href="(/-/versions/{document}/p/[^"#?]+)"', text)))


async def _readings(ds, url: str) -> dict[str, str]:
    """Version slug -> the text of its reading (markup dropped) on the row page at ``url``, after any redirect."""
    response = await ds.client.get(url)
    if response.status_code == 302:
        response = await ds.client.get(response.headers["location"])
    assert response.status_code == 200, url
    return {m["slug"]: html.unescape(re.sub(r"<[^>]+>", "", m["text"])).strip() for m in _READING.finditer(response.text)}


async def _every_reading(db_path: Path, document: str, urls=None) -> dict[str, dict[str, str]]:
    ds = Datasette([str(db_path)], metadata={"plugins": {"versions": {"columns_per_page": 50}}})
    await ds.invoke_startup()
    urls = urls if urls is not None else await _row_urls(ds, document)
    return {url: await _readings(ds, url) for url in urls}


def _add_paragraph_at_the_top(path: Path, paragraph: str) -> None:
    text = path.read_text(encoding="utf-8")
    front, _, body = text.partition("\n---\n")
    path.write_text(f"{front}\n---\n{paragraph}\n\n{body}", encoding="utf-8")


async def test_every_row_url_shows_the_same_readings_after_versions_and_paragraphs_are_added(shipped_corpus, tmp_path):
    db_path = tmp_path / "versions.db"
    build(shipped_corpus, db_path)
    before = await _every_reading(db_path, DOC)
    assert len(before) > 14
    folder = shipped_corpus / DOC
    _add_paragraph_at_the_top(folder / "wilson-en.md", "A note placed before the telegram, written for this test.")
    _add_paragraph_at_the_top(folder / "ru-rendering.md", "Примечание, написанное для этой проверки.")
    # an aside in a same-language version, beside a close rendering of the base: once absorbed into that row
    _insert_paragraph(folder / "en-independent.md", "Admittedly",
                      "An aside of the translator about the weather in Kaesong that week, written for this test.")
    (folder / "en-second-copy.md").write_text((folder / "en-independent.md").read_text(encoding="utf-8").replace(
        "label: ", "label: Second copy of ", 1), encoding="utf-8")
    build(shipped_corpus, db_path)
    after = await _every_reading(db_path, DOC, list(before))
    moved = [url for url in before if {slug: after[url].get(slug) for slug in before[url]} != before[url]]
    assert moved == []


def _insert_paragraph(path: Path, before: str, paragraph: str) -> None:
    """``paragraph`` placed before the paragraph of the file that starts with ``before``."""
    text = path.read_text(encoding="utf-8")
    assert text.count(f"\n\n{before}") == 1
    path.write_text(text.replace(f"\n\n{before}", f"\n\n{paragraph}\n\n{before}"), encoding="utf-8")


def _own_paragraphs(reading: str) -> list[str]:
    return [paragraph.strip() for paragraph in reading.split("\n\n") if paragraph.strip()]


async def _own_readings(ds, url: str) -> dict[str, str]:
    """Version slug -> the version's own text on the row page at ``url`` (the base's words it lacks dropped)."""
    response = await ds.client.get(url)
    if response.status_code == 302:
        response = await ds.client.get(response.headers["location"])
    assert response.status_code == 200, url
    page = re.sub(r"<del[^>]*>.*?</del>", "", response.text, flags=re.DOTALL)
    return {m["slug"]: html.unescape(re.sub(r"<[^>]+>", "", m["text"])).strip() for m in _READING.finditer(page)}


async def test_every_row_url_still_shows_its_paragraphs_after_paragraphs_in_the_middle_and_a_version(
        shipped_corpus, tmp_path):
    """Built in place as the hidden check does: paragraphs added at the top and in the middle of versions (the base
    among them) and a version added; every reading an address showed is still there, paragraph for paragraph."""
    db_path = tmp_path / "versions.db"
    build(shipped_corpus, db_path)
    ds = Datasette([str(db_path)], metadata={"plugins": {"versions": {"columns_per_page": 50}}})
    urls = await _row_urls(ds, DOC)
    before = {url: await _own_readings(ds, url) for url in urls}
    folder = shipped_corpus / DOC
    _add_paragraph_at_the_top(folder / "wilson-en.md", "A note placed before the telegram, written for this test.")
    _insert_paragraph(folder / "wilson-en.md", "The dragging out", "An aside on the talks, written for this test.")
    _insert_paragraph(folder / "ru-rendering.md", "Затяжка переговоров", "Отступление, написанное для проверки.")
    _insert_paragraph(folder / "en-revised.md", "Second, it is possible", "A remark of the reviser, for this test.")
    (folder / "ru-copy.md").write_text((folder / "ru-rendering.md").read_text(encoding="utf-8").replace(
        "label: ", "label: A copy of ", 1), encoding="utf-8")
    build(shipped_corpus, db_path)
    ds = Datasette([str(db_path)], metadata={"plugins": {"versions": {"columns_per_page": 50}}})
    lost = []
    for url, readings in before.items():
        after = await _own_readings(ds, url)
        lost += [(url, slug) for slug, text in readings.items()
                 if not set(_own_paragraphs(text)) <= set(_own_paragraphs(after.get(slug, "")))]
    assert len(before) > 20 and lost == []


SPLIT_EN = "---\nkind: {kind}\nlanguage: en\n---\nTELEGRAM No. 7\n\nThe enemy attacked the neutral zone at night " \
           "and withdrew before dawn.\n\n{extra}Mao Zedong.\n"
AGAIN = "Again at night, and again before dawn."


async def test_a_row_split_by_an_inserted_base_paragraph_shows_all_it_held(tmp_path):
    corpus = write_files(tmp_path / "translations", {
        "doc/document.yaml": "title: Split\ndate: 1951\noriginal_language: en\nbase: en\n",
        "doc/en.md": SPLIT_EN.format(kind="original", extra=""),
        "doc/en-2.md": SPLIT_EN.format(kind="translation", extra=AGAIN + "\n\n"),
    })
    db_path = tmp_path / "versions.db"
    build(corpus, db_path)
    ds = Datasette([str(db_path)])
    urls = await _row_urls(ds, "doc")
    before = {url: await _own_readings(ds, url) for url in urls}
    [attack] = [url for url in urls if AGAIN in before[url]["en-2"]]  # one row: the base's one paragraph, en-2's two
    (corpus / "doc/en.md").write_text(SPLIT_EN.format(kind="original", extra=AGAIN + "\n\n"), encoding="utf-8")
    build(corpus, db_path)
    ds = Datasette([str(db_path)])
    assert {url: await _own_readings(ds, url) for url in urls} == before
    page = (await ds.client.get(attack)).text
    again = next(url for url in await _row_urls(ds, "doc") if url not in urls)
    assert "This row has split" in page and f'<a href="{attack}?alone">row 2</a> and <a href="{again}">row 3</a>' in page
    alone = await _own_readings(ds, attack + "?alone")
    assert alone["en-2"] == alone["en"] == before[attack]["en"]  # the row of that key now: one paragraph each
    assert (await ds.client.get(attack + "/cite.json")).status_code == 200
    build(corpus, db_path)  # nothing changed: the record stays
    assert {url: await _own_readings(ds, url) for url in urls} == before


async def test_an_edited_reading_is_marked_changed_since_and_a_merged_one_is_sent_on(tmp_path):
    repo = tmp_path / "repo"
    write_files(repo / "translations", {
        "doc/document.yaml": "title: Edited\ndate: 1951-08-27\noriginal_language: en\nbase: en\n",
        "doc/en.md": "---\nkind: original\nlanguage: en\n---\nTELEGRAM No. 1\n\nOn August 19 a raid.\n\n"
                     "One man was killed.\n\nMao Zedong.\n",
    })
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add")
    build(repo / "translations", tmp_path / "before.db")
    ds = Datasette([str(tmp_path / "before.db")])
    raid, killed = [(await ds.client.get(f"/-/versions/doc/p/{n}")).headers["location"] for n in (2, 3)]
    (repo / "translations/doc/en.md").write_text(
        "---\nkind: original\nlanguage: en\n---\nTELEGRAM No. 1\n\nOn August 19 a raid. One man was killed.\n\n"
        "Mao Zedong.\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "One paragraph")
    build(repo / "translations", tmp_path / "after.db")
    ds = Datasette([str(tmp_path / "after.db")])
    page = await ds.client.get(raid)
    assert page.status_code == 200 and "On August 19 a raid. One man was killed." in page.text
    assert 'changed since</span>' in page.text and 'href="/-/versions/doc/history/en#rev-2">revision 2</a>' in page.text
    merged = await ds.client.get(killed + "?muted=hide")
    assert merged.status_code == 302 and merged.headers["location"] == raid + "?muted=hide"


async def test_a_row_pinned_to_a_commit_shows_the_text_as_it_was_then_without_git(tmp_path):
    from test_history import git

    repo = tmp_path / "repo"
    write_files(repo / "translations", {
        "doc/document.yaml": "title: Pinned\ndate: 1951-08-27\noriginal_language: en\nbase: en\n",
        "doc/en.md": "---\nkind: original\nlanguage: en\n---\nTELEGRAM No. 1\n\nOn August 19 a raid.\n\nMao Zedong.\n",
    })
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add")
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "translations/doc/en.md").write_text(
        "---\nkind: original\nlanguage: en\n---\nTELEGRAM No. 1\n\nOn August 19 a raid at night.\n\nMao Zedong.\n",
        encoding="utf-8")
    git(repo, "commit", "-q", "-am", "At night", date="2024-01-03T10:00:00+00:00")
    second = git(repo, "rev-parse", "HEAD").strip()
    build(repo / "translations", tmp_path / "versions.db")
    shutil.rmtree(repo / ".git")  # a published copy: the database alone
    ds = Datasette([str(tmp_path / "versions.db")])
    row = (await ds.client.get("/-/versions/doc/p/2")).headers["location"]
    now = (await ds.client.get(row)).text
    assert "a raid at night." in now and f'href="http://localhost{row}?at={second}" rel="bookmark"' in now
    then = (await ds.client.get(f"{row}?at={first[:12]}")).text
    assert "a raid.</div>" in then and "at night" not in then and f"as of commit <code>{first[:10]}</code>" in then
    assert then.count(f"{row}?at={first}") >= 2  # offered, and cited
    assert (await ds.client.get(f"{row}?at={'0' * 40}")).status_code == 404
    assert (await ds.client.get(f"{row}?at=HEAD")).status_code == 400


async def test_a_row_pinned_to_one_of_commits_made_in_one_second_shows_that_commits_text(tmp_path):
    """Commits made by a script share their date to the second: "as at a commit" goes by its place in the corpus's
    log, not by a date that ties (nor one that runs backwards, as a rebase's author dates may)."""
    from test_history import git

    repo = tmp_path / "repo"
    same_second = "2024-01-02T10:00:00+00:00"
    texts = ["On August 19 a raid.", "On August 19 a raid at night.", "On August 19 a raid at night, repulsed."]
    write_files(repo / "translations", {"doc/document.yaml": "title: Quick\ndate: 1951-08-27\noriginal_language: en\n"})
    git(repo, "init", "-q")
    commits = []
    for k, text in enumerate(texts):
        write_files(repo / "translations", {
            "doc/en.md": f"---\nkind: original\nlanguage: en\n---\nTELEGRAM No. 1\n\n{text}\n\nMao Zedong.\n",
            "doc/other.md": f"---\nkind: translation\nlanguage: en\nlabel: Other\n---\nTELEGRAM No. 1\n\n{text}\n\n"
                            f"Mao Zedong, revision {k + 1}.\n",
        })
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Revision {k + 1}", date=same_second if k < 2 else "2023-12-31T10:00:00+00:00")
        commits.append(git(repo, "rev-parse", "HEAD").strip())
    build(repo / "translations", tmp_path / "versions.db")
    ds = Datasette([str(tmp_path / "versions.db")])
    row = (await ds.client.get("/-/versions/doc/p/2")).headers["location"]
    assert f'{row}?at={commits[2]}" rel="bookmark"' in (await ds.client.get(row)).text  # the last, its date earlier
    for pinned, text in zip(commits, texts):
        page = (await ds.client.get(f"{row}?at={pinned}")).text
        assert f"{text}</div>" in page, pinned
    signature = (await ds.client.get("/-/versions/doc/p/3")).headers["location"]
    signatures = [(await ds.client.get(f"{signature}?at={pinned}")).text for pinned in commits]
    assert [re.findall(r"revision (\d)", page) for page in signatures] == [["1"], ["2"], ["3"]]


async def test_pages_mark_pinned_and_forbidden_links(tmp_path):
    corpus = write_files(tmp_path / "translations", {
        "doc/document.yaml": "title: Corrected\ndate: 1951\noriginal_language: en\nbase: en\n",
        "doc/en.md": "---\nkind: original\nlanguage: en\n---\nTELEGRAM No. 1\n\nOn August 19 a raid.\n\nMao Zedong.\n",
        "doc/en-2.md": "---\nkind: translation\nlanguage: en\nlabel: Second\n---\nTELEGRAM No. 1\n\n"
                       "Completely different words.\n\nMao Zedong.\n",
        "doc/alignment.yaml": "pin:\n  - [en/2, en-2/2]\nforbid:\n  - [en/3, en-2/1]\n",
    })
    build(corpus, tmp_path / "versions.db")
    ds = Datasette([str(tmp_path / "versions.db")])
    table = (await ds.client.get("/-/versions/doc")).text
    assert table.count('<span class="badge badge-pin">pinned</span>') == 2  # on both paragraphs it links
    assert "Linked by hand to Second ¶ 2 (alignment.yaml)." in table
    assert table.count('<span class="badge badge-forbid">kept apart</span>') == 2
    rows = [(await ds.client.get(f"/-/versions/doc/p/{n}", follow_redirects=True)).text for n in (1, 2, 3)]
    [pinned] = [row for row in rows if "Linked by hand to Second ¶ 2" in row]
    assert pinned.count('<span class="badge badge-pin">') == 2  # the base's reading and the second's
    compare = (await ds.client.get("/-/versions/doc/compare?a=en&b=en-2")).text
    assert compare.count('<span class="badge badge-pin">') == 2 and "Never linked to Second ¶ 1" in compare


