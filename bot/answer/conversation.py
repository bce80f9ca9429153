"""Conversation memory shared by the REPL, `ask --conversation` and Discord.

Bounded on purpose: a conversation keeps its last `max_turns` turns and forgets them after
`ttl` seconds of silence; the store keeps at most `max_conversations` (least recently
used go first), so memory stays flat however many people talk to the bot.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable

from ..records import Answer
from ..retrieval import Engine
from .followup import Turn, subject_of
from .pipeline import answer
from .settings import DEFAULT_TOP, AnswerSettings

DEFAULT_TURNS = 5


class Conversation:
    def __init__(
        self,
        engine: Engine,
        max_turns: int = DEFAULT_TURNS,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        settings: AnswerSettings | None = None,
    ) -> None:
        self.engine = engine
        self.max_turns = max_turns
        self.ttl = ttl
        self.settings = settings
        self._clock = clock
        self._turns: deque[Turn] = deque(maxlen=max_turns)

    @property
    def history(self) -> tuple[Turn, ...]:
        """Turns still in memory; everything is forgotten after `ttl` seconds of silence."""
        if self._turns and self.ttl is not None and self._clock() - self._turns[-1].at > self.ttl:
            self._turns.clear()
        return tuple(self._turns)

    def ask(self, question: str, top: int = DEFAULT_TOP) -> Answer:
        """Answer with the conversation so far as context, then remember this turn."""
        history = self.history
        result = answer(self.engine, question, top=top, history=history, settings=self.settings)
        resolved = result.resolved_question or result.question
        best = result.quotes[0].text if result.quotes else None
        who = subject_of(resolved, best)
        self._turns.append(
            Turn(
                result.question,
                resolved,
                who.subject,
                who.place,
                result.answered,
                self._clock(),
                who.person,
                who.thing,
            )
        )
        return result

    def clear(self) -> None:
        self._turns.clear()


class ConversationStore:
    """Conversations keyed by e.g. (channel id, user id); thread-safe, LRU-bounded."""

    def __init__(
        self,
        engine: Engine,
        max_conversations: int = 1000,
        max_turns: int = DEFAULT_TURNS,
        ttl: float | None = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.max_conversations = max_conversations
        self.max_turns = max_turns
        self.ttl = ttl
        self._clock = clock
        self._items: OrderedDict[Hashable, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def use(self, engine: Engine) -> None:
        """Go on over a new engine (the index was rebuilt): every conversation too."""
        with self._lock:
            self.engine = engine
            for conv in self._items.values():
                conv.engine = engine

    def get(self, key: Hashable) -> Conversation:
        with self._lock:
            conv = self._items.get(key)
            if conv is None:
                conv = Conversation(self.engine, self.max_turns, self.ttl, self._clock)
                self._items[key] = conv
            self._items.move_to_end(key)
            while len(self._items) > self.max_conversations:
                self._items.popitem(last=False)
            return conv

    def __len__(self) -> int:
        return len(self._items)
