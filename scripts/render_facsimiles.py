"""Render the page images of the illustrative document ``translations/illustrative-copies``: each sheet a version
lists under ``facsimiles:``, drawn from the paragraphs it maps to that sheet as a typed page, in headless Chromium.

The images are ours, made from our own invented text, and say so on every page: they stand in for archival
photographs so that the facsimile pages can be shown and tested without any real archive's images.

    PYTHONPATH=src python scripts/render_facsimiles.py [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from jinja2 import Environment
from playwright.sync_api import sync_playwright

from versions.corpus import load_document

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "translations"
DOCUMENT = "illustrative-copies"
# Copy 3 is transcribed as far as the end of its first sheet: its second sheet shows the text copy 1 has there.
UNTRANSCRIBED = {("copy-c", "42"): ("copy-a", range(8, 12))}
SIZE = {"width": 520, "height": 720}
QUALITY = 60  # JPEG: each page stays near 30 KB

PAGE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><style>
body { margin: 0; background: #efe8d6; font: 14px/1.65 "DejaVu Sans Mono", monospace; color: #2b2b33; }
.sheet { position: relative; box-sizing: border-box; width: 520px; height: 720px; padding: 46px 44px 40px 58px; }
.number { position: absolute; top: 14px; right: 24px; font: italic 20px "DejaVu Serif", serif; color: #6b6b78; }
p { margin: 0 0 0.8em; white-space: pre-wrap; }
p.heading { text-align: center; font-weight: bold; }
p.stamp { float: right; margin-left: 1em; padding: 3px 8px; border: 2px solid #6a3d8f; color: #6a3d8f;
          transform: rotate(-4deg); font-weight: bold; }
.made { position: absolute; bottom: 10px; left: 58px; right: 24px; font: 9px "DejaVu Sans", sans-serif;
        color: #8a2c2c; border-top: 1px solid #c9bfa6; padding-top: 4px; }
</style></head><body><div class="sheet">
<div class="number">{{ sheet }}</div>
{% for text in paragraphs %}<p class="{{ kind(text) }}">{{ text }}</p>
{% endfor %}
<div class="made">Illustrative facsimile drawn by the versions project from its own invented text: not an archival image.</div>
</div></body></html>""")


def kind(text: str) -> str:
    if text.startswith(("СЕКРЕТНО", "Вх.")):
        return "stamp"
    return "heading" if text.isupper() or text.startswith("РАСПОРЯЖЕНИЕ") else ""


def sheets(document):
    """(file, sheet, paragraph texts) of every facsimile file the document's versions list."""
    for version in document.versions:
        for facsimile in version.facsimiles:
            source, numbers = UNTRANSCRIBED.get((version.id, facsimile.sheet), (version.id, facsimile.paragraphs))
            texts = [document.version(source).paragraphs[n - 1].text for n in numbers]
            yield CORPUS / DOCUMENT / facsimile.path, facsimile.sheet, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    options = parser.parse_args()
    document = load_document(CORPUS, DOCUMENT)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=options.chromium)
        page = browser.new_page(viewport=SIZE)
        for path, sheet, texts in sheets(document):
            page.set_content(PAGE.render(sheet=sheet, paragraphs=texts, kind=kind))
            page.screenshot(path=str(path), type="jpeg", quality=QUALITY)
            print(f"{path.relative_to(ROOT)}: sheet {sheet}, {len(texts)} paragraphs")
        browser.close()


if __name__ == "__main__":
    main()
