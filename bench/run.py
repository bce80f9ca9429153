"""The performance benchmark. Not part of the tests; it prints tables.

    python -m bench.run                      # 10k, 100k and 1M passages (~15 minutes)
    python -m bench.run --sizes 10k,100k     # quicker
    python -m bench.run --write docs/performance.md

For each size it generates a seeded synthetic corpus (bench/synth.py), then in separate
processes, so each peak-memory number is its own: builds the index through the project's
own code, serves 200 seeded queries (top-10, one thread) from the saved index, and runs
plain rank-bm25 `BM25Okapi` on the same tokens as the reference, time-bounded. Last, it
measures answers on the bundled corpus, in-process and as whole `python -m bot ask` runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak RSS. For this process, VmHWM: unlike ru_maxrss it is not inherited from the
    parent across fork and exec, so a bench parent that held a big corpus cannot inflate
    it."""
    if who == resource.RUSAGE_SELF:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# -- the three measured processes -----------------------------------------------------------
def cmd_build(corpus: str, index: str) -> dict[str, Any]:
    from bot.indexer.builder import build_index

    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 5 or done == total:
            last[0] = now
            print(f"  {stage}: {done:,}/{total:,}", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    report = build_index(Path(corpus), Path(index), progress)
    return {
        "build_s": time.perf_counter() - t0,
        "tokenize_s": report.seconds["read+clean+split+tokenize"],
        "index_s": report.seconds["index"] + report.seconds["commit"],
        "peak_mb": _peak_mb(),
        "peak_children_mb": _peak_mb(resource.RUSAGE_CHILDREN),
        "passages": report.passages,
        "terms": report.terms,
    }


def cmd_serve(index: str, queries_file: str, out_file: str) -> dict[str, Any]:
    from bot.index import bm25
    from bot.index import store as index_store
    from bot.ingest import tokens

    sets = json.loads(Path(queries_file).read_text())
    t0 = time.perf_counter()
    data = index_store.load(Path(index))
    load_s = time.perf_counter() - t0
    post = data.postings
    row: dict[str, Any] = {"load_s": load_s}
    results = {}
    for name, queries in sets.items():
        analyzed = [tokens.analyze(q) for q in queries]
        for terms in analyzed[:5]:  # warm-up
            bm25.search(post, terms, 10)
        times, tops = [], []
        for terms in analyzed:
            t = time.perf_counter()
            top = bm25.search(post, terms, 10)
            times.append((time.perf_counter() - t) * 1000)
            tops.append(top)
        results[name] = tops
        row[f"{name}_p50_ms"] = _pct(times, 0.5)
        row[f"{name}_p95_ms"] = _pct(times, 0.95)
    Path(out_file).write_text(json.dumps(results))
    row.update(_whole_answers(data, sets["passage"]))
    row["serve_rss_mb"] = _rss_mb()
    return row


def _whole_answers(data: Any, queries: list[str]) -> dict[str, float]:
    """The whole answer() - retrieval, candidates, evidence, citations - per question made
    of a passage's words, on this index (the synthetic text has one "sentence" per
    passage, so sentence work is lighter than on news)."""
    from bot.answer.pipeline import answer
    from bot.errors import QuestionError
    from bot.index.local import local_engine

    engine = local_engine(data)
    questions = [f"What about {q}?" for q in queries]
    times = []
    for q in questions[:5] + questions:  # the first five warm up
        t = time.perf_counter()
        try:
            answer(engine, q)
        except QuestionError:
            continue
        times.append((time.perf_counter() - t) * 1000)
    times = times[5:]
    return {"answer_p50_ms": _pct(times, 0.5), "answer_p95_ms": _pct(times, 0.95)}


def token_lists(data: Any) -> list[list[str]]:
    """Each passage's tokens, read back from a built index: what a reference BM25 is fed."""
    from bot.ingest import tokens

    corpus = []
    for first, last in data.passages[:, 3:5]:
        toks: list[str] = []
        for sid in range(int(first), int(last)):
            toks.extend(tokens.analyze(data.sentence_text(sid)))
        corpus.append(toks)
    return corpus


def cmd_baseline(index: str, queries_file: str, ours_file: str, budget: float) -> dict[str, Any]:
    """rank-bm25 on the same tokens. Agreement: our top-10 equals BM25Okapi's top-10
    (ties by lower id) once passages holding no query term are dropped from the latter -
    rank-bm25 pads with score-0 passages when fewer than 10 match; we return only matches."""
    import numpy as np
    from rank_bm25 import BM25Okapi

    from bot.index import store as index_store
    from bot.ingest import tokens

    data = index_store.load(Path(index))
    sets = json.loads(Path(queries_file).read_text())
    ours = json.loads(Path(ours_file).read_text())
    corpus = token_lists(data)
    t0 = time.perf_counter()
    ref = BM25Okapi(corpus)
    build_s = time.perf_counter() - t0
    start = time.perf_counter()
    checked = agree = 0
    worst = 0.0
    times = []
    pairs = [(q, mine) for name in sets for q, mine in zip(sets[name], ours[name], strict=True)]
    pairs = pairs[::2] + pairs[1::2]  # interleave the sets, so a budget cut samples both
    for q, mine in pairs:
        if time.perf_counter() - start > budget and checked >= 3:
            break
        terms = tokens.analyze(q)
        t = time.perf_counter()
        scores = ref.get_scores(terms)
        times.append((time.perf_counter() - t) * 1000)
        order = np.lexsort((np.arange(len(scores)), -scores))[:10]
        want = [int(p) for p in order if set(terms) & set(corpus[p])]
        checked += 1
        agree += [p for p, _ in mine] == want
        for p, s in mine:
            worst = max(worst, abs(s - scores[p]) / max(abs(scores[p]), 1e-300))
    return {
        "baseline_build_s": build_s,
        "baseline_p50_ms": _pct(times, 0.5),
        "checked": checked,
        "agree": agree,
        "max_rel_err": worst,
        "baseline_peak_mb": _peak_mb(),
    }


# -- orchestration --------------------------------------------------------------------------
def _sub(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.run", *args],
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run_size(label: str, n: int, work: Path, n_queries: int, budget: float) -> dict[str, Any]:
    """Measure one size; the row is also saved in `work`, and a saved row is reused, so
    an interrupted run resumes where it stopped (delete `row-*.json` to measure again)."""
    from bench.synth import make_queries, vocabulary_queries, write_corpus

    saved = work / f"row-{label}.json"
    if saved.exists():
        print(f"[{label}] reusing {saved}", file=sys.stderr, flush=True)
        return dict(json.loads(saved.read_text()))
    corpus, index = work / f"corpus-{label}", work / f"index-{label}"
    queries_file = work / f"queries2-{label}.json"
    if not queries_file.exists():
        print(f"[{label}] generating {n:,} passages…", file=sys.stderr, flush=True)
        passages = write_corpus(corpus, n)
        queries_file.write_text(
            json.dumps(
                {
                    "vocab": vocabulary_queries(n_queries),
                    "passage": make_queries(passages, n_queries),
                }
            )
        )
        del passages
    print(f"[{label}] building…", file=sys.stderr, flush=True)
    row = {"size": label, **_sub("_build", str(corpus), str(index))}
    print(f"[{label}] serving {n_queries} queries…", file=sys.stderr, flush=True)
    ours = work / f"ours-{label}.json"
    row.update(_sub("_serve", str(index), str(queries_file), str(ours)))
    print(f"[{label}] rank-bm25 baseline (budget {budget:.0f} s)…", file=sys.stderr, flush=True)
    row.update(_sub("_baseline", str(index), str(queries_file), str(ours), str(budget)))
    saved.write_text(json.dumps(row))
    return row


def bundled() -> dict[str, Any]:
    from bot.answer.pipeline import answer
    from bot.opening import open_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_engine(ROOT / "corpus", Path(tmp) / "idx", lambda _: None)
        questions = [
            json.loads(line)
            for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines()
        ]
        asks = [c["question"] for c in questions if "question" in c]
        times = []
        for _ in range(3):
            for q in asks:
                t = time.perf_counter()
                answer(engine, q)
                times.append((time.perf_counter() - t) * 1000)
        env = {**os.environ, "NEWSQA_INDEX": str(Path(tmp) / "idx")}
        walls = []
        for _ in range(7):
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "bot", "ask", "Who is Mustafa Bali?"],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            walls.append(time.perf_counter() - t)
    return {
        "answer_p50_ms": _pct(times, 0.5),
        "answer_p95_ms": _pct(times, 0.95),
        "answers": len(times),
        "ask_wall_median_s": statistics.median(walls),
        "ask_wall_max_s": max(walls),
    }


def punkt_cost() -> float:
    """Microseconds Punkt takes per passage of punctuated news text (the bundled corpus)."""
    from bot.ingest.clean import clean_document
    from bot.ingest.corpus import read_article
    from bot.ingest.segment import SentenceSplitter, train_punkt
    from bot.records import Span

    spans = []
    for p in sorted((ROOT / "corpus").glob("*.txt")):
        doc = clean_document(0, p.name, read_article(ROOT / "corpus", p.name).text, None)
        spans += [(doc.raw, s) for para in doc.paragraphs for s in para]
    splitter = SentenceSplitter(train_punkt(raw[s.start : s.end] for raw, s in spans))
    words = sum(len(raw[s.start : s.end].split()) for raw, s in spans)
    t = time.perf_counter()
    for _ in range(20):
        for raw, s in spans:
            splitter.split(raw, Span(s.start, s.end))
    per_word = (time.perf_counter() - t) / (20 * words)
    return per_word * 60 * 1e6


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1]) // (1024 * 1024)
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{model}, {os.cpu_count()} cores, {mem} GiB RAM, Python "
        f"{platform.python_version()}, {platform.system()} {platform.release()}"
    )


