"""Normalization options for word diffs: which differences count as "the same word".

A ``Normalization`` is a set of flags, recorded with every stored diff (``names()`` / ``to_json()``):

- ``case``: compare case-folded (``Rhee`` = ``RHEE``);
- ``punctuation``: ignore punctuation (Unicode category P*), inside words too (``Tse-tung`` = ``Tsetung``,
  ``Rhee,`` = ``Rhee``);
- ``whitespace``: ignore whitespace (a space = a line break = nothing between a word and a comma);
- ``unicode``: compare in NFC, with Cyrillic letters that look like Latin ones folded to Latin (``Kаesong`` typed
  with a Cyrillic ``а`` = ``Kaesong``), and traditional Chinese characters folded to simplified (``開城`` = ``开城``:
  a copy in either script, ``zh-Hant`` or ``zh``, differs from the other only where its words do);
- ``romanization``: spellings listed together in ``versions/data/romanization.yaml`` are equal
  (Gaeseong = Kaesong = Kaeseong, Syngmann = Syngman, Peking = Beijing). The table is looked up ignoring case and
  punctuation; a match becomes the canonical spelling in the case of the original word, so ``GAESEONG`` = ``KAESONG``,
  and only the ``case`` flag makes it equal to ``Kaesong``.

``Normalization.key(token)`` maps a token (a word, or a run of spaces and punctuation) to the key the diff compares.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files

from .anchors.chinese import fold
from .text import load_data_yaml


ROMANIZATION_FILE = "romanization.yaml"

# Cyrillic letters that are drawn like Latin letters (the common subset of Unicode's confusables).
_HOMOGLYPHS = str.maketrans(
    "аеёіїјорсуһхѕԁԛԝӏ" "АВЕЁІЇЈКМНОРСТХЅԚԜҮӀ",
    "aeëiïjopcyhxsdqwl" "ABEËIÏJKMHOPCTXSQWYI",
)


@dataclass(frozen=True)
class Normalization:
    """Which differences a word diff treats as equal. Falsy when nothing is normalized."""

    case: bool = False
    punctuation: bool = False
    whitespace: bool = False
    unicode: bool = False
    romanization: bool = False

    def __post_init__(self):
        # token -> key, kept by each normalization (a diff asks for thousands); not a field, so no part of equality
        object.__setattr__(self, "_keys", {})
        object.__setattr__(self, "_names", tuple(field.name for field in fields(self) if getattr(self, field.name)))

    @classmethod
    def parse(cls, spec: str) -> Normalization:
        """``"case,punctuation"`` -> those flags. Also ``none`` / empty, ``default``, ``all``, and combinations
        such as ``default,case``."""
        return cls.from_names(name.strip() for name in spec.split(","))

    @classmethod
    def from_names(cls, names: Iterable[str]) -> Normalization:
        flags: set[str] = set()
        for name in names:
            flags.update(_expand(name.lower()))
        return cls(**dict.fromkeys(flags, True))

    def names(self) -> tuple[str, ...]:
        return self._names

    def to_json(self) -> list[str]:
        return list(self.names())

    def key(self, token: str) -> str:
        """The form of ``token`` that is compared: tokens with equal keys are the same word."""
        keys = self._keys
        known = keys.get(token)
        if known is None:
            if len(keys) >= _KEYS_KEPT:
                keys.clear()
            known = keys[token] = _key(token, self)
        return known

    def __bool__(self) -> bool:
        return bool(self._names)

    def __str__(self) -> str:
        return ",".join(self.names()) or "none"


FLAGS = tuple(field.name for field in fields(Normalization))
_KEYS_KEPT = 1 << 16  # keys each normalization remembers before it starts afresh
NONE = Normalization()
# The differences nobody sees on the page: spacing, Unicode composition, look-alike letters.
DEFAULT = Normalization(whitespace=True, unicode=True)
ALL = Normalization(**dict.fromkeys(FLAGS, True))
PRESETS = {"none": NONE, "default": DEFAULT, "all": ALL}


def _expand(name: str) -> tuple[str, ...]:
    if name in FLAGS:
        return (name,)
    if name in PRESETS:
        return PRESETS[name].names()
    if not name:
        return ()
    choices = ", ".join((*FLAGS, *PRESETS))
    raise ValueError(f"unknown normalization {name!r}; choose from {choices}")


def _key(token: str, normalization: Normalization) -> str:
    if normalization.unicode:
        token = fold(unicodedata.normalize("NFC", token).translate(_HOMOGLYPHS))
    if normalization.punctuation:
        token = _without_punctuation(token)
    if normalization.whitespace:
        token = "".join(token.split())
    if normalization.romanization:
        token = romanize(token)
    if normalization.case:
        token = token.casefold()
    return token


def romanize(word: str) -> str:
    """The canonical spelling of ``word`` from the romanization table, in the case of ``word``; else ``word``."""
    canonical = romanization_table().get(_lookup_form(word))
    return _in_case_of(word, canonical) if canonical else word


@cache
def romanization_table() -> dict[str, str]:
    """Variant spelling (case-folded, without punctuation) -> canonical spelling, from the packaged YAML file."""
    text = (files(__package__) / "data" / ROMANIZATION_FILE).read_text(encoding="utf-8")
    return parse_romanization(load_data_yaml(text) or {})


def parse_romanization(entries: dict[str, list[str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for canonical, variants in entries.items():
        for spelling in (canonical, *(variants or ())):
            if not isinstance(spelling, str) or not spelling or len(spelling.split()) != 1:
                raise ValueError(f"{ROMANIZATION_FILE}: {spelling!r} under {canonical!r} is not one word")
            form = _lookup_form(spelling)
            if table.setdefault(form, canonical) != canonical:
                raise ValueError(
                    f"{ROMANIZATION_FILE}: {spelling!r} is listed under both {table[form]!r} and {canonical!r}"
                )
    return table


def _lookup_form(word: str) -> str:
    return _without_punctuation(unicodedata.normalize("NFC", word)).casefold()


def _without_punctuation(text: str) -> str:
    return "".join(char for char in text if not unicodedata.category(char).startswith("P"))


def _in_case_of(word: str, canonical: str) -> str:
    if word.isupper() and len(word) > 1:
        return canonical.upper()
    if word[:1].islower():
        return canonical.lower()
    return canonical
