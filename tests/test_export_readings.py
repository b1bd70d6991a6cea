"""Parallel segmentation of one paragraph (versions.export.readings): every witness's text is rebuilt exactly."""

from hypothesis import given, settings
from hypothesis import strategies as st

from versions.export.readings import Zone, segments

WORDS = st.sampled_from(["девять", "9", "бомб", "Kaesong", "Gaeseong", "the", "enemy", ",", ".", " ", "  ", "\n", "[", "]"])
TEXTS = st.lists(WORDS, min_size=0, max_size=14).map("".join)


def rebuilt(pieces, witness: str) -> str:
    return "".join(
        piece if isinstance(piece, str) else next(text for text, ws in piece.readings if witness in ws)
        for piece in pieces
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=4))
def test_every_witness_reads_its_own_text_back(texts):
    witnesses = [f"w{i}" for i in range(len(texts))]
    pieces = segments(dict(zip(witnesses, texts)), witnesses)
    for witness, text in zip(witnesses, texts):
        assert rebuilt(pieces, witness) == text
    for piece in pieces:
        if isinstance(piece, Zone):
            assert piece.readings[0][1][0] == "w0"  # the lead's reading comes first
            assert sorted(w for _, ws in piece.readings for w in ws) == sorted(witnesses)
            assert len({text for text, _ in piece.readings}) == len(piece.readings) > 1


def test_one_word_differs_in_one_zone():
    pieces = segments({"a": "сбросил девять бомб.", "b": "сбросил 9 бомб.", "c": "сбросил девять бомб."}, ["a", "b", "c"])
    assert pieces == ["сбросил ", Zone((("девять", ("a", "c")), ("9", ("b",)))), " бомб."]
    assert segments({"a": "same", "b": "same"}, ["a", "b"]) == ["same"]
