"""The seam between answering and retrieval: two protocols and the records they pass.

    Retriever   an analysed query -> the top passages as `Hit`s, each carrying its
                passage, its sentences, its article's metadata and its scores, so
                answering needs no second round trip; a sentence's neighbour
    Lexicon     what the corpus's vocabulary says about a term: known or not, how rare
                (sentence and passage document frequencies, IDF), spelling neighbours,
                relatives (other forms and synonyms)

`bot/answer/` depends only on these protocols and on `bot/records.py` (a layout test
enforces it), so a new backend - the local index (`bot/index/local.py`), a sharded
cluster, an OpenSearch server - is one class behind each protocol, and the calibrated
evidence model keeps working: every score it reads is normalised here (`Hit.reach`),
against the best this query could score, never in BM25 units of one flavour.

`Engine` is what the interfaces hold: one retriever and one lexicon over the same corpus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .records import DocMeta, Passage, Sentence

if TYPE_CHECKING:  # numpy is not imported by `import bot`
    import numpy as np
    from numpy.typing import NDArray

    Vectors = NDArray[np.float32]


@dataclass(frozen=True)
class Hit:
    """One retrieved passage, with everything the answer stage reads about it."""

    passage: Passage
    doc: DocMeta
    sentences: tuple[Sentence, ...]
    # For each sentence, the sentence right before it in its article when only whitespace
    # lies between them (a sentence leaning on it can be quoted with it as one verbatim
    # span; for the first sentence it may sit in the previous passage), else None.
    before: tuple[Sentence | None, ...]
    score: float  # the backend's own score: compared only between hits of one query
    reach: float  # the score against the most this query could score, in [0, 1]
    # Cosine of the question's vector with each sentence's, and with the passage's, when
    # the search was given one and the index holds vectors (else None).
    sims: tuple[float, ...] | None = None
    passage_sim: float | None = None


@dataclass(frozen=True)
class Neighbour:
    """A vocabulary term spelt close to a word the corpus never uses."""

    term: str
    close: bool  # near enough to read the question with it; else only a suggestion


class Encoder(Protocol):
    """A sentence encoder: texts -> unit vectors, one row each. Loading is lazy and
    batching happens inside; `settings` (model, hashes, pooling) is recorded in the index
    its vectors are stored in."""

    @property
    def settings(self) -> dict[str, Any]: ...

    def encode(self, texts: Sequence[str]) -> Vectors:
        """float32 [len(texts), dim], each row of length 1."""
        ...


class Reader(Protocol):
    """A reader: reads each (question, sentence) pair together and scores how well the
    sentence answers the question, as a logit (higher: answers). One call per question,
    its candidates batched inside; loading is lazy. `settings` names the model."""

    @property
    def settings(self) -> dict[str, Any]: ...

    def score(self, question: str, texts: Sequence[str]) -> list[float]:
        """One logit per text, in order."""
        ...


class Retriever(Protocol):
    """Passage search over one corpus. Terms are index terms (`bot.ingest.tokens`, the
    tokenizer the index records); a repeated term counts again, as in BM25."""

    def search(self, terms: Sequence[str], k: int, vector: Vectors | None = None) -> list[Hit]:
        """The k best passages, best first (ties: the lower passage id). With the
        question's `vector` (from the index's own `Encoder`), each hit also carries its
        sentences' and its passage's cosines with it, when the index holds vectors."""
        ...

    def hit(self, passage_id: int) -> Hit:
        """One passage by id, scores 0 (the chat's `/show N`)."""
        ...

    def previous(self, sentence: Sentence) -> Sentence | None:
        """The sentence right before `sentence` in its article when only whitespace lies
        between them, else None (also at an article's start)."""
        ...

    def documents(self) -> Sequence[DocMeta]:
        """Every article, in id order."""
        ...


class Lexicon(Protocol):
    """Statistics and word relations of the corpus's vocabulary, by index term."""

    @property
    def avg_sentence_terms(self) -> float:
        """Mean number of index terms per sentence (for length normalisation)."""
        ...

    def knows(self, term: str) -> bool:
        """Whether any indexed passage uses `term`."""
        ...

    def sentence_df(self, term: str) -> int:
        """In how many sentences `term` occurs (0 for a word the corpus never uses)."""
        ...

    def sentence_idf(self, term: str) -> float:
        """IDF over sentences, kept positive: log(1 + (S - n + 0.5) / (n + 0.5)) for S
        sentences, n of them holding `term`; a word the corpus never uses weighs most.
        (The evidence model was fitted on this scale: keep the formula.)"""
        ...

    def passage_df(self, term: str) -> int:
        """In how many passages `term` occurs."""
        ...

    def passage_idf(self, term: str) -> float:
        """The retrieval IDF of `term` over passages (0 for an unknown word)."""
        ...

    def neighbour(self, term: str) -> Neighbour | None:
        """The closest vocabulary term to an unknown one, or None."""
        ...

    def relatives(self, term: str) -> frozenset[str]:
        """Index terms that are `term` in another form or another word for it."""
        ...

    def warm(self) -> None:
        """Work out now what the first question would otherwise wait for."""
        ...


@dataclass(frozen=True)
class Engine:
    """A retriever and a lexicon over one corpus: what every interface answers from, with
    the encoder its index was built with (None: a lexical index, words only)."""

    retriever: Retriever
    lexicon: Lexicon
    corpus_dir: Path | None = None  # where the cited files are (the faithfulness check)
    encoder: Encoder | None = None

    @property
    def documents(self) -> list[DocMeta]:
        return list(self.retriever.documents())

    def warm(self) -> None:
        self.lexicon.warm()
        if self.encoder is not None:  # load the model now, not on the first question
            self.encoder.encode(["warm up"])
