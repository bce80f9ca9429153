"""The sentence encoder at scale, on real English sentences: build time and embedding
throughput, index size, and the whole answer's latency at 10k and 100k passages.

    python -m bench.real_text [--sizes 10k,100k] [--workdir DIR]

`bench.run`'s synthetic passages are invented words, which WordPiece cuts into many
pieces (14 sentences/s, against ~90 for news), so they cannot say what vectors cost.
Here the sentences are real: the SQuAD dev half's paragraphs and the bundled articles,
as the bot's own build splits them. An archive of N passages is written from them as
articles of ten paragraphs, each paragraph a run of consecutive sentences from a seeded
random place in the pool, so passages are new combinations of real sentences.

What that means for the numbers:
  * the pool holds ~6,000 distinct sentences, so at 100k passages every sentence recurs
    (the build embeds a repeated sentence once): embedding throughput is measured on the
    distinct sentences, and is the rate a real archive of that many sentences would see;
  * index size and answer latency are those of N passages with a vector for every
    sentence, repeats included;
  * the questions are SQuAD's (seeded sample), asked with the question embedded, top 5.
Prints a table; changes nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bot.answer.pipeline import answer
from bot.encoder.minilm import MiniLM
from bot.errors import QuestionError
from bot.evaluation import squad as sq
from bot.index import store
from bot.indexer.builder import build_index
from bot.opening import open_engine

ROOT = Path(__file__).resolve().parent.parent
SQUAD = ROOT.parent / "shared/squad/dev-v1.1-half.json"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
PARAGRAPHS = 10  # per written article
RUN = (2, 4)  # sentences per paragraph: most become one passage of 40-120 words


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def sentence_pool(work: Path) -> list[str]:
    """The distinct sentences of the SQuAD dev half and the bundled corpus, as the bot's
    build splits them (a lexical build of both: no embedding)."""
    seed, squad = work / "seed", sq.load_squad(SQUAD)
    sq.write_corpus(squad, seed, range(len(squad.articles)))
    for f in (ROOT / "corpus").iterdir():
        if f.is_file() and not f.name.startswith("."):
            shutil.copy(f, seed / f"bundled-{f.name}")
    build_index(seed, work / "seed-index")
    data = store.load(work / "seed-index")
    texts = (data.sentence_text(i) for i in range(data.n_sentences))
    return sorted({t for t in texts if len(t.split()) >= 5})


def write_archive(pool: list[str], folder: Path, passages: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for a in range(-(-passages * 11 // (10 * PARAGRAPHS))):  # ~1 in 10 paragraphs merges
        paras = []
        for _ in range(PARAGRAPHS):
            at, n = rng.randrange(len(pool)), rng.randint(*RUN)
            paras.append(" ".join(pool[(at + k) % len(pool)] for k in range(n)))
        body = "\n\n".join(paras)
        (folder / f"a{a:06d}.txt").write_text(f"Article {a}\n\n{body}\n", encoding="utf-8")


def measure(pool: list[str], work: Path, label: str, n: int, questions: list[str]) -> list[str]:
    corpus = work / f"archive-{label}"
    write_archive(pool, corpus, n)
    t = time.perf_counter()
    lexical = build_index(corpus, work / f"lex-{label}")
    lex_s = time.perf_counter() - t
    encoder = MiniLM()
    t = time.perf_counter()
    built = build_index(corpus, work / f"vec-{label}", encoder=encoder)
    vec_s = time.perf_counter() - t
    data = store.load(work / f"vec-{label}")
    distinct = len({data.sentence_text(i) for i in range(data.n_sentences)})
    rate = distinct / max(vec_s - lex_s, 1e-9)
    engine = open_engine(corpus, work / f"vec-{label}", lambda _: None, encoder=encoder)
    times, embeds = [], []
    for q in questions[:5] + questions:  # the first five warm up
        t = time.perf_counter()
        try:
            ans = answer(engine, q, top=5)
        except QuestionError:
            continue
        times.append((time.perf_counter() - t) * 1000)
        embeds.append(ans.timings_ms.get("embed", 0.0))
    times = sorted(times[5:])
    return [
        f"| {label}: passages / sentences (distinct) | {built.passages:,} / {built.sentences:,} "
        f"({distinct:,}) |",
        f"| {label}: build lexical / with vectors | {lex_s:.1f} / {vec_s:.1f} s "
        f"(~{rate:.0f} distinct sentences/s embedded) |",
        f"| {label}: index size lexical / with vectors | {_size_mb(work / f'lex-{label}'):.0f} / "
        f"{_size_mb(work / f'vec-{label}'):.0f} MB |",
        f"| {label}: whole answer() p50 / p95, {len(times)} SQuAD questions | "
        f"{times[len(times) // 2]:.1f} / {times[int(len(times) * 0.95)]:.1f} ms "
        f"(embedding the question: {statistics.median(embeds):.1f} ms) |",
    ] + (
        [f"| (lexical index: {lexical.passages:,} passages) | |"]
        if lexical.passages != built.passages
        else []
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="10k,100k")
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--workdir", type=Path, help="keep corpora and indexes here")
    ns = ap.parse_args()
    questions = [q.question for q in sq.sample(sq.load_squad(SQUAD), ns.questions, 0)]
    with tempfile.TemporaryDirectory() as tmp:
        work = ns.workdir or Path(tmp)
        pool = sentence_pool(work)
        rows = ["| measure | value |", "|---|---|", f"| sentence pool (distinct) | {len(pool):,} |"]
        for label in ns.sizes.split(","):
            rows += measure(pool, work, label, SIZES[label], questions)
            print("\n".join(rows), flush=True)
            rows = []


if __name__ == "__main__":
    main()
