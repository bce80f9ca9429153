"""Command line: a thin layer over the library. Each command checks its input, calls one
library function, renders the result, and turns `BotError`s into one-line messages.

    python -m bot                      chat on a terminal; answer stdin lines otherwise
    python -m bot ask "question"       one answer (--json for the contract)
    python -m bot ask < questions.txt  one answer per line (--json: JSON Lines)
    python -m bot index                rebuild the index explicitly
    python -m bot sources              list the articles
    python -m bot chat | discord | eval
"""

from __future__ import annotations

import json
import os
import sys
from functools import partial
from typing import TYPE_CHECKING, Any

import click

from ..answer.settings import DEFAULT_TOP, MAX_QUESTION_CHARS, MAX_TOP
from ..errors import BotError
from .article_cli import article_cmd
from .eval_cli import eval_cmd
from .index_cli import index_cmd
from .terminal import (
    Where,
    corpus_options,
    errors_to_exit,
    fail,
    live_engine,
    notify,
    open_engine,
    out_console,
)
from .usage import OneLineErrors, valid_text

if TYPE_CHECKING:
    from ..answer.conversation import Conversation
    from ..records import Answer
    from ..retrieval import Engine
    from .live import LiveEngine


@click.group(
    cls=OneLineErrors,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="newsqa-bot", prog_name="newsqa")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Ask questions about a folder of news articles; get verbatim, cited quotes.

    With no command: the chat on a terminal, or `ask` for each line when stdin is piped.

    \b
    Environment:
      NEWSQA_CORPUS     folder of articles (default: ./corpus, else the sample corpus)
      NEWSQA_INDEX      index folder (default: index/ beside a folder named corpus,
                        else a per-corpus folder in the user cache)
      DISCORD_TOKEN     the Discord bot's token (also read from .env)
      DISCORD_GUILD_ID  sync the Discord commands to this server only
    """
    _unbreakable_output()
    if ctx.invoked_subcommand is None:
        command = chat if sys.stdin.isatty() and sys.stdout.isatty() else ask
        # Parsed as if typed, so that NEWSQA_* variables count (ctx.invoke reads none).
        with command.make_context(command.name, [], parent=ctx) as sub:
            command.invoke(sub)


def _unbreakable_output() -> None:
    """A terminal or pipe that cannot show every character (PYTHONIOENCODING=latin-1, an
    old locale) gets "?" for those, never a traceback in the middle of an answer."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and getattr(stream, "errors", "") == "strict":
            stream.reconfigure(errors="replace")


@main.command()
@click.argument("question", required=False)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the JSON contract (JSON Lines for stdin)."
)
@click.option(
    "--top",
    default=DEFAULT_TOP,
    show_default=True,
    type=click.IntRange(1, MAX_TOP),
    help="Number of quotes.",
)
@click.option(
    "--conversation",
    is_flag=True,
    help="Treat stdin lines as turns of one conversation (follow-ups resolved).",
)
@corpus_options
def ask(
    question: str | None,
    as_json: bool,
    top: int,
    conversation: bool,
    where: Where,
) -> None:
    """Answer QUESTION, or each line of stdin when no QUESTION is given."""
    from .render import answer_text

    if question is not None and not question.strip():
        fail("empty question: ask something about the articles", 2)
    with errors_to_exit():
        live = live_engine(where)
        if question is not None:
            text = valid_text(question)
            result = live.call(lambda engine: live.answerer(engine).answer(text, top))
            if as_json:
                click.echo(json.dumps(_to_json(result), ensure_ascii=False))
            else:
                out_console().print(answer_text(result), end="")
            return
        if sys.stdin.isatty():
            notify("Reading questions from stdin, one per line; Ctrl-D to end.")
        _answer_lines(live, sys.stdin, as_json, top, conversation)


def _to_json(result: Any) -> dict[str, Any]:
    from .render import answer_to_json

    return answer_to_json(result)


