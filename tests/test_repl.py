"""The chat REPL driven through a real prompt_toolkit session fed by a pipe."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from bot.interfaces.repl import prompt_reader, run_repl
from bot.retrieval import Engine


def chat(engine: Engine, keys: str, history: Path) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None, soft_wrap=True)
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        run_repl(engine, console, prompt_reader(history, input=pipe, output=DummyOutput()))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    return str(out)


def test_whole_chat_transcript(tiny_engine: Engine, tmp_path: Path) -> None:
    keys = (
        "Who is Ellen Park?\r"
        "What did she say about the cost?\r"
        "/show 1\r"
        "/show 9\r"
        "half a line\x03"  # Ctrl-C cancels the line, no traceback
        "?!\r"
        "/clear\r"
        "/sources\r"
        "\x04"
    )  # Ctrl-D quits
    assert chat(tiny_engine, keys, tmp_path / "history") == (
        "Chat with 3 articles. /help for commands, Ctrl-D to quit.\n"
        "[1] Mayor Ellen Park cut the ribbon at noon.\n"
        "\n"
        "Sources\n"
        "[1] Bridge Reopens In Riverton After Repairs — Example News, 6 May 2024  (alpha.txt)\n"
        "\n"
        "(read as: What did Ellen Park say about the cost?)\n"
        "[1] Mayor Ellen Park cut the ribbon at noon. She said the repairs cost 4.2 million "
        "dollars.\n"
        "\n"
        "Sources\n"
        "[1] Bridge Reopens In Riverton After Repairs — Example News, 6 May 2024  (alpha.txt)\n"
        "\n"
        "Bridge Reopens In Riverton After Repairs — Example News, 6 May 2024\n"
        "The Old Mill bridge in Riverton reopened on Monday after eleven months of repairs. Mayor "
        "Ellen Park cut the ribbon at noon. She said the repairs cost 4.2 million dollars.\n"
        "Use /show N with N from 1 to 1.\n"
        "(the question has no searchable words (only stopwords or symbols))\n"
        "(conversation cleared)\n"
        "  1. Bridge Reopens In Riverton After Repairs — Example News, 6 May 2024  (alpha.txt)\n"
        "  2. Flooding Closes Schools In Lakeside — Valley Post, May 2024  (beta.txt)\n"
        "  3. Orchard Festival Draws Record Crowd  (gamma.md)\n"
        "\n"
        "Bye.\n"
    )


def test_history_is_saved_and_quit_command_works(tiny_engine: Engine, tmp_path: Path) -> None:
    history = tmp_path / "data" / "history"
    out = chat(tiny_engine, "How many schools were closed?\r/help\r/quit\r", history)
    assert "officials closed nine schools" in out
    assert "/show N" in out and out.endswith("Bye.\n")
    saved = history.read_text()
    assert "+How many schools were closed?" in saved and "+/quit" in saved


def test_unknown_command_and_show_before_any_answer(tiny_engine: Engine, tmp_path: Path) -> None:
    out = chat(
        tiny_engine,
        "/show 1\r/frobnicate\rWho is Omar Diaz?\r/show 0\r/show x\r"
        "/show -1\r/show 99999999999999999999\r\x04",
        tmp_path / "h",
    )
    assert "No answer yet: ask a question first." in out
    assert out.count("Use /show N with N from 1 to 1.") == 4  # range and type are checked
    assert "Unknown command /frobnicate. Type /help for the list." in out


def test_matched_words_are_highlighted_only_when_colour_is_on(
    tiny_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.answer.pipeline import answer
    from bot.interfaces.render import answer_text

    text = answer_text(answer(tiny_engine, "How many schools were closed?"))
    coloured = Console(file=io.StringIO(), force_terminal=True, color_system="standard")
    coloured.print(text)
    assert "\x1b[1;33mschools\x1b[0m" in coloured.file.getvalue()  # type: ignore[attr-defined]
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Console(file=io.StringIO(), force_terminal=True, color_system="standard")
    plain.print(text)
    assert "\x1b[1;33m" not in plain.file.getvalue()  # type: ignore[attr-defined]
    piped = Console(file=io.StringIO())  # not a terminal: no escape codes at all
    piped.print(text)
    assert "\x1b[" not in piped.file.getvalue()  # type: ignore[attr-defined]


def test_chat_with_piped_stdin_behaves_like_ask(tiny_corpus: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.interfaces.cli import main

    result = CliRunner().invoke(
        main,
        ["chat", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx")],
        input="Who is Ellen Park?\nWhat did she say about the cost?\n",
    )
    assert result.exit_code == 0
    assert "Q: What did she say about the cost?" in result.stdout
    assert "She said the repairs cost 4.2 million dollars." in result.stdout


def test_show_after_a_declined_answer_says_it_had_no_quotes(
    tiny_engine: Engine, tmp_path: Path
) -> None:
    out = chat(tiny_engine, "What is the capital of France?\r/show 1\r\x04", tmp_path / "h")
    assert "The last answer had no quotes." in out


@pytest.mark.parametrize("arg", ["²", "①", "1" * 5000, "١"])
def test_show_takes_only_ascii_digits_in_range(
    tiny_engine: Engine, tmp_path: Path, arg: str
) -> None:
    out = chat(tiny_engine, f"Who is Ellen Park?\r/show {arg}\r\x04", tmp_path / "h")
    assert "Use /show N with N from 1 to 1." in out and out.endswith("Bye.\n")


def test_quotes_are_numbered_once(tiny_engine: Engine, tmp_path: Path) -> None:
    out = chat(tiny_engine, "How many schools were closed?\r\x04", tmp_path / "h")
    assert "[1] Heavy rain flooded" in out and "1. [1]" not in out


def test_tab_completes_slash_commands_and_history_suggests(
    tiny_engine: Engine, tmp_path: Path
) -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from bot.interfaces.repl import make_session

    history = tmp_path / "h"
    chat(tiny_engine, "Who is Ellen Park?\r\x04", history)
    session = make_session(history)
    done = session.completer.get_completions(
        Document("/sou"), CompleteEvent(completion_requested=True)
    )
    assert [c.text for c in done] == ["/sources"]
    # Suggestions come from the saved history (→ accepts one while typing).
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.history import InMemoryHistory

    assert isinstance(session.auto_suggest, AutoSuggestFromHistory)
    past = list(session.history.load_history_strings())
    assert past == ["Who is Ellen Park?"]
    recent = InMemoryHistory()
    for line in past:
        recent.append_string(line)
    buffer = Buffer(history=recent)
    buffer.insert_text("Who is E")
    suggestion = session.auto_suggest.get_suggestion(buffer, buffer.document)
    assert suggestion is not None and suggestion.text == "llen Park?"


def test_history_file_is_private(tiny_engine: Engine, tmp_path: Path) -> None:
    history = tmp_path / "newsqa" / "chat_history"
    chat(tiny_engine, "Who is Ellen Park?\r\x04", history)
    assert oct(history.stat().st_mode & 0o777) == "0o600"
    assert oct(history.parent.stat().st_mode & 0o777) == "0o700"


def test_16_a_bracketed_paste_of_4_lines_is_4_turns(tiny_engine: Engine, tmp_path: Path) -> None:
    paste = "Who is Ellen Park?\nWhat did she say about the cost?\n/sources\nWhere is Lakeside?"
    out = chat(tiny_engine, f"\x1b[200~{paste}\x1b[201~\r\x04", tmp_path / "history")
    assert out.count("Sources\n") == 3  # three answers with their sources ...
    assert "(read as: What did Ellen Park say about the cost?)" in out  # ... the second a follow-up
    assert "  3. Orchard Festival Draws Record Crowd  (gamma.md)" in out  # /sources ran
    assert "ask> Where is Lakeside?" in out and "/sources" not in out.split("Bye.")[0]
