"""Reading a web page: its article and nothing else, cited with the page's own title,
date, publisher and link, each field saying where it came from. Small saved pages, one
per case: eval/teaser-pages (built like real news pages, bodies marked) and pages here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.ingest.clean import clean_document
from bot.ingest.html import read_html
from bot.interfaces.cli import main
from bot.records import CleanDoc

from .conftest import ROOT, write

PAGES = ROOT / "eval" / "teaser-pages" / "html"
PROSE = (
    "The harbour board met on Monday and agreed to dredge the channel before the summer "
    "season, so that the larger ferries can reach the quay at low tide. "
)


def read(markup: str) -> CleanDoc:
    text, found, _, roles = read_html(markup)
    return clean_document(0, "page.html", text, None, found=found, roles=roles)


def body(doc: CleanDoc) -> str:
    return doc.raw


def page(head: str = "", article: str = "", after: str = "") -> str:
    paras = "".join(f"<p>{PROSE}Paragraph {i} says more about the work.</p>" for i in range(5))
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>"
        "<div class='story'><h1>Harbour board agrees to dredge the channel</h1>"
        f"{article}{paras}</div>"
        f"{after}</body></html>"
    )


def test_a_grid_of_other_stories_is_not_the_article() -> None:
    doc = read((PAGES / "water-pipes.html").read_text(encoding="utf-8"))
    assert "412 water main breaks" in body(doc)
    for teaser in ("wet winter", "broken spring", "cafe by the lake", "training tower"):
        assert teaser not in body(doc)
    assert "another story" in {reason for reason, _ in doc.dropped}


def test_a_gallery_after_the_article_is_not_quoted() -> None:
    doc = read((PAGES / "valley-floods.html").read_text(encoding="utf-8"))
    assert "highest level in twenty years" in body(doc)
    assert "sandbags" not in body(doc) and "Sam Reyes" not in body(doc)


def test_captions_in_a_list_after_a_figure_are_not_quoted_nor_glued() -> None:
    doc = read((PAGES / "happiness.html").read_text(encoding="utf-8"))
    assert "frozen lake" not in body(doc)
    assert body(doc).startswith("Finland has been named the happiest country")


def test_a_numbered_list_in_the_body_is_body() -> None:
    doc = read((PAGES / "happiness.html").read_text(encoding="utf-8"))
    assert "1. Finland" in body(doc) and "5. Israel" in body(doc)


def test_a_first_sentence_marked_as_a_heading_is_body() -> None:
    doc = read((PAGES / "sea-snails.html").read_text(encoding="utf-8"))
    assert body(doc).startswith("Scientists have found a colony of rare sea snails")


def test_a_list_marker_is_never_part_of_a_quote() -> None:
    html = page(after="<ul>" + "".join(f"<li>{PROSE}</li>" for _ in range(1)) + "</ul>")
    doc = read(html.replace("<ul>", "<div class='story'><ul>").replace("</ul>", "</ul></div>"))
    assert not any(line.startswith(("- ", "• ")) for line in body(doc).splitlines())


def test_the_canonical_link_is_the_citations_link_then_og_url(tmp_path: Path) -> None:
    doc = read(page('<link rel="canonical" href="https://herald.example/a/1">'))
    assert doc.meta.url == "https://herald.example/a/1"
    assert dict(doc.sources)["url"] == "<link rel=canonical>"
    doc = read(page('<meta property="og:url" content="https://herald.example/a/2">'))
    assert doc.meta.url == "https://herald.example/a/2" and dict(doc.sources)["url"] == "og:url"


def test_an_advert_is_never_the_title() -> None:
    # The page's first heading is an advertisement; og:title holds the headline.
    head = '<meta property="og:title" content="Harbour board agrees to dredge the channel">'
    ad = "<div class='ad'><h2>Take your next trip with Seaways Travel!</h2></div>"
    doc = read(page(head, after="").replace("<body>", f"<body>{ad}"))
    assert doc.meta.title == "Harbour board agrees to dredge the channel"
    assert dict(doc.sources)["title"] == "og:title"


def test_a_section_name_is_never_the_title() -> None:
    head = "<title>Harbour board agrees to dredge the channel | Harbour Herald</title>"
    head += '<meta property="og:site_name" content="Harbour Herald">'
    doc = read(
        page(head).replace("<body>", "<body><div class='section'><h1>Local News Centre</h1></div>")
    )
    assert doc.meta.title == "Harbour board agrees to dredge the channel"
    assert doc.meta.publisher == "Harbour Herald"


def test_the_published_date_wins_over_the_modified_one() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Harbour board agrees to dredge the channel",
        "dateModified": "2024-06-03T10:00:00Z",
        "datePublished": "2024-05-28T08:00:00Z",
    }
    doc = read(page(f'<script type="application/ld+json">{json.dumps(ld)}</script>'))
    assert doc.meta.published == "2024-05-28"
    assert dict(doc.sources)["published"] == "JSON-LD datePublished"


def test_a_date_in_a_script_comment_is_never_the_date() -> None:
    script = "<script>/* build 2009-01-05 */ var x = 1; // updated 2011-02-03</script>"
    doc = read(page(script, "<p>June 3, 2024 -- The board's vote was close.</p>"))
    assert doc.meta.published == "2024-06-03"  # the article's own dateline


def test_the_articles_own_dateline_is_its_date() -> None:
    doc = read(page(article="<p>April 17, 2015 -- The board's vote was close.</p>"))
    assert doc.meta.published == "2015-04-17"
    assert "article's text" in dict(doc.sources)["published"]


def test_og_site_name_is_the_publisher() -> None:
    doc = read(page('<meta property="og:site_name" content="Harbour Herald">'))
    assert doc.meta.publisher == "Harbour Herald"
    assert dict(doc.sources)["publisher"] == "og:site_name"


def test_article_json_shows_the_link_and_where_each_field_came_from(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    write(folder, "p.html", (PAGES / "canal-bridge.html").read_text(encoding="utf-8"))
    out = CliRunner().invoke(main, ["article", "p.html", "--json", "--corpus", str(folder)])
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    assert got["url"] == "https://cityledger.example/2024/03/16/canal-bridge"
    assert got["sources"] == {
        "title": "og:title",
        "publisher": "og:site_name",
        "published": "JSON-LD datePublished",
        "url": "<link rel=canonical>",
    }
    assert got["date"] == "2024-03-16"  # not the dateModified of the 18th


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.html")))
def test_every_teaser_page_keeps_its_whole_body(name: str) -> None:
    truth = json.loads((PAGES.parent / "ground-truth.json").read_text(encoding="utf-8"))
    doc = read((PAGES / name).read_text(encoding="utf-8"))
    for line in truth[name.removesuffix(".html")]["articleBody"].splitlines():
        assert " ".join(line.split()) in " ".join(body(doc).split())
