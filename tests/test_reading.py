"""Reading (issue "Reading"): citations carry the page's link, metadata.json applies field
by field, `.markdown` is read, and `article` takes a unique prefix. One test per defect,
named after it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from bot.answer.pipeline import answer
from bot.ingest.html import read_html
from bot.interfaces.cli import main
from bot.interfaces.discord_render import source_entry
from bot.opening import open_engine
from bot.records import Source

from .conftest import BUNDLED, quiet, write

PAGE = """<html><head><title>Ferry Chief Named | Riverside Gazette</title>
<link rel="canonical" href="https://gazette.example/news/ferry-chief">
<meta property="og:site_name" content="Riverside Gazette"></head><body><article>
<h1>Ferry Chief Named</h1>
<p>Island Ferries named Ana Ruiz as its new chief executive on Tuesday, after a six-month
search that drew forty candidates from across the region.</p>
<p>Ruiz ran the harbour authority for nine years and oversaw the rebuilding of the north
pier, which reopened last spring.</p></article></body></html>"""


# A blog's paragraphs as <div><span> with the source's own line wrapping inside them
# (trafilatura keeps those line breaks in its text; a browser shows a space).
WRAPPED = """<html><head><title>Ferry Chief Named | Riverside Gazette</title></head><body>
<div class="post-body">
<div><span style="font-family: Arial;"><span style="font-size: small;">Island Ferries named
Ana Ruiz as its new chief executive on Tuesday, after a six-month
search that drew forty candidates from across the region.</span></span></div>
<div><span style="font-family: Arial;"><span style="font-size: small;">Ruiz ran the harbour
authority for nine years and oversaw the rebuilding of the north
 pier, which reopened last spring.</span></span></div>
