"""Sentences and passages.

Sentences come from nltk's Punkt with parameters built here, never downloaded: Punkt is
trained on (a sample of) the corpus itself for orthographic context, then given the
abbreviations news text uses. The parameters are saved in the index as JSON.

Passages follow paragraphs: short paragraphs merge with their neighbours, long ones split
between sentences, so BM25 compares passages of similar length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

# isort: split
from . import _nltk  # noqa: F401  (must run before any nltk import: see _nltk.py)

# isort: split
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer

from ..digest import rule_settings
from ..records import CleanDoc, Passage, Sentence, Span

# Lower-cased, without the final period, as Punkt stores them.
NEWS_ABBREVIATIONS: frozenset[str] = frozenset(
    """
    gen lt col brig maj sgt cpl pvt capt cmdr adm gov sen rep reps sens pres supt insp
    mr mrs ms dr prof rev st mt ft jr sr gens cols
    u.s u.n u.k e.u u.s.a d.c a.m p.m e.g i.e etc vs no nos dept est approx inc corp co ltd
    jan feb mar apr jun jul aug sep sept oct nov dec
    ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont
    neb nev okla ore pa tenn tex va vt wash wis wyo
    """.split()
)
# Words that stay abbreviations even before a capitalised word ("Col. Ryan Dillon").
_TITLE_ABBREVIATIONS = frozenset(
    "gen lt col brig maj sgt cpl pvt capt cmdr adm gov sen rep pres supt insp "
    "mr mrs ms dr prof rev st mt ft gens cols".split()
)
_TRAIN_CHARS = 400_000  # Punkt needs a sample (~60k words), not a million passages
TRAIN_PIECE_CHARS = 4_000  # ... taken in pieces no longer than this
MAX_SPLIT_CHARS = 20_000  # a paragraph longer than this is cut in pieces before Punkt

PASSAGE_MIN_WORDS = 40
PASSAGE_MAX_WORDS = 160


def train_punkt(texts: Iterable[str]) -> PunktParameters:
    """Punkt parameters learnt from `texts` plus the news abbreviations above."""
    sample: list[str] = []
    size = 0
    for text in texts:
        # In pieces of a few thousand characters: one giant paragraph timed out Punkt's
        # training regex (30 MB crashed every command; 15 MB took 34 s).
        for start, end in chunks(text, TRAIN_PIECE_CHARS):
            sample.append(text[start:end])
            size += end - start
            if size >= _TRAIN_CHARS:
                break
        if size >= _TRAIN_CHARS:
            break
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = False
    trainer.train("\n\n".join(sample), finalize=True)
    params = trainer.get_params()
    params.abbrev_types.update(NEWS_ABBREVIATIONS)
    return params


def punkt_to_json(params: PunktParameters) -> dict[str, Any]:
    return {
        "abbrev_types": sorted(params.abbrev_types),
        "collocations": sorted([a, b] for a, b in params.collocations),
        "sent_starters": sorted(params.sent_starters),
        "ortho_context": dict(sorted(params.ortho_context.items())),
    }


def punkt_from_json(data: dict[str, Any]) -> PunktParameters:
    params = PunktParameters()
    params.abbrev_types = set(data["abbrev_types"])
    params.collocations = {(a, b) for a, b in data["collocations"]}
    params.sent_starters = set(data["sent_starters"])
    for word, flags in data["ortho_context"].items():
        params.ortho_context[word] = int(flags)
    return params


_MAY_END = re.compile(r"[.?!]")


class SentenceSplitter:
    """Punkt over spans of a document, returning spans (offsets into the same text)."""

    def __init__(self, params: PunktParameters) -> None:
        self._punkt = PunktSentenceTokenizer(params)

    def split(self, raw: str, span: Span) -> list[Span]:
        if span.end - span.start > MAX_SPLIT_CHARS:  # a giant paragraph: split it first
            return [
                piece
                for lo, hi in chunks(raw[span.start : span.end], MAX_SPLIT_CHARS)
                for piece in self.split(raw, Span(span.start + lo, span.start + hi))
            ]
        text = raw[span.start : span.end]
        if not _MAY_END.search(text):  # no ".", "?" or "!": Punkt would return it whole
            return [span]
        pieces: list[tuple[int, int]] = []
        for start, end in self._punkt.span_tokenize(text):
            pieces.extend(_split_after_place_abbrev(text, start, end))
        return [Span(span.start + s, span.start + e) for s, e in _join_open_quotes(text, pieces)]


def chunks(text: str, size: int) -> list[tuple[int, int]]:
    """[start, end) pieces of `text` of at most about `size` characters, cut after a
    sentence end when there is one in the last quarter of a piece, else at a space.
    Pieces keep their surrounding whitespace out."""
    out: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while pos < n:
        end = min(pos + size, n)
        if end < n:
            window = text[pos + size * 3 // 4 : end]
            cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
            if cut >= 0:
                end = pos + size * 3 // 4 + cut + 1
            elif (space := text.rfind(" ", pos + 1, end)) > pos:
                end = space
        lo, hi = pos, end
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if hi > lo:
            out.append((lo, hi))
        pos = end
    return out


_QUOTE_CHARS = ("“", "”", '"')
MAX_QUOTE_SENTENCES = 4


def _join_open_quotes(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep a quotation with its attribution: “You guys can have the map. Congratulations.
    Just spread it around,” Trump told reporters. -> one sentence, not three. A sentence
    with an odd number of quote marks is joined to the next ones until the marks pair up
    (at most MAX_QUOTE_SENTENCES, since paragraphs of a long quote often never close it)."""
    out: list[tuple[int, int]] = []
    marks_so_far = 0
    joined = 0
    for start, end in pieces:
        marks = sum(text.count(q, start, end) for q in _QUOTE_CHARS)
        if out and marks_so_far % 2 == 1 and joined < MAX_QUOTE_SENTENCES:
            out[-1] = (out[-1][0], end)
            marks_so_far += marks
            joined += 1
        else:
            out.append((start, end))
            marks_so_far = marks
            joined = 1
    return out


