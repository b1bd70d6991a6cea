"""The history pages of the plugin (web.history_pages): a version's revisions, any two compared, the document at
two commits, through datasette.client."""

import re
from pathlib import Path

import pytest
from datasette.app import Datasette

from conftest import DOC, IMG, METADATA, SCRIPT, commit, follow_every_link, git, pager_link, started_site
from versions.store import build

FRONT = "---\nkind: translation\nlanguage: en\nlabel: English\n---\n"
TEXT_1 = FRONT + "TELEGRAM No. 1\n\nThe enemy attacked our security forces in Kaesong.\n\nMao Zedong.\n"
TEXT_2 = FRONT + "TELEGRAM No. 1\n\nThe enemy raided our security forces in Kaesong.\n\nMao Zedong.\n"
TEXT_3 = FRONT + ("TELEGRAM No. 1\n\nThe enemy raided our security forces in Kaesong.\n\n"
                  "One man was killed and one was wounded.\n\nMao Zedong.\n")
DOCUMENT_YAML = "title: A test telegram\ndate: 1951-08-27\noriginal_language: ru\nbase: en\n"


def _commit(repo: Path, message: str, text: str, date: str) -> None:
    commit(repo, message, {"translations/doc-1/document.yaml": DOCUMENT_YAML, "translations/doc-1/en.md": text}, date)


