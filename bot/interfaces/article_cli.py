"""`python -m bot article [NAME ...]`: an article as the bot sees it, to debug a corpus.

It reads the corpus folder (not the index) through the same steps as a build - decoding,
web-page and Markdown extraction, cleaning - so what it prints is exactly the text the
bot indexes and quotes: every quote is verbatim in it, and a quote's `start`/`end` are
offsets into its `text`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .terminal import Where, corpus_options, errors_to_exit, fail, notify, out_console


def _named(name: str, files: tuple[str, ...], corpus: Path) -> str:
    """The article `name` names: its file name, or a prefix only one file name has
    (`article 004` for 004_a765cca09a6260ef.txt)."""
    if name in files:
        return name
    matches = [f for f in files if f.startswith(name) or f.rsplit("/", 1)[-1].startswith(name)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        fail(f"{name!r} names {len(matches)} articles in {corpus}; give more of the name")
    fail(f"no article named {name!r} in {corpus} (see `python -m bot sources`)")


@click.command("article")
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line per article.")
@click.option(
    "--dropped", is_flag=True, help="Also list the lines never quoted, each with its reason."
)
@corpus_options
def article_cmd(names: tuple[str, ...], as_json: bool, dropped: bool, where: Where) -> None:
    """Show articles NAMES (default: every article) as the bot reads them: title,
    publisher, date, byline, then the cleaned text it indexes and quotes."""
    from ..ingest.article import load_article
    from ..ingest.corpus import list_corpus
    from .render import article_json, article_text

    corpus = where.corpus
    with errors_to_exit():
        listing, warnings = list_corpus(corpus)
    for w in warnings:
        notify(f"note: {w}")
    wanted = [_named(n, listing.files, corpus) for n in names] or list(listing.files)
    console = out_console()
    for i, name in enumerate(wanted):
        loaded = load_article(listing.folder, name, i, listing.metadata)
        if isinstance(loaded, str):
            notify(f"skipped {name}: {loaded}")
            continue
        doc, _ = loaded
        if as_json:
            click.echo(json.dumps(article_json(doc, dropped), ensure_ascii=False))
        else:
            console.print(article_text(doc, i == 0, dropped), end="")
        sys.stdout.flush()
