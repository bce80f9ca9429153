"""The `Lexicon` of an index: its vocabulary's statistics and word relations.

Built from small per-term arrays (the vocabulary, sentence and passage document
frequencies, the passage IDF) that any backend can hold in the answering process: the
local index passes its own (`local.py`); a sharded index passes its global table.
Relatives come from `morphology.py`, spelling neighbours from `spelling.py`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from ..retrieval import Neighbour
from . import morphology, spelling
from .data import IndexData

MAX_CACHED_TERMS = 100_000


@dataclass(frozen=True)
class VocabLexicon:
    """A read-only `Lexicon` over per-term arrays. Safe to share between threads."""

    vocab: dict[str, int]  # term -> term id
    sent_df: NDArray[np.int32]  # by term id
    passage_dfs: NDArray[np.int64]  # by term id
    idf: NDArray[np.float64]  # the retrieval IDF over passages, by term id
    n_sentences: int
    total_terms: int  # index terms over all passages (= over all sentences)

    @classmethod
    def of(cls, data: IndexData) -> VocabLexicon:
        post = data.postings
        return cls(
            post.vocab,
            data.sent_df,
            np.diff(post.indptr),
            post.idf,
            data.n_sentences,
            int(post.doc_len.sum()),
        )

    @property
    def avg_sentence_terms(self) -> float:
        return self.total_terms / self.n_sentences if self.n_sentences else 1.0

    def knows(self, term: str) -> bool:
        return term in self.vocab

    def sentence_df(self, term: str) -> int:
        tid = self.vocab.get(term)
        return int(self.sent_df[tid]) if tid is not None else 0

    def sentence_idf(self, term: str) -> float:
        """BM25-style IDF over sentences, kept positive: log(1 + (S - n + .5) / (n + .5)).
        A word the corpus never uses gets the highest weight of all."""
        n_sent = max(self.n_sentences, 1)
        df = self.sentence_df(term)
        return math.log(1 + (n_sent - df + 0.5) / (df + 0.5))

    def passage_df(self, term: str) -> int:
        tid = self.vocab.get(term)
        return int(self.passage_dfs[tid]) if tid is not None else 0

    def passage_idf(self, term: str) -> float:
        """rank-bm25's IDF of `term` over passages (0 for a word the corpus never uses)."""
        tid = self.vocab.get(term)
        return float(self.idf[tid]) if tid is not None else 0.0

    # -- word relations ------------------------------------------------------------------
    @cached_property
    def vocabulary(self) -> list[str]:
        """Every index term, in term-id order (for spelling neighbours)."""
        return list(self.vocab)

    @cached_property
    def _sorted_vocabulary(self) -> list[str]:
        return sorted(self.vocab)

    @cached_property
    def _compounds(self) -> dict[str, list[str]]:
        return morphology.compounds_by_head(self.vocab, self.knows)

    @cached_property
    def _relatives_cache(self) -> dict[str, frozenset[str]]:
        return {}

    def warm(self) -> None:
        """Work out now what the first question would otherwise wait for (the sorted
        vocabulary and its compounds, the thesaurus: about 50 ms at 100k passages, ~1 s at
        1M). For the long-running interfaces, before their first question."""
        _ = self._sorted_vocabulary, self._compounds, morphology.synonyms("")

    def relatives(self, term: str) -> frozenset[str]:
        """Index terms that are `term` in another form or another word for it
        (derivations, compounds, synonyms: morphology.py). The sorted vocabulary, its
        compounds and the thesaurus are worked out once per process, on first use;
        answers per term are kept."""
        found = self._relatives_cache.get(term)
        if found is None:
            rel = set(morphology.derivations(term, self._sorted_vocabulary))
            rel.update(self._compounds.get(term, ()))
            rel.update(t for t in morphology.synonyms(term) if self.knows(t))
            head = morphology.compound_head(term, self.knows)
            if head is not None:
                rel.add(head)
            rel.discard(term)
            if len(self._relatives_cache) >= MAX_CACHED_TERMS:  # a long-running bot: bounded
                self._relatives_cache.clear()
            found = self._relatives_cache.setdefault(term, frozenset(rel))
        return found

    def neighbour(self, term: str) -> Neighbour | None:
        return spelling.neighbour(term, self.vocabulary, self.sentence_df)
