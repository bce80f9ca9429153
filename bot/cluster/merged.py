"""The merged corpus of a cluster build as arrays, and its global statistics: what the
shards are cut from."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..index.postings import BM25Params, mean_length
from ..indexer.merge import Merger
from ..indexer.weights import GlobalStats, corpus_idf


class Corpus:
    """The merged corpus as arrays: what the shards are cut from."""

    def __init__(
        self,
        passages: NDArray[np.int64],
        sentences: NDArray[np.int64],
        ptr: NDArray[np.int64],
        ids: NDArray[np.int32],
        text: NDArray[np.uint8],
        offsets: NDArray[np.int64],
        vocab: dict[str, int],
        sent_check: NDArray[np.uint64],
    ) -> None:
        self.passages, self.sentences, self.ptr, self.ids = passages, sentences, ptr, ids
        self.text, self.offsets, self.vocab = text, offsets, vocab
        self.sent_check = sent_check

    @classmethod
    def of(cls, merged: Merger, text_path: Path) -> Corpus:
        passages = np.frombuffer(merged.passages, np.int64).reshape(-1, 5)
        sentences = np.frombuffer(merged.sentences, np.int64).reshape(-1, 5)
        ptr = np.zeros(len(passages) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(merged.tok_lens, dtype=np.int64), out=ptr[1:])
        offsets = np.zeros(len(sentences) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(merged.text_lens, dtype=np.int64), out=offsets[1:])
        size = text_path.stat().st_size
        text = np.fromfile(text_path, dtype=np.uint8) if size else np.zeros(0, np.uint8)
        ids = np.frombuffer(merged.token_ids, np.int32)
        checks = np.frombuffer(merged.sent_check, np.uint64)
        return cls(passages, sentences, ptr, ids, text, offsets, merged.vocab, checks)

    def stats(self, params: BM25Params) -> GlobalStats:
        """The corpus-wide IDF and average length every shard is weighted with."""
        from scipy import sparse

        n, n_terms = len(self.passages), len(self.vocab)
        # Copies: scipy compacts duplicate entries in place, inside the arrays it is given.
        rows = sparse.csr_matrix(
            (np.ones(len(self.ids), dtype=np.int32), self.ids.copy(), self.ptr.copy()),
            shape=(n, n_terms),
        )
        rows.sum_duplicates()
        df = np.bincount(rows.indices, minlength=n_terms).astype(np.int64)
        self.passage_df = df
        return GlobalStats(corpus_idf(self.vocab, df, n, params), mean_length(np.diff(self.ptr)))

    def texts(self) -> list[str]:
        data, off = self.text.tobytes(), self.offsets
        return [data[off[i] : off[i + 1]].decode("utf-8") for i in range(len(off) - 1)]
