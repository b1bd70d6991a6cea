"""Search across every version in every language: names under all their spellings, words under their romanizations."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from ..anchors import gazetteer
from ..anchors.chinese import TOKEN_BREAK, han_tokens, has_han
from ..normalize import romanization_table
from ..text import load_data_yaml
from .documents import ALIGNMENT_TABLES, version_slug, table_names

SEARCH_TABLES = ("paragraphs", "paragraphs_fts", "versions", "documents", "alignment_members", "alignment_groups")
SEARCH_LIMIT = 100
MAX_SEARCH_TERMS = 16
SNIPPET_START, SNIPPET_END = "\x02", "\x03"



@dataclass(frozen=True)
class SearchHit:
    paragraph_id: str
    document_id: str
    document_title: str
    version: str  # slug
    version_label: str
    language: str
    n: int
    kind: str
    group: str | None  # key of the row of the alignment table holding the paragraph
    snippet: tuple[tuple[str, bool], ...]  # (text, matched) parts


@dataclass
class SearchResults:
    query: str
    terms: list[SearchTerm]
    hits: list[SearchHit]
    total: int
    languages: dict[str, int]  # matches per language (whatever language filter is applied)
    language: str | None = None


def search_terms(query: str) -> list[str]:
    """The words of a query (letters and digits; everything else separates words), at most MAX_SEARCH_TERMS."""
    return re.findall(r"\w+", query)[:MAX_SEARCH_TERMS]


@dataclass(frozen=True)
class SearchTerm:
    """One word or name of a query and every spelling it is searched under."""

    text: str
    spellings: tuple[str, ...]  # the text itself first

    @property
    def variants(self) -> tuple[str, ...]:
        return self.spellings[1:]


def expand_terms(terms: Sequence[str]) -> list[SearchTerm]:
    """Group the words of a query into names and words, each with its other spellings.

    A name of the gazetteer (``versions/data/gazetteer.yaml``: up to four words, in any spelling, case or Russian
    case form) is searched under all its spellings in every script (``Kaesong`` and ``Кэсона`` also find ``Кэсоне``
    and ``Gaeseong``); a word of the romanization table under its variants (``Syngman`` also finds ``Syngmann``).
    """
    romanized = _romanization_variants()
    found, i = [], 0
    while i < len(terms):
        for j in range(min(len(terms), i + 4), i, -1):
            phrase = " ".join(terms[i:j])
            spellings = _name_spellings(phrase)
            if spellings:
                found.append(SearchTerm(phrase, (phrase, *(s for s in spellings if s.casefold() != phrase.casefold()))))
                i = j
                break
        else:
            term = terms[i]
            variants = romanized.get(term.casefold(), ())
            found.append(SearchTerm(term, (term, *(v for v in variants if v.casefold() != term.casefold()))))
            i += 1
    return found


def _name_spellings(phrase: str) -> tuple[str, ...]:
    """Every spelling of the gazetteer name ``phrase`` is (as a whole), or () if it is none."""
    names = _gazetteer_names()
    name = names["by_spelling"].get(phrase.casefold())
    if name is None:
        matches = list(gazetteer().find(phrase))
        if len(matches) == 1 and matches[0][:2] == (0, len(phrase)):
            name = matches[0][2]
    return names["spellings"].get(name, ()) if name else ()


@cache
def _gazetteer_names() -> dict[str, dict]:
    """The gazetteer's spellings as written (name -> spellings) and each spelling, case-folded, -> its name."""
    text = (files("versions") / "data" / "gazetteer.yaml").read_text(encoding="utf-8")
    entries = load_data_yaml(text) or {}
    spellings = {str(name).lower(): tuple(str(s) for s in variants or ()) for name, variants in entries.items()}
    by_spelling = {
        " ".join(re.findall(r"\w+", spelling)).casefold(): name
        for name, variants in spellings.items()
        for spelling in variants
    }
    return {"spellings": spellings, "by_spelling": by_spelling}


@cache
def _romanization_variants() -> dict[str, tuple[str, ...]]:
    by_canonical: dict[str, list[str]] = {}
    for variant, canonical in romanization_table().items():
        by_canonical.setdefault(canonical, [canonical]).append(variant)
    return {
        spelling.casefold(): tuple(dict.fromkeys(spellings))
        for spellings in by_canonical.values()
        for spelling in spellings
        if re.fullmatch(r"\w+", spelling)
    }


_CYRILLIC_ENDINGS = "аяоеёийыьюу"


