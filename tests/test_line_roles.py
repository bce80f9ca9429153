"""Reading (issue "Reading"): only body sentences are quoted. Headings, captions, link
lists, table rows, notices to one reader and promo tags never reach the indexed text.
One test per defect, named after it; each page is small enough to check by hand."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.answer.pipeline import answer
from bot.ingest.clean import clean_document
from bot.ingest.readers import read_bytes
from bot.interfaces.cli import main
from bot.opening import open_engine

from .conftest import quiet, write

BODY = (
    "<p>Island Ferries named Ana Ruiz as its new chief executive on Tuesday, after a "
    "six-month search that drew forty candidates from across the region.</p>"
)


def indexed(name: str, text: str) -> str:
    """The text the bot indexes (and may quote) for one file."""
    got = read_bytes(name, text.encode())
    doc = clean_document(0, name, got.text, None, found=got.found, roles=got.roles)
    return doc.raw


def page(body: str) -> str:
    head = "<head><title>Ferry Chief Named</title></head>"
    return f"<html>{head}<body><article>{body}</article></body></html>"


def test_a_standfirst_heading_is_never_quoted(tmp_path: Path) -> None:
    html = page(
        "<h1>Ferry Chief Named</h1><h2>The island's ferries get a new chief after a long "
        "search for one.</h2>" + BODY
    )
    corpus = tmp_path / "c"
    write(corpus, "ferry.html", html)
    engine = open_engine(corpus, tmp_path / "i", quiet)
    ans = answer(engine, "Who is the new chief of the island's ferries?")
    assert ans.answered and all("long search" not in q.text for q in ans.quotes)
    assert ans.quotes[0].text.startswith("Island Ferries named Ana Ruiz")


def test_a_photo_caption_in_figcaption_is_never_quoted() -> None:
    html = page(
        "<figure><img src='a.jpg'><figcaption>Ana Ruiz at the north pier on Tuesday."
        "</figcaption></figure>" + BODY
    )
    text = indexed("ferry.html", html)
    assert "north pier" not in text and "Island Ferries named Ana Ruiz" in text


def test_a_list_of_links_to_other_stories_is_never_quoted() -> None:
    links = "".join(
        f"<li><a href='/s{i}'>Harbour story number {i} about the harbour</a></li>" for i in range(4)
    )
    text = indexed("ferry.html", page(BODY + f"<ul>{links}</ul><p>Ruiz starts in May.</p>"))
    assert "Harbour story" not in text and "Ruiz starts in May." in text


def test_a_list_of_facts_is_kept() -> None:
    items = "".join(
        f"<li>Crossing {i} takes {20 + i} minutes each way in good weather.</li>" for i in range(3)
    )
    text = indexed("ferry.html", page(BODY + f"<ul>{items}</ul>"))
    assert "Crossing 1 takes 21 minutes" in text


def test_table_rows_are_never_quoted() -> None:
    rows = "<tr><th>Route</th><th>Fare</th></tr><tr><td>North</td><td>$4.50</td></tr>"
    table = f"<table>{rows}</table>"
    text = indexed("ferry.html", page(BODY + table + BODY.replace("Tuesday", "Friday")))
    assert "$4.50" not in text and "|" not in text


def test_a_list_heading_is_never_quoted() -> None:
    text = indexed(
        "tour.txt",
        "Harbour Band announces its first tour in a decade\n\n"
        "The band announced the tour on Monday, with two shows in May.\n\n"
        "The Harbour Band Tour 2020 dates:\n\n- May 1: Riverside Hall\n\n"
        "- May 3: Lakeside Arena\n\n"
        "The band announced the tour on Monday, its first in a decade.\n",
    )
    assert "dates:" not in text and "its first in a decade" in text


def test_a_title_case_subheading_in_plain_text_is_never_quoted() -> None:
    text = indexed(
        "ferry.txt",
        "Island Ferries names a new chief executive after search\n\n"
        "Ana Ruiz takes over the island's ferries in May, the board said on Tuesday.\n\n"
        "Where The Money Will Go Next Year\n\n"
        "The board plans to spend its budget on two new boats and a longer pier.\n",
    )
    assert "Where The Money" not in text and "two new boats" in text


def test_a_caption_under_its_photo_credit_is_never_quoted() -> None:
    text = indexed(
        "ferry.txt",
        "Island Ferries names a new chief executive after search\n\n"
        "Ana Ruiz takes over the island's ferries in May, the board said on Tuesday.\n\n"
        "Jo Park / Reuters\n\nAna Ruiz waves from the deck of the North Star ferry.\n\n"
        "She ran the harbour authority for nine years before the board chose her.\n",
    )
    assert "waves from the deck" not in text and "nine years" in text


def test_per_user_notices_and_promo_tags_are_never_quoted() -> None:
    notices = (
        "<p>This copy is for your personal, non-commercial use only.</p>"
        "<p>An error has occurred, please try again later.</p>"
        "<p>This article has been sent to your friend.</p>"
        "<p>[INSIGHT] Ten ferries that changed the island forever</p>"
    )
    text = indexed("ferry.html", page(BODY + notices + BODY.replace("Tuesday", "Friday")))
    for words in ("non-commercial", "error has occurred", "has been sent", "[INSIGHT]"):
        assert words not in text
    assert "on Friday" in text


def test_a_bracketed_word_in_a_quote_is_body() -> None:
    line = "[He] said the ferry would run every hour from May, the board confirmed on Tuesday."
    assert line in indexed("ferry.txt", f"Island Ferries names a new chief\n\n{line}\n")


def test_markdown_headings_tables_and_link_lists_are_never_quoted(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(
        corpus,
        "ferry.md",
        "# Ferry Chief Named\n\nIsland Ferries named Ana Ruiz as its new chief executive "
        "on Tuesday.\n\n## What Comes Next For The Ferries\n\n| Route | Fare |\n|---|---|\n"
        "| North | 4.50 |\n\n- [Other ferry news](https://x.example/a)\n"
        "- [More harbour news](https://x.example/b)\n\nRuiz starts in May.\n",
    )
    out = CliRunner().invoke(
        main, ["article", "ferry.md", "--json", "--dropped", "--corpus", str(corpus)]
    )
    got = json.loads(out.stdout)
    # `--dropped` says what was left out and why
    assert {d["reason"] for d in got["dropped"]} >= {"headline", "heading", "table", "link list"}
    assert got["title"] == "Ferry Chief Named"  # the first heading is still the headline
    for words in ("What Comes Next", "4.50", "Other ferry news", "More harbour news"):
        assert words not in got["text"]
    assert "Ruiz starts in May." in got["text"]


def test_a_heading_ranks_its_passage_but_is_never_quoted(tmp_path: Path) -> None:
    # The words of "Battery Life" appear only in the heading: the passage below it is
    # found by them (the heading is its context), yet no sentence holds the heading.
    long_para = " ".join(["The laptop ran for eleven hours in our looping video test."] * 3)
    html = page(
        BODY + "<h2>Battery Life</h2>" + f"<p>{long_para}</p>"
        "<h2>Keyboard</h2><p>The keys travel a full millimetre and feel firm to type on.</p>"
    )
    corpus = tmp_path / "c"
    write(corpus, "review.html", html)
    engine = open_engine(corpus, tmp_path / "i", quiet)
    [hit] = engine.retriever.search(["batteri"], 1)
    assert any("eleven hours" in s.text for s in hit.sentences)
    assert all("Battery" not in s.text for s in hit.sentences)
