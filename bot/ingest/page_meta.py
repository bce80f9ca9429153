"""A web page's own declared metadata, field by field, in a stated order of trust, and
where each field came from.

    title      og:title, JSON-LD headline, <title> less the site's suffix
    date       JSON-LD datePublished, article:published_time (never dateModified when a
               published date exists; never a date from a script's text or a comment)
    publisher  og:site_name, JSON-LD publisher name (one the domain or <title> also says),
               then trafilatura's guess, then the page's domain (html.py)
    link       <link rel=canonical>, og:url, JSON-LD url / mainEntityOfPage

What a page declares is what its publisher says it is, so it comes first; trafilatura's
guesses (html.py) fill in only what the page leaves out, after the article's own
dateline. Pure: parses the markup it is given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from ..digest import rule_settings
from .found import Found, clip, date_of, publisher_name, web_url

MAX_JSON_LD = 1_000_000  # characters of one JSON-LD block read at most
_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|Report|WebPage|Posting)$")


def declared(tree: Any, strip_site: Any) -> tuple[Found, list[str]]:
    """(the page's declared metadata with each field's source, notes).
    `strip_site(title, site, host)` cuts a site suffix from a <title>."""
    notes: list[str] = []
    metas = _metas(tree)
    ld = list(_json_ld(tree))
    article = next((o for o in ld if _ARTICLE_TYPES.search(_type(o))), None) or {}
    sources: dict[str, str] = {}

    url = _first(
        sources,
        "url",
        notes,
        web_url,
        ("<link rel=canonical>", _canonical(tree)),
        ("og:url", metas.get("og:url")),
        ("JSON-LD url", _ld_url(article)),
    )
    host = urlsplit(url).hostname if url else None
    page_title = _title(tree)
    publisher = _first(
        sources,
        "publisher",
        notes,
        lambda v, n: _site(v, n, host, page_title),
        ("og:site_name", metas.get("og:site_name")),
        ("JSON-LD publisher", _ld_name(article.get("publisher"))),
    )
    title = _first(
        sources,
        "title",
        notes,
        lambda v, n: clip(v, "title", n),
        ("og:title", strip_site(metas.get("og:title"), publisher, host)),
        ("JSON-LD headline", article.get("headline")),
        ("<title>", strip_site(page_title, publisher, host)),
    )
    published = _first(
        sources,
        "published",
        notes,
        date_of,
        ("JSON-LD datePublished", article.get("datePublished")),
        ("article:published_time", metas.get("article:published_time")),
        ("itemprop=datePublished", metas.get("datepublished")),
    )
    published = _filed_under(published, url, sources)
    return Found(title, publisher, published, None, url, tuple(sources.items())), notes


def same_site(declared: str | None, guessed: str | None) -> str | None:
    """The declared site name, in the guessed spelling when that is the same name better
    written ("detroitnews" / "The Detroit News", "TheHill" / "The Hill")."""
    if not declared or not guessed:
        return declared
    a, b = _key(declared), _key(guessed)
    if (
        a
        and (a == b or b.endswith(a))
        and sum(c.isupper() or c == " " for c in guessed)
        > sum(c.isupper() or c == " " for c in declared)
    ):
        return guessed
    return declared


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _site(value: object, notes: list[str], host: str | None, title: str | None) -> str | None:
    """A declared site name that names the site: one the page's domain or <title> also
    says ("U.S." is Reuters' section, not its name), written as the <title> writes it
    when that is the same name spaced ("detroitnews" -> "The Detroit News")."""
    name = publisher_name(value, notes, host)
    if name is None:
        return None
    key, domain = _key(name), _key(host or "")
    parts = [p.strip() for p in _SEPARATORS.split(title or "")[1:]]
    said = key in domain or (len(key) >= 4 and any(key in _key(p) for p in parts))
    if not said and host and not any(_key(label) in key for label in host.split(".")[-2:-1]):
        return None
    for part in parts:
        if part and _key(part) != key and _key(part).endswith(key) and len(part) <= 60:
            return part  # "The Detroit News" for "detroitnews"
    return name


_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|»|·)\s+")


_URL_DATE = re.compile(r"[/-]((?:19|20)\d\d)[/-](\d\d)[/-](\d\d)(?:/|-|\.|$)")


def _filed_under(published: str | None, url: str | None, sources: dict[str, str]) -> str | None:
    """A declared timestamp is often UTC: an evening story in New York is dated the next
    day. When the page's own link files it under a date one day off, that date is the
    publisher's day of record ("…/2019/11/18/…" for "2019-11-19T07:03Z")."""
    m = _URL_DATE.search(urlsplit(url).path) if url and published else None
    if m is None or published is None or len(published) != 10:
        return published
    from datetime import date

    try:
        filed = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        said = date.fromisoformat(published)
    except ValueError:
        return published
    if abs((said - filed).days) == 1:
        sources["published"] = "the page's link (its date, against a UTC timestamp)"
        return filed.isoformat()
    return published


def _first(sources: dict[str, str], field: str, notes: list[str], check: Any, *tries: Any) -> Any:
    """The first value that passes `check`, recording its source."""
    for source, value in tries:
        if value in (None, ""):
            continue
        got = check(value, notes)
        if got:
            sources[field] = source
            return got
    return None


def _metas(tree: Any) -> dict[str, str]:
    """<meta property|name|itemprop=... content=...>, keys lower-cased, first one wins."""
    out: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop")
        value = el.get("content") or el.get("datetime")
        if key and value and key.lower() not in out:
            out[key.lower()] = value.strip()
    for el in tree.iter("time"):  # <time itemprop="datePublished" datetime="...">
        if (el.get("itemprop") or "").lower() == "datepublished" and el.get("datetime"):
            out.setdefault("datepublished", el.get("datetime"))
    return out


def _canonical(tree: Any) -> str | None:
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            return str(el.get("href")).strip()
    return None


def _title(tree: Any) -> str | None:
    for el in tree.iter("title"):
        text = " ".join("".join(el.itertext()).split())
        if text:
            return text
    return None


def _json_ld(tree: Any) -> Iterator[dict[str, Any]]:
    """Every object of the page's JSON-LD blocks (inside lists and @graph too)."""
    for el in tree.iter("script"):
        if (el.get("type") or "").lower() != "application/ld+json" or not el.text:
            continue
        try:
            data = json.loads(el.text[:MAX_JSON_LD])
        except (ValueError, RecursionError):
            continue
        yield from _objects(data, 0)


def _objects(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph"), depth + 1)


def _type(obj: dict[str, Any]) -> str:
    t = obj.get("@type")
    return " ".join(t) if isinstance(t, list) and all(isinstance(x, str) for x in t) else str(t)


def _ld_name(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        value = value.get("name")
    return value if isinstance(value, str) else None


def _ld_url(article: dict[str, Any]) -> str | None:
    for key in ("url", "mainEntityOfPage"):
        value = article.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str):
            return value
    return None


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-page-meta", vars())
