"""The reader's (question, sentence) pairs, from SQuAD, through the bot's own first stage.

    python -m train.reader_data [--out DIR] [--squad-dir ../shared/squad]

Writes `pairs.jsonl` into DIR (default: the user cache's `reader-train/`): one line per
question, a group of texts the reader reads with their labels (1: answers the question):

  answerable   the gold sentence (the sentence of the question's own paragraph holding a
               gold answer) and the bot's own stage-1 candidates for the question - the
               first 12 of today's ranking, eligible or not - so the reader learns what
               the pipeline gets wrong; one more sentence of the same paragraph that
               holds no answer
  unanswerable SQuAD 2.0's near misses: the sentence holding the `plausible_answers`
               span (what a careless reader would quote) and the stage-1 candidates, all 0
  swap         a near miss made from an answerable question: its name swapped for another
               name of the same article that the gold sentence does not hold, or its
               question word swapped (when / where / why) for a kind of answer the gold
               sentence does not hold; the gold sentence is then 0

Every text is `rank.reader_text`'s form (the article's title, then the quote), every
question the text the bot searches (`Query.text`), so training reads what serving reads.
Splits are by article (train/splits.py); every group carries its split. Deterministic:
seed 0, sorted inputs.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.answer.names import names_in
from bot.answer.pipeline import Answerer
from bot.answer.rank import eligible, reader_input, reader_text
from bot.encoder.minilm import MiniLM
from bot.evaluation import squad as sq
from bot.opening import open_engine
from bot.paths import cache_dir

from .splits import CALIBRATE, HELD_OUT, TRAIN, dev_split, v2_split

FIRST_STAGE = 12  # stage-1 candidates looked at per question (serving reads 10 eligible)
NEGATIVES = 5  # of them, at most this many negatives per question
ROOT = Path(__file__).resolve().parent.parent


def norm(text: str) -> str:
    return " ".join(text.split())


class Article:
    """One written article of a corpus: its title and sentences, by paragraph."""

    def __init__(self, title: str, spans: tuple[tuple[int, int], ...]) -> None:
        self.title = title
        self.spans = spans
        self.sentences: list[tuple[int, int, str]] = []  # start, end, text

    def in_paragraph(self, p: int) -> list[str]:
        lo, hi = self.spans[p]
        return [t for a, b, t in self.sentences if lo <= a and b <= hi]


def load(path: Path) -> tuple[sq.SquadSet, list[dict[str, Any]]]:
    """The answerable questions (as the evaluation reads them) and the raw file, for
    SQuAD 2.0's unanswerable ones."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return sq.parse_squad(raw), raw["data"]


def build(name: str, squad: sq.SquadSet, picked: list[int], encoder: MiniLM) -> Answerer:
    root = cache_dir() / "reader-train" / name
    corpus = sq.write_corpus(squad, root / "corpus", picked)
    engine = open_engine(corpus, root / "index", print, encoder=encoder)
    return Answerer(engine)


def articles_of(answerer: Answerer, squad: sq.SquadSet, picked: list[int]) -> dict[int, Article]:
    """Every sentence the index holds, by the article it came from."""
    by_name = {squad.articles[i].name: i for i in picked}
    out = {i: Article(squad.articles[i].title, squad.articles[i].paragraphs) for i in picked}
    retriever: Any = answerer.engine.retriever  # the local index: read every sentence
    docs = retriever.documents()
    for sid in range(retriever.data.n_sentences):
        s = retriever.sentence(sid)
        i = by_name.get(docs[s.doc_id].doc)
        if i is not None:
            out[i].sentences.append((s.start, s.end, s.text))
    return out


def first_stage(answerer: Answerer, question: str) -> tuple[str, list[tuple[Any, bool]]] | None:
    """The searched question and stage 1's first candidates, each with whether stage 2
    would read it; None when the bot declines before ranking."""
    staged = answerer.ranked(question)  # the answer path's own stages
    if staged is None:
        return None
    query, ranked = staged
    s = answerer.settings
    return query.text, [(c, eligible(c, query, s)) for c in ranked.candidates[:FIRST_STAGE]]


def answerable_group(
    answerer: Answerer, art: Article, q: sq.SquadQuestion
) -> dict[str, Any] | None:
    staged = first_stage(answerer, q.question)
    if staged is None:
        return None
    text, cands = staged
    lo, hi = art.spans[q.paragraph]
    gold = [t for t in art.in_paragraph(q.paragraph) if any(g in t for g in q.answers)]
    if not gold:
        return None  # the answer crosses a sentence boundary: no sentence holds it
    texts = {reader_input(art.title, t): 1 for t in gold}
    negatives = 0
    for c, _ in cands:
        quote = norm(" ".join(x.text for x in c.sents))
        inside = c.doc.title == art.title and lo <= c.sents[0].start and c.sents[-1].end <= hi
        has_answer = any(g in quote for g in q.answers)
        key = reader_text(c)
        if inside and has_answer:
            texts[key] = 1
        elif has_answer or key in texts:
            continue  # the answer elsewhere, or a lead-in pair of the gold: unsure, left out
        elif negatives < NEGATIVES:
            texts[key] = 0
            negatives += 1
    others = [t for t in art.in_paragraph(q.paragraph) if t not in gold]
    if others:
        texts.setdefault(reader_input(art.title, random.choice(others)), 0)
    return {"question": text, "texts": list(texts), "labels": list(texts.values())}


