import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from versions.archival import (
    ARCHIVES,
    PARTS,
    ArchivalRef,
    ParsedCitation,
    archive_language,
    archive_slug,
    canonical_archive,
    listy_holds,
    normal_sheet,
    parse_archival_refs,
    parse_citation,
)
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


def test_an_unknown_name_is_an_archive_only_with_a_numbered_part():
    assert parse_archival_refs("Wilson Center Digital Archive, August 27, 1951") == []
    assert parse_archival_refs("Archive, Fond 45") == []
    assert parse_archival_refs("Copy obtained by the Example Security Archive; no numbers") == []
    assert parse_archival_refs("CC CPSU 1956-1957") == []
    assert [ref.archive for ref in parse_archival_refs("RGVA, f. 1, op. 2")] == ["RGVA"]
    assert parse_archival_refs("Sent by USSR MFA to the PRC") == []


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
    parsed = parse_citation(text)
    for ref in parsed.refs:
        assert ref.citation in text
        assert ref.archive
    assert all(piece in text for piece in parsed.unparsed)


CITATION_PIECES = [
    "APRF", "AVP RF", "РГАСПИ", "Archive", ", ", ": ", ". ", "f. ", "Fond ", "ll. ", "d. ", "т. ", "5a", "86-88",
    "5 ob.", "; ", " and ", "Translated by ", "copy obtained by ", "(AP RF)", "中央档案馆",
]


@given(st.lists(st.sampled_from(CITATION_PIECES)))
def test_parse_archival_refs_never_crashes_on_near_citations(pieces):
    text = "".join(pieces)
    parsed = parse_citation(text)
    for ref in parsed.refs:
        assert ref.citation in text
        assert archive_slug(ref.archive)
    assert all(piece in text for piece in parsed.unparsed) and len(parsed.warnings) == len(parsed.unparsed)


def parts(ref: ArchivalRef) -> dict:
    return {name: value for name in ("archive", *PARTS) if (value := getattr(ref, name))}


