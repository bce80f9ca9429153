"""The command line, driven with click's CliRunner; whole outputs are checked."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.interfaces.cli import main

CONTRACT_KEYS = {"question", "answered", "message", "quotes", "sources"}
QUOTE_KEYS = {"text", "citation", "doc", "score"}
SOURCE_KEYS = {"citation", "doc", "title", "publisher", "published"}


def run(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args, input=stdin)
    return result.exit_code, result.stdout, result.stderr


def dirs(corpus: Path, tmp_path: Path) -> list[str]:
    return ["--corpus", str(corpus), "--index", str(tmp_path / "idx")]


def check_contract(obj: dict[str, object], corpus: Path) -> None:
    assert obj.keys() >= CONTRACT_KEYS
    assert isinstance(obj["answered"], bool)
    quotes = obj["quotes"]
    sources = obj["sources"]
    assert isinstance(quotes, list) and isinstance(sources, list)
    cited = {s["citation"]: s["doc"] for s in sources}
    for q in quotes:
        assert q.keys() >= QUOTE_KEYS
        assert cited[q["citation"]] == q["doc"]
        text = " ".join((corpus / q["doc"]).read_text(encoding="utf-8").split())
        assert q["text"] in text  # verbatim, whitespace collapsed
    for s in sources:
        assert s.keys() >= SOURCE_KEYS
        assert s["published"] is None or len(s["published"]) == 10


def test_ask_prints_quotes_and_sources(tiny_corpus: Path, tmp_path: Path) -> None:
    code, out, err = run(
        ["ask", "When did the Old Mill bridge reopen?", *dirs(tiny_corpus, tmp_path)]
    )
    assert code == 0
    assert out == (
        "[1] The Old Mill bridge in Riverton reopened on Monday after eleven months of repairs.\n"
        "\n"
        "Sources\n"
        "[1] Bridge Reopens In Riverton After Repairs — Example News, 6 May 2024  (alpha.txt)\n"
    )
    assert "Building the index" in err  # first run: one notice, on stderr


def test_ask_json_is_exactly_one_object_in_the_contract(tiny_corpus: Path, tmp_path: Path) -> None:
    code, out, _ = run(
        [
            "ask",
            "--json",
            "--top",
            "2",
            "How many schools were closed?",
            *dirs(tiny_corpus, tmp_path),
        ]
    )
    assert code == 0 and len(out.splitlines()) == 1
    obj = json.loads(out)
    check_contract(obj, tiny_corpus)
    assert obj["answered"] is True and obj["message"] is None
    assert obj["quotes"][0]["doc"] == "beta.txt"
    assert obj["sources"][0] == {
        "citation": 1,
        "doc": "beta.txt",
        "title": "Flooding Closes Schools In Lakeside",
        "publisher": "Valley Post",
        "published": None,
        "date": "2024-05",
        "url": None,  # the file gives no link
    }


def test_ask_json_declines_with_a_message(tiny_corpus: Path, tmp_path: Path) -> None:
    code, out, _ = run(
        ["ask", "--json", "What is the capital of France?", *dirs(tiny_corpus, tmp_path)]
    )
    obj = json.loads(out)
    assert code == 0 and obj["answered"] is False and obj["quotes"] == [] and obj["message"]


def test_stdin_json_lines_one_per_input_line_in_order(tiny_corpus: Path, tmp_path: Path) -> None:
    lines = ["How many families were evacuated?", "", "what is the", "Who is Omar Diaz?"]
    code, out, _ = run(["ask", "--json", *dirs(tiny_corpus, tmp_path)], "\n".join(lines) + "\n")
    assert code == 0
    objs = [json.loads(line) for line in out.splitlines()]
    assert [o["question"] for o in objs] == lines
    assert [o["answered"] for o in objs] == [True, False, False, True]
    assert "empty question" in objs[1]["message"]
    assert "no searchable words" in objs[2]["message"]
    for o in objs:
        check_contract(o, tiny_corpus)


def test_conversation_mode_resolves_follow_ups(tiny_corpus: Path, tmp_path: Path) -> None:
    code, out, _ = run(
        ["ask", "--json", "--conversation", *dirs(tiny_corpus, tmp_path)],
        "Who is Ellen Park?\nWhat did she say about the cost?\n",
    )
    first, second = (json.loads(line) for line in out.splitlines())
    assert code == 0 and first["answered"] and second["answered"]
    assert "4.2 million" in second["quotes"][0]["text"]
    assert second["resolved_question"] == "What did Ellen Park say about the cost?"


def test_errors_are_one_line_and_non_zero(tiny_corpus: Path, tmp_path: Path) -> None:
    code, out, err = run(["ask", "", *dirs(tiny_corpus, tmp_path)])
    assert (code, out) == (
        2,
        "",
    ) and err == "error: empty question: ask something about the articles\n"
    code, _, err = run(
        ["ask", "bridge", "--corpus", str(tmp_path / "missing"), "--index", str(tmp_path / "i")]
    )
    assert code == 1 and err == (
        f"error: corpus folder not found: {tmp_path / 'missing'} "
        "(give one with --corpus DIR or NEWSQA_CORPUS)\n"
    )
    code, _, err = run(["ask", "--top", "0", "bridge", *dirs(tiny_corpus, tmp_path)])
    assert code == 2 and "Traceback" not in err


def test_index_command_prints_counts(tiny_corpus: Path, tmp_path: Path) -> None:
    code, out, _ = run(["index", *dirs(tiny_corpus, tmp_path)])
    assert code == 0
    assert out.startswith("Indexed 3 articles, 3 passages, ")
    assert "sentences" in out


def test_sources_lists_every_article(tiny_corpus: Path, tmp_path: Path) -> None:
    code, out, _ = run(["sources", "--json", *dirs(tiny_corpus, tmp_path)])
    docs = json.loads(out)
    assert code == 0 and [d["doc"] for d in docs] == ["alpha.txt", "beta.txt", "gamma.md"]


def test_no_arguments_with_piped_stdin_answers_lines(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: object
) -> None:
    import os

    env = {"NEWSQA_CORPUS": str(tiny_corpus), "NEWSQA_INDEX": str(tmp_path / "idx")}
    result = CliRunner(env=env).invoke(main, [], input="How many schools were closed?\n")
    assert result.exit_code == 0, result.output
    assert "Q: How many schools were closed?" in result.stdout
    assert "officials closed nine schools" in result.stdout
    assert os.environ.get("NEWSQA_CORPUS") != str(tiny_corpus)  # env was scoped to the run
