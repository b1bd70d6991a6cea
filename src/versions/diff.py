"""Word-level diffs of two texts (in practice: the paragraphs of one alignment group), over diff-match-patch.

How a diff is made
    Each text is cut into tokens: words (letters and digits, with inner hyphens and apostrophes, ``23,256``,
    ``27.08.1951``; every Chinese/Japanese character is a word of its own) and the runs of spaces and punctuation
    between them. Each distinct token key (the token itself, or its normalized form, see ``versions.normalize``) is
    mapped to one private-use code point, the two code strings are diffed by diff-match-patch (``diff_main``: the C++
    build ``fast_diff_match_patch`` when importable, else the pure-Python ``diff_match_patch``; they give identical
    operations), then cleaned up with ``diff_cleanupSemantic`` (each token weighing as many characters as its key,
    as if the cleanup ran on the text) and mapped back to the text. This is the library's lines-to-chars idea done
    for words: a diff never cuts a word. There is no time limit (``Diff_Timeout = 0``), so the result depends only
    on the two texts. One diff takes up to 68,734 distinct token keys (half the private-use code points).

Exactness
    ``ops`` are diff-match-patch tuples ``(op, text)``, -1 delete, 0 equal, 1 insert. Joining the texts of ops 0 and
    -1 gives A exactly, ops 0 and 1 gives B exactly, for every normalization.

Muted operations (differences normalized away)
    A run of words equal only after normalization ("Syngmann" / "Syngman" under ``romanization``) keeps both
    original texts: it becomes a deletion of A's text directly followed by an insertion of B's text, and both
    indices are listed in ``muted``. A deletion or insertion made only of tokens that normalize to nothing (a
    trailing ``.`` under ``punctuation``, a line break under ``whitespace``) is muted as well; next to a muted
    deletion or insertion it is merged into it, so no two neighbouring ops have the same op and muted state.
    Muted operations count neither as inserted, deleted nor replaced words, and as matching text in
    ``similarity``. Renderers show them marked as muted, or with ``show_muted=False`` as B's text, unmarked.

Counts (words only: a CJK character is a word; spaces and punctuation never count)
    A (non-muted) deletion of d words directly followed by an insertion of i words counts ``min(d, i)`` replaced,
    ``d - min(d, i)`` deleted and ``i - min(d, i)`` inserted; a deletion or insertion on its own counts all its
    words as deleted or inserted. So ``deleted + replaced`` is the number of A's words that changed,
    ``inserted + replaced`` that of B's.

Similarity
    ``2 * matching characters / (len(A) + len(B))``: equal text counts on both sides, muted text on its own side;
    1.0 for two empty texts. Rounded to 4 decimals.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby, zip_longest
from typing import Any, NamedTuple

from diff_match_patch import diff_match_patch
from markupsafe import Markup, escape

from .normalize import NONE, Normalization

try:
    import fast_diff_match_patch
except ImportError:  # the pure-Python engine gives the same operations, only slower
    fast_diff_match_patch = None

DELETE, EQUAL, INSERT = -1, 0, 1

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_COMBINING_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD_PART = rf"(?:[^\W{_CJK}][{_COMBINING_MARKS}]*)+"
_WORD_JOINER = r"(?:['’\-‐‑]|(?<=\d)[.,:/](?=\d))"
_WORD_START = re.compile(r"\w")


def _token_patterns(word_part: str) -> tuple[re.Pattern, re.Pattern]:
    """The tokens (words, and the runs of spaces and punctuation between them) and the words alone."""
    word = rf"[{_CJK}]|{word_part}(?:{_WORD_JOINER}{word_part})*"
    return re.compile(rf"{word}|\W+"), re.compile(word)


_TOKEN, _WORD = _token_patterns(_WORD_PART)
# The same tokens where no combining mark occurs (most texts), a third faster: _WORD_PART's marks match nothing there.
_PLAIN_TOKEN, _PLAIN_WORD = _token_patterns(rf"[^\W{_CJK}]+")
_COMBINING_MARK = re.compile(rf"[{_COMBINING_MARKS}]")

# Token codes and their fillers. Private-use code points have no character class: the semantic cleanup's boundary
# scoring (made for real characters) finds every position alike and keeps edits where the diff put them, on token
# boundaries.
_CODE_POINT_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))

_DMP = diff_match_patch()
_DMP.Diff_Timeout = 0


def _diff_fast(a: str, b: str) -> list[tuple[int, str]]:
    ops = fast_diff_match_patch.diff(a, b, timelimit=0, checklines=False, cleanup="No", counts_only=False)
    return [(_FAST_OPS[op], text) for op, text in ops]


def _diff_python(a: str, b: str) -> list[tuple[int, str]]:
    return _DMP.diff_main(a, b, checklines=False)


_FAST_OPS = {"-": DELETE, "=": EQUAL, "+": INSERT}
_ENGINES: dict[str, Callable[[str, str], list[tuple[int, str]]]] = {"diff_match_patch": _diff_python}
if fast_diff_match_patch is not None:
    _ENGINES["fast_diff_match_patch"] = _diff_fast
ENGINES = tuple(_ENGINES)
ENGINE = "fast_diff_match_patch" if fast_diff_match_patch is not None else "diff_match_patch"


@dataclass(frozen=True)
class WordDiff:
    ops: list[tuple[int, str]]
    muted: list[int]
    similarity: float
    inserted: int
    deleted: int
    replaced: int
    normalization: tuple[str, ...] = ()

    @property
    def text_a(self) -> str:
        return "".join(text for op, text in self.ops if op != INSERT)

    @property
    def text_b(self) -> str:
        return "".join(text for op, text in self.ops if op != DELETE)

    def reversed(self) -> WordDiff:
        """The same diff read from B to A: insertions become deletions and the other way round, and a deletion
        followed by an insertion (a replacement) still shows its deletion first."""
        order, k = [], 0  # indexes of the ops, in their new order
        while k < len(self.ops):
            if k + 1 < len(self.ops) and (self.ops[k][0], self.ops[k + 1][0]) == (DELETE, INSERT):
                order += [k + 1, k]
                k += 2
            else:
                order.append(k)
                k += 1
        position = {old: new for new, old in enumerate(order)}
        return WordDiff(
            ops=[(-self.ops[k][0], self.ops[k][1]) for k in order],
            muted=sorted(position[k] for k in self.muted),
            similarity=self.similarity,
            inserted=self.deleted,
            deleted=self.inserted,
            replaced=self.replaced,
            normalization=self.normalization,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "ops": [[op, text] for op, text in self.ops],
            "muted": list(self.muted),
            "similarity": self.similarity,
            "inserted": self.inserted,
            "deleted": self.deleted,
            "replaced": self.replaced,
            "normalization": list(self.normalization),
        }

    def to_row(self) -> dict[str, Any]:
        """The diff as database columns: ops and muted as JSON text, the figures as they are."""
        return {
            "ops": _JSON_TEXT(self.ops),  # a tuple is written as the array a list is
            "muted": json.dumps(self.muted),
            "similarity": self.similarity,
            "inserted": self.inserted,
            "deleted": self.deleted,
            "replaced": self.replaced,
            "normalization": json.dumps(self.normalization),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WordDiff:
        return cls(
            ops=[(op, text) for op, text in data["ops"]],
            muted=list(data["muted"]),
            similarity=data["similarity"],
            inserted=data["inserted"],
            deleted=data["deleted"],
            replaced=data["replaced"],
            normalization=tuple(data["normalization"]),
        )


_JSON_TEXT = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(..., ensure_ascii=False), made once


class _Span(NamedTuple):
    op: int
    tokens: tuple[str, ...]
    muted: bool = False


def word_diff(a: str, b: str, normalization: Normalization = NONE, *, engine: str | None = None) -> WordDiff:
    """The word diff of ``a`` and ``b``; ``engine`` (one of ``ENGINES``) defaults to ``ENGINE``."""
    if a == b:  # what the diff below finds for equal texts, found without it: copies agree on most paragraphs
        return WordDiff([(EQUAL, a)] if a else [], [], 1.0, 0, 0, 0, normalization.names())
    tokens_a, tokens_b = tokenize(a), tokenize(b)
    codebook = _Codebook()
    codes_a = codebook.encode(_keys(tokens_a, normalization))
    codes_b = codebook.encode(_keys(tokens_b, normalization))
    coded_ops = codebook.cleanup_semantic(diff_main(codes_a, codes_b, engine))
    spans = _merged(_decode(coded_ops, tokens_a, tokens_b, normalization))
    ops = [(span.op, "".join(span.tokens)) for span in spans]
    muted = [index for index, span in enumerate(spans) if span.muted]
    inserted, deleted, replaced = _count_words(spans)
    return WordDiff(
        ops=ops,
        muted=muted,
        similarity=_similarity(spans, len(a) + len(b)),
        inserted=inserted,
        deleted=deleted,
        replaced=replaced,
        normalization=normalization.names(),
    )


def tokenize(text: str) -> list[str]:
    """Words and the runs of spaces and punctuation between them; joined, they give ``text`` back."""
    return (_TOKEN if _COMBINING_MARK.search(text) else _PLAIN_TOKEN).findall(text)


def is_word(token: str) -> bool:
    return bool(_WORD_START.match(token))


# A build counts each paragraph's words for its history, then for its row (and then forgets them): room for a long
# document's paragraphs. A long document's rebuild learns those of the paragraphs it counted before (its cache).
WORD_COUNTS_KEPT = 1 << 15
_WORD_COUNTS: dict[str, int] = {}


def count_words(text: str) -> int:
    """How many of ``tokenize(text)`` are words, in one pass."""
    known = _WORD_COUNTS.get(text)
    if known is None:
        if len(_WORD_COUNTS) >= WORD_COUNTS_KEPT:
            _WORD_COUNTS.clear()
        known = _WORD_COUNTS[text] = len((_WORD if _COMBINING_MARK.search(text) else _PLAIN_WORD).findall(text))
    return known


def learn_word_counts(counts: dict[str, int]) -> None:
    """Take the word counts of these texts, counted before, instead of counting them."""
    _WORD_COUNTS.update(counts)


def forget_word_counts() -> None:
    _WORD_COUNTS.clear()


def diff_main(a: str, b: str, engine: str | None = None) -> list[tuple[int, str]]:
    """diff-match-patch's ``diff_main`` of two strings: no line mode, no cleanup, no time limit."""
    name = engine or ENGINE
    if name not in _ENGINES:
        raise ValueError(f"diff engine {name!r} is not available; available: {', '.join(ENGINES)}")
    return _ENGINES[name](a, b)


