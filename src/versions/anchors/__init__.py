"""Anchors: the parts of a text that survive translation — numbers, dates, proper names, ! and ?.

The cross-language aligner scores paragraph pairs by the anchors they share, and the comparison of two versions
reports the anchors one of them dropped. Everything is normalised so that equal things compare equal across scripts
and spellings: "19 августа", "August 19" and "八月十九日" are all the date ``08-19``; "nine", "девятого" and "第九" the
number ``9``; "Кэсона", "Gaeseong" and "開城" the name ``kaesong``.

One module per kind: ``numbers`` (digits, times, number words), ``dates``, ``names`` (gazetteer, romanization),
``chinese`` (folding, numerals, dates and day codes); ``compare`` matches anchors of two texts.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from .chinese import fold, take_chinese
from .compare import anchor_keys, anchors_correspond, unmatched_anchors
from .core import DIGIT_RUN, Anchor, blank
from .dates import take_dates
from .language import base_language, detect_language
from .names import build_gazetteer, gazetteer, names_match, take_names, transliterate
from .numbers import spell_out, take_numbers, take_times

__all__ = [
    "Anchor", "anchor_keys", "anchors_correspond", "base_language", "build_gazetteer", "clear_cache",
    "detect_language", "extract_anchors", "fold", "gazetteer", "names_match", "transliterate", "unmatched_anchors",
]

_PUNCT = re.compile(r"([!?！？])(?=[\s\"'»”’)\]]|$)")


def extract_anchors(text: str, language: str | None = None) -> set[Anchor]:
    """All anchors of a text: numbers, dates (MM-DD or YYYY-MM-DD), names (romanized, canonical) and ! / ?."""
    return set(_cached_anchors(text, base_language(language) if language else detect_language(text)))


def clear_cache() -> None:
    _cached_anchors.cache_clear()


@lru_cache(maxsize=100_000)  # the base version is aligned with every other version: extract its anchors once
def _cached_anchors(text: str, language: str) -> frozenset[Anchor]:
    text = fold(unicodedata.normalize("NFKC", text))
    anchors = {Anchor("punct", mark.translate(str.maketrans("！？", "!?"))) for mark in _PUNCT.findall(text)}
    if language in ("zh", "ja"):
        text = take_chinese(text, anchors)
    text, weak = spell_out(text, language)
    digit_runs = [run.start() for run in DIGIT_RUN.finditer(text)]
    text = take_dates(text, digit_runs, anchors)
    for start, end in weak:  # "second" alone, "one of": numbers only in dates
        text = blank(text, start, end)
    text = take_times(text, digit_runs, anchors)
    text = take_numbers(text, language, digit_runs, anchors)
    take_names(text, anchors)
    return frozenset(anchors)