# Citations as archivists write them, in forms written for these tests, and the parts each must give.
CITATION_FORMS = [
    ("APRF: F. 39, Op. 1, D. 31, Ll. 39-40",
     [{"archive": "APRF", "fond": "39", "opis": "1", "delo": "31", "listy": "39-40"}]),
    ("APRF: F. 3, Op. 66, D. 65, L. 12", [{"archive": "APRF", "fond": "3", "opis": "66", "delo": "65", "listy": "12"}]),
    ("AP RF, f. 45, op. 1, d. 329, ll. 54–57",
     [{"archive": "APRF", "fond": "45", "opis": "1", "delo": "329", "listy": "54-57"}]),
    ("AVPRF, f. 0100, op. 46, d. 12, papka 362, ll. 1-3",
     [{"archive": "AVP RF", "fond": "0100", "opis": "46", "delo": "12", "papka": "362", "listy": "1-3"}]),
    ("TsAMO RF, f. 16a, op. 3139, d. 155, l. 2",
     [{"archive": "TsAMO", "fond": "16a", "opis": "3139", "delo": "155", "listy": "2"}]),
    ("GARF, Fond 5446, Opis 98c", [{"archive": "GARF", "fond": "5446", "opis": "98c"}]),
    ("RGASPI, f. 82, op. 2, d. 1265, ll.0055-0057",
     [{"archive": "RGASPI", "fond": "82", "opis": "2", "delo": "1265", "listy": "0055-0057"}]),
    ("RGASPI, F. 17, OP. 3, D. 9, LL. 0041",
     [{"archive": "RGASPI", "fond": "17", "opis": "3", "delo": "9", "listy": "0041"}]),
    ("APRF, Listy 146-147, Fond and Opis not given", [{"archive": "APRF", "listy": "146-147"}]),
    ("Archive of Foreign Policy, Russian Federation (AVP RF), Moscow; copy obtained by a reading room clerk",
     [{"archive": "AVP RF"}]),
    ("AVP RF, copy courtesy of NSA; translation by Ann Example", [{"archive": "AVP RF"}]),
    ("Document obtained from the Russian Presidential Archives by the project staff.", [{"archive": "APRF"}]),
    ("A copy from the Presidential Archive, Moscow", [{"archive": "APRF"}]),
    ("Archive of the President of the Russian Federation (APRF), fond 3, opis 66, delo 319, listy 49-50",
     [{"archive": "APRF", "fond": "3", "opis": "66", "delo": "319", "listy": "49-50"}]),
    ("Russian State Archive of Contemporary History (RGANI), f. 3, op. 8, d. 1",
     [{"archive": "RGANI", "fond": "3", "opis": "8", "delo": "1"}]),
    ("Translated by Ivan Example.", []),
    ("Reprinted in Example Bulletin 3 (1993), p. 60.", []),
    ("АП РФ, ф. 3, оп. 65, д. 515, лл. 1-4",
     [{"archive": "APRF", "fond": "3", "opis": "65", "delo": "515", "listy": "1-4"}]),
    ("АВП РФ, ф. 06, оп. 9, п. 18, д. 232, л. 7",
     [{"archive": "AVP RF", "fond": "06", "opis": "9", "papka": "18", "delo": "232", "listy": "7"}]),
    ("РГАСПИ, ф. 17, оп. 162, д. 40, л. 3об.",
     [{"archive": "RGASPI", "fond": "17", "opis": "162", "delo": "40", "listy": "3ob"}]),
    ("ЦАМО, ф. 3, оп. 11556, д. 12, т. 2, лл. 10-12",
     [{"archive": "TsAMO", "fond": "3", "opis": "11556", "delo": "12", "tom": "2", "listy": "10-12"}]),
    ("ГАРФ, ф. Р-5446, оп. 1, д. 20, л. 5 об.",
     [{"archive": "GARF", "fond": "Р-5446", "opis": "1", "delo": "20", "listy": "5ob"}]),
    ("RGANI, f. 5, op. 30, d. 335, l. 5 ob.",
     [{"archive": "RGANI", "fond": "5", "opis": "30", "delo": "335", "listy": "5ob"}]),
    ("RGASPI, f. 558, op. 11, d. 3, ll. 5-5ob.",
     [{"archive": "RGASPI", "fond": "558", "opis": "11", "delo": "3", "listy": "5-5ob"}]),
    ("GARF, f. 9401, op. 2, d. 64, t. 2, ll. 1-9",
     [{"archive": "GARF", "fond": "9401", "opis": "2", "delo": "64", "tom": "2", "listy": "1-9"}]),
    ("TsAMO, fond 500, opis 12462, delo 11, vol. 3, list 17",
     [{"archive": "TsAMO", "fond": "500", "opis": "12462", "delo": "11", "tom": "3", "listy": "17"}]),
    ("中央档案馆", [{"archive": "中央档案馆"}]),
    ("外交部档案馆, 109-00143-01", [{"archive": "PRC FMA", "delo": "109-00143-01"}]),
    # A file number and its pages after an archive the table knows, without part names.
    ("PRC FMA 106-00012-03, 14-15. Translated by Ann Example.",
     [{"archive": "PRC FMA", "delo": "106-00012-03", "listy": "14-15"}]),
    ("Chinese Foreign Ministry Archive, 117-00031-05", [{"archive": "PRC FMA", "delo": "117-00031-05"}]),
    # An archive the table does not know, named in words; its abbreviation in brackets names it.
    ("Example Digital Archive, Archive of the Example Ministry of Culture (AEMC), Year: 1954; Box 3",
     [{"archive": "AEMC"}]),
    ("Example Institution Archives, Example Papers", [{"archive": "Example Institution Archives"}]),
    ("Archives of the Example Republic, f. 2, op. 1", [{"archive": "Archives of the Example Republic", "fond": "2",
                                                        "opis": "1"}]),
    ("АП РФ. Ф. 3. Оп. 65. Д. 515. Лл. 1–4 об.",
     [{"archive": "APRF", "fond": "3", "opis": "65", "delo": "515", "listy": "1-4ob"}]),
    ("RGANI, Fond 89, Perechen 12, Dokument 2", [{"archive": "RGANI", "fond": "89", "opis": "12", "delo": "2"}]),
    ("Central Archive of the Ministry of Defense of the Russian Federation (TsAMO RF), Moscow, f. 3, op. 1, d. 2",
     [{"archive": "TsAMO", "fond": "3", "opis": "1", "delo": "2"}]),
    ("Archive of the President of Russia, f. 3", [{"archive": "APRF", "fond": "3"}]),
    ("APRF, Fond No. 3, Opis № 65, Delo 9", [{"archive": "APRF", "fond": "3", "opis": "65", "delo": "9"}]),
    ("AP RF, Fond 5, Inventory 30, File 335, Folder 2, Volume 1, Sheets 1-20",
     [{"archive": "APRF", "fond": "5", "opis": "30", "delo": "335", "papka": "2", "tom": "1", "listy": "1-20"}]),
    ("Arkhiv Prezidenta RF (APRF), f. 3, op. 65, d. 9", [{"archive": "APRF", "fond": "3", "opis": "65", "delo": "9"}]),
    ("Arkhiv Vneshnei Politiki Rossiiskoi Federatsii, f. 07", [{"archive": "AVP RF", "fond": "07"}]),
    ("Archive of the President of the Russian Federation (APRF), Moscow, Russia, f. 3, l. 2",
     [{"archive": "APRF", "fond": "3", "listy": "2"}]),
    ("ГАРФ, ф. 5446, оп. 1, д. 12/3, л. 4", [{"archive": "GARF", "fond": "5446", "opis": "1", "delo": "12/3", "listy": "4"}]),
    ("RGASPI f.17 op.3 d.9 l.1", [{"archive": "RGASPI", "fond": "17", "opis": "3", "delo": "9", "listy": "1"}]),
    ("Archive of the President of the Russian Federation, Fond 3, Opis 65, Delo 776, Listy 25-27.",
     [{"archive": "APRF", "fond": "3", "opis": "65", "delo": "776", "listy": "25-27"}]),
    ("AVP RF, F. 0100, Op. 39, Papka 158, D. 5, Ll. 37-39",
     [{"archive": "AVP RF", "fond": "0100", "opis": "39", "papka": "158", "delo": "5", "listy": "37-39"}]),
    ("RGANI, f. 89, per. 20, dok. 12", [{"archive": "RGANI", "fond": "89", "opis": "20", "delo": "12"}]),
    ("TsKhSD, f. 5, op. 49, d. 235, ll. 16-18",
     [{"archive": "TsKhSD", "fond": "5", "opis": "49", "delo": "235", "listy": "16-18"}]),
    ("RTsKhIDNI, f. 17, op. 128, d. 1056", [{"archive": "RTsKhIDNI", "fond": "17", "opis": "128", "delo": "1056"}]),
    ("Source: APRF, f. 45, op. 1, d. 330, l. 97-99",
     [{"archive": "APRF", "fond": "45", "opis": "1", "delo": "330", "listy": "97-99"}]),
    ("GARF f. R-9401, op. 2, d. 199, ll. 301-303ob.",
     [{"archive": "GARF", "fond": "R-9401", "opis": "2", "delo": "199", "listy": "301-303ob"}]),
    ("ЦАМО РФ, ф. 208, оп. 2511, д. 1, л. 12 об.",
     [{"archive": "TsAMO", "fond": "208", "opis": "2511", "delo": "1", "listy": "12ob"}]),
    ("РГАНИ. Ф. 3. Оп. 14. Д. 1. Л. 5—7.",
     [{"archive": "RGANI", "fond": "3", "opis": "14", "delo": "1", "listy": "5-7"}]),
    ("ГАРФ. Ф. Р-5446. Оп. 1. Д. 2. Т. 3. Л. 4.",
     [{"archive": "GARF", "fond": "Р-5446", "opis": "1", "delo": "2", "tom": "3", "listy": "4"}]),
    (
        (
            "Archive of Foreign Policy of the Russian Federation, Moscow, fond 07, opis 23a, papka 18, delo 235,"
            " listy 1-3; translated by Ann Example"
        ),
        [{"archive": "AVP RF", "fond": "07", "opis": "23a", "papka": "18", "delo": "235", "listy": "1-3"}],
    ),
    ("Obtained and translated by the Example Project from the Presidential Archive.", [{"archive": "APRF"}]),
    ("APRF: f. 3, op. 66, d. 65, ll. 1-4 and AVPRF: f. 0100, op. 43, p. 302, d. 10, l. 8",
     [{"archive": "APRF", "fond": "3", "opis": "66", "delo": "65", "listy": "1-4"},
      {"archive": "AVP RF", "fond": "0100", "opis": "43", "papka": "302", "delo": "10", "listy": "8"}]),
    ("RGASPI, Fond 558, Opis 11, Delo 329, Listy 0012-0015",
     [{"archive": "RGASPI", "fond": "558", "opis": "11", "delo": "329", "listy": "0012-0015"}]),
    ("State Archive of the Russian Federation (GARF), f. 5446, op. 98c, d. 4",
     [{"archive": "GARF", "fond": "5446", "opis": "98c", "delo": "4"}]),
    ("TsAMO: F. 3, Op. 11556, D. 12, T. 2, L. 10",
     [{"archive": "TsAMO", "fond": "3", "opis": "11556", "delo": "12", "tom": "2", "listy": "10"}]),
    ("Reprinted in Example Quarterly, no. 3 (1994), pp. 10-12. Original in APRF, f. 3, op. 1, d. 4.",
     [{"archive": "APRF", "fond": "3", "opis": "1", "delo": "4"}]),
    ("Russian Presidential Archive (APRF), Fond 45, Opis 1, Delo 334, Listy 1-5",
     [{"archive": "APRF", "fond": "45", "opis": "1", "delo": "334", "listy": "1-5"}]),
    ("AVP RF, fond 0100, opis 46, delo 12, papka 362, listy 13-14, Fond and Opis as given by the reading room",
     [{"archive": "AVP RF", "fond": "0100", "opis": "46", "delo": "12", "papka": "362", "listy": "13-14"}]),
    ("АП РФ, ф. 3, оп. 65, д. 9, лл. 1, 3-5",
     [{"archive": "APRF", "fond": "3", "opis": "65", "delo": "9", "listy": "1, 3-5"}]),
    ("Collection of the RGASPI, f. 17, op. 3, d. 1", [{"archive": "RGASPI", "fond": "17", "opis": "3", "delo": "1"}]),
    ("AP RF, Listy 12-13 (Fond and Opis unknown)", [{"archive": "APRF", "listy": "12-13"}]),
    ("AVP RF; copy provided by the Example Archive; translated by Ann Example", [{"archive": "AVP RF"}]),
    ("APRF, F.3, Op.65, D.9, L.1-3ob", [{"archive": "APRF", "fond": "3", "opis": "65", "delo": "9", "listy": "1-3ob"}]),
    ("РГАСПИ, ф. 82, оп. 2, д. 1265, лл. 0055–0057 об.",
     [{"archive": "RGASPI", "fond": "82", "opis": "2", "delo": "1265", "listy": "0055-0057ob"}]),
    ("GARF, Fond 5, Opis 1, Delo 3, Tom 2, Listy 4",
     [{"archive": "GARF", "fond": "5", "opis": "1", "delo": "3", "tom": "2", "listy": "4"}]),
    ("RGASPI: F. 17, Op. 3, D. 9, T. 2, Ll. 5-5ob.",
     [{"archive": "RGASPI", "fond": "17", "opis": "3", "delo": "9", "tom": "2", "listy": "5-5ob"}]),
    ("APRF, F. 3, Op. 1, D. 2, Ll. 39-40, 42",
     [{"archive": "APRF", "fond": "3", "opis": "1", "delo": "2", "listy": "39-40, 42"}]),
    ("APRF, f. 3, op. 65, d. 9, ll. 1-3; AVPRF, f. 07, op. 23a, d. 18, p. 235, l. 4, and ЦАМО, ф. 1, оп. 2, д. 3",
     [{"archive": "APRF", "fond": "3", "opis": "65", "delo": "9", "listy": "1-3"},
      {"archive": "AVP RF", "fond": "07", "opis": "23a", "delo": "18", "papka": "235", "listy": "4"},
      {"archive": "TsAMO", "fond": "1", "opis": "2", "delo": "3"}]),
    (
        (
            '"Record of a Talk", May 1, 1960, Example Digital Archive, APRF, f. 3, op. 1, d. 2, l. 4. Translated by'
            " Ann Example. <https://example.org/document/1>"
        ),
        [{"archive": "APRF", "fond": "3", "opis": "1", "delo": "2", "listy": "4"}],
    ),
]


