"""Reading web pages: body text and metadata on the article-extraction benchmark pages.

    python -m bench.extract [--pages ../shared/articles-html]

For each of the benchmark's 90 pages, the text the bot indexes (trafilatura's main text
after the bot's furniture rules, what `python -m bot article` shows) and trafilatura's
own output are scored against the body a person marked, with the benchmark's metric
(`shingle_scores`); the table also counts pages with a date and a publisher found, and
prints the bundled-corpus evaluation beside it, so a cleaning rule that helps web pages
and hurts the news set shows at once.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from bot.ingest.boundaries import SIGNALS
from bot.ingest.clean import clean_document
from bot.ingest.html import _trafilatura, read_html
from bot.records import CleanDoc

ROOT = Path(__file__).resolve().parent.parent
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def page_scores(predicted: str, truth: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, each divided by their sum: the benchmark's normalisation."""
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum(pred.values()) - tp
    fn = sum(true.values()) - tp
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (1.0, 0.0, 0.0)


def shingle_scores(pairs: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Precision and recall from the per-page shares averaged over pages; F1 from them."""
    rows = [page_scores(p, t) for p, t in pairs]
    tp = sum(r[0] for r in rows) / len(rows)
    fp = sum(r[1] for r in rows) / len(rows)
    fn = sum(r[2] for r in rows) / len(rows)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def _indexed(doc: CleanDoc) -> str:
    """The words the bot indexes: the body (what it quotes) and the context lines it ranks
    a paragraph's passage by but never quotes (headings above it, table rows below)."""
    context: dict[int, list[str]] = {}
    for index, line in doc.context:
        context.setdefault(index, []).append(line)
    parts: list[str] = []
    for index, para in enumerate(doc.paragraphs):
        parts.extend(context.get(index, []))  # (a shingle or two apart from page order)
        parts.append(" ".join(doc.raw[s.start : s.end] for s in para))
    return "\n\n".join(parts)


def score(
    folder: Path, signals: tuple[str, ...] = SIGNALS
) -> tuple[dict[str, float], dict[str, float], int, int, int]:
    """(the bot's scores, trafilatura's, pages with a date, with a publisher, pages) on a
    folder of pages (`html/<id>.html.gz` or `.html`) with `ground-truth.json`."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    ours, theirs = [], []
    dates = publishers = 0
    for page_id, gold in sorted(truth.items()):
        markup = _page(folder, page_id)
        text, found, _, roles = read_html(markup, signals)
        doc = clean_document(0, f"{page_id}.html", text, None, found=found, roles=roles)
        ours.append((_indexed(doc), gold["articleBody"]))
        raw = _trafilatura(markup) or {}
        theirs.append((raw.get("text") or "", gold["articleBody"]))
        dates += doc.meta.published is not None
        publishers += doc.meta.publisher is not None
    return shingle_scores(ours), shingle_scores(theirs), dates, publishers, len(truth)


def _page(folder: Path, page_id: str) -> str:
    gz = folder / "html" / f"{page_id}.html.gz"
    if gz.exists():
        with gzip.open(gz) as fh:
            return fh.read().decode("utf-8")
    return (folder / "html" / f"{page_id}.html").read_text(encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "articles-html")
    ap.add_argument("--teasers", type=Path, default=ROOT / "eval" / "teaser-pages")
    ap.add_argument("--ablate", action="store_true", help="a row per boundary signal off")
    ns = ap.parse_args()
    print("| pages | signals | body F1 | precision | recall | date found | publisher found |")
    print("|---|---|---|---|---|---|---|")
    variants = {"all": SIGNALS}
    if ns.ablate:
        variants["none"] = ()
        variants |= {f"without {s}": tuple(x for x in SIGNALS if x != s) for s in SIGNALS}
    t0 = time.perf_counter()
    for folder in (ns.pages, ns.teasers):
        for name, signals in variants.items():
            m, plain, dates, pubs, n = score(folder, signals)
            print(
                f"| {folder.name} ({n}) | {name} | {m['f1']:.3f} | {m['precision']:.3f} | "
                f"{m['recall']:.3f} | {dates} | {pubs} |",
                flush=True,
            )
        print(
            f"| {folder.name} ({n}) | trafilatura alone | {plain['f1']:.3f} | "
            f"{plain['precision']:.3f} | {plain['recall']:.3f} | — | — |"
        )
    print(f"\n{time.perf_counter() - t0:.0f} s in all.\n")
    _bundled()


def _bundled() -> None:
    """The bundled-corpus evaluation, for the same run."""
    from bot.evaluation.evaluate import evaluate, load_cases, metrics
    from bot.opening import open_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_engine(ROOT / "corpus", Path(tmp) / "idx", lambda _: None)
        m = metrics(evaluate(engine, load_cases(ROOT / "eval" / "questions.jsonl"), 5), 5)
    print("| bundled corpus | hit@1 | hit@3 | abstention P / R | faithfulness |")
    print("|---|---|---|---|---|")
    print(
        f"| eval/questions.jsonl | {m['hit@1']:.3f} | {m['hit@3']:.3f} | "
        f"{m['abstain_precision']:.3f} / {m['abstain_recall']:.3f} | {m['faithfulness']:.3f} |"
    )


if __name__ == "__main__":
    main()
