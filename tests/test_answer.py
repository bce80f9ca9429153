"""The answer function: right sentence, verbatim quotes, honest declines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answer.conversation import Conversation, ConversationStore
from bot.answer.pipeline import MAX_QUESTION_CHARS, answer
from bot.errors import QuestionError
from bot.evaluation.evaluate import Verbatim
from bot.opening import open_engine
from bot.retrieval import Engine

from .conftest import ROOT, quiet, write

EVAL_QUESTIONS = [
    json.loads(line)
    for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
]


def test_tiny_corpus_answers_checked_by_hand(tiny_engine: Engine) -> None:
    ans = answer(tiny_engine, "How much did the bridge repairs cost?")
    assert ans.answered
    # "She said ..." opens with a pronoun, so the sentence naming her comes along.
    assert ans.quotes[0].text == (
        "Mayor Ellen Park cut the ribbon at noon. She said the repairs cost 4.2 million dollars."
    )
    assert ans.quotes[0].doc == "alpha.txt"
    src = ans.sources[0]
    assert (src.citation, src.title, src.publisher, src.published) == (
        1,
        "Bridge Reopens In Riverton After Repairs",
        "Example News",
        "2024-05-06",
    )


def test_article_without_metadata_is_cited_by_its_text_title(tiny_engine: Engine) -> None:
    ans = answer(tiny_engine, "How many visitors did the apple festival draw?")
    assert ans.quotes[0].doc == "gamma.md"
    assert ans.sources[0].title == "Orchard Festival Draws Record Crowd"
    assert ans.sources[0].publisher is None and ans.sources[0].published is None


@pytest.mark.parametrize(
    "case", [c for c in EVAL_QUESTIONS if "question" in c], ids=lambda c: c["id"]
)
def test_every_quote_is_verbatim_in_its_cited_file(
    bundled_engine: Engine, case: dict[str, str]
) -> None:
    ans = answer(bundled_engine, case["question"], top=5)
    assert Verbatim(bundled_engine.corpus_dir).problems(ans) == []
    listed = {s.doc for s in bundled_engine.documents}
    assert {q.doc for q in ans.quotes} <= listed
    assert sorted(s.citation for s in ans.sources) == list(range(1, len(ans.sources) + 1))


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of France?",
        "Who won the 2018 World Cup?",
        "asdfgh qwerty zxcvb",
        "How many users have voted?",
        "How can I sign up for the newsletter?",
        "Which browser is not supported?",
        "When was Abu Bakr al-Baghdadi killed?",
    ],
)
def test_declines_what_the_articles_do_not_say(bundled_engine: Engine, question: str) -> None:
    ans = answer(bundled_engine, question)
    assert not ans.answered and ans.quotes == () and ans.message


def test_unknown_name_is_named_in_the_decline(bundled_engine: Engine) -> None:
    ans = answer(bundled_engine, "What did Russia say about the fall of Raqqa?")
    assert not ans.answered and "Russia" in (ans.message or "")


def test_neighbour_sentence_joins_an_answer_that_needs_it(bundled_engine: Engine) -> None:
    ans = answer(bundled_engine, "What did Kino Gabriel say about whether ISIS is finished?")
    top = ans.quotes[0].text
    assert "said Kino Gabriel" in top and "But we cannot say that ISIS is finished." in top


def test_anaphoric_sentence_brings_its_subject(bundled_engine: Engine) -> None:
    ans = answer(bundled_engine, "What did Ryan Dillon praise?")
    assert ans.quotes[0].text.startswith("Speaking about an announcement of Mosul’s recapture")
    assert "grit and determination" in ans.quotes[0].text


def test_paraphrase_finds_the_sentence(bundled_engine: Engine) -> None:
    ans = answer(bundled_engine, "How many noncombatants are stuck in Old Mosul?")
    assert "Between 15,000 and 20,000 noncombatants are trapped" in ans.quotes[0].text


def test_near_identical_sentences_are_quoted_once(tmp_path: Path) -> None:
    corpus = tmp_path / "wire"
    line = "Rebels seized the northern dam on Sunday, cutting power to the city of Kessa."
    write(corpus, "a.txt", f"Dam Seized By Rebels Near Kessa\n\n{line}\n\nOther news here.\n")
    write(
        corpus,
        "b.txt",
        f"Rebels Take Kessa Dam In Night Raid\n\n{line[:-1]} on Sunday.\n\n"
        "Officials said repairs would take a month.\n",
    )
    engine = open_engine(corpus, tmp_path / "idx", quiet)
    ans = answer(engine, "Who seized the northern dam?", top=3)
    assert len([q for q in ans.quotes if "seized the northern dam" in q.text]) == 1


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "empty question"),
        ("   \t ", "empty question"),
        ("what is the", "no searchable words"),
        ("x" * (MAX_QUESTION_CHARS + 1), "too long"),
        ("?!?!", "no searchable words"),
    ],
)
def test_unusable_questions_raise_question_error(
    tiny_engine: Engine, question: str, message: str
) -> None:
    with pytest.raises(QuestionError, match=message):
        answer(tiny_engine, question)


def test_top_bounds_are_checked(tiny_engine: Engine) -> None:
    with pytest.raises(QuestionError, match="between 1 and 10"):
        answer(tiny_engine, "bridge", top=0)


def test_follow_up_leans_on_the_previous_turn(bundled_engine: Engine) -> None:
    conv = Conversation(bundled_engine)
    conv.ask("Who is Mustafa Bali?")
    ans = conv.ask("What did he tweet?")
    assert "Baghouz is free" in ans.quotes[0].text
    assert ans.resolved_question and "Mustafa Bali" in ans.resolved_question


def test_standalone_question_is_not_polluted(bundled_engine: Engine) -> None:
    conv = Conversation(bundled_engine)
    conv.ask("Who is Mustafa Bali?")
    ans = conv.ask("When did Iraqi forces launch the battle for Mosul?")
    assert ans.resolved_question is None
    assert "October 17" in ans.quotes[0].text


def test_context_expires_after_n_turns_and_after_ttl(bundled_engine: Engine) -> None:
    now = [0.0]
    conv = Conversation(bundled_engine, max_turns=2, ttl=60, clock=lambda: now[0])
    for q in ("Who is Mustafa Bali?", "Who is Kino Gabriel?", "Who is Sarah Huckabee Sanders?"):
        conv.ask(q)
    assert [t.question for t in conv.history] == [
        "Who is Kino Gabriel?",
        "Who is Sarah Huckabee Sanders?",
    ]
    now[0] = 61.0
    assert conv.history == ()
    ans = conv.ask("What did she show?")
    assert ans.resolved_question is None


def test_conversation_store_is_bounded(bundled_engine: Engine) -> None:
    store = ConversationStore(bundled_engine, max_conversations=3)
    for user in range(10):
        store.get(("channel", user))
    assert len(store) == 3
    assert store.get(("channel", 9)) is store.get(("channel", 9))


def test_quotation_naming_its_speaker_does_not_pull_the_sentence_before(
    bundled_engine: Engine,
) -> None:
    ans = answer(bundled_engine, "Who is Kino Gabriel?")
    assert ans.quotes[0].text.startswith("“This is a big moment")  # not "A spokesperson …"
    conv = Conversation(bundled_engine)
    conv.ask("Who is Kino Gabriel?")
    follow = conv.ask("What did he say about ISIS?")
    assert "said Kino Gabriel" in follow.quotes[0].text
    assert "But we cannot say that ISIS is finished." in follow.quotes[0].text
    # later quotes stay on the conversation's subject: no stray sentence that says "ISIS"
    assert {q.doc for q in follow.quotes} == {"004_a765cca09a6260ef.txt"}
