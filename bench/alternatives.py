"""Side by side: a package that claims rank-bm25's scores, faster, on the benchmark's data.

    pip install rank-bm25-rs            # not a project dependency: measured, not used
    python -m bench.alternatives --workdir /tmp/benchwork --size 1m

Runs after `python -m bench.run --workdir DIR` (it reuses that run's index, queries and
our top-10 lists). rank-bm25-rs is fed the same token lists as the rank-bm25 baseline and
scored with `get_scores` plus a top-10 by (score desc, passage id asc), the cost the Scale
issue measured; its top-10 is compared with ours and its scores with our scores.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from bench.run import _pct, _peak_mb, token_lists
from bot.index import store as index_store
from bot.ingest import tokens


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--size", default="1m")
    ns = ap.parse_args()
    try:
        from rank_bm25_rs import BM25Okapi, __version__
    except ImportError:
        raise SystemExit("rank-bm25-rs is not installed: pip install rank-bm25-rs") from None
    data = index_store.load(ns.workdir / f"index-{ns.size}")
    sets = json.loads((ns.workdir / f"queries2-{ns.size}.json").read_text())
    ours = json.loads((ns.workdir / f"ours-{ns.size}.json").read_text())
    corpus = token_lists(data)
    t0 = time.perf_counter()
    model = BM25Okapi(corpus)
    build_s = time.perf_counter() - t0
    print(f"rank-bm25-rs {__version__}: fitted {len(corpus):,} passages in {build_s:.1f} s")
    print("| queries | p50 ms | p95 ms | top-10 equal to ours | max rel. score diff |")
    print("|---|---|---|---|---|")
    for name in sets:
        times, agree, worst = [], 0, 0.0
        for q, mine in zip(sets[name], ours[name], strict=True):
            terms = tokens.analyze(q)
            t = time.perf_counter()
            scores = model.get_scores(terms)
            top = np.flatnonzero(scores)  # passages holding a query term (as in our lists)
            if len(top) > 10:  # partition the positive scores only, then sort the ties in
                kth = np.partition(scores[top], len(top) - 10)[len(top) - 10]
                top = top[scores[top] >= kth]
            top = top[np.lexsort((top, -scores[top]))][:10]
            times.append((time.perf_counter() - t) * 1000)
            agree += [int(p) for p in top] == [p for p, _ in mine]
            for p, s in mine:
                worst = max(worst, abs(s - scores[p]) / max(abs(scores[p]), 1e-300))
        print(
            f"| {name} | {_pct(times, 0.5):.1f} | {_pct(times, 0.95):.1f} | "
            f"{agree}/{len(times)} | {worst:.1e} |"
        )
    print(f"peak RSS {_peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
