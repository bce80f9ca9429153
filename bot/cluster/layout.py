"""Which shard holds what, and each shard's slice of the corpus's arrays. Pure numpy.

A cluster build is one build folder (switched in by `CURRENT`, like a local build) in
`<index>/cluster/`:

    build-<stamp>/
      params.json          format newsqa-cluster: settings, corpus fingerprints, counts,
                           Punkt, {"cluster": shards, replicas}, every file's checksum
      docs.jsonl           every article, with its global id
      vocab.json, idf.npy, passage_df.npy, sent_df.npy, lexicon.json
                           the global table the answering process's Lexicon reads
      passage_shard.npy    int16 [P]: the shard of each global passage id
      doc_shard.npy        int16 [D]: the shard of each article
      shard-000/ ...       one local-format build each (`bot.index.store.load_folder`
                           opens it), holding its articles' passages, sentences, text,
                           postings and vectors, plus global_{docs,passages,sentences}.npy:
                           the global id of each of its local ids

A shard's BM25 weights are computed with the corpus-wide IDF and average length
(`weights.GlobalStats`), so they are bit for bit the unsharded index's; its postings
carry the global term ids (its vocab.json is the global one).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FORMAT = "newsqa-cluster"
SUBDIR = "cluster"  # inside the index folder: a local index and a cluster index can coexist
MAX_SHARDS = 1024
MAX_REPLICAS = 16  # copies of each shard: a manifest asking for more is damaged


def shard_dir(s: int) -> str:
    return f"shard-{s:03d}"


def shard_of(doc: str, shards: int) -> int:
    """The shard of an article: its file name's stable hash (the same on every machine
    and Python, unlike hash())."""
    digest = hashlib.blake2b(doc.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


@dataclass(frozen=True)
class ShardSlice:
    """The global ids one shard holds, ascending (so local order is global order)."""

    docs: NDArray[np.int64]
    passages: NDArray[np.int64]
    sentences: NDArray[np.int64]


def plan(
    doc_shards: NDArray[np.int64],
    passages: NDArray[np.int64],
    sentences: NDArray[np.int64],
    shards: int,
) -> list[ShardSlice]:
    """Each shard's global ids: an article's passages and sentences go with it."""
    p_shard = doc_shards[passages[:, 0]]
    s_shard = doc_shards[sentences[:, 0]]
    return [
        ShardSlice(
            np.flatnonzero(doc_shards == s).astype(np.int64),
            np.flatnonzero(p_shard == s).astype(np.int64),
            np.flatnonzero(s_shard == s).astype(np.int64),
        )
        for s in range(shards)
    ]


def local_rows(
    part: ShardSlice,
    passages: NDArray[np.int64],
    sentences: NDArray[np.int64],
    n_docs: int,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The shard's passages.npy and sentences.npy rows, renumbered to its local ids."""
    local_doc = _inverse(part.docs, n_docs)
    local_passage = _inverse(part.passages, len(passages))
    local_sentence = _inverse(part.sentences, len(sentences))
    p = passages[part.passages].copy()
    p[:, 0] = local_doc[p[:, 0]]
    p[:, 3] = local_sentence[p[:, 3]]
    p[:, 4] = local_sentence[p[:, 4] - 1] + 1  # [first, last): last is one past a sentence
    s = sentences[part.sentences].copy()
    s[:, 0] = local_doc[s[:, 0]]
    s[:, 1] = local_passage[s[:, 1]]
    return p, s


def gather(starts: NDArray[np.int64], ends: NDArray[np.int64]) -> NDArray[np.int64]:
    """The positions [starts[i], ends[i]) of every i, back to back (vectorised)."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=np.int64)


def _inverse(ids: NDArray[np.int64], size: int) -> NDArray[np.int64]:
    out = np.full(size, -1, dtype=np.int64)
    out[ids] = np.arange(len(ids), dtype=np.int64)
    return out
