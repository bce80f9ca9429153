"""The parent's side of a build: every batch of ingested files merged, in file order,
into global ids and compact arrays (local and cluster builds alike)."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol

import numpy as np
from numpy.typing import NDArray

from ..errors import CorpusError
from ..index.store import DocEntry
from ..progress import Progress
from .workers import Batch


class Report(Protocol):
    """Where a merge puts what it skipped and noted (the builder's BuildReport)."""

    skipped: list[str]
    notes: list[str]


class Merger:
    """The parent's side of a build: global ids for every batch, in compact arrays."""

    def __init__(self, text_out: BinaryIO) -> None:
        self.vocab: dict[str, int] = {}
        self._local: dict[int, NDArray[np.int32]] = {}  # worker -> local id -> global id
        self.token_ids = array("i")  # passage-major global term ids
        self.tok_lens = array("q")
        self.passages = array("q")
        self.sentences = array("q")
        self.text_lens = array("q")
        self.sent_check = array("Q")
        self.text_out = text_out
        self.entries: list[DocEntry] = []
        self.stats: dict[str, tuple[int, int, int]] = {}  # size, mtime, ctime before reading
        self._sent_df = np.zeros(0, dtype=np.int64)
        self.n_passages = 0
        self.n_sentences = 0

    def add(self, b: Batch, report: Report) -> None:
        report.skipped.extend(b.skipped)
        report.notes.extend(b.notes)
        vocab = self.vocab
        fresh = np.array([vocab.setdefault(t, len(vocab)) for t in b.new_terms], np.int32)
        mapping = np.concatenate([self._local.get(b.worker, np.zeros(0, np.int32)), fresh])
        self._local[b.worker] = mapping
        doc_base, p_base, s_base = len(self.entries), self.n_passages, self.n_sentences
        self.token_ids.frombytes(mapping[b.tok_ids].tobytes())
        if len(vocab) > len(self._sent_df):  # grow by doubling: amortised, not per batch
            grown = np.zeros(max(len(vocab), 2 * len(self._sent_df)), dtype=np.int64)
            grown[: len(self._sent_df)] = self._sent_df
            self._sent_df = grown
        self._sent_df[mapping[b.sent_terms]] += b.sent_counts  # distinct ids: no lost adds
        p = b.passages.copy()
        p[:, 0] += doc_base
        p[:, 3:5] += s_base
        s = b.sentences.copy()
        s[:, 0] += doc_base
        s[:, 1] += p_base
        self.passages.frombytes(p.tobytes())
        self.sentences.frombytes(s.tobytes())
        self.tok_lens.frombytes(b.tok_lens.tobytes())
        self.text_lens.frombytes(b.text_lens.tobytes())
        self.sent_check.frombytes(b.sent_check.tobytes())
        self.text_out.write(b.text)
        self.stats.update(b.stats)
        for meta, sha in b.docs:
            self.entries.append(DocEntry(len(self.entries), meta, sha))
        self.n_passages += len(p)
        self.n_sentences += len(s)

    def sent_df(self) -> NDArray[np.int32]:
        out = np.zeros(len(self.vocab), dtype=np.int32)
        out[: len(self._sent_df)] = self._sent_df[: len(self.vocab)]
        return out


def merge_batches(
    batches: Iterable[Batch],
    total: int,
    corpus_dir: Path,
    progress: Progress,
    report: Report,
    text_out: BinaryIO,
) -> Merger:
    """Every batch, in file order, merged into global ids (sentence texts to `text_out`),
    with "reading + tokenizing" progress. Raises CorpusError when no file was an article."""
    merged = Merger(text_out)
    done = 0
    for batch in batches:
        merged.add(batch, report)
        done += len(batch.docs) + len(batch.skipped)
        progress("reading + tokenizing", done, total)
    if not merged.entries:
        raise CorpusError(
            f"none of the {total} files in {corpus_dir} could be read as "
            "an article: " + "; ".join(report.skipped[:3])
        )
    return merged
