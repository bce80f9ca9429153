"""Evaluation on SQuAD v1.1 files: sentence retrieval scored the ReQA way.

SQuAD JSON is the format people annotate QA data in, so `python -m bot eval FILE.json`
turns one into a corpus (one article per title, its paragraphs as paragraphs, titles in
`metadata.json`), indexes it like any corpus, and asks its questions through the same
`answer()` every interface uses. A returned quote is a hit when it lies inside the
question's own paragraph and contains one of its gold answers. R@k: a hit among the first
k quotes; MRR@10: 1/rank of the first hit; a declined question is a miss.

With `negatives`, only the first half of the articles is indexed and questions about the
other half should be declined: that measures abstention on text the corpus does not hold.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BotError, EvalFileError
from ..records import Answer
from ..safe_io import read_regular

MAX_FILE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class SquadArticle:
    name: str  # file name in the written corpus
    title: str
    text: str  # paragraphs joined by blank lines: the file's exact content
    paragraphs: tuple[tuple[int, int], ...]  # [start, end) of each paragraph in `text`


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    article: int  # index into SquadSet.articles
    paragraph: int  # index into that article's paragraphs


@dataclass(frozen=True)
class SquadSet:
    articles: tuple[SquadArticle, ...]
    questions: tuple[SquadQuestion, ...]
    digest: str  # of the source file: names the cache folder


@dataclass
class SquadResult:
    id: str
    question: str
    in_corpus: bool  # the question's article is in the indexed corpus
    rank: int | None = None  # 1-based rank of the first hit
    declined: bool = False
    error: str | None = None
    latency_ms: float = 0.0
    top_quote: str | None = None
    answers: tuple[str, ...] = field(default=())


def _slug(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", title).strip("_")[:60] or "article"


def parse_squad(obj: Any, digest: str = "") -> SquadSet:
    """The articles and questions of a SQuAD v1.1 object. Raises EvalFileError."""
    data = obj.get("data") if isinstance(obj, dict) else None
    if not isinstance(data, list) or not data:
        raise EvalFileError('not a SQuAD file: expected {"data": [articles...]}')
    articles: list[SquadArticle] = []
    questions: list[SquadQuestion] = []
    for a_i, art in enumerate(data):
        paras = art.get("paragraphs") if isinstance(art, dict) else None
        title = art.get("title") if isinstance(art, dict) else None
        if not isinstance(paras, list) or not isinstance(title, str):
            raise EvalFileError(f'article {a_i}: needs a "title" and a "paragraphs" list')
        text, spans = "", []
        for p_i, para in enumerate(paras):
            ctx = para.get("context") if isinstance(para, dict) else None
            if not isinstance(ctx, str):
                raise EvalFileError(f"article {a_i} paragraph {p_i}: no context string")
            ctx = " ".join(ctx.split())  # one line: a paragraph of the written article
            start = len(text)
            text += ctx + "\n\n"
            spans.append((start, start + len(ctx)))
            qas = para.get("qas", [])
            if not isinstance(qas, list):
                raise EvalFileError(f'article {a_i} paragraph {p_i}: "qas" must be a list')
            for qa in qas:
                if not isinstance(qa, dict):
                    raise EvalFileError(
                        f"article {a_i} paragraph {p_i}: a question is not an object"
                    )
                q, answers = qa.get("question"), qa.get("answers", [])
                if not isinstance(answers, list):
                    answers = []
                golds = tuple(
                    " ".join(g["text"].split())
                    for g in answers
                    if isinstance(g, dict) and isinstance(g.get("text"), str) and g["text"].strip()
                )
                if isinstance(q, str) and q.strip() and golds:
                    qid = str(qa.get("id", f"{a_i}-{p_i}-{len(questions)}"))
                    questions.append(SquadQuestion(qid, q, golds, a_i, p_i))
        name = f"{a_i:03d}_{_slug(title)}.txt"
        articles.append(SquadArticle(name, title.replace("_", " "), text, tuple(spans)))
    if not questions:
        raise EvalFileError("the SQuAD file holds no answerable questions")
    return SquadSet(tuple(articles), tuple(questions), digest)


def load_squad(path: Path) -> SquadSet:
    try:
        raw, _ = read_regular(path, MAX_FILE_BYTES, follow=True)
        obj = json.loads(raw.decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError) as exc:  # incl. JSON, UTF-8, FIFO, size
        raise EvalFileError(f"cannot read {path}: {exc}") from exc
    return parse_squad(obj, hashlib.sha256(raw).hexdigest()[:16])


def write_corpus(squad: SquadSet, folder: Path, articles: Sequence[int]) -> Path:
    """Write the chosen articles (and their titles in metadata.json) into `folder`,
    leaving files that already hold the same bytes untouched (so the index stays fresh)."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {squad.articles[i].name for i in articles}
    for old in folder.glob("*.txt"):
        if old.name not in wanted:
            old.unlink()
    meta = {}
    for i in articles:
        art = squad.articles[i]
        _write_if_changed(folder / art.name, art.text)
        meta[art.name] = {"title": art.title}
    _write_if_changed(folder / "metadata.json", json.dumps(meta, indent=1, ensure_ascii=False))
    return folder


