"""``versions serve --edit`` through datasette.client: controls and routes only when editing is on, CSRF and
loopback checks, a page older than the file refused, a correction written and rebuilt, undone from the page."""

import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette.app import Datasette

from conftest import ROOT, SHIPPED_CORPUS
from versions.store import build

DOC = "telegram-23256"
METADATA = json.loads((ROOT / "metadata.json").read_text())
COMPARE = f"/-/versions/{DOC}/compare?a=wilson-en&b=en-revised"
EDIT = f"/-/versions/{DOC}/-/edit"
UNDO = f"/-/versions/{DOC}/-/undo"


@pytest.fixture
def served(tmp_path):
    corpus = Path(shutil.copytree(SHIPPED_CORPUS, tmp_path / "translations"))
    db = tmp_path / "db" / "versions.db"
    db.parent.mkdir()
    build(corpus, db)
    return corpus, db


def editing_metadata(corpus: Path, db: Path) -> dict:
    edit = {"corpus": str(corpus), "db": str(db), "journal": str(db.parent / ".versions-edits.json")}
    return {**METADATA, "plugins": {"versions": {"edit": edit}}}


@pytest.fixture
async def editing(served):
    ds = Datasette([str(served[1])], metadata=editing_metadata(*served))
    await ds.invoke_startup()
    return ds


def forms(page: str) -> list[dict[str, list[str]]]:
    """Each edit form of a page: its action address under "_action" and its fields."""
    found = []
    for action, body in re.findall(r'<form method="post" action="([^"]+)" class="edit-form[^"]*">(.*?)</form>',
                                   page, re.S):
        fields: dict[str, list[str]] = {"_action": [html.unescape(action)]}
        for name, value in re.findall(r'<input type="hidden" name="([a-z]+)" value="([^"]*)">', body):
            fields.setdefault(name, []).append(html.unescape(value))
        found.append(fields)
    return found


async def page_and_cookie(ds, path: str) -> tuple[str, str]:
    response = await ds.client.get(path)
    assert response.status_code == 200
    return response.text, response.cookies.get("ds_csrftoken", "")


async def post(ds, form: dict[str, list[str]], cookie: str | None, **extra):
    fields = {name: values for name, values in form.items() if name != "_action"} | extra
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if cookie is not None:
        headers["cookie"] = f"ds_csrftoken={cookie}"
    return await ds.client.post(form["_action"][0], content=urlencode(fields, doseq=True), headers=headers)


def first(forms_found, action: str) -> dict[str, list[str]]:
    return next(form for form in forms_found if form.get("action") == [action])


async def test_without_edit_there_is_no_control_and_no_write_route(served):
    ds = Datasette([str(served[1])], metadata=METADATA)
    await ds.invoke_startup()
    for path in (f"/-/versions/{DOC}", COMPARE):
        page = (await ds.client.get(path)).text
        assert "edit-form" not in page and "/-/edit" not in page
    for path in (EDIT, UNDO):
        assert (await ds.client.post(path, content="action=pin")).status_code in (404, 405)


async def test_controls_on_the_table_and_the_compare_page(editing):
    table = (await editing.client.get(f"/-/versions/{DOC}")).text
    compare = (await editing.client.get(COMPARE)).text
    for page in (table, compare):
        found = forms(page)
        assert {form["action"][0] for form in found} == {"pin", "unlink", "link"}
        assert all(form["token"] == ["absent"] and form["csrftoken"][0] for form in found)
    assert 'class="edit-undo"' not in compare  # nothing to undo yet


async def test_a_pin_is_written_rebuilt_and_shown(editing, served):
    corpus, _ = served
    page, cookie = await page_and_cookie(editing, COMPARE)
    pin = first(forms(page), "pin")
    response = await post(editing, pin, cookie)
    assert response.status_code == 303 and response.headers["location"] == pin["next"][0]
    written = (corpus / DOC / "alignment.yaml").read_text(encoding="utf-8")
    assert f"pair: [{pin['paragraph'][0]}, {pin['with'][0]}]" in written and "by: " in written
    after = (await editing.client.get(COMPARE)).text
    assert "badge-pin" in after and 'class="edit-undo"' in after
    assert f"pin {pin['paragraph'][0]} ↔ {pin['with'][0]}" in after


