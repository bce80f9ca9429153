"""`python -m bot index`: build, check, list and prune indexes."""

from __future__ import annotations

from typing import Any

import click

from .terminal import Where, corpus_options, errors_to_exit, notify, progress_bar


@click.command("index")
@click.option(
    "--check",
    is_flag=True,
    help="Verify the saved index file by file (checksums) and rebuild it only if damaged.",
)
@click.option(
    "--shards",
    type=click.IntRange(1, 1024),
    default=4,
    show_default=True,
    help="With --cluster: how many shards to split the index into.",
)
@click.option(
    "--replicas",
    type=click.IntRange(1, 16),
    default=2,
    show_default=True,
    help="With --cluster: copies of every shard, on different nodes where there are enough.",
)
@corpus_options
@click.option("--list", "list_", is_flag=True, help="List the indexes kept in the user cache.")
@click.option(
    "--prune",
    is_flag=True,
    help="Remove the cached indexes whose corpus folder is gone, or that cannot be used.",
)
def index_cmd(
    check: bool, shards: int, replicas: int, list_: bool, prune: bool, where: Where
) -> None:
    """Rebuild the index from the corpus folder (or, with --check, verify it; --list and
    --prune: the indexes kept in the user cache)."""
    if list_ or prune:
        _cached(prune)
        return
    from ..opening import rebuild, verify
    from ..progress import no_progress

    corpus, index_path, encoder = where.corpus, where.index, where.encoder()
    with errors_to_exit():
        if where.cluster:
            report = _index_cluster(where, check, shards, replicas, encoder)
            if report is None:
                click.echo(f"The cluster index in {index_path} is intact and up to date.")
                return
        else:
            if check:
                problem = verify(corpus, index_path, encoder)
                if problem is None:
                    click.echo(f"The index in {index_path} is intact and up to date.")
                    return
                notify(f"Rebuilding the index: {problem}.")
            report = rebuild(corpus, index_path, notify, progress_bar() or no_progress, encoder)
    for line in report.notes:
        notify(f"note: {line}")
    for line in report.skipped:
        notify(f"skipped {line}")
    skipped = f", {len(report.skipped)} file(s) skipped" if report.skipped else ""
    click.echo(
        f"Indexed {report.articles} articles, {report.passages} passages, "
        f"{report.sentences} sentences ({report.terms} terms){skipped} "
        f"in {sum(report.seconds.values()):.2f}s -> {index_path}"
    )


def _index_cluster(where: Where, check: bool, shards: int, replicas: int, encoder: Any) -> Any:
    """`index --cluster`: build on the cluster (with --check, only when the build there is
    damaged or stale). None when --check found it intact."""
    from ..cluster.opening import build_on_cluster, verify_cluster
    from ..progress import no_progress

    assert where.cluster is not None
    if check:
        problem = verify_cluster(where.corpus, where.index, encoder)
        if problem is None:
            return None
        notify(f"Rebuilding the cluster index: {problem}.")
    bar = progress_bar() or no_progress
    return build_on_cluster(
        where.cluster, where.corpus, where.index, shards, replicas, notify, bar, encoder
    )


def _cached(prune: bool) -> None:
    """`index --list` / `--prune`: the per-corpus indexes in the user cache (an index kept
    beside a folder named `corpus`, or given with --index, is the user's own)."""
    from ..index.cached import cached_indexes
    from ..index.cached import prune as prune_indexes
    from ..paths import cache_dir

    root = cache_dir() / "indexes"
    with errors_to_exit():
        if prune:
            removed = prune_indexes(root, notify)
            freed = sum(e.size for e in removed) / 2**20
            for e in removed:
                click.echo(f"removed {e.path.name}: {e.problem}")
            click.echo(f"Pruned {len(removed)} cached index(es), {freed:.1f} MB, in {root}.")
            return
        found = cached_indexes(root)
    if not found:
        click.echo(f"No cached indexes in {root}.")
        return
    for e in found:  # one line each: a table would be cut on a narrow terminal
        click.echo(
            f"{e.path.name}  {e.size / 2**20:.1f} MB  built {e.built_at or '?'}  "
            f"corpus {e.corpus or '?'}  ({e.problem or 'usable'})"
        )
    prunable = sum(e.prunable for e in found)
    click.echo(f"{len(found)} cached index(es) in {root}; {prunable} prunable (index --prune).")