@pytest.mark.parametrize("citation, expected", CITATION_FORMS)
def test_citation_forms_give_their_parts(citation, expected):
    parsed = parse_citation(citation)
    assert [parts(ref) for ref in parsed.refs] == expected
    assert parsed.unparsed == parsed.warnings == []
    assert all(ref.citation in citation for ref in parsed.refs)


@pytest.mark.parametrize("archive, known", ARCHIVES.items())
def test_every_spelling_of_an_archive_is_its_one_name(archive, known):
    for spelling in (archive, *known.spellings):
        assert canonical_archive(spelling) == canonical_archive(spelling.upper()) == archive
        assert [ref.archive for ref in parse_archival_refs(f"Held in {spelling}; no numbers")] == [archive]


@pytest.mark.parametrize(
    "archive, language",
    [("APRF", "ru"), ("АП РФ", "ru"), ("Russian Presidential Archives", "ru"), ("TsAMO RF", "ru"),
     ("中央档案馆", "zh"), ("江苏省档案馆", "zh"), ("RGVA", None), ("Example County Record Office", None)],
)
def test_an_archive_names_the_language_of_its_records(archive, language):
    assert archive_language(archive) == language


@pytest.mark.parametrize(
    "note",
    [
        "Reprinted in Example Bulletin, no. 5 Supplement",
        "Reprinted in Example Bulletin, no. 5",  # the full stop after the number ends the note
        "Reprinted in Example Bulletin No. 6-7 (Winter 1995/1996), p. 60",
        "Reprinted in Example Bulletin, No. 23256 Annex",
        "Reprinted in Example Bulletin, nos. 6-7 Winter issue",
        "Reprinted in Example Review vol. II (1995)",
        "Copy obtained by Prof. Example of the Example Univ. Library",
        "Copy courtesy of the Example Dept. Reading Room",
    ],
)
def test_an_abbreviation_does_not_end_a_note(note):
    parsed = parse_citation(f"{note}. APRF, f. 3, op. 1, d. 2, l. 4. Translated by A. B. Example.")
    assert parsed.notes == [note]
    assert parsed.translator == "A. B. Example"
    assert [ref.reference for ref in parsed.refs] == ["APRF, f. 3, op. 1, d. 2, l. 4"]


