"""Where the corpus and index live by default, and where user data goes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

APP = "newsqa"
_REPO = Path(__file__).resolve().parent.parent


def default_corpus() -> Path:
    """$NEWSQA_CORPUS, else ./corpus, else the sample corpus: the checkout's corpus/ when
    running from a checkout, else the copy installed with the package."""
    env = os.environ.get("NEWSQA_CORPUS")
    if env:
        return Path(env)
    here = Path("corpus")
    if here.is_dir():
        return here
    if (_REPO / "corpus").is_dir() and (_REPO / "pyproject.toml").is_file():
        return _REPO / "corpus"
    return sample_corpus()


def sample_corpus() -> Path:
    """The five sample articles installed with the package (bot.sample_corpus)."""
    return Path(__file__).resolve().parent / "sample_corpus"


def default_index(corpus: Path) -> Path:
    """$NEWSQA_INDEX; else `index/` beside a folder named `corpus` (the repository
    layout); else a per-corpus folder in the user cache, so two corpora never evict
    each other's index."""
    env = os.environ.get("NEWSQA_INDEX")
    if env:
        return Path(env)
    resolved = corpus.resolve()
    if resolved.name == "corpus" and os.access(resolved.parent, os.W_OK):
        return resolved.parent / "index"
    key = hashlib.sha256(str(resolved).encode()).hexdigest()[:16]
    return Path(user_cache_dir(APP)) / "indexes" / f"{resolved.name}-{key}"


def history_file() -> Path:
    return Path(user_data_dir(APP)) / "chat_history"


def cache_dir() -> Path:
    """Where derived data that can be rebuilt goes (evaluation corpora, their indexes)."""
    return Path(user_cache_dir(APP))
