"""Which language a text is in, guessed from its script and, for Latin script, its function words."""

from __future__ import annotations

import re

from ..languages import base_language  # noqa: F401  (anchors.base_language, as the aligner asks for it)

_LATIN_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "with", "for", "was", "on", "are", "this", "which", "we"},
    "de": {"der", "die", "das", "und", "nicht", "ist", "mit", "sich", "auf", "dem", "den", "ein", "eine", "zu", "wir"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "dans", "que", "pour", "qui", "du", "pas", "nous", "au"},
    "es": {"el", "los", "las", "y", "del", "que", "en", "por", "una", "con", "para", "es", "se", "lo", "al"},
    "it": {"il", "della", "che", "di", "e", "per", "una", "con", "non", "sono", "gli", "dei", "nel", "alla", "del"},
}


def detect_language(text: str) -> str:
    """Guess a language code from the script: "ru" (Cyrillic), "zh" (Han), "ja", "ko", else a Latin language.

    Latin-script text is "en" unless the common function words of German, French, Spanish or Italian clearly
    outnumber the English ones.
    """
    text = text[:50_000]  # plenty to tell a script and keeps a long text from costing a long time
    counts = {"cyrillic": 0, "han": 0, "kana": 0, "hangul": 0, "latin": 0}
    for char in text:
        script = _script(char)
        if script:
            counts[script] += 1
    if counts["kana"] and counts["kana"] + counts["han"] > counts["latin"] + counts["cyrillic"]:
        return "ja"
    if counts["hangul"] > counts["latin"] + counts["cyrillic"]:
        return "ko"
    if counts["han"] * 3 > counts["latin"] + counts["cyrillic"]:
        return "zh"
    if counts["cyrillic"] > counts["latin"]:
        return "ru"
    return _latin_language(text)


def _script(char: str) -> str | None:
    code = ord(char)
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return "han"
    if 0x3040 <= code <= 0x30FF:
        return "kana"
    if 0xAC00 <= code <= 0xD7AF:
        return "hangul"
    if char.isalpha() and code < 0x0250:
        return "latin"
    return None


def _latin_language(text: str) -> str:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    hits = {lang: sum(word in stopwords for word in words) for lang, stopwords in _LATIN_STOPWORDS.items()}
    best = max(hits, key=lambda lang: hits[lang])
    return best if hits[best] > 1.5 * hits["en"] + 2 else "en"
