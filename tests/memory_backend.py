"""A second backend behind `bot/retrieval.py`, deliberately simple: rank-bm25's `BM25Okapi`
held in memory over a handful of articles, written from the protocols' docs (it never
touches `bot.index`). `tests/test_seam.py` checks that `answer()` quotes the same through
it as through the local index: the answer stage needs nothing but the protocols.

It reads articles with the bot's own ingest (so its sentences are the same), and keeps
everything else plain: no pruning, no relatives, no spelling neighbours, no dictionary.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from rank_bm25 import BM25Okapi

from bot.ingest import tokens
from bot.ingest.article import load_article
from bot.ingest.corpus import list_corpus
from bot.ingest.segment import SentenceSplitter, segment, train_punkt
from bot.records import CleanDoc, DocMeta, Passage, Sentence
from bot.retrieval import Engine, Hit, Neighbour


class MemoryBackend:
    """Both protocols at once, over the articles of one small folder."""

    def __init__(self, folder: Path) -> None:
        listing, _ = list_corpus(folder)
        docs: list[CleanDoc] = []
        for name in listing.files:
            loaded = load_article(listing.folder, name, len(docs), listing.metadata)
            if not isinstance(loaded, str):
                docs.append(loaded[0])
        punkt = train_punkt(d.raw[s.start : s.end] for d in docs for p in d.paragraphs for s in p)
        self.docs = docs
        self.passages, self.sentences = segment(docs, SentenceSplitter(punkt))
        self.passage_terms = [  # its headings, then its sentences: the words it is ranked by
            tokens.analyze(p.context)
            + [
                t
                for s in self.sentences[p.first_sent : p.last_sent]
                for t in tokens.analyze(s.text)
            ]
            for p in self.passages
        ]
        self.bm25 = BM25Okapi(self.passage_terms)
        self.sent_df = Counter(t for s in self.sentences for t in set(tokens.analyze(s.text)))
        self._passage_df = Counter(t for terms in self.passage_terms for t in set(terms))

    # -- Retriever -------------------------------------------------------------------------
    def search(self, terms: Sequence[str], k: int, vector: object = None) -> list[Hit]:
        """BM25 only: a question's vector is not used (it holds no sentence vectors)."""
        scores = self.bm25.get_scores(list(terms))
        holding = [
            p.passage_id
            for p in self.passages
            if set(terms) & set(self.passage_terms[p.passage_id])
        ]
        best = sorted(holding, key=lambda pid: (-scores[pid], pid))[:k]
        reachable = sum(max(self.passage_idf(t), 0.0) for t in terms) * (self.bm25.k1 + 1)
        return [self._hit(pid, float(scores[pid]), _reach(scores[pid], reachable)) for pid in best]

    def hit(self, passage_id: int) -> Hit:
        return self._hit(passage_id, 0.0, 0.0)

    def previous(self, sentence: Sentence) -> Sentence | None:
        if sentence.sent_id == 0:
            return None
        prev = self.sentences[sentence.sent_id - 1]
        raw = self.docs[sentence.doc_id].raw
        joins = prev.doc_id == sentence.doc_id and not raw[prev.end : sentence.start].strip()
        return prev if joins else None

    def documents(self) -> Sequence[DocMeta]:
        return [d.meta for d in self.docs]

    def _hit(self, pid: int, score: float, reach: float) -> Hit:
        p: Passage = self.passages[pid]
        sents = tuple(self.sentences[p.first_sent : p.last_sent])
        return Hit(
            p, self.docs[p.doc_id].meta, sents, tuple(map(self.previous, sents)), score, reach
        )

    # -- Lexicon ---------------------------------------------------------------------------
    @property
    def avg_sentence_terms(self) -> float:
        return sum(map(len, self.passage_terms)) / max(len(self.sentences), 1)

    def knows(self, term: str) -> bool:
        return term in self._passage_df

    def sentence_df(self, term: str) -> int:
        return self.sent_df.get(term, 0)

    def sentence_idf(self, term: str) -> float:
        n = max(len(self.sentences), 1)
        df = self.sentence_df(term)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def passage_df(self, term: str) -> int:
        return self._passage_df.get(term, 0)

    def passage_idf(self, term: str) -> float:
        return float(self.bm25.idf.get(term, 0.0))

    def neighbour(self, term: str) -> Neighbour | None:
        return None

    def relatives(self, term: str) -> frozenset[str]:
        return frozenset()

    def warm(self) -> None:
        return None

    def engine(self, corpus_dir: Path) -> Engine:
        return Engine(self, self, corpus_dir)


def _reach(score: float, reachable: float) -> float:
    return min(max(score / reachable, 0.0), 1.0) if reachable > 0 else 1.0
