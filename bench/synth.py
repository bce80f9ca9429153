"""Seeded synthetic corpora: Zipf-distributed pseudo-words, ~60 tokens a passage.

Articles are written as files (10 passages each, one paragraph of 60 words per passage),
so the benchmark builds through the same code as a real corpus: reading, cleaning, Punkt,
tokenizing and indexing. Like the issue's rank-bm25 measurements, passages are plain
token runs without sentence punctuation, so Punkt finds no sentence ends to weigh; its
cost on punctuated news text is measured separately (`bench.run` prints it).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from bot.ingest.tokens import STOPWORDS

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "tu",
    "ra",
    "ne",
    "vo",
    "pe",
    "da",
    "zu",
    "ri",
    "mo",
    "fa",
    "le",
    "gu",
    "bi",
    "to",
    "ja",
    "ku",
    "ne",
    "wa",
    "xi",
    "yo",
    "ha",
]
PASSAGES_PER_ARTICLE = 10
TOKENS_PER_PASSAGE = 60


def vocabulary(size: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    words: set[str] = set()
    while len(words) < size:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 5)))
        if w not in STOPWORDS:
            words.add(w)
    return sorted(words)


def zipf_probabilities(size: int, s: float = 1.07) -> np.ndarray:
    p = 1.0 / np.arange(1, size + 1) ** s
    return p / p.sum()


def write_corpus(
    folder: Path, n_passages: int, vocab_size: int = 100_000, seed: int = 11
) -> list[list[str]]:
    """Write articles into `folder`; return each passage's words (for making queries)."""
    folder.mkdir(parents=True, exist_ok=True)
    words = np.array(vocabulary(vocab_size))
    rng = np.random.default_rng(seed)
    probs = zipf_probabilities(vocab_size)
    # Zipf ranks are shuffled onto words so frequency does not follow alphabetical order.
    words = words[rng.permutation(vocab_size)]
    cdf = np.cumsum(probs)
    cdf[-1] = 1.0
    passages: list[list[str]] = []
    per = PASSAGES_PER_ARTICLE
    for start in range(0, n_passages, 100_000):  # generate in batches; bounded memory
        count = min(100_000, n_passages - start)
        ranks = np.searchsorted(cdf, rng.random((count, TOKENS_PER_PASSAGE)), side="right")
        batch = [[str(w) for w in words[row]] for row in ranks]
        passages.extend(batch)
        for a in range(0, count, per):
            group = batch[a : a + per]
            title = " ".join(group[0][:5]).title()
            body = "\n\n".join(" ".join(toks) for toks in group)
            (folder / f"a{(start + a) // per:06d}.txt").write_text(f"{title}\n\n{body}\n")
    return passages


def make_queries(passages: list[list[str]], n: int = 200, seed: int = 5) -> list[str]:
    """Known-item style queries: 2-4 words of a random passage."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = rng.choice(passages)
        out.append(" ".join(rng.sample(words, rng.randint(2, 4))))
    return out


def vocabulary_queries(n: int = 200, vocab_size: int = 100_000, seed: int = 9) -> list[str]:
    """2-4 words drawn uniformly from the vocabulary (most of them rare)."""
    words = vocabulary(vocab_size)
    rng = random.Random(seed)
    return [" ".join(rng.sample(words, rng.randint(2, 4))) for _ in range(n)]