def test_a_name_no_table_knows_is_kept_as_written():
    assert canonical_archive(" RGVA ") == "RGVA"


def test_translator_and_notes_are_taken_out_of_the_references():
    parsed = parse_citation(
        "AVP RF, copy courtesy of NSA; translation by Ann Example for the Example Project; "
        "Reprinted in Example Bulletin 3 (1993), p. 60, d. 4."
    )
    assert [parts(ref) for ref in parsed.refs] == [{"archive": "AVP RF"}]
    assert parsed.translator == "Ann Example"
    assert parsed.notes == ["copy courtesy of NSA", "Reprinted in Example Bulletin 3 (1993), p. 60, d. 4"]
    assert parsed.unparsed == []


def test_a_note_ends_with_its_sentence_but_not_at_an_initial():
    parsed = parse_citation("Copy obtained by J. R. Example. Translated by A. B. Example. APRF, f. 3, l. 1")
    assert parsed.notes == ["Copy obtained by J. R. Example"]
    assert parsed.translator == "A. B. Example"
    assert [parts(ref) for ref in parsed.refs] == [{"archive": "APRF", "fond": "3", "listy": "1"}]


def test_an_archive_named_in_a_note_is_a_reference():
    parsed = parse_citation("Obtained from the Presidential Archive by a visiting scholar")
    assert [ref.archive for ref in parsed.refs] == ["APRF"]
    assert parsed.notes == ["Obtained from the Presidential Archive by a visiting scholar"]


