"""The reader's costs: loading it, one batch of candidates, the whole answer with and
without it on the bundled corpus, and `python -m bot ask` as a whole process. Prints a
table; the targets of issue "Reader" beside each line.

    python -m bench.reader [--rounds 3] [--walls 9]

Both ways run in the same process on the same index, interleaved question by question,
so the load of the machine falls on both alike.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.answer.pipeline import Answerer
from bot.encoder.minilm import MiniLM
from bot.encoder.reader import LAYERS, MiniLMReader
from bot.opening import open_engine

ROOT = Path(__file__).resolve().parent.parent


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def answers(tmp: Path, rounds: int) -> list[str]:
    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    engine = open_engine(corpus, tmp / "idx", lambda _: None, encoder=MiniLM())
    t = time.perf_counter()
    reader = MiniLMReader()
    reader.score("warm", ["up"])
    load = time.perf_counter() - t
    cases = [json.loads(x) for x in (ROOT / "eval/questions.jsonl").read_text().splitlines()]
    asks = [c["question"] for c in cases if "question" in c]
    with_reader, without = Answerer(engine, reader), Answerer(engine)
    for q in asks[:5]:
        with_reader.answer(q)
        without.answer(q)
    on, off, read, batch = [], [], [], []
    for _ in range(rounds):
        for q in asks:
            for answerer, times in ((with_reader, on), (without, off)):
                t = time.perf_counter()
                a = answerer.answer(q)
                times.append((time.perf_counter() - t) * 1000)
                if answerer is with_reader and "read" in a.timings_ms:
                    read.append(a.timings_ms["read"])
    texts = ["The Grand al Nuri mosque was built in the 12th century."] * 10
    for _ in range(20):
        t = time.perf_counter()
        reader.score("When was the mosque built?", texts)
        batch.append((time.perf_counter() - t) * 1000)
    return [
        f"| reader ({LAYERS} layers, int8): load | {load:.2f} s | |",
        f"| one batch of 10 candidates | {statistics.median(batch):.1f} ms | |",
        f"| bundled answer() with the reader, p50 / p95 | {_pct(on, 0.5):.1f} / "
        f"{_pct(on, 0.95):.1f} ms (reading: {statistics.median(read):.1f} ms) | ≤ 80 / ≤ 150 ms |",
        f"| bundled answer() --no-reader, p50 / p95 | {_pct(off, 0.5):.1f} / "
        f"{_pct(off, 0.95):.1f} ms | |",
    ]


def walls(tmp: Path, n: int) -> list[str]:
    corpus, index = tmp / "corpus", tmp / "idx"
    out = {}
    for label, extra in (("reader", []), ("--no-reader", ["--no-reader"])):
        times = []
        for _ in range(n):
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "bot", "ask", "Who is Mustafa Bali?", "--corpus",
                 str(corpus), "--index", str(index), *extra],
                cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            times.append(time.perf_counter() - t)
        out[label] = statistics.median(times)
    return [
        f"| `python -m bot ask` whole process, median of {n} | {out['reader']:.2f} s "
        f"(--no-reader {out['--no-reader']:.2f} s) | ≤ 1.4 s |"
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--walls", type=int, default=9)
    ns = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = answers(Path(tmp), ns.rounds) + walls(Path(tmp), ns.walls)
    print("| what | measured | target |\n|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