def _fts_phrase(spelling: str) -> str:
    """One spelling as a quoted FTS5 phrase whose last word may be the start of a word; a Cyrillic last word loses
    its ending, so that its case forms are found (Корея -> "Коре"* finds Кореи, Корею). Han characters are folded to
    simplified and each is a word of its own, as in the index (開城 -> "开 城")."""
    if has_han(spelling):
        return '"' + " ".join(re.findall(r"\w+", han_tokens(spelling).replace(TOKEN_BREAK, " "))) + '"'
    words = re.findall(r"\w+", spelling)
    last = words[-1]
    if re.search("[а-яё]", last, re.IGNORECASE) and last[-1].lower() in _CYRILLIC_ENDINGS and len(last) > 3:
        words[-1] = last[:-1]
    return '"' + " ".join(words).replace('"', '""') + '"*'


def table_search_query(query: str) -> str | None:
    """The FTS5 query Datasette's own table search (``?_search=``, in raw mode) is to run for a query holding Han
    characters, which it would look for as one word where the index holds one word per character: each run of them
    folded to simplified and searched as a phrase of its characters (開城 -> "开 城"), every other word quoted as
    Datasette quotes it. None for a query without Han characters: Datasette's own handling stands."""
    if not has_han(query):
        return None
    words = query.split()
    return " ".join(_fts_phrase(word) if has_han(word) else '"' + word.replace('"', '""') + '"' for word in words)


def phrase_search_query(query: str) -> str:
    """The FTS5 query of the ``search_across_versions`` canned query (the SQL function ``versions_phrase``): the
    query as one phrase whose last word may be the start of a word, or with Han characters as
    ``table_search_query`` has it."""
    return table_search_query(query) or '"' + query.replace('"', '""') + '"*'


def fts_query(terms: Sequence[SearchTerm]) -> str:
    """An FTS5 query matching paragraphs that hold every term under one of its spellings, as words or the starts of
    words (so that Russian case endings are found: ``Кэсон`` finds ``Кэсоном``). Every spelling is quoted: no FTS
    syntax of the query gets through."""
    groups = []
    for term in terms:
        phrases: dict[str, str] = {}  # case-folded -> as written; the first spelling of each wins
        for spelling in term.spellings:
            if re.search(r"\w", spelling):
                phrases.setdefault(_fts_phrase(spelling).casefold(), _fts_phrase(spelling))
        phrases = list(phrases.values())
        groups.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    return " AND ".join(groups)


def search(
    conn: sqlite3.Connection,
    query: str,
    language: str | None = None,
    document: str | None = None,
    limit: int = SEARCH_LIMIT,
    offset: int = 0,
) -> SearchResults:
    """Paragraphs of every version in every language matching ``query``, best first: ``limit`` of them from
    ``offset``."""
    terms = expand_terms(search_terms(query))
    if not terms or "paragraphs_fts" not in table_names(conn):
        return SearchResults(query, terms, [], 0, {}, language)
    match = fts_query(terms)
    filters, params = ["paragraphs_fts match ?"], [match]
    if document:
        filters.append("p.document_id = ?")
        params.append(document)
    joins = "from paragraphs_fts join paragraphs p on p.rowid = paragraphs_fts.rowid join versions v on v.id = p.version_id"
    where = " and ".join(filters)
    languages = dict(conn.execute(
        f"select v.language, count(*) {joins} where {where} group by v.language order by v.language", params
    ))
    if language:
        where += " and v.language = ?"
        params.append(language)
    has_groups = ALIGNMENT_TABLES <= table_names(conn)
    group_select = "(select g.key from alignment_members m join alignment_groups g on g.id = m.group_id " \
                   "where m.paragraph_id = p.id)" if has_groups else "null"
    hits = [
        SearchHit(p_id, doc_id, title, version_slug(version_key), label or version_slug(version_key), lang, n, kind, group,
                  _snippet_parts(snippet))
        for p_id, doc_id, title, version_key, label, lang, n, kind, group, snippet in conn.execute(
            "select p.id, p.document_id, d.title, p.version_id, v.label, v.language, p.n, p.kind, "
            f"{group_select}, snippet(paragraphs_fts, -1, char(2), char(3), '…', 32) "
            f"{joins} join documents d on d.id = p.document_id where {where} order by rank limit ? offset ?",
            [*params, limit, offset],
        )
    ]
    total = sum(count for lang, count in languages.items() if not language or lang == language)
    return SearchResults(query, terms, hits, total, languages, language)


def _snippet_parts(snippet: str) -> tuple[tuple[str, bool], ...]:
    """The snippet's parts, matched or not; one taken from a paragraph's Han tokens shows its text folded."""
    parts = []
    snippet = (snippet or "").replace(TOKEN_BREAK, "")
    for piece in re.split(f"({SNIPPET_START}[^{SNIPPET_END}]*{SNIPPET_END})", snippet):
        if piece.startswith(SNIPPET_START) and piece.endswith(SNIPPET_END):
            parts.append((piece[1:-1], True))
        elif piece:
            parts.append((piece.replace(SNIPPET_START, "").replace(SNIPPET_END, ""), False))
    return tuple(parts)
