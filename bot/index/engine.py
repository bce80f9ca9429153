"""The read-only view over one opened index: every lookup answering and the interfaces
need (sources, passages, sentences, term statistics, passage search), so none of them
reaches into the storage arrays. `bot.opening.open_engine` makes one."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..ingest import morphology
from ..records import DocMeta, Passage, Sentence
from . import bm25
from .store import IndexData

MAX_CACHED_TERMS = 100_000


@dataclass(frozen=True)
class Engine:
    """A read-only view over one opened index. Safe to share between threads."""

    index: IndexData
    corpus_dir: Path

    # -- articles ----------------------------------------------------------------------
    def doc(self, doc_id: int) -> DocMeta:
        return self.index.docs[doc_id].meta

    @property
    def documents(self) -> list[DocMeta]:
        return [d.meta for d in self.index.docs]

    # -- passages and sentences --------------------------------------------------------
    def sentence(self, sent_id: int) -> Sentence:
        doc_id, pid, start, end, _ = (int(x) for x in self.index.sentences[sent_id])
        return Sentence(sent_id, doc_id, pid, start, end, self.index.sentence_text(sent_id))

    def joins_prev(self, sent_id: int) -> bool:
        """Sentence `sent_id` directly follows the previous one (only whitespace between)."""
        return bool(self.index.sentences[sent_id, 4])

    def passage(self, passage_id: int) -> Passage:
        doc_id, start, end, first, last = (int(x) for x in self.index.passages[passage_id])
        return Passage(passage_id, doc_id, start, end, first, last)

    def passage_sentences(self, passage_id: int) -> list[Sentence]:
        p = self.passage(passage_id)
        return [self.sentence(i) for i in range(p.first_sent, p.last_sent)]

    def passage_text(self, passage_id: int) -> str:
        return " ".join(s.text for s in self.passage_sentences(passage_id))

    # -- terms -------------------------------------------------------------------------
    def knows(self, term: str) -> bool:
        """Whether any indexed passage uses `term` (an index term: a stem)."""
        return term in self.index.postings.vocab

    @cached_property
    def vocabulary(self) -> list[str]:
        """Every index term, in term-id order (for spelling neighbours)."""
        return list(self.index.postings.vocab)

    @cached_property
    def _sorted_vocabulary(self) -> list[str]:
        return sorted(self.index.postings.vocab)

    @cached_property
    def _compounds(self) -> dict[str, list[str]]:
        return morphology.compounds_by_head(self.index.postings.vocab, self.knows)

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
        (derivations, compounds, synonyms: ingest/morphology.py). The sorted vocabulary,
        its compounds and the thesaurus are worked out once per process, on first use;
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

    @property
    def n_sentences(self) -> int:
        return self.index.n_sentences

    @cached_property
    def avg_sentence_terms(self) -> float:
        """Mean number of index terms in a sentence (for length normalisation)."""
        total = float(self.index.postings.doc_len.sum())
        return total / self.n_sentences if self.n_sentences else 1.0

    def sentence_df(self, term: str) -> int:
        """In how many sentences `term` occurs (0 for a word the corpus never uses)."""
        tid = self.index.postings.vocab.get(term)
        return int(self.index.sent_df[tid]) if tid is not None else 0

    def sentence_idf(self, term: str) -> float:
        """BM25-style IDF over sentences, kept positive: log(1 + (S - n + .5) / (n + .5)).
        A word the corpus never uses gets the highest weight of all."""
        n_sent = max(self.n_sentences, 1)
        df = self.sentence_df(term)
        return math.log(1 + (n_sent - df + 0.5) / (df + 0.5))

    def passage_idf(self, term: str) -> float:
        """rank-bm25's IDF of `term` over passages (0 for a word the corpus never uses)."""
        tid = self.index.postings.vocab.get(term)
        return float(self.index.postings.idf[tid]) if tid is not None else 0.0

    # -- search ------------------------------------------------------------------------
    def search(self, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The k best passages for the query terms, as rank-bm25's BM25Okapi ranks them."""
        return bm25.search(self.index.postings, terms, k)
