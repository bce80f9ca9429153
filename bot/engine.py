"""The loaded index plus the lookups every interface needs (sources, passages, quotes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .index_store import IndexData
from .opening import Progress, open_index
from .records import DocMeta, Passage, Sentence


@dataclass(frozen=True)
class Engine:
    """A read-only view over one opened index. Safe to share between threads."""

    index: IndexData
    corpus_dir: Path

    @classmethod
    def open(
        cls,
        corpus_dir: Path,
        index_dir: Path,
        notify: Callable[[str], None],
        progress: Progress | None = None,
    ) -> Engine:
        kwargs = {"progress": progress} if progress else {}
        return cls(open_index(corpus_dir, index_dir, notify, **kwargs), corpus_dir)

    def doc(self, doc_id: int) -> DocMeta:
        return self.index.docs[doc_id].meta

    @property
    def documents(self) -> list[DocMeta]:
        return [d.meta for d in self.index.docs]

    def sentence(self, sent_id: int) -> Sentence:
        doc_id, pid, start, end, _ = (int(x) for x in self.index.sentences[sent_id])
        return Sentence(sent_id, doc_id, pid, start, end, self.index.sentence_text(sent_id))

    def joins_prev(self, sent_id: int) -> bool:
        """Sentence `sent_id` directly follows the previous one (only whitespace between)."""
        return bool(self.index.sentences[sent_id, 4])

    def passage(self, passage_id: int) -> Passage:
        doc_id, start, end, first, last = (int(x) for x in self.index.passages[passage_id])
        return Passage(passage_id, doc_id, start, end, first, last)

    def passage_sentences(self, passage_id: int) -> list[Sentence]:
        p = self.passage(passage_id)
        return [self.sentence(i) for i in range(p.first_sent, p.last_sent)]

    def passage_text(self, passage_id: int) -> str:
        return " ".join(s.text for s in self.passage_sentences(passage_id))
