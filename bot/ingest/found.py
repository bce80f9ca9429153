"""Metadata an article carries itself: a page's `<meta>` and JSON-LD, Markdown front
matter, or a byline and a dateline in plain text. It fills in what `metadata.json` leaves
out; `metadata.json` always wins, field by field. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..digest import rule_settings
from ..records import DocMeta
from .dates import valid_iso, written_date

MAX_FIELD = 300  # characters: a title or a name longer than this is clipped, with a note

# Front-matter keys people use for each field, most specific first.
_KEYS = {
    "title": ("title", "headline"),
    "publisher": ("publisher", "source", "site", "site_name", "sitename", "outlet"),
    "published": ("date", "published", "publish_date", "pubdate", "date_published"),
    "byline": ("author", "authors", "byline", "by"),
    "url": ("url", "link", "canonical", "canonical_url", "permalink"),
}
_WEB = ("http://", "https://")


FIELDS = ("title", "publisher", "published", "byline", "url")


@dataclass(frozen=True)
class Found:
    """Metadata found in the article itself; every field may be missing. `sources` says
    where each field came from ("og:title", "the article's dateline"...); `guess` holds
    what an extractor guessed (trafilatura), trusted after the article's own lines."""

    title: str | None = None
    publisher: str | None = None
    published: str | None = None  # ISO, possibly partial
    byline: str | None = None
    url: str | None = None  # the page's own address: http(s) only
    sources: tuple[tuple[str, str], ...] = ()
    guess: Found | None = None

    def __or__(self, other: Found) -> Found:
        """Fields of `self`, with `other`'s where `self` has none (and their sources)."""
        mine, theirs = dict(self.sources), dict(other.sources)
        values, sources = {}, {}
        for name in FIELDS:
            own = getattr(self, name)
            values[name] = own or getattr(other, name)
            source = mine.get(name) if own else theirs.get(name)
            if values[name] and source:
                sources[name] = source
        return Found(**values, sources=tuple(sources.items()), guess=self.guess or other.guess)

    def sourced(self, source: str) -> Found:
        """The same fields, each said to come from `source` (where none is said yet)."""
        known = dict(self.sources)
        for name in FIELDS:
            if getattr(self, name) and name not in known:
                known[name] = source
        return replace(self, sources=tuple(known.items()))


def valid_utf8(text: str) -> bool:
    """False for a string holding a lone surrogate: a file name that is not UTF-8 (read
    with surrogateescape) or a "\ud800" escape, which no terminal, JSON or file can take."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clip(value: object, name: str, notes: list[str]) -> str | None:
    """A usable text field: a non-empty string on one line, clipped to MAX_FIELD."""
    if isinstance(value, list | tuple):  # "authors: [A, B]"
        value = ", ".join(str(v) for v in value if isinstance(v, str | int | float))
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text:
        return None
    if not valid_utf8(text):  # a lone surrogate ("\ud800" in JSON or YAML) prints nowhere
        notes.append(f"{name} is not valid text (a lone surrogate): dropped")
        return None
    if len(text) > MAX_FIELD:
        notes.append(f"{name} longer than {MAX_FIELD} characters: clipped")
        text = text[: MAX_FIELD - 1].rstrip() + "…"
    return text


# A publisher written as an address ("https://www.hawaiinewsnow.com", "cnbc.com"): the site.
_ADDRESS = re.compile(r"^(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)/?$", re.I)
_JUNK = "_|-–—·:•/ "  # trailing separators and template leftovers ("Wday_")


def publisher_name(value: object, notes: list[str], host: object = None) -> str | None:
    """A publisher as people write it: an address becomes its domain without the scheme
    and "www."; a tagline after " | " goes ("LinkNaija | Nigeria's popular blog"), and
    trailing separators and underscores are trimmed. A name that is only the first label
    of the page's host, when that label is a subdomain ("Hosted" for hosted.ap.org), is
    the extractor's guess from the address: the domain is the better name."""
    text = clip(value, "publisher", notes)
    if text is None:
        return None
    text = text.split(" | ", 1)[0].rstrip(_JUNK).strip()
    m = _ADDRESS.match(text)
    name = (m.group(1).lower() if m else text) or None
    if name and isinstance(host, str):
        labels = host.lower().removeprefix("www.").split(".")
        # "ap.org", "bbc.co.uk": a two-letter country code after a short label is one suffix
        size = 3 if len(labels[-1]) == 2 and len(labels) > 2 and len(labels[-2]) <= 3 else 2
        if len(labels) > size and name.lower() == labels[0]:
            return ".".join(labels[-size:])
    return name


