"""The reader (stage 2): the shipped model checked on load, what it changes on a corpus
small enough to check by hand, and answers without it exactly stage 1's."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.answer.pipeline import Answerer
from bot.answer.rank import rerank
from bot.encoder import reader as reader_module
from bot.encoder.minilm import MiniLM
from bot.encoder.reader import MiniLMReader
from bot.errors import ConfigError
from bot.interfaces.cli import main
from bot.opening import open_engine

from .conftest import ROOT, ask_with_site, quiet, write
from .hash_encoder import HashEncoder

QUESTIONS = (
    "Who cut the ribbon?",
    "How many schools were closed?",
    "How much did the bridge repairs cost?",
    "When did the ferry service resume?",
)


def test_the_shipped_model_is_checked_before_it_is_used(tmp_path: Path) -> None:
    assert reader_module.WEIGHTS.stat().st_size == reader_module.SIZE
    bad = tmp_path / "reader.onnx"
    shutil.copyfile(reader_module.WEIGHTS, bad)
    with open(bad, "r+b") as fh:  # one byte changed, same size
        fh.seek(5000)
        byte = fh.read(1)
        fh.seek(5000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ConfigError, match=r"reader's weights is damaged.*--no-reader"):
        MiniLMReader(weights=bad).score("Who?", ["Someone."])
    bad.write_bytes(reader_module.WEIGHTS.read_bytes() + b"\0" * 10)  # a byte too many
    with pytest.raises(ConfigError, match=r"cannot read the reader's weights"):
        MiniLMReader(weights=bad).score("Who?", ["Someone."])
    os.mkfifo(tmp_path / "fifo.onnx")  # never blocks: refused as not a regular file
    with pytest.raises(ConfigError, match=r"cannot read the reader's weights"):
        MiniLMReader(weights=tmp_path / "fifo.onnx").score("Who?", ["Someone."])


def test_the_reader_scores_an_answer_above_a_sentence_on_the_topic() -> None:
    reader = MiniLMReader()
    logits = reader.score(
        "When did the ferry service resume?",
        [
            "Harbour news. The ferry service is run by Island Ferries.",
            "Harbour news. The ferry service resumed on 4 March after the repairs.",
        ],
    )
    assert logits[1] > logits[0]
    assert reader.score("Who?", []) == []


def test_a_damaged_install_is_one_line_and_exit_1(tiny_corpus: Path, tmp_path: Path) -> None:
    # The package as a damaged install leaves it: the reader's weights cut short.
    site = tmp_path / "site"
    shutil.copytree(ROOT / "bot", site / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    weights = site / "bot" / "encoder" / reader_module.WEIGHTS.name
    weights.write_bytes(weights.read_bytes()[:1000])
    env = {k: v for k, v in os.environ.items() if k != "NEWSQA_LEXICAL"}
    result = ask_with_site(site, tiny_corpus, tmp_path / "i", tmp_path, env, 300)
    assert result.returncode == 1, result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("error: the reader's weights is damaged") and "--no-reader" in last
    assert "Traceback" not in result.stderr


def test_without_a_reader_the_order_is_stage_ones(tiny_corpus: Path, tmp_path: Path) -> None:
    engine = open_engine(tiny_corpus, tmp_path / "i", quiet, encoder=HashEncoder())
    answerer = Answerer(engine)
    for q in QUESTIONS:
        staged = answerer.ranked(q)
        assert staged is not None
        query, ranked = staged
        assert ranked.read == 0
        order, read = rerank(query, ranked.candidates, None, answerer.settings)
        assert read == 0 and order == ranked.candidates


def test_no_reader_answers_exactly_as_stage_one(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSQA_LEXICAL")
    args = ["--corpus", str(tiny_corpus), "--index", str(tmp_path / "i"), "--json"]
    for q in QUESTIONS:
        flag = CliRunner().invoke(main, ["ask", q, "--no-reader", *args])
        env = CliRunner().invoke(main, ["ask", q, *args], env={"NEWSQA_READER": "0"})
        assert flag.exit_code == 0 and env.exit_code == 0, flag.output + env.output
        stage1 = Answerer(open_engine(tiny_corpus, tmp_path / "i", quiet)).answer(q)
        got = json.loads(flag.stdout)
        assert got == json.loads(env.stdout)
        assert [x["text"] for x in got["quotes"]] == [x.text for x in stage1.quotes]
        assert got["answered"] == stage1.answered


def test_the_reader_reads_only_over_vectors_and_never_with_lexical(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    words = open_engine(tiny_corpus, tmp_path / "w", quiet)
    staged = Answerer(words, MiniLMReader()).ranked("How many schools were closed?")
    assert staged is not None and staged[1].read == 0  # a words-only index: words only
    dense = open_engine(tiny_corpus, tmp_path / "d", quiet, encoder=HashEncoder())
    staged = Answerer(dense, MiniLMReader()).ranked("How many schools were closed?")
    assert staged is not None and staged[1].read > 0


BRIDGE = (
    "Bridge Works\n\n"
    "Engineers repaired the old bridge over the winter. The bridge repairs took longer than "
    "the bridge engineers had planned, the council said of the bridge.\n\n"
    "The work cost 2.1 million pounds, paid by the regional government.\n\n"
    "Traffic returned to the bridge on Monday.\n"
)


LIBRARY = (
    "New Library Opens\n\n"
    "The new library opened on Saturday, and the opening of the new library drew a crowd to "
    "the library steps for the opening.\n\n"
    "Mayor Dana Cole cut the ribbon at noon, to cheers from the children who had waited "
    "since breakfast.\n\n"
    "The library holds forty thousand books and a cafe.\n"
)


def test_the_readers_choice_differs_from_stage_ones_and_is_right(tmp_path: Path) -> None:
    # Stage 1 ranks the sentence with the most of the question's words first ("bridge
    # repairs ... bridge engineers ... bridge"); the reader reads who did the repairing.
    write(tmp_path / "c", "bridge.txt", BRIDGE)
    write(tmp_path / "c", "library.txt", LIBRARY)
    engine = open_engine(tmp_path / "c", tmp_path / "i", quiet, encoder=MiniLM())
    question = "Who repaired the bridge?"
    first = Answerer(engine).answer(question)
    read = Answerer(engine, MiniLMReader()).answer(question)
    assert first.quotes[0].text.startswith("The bridge repairs took longer")
    assert read.quotes[0].text == "Engineers repaired the old bridge over the winter."
    assert "read" in read.timings_ms and "read" not in first.timings_ms
