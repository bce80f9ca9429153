"""The index on disk: plain versioned files, stale/foreign detection, atomic rebuilds."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import cast

import numpy as np
import pytest

from bot.errors import CorpusError, IndexMismatch
from bot.index import store as index_store
from bot.index.fresh import check_fresh
from bot.index.local import LocalRetriever
from bot.index.postings import BM25Params
from bot.indexer.builder import BuildOptions, build_index
from bot.ingest import tokens
from bot.opening import open_engine, open_index

from .conftest import ROOT, quiet, write


def notices(corpus: Path, index: Path) -> list[str]:
    seen: list[str] = []
    open_index(corpus, index, seen.append)
    return seen


def test_index_is_plain_versioned_files(tiny_corpus: Path, tmp_path: Path) -> None:
    report = build_index(tiny_corpus, tmp_path / "idx")
    assert (report.articles, report.skipped) == (3, [])
    folder = index_store.current_build(tmp_path / "idx")
    names = {p.name for p in folder.iterdir()}
    assert {
        "params.json",
        "docs.jsonl",
        "vocab.json",
        "passages.npy",
        "sentences.npy",
        "postings_weights.npy",
        "sent_text.bin",
    } <= names
    assert not any(n.endswith((".pkl", ".pickle")) for n in names)
    params = json.loads((folder / "params.json").read_text())
    assert params["format_version"] == index_store.FORMAT_VERSION
    assert params["settings"]["ingest"]["tokenizer"]["stemmer"] == "nltk-snowball-english"
    assert params["settings"]["bm25"] == {"k1": 1.5, "b": 0.75, "epsilon": 0.25, "variant": "okapi"}
    assert len(params["corpus"]["content_fingerprint"]) == 64


def test_fresh_index_opens_without_notice(tiny_corpus: Path, tmp_path: Path) -> None:
    build_index(tiny_corpus, tmp_path / "idx")
    assert notices(tiny_corpus, tmp_path / "idx") == []


def test_missing_index_is_built_with_one_notice(tiny_corpus: Path, tmp_path: Path) -> None:
    seen = notices(tiny_corpus, tmp_path / "idx")
    assert len(seen) == 1 and "Building the index" in seen[0]


def test_stale_index_is_rebuilt_when_the_corpus_changes(tiny_corpus: Path, tmp_path: Path) -> None:
    build_index(tiny_corpus, tmp_path / "idx")
    write(
        tiny_corpus,
        "delta.txt",
        "Ferry Service Resumes\n\nThe ferry to Port Ellis "
        "resumed service on Friday after a storm.\n",
    )
    seen = notices(tiny_corpus, tmp_path / "idx")
    assert seen == ["Rebuilding the index: the corpus changed since the index was built."]
    data = index_store.load(tmp_path / "idx")
    assert "delta.txt" in [d.meta.doc for d in data.docs]
    assert notices(tiny_corpus, tmp_path / "idx") == []


def test_touched_but_unchanged_corpus_is_not_rebuilt(tiny_corpus: Path, tmp_path: Path) -> None:
    build_index(tiny_corpus, tmp_path / "idx")
    path = tiny_corpus / "alpha.txt"
    path.write_bytes(path.read_bytes())  # new mtime, same bytes (as after a fresh clone)
    assert notices(tiny_corpus, tmp_path / "idx") == []


def test_an_index_built_with_other_bm25_params_is_fresh_for_them(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    idx = tmp_path / "idx"
    build_index(tiny_corpus, idx, params=BM25Params(k1=0.9))
    assert notices(tiny_corpus, idx) == []  # not stale: these are its own parameters
    engine = open_engine(tiny_corpus, idx, quiet)
    assert cast(LocalRetriever, engine.retriever).params == BM25Params(k1=0.9)
    with pytest.raises(IndexMismatch):  # asked for the defaults, it is not what was built
        check_fresh(index_store.load(idx), tiny_corpus, BM25Params())


def test_foreign_settings_or_version_are_rebuilt(tiny_corpus: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    build_index(tiny_corpus, idx)
    params_path = index_store.current_build(idx) / "params.json"
    params = json.loads(params_path.read_text())
    params["settings"]["ingest"]["tokenizer"]["version"] = 0
    params_path.write_text(json.dumps(params))
    assert notices(tiny_corpus, idx) == [
        "Rebuilding the index: index was built with other tokenizer, rule or BM25 settings."
    ]
    params_path = index_store.current_build(idx) / "params.json"
    params = json.loads(params_path.read_text())
    params["format_version"] = 999
    params_path.write_text(json.dumps(params))
    with pytest.raises(IndexMismatch, match="v999"):
        index_store.load(idx)
    assert len(notices(tiny_corpus, idx)) == 1
    assert index_store.load(idx).params["format_version"] == index_store.FORMAT_VERSION


def test_corrupt_index_is_rebuilt(tiny_corpus: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    build_index(tiny_corpus, idx)
    weights = index_store.current_build(idx) / "postings_weights.npy"
    weights.write_bytes(weights.read_bytes()[:40])  # truncated
    seen = notices(tiny_corpus, idx)
    assert len(seen) == 1 and seen[0].startswith("Rebuilding the index: ")
    assert index_store.load(idx).postings.weights.shape[0] > 0


def _file_size_limit(limit: int) -> None:
    """In the child: no file may grow past `limit` bytes (writes fail with EFBIG)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_failure_mid_build_keeps_the_previous_index(tiny_corpus: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    build_index(tiny_corpus, idx)
    before = index_store.current_build(idx)
    write(tiny_corpus, "delta.txt", "Ferry Service Resumes\n\nThe ferry resumed service.\n")
    # A real limit, as a full disk: the small files of the build are written, the largest
    # one is not.
    limit = max(p.stat().st_size for p in before.iterdir()) // 2
    result = subprocess.run(
        [sys.executable, "-m", "bot", "index", "--corpus", str(tiny_corpus), "--index", str(idx)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _file_size_limit(limit),
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: cannot write the index")  # and why, in the same line
    assert lines[-1].endswith("(any previous index there is unchanged)")
    assert "Traceback" not in result.stderr
    assert index_store.current_build(idx) == before
    assert len(index_store.load(idx).docs) == 3  # the old index still opens
    assert not [p for p in idx.iterdir() if p.name.startswith(".tmp-")]  # no debris


def test_empty_or_missing_corpus_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not found"):
        build_index(tmp_path / "nope", tmp_path / "idx")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no articles"):
        build_index(tmp_path / "empty", tmp_path / "idx")


def test_unreadable_files_are_skipped_and_reported(tiny_corpus: Path, tmp_path: Path) -> None:
    write(tiny_corpus, "binary.txt", bytes(range(256)) * 4 + b"\x00" * 4000)
    write(tiny_corpus, "blank.txt", "\n\n   \n")
    report = build_index(tiny_corpus, tmp_path / "idx")
    assert report.articles == 3
    assert sorted(s.split(":")[0] for s in report.skipped) == ["binary.txt", "blank.txt"]
    assert index_store.load(tmp_path / "idx").params["skipped"] == report.skipped


def test_parallel_build_equals_serial_build(bundled_corpus: Path, tmp_path: Path) -> None:
    small = BuildOptions(batch_files=2)  # several batches per worker
    build_index(bundled_corpus, tmp_path / "serial", workers=1, options=small)
    parallel = BuildOptions(batch_files=2, parallel_min_files=0)
    build_index(bundled_corpus, tmp_path / "parallel", workers=2, options=parallel)
    a, b = index_store.load(tmp_path / "serial"), index_store.load(tmp_path / "parallel")
    assert a.postings.vocab == b.postings.vocab
    for name in ("indptr", "indices", "weights", "idf", "doc_len"):
        assert (getattr(a.postings, name) == getattr(b.postings, name)).all(), name
    assert (a.passages == b.passages).all() and (a.sentences == b.sentences).all()
    assert (a.sent_df == b.sent_df).all() and bytes(a.sent_text) == bytes(b.sent_text)
    # And sent_df is what it says: in how many sentences each term occurs.
    want = np.zeros(len(b.postings.vocab), dtype=np.int64)
    for sid in range(b.n_sentences):
        for term in set(tokens.analyze(b.sentence_text(sid))):
            want[b.postings.vocab[term]] += 1
    assert want.tolist() == b.sent_df.tolist()
    for name in ("ptr", "ids", "neg_weights", "dense_terms", "dense_tf"):
        assert (getattr(a.postings.impact, name) == getattr(b.postings.impact, name)).all()
