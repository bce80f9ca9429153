"""Web pages -> main text and metadata, through trafilatura.

trafilatura (the measured leader on the article-extraction benchmark in
`../shared/articles-html`, see bench/extract.py) keeps the article body and drops the
page's boilerplate; its metadata gives the title, the site name (the publisher), the
publication date and the author (the byline). The title loses its site suffix
("… | Riverside Gazette - Local News"). Paragraphs are separated by blank lines: one per
block of trafilatura's body (a paragraph, a heading, an item), its source's own line
wrapping undone. Pages trafilatura finds no article in (a bare fragment) go through a
plain HTML-to-text pass, in which inline tags never glue words together.
"""

from __future__ import annotations

import re
import signal
import threading
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from html.parser import HTMLParser
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version
from typing import Any
from urllib.parse import urlsplit

from ..digest import rule_settings
from .boundaries import SIGNALS, boundaries, prose_lead
from .dates import dates_in
from .found import Found, clip, date_of, publisher_name, web_url
from .page_meta import declared as page_declared
from .page_meta import same_site
from .roles import html_roles, role_key

_BLANK_RUN = re.compile(r"\n{3,}")
_NOT_WORD = re.compile(r"[\W_]+")  # "News Nation" names the site "newsnation.in"
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|·)\s+")
# Never text: scripts, styles and the page's own furniture blocks.
_SKIP_TAGS = frozenset("script style nav header footer aside form noscript svg".split())
# Elements that start a new paragraph.
_BLOCK_TAGS = frozenset(
    "p div br li h1 h2 h3 h4 h5 h6 tr section article blockquote figcaption title".split()
)
EXTRACTOR = "trafilatura"
# Bumped when how a page is read changes beyond these constants (a fingerprint of rule
# constants cannot see code): 2 = declared metadata first, teasers and captions by role.
READING_VERSION = 2
try:  # the extractor's version is part of the rules: an upgrade re-extracts the pages
    EXTRACTOR_VERSION = _version("trafilatura")
except PackageNotFoundError:  # pragma: no cover - a declared dependency
    EXTRACTOR_VERSION = "missing"


def read_html(
    markup: str, signals: Iterable[str] = SIGNALS
) -> tuple[str, Found, list[str], dict[str, str]]:
    """(main text, metadata found in the page, notes, the roles of its non-body lines).
    The metadata is what the page declares (page_meta.py), with trafilatura's guesses
    for what it leaves out as `Found.guess`. `signals`: which of boundaries.py's signals
    of where the article ends are read (all, but when one is measured)."""
    notes: list[str] = []
    if problem := too_complex(markup):
        raise ValueError(f"{problem}: not a page a person reads, skipped")
    tree = parse(markup)
    declared, meta_notes = page_declared(tree, strip_site) if tree is not None else (Found(), [])
    try:
        with _time_limit(PAGE_SECONDS):
            doc = _trafilatura(markup)
    except _Slow as exc:
        raise ValueError(f"took over {PAGE_SECONDS} s to extract: skipped") from exc
    if doc is None or not (doc.get("text") or "").strip():
        return html_to_text(markup), declared, meta_notes, html_roles(tree, None)
    lines = _unwrapped(doc.get("body"), doc["text"]).splitlines()
    if tree is not None and (lead := prose_lead(tree, "\n".join(lines), role_key)):
        lines.insert(0, lead)  # the lead the page marked up as a heading is body
    text = _BLANK_RUN.sub("\n\n", "\n\n".join(line.strip() for line in lines))
    site = publisher_name(doc.get("sitename"), notes, doc.get("hostname"))
    guess = Found(
        title=clip(strip_site(doc.get("title"), site, doc.get("hostname")), "title", notes),
        publisher=site,
        published=date_of(_own_date(markup, doc.get("date"), text, notes), notes),
        byline=clip(doc.get("author"), "byline", notes),
        url=web_url(doc.get("url"), notes),
    ).sourced("trafilatura's guess")
    found = replace(declared, byline=guess.byline, guess=guess)
    found = replace(found, publisher=same_site(found.publisher, guess.publisher))
    if guess.byline:
        found = found.sourced("trafilatura's guess")  # the byline: pages rarely declare it
    host = urlsplit(found.url or guess.url or "").hostname
    if not (found.publisher or guess.publisher) and host:  # the last resort: the domain
        found = replace(found, publisher=publisher_name(host, notes))
        found = replace(found, sources=(*found.sources, ("publisher", "the page's domain")))
    roles = html_roles(tree, doc.get("body"))
    if tree is not None:  # the page's structure says where its article ends
        ends = boundaries(tree, text.splitlines(), role_key, signals)
        roles = {**ends, **roles}  # a heading stays a heading (ranked with its paragraph)
    return text.strip() + "\n", found, meta_notes + notes, roles


