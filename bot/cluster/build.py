"""Building a sharded index on a Ray cluster (`python -m bot index --cluster ADDR`).

The work splits as it does in a local build, with Ray tasks in place of local processes:
1. every slice of the corpus is read, cleaned, segmented and tokenized by a task on
   whichever node is free (the corpus folder must be visible to every node);
2. the driver (this process) merges the slices in file order, so every global id is
   the one a local build gives, and reduces the global statistics: each term's passage
   frequency, N and the average passage length, hence the IDF;
3. with the sentence encoder, one embedding actor per node embeds chunks of sentences;
4. one task per shard fits that shard's BM25 weights with the global statistics and
   writes its folder (arrays, checksums) into the new build.
The build folder is switched in by `CURRENT`, atomically, as a local build is; the
layout is in `layout.py`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..index.fresh import expected_settings
from ..index.postings import BM25Params
from ..indexer.builder import BuildOptions, BuildReport, Job, build_params, start_build, write_error
from ..indexer.merge import Merger, merge_batches
from ..indexer.vectors import passage_vectors
from ..indexer.weights import GlobalStats
from ..indexer.workers import Batch, Ingestor
from ..indexer.writer import BuildFolder
from ..ingest.corpus import CorpusListing
from ..ingest.segment import punkt_to_json
from ..progress import Progress, no_progress
from ..retrieval import Encoder
from . import layout
from .connect import get
from .embed import embed_on_nodes
from .merged import Corpus
from .shards import write_shards

TEXT_TMP = ".sent_text.all"  # the merged sentence text, sliced into shards, then deleted


def build_cluster(
    corpus_dir: Path,
    index_dir: Path,
    shards: int,
    replicas: int,
    progress: Progress = no_progress,
    encoder: Encoder | None = None,
    params: BM25Params | None = None,
    options: BuildOptions | None = None,
) -> BuildReport:
    """Build `shards` shards of the corpus into `<index_dir>/cluster/` on the connected
    Ray cluster. `replicas` is recorded for serving. Progress stages are a local build's,
    plus "writing shards"."""
    params = params or BM25Params()
    options = options or BuildOptions()
    report, listing, punkt, t0 = start_build(corpus_dir)
    out = index_dir / layout.SUBDIR
    job = Job(listing, punkt, corpus_dir, out, progress, params, 0, options, encoder)
    try:
        return _build(job, report, shards, replicas, t0)
    except OSError as exc:
        raise write_error(exc, out) from exc


def _build(job: Job, report: BuildReport, shards: int, replicas: int, t0: float) -> BuildReport:
    listing, progress = job.listing, job.progress
    with BuildFolder(job.index_dir) as build:
        with build.open_binary(TEXT_TMP) as text_out:
            batches = _ray_batches(listing, punkt_to_json(job.punkt), job.options)
            total = len(listing.files)
            merged = merge_batches(batches, total, job.corpus_dir, progress, report, text_out)
        t1 = time.perf_counter()
        progress("indexing", 0, 1)
        corpus = Corpus.of(merged, build.path / TEXT_TMP)
        stats = corpus.stats(job.params)
        vectors = _embed(corpus, job.encoder, progress, report) if job.encoder else None
        doc_shards = np.array(
            [layout.shard_of(e.meta.doc, shards) for e in merged.entries], dtype=np.int64
        )
        parts = layout.plan(doc_shards, corpus.passages, corpus.sentences, shards)
        encoder = job.encoder.settings if job.encoder is not None else None
        settings = expected_settings(job.params, encoder)
        write_shards(build, corpus, parts, merged.entries, stats, vectors, job, settings)
        os.unlink(build.path / TEXT_TMP)
        report.articles, report.passages = len(merged.entries), len(corpus.passages)
        report.sentences, report.terms = len(corpus.sentences), len(merged.vocab)
        _write_global(build, merged, corpus, stats, doc_shards)
        digests = {e.meta.doc: e.sha256 for e in merged.entries}
        meta = build_params(listing, report, job, digests, merged.stats)
        meta["format"] = layout.FORMAT
        meta["cluster"] = {"shards": shards, "replicas": replicas}
        meta["files"] = build.checksums()
        build.write_json("params.json", meta)
        t2 = time.perf_counter()
        report.path = build.commit()
    progress("indexing", 1, 1)
    report.seconds = {"read+clean+split+tokenize": t1 - t0, "index": t2 - t1}
    return report


def _ingest(
    folder: Path, metadata: dict[str, Any], punkt: dict[str, Any], names: list[str], key: int
) -> Batch:
    """One slice of the corpus, on a node (a Ray task). `key` names the slice's own
    vocabulary for the merge: every task starts a fresh one."""
    batch = Ingestor(folder, metadata, punkt).run(names)
    batch.worker = key
    return batch


def _ray_batches(
    listing: CorpusListing, punkt: dict[str, Any], options: BuildOptions
) -> Iterator[Batch]:
    """Slices of the corpus ingested by Ray tasks, yielded in file order."""
    import ray

    task = ray.remote(num_cpus=1, max_retries=2)(_ingest)
    names = list(listing.files)
    size = options.batch_files
    folder, metadata = listing.folder, ray.put(listing.metadata)
    refs = [
        task.remote(folder, metadata, punkt, names[i : i + size], -1 - i // size)
        for i in range(0, len(names), size)
    ]
    for ref in refs:
        yield get(ref, "reading the corpus")


def _embed(
    corpus: Corpus, encoder: Encoder, progress: Progress, report: BuildReport
) -> tuple[NDArray[np.float16], NDArray[np.float16]]:
    """Every sentence's vector, embedded by one actor per node, and every passage's."""
    sent_vec = embed_on_nodes(corpus.texts(), encoder, progress, report)
    return sent_vec, passage_vectors(sent_vec, corpus.passages)


def _write_global(
    build: BuildFolder,
    merged: Merger,
    corpus: Corpus,
    stats: GlobalStats,
    doc_shards: NDArray[np.int64],
) -> None:
    """The global table the answering process holds (its Lexicon, and where each
    passage lives)."""
    terms = [""] * len(merged.vocab)
    for term, tid in merged.vocab.items():
        terms[tid] = term
    build.write_json("vocab.json", terms)
    build.write_array("idf", stats.idf)
    build.write_array("passage_df", corpus.passage_df)
    build.write_array("sent_df", merged.sent_df())
    build.write_array("doc_shard", doc_shards.astype(np.int16))
    build.write_array("passage_shard", doc_shards[corpus.passages[:, 0]].astype(np.int16))
    total_terms = int(corpus.ptr[-1])
    build.write_json(
        "lexicon.json", {"n_sentences": len(corpus.sentences), "total_terms": total_terms}
    )
    build.write_docs(merged.entries)
