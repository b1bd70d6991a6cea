"""End to end in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; never a downloaded
browser): every page of the shipped corpus at 1280 px and 390 px with a screenshot in screenshots/, no console
errors and no dialogs; the variance map leads to its row, with and without JavaScript; a corpus full of markup and
javascript: links opens no dialog; the provenance graph is readable on a desktop and on a phone; the history of a
version committed three times shows three revisions, each with its diff.

Without /usr/bin/chromium these tests are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import (
    COPIES_DOCUMENT,
    METADATA,
    ROOT,
    SHIPPED_CORPUS,
    copies_corpus,
    git,
    xss_corpus,
)
from test_web_arguments import PAGE_SIZES, many_versions_corpus
from test_web_history_pages import history_repository

from versions.store import build
from versions.store.facsimiles import FACSIMILES_MOUNT, facsimiles_folder

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = ROOT / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}
DOC = "telegram-23256"

# name -> path: every page of the plugin, and Datasette pages the plugin renders cells of
PAGES = {
    "documents": "/-/versions",
    "search": "/-/versions/-/search?q=Kaesong",
    "search-russian": "/-/versions/-/search?q=%D0%9A%D1%8D%D1%81%D0%BE%D0%BD%D0%B0&language=ru",
    "alignment-table": f"/-/versions/{DOC}",
    "alignment-table-base-en-revised": f"/-/versions/{DOC}?base=en-revised&columns=en-revised,wilson-en,ru-rendering",
    "compare": f"/-/versions/{DOC}/compare?a=wilson-en&b=en-revised",
    "compare-normalized": f"/-/versions/{DOC}/compare?a=wilson-en&b=en-revised&norm=all&muted=hide&rows=changed",
    "compare-across-languages": f"/-/versions/{DOC}/compare?a=wilson-en&b=ru-rendering",
    "paragraph-8": f"/-/versions/{DOC}/p/8",
    "paragraph-22": f"/-/versions/{DOC}/p/22",
    "document-history": f"/-/versions/{DOC}/history",
    "history-ru-rendering": f"/-/versions/{DOC}/history/ru-rendering",
    "datasette-diffs": f"/versions/diffs?group_id={DOC}/8",
    "datasette-most-changed": "/versions/most_changed_paragraphs?document=",
    "not-found": "/-/versions/no-such-document",
    "bad-request": f"/-/versions/{DOC}?base=../x",
}
OWN_PAGES = {name for name, path in PAGES.items() if path.startswith("/-/versions")}
EXPECTED_STATUS = {"not-found": 404, "bad-request": 400}


def _require_chromium():
    problem = None
    if not CHROMIUM.exists():
        problem = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed (pip install -e '.[test]')"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"end-to-end tests cannot run under CI: {problem}")
        pytest.skip(f"end-to-end tests need Chromium: {problem}")


def test_without_chromium_the_tests_skip_except_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="need Chromium"):
        _require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="cannot run under CI"):
        _require_chromium()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``datasette serve -i`` of one database in a subprocess, on a free port of 127.0.0.1."""

    def __init__(self, db_path: Path, metadata: Path = ROOT / "metadata.json"):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        images = facsimiles_folder(db_path)  # mounted as versions serve and a published copy mount it
        mount = ["--static", f"{FACSIMILES_MOUNT}:{images}"] if images.is_dir() else []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "datasette", "serve", "-i", str(db_path), "--metadata", str(metadata),
             "--host", "127.0.0.1", "--port", str(self.port), *mount],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def wait(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"datasette exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(self.url + "/-/versions", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("datasette did not start in time")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory, shipped_db):
    _require_chromium()
    root = tmp_path_factory.mktemp("browser")
    build(xss_corpus(root / "xss" / "translations"), root / "xss" / "versions.db")
    build(history_repository(root / "history" / "repo") / "translations", root / "history" / "versions.db")
    build(copies_corpus(root / "copies" / "translations"), root / "copies" / "versions.db")
    started = {"shipped": Server(shipped_db)}
    started |= {name: Server(root / name / "versions.db") for name in ("xss", "history", "copies")}
    try:
        for server in started.values():
            server.wait()
        yield {name: server.url for name, server in started.items()}
    finally:
        for server in started.values():
            server.stop()


@pytest.fixture(scope="module")
def browser(servers):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Watched:
    """A page that records console errors, page errors and dialogs (and dismisses every dialog)."""

    def __init__(self, browser, width: int, javascript: bool = True):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda message: self.errors.append(f"console {message.text}")
                     if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror {error}"))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, url: str, status: int = 200):
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == status, (url, response and response.status)
        return response

    def __enter__(self) -> "Watched":
        return self

    def __exit__(self, *exc) -> None:
        self.context.close()


def _console_errors(errors: list[str], expected_status: int) -> list[str]:
    # the browser logs the failed main request of a 404/400 page itself; nothing else may appear
    if expected_status != 200:
        return [error for error in errors if f"status of {expected_status}" not in error]
    return errors


@pytest.mark.parametrize("device", WIDTHS)
def test_every_page_renders_cleanly_and_is_photographed(servers, browser, device):
    width = WIDTHS[device]
    SCREENSHOTS.mkdir(exist_ok=True)
    with Watched(browser, width) as watched:
        for name, path in PAGES.items():
            status = EXPECTED_STATUS.get(name, 200)
            watched.errors.clear()
            watched.open(servers["shipped"] + path, status)
            watched.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            assert _console_errors(watched.errors, status) == [], (name, watched.errors)
            if name in OWN_PAGES:
                overflow = watched.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, f"{name} is wider than the {width} px window by {overflow} px"
                assert watched.page.locator("h1").first.is_visible()
        assert watched.dialogs == []
        written = {f"{name}-{width}.png" for name in PAGES}
        assert written <= {path.name for path in SCREENSHOTS.iterdir()}


def _row_in_view(page, n: int) -> bool:
    return page.evaluate(
        """n => { const r = document.getElementById('g-' + n).getBoundingClientRect();
                  return r.top >= -1 && r.top < window.innerHeight; }""",
        n,
    )


@pytest.mark.parametrize("device, javascript", [("desktop", True), ("phone", True), ("desktop", False), ("phone", False)])
def test_variance_map_leads_to_its_row(servers, browser, device, javascript):
    with Watched(browser, WIDTHS[device], javascript=javascript) as watched:
        watched.open(servers["shipped"] + f"/-/versions/{DOC}")
        cells = watched.page.locator(".variance-map ol a")
        assert cells.count() == 25
        assert not _row_in_view(watched.page, 22)
        cells.nth(21).click()
        watched.page.wait_for_function("location.hash === '#g-22'")
        assert _row_in_view(watched.page, 22)
        # the row is the :target and is highlighted
        assert watched.page.evaluate("document.querySelector(':target').id") == "g-22"
        background = watched.page.evaluate(
            "[...document.querySelectorAll('#g-22 > *')].map(c => getComputedStyle(c).backgroundColor)")
        assert set(background) == {"rgb(255, 248, 214)"}
        # from the row, its citable page
        watched.page.locator("#g-22 th a.n").click()
        watched.page.wait_for_url(f"**/-/versions/{DOC}/p/*")
        assert watched.page.title().startswith("Row 22")
        assert "Row 22" in watched.page.locator("#citation").inner_text()
        assert watched.errors == [] and watched.dialogs == []


def test_pages_read_without_javascript(servers, browser):
    for width in WIDTHS.values():
        with Watched(browser, width, javascript=False) as watched:
            watched.open(servers["shipped"] + f"/-/versions/{DOC}")
            assert watched.page.locator("table.alignment tbody tr").count() == 25
            assert watched.page.locator("#g-8 td").first.inner_text().strip()
            # the column form works as a plain GET form
            watched.page.locator("#base-select").select_option("en-revised")
            watched.page.locator("form.versions-controls button[type=submit]").click()
            watched.page.wait_for_url("**base=en-revised**")
            assert watched.page.locator("table.alignment thead th").nth(1).inner_text().startswith("Revised English")
            watched.open(servers["shipped"] + f"/-/versions/{DOC}/p/8")
            assert "Row 8" in watched.page.locator("#citation").inner_text()
            assert watched.page.locator("button.copy-button").count() == 0  # the copy button is JavaScript's extra
            assert watched.errors == [] and watched.dialogs == []


def test_javascript_enhancements(servers, browser):
    with Watched(browser, 1280) as watched:
        watched.open(servers["shipped"] + f"/-/versions/{DOC}/p/8")
        assert watched.page.locator("button.copy-button").count() == 1
        watched.open(servers["shipped"] + f"/-/versions/{DOC}/compare?a=wilson-en&b=en-revised")
        with watched.page.expect_navigation():
            watched.page.locator("input[name=norm][value=romanization]").check()
        assert "romanization" in watched.page.url
        watched.open(servers["shipped"] + f"/-/versions/{DOC}#g-3")
        watched.page.keyboard.press("j")
        watched.page.wait_for_function("location.hash === '#g-4'")
        assert watched.errors == [] and watched.dialogs == []


XSS_PAGES = [
    "/-/versions",
    "/-/versions/xss-doc",
    "/-/versions/xss-doc/history/en",
    "/-/versions/xss-doc?base=en-two",
    "/-/versions/xss-doc?base=ru",
    "/-/versions/xss-doc/compare?a=en&b=en-two",
    "/-/versions/xss-doc/compare?a=en&b=ru",
    "/-/versions/xss-doc/p/1",
    "/-/versions/xss-doc/p/2",
    "/-/versions/xss-doc/p/3",
    "/-/versions/-/search?q=script",
    "/-/versions/-/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/versions/diffs",
    "/versions/documents",
    "/versions/versions",
    "/versions/paragraphs",
    "/versions/readings_of_paragraph?document=xss-doc&paragraph=2",
]


def test_markup_in_the_corpus_opens_no_dialog(servers, browser):
    with Watched(browser, 1280) as watched:
        for path in XSS_PAGES:
            watched.open(servers["xss"] + path)
            assert watched.page.locator("img[src='x']").count() == 0, path
            assert watched.page.locator("a[href^='javascript:' i]").count() == 0, path
            if path.startswith("/-/versions"):
                assert "<script>alert(1)</script>" in watched.page.locator("body").inner_text(), path
        # click every link of the document page that stays on this server; none may run script
        watched.open(servers["xss"] + "/-/versions/xss-doc")
        for source in watched.page.locator(".unlinked-source").all():
            assert source.inner_text() == "javascript:alert(1)"
        assert watched.dialogs == [], watched.dialogs
        assert watched.errors == [], watched.errors


@pytest.mark.parametrize("device", WIDTHS)
def test_history_of_three_commits_shows_three_diffs_and_any_two_compared(servers, browser, device):
    width = WIDTHS[device]
    with Watched(browser, width) as watched:
        watched.open(servers["history"] + "/-/versions/doc-1/history/en")
        revisions = watched.page.locator("ol.timeline > li.revision")
        assert revisions.count() == 3
        assert [revisions.nth(i).get_attribute("id") for i in range(3)] == ["rev-3", "rev-2", "rev-1"]
        for i in range(3):
            assert revisions.nth(i).locator(".revision-diff").count() == 1
        assert revisions.nth(1).locator(".changes del").inner_text() == "attacked"
        assert revisions.nth(1).locator(".changes ins").inner_text() == "raided"
        # the commit message's markup is text
        assert "<script>alert(1)</script>" in revisions.nth(1).locator("h2").inner_text()
        # the text a first revision created opens on request
        created = revisions.nth(2).locator("details.revision-diff")
        assert not created.locator(".text").is_visible()
        created.locator("summary").click()
        assert "The enemy attacked" in created.locator(".text").inner_text()
        watched.page.screenshot(path=str(SCREENSHOTS / f"history-three-commits-{width}.png"), full_page=True)
        overflow = watched.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the history page is wider than the {width} px window by {overflow} px"
        # any two revisions, picked in the two lists
        watched.page.get_by_role("link", name="Compare any two revisions").click()
        watched.page.wait_for_url("**/history/en/compare")
        watched.page.select_option("select[name=a]", "1")
        watched.page.select_option("select[name=b]", "3")
        watched.page.get_by_role("button", name="Compare").click()
        watched.page.wait_for_url("**/compare?a=1&b=3")
        changes = watched.page.locator("ol.changes > li.change")
        assert changes.count() == 2
        assert changes.nth(0).locator("del").inner_text() == "attacked"
        assert changes.nth(1).locator("ins").inner_text() == "One man was killed and one was wounded."
        watched.page.screenshot(path=str(SCREENSHOTS / f"history-compare-{width}.png"), full_page=True)
        overflow = watched.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the comparison is wider than the {width} px window by {overflow} px"
        assert watched.errors == [] and watched.dialogs == []


@pytest.mark.parametrize("device, shown, hidden", [("desktop", "wide", "narrow"), ("phone", "narrow", "wide")])
def test_provenance_graph_is_readable(servers, browser, device, shown, hidden):
    width = WIDTHS[device]
    with Watched(browser, width, javascript=False) as watched:  # drawn without script
        watched.open(servers["shipped"] + f"/-/versions/{DOC}")
        figure = watched.page.locator("#provenance")
        assert figure.locator(f"svg.pv-{shown}").is_visible()
        assert not figure.locator(f"svg.pv-{hidden}").is_visible()
        svg = figure.locator(f"svg.pv-{shown}")
        assert svg.locator("path.pv-arrow").count() == 5 and svg.locator("g.pv-node").count() == 7
        # drawn at (nearly) its own size: 13 px labels stay at least 12 px
        scale = watched.page.evaluate(
            "s => s.getBoundingClientRect().width / s.viewBox.baseVal.width", svg.element_handle())
        assert scale >= 0.92, scale
        box = svg.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        # no label runs out of its box
        outside = watched.page.evaluate("""s => [...s.querySelectorAll('g.pv-node')].filter(g => {
            const r = g.querySelector('rect').getBBox();
            return [...g.querySelectorAll('text')].some(t => { const b = t.getBBox();
                return b.x < r.x || b.x + b.width > r.x + r.width || b.y < r.y || b.y + b.height > r.y + r.height; });
        }).map(g => g.dataset.version)""", svg.element_handle())
        assert outside == []
        figure.screenshot(path=str(SCREENSHOTS / f"provenance-{width}.png"))
        assert watched.errors == [] and watched.dialogs == []


@pytest.fixture(scope="module")
def many_server(tmp_path_factory):
    """A document in sixty versions, served with small pages (test_web.PAGE_SIZES)."""
    _require_chromium()
    root = tmp_path_factory.mktemp("many")
    build(many_versions_corpus(root / "translations"), root / "versions.db")
    metadata = root / "metadata.json"
    metadata.write_text(json.dumps({**METADATA, "plugins": {"versions": PAGE_SIZES}}), encoding="utf-8")
    server = Server(root / "versions.db", metadata)
    try:
        server.wait()
        yield server.url
    finally:
        server.stop()


@pytest.mark.parametrize("javascript", [False, True])
def test_page_links_lead_through_rows_and_columns(many_server, browser, javascript):
    with Watched(browser, 1280, javascript=javascript) as watched:
        page = watched.page
        headers = page.locator("table.alignment thead th[id]")
        rows = page.locator("table.alignment tbody tr")
        watched.open(many_server + "/-/versions/many")
        assert [headers.nth(i).get_attribute("id") for i in range(headers.count())] == ["col-v00", "col-v01", "col-v02", "col-v03"]
        assert [rows.nth(i).get_attribute("id") for i in range(rows.count())] == ["g-1", "g-2"]
        page.locator("[data-pager=page] a[rel=next]").first.click()
        page.wait_for_url("**page=2**")
        assert [rows.nth(i).get_attribute("id") for i in range(rows.count())] == ["g-3"]
        page.locator("[data-pager=column_page] a", has_text="last").click()
        page.wait_for_url("**column_page=20**")
        assert "page=2" in page.url.replace("column_page", "")  # the page of rows is kept
        assert [headers.nth(i).get_attribute("id") for i in range(headers.count())] == ["col-v00", "col-v58", "col-v59"]
        page.locator("[data-pager=column_page] a[rel=prev]").click()
        page.wait_for_url("**column_page=19**")
        assert headers.nth(1).get_attribute("id") == "col-v55"
        page.locator("[data-pager=page] a[rel=prev]").first.click()
        page.wait_for_function("!location.search.replace('column_page', '').includes('page=')")
        assert [rows.nth(i).get_attribute("id") for i in range(rows.count())] == ["g-1", "g-2"]
        assert "column_page=19" in page.url
        assert watched.errors == [] and watched.dialogs == []


# versions serve --edit: corrections made on the page, end to end -----------------------------------------------------

GIT_PERSON = {"GIT_AUTHOR_NAME": "Test Historian", "GIT_AUTHOR_EMAIL": "historian@example.org",
              "GIT_COMMITTER_NAME": "Test Historian", "GIT_COMMITTER_EMAIL": "historian@example.org"}


@pytest.fixture
def editing_server(tmp_path):
    """``versions serve --edit --commit`` of a copy of the shipped corpus in a git repository."""
    _require_chromium()
    repo = tmp_path / "repo"
    corpus = repo / "translations"
    shutil.copytree(SHIPPED_CORPUS, corpus)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The corpus")
    port = _free_port()
    command = [sys.executable, "-m", "versions.cli", "serve", "--corpus", str(corpus), "--db",
               str(tmp_path / "db" / "versions.db"), "--port", str(port), "--edit", "--commit"]
    log = tmp_path / "serve.log"
    with open(log, "w") as said:
        server = subprocess.Popen(command, stdout=said, stderr=subprocess.STDOUT, start_new_session=True,
                                  env=os.environ | GIT_PERSON | {"CI": ""})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _answers(url + "/-/versions"):
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url, repo
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_corrections_made_on_the_page_undone_and_kept_through_a_rebuild(editing_server, browser):
    url, repo = editing_server
    compare = f"{url}/-/versions/{DOC}/compare?a=wilson-en&b=en-revised"
    alignment = repo / "translations" / DOC / "alignment.yaml"
    with Watched(browser, 1280) as watched:
        page = watched.page
        watched.open(compare)
        assert page.locator(".badge-pin, .badge-forbid").count() == 0
        page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
        page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
        with page.expect_navigation():
            page.locator("#g-2 button.edit-pin").click()  # keep row 2's link
        assert page.locator("#g-2 .badge-pin").count() == 2
        assert "pin en-revised/" in page.locator(".message-info").inner_text()
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "edit-compare-1280.png"), full_page=False)
        with page.expect_navigation():
            page.locator("#g-5 button.edit-unlink").click()  # and part row 5's paragraphs
        assert page.locator(".badge-forbid").count() == 2
        assert "forbid:" in alignment.read_text(encoding="utf-8")
        with page.expect_navigation():
            page.locator("button.edit-undo").click()  # undo the unlink
        assert page.locator(".badge-forbid").count() == 0 and page.locator("#g-2 .badge-pin").count() == 2
        assert "forbid" not in alignment.read_text(encoding="utf-8")
        # a page older than the file: another tab's correction first, then this tab's is refused
        other = browser.new_page()
        other.goto(compare)
        with other.expect_navigation():
            other.locator("#g-3 button.edit-pin").click()
        pinned = alignment.read_text(encoding="utf-8")
        response = None
        with page.expect_navigation() as navigation:
            page.locator("#g-4 button.edit-pin").click()
        response = navigation.value
        assert response.status == 409 and "reload the page" in page.locator(".edit-refused").inner_text()
        assert alignment.read_text(encoding="utf-8") == pinned
        with page.expect_navigation():
            page.locator("a.edit-reload").click()
        assert page.locator("#g-3 .badge-pin").count() == 2
        other.close()
        # the corrections survive a rebuild caused by an edit elsewhere (the watcher's)
        revised = repo / "translations" / DOC / "en-revised.md"
        revised.write_text(revised.read_text(encoding="utf-8") + "\nA closing line added by hand.\n", encoding="utf-8")
        deadline = time.monotonic() + 30
        while "A closing line added by hand" not in page.content():
            assert time.monotonic() < deadline, "the watcher did not rebuild"
            time.sleep(0.5)
            watched.open(compare)
        assert page.locator("#g-2 .badge-pin").count() == 2 and page.locator("#g-3 .badge-pin").count() == 2
        log = git(repo, "log", "--format=%s", "--", f"translations/{DOC}/alignment.yaml").splitlines()
        assert [line.split(" ")[1] for line in log] == ["pin", "undo", "unlink", "pin"]
        assert watched.errors == [] or all("status of 409" in error for error in watched.errors), watched.errors
        assert watched.dialogs == []