# trafilatura's timer cannot interrupt lxml, whose time grows with the square of an
# element's attributes (16,000 on one element: 2.7 s; 80,000: 222 s). The 90 real pages
# hold at most 3,136 attributes in all, and a few dozen on one element.
MAX_ATTRIBUTES = 1_000  # on one element
MAX_ALL_ATTRIBUTES = 200_000
MAX_DEPTH = 1_000  # elements open at once
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTR = re.compile(r"[\w:.-]+\s*=")
# Scripts, styles and comments hold "<" that opens no tag ("for(i=0;i<t;i++)").
_RAW_TEXT = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


def too_complex(markup: str) -> str | None:
    """Why a page is too costly to extract (one linear pass over its tags), or None."""
    depth = deepest = every = 0
    for m in _TAG.finditer(_RAW_TEXT.sub(" ", markup)):
        closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
        n = len(_ATTR.findall(attrs)) if "=" in attrs else 0
        if n > MAX_ATTRIBUTES:
            return f"an element with {n:,} attributes"
        every += n
        if closing:
            depth = max(0, depth - 1)
        elif name not in _VOID and not attrs.rstrip().endswith("/"):
            depth += 1
            deepest = max(deepest, depth)
    if every > MAX_ALL_ATTRIBUTES:
        return f"{every:,} attributes"
    if deepest > MAX_DEPTH:
        return f"elements nested {deepest:,} deep"
    return None


def parse(markup: str) -> Any | None:
    """The page's element tree (lxml, trafilatura's own parser), or None."""
    import lxml.html

    try:
        return lxml.html.fromstring(markup)
    except (ValueError, TypeError, lxml.etree.ParserError):
        return None


def _own_date(markup: str, date: object, body: str, notes: list[str]) -> object:
    """The page's own date, not one its article quotes. trafilatura searches the whole
    page when its metadata has no date, and may then take a date the text mentions (a
    fact check's claim date). A date found that way *and* written in the article's own
    text is dropped; cleaning then reads a dateline, if there is one."""
    if not isinstance(date, str) or date not in dates_in(body):
        return date
    from htmldate import find_date as metadata_date  # trafilatura's own date finder

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            declared = metadata_date(markup, extensive_search=False)
        except (ValueError, TypeError, RecursionError):
            declared = None
    if declared:
        return date
    notes.append(f"date {date} is only written in the article's text (a date it quotes): unused")
    return None


PAGE_SECONDS = 30  # a page that takes longer to extract is skipped (a pathological one)


class _Slow(BaseException):
    """The page's time is up. A BaseException, as KeyboardInterrupt is: the extractor
    catches Exception (and ValueError) itself and would carry on."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _Slow when the block runs longer than `seconds`. A timer signal, so only in
    a process's main thread - where builds read pages; elsewhere there is no limit."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise _Slow

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# A line break in a page's source text is a space to a browser: a sentence the HTML
# wraps over two lines ("who in 2008, won the\nAfrica Movie Academy Award") is one.
_SOURCE_WRAP = re.compile(r"\s*\n\s*")


def _unwrapped(body: Any, text: str) -> str:
    """trafilatura's text, one line per block of its body tree (a paragraph, a heading,
    an item, a `<br>`), without the line breaks of the page's source inside a block:
    its own text keeps them, and each line here becomes a paragraph."""
    if body is None:
        return text
    from copy import deepcopy

    from trafilatura.xml import xmltotxt

    tree = deepcopy(body)  # the roles are read from the body as trafilatura left it
    for el in tree.iter():
        if el.text:
            el.text = _SOURCE_WRAP.sub(" ", el.text)
        if el.tail:
            el.tail = _SOURCE_WRAP.sub(" ", el.tail)
    return xmltotxt(tree, include_formatting=False) or text


def _trafilatura(markup: str) -> dict[str, Any] | None:
    import logging

    from trafilatura import bare_extraction  # heavy: imported only when a page is read

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # its warnings are ours
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            doc = bare_extraction(markup, with_metadata=True, include_comments=False)
        except (ValueError, TypeError, RecursionError):
            return None
    if doc is None:
        return None
    return dict(doc.as_dict()) if hasattr(doc, "as_dict") else dict(doc)


def strip_site(title: object, site: str | None, host: object) -> str | None:
    """ "Council passes budget | Riverside Gazette - Local News" -> "Council passes budget":
    cut at the separator whose next part names the site."""
    if not isinstance(title, str):
        return None
    names = [n.lower() for n in (site, host) if isinstance(n, str) and n.strip()]
    names += [n.split(".")[-2] for n in names if "." in n]  # "wsj.com" -> "wsj"
    names = [n.removeprefix("www.") for n in names if len(n) >= 3]
    if not names:
        return title
    seps = list(_TITLE_SEPARATORS.finditer(title))
    for i, m in enumerate(seps):
        end = seps[i + 1].start() if i + 1 < len(seps) else len(title)
        segment = _NOT_WORD.sub("", title[m.end() : end].lower())  # the part after it
        if m.start() > 0 and any(_NOT_WORD.sub("", n) in segment for n in names):
            return title[: m.start()].strip()
    return title


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            # Keep the space at either edge: "<p>The council <a>approved</a> it</p>"
            # must not become "The councilapprovedit".
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one block element per paragraph."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip() + "\n"


SETTINGS = rule_settings("newsqa-html", vars())
