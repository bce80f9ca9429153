"""Question files about a corpus of their own: a first line `{"corpus": "DIR"}` (relative
to the file) names the folder its cases are about, so one `eval` run judges the bundled
set and eval/pages.jsonl (the 90 real pages of ../shared/articles-html) together. Pages
stored gzipped (`*.html.gz`) are unpacked once into the user cache, named by the first
12 characters of their id (`042bb7b5feda.html`), and indexed like any corpus; beside
the bot, plain rank-bm25 over the same pages' sentences (`case_baseline`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from ..errors import EvalFileError
from ..ingest.article import load_article
from ..ingest.corpus import list_corpus
from ..paths import cache_dir
from .baseline import PlainSentences
from .evaluate import Case, is_correct

MAX_PAGE_BYTES = 64 * 1024 * 1024


def corpus_directive(path: Path) -> Path | None:
    """The folder a question file is about, when its first line names one."""
    try:
        with open(path, encoding="utf-8") as fh:
            first = next((line for line in fh if line.strip()), "")
        obj = json.loads(first)
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(obj, dict) or "id" in obj or not isinstance(obj.get("corpus"), str):
        return None
    folder: Path = (path.parent / str(obj["corpus"])).resolve()
    if not folder.is_dir():
        raise EvalFileError(f"{path.name} is about {obj['corpus']}, which is not a folder here")
    return folder


def unpack(folder: Path) -> Path:
    """A folder of `*.html.gz` pages as a corpus of `.html` files in the cache (written
    once; the index stays fresh across runs). Any other folder is returned as it is."""
    pages = sorted(folder.glob("*.html.gz"))
    if not pages:
        return folder
    key = hashlib.sha256("".join(f"{p.name}:{p.stat().st_size}" for p in pages).encode())
    out = cache_dir() / "pages" / key.hexdigest()[:16]
    out.mkdir(parents=True, exist_ok=True)
    for p in pages:
        target = out / (p.name.split(".")[0][:12] + ".html")
        if not target.exists():
            with gzip.open(p, "rb") as fh:
                data = fh.read(MAX_PAGE_BYTES + 1)[:MAX_PAGE_BYTES]
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
    return out


def case_baseline(corpus: Path, cases: Sequence[Case]) -> dict[str, float]:
    """Plain rank-bm25 over the sentences of the corpus as the bot reads it (Punkt,
    Porter stems, never declining): hit@1 and hit@3 of the single-turn answerable cases."""
    listing, _ = list_corpus(corpus)
    docs: list[tuple[str, str]] = []
    for name in listing.files:
        loaded = load_article(listing.folder, name, 0, listing.metadata)
        if not isinstance(loaded, str):
            docs.append((name, loaded[0].raw))
    plain = PlainSentences(docs)
    asked = [c for c in cases if not c.unanswerable and len(c.turns) == 1]
    ranks = []
    for case in asked:
        top = plain.top(case.turns[0], 3)
        ranks.append(next((i for i, (d, t) in enumerate(top, 1) if is_correct(case, t, d)), None))
    n = max(len(asked), 1)
    return {
        "questions": float(len(asked)),
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@3": sum(r is not None for r in ranks) / n,
    }