@pytest.mark.parametrize(
    "citation, unparsed",
    [
        ("Archive, Fond 45", ["Archive, Fond 45"]),
        ("Local records office, f. 12, op. 3; APRF, f. 1", ["Local records office, f. 12, op. 3"]),
        ("APRF, f. 45, d. 1, d. 2", ["d. 2"]),
        (
            "Example title, May 1, 1960, the city archive, Fond 7, Delo 2. <https://example.org/1>",
            ["the city archive, Fond 7, Delo 2"],
        ),
        ("Fond No. 5 of a private collection", ["Fond No. 5"]),
    ],
)
def test_a_reference_without_an_archive_is_kept_verbatim_with_a_warning(citation, unparsed):
    parsed = parse_citation(citation)
    assert parsed.unparsed == unparsed
    assert all(piece in citation for piece in unparsed)
    assert len(parsed.warnings) == len(unparsed) and all(piece in parsed.warnings[0] for piece in unparsed[:1])


def test_text_without_references_gives_nothing():
    assert parse_citation("Example Digital Archive, August 27, 1951") == ParsedCitation()


def test_unparsed_reference_is_told_by_its_citation():
    ref = ArchivalRef(None, citation="Archive, Fond 45")
    assert ref.unparsed and ref.reference == "Archive, Fond 45"
    assert not ArchivalRef("GARF").unparsed
    assert ArchivalRef("GARF", "5", tom="2", listy="3ob").reference == "GARF, Fond 5, Tom 2, Listy 3ob"


