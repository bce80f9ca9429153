"""Building the index: corpus folder -> cleaned documents -> passages -> sentences -> BM25.

`build_index` is the separate, explicit step (`python -m bot index`); `bot.opening` calls
it when the saved index is missing, stale, foreign or corrupt.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import IndexWriteError
from ..index import store
from ..index.fresh import content_fingerprint, expected_settings, listing_fingerprint
from ..index.postings import PRUNING, BM25Params, Pruning
from ..ingest.article import load_article
from ..ingest.corpus import CorpusListing, list_corpus, no_articles
from ..ingest.segment import punkt_to_json, train_punkt
from ..progress import Progress, no_progress
from ..retrieval import Encoder
from .merge import merge_batches
from .vectors import write_vectors
from .weights import fit_arrays
from .workers import Batch, Ingestor, init_worker, run_batch
from .writer import BuildFolder

if TYPE_CHECKING:  # nltk is imported only through bot.ingest, which keeps scipy out of it
    from nltk.tokenize.punkt import PunktParameters


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


def punkt_sample(listing: CorpusListing, limit: int = 400_000) -> Iterator[str]:
    """Body text of the first articles, for training Punkt (it needs only a sample)."""
    size = 0
    for name in listing.files:
        loaded = load_article(listing.folder, name, 0, listing.metadata)
        if isinstance(loaded, str):
            continue  # the build itself reports why
        doc = loaded[0]
        for para in doc.paragraphs:
            for span in para:
                size += span.end - span.start
                yield doc.raw[span.start : span.end]
        if size >= limit:
            return


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs; what it builds never depends on these."""

    workers: int | None = None  # ingest processes (default: the cores, at most 4)
    parallel_min_files: int = 400  # below this, worker start-up costs more than it saves
    batch_files: int = 64  # files per batch handed to a worker
    pruning: Pruning = PRUNING


def _batches(
    listing: CorpusListing, punkt: PunktParameters, workers: int, options: BuildOptions
) -> Iterator[Batch]:
    """Batches of ingested files, in file order; in worker processes for big corpora."""
    names = list(listing.files)
    size = options.batch_files
    chunks = [names[i : i + size] for i in range(0, len(names), size)]
    args = (listing.folder, listing.metadata, punkt_to_json(punkt))
    if workers <= 1 or len(names) < options.parallel_min_files:
        ingestor = Ingestor(*args)
        yield from map(ingestor.run, chunks)
        return
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(workers, initializer=init_worker, initargs=args) as pool:
        # imap keeps file order, and each worker's batches arrive in the order it made
        # them, which is what lets the parent follow each worker's vocabulary.
        yield from pool.imap(run_batch, chunks, chunksize=1)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    progress: Progress = no_progress,
    params: BM25Params | None = None,
    workers: int | None = None,
    options: BuildOptions | None = None,
    encoder: Encoder | None = None,
) -> BuildReport:
    """Read, clean, split, tokenize and index the corpus, streaming batches of articles
    (in parallel on big corpora) into a new build folder that replaces the old index
    only when complete. `progress` hears every stage: "reading + tokenizing" after each
    batch, then "indexing" (0 of 1) once every article is read, "embedding" (sentences
    embedded of those not in the vector cache) when there is an `encoder`, and
    "indexing" (1 of 1) when the new build is in place. Without an encoder the index is
    lexical: words only."""
    params = params or BM25Params()
    options = options or BuildOptions()
    workers = workers if workers is not None else options.workers
    workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
    report, listing, punkt, t0 = start_build(corpus_dir)
    try:
        job = Job(
            listing, punkt, corpus_dir, index_dir, progress, params, workers, options, encoder
        )
        return _build(job, report, t0)
    except OSError as exc:  # writing failed: disk full, read-only folder, file in the way
        raise write_error(exc, index_dir) from exc


