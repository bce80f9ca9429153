"""A running chat or Discord bot sees articles added while it runs (issue "Hardening",
the new user's first item): the corpus is checked between answers, the index rebuilt and
the engine swapped in; `/reload` checks at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.interfaces.discord_bot import NewsBot
from bot.interfaces.live import LiveEngine
from bot.interfaces.repl import ChatSession
from bot.interfaces.terminal import Where, live_engine

from .conftest import write
from .discord_standin import DiscordStandIn, ask
from .test_discord_e2e import run_with_bot

QUESTION = "When did the island ferry resume its service?"
FERRY = "Ferry News\n\nThe island ferry resumed its service on Monday after a storm.\n"


def _live(tiny_corpus: Path, tmp_path: Path, interval: float) -> LiveEngine:
    live = live_engine(Where(tiny_corpus, tmp_path / "index", lexical=True))
    live.interval = interval
    return live


def test_a_running_chat_answers_from_an_article_added_meanwhile(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    session = ChatSession(_live(tiny_corpus, tmp_path, interval=0))
    assert "resumed its service" not in str(session.handle(QUESTION))
    write(tiny_corpus, "ferry.txt", FERRY)
    answer = str(session.handle(QUESTION))
    assert "The island ferry resumed its service on Monday" in answer and "ferry.txt" in answer


def test_reload_in_the_chat_looks_at_once(tiny_corpus: Path, tmp_path: Path) -> None:
    session = ChatSession(_live(tiny_corpus, tmp_path, interval=3600))  # never by itself
    assert "up to date" in str(session.handle("/reload"))
    write(tiny_corpus, "ferry.txt", FERRY)
    assert "resumed its service" not in str(session.handle(QUESTION))  # not checked yet
    assert str(session.handle("/reload")) == "(reloaded: 4 articles)"
    assert "resumed its service on Monday" in str(session.handle(QUESTION))


@pytest.mark.slow
def test_a_running_discord_bot_answers_from_an_article_added_meanwhile(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = _live(tiny_corpus, tmp_path, interval=0.05)
    first = live.engine

    async def scenario(s: DiscordStandIn, bot: NewsBot) -> None:
        await s.dispatch("INTERACTION_CREATE", ask(1, QUESTION))
        await s.wait_for(lambda: bool(s.edits["itoken-1"]))
        write(tiny_corpus, "ferry.txt", FERRY)
        await s.wait_for(lambda: bot.engine is not first, timeout=60)
        await s.dispatch("INTERACTION_CREATE", ask(2, QUESTION))
        await s.wait_for(lambda: bool(s.edits["itoken-2"]))

    s = run_with_bot(live, monkeypatch, scenario)  # type: ignore[arg-type]
    assert "resumed its service" not in str(s.edits["itoken-1"])
    (final,) = s.edits["itoken-2"]
    assert "The island ferry resumed its service on Monday" in final["embeds"][0]["description"]


def test_a_rebuild_that_fails_is_a_notice_and_the_chat_goes_on(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    session = ChatSession(_live(tiny_corpus, tmp_path, interval=0))
    for article in tiny_corpus.iterdir():  # every article gone: nothing to build from
        article.unlink()
    out = str(session.handle("Who is Ellen Park?"))
    assert "could not rebuild the index" in out and "no articles" in out
    assert "Mayor Ellen Park cut the ribbon" in out  # answered from the index it had