def _write_if_changed(path: Path, text: str) -> None:
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    path.write_text(text, encoding="utf-8")


def sample(squad: SquadSet, n: int | None, seed: int) -> list[SquadQuestion]:
    """Every question in file order, or `n` of them drawn with random.Random(seed)."""
    qs = list(squad.questions)
    if n is None or n >= len(qs):
        return qs
    return random.Random(seed).sample(qs, n)


def _norm(text: str) -> str:
    return " ".join(text.split())


def hit_rank(squad: SquadSet, q: SquadQuestion, ans: Answer) -> int | None:
    """Rank of the first quote inside the question's paragraph holding a gold answer."""
    art = squad.articles[q.article]
    start, end = art.paragraphs[q.paragraph]
    for rank, quote in enumerate(ans.quotes, 1):
        if quote.doc != art.name or not (start <= quote.start and quote.end <= end):
            continue
        text = _norm(quote.text)
        if any(g in text for g in q.answers):
            return rank
    return None


def run(
    squad: SquadSet,
    questions: Sequence[SquadQuestion],
    ask: Callable[[str], Answer],
    in_corpus: Callable[[SquadQuestion], bool] = lambda q: True,
    progress: Callable[[int, int], None] | None = None,
) -> list[SquadResult]:
    """Ask every question through `ask` (the bot's own answer function)."""
    out = []
    for i, q in enumerate(questions):
        res = SquadResult(q.id, q.question, in_corpus(q), answers=q.answers)
        t0 = time.perf_counter()
        try:
            ans = ask(q.question)
        except BotError as exc:
            res.error, res.declined = str(exc), True
        else:
            res.declined = not ans.answered
            res.rank = hit_rank(squad, q, ans)
            res.top_quote = ans.quotes[0].text if ans.quotes else None
        res.latency_ms = (time.perf_counter() - t0) * 1000
        out.append(res)
        if progress:
            progress(i + 1, len(questions))
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def squad_metrics(results: Sequence[SquadResult], top: int = 10) -> dict[str, float]:
    """R@1, R@3, MRR@top and the share declined, over questions whose article is indexed;
    plus, when there are any, the share declined of questions about other articles."""
    pos = [r for r in results if r.in_corpus]
    neg = [r for r in results if not r.in_corpus]
    n = len(pos) or 1
    m = {
        "questions": float(len(pos)),
        "R@1": sum(r.rank == 1 for r in pos) / n,
        "R@3": sum(r.rank is not None and r.rank <= 3 for r in pos) / n,
        f"MRR@{top}": sum(1 / r.rank for r in pos if r.rank and r.rank <= top) / n,
        "declined": sum(r.declined for r in pos) / n,
        "latency_p50_ms": _pct([r.latency_ms for r in results], 0.5),
        "latency_p95_ms": _pct([r.latency_ms for r in results], 0.95),
    }
    if neg:
        m["negatives"] = float(len(neg))
        m["negatives_declined"] = statistics.fmean(r.declined for r in neg)
    return m