def render(rows: list[dict[str, Any]], extra: dict[str, Any], punkt_us: float) -> str:
    lines = [
        f"Machine: {machine()}",
        "",
        "| passages | build s (tokenize + index) | peak RSS build | load s |"
        " query p50 / p95 ms, vocabulary queries | query p50 / p95 ms, passage queries |"
        " serving RSS | rank-bm25 build s | rank-bm25 query p50 ms | top-10 agreement |"
        " max rel. score diff | whole answer() p50 / p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        peak = max(r["peak_mb"], r["peak_children_mb"])
        lines.append(
            f"| {r['passages']:,} | {r['build_s']:.1f} ({r['tokenize_s']:.1f} + "
            f"{r['index_s']:.1f}) | {peak:,.0f} MB | {r['load_s']:.2f} | "
            f"{r['vocab_p50_ms']:.2f} / {r['vocab_p95_ms']:.2f} | "
            f"{r['passage_p50_ms']:.2f} / {r['passage_p95_ms']:.2f} | "
            f"{r['serve_rss_mb']:,.0f} MB | {r['baseline_build_s']:.1f} | "
            f"{r['baseline_p50_ms']:.0f} | {r['agree']}/{r['checked']} | "
            f"{r['max_rel_err']:.1e} | {r.get('answer_p50_ms', 0):.2f} / "
            f"{r.get('answer_p95_ms', 0):.2f} |"
        )
    lines += [
        "",
        "Vocabulary queries: 2–4 words drawn uniformly from the vocabulary. Passage queries: "
        "2–4 words drawn from a random passage, so mostly the most frequent words.",
        "",
        "Bundled corpus (5 articles): answer() with the index loaded, "
        f"p50 {extra['answer_p50_ms']:.2f} ms, p95 {extra['answer_p95_ms']:.2f} ms over "
        f"{extra['answers']} answers; `python -m bot ask` as a whole process, median "
        f"{extra['ask_wall_median_s']:.2f} s, slowest {extra['ask_wall_max_s']:.2f} s of 7.",
        "",
        f"Punkt on punctuated news text costs about {punkt_us:.0f} µs per 60-word passage "
        "(measured on the bundled corpus); the synthetic passages have no sentence "
        "punctuation, so the build times above do not include it.",
    ]
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        cmd, args = sys.argv[1], sys.argv[2:]
        fn = {"_build": cmd_build, "_serve": cmd_serve, "_baseline": cmd_baseline}[cmd]
        typed = [float(a) if cmd == "_baseline" and i == 3 else a for i, a in enumerate(args)]
        print(json.dumps(fn(*typed)))  # type: ignore[operator]
        return
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="10k,100k,1m")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument(
        "--baseline-budget",
        type=float,
        default=120.0,
        help="seconds of rank-bm25 queries per size (at least 3 queries)",
    )
    ap.add_argument("--workdir", type=Path, help="keep corpora and indexes here")
    ap.add_argument("--write", type=Path, help="also write the table to this Markdown file")
    ns = ap.parse_args()
    sizes = [s.strip().lower() for s in ns.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        ap.error(f"unknown size(s) {unknown}; choose from {', '.join(SIZES)}")
    with tempfile.TemporaryDirectory() as tmp:
        work = ns.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rows = [run_size(s, SIZES[s], work, ns.queries, ns.baseline_budget) for s in sizes]
    table = render(rows, bundled(), punkt_cost())
    print(table)
    if ns.write:
        ns.write.write_text(
            ns.write.read_text().split("<!-- bench -->")[0] + "<!-- bench -->\n" + table + "\n"
            if ns.write.exists()
            else table + "\n"
        )


if __name__ == "__main__":
    main()