def _answer_lines(
    live: LiveEngine, lines: Any, as_json: bool, top: int, conversation: bool
) -> None:
    """One output per input line, in order, so scripts can zip questions with answers."""
    if lines is sys.stdin and hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")  # a bad byte: U+FFFD, not a traceback
    from ..answer.conversation import Conversation
    from .render import answer_text, inert

    conv = Conversation(live.answerer())
    live.on_swap.append(conv.use)
    console = out_console()
    for raw in lines:
        if len(raw) > MAX_QUESTION_CHARS + 2:  # echo a prefix: 300 MB in is not 300 MB out
            shown = valid_text(raw[:ECHO_CHARS]) + "…"
            _line_error(
                shown,
                f"question too long ({len(raw):,} characters; the limit is {MAX_QUESTION_CHARS:,})",
                as_json,
                console,
            )
            continue
        line = valid_text(raw.rstrip("\r\n"))
        try:
            live.refresh()  # a long stream of questions sees articles added meanwhile
        except BotError as exc:  # e.g. a sync tool emptied the folder for a moment
            notify(f"could not rebuild the index ({exc}); answering from the one before")
        try:
            one = partial(_one, live=live, conv=conv if conversation else None, q=line, top=top)
            result = live.call(one)
        except BotError as exc:  # this line's answer failed: it still gets its line
            _line_error(line, str(exc), as_json, console)
            continue
        if as_json:
            click.echo(json.dumps(_to_json(result), ensure_ascii=False))
        else:
            console.print(f"Q: {inert(line)}", markup=False)
            console.print(answer_text(result))
        sys.stdout.flush()


ECHO_CHARS = 80  # of an over-long line, what its error echoes


def _line_error(line: str, message: str, as_json: bool, console: Any) -> None:
    from .render import error_json, inert

    if as_json:
        click.echo(json.dumps(error_json(line, message), ensure_ascii=False))
    else:
        console.print(f"Q: {inert(line)}\n  ({message})\n", markup=False)
    sys.stdout.flush()


def _one(engine: Engine, live: LiveEngine, conv: Conversation | None, q: str, top: int) -> Answer:
    """One line's answer: a turn of `conv`, or a question on its own."""
    return conv.ask(q, top=top) if conv is not None else live.answerer(engine).answer(q, top)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@corpus_options
def sources(as_json: bool, where: Where) -> None:
    """List the articles in the corpus."""
    from .render import sources_json, sources_text

    with errors_to_exit():
        engine = open_engine(where)
    if as_json:
        click.echo(json.dumps(sources_json(engine.documents), ensure_ascii=False))
    else:
        out_console().print(sources_text(engine.documents), end="")


@main.command()
@corpus_options
def chat(where: Where) -> None:
    """Open the interactive chat (plain line mode when stdin or stdout is not a terminal:
    `chat | tee log` gets answers, not a full-screen prompt)."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        from .repl import run_plain

        with errors_to_exit():
            live = live_engine(where)
            if hasattr(sys.stdin, "reconfigure"):
                sys.stdin.reconfigure(errors="surrogateescape")
            run_plain(live, (valid_text(line) for line in sys.stdin), out_console())
        return
    from .repl import run_repl

    with errors_to_exit():
        run_repl(live_engine(where))


@main.command("discord")
@click.option("--sync", "force_sync", is_flag=True, help="Sync the slash commands now.")
@click.option(
    "--clear-global",
    is_flag=True,
    help="With --sync: remove the global copy of the commands (when moving to a guild).",
)
@corpus_options
def discord_cmd(force_sync: bool, clear_global: bool, where: Where) -> None:
    """Run the Discord bot (token from DISCORD_TOKEN or .env; see README)."""
    import asyncio
    from dataclasses import replace

    from .discord_bot import settings_from_env
    from .discord_run import run_bot
    from .logs import level_from_env, setup_logging

    if clear_global and not force_sync:
        fail("--clear-global goes with --sync", 2)
    with errors_to_exit():
        settings = replace(settings_from_env(), force_sync=force_sync, clear_global=clear_global)
        setup_logging(secrets=[settings.token], level=level_from_env(os.environ))
        asyncio.run(run_bot(live_engine(where), settings, notify))


main.add_command(eval_cmd)
main.add_command(index_cmd)
main.add_command(article_cmd)


if __name__ == "__main__":  # pragma: no cover
    main()
