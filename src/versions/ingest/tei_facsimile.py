"""The page images of a TEI file (``facsimile``, Guidelines ch. 11) back into the versions' ``facsimiles``.

Reads what ``versions.export.facsimile`` writes: a ``surfaceGrp`` per witness (``corresp``), a ``surface`` per sheet
(``n``; ``corresp`` the ids of the witness's paragraphs on it), its ``graphic`` an image file beside the TEI file
(``images/NAME``, or a plain ``NAME``) or a IIIF Image API base URL (``type="iiif"``). A graphic that is neither, and
a surface in no witness's ``surfaceGrp`` (as other editions link pages through ``@facs``), are left out with a
warning. The image files themselves are found beside the TEI file (``images/``) by ``found_images``:
an entry whose file is not there is left out, with one warning for them all, so that an import never writes a
document whose facsimiles name missing files.
"""

from __future__ import annotations

from pathlib import Path

from ..corpus import IMAGES_FOLDER
from ..export import IIIF, TEI_NS
from .staging import ImportFailure

_T = f"{{{TEI_NS}}}"


def read_facsimiles(root, xml_ids: dict[str, str], paragraph_ids: dict[str, tuple[str, int]],
                    warnings: list[str]) -> dict[str, list[dict]]:
    """Per version id, its ``facsimiles`` entries as front matter; ``xml_ids`` maps a witness's ``xml:id`` to its
    version, ``paragraph_ids`` a paragraph's ``xml:id`` to (version, number from 1)."""
    found: dict[str, list[dict]] = {}
    placed = set()
    for group in root.iterfind(f"{_T}facsimile/{_T}surfaceGrp"):
        version_id = xml_ids.get((group.get("corresp") or "").removeprefix("#"))
        if version_id is None:
            continue
        for surface in group.iterfind(f"{_T}surface"):
            placed.add(surface)
            if entry := _entry(surface, version_id, paragraph_ids, warnings):
                found.setdefault(version_id, []).append(entry)
    unplaced = [s for s in root.iterfind(f"{_T}facsimile//{_T}surface") if s not in placed]
    if unplaced:
        warnings.append(f"{len(unplaced)} facsimile surface(s) left out (from line {unplaced[0].sourceline}): "
                        'only a surfaceGrp with corresp="#WITNESS" says whose sheets they are')
    return found


def _entry(surface, version_id: str, paragraph_ids, warnings: list[str]) -> dict | None:
    sheet, graphic = surface.get("n"), surface.find(f"{_T}graphic")
    if not sheet or graphic is None or not graphic.get("url"):
        raise ImportFailure(f"a surface of witness {version_id} needs a sheet (n) and a graphic with a url",
                            surface.sourceline or 1)
    url = graphic.get("url")
    entry: dict = {"sheet": sheet}
    if graphic.get("type") == IIIF:
        entry["iiif"] = url
    elif "/" not in (name := url.removeprefix(f"{IMAGES_FOLDER}/")) and ":" not in name:
        entry["image"] = name
    else:
        warnings.append(f"sheet {sheet} of {version_id} left out: its graphic {url!r} is neither a file in "
                        f"{IMAGES_FOLDER}/ nor a IIIF base URL (type=\"iiif\")")
        return None
    numbers = [_paragraph(pointer, version_id, paragraph_ids, surface) for pointer in
               (surface.get("corresp") or "").split()]
    if numbers:
        entry["paragraphs"] = _stretches(sorted(numbers))
    return entry


def _paragraph(pointer: str, version_id: str, paragraph_ids, surface) -> int:
    owner, number = paragraph_ids.get(pointer.removeprefix("#"), (None, 0))
    if owner != version_id:
        raise ImportFailure(f"surface {surface.get('n')} of witness {version_id}: corresp {pointer!r} is no "
                            "paragraph of that witness", surface.sourceline or 1)
    return number


def _stretches(numbers: list[int]) -> list:
    """Paragraph numbers as the corpus writes them: runs as ``"1-7"``, single paragraphs as numbers."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return [first if first == last else f"{first}-{last}" for first, last in runs]


def found_images(versions, beside: Path) -> tuple[dict[str, Path], str | None]:
    """The image files the versions' facsimiles name, found in ``beside/images/`` (name -> path); the entries
    whose file is not there are taken out of the front matter, and a one-line warning names them."""
    folder = beside / IMAGES_FOLDER
    images: dict[str, Path] = {}
    missing: list[str] = []
    for version in versions:
        entries = version.front_matter.get("facsimiles", [])
        kept = []
        for entry in entries:
            path = folder / entry["image"] if "image" in entry else None
            if path is None or (path.is_file() and not path.is_symlink()):
                kept.append(entry)
                if path is not None:
                    images[entry["image"]] = path
            else:
                missing.append(f"{version.id} sheet {entry['sheet']} ({IMAGES_FOLDER}/{entry['image']})")
        if kept:
            version.front_matter["facsimiles"] = kept
        else:
            version.front_matter.pop("facsimiles", None)
    if not missing:
        return images, None
    return images, (f"{len(missing)} facsimile(s) left out, their image not in {folder}: {', '.join(missing)}; "
                    "put the images there and import again to keep them")
