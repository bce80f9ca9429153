"""The plain baseline the SQuAD evaluation prints beside the bot: rank-bm25 over sentences.

Exactly what `../shared/squad/README.md` describes, so a change to the bot is always read
against the same yardstick: nltk Punkt sentences with default (untrained) parameters,
`\\w+` tokens lowercased, Porter stems, a 30-word stopword list, no cleaning, rank-bm25's
`BM25Okapi` with its defaults, the top 10 sentences, never declining.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from ..ingest import _nltk  # noqa: F401  (must run before any nltk import: see _nltk.py)

# isort: split
from nltk.stem.porter import PorterStemmer
from nltk.tokenize.punkt import PunktSentenceTokenizer

from .squad import SquadQuestion, SquadResult, SquadSet

STOPWORDS = frozenset(
    "a an the of to in and or is are was were be been by for on at with as from that this "
    "it its what which who when how".split()
)
_WORD = re.compile(r"\w+")


class PlainBM25:
    """BM25Okapi over every sentence of the chosen articles."""

    def __init__(self, squad: SquadSet, articles: Sequence[int]) -> None:
        from rank_bm25 import BM25Okapi

        self._stem = PorterStemmer().stem
        punkt = PunktSentenceTokenizer()
        self.rows: list[tuple[int, int, str]] = []  # (article, paragraph, sentence text)
        corpus = []
        for a in articles:
            art = squad.articles[a]
            for p, (start, end) in enumerate(art.paragraphs):
                para = art.text[start:end]
                for s, e in punkt.span_tokenize(para):
                    self.rows.append((a, p, para[s:e]))
                    corpus.append(self.tokens(para[s:e]))
        self.bm25 = BM25Okapi(corpus)

    def tokens(self, text: str) -> list[str]:
        return [self._stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]

    def top(self, question: str, k: int = 10) -> list[int]:
        scores = self.bm25.get_scores(self.tokens(question))
        order = sorted(range(len(scores)), key=lambda i: -scores[i])  # stable: ties by row
        return order[:k]

    def rank_of(self, q: SquadQuestion, text: str | None = None) -> int | None:
        """The rank of `q`'s first hit when `text` (default: its question) is searched."""
        for rank, row in enumerate(self.top(q.question if text is None else text), 1):
            a, p, sentence = self.rows[row]
            if (a, p) == (q.article, q.paragraph) and any(
                g in " ".join(sentence.split()) for g in q.answers
            ):
                return rank
        return None

    def run(
        self, questions: Sequence[SquadQuestion], in_corpus: set[int] | None = None
    ) -> list[SquadResult]:
        out = []
        for q in questions:
            t0 = time.perf_counter()
            res = SquadResult(q.id, q.question, in_corpus is None or q.article in in_corpus)
            res.rank = self.rank_of(q)
            res.latency_ms = (time.perf_counter() - t0) * 1000
            out.append(res)
        return out


class PlainSentences:
    """The same plain BM25Okapi over the sentences of any articles, given as (doc, text)."""

    def __init__(self, docs: Sequence[tuple[str, str]]) -> None:
        from rank_bm25 import BM25Okapi

        self._stem = PorterStemmer().stem
        punkt = PunktSentenceTokenizer()
        self.rows: list[tuple[str, str]] = []
        corpus = []
        for doc, text in docs:
            for para in text.split("\n\n"):
                for s, e in punkt.span_tokenize(para):
                    self.rows.append((doc, para[s:e]))
                    corpus.append(self.tokens(para[s:e]))
        self.bm25 = BM25Okapi(corpus or [[""]])

    def tokens(self, text: str) -> list[str]:
        return [self._stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]

    def top(self, question: str, k: int = 10) -> list[tuple[str, str]]:
        scores = self.bm25.get_scores(self.tokens(question))
        order = sorted(range(len(self.rows)), key=lambda i: -scores[i])  # stable: ties by row
        return [self.rows[i] for i in order[:k]]
