"""What runs inside a shard actor: the shards of one host, answering in global ids.

A `ShardHost` is the Ray actor. It opens several shards (`ShardServer`, plain Python), so
the router makes one call per host rather than one per shard: measured on this machine a
Ray call costs the router 0.6-0.7 ms of its own time (1.2 ms to one actor, 2.9 ms to four
at once, with no work in them), and at a million passages that was most of the cluster's
extra latency. A host merges its shards' hits before they cross the wire, with the tie
rule of `bm25.top_k` (score descending, then global passage id ascending), so the router's
merge of hosts is the merge of every shard.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..records import DocMeta, Passage, Sentence
from ..retrieval import Hit

WireSentence = tuple[int, int, int, int, int, str]  # Sentence's fields, in order
WireHit = tuple[  # passage, sentences, before, score, reach, sims, passage_sim
    tuple[int, int, int, int, int, int],
    tuple[WireSentence, ...],
    tuple[WireSentence | None, ...],
    float,
    float,
    tuple[float, ...] | None,
    float | None,
]


def ranked(wires: list[WireHit], k: int) -> list[WireHit]:
    """The best k, score descending, then global passage id ascending."""
    return sorted(wires, key=lambda h: (-h[3], h[0][0]))[:k]


class ShardServer:
    """One shard's folder, memory-mapped, answering in global ids."""

    def __init__(self, folder: str) -> None:
        from ..index.local import LocalRetriever
        from ..index.store import load_folder

        path = Path(folder)
        self.retriever = LocalRetriever(load_folder(path))
        self.docs = _ids(path, "global_docs")
        self.passages = _ids(path, "global_passages")  # ascending (layout.plan)
        self.sentences = _ids(path, "global_sentences")

    # Results go back as plain tuples in global ids (`WireHit`): they cross the wire in
    # a fraction of the time the records take, and the router makes the records.
    def search(self, terms: Sequence[str], k: int, vector: Any = None) -> list[WireHit]:
        return [self._global(h) for h in self.retriever.search(terms, k, vector)]

    def local_passage(self, passage_id: int) -> int | None:
        """The shard's own id of a global passage id, None when another shard holds it."""
        return _local(self.passages, passage_id)

    def local_sentence(self, sent_id: int) -> int | None:
        return _local(self.sentences, sent_id)

    def hit(self, local: int) -> WireHit:
        return self._global(self.retriever.hit(local))

    def previous(self, local: int) -> WireSentence | None:
        prev = self.retriever.previous(self.retriever.sentence(local))
        return self._sentence(prev) if prev is not None else None

    def _global(self, h: Hit) -> WireHit:
        p = h.passage
        passage = (
            int(self.passages[p.passage_id]),
            int(self.docs[p.doc_id]),
            p.start,
            p.end,
            int(self.sentences[p.first_sent]),
            int(self.sentences[p.last_sent - 1]) + 1,
        )
        sentences = tuple(self._sentence(s) for s in h.sentences)
        before = tuple(self._sentence(b) if b is not None else None for b in h.before)
        return passage, sentences, before, h.score, h.reach, h.sims, h.passage_sim

    def _sentence(self, s: Sentence) -> WireSentence:
        sid, doc, pid = self.sentences[s.sent_id], self.docs[s.doc_id], self.passages[s.passage_id]
        return int(sid), int(doc), int(pid), s.start, s.end, s.text


class ShardHost:
    """The shards one actor serves (a Ray actor class; plain Python otherwise)."""

    def __init__(self, folders: Sequence[str]) -> None:
        self.shards = [ShardServer(f) for f in folders]

    def ready(self) -> str:
        import ray

        return str(ray.get_runtime_context().get_node_id())

    def search(self, terms: Sequence[str], k: int, vector: Any = None) -> list[WireHit]:
        return ranked([h for s in self.shards for h in s.search(terms, k, vector)], k)

    def hit(self, passage_id: int) -> WireHit:
        for shard in self.shards:
            local = shard.local_passage(passage_id)
            if local is not None:
                return shard.hit(local)
        raise KeyError(f"passage {passage_id} is in none of this host's shards")

    def previous(self, sent_id: int) -> WireSentence | None:
        for shard in self.shards:
            local = shard.local_sentence(sent_id)
            if local is not None:
                return shard.previous(local)
        raise KeyError(f"sentence {sent_id} is in none of this host's shards")


def from_wire(wire: WireHit, docs: Sequence[DocMeta]) -> Hit:
    p, sentences, before, score, reach, sims, passage_sim = wire
    passage = Passage(*p)
    return Hit(
        passage,
        docs[passage.doc_id],
        tuple(Sentence(*s) for s in sentences),
        tuple(Sentence(*b) if b is not None else None for b in before),
        score,
        reach,
        sims,
        passage_sim,
    )


def _local(ids: NDArray[np.int64], global_id: int) -> int | None:
    at = int(np.searchsorted(ids, global_id))
    return at if at < len(ids) and int(ids[at]) == global_id else None


def _ids(folder: Path, name: str) -> NDArray[np.int64]:
    arr = np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
    if arr.dtype != np.int64 or arr.ndim != 1:
        raise ValueError(f"{name}.npy is not an int64 vector")
    return np.asarray(arr)
