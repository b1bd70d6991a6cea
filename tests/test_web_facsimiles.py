"""Facsimiles on the row and compare pages (plain <img>, IIIF sizes, a link to full size), and the image files served
by Datasette's static mount of the folder a build publishes: only those files, never a path outside it, in-process
and from a Datasette started as `datasette publish --static` starts it."""

import http.client
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import (
    DOCUMENT_YAML,
    VERSION_EN,
    VERSION_WITH_FACSIMILES,
    tiny_png,
    write_files,
)
from datasette.app import Datasette
from test_cli import free_port, wait_for

from versions.store import build
from versions.store.facsimiles import FACSIMILES_MOUNT, facsimiles_folder
from versions.web.facsimiles import IIIF_SHOWN_SIZE

IIIF = "https://iiif.example.org/iiif/3/aprf-86ob"
# paragraph 1 of the copy on sheet 86 (a file), paragraph 2 on its verso (a IIIF image)
COPY = VERSION_WITH_FACSIMILES.replace("paragraphs: [1, 2]", "paragraphs: [1]").replace(
    f'iiif: "{IIIF}"', f'iiif: "{IIIF}", paragraphs: [2]')
TRAVERSALS = [
    "/facsimiles/../versions.db",
    "/facsimiles/doc-1/../../versions.db",
    "/facsimiles/%2e%2e/versions.db",
    "/facsimiles/doc-1/%2e%2e%2f%2e%2e%2fversions.db",
    "/facsimiles/..%2fversions.db",
    "/facsimiles/doc-1/..%5c..%5cversions.db",
    "/facsimiles/%2fetc%2fpasswd",
    "/facsimiles//etc/passwd",
    "/facsimiles/doc-1/en.md",  # a file of the corpus, not a listed image
    "/facsimiles/doc-1/linked.png",  # a link someone put in the published folder, to the database
    "/facsimiles/doc-1",
]


@pytest.fixture(scope="module")
def facsimile_db(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("facsimiles") / "translations"
    write_files(root, {"doc-1/document.yaml": DOCUMENT_YAML, "doc-1/en.md": VERSION_EN, "doc-1/aprf-copy.md": COPY,
                       "doc-1/images/l86.png": tiny_png()})
    db_path = root.parent / "db" / "versions.db"
    build(root, db_path)
    os.symlink(db_path, facsimiles_folder(db_path) / "doc-1" / "linked.png")
    return db_path


@pytest.fixture
async def datasette(facsimile_db):
    ds = Datasette([str(facsimile_db)], static_mounts=[(FACSIMILES_MOUNT, str(facsimiles_folder(facsimile_db)))])
    await ds.invoke_startup()
    return ds


def images(page: str) -> list[str]:
    return re.findall(r'<img src="([^"]+)"', page)


async def row_of(datasette, version: str, n: int) -> str:
    found = await datasette.client.get(f"/versions/alignment_members.json?_shape=array&version_id=doc-1/{version}"
                                       "&_sort=paragraph_id")
    members = found.json()
    paragraphs = (await datasette.client.get(
        f"/versions/paragraphs.json?_shape=array&version_id=doc-1/{version}&n={n}")).json()
    group = next(m["group_id"] for m in members if m["paragraph_id"] == paragraphs[0]["id"])
    return group.rpartition("/")[2]


async def test_a_row_shows_the_sheet_its_reading_lies_on_beside_it(datasette):
    first = (await datasette.client.get(f"/-/versions/doc-1/p/{await row_of(datasette, 'aprf-copy', 1)}")).text
    assert images(first) == ["/facsimiles/doc-1/l86.png"]
    assert '<a href="/facsimiles/doc-1/l86.png">full size</a>' in first and 'class="with-facsimile"' in first
    assert 'alt="Sheet 86 of aprf-copy"' in first
    second = (await datasette.client.get(f"/-/versions/doc-1/p/{await row_of(datasette, 'aprf-copy', 2)}")).text
    assert images(second) == [f"{IIIF}/full/{IIIF_SHOWN_SIZE}/0/default.jpg"]
    assert f'<a href="{IIIF}/full/max/0/default.jpg">full size</a>' in second


async def test_the_compare_page_shows_each_sheet_once_beside_its_first_row(datasette):
    page = (await datasette.client.get("/-/versions/doc-1/compare?a=en&b=aprf-copy")).text
    assert images(page) == ["/facsimiles/doc-1/l86.png", f"{IIIF}/full/{IIIF_SHOWN_SIZE}/0/default.jpg"]
    assert images((await datasette.client.get("/-/versions/doc-1/compare?a=en&b=en")).text) == []


async def test_the_database_lists_the_images(datasette):
    rows = (await datasette.client.get("/versions/facsimiles.json?_shape=array")).json()
    assert [(row["sheet"], row["path"], row["iiif"]) for row in rows] == [
        ("86", "images/l86.png", None), ("86ob", None, IIIF)]


async def test_an_image_file_is_served_and_nothing_else(datasette, facsimile_db):
    served = await datasette.client.get("/facsimiles/doc-1/l86.png")
    assert served.status_code == 200 and served.content == tiny_png()
    assert served.headers["content-type"] == "image/png"
    for path in TRAVERSALS:
        answer = await datasette.client.get(path)
        assert answer.status_code in (403, 404), path
        assert b"SQLite format" not in answer.content and b"root:" not in answer.content


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    """A GET of ``path`` exactly as written: no client resolves its dot segments first."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_a_published_copy_serves_its_images_through_the_static_mount(facsimile_db):
    """Datasette started with the mount that `datasette publish ... --static facsimiles:db/facsimiles` gives the
    published copy (README), the database immutable as a published one is."""
    port = free_port()
    folder = facsimiles_folder(facsimile_db)
    command = [sys.executable, "-m", "datasette", "-i", str(facsimile_db), "--port", str(port),
               "--static", f"{FACSIMILES_MOUNT}:{folder}"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/facsimiles/doc-1/l86.png") == tiny_png()
        for path in TRAVERSALS:
            status, body = raw_get(port, path)
            assert status in (400, 403, 404) and b"SQLite format" not in body, path
    finally:
        server.terminate()
        server.wait(timeout=10)
