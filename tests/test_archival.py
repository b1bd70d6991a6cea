import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from versions.archival import ArchivalRef, archive_slug, parse_archival_refs
from versions.ids import slug_problem

SEED = Path(__file__).parent / "data" / "seed" / "telegram-23256.txt"


def seed_citation() -> str:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    return lines[lines.index("**Citation:**") + 2]


def test_seed_citation_gives_one_reference_per_archive():
    assert parse_archival_refs(seed_citation()) == [
        ArchivalRef("APRF", "45", "1", "340", None, "86-88", "APRF, Fond 45, Opis 1, Delo 340, Listy 86-88"),
        ArchivalRef(
            "AVP RF", "059a", "5a", "5", "11", "51-53",
            "AVP RF, Fond 059a, Opis 5a, Delo 5, Papka 11, Listy 51-53",
        ),
        ArchivalRef("RGASPI", "558", "11", "341", None, "86-88", "RGASPI, f. 558, op. 11, d. 341, ll. 86-88"),
    ]


def test_each_citation_is_the_exact_substring():
    citation = seed_citation()
    for ref in parse_archival_refs(citation):
        assert ref.citation in citation


def test_russian_abbreviations_and_archive_names():
    [rgaspi] = parse_archival_refs("РГАСПИ, ф. 558, оп. 11, д. 341, лл. 86-88")
    parts = (rgaspi.archive, rgaspi.fond, rgaspi.opis, rgaspi.delo, rgaspi.listy)
    assert parts == ("RGASPI", "558", "11", "341", "86-88")
    assert rgaspi.citation == "РГАСПИ, ф. 558, оп. 11, д. 341, лл. 86-88"
    [avp, aprf] = parse_archival_refs(
        "АВП РФ, ф. 059а, оп. 5а, д. 5, п. 11, лл. 51-53; АПРФ, ф. 45, оп. 1, д. 340, л. 86"
    )
    assert (avp.archive, avp.papka, avp.listy) == ("AVP RF", "11", "51-53")
    assert (aprf.archive, aprf.listy) == ("APRF", "86")


@pytest.mark.parametrize(
    "citation, expected",
    [
        ("TsAMO, f. 3, op. 65, d. 5, l. 7", ("TsAMO", "3", "65", "5", None, "7")),
        ("RGANI, Fond 5, Opis 30, Delo 1, List 12", ("RGANI", "5", "30", "1", None, "12")),
        ("GARF, f. R-5446, op. 1, d. 2, ll. 3-4", ("GARF", "R-5446", "1", "2", None, "3-4")),
        ("RGAE, F. 4372, Op. 1, D. 3, p. 2, LL. 4–5", ("RGAE", "4372", "1", "3", "2", "4-5")),
        ("AVP RF, f. 07, op. 24, papka 32, d. 13, ll. 1-2", ("AVP RF", "07", "24", "13", "32", "1-2")),
    ],
)
def test_other_archives_and_spellings(citation, expected):
    [ref] = parse_archival_refs(citation)
    assert (ref.archive, ref.fond, ref.opis, ref.delo, ref.papka, ref.listy) == expected


def test_separators_semicolon_and_comma():
    refs = parse_archival_refs(
        "APRF, f. 45, op. 1, d. 1, l. 2, RGASPI, f. 558, op. 11, d. 3 and GARF, f. 9, d. 4."
    )
    assert [ref.archive for ref in refs] == ["APRF", "RGASPI", "GARF"]
    assert refs[2].citation == "GARF, f. 9, d. 4"


def test_a_reference_needs_an_archive_followed_by_a_fond():
    assert parse_archival_refs("Wilson Center Digital Archive, August 27, 1951") == []
    assert parse_archival_refs("APRF, Opis 1, Delo 340") == []
    assert parse_archival_refs("Archive, Fond 45") == []


def test_a_repeated_part_ends_the_reference():
    [ref] = parse_archival_refs("APRF, f. 45, d. 1, d. 2")
    assert (ref.delo, ref.citation) == ("1", "APRF, f. 45, d. 1")


@pytest.mark.parametrize(
    "archive, slug",
    [("AVP RF", "avp-rf"), ("APRF", "aprf"), ("RGASPI", "rgaspi"), ("TsAMO", "tsamo"), ("ГАХО", "gakho")],
)
def test_archive_slug(archive, slug):
    assert archive_slug(archive) == slug


def test_accents_are_dropped_from_latin_letters():
    assert archive_slug("Archiv für Zeitgeschichte") == "archiv-fur-zeitgeschichte"


@pytest.mark.parametrize("archive", ["中央档案馆", "ΓΑΚ", "ΓΑΡ", "--", "٣٤"])
def test_a_name_ascii_cannot_spell_gets_a_stable_id_of_its_own(archive):
    slug = archive_slug(archive)
    assert slug == archive_slug(archive) and not slug_problem(slug)
    assert re.fullmatch(r"archive-[0-9a-f]{8}", slug)


def test_names_spelled_in_part_keep_that_part_and_stay_apart():
    slugs = {archive_slug(name) for name in ("ΓΑΚ 5", "ΔΑΚ 5", "5")}
    assert len(slugs) == 3 and "5" in slugs
    assert all(slug.startswith("5") and not slug_problem(slug) for slug in slugs)


@given(st.text())
def test_parse_archival_refs_never_crashes(text):
    for ref in parse_archival_refs(text):
        assert ref.citation in text
        assert ref.fond


CITATION_PIECES = ["APRF", "AVP RF", "РГАСПИ", ", ", "f. ", "Fond ", "ll. ", "d. ", "5a", "86-88", "; ", " and "]


@given(st.lists(st.sampled_from(CITATION_PIECES)))
def test_parse_archival_refs_never_crashes_on_near_citations(pieces):
    text = "".join(pieces)
    for ref in parse_archival_refs(text):
        assert ref.citation in text
        assert archive_slug(ref.archive)
