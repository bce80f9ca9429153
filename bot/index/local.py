"""The local index behind the seam: a `Retriever` over one opened index folder, and the
`Engine` that pairs it with the index's `Lexicon` (`lexicon.py`).

Search is rank-bm25's `BM25Okapi` ranking (`bm25.py`, pruned by `impact.py` for common
words); each hit carries its sentences, its article and its reach, the BM25 score against
the most this query could score (every term's positive IDF at full saturation, k1 + 1), so
no answer-stage code knows the BM25 flavour or its k1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from ..errors import IndexCorrupt
from ..records import DocMeta, Passage, Sentence
from ..retrieval import Encoder, Engine, Hit
from . import bm25
from .data import IndexData
from .fresh import built_params
from .lexicon import VocabLexicon
from .postings import BM25Params


@dataclass(frozen=True)
class LocalRetriever:
    """A read-only `Retriever` over one opened index. Safe to share between threads."""

    data: IndexData

    @property
    def params(self) -> BM25Params:
        """The BM25 parameters the index was built with."""
        return built_params(self.data)

    def documents(self) -> list[DocMeta]:
        return [d.meta for d in self.data.docs]

    def doc(self, doc_id: int) -> DocMeta:
        return self.data.docs[doc_id].meta

    def sentence(self, sent_id: int) -> Sentence:
        """A sentence, checked against its checksum (IndexCorrupt when it fails)."""
        return Sentence(sent_id, *self.data.checked_sentence(sent_id))

    def passage(self, passage_id: int) -> Passage:
        d = self.data
        if not 0 <= passage_id < len(d.passages):
            raise IndexCorrupt(f"index passage id {passage_id} out of range")
        doc_id, start, end, first, last = (int(x) for x in d.passages[passage_id])
        if not (0 <= doc_id < len(d.docs) and 0 <= first <= last <= d.n_sentences):
            raise IndexCorrupt(f"index passage {passage_id} has ids out of range")
        return Passage(passage_id, doc_id, start, end, first, last)

    def joins_prev(self, sent_id: int) -> bool:
        """Sentence `sent_id` directly follows the previous one (only whitespace between)."""
        return self.data.checked_joins(sent_id)

    def previous(self, sentence: Sentence) -> Sentence | None:
        if not self.joins_prev(sentence.sent_id):
            return None
        return _lead_in(self.sentence(sentence.sent_id - 1), sentence)

    def hit(
        self,
        passage_id: int,
        score: float = 0.0,
        reach: float = 0.0,
        vector: Vectors | None = None,
    ) -> Hit:
        p = self.passage(passage_id)
        sents = tuple(self.sentence(i) for i in range(p.first_sent, p.last_sent))
        if any(s.doc_id != p.doc_id or s.passage_id != p.passage_id for s in sents):
            raise IndexCorrupt(f"index passage {passage_id} and its sentences disagree")
        before: list[Sentence | None] = []
        for i, s in enumerate(sents):
            if not self.joins_prev(s.sent_id):
                before.append(None)
            else:  # inside the passage the previous sentence is at hand
                before.append(_lead_in(sents[i - 1] if i else self.sentence(s.sent_id - 1), s))
        sims, passage_sim = self._sims(p, vector)
        return Hit(p, self.doc(p.doc_id), sents, tuple(before), score, reach, sims, passage_sim)

    def _sims(
        self, p: Passage, vector: Vectors | None
    ) -> tuple[tuple[float, ...] | None, float | None]:
        """Cosines of the question's vector with the passage's sentences and itself."""
        sv, pv = self.data.sent_vec, self.data.passage_vec
        if vector is None or sv is None or pv is None:
            return None, None
        q = vector.astype(np.float32)
        sims = sv[p.first_sent : p.last_sent].astype(np.float32) @ q
        passage_sim = float(pv[p.passage_id].astype(np.float32) @ q)
        if not (np.isfinite(sims).all() and np.isfinite(passage_sim)):
            raise IndexCorrupt(f"index vectors of passage {p.passage_id} are not numbers")
        return tuple(float(x) for x in sims), passage_sim

    def search(self, terms: Sequence[str], k: int, vector: Vectors | None = None) -> list[Hit]:
        """The k best passages, as rank-bm25's BM25Okapi ranks them."""
        post = self.data.postings
        found = bm25.search(post, terms, k)
        if not found:
            return []
        reachable = self._reachable(terms)
        return [self.hit(pid, score, _reach(score, reachable), vector) for pid, score in found]

    def _reachable(self, terms: Sequence[str]) -> float:
        """The most a passage could score for these terms: each at full saturation."""
        post = self.data.postings
        k1 = post.impact.k1
        idf = (
            float(post.idf[tid]) if (tid := post.vocab.get(t)) is not None else 0.0 for t in terms
        )
        return sum(max(v, 0.0) for v in idf) * (k1 + 1)


def _lead_in(prev: Sentence, sentence: Sentence) -> Sentence:
    """`prev` as `sentence`'s lead-in: of the same article, ending before it starts, in
    its passage or the one before. Anything else is a damaged index (IndexCorrupt)."""
    if (
        prev.doc_id != sentence.doc_id
        or prev.end > sentence.start
        or sentence.passage_id - prev.passage_id not in (0, 1)
    ):
        raise IndexCorrupt(f"index sentence {sentence.sent_id} has a lead-in of another place")
    return prev


def _reach(score: float, reachable: float) -> float:
    """The score against the most the query could reach, in [0, 1]. A corpus of one or two
    passages has no positive IDF (rank-bm25's quirk): then nothing is known."""
    return min(max(score / reachable, 0.0), 1.0) if reachable > 0 else 1.0


Vectors = NDArray[np.float32]


def local_engine(
    data: IndexData, corpus_dir: Path | None = None, encoder: Encoder | None = None
) -> Engine:
    """The `Engine` over one opened index: its retriever, its lexicon, and the encoder
    that made its vectors (None: answer from words only, whatever the index holds)."""
    return Engine(LocalRetriever(data), VocabLexicon.of(data), corpus_dir, encoder)
