"""Embedding a cluster build's sentences: one encoder actor per node, chunks spread
over them (embedding is the slowest stage of a build: ~100 sentences/s per two cores)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..errors import ClusterError
from ..indexer.builder import BuildReport
from ..indexer.vectors import CHUNK
from ..progress import Progress
from ..retrieval import Encoder
from .connect import alive_nodes, get


class Embedder:
    """A Ray actor holding one copy of the encoder on its node. It is given the encoder's
    class, not the encoder (a loaded model does not travel): the class is made with no
    arguments on the node, and must give the same settings (the same model)."""

    def __init__(self, kind: type[Encoder], settings: dict[str, Any]) -> None:
        self.encoder = kind()
        if self.encoder.settings != settings:
            raise ValueError("the encoder on this node is not the one the build uses")
        self.sentences, self.seconds = 0, 0.0

    def encode(self, texts: Sequence[str]) -> NDArray[np.float16]:
        t = time.perf_counter()
        out = self.encoder.encode(list(texts)).astype(np.float16)
        self.seconds += time.perf_counter() - t
        self.sentences += len(texts)
        return out

    def rate(self) -> tuple[str, int, float]:
        import ray

        return ray.get_runtime_context().get_node_id(), self.sentences, self.seconds


def embed_on_nodes(
    texts: Sequence[str], encoder: Encoder, progress: Progress, report: BuildReport
) -> NDArray[np.float16]:
    """Unit vectors of `texts`, in chunks spread over one embedding actor per node; each
    node's sentences/s goes into the report's notes."""
    unique = list(dict.fromkeys(texts))  # a repeated sentence (wire copy) is embedded once
    if len(unique) < len(texts):
        row = {text: i for i, text in enumerate(unique)}
        vectors = embed_on_nodes(unique, encoder, progress, report)
        return vectors[np.fromiter((row[t] for t in texts), np.int64, len(texts))]
    import ray
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    nodes = alive_nodes()
    actor: Any = ray.remote(num_cpus=1)(Embedder)
    try:
        actors: list[Any] = [
            actor.options(scheduling_strategy=NodeAffinitySchedulingStrategy(n, soft=True)).remote(
                type(encoder), encoder.settings
            )
            for n in nodes
        ]
    except TypeError as exc:  # the encoder's class cannot be sent to the nodes
        raise ClusterError(f"cannot send the sentence encoder to the cluster: {exc}") from exc
    out = np.zeros((len(texts), int(encoder.settings["dim"])), dtype=np.float16)
    chunks = [(lo, min(lo + CHUNK, len(texts))) for lo in range(0, len(texts), CHUNK)]
    pending: dict[Any, tuple[int, int]] = {}
    done = 0
    progress("embedding", 0, len(texts))
    for i, (lo, hi) in enumerate(chunks):
        pending[actors[i % len(actors)].encode.remote(texts[lo:hi])] = (lo, hi)
        while len(pending) >= 2 * len(actors) or (i == len(chunks) - 1 and pending):
            [ready], _ = ray.wait(list(pending), num_returns=1)
            lo_r, hi_r = pending.pop(ready)
            out[lo_r:hi_r] = get(ready, "embedding sentences")
            done += hi_r - lo_r
            progress("embedding", done, len(texts))
    for node, n, seconds in ray.get([a.rate.remote() for a in actors]):
        rate = n / seconds if seconds else 0.0
        report.notes.append(f"embedding: node {node[:8]} {n} sentences, {rate:.0f} sentences/s")
    for a in actors:
        ray.kill(a)
    return out