# "... in West Palm Beach, Fla. “There’s ISIS ..." - Punkt keeps a known abbreviation
# joined to the next word; an abbreviation that is not a title, followed by an opening
# quotation mark, does end the sentence.
_PLACE_ABBREV_THEN_QUOTE = re.compile(r"\b([A-Za-z][a-z]{1,4})\.\s+(?=[“\"][A-Z])")


def _split_after_place_abbrev(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if "“" not in text[start:end] and '"' not in text[start:end]:
        return [(start, end)]  # no opening quote: nothing to do (the common case)
    pieces: list[tuple[int, int]] = []
    pos = start
    for m in _PLACE_ABBREV_THEN_QUOTE.finditer(text, start, end):
        word = m.group(1).lower()
        if word in NEWS_ABBREVIATIONS and word not in _TITLE_ABBREVIATIONS:
            pieces.append((pos, m.start(1) + len(m.group(1)) + 1))
            pos = m.end()
    pieces.append((pos, end))
    return [p for p in pieces if p[1] > p[0]]


def collapse(text: str) -> str:
    """Collapse every whitespace run (including NBSP) to one space: the only edit quotes get."""
    return " ".join(text.split())


def segment(
    docs: Sequence[CleanDoc], splitter: SentenceSplitter
) -> tuple[list[Passage], list[Sentence]]:
    """Cut documents into passages and sentences with global ids, in document order."""
    passages: list[Passage] = []
    sentences: list[Sentence] = []
    for doc in docs:
        ps, ss = segment_document(doc, splitter, len(passages), len(sentences))
        passages.extend(ps)
        sentences.extend(ss)
    return passages, sentences


def segment_document(
    doc: CleanDoc, splitter: SentenceSplitter, first_passage: int, first_sentence: int
) -> tuple[list[Passage], list[Sentence]]:
    """One document's passages and sentences, numbered from the given ids (streaming)."""
    passages: list[Passage] = []
    sentences: list[Sentence] = []
    raw = doc.raw
    context: dict[int, list[str]] = {}
    for index, line in doc.context:
        context.setdefault(index, []).append(line)
    paras: list[list[_Piece]] = []
    for index, para in enumerate(doc.paragraphs):
        pieces = []
        for span in para:
            for sp in splitter.split(raw, span):
                words = raw[sp.start : sp.end].split()  # split once: count and quote text
                pieces.append(_Piece(sp, len(words), " ".join(words)))
        if pieces:
            if index in context:  # the paragraph's context goes with its first sentence
                pieces[0] = pieces[0]._replace(context=" ".join(context[index]))
            paras.append(pieces)
    for group in _group_paragraphs(paras):
        pid = first_passage + len(passages)
        first = first_sentence + len(sentences)
        for piece in group:
            sp = piece.span
            sid = first_sentence + len(sentences)
            sentences.append(Sentence(sid, doc.doc_id, pid, sp.start, sp.end, piece.text))
        passages.append(
            Passage(
                pid,
                doc.doc_id,
                group[0].span.start,
                group[-1].span.end,
                first,
                first_sentence + len(sentences),
                " ".join(p.context for p in group if p.context),
            )
        )
    return passages, sentences


class _Piece(NamedTuple):
    """A sentence span with its word count and collapsed text, computed once."""

    span: Span
    words: int
    text: str
    context: str = ""  # its paragraph's context lines (CleanDoc.context)


def _group_paragraphs(paras: list[list[_Piece]]) -> list[list[_Piece]]:
    """Merge short paragraphs forward, split long ones between sentences."""
    groups: list[list[_Piece]] = []
    sizes: list[int] = []
    current: list[_Piece] = []
    size = 0
    for para in paras:
        for chunk in _split_long(para):
            n = sum(p.words for p in chunk)
            if current and size + n > PASSAGE_MAX_WORDS:
                groups.append(current)  # short, but merging would make it too long
                sizes.append(size)
                current, size = [], 0
            current.extend(chunk)
            size += n
            if size >= PASSAGE_MIN_WORDS:
                groups.append(current)
                sizes.append(size)
                current, size = [], 0
    if current:  # a short tail joins the previous passage unless that would be too long
        if groups and sizes[-1] + size <= PASSAGE_MAX_WORDS:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return groups


def _split_long(para: list[_Piece]) -> list[list[_Piece]]:
    if sum(p.words for p in para) <= PASSAGE_MAX_WORDS:
        return [para]
    chunks: list[list[_Piece]] = [[]]
    size = 0
    for piece in para:
        if chunks[-1] and size + piece.words > PASSAGE_MAX_WORDS:
            chunks.append([])
            size = 0
        chunks[-1].append(piece)
        size += piece.words
    return chunks


# Recorded in the index: changing any rule constant above makes old indexes stale.
SETTINGS = rule_settings("newsqa-segment", vars())
