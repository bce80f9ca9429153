"""Serving a cluster build: shard actors, and the router that is the answer stage's
`Retriever`.

Each shard is a Ray actor (`ShardServer`) that memory-maps its shard folder and answers
in global ids, so a hit comes back with its sentences and needs no second round trip.
Every shard has R replicas, named after the build and placed on different nodes where
there are enough; they are detached, so the next `ask` finds them running, and Ray
restarts a lost one where it can. The router sends each call to one replica of every
shard it needs, with a deadline; a call that fails or misses it goes to the next replica.
The merged ranking is score descending, then global passage id ascending: the tie rule
of `bm25.top_k`, so the cluster ranks exactly as one index does.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ClusterError
from ..records import DocMeta, Passage, Sentence
from ..retrieval import Hit
from .connect import alive_nodes

DEADLINE_S = 1.0  # a shard call slower than this goes to another replica
MAX_ROUNDS = 4  # tries per shard call, over its replicas, before giving up
PENALTY_S = 10.0  # a replica that failed or was late is tried last for this long
ACTOR_MEMORY = 2**20  # bytes of Ray's logical memory resource each shard actor reserves


class ShardServer:
    """One shard, opened once per actor (a Ray actor class; plain Python otherwise)."""

    def __init__(self, folder: str) -> None:
        from ..index.local import LocalRetriever
        from ..index.store import load_folder

        path = Path(folder)
        self.retriever = LocalRetriever(load_folder(path))
        self.docs = _ids(path, "global_docs")
        self.passages = _ids(path, "global_passages")
        self.sentences = _ids(path, "global_sentences")

    def ready(self) -> str:
        import ray

        return str(ray.get_runtime_context().get_node_id())

    # Results go back as plain tuples in global ids (`WireHit`): they cross the wire in
    # a fraction of the time the records take, and the router makes the records.
    def search(self, terms: Sequence[str], k: int, vector: Any = None) -> list[WireHit]:
        return [self._global(h) for h in self.retriever.search(terms, k, vector)]

    def hit(self, passage_id: int) -> WireHit:
        local = int(np.searchsorted(self.passages, passage_id))
        return self._global(self.retriever.hit(local))

    def previous(self, sent_id: int) -> WireSentence | None:
        local = int(np.searchsorted(self.sentences, sent_id))
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


def _ids(folder: Path, name: str) -> NDArray[np.int64]:
    arr = np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
    if arr.dtype != np.int64 or arr.ndim != 1:
        raise ValueError(f"{name}.npy is not an int64 vector")
    return np.asarray(arr)


def _family(build: Path) -> str:
    """The actor-name prefix of every build of one index folder: one cluster may serve
    several indexes, and a new build retires only its own folder's old actors."""
    where = str(build.parent.resolve()).encode("utf-8")
    return "newsqa-" + hashlib.blake2b(where, digest_size=6).hexdigest()


def actor_name(build: Path, shard: int, replica: int) -> str:
    return f"{_family(build)}-{build.name}-s{shard:03d}-r{replica}"


def start_replicas(build: Path, shards: int, replicas: int) -> list[list[Any]]:
    """The shard actors of `build`: found by name when they run, else started (detached,
    restarted by Ray when lost), replica r of shard s preferring node (s + r) mod nodes."""
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    nodes = alive_nodes()
    if not nodes:
        raise ClusterError("the Ray cluster has no live node")
    server: Any = ray.remote(ShardServer)
    out: list[list[Any]] = []
    for s in range(shards):
        row = []
        for r in range(replicas):
            node = nodes[(s + r) % len(nodes)]
            row.append(
                server.options(
                    name=actor_name(build, s, r),
                    get_if_exists=True,
                    lifetime="detached",
                    max_restarts=-1,
                    max_task_retries=0,  # the router retries, on another replica
                    # No core: they wait on memory-mapped files, and a build's tasks need
                    # every core. A small memory reservation instead, so that the
                    # scheduler accounts for them: with nothing reserved at all, Ray 2.60
                    # once put every replica on one node despite the soft preference.
                    num_cpus=0,
                    memory=ACTOR_MEMORY,
                    scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=True),
                ).remote(str(build / f"shard-{s:03d}"))
            )
        out.append(row)
    return out


def retire(build: Path) -> None:
    """Stop the shard actors of the other builds of `build`'s index folder (after it is
    switched in)."""
    import ray
    from ray.util import list_named_actors

    family, mine = _family(build) + "-", f"{_family(build)}-{build.name}-"
    for name in list_named_actors():
        if name.startswith(family) and not name.startswith(mine):
            with contextlib.suppress(ValueError):  # already gone
                ray.kill(ray.get_actor(name))