async def test_a_link_to_a_row_typed_by_number(editing, served):
    corpus, _ = served
    page, cookie = await page_and_cookie(editing, COMPARE)
    link = first(forms(page), "link")
    response = await post(editing, link, cookie, row="3")
    assert response.status_code == 303
    assert "pin:\n  - {pair: [" in (corpus / DOC / "alignment.yaml").read_text(encoding="utf-8")
    page, cookie = await page_and_cookie(editing, COMPARE)
    refused = await post(editing, first(forms(page), "link"), cookie, row="9999")
    assert refused.status_code == 400 and "has no row 9999" in refused.text


async def test_without_the_csrf_cookie_or_its_token_a_post_is_refused(editing, served):
    corpus, _ = served
    page, cookie = await page_and_cookie(editing, COMPARE)
    pin = first(forms(page), "pin")
    assert (await post(editing, pin, None)).status_code == 403  # asgi-csrf lets cookieless requests through; we don't
    assert (await post(editing, pin | {"csrftoken": ["forged"]}, cookie)).status_code == 403
    without = {name: values for name, values in pin.items() if name != "csrftoken"}
    assert (await post(editing, without, cookie)).status_code == 403
    forged_origin = await editing.client.post(
        EDIT, content=urlencode({k: v for k, v in pin.items() if k != "_action"}, doseq=True),
        headers={"content-type": "application/x-www-form-urlencoded", "cookie": f"ds_csrftoken={cookie}",
                 "origin": "http://evil.example"})
    assert forged_origin.status_code == 403
    assert not (corpus / DOC / "alignment.yaml").exists()


async def test_a_page_older_than_the_file_is_refused_with_a_reload_prompt(editing, served):
    corpus, _ = served
    page, cookie = await page_and_cookie(editing, COMPARE)
    pin, unlink = first(forms(page), "pin"), [form for form in forms(page) if form.get("action") == ["unlink"]][1]
    assert (await post(editing, pin, cookie)).status_code == 303
    written = (corpus / DOC / "alignment.yaml").read_text(encoding="utf-8")
    stale = await post(editing, unlink, cookie)  # made from the page before the pin
    assert stale.status_code == 409
    assert "changed since this page was made" in stale.text and 'class="edit-reload"' in stale.text
    assert (corpus / DOC / "alignment.yaml").read_text(encoding="utf-8") == written


async def test_undo_from_the_page(editing, served):
    corpus, _ = served
    page, cookie = await page_and_cookie(editing, COMPARE)
    assert (await post(editing, first(forms(page), "pin"), cookie)).status_code == 303
    page, cookie = await page_and_cookie(editing, COMPARE)
    undo = next(form for form in forms(page) if form["_action"] == [UNDO])
    assert (await post(editing, undo, cookie)).status_code == 303
    assert not (corpus / DOC / "alignment.yaml").exists()
    assert "badge-pin" not in (await editing.client.get(COMPARE)).text


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.:8001", ""])
async def test_other_hosts_are_refused(editing, host):
    response = await editing.client.get(f"/-/versions/{DOC}", headers={"host": host})
    assert response.status_code == 403 and "127.0.0.1, localhost or [::1] only" in response.text


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:8001", "[::1]:8001"])
async def test_loopback_hosts_are_served(editing, host):
    assert (await editing.client.get(f"/-/versions/{DOC}", headers={"host": host})).status_code == 200


async def test_a_next_page_elsewhere_is_not_followed(editing):
    page, cookie = await page_and_cookie(editing, COMPARE)
    response = await post(editing, first(forms(page), "pin") | {"next": ["https://evil.example/"]}, cookie)
    assert response.status_code == 303 and response.headers["location"] == f"/-/versions/{DOC}"


async def test_an_unknown_paragraph_is_one_line_and_nothing_is_written(editing, served):
    corpus, _ = served
    page, cookie = await page_and_cookie(editing, COMPARE)
    response = await post(editing, first(forms(page), "pin") | {"paragraph": ["en-revised/aaaaaaaa"]}, cookie)
    assert response.status_code == 400
    assert f"{DOC} has no paragraph en-revised/aaaaaaaa" in response.text and 'class="edit-reload"' in response.text
    assert not (corpus / DOC / "alignment.yaml").exists()


async def test_a_link_from_the_alignment_table_to_a_base_row(editing, served):
    corpus, _ = served
    page, cookie = await page_and_cookie(editing, f"/-/versions/{DOC}")
    link = first(forms(page), "link")
    assert (await post(editing, link, cookie, row="row 4")).status_code == 303
    [entry] = [line for line in (corpus / DOC / "alignment.yaml").read_text(encoding="utf-8").splitlines()
               if "pair:" in line]
    assert link["paragraph"][0] in entry and f"{link['other'][0]}/" in entry
    assert "badge-pin" in (await editing.client.get(f"/-/versions/{DOC}")).text
