"""Writing a cluster build's shards: one Ray task per shard fits its BM25 weights with
the corpus-wide statistics and writes its folder, checksums included (`layout.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..index.postings import BM25Params
from ..index.store import DocEntry
from ..indexer.builder import BuildOptions, Job
from ..indexer.weights import GlobalStats, fit_arrays
from ..indexer.writer import BuildFolder, FolderWriter
from . import layout
from .connect import get
from .merged import Corpus


def write_shards(
    build: BuildFolder,
    corpus: Corpus,
    parts: list[layout.ShardSlice],
    entries: list[DocEntry],
    stats: GlobalStats,
    vectors: tuple[NDArray[np.float16], NDArray[np.float16]] | None,
    job: Job,
    settings: dict[str, Any],
) -> None:
    """One Ray task per shard: its weights fitted with the global statistics, its folder
    written with checksums."""
    import ray

    task = ray.remote(num_cpus=1, max_retries=2)(write_shard)
    refs = []
    for s, part in enumerate(parts):
        passages, sentences = layout.local_rows(
            part, corpus.passages, corpus.sentences, len(entries)
        )
        tok = layout.gather(corpus.ptr[part.passages], corpus.ptr[part.passages + 1])
        text = layout.gather(corpus.offsets[part.sentences], corpus.offsets[part.sentences + 1])
        lens = corpus.offsets[part.sentences + 1] - corpus.offsets[part.sentences]
        arrays: dict[str, NDArray[Any]] = {
            "passages": passages,
            "sentences": sentences,
            "tok_lens": corpus.ptr[part.passages + 1] - corpus.ptr[part.passages],
            "tok_ids": corpus.ids[tok],
            "text": corpus.text[text],
            "text_lens": lens,
            "sent_check": corpus.sent_check[part.sentences],
            "global_docs": part.docs,
            "global_passages": part.passages,
            "global_sentences": part.sentences,
        }
        if vectors is not None:
            arrays["sent_vec"] = vectors[0][part.sentences]
            arrays["passage_vec"] = vectors[1][part.passages]
        shard_entries = [
            DocEntry(i, entries[int(g)].meta, entries[int(g)].sha256)
            for i, g in enumerate(part.docs)
        ]
        meta = {
            "format": "newsqa-index",
            "settings": settings,
            "shard": {"index": s, "shards": len(parts), "avgdl": stats.avgdl},
        }
        path = build.subfolder(layout.shard_dir(s)).path
        refs.append(
            task.remote(
                path, arrays, shard_entries, corpus.vocab, stats, job.params, job.options, meta
            )
        )
    for s, ref in enumerate(refs):
        get(ref, f"writing shard {s}")
        job.progress("writing shards", s + 1, len(refs))


def write_shard(
    path: Path,
    arrays: dict[str, NDArray[Any]],
    entries: list[DocEntry],
    vocab: dict[str, int],
    stats: GlobalStats,
    params: BM25Params,
    options: BuildOptions,
    meta: dict[str, Any],
) -> None:
    """Fit one shard's postings with the corpus-wide statistics and write its folder (a
    Ray task; also callable in-process)."""
    from ..index.store import FORMAT_VERSION

    out = FolderWriter(path)
    ptr = np.zeros(len(arrays["tok_lens"]) + 1, dtype=np.int64)
    np.cumsum(arrays["tok_lens"], out=ptr[1:])
    ids = np.array(arrays["tok_ids"])  # Ray hands arrays over read-only; scipy sorts in place
    postings = fit_arrays(vocab, ptr, ids, params, pruning=options.pruning, stats=stats)
    out.write_postings(postings)
    offsets = np.zeros(len(arrays["text_lens"]) + 1, dtype=np.int64)
    np.cumsum(arrays["text_lens"], out=offsets[1:])
    with out.open_binary("sent_text.bin") as fh:
        fh.write(arrays["text"].tobytes())
    out.write_array("sent_text_offsets", offsets)
    for name in (
        "passages",
        "sentences",
        "sent_check",
        "global_docs",
        "global_passages",
        "global_sentences",
    ):
        out.write_array(name, arrays[name])
    out.write_array("sent_df", np.zeros(len(vocab), dtype=np.int32))  # the global table has it
    for name in ("sent_vec", "passage_vec"):
        if name in arrays:
            out.write_array(name, arrays[name])
    out.write_docs(entries)
    counts = {
        "articles": len(entries),
        "passages": len(arrays["passages"]),
        "sentences": len(arrays["sentences"]),
        "terms": len(vocab),
    }
    meta = {**meta, "format_version": FORMAT_VERSION, "counts": counts}
    meta["files"] = out.checksums()
    out.write_json("params.json", meta)
