"""Where a web page's article ends: the lines of other stories (teasers, galleries, "more
from", "related", "most read" lists, card grids of headlines) and of photo captions, read
from the page's own structure, before any guess from the words.

Signals (each measured on the page score by `python -m bench.extract --without NAME`):

    link_density  a block whose text is mostly the text of its links is a link to
                  another page (a teaser headline), however it is marked up
    cards         three or more sibling elements of one tag and class, each a short block
                  opening with a linked headline, are a grid or stream of other stories
    captions      text inside a `<figure>`, and a short list or paragraph right after one
                  that holds a photo credit, is a caption

Pure: reads a parsed page (lxml) and the extracted lines' keys (roles.role_key).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from ..digest import rule_settings
from .furniture import has_credit

# Measured and deleted: the article element (`[itemprop=articleBody]`, else the biggest
# `<article>`) marking every line outside it cost the page score 0.958 -> 0.939 (blogs
# keep comments in <article>s, and pages split a story over several); the JSON-LD
# articleBody marking the lines it does not hold changed no page of either set.
SIGNALS = ("link_density", "cards", "captions")
TEASER = "another story"
CAPTION = "caption"
LINK_SHARE = 0.75  # a block this much made of link text is a link to elsewhere
MIN_LINK_WORDS = 4  # ... when it is at least this long (not "Read more")
CARD_REPEATS = 3  # sibling elements alike, each a link: a grid of other stories
MAX_CARD_WORDS = 40
MAX_CAPTION_WORDS = 60
_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "dd", "dt", "td")


def text_of(el: Any) -> str:
    return " ".join("".join(el.itertext()).split())


def boundaries(
    tree: Any,
    lines: Iterable[str],
    key: Any,
    signals: Iterable[str] = SIGNALS,
) -> dict[str, str]:
    """Roles ({line key: TEASER or CAPTION}) of the extracted `lines` that are not this
    article's text. `key` is roles.role_key."""
    on = set(signals)
    keys = [k for k in (key(line) for line in lines) if k]
    roles: dict[str, str] = {}
    if "captions" in on:
        roles.update(dict.fromkeys(_captions(tree, key), CAPTION))
    outside: set[str] = set()
    if "link_density" in on:
        outside |= set(_linked_blocks(tree, key)) & set(keys)
    if "cards" in on:
        outside |= set(_cards(tree, key)) & set(keys)
    if outside and len(outside) < len(set(keys)):  # never the whole body
        for k in outside:
            roles.setdefault(k, TEASER)
    return roles


def _attr(el: Any, name: str) -> str:
    value = el.get(name) if hasattr(el, "get") else None
    return value if isinstance(value, str) else ""


def prose_lead(tree: Any, text: str, key: Any) -> str | None:
    """A first paragraph the page marks as a heading ("<h2>Scientists have found ...
    .</h2>", as some news sites mark their lead) that the extractor dropped: a heading
    tag that reads as prose (roles.reads_as_prose), not in `text`, right before the
    element holding the extracted text's first line."""
    from .roles import reads_as_prose

    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    first, have = key(lines[0]), key(text)
    for h in tree.iter("h2", "h3", "h4", "h5", "h6", "p"):
        if h.tag == "p":
            break  # a paragraph before any such heading: the lead is not a heading
        lead = text_of(h)
        if not reads_as_prose(lead) or key(lead) in have:
            continue
        nxt = h.getnext()
        for _ in range(3):
            if nxt is None:
                break
            if first and first in key(text_of(nxt)):
                return lead
            nxt = nxt.getnext()
    return None


def _link_share(el: Any) -> tuple[int, float]:
    text = text_of(el)
    linked = sum(len(text_of(a)) for a in el.iter("a"))
    return len(text.split()), (linked / len(text) if text else 0.0)


def _linked_blocks(tree: Any, key: Any) -> Iterable[str]:
    for el in tree.iter(*_BLOCKS):
        words, share = _link_share(el)
        if words >= MIN_LINK_WORDS and share >= LINK_SHARE:
            yield key(text_of(el))


def _cards(tree: Any, key: Any) -> Iterable[str]:
    """The texts of sibling elements alike (tag and class), each mostly a link."""
    for parent in tree.iter():
        kids = [c for c in parent if isinstance(c.tag, str)]
        if len(kids) < CARD_REPEATS:
            continue
        shapes = Counter((c.tag, _attr(c, "class")) for c in kids)
        for shape, n in shapes.items():
            if n < CARD_REPEATS or not shape[1]:
                continue
            cards = [c for c in kids if (c.tag, _attr(c, "class")) == shape]
            if all(_is_card(c) for c in cards):
                for c in cards:
                    for block in [c, *c.iter(*_BLOCKS, "a")]:
                        yield key(text_of(block))


def _is_card(el: Any) -> bool:
    """A teaser card: a short block that opens with a linked headline (of three words or
    more), maybe a summary after it."""
    text = text_of(el)
    if not 0 < len(text.split()) <= MAX_CARD_WORDS:
        return False
    for a in el.iter("a"):
        head = text_of(a)
        if len(head.split()) >= 3 and text.startswith(head):
            return True
    return False


def _captions(tree: Any, key: Any) -> Iterable[str]:
    """Text in a `<figure>`, and a short list or paragraph right after one holding a
    photo credit (a Guardian gallery's `<ul><li>` captions)."""
    for fig in tree.iter("figure"):
        for block in [fig, *fig.iter(*_BLOCKS, "figcaption")]:
            if text_of(block):
                yield key(text_of(block))
        nxt = fig.getnext()
        if nxt is None or nxt.tag not in ("ul", "ol", "p", "div"):
            continue
        text = text_of(nxt)
        if text and len(text.split()) <= MAX_CAPTION_WORDS and has_credit(text):
            for block in [nxt, *nxt.iter(*_BLOCKS)]:
                yield key(text_of(block))


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-boundaries", vars())
