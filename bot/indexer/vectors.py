"""Sentence and passage vectors of a build, embedded once and reused by content.

Every sentence is embedded when the index is built (never at query time: on these CPUs a
sentence costs ~10-20 ms). A passage's vector is the mean of its sentences' (made unit
again), which costs nothing more. Both are stored as float16, which keeps cosines to
about 1e-3 and halves the size (768 bytes a sentence).

Reuse: each build also stores `sent_keys.npy`, a digest of every sentence's text and the
encoder's settings. The next build (under the same build lock) reads the live build's
keys and vectors, so a rebuild after adding one article embeds only that article's
sentences, and nothing is stored twice. A live build that is missing, foreign, lexical
or damaged is simply not reused, and no vector is reused whose key is not its sentence's.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import IndexError_
from ..index.folder import current_build
from ..index.integrity import file_digest
from ..index.store import DAMAGED
from ..progress import Progress
from ..retrieval import Encoder
from ..safe_io import read_regular
from .writer import BuildFolder

CHUNK = 256  # sentences per progress step
MAX_PARAMS_BYTES = 64 * 1024 * 1024


def digests(texts: Sequence[str], settings: dict[str, Any]) -> NDArray[np.uint8]:
    """16-byte BLAKE2 digests of (encoder settings, text), one row per text."""
    salt = json.dumps(settings, sort_keys=True).encode() + b"\0"
    out = np.empty((len(texts), 16), dtype=np.uint8)
    for i, t in enumerate(texts):
        digest = hashlib.blake2b(salt + t.encode("utf-8"), digest_size=16).digest()
        out[i] = np.frombuffer(digest, dtype=np.uint8)
    return out


def _live_vectors(index_dir: Path, settings: dict[str, Any]) -> tuple[dict[bytes, int], Any]:
    """The live build's sentence vectors by key, when it was made with this encoder, only
    from files that pass their checks, and key by key: a row is reused only when its key
    is the digest of that build's own sentence text and its vector is finite and of unit
    length. A build marked damaged, a file that is not regular (a named pipe would block
    the build for ever), of another size or checksum than params.json records, or of
    another shape or dtype, gives nothing to reuse: those sentences are embedded anew."""
    try:
        folder = current_build(index_dir)
        if os.path.lexists(folder / DAMAGED):
            return {}, None
        raw, _ = read_regular(folder / "params.json", MAX_PARAMS_BYTES)
        params = json.loads(raw)
        if params.get("settings", {}).get("encoder") != settings:
            return {}, None
        for name in ("sent_keys.npy", "sent_vec.npy", "sent_text.bin", "sent_text_offsets.npy"):
            _check_file(folder / name, params["files"][name])
        keys = np.load(folder / "sent_keys.npy", allow_pickle=False)
        vecs = np.load(folder / "sent_vec.npy", mmap_mode="r", allow_pickle=False)
        offsets = np.load(folder / "sent_text_offsets.npy", allow_pickle=False)
        blob = (folder / "sent_text.bin").read_bytes()
    except (IndexError_, OSError, ValueError, AttributeError, KeyError, TypeError):
        return {}, None
    n, dim = len(keys), int(settings["dim"])
    if (
        keys.dtype != np.uint8 or keys.shape != (n, 16) or vecs.dtype != np.float16
        or vecs.shape != (n, dim) or offsets.dtype != np.int64 or offsets.shape != (n + 1,)
    ):  # fmt: skip
        return {}, None
    try:
        texts = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets.tolist())]
    except (UnicodeDecodeError, TypeError):
        return {}, None
    own = digests(texts, settings)
    norms = np.linalg.norm(np.asarray(vecs, dtype=np.float32), axis=1)
    good = (own == keys).all(axis=1) & np.isfinite(norms) & (np.abs(norms - 1) < 0.05)
    return {bytes(k): i for i, k in enumerate(keys) if good[i]}, vecs


def _check_file(path: Path, record: dict[str, Any]) -> None:
    """A regular file of the size and BLAKE2 checksum params.json records (ValueError)."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode) or st.st_size != record["size"]:
        raise ValueError(f"{path.name}: not the file the build wrote")
    if file_digest(path) != record["blake2b"]:
        raise ValueError(f"{path.name}: checksum mismatch")


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
