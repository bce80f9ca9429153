"""Bring your own articles: web pages, Markdown and text, with the metadata they carry."""

from __future__ import annotations

import json
from importlib import import_module
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.answer.pipeline import answer
from bot.evaluation.evaluate import Verbatim
from bot.ingest.article import load_article
from bot.ingest.clean import classify_line
from bot.ingest.corpus import list_corpus
from bot.ingest.dates import find_date, valid_iso
from bot.ingest.html import html_to_text, read_html, strip_site
from bot.ingest.markdown import read_markdown
from bot.interfaces.cli import main
from bot.opening import open_engine

from .conftest import ROOT, quiet, write

PAGE = """<!doctype html><html><head>
<title>Ferry Chief Named | Riverside Gazette - Local News, Sports, Weather</title>
<meta property="og:title"
 content="Ferry Chief Named | Riverside Gazette - Local News, Sports, Weather">
<meta property="og:site_name" content="Riverside Gazette">
<meta property="article:published_time" content="2024-03-05T09:30:00Z">
<meta name="author" content="Dana Cole">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<div id="cookie-banner"><p>We use cookies to improve your experience.
Accept cookies to continue.</p></div>
<article>
<h1>Ferry Chief Named</h1>
<p>Island Ferries named <a href="/p/ana">Ana Ruiz</a> as its new <b>chief executive</b> on Tuesday,
after a six-month search that drew forty candidates from across the region.</p>
<p>Ruiz ran the harbour authority for nine years and oversaw the rebuilding of the
north pier, which reopened in 2022 after storm damage closed it for a year.</p>
<p>The board said the new chief will start in April and will lead talks on a new
timetable for the winter season, when crossings are cut to four a day.</p>
<figure><img src="x.jpg"><figcaption>Photo: Island Ferries</figcaption></figure>
</article>
<footer><p>Copyright 2024 Riverside Gazette. All rights reserved.</p></footer>
</body></html>"""

MARKDOWN = """---
title: Orchard Festival Draws Record Crowd
source: Valley Post
date: 2024-09-14
author: [Sam Lee, Kim Ode]
---
# Orchard Festival Draws Record Crowd

The **apple festival** in [Greenfield](https://example.org/greenfield) drew 12,000 visitors
this weekend, the _organisers_ said. ![A crowded orchard](crowd.jpg)

## History

The festival began in `1952` and now fills the whole valley.
"""


def test_inline_markup_never_glues_words() -> None:
    assert html_to_text("<p>a <a>b</a> c</p>") == "a b c\n"
    text, _, _, _ = read_html("<p>The council <a>approved</a> the <b>new budget</b></p>")
    assert "The council approved the new budget" in text


def test_a_web_page_gives_its_body_and_metadata(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(corpus, "ferry.html", PAGE)
    [name] = list_corpus(corpus)[0].files
    loaded = load_article(corpus, name, 0, {})
    assert not isinstance(loaded, str)
    doc, _ = loaded
    m = doc.meta
    assert (m.title, m.publisher, m.published, m.byline) == (
        "Ferry Chief Named",
        "Riverside Gazette",
        "2024-03-05",
        "Dana Cole",
    )
    assert "Island Ferries named Ana Ruiz as its new chief executive on Tuesday" in doc.raw
    for furniture in ("cookies", "Home", "Copyright", "Photo:"):
        assert furniture not in doc.raw
    engine = open_engine(corpus, tmp_path / "i", quiet)
    ans = answer(engine, "Who is the chief executive of Island Ferries?")
    assert ans.answered and "Ana Ruiz" in ans.quotes[0].text
    assert Verbatim(corpus).problems(ans) == []  # verbatim, and start/end point at it


def test_metadata_json_wins_over_the_page(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(corpus, "ferry.html", PAGE)
    write(corpus, "metadata.json", json.dumps({"ferry.html": {"title": "Our Title"}}))
    listing, _ = list_corpus(corpus)
    loaded = load_article(corpus, "ferry.html", 0, listing.metadata)
    assert not isinstance(loaded, str)
    m = loaded[0].meta
    # metadata.json's title; the page fills in what metadata.json leaves out
    assert (m.title, m.publisher, m.published) == ("Our Title", "Riverside Gazette", "2024-03-05")


def test_title_loses_the_site_suffix() -> None:
    assert strip_site("A | Riverside Gazette - Local", "Riverside Gazette", None) == "A"
    assert strip_site("Cats - Dogs: a study - WSJ", None, "wsj.com") == "Cats - Dogs: a study"
    assert strip_site("A - B", None, None) == "A - B"  # no site known: left alone


def test_markdown_front_matter_is_metadata_and_markup_is_reduced(tmp_path: Path) -> None:
    text, found, notes, _ = read_markdown(MARKDOWN)
    assert notes == []
    assert (found.title, found.publisher, found.published, found.byline) == (
        "Orchard Festival Draws Record Crowd",
        "Valley Post",
        "2024-09-14",
        "Sam Lee, Kim Ode",
    )
    assert "---" not in text and "source:" not in text
    for markup in ("#", "**", "_organisers_", "](", "`"):
        assert markup not in text
    assert "The apple festival in Greenfield drew 12,000 visitors this weekend" in text
    corpus = tmp_path / "c"
    write(corpus, "fest.md", MARKDOWN)
    loaded = load_article(corpus, "fest.md", 0, {})
    assert not isinstance(loaded, str)
    assert loaded[0].raw.startswith("The apple festival")  # headline is metadata, not body


def test_plain_text_byline_and_dateline_become_metadata(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(
        corpus,
        "council.txt",
        "Council Passes Budget\n\nBy Jane Roe\n\nJune 29, 2017\n\n"
        "The council passed the budget on Monday after a long debate.\n",
    )
    loaded = load_article(corpus, "council.txt", 0, {})
    assert not isinstance(loaded, str)
    doc = loaded[0]
    assert (doc.meta.title, doc.meta.byline, doc.meta.published) == (
        "Council Passes Budget",
        "Jane Roe",
        "2017-06-29",
    )
    assert doc.raw == "The council passed the budget on Monday after a long debate.\n"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("We use cookies to give you the best experience on our site.", "cookie notice"),
        ("By continuing to use this site you agree to our terms.", "cookie notice"),
        ("Share on Facebook", "share bar"),
        ("Facebook Twitter LinkedIn Email", "share bar"),
        ("Sign up for our morning newsletter", "promo"),
        ("Advertisement", "navigation"),
        ("Story continues below advertisement", "advertisement"),
        ("Photo: John Smith/AFP", "image label"),
        ("(Photo by Jane Roe/Getty Images)", "photo credit"),
        ("Credit: Reuters", "photo credit"),
        ("Jane Roe is a reporter for the Riverside Gazette covering city hall.", "author bio"),
        ("Share prices fell 5 percent on Tuesday as investors sold bank stocks.", None),
        ("The bakery will use cookies donated by volunteers at the festival.", None),
    ],
)
def test_furniture_the_extractor_keeps_is_dropped(line: str, reason: str | None) -> None:
    assert classify_line(line) == reason


def test_binary_junk_with_a_text_name_is_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(corpus, "good.txt", "Good Story Here\n\nA real sentence about the harbour.\n")
    write(corpus, "junk.txt", bytes(range(128, 256)) * 40)
    loaded = load_article(corpus, "junk.txt", 0, {})
    assert isinstance(loaded, str) and "not text" in loaded


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2017-06-29", "2017-06-29"),
        ("2017-06", "2017-06"),
        ("2019-03-23T10:00:00Z", "2019-03-23"),
        ("2017-13-45", None),
        ("2017-02-30", None),
        ("２０１７-０６-２９", None),  # fullwidth digits
        ("June 2017", None),
    ],
)
def test_only_real_calendar_dates_pass(value: str, iso: str | None) -> None:
    assert valid_iso(value) == iso


