"""Rendering an `Answer` as Discord embeds: a pure function, kept inside Discord's limits.

Limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
6,000 characters over all embeds of a message, 4,096 per description, 1,024 per field
value, 256 per title and field name, 2,048 per footer, 25 fields. Quotes are dropped whole
from the end when space runs out (never cut inside a citation); only a single quote that
alone exceeds a description is shortened, with an ellipsis, since showing nothing would
be worse. Markdown and mentions in quotes are escaped; the caller also sends
`AllowedMentions.none()`, so nothing can ping anyone.
"""

from __future__ import annotations

import discord
from discord.utils import escape_markdown, escape_mentions

from ..records import Answer, DocMeta, Quote, Source
from .render import source_line

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_VALUE_MAX = 1024
FIELD_NAME_MAX = 256
FOOTER_MAX = 2048
FIELDS_MAX = 25
TOTAL_MAX = 6000
SOURCE_TITLE_MAX = 200  # keeps one source line well inside a field value
SOURCE_PUBLISHER_MAX = 100
COLOUR = 0x2B6CB0


def clean(text: str) -> str:
    """Text from questions or articles, made inert: no markdown, no mentions."""
    return escape_mentions(escape_markdown(text, as_needed=False))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote_line(q: Quote, limit: int = DESCRIPTION_MAX) -> str:
    line = f"**[{q.citation}]** {clean(q.text)}"
    if len(line) <= limit:
        return line
    head = f"**[{q.citation}]** "  # the marker always survives; the quote is shortened
    return head + _clip(clean(q.text), limit - len(head))


def source_entry(s: Source | DocMeta, number: int) -> str:
    """One source line, within a field value whatever the corpus holds: the title and
    publisher are shortened before escaping, the whole line after it. With a link, the
    title is the link (a masked link: Discord shows the title, opens the page)."""
    title = _clip(s.title, SOURCE_TITLE_MAX)
    publisher = _clip(s.publisher, SOURCE_PUBLISHER_MAX) if s.publisher else None
    line = f"**[{number}]** {clean(source_line(title, publisher, s.published))}"
    link = _link(s.url)
    if link is not None:
        text = clean(title).replace("[", "\\[").replace("]", "\\]")
        rest = clean(source_line("", publisher, s.published)).removeprefix(" — ")
        linked = f"**[{number}]** [{text}]({link})" + (f" — {rest}" if rest else "")
        if len(linked) <= FIELD_VALUE_MAX:
            return linked
    return _clip(line, FIELD_VALUE_MAX)


def _link(url: str | None) -> str | None:
    """An http(s) address safe inside a masked link, or None."""
    if not url or not url.lower().startswith(("http://", "https://")) or len(url) > 512:
        return None
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def _embed_size(e: discord.Embed) -> int:
    size = len(e.title or "") + len(e.description or "") + len(e.footer.text or "")
    return size + sum(len(f.name or "") + len(f.value or "") for f in e.fields)


def _source_fields(sources: list[Source]) -> list[tuple[str, str]]:
    """Source lines packed into field values of at most 1,024 characters, whole lines only."""
    fields: list[tuple[str, str]] = []
    current: list[str] = []
    for s in sources:
        line = source_entry(s, s.citation)
        if current and len("\n".join([*current, line])) > FIELD_VALUE_MAX:
            fields.append(("Sources" if not fields else "Sources (cont.)", "\n".join(current)))
            current = []
        current.append(line)
    if current:
        fields.append(("Sources" if not fields else "Sources (cont.)", "\n".join(current)))
    return fields[:FIELDS_MAX]


def _build(ans: Answer, quotes: list[Quote], footer: str | None, first_limit: int) -> discord.Embed:
    lines: list[str] = []
    for q in quotes:
        line = quote_line(q, first_limit) if not lines else quote_line(q)
        if len("\n\n".join([*lines, line])) > DESCRIPTION_MAX:
            break  # this quote and the weaker ones after it do not fit: drop them whole
        lines.append(line)
    kept = {q.citation for q in quotes[: len(lines)]}
    embed = discord.Embed(
        title=_clip(clean(ans.question), TITLE_MAX),
        description=_clip("\n\n".join(lines), DESCRIPTION_MAX),
        colour=COLOUR,
    )
    for name, value in _source_fields([s for s in ans.sources if s.citation in kept]):
        embed.add_field(name=name, value=value, inline=False)
    if footer:
        embed.set_footer(text=_clip(footer, FOOTER_MAX))
    return embed


def answer_embed(ans: Answer, footer: str | None = None) -> discord.Embed:
    """One embed: the question as title, quotes as description, sources as fields."""
    n = len(ans.quotes)
    while True:
        embed = _build(ans, list(ans.quotes[:n]), footer, DESCRIPTION_MAX)
        over = _embed_size(embed) - TOTAL_MAX
        if over <= 0:
            return embed
        if n > 1:
            n -= 1  # drop the weakest quote whole, and its source if nothing else cites it
            continue
        # A single quote that alone breaks the 6,000 total: shorten it by the overflow.
        return _build(ans, list(ans.quotes[:1]), footer, len(embed.description or "") - over)


def sources_embed(docs: list[DocMeta]) -> discord.Embed:
    """The corpus articles, as many as fit; the footer says how many were left out."""
    embed = discord.Embed(title="Sources in the corpus", colour=COLOUR)
    lines: list[str] = []
    shown = 0
    for i, d in enumerate(docs, 1):
        line = source_entry(d, i)
        if len("\n".join([*lines, line])) > DESCRIPTION_MAX or _total_with(embed, lines, line):
            break
        lines.append(line)
        shown = i
    embed.description = "\n".join(lines) or "The corpus is empty."
    if shown < len(docs):
        embed.set_footer(text=f"Showing {shown} of {len(docs)} articles.")
    return embed


def _total_with(embed: discord.Embed, lines: list[str], line: str) -> bool:
    return len(embed.title or "") + len("\n".join([*lines, line])) + 60 > TOTAL_MAX
