"""Conversation memory shared by the REPL, `ask --conversation` and Discord.

Bounded on purpose: a conversation keeps its last `max_turns` turns and forgets them after
`ttl` seconds of silence; the store keeps at most `max_conversations` (least recently
used go first), so memory stays flat however many people talk to the bot.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable

from ..records import Answer
from ..retrieval import Engine
from .antecedents import entities_of, place_of
from .followup import Turn
from .pipeline import Answerer
from .referents import Kinds
from .settings import DEFAULT_TOP

DEFAULT_TURNS = 5


class Conversation:
    """One user's turns, answered by `answerer` (an `Engine` alone: stage 1 only)."""

    def __init__(
        self,
        answerer: Answerer | Engine,
        max_turns: int = DEFAULT_TURNS,
        ttl: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.answerer = answerer if isinstance(answerer, Answerer) else Answerer(answerer)
        self.max_turns = max_turns
        self.ttl = ttl
        self._clock = clock
        self._turns: deque[Turn] = deque(maxlen=max_turns)
        self._kinds: dict[str, Kinds] = {}  # what the corpus says each name is

    @property
    def history(self) -> tuple[Turn, ...]:
        """Turns still in memory; everything is forgotten after `ttl` seconds of silence."""
        if self._turns and self.ttl is not None and self._clock() - self._turns[-1].at > self.ttl:
            self._turns.clear()
        return tuple(self._turns)

    def ask(self, question: str, top: int = DEFAULT_TOP) -> Answer:
        """Answer with the conversation so far as context, then remember this turn."""
        history = self.history
        result = self.answerer.answer(question, top, history, self._kinds)
        if result.small_talk:
            return result  # "thanks" is no turn: the conversation's subject stays
        resolved = result.resolved_question or result.question
        best = result.quotes[0].text if result.quotes else None
        self._turns.append(
            Turn(
                result.question,
                resolved,
                result.answered,
                self._clock(),
                entities_of(
                    resolved,
                    best,
                    asks_for_a_name(resolved),
                    self.answerer.settings.off,
                ),
                place_of(resolved, best),
            )
        )
        return result

    @property
    def engine(self) -> Engine:
        return self.answerer.engine

    def use(self, engine: Engine) -> None:
        """Go on over a new engine (the index was rebuilt), with the same memory."""
        self.answerer = self.answerer.on(engine)
        self._kinds.clear()  # the corpus may have changed

    def clear(self) -> None:
        self._turns.clear()


# "Who hired Tesla?", "Which museum ...?", "What company ...?": the answer names the thing
# asked about, which then may become what a later pronoun stands for. ("Who is Mustafa
# Bali?" asks about a name it gives: its answer's names are not the new subject.)
_WHO_IS_NAMED = re.compile(r"^\W*(?i:who|what)\s+(?i:is|was|are|were)\s+(the\s+)?[A-Z]")
_ASKS_FOR_A_NAME = re.compile(
    r"^\W*(who|whom|which)\b|^\W*what\s+(?!(did|does|do|is|was|are|were|has|have|had|will|"
    r"would|can|could)\b)[a-z]+\s+(did|does|do|is|was|are|were|has|have|had)\b",
    re.IGNORECASE,
)


def asks_for_a_name(question: str) -> bool:
    return bool(_ASKS_FOR_A_NAME.match(question)) and not _WHO_IS_NAMED.match(question)


class ConversationStore:
    """Conversations keyed by e.g. (channel id, user id); thread-safe, LRU-bounded."""

    def __init__(
        self,
        answerer: Answerer | Engine,
        max_conversations: int = 1000,
        max_turns: int = DEFAULT_TURNS,
        ttl: float | None = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.answerer = answerer if isinstance(answerer, Answerer) else Answerer(answerer)
        self.max_conversations = max_conversations
        self.max_turns = max_turns
        self.ttl = ttl
        self._clock = clock
        self._items: OrderedDict[Hashable, Conversation] = OrderedDict()
        self._lock = threading.Lock()

    def use(self, engine: Engine) -> None:
        """Go on over a new engine (the index was rebuilt): every conversation too."""
        with self._lock:
            self.answerer = self.answerer.on(engine)
            for conv in self._items.values():
                conv.use(engine)

    def get(self, key: Hashable) -> Conversation:
        with self._lock:
            conv = self._items.get(key)
            if conv is None:
                conv = Conversation(self.answerer, self.max_turns, self.ttl, self._clock)
                self._items[key] = conv
            self._items.move_to_end(key)
            while len(self._items) > self.max_conversations:
                self._items.popitem(last=False)
            return conv

    @property
    def engine(self) -> Engine:
        return self.answerer.engine

    def __len__(self) -> int:
        return len(self._items)
