"""Dates, as MM-DD or YYYY-MM-DD: "August 19, 1951", "19 августа 1951 г.", "19.08.1951", "1951-08-19"."""

from __future__ import annotations

import re

from .core import DIGIT_FIRST, Anchor, blank, digit_led_matches

EN_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
RU_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8, "сентябр": 9,
    "октябр": 10, "ноябр": 11, "декабр": 12,
}
_EN_MONTH = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_RU_MONTH = (
    r"(январ[а-яё]*|феврал[а-яё]*|март[а-яё]*|апрел[а-яё]*|ма[йяюе]|июн[а-яё]*|июл[а-яё]*|август[а-яё]*"
    r"|сентябр[а-яё]*|октябр[а-яё]*|ноябр[а-яё]*|декабр[а-яё]*)"
)
_DAY = r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|-?го|-?е)?"
# a first day sharing the month of the next: "19 and 22 August", "17–21 августа", "August 17-21"
_FIRST_DAY = rf"(?:{_DAY}\s*(?:,|and|и|&|–|—|-)\s*)?"
_SECOND_DAY = r"(?:\s*(?:and|&|–|—|-)\s*(\d{1,2})(?:st|nd|rd|th)?(?!\d))?"
_YEAR = r"(?:,?\s+(\d{4})(?!\d))?"
_EN_MONTH_NAME = re.compile("|".join(month.title() for month in EN_MONTHS))
# (regex, which groups hold the days, the month and the year, a cue that every match holds: texts without it are
# skipped; None for a pattern said to start with a digit). Day before month comes first: in "the 27th of August 9
# planes" the 9 is no day.
DATE_PATTERNS = [
    (re.compile(rf"{DIGIT_FIRST}{_FIRST_DAY}{_DAY}\s+(?:of\s+)?{_EN_MONTH}(?![a-z]){_YEAR}"), ((1, 2), 3, 4), None),
    (re.compile(rf"\b{_EN_MONTH}\s+(?:the\s+)?{_DAY}(?!\d){_SECOND_DAY}{_YEAR}"), ((2, 3), 1, 4), _EN_MONTH_NAME),
    (re.compile(rf"{DIGIT_FIRST}{_FIRST_DAY}{_DAY}\s+{_RU_MONTH}(?![а-яё]){_YEAR}", re.IGNORECASE), ((1, 2), 3, 4), None),
    (re.compile(rf"{DIGIT_FIRST}(?<![\d.])(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}}|\d{{2}})(?![\d])"), ((1,), 2, 3), None),
    (re.compile(rf"{DIGIT_FIRST}(?<!\d)(\d{{4}})-(\d{{2}})-(\d{{2}})(?!\d)"), ((3,), 2, 1), None),
]


def take_dates(text: str, digit_runs: list[int], anchors: set[Anchor]) -> str:
    for pattern, (day_groups, month_group, year_group), cue in DATE_PATTERNS:
        if cue is None:
            matches = digit_led_matches(pattern, text, digit_runs)
        else:
            matches = list(pattern.finditer(text)) if cue.search(text) else []
        for match in matches:
            month, year = _month_number(match.group(month_group)), match.group(year_group)
            days = [int(match.group(group)) for group in day_groups if match.group(group)]
            found = [date_value(day, month, year and int(year)) for day in days]
            if all(found):
                anchors.update(Anchor("date", date) for date in found)
                text = blank(text, match.start(), match.end())
    return text


def date_value(day: int, month: int, year: int | None) -> str | None:
    """MM-DD, or YYYY-MM-DD with a year (two digits are the 1900s); None for no possible day."""
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    value = f"{month:02d}-{day:02d}"
    if year:
        year += 1900 if year < 100 else 0
        value = f"{year:04d}-{value}"
    return value


def _month_number(month: str) -> int:
    if month.isdigit():
        return int(month)
    lowered = month.lower()
    for stem, number in {**EN_MONTHS, **RU_MONTHS}.items():
        if lowered.startswith(stem):
            return number
    return 0