def test_dates_written_in_text() -> None:
    assert find_date("Updated 10:15 a.m. ET, Mon March 25, 2019") == "2019-03-25"
    assert find_date("Published 29 June 2017") == "2017-06-29"
    assert find_date("February 30, 2017") is None


def test_article_command_shows_the_text_the_bot_quotes(tiny_corpus: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["article", "alpha.txt", "--corpus", str(tiny_corpus)])
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[:5] == [
        "alpha.txt",
        "Title: Bridge Reopens In Riverton After Repairs",
        "Publisher: Example News",
        "Date: 6 May 2024",
        "Byline: Jane Roe",
    ]
    assert "\n\nMayor Ellen Park cut the ribbon at noon." in out.stdout
    assert "Copyright" not in out.stdout and "Related:" not in out.stdout
    every = runner.invoke(main, ["article", "--json", "--corpus", str(tiny_corpus)])
    rows = [json.loads(line) for line in every.stdout.splitlines()]
    assert [r["doc"] for r in rows] == ["alpha.txt", "beta.txt", "gamma.md"]
    assert set(rows[0]) == {
        "doc",
        "title",
        "publisher",
        "published",
        "date",
        "byline",
        "url",
        "sources",
        "text",
    }
    assert (rows[1]["published"], rows[1]["date"]) == (None, "2024-05")
    bad = runner.invoke(main, ["article", "nope.txt", "--corpus", str(tiny_corpus)])
    assert bad.exit_code == 1 and bad.stderr.startswith("error: no article named 'nope.txt'")


def test_quote_offsets_point_into_the_article_text(tiny_corpus: Path, tmp_path: Path) -> None:
    engine = open_engine(tiny_corpus, tmp_path / "i", quiet)
    ans = answer(engine, "How much did the bridge repairs cost?")
    out = CliRunner().invoke(main, ["article", "alpha.txt", "--json", "--corpus", str(tiny_corpus)])
    text = json.loads(out.stdout)["text"]
    q = ans.quotes[0]
    assert " ".join(text[q.start : q.end].split()) == q.text


def test_the_sample_corpus_ships_with_the_package() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    tool = project["tool"]["setuptools"]
    assert tool["package-dir"]["bot.sample_corpus"] == "corpus"
    assert "bot.sample_corpus" in tool["packages"]
    # the thesaurus and its licence ship too: without them every answer would lose synonyms
    assert set(tool["package-data"]["bot.index"]) == {"thesaurus.tsv.gz", "THESAURUS-LICENSE"}
    # and the fitted evidence model, without which nothing is answered
    assert tool["package-data"]["bot.answer"] == ["evidence.json"]
    # every package of the source tree is installed
    found = {
        ".".join(p.relative_to(ROOT).parent.parts) for p in (ROOT / "bot").rglob("__init__.py")
    }
    assert found <= set(tool["packages"])
    for script in project["project"]["scripts"].values():  # the console script resolves
        module, attr = script.split(":")
        assert callable(getattr(import_module(module), attr))


def test_missing_corpus_names_the_ways_to_give_one(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["ask", "x?", "--corpus", str(tmp_path / "none")])
    assert out.exit_code == 1
    assert "--corpus DIR or NEWSQA_CORPUS" in out.stderr
    a_file = write(tmp_path, "f.txt", "x")
    out = CliRunner().invoke(main, ["ask", "x?", "--corpus", str(a_file)])
    assert "is a file, not a folder" in out.stderr
