"""Turning a batch of article files into index rows: the part of a build that runs in
parallel worker processes.

Each worker reads, cleans, splits and tokenizes its files and returns plain numpy arrays
with term ids from its *own* vocabulary, plus the terms it added since its last batch.
The parent (`builder.py`) maps those local ids to global ones with one numpy indexing
operation, so nothing per token crosses the process boundary as a Python object.
"""

from __future__ import annotations

import os
import signal
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..index.checksum import doc_key, sentence_check
from ..index.folder import close_inherited_locks
from ..ingest import tokens
from ..ingest.article import load_article
from ..ingest.segment import SentenceSplitter, punkt_from_json, segment_document
from ..records import DocMeta


@dataclass
class Batch:
    """Rows for a batch of files. Doc, passage and sentence ids are local to the batch."""

    worker: int
    new_terms: list[str]  # the worker's vocabulary additions, in local-id order
    docs: list[tuple[DocMeta, str]] = field(default_factory=list)  # (metadata, sha256)
    stats: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # size, mtime, ctime
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    passages: NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 5), np.int64))
    sentences: NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 5), np.int64))
    text: bytes = b""
    text_lens: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    sent_check: NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, np.uint64))
    tok_lens: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    tok_ids: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    # Sentence document frequencies of the batch: local term ids and in how many of the
    # batch's sentences each occurs (counted here, so the parent only adds them up).
    sent_terms: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    sent_counts: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))


class Ingestor:
    """One process's state: its vocabulary, chunk cache and sentence splitter."""

    def __init__(self, folder: Path, metadata: dict[str, DocMeta], punkt: dict[str, Any]) -> None:
        self.folder = folder
        self.metadata = metadata
        self.splitter = SentenceSplitter(punkt_from_json(punkt))
        self.vocab: dict[str, int] = {}
        self.chunk_ids = tokens.ChunkIds(self.vocab)
        self._reported = 0  # how many vocabulary entries earlier batches already sent

    def run(self, names: list[str]) -> Batch:
        passages, sentences = array("q"), array("q")
        text = bytearray()
        text_lens, tok_lens, checks = array("q"), array("q"), array("Q")
        tok_ids, sent_terms = array("i"), array("i")
        batch = Batch(worker=os.getpid(), new_terms=[])
        to_ids = self.chunk_ids.ids
        for name in names:
            loaded = load_article(self.folder, name, len(batch.docs), self.metadata)
            if isinstance(loaded, str):
                batch.skipped.append(f"{name}: {loaded}")
                continue
            doc, art = loaded
            if art.decode_note:
                batch.notes.append(f"{name}: {art.decode_note}")
            batch.notes.extend(f"{name}: {note}" for note in art.notes)  # metadata dropped
            doc_id = doc.doc_id
            key = doc_key(doc.meta, art.sha256)  # what docs.jsonl will say of it
            ps, ss = segment_document(doc, self.splitter, len(passages) // 5, len(sentences) // 5)
            base = len(sentences) // 5
            for p in ps:
                passages.extend((doc_id, p.start, p.end, p.first_sent, p.last_sent))
                # Its headings count as the passage's words for ranking, never as a sentence.
                context = to_ids(p.context) if p.context else []
                tok_ids.extend(context)
                n_tokens = len(context)
                for s in ss[p.first_sent - base : p.last_sent - base]:
                    ids = to_ids(s.text)
                    tok_ids.extend(ids)
                    sent_terms.extend(set(ids))
                    n_tokens += len(ids)
                    local = s.sent_id - base
                    # joins_prev: only whitespace since the previous sentence of this
                    # article, so the two can be quoted as one verbatim span.
                    joins = local > 0 and not doc.raw[ss[local - 1].end : s.start].strip()
                    sentences.extend((doc_id, s.passage_id, s.start, s.end, int(joins)))
                    encoded = s.text.encode("utf-8")
                    text += encoded
                    text_lens.append(len(encoded))
                    checks.append(sentence_check(key, s.start, s.end, encoded, joins))
                tok_lens.append(n_tokens)
            batch.docs.append((doc.meta, art.sha256))
            batch.stats[name] = (art.size, art.mtime_ns, art.ctime_ns)
        batch.new_terms = self._new_terms()
        batch.passages = np.frombuffer(passages, dtype=np.int64).reshape(-1, 5).copy()
        batch.sentences = np.frombuffer(sentences, dtype=np.int64).reshape(-1, 5).copy()
        batch.text = bytes(text)
        batch.text_lens = np.frombuffer(text_lens, dtype=np.int64).copy()
        batch.sent_check = np.frombuffer(checks, dtype=np.uint64).copy()
        batch.tok_lens = np.frombuffer(tok_lens, dtype=np.int64).copy()
        batch.tok_ids = np.frombuffer(tok_ids, dtype=np.int32).copy()
        batch.sent_terms, batch.sent_counts = np.unique(
            np.frombuffer(sent_terms, dtype=np.int32), return_counts=True
        )
        return batch

    def _new_terms(self) -> list[str]:
        new = self.chunk_ids.terms[self._reported :]
        self._reported += len(new)
        return new


_WORKER: Ingestor | None = None


def init_worker(folder: Path, metadata: dict[str, DocMeta], punkt: dict[str, Any]) -> None:
    global _WORKER
    close_inherited_locks()
    # Ctrl-C is the parent's to handle: it prints one line and exits 130, and the pool's
    # context manager ends the workers - without each printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = Ingestor(folder, metadata, punkt)


def run_batch(names: list[str]) -> Batch:
    if _WORKER is None:  # pragma: no cover - init_worker always runs first
        raise RuntimeError("ingest worker not initialised")
    return _WORKER.run(names)
