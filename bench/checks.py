"""What the checks on a large index cost (issue "Hardening", defect 2).

    python -m bench.checks [--passages 1000000] [--workdir DIR] [--queries 200]

An index over 16 MiB is not hashed on open; instead every sentence read is checked
against its checksum and every posting read is bounds- and NaN-checked. This prints:
- opening: `store.load` as the bot does it, and the part of it the checks added (the
  weights' NaN scan, mapping sent_check.npy, the DAMAGED lookup), measured on its own;
- the whole `answer()`, p50 / p95, with the checks and with them switched off in this
  process (the two alternate question by question, so load on the machine hits both).
A seeded synthetic corpus (bench/synth.py) is written into --workdir unless one is there.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("NEWSQA_LEXICAL", "1")


def _ms(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def _unchecked(data: Any, sent_id: int) -> tuple[int, int, int, int, str]:
    """A sentence as it was read before the checks: its row and its text, nothing else."""
    doc_id, pid, start, end, _ = (int(x) for x in data.sentences[sent_id])
    lo, hi = int(data.sent_text_offsets[sent_id]), int(data.sent_text_offsets[sent_id + 1])
    return doc_id, pid, start, end, bytes(data.sent_text[lo:hi]).decode("utf-8")


@contextmanager
def checks_off() -> Iterator[None]:
    from bot.index import bm25, data, impact

    saved = (data.IndexData.checked_sentence, bm25.check_read, impact.check_read)
    data.IndexData.checked_sentence = _unchecked  # type: ignore[method-assign,assignment]
    bm25.check_read = impact.check_read = lambda *a, **k: None  # type: ignore[assignment]
    try:
        yield
    finally:
        data.IndexData.checked_sentence, bm25.check_read, impact.check_read = saved  # type: ignore[method-assign]


def _best(fn: Callable[[], Any], n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) * 1000


def added_open_checks(index: Path) -> float:
    """Milliseconds of the open-time work the checks added, best of 5."""
    from bot.index import store
    from bot.index.folder import current_build

    data = store.load(index)
    folder = current_build(index)

    def work() -> None:
        np.load(folder / "sent_check.npy", mmap_mode="r", allow_pickle=False)
        os.path.lexists(folder / store.DAMAGED)
        bool(np.isfinite(data.postings.idf).all() and np.isfinite(data.postings.impact.norm).all())

    return _best(work)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--passages", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--workdir", type=Path, default=None)
    ns = ap.parse_args()

    from bench.synth import make_queries, write_corpus
    from bot.answer.pipeline import answer
    from bot.errors import QuestionError
    from bot.index import store
    from bot.index.local import local_engine
    from bot.opening import open_index

    work = ns.workdir or Path(tempfile.mkdtemp(prefix="bench-checks-"))
    corpus, index = work / "corpus", work / "local"
    passages = write_corpus(corpus, ns.passages) if not corpus.exists() else None
    if passages is None:  # a corpus from an earlier run: queries from its own files
        passages = [
            p.split()
            for f in sorted(corpus.glob("*.txt"))[:2000]
            for p in f.read_text().split("\n\n")[1:]
        ]
    queries = [f"What about {q}?" for q in make_queries(passages, ns.queries)]
    t = time.perf_counter()
    data = open_index(corpus, index, lambda _: None)
    print(f"index ready in {time.perf_counter() - t:.1f} s: {data.passages.shape[0]:,} passages")
    size = sum(p.stat().st_size for p in data.folder.iterdir()) if data.folder else 0
    open_ms = _best(lambda: store.load(index))
    added_ms = added_open_checks(index)
    engine = local_engine(data)
    on: list[float] = []
    off: list[float] = []
    for q in queries[:5]:  # warm up both ways
        for mode in (on, off):
            with checks_off() if mode is off else _nothing():
                _timed(answer, engine, q, QuestionError)
    for q in queries:
        for mode in (on, off) if len(on) % 2 else (off, on):
            with checks_off() if mode is off else _nothing():
                took = _timed(answer, engine, q, QuestionError)
            if took is not None:
                mode.append(took)
    print()
    print(
        "| index | opening (store.load) | of it, added by the checks "
        "| whole answer() p50 / p95, checks on | checks off | p50 difference |"
    )
    print("|---|---|---|---|---|---|")
    print(
        f"| {data.passages.shape[0]:,} passages, {size / 2**20:,.0f} MB | {open_ms:.1f} ms | "
        f"{added_ms:.2f} ms | {_ms(on, 0.5):.2f} / {_ms(on, 0.95):.2f} ms | "
        f"{_ms(off, 0.5):.2f} / {_ms(off, 0.95):.2f} ms | {_ms(on, 0.5) - _ms(off, 0.5):+.2f} ms |"
    )


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _timed(answer: Any, engine: Any, q: str, error: type[Exception]) -> float | None:
    t = time.perf_counter()
    try:
        answer(engine, q)
    except error:
        return None
    return time.perf_counter() - t


if __name__ == "__main__":
    main()
