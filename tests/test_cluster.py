"""Cluster (issue "Cluster"): a real two-node Ray cluster on loopback, 4 shards x 2
replicas over the bundled corpus plus a synthetic one of 3,000 passages. The cluster
answers exactly as the local index does, a node lost mid-stream costs no answer, and a
cluster that is absent or damaged is one line and exit 1.

The tests share one cluster (about 10 s to start) and run in file order: the node is
killed last. They need the `cluster` extra; without Ray they are skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.synth import make_queries, write_corpus
from bot.answer.pipeline import answer
from bot.interfaces.render import answer_to_json
from bot.opening import open_engine
from bot.retrieval import Engine

from .conftest import BUNDLED, ROOT, quiet, write

os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"  # loopback stays loopback (connect.py)
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
pytest.importorskip("ray")

pytestmark = pytest.mark.cluster
NODE = {"node_ip_address": "127.0.0.1", "include_dashboard": False, "num_cpus": 1}
WIRE = (
    "“Baghouz is free and the military victory against Daesh has been achieved,” Mustafa Bali, "
    "a spokesman for the Kurdish-led Syrian Democratic Forces (SDF), tweeted, referring to the "
    "group by its Arabic acronym."
)
QUESTIONS = [
    json.loads(line)["question"]
    for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    if '"question"' in line
]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    import ray
    from ray.cluster_utils import Cluster

    c = Cluster(initialize_head=True, head_node_args={**NODE, "dashboard_host": "127.0.0.1"})
    c.add_node(**NODE)
    c.wait_for_nodes()
    yield c
    ray.shutdown()
    c.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("cluster") / "corpus"
    shutil.copytree(BUNDLED, folder)
    passages = write_corpus(folder / "synthetic", 3_000, vocab_size=5_000)
    return folder, make_queries(passages, 50)


@pytest.fixture(scope="module")
def engines(cluster: Any, corpus: tuple[Path, list[str]]) -> tuple[Engine, Engine, Path]:
    from bot.cluster.opening import build_on_cluster, open_cluster

    folder = corpus[0]
    index = folder.parent / "index"
    report = build_on_cluster(cluster.address, folder, index, 4, 2, quiet)
    assert report.passages > 3_000
    local = open_engine(folder, folder.parent / "local", quiet)
    return local, open_cluster(cluster.address, folder, index, quiet), index


def test_the_replicas_of_every_shard_group_run_on_different_nodes(
    engines: tuple[Engine, Engine, Path],
) -> None:
    import ray

    replicas = engines[1].retriever.replicas  # type: ignore[attr-defined]
    assert len(replicas) == 2  # one group of shards per node: one call per node a search
    for row in replicas:
        assert len({ray.get(a.ready.remote()) for a in row}) == 2


def test_every_bundled_question_gets_the_same_json_answer_through_the_cluster(
    engines: tuple[Engine, Engine, Path],
) -> None:
    local, sharded, _ = engines
    for q in QUESTIONS:
        assert answer_to_json(answer(sharded, q)) == answer_to_json(answer(local, q)), q


def test_the_merged_top_ten_is_the_single_index_ranking(
    engines: tuple[Engine, Engine, Path], corpus: tuple[Path, list[str]]
) -> None:
    from bot.ingest.tokens import analyze

    local, sharded, _ = engines
    for q in corpus[1]:
        terms = analyze(q)
        mine = [(h.passage.passage_id, h.score) for h in sharded.retriever.search(terms, 10)]
        theirs = [(h.passage.passage_id, h.score) for h in local.retriever.search(terms, 10)]
        assert mine == theirs, q


def test_ask_through_the_cluster_from_the_command_line(
    cluster: Any, engines: tuple[Engine, Engine, Path], corpus: tuple[Path, list[str]]
) -> None:
    _, _, index = engines
    args = ["--cluster", cluster.address, "--corpus", str(corpus[0]), "--index", str(index)]
    out = _bot("ask", "--json", "Who is Mustafa Bali?", *args)
    assert out.returncode == 0, out.stderr
    assert "Mustafa Bali" in json.loads(out.stdout)["quotes"][0]["text"]


def test_a_cluster_that_cannot_be_reached_is_one_line_and_exit_1(tmp_path: Path) -> None:
    out = _bot("ask", "Who is Mustafa Bali?", "--cluster", "127.0.0.1:9", "--index", str(tmp_path))
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0 and "cannot reach the Ray cluster" in out.stderr


def test_a_damaged_shard_is_one_line_and_exit_1(
    cluster: Any, engines: tuple[Engine, Engine, Path], corpus: tuple[Path, list[str]]
) -> None:
    from bot.index.folder import current_build

    _, _, index = engines
    build = current_build(index / "cluster")
    damaged = index.parent / "damaged"
    shutil.copytree(index, damaged)
    target = current_build(damaged / "cluster") / "shard-002" / "sent_text.bin"
    data = bytearray(target.read_bytes())
    data[10] ^= 0xFF  # same size: only the checksum can tell
    target.write_bytes(bytes(data))
    args = ["--cluster", cluster.address, "--corpus", str(corpus[0]), "--index", str(damaged)]
    out = _bot("ask", "Who is Mustafa Bali?", *args)
    assert out.returncode == 1 and out.stderr.strip().count("\n") == 0, out.stderr
    assert "shard-002" in out.stderr and "checksum" in out.stderr
    assert build.exists()  # the good build is untouched


def test_with_the_sentence_encoder_the_cluster_answers_as_the_local_index(
    cluster: Any, tmp_path: Path
) -> None:
    # Embedding runs in one actor per node; the vectors, hence every cosine, are the ones
    # a local build makes. A sixth article repeats a sentence of another (wire copy).
    from bot.cluster.opening import build_on_cluster, open_cluster
    from bot.encoder.minilm import MiniLM
    from bot.index.local import LocalRetriever

    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED, corpus)
    (corpus / "wire.txt").write_text(
        f"Syria Victory Declared\n\n{WIRE} The announcement came on Saturday.\n", encoding="utf-8"
    )
    encoder = MiniLM()
    report = build_on_cluster(cluster.address, corpus, tmp_path / "c", 4, 2, quiet, encoder=encoder)
    sharded = open_cluster(cluster.address, corpus, tmp_path / "c", quiet, encoder=encoder)
    local = open_engine(corpus, tmp_path / "l", quiet, encoder=encoder)
    for q in QUESTIONS:
        assert answer_to_json(answer(sharded, q)) == answer_to_json(answer(local, q)), q
    data = local.retriever.data if isinstance(local.retriever, LocalRetriever) else None
    assert data is not None
    texts = [data.sentence_text(i) for i in range(data.n_sentences)]
    assert texts.count(WIRE) == 2
    # "embedding: node 1a2b3c4d 57 sentences, 80 sentences/s": the repeat embedded once.
    embedded = [int(n.split()[3]) for n in report.notes if n.endswith("sentences/s")]
    assert embedded and sum(embedded) == len(set(texts))


def test_a_node_killed_mid_stream_costs_no_answer(
    cluster: Any, engines: tuple[Engine, Engine, Path]
) -> None:
    local, sharded, _ = engines
    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(100)]
    expected = [answer_to_json(answer(local, q)) for q in questions]
    got: list[Any] = []
    asked = threading.Event()
    failure: list[BaseException] = []

    def stream() -> None:
        try:
            for q in questions:
                got.append(answer_to_json(answer(sharded, q)))
                if len(got) == 20:
                    asked.set()  # the node goes down while the stream is running
        except BaseException as exc:  # reported by the main thread
            failure.append(exc)
            asked.set()

    worker = threading.Thread(target=stream)
    worker.start()
    assert asked.wait(timeout=120)
    [node] = list(cluster.worker_nodes)
    cluster.remove_node(node, allow_graceful=False)
    worker.join(timeout=300)
    assert not failure, failure
    assert got == expected


def _bot(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSQA_LEXICAL": "1"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=ROOT,
    )


def test_3_a_rebuild_keeps_serving_running_clients_which_then_move_to_it(
    cluster: Any, tmp_path: Path
) -> None:
    # Hardening item 3: a rebuild used to kill every older build's shard actors, so a
    # running chat or bot failed until restarted, and never saw the corpus change.
    from bot.cluster.opening import build_on_cluster, cluster_stale_reason, open_cluster
    from bot.interfaces.live import LiveEngine

    folder = tmp_path / "corpus"
    shutil.copytree(BUNDLED, folder)
    index = tmp_path / "index"
    build_on_cluster(cluster.address, folder, index, 2, 1, quiet)
    reopen = lambda: open_cluster(cluster.address, folder, index, quiet)  # noqa: E731
    live = LiveEngine(reopen(), reopen, interval=0, stale=lambda e: cluster_stale_reason(e, index))
    before = live.engine
    assert answer(before, "Who is Mustafa Bali?").answered
    write(
        folder, "ferry.txt", "Ferry news\n\nThe island ferry now sails twice a day from Quillon.\n"
    )
    build_on_cluster(cluster.address, folder, index, 2, 1, quiet)  # another client rebuilds
    assert answer(before, "Who is Mustafa Bali?").answered  # the old build still answers
    assert cluster_stale_reason(before, index) == "the cluster index was rebuilt"
    assert live.refresh() and live.engine is not before  # ... and the client moves on
    assert answer(live.engine, "How often does the island ferry sail?").answered


def test_14_what_rays_threads_print_never_reaches_stdout(cluster: Any) -> None:
    # Hardening item 14: `(raylet) …` lines, printed by Ray's threads in the client, landed
    # on stdout between `ask --json` lines. Once the bot has joined a cluster, stdout is
    # the main thread's; another thread's line goes to stderr.
    script = (
        "import sys, threading\n"
        "from bot.cluster.connect import connect\n"
        f"connect({cluster.address!r})\n"
        "t = threading.Thread(target=lambda: print('(raylet) a warning from a Ray thread'))\n"
        "t.start(); t.join()\n"
        "print('{\"answered\": true}')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ['{"answered": true}']
    assert "(raylet) a warning from a Ray thread" in result.stderr
