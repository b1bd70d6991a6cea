"""Paragraphs as a pasted or saved text has them, written back one paragraph per blank-line-separated block.

Three rules: ``blank`` (a blank line ends a paragraph; the lines of a block stay as they are), ``line`` (every line is a
paragraph: text copied from a web page often separates paragraphs by one newline) and ``wrapped`` (hard-wrapped
lines, as in a fixed-width text from a PDF or an archive.org copy: a paragraph ends at a blank line or at a line
that stops short of the width with the end of a sentence). ``detect_rule`` picks one from the text's shape.
"""

from __future__ import annotations

import re

RULES = ("blank", "line", "wrapped")

_SENTENCE_END = re.compile(r"[.!?:;…»\"”)\]]$")
_WRAP_SLACK = 0.8  # a wrapped line fills at least this share of the text's width
_MIN_WRAPPED_LINES = 4


def split_paragraphs(text: str, rule: str | None = None) -> tuple[list[str], str]:
    """The paragraphs of ``text`` and the rule used (``rule``, or the detected one)."""
    blocks = _blocks(text)
    rule = rule or detect_rule(blocks)
    if rule == "blank":
        return ["\n".join(block) for block in blocks], rule
    if rule == "line":
        return [line for block in blocks for line in block], rule
    width = _width(blocks)
    return [paragraph for block in blocks for paragraph in _unwrap(block, width)], rule


def detect_rule(blocks: list[list[str]]) -> str:
    """``wrapped`` when most lines fill the width and run on mid-sentence; ``line`` when blocks hold several
    lines that each end a sentence; else ``blank``."""
    lines = [line for block in blocks for line in block]
    if all(len(block) == 1 for block in blocks):
        return "blank"
    width = _width(blocks)
    full = [line for line in lines[:-1] if len(line) >= _WRAP_SLACK * width]
    running_on = [line for line in full if not _SENTENCE_END.search(line)]
    if len(lines) >= _MIN_WRAPPED_LINES and len(full) * 2 >= len(lines) and len(running_on) * 2 > len(full):
        return "wrapped"
    return "line"


def _blocks(text: str) -> list[list[str]]:
    """The runs of non-blank lines, each line stripped."""
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line.strip():
            blocks[-1].append(" ".join(line.split()))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _width(blocks: list[list[str]]) -> int:
    lengths = sorted(len(line) for block in blocks for line in block)
    return lengths[(len(lengths) * 9) // 10] if lengths else 0  # the 90th percentile: one overlong line aside


def _unwrap(block: list[str], width: int) -> list[str]:
    paragraphs: list[list[str]] = [[]]
    for line in block:
        paragraphs[-1].append(line)
        if len(line) < _WRAP_SLACK * width and _SENTENCE_END.search(line):
            paragraphs.append([])
    return [_join_wrapped(lines) for lines in paragraphs if lines]


def _join_wrapped(lines: list[str]) -> str:
    """Lines joined with a space, or with nothing after a hyphen that broke a word (``negoti-`` ``ations``)."""
    text = lines[0]
    for line in lines[1:]:
        if re.search(r"\w-$", text) and line[:1].islower():
            text = text[:-1] + line
        else:
            text += " " + line
    return text
