"""`python -m bot discord`: token handling, one-line errors, and no token in any log."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.interfaces.cli import main
from bot.interfaces.discord_bot import Settings, settings_from_env
from bot.interfaces.logs import RedactSecrets, setup_logging

from .discord_standin import DiscordStandIn

SECRET = "MTIzNDU2.secret-token-never-to-be-logged"


@pytest.fixture
def standin(threaded_standin: tuple[DiscordStandIn, object]) -> DiscordStandIn:
    """The stand-in expects the right token; the CLI under test brings a wrong one."""
    server = threaded_standin[0]
    server.token = "the-right-token"
    return server


def invoke(tiny_corpus: Path, tmp_path: Path, env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner(env=env).invoke(
        main, ["discord", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "idx")]
    )
    return result.exit_code, result.stderr


def test_missing_token_is_a_one_line_error(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    code, err = invoke(tiny_corpus, tmp_path, {"DISCORD_TOKEN": ""})
    assert code == 1
    assert err == "error: DISCORD_TOKEN is not set (put it in the environment or in .env)\n"


def test_token_and_guild_come_from_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("DISCORD_GUILD_ID", raising=False)
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={SECRET}\nDISCORD_GUILD_ID=42\n")
    settings = settings_from_env()
    assert settings.token == SECRET and settings.guild_id == 42
    assert SECRET not in repr(settings) and SECRET not in str(settings)


def test_rejected_token_is_a_one_line_error_without_the_token(
    standin: DiscordStandIn, tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    logs = io.StringIO()
    # The command's logging, at DEBUG and into a buffer we can read afterwards.
    monkeypatch.setattr(
        "bot.interfaces.logs.setup_logging",
        lambda secrets, level=logging.INFO: setup_logging(secrets, logging.DEBUG, logs),
    )
    code, err = invoke(tiny_corpus, tmp_path, {"DISCORD_TOKEN": SECRET})
    assert code == 1
    assert err.splitlines()[-1].startswith("error: Discord rejected DISCORD_TOKEN")
    assert "Traceback" not in err
    assert SECRET not in err and SECRET not in logs.getvalue()
    assert ("GET", "/users/@me", None) in standin.requests  # it really asked the stand-in


def test_redaction_filter_scrubs_messages_arguments_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = setup_logging([SECRET], logging.INFO, stream)
    log = logging.getLogger("newsqa.test")
    try:
        log.info("token is %s", SECRET)
        try:
            raise RuntimeError(f"bad token {SECRET}")
        except RuntimeError:
            log.exception("failed")
    finally:
        logging.getLogger().removeHandler(handler)
    out = stream.getvalue()
    assert SECRET not in out and out.count("<redacted>") == 2
    assert RedactSecrets([SECRET]).secrets == [SECRET]


def test_settings_repr_hides_the_token() -> None:
    assert "hidden" in repr(Settings(token=SECRET))
