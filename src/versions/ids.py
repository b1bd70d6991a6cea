"""Ids are slugs, never paths: the one rule for document, version and archive ids."""

from __future__ import annotations

import re
import unicodedata

from .errors import is_undecodable, shown_name

MAX_ID_LENGTH = 64

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def slug_problem(value: str) -> str | None:
    """Why ``value`` is not a valid id, or None if it is one."""
    if is_undecodable(value):
        return f"id '{shown_name(value)}': file name is not UTF-8; rename it"
    if "/" in value or "\\" in value:
        return f"id {value!r} contains a path separator; ids are slugs such as 'wilson-en'"
    if ".." in value:
        return f"id {value!r} contains '..'; ids are slugs such as 'wilson-en'"
    if any(c.isspace() for c in value):
        return f"id {value!r} contains a space; use hyphens"
    foreign = next((c for c in value if ord(c) > 127), None)
    if foreign:
        name = unicodedata.name(foreign, f"U+{ord(foreign):04X}")
        return f"id {value!r} contains the non-ASCII letter {foreign!r} ({name}); ids are ASCII slugs"
    if len(value) > MAX_ID_LENGTH:
        return f"id {value!r} is longer than {MAX_ID_LENGTH} characters"
    if not _SLUG.match(value):
        return f"id {value!r} is not a slug: use lowercase letters, digits and single hyphens"
    return None