@dataclass
class Router:
    """The `Retriever` of a cluster build: fans out to the shards, merges their hits."""

    replicas: list[list[Any]]  # [shard][replica] actor handles
    passage_shard: NDArray[np.int16]  # by global passage id
    doc_shard: NDArray[np.int16]  # by global doc id
    docs: tuple[DocMeta, ...]
    deadline_s: float = DEADLINE_S
    _turn: itertools.count[int] = field(default_factory=itertools.count)
    # (shard, replica) -> until when it is tried last: a lost node's replicas are not
    # asked first again while Ray restarts them elsewhere
    _penalty: dict[tuple[int, int], float] = field(default_factory=dict)

    def documents(self) -> list[DocMeta]:
        return list(self.docs)

    def search(self, terms: Sequence[str], k: int, vector: Any = None) -> list[Hit]:
        shards = range(len(self.replicas))
        found = self._calls({s: ("search", (list(terms), k, vector)) for s in shards})
        # Merged on the wire tuples (score, then global passage id); only the k kept are
        # made into records.
        wires = sorted((h for s in shards for h in found[s]), key=lambda h: (-h[3], h[0][0]))
        return [from_wire(h, self.docs) for h in wires[:k]]

    def hit(self, passage_id: int) -> Hit:
        s = int(self.passage_shard[passage_id])
        return from_wire(self._calls({s: ("hit", (passage_id,))})[s], self.docs)

    def previous(self, sentence: Sentence) -> Sentence | None:
        s = int(self.doc_shard[sentence.doc_id])
        prev = self._calls({s: ("previous", (sentence.sent_id,))})[s]
        return Sentence(*prev) if prev is not None else None

    def _calls(self, calls: dict[int, tuple[str, tuple[Any, ...]]]) -> dict[int, Any]:
        """Each shard's call, on one replica each; a failed or late call goes to the next
        replica, until MAX_ROUNDS tries have failed."""
        import ray

        turn = next(self._turn)
        tries = dict.fromkeys(calls, 0)
        pending: dict[Any, tuple[int, int]] = {}  # a call's ref -> (shard, replica)
        for s in calls:
            pending.update(self._send(s, turn, calls[s]))
        start = time.monotonic()
        try:  # the usual case, in one call: every replica answers in time
            got = ray.get(list(pending), timeout=self.deadline_s)
            return {s: value for (s, _), value in zip(pending.values(), got, strict=True)}
        except (ray.exceptions.RayError, TimeoutError):
            pass  # which calls failed or are late: those go to the next replica
        results: dict[int, Any] = {}
        # What is left of this round's deadline (nothing, when the get above timed out).
        budget = max(0.0, self.deadline_s - (time.monotonic() - start))
        while pending:
            refs = list(pending)
            ready, late = ray.wait(refs, num_returns=len(refs), timeout=budget)
            budget = self.deadline_s  # each later round waits a whole deadline
            for ref in ready:
                s, r = pending.pop(ref)
                try:
                    results[s] = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    retry = self._retry(s, r, tries, turn, calls[s], type(exc).__name__)
                    pending.update(retry)
            for ref in late:
                s, r = pending.pop(ref)
                with contextlib.suppress(Exception):  # cancelling a lost call is best effort
                    ray.cancel(ref)
                pending.update(self._retry(s, r, tries, turn, calls[s], "no answer in time"))
        return results

    def _retry(
        self,
        s: int,
        failed: int,
        tries: dict[int, int],
        turn: int,
        call: tuple[str, Any],
        problem: str,
    ) -> dict[Any, tuple[int, int]]:
        self._penalty[(s, failed)] = time.monotonic() + PENALTY_S
        tries[s] += 1
        if tries[s] >= MAX_ROUNDS:
            raise ClusterError(f"no replica of shard {s} answered ({problem})")
        return self._send(s, turn + tries[s], call)

    def _send(
        self, s: int, turn: int, call: tuple[str, tuple[Any, ...]]
    ) -> dict[Any, tuple[int, int]]:
        """Call the shard's replica whose turn it is, passing over penalised ones:
        {the call's ref: (shard, replica)}."""
        row = self.replicas[s]
        now = time.monotonic()
        order = [(turn + i) % len(row) for i in range(len(row))]
        r = next((r for r in order if self._penalty.get((s, r), 0.0) <= now), order[0])
        method, args = call
        return {getattr(row[r], method).remote(*args): (s, r)}
