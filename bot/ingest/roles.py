"""Line roles: which lines of an article are not its body text, read from its structure.

A reader that knows a document's structure (a web page's elements, Markdown's blocks)
says which of its text lines are headings, captions, link lists or table rows. Cleaning
then drops those lines from the quotable body (`clean.py`), before any rule of our own
has to guess. Lines are matched by `role_key`, their letters and digits only, because
the same text may be spaced differently by the extractor and by the page.

Pure functions over a parsed tree; the only I/O is the caller's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..digest import rule_settings

HEADING, CAPTION, LINK_LIST, TABLE = "heading", "caption", "link list", "table"
Roles = Mapping[str, str]  # role_key(line) -> role
_NOT_KEY = re.compile(r"[\W_]+")
LINK_SHARE = 0.7  # an item whose text is this much link text is a link to elsewhere
LINK_LIST_SHARE = 0.5  # a list this much made of links is a list of other pages
MAX_KEY_CHARS = 2_000  # longer lines are prose: never a heading, caption or link


def role_key(text: str) -> str:
    """The comparison key of a line: case folded, letters and digits only."""
    return _NOT_KEY.sub("", text[:MAX_KEY_CHARS].casefold())


def _text(el: Any) -> str:
    return "".join(el.itertext())


def html_roles(tree: Any | None, body: Any | None) -> dict[str, str]:
    """Roles of a page's lines: from trafilatura's body tree (`head`, `table`, `list`)
    and from the page itself (`tree`: `<figcaption>`, `<h1>`-`<h6>`, items that are
    links)."""
    roles: dict[str, str] = {}
    links, page_roles = _page_roles(tree) if tree is not None else (set(), {})
    roles.update(page_roles)
    if body is None:
        return roles
    for el in body.iter("head"):
        _put(roles, _text(el), HEADING)
    for row in body.iter("row"):
        _put(roles, _text(row), TABLE)
    for lst in body.iter("list"):
        items = [role_key(_text(item)) for item in lst.iter("item")]
        items = [k for k in items if k]
        if items and sum(k in links for k in items) >= LINK_LIST_SHARE * len(items):
            for key in items:
                roles.setdefault(key, LINK_LIST)
    return roles


def _page_roles(tree: Any) -> tuple[set[str], dict[str, str]]:
    """(keys of list items that are links, roles of captions and headings) in the page."""
    roles: dict[str, str] = {}
    for el in tree.iter("figcaption"):
        _put(roles, _text(el), CAPTION)
    for el in tree.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        if not reads_as_prose(_text(el)):
            _put(roles, _text(el), HEADING)
    links = {key for key in _link_items(tree.iter("li")) if key}
    return links, roles


PROSE_WORDS = 12  # a heading tag holding a sentence longer than this is body (a lead)


def reads_as_prose(text: str) -> bool:
    """A full sentence in a heading tag, as some sites mark their first paragraph: over
    PROSE_WORDS words, ending with a stop, with small words of running text in it."""
    words = text.split()
    small = sum(w.lower() in _FUNCTION_WORDS for w in words)
    return (
        len(words) > PROSE_WORDS and text.rstrip(' "”’)').endswith((".", "!", "?")) and small >= 3
    )


_FUNCTION_WORDS = frozenset(
    "the a an of to in on at for with by from and or that was were is are has have had".split()
)


def _link_items(items: Iterable[Any]) -> Iterable[str]:
    for li in items:
        whole = role_key(_text(li))
        linked = sum(len(role_key(_text(a))) for a in li.iter("a"))
        if whole and linked >= LINK_SHARE * len(whole):
            yield whole


def _put(roles: dict[str, str], text: str, role: str) -> None:
    key = role_key(text)
    if key:
        roles.setdefault(key, role)


SETTINGS = rule_settings("newsqa-roles", vars())
