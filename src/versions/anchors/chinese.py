"""Chinese: traditional characters folded to simplified, numerals (二十七, 廿七, 一九五一), dates (八月二十二日), the
telegraphic day codes (韵目代日: 感日 is the 27th) and counted numbers (三个, 第九)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from .core import Anchor, blank
from .dates import date_value

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_TENS = {"廿": 20, "卅": 30, "卌": 40}  # one character each for 20, 30 and 40, as dates and telegrams write them
_UNITS = {"十": 10, "百": 100, "千": 1000}
_GROUPS = {"万": 10_000, "亿": 100_000_000}
NUMERAL = rf"[\d{''.join(_DIGITS)}{''.join(_TENS)}{''.join(_UNITS)}{''.join(_GROUPS)}]"

# 韵目代日: telegrams gave the day of the month by one character, the rhyme group of the Pingshui rhyme scheme with
# that number (the upper level tone for 1-15, the rising tone for most of 16-29), 卅 for the 30th (its rhyme 陷,
# "fall", was shunned) and 世 or 引 for the 31st, which no rhyme group has. Source: the Wikipedia articles 韵目代日
# (zh) and 韻目代日 (ja); examples there: 马日事变 (the 21st), 文夕大火 (the 12th), 艳电 (the 29th).
DAY_CODES = dict(zip(
    "东冬江支微鱼虞齐佳灰真文元寒删铣筱巧皓哿马养梗迥有寝感俭艳卅世", range(1, 32)
)) | {"陷": 30, "引": 31}
_CODE = f"[{''.join(DAY_CODES)}]"
# Measure words after which a numeral counts something (三个, 九架, 一九五一年, 廿七日, 一百三十岁); elsewhere 一 or 万 is
# often a word's part
_COUNTERS = "日号个名架枚颗次天人辆艘门份年师军团营连条项吨时点周倍批届岁位"

# a date, or two days of one month (八月十九日和二十二日), or a month and a day code (八月感)
_ZH_DATE = re.compile(
    rf"(?:({NUMERAL}{{2,4}})\s*年\s*)?({NUMERAL}{{1,3}})\s*月\s*初?"  # 初一 to 初十: the first ten days
    rf"(?:({NUMERAL}{{1,3}})\s*[日号](?:\s*[和及、至到—-]\s*({NUMERAL}{{1,3}})\s*[日号])?|({_CODE})(?:日|电)?)"
)
# A code outside a date: before 日 or 电 (感日 the 27th, 马电 the telegram of the 21st) where it starts a word (no Han
# character before it but a preposition: 于感日), or alone at the end of a line, as telegrams are signed (毛泽东 感).
_DAY_CODE = re.compile(
    rf"(?:(?<![\u4e00-\u9fff])|(?<=[于於至到及和、]))({_CODE})(?=[日电])|(?<!\S)({_CODE})[日电]?[ \t]*$", re.MULTILINE
)
# counted (三个), ordinal (第九) and item numbers at the start of a line (一、 as "1." in English)
_COUNTED = re.compile(rf"({NUMERAL}+)(?=[{_COUNTERS}])|第({NUMERAL}+)|^[ \t]*({NUMERAL}+)(?=、)", re.MULTILINE)


@lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[int, str]:
    """OpenCC's table of traditional characters and their simplified forms, the first where it gives several.

    Character by character, not OpenCC's phrase-by-phrase conversion: folding only has to make a text and its
    other script read alike, which a fixed table does as well (the same character always folds the same way) at a
    tenth of the cost, and offsets stay put."""
    table = {}
    lines = resources.files("opencc").joinpath("dictionary", "TSCharacters.txt").read_text(encoding="utf-8")
    for line in lines.splitlines():
        traditional, _, simplified = line.partition("\t")
        first = simplified.split(" ")[0]
        if len(traditional) == 1 and len(first) == 1 and first != traditional:
            table[ord(traditional)] = first
    return table


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def fold(text: str) -> str:
    """Traditional characters to simplified (開城 -> 开城, 電 -> 电), so that either script matches either; text
    without Han characters is returned as it is, at no cost."""
    return text.translate(_traditional_to_simplified()) if has_han(text) else text


TOKEN_BREAK = "\u200b"  # a zero-width space: no letter, so SQLite's unicode61 tokenizer ends a token there
_HAN_EDGE = re.compile(rf"(?<={_HAN.pattern})|(?={_HAN.pattern})")


def han_tokens(text: str) -> str:
    """Folded text with a TOKEN_BREAK on each side of every Han character: a full-text index then holds each
    character as a word, and a phrase of characters (开城) finds a word of any length, which a unicode61 index
    (one token per run of Han) or a trigram one (nothing under three characters) cannot."""
    return _HAN_EDGE.sub(TOKEN_BREAK, fold(text))


def to_int(numeral: str) -> int:
    """A Chinese numeral or Arabic digits to an int: 八, 二十七, 廿七, 一百零五, 三万五千, 一九五一 (digit by digit)."""
    if numeral.isdigit() and numeral.isascii():
        return int(numeral)
    if len(numeral) > 1 and all(c in _DIGITS or c.isdigit() for c in numeral):
        return int("".join(str(_DIGITS.get(c, c)) for c in numeral))
    total = section = current = 0
    for char in numeral:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char.isdigit():
            current = current * 10 + int(char)
        elif char in _TENS:
            section += _TENS[char]
        elif char in _UNITS:
            section += max(current, 1) * _UNITS[char]
            current = 0
        else:
            total += max(section + current, 1) * _GROUPS[char]
            section = current = 0
    return total + section + current


def take_chinese(text: str, anchors: set[Anchor]) -> str:
    """Dates, day codes and counted, ordinal and item numbers of a (folded) Chinese text, blanked once read."""
    if "月" in text:
        for match in list(_ZH_DATE.finditer(text)):
            year, month, day, second_day, code = match.groups()
            days = [DAY_CODES[code]] if code else [to_int(d) for d in (day, second_day) if d]
            found = [date_value(d, to_int(month), year and to_int(year)) for d in days]
            if all(found):
                anchors.update(Anchor("date", date) for date in found)
                text = blank(text, match.start(), match.end())
    for match in list(_DAY_CODE.finditer(text)):
        anchors.add(Anchor("number", str(DAY_CODES[match.group(1) or match.group(2)])))
        text = blank(text, match.start(), match.end())
    for match in list(_COUNTED.finditer(text)):
        anchors.add(Anchor("number", str(to_int(next(group for group in match.groups() if group)))))
        text = blank(text, match.start(), match.end())
    return text
