"""`python -m bot eval` on a small fixture corpus and question file, and its gates."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.errors import EvalFileError
from bot.evaluation.evaluate import Case, evaluate, is_correct, load_cases, metrics
from bot.interfaces.cli import main

from .conftest import TINY

QUESTIONS = Path(__file__).resolve().parent / "fixtures" / "tiny_questions.jsonl"


def run(args: list[str]) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


def eval_args(tmp_path: Path, *extra: str) -> list[str]:
    return ["eval", str(QUESTIONS), "--corpus", str(TINY), "--index", str(tmp_path / "idx"), *extra]


def test_eval_json_reports_every_metric(tmp_path: Path) -> None:
    code, out, _ = run(eval_args(tmp_path, "--json"))
    assert code == 0
    report = json.loads(out)
    m = report["metrics"]
    assert (m["cases"], m["answerable"], m["unanswerable"]) == (8, 6, 2)
    assert m["hit@1"] == 1.0 and m["hit@3"] == 1.0 and m["mrr@5"] == 1.0
    assert m["abstain_precision"] == 1.0 and m["abstain_recall"] == 1.0
    assert m["faithfulness"] == 1.0 and m["unfaithful"] == []
    assert m["latency_p50_ms"] > 0 and m["latency_p95_ms"] >= m["latency_p50_ms"]
    assert report["failures"] == []


def test_eval_table_and_failures_for_people(tmp_path: Path) -> None:
    bad = tmp_path / "q.jsonl"
    bad.write_text(
        QUESTIONS.read_text()
        + json.dumps(
            {
                "id": "wrong-doc",
                "question": "How many families were evacuated?",
                "answer": "300 families",
                "doc": "alpha.txt",
            }
        )
        + "\n"
    )
    result = CliRunner().invoke(
        main, ["eval", str(bad), "--corpus", str(TINY), "--index", str(tmp_path / "idx")]
    )
    assert result.exit_code == 0
    out = result.stdout
    assert "hit@1" in out and "faithfulness" in out and "latency p95 (ms)" in out
    assert "✗ wrong-doc  How many families were evacuated?" in out
    assert "expected: 300 families  in alpha.txt" in out
    assert "About 300 families were evacuated" in out  # the top quote that was given


def test_thresholds_gate_the_exit_code(tmp_path: Path) -> None:
    code, _, err = run(eval_args(tmp_path, "--min-hit1", "1.0", "--min-abstain", "1.0"))
    assert code == 0 and err.count("\n") <= 1
    bad = tmp_path / "q.jsonl"
    bad.write_text(
        json.dumps({"id": "x", "question": "What is the capital of France?", "answer": "Paris"})
        + "\n"
    )
    result = CliRunner().invoke(
        main,
        [
            "eval",
            str(bad),
            "--corpus",
            str(TINY),
            "--index",
            str(tmp_path / "idx"),
            "--min-hit1",
            "0.5",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("below threshold: hit@1 0.000 < 0.500")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not JSON"),
        ('{"question": "q", "answer": "a"}', 'missing "id"'),
        ('{"id": "a", "answer": "x"}', 'needs "question" or "turns"'),
        ('{"id": "a", "question": "q"}', 'needs "answer"'),
        ('{"id": "a", "question": "q", "answer": "("}', "bad regex"),
    ],
)
def test_malformed_question_files_are_one_line_errors(
    tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(EvalFileError, match=message):
        load_cases(path)
    code, out, err = run(
        ["eval", str(path), "--corpus", str(TINY), "--index", str(tmp_path / "idx")]
    )
    assert code == 1 and out == "" and err.startswith("error: ") and err.count("\n") == 1


def test_correctness_rules() -> None:
    regex = Case("a", ("q",), pattern=__import__("re").compile(r"\d+ families"))
    assert is_correct(regex, "About 300  families were\nevacuated", "x.txt")
    literal = Case("b", ("q",), answers=("nine schools",), doc="beta.txt")
    assert is_correct(literal, "closed nine schools", "beta.txt")
    assert not is_correct(literal, "closed nine schools", "alpha.txt")


def test_conversation_cases_score_only_the_last_turn(tiny_engine: object) -> None:
    from bot.retrieval import Engine

    assert isinstance(tiny_engine, Engine)
    case = Case(
        "c", ("Who is Ellen Park?", "What did she say about the cost?"), answers=("4.2 million",)
    )
    results = evaluate(tiny_engine, [case])
    assert results[0].rank == 1 and len(results[0].latency_ms) == 2
    assert metrics(results, 5)["hit@1"] == 1.0
    # Cases tagged "conversation" are counted apart: the share whose last turn passed.
    talk = Case("t", case.turns, answers=("4.2 million",), tags=("conversation",))
    wrong = Case("w", case.turns, answers=("not in the articles",), tags=("conversation",))
    m = metrics(evaluate(tiny_engine, [talk, wrong, case]), 5)
    assert m["conversations"] == 2 and m["conversations_right"] == 0.5


def test_a_question_file_names_its_own_corpus_of_gzipped_pages(tmp_path: Path) -> None:
    pages = tmp_path / "shared" / "html"
    pages.mkdir(parents=True)
    page = (
        "<html><head><title>Ferry Chief Named | Riverside Gazette</title></head><body>"
        "<article><h1>Ferry Chief Named</h1><p>Island Ferries named Ana Ruiz as its new chief"
        " executive on Tuesday, after a six-month search that drew forty candidates.</p>"
        "<p>Ruiz ran the harbour authority for nine years and rebuilt the north pier.</p>"
        "</article></body></html>"
    )
    (pages / "abcdef0123456789ff.html.gz").write_bytes(gzip.compress(page.encode()))
    cases = tmp_path / "eval" / "pages.jsonl"
    cases.parent.mkdir()
    cases.write_text(
        '{"corpus": "../shared/html"}\n'
        '{"id": "chief", "question": "Who is the new chief executive of Island Ferries?",'
        ' "answers": ["Ana Ruiz"]}\n'
        '{"id": "mayor", "question": "Who is the mayor of Riverside?", "unanswerable": true}\n',
        encoding="utf-8",
    )
    out = CliRunner().invoke(main, ["eval", str(cases), "--json", "--baseline"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["metrics"]["hit@1"] == 1.0 and report["metrics"]["abstain_recall"] == 1.0
    assert report["baseline"]["hit@1"] == 1.0  # plain rank-bm25 over the same pages