def history_repository(repo: Path) -> Path:
    """A git repository at ``repo`` in which translations/doc-1/en.md was committed three times; the second commit's
    message carries markup."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    _commit(repo, "Add the telegram", TEXT_1, "2024-01-01T09:00:00+00:00")
    _commit(repo, f"Raid, not attack {SCRIPT}\n\nWhy: {IMG}", TEXT_2, "2024-01-02T09:00:00+02:00")
    _commit(repo, "Add the casualties", TEXT_3, "2024-01-03T09:00:00+00:00")
    return repo


@pytest.fixture(scope="module")
def history_repo(tmp_path_factory) -> Path:
    return history_repository(tmp_path_factory.mktemp("history") / "repo")


@pytest.fixture(scope="module")
def history_db(history_repo) -> Path:
    import sqlite3

    db_path = history_repo.parent / "versions.db"
    build(history_repo / "translations", db_path)
    with sqlite3.connect(db_path) as conn:  # git strips < and > from names: put markup in an author directly
        conn.execute("update revisions set author = ? where id = 'doc-1/en@3'", [f"Mallory {SCRIPT}"])
    return db_path


async def _history_page(db_path: Path, path: str = "/-/versions/doc-1/history/en"):
    ds = Datasette([str(db_path)], metadata=METADATA)
    response = await ds.client.get(path)
    assert response.status_code == 200, response.text[:500]
    return response.text


async def test_history_page_shows_three_revisions_each_with_its_diff(history_db):
    text = await _history_page(history_db)
    revisions = text.split('<li class="revision ')[1:]
    assert len(revisions) == 3
    assert re.findall(r'id="rev-(\d+)"', text) == ["3", "2", "1"]  # newest first
    assert all(len(re.findall(r'class="[^"]*\brevision-diff\b', revision)) == 1 for revision in revisions)
    newest, middle, first = revisions
    assert "Add the casualties" in newest and "1 paragraph changed (1 inserted)" in newest
    assert "<ins>One man was killed and one was wounded.</ins>" in newest
    assert "1 paragraph changed (1 modified)" in middle
    assert "The enemy <del>attacked</del><ins>raided</ins> our security forces in Kaesong." in middle
    assert "created, 3 paragraphs" in first and "Add the telegram" in first
    assert "2024-01-02 09:00 +02:00" in middle and "Test Historian" in first
    commit = re.search(r'<code class="commit" title="([0-9a-f]{40})">([0-9a-f]{10})</code>', first)
    assert commit and commit.group(1).startswith(commit.group(2))
    assert "badge-uncommitted" not in text and "changes not known" not in text
    assert 'title="The text as it is now">current</span>' in newest


async def test_any_two_revisions_are_compared_on_a_page_with_two_pickers(history_db):
    base = "/-/versions/doc-1/history/en/compare"
    default = await _history_page(history_db, base)  # the one before the latest, and the latest
    assert '<select name="a">' in default and '<select name="b">' in default
    assert re.findall(r'<option value="(\d+)" selected>', default) == ["2", "3"]
    assert "<ins>One man was killed and one was wounded.</ins>" in default and "<del>attacked" not in default
    text = await _history_page(history_db, f"{base}?a=1&b=3")
    assert "2 paragraphs changed (1 modified, 1 inserted)" in text
    assert "The enemy <del>attacked</del><ins>raided</ins> our security forces in Kaesong." in text
    assert "¶ 3</p>" in text and f'href="{base}?a=3&amp;b=1">the other way round' in text
    backward = await _history_page(history_db, f"{base}?a=3&b=1")
    assert "<del>One man was killed and one was wounded.</del>" in backward and "1 deleted" in backward
    assert SCRIPT not in text and "Raid, not attack &lt;script&gt;" in text  # a subject in a picker, escaped
    ds = Datasette([str(history_db)], metadata=METADATA)
    assert (await ds.client.get(f"{base}?a=9")).status_code == 404
    assert (await ds.client.get(f"{base}?a=x")).status_code == 400
    assert (await ds.client.get(f"{base}?b=0")).status_code == 400
    assert (await ds.client.get("/-/versions/doc-1/history/fr/compare")).status_code == 404
    history = await _history_page(history_db)
    assert f'href="{base}">Compare any two revisions</a>' in history and f'href="{base}?a=2&amp;b=3"' in history
    await follow_every_link(ds, f"{base}?a=1&b=3")


async def test_a_front_matter_change_between_two_revisions_is_named_field_by_field(tmp_path):
    repo = history_repository(tmp_path / "repo")
    _commit(repo, "Translator named", TEXT_3.replace("label: English\n", "label: English\ntranslator: A. B.\n"),
            "2024-01-04T09:00:00+00:00")
    build(repo / "translations", tmp_path / "versions.db")
    text = await _history_page(tmp_path / "versions.db", "/-/versions/doc-1/history/en/compare?a=1&b=4")
    assert '<th scope="row">translator</th><td>—</td><td>&#34;A. B.&#34;</td>' in text


async def test_the_document_is_compared_at_any_two_commits_of_its_timeline(tmp_path):
    repo = history_repository(tmp_path / "repo")
    commit(repo, "Retitled", {"translations/doc-1/document.yaml": DOCUMENT_YAML.replace("A test", "The test")},
           "2024-01-04T09:00:00+00:00")
    commit(repo, "A copy", {"translations/doc-1/en-2.md": TEXT_1.replace("label: English", "label: Copy")},
           "2024-01-05T09:00:00+00:00")
    build(repo / "translations", tmp_path / "versions.db")
    first, _, third, retitled, copy = git(repo, "log", "--reverse", "--format=%H").split()
    base = "/-/versions/doc-1/history/-/compare"
    text = await _history_page(tmp_path / "versions.db", f"{base}?a={first[:7]}&b={retitled}")
    assert '<h2>English <span class="small">@1 → @3</span></h2>' in text and "Copy" not in text
    assert "The enemy <del>attacked</del><ins>raided</ins> our security forces in Kaesong." in text
    assert "<ins>One man was killed and one was wounded.</ins>" in text
    assert '<caption>document.yaml</caption>' in text and "<td>&#34;A test telegram&#34;</td>" in text
    assert 'href="/-/versions/doc-1/history/en/compare?a=1&amp;b=3">the two revisions compared' in text
    newest = await _history_page(tmp_path / "versions.db", base)  # the two newest commits
    assert re.findall(r'<option value="([0-9a-f]{40})" selected>', newest) == [retitled, copy]
    assert "<h2>Copy <span class=\"small\">not yet there → @1</span></h2>" in newest
    assert "created, 3 paragraphs" in newest and "English <span" not in newest
    back = await _history_page(tmp_path / "versions.db", f"{base}?a={copy}&b={third}")
    assert "Not committed yet at" in back and "<td>&#34;The test telegram&#34;</td><td>&#34;A test" in back
    same = await _history_page(tmp_path / "versions.db", f"{base}?a={third}&b={third}")
    assert "Nothing of this document changed between these commits." in same
    ds = Datasette([str(tmp_path / "versions.db")], metadata=METADATA)
    assert (await ds.client.get(f"{base}?a=0000000")).status_code == 404
    assert (await ds.client.get(f"{base}?a=HEAD")).status_code == 400
    await follow_every_link(ds, f"{base}?a={first}&b={copy}")
    timeline = await _history_page(tmp_path / "versions.db", "/-/versions/doc-1/history")
    assert f'<a href="{base}">Compare the document at any two commits</a>' in timeline


async def test_history_escapes_commit_messages_and_authors(history_db):
    text = await _history_page(history_db)
    assert SCRIPT not in text and "<img" not in text
    assert f"Raid, not attack {SCRIPT}".replace("<", "&lt;").replace(">", "&gt;") in text
    assert "Why: &#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in text
    assert "Mallory &lt;script&gt;alert(1)&lt;/script&gt;" in text


async def test_history_shows_uncommitted_changes_and_unknown_changes(history_repo, tmp_path):
    import shutil
    import subprocess

    # working-tree changes: one more revision, marked uncommitted
    work = tmp_path / "work"
    shutil.copytree(history_repo, work)
    (work / "translations/doc-1/en.md").write_text(TEXT_3.replace("wounded", "injured"), encoding="utf-8")
    build(work / "translations", tmp_path / "work.db")
    text = await _history_page(tmp_path / "work.db")
    newest = text.split('<li class="revision ')[1]
    assert newest.startswith('status-uncommitted') and "badge-uncommitted" in newest and "working tree" in newest
    assert "<del>wounded</del><ins>injured</ins>" in newest
    assert len(text.split('<li class="revision ')) - 1 == 4
    # a shallow clone: what its oldest commit changed is not known, and the page says so
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "2", f"file://{history_repo}", str(clone)], check=True,
                   capture_output=True)
    build(clone / "translations", tmp_path / "clone.db")
    text = await _history_page(tmp_path / "clone.db")
    oldest = text.split('<li class="revision ')[-1]
    assert "unknown-changes" in oldest and "changes not known" in oldest and "shallow clone" in oldest
    assert "revision-diff" not in oldest


async def test_history_is_linked_from_the_document_and_paragraph_pages(datasette):
    page = await datasette.client.get(f"/-/versions/{DOC}")
    header = page.text.split('<th scope="col" id="col-ru-rendering">')[1].split("</th>")[0]
    assert f'href="/-/versions/{DOC}/history/ru-rendering"' in header and "(2 revisions)" in header
    card = page.text.split('<li id="version-aprf-copy">')[1].split('<li id="version-')[0]
    assert f'href="/-/versions/{DOC}/history/aprf-copy"' in card  # untranscribed versions have a history too
    paragraph = await datasette.client.get(f"/-/versions/{DOC}/p/8", follow_redirects=True)
    assert f'href="/-/versions/{DOC}/history/ru-rendering">history of Russian rendering' in paragraph.text
    overview = await datasette.client.get(f"/-/versions/{DOC}/history")
    assert overview.status_code == 200
    assert len(re.findall(rf'href="/-/versions/{DOC}/history/[a-z0-9-]+"', overview.text)) == 7


async def test_history_of_a_shipped_version(datasette):
    response = await datasette.client.get(f"/-/versions/{DOC}/history/ru-rendering")
    assert response.status_code == 200
    text = response.text
    assert "<h1>History of Russian rendering (illustrative)</h1>" in text
    assert text.count('<li class="revision ') >= 2
    assert "created, 25 paragraphs" in text and "1 paragraph changed (1 modified)" in text
    assert "<del>" in text


async def test_the_document_history_page_has_one_timeline_of_versions_and_own_files(history_db):
    ds = Datasette([str(history_db)], metadata=METADATA)
    response = await ds.client.get("/-/versions/doc-1/history")
    assert response.status_code == 200
    html = response.text
    timeline = html[html.index('id="timeline"'):html.index("</section>", html.index('id="timeline"'))]
    assert timeline.count('<tr class="timeline-version">') == 3 and timeline.count('<tr class="timeline-file">') == 1
    assert timeline.index("en @3") < timeline.index("en @1")  # newest first
    assert "document.yaml @1" in timeline and "/-/versions/doc-1/history/en#rev-3" in timeline
    assert SCRIPT not in html  # a commit subject carrying markup is escaped
    response = await ds.client.get("/-/versions/doc-1/history?timeline_page=9")
    assert response.status_code == 404


async def test_history_revisions_are_paged(history_db):
    ds = await started_site(history_db, {**METADATA, "plugins": {"versions": {"items_per_page": 2}}})
    first = await ds.client.get("/-/versions/doc-1/history/en")
    assert re.findall(r'id="(rev-[0-9]+)"', first.text) == ["rev-3", "rev-2"]
    assert "<li>3 revisions</li>" in first.text
    second = await ds.client.get(pager_link(first.text, "page", "next"))
    assert re.findall(r'id="(rev-[0-9]+)"', second.text) == ["rev-1"]
