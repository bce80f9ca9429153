"""Concurrent processes on one corpus and index folder. Prints a table.

    python -m bench.concurrency [--procs 8] [--rounds 20]

Each round starts N `python -m bot ask` processes at once on the tiny test corpus whose
index is missing (deleted before the round) or stale (an article added before the
round), and counts the processes that answered correctly, failed, or took longest, and
whether CURRENT named a complete build after the round.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.index.folder import MARKER, current_build

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "fixtures" / "tiny_corpus"


def run_round(corpus: Path, index: Path, procs: int) -> tuple[int, int, float]:
    """(answered correctly, failed, slowest seconds)."""
    cmd = [sys.executable, "-m", "bot", "ask", "--json", "How much did the bridge repairs cost?"]
    cmd += ["--corpus", str(corpus), "--index", str(index)]
    t0 = time.perf_counter()
    running = [
        subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(procs)
    ]
    good = bad = 0
    for p in running:
        out, _ = p.communicate(timeout=300)
        ok = p.returncode == 0 and "4.2 million dollars" in json.loads(out or "{}").get(
            "quotes", [{}]
        )[0].get("text", "")
        good += ok
        bad += not ok
    return good, bad, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--procs", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=20)
    ns = ap.parse_args()
    print("| index | processes × rounds | answered | failed | slowest round s | CURRENT valid |")
    print("|---|---|---|---|---|---|")
    for state in ("missing", "stale"):
        with tempfile.TemporaryDirectory() as tmp:
            corpus, index = Path(tmp) / "c", Path(tmp) / "i"
            shutil.copytree(TINY, corpus)
            good = bad = valid = 0
            slowest = 0.0
            for r in range(ns.rounds):
                if state == "missing":
                    shutil.rmtree(index, ignore_errors=True)
                else:
                    (corpus / f"extra{r}.txt").write_text(f"Extra {r} Story\n\nRound {r} line.\n")
                g, b, s = run_round(corpus, index, ns.procs)
                good, bad, slowest = good + g, bad + b, max(slowest, s)
                with contextlib.suppress(Exception):  # counted, not raised
                    valid += (current_build(index) / MARKER).exists()
            print(
                f"| {state} | {ns.procs} × {ns.rounds} | {good} | {bad} | {slowest:.1f} | "
                f"{valid}/{ns.rounds} |"
            )
    os.sync()


if __name__ == "__main__":
    main()
