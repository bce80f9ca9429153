"""The sentence encoder's costs: build time with vectors (first build, and after one more
article), embedding throughput and index size on synthetic passages, answer latency with
the question embedded, and `python -m bot ask` as a whole process. Prints a table.

    python -m bench.embed [--sizes 10k]

The synthetic passages (bench/synth.py) are one sentence each, so throughput is per
sentence of ~60 words, longer than a news sentence (~25 words): a floor for real text.
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

from bot.answer.pipeline import answer
from bot.encoder.minilm import MiniLM
from bot.indexer.builder import build_index
from bot.opening import open_engine

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def bundled(tmp: Path) -> list[str]:
    corpus = tmp / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    t = time.perf_counter()
    build_index(corpus, tmp / "idx", encoder=MiniLM())
    first = time.perf_counter() - t
    (corpus / "extra.txt").write_text(
        "Ferry Service Resumes\n\nThe island ferry resumed service on Monday after repairs to"
        " the north pier. Officials said the crossing takes forty minutes.\n",
        encoding="utf-8",
    )
    t = time.perf_counter()
    build_index(corpus, tmp / "idx", encoder=MiniLM())
    again = time.perf_counter() - t
    engine = open_engine(corpus, tmp / "idx", lambda _: None, encoder=MiniLM())
    cases = [json.loads(x) for x in (ROOT / "eval/questions.jsonl").read_text().splitlines()]
    asks = [c["question"] for c in cases if "question" in c]
    for q in asks[:5]:
        answer(engine, q)
    times, embeds = [], []
    for _ in range(3):
        for q in asks:
            t = time.perf_counter()
            a = answer(engine, q)
            times.append((time.perf_counter() - t) * 1000)
            embeds.append(a.timings_ms.get("embed", 0.0))
    times.sort()
    walls = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "ask", "Who is Mustafa Bali?", "--corpus", str(corpus),
             "--index", str(tmp / "idx")],
            cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        walls.append(time.perf_counter() - t)
    t = time.perf_counter()
    MiniLM().encode(["load"])
    load = time.perf_counter() - t
    return [
        f"| bundled corpus: first build with vectors | {first:.1f} s |",
        f"| bundled corpus: rebuild after one more article | {again:.1f} s |",
        f"| answer() with the question embedded, p50 / p95 | {times[len(times) // 2]:.1f} / "
        f"{times[int(len(times) * 0.95)]:.1f} ms (embedding: {statistics.median(embeds):.1f} ms) |",
        f"| `python -m bot ask` whole process, median of 5 | {statistics.median(walls):.2f} s "
        f"(of which loading the model: {load:.2f} s) |",
    ]


def synthetic(tmp: Path, label: str, n: int) -> list[str]:
    from bench.synth import write_corpus

    corpus = tmp / f"synth-{label}"
    write_corpus(corpus, n)
    t = time.perf_counter()
    build_index(corpus, tmp / f"lex-{label}")
    lex_s = time.perf_counter() - t
    t = time.perf_counter()
    vec = build_index(corpus, tmp / f"vec-{label}", encoder=MiniLM())
    vec_s = time.perf_counter() - t
    rate = vec.sentences / max(vec_s - lex_s, 1e-9)
    return [
        f"| {label} passages ({vec.sentences:,} sentences): build lexical / with vectors | "
        f"{lex_s:.1f} / {vec_s:.1f} s ({rate:.0f} sentences/s embedded) |",
        f"| {label}: index size lexical / with vectors | {_size_mb(tmp / f'lex-{label}'):.1f} / "
        f"{_size_mb(tmp / f'vec-{label}'):.1f} MB |",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10k")
    ns = ap.parse_args()
    rows = ["| measure | value |", "|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        rows += bundled(Path(tmp))
        for label in ns.sizes.split(","):
            rows += synthetic(Path(tmp), label, SIZES[label])
    print("\n".join(rows))


if __name__ == "__main__":
    main()