def start_build(corpus_dir: Path) -> tuple[BuildReport, CorpusListing, PunktParameters, float]:
    """What every build (local or on a cluster) starts from: its report, the corpus
    listing, the Punkt parameters trained on a sample, and the start time."""
    report = BuildReport()
    t0 = time.perf_counter()
    listing, warnings = list_corpus(corpus_dir)
    report.notes.extend(warnings)
    report.skipped.extend(listing.skipped)
    if not listing.files:
        raise no_articles(corpus_dir)
    return report, listing, train_punkt(punkt_sample(listing)), t0


def write_error(exc: OSError, index_dir: Path) -> IndexWriteError:
    return IndexWriteError(
        f"cannot write the index in {index_dir}: {exc.strerror or exc} (any previous "
        "index there is unchanged)"
    )


@dataclass(frozen=True)
class Job:
    """One build's inputs."""

    listing: CorpusListing
    punkt: PunktParameters
    corpus_dir: Path
    index_dir: Path
    progress: Progress
    params: BM25Params
    workers: int
    options: BuildOptions
    encoder: Encoder | None


def _build(job: Job, report: BuildReport, t0: float) -> BuildReport:
    listing, progress, params = job.listing, job.progress, job.params
    with BuildFolder(job.index_dir) as build:
        with build.open_binary("sent_text.bin") as text_out:
            batches = _batches(listing, job.punkt, job.workers, job.options)
            total = len(listing.files)
            merged = merge_batches(batches, total, job.corpus_dir, progress, report, text_out)
        t1 = time.perf_counter()
        progress("indexing", 0, 1)
        ptr = np.zeros(merged.n_passages + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(merged.tok_lens, dtype=np.int64), out=ptr[1:])
        ids = np.frombuffer(merged.token_ids, np.int32)
        postings = fit_arrays(merged.vocab, ptr, ids, params, pruning=job.options.pruning)
        del merged.token_ids
        report.articles, report.passages = len(merged.entries), merged.n_passages
        report.sentences, report.terms = merged.n_sentences, len(postings.vocab)
        offsets = np.zeros(merged.n_sentences + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(merged.text_lens, dtype=np.int64), out=offsets[1:])
        build.write_postings(postings)
        build.write_array("sent_df", merged.sent_df())
        build.write_array("passages", np.frombuffer(merged.passages, np.int64).reshape(-1, 5))
        build.write_array("sentences", np.frombuffer(merged.sentences, np.int64).reshape(-1, 5))
        build.write_array("sent_text_offsets", offsets)
        build.write_array("sent_check", np.frombuffer(merged.sent_check, np.uint64))
        if job.encoder is not None:
            passages = np.frombuffer(merged.passages, np.int64).reshape(-1, 5)
            write_vectors(build, job.encoder, job.index_dir, progress, offsets, passages)
        build.write_docs(merged.entries)
        digests = {e.meta.doc: e.sha256 for e in merged.entries}
        meta = build_params(listing, report, job, digests, merged.stats)
        meta["files"] = build.checksums()  # every file but params.json itself
        build.write_json("params.json", meta)
        t2 = time.perf_counter()
        report.path = build.commit()
    progress("indexing", 1, 1)
    report.seconds = {
        "read+clean+split+tokenize": t1 - t0,
        "index": t2 - t1,
        "commit": time.perf_counter() - t2,
    }
    return report


def build_params(
    listing: CorpusListing,
    report: BuildReport,
    job: Job,
    digests: dict[str, str],
    stats: dict[str, tuple[int, int, int]],
) -> dict[str, Any]:
    encoder = job.encoder.settings if job.encoder is not None else None
    return {
        "format": store.FORMAT,
        "format_version": store.FORMAT_VERSION,
        "settings": expected_settings(job.params, encoder),
        "corpus": {
            "folder": str(listing.folder),
            "listing_fingerprint": listing_fingerprint(listing, stats),
            "content_fingerprint": content_fingerprint(listing, digests),
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
        "punkt": punkt_to_json(job.punkt),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
