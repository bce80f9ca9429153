"""The records of an opened index: its articles and the arrays a query reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import IndexCorrupt
from ..records import DocMeta
from .checksum import doc_key, sentence_check
from .postings import Postings


@dataclass(frozen=True)
class DocEntry:
    doc_id: int
    meta: DocMeta
    sha256: str


@dataclass(frozen=True)
class IndexData:
    params: dict[str, Any]
    docs: tuple[DocEntry, ...]
    passages: NDArray[np.int64]
    sentences: NDArray[np.int64]
    sent_text: bytes | memoryview | NDArray[np.uint8]
    sent_text_offsets: NDArray[np.int64]
    postings: Postings
    sent_df: NDArray[np.int32]
    # Unit sentence and passage vectors (float16 [S, dim], [P, dim]) of an index built
    # with a sentence encoder (params["settings"]["encoder"]); None for a lexical index.
    sent_vec: NDArray[np.float16] | None = None
    passage_vec: NDArray[np.float16] | None = None
    # Each sentence's checksum (checksum.sentence_check), verified whenever it is read.
    sent_check: NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, np.uint64))
    folder: Path | None = None  # the build folder it was opened from
    _keys: dict[int, bytes] = field(default_factory=dict, compare=False, repr=False)

    def sentence_text(self, sent_id: int) -> str:
        return self.checked_sentence(sent_id)[4]

    def checked_joins(self, sent_id: int) -> bool:
        """Whether sentence `sent_id` follows the one before with only whitespace between,
        covered by its checksum (a flipped flag would quote another article's sentence
        as its lead-in)."""
        self.checked_sentence(sent_id)
        return bool(self.sentences[sent_id, 4])

    def checked_sentence(self, sent_id: int) -> tuple[int, int, int, int, str]:
        """(doc_id, passage_id, start, end, text) of a sentence, after checking its ids
        are in range and its checksum matches: what is quoted and cited is what the build
        wrote, at any index size (the files' checksums are verified on open only up to
        16 MiB). Raises IndexCorrupt."""
        if not 0 <= sent_id < self.n_sentences:
            raise IndexCorrupt(f"index sentence id {sent_id} out of range")
        doc_id, pid, start, end, joins = (int(x) for x in self.sentences[sent_id])
        lo, hi = int(self.sent_text_offsets[sent_id]), int(self.sent_text_offsets[sent_id + 1])
        if not (0 <= doc_id < len(self.docs) and 0 <= pid < len(self.passages)):
            raise IndexCorrupt(f"index sentence {sent_id} has ids out of range")
        if not 0 <= lo <= hi <= len(self.sent_text) or not 0 <= start <= end:
            raise IndexCorrupt(f"index sentence {sent_id} has offsets out of range")
        raw = bytes(self.sent_text[lo:hi])
        key = self._keys.get(doc_id)
        if key is None:
            entry = self.docs[doc_id]
            key = self._keys.setdefault(doc_id, doc_key(entry.meta, entry.sha256))
        if sentence_check(key, start, end, raw, bool(joins)) != int(self.sent_check[sent_id]):
            raise IndexCorrupt(f"index sentence {sent_id} does not match its checksum")
        try:
            return doc_id, pid, start, end, raw.decode("utf-8")
        except UnicodeDecodeError as exc:  # pragma: no cover - the checksum catches it first
            raise IndexCorrupt(f"index sentence {sent_id} is not UTF-8") from exc

    @property
    def n_sentences(self) -> int:
        return int(self.sentences.shape[0])
