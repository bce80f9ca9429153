"""Building the index: corpus folder -> cleaned documents -> passages -> sentences -> BM25.

`build_index` is the separate, explicit step; `open_index` is what every command calls:
it opens the saved index and rebuilds it (with a one-line notice) when it is missing,
stale (the corpus changed), foreign (other format or settings) or corrupt.
"""

from __future__ import annotations

import hashlib
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from nltk.tokenize.punkt import PunktParameters
from numpy.typing import NDArray

from . import index_store, tokens
from .bm25 import BM25Params, fit_arrays
from .clean import clean_document
from .corpus import CorpusListing, list_corpus, read_article
from .errors import CorpusError, IndexCorrupt, IndexError_, IndexMismatch, IndexMissing
from .index_store import DocEntry, IndexData
from .records import CleanDoc, Passage, Sentence
from .segment import (
    PASSAGE_MAX_WORDS,
    PASSAGE_MIN_WORDS,
    SentenceSplitter,
    punkt_to_json,
    segment_document,
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


def _read(
    listing: CorpusListing, name: str, doc_id: int, report: BuildReport
) -> tuple[CleanDoc, str] | None:
    """Read and clean one file; a problem skips it with a reason in the report."""
    try:
        art = read_article(listing.folder, name)
    except (OSError, ValueError) as exc:
        report.skipped.append(f"{name}: {_reason(exc)}")
        return None
    if art.decode_note:
        report.notes.append(f"{name}: {art.decode_note}")
    doc = clean_document(doc_id, name, art.text, listing.metadata.get(name), art.decode_errors)
    if not doc.paragraphs:
        report.skipped.append(f"{name}: no article text after cleaning")
        return None
    return doc, art.sha256


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def _punkt_sample(listing: CorpusListing, limit: int = 2_000_000) -> Iterator[str]:
    """Body text of the first articles, for training Punkt (it needs only a sample)."""
    size = 0
    scratch = BuildReport()
    for name in listing.files:
        got = _read(listing, name, 0, scratch)
        if got is None:
            continue
        doc = got[0]
        for para in doc.paragraphs:
            for span in para:
                size += span.end - span.start
                yield doc.raw[span.start : span.end]
        if size >= limit:
            return


class _Collector:
    """Compact, growing arrays of everything the index holds, filled one document at a
    time, so memory stays proportional to the index rather than to Python objects."""

    SENT_DF_FLUSH = 4_000_000

    def __init__(self, text_out: BinaryIO) -> None:
        self.vocab: dict[str, int] = {}
        self.token_ids = array("i")  # passage-major term ids
        self.passage_ptr = array("q", [0])
        self.passages = array("q")  # rows of 5
        self.sentences = array("q")  # rows of 5
        self.text_offsets = array("q", [0])
        self.text_out = text_out
        self._sent_terms = array("i")
        self._sent_df = np.zeros(0, dtype=np.int64)
        self.n_passages = 0
        self.n_sentences = 0

    def add(self, doc: CleanDoc, passages: list[Passage], sentences: list[Sentence]) -> None:
        vocab = self.vocab
        for p in passages:
            self.passages.extend((p.doc_id, p.start, p.end, p.first_sent, p.last_sent))
            for s in sentences[p.first_sent - self.n_sentences : p.last_sent - self.n_sentences]:
                ids = [vocab.setdefault(t, len(vocab)) for t in tokens.analyze(s.text)]
                self.token_ids.extend(ids)
                self._sent_terms.extend(set(ids))
                local = s.sent_id - self.n_sentences
                # joins_prev: only whitespace since the previous sentence of this article,
                # so the two can be quoted as one verbatim span.
                joins = local > 0 and not doc.raw[sentences[local - 1].end : s.start].strip()
                self.sentences.extend((s.doc_id, s.passage_id, s.start, s.end, int(joins)))
                encoded = s.text.encode("utf-8")
                self.text_out.write(encoded)
                self.text_offsets.append(self.text_offsets[-1] + len(encoded))
            self.passage_ptr.append(len(self.token_ids))
        self.n_passages += len(passages)
        self.n_sentences += len(sentences)
        if len(self._sent_terms) >= self.SENT_DF_FLUSH:
            self._flush_sent_df()

    def _flush_sent_df(self) -> None:
        counts = np.bincount(
            np.frombuffer(self._sent_terms, dtype=np.int32), minlength=len(self.vocab)
        )
        grown = np.zeros(len(self.vocab), dtype=np.int64)
        grown[: len(self._sent_df)] = self._sent_df
        self._sent_df = grown + counts
        self._sent_terms = array("i")

    def sent_df(self) -> NDArray[np.int32]:
        self._flush_sent_df()
        return self._sent_df.astype(np.int32)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    progress: Progress = _no_progress,
    params: BM25Params | None = None,
) -> BuildReport:
    """Read, clean, split, tokenize and index the corpus, streaming one article at a time
    into a new build folder that replaces the old index only when complete."""
    params = params or BM25Params()
    report = BuildReport()
    t0 = time.perf_counter()
    listing, warnings = list_corpus(corpus_dir)
    report.notes.extend(warnings)
    if not listing.files:
        raise CorpusError(f"no articles (.txt, .md, .html) in {corpus_dir}")
    punkt = train_punkt(_punkt_sample(listing))
    splitter = SentenceSplitter(punkt)
    entries: list[DocEntry] = []
    with index_store.BuildFolder(index_dir) as build:
        with build.open_binary("sent_text.bin") as text_out:
            coll = _Collector(text_out)
            total = len(listing.files)
            for i, name in enumerate(listing.files):
                if i % 256 == 0:
                    progress("reading + tokenizing", i, total)
                got = _read(listing, name, len(entries), report)
                if got is None:
                    continue
                doc, sha = got
                passages, sentences = segment_document(
                    doc, splitter, coll.n_passages, coll.n_sentences
                )
                coll.add(doc, passages, sentences)
                entries.append(DocEntry(doc.doc_id, doc.meta, sha))
            progress("reading + tokenizing", total, total)
        if not entries:
            raise CorpusError(
                f"none of the {len(listing.files)} files in {corpus_dir} could "
                "be read as an article: " + "; ".join(report.skipped[:3])
            )
        t1 = time.perf_counter()
        progress("indexing", 0, 1)
        postings = fit_arrays(
            coll.vocab,
            np.frombuffer(coll.passage_ptr, dtype=np.int64),
            np.frombuffer(coll.token_ids, dtype=np.int32),
            params,
        )
        del coll.token_ids
        report.articles, report.passages = len(entries), coll.n_passages
        report.sentences, report.terms = coll.n_sentences, len(postings.vocab)
        build.write_postings(postings)
        build.write_array("sent_df", coll.sent_df())
        build.write_array("passages", np.frombuffer(coll.passages, dtype=np.int64).reshape(-1, 5))
        build.write_array("sentences", np.frombuffer(coll.sentences, dtype=np.int64).reshape(-1, 5))
        build.write_array("sent_text_offsets", np.frombuffer(coll.text_offsets, dtype=np.int64))
        build.write_docs(entries)
        build.write_json("params.json", _params(listing, report, params, punkt))
        t2 = time.perf_counter()
        report.path = build.commit()
    progress("indexing", 1, 1)
    report.seconds = {
        "read+clean+split+tokenize": t1 - t0,
        "index": t2 - t1,
        "commit": time.perf_counter() - t2,
    }
    return report


def _params(
    listing: CorpusListing, report: BuildReport, params: BM25Params, punkt: PunktParameters
) -> dict[str, Any]:
    return {
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
    }


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
