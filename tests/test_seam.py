"""The seam between answering and retrieval: `answer()` over a second, simple backend
(tests/memory_backend.py, rank-bm25 in memory) quotes what it quotes over the local
index, and every interface-facing call works through the protocols alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answer.conversation import Conversation
from bot.answer.pipeline import answer
from bot.retrieval import Engine, Lexicon, Retriever

from .memory_backend import MemoryBackend

QUESTIONS = [
    "When did the Old Mill bridge reopen?",
    "How much did the bridge repairs cost?",
    "How many schools were closed in Lakeside?",
    "How many families were evacuated?",
    "How many visitors did the apple festival draw?",
    "When did the festival begin?",
    "Who cut the ribbon?",
    "What is the capital of France?",
]


@pytest.fixture
def memory(tiny_corpus: Path) -> Engine:
    return MemoryBackend(tiny_corpus).engine(tiny_corpus)


def _quotes(engine: Engine, question: str) -> tuple[bool, list[tuple[str, str, int, int, int]]]:
    ans = answer(engine, question, top=3)
    return ans.answered, [(q.text, q.doc, q.start, q.end, q.citation) for q in ans.quotes]


def test_the_memory_backend_implements_both_protocols(memory: Engine) -> None:
    assert isinstance(memory.retriever, MemoryBackend)
    retriever: Retriever = memory.retriever  # mypy checks the protocols structurally
    lexicon: Lexicon = memory.lexicon
    assert retriever.documents() and lexicon.knows("bridg")


@pytest.mark.parametrize("question", QUESTIONS)
def test_answers_are_the_same_through_either_backend(
    memory: Engine, tiny_engine: Engine, question: str
) -> None:
    assert _quotes(memory, question) == _quotes(tiny_engine, question)


def test_the_same_through_either_backend_is_a_real_answer(memory: Engine) -> None:
    answered, quotes = _quotes(memory, "How much did the bridge repairs cost?")
    assert answered and "4.2 million dollars" in quotes[0][0] and quotes[0][1] == "alpha.txt"
    assert _quotes(memory, "What is the capital of France?") == (False, [])


def test_a_conversation_runs_on_the_memory_backend(memory: Engine, tiny_engine: Engine) -> None:
    turns = ["Who is Ellen Park?", "What did she say about the cost?"]
    got = [Conversation(e) for e in (memory, tiny_engine)]
    for turn in turns:
        a, b = (c.ask(turn) for c in got)
        assert [q.text for q in a.quotes] == [q.text for q in b.quotes]
        assert a.resolved_question == b.resolved_question
    assert "4.2 million" in a.quotes[0].text
