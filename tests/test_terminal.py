"""The terminal as people meet it: wrapping, --version, help, hints, Ctrl-C, inert text."""

from __future__ import annotations

import io
import json
import os
import pty
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from bot.answer.pipeline import answer
from bot.interfaces.cli import main
from bot.interfaces.render import answer_text, inert
from bot.retrieval import Engine

from .conftest import ROOT, wait_for_stderr, wait_until, write


def test_a_terminal_wraps_at_word_boundaries(bundled_engine: Engine) -> None:
    ans = answer(bundled_engine, "Who is Mustafa Bali?")
    console = Console(file=io.StringIO(), width=40, soft_wrap=False, color_system=None)
    console.print(answer_text(ans))
    words = set(" ".join(q.text for q in ans.quotes).split()) | {"[1]", "Sources"}
    out = console.file.getvalue()  # type: ignore[attr-defined]
    lines = [line for line in out.splitlines() if line.strip()]
    assert max(len(line) for line in lines) <= 40
    quote_lines = lines[: lines.index("Sources")]
    assert all(w in words for line in quote_lines for w in line.split())  # no word cut


def test_piped_output_keeps_one_line_per_quote(tiny_corpus: Path, tmp_path: Path) -> None:
    out = CliRunner().invoke(
        main,
        ["ask", "How much did the bridge repairs cost?", "--corpus", str(tiny_corpus)],
        env={"NEWSQA_INDEX": str(tmp_path / "i")},
    )
    first = out.stdout.splitlines()[0]
    assert first.startswith("[1] Mayor Ellen Park") and first.endswith("4.2 million dollars.")


def test_version_and_top_level_help() -> None:
    assert CliRunner().invoke(main, ["--version"]).stdout == "newsqa, version 0.1.0\n"
    help_text = CliRunner().invoke(main, ["--help"]).stdout
    assert "With no command: the chat on a terminal, or `ask`" in help_text
    for name in ("NEWSQA_CORPUS", "NEWSQA_INDEX", "DISCORD_TOKEN", "DISCORD_GUILD_ID"):
        assert name in help_text


def _with_terminal_stdin(args: list[str], send: bytes, after: str) -> tuple[int, str]:
    """Run the bot with a terminal as stdin; type `send` once it has said `after`."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(slave)
    try:
        said = wait_for_stderr(proc, after)
        os.write(master, send)
        _, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
    return proc.returncode, said + err


def test_ask_on_a_terminal_without_a_question_says_it_reads_stdin(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    code, err = _with_terminal_stdin(
        ["ask", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i")],
        b"\x04",
        after="Reading questions from stdin",
    )
    assert code == 0
    assert "Reading questions from stdin, one per line; Ctrl-D to end." in err


def _writing(index: Path) -> bool:
    """A build is under way and has written article text from its workers."""
    texts = list(index.glob(".tmp-build-*/sent_text.bin")) if index.exists() else []
    return any(p.stat().st_size > 0 for p in texts if p.exists())


def test_ctrl_c_during_a_build_is_one_line_and_exit_130(tmp_path: Path) -> None:
    from bench.synth import write_corpus

    corpus = tmp_path / "corpus"
    write_corpus(corpus, 60_000, seed=5)  # enough files for worker processes
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "index",
            "--corpus",
            str(corpus),
            "--index",
            str(tmp_path / "i"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    # Interrupted once the workers' first batches have been written into the new build.
    wait_until(lambda: proc.poll() is None and _writing(tmp_path / "i"), "a build writing")
    assert proc.poll() is None
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C sends: the whole foreground group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err.strip() == "interrupted"
    assert "Traceback" not in err and "ForkPoolWorker" not in err


def test_an_empty_corpus_announces_no_build(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    out = CliRunner().invoke(main, ["ask", "x?", "--corpus", str(tmp_path / "empty")])
    assert out.exit_code == 1
    assert out.stderr == f"error: no articles (.txt, .md, .html) in {tmp_path / 'empty'}\n"


def test_corpus_strings_are_inert_on_a_terminal(tiny_corpus: Path, tmp_path: Path) -> None:
    meta = json.loads((tiny_corpus / "metadata.json").read_text())
    meta["alpha.txt"]["title"] = "Bridge\x1b]0;pwned\x07 Reopens \x1b[2J"
    (tiny_corpus / "metadata.json").write_text(json.dumps(meta))
    write(tiny_corpus, "evil\x1b[2J.txt", "Evil Name Story\n\nA harbour sentence here.\n")
    out = CliRunner().invoke(
        main, ["sources", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i")]
    )
    assert "\x1b" not in out.stdout
    assert "Bridge\\x1b]0;pwned\\x07 Reopens \\x1b[2J" in out.stdout
    assert "evil\\x1b[2J.txt" in out.stdout
    assert inert("tab\tand\nnewline stay") == "tab\tand\nnewline stay"


@pytest.mark.parametrize("args", [["chat"], []])
def test_chat_with_stdout_piped_uses_plain_lines(
    tiny_corpus: Path, tmp_path: Path, args: list[str]
) -> None:
    out = CliRunner().invoke(
        main,
        [*args, "--corpus", str(tiny_corpus), "--index", str(tmp_path / "i")] if args else [],
        input="Who is Ellen Park?\n",
        env={"NEWSQA_CORPUS": str(tiny_corpus), "NEWSQA_INDEX": str(tmp_path / "i")},
    )
    assert out.exit_code == 0 and "Q: Who is Ellen Park?" in out.stdout
    assert "\r" not in out.stdout