def unanswerable_group(
    answerer: Answerer, art: Article, question: str, plausible: list[str], p: int
) -> dict[str, Any] | None:
    staged = first_stage(answerer, question)
    if staged is None:
        return None
    text, cands = staged
    near = [t for t in art.in_paragraph(p) if any(norm(a) in t for a in plausible)]
    texts = dict.fromkeys([reader_input(art.title, t) for t in near], 0)
    for c, _ in cands[:NEGATIVES]:
        texts.setdefault(reader_text(c), 0)
    return {
        "question": text,
        "texts": list(texts),
        "labels": list(texts.values()),
        "near": near != [],
    }


# A question word swapped for another kind of answer the sentence must then lack.
_WH = re.compile(r"^(When|Where|Why) (did|was|were|is|are|does|do|has|have|had)\b")
_LACKS = {
    "When": re.compile(
        r"\b(1\d{3}|20\d{2}|January|February|March|April|May|June|July|August|September|"
        r"October|November|December|century|centuries|decade|ago|year|day)\b",
        re.I,
    ),
    "Where": re.compile(r"\b(in|at|near|from|into|across|outside)\s+(the\s+)?[A-Z]\w+"),
    "Why": re.compile(
        r"\b(because|due to|in order|so that|since|as a result|reason|to\s+\w+)\b", re.I
    ),
}


def swapped(q: sq.SquadQuestion, gold: str, names: list[str], rng: random.Random) -> str | None:
    """The question made into a near miss for `gold`, or None when no safe swap exists."""
    mine = [n for n in names_in(q.question) if n in gold and len(n) > 2]
    others = [n for n in names if n not in gold and n not in q.question]
    if mine and others:
        return q.question.replace(mine[0], rng.choice(others), 1)
    m = _WH.match(q.question)
    if m:
        choices = [w for w in _LACKS if w != m.group(1) and not _LACKS[w].search(gold)]
        if choices:
            return rng.choice(choices) + q.question[len(m.group(1)) :]
    return None


def swap_group(
    answerer: Answerer, art: Article, q: sq.SquadQuestion, names: list[str], rng: random.Random
) -> dict[str, Any] | None:
    gold = [t for t in art.in_paragraph(q.paragraph) if any(g in t for g in q.answers)]
    if not gold:
        return None
    made = swapped(q, gold[0], names, rng)
    staged = first_stage(answerer, made) if made else None
    if staged is None:
        return None
    return {
        "question": staged[0],
        "texts": [reader_input(art.title, gold[0])],
        "labels": [0],
        "near": True,
    }


def groups(squad_dir: Path, encoder: MiniLM) -> Iterator[dict[str, Any]]:
    rng = random.Random(0)
    random.seed(0)
    dev, _ = load(squad_dir / "dev-v1.1-half.json")
    v2, v2_raw = load(squad_dir / "train-v2.0-first10.json")
    for split in (TRAIN, CALIBRATE, HELD_OUT):
        for source, squad, raw in (("dev", dev, None), ("v2", v2, v2_raw)):
            if source == "dev":
                picked = [i for i in range(len(squad.articles)) if dev_split(i) == split]
            else:
                picked = [
                    i
                    for i, a in enumerate(raw or [])
                    if any(v2_split(a["title"], p) == split for p in range(len(a["paragraphs"])))
                ]
            if not picked:
                continue
            answerer = build(f"{source}-{split}", squad, picked, encoder)
            arts = articles_of(answerer, squad, picked)
            names = {
                i: sorted({n for _, _, t in arts[i].sentences for n in names_in(t) if len(n) > 2})
                for i in picked
            }
            for q in squad.questions:
                if q.article not in arts:
                    continue
                art = arts[q.article]
                title = squad.articles[q.article].title.replace(" ", "_")
                if source == "v2" and v2_split(title, q.paragraph) != split:
                    continue
                tag = {"split": split, "source": source, "article": art.title, "id": q.id}
                g = answerable_group(answerer, art, q)
                if g is not None:
                    yield {**tag, "kind": "answerable", **g}
                if rng.random() < 0.5:
                    s = swap_group(answerer, art, q, names[q.article], rng)
                    if s is not None:
                        yield {**tag, "kind": "swap", **s}
            for i in picked if raw is not None else []:
                a = raw[i]
                for p, para in enumerate(a["paragraphs"]):
                    if v2_split(a["title"], p) != split:
                        continue
                    for qa in para["qas"]:
                        if not qa.get("is_impossible"):
                            continue
                        plausible = [x["text"] for x in qa.get("plausible_answers", [])]
                        g = unanswerable_group(answerer, arts[i], qa["question"], plausible, p)
                        if g is not None:
                            tag = {
                                "split": split,
                                "source": "v2",
                                "article": arts[i].title,
                                "id": qa["id"],
                            }
                            yield {**tag, "kind": "unanswerable", **g}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=cache_dir() / "reader-train")
    ap.add_argument("--squad-dir", type=Path, default=ROOT.parent / "shared" / "squad")
    ns = ap.parse_args()
    ns.out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    tmp = ns.out / "pairs.jsonl.tmp"
    with tmp.open("w", encoding="utf-8") as f:
        for g in groups(ns.squad_dir, MiniLM()):
            f.write(json.dumps(g, ensure_ascii=False) + "\n")
            key = f"{g['split']} {g['kind']}"
            counts[key] = counts.get(key, 0) + 1
    tmp.replace(ns.out / "pairs.jsonl")
    for key in sorted(counts):
        print(f"{key}: {counts[key]} groups")


if __name__ == "__main__":
    main()