</div></body></html>"""


def test_a_paragraph_the_page_source_wraps_is_one_paragraph(tmp_path: Path) -> None:
    # Each source line used to be a paragraph of its own: a quote was half a sentence.
    text = read_html(WRAPPED)[0]
    assert "on Tuesday, after a six-month search that drew forty candidates" in text
    assert "the north pier, which reopened" in text
    corpus = tmp_path / "c"
    write(corpus, "ferry.html", WRAPPED)
    engine = open_engine(corpus, tmp_path / "i", quiet)
    ans = answer(engine, "How many candidates did the search draw?")
    assert ans.answered and ans.quotes[0].text == (
        "Island Ferries named Ana Ruiz as its new chief executive on Tuesday, after a "
        "six-month search that drew forty candidates from across the region."
    )


def test_citations_have_a_link_from_the_pages_canonical_url(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(corpus, "ferry.html", PAGE)
    engine = open_engine(corpus, tmp_path / "i", quiet)
    ans = answer(engine, "Who is the new chief executive of Island Ferries?")
    assert ans.answered and ans.sources[0].url == "https://gazette.example/news/ferry-chief"
    out = CliRunner().invoke(
        main,
        ["ask", "--json", "Who is the new chief executive of Island Ferries?",
         "--corpus", str(corpus), "--index", str(tmp_path / "i")],
    )  # fmt: skip
    assert json.loads(out.stdout)["sources"][0]["url"] == "https://gazette.example/news/ferry-chief"
    listing = CliRunner().invoke(
        main, ["sources", "--corpus", str(corpus), "--index", str(tmp_path / "i")]
    )
    assert "https://gazette.example/news/ferry-chief" in listing.stdout


def test_a_link_that_is_not_http_is_dropped_with_a_note(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    body = "The harbour board raised the mooring fee to forty pounds a night on Monday.\n"
    write(corpus, "a.md", f"---\ntitle: Harbour Dues\nurl: javascript:alert(1)\n---\n\n{body}")
    pier = "Work on the north pier began on Tuesday and will take two years to finish.\n"
    write(corpus, "b.md", f"---\ntitle: Pier Works\nlink: https://example.org/pier\n---\n\n{pier}")
    out = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path)])
    assert "is not an http(s) address: dropped" in out.stderr
    engine = open_engine(corpus, tmp_path, quiet)
    urls = {d.doc: d.url for d in engine.documents}
    assert urls == {"a.md": None, "b.md": "https://example.org/pier"}


def test_metadata_json_applies_field_by_field_without_a_title(tiny_corpus: Path) -> None:
    meta = {"gamma.md": {"publisher": "Orchard Weekly", "url": "https://orchard.example/fest"}}
    (tiny_corpus / "metadata.json").write_text(json.dumps(meta), encoding="utf-8")
    out = CliRunner().invoke(main, ["article", "gamma.md", "--json", "--corpus", str(tiny_corpus)])
    got = json.loads(out.stdout)
    assert got["publisher"] == "Orchard Weekly"  # the entry applies though it has no title
    assert got["title"] == "Orchard Festival Draws Record Crowd"  # the article's own title
    assert "needs at least" not in out.stderr


def test_markdown_suffix_files_are_read(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    text = "The old lighthouse on the point was repaired and relit on Friday evening.\n"
    write(corpus, "notes.markdown", f"# Lighthouse Repaired\n\n{text}")
    ans = answer(open_engine(corpus, tmp_path / "i", quiet), "When was the lighthouse relit?")
    assert ans.answered and ans.quotes[0].doc == "notes.markdown"


def test_article_accepts_a_unique_prefix_of_a_file_name() -> None:
    out = CliRunner().invoke(main, ["article", "004", "--corpus", str(BUNDLED)])
    assert out.exit_code == 0 and out.stdout.startswith("004_a765cca09a6260ef.txt")
    some = CliRunner().invoke(main, ["article", "00", "--corpus", str(BUNDLED)])
    assert some.exit_code == 1 and "names 5 articles" in some.stderr
    assert len(some.stderr.strip().splitlines()) == 1


def test_the_discord_source_title_links_to_the_page() -> None:
    s = Source(1, "ferry.html", "Ferry Chief Named", "Riverside Gazette", "2024-03-05",
               "https://gazette.example/news/ferry-(chief)")  # fmt: skip
    line = source_entry(s, 1)
    assert line.startswith(
        "**[1]** [Ferry Chief Named](https://gazette.example/news/ferry-%28chief%29)"
    )
    assert "Riverside Gazette, 5 March 2024" in line
    plain = source_entry(Source(2, "x.txt", "No Link", None, None), 2)
    assert plain == "**[2]** No Link"


def test_front_matter_dates_in_common_formats_are_read(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    text = "The harbour board met on Monday and agreed the new mooring fees for the year.\n"
    for name, date in (("a.md", "12 January 2023"), ("b.md", "January 12, 2023"),
                       ("c.md", "2023-01-12"), ("d.md", "12/01/2023")):  # fmt: skip
        write(corpus, name, f"---\ntitle: Harbour Fees {name}\ndate: {date}\n---\n\n{text}")
    out = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path)])
    dates = {d.doc: d.published for d in open_engine(corpus, tmp_path, quiet).documents}
    assert dates == {"a.md": "2023-01-12", "b.md": "2023-01-12", "c.md": "2023-01-12", "d.md": None}
    assert "d.md: date '12/01/2023' is ambiguous (day or month first?): dropped" in out.stderr


def test_broken_front_matter_is_a_note_naming_the_file_and_the_article_is_indexed(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "c"
    write(
        corpus,
        "a.md",
        "---\ntitle: [unclosed\n---\n\nThe ferry resumed service on Monday morning.\n",
    )
    out = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path)])
    assert "a.md: front matter is not YAML" in out.stderr
    assert answer(
        open_engine(corpus, tmp_path, quiet), "When did the ferry resume service?"
    ).answered


def test_image_alt_text_never_joins_a_sentence(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write(corpus, "a.md", "# Pier Rebuilt\n\nRuiz oversaw the rebuilding of the north pier.\n"
          "![The north pier](pier.jpg)\n\nThe pier reopened to ferries on Friday.\n")  # fmt: skip
    out = CliRunner().invoke(main, ["article", "a.md", "--json", "--corpus", str(corpus)])
    text = json.loads(out.stdout)["text"]
    assert "north pier. The north pier" not in text and "The north pier" not in text


def test_notes_of_a_rebuild_by_ask_are_one_summary_line(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    fee = "The harbour board raised the mooring fee to forty pounds a night on Monday.\n"
    write(corpus, "a.md", f"---\ntitle: Harbour Fees\ndate: 12/01/2023\n---\n\n{fee}")
    out = CliRunner().invoke(
        main,
        ["ask", "How much is the mooring fee?", "--corpus", str(corpus), "--index", str(tmp_path)],
    )
    assert "1 note: run `newsqa index` to see them" in out.stderr


def test_a_publisher_that_is_an_address_or_ends_in_junk_reads_as_a_name() -> None:
    from bot.ingest.found import publisher_name

    notes: list[str] = []
    assert publisher_name("https://www.hawaiinewsnow.com", notes) == "hawaiinewsnow.com"
    assert publisher_name("www.cnbc.com/", notes) == "cnbc.com"
    assert publisher_name("Wday_", notes) == "Wday"
    assert publisher_name("The Hill | ", notes) == "The Hill"
    assert publisher_name("Reuters", notes) == "Reuters" and notes == []
    # "Hosted" is the extractor's guess from hosted.ap.org: the domain names the publisher
    assert publisher_name("Hosted", notes, "hosted.ap.org") == "ap.org"
    assert publisher_name("Gizmodo", notes, "gizmodo.com") == "Gizmodo"  # a real name
    assert publisher_name("MoreBikes", notes, "www.morebikes.co.uk") == "MoreBikes"
    assert publisher_name("LinkNaija | Nigeria's popular blog", notes) == "LinkNaija"


def test_a_short_page_keeps_its_body(tmp_path: Path) -> None:
    # Every line is short and has no sentence end: before, the label rule dropped them all
    # and the article was skipped with "no article text after cleaning".
    corpus = tmp_path / "c"
    write(
        corpus,
        "result.txt",
        "Harbour Cup Final\n\nRiverside 2 Lakeside 1\n\nGoals by Ruiz and Cole\n",
    )
    write(corpus, "other.txt", "Ferry News\n\nThe island ferry resumed its service on Monday.\n")
    out = CliRunner().invoke(main, ["index", "--corpus", str(corpus), "--index", str(tmp_path)])
    assert out.exit_code == 0 and "skipped" not in out.stderr
    page = CliRunner().invoke(main, ["article", "result.txt", "--json", "--corpus", str(corpus)])
    text = json.loads(page.stdout)["text"]
    assert "Riverside 2 Lakeside 1" in text and "Goals by Ruiz and Cole" in text
    # ... and it is searchable: its passage is what a question about it finds
    engine = open_engine(corpus, tmp_path, quiet)
    assert engine.retriever.search(["lakesid"], 1)[0].doc.doc == "result.txt"


def test_a_fact_check_is_dated_by_the_page_not_by_the_claim_it_quotes() -> None:
    claim = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": '
        '"ClaimReview", "itemReviewed": {"@type": "Claim", "datePublished": "2019-10-13"}}'
        "</script>"
    )
    body = (
        "<article><h1>Fact check: Did the mayor ban cars?</h1><p>On 13 October 2019 a "
        "blogger claimed that the mayor of Riverside had banned cars from the city centre, "
        "a claim shared thousands of times.</p><p>The claim is false: the council voted "
        "on a trial closure of one street for two weekends, and no ban was proposed.</p>"
        "</article>"
    )
    head = "<title>Fact check: Did the mayor ban cars?</title>" + claim
    _, found, notes, _ = read_html(f"<html><head>{head}</head><body>{body}</body></html>")
    assert found.published is None and "only written in the article's text" in notes[0]
    own = '<meta property="article:published_time" content="2019-11-18T09:00:00Z">'
    _, found, _, _ = read_html(f"<html><head>{head}{own}</head><body>{body}</body></html>")
    assert found.published == "2019-11-18"  # the page's own date, though the text has another
