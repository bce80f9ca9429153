"""Serving a cluster build: shard actors, and the router that is the answer stage's
`Retriever`.

The shards are grouped, one group per node (at most one per shard), and each group is a
Ray actor (`ShardHost`) that memory-maps its shards' folders and answers in global ids, so
a hit comes back with its sentences and needs no second round trip. Every group has R
replicas, named after the build and placed on different nodes where there are enough;
they are detached, so the next `ask` finds them running, and Ray restarts a lost one
where it can. The router sends each call to one replica of every group it needs, with a
deadline; a call that fails or misses it goes to the next replica. The merged ranking is
score descending, then global passage id ascending: the tie rule of `bm25.top_k`, so the
cluster ranks exactly as one index does.
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
from ..records import DocMeta, Sentence
from ..retrieval import Hit
from .connect import alive_nodes
from .layout import shard_dir
from .shard_server import ShardHost, from_wire, ranked

DEADLINE_S = 1.0  # a host call slower than this goes to another replica
MAX_ROUNDS = 4  # tries per host call, over its replicas, before giving up
PENALTY_S = 10.0  # a replica that failed or was late is tried last for this long
ACTOR_MEMORY = 2**20  # bytes of Ray's logical memory resource each host actor reserves


def _family(build: Path) -> str:
    """The actor-name prefix of every build of one index folder: one cluster may serve
    several indexes, and a new build retires only its own folder's old actors."""
    where = str(build.parent.resolve()).encode("utf-8")
    return "newsqa-" + hashlib.blake2b(where, digest_size=6).hexdigest()


def actor_name(build: Path, group: int, groups: int, replica: int) -> str:
    return f"{_family(build)}-{build.name}-g{group:03d}of{groups:03d}-r{replica}"


def groups_of(shards: int, nodes: int) -> list[list[int]]:
    """Shard s goes to group s mod G, with G the node count (at most the shard count):
    one call per node for a search, and every node busy with a share of the shards."""
    count = max(1, min(shards, nodes))
    return [list(range(g, shards, count)) for g in range(count)]


def start_replicas(build: Path, shards: int, replicas: int) -> tuple[list[list[Any]], list[int]]:
    """The host actors of `build` and each shard's group: found by name when they run,
    else started (detached, restarted by Ray when lost), replica r of group g preferring
    node (g + r) mod nodes."""
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    nodes = alive_nodes()
    if not nodes:
        raise ClusterError("the Ray cluster has no live node")
    groups = groups_of(shards, len(nodes))
    host: Any = ray.remote(ShardHost)
    out: list[list[Any]] = []
    for g, members in enumerate(groups):
        folders = [str(build / shard_dir(s)) for s in members]
        row = []
        for r in range(replicas):
            node = nodes[(g + r) % len(nodes)]
            row.append(
                host.options(
                    name=actor_name(build, g, len(groups), r),
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
                ).remote(folders)
            )
        out.append(row)
    group_of = [0] * shards
    for g, members in enumerate(groups):
        for s in members:
            group_of[s] = g
    return out, group_of


def retire(build: Path, keep: str | None = None) -> None:
    """Stop the shard actors of the other builds of `build`'s index folder (after it is
    switched in), but those of the build `keep` (the one it replaced: clients may still
    route to it until their next freshness check)."""
    import ray
    from ray.util import list_named_actors

    family = _family(build) + "-"
    spared = tuple(f"{family}{name}-" for name in (build.name, keep) if name)
    for name in list_named_actors():
        if name.startswith(family) and not name.startswith(spared):
            with contextlib.suppress(ValueError):  # already gone
                ray.kill(ray.get_actor(name))


@dataclass
class Router:
    """The `Retriever` of a cluster build: fans out to the hosts, merges their hits."""

    replicas: list[list[Any]]  # [group][replica] host actor handles
    group_of: list[int]  # by shard: the group that serves it
    passage_shard: NDArray[np.int16]  # by global passage id
    doc_shard: NDArray[np.int16]  # by global doc id
    docs: tuple[DocMeta, ...]
    deadline_s: float = DEADLINE_S
    folder: Path | None = None  # the cluster build it serves (for the freshness check)
    _turn: itertools.count[int] = field(default_factory=itertools.count)
    # (group, replica) -> until when it is tried last: a lost node's replicas are not
    # asked first again while Ray restarts them elsewhere
    _penalty: dict[tuple[int, int], float] = field(default_factory=dict)

    def documents(self) -> list[DocMeta]:
        return list(self.docs)

    def search(self, terms: Sequence[str], k: int, vector: Any = None) -> list[Hit]:
        groups = range(len(self.replicas))
        found = self._calls({g: ("search", (list(terms), k, vector)) for g in groups})
        # Merged on the wire tuples; only the k kept are made into records.
        wires = ranked([h for g in groups for h in found[g]], k)
        return [from_wire(h, self.docs) for h in wires]

    def hit(self, passage_id: int) -> Hit:
        g = self.group_of[int(self.passage_shard[passage_id])]
        return from_wire(self._calls({g: ("hit", (passage_id,))})[g], self.docs)

    def previous(self, sentence: Sentence) -> Sentence | None:
        g = self.group_of[int(self.doc_shard[sentence.doc_id])]
        prev = self._calls({g: ("previous", (sentence.sent_id,))})[g]
        return Sentence(*prev) if prev is not None else None

    def _calls(self, calls: dict[int, tuple[str, tuple[Any, ...]]]) -> dict[int, Any]:
        """Each group's call, on one replica each; a failed or late call goes to the next
        replica, until MAX_ROUNDS tries have failed."""
        import ray

        turn = next(self._turn)
        tries = dict.fromkeys(calls, 0)
        pending: dict[Any, tuple[int, int]] = {}  # a call's ref -> (group, replica)
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
            raise ClusterError(f"no replica of shard group {s} answered ({problem})")
        return self._send(s, turn + tries[s], call)

    def _send(
        self, s: int, turn: int, call: tuple[str, tuple[Any, ...]]
    ) -> dict[Any, tuple[int, int]]:
        """Call the group's replica whose turn it is, passing over penalised ones:
        {the call's ref: (group, replica)}."""
        row = self.replicas[s]
        now = time.monotonic()
        order = [(turn + i) % len(row) for i in range(len(row))]
        r = next((r for r in order if self._penalty.get((s, r), 0.0) <= now), order[0])
        method, args = call
        return {getattr(row[r], method).remote(*args): (s, r)}