@pytest.mark.parametrize(
    "citation, translator",
    [
        ("Translated by Ann Example.", "Ann Example"),
        ("APRF, f. 3; translation by Ann Example for the Example Project", "Ann Example"),
        ("Translated from the Russian for the Example Project by Ann Example; APRF", "Ann Example"),
        ("АП РФ, ф. 3. Translated by A. B. Example. <https://example.org/1>", "A. B. Example"),
        ("A translated text, APRF, f. 3", None),
        ("Obtained and translated by the Example Project from the Presidential Archive.", "the Example Project"),
    ],
)
def test_the_translator_is_named_after_by(citation, translator):
    assert parse_citation(citation).translator == translator


def test_capitals_in_a_clause_are_a_publication_not_an_archive():
    parsed = parse_citation("Reprinted in CWIHP, p. 12; APRF, f. 3")
    assert [parts(ref) for ref in parsed.refs] == [{"archive": "APRF", "fond": "3"}]
    assert parsed.notes == ["Reprinted in CWIHP, p. 12"] and parsed.unparsed == []


@pytest.mark.parametrize(
    "citation, expected",
    [
        ("APRF, f. 45, op. 1, d. 329. Copy obtained from the Presidential Archive by the project",
         [{"archive": "APRF", "fond": "45", "opis": "1", "delo": "329"}]),
        ("From the Russian Presidential Archive; AP RF, f. 3", [{"archive": "APRF", "fond": "3"}]),
        ("AP RF; APRF", [{"archive": "APRF"}]),
        ("APRF, f. 3; APRF, f. 45", [{"archive": "APRF", "fond": "3"}, {"archive": "APRF", "fond": "45"}]),
    ],
)
def test_an_archive_named_again_without_numbers_is_the_same_reference(citation, expected):
    assert [parts(ref) for ref in parse_citation(citation).refs] == expected


@pytest.mark.parametrize("written, sheet", [("5", "5"), ("0055", "0055"), ("12a", "12a"), ("5 об.", "5ob"),
                                            ("5ob.", "5ob"), ("86-87", None), ("../5", None), ("", None), ("ob", None)])
def test_one_sheet_is_read_as_listy_counts_them(written, sheet):
    assert normal_sheet(written) == sheet


@pytest.mark.parametrize("listy, sheet, held", [("86-88", "87ob", True), ("86-88", "89", False), ("5ob", "5", True),
                                                ("39-40, 42", "42", True), ("39-40, 42", "41", False),
                                                ("5-5ob", "5ob", True), ("i-iv", "2", None)])
def test_a_sheet_lies_within_listy_by_its_number(listy, sheet, held):
    assert listy_holds(listy, sheet) is held
