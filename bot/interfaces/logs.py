"""Logging for the long-running Discord bot, with secrets scrubbed from every record."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping
from typing import TextIO

from ..errors import ConfigError


class RedactSecrets(logging.Filter):
    """Replaces any secret in a log record (message, arguments, traceback) by <redacted>.

    discord.py never logs the token itself; this makes sure nothing else (an exception
    message, a URL, our own code) ever does either.
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<redacted>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg = self._scrub(message)
        record.args = None
        return True


LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def level_from_env(environ: Mapping[str, str]) -> int:
    """NEWSQA_LOG_LEVEL (DEBUG, INFO, WARNING or ERROR; default INFO). Anything else is a
    one-line ConfigError rather than a silently ignored setting."""
    name = (environ.get("NEWSQA_LOG_LEVEL") or "INFO").strip().upper()
    if name not in LEVELS:
        raise ConfigError(f"NEWSQA_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {name[:20]!r}")
    return int(getattr(logging, name))


def setup_logging(
    secrets: Iterable[str] = (), level: int = logging.INFO, stream: TextIO | None = None
) -> logging.Handler:
    """One handler on the root logger (stderr by default), scrubbing `secrets`. Calling it
    again replaces the handler it installed before."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_newsqa", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler._newsqa = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root.addHandler(handler)
    root.setLevel(level)
    # discord.py's own INFO lines ("logging in using static token") are noise on a
    # terminal; its warnings and errors still show.
    logging.getLogger("discord").setLevel(max(level, logging.WARNING))
    return handler
