"""Sentence and passage vectors of a build, embedded once and reused by content.

Every sentence is embedded when the index is built (never at query time: on these CPUs a
sentence costs ~10-20 ms). A passage's vector is the mean of its sentences' (made unit
again), which costs nothing more. Both are stored as float16, which keeps cosines to
about 1e-3 and halves the size (768 bytes a sentence).

Reuse: each build also stores `sent_keys.npy`, a digest of every sentence's text and the
encoder's settings. The next build (under the same build lock) reads the live build's
keys and vectors, so a rebuild after adding one article embeds only that article's
sentences, and nothing is stored twice. A live build that is missing, foreign, lexical
or damaged is simply not reused.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import IndexError_
from ..index.folder import current_build
from ..progress import Progress
from ..retrieval import Encoder
from .writer import BuildFolder

CHUNK = 256  # sentences per progress step


def digests(texts: Sequence[str], settings: dict[str, Any]) -> NDArray[np.uint8]:
    """16-byte BLAKE2 digests of (encoder settings, text), one row per text."""
    salt = json.dumps(settings, sort_keys=True).encode() + b"\0"
    out = np.empty((len(texts), 16), dtype=np.uint8)
    for i, t in enumerate(texts):
        digest = hashlib.blake2b(salt + t.encode("utf-8"), digest_size=16).digest()
        out[i] = np.frombuffer(digest, dtype=np.uint8)
    return out


def _live_vectors(index_dir: Path, settings: dict[str, Any]) -> tuple[dict[bytes, int], Any]:
    """The live build's sentence vectors by key, when it was made with this encoder."""
    try:
        folder = current_build(index_dir)
        params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
        if params.get("settings", {}).get("encoder") != settings:
            return {}, None
        keys = np.load(folder / "sent_keys.npy", allow_pickle=False)
        vecs = np.load(folder / "sent_vec.npy", mmap_mode="r", allow_pickle=False)
        if keys.dtype != np.uint8 or keys.ndim != 2 or len(keys) != len(vecs):
            return {}, None
    except (IndexError_, OSError, ValueError, AttributeError):
        return {}, None
    return {bytes(k): i for i, k in enumerate(keys)}, vecs


def embed_sentences(
    texts: Sequence[str], encoder: Encoder, index_dir: Path, progress: Progress
) -> tuple[NDArray[np.float16], NDArray[np.uint8]]:
    """Unit vectors of `texts` (float16 [n, dim]), from the live build where it has them,
    and their keys."""
    settings = encoder.settings
    keys = digests(texts, settings)
    known, cached = _live_vectors(index_dir, settings)
    out = np.zeros((len(texts), int(settings["dim"])), dtype=np.float16)
    # Rows of each sentence not in the live build, by its key: a sentence that appears
    # more than once (one wire story in several outlets, a recurring line) is embedded once.
    missing: dict[bytes, list[int]] = {}
    for i, k in enumerate(keys):
        row = known.get(bytes(k))
        if row is None:
            missing.setdefault(bytes(k), []).append(i)
        else:
            out[i] = cached[row]
    todo = list(missing.values())
    progress("embedding", 0, len(todo))
    for lo in range(0, len(todo), CHUNK):
        groups = todo[lo : lo + CHUNK]
        vectors = encoder.encode([texts[rows[0]] for rows in groups]).astype(np.float16)
        for rows, vector in zip(groups, vectors, strict=True):
            out[rows] = vector
        progress("embedding", min(lo + CHUNK, len(todo)), len(todo))
    return out, keys


def passage_vectors(
    sent_vec: NDArray[np.float16], passages: NDArray[np.int64]
) -> NDArray[np.float16]:
    """Each passage's vector: the mean of its sentences', made unit again."""
    out = np.zeros((len(passages), sent_vec.shape[1]), dtype=np.float32)
    for p, (first, last) in enumerate(passages[:, 3:5]):
        if last > first:
            out[p] = sent_vec[first:last].astype(np.float32).mean(0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    unit: NDArray[np.float16] = (out / np.maximum(norms, 1e-12)).astype(np.float16)
    return unit


def write_vectors(
    build: BuildFolder,
    encoder: Encoder,
    index_dir: Path,
    progress: Progress,
    offsets: NDArray[np.int64],
    passages: NDArray[np.int64],
) -> None:
    """Every sentence's vector (from the live build where it can) and every passage's, into
    the build (the sentence texts are read back from its sent_text.bin)."""
    with open(build.path / "sent_text.bin", "rb") as fh:
        blob = fh.read()
    texts = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets.tolist())]
    sent_vec, keys = embed_sentences(texts, encoder, index_dir, progress)
    build.write_array("sent_vec", sent_vec)
    build.write_array("sent_keys", keys)  # what the next build reuses
    build.write_array("passage_vec", passage_vectors(sent_vec, passages))
