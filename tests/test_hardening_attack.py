"""Hardening (issue "Hardening"): the outside attack's defects, one test each, named
after it. Speed is measured by `python -m bench.clean_rules`, never timed here: these
tests check what a user sees (the article indexed, the note), and on the code before the
fixes they ran for minutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.clean_rules import INPUTS
from bot.ingest.clean import clean_document
from bot.ingest.markdown import read_markdown

# Ten levels of nine aliases each: 9**10 nodes from under 500 bytes (the attack's case).
LEVELS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [" + ", ".join([f"*{a}"] * 9) + "]\n"
    for a, b in zip("abcdefghi", "bcdefghij", strict=True)
)
BOMB = f"---\ntitle: Harbour news\n{LEVELS}date: *j\n---\n\nThe ferry resumed on Monday.\n"


def test_3_a_yaml_alias_bomb_in_front_matter_is_ignored_with_a_note() -> None:
    text, found, notes, _ = read_markdown(BOMB)
    assert "anchors or aliases" in notes[0]
    assert found.title is None and "ferry resumed on Monday" in text


def test_3_front_matter_without_aliases_is_still_read() -> None:
    _, found, notes, _ = read_markdown("---\ntitle: Harbour news\n---\n\nBody text here.\n")
    assert found.title == "Harbour news" and notes == []


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_4_an_adversarial_80_kb_line_is_cleaned_and_the_article_kept(name: str) -> None:
    line = INPUTS[name](80 * 1024)
    text = f"A Headline Of Some Words\n\n{line}\n\nA body sentence.\n"
    doc = clean_document(0, "x.txt", text, None)
    assert "A body sentence." in doc.raw


def test_4_the_cleaning_bench_prints_a_row_per_rule(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import clean_rules

    monkeypatch.setattr(clean_rules, "SIZES_KB", (1, 2))
    clean_rules.main()
    out = capsys.readouterr().out.splitlines()
    assert len([r for r in out if r.startswith("| ") and "KB" not in r]) == len(INPUTS)


def test_6_a_fifo_as_the_build_marker_does_not_hang_ask(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from bot.index.folder import MARKER, current_build

    from .conftest import BUNDLED, ROOT

    index = tmp_path / "index"
    args = ["--corpus", str(BUNDLED), "--index", str(index)]
    env = {**os.environ, "NEWSQA_LEXICAL": "1"}
    run = [sys.executable, "-m", "bot"]
    subprocess.run([*run, "index", *args], check=True, capture_output=True, env=env, cwd=ROOT)
    marker = current_build(index) / MARKER
    marker.unlink()
    os.mkfifo(marker)
    out = subprocess.run(
        [*run, "ask", "Who is Mustafa Bali?", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,  # before the fix: open() blocked on the FIFO, forever
    )
    assert out.returncode == 0 and "Mustafa Bali" in out.stdout
    assert "marker that is not a regular file" in out.stderr  # then rebuilt


@pytest.mark.parametrize("field", ["counts", "corpus"])
def test_9_a_params_json_field_that_is_a_list_is_a_rebuild_not_a_traceback(
    tmp_path: Path, field: str
) -> None:
    import json

    from click.testing import CliRunner

    from bot.index.folder import current_build
    from bot.interfaces.cli import main

    from .conftest import BUNDLED

    args = ["--corpus", str(BUNDLED), "--index", str(tmp_path)]
    assert CliRunner().invoke(main, ["index", *args]).exit_code == 0
    path = current_build(tmp_path) / "params.json"
    params = json.loads(path.read_text(encoding="utf-8"))
    params[field] = [1, 2]
    path.write_text(json.dumps(params), encoding="utf-8")
    for command in (["index", "--check"], ["ask", "Who is Mustafa Bali?"]):
        out = CliRunner().invoke(main, [*command, *args])
        assert out.exit_code == 0 and out.exception is None, out.output
        path = current_build(tmp_path) / "params.json"
        params = json.loads(path.read_text(encoding="utf-8"))
        params[field] = [1, 2]  # damage the rebuilt one too, for the next command
        path.write_text(json.dumps(params), encoding="utf-8")


def test_14_bidi_controls_in_a_title_never_reach_the_terminal() -> None:
    from bot.display import inert

    shown = inert("Harbour \u202enews\u2066 and \u200fmore")
    assert not any(c in shown for c in "\u202e\u2066\u200f")
    assert shown == "Harbour \\u202enews\\u2066 and \\u200fmore"


def test_a_usage_error_is_one_line() -> None:
    import subprocess
    import sys

    from .conftest import ROOT

    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--top", "0", "Who?"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "'--top'" in out.stderr and "--help" in out.stderr


def test_13_a_dot_env_in_a_parent_folder_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.errors import ConfigError
    from bot.interfaces.discord_bot import settings_from_env

    (tmp_path / ".env").write_text("DISCORD_TOKEN=someone-elses\n", encoding="utf-8")
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="not set"):
        settings_from_env()


def test_an_empty_exported_token_does_not_hide_the_one_in_dot_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.interfaces.discord_bot import settings_from_env

    (tmp_path / ".env").write_text("DISCORD_TOKEN=from-dot-env\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "")
    assert settings_from_env().token == "from-dot-env"


def test_env_files_with_a_suffix_are_ignored_by_git() -> None:
    from .conftest import ROOT

    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env.*" in ignored  # .env.local, .env.production


def _deep(root: Path, names: list[str]) -> Path:
    """Folders nested one in another (through a relative walk: the full path may be
    longer than the OS takes at once)."""
    import os

    fd = os.open(root, os.O_RDONLY)
    try:
        for name in names:
            os.mkdir(name, dir_fd=fd)
            new = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = new
        with open(os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd), "w") as fh:
            fh.write("Deep News\n\nThe deep article says nothing of ferries at all.\n")
    finally:
        with __import__("contextlib").suppress(OSError):
            os.close(fd)
    return root


@pytest.mark.parametrize(
    ("names", "why"),
    [(["d"] * 1000, "nested more than"), (["n" * 250] * 20, "name too long")],
    ids=["1000-nested-folders", "path-over-the-os-limit"],
)
def test_5_odd_folders_are_skipped_with_a_note(tmp_path: Path, names: list[str], why: str) -> None:
    from click.testing import CliRunner

    from bot.interfaces.cli import main

    from .conftest import write

    corpus = tmp_path / "c"
    write(corpus, "ferry.txt", "Ferry News\n\nThe island ferry resumed its service on Monday.\n")
    _deep(corpus, names)
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "i")]
    out = CliRunner().invoke(main, ["index", *args])
    assert out.exit_code == 0 and out.exception is None, out.output
    assert "folder skipped" in out.stderr and why in out.stderr.lower()
    answered = CliRunner().invoke(main, ["ask", "When did the ferry resume its service?", *args])
    assert answered.exit_code == 0 and "Monday" in answered.stdout
    _undeep(corpus, names)  # pytest's own clean-up recurses, and 1000 levels overflow it


def _undeep(root: Path, names: list[str]) -> None:
    """Remove what `_deep` made: `rm -r` walks any depth without recursing in Python."""
    import subprocess

    subprocess.run(["rm", "-rf", str(root / names[0])], check=True, timeout=120)


def test_12_a_users_own_dot_current_files_survive_a_build(tmp_path: Path) -> None:
    import os
    import time

    from click.testing import CliRunner

    from bot.interfaces.cli import main

    from .conftest import BUNDLED

    mine = [tmp_path / ".CURRENT.bak", tmp_path / ".CURRENT.old"]
    for path in mine:
        path.write_text("my own notes\n", encoding="utf-8")
        old = time.time() - 30 * 86400  # old enough to look like debris
        os.utime(path, (old, old))
    args = ["--corpus", str(BUNDLED), "--index", str(tmp_path)]
    for _ in range(2):  # a build, and a rebuild that clears old builds and debris
        assert CliRunner().invoke(main, ["index", *args]).exit_code == 0
    assert all(p.read_text(encoding="utf-8") == "my own notes\n" for p in mine)


@pytest.mark.parametrize("encoding", [None, "utf-8"])
def test_10_an_invalid_byte_in_a_question_gives_valid_utf8_json(encoding: str | None) -> None:
    import json
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    env = {**os.environ, "NEWSQA_LEXICAL": "1"}
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    run = [sys.executable.encode(), b"-m", b"bot", b"ask", b"--json"]
    by_argument = subprocess.run(
        [*run, b"Who is Mustafa \xff Bali?"], capture_output=True, env=env, cwd=ROOT, timeout=300
    )
    on_stdin = subprocess.run(
        run,
        input=b"Who is Mustafa \xff Bali?\n",
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    for out in (by_argument, on_stdin):
        assert out.returncode == 0, out.stderr
        got = json.loads(out.stdout.decode("utf-8"))  # strict: valid UTF-8 or it raises
        assert got["question"] == "Who is Mustafa \ufffd Bali?"


def test_11_index_check_notices_a_same_size_edit_with_its_mtime_put_back(tmp_path: Path) -> None:
    import os
    import shutil

    from click.testing import CliRunner

    from bot.interfaces.cli import main

    from .conftest import BUNDLED

    corpus = tmp_path / "c"
    shutil.copytree(BUNDLED, corpus)
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "i")]
    assert CliRunner().invoke(main, ["index", *args]).exit_code == 0
    article = corpus / "004_a765cca09a6260ef.txt"
    st = article.stat()
    article.write_bytes(article.read_bytes().replace(b"Baghouz is free", b"Baghouz is lost"))
    os.utime(article, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert article.stat().st_size == st.st_size
    out = CliRunner().invoke(main, ["index", "--check", *args])
    assert out.exit_code == 0 and "the corpus changed" in out.stderr
    answer = CliRunner().invoke(main, ["ask", "Who said Baghouz is lost?", *args])
    assert "Baghouz is lost" in answer.stdout


def test_17_an_index_folder_that_cannot_take_a_new_build_serves_the_stale_one(
    tmp_path: Path,
) -> None:
    # A full (or read-only) disk, as a file-size limit the new build cannot fit under:
    # it applies to root too, unlike a read-only folder.
    import os
    import resource
    import shutil
    import signal
    import subprocess
    import sys

    from click.testing import CliRunner

    from bot.interfaces.cli import main

    from .conftest import BUNDLED, ROOT, write

    corpus = tmp_path / "c"
    shutil.copytree(BUNDLED, corpus)
    args = ["--corpus", str(corpus), "--index", str(tmp_path / "i")]
    assert CliRunner().invoke(main, ["index", *args]).exit_code == 0
    write(corpus, "new.txt", "Ferry News\n\nThe island ferry resumed its service on Monday.\n")

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "Who is Mustafa Bali?", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NEWSQA_LEXICAL": "1"},
        cwd=ROOT,
        timeout=300,
        preexec_fn=full_disk,
    )
    assert out.returncode == 0 and "Mustafa Bali" in out.stdout, out.stderr
    assert "cannot write the index" in out.stderr and "stale" in out.stderr


def test_slash_commands_in_plain_line_chat_are_commands() -> None:
    from click.testing import CliRunner

    from bot.interfaces.cli import main

    from .conftest import BUNDLED

    lines = "Who is Mustafa Bali?\n/sources\n/quit\nWhat is Raqqa?\n"
    out = CliRunner().invoke(main, ["chat", "--corpus", str(BUNDLED)], input=lines)
    assert out.exit_code == 0
    assert "Q: /sources" not in out.stdout and "5. US-backed forces" in out.stdout
    assert "Raqqa" not in out.stdout  # after /quit nothing more is read


def test_18_current_as_a_folder_leaves_no_build_behind(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.interfaces.cli import main

    from .conftest import BUNDLED

    (tmp_path / "CURRENT").mkdir()
    args = ["--corpus", str(BUNDLED), "--index", str(tmp_path)]
    for _ in range(2):
        out = CliRunner().invoke(main, ["index", *args])
        assert out.exit_code == 1 and "CURRENT there is not a file" in out.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "CURRENT"]


@pytest.mark.parametrize(
    ("codec", "head", "body"),
    [
        (
            "iso-8859-7",
            '<meta charset="iso-8859-7">',
            "Ο δήμαρχος της πόλης ανακοίνωσε σήμερα το νέο πρόγραμμα για τα πλοία του νησιού.",
        ),
        (
            "shift_jis",
            '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
            "市長は今日、島のフェリーの新しい計画を発表しました。これは長い記事の本文です。",
        ),
    ],
)
def test_8_a_pages_declared_charset_is_used(
    tmp_path: Path, codec: str, head: str, body: str
) -> None:
    import json

    from click.testing import CliRunner

    from bot.interfaces.cli import main

    page = f"<html><head>{head}<title>News</title></head><body><article><p>{body}</p>"
    page += "</article></body></html>"
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "page.html").write_bytes(page.encode(codec))
    out = CliRunner().invoke(main, ["article", "page.html", "--json", "--corpus", str(corpus)])
    assert out.exit_code == 0, out.output
    assert body in json.loads(out.stdout)["text"]


def test_7_a_web_page_over_the_size_cap_is_skipped_with_a_note(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bot.ingest.readers import MAX_PAGE_BYTES
    from bot.interfaces.cli import main

    from .conftest import write

    corpus = tmp_path / "c"
    write(corpus, "ferry.txt", "Ferry News\n\nThe island ferry resumed its service on Monday.\n")
    paragraph = "<p>The harbour opened again after the storm had closed it for days.</p>"
    big = "<html><body><article>" + paragraph * (MAX_PAGE_BYTES // len(paragraph) + 1)
    write(corpus, "huge.html", big + "</article></body></html>")
    out = CliRunner().invoke(
        main, ["index", "--corpus", str(corpus), "--index", str(tmp_path / "i")]
    )
    assert out.exit_code == 0 and "skipped huge.html: web page over 5 MB" in out.stderr


def test_7_a_page_that_extracts_too_slowly_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.ingest import html

    monkeypatch.setattr(html, "PAGE_SECONDS", 0.2)
    paragraph = "<p>The harbour opened again after the storm had closed it for days.</p>"
    page = "<html><body><article>" + paragraph * 30_000 + "</article></body></html>"  # ~2 MB
    with pytest.raises(ValueError, match="to extract: skipped"):
        html.read_html(page)
    assert html.read_html("<p>The council met.</p>")[0].strip()  # the timer is gone after
