"""The chat REPL: prompt_toolkit for line editing and history, rich for output.

`ChatSession.handle` turns one input line into renderable output (pure apart from the
engine it calls); `run_repl` is the loop around it. Conversation memory is the core's
`Conversation`, the same one `ask --conversation` and Discord use.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from ..answer.conversation import Conversation
from ..answer.settings import DEFAULT_TOP
from ..errors import BotError, QuestionError
from ..paths import history_file
from ..records import Answer
from ..retrieval import Engine
from .live import LiveEngine
from .render import answer_text, inert, source_line, sources_text

PROMPT = "ask> "
HELP = """\
Ask a question about the articles, e.g. "Who is Mustafa Bali?" — follow-ups like
"What did he tweet?" use the conversation so far.

  /sources     list the articles
  /show N      the full passage around the N-th quote of the last answer
  /clear       forget the conversation so far
  /reload      look for new or changed articles now (done by itself every few seconds)
  /help        this help
  /quit        leave (Ctrl-D works too; Ctrl-C cancels the current line)"""


class ChatSession:
    """State of one chat: the conversation and the last answer (for /show)."""

    def __init__(self, engine: Engine | LiveEngine, top: int = DEFAULT_TOP) -> None:
        self.live = LiveEngine.of(engine)
        self.top = top
        self.conversation = Conversation(self.live.answerer())
        self.last: Answer | None = None
        self.done = False
        self.live.on_swap.append(self._swap)

    @property
    def engine(self) -> Engine:
        return self.live.engine

    def _swap(self, engine: Engine) -> None:
        """The index was rebuilt: the conversation goes on over the new one."""
        self.conversation.use(engine)

    def handle(self, line: str) -> Text | str | None:
        """Output for one input line (None for nothing to print)."""
        text = line.strip()
        if not text:
            return None
        if text.startswith("/") or text.lower() in ("help", "quit", "exit", "sources", "clear"):
            return self.live.call(lambda _: self._command(text.lstrip("/")))
        _, notice = self._refresh()
        try:
            self.last = self.live.call(lambda _: self.conversation.ask(text, top=self.top))
        except QuestionError as exc:
            return Text(f"({exc})", style="yellow")
        answer = answer_text(self.last)
        return Text.assemble(notice, "\n", answer) if notice else answer

    def _refresh(self, force: bool = False) -> tuple[bool, Text | None]:
        """New or changed articles: the next answer comes from a rebuilt index. Whether a
        new index was swapped in, and the notice to show. A rebuild that fails is a
        notice; the chat goes on with the index it has."""
        try:
            if not self.live.refresh(force):
                return False, None
        except BotError as exc:
            notice = f"(could not rebuild the index: {exc}; answering from the one before)"
            return False, Text(notice, style="yellow")
        return True, Text(f"(reloaded: {len(self.engine.documents)} articles)", style="dim")

    def _command(self, text: str) -> Text | str | None:
        name, _, arg = text.partition(" ")
        name = name.lower()
        if name in ("quit", "exit", "q"):
            self.done = True
            return None
        if name in ("help", "h", "?"):
            return HELP
        if name == "sources":
            return sources_text(self.engine.documents)
        if name == "clear":
            self.conversation.clear()
            self.last = None
            return Text("(conversation cleared)", style="dim")
        if name == "show":
            return self._show(arg.strip())
        if name == "reload":
            swapped, notice = self._refresh(force=True)
            if swapped:
                self.last = None  # its /show numbers point into the old index
            return notice or Text("(the index is up to date with the articles)", style="dim")
        return Text(f"Unknown command /{name}. Type /help for the list.", style="yellow")

    def _show(self, arg: str) -> Text:
        if self.last is None:
            return Text("No answer yet: ask a question first.", style="yellow")
        quotes = self.last.quotes
        if not quotes:
            return Text("The last answer had no quotes.", style="yellow")
        # ASCII digits only: "²", "①" and 5,000-digit numbers are not quote numbers.
        if not (arg.isascii() and arg.isdigit() and len(arg) <= 3) or not 1 <= int(arg) <= len(
            quotes
        ):
            return Text(f"Use /show N with N from 1 to {len(quotes)}.", style="yellow")
        quote = quotes[int(arg) - 1]
        hit = self.engine.retriever.hit(quote.passage_id)
        doc = hit.doc
        out = Text()
        out.append(source_line(doc.title, doc.publisher, doc.published) + "\n", style="bold")
        for i, sent in enumerate(hit.sentences):
            style = "bold" if sent.sent_id in quote.sent_ids else ""  # the quoted part
            out.append((" " if i else "") + inert(sent.text), style=style)
        return out


def run_plain(engine: Engine | LiveEngine, lines: Iterable[str], console: Console) -> None:
    """`chat` without a terminal (`chat | tee log`, or questions piped in): the chat's
    own reading of each line - "/sources", "/clear" and the rest are commands, never
    questions - with each question echoed above its answer."""
    session = ChatSession(engine)
    for raw in lines:
        line = raw.rstrip("\r\n")
        command = line.strip().startswith("/")
        if line.strip() and not command:
            console.print(f"Q: {inert(line)}", markup=False)
        out = session.handle(line)
        if out is not None:
            console.print(out)
        if session.done:
            return


def run_repl(
    engine: Engine | LiveEngine,
    console: Console | None = None,
    read_line: Callable[[str], str] | None = None,
) -> None:
    """Prompt, answer, repeat, until /quit or Ctrl-D. Ctrl-C only cancels the line."""
    # Word wrap on a terminal; one line per quote when the output goes elsewhere.
    console = console or Console(highlight=False, soft_wrap=not sys.stdout.isatty())
    session = ChatSession(engine)
    engine = session.engine
    engine.warm()  # before the prompt, not on the first question
    reader = read_line or prompt_reader()
    console.print(
        Text(
            f"Chat with {len(engine.documents)} articles. /help for commands, Ctrl-D to quit.",
            style="dim",
        )
    )
    while not session.done:
        try:
            line = reader(PROMPT)
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        _handle_lines(session, line, console)
    console.print(Text("Bye.", style="dim"))


def _handle_lines(session: ChatSession, text: str, console: Console) -> None:
    """One prompt's input: usually a line, but a bracketed paste can hold several, and each
    is its own turn (a pasted "/sources" is a command, not words of a question). Each
    question of a paste is shown above its answer, so the answers read in order."""
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines or [text]:
        if len(lines) > 1 and not line.strip().startswith("/"):
            console.print(Text(f"{PROMPT}{inert(line.strip())}", style="dim"))
        out = session.handle(line)
        if out is not None:
            console.print(out)
        if session.done:
            return


def prompt_reader(history_path: Path | None = None, **session_kwargs: Any) -> Callable[[str], str]:
    """Read lines with `make_session`'s prompt."""
    session = make_session(history_path, **session_kwargs)
    return lambda prompt: session.prompt(prompt)


def make_session(history_path: Path | None = None, **session_kwargs: Any) -> Any:
    """A prompt_toolkit session: arrow keys, Ctrl-R search, Tab completion of the slash
    commands, suggestions from history (→ accepts), and a history file readable by you
    only (0600 in a 0700 folder). `session_kwargs` (input/output) let tests drive it."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.completion import WordCompleter
    from prompt_toolkit.history import FileHistory, History, InMemoryHistory

    path = history_path or history_file()
    history: History
    try:
        private_file(path)
        history = FileHistory(str(path))
    except OSError:
        history = InMemoryHistory()  # read-only home: still usable, just no saved history
    completer = WordCompleter(COMMANDS, sentence=True, match_middle=False)
    session: PromptSession[str] = PromptSession(
        history=history,
        completer=completer,
        complete_while_typing=False,
        auto_suggest=AutoSuggestFromHistory(),
        **session_kwargs,
    )
    return session


COMMANDS = ["/sources", "/show ", "/clear", "/reload", "/help", "/quit"]


def private_file(path: Path) -> None:
    """Create `path` (and its folder) readable by its owner only; tighten them if they
    exist: past questions are nobody else's business."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
