"""Small frozen records passed between pipeline stages.

Offsets are character offsets into an article's *text as the bot extracted it*
(`CleanDoc.raw`: the decoded file, or the main text of a web page or Markdown file, with
furniture lines removed and a blank line between paragraphs - what `python -m bot
article` shows), so any quote can be traced back to the exact place it came from; `text`
fields are that span with whitespace collapsed, the only change ever made to quoted words.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocMeta:
    """What we know about an article: from `corpus/metadata.json`, else from its text."""

    doc: str  # file name inside the corpus folder, e.g. "000_d41144c76e998c39.txt"
    title: str
    publisher: str | None = None
    published: str | None = None  # ISO date, possibly partial: "2017", "2017-06", "2017-06-29"
    byline: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) in a document's decoded text."""

    start: int
    end: int


@dataclass(frozen=True)
class CleanDoc:
    """An article after cleaning: its metadata plus the body paragraphs worth indexing."""

    doc_id: int
    meta: DocMeta
    raw: str  # the article's cleaned text (see the module docstring); offsets point into it
    paragraphs: tuple[tuple[Span, ...], ...]  # each paragraph is one or more body spans
    dropped: tuple[tuple[str, str], ...] = ()  # (reason, line) pairs: why lines were cut
    decode_errors: int = 0
    # (paragraph index, line): lines never quoted that are still words of a paragraph's
    # passage for ranking - a heading with the paragraph below it ("Battery life" above
    # one on hours), a table row with the paragraph above it (which introduces the table)
    context: tuple[tuple[int, str], ...] = ()
    # (field, where it came from): "og:title", "metadata.json", "the article's dateline"
    sources: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Sentence:
    sent_id: int
    doc_id: int
    passage_id: int
    start: int
    end: int
    text: str  # raw[start:end] with whitespace collapsed


@dataclass(frozen=True)
class Passage:
    passage_id: int
    doc_id: int
    start: int
    end: int
    first_sent: int  # sentence ids [first_sent, last_sent) belong to this passage
    last_sent: int
    context: str = ""  # its paragraphs' context lines (CleanDoc.context): ranked, never quoted


@dataclass(frozen=True)
class Quote:
    text: str
    citation: int  # 1-based number into Answer.sources
    doc: str
    score: float
    start: int
    end: int
    passage_id: int
    sent_ids: tuple[int, ...]
    matched: tuple[str, ...] = ()  # surface words of the question found in the quote


@dataclass(frozen=True)
class Source:
    citation: int
    doc: str
    title: str
    publisher: str | None
    published: str | None  # partial ISO as in DocMeta
    url: str | None = None  # the article's own http(s) address, when it gives one


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    message: str | None
    quotes: tuple[Quote, ...] = ()
    sources: tuple[Source, ...] = ()
    resolved_question: str | None = None  # set when a follow-up borrowed earlier context
    timings_ms: dict[str, float] = field(default_factory=dict, compare=False)
    small_talk: bool = False  # "thanks", "hello": a friendly `message`, no turn, no search
