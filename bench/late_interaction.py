"""Would late interaction (token-level max-sim, as ColBERT scores) from MiniLM's own
token outputs rank better than the sentence cosines alone? An experiment; changes nothing.

    python -m bench.late_interaction [--sample 600] [--seed 1]

Every candidate of every question is worked out once (as `bench.dense_grid` does: SQuAD
questions drawn with --seed, never the reported seed 0, against all of the file's
articles, and the single-turn answerable cases of eval/questions.jsonl). Each question's
and each candidate's token vectors are the model's last hidden states (unit length,
without [CLS] / [SEP]); max-sim is the mean over the question's tokens of the best cosine
with any of the candidate's. The table prints how often the first candidate is right when
`w · max-sim` is added to the bot's rank score, re-ranking all candidates or only the top
k, with the token vectors at full width or projected to fewer dimensions (what storing
them in an index would need), and what they would cost: bytes per sentence as int8, and
the time to compute them at query time instead.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.dense_grid import ROOT, Row, labelled
from bot.answer.features import rank_score
from bot.answer.settings import default_settings
from bot.encoder.minilm import MiniLM

SQUAD = ROOT.parent / "shared/squad/dev-v1.1-half.json"
Tokens = np.ndarray  # [tokens, 384], unit rows


class TokenVectors:
    """The model's token outputs for texts, cached by text."""

    def __init__(self, encoder: MiniLM) -> None:
        self.session, self.tokenizer = encoder._load()
        self.cache: dict[str, Tokens] = {}

    def __call__(self, texts: list[str]) -> list[Tokens]:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        for lo in range(0, len(todo), 32):
            self._run(todo[lo : lo + 32])
        return [self.cache[t] for t in texts]

    def _run(self, batch: list[str]) -> None:
        enc = self.tokenizer.encode_batch(batch)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, feeds)[0]
        for i, text in enumerate(batch):
            n = int(mask[i].sum())
            v = hidden[i, 1 : n - 1]
            self.cache[text] = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def groups(encoder: MiniLM, sample: int, seed: int, work: Path) -> list[tuple[str, str, Row]]:
    """`bench.dense_grid`'s labelled candidates, each group tagged with its set and question."""
    squad, bundled = labelled(encoder, SQUAD, sample, seed, work)
    return [("squad", q, r) for q, r in squad] + [("bundled", q, r) for q, r in bundled]


def maxsims(gs: list[tuple[str, str, Row]], vectors: TokenVectors, dims: int) -> list[list[float]]:
    project = None
    if dims < 384:  # a fixed random rotation, cut: what an index storing fewer dims holds
        project = np.linalg.qr(np.random.default_rng(0).standard_normal((384, dims)))[0]

    def shaped(v: Tokens) -> Tokens:
        if project is None:
            return v
        p = v @ project
        return p / np.maximum(np.linalg.norm(p, axis=1, keepdims=True), 1e-9)

    out = []
    for _, question, r in gs:
        q = shaped(vectors([question])[0])
        sents = vectors([" ".join(s.text for s in c.sents) for c, _ in r])
        out.append([float((q @ shaped(s).T).max(1).mean()) for s in sents])
    return out


def first_right(
    gs: list[tuple[str, str, Row]], sims: list[list[float]], w: float, k: int
) -> dict[str, float]:
    s = default_settings()
    right: dict[str, list[bool]] = {"squad": [], "bundled": []}
    for (kind, _, r), f in zip(gs, sims, strict=True):
        base = [rank_score(c.features, s) for c, _ in r]
        top = sorted(range(len(r)), key=lambda i: (-base[i], r[i][0].sents[0].sent_id))[:k]
        best = max(top, key=lambda i: (base[i] + w * f[i], -r[i][0].sents[0].sent_id))
        right[kind].append(r[best][1])
    return {kind: float(np.mean(v)) for kind, v in right.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sample", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ns = ap.parse_args()
    encoder = MiniLM()
    with tempfile.TemporaryDirectory() as tmp:  # the bundled corpus's index
        gs = groups(encoder, ns.sample, ns.seed, Path(tmp))
    vectors = TokenVectors(encoder)
    counts = {k: sum(1 for g in gs if g[0] == k) for k in ("squad", "bundled")}
    print(f"{counts['squad']} SQuAD and {counts['bundled']} bundled questions with candidates")
    print(
        "| dims | w | re-ranked | SQuAD first right | bundled first right |\n|---|---|---|---|---|"
    )
    for dims in (384, 96):
        sims = maxsims(gs, vectors, dims)
        for w, k in itertools.product((0, 1, 2, 4, 8), (3, 10_000)):
            if w == 0 and k == 3:
                continue
            right = first_right(gs, sims, w, k)
            shown = "all" if k > 100 else f"top {k}"
            print(f"| {dims} | {w} | {shown} | {right['squad']:.4f} | {right['bundled']:.4f} |")
    sizes = [len(v) for v in vectors.cache.values()]
    print(
        f"\ntokens per text: mean {np.mean(sizes):.1f}; int8 bytes per sentence at 384 / 96 dims:"
        f" {np.mean(sizes) * 384:.0f} / {np.mean(sizes) * 96:.0f}"
    )
    texts = [" ".join(s.text for s in c.sents) for c, _ in gs[0][2]][:10]
    for n in (3, 10):
        fresh = TokenVectors(encoder)
        t = time.perf_counter()
        fresh(texts[:n])
        print(
            f"query time, {n} candidates' token vectors: {1000 * (time.perf_counter() - t):.0f} ms"
        )


if __name__ == "__main__":
    main()
