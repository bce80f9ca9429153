"""The engine a long-lived interface (the chat, Discord, `ask` over stdin) answers with:
swapped for a new one when the corpus changes, and when the index proves damaged while
answering.

Freshness: `refresh()`, called between answers, makes the stat-based check every open
makes, at most every REFRESH_SECONDS, and when the corpus changed reopens the index
(which rebuilds it, with the usual one-line notice) and swaps the engine in.

An index over 16 MiB is not hashed on every open (`bot/index/integrity.py`); what a
question reads is checked as it is read instead, and a sentence that fails its checksum,
an id out of range or a NaN weight raises IndexCorrupt mid-answer. Here that becomes what
a damaged index means everywhere else: the build is marked damaged, reopened (so rebuilt,
with the usual one-line notice), and the question asked once more. Only when the mark
cannot be written (a read-only index) or the fresh build fails too is the error shown.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from ..errors import BotError, IndexCorrupt

if TYPE_CHECKING:
    from ..answer.pipeline import Answerer
    from ..retrieval import Engine, Reader

T = TypeVar("T")
REFRESH_SECONDS = 5.0  # the check stats every file of the corpus: not before every answer
MAX_BACKOFF = 128  # at most ~10 minutes between rebuilds that keep failing


class LiveEngine:
    """`call(fn)` runs fn(engine); on IndexCorrupt the index is rebuilt (`reopen`) and fn
    runs again on the new engine, which `on_swap` callbacks hand to whatever holds the old
    one. Without `reopen` (tests, a library caller) the error is passed on."""

    def __init__(
        self,
        engine: Engine,
        reopen: Callable[[], Engine] | None = None,
        interval: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        reader: Reader | None = None,
        stale: Callable[[Engine], str | None] | None = None,
    ) -> None:
        self.engine = engine
        self._stale = stale  # why the engine is out of date (default: opening.stale_reason)
        self.reader = reader  # the interface's reader, loaded once: kept across rebuilds
        self._reopen = reopen
        self.on_swap: list[Callable[[Engine], None]] = []
        self._lock = threading.Lock()  # one rebuild at a time (Discord answers in threads)
        self.interval, self._clock = interval, clock
        self._checked = clock()  # opening has just checked
        self._backoff = 1  # times `interval`, doubled while rebuilds fail

    def refresh(self, force: bool = False) -> bool:
        """Rebuild and swap in the index if the corpus changed (checked at most every
        `interval` seconds unless `force`). True when a new engine was swapped in."""
        from ..opening import stale_reason

        wait = self.interval * self._backoff
        if self._reopen is None or (not force and self._clock() - self._checked < wait):
            return False
        self._checked = self._clock()
        if (self._stale or stale_reason)(self.engine) is None:
            return False
        with self._lock:
            old = _build_of(self.engine)
            self._backoff = min(self._backoff * 2, MAX_BACKOFF)  # until it works again
            engine = self._reopen()  # a BotError (no articles left...) is the caller's
            self._swap(engine)
        if old is None or _build_of(engine) != old:
            # Built and swapped in. The corpus may have changed again meanwhile (a sync
            # tool writing): that is no failure, and is picked up at the next check.
            self._backoff = 1
        # else: the rebuild could not be written and the old index is served (stale):
        # retried ever more rarely, not every few seconds, since each try is a full build.
        return True

    def _swap(self, engine: Engine) -> None:
        self.engine = engine
        for swap in self.on_swap:
            swap(engine)

    def answerer(self, engine: Engine | None = None) -> Answerer:
        """The one answer path over `engine` (default: the current one) with this
        interface's reader."""
        from ..answer.pipeline import Answerer

        return Answerer(engine if engine is not None else self.engine, self.reader)

    @classmethod
    def of(cls, engine: Engine | LiveEngine) -> LiveEngine:
        return engine if isinstance(engine, LiveEngine) else cls(engine)

    def call(self, fn: Callable[[Engine], T]) -> T:
        engine = self.engine
        try:
            return fn(engine)
        except IndexCorrupt as exc:
            if not self._recover(engine, str(exc)):
                raise
        return fn(self.engine)

    def _recover(self, broken: Engine, reason: str) -> bool:
        from ..opening import mark_damaged

        with self._lock:
            if self.engine is not broken:  # another thread has rebuilt it meanwhile
                return True
            if self._reopen is None or not mark_damaged(broken, reason):
                return False
            self._swap(self._reopen())
        return True


def _build_of(engine: Engine) -> object:
    """The build folder a local engine answers from (None: a cluster, no folder)."""
    data = getattr(engine.retriever, "data", None)
    return getattr(data, "folder", None)


async def keep_fresh(live: LiveEngine, log: logging.Logger) -> None:
    """For a server (Discord): `live.refresh` every `interval` seconds in a thread of its
    own, so a rebuild runs while answers go on from the old index; then it is swapped in.
    Runs until cancelled."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="refresh")
    loop = asyncio.get_running_loop()
    try:
        while True:
            await asyncio.sleep(live.interval)
            try:
                if await loop.run_in_executor(pool, live.refresh):
                    log.info("corpus changed: now %d articles", len(live.engine.documents))
            except BotError as exc:  # the rebuild failed: the old index still answers
                log.warning("could not rebuild the index: %s", exc)
            except Exception:  # a bug must not end freshness for good: say it, go on
                log.exception("checking the corpus for changes failed")
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
