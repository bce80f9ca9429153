"""Index faults: each ends in an automatic rebuild or a clear error; a good index stays
usable and nothing is lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.errors import IndexCorrupt, IndexMismatch, IndexWriteError
from bot.index import store as index_store
from bot.indexer.builder import build_index
from bot.interfaces.cli import main
from bot.opening import open_index

from .conftest import ROOT, wait_until, write

FILES = [
    "params.json",
    "docs.jsonl",
    "vocab.json",
    "passages.npy",
    "sentences.npy",
    "sent_text.bin",
    "sent_text_offsets.npy",
    "postings_indptr.npy",
    "postings_indices.npy",
    "postings_weights.npy",
    "idf.npy",
    "doc_len.npy",
    "sent_df.npy",
    "impact_ptr.npy",
    "impact_ids.npy",
    "impact_neg_weights.npy",
    "dense_terms.npy",
    "dense_tf.npy",
]


def rebuilt(corpus: Path, index: Path) -> list[str]:
    seen: list[str] = []
    open_index(corpus, index, seen.append)
    return seen


@pytest.mark.parametrize("name", FILES)
def test_truncated_file_is_detected_and_rebuilt(
    tiny_corpus: Path, tmp_path: Path, name: str
) -> None:
    idx = tmp_path / "i"
    build_index(tiny_corpus, idx)
    path = index_store.current_build(idx) / name
    path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 2)])
    with pytest.raises((IndexCorrupt, IndexMismatch)):
        index_store.load(idx)
    seen = rebuilt(tiny_corpus, idx)
    assert len(seen) == 1 and seen[0].startswith("Rebuilding the index: ")
    assert index_store.load(idx).params["counts"]["articles"] == 3


@pytest.mark.parametrize(
    "name", ["params.json", "vocab.json", "postings_weights.npy", "sent_text.bin"]
)
def test_corrupted_or_missing_file_is_rebuilt(tiny_corpus: Path, tmp_path: Path, name: str) -> None:
    idx = tmp_path / "i"
    build_index(tiny_corpus, idx)
    path = index_store.current_build(idx) / name
    path.write_bytes(b"\x00garbage\xff" * 3)
    assert len(rebuilt(tiny_corpus, idx)) == 1
    (index_store.current_build(idx) / name).unlink()
    assert len(rebuilt(tiny_corpus, idx)) == 1
    assert rebuilt(tiny_corpus, idx) == []


def test_dangling_current_pointer_is_rebuilt(tiny_corpus: Path, tmp_path: Path) -> None:
    idx = tmp_path / "i"
    build_index(tiny_corpus, idx)
    (idx / "CURRENT").write_text("build-nowhere\n")
    (notice,) = rebuilt(tiny_corpus, idx)
    assert notice.startswith("Rebuilding the index: ")
    assert notice.endswith("CURRENT names a missing build ('build-nowhere').")


def test_other_format_version_is_rebuilt(tiny_corpus: Path, tmp_path: Path) -> None:
    idx = tmp_path / "i"
    build_index(tiny_corpus, idx)
    params = index_store.current_build(idx) / "params.json"
    params.write_text(json.dumps({**json.loads(params.read_text()), "format_version": 0}))
    assert rebuilt(tiny_corpus, idx) == [
        "Rebuilding the index: index format v0, this version reads v7."
    ]


def test_read_only_index_folder(tiny_corpus: Path, tmp_path: Path) -> None:
    idx = tmp_path / "i"
    build_index(tiny_corpus, idx)
    idx.chmod(0o555)
    try:
        assert rebuilt(tiny_corpus, idx) == []  # a good index is served read-only
        write(tiny_corpus, "new.txt", "New Headline Here Today\n\nA new article arrived.\n")
        if os.access(idx, os.W_OK):  # running as root: permissions do not stop writes
            blocker = tmp_path / "file-not-folder"
            blocker.write_text("x")
            target: Path = blocker
        else:
            target = idx
        with pytest.raises(IndexWriteError, match="cannot write the index"):
            open_index(tiny_corpus, target, lambda _: None)
        result = CliRunner().invoke(
            main, ["ask", "harbour", "--corpus", str(tiny_corpus), "--index", str(target)]
        )
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("error: cannot write the index")
    finally:
        idx.chmod(0o755)


@pytest.mark.slow
def test_kill_9_during_a_build_leaves_the_previous_index(tmp_path: Path) -> None:
    from bench.synth import write_corpus

    corpus, idx = tmp_path / "corpus", tmp_path / "i"
    write_corpus(corpus, 200)
    subprocess.run(
        [sys.executable, "-m", "bot", "index", "--corpus", str(corpus), "--index", str(idx)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    good = index_store.current_build(idx)
    write_corpus(corpus / "more", 40_000, seed=3)  # a rebuild that takes a few seconds
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "index", "--corpus", str(corpus), "--index", str(idx)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def writing() -> bool:  # the new build has article text from its workers
        assert proc.poll() is None, "build ended too soon"
        texts = [p for p in idx.glob(".tmp-build-*/sent_text.bin") if p.exists()]
        return any(p.stat().st_size > 0 for p in texts)

    wait_until(writing, "the rebuild to write")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL
    assert index_store.current_build(idx) == good  # the previous index is still live
    assert index_store.load(idx).params["counts"]["passages"] == 200
    seen = rebuilt(corpus, idx)  # next use: stale corpus -> one notice, a full rebuild
    assert seen == ["Rebuilding the index: the corpus changed since the index was built."]
    assert index_store.load(idx).params["counts"]["passages"] == 40_200
    assert [p.name for p in idx.iterdir() if p.name.startswith(".tmp")] == []  # debris gone
