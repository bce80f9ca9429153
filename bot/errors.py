"""Every exception the bot raises on purpose.

    BotError                    base: the edges (CLI, REPL, Discord, eval) catch this one
    ├── QuestionError           the question itself is unusable (empty, too long)
    ├── CorpusError             the corpus folder is missing, empty or unreadable
    ├── IndexError_             the saved index cannot be used
    │   ├── IndexMissing        nothing saved there yet
    │   ├── IndexMismatch       built by another format/settings, or from another corpus
    │   ├── IndexCorrupt        files truncated, missing or unparsable
    │   └── IndexWriteError     a build could not be written (disk full, read-only folder)
    ├── ConfigError             bad settings (e.g. no Discord token)
    ├── ConnectError            a service (Discord) cannot be reached
    │   └── ClusterError        the Ray cluster cannot be reached, or a shard cannot answer
    └── EvalFileError           an evaluation question file that cannot be used

Library code raises these and never prints; each interface turns them into its own
one-line message (exit code, private Discord reply, `error` field in evaluation JSON).
"""

from __future__ import annotations


class BotError(Exception):
    """Base of every error the bot raises deliberately. `str(err)` is a user-facing line."""


class QuestionError(BotError):
    """The question cannot be answered as given (empty, too long, no usable words)."""


class CorpusError(BotError):
    """The corpus folder is missing, empty, or holds no readable article."""


class IndexError_(BotError):  # trailing underscore: don't shadow the builtin IndexError
    """The saved index cannot be used as it is."""


class IndexMissing(IndexError_):
    """No index has been saved at that location yet."""


class IndexMismatch(IndexError_):
    """The index was built with another format, other settings, or from another corpus."""


class IndexCorrupt(IndexError_):
    """Index files are truncated, missing or unparsable."""


class IndexWriteError(IndexError_):
    """A new index could not be written; the previous one, if any, is still in use."""


class ConfigError(BotError):
    """A setting the bot needs is missing or invalid (e.g. DISCORD_TOKEN)."""


class ConnectError(BotError):
    """A service the bot talks to (Discord) cannot be reached: DNS, refused, no answer."""


class ClusterError(ConnectError):
    """The Ray cluster cannot be reached, or no replica of a shard answers in time."""


class EvalFileError(BotError):
    """An evaluation question file is missing or has a malformed case."""


__all__ = [
    "BotError",
    "ConfigError",
    "ConnectError",
    "CorpusError",
    "EvalFileError",
    "IndexCorrupt",
    "IndexError_",
    "IndexMismatch",
    "IndexMissing",
    "IndexWriteError",
    "QuestionError",
]
