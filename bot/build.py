"""Building the index: corpus folder -> cleaned documents -> passages -> sentences -> BM25.

`build_index` is the separate, explicit step; `open_index` is what every command calls:
it opens the saved index and rebuilds it (with a one-line notice) when it is missing,
stale (the corpus changed), foreign (other format or settings) or corrupt.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import index_store, tokens
from .bm25 import BM25Params, fit
from .clean import clean_document
from .corpus import CorpusListing, list_corpus, read_article
from .errors import CorpusError, IndexCorrupt, IndexError_, IndexMismatch, IndexMissing
from .index_store import DocEntry, IndexData
from .records import CleanDoc, Sentence
from .segment import (
    PASSAGE_MAX_WORDS,
    PASSAGE_MIN_WORDS,
    SentenceSplitter,
    punkt_to_json,
    segment,
    train_punkt,
)

CLEAN_VERSION = 1  # bump when cleaning or segmenting rules change: old indexes get rebuilt
Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class BuildReport:
    articles: int = 0
    passages: int = 0
    sentences: int = 0
    terms: int = 0
    skipped: list[str] = field(default_factory=list)  # "name: reason"
    notes: list[str] = field(default_factory=list)  # decode notes, metadata warnings
    seconds: dict[str, float] = field(default_factory=dict)
    path: Path | None = None


def expected_settings(params: BM25Params | None = None) -> dict[str, Any]:
    """Everything that changes what the index holds, except the corpus itself."""
    return {
        "tokenizer": tokens.SETTINGS,
        "bm25": (params or BM25Params()).to_json(),
        "clean_version": CLEAN_VERSION,
        "passage_words": [PASSAGE_MIN_WORDS, PASSAGE_MAX_WORDS],
    }


def listing_fingerprint(listing: CorpusListing) -> str:
    """Cheap fingerprint from names, sizes and mtimes; no file is read."""
    h = hashlib.sha256(listing.metadata_sha256.encode())
    for name in listing.files:
        try:
            st = (listing.folder / name).stat()
            h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError:
            h.update(f"{name}\0missing\n".encode())
    return h.hexdigest()


def content_fingerprint(listing: CorpusListing) -> str:
    """Fingerprint from the bytes of every article and of metadata.json."""
    h = hashlib.sha256(listing.metadata_sha256.encode())
    for name in listing.files:
        try:
            digest = hashlib.sha256((listing.folder / name).read_bytes()).hexdigest()
        except OSError:
            digest = "unreadable"
        h.update(f"{name}\0{digest}\n".encode())
    return h.hexdigest()


def load_documents(
    listing: CorpusListing, report: BuildReport, progress: Progress
) -> list[tuple[CleanDoc, str]]:
    """Read and clean every listed file; returns (document, sha256 of its bytes) pairs."""
    docs: list[tuple[CleanDoc, str]] = []
    total = len(listing.files)
    for i, name in enumerate(listing.files):
        progress("reading", i, total)
        try:
            art = read_article(listing.folder, name)
        except (OSError, ValueError) as exc:
            report.skipped.append(f"{name}: {_reason(exc)}")
            continue
        if art.decode_note:
            report.notes.append(f"{name}: {art.decode_note}")
        doc = clean_document(
            len(docs), name, art.text, listing.metadata.get(name), art.decode_errors
        )
        if not doc.paragraphs:
            report.skipped.append(f"{name}: no article text after cleaning")
            continue
        docs.append((doc, art.sha256))
    progress("reading", total, total)
    return docs


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    progress: Progress = _no_progress,
    params: BM25Params | None = None,
) -> BuildReport:
    """Read, clean, split, tokenize and index the corpus; save it atomically."""
    params = params or BM25Params()
    report = BuildReport()
    t0 = time.perf_counter()
    listing, warnings = list_corpus(corpus_dir)
    report.notes.extend(warnings)
    if not listing.files:
        raise CorpusError(f"no articles (.txt, .md, .html) in {corpus_dir}")
    loaded = load_documents(listing, report, progress)
    docs = [doc for doc, _ in loaded]
    if not docs:
        raise CorpusError(
            f"none of the {len(listing.files)} files in {corpus_dir} could be "
            f"read as an article: " + "; ".join(report.skipped[:3])
        )
    t1 = time.perf_counter()
    punkt = train_punkt(doc.raw[s.start : s.end] for doc in docs for p in doc.paragraphs for s in p)
    passages, sentences = segment(docs, SentenceSplitter(punkt))
    t2 = time.perf_counter()
    sent_tokens = []
    for i, s in enumerate(sentences):
        if i % 4096 == 0:
            progress("tokenizing", i, len(sentences))
        sent_tokens.append(tokens.analyze(s.text))
    progress("tokenizing", len(sentences), len(sentences))
    passage_tokens = [
        [t for sid in range(p.first_sent, p.last_sent) for t in sent_tokens[sid]] for p in passages
    ]
    t3 = time.perf_counter()
    progress("indexing", 0, 1)
    postings = fit(passage_tokens, params)
    sent_df = np.zeros(len(postings.vocab), dtype=np.int32)
    for toks in sent_tokens:
        for t in set(toks):
            sent_df[postings.vocab[t]] += 1
    texts = [s.text.encode("utf-8") for s in sentences]
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=offsets[1:])
    report.articles, report.passages = len(docs), len(passages)
    report.sentences, report.terms = len(sentences), len(postings.vocab)
    data = IndexData(
        params={
            "format": index_store.FORMAT,
            "format_version": index_store.FORMAT_VERSION,
            "settings": expected_settings(params),
            "corpus": {
                "folder": str(listing.folder),
                "listing_fingerprint": listing_fingerprint(listing),
                "content_fingerprint": content_fingerprint(listing),
                "files": len(listing.files),
            },
            "counts": {
                "articles": report.articles,
                "passages": report.passages,
                "sentences": report.sentences,
                "terms": report.terms,
            },
            "skipped": report.skipped,
            "notes": report.notes,
            "punkt": punkt_to_json(punkt),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
        docs=tuple(DocEntry(d.doc_id, d.meta, sha) for d, sha in loaded),
        passages=np.array(
            [[p.doc_id, p.start, p.end, p.first_sent, p.last_sent] for p in passages],
            dtype=np.int64,
        ).reshape(-1, 5),
        sentences=np.array(
            [
                [s.doc_id, s.passage_id, s.start, s.end, _joins(docs, sentences, i)]
                for i, s in enumerate(sentences)
            ],
            dtype=np.int64,
        ).reshape(-1, 5),
        sent_text=b"".join(texts),
        sent_text_offsets=offsets,
        postings=postings,
        sent_df=sent_df,
    )
    t4 = time.perf_counter()
    report.path = index_store.save(index_dir, data)
    progress("indexing", 1, 1)
    report.seconds = {
        "read+clean": t1 - t0,
        "segment": t2 - t1,
        "tokenize": t3 - t2,
        "index": t4 - t3,
        "save": time.perf_counter() - t4,
    }
    return report


def _joins(docs: list[CleanDoc], sentences: list[Sentence], i: int) -> int:
    """1 when sentence i follows sentence i-1 with only whitespace between them, so the
    two can be quoted as one verbatim span."""
    if i == 0 or sentences[i - 1].doc_id != sentences[i].doc_id:
        return 0
    prev, cur = sentences[i - 1], sentences[i]
    return int(not docs[cur.doc_id].raw[prev.end : cur.start].strip())


def check_fresh(data: IndexData, corpus_dir: Path) -> None:
    """Raise IndexMismatch when `data` was built with other settings or another corpus."""
    params = data.params
    if params.get("settings") != expected_settings():
        raise IndexMismatch("index was built with other tokenizer or BM25 settings")
    listing, _ = list_corpus(corpus_dir)
    corpus = params.get("corpus", {})
    if corpus.get("listing_fingerprint") == listing_fingerprint(listing):
        return
    if corpus.get("content_fingerprint") != content_fingerprint(listing):
        raise IndexMismatch("the corpus changed since the index was built")


def open_index(
    corpus_dir: Path,
    index_dir: Path,
    notify: Callable[[str], None],
    progress: Progress = _no_progress,
) -> IndexData:
    """Open the index for `corpus_dir`, rebuilding it first when needed."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    try:
        data = index_store.load(index_dir)
        check_fresh(data, corpus_dir)
        return data
    except IndexMissing:
        notify(f"Building the index for {corpus_dir} (first run)…")
    except IndexMismatch as exc:
        notify(f"Rebuilding the index: {exc}.")
    except IndexCorrupt as exc:
        notify(f"Rebuilding the index: {exc}.")
    report = build_index(corpus_dir, index_dir, progress)
    for line in report.skipped:
        notify(f"skipped {line}")
    try:
        return index_store.load(index_dir)
    except IndexError_ as exc:  # pragma: no cover - we just wrote it
        raise IndexCorrupt(f"the index just built cannot be read: {exc}") from exc
