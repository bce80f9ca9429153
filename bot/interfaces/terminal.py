"""What every command shares: consoles, one-line errors and exit codes, the corpus and
index options, opening the engine with a progress bar on a terminal."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click
from rich.console import Console

from ..errors import BotError, QuestionError
from ..paths import default_corpus, default_index
from .render import inert

if TYPE_CHECKING:
    from ..retrieval import Encoder, Engine, Reader
    from .live import LiveEngine

F = TypeVar("F", bound=Callable[..., Any])


def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=not sys.stderr.isatty())


def out_console() -> Console:
    """stdout. On a terminal rich wraps at word boundaries (the terminal itself would
    break words: "a s / pokesman"); piped, every quote stays on one line for scripts.
    Colour follows rich's rules: off when NO_COLOR is set or stdout is not a terminal."""
    return Console(highlight=False, soft_wrap=not sys.stdout.isatty())


def notify(message: str) -> None:
    """One-line notices (index rebuilt, files skipped) go to stderr, never stdout."""
    click.echo(inert(message), err=True)


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"error: {inert(message)}", err=True)
    sys.exit(code)


@contextmanager
def errors_to_exit() -> Iterator[None]:
    """Translate library errors into a one-line message and an exit code."""
    try:
        yield
    except QuestionError as exc:
        fail(str(exc), 2)
    except BotError as exc:
        fail(str(exc), 1)
    except KeyboardInterrupt:
        click.echo("\ninterrupted", err=True)
        sys.exit(130)


@dataclass(frozen=True)
class Where:
    """What every command is pointed at: the corpus, its index, whether to answer from
    words only (`--lexical` or NEWSQA_LEXICAL=1: no sentence vectors, for archives too
    large to embed on one machine), and whether the reader reads the candidates
    (`--no-reader` or NEWSQA_READER=0: for comparison and slow machines)."""

    corpus: Path
    index: Path
    lexical: bool = False
    cluster: str | None = None  # a Ray head's host:port: serve the sharded index there
    use_reader: bool = True

    def reader(self) -> Reader | None:
        """The reader, unless words only or switched off; it starts loading now, in the
        background, like the encoder."""
        if self.lexical or not self.use_reader:
            return None
        from ..encoder.reader import MiniLMReader

        reader = MiniLMReader()
        reader.warm()
        return reader

    def encoder(self) -> Encoder | None:
        """The sentence encoder, unless lexical. Every command that asks for it uses it
        soon (to embed a question or a build's sentences), so its model starts loading
        now, in the background, while the index is opened."""
        if self.lexical:
            return None
        from ..encoder.minilm import MiniLM

        encoder = MiniLM()
        encoder.warm()
        return encoder


def corpus_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--corpus, --index, --lexical and --cluster, handed to the command as one
    `where: Where`."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        corpus = kwargs.pop("corpus_dir") or default_corpus()
        index = kwargs.pop("index_dir") or default_index(corpus)
        cluster = kwargs.pop("cluster") or None  # an empty NEWSQA_CLUSTER is unset
        lexical, use_reader = bool(kwargs.pop("lexical")), bool(kwargs.pop("use_reader"))
        where = Where(corpus, index, lexical, cluster, use_reader)
        return func(*args, where=where, **kwargs)

    wrapper = click.option(
        "--reader/--no-reader",
        "use_reader",
        default=True,
        envvar="NEWSQA_READER",
        help="Let the reader (a small cross-encoder) re-rank the best candidates and judge "
        "whether they answer; --no-reader: today's score alone (default: $NEWSQA_READER, "
        "else on; off with --lexical).",
    )(wrapper)

    wrapper = click.option(
        "--cluster",
        metavar="ADDRESS",
        envvar="NEWSQA_CLUSTER",
        help="Use the sharded index on the Ray cluster whose head is ADDRESS (host:port; "
        "default: $NEWSQA_CLUSTER, else the local index).",
    )(wrapper)

    wrapper = click.option(
        "--lexical",
        is_flag=True,
        envvar="NEWSQA_LEXICAL",
        help="Words only: no sentence vectors (default: $NEWSQA_LEXICAL, else off).",
    )(wrapper)
    wrapper = click.option(
        "--index",
        "index_dir",
        type=click.Path(path_type=Path),
        help="Index folder (default: $NEWSQA_INDEX, else index/ beside a folder named "
        "corpus, else a per-corpus folder in the user cache).",
    )(wrapper)
    wrapper = click.option(
        "--corpus",
        "corpus_dir",
        type=click.Path(path_type=Path),
        help="Folder of articles (default: $NEWSQA_CORPUS, else ./corpus, else the sample corpus).",
    )(wrapper)
    return wrapper


def live_engine(where: Where) -> LiveEngine:
    """The engine of `where`, reopened (so rebuilt) when the corpus changes or the index
    proves damaged while answering (`live.py`), with the same encoder and reader: each
    loaded once."""
    from .live import LiveEngine

    reader = where.reader()
    first = open_engine(where)
    stale = None
    if where.cluster:  # a cluster client moves to a rebuilt cluster index, as local ones do
        from ..cluster.opening import cluster_stale_reason

        stale = partial(cluster_stale_reason, index_dir=where.index)
    reopen = lambda: open_engine(where, first.encoder)  # noqa: E731
    return LiveEngine(first, reopen, reader=reader, stale=stale)


def open_engine(where: Where, encoder: Encoder | None = None) -> Engine:
    encoder = encoder if encoder is not None else where.encoder()
    if where.cluster:
        from ..cluster.opening import open_cluster
        from ..progress import no_progress

        bar = progress_bar() or no_progress
        return open_cluster(where.cluster, where.corpus, where.index, notify, bar, encoder)
    from ..opening import open_engine as open_  # deferred: `--help` should not import numpy

    return open_(where.corpus, where.index, notify, progress_bar(), encoder)


def progress_bar() -> Callable[[str, int, int], None] | None:
    """A progress callback drawing on stderr, only for a terminal and large corpora."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import Progress

    state: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        if total < 20 and "bar" not in state:
            return
        if "bar" not in state:
            state["bar"] = Progress(console=err_console(), transient=True)
            state["bar"].start()
        bar = state["bar"]
        if stage not in state:
            state[stage] = bar.add_task(stage, total=total)
        bar.update(state[stage], completed=done, total=total)
        if stage == "indexing" and done >= total:
            bar.stop()

    return update
