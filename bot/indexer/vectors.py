"""Sentence and passage vectors of a build, embedded once and cached by content.

Every sentence is embedded when the index is built (never at query time: on these CPUs a
sentence costs ~10-20 ms). A passage's vector is the mean of its sentences' (made unit
again), which costs nothing more. Both are stored as float16, which keeps cosines to
about 1e-3 and halves the size (768 bytes a sentence).

The cache: `<index>/.vectors/` holds the last build's vectors keyed by a digest of each
sentence's text and the encoder's settings, so a rebuild after adding one article embeds
only that article's sentences. It is written after a build, atomically (a new folder
renamed over the old), and holds only the current corpus's sentences, so it never grows
past the index itself. A missing, foreign or damaged cache is simply not used.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..progress import Progress
from ..retrieval import Encoder
from .writer import BuildFolder

CACHE = ".vectors"
CHUNK = 256  # sentences per progress step


def digests(texts: Sequence[str], settings: dict[str, Any]) -> NDArray[np.uint8]:
    """16-byte BLAKE2 digests of (encoder settings, text), one row per text."""
    salt = json.dumps(settings, sort_keys=True).encode() + b"\0"
    out = np.empty((len(texts), 16), dtype=np.uint8)
    for i, t in enumerate(texts):
        digest = hashlib.blake2b(salt + t.encode("utf-8"), digest_size=16).digest()
        out[i] = np.frombuffer(digest, dtype=np.uint8)
    return out


def _load_cache(folder: Path, settings: dict[str, Any]) -> tuple[dict[bytes, int], Any]:
    try:
        if json.loads((folder / "encoder.json").read_text(encoding="utf-8")) != settings:
            return {}, None
        keys = np.load(folder / "keys.npy", allow_pickle=False)
        vecs = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
        if keys.dtype != np.uint8 or keys.ndim != 2 or len(keys) != len(vecs):
            return {}, None
    except (OSError, ValueError):
        return {}, None
    return {bytes(k): i for i, k in enumerate(keys)}, vecs


def _save_cache(
    index_dir: Path, keys: NDArray[np.uint8], vecs: NDArray[np.float16], settings: dict[str, Any]
) -> None:
    tmp = index_dir / f".vectors-tmp-{os.getpid()}"
    final = index_dir / CACHE
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        np.save(tmp / "keys.npy", keys, allow_pickle=False)
        np.save(tmp / "vectors.npy", vecs, allow_pickle=False)
        (tmp / "encoder.json").write_text(json.dumps(settings, sort_keys=True), encoding="utf-8")
        old = index_dir / f".vectors-old-{os.getpid()}"
        if final.exists():
            final.rename(old)
        tmp.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    except OSError:  # a cache is only a saving: a full disk must not fail the build
        shutil.rmtree(tmp, ignore_errors=True)


def embed_sentences(
    texts: Sequence[str], encoder: Encoder, index_dir: Path, progress: Progress
) -> NDArray[np.float16]:
    """Unit vectors of `texts` (float16 [n, dim]), from the cache where it has them."""
    settings = encoder.settings
    keys = digests(texts, settings)
    known, cached = _load_cache(index_dir / CACHE, settings)
    out = np.zeros((len(texts), int(settings["dim"])), dtype=np.float16)
    missing = []
    for i, k in enumerate(keys):
        row = known.get(bytes(k))
        if row is None:
            missing.append(i)
        else:
            out[i] = cached[row]
    progress("embedding", 0, len(missing))
    for lo in range(0, len(missing), CHUNK):
        rows = missing[lo : lo + CHUNK]
        out[rows] = encoder.encode([texts[i] for i in rows]).astype(np.float16)
        progress("embedding", min(lo + CHUNK, len(missing)), len(missing))
    _save_cache(index_dir, keys, out, settings)
    return out


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
    """Every sentence's vector (from the cache where it can) and every passage's, into
    the build (the sentence texts are read back from its sent_text.bin)."""
    with open(build.path / "sent_text.bin", "rb") as fh:
        blob = fh.read()
    texts = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets.tolist())]
    sent_vec = embed_sentences(texts, encoder, index_dir, progress)
    build.write_array("sent_vec", sent_vec)
    build.write_array("passage_vec", passage_vectors(sent_vec, passages))
