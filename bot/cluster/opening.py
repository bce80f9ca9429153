"""Opening a cluster build as an `Engine`: the same checks as a local index, then the
router over its shard actors and the global table as the `Lexicon`.

What the answering process holds is small: the vocabulary with its frequencies and IDF,
the article list, and one shard number per passage. Conversation memory stays here too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import (
    ClusterError,
    CorpusError,
    IndexCorrupt,
    IndexError_,
    IndexMismatch,
    IndexMissing,
)
from ..index.folder import build_lock, current_build, reading
from ..index.fresh import check_fresh_params
from ..index.integrity import check_files
from ..index.lexicon import VocabLexicon
from ..index.store import FORMAT_VERSION, read_docs
from ..ingest.corpus import check_folder
from ..progress import Progress, no_progress
from ..retrieval import Encoder, Engine
from ..safe_io import read_regular
from . import layout
from .connect import connect, get
from .serve import Router, retire, start_replicas

MAX_MANIFEST_BYTES = 16 * 1024 * 1024


def cluster_dir(index_dir: Path) -> Path:
    return index_dir / layout.SUBDIR


def open_cluster(
    address: str,
    corpus_dir: Path,
    index_dir: Path,
    notify: Callable[[str], None],
    progress: Progress = no_progress,
    encoder: Encoder | None = None,
) -> Engine:
    """The engine over the cluster build of `corpus_dir`, rebuilt on the cluster first
    when the corpus or the settings changed (with the shard and replica counts it had).
    Raises ClusterError, or IndexMissing when no cluster build exists yet."""
    check_folder(corpus_dir)
    connect(address)
    folder = _current(index_dir)
    params = read_manifest(folder)
    wanted = encoder.settings if encoder is not None else None
    try:
        check_fresh_params(params, corpus_dir, encoder=wanted)
    except IndexMismatch as exc:
        notify(f"Rebuilding the cluster index: {exc}.")
        shape = params["cluster"]
        build_on_cluster(
            address,
            corpus_dir,
            index_dir,
            shape["shards"],
            shape["replicas"],
            notify,
            progress,
            encoder,
        )
        folder = _current(index_dir)
        params = read_manifest(folder)
    return cluster_engine(folder, params, corpus_dir, encoder)


def build_on_cluster(
    address: str,
    corpus_dir: Path,
    index_dir: Path,
    shards: int,
    replicas: int,
    notify: Callable[[str], None],
    progress: Progress = no_progress,
    encoder: Encoder | None = None,
) -> Any:
    """Build under the cluster folder's build lock, then start the new build's actors and
    stop the old ones. Returns the BuildReport."""
    from .build import build_cluster

    check_folder(corpus_dir)
    connect(address)
    out = cluster_dir(index_dir)
    try:
        previous: Path | None = _current(index_dir)
    except IndexError_:
        previous = None
    with build_lock(out, notify):
        report = build_cluster(corpus_dir, index_dir, shards, replicas, progress, encoder)
    folder = _current(index_dir)
    actors, _ = start_replicas(folder, shards, replicas)
    get([a.ready.remote() for row in actors for a in row], "starting the shard actors")
    # The build just replaced keeps its actors: clients that route to it go on answering
    # and move to this one at their next freshness check (`cluster_stale_reason`). Older
    # builds, which no client has used since, are stopped.
    retire(folder, keep=previous.name if previous is not None else None)
    return report


def cluster_stale_reason(engine: Engine, index_dir: Path) -> str | None:
    """Why a long-lived client's cluster engine should move on (as `stale_reason` for a
    local one): the cluster folder switched to another build, or the corpus changed
    since its build. None when it is still the one to answer from."""
    folder = getattr(engine.retriever, "folder", None)
    if folder is None or engine.corpus_dir is None:
        return None
    try:
        current = _current(index_dir)
        if current.name != folder.name:
            return "the cluster index was rebuilt"
        wanted = engine.encoder.settings if engine.encoder is not None else None
        check_fresh_params(read_manifest(current), engine.corpus_dir, encoder=wanted)
    except IndexMismatch as exc:
        return str(exc)
    except (IndexError_, CorpusError):  # the folder is gone or unreadable for now
        return None
    return None


def verify_cluster(corpus_dir: Path, index_dir: Path, encoder: Encoder | None) -> str | None:
    """`index --check --cluster`: every file's checksum, the top folder's and each shard's,
    and freshness against the corpus. None when intact and fresh, else what is wrong."""
    from ..index.store import load_folder

    check_folder(corpus_dir)
    try:
        folder = _current(index_dir)
        params = read_manifest(folder)
        with reading(folder):
            check_files(folder, params, True)
        for s in range(params["cluster"]["shards"]):
            load_folder(folder / layout.shard_dir(s), verify=True)
        wanted = encoder.settings if encoder is not None else None
        check_fresh_params(params, corpus_dir, encoder=wanted, content=True)
    except IndexError_ as exc:
        return str(exc)
    return None


def _current(index_dir: Path) -> Path:
    try:
        return current_build(cluster_dir(index_dir))
    except IndexMissing as exc:
        raise IndexMissing(
            f"no cluster index in {cluster_dir(index_dir)}: build one with "
            "`python -m bot index --cluster ADDRESS --shards N`"
        ) from exc


def read_manifest(folder: Path) -> dict[str, Any]:
    """The cluster build's params.json, checked: its format, its shard folders."""
    try:  # a regular file only: a named pipe in its place would block the reader for ever
        raw, _ = read_regular(folder / "params.json", MAX_MANIFEST_BYTES)
        params = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise IndexCorrupt(f"unreadable cluster manifest in {folder.name}: {exc}") from exc
    if not isinstance(params, dict) or params.get("format") != layout.FORMAT:
        raise IndexMismatch(f"{folder.name} is not a cluster index")
    if params.get("format_version") != FORMAT_VERSION:
        raise IndexMismatch(
            f"cluster index format v{params.get('format_version')}, this reads v{FORMAT_VERSION}"
        )
    shape = params.get("cluster")
    shards = shape.get("shards") if isinstance(shape, dict) else None
    replicas = shape.get("replicas") if isinstance(shape, dict) else None
    if (
        not isinstance(shards, int)
        or not isinstance(replicas, int)
        or not 0 < shards <= layout.MAX_SHARDS
        or not 0 < replicas <= layout.MAX_REPLICAS  # each one an actor: never unbounded
    ):
        raise IndexCorrupt("the cluster manifest names no usable shard and replica counts")
    found = sorted(p.name for p in folder.glob("shard-*") if p.is_dir())
    if found != [layout.shard_dir(s) for s in range(shards)]:
        raise IndexCorrupt(
            f"the cluster manifest names {shards} shards, but {folder.name} holds {len(found)}"
        )
    return params


