"""Embed rendering is pure; check it against every Discord limit."""

from __future__ import annotations

import pytest

from bot.interfaces.discord_render import (
    DESCRIPTION_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    TITLE_MAX,
    TOTAL_MAX,
    answer_embed,
    sources_embed,
)
from bot.records import Answer, DocMeta, Quote, Source


def make_answer(
    n_quotes: int, quote_len: int, n_sources: int, question: str = "q?", title_len: int = 60
) -> Answer:
    sources = tuple(
        Source(i, f"doc{i}.txt", ("T" * title_len) + f" {i}", "Pub", "2020-01-02")
        for i in range(1, n_sources + 1)
    )
    quotes = tuple(
        Quote(
            text=(f"Quote {i} " + "word " * quote_len)[:quote_len],
            citation=1 + i % n_sources,
            doc=f"doc{1 + i % n_sources}.txt",
            score=1.0,
            start=0,
            end=1,
            passage_id=0,
            sent_ids=(i,),
        )
        for i in range(n_quotes)
    )
    return Answer(question=question, answered=True, message=None, quotes=quotes, sources=sources)


def check_limits(embed_dict: dict) -> None:  # type: ignore[type-arg]
    assert len(embed_dict.get("title", "")) <= TITLE_MAX
    assert len(embed_dict.get("description", "")) <= DESCRIPTION_MAX
    fields = embed_dict.get("fields", [])
    assert len(fields) <= FIELDS_MAX
    for f in fields:
        assert len(f["name"]) <= FIELD_NAME_MAX and len(f["value"]) <= FIELD_VALUE_MAX
    total = (
        len(embed_dict.get("title", ""))
        + len(embed_dict.get("description", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
        + len(embed_dict.get("footer", {}).get("text", ""))
    )
    assert total <= TOTAL_MAX


@pytest.mark.parametrize(
    ("n_quotes", "quote_len", "n_sources"),
    [(3, 200, 3), (10, 1500, 10), (10, 3000, 2), (1, 20000, 1), (5, 900, 40), (10, 100, 60)],
)
def test_embed_stays_within_every_limit(n_quotes: int, quote_len: int, n_sources: int) -> None:
    ans = make_answer(n_quotes, quote_len, n_sources, question="Why? " * 200, title_len=190)
    embed = answer_embed(ans, footer="f" * 3000).to_dict()
    check_limits(embed)  # type: ignore[arg-type]


def test_quotes_are_dropped_whole_and_citations_stay_intact() -> None:
    ans = make_answer(10, 1500, 10)
    desc = answer_embed(ans).description or ""
    blocks = desc.split("\n\n")
    assert 1 <= len(blocks) < 10
    for block, quote in zip(blocks, ans.quotes, strict=False):
        assert block == f"**[{quote.citation}]** {quote.text}"  # whole, never cut
    shown = {q.citation for q in ans.quotes[: len(blocks)]}
    sources = "\n".join(f.value or "" for f in answer_embed(ans).fields)
    for s in ans.sources:  # exactly the cited sources are listed, each line whole
        assert (f"**[{s.citation}]** " in sources) == (s.citation in shown)


def test_a_single_huge_quote_is_shortened_but_keeps_its_marker() -> None:
    embed = answer_embed(make_answer(1, 20000, 1))
    assert (embed.description or "").startswith("**[2]** Quote 0") or (
        embed.description or ""
    ).startswith("**[1]** Quote 0")
    assert (embed.description or "").endswith("…")


def test_markdown_and_mentions_are_made_inert() -> None:
    user, role = "<@123456789012345678>", "<@&223456789012345678>"  # real snowflake sizes
    quote = Quote(
        text=f"**bold** _it_ `code` ||spoiler|| @everyone {user} {role} @here",
        citation=1,
        doc="d.txt",
        score=1,
        start=0,
        end=1,
        passage_id=0,
        sent_ids=(0,),
    )
    src = Source(1, "d.txt", "Title *with* stars @everyone", "Pub", None)
    ans = Answer(
        question=f"```py\nprint(1)\n``` @everyone {user}",
        answered=True,
        message=None,
        quotes=(quote,),
        sources=(src,),
    )
    embed = answer_embed(ans)
    for text in (embed.description or "", embed.title or "", embed.fields[0].value or ""):
        assert "@everyone" not in text and user not in text
        assert "**bold**" not in text and "```" not in text
    assert role not in (embed.description or "") and "@here" not in (embed.description or "")


def test_many_sources_split_into_fields_of_whole_lines() -> None:
    ans = make_answer(10, 50, 60, title_len=190)
    embed = answer_embed(ans)
    assert len(embed.fields) > 1
    assert embed.fields[1].name == "Sources (cont.)"
    for f in embed.fields:
        assert all(line.startswith("**[") for line in (f.value or "").split("\n"))


def test_sources_embed_says_what_it_left_out() -> None:
    docs = [
        DocMeta(doc=f"d{i}.txt", title="A long title " * 10, publisher="P", published="2020")
        for i in range(200)
    ]
    embed = sources_embed(docs)
    check_limits(embed.to_dict())  # type: ignore[arg-type]
    assert embed.footer.text and embed.footer.text.startswith("Showing ")