FACSIMILE_PAGES = {  # the illustrative copies: row 8 (a word and a number written out differ), copy 1 against copy 2
    "facsimile-row": ("/-/versions/illustrative-copies/p/8", "#reading-copy-b"),
    "facsimile-compare": ("/-/versions/illustrative-copies/compare?a=copy-a&b=copy-b", "#g-8"),
}


@pytest.mark.parametrize("device", WIDTHS)
def test_a_facsimile_stands_beside_its_transcription(servers, browser, device):
    """Each sheet's image loads from the static mount, beside the text on a desktop and under it on a phone, with a
    link to its full size; docs/screenshots/ holds these screenshots."""
    width = WIDTHS[device]
    SCREENSHOTS.mkdir(exist_ok=True)
    with Watched(browser, width) as watched:
        for name, (path, shown) in FACSIMILE_PAGES.items():
            watched.open(servers["shipped"] + path)
            figures = watched.page.locator(".facsimile img")
            assert figures.count() >= 2 and watched.errors == []
            for index in range(figures.count()):
                image = figures.nth(index)
                image.scroll_into_view_if_needed()  # a lazy image loads once near the window: wait for it
                watched.page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                               arg=image.element_handle(), timeout=10_000)
                assert image.evaluate("img => img.closest('a').href") == image.evaluate("img => img.src")
            if name == "facsimile-row":
                text = watched.page.locator(f"{shown} .text").first.bounding_box()
                image = watched.page.locator(f"{shown} .facsimile img").bounding_box()
                beside = image["x"] >= text["x"] + text["width"] and image["y"] < text["y"] + text["height"]
                below = image["y"] >= text["y"] + text["height"]
                assert beside if device == "desktop" else below, (device, text, image)
            watched.page.locator(shown).scroll_into_view_if_needed()
            watched.page.evaluate(f"document.querySelector('{shown}').scrollIntoView()")
            watched.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"))
            overflow = watched.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name} is wider than the {width} px window by {overflow} px"
        assert watched.dialogs == []


