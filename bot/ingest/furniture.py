"""Furniture: the lines of a scraped page that are not the article.

Pure functions. The rules are general patterns of news and blog pages (browser and
cookie notices, share bars, photo credits and captions, related links, comment forms,
promos, author bios, advertisement lines, navigation, copyright, template tokens), never
line numbers of particular files. A line is classified whole (`classify_line`); a body
line loses only a glued-on credit or template token (`body_spans`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from ..digest import rule_settings
from ..records import Span

_AGENCIES = (
    r"Reuters(?: TV)?|AFP|AP(?: Photo)?|Associated Press|Getty(?: Images)?|EPA(?:-EFE)?|"
    r"Anadolu(?: Agency)?|Xinhua|Bloomberg|Shutterstock|Sipa|NurPhoto|ANI|PTI|UPI|Handout"
)
_CREDIT_NAME = r"[A-Z][\w'’.\-]*(?:\s+(?:[A-Za-z][\w'’.\-]*|\.)){0,4}"
# "Erik De Castro / Reuters", "Ahmad Al-Rubaye / AFP - Getty Images", "Handout . / Reuters"
_CREDIT = rf"{_CREDIT_NAME}\s*/\s*(?:{_AGENCIES})(?:\s*[-–—]\s*Getty Images)?"
_CREDIT_LINE = re.compile(
    rf"^(?:{_CREDIT}|{_CREDIT_NAME}\s+via\s+(?:{_AGENCIES})|(?:{_AGENCIES})(?:\s*/\s*(?:{_AGENCIES}))?)$"
)
# A credit glued to the end of a caption: "...Mosul, Iraq.Erik De Castro / Reuters"
_GLUED_CREDIT = re.compile(
    rf"(?<=[.!?”\"’)…])\s*(?:{_CREDIT}|{_CREDIT_NAME}\s+via\s+Getty Images)\s*$"
)
_CREDIT_TAIL = 160  # longer than any credit: "Ahmad Al-Rubaye / AFP - Getty Images"
_PAREN_CREDIT = re.compile(rf"\s*\((?:{_AGENCIES})(?: photo| Photo)?\)\s*$")
_PICTURE_ID = re.compile(r"^(?=[A-Z0-9_-]*\d)(?=[A-Z0-9_-]*[A-Z])[A-Z0-9_-]{6,16}$")
_TEMPLATE_TOKEN = re.compile(r"\{\{?[A-Za-z_][\w.-]*\}\}?|\[\[[A-Za-z_][\w.-]*\]\]")

# One-line furniture: (reason, pattern). Checked against the stripped line.
_LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        (
            "browser notice",
            r"\b(IE ?\d+|internet explorer|your browser|another browser)\b.*"
            r"\b(not supported|supported|upgrade|update|optimal experience)|enable javascript",
        ),
        ("breadcrumb", r"^(you are here|home\s*[›>»/|])"),
        ("image label", r"^(image|photo|picture|video|graphic|watch)\s*:\s"),
        (
            "related link",
            r"^(related|read more|read also|also read|see also|more on this|"
            r"recommended|related coverage|more from \w+)\s*:",
        ),
        ("vote count", r"^\d[\d,]*\s+(users?|people|readers?|votes?)\b.*\b(voted|votes?|liked?)\b"),
        (
            "comment form",
            r"^(add|post|leave|write|view|show)\s+(a\s+|new\s+|all\s+)*comments?\b|"
            r"human visitor|automated spam|captcha|solve this simple math|"
            r"^\d+\s*[-+x×*]\s*\d+\s*=\s*\d*$",
        ),
        (
            "promo",
            r"newsletter|\bsign up\b|\bsubscribe\b|\bsubscriptions?\b|emailed to you|"
            r"delivered to your door|ad-free|click here|app updates|download (our|the) app|"
            r"follow us on|top stories",
        ),
        ("author bio", r"(\.\.\.|…)\s*read more$|^read more$"),
        (
            "contributor note",
            r"^(the\s+)?[\w .&'-]{2,40}\s+contributed( to this (report|story))?\.?$",
        ),
        (
            "timestamp",
            r"^(updated|published|posted|last updated)\b[^.]{0,40}(\d{4}|[ap]\.?m\.?)$|"
            r"^\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}",
        ),
        (
            "navigation",
            r"^(load more|most popular|most read|trending( now)?|advertisement|"
            r"share( this( article)?)?|comments?|see all\b.*|more stories|top stories|skip to .*)$",
        ),
        ("tags", r"^tags?\b\s*:?\s+\S"),
        ("copyright", r"^(copyright|©)|all rights reserved"),
        (
            "cookie notice",
            r"\bcookies?\b.*\b(use|uses|accept|consent|policy|settings|agree|preferences)\b|"
            r"\b(we|this (site|website)|our (site|website)) uses? cookies\b|"
            r"\b(accept|agree to|consent to)\b.*\bcookies?\b|"
            r"by (continuing|using|browsing)( to (use|browse))? (this|our) (site|website)|"
            r"\b(privacy|cookie) (policy|settings|preferences|notice)\b.*"
            r"\b(read|see|update|manage)",
        ),
        (
            "share bar",
            r"^((share|tweet|e-?mail|print|copy link|save|facebook|twitter|x|linkedin|whatsapp|"
            r"pinterest|reddit|telegram|messenger|flipboard|threads|bluesky)\b[\s|·•/,:]*){2,}$|"
            r"^(share|post|send) (this )?(on|to|via|with) (facebook|twitter|x|linkedin|whatsapp|"
            r"e-?mail|reddit)\b",
        ),
        (
            "advertisement",
            r"^(story continues below( this)?( advertisement)?|continue reading (below|the main "
            r"story)|sponsored( content| by\b.*)?|paid (post|content)|advert(isement)?)$",
        ),
        (
            "photo credit",
            r"^(photo|image|picture|photograph|video)( credit)?s?\s*(:|by\b|courtesy\b)|"
            r"^image (caption|copyright)\b|"
            r"^(credit|courtesy|source)\s*:\s*\S|\((photo|image|credit|picture)s?\b[^)]*\)$",
        ),
        (
            "notice",  # written to one reader, never part of the article
            r"personal,? non-?commercial use|an error has (occurred|been encountered)|"
            r"please try again later|\bhas been sent to\b|thanks? (you )?for signing up|"
            r"error processing your",
        ),
        (
            "author bio",
            r"^[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){0,3} (is|was) (a|an|the) ([\w-]+ ){0,4}"
            r"(reporter|correspondent|writer|editor|journalist|columnist|contributor|"
            r"producer|author)\b.{0,200}$",
        ),
    )
)
# "[WARNING] ...", "[INSIGHT] ...": a site's promo tag before a link to another story.
# Capitals only (so case-sensitive, unlike the rules above): "[He] said" is a quote.
_PROMO_TAG = re.compile(r"^\[[A-Z][A-Z &-]{1,24}\]\s")
TERMINAL = re.compile(r"[.!?…:;\"”’')\]]$")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*(?=\s)")
_CUT_SHORT = re.compile(r"(?:\.{2,}|…)$")  # a caption the page cut off: "... After defeat..."
BRAND_LINE_MAX_WORDS = 25  # a short line naming the outlet is the outlet talking about itself


class Line(NamedTuple):  # a tuple: made for every line of every article, so made fast
    start: int
    end: int
    text: str


def iter_lines(raw: str) -> Iterator[Line]:
    """Yield the non-blank lines of `raw`, stripped, with their offsets."""
    pos = 0
    for chunk in raw.splitlines(keepends=True):
        body = chunk.rstrip("\r\n")
        lead = len(body) - len(body.lstrip())
        text = body.strip()
        if text:
            start = pos + lead
            yield Line(start, start + len(text), text)
        pos += len(chunk)


FURNITURE_MAX_WORDS = 45  # notices, credits, promos and footers are short lines
# ... and so is their text: a longer line is never furniture. The rules below hold `.*`
# and `[^)]*` runs, which on one long line without spaces ("cookie-cookie-…", 200 KB)
# take quadratic time; no rule ever runs on more than this many characters.
FURNITURE_MAX_CHARS = 1_000


def classify_line(text: str, brand: str | None = None) -> str | None:
    """Return why a whole line is furniture, or None when it may be body text."""
    if len(text) > FURNITURE_MAX_CHARS or text.count(" ") >= FURNITURE_MAX_WORDS:
        # A paragraph this long is prose; skipping the rules keeps cleaning linear and
        # cheap on big corpora (the longest furniture line in the seeds has 21 words).
        return None
    for reason, pattern in _LINE_RULES:
        if pattern.search(text):
            return reason
    if _PROMO_TAG.match(text):
        return "promo tag"
    if _CREDIT_LINE.match(text):
        return "photo credit"
    if _PICTURE_ID.match(text):
        return "picture id"
    if (
        brand
        and len(text.split()) <= BRAND_LINE_MAX_WORDS
        and re.match(rf"(the\s+)?{re.escape(brand)}\b", text, re.IGNORECASE)
    ):
        return "promo"  # the outlet talking about itself: "Newsweek is committed to ..."
    if text.lstrip().startswith(("•", "·", "▪")) and not TERMINAL.search(text):
        return "list furniture"
    return None


def _credit_start(text: str) -> int | None:
    """Where a photo credit glued to the end of the line starts, if there is one.
    Credits sit at the end of a line: only its tail is searched, and only when it has
    the marks every credit has ("/", "via", or a closing parenthesis)."""
    tail_start = max(0, len(text) - _CREDIT_TAIL)
    tail = text[tail_start:]
    for pattern, mark in ((_GLUED_CREDIT, "/"), (_GLUED_CREDIT, " via "), (_PAREN_CREDIT, ")")):
        if mark in tail and (m := pattern.search(text, tail_start)):
            return m.start()
    return None


def has_credit(text: str) -> bool:
    """Does the line end in a photo credit ("...in Mosul.Erik De Castro / Reuters", "...
    on Saturday (AFP photo)")? Such a line is a caption."""
    return _credit_start(text) is not None


# A list item's marker, as an extractor writes it ("- 44/50 Li Ka-shing buys O2"): never
# part of a quote.
_LIST_MARKER = re.compile(r"^[-•*·–▪◦]\s+(?=\S)")


def body_spans(line: Line) -> list[Span]:
    """Spans of a body line with a leading list marker, glued credits and template tokens
    cut out."""
    if marker := _LIST_MARKER.match(line.text):
        line = Line(line.start + marker.end(), line.end, line.text[marker.end() :])
    text, start = line.text, line.start
    credit = _credit_start(text)
    end = len(text) if credit is None else credit
    # A caption cut short by the page ("... After defeat...") keeps its whole sentences.
    trimmed = text[:end].rstrip()
    if end < len(text) and (cut := _CUT_SHORT.search(trimmed)):
        last = None
        for m in _SENTENCE_END.finditer(trimmed[: cut.start()] + " "):
            last = m.end()
        end = last if last is not None else 0
    if "{" not in text and "[[" not in text:  # no template tokens: one span
        if end == len(text):  # nothing cut: the line is stripped already
            return [Span(start, start + end)]
        return [_strip(text, start, Span(start, start + end))] if text[:end].strip() else []
    spans: list[Span] = []
    pos = 0
    for m in _TEMPLATE_TOKEN.finditer(text, 0, end):
        spans.append(Span(start + pos, start + m.start()))
        pos = m.end()
    spans.append(Span(start + pos, start + end))
    return [_strip(text, start, s) for s in spans if text[s.start - start : s.end - start].strip()]


def _strip(text: str, base: int, span: Span) -> Span:
    piece = text[span.start - base : span.end - base]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    return Span(span.start + lead, span.end - trail)


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-furniture", vars())
