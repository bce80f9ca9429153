"""The index on disk: a folder of plain, versioned files, switched into place atomically.

    index/
      CURRENT                 name of the live build folder (replaced atomically)
      build-<stamp>/
        params.json           format version, settings, corpus fingerprint, counts, Punkt
        docs.jsonl            one article per line: file name, title, publisher, date, sha256
        passages.npy          int64 [P, 5]: doc_id, start, end, first_sent, last_sent
        sentences.npy         int64 [S, 5]: doc_id, passage_id, start, end, joins_prev
        sent_text.bin         UTF-8 sentence texts, back to back
        sent_text_offsets.npy int64 [S + 1]: byte offsets into sent_text.bin
        vocab.json            terms, in term-id order
        postings_*.npy        term-major CSR of BM25 weights (indptr, indices, weights)
        idf.npy, doc_len.npy, sent_df.npy
        impact_*.npy          common terms' heaviest postings, by weight (ptr, ids, neg_weights)
        dense_terms.npy, dense_tf.npy   tf of the most common terms in every passage

A build is written to a fresh folder and only then named in CURRENT (os.replace), so a
crash or a full disk mid-build leaves the previous index in use; the writing side is
`bot/build/writer.py`, this module only reads. Arrays are loaded with
mmap_mode="r": opening is cheap and nothing is refitted. No pickle anywhere
(`allow_pickle=False`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import IndexCorrupt, IndexMismatch, IndexMissing
from ..records import DocMeta
from .postings import Impact, Postings, okapi_norm

FORMAT = "newsqa-index"
FORMAT_VERSION = 3  # v3: impact_*.npy and dense_*.npy (exact pruning, see impact.py)
POINTER = "CURRENT"


@dataclass(frozen=True)
class DocEntry:
    doc_id: int
    meta: DocMeta
    sha256: str


@dataclass(frozen=True)
class IndexData:
    params: dict[str, Any]
    docs: tuple[DocEntry, ...]
    passages: NDArray[np.int64]
    sentences: NDArray[np.int64]
    sent_text: bytes | memoryview | NDArray[np.uint8]
    sent_text_offsets: NDArray[np.int64]
    postings: Postings
    sent_df: NDArray[np.int32]

    def sentence_text(self, sent_id: int) -> str:
        lo, hi = int(self.sent_text_offsets[sent_id]), int(self.sent_text_offsets[sent_id + 1])
        return bytes(self.sent_text[lo:hi]).decode("utf-8")

    @property
    def n_sentences(self) -> int:
        return int(self.sentences.shape[0])


def current_build(index_dir: Path) -> Path:
    pointer = index_dir / POINTER
    if not pointer.exists():
        raise IndexMissing(f"no index in {index_dir}")
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"unreadable {pointer}: {exc}") from exc
    folder = index_dir / name
    if not name.startswith("build-") or "/" in name or not folder.is_dir():
        raise IndexCorrupt(f"{pointer} names a missing build ({name!r})")
    return folder


def read_params(index_dir: Path) -> dict[str, Any]:
    folder = current_build(index_dir)
    try:
        params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorrupt(f"unreadable params.json: {exc}") from exc
    if not isinstance(params, dict) or params.get("format") != FORMAT:
        raise IndexMismatch("not a newsqa index")
    if params.get("format_version") != FORMAT_VERSION:
        raise IndexMismatch(
            f"index format v{params.get('format_version')}, this version reads v{FORMAT_VERSION}"
        )
    return params


def load(index_dir: Path) -> IndexData:
    """Open the live build. Raises IndexMissing / IndexMismatch / IndexCorrupt."""
    params = read_params(index_dir)
    folder = current_build(index_dir)
    try:
        docs = tuple(_read_docs(folder / "docs.jsonl"))
        arr = {
            # np.asarray: a plain ndarray view of the mapping. np.memmap's subclass hooks
            # cost microseconds on every slice, and a query takes thousands of slices.
            name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False))
            for name in (
                "passages",
                "sentences",
                "sent_text_offsets",
                "postings_indptr",
                "postings_indices",
                "postings_weights",
                "idf",
                "doc_len",
                "sent_df",
                "impact_ptr",
                "impact_ids",
                "impact_neg_weights",
                "dense_terms",
                "dense_tf",
            )
        }
        terms = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        bm25_params = params["settings"]["bm25"]
        k1 = float(bm25_params["k1"])
        norm = okapi_norm(arr["doc_len"], k1, float(bm25_params["b"]))
        text_path = folder / "sent_text.bin"
        sent_text: NDArray[np.uint8] | bytes = (
            np.memmap(text_path, dtype=np.uint8, mode="r") if text_path.stat().st_size else b""
        )
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise IndexCorrupt(f"unreadable index files in {folder.name}: {exc}") from exc
    data = IndexData(
        params=params,
        docs=docs,
        passages=arr["passages"],
        sentences=arr["sentences"],
        sent_text=sent_text,
        sent_text_offsets=arr["sent_text_offsets"],
        postings=Postings(
            vocab={t: i for i, t in enumerate(terms)},
            indptr=arr["postings_indptr"],
            indices=arr["postings_indices"],
            weights=arr["postings_weights"],
            idf=arr["idf"],
            doc_len=arr["doc_len"],
            n_passages=int(arr["passages"].shape[0]),
            impact=Impact(
                ptr=arr["impact_ptr"],
                ids=arr["impact_ids"],
                neg_weights=arr["impact_neg_weights"],
                dense_terms=arr["dense_terms"],
                dense_tf=arr["dense_tf"],
                norm=norm,
                k1=k1,
            ),
        ),
        sent_df=arr["sent_df"],
    )
    _check_shapes(data, params)
    return data


def _read_docs(path: Path) -> list[DocEntry]:
    out = []
    lines = path.read_text(encoding="utf-8").splitlines()
    # One JSON array instead of a parse call per line: a third of the time at 100k articles.
    for row in json.loads("[" + ",".join(lines) + "]"):
        meta = DocMeta(
            doc=row["doc"],
            title=row["title"],
            publisher=row["publisher"],
            published=row["published"],
            byline=row["byline"],
            url=row.get("url"),
        )
        out.append(DocEntry(int(row["doc_id"]), meta, row["sha256"]))
    return out


def _check_shapes(d: IndexData, params: dict[str, Any]) -> None:
    """Catch truncation that np.load with mmap cannot (files cut between arrays)."""
    counts = params.get("counts", {})
    p, s, v = d.passages.shape[0], d.sentences.shape[0], len(d.postings.vocab)
    ok = (
        counts.get("passages") == p
        and counts.get("sentences") == s
        and counts.get("articles") == len(d.docs)
        and counts.get("terms") == v
        and d.passages.shape == (p, 5)
        and d.sentences.shape == (s, 5)
        and d.sent_text_offsets.shape == (s + 1,)
        and (s == 0 or int(d.sent_text_offsets[-1]) == len(d.sent_text))
        and d.postings.indptr.shape == (v + 1,)
        and int(d.postings.indptr[-1]) == d.postings.indices.shape[0] == d.postings.weights.shape[0]
        and d.postings.idf.shape == (v,)
        and d.sent_df.shape == (v,)
        and d.postings.doc_len.shape == (p,)
        and d.postings.impact.ptr.shape == (v + 1,)
        and int(d.postings.impact.ptr[-1])
        == d.postings.impact.ids.shape[0]
        == d.postings.impact.neg_weights.shape[0]
        and d.postings.impact.dense_tf.shape == (len(d.postings.impact.dense_terms), p)
    )
    if not ok:
        raise IndexCorrupt("index files disagree with params.json (truncated or mixed builds)")