@pytest.mark.parametrize("device", WIDTHS)
def test_copies_view_sets_copies_side_by_side_and_rebases_on_any(servers, browser, device):
    """The copies of one text in their language, from the document page's control; any copy made the base."""
    width = WIDTHS[device]
    SCREENSHOTS.mkdir(exist_ok=True)
    with Watched(browser, width) as watched:
        watched.open(servers["copies"] + f"/-/versions/{COPIES_DOCUMENT}")
        watched.page.locator(".copies-control a", has_text="3 versions in ru").click()
        watched.page.wait_for_url("**copies=ru**")
        columns = watched.page.locator("table.alignment thead th[id^=col-]")
        assert [columns.nth(k).get_attribute("id") for k in range(columns.count())] == [
            "col-copy-a", "col-copy-b", "col-copy-c"]
        assert watched.page.locator("#g-7 del", has_text="девять").is_visible()
        if device == "desktop":
            watched.page.locator("#col-copy-b a", has_text="make base").click()
        else:  # a phone shows each row as a card, without the column heads: the form's base choice
            watched.page.select_option("#base-select", "copy-b")
        watched.page.wait_for_url("**base=copy-b**")
        assert "copies=ru" in watched.page.url
        assert watched.page.locator("#g-7 ins", has_text="девять").count() == 2  # copies A and C against copy B
        one_word = watched.page.locator('.variance-map a[href="#g-7"] .bar')
        assert one_word.bounding_box()["height"] >= 10  # a one-word variant is marked, not a sliver
        overflow = watched.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"the copies view is wider than the {width} px window by {overflow} px"
        watched.page.screenshot(path=str(SCREENSHOTS / f"copies-view-{width}.png"), full_page=True)
        assert watched.errors == [] and watched.dialogs == []