def _check_shard(folder: Path) -> None:
    """A shard's files as its params.json lists them: sizes always, checksums when small
    (as a local index is checked on open); a damaged shard is named."""
    from ..index.store import read_params

    try:
        with reading(folder):
            check_files(folder, read_params(folder), None)
    except IndexCorrupt as exc:
        raise IndexCorrupt(f"{folder.name}: {exc}") from exc


def cluster_engine(
    folder: Path, params: dict[str, Any], corpus_dir: Path, encoder: Encoder | None
) -> Engine:
    with reading(folder):
        check_files(folder, params, None)
        try:
            terms = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
            arr = {
                name: np.load(folder / f"{name}.npy", allow_pickle=False)
                for name in ("idf", "passage_df", "sent_df", "doc_shard", "passage_shard")
            }
            sizes = json.loads((folder / "lexicon.json").read_text(encoding="utf-8"))
            docs = tuple(d.meta for d in read_docs(folder / "docs.jsonl"))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise IndexCorrupt(f"unreadable cluster index files in {folder.name}: {exc}") from exc
    for s in range(params["cluster"]["shards"]):
        _check_shard(folder / layout.shard_dir(s))
    lexicon = VocabLexicon(
        {t: i for i, t in enumerate(terms)},
        arr["sent_df"],
        arr["passage_df"],
        arr["idf"],
        int(sizes["n_sentences"]),
        int(sizes["total_terms"]),
    )
    shape = params["cluster"]
    try:
        actors, group_of = start_replicas(folder, shape["shards"], shape["replicas"])
    except Exception as exc:  # Ray's errors have no common base short of Exception
        raise ClusterError(f"cannot start the shard actors: {type(exc).__name__}: {exc}") from exc
    router = Router(actors, group_of, arr["passage_shard"], arr["doc_shard"], docs, folder=folder)
    return Engine(router, lexicon, corpus_dir, encoder)
