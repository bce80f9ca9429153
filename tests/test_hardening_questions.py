"""Every kind of question input, through answer(), `ask`, the REPL and Discord rendering.

Each gets an answer or a clear one-line message; none gives a traceback; every quote
stays verbatim.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bot.answer.pipeline import MAX_QUESTION_CHARS, answer
from bot.errors import QuestionError
from bot.evaluation.evaluate import Verbatim
from bot.interfaces.cli import main
from bot.interfaces.discord_render import answer_embed
from bot.interfaces.repl import ChatSession
from bot.retrieval import Engine

from .conftest import BUNDLED

NASTY = {
    "empty": "",
    "whitespace_only": "   \t  \u00a0 ",
    "hundred_thousand_chars": ("Who is Mustafa Bali? " * 5000)[:100_000],
    "nul_and_control_chars": "Who is\x00 Mustafa\x07 Bali?\x1b[31m\x7f",
    "emoji": "🔥🔥 Who is Mustafa Bali? 🙏🏽",
    "right_to_left": "מי זה Mustafa Bali? ما هو داعش",
    "combining_marks": "Who is Mu\u0301stafa Bali\u0308?",
    "only_stopwords": "what is the",
    "only_punctuation": "?!.,;:--…",
    "url": "https://example.com/mosul?x=1&y=<script> what happened in Mosul",
    "markdown_and_code_fences": "**Who** is _Mustafa_ `Bali`? ```rm -rf /``` > quote",
    "mentions": "@everyone @here <@&223456789012345678> <@123456789012345678> who is Mustafa Bali",
    "one_word_5000_times": " ".join(["Mosul"] * 5000),
    "non_english_spanish": "¿Quién es Mustafa Bali?",
    "non_english_french": "Qui a détruit la mosquée al-Nouri ?",
    "non_english_chinese": "谁是穆斯塔法·巴利？",
}


@pytest.mark.parametrize("name", list(NASTY))
def test_answer_function_handles_input(bundled_engine: Engine, name: str) -> None:
    try:
        ans = answer(bundled_engine, NASTY[name])
    except QuestionError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert ans.answered or ans.message
    assert Verbatim(bundled_engine.corpus_dir).problems(ans) == []


def test_cli_stdin_answers_every_line_in_json(tmp_path: object) -> None:
    lines = [q.replace("\n", " ") for q in NASTY.values()]
    result = CliRunner().invoke(
        main,
        ["ask", "--json", "--corpus", str(BUNDLED), "--index", str(tmp_path) + "/idx"],
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 0, result.stderr
    objs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objs) == len(lines)
    for obj, line in zip(objs, lines, strict=True):
        if len(line) > MAX_QUESTION_CHARS:  # an over-long line is echoed as a prefix only
            assert obj["question"].endswith("…") and line.startswith(obj["question"][:-1])
            assert len(obj["question"]) < 100 and "too long" in obj["error"]
        else:
            assert obj["question"] == line
        if not obj["answered"]:
            assert obj["message"] and "\n" not in obj["message"]


@pytest.mark.parametrize("name", list(NASTY))
def test_cli_single_question_exits_cleanly(tmp_path: object, name: str) -> None:
    question = NASTY[name].replace("\x00", "")  # argv cannot carry NUL at all
    result = CliRunner().invoke(
        main, ["ask", question, "--corpus", str(BUNDLED), "--index", str(tmp_path) + "/idx"]
    )
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.stderr
    if result.exit_code == 2:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1


@pytest.mark.parametrize("name", list(NASTY))
def test_repl_handles_input(bundled_engine: Engine, name: str) -> None:
    session = ChatSession(bundled_engine)
    out = session.handle(NASTY[name])
    assert out is None or str(out)
    assert not session.done


@pytest.mark.parametrize("name", [n for n in NASTY if n not in ("empty", "whitespace_only")])
def test_discord_embed_for_input_stays_inert(bundled_engine: Engine, name: str) -> None:
    try:
        ans = answer(bundled_engine, NASTY[name])
    except QuestionError:
        return
    embed = answer_embed(ans).to_dict()
    text = json.dumps(embed, ensure_ascii=False)
    assert "@everyone" not in text and "<@123456789012345678>" not in text
    assert len(embed.get("title", "")) <= 256
