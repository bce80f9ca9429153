"""newsqa: answers questions about news articles with verbatim, cited quotes.

The public surface is small: open an `Engine` over a corpus and index, then call
`answer()` (or keep a `Conversation` for follow-ups). Every interface renders the
`Answer` it gets back; none does retrieval of its own.
"""

from .answer import answer
from .conversation import Conversation, ConversationStore
from .engine import Engine
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
]