def web_url(value: object, notes: list[str]) -> str | None:
    """An http(s) address for a citation's link; anything else is dropped with a note
    (a `javascript:` or `file:` link must never reach a terminal or an embed)."""
    text = clip(value, "url", notes)
    if text is None:
        return None
    if not text.lower().startswith(_WEB) or any(c in text for c in " <>\"'`"):
        notes.append(f"url {text[:60]!r} is not an http(s) address: dropped")
        return None
    return text


def date_of(value: object, notes: list[str]) -> str | None:
    """An ISO date, or None with a note when a value was given but is no real date."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):  # YAML reads 2019-03-23 as a date object
        value = str(value)
    iso = valid_iso(value) or written_date(value)
    if iso is None and _NUMERIC_DATE.match(value.strip()):
        notes.append(f"date {value[:40]!r} is ambiguous (day or month first?): dropped")
    elif iso is None:
        notes.append(f"date {value[:40]!r} is not a real YYYY, YYYY-MM or YYYY-MM-DD date: dropped")
    return iso


# "12/01/2023", "01.12.2023": the 12th of January or the 1st of December.
_NUMERIC_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$")


def from_mapping(data: Mapping[str, object]) -> tuple[Found, list[str]]:
    """Front matter (or any key/value metadata) -> Found, with notes on what was dropped."""
    notes: list[str] = []
    lowered = {str(k).lower(): v for k, v in data.items()}
    picked: dict[str, object] = {}
    for field, keys in _KEYS.items():
        picked[field] = next((lowered[k] for k in keys if lowered.get(k) not in (None, "")), None)
    return (
        Found(
            title=clip(picked["title"], "title", notes),
            publisher=publisher_name(picked["publisher"], notes),
            published=date_of(picked["published"], notes),
            byline=clip(picked["byline"], "byline", notes),
            url=web_url(picked["url"], notes),
        ).sourced("front matter"),
        notes,
    )


def sources_of(meta: DocMeta, given: DocMeta | None, found: Found, fallback: str) -> dict[str, str]:
    """Where each field of the merged `meta` came from: metadata.json, the article
    (`found.sources`), or, for a title found nowhere, the fallback's origin."""
    out: dict[str, str] = {}
    said = dict(found.sources)
    for name in FIELDS:
        if not getattr(meta, name):
            continue
        if given is not None and getattr(given, name):
            out[name] = "metadata.json"
        elif name in said and getattr(found, name):
            out[name] = said[name]
        elif name == "title":
            out[name] = fallback
    return out


def merge(doc: str, given: DocMeta | None, found: Found, fallback_title: str) -> DocMeta:
    """metadata.json's entry, filled in from what the article says about itself."""
    if given is None:
        return DocMeta(
            doc=doc,
            title=found.title or fallback_title,
            publisher=found.publisher,
            published=found.published,
            byline=found.byline,
            url=found.url,
        )
    return replace(  # field by field: an entry without a title still gives the rest
        given,
        title=given.title or found.title or fallback_title,
        publisher=given.publisher or found.publisher,
        published=given.published or found.published,
        byline=given.byline or found.byline,
        url=given.url or found.url,
    )


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-found", vars())
