"""What every command shares at the edge of the process: one-line usage errors, and
input text made valid Unicode."""

from __future__ import annotations

import sys
from typing import Any

import click


class OneLineErrors(click.Group):
    """The command group, with usage errors on one line ("error: Invalid value for
    '--top': …  (see --help)") instead of Click's three, as every other error is."""

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:  # type: ignore[override]
        extra.pop("standalone_mode", None)  # always handled here
        try:
            return super().main(args, prog_name, standalone_mode=False, **extra)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx is not None else "python -m bot"
            click.echo(f"error: {exc.format_message()} (see `{where} --help`)", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Exit as exc:  # --help, --version
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C at a prompt
            click.echo("Aborted.", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)


def valid_text(text: str) -> str:
    """`text` as valid Unicode: Python hands over bytes that are not UTF-8 (in an argument,
    or on stdin with surrogateescape) as lone surrogates, which JSON output would carry
    out raw or fail on. Each becomes U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
