"""Cleaning: an article's text -> metadata (headline, byline, dateline) and the body.

Pure functions. Each line is classified: furniture (`furniture.py`), a headline, a byline
or a dateline, a footer and everything after it, a label, a duplicate; the rest is body.
Nothing in a kept line is rewritten, so every quote stays verbatim in the cleaned text.
"""

from __future__ import annotations

import re
from itertools import chain, pairwise

from ..digest import rule_settings
from ..records import CleanDoc, DocMeta, Span
from .dates import find_date
from .found import Found, merge, sources_of
from .furniture import TERMINAL, Line, body_spans, classify_line, has_credit, iter_lines
from .kept import fallback_title, kept_text
from .roles import CAPTION, HEADING, TABLE, Roles, role_key

__all__ = ["SETTINGS", "classify_line", "clean_document"]

# After one of these, the rest of the page is footer: bios, comments, promos, links.
_TAIL_MARKERS = re.compile(
    r"^(about the (writer|author)|add new comment|copyright\b|©|most popular|load more|"
    r"comments?$|related (stories|articles)$)",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^By\s+(?P<who>[^-–—|]{2,80}?)\s*(?:[-–—|]\s*(?P<rest>.*))?$")


_NON_WORD = re.compile(r"\W+")
_BRAND_SPLIT = re.compile(r"\s+(?:with|and|via)\s+")  # "The Jordan Times with AFP"
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
LABEL_MAX_WORDS = 5  # a line this short with no sentence end is a label or subhead
TITLE_MIN_WORDS, TITLE_MAX_WORDS = 3, 30  # a first line this long may be the headline
BYLINE_MAX_CHARS = 120
DATELINE_MAX_WORDS = 10  # "Updated 10:15 a.m. ET, Mon March 25, 2019" and no longer
DATELINE_MAX_CHARS = 120
_TERMINAL_SENTENCE = re.compile(r"[a-z]{3,}[.!?]$")  # a line ending a sentence is prose
HEADING_MAX_WORDS = 12  # a title-case line this short without a final stop is a heading
CAPTION_MAX_WORDS = 25  # a one-sentence line this short under a photo credit is its caption
_LIST_ITEM = re.compile(r"^(?:[-*•·▪]\s|\d{1,2}[.)]\s)")
# A lead that opens on its dateline: "April 17, 2015 -- ...", "LONDON, May 2 (Reuters) - ..."
_LEAD_DATELINE = re.compile(r"^([^.!?]{6,60}?\d{4}[^.!?]{0,20}?)\s+(?:--|—|–|-)\s+\S")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s+\S")  # "1. Finland": an item of a ranked list
_SENTENCE_STOP = re.compile(r"[.!?][\"”’')\]]*\s+\S")  # a stop with more text after it


def _norm(text: str) -> str:
    """Comparison key: case and punctuation ignored. Long lines (prose, never a headline)
    only fold case and spacing, which is all duplicate detection needs and far cheaper."""
    if len(text) > 300:
        return " ".join(text.casefold().split())
    return _NON_WORD.sub(" ", text.casefold()).strip()


def _brand(publisher: str | None) -> str | None:
    """ "The Jordan Times with AFP" -> "Jordan Times": the outlet's own name."""
    if not publisher:
        return None
    name = _BRAND_SPLIT.split(publisher)[0]
    name = _LEADING_THE.sub("", name).strip()
    return name if len(name) >= 3 else None


def _is_label(text: str) -> bool:
    """Short line with no sentence ending: section label, subhead or widget title."""
    return len(text.split(maxsplit=LABEL_MAX_WORDS)) <= LABEL_MAX_WORDS and not TERMINAL.search(
        text
    )


def _is_heading(text: str) -> bool:
    """A short title-case line without a final stop: "Where The Money Went"."""
    words = text.split(maxsplit=HEADING_MAX_WORDS)
    if len(words) > HEADING_MAX_WORDS or TERMINAL.search(text):
        return False
    long = [w for w in words if len(w) > 3 and w[0].isalpha()]
    return bool(long) and all(w[0].isupper() for w in long)


def _is_list_heading(text: str, after: str | None, roles: Roles) -> bool:
    """A short line ending in a colon that a list follows: "Tour dates:"."""
    if after is None or not text.endswith(":") or len(text.split()) > HEADING_MAX_WORDS:
        return False
    return bool(_LIST_ITEM.match(after)) or role_key(after) in roles


def _is_caption(text: str, sentences: int) -> bool:
    """Short, of at most `sentences` sentences: what a photo caption is. (A long line
    that ends in a credit is a paragraph that only loses the credit: `body_spans`.)"""
    limit = CAPTION_MAX_WORDS * sentences
    if len(text.split(maxsplit=limit)) > limit:
        return False
    return len(_SENTENCE_STOP.findall(text)) < sentences


def _looks_like_title(text: str) -> bool:
    words = len(text.split())
    return TITLE_MIN_WORDS <= words <= TITLE_MAX_WORDS and not text.endswith((".", ",", ";"))


class _Page:
    """One article's cleaning state: what has been found so far, line by line."""

    def __init__(
        self, brand: str | None, meta_title: str | None, roles: Roles, labels: bool = True
    ) -> None:
        self.brand, self.meta_title = brand, meta_title
        self.roles = roles  # what the reader knows of the page's structure (roles.py)
        self.captions = [k for k, role in roles.items() if role == CAPTION]
        self.labels = labels  # short lines without a sentence end are labels or headings
        self.title: str | None = None
        self.byline: str | None = None
        self.dateline: str | None = None
        self.paragraphs: list[tuple[Span, ...]] = []
        self.dropped: list[tuple[str, str]] = []
        self.context: list[tuple[int, str]] = []  # see CleanDoc.context
        self.seen: set[str] = set()
        self.in_tail = False
        self.key = ""  # the comparison key of the line just classified
        self.last_numbered = False  # the line before was an item of a numbered run
        self.last = ""  # why the line before was dropped ("" when it was body)

    def reason(self, text: str, after: str | None) -> str | None:
        """Why the line is not body text (noting a headline, byline or dateline), or None.
        `after` is the next line, for a heading that introduces a list."""
        reason: str | None = None
        if self.in_tail or _TAIL_MARKERS.match(text):
            self.in_tail, reason = True, "footer"
        elif self.meta_title and _norm(text) == self.meta_title:
            reason, self.title = "headline", self.title or text
        elif len(text) < BYLINE_MAX_CHARS and (m := _BYLINE.match(text)):
            reason, self.byline = "byline", self.byline or m.group("who").strip()
            self.dateline = self.dateline or find_date(m.group("rest") or "")
        elif self.roles and (role := self.roles.get(role_key(text))):
            reason = role  # the page's structure says: a heading, a caption, a table row
        elif (self.last == "photo credit" and _is_caption(text, 1)) or (
            has_credit(text) and _is_caption(text, 2)
        ):
            reason = "caption"  # sits right under a photo credit, or ends in one
        else:
            reason = classify_line(text, self.brand)
        first = not self.paragraphs and reason in (None, "timestamp", HEADING)
        if first and (day := _dateline(text)):
            reason, self.dateline = "dateline", self.dateline or day
        elif first and reason is None and (lead := _LEAD_DATELINE.match(text)):
            # "April 17, 2015 -- The board voted ...": the lead's dateline is the
            # article's own date; the sentence stays body.
            self.dateline = self.dateline or find_date(lead.group(1))
        if (
            reason in (None, HEADING)
            and first
            and self.title is None
            and self.meta_title is None
            and _looks_like_title(text)
        ):
            reason, self.title = "headline", text.lstrip("#").strip()  # "# Title" in Markdown
        numbered = bool(_NUMBERED.match(text)) and (
            self.last_numbered or bool(after and _NUMBERED.match(after))
        )
        self.last_numbered = numbered
        if numbered and reason in ("label", HEADING, None):
            reason = None  # "1. Finland" in a run of them: a ranked list is body
        elif reason is None and self.labels and _is_label(text):
            reason = "label"
        if (
            reason is None
            and not numbered
            and self.labels
            and (_is_heading(text) or _is_list_heading(text, after, self.roles))
            and not (after and _NUMBERED.match(after))  # "The top five were:" before "1. ..."
        ):
            reason = HEADING
        self.key = _norm(text) if reason is None else ""
        if reason is None and self.key in self.seen:
            reason = "duplicate"
        return reason

    def take(self, line: Line, after: str | None) -> None:
        line = self.uncaptioned(line)
        reason = self.reason(line.text, after)
        self.last = reason or ""
        if reason is not None:
            self.dropped.append((reason, line.text))
            if reason == HEADING:  # ranked with the paragraph below it
                self.context.append((len(self.paragraphs), line.text))
            elif reason == TABLE and self.paragraphs:  # ... with the one that introduces it
                self.context.append((len(self.paragraphs) - 1, line.text))
            return
        self.seen.add(self.key)
        spans = body_spans(line)
        if spans:
            self.paragraphs.append(tuple(spans))
        else:
            self.dropped.append(("photo credit", line.text))

    def uncaptioned(self, line: Line) -> Line:
        """The line without a caption glued to its start: the extractor joins a lead
        photo's caption to the paragraph after it ("Ruiz at the pier. Island Ferries...")."""
        if not self.captions:
            return line
        key = role_key(line.text)
        for caption in self.captions:
            if len(caption) < len(key) and key.startswith(caption):
                cut = _after_key_chars(line.text, len(caption))
                rest = line.text[cut:]
                lead = len(rest) - len(rest.lstrip())
                self.dropped.append((CAPTION, line.text[:cut].strip()))
                return Line(line.start + cut + lead, line.end, rest.strip())
        return line


def _after_key_chars(text: str, n: int) -> int:
    """The offset in `text` just past its first `n` key characters (role_key's), and
    past the punctuation that closes them ("...on Tuesday." -> after the stop)."""
    seen = 0
    for i, ch in enumerate(text):
        if piece := role_key(ch):
            seen += len(piece)  # "ß" folds to "ss": two key characters
            if seen >= n:
                end = i + 1
                while end < len(text) and not text[end].isspace() and not role_key(text[end]):
                    end += 1
                return end
    return len(text)


def clean_document(
    doc_id: int,
    name: str,
    raw: str,
    meta: DocMeta | None,
    decode_errors: int = 0,
    found: Found | None = None,
    roles: Roles | None = None,
    labels: bool = True,
) -> CleanDoc:
    """Split an article's text into metadata and body paragraphs; furniture is dropped.

    The body is returned as text of its own - the kept lines, a blank line between
    paragraphs - and every offset from here on points into it: it is what the bot
    indexes, quotes and shows (`python -m bot article`). A headline, a byline and a
    dateline found on the way fill in the metadata that `meta` (metadata.json) and
    `found` (the page's or front matter's) leave out. `roles` are the reader's: lines
    that the page's structure marks as headings, captions, link lists or table rows are
    never body. `labels=False` keeps short lines without a sentence end (our own guess
    that they are labels or headings): for a short page that would otherwise keep
    nothing."""
    found = found or Found()
    guess = found.guess or Found()
    brand = _brand((meta.publisher if meta else None) or found.publisher or guess.publisher)
    given_title = (meta.title if meta else None) or found.title or guess.title
    page = _Page(brand, _norm(given_title) if given_title else None, roles or {}, labels)
    for line, after in pairwise(chain(iter_lines(raw), [None])):
        assert line is not None  # only the sentinel, last, is None
        page.take(line, after.text if after else None)
    fallback = page.title or fallback_title(name, raw, page.paragraphs)
    own = Found(title=page.title, byline=page.byline, published=page.dateline).sourced(
        "the article's text (its headline, byline or dateline)"
    )
    # What the page declares, then the article's own lines, then the extractor's guesses.
    filled = found | own | guess
    merged = merge(name, meta, filled, fallback)
    origin = "the first words of the text" if page.paragraphs else "the file name"
    body, kept = kept_text(raw, page.paragraphs)
    return CleanDoc(
        doc_id=doc_id,
        meta=merged,
        sources=tuple(sources_of(merged, meta, filled, origin).items()),
        raw=body,
        paragraphs=kept,
        dropped=tuple(page.dropped),
        decode_errors=decode_errors,
        context=tuple(page.context),
    )


def _dateline(text: str) -> str | None:
    """The date of a short line that is mostly a date: "June 29, 2017", "Updated 3 May
    2019 10:15 ET", "Posted: 2019-03-23"."""
    # Length first: the sentence-end pattern, searched over a 40 KB run of letters, is
    # quadratic; a dateline is never that long.
    if len(text) > DATELINE_MAX_CHARS or len(text.split()) > DATELINE_MAX_WORDS:
        return None
    if _TERMINAL_SENTENCE.search(text):
        return None
    return find_date(text)


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-clean", vars())
