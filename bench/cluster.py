"""The sharded index on a real Ray cluster against the local index, on one machine.

    python -m bench.cluster [--passages 200000] [--shards 4] [--replicas 2]

Starts a head and a worker node on loopback (both share this machine's cores), writes a
seeded synthetic corpus (bench/synth.py), builds it locally and on the cluster (words
only: embedding is measured by bench.embed), then compares:
- the top 10 of 200 known-item queries, cluster against local;
- the whole answer (`answer()`, JSON) of the same queries, and its latency;
- a failover: the worker node is killed during a stream of questions; every question
  must still be answered, and the slowest answer is reported.
The last line is the one the issue asks for.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # loopback stays loopback
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
os.environ.setdefault("NEWSQA_LEXICAL", "1")

NODE = {"node_ip_address": "127.0.0.1", "include_dashboard": False, "num_cpus": 1}


def _ms(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def _pair(values: list[float]) -> str:
    return f"{_ms(values, 0.5):.1f} / {_ms(values, 0.95):.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--passages", type=int, default=200_000)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--workdir", type=Path, default=None)
    ns = ap.parse_args()

    import ray
    from ray.cluster_utils import Cluster

    from bench.synth import make_queries, write_corpus
    from bot.answer.pipeline import answer
    from bot.cluster.opening import build_on_cluster, open_cluster
    from bot.ingest.tokens import analyze
    from bot.interfaces.render import answer_to_json
    from bot.opening import open_engine

    work = ns.workdir or Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    corpus = work / "corpus"
    passages = write_corpus(corpus, ns.passages) if not corpus.exists() else []
    queries = make_queries(passages, ns.queries) if passages else []
    quiet = lambda _: None  # noqa: E731
    # The local build first: it forks worker processes, which must not inherit the
    # threads (and held locks) of a running Ray node.
    t = time.perf_counter()
    local = open_engine(corpus, work / "local", quiet)
    local_build = time.perf_counter() - t
    store = 1024**3  # the object store per node: shard arrays travel through it
    c = Cluster(
        initialize_head=True,
        head_node_args={**NODE, "dashboard_host": "127.0.0.1", "object_store_memory": store},
    )
    c.add_node(**NODE, object_store_memory=store)
    c.wait_for_nodes()
    t = time.perf_counter()
    report = build_on_cluster(c.address, corpus, work / "index", ns.shards, ns.replicas, quiet)
    cluster_build = time.perf_counter() - t
    sharded = open_cluster(c.address, corpus, work / "index", quiet)
    for g, row in enumerate(sharded.retriever.replicas):  # where each replica runs
        where = [ray.get(a.ready.remote())[:8] for a in row]
        print(f"shard group {g}: replicas on nodes {', '.join(where)}", file=sys.stderr)

    same_top = same_answers = 0
    local_times: list[float] = []
    router_times: list[float] = []
    for q in queries:
        terms = analyze(q)
        a = [(h.passage.passage_id, h.score) for h in local.retriever.search(terms, 10)]
        b = [(h.passage.passage_id, h.score) for h in sharded.retriever.search(terms, 10)]
        same_top += a == b
        t = time.perf_counter()
        mine = answer_to_json(answer(local, q))
        local_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        theirs = answer_to_json(answer(sharded, q))
        router_times.append(time.perf_counter() - t)
        same_answers += mine == theirs

    lost, slowest = _failover(c, sharded, local, queries, answer, answer_to_json)
    n = len(queries)
    rows = [
        ("passages", f"{report.passages:,}"),
        ("shards x replicas", f"{ns.shards} x {ns.replicas} on 2 nodes (one machine, 2 cores)"),
        ("build: local / cluster (s)", f"{local_build:.1f} / {cluster_build:.1f}"),
        ("identical top 10", f"{same_top}/{n}"),
        ("identical whole answers", f"{same_answers}/{n}"),
        (
            "whole answer p50 / p95, local (ms)",
            f"{_ms(local_times, 0.5):.1f} / {_ms(local_times, 0.95):.1f}",
        ),
        (
            "whole answer p50 / p95, router (ms)",
            f"{_ms(router_times, 0.5):.1f} / {_ms(router_times, 0.95):.1f}",
        ),
        ("failover: questions lost / slowest answer (s)", f"{lost} / {slowest:.2f}"),
    ]
    print("| measure | value |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")
    for note in report.notes:
        print(f"note: {note}")
    print(
        f"cluster nodes=2 shards={ns.shards} replicas={ns.replicas} passages={report.passages} "
        f"identical_top10={same_top}/{n} identical_answers={same_answers}/{n} "
        f"router_p50_ms={_ms(router_times, 0.5):.1f} router_p95_ms={_ms(router_times, 0.95):.1f} "
        f"local_p50_ms={_ms(local_times, 0.5):.1f} failover_lost={lost} failover_s={slowest:.2f}"
    )
    ray.shutdown()
    c.shutdown()


def _failover(
    c: Any, sharded: Any, local: Any, queries: list[str], answer: Any, to_json: Any
) -> tuple[int, float]:
    """Kill the worker node while questions stream; (questions lost or wrong, slowest s)."""
    stream = queries * 2
    expected = [to_json(answer(local, q)) for q in stream]
    times: list[float] = []
    lost = 0
    started = threading.Event()

    def run() -> None:
        nonlocal lost
        for i, q in enumerate(stream):
            t = time.perf_counter()
            try:
                got = to_json(answer(sharded, q))
                if got != expected[i]:
                    lost += 1
                    print(
                        f"differs: {q!r}: {str(got)[:300]} EXPECTED {str(expected[i])[:300]}",
                        file=sys.stderr,
                    )
            except Exception as exc:  # counted, not raised: the measure is how many
                lost += 1
                print(f"lost: {type(exc).__name__}: {str(exc)[:300]}", file=sys.stderr)
            times.append(time.perf_counter() - t)
            if i == len(stream) // 4:
                started.set()

    thread = threading.Thread(target=run)
    thread.start()
    started.wait()
    for node in list(c.worker_nodes):
        c.remove_node(node, allow_graceful=False)
    thread.join()
    return lost, max(times) if times else 0.0


if __name__ == "__main__":
    main()