def diff_sequences(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int]]:
    """diff-match-patch over two sequences of keys (such as paragraph hashes): runs of (op, number of items)."""
    codebook = _Codebook()
    coded_a, coded_b = codebook.encode(list(a)), codebook.encode(list(b))
    return [(op, len(codes)) for op, codes in diff_main(coded_a, coded_b)]


def _keys(tokens: list[str], normalization: Normalization) -> list[str]:
    return [normalization.key(token) for token in tokens] if normalization else tokens


class _Codebook:
    """One private-use code point per distinct token key, and one more as its filler for the cleanup."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}
        self._stretched: dict[str, str] = {}
        self._fillers: dict[int, None] = {}

    def encode(self, keys: list[str]) -> str:
        return "".join(self._codes.get(key) or self._add(key) for key in keys)

    def _add(self, key: str) -> str:
        code, filler = _code_point(2 * len(self._codes)), _code_point(2 * len(self._codes) + 1)
        self._codes[key] = code
        self._stretched[code] = code + filler * (len(key) - 1)
        self._fillers[ord(filler)] = None
        return code

    def cleanup_semantic(self, coded_ops: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """``diff_cleanupSemantic`` weighing each token by the length of its key, as it weighs text.

        Each token code is followed by its own filler ``len(key) - 1`` times while the cleanup runs. The cleanup
        still moves whole tokens only: it compares texts, and a token's code points occur in no other token.
        """
        stretched = [(op, "".join(map(self._stretched.__getitem__, codes))) for op, codes in coded_ops]
        _DMP.diff_cleanupSemantic(stretched)
        return [(op, text.translate(self._fillers)) for op, text in stretched]


def _code_point(index: int) -> str:
    for first, last in _CODE_POINT_RANGES:
        if index <= last - first:
            return chr(first + index)
        index -= last - first + 1
    raise ValueError("too many distinct words for a word diff (more than the private-use code points)")


def _decode(
    coded_ops: list[tuple[int, str]], tokens_a: list[str], tokens_b: list[str], normalization: Normalization
) -> Iterator[_Span]:
    i = j = 0
    for op, codes in coded_ops:
        count = len(codes)
        if op == EQUAL:
            yield from _equal_spans(tokens_a[i : i + count], tokens_b[j : j + count])
            i += count
            j += count
        elif op == DELETE:
            yield _edit_span(DELETE, tokens_a[i : i + count], normalization)
            i += count
        else:
            yield _edit_span(INSERT, tokens_b[j : j + count], normalization)
            j += count


def _equal_spans(tokens_a: list[str], tokens_b: list[str]) -> Iterator[_Span]:
    """Tokens with equal keys; those whose texts differ become a muted deletion + insertion."""
    if tokens_a == tokens_b:  # no normalization at work here: most equal runs
        yield _Span(EQUAL, tuple(tokens_a))
        return
    for same, pairs in groupby(zip(tokens_a, tokens_b), key=lambda pair: pair[0] == pair[1]):
        run_a, run_b = zip(*pairs)
        if same:
            yield _Span(EQUAL, run_a)
        else:
            yield _Span(DELETE, run_a, muted=True)
            yield _Span(INSERT, run_b, muted=True)


def _edit_span(op: int, tokens: list[str], normalization: Normalization) -> _Span:
    normalized_away = not any(normalization.key(token) for token in tokens)
    return _Span(op, tuple(tokens), muted=normalized_away)


def _merged(spans: Iterable[_Span]) -> list[_Span]:
    """Adjacent spans of the same kind joined (a muted deletion of a "." before a muted pair's deletion)."""
    merged: list[_Span] = []
    for span in spans:
        if merged and merged[-1].op == span.op and merged[-1].muted == span.muted:
            merged[-1] = _Span(span.op, merged[-1].tokens + span.tokens, span.muted)
        else:
            merged.append(span)
    return merged


def _count_words(spans: list[_Span]) -> tuple[int, int, int]:
    inserted = deleted = replaced = 0
    words_just_deleted = 0
    for span in spans:
        if span.muted or span.op == EQUAL:
            words_just_deleted = 0
            continue
        words = sum(map(is_word, span.tokens))
        if span.op == DELETE:
            deleted += words
            words_just_deleted = words
        else:
            paired = min(words_just_deleted, words)
            replaced += paired
            deleted -= paired
            inserted += words - paired
            words_just_deleted = 0
    return inserted, deleted, replaced


def _similarity(spans: list[_Span], total_length: int) -> float:
    if not total_length:
        return 1.0
    matching = sum(
        sum(map(len, span.tokens)) * (2 if span.op == EQUAL else 1)
        for span in spans
        if span.op == EQUAL or span.muted
    )
    return round(matching / total_length, 4)


# Rendering

_Style = tuple[int, bool]  # (op, muted) of a marked change

_HTML_MARKUP = {
    (DELETE, False): Markup("<del>{}</del>"),
    (INSERT, False): Markup("<ins>{}</ins>"),
    (DELETE, True): Markup('<del class="muted">{}</del>'),
    (INSERT, True): Markup('<ins class="muted">{}</ins>'),
}
_PLAIN_MARKERS = {
    (DELETE, False): ("[-", "-]"),
    (INSERT, False): ("{+", "+}"),
    (DELETE, True): ("[~", "~]"),
    (INSERT, True): ("{~", "~}"),
}
_ANSI_RESET = "\x1b[0m"
_ANSI_MARKERS = {
    (DELETE, False): ("\x1b[31m", _ANSI_RESET),
    (INSERT, False): ("\x1b[32m", _ANSI_RESET),
    (DELETE, True): ("\x1b[2;31m", _ANSI_RESET),
    (INSERT, True): ("\x1b[2;32m", _ANSI_RESET),
}
# Control characters of the texts are shown escaped, so a text cannot drive the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def render_html(diff: WordDiff, show_muted: bool = True) -> Markup:
    """An HTML fragment: ``<del>``/``<ins>`` around changes (``class="muted"`` on muted ones), all text escaped.

    With ``show_muted=False`` a muted change shows as B's text, unmarked.
    """
    parts = []
    for style, op, text in _styled_ops(diff, show_muted):
        if style:
            parts.append(_HTML_MARKUP[style].format(text))
        elif op != DELETE:
            parts.append(escape(text))
    return Markup("").join(parts)


def render_text(diff: WordDiff, color: bool, show_muted: bool = True) -> str:
    """The diff as one text: red deletions and green insertions (muted ones dim) with ``color``, else marked
    ``[-deleted-]{+inserted+}`` (muted ones ``[~deleted~]{~inserted~}``).

    With ``show_muted=False`` a muted change shows as B's text, unmarked.
    """
    markers = _ANSI_MARKERS if color else _PLAIN_MARKERS
    parts = []
    for style, op, text in _styled_ops(diff, show_muted):
        text = _visible(text)
        if style:
            opening, closing = markers[style]
            parts.append(f"{opening}{text}{closing}")
        elif op != DELETE:
            parts.append(text)
    return "".join(parts)


def render_side_by_side(diff: WordDiff, width: int = 100, color: bool = False, show_muted: bool = True) -> str:
    """A two-column view, A on the left with its deletions marked, B on the right with its insertions marked,
    wrapped to ``width`` terminal columns in all. Markers and colours are those of ``render_text``; with
    ``show_muted=False`` muted changes are left unmarked (each side still shows its own text)."""
    column = max((width - 3) // 2, 8)
    sides: dict[int, list[_Segment]] = {DELETE: [], INSERT: []}
    for style, op, text in _styled_ops(diff, show_muted):
        for side, segments in sides.items():
            if op in (EQUAL, side):
                segments.append((style, _visible(text).replace("\t", " ")))
    markers = _ANSI_MARKERS if color else _PLAIN_MARKERS
    marker_width = 0 if color else 4
    left, right = (_wrap(segments, column, marker_width) for segments in sides.values())
    return "\n".join(
        f"{_render_line(line_a, markers, marker_width, column)} | "
        f"{_render_line(line_b, markers, marker_width, column)}".rstrip()
        for line_a, line_b in zip_longest(left, right, fillvalue=[])
    )


def _styled_ops(diff: WordDiff, show_muted: bool) -> Iterator[tuple[_Style | None, int, str]]:
    """``(style, op, text)`` for each op; style is None for text shown unmarked."""
    muted = set(diff.muted)
    for index, (op, text) in enumerate(diff.ops):
        marked = op != EQUAL and (show_muted or index not in muted)
        yield ((op, index in muted) if marked else None), op, text


_Segment = tuple[_Style | None, str]
_PIECE = re.compile(r"\n|[^\S\n]+|\S+")


def _wrap(segments: Iterable[_Segment], width: int, marker_width: int) -> list[list[_Segment]]:
    """Lines of at most ``width`` columns, counting ``marker_width`` for each marked run on a line."""
    lines: list[list[_Segment]] = [[]]
    used = 0
    for style, text in segments:
        for piece in _PIECE.findall(text):
            if piece == "\n":
                lines.append([])
                used = 0
                continue
            for chunk in _chunks(piece, width - marker_width):
                cost = _display_width(chunk) + _run_start_cost(lines[-1], style, marker_width)
                if used and used + cost > width:
                    lines.append([])
                    used = 0
                    if chunk.isspace():
                        continue
                    cost = _display_width(chunk) + _run_start_cost(lines[-1], style, marker_width)
                lines[-1].append((style, chunk))
                used += cost
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return lines


def _run_start_cost(line: list[_Segment], style: _Style | None, marker_width: int) -> int:
    starts_run = style is not None and (not line or line[-1][0] != style)
    return marker_width if starts_run else 0


def _chunks(piece: str, width: int) -> Iterator[str]:
    """``piece`` cut into parts of at most ``width`` columns (only a word longer than a line is cut)."""
    chunk, used = "", 0
    for char in piece:
        char_width = _display_width(char)
        if chunk and used + char_width > width:
            yield chunk
            chunk, used = "", 0
        chunk += char
        used += char_width
    if chunk:
        yield chunk


def _render_line(
    line: list[_Segment], markers: dict[_Style, tuple[str, str]], marker_width: int, width: int
) -> str:
    parts = []
    used = 0
    for style, run in groupby(line, key=lambda segment: segment[0]):
        text = "".join(chunk for _, chunk in run)
        used += _display_width(text)
        if style is None:
            parts.append(text)
        else:
            opening, closing = markers[style]
            parts.append(f"{opening}{text}{closing}")
            used += marker_width
    return "".join(parts) + " " * max(width - used, 0)


def _display_width(text: str) -> int:
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )


def _visible(text: str) -> str:
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)
