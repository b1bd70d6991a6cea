"""A version's facsimiles: the page images its front matter lists under ``facsimiles:``.

Each entry is one archival sheet (лист, counted as the archival reference's ``listy`` counts them) and its image:
a file in the document's ``images/`` folder (``image:``, a plain file name, never a path) or a IIIF Image API base
URL (``iiif:``), and optionally the version's paragraphs on that sheet (``paragraphs:``, numbers from 1 or ranges
``"3-5"``). The generic checks of an entry's fields are the reader's (``corpus.fields.check_fields``); the values are
checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..archival import listy_holds, normal_sheet
from ..errors import Problem, clipped, problem
from .folders import outside_problem

IMAGES_FOLDER = "images"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")  # what every browser shows in an <img>
FACSIMILE_FIELDS: dict[str, tuple[tuple[type, ...], bool]] = {
    "sheet": ((str, int), True),
    "image": ((str,), False),
    "iiif": ((str,), False),
    "paragraphs": ((list,), False),
}
_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_RANGE = re.compile(r"\s*([0-9]{1,9})\s*-\s*([0-9]{1,9})\s*\Z")
# the end of a IIIF image request (…/full/max/0/default.jpg) or information request, where a base URL is wanted
_IIIF_REQUEST = re.compile(r"/(?:info\.json|(?:default|color|gray|grey|bitonal|native)\.[a-z0-9]+)\Z")


@dataclass(frozen=True)
class Facsimile:
    sheet: str  # as listy counts sheets: 5, 12a, 5ob
    image: str | None  # a file name in the document's images/ folder
    iiif: str | None  # a IIIF Image API base URL
    paragraphs: tuple[int, ...]  # the version's paragraphs (numbers from 1) on this sheet; empty when not said
    line: int

    @property
    def path(self) -> str | None:
        """The image file's path inside the document folder."""
        return f"{IMAGES_FOLDER}/{self.image}" if self.image else None


def facsimile_of(
    entry: dict, root: Path, folder: Path, paragraph_count: int, shown: str, line: int, problems: list[Problem]
) -> Facsimile | None:
    """The facsimile an entry (its fields' types already checked) describes, or None after recording its problems."""
    before = len(problems)

    def refuse(message: str) -> None:
        problems.append(problem(shown, line, message))

    sheet = normal_sheet(str(entry["sheet"]))
    if sheet is None:
        refuse(f"sheet {clipped(str(entry['sheet']))} is not one sheet as listy counts them, such as 5, 12a or 5ob")
    image, iiif = entry.get("image"), entry.get("iiif")
    if (image is None) == (iiif is None):
        refuse("a facsimile gives either 'image' (a file in images/) or 'iiif' (a IIIF Image API base URL)")
    elif reason := image_problem(root, folder, image) if image is not None else iiif_problem(iiif):
        refuse(reason)
    paragraphs = _paragraph_numbers(entry.get("paragraphs") or [], paragraph_count, refuse)
    if len(problems) > before:
        return None
    return Facsimile(sheet, image, iiif.rstrip("/") if iiif else None, paragraphs, line)


def image_problem(root: Path, folder: Path, name: str) -> str | None:
    """Why ``name`` is not an image file of the document's ``images/`` folder that may be published, or None."""
    if not _FILE_NAME.match(name) or ".." in name:
        return (f"image {clipped(name)} is not a plain file name (letters, digits, '.', '_', '-'): "
                f"name a file in {IMAGES_FOLDER}/, never a path")
    if not name.lower().endswith(IMAGE_SUFFIXES):
        return f"image {clipped(name)} is not a {', '.join(IMAGE_SUFFIXES)} file"
    images = folder / IMAGES_FOLDER
    if reason := outside_problem(root, images):
        return reason
    path = images / name
    if path.is_symlink():
        return f"image {IMAGES_FOLDER}/{name} is a symbolic link; facsimiles are files in {IMAGES_FOLDER}/"
    if not path.is_file():
        return f"missing image file {IMAGES_FOLDER}/{name}"
    return None


def iiif_problem(url: str) -> str | None:
    """Why ``url`` is not a IIIF Image API base URL (``https://host/prefix/identifier``), or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or any(
            char.isspace() or char in "\"'<>\\" for char in url):
        return f"iiif {clipped(url)} is not an http(s) URL"
    if parts.query or parts.fragment:
        return f"iiif {clipped(url)} has a query or a fragment; give the image's base URL"
    if _IIIF_REQUEST.search(parts.path.rstrip("/")):
        return f"iiif {clipped(url)} is a request; give the image's base URL, without /info.json or /full/..."
    return None


def _paragraph_numbers(raw: list, paragraph_count: int, refuse) -> tuple[int, ...]:
    numbers: list[int] = []
    for item in raw:
        span = _span(item)
        if span is None:
            refuse(f"paragraphs: {clipped(str(item))} is not a paragraph number from 1 or a range such as '3-5'")
        elif span[-1] > paragraph_count:
            refuse(f"paragraphs: {item} is beyond the version's last paragraph ({paragraph_count})")
        else:
            numbers.extend(number for number in span if number not in numbers)
    return tuple(sorted(numbers))


def _span(item) -> range | None:
    if type(item) is int:
        return range(item, item + 1) if item >= 1 else None
    match = _RANGE.match(item) if isinstance(item, str) else None
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        return None
    return range(int(match[1]), int(match[2]) + 1)


def sheet_problems(facsimiles: list[Facsimile], listy: str | None, archive: str | None, shown: str) -> list[Problem]:
    """A sheet listed twice, or outside the listy of the version's archival reference (where they can be read)."""
    problems, seen = [], set()
    for facsimile in facsimiles:
        if facsimile.sheet in seen:
            problems.append(problem(shown, facsimile.line, f"sheet {facsimile.sheet} has two facsimiles"))
        seen.add(facsimile.sheet)
        if listy and listy_holds(listy, facsimile.sheet) is False:
            message = f"sheet {facsimile.sheet} is not among the listy {listy} of {archive}"
            problems.append(problem(shown, facsimile.line, message))
    return problems
