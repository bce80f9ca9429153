"""Hardening (issue "Hardening"): the outside attack's defects, one test each, named
after it. Speed is measured by `python -m bench.clean_rules`, never timed here: these
tests check what a user sees (the article indexed, the note), and on the code before the
fixes they ran for minutes."""

from __future__ import annotations

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
