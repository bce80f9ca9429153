"""newsqa: answers questions about news articles with verbatim, cited quotes.

The public surface is small: open an `Engine` over a corpus and index with
`open_engine`, then call `answer()` (or keep a `Conversation` for follow-ups). Every
interface renders the `Answer` it gets back; none does retrieval of its own.

The package is laid out along the data flow (see docs/architecture.md):

    ingest/      article files -> cleaned documents -> sentences, passages, tokens
    indexer/     cleaned documents -> an index folder on disk
    index/       the index on disk -> an `Engine` (lookups and BM25 search)
    answer/      question (+ conversation) -> `Answer`
    interfaces/  `Answer` -> terminal, chat, JSON, Discord, evaluation
    opening.py   "is the index fresh? else rebuild it", above index/ and indexer/

Names are imported on first use (PEP 562), so `import bot` and `python -m bot --help`
stay free of numpy and nltk.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .errors import (
    BotError,
    ConfigError,
    CorpusError,
    IndexCorrupt,
    IndexError_,
    IndexMismatch,
    IndexMissing,
    QuestionError,
)
from .records import Answer, DocMeta, Quote, Source

if TYPE_CHECKING:  # for type checkers only; at run time __getattr__ imports on first use
    from .answer.conversation import Conversation, ConversationStore
    from .answer.pipeline import answer
    from .opening import open_engine
    from .retrieval import Engine

_LAZY = {
    "answer": "bot.answer.pipeline",
    "Conversation": "bot.answer.conversation",
    "ConversationStore": "bot.answer.conversation",
    "Engine": "bot.retrieval",
    "open_engine": "bot.opening",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    return getattr(import_module(module), name)


__all__ = [
    "Answer",
    "BotError",
    "ConfigError",
    "Conversation",
    "ConversationStore",
    "CorpusError",
    "DocMeta",
    "Engine",
    "IndexCorrupt",
    "IndexError_",
    "IndexMismatch",
    "IndexMissing",
    "QuestionError",
    "Quote",
    "Source",
    "answer",
    "open_engine",
]
