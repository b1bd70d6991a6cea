"""Language tags as versions declare them: BCP 47's language, script and region (``ru``, ``zh-Hant``, ``en-GB``).

Two versions are in one language when their tags name one language, whatever the script or region: a copy in
traditional characters (``zh-Hant``) is compared word for word with one in simplified (``zh``), the characters
folded alike (``anchors.fold``)."""

from __future__ import annotations

import re

TAG = re.compile(r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?\Z")  # language[-Script][-REGION]


def base_language(tag: str) -> str:
    """The language of a tag without its script or region: zh-Hant -> zh, en-GB -> en."""
    return tag.split("-")[0].lower()


def same_language(tag_a: str | None, tag_b: str | None) -> bool:
    """Whether two declared tags name one language (False when either is unknown)."""
    return bool(tag_a and tag_b) and base_language(tag_a) == base_language(tag_b)
