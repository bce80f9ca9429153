"""The question side of answering: validating it, its content terms and their weights,
which of them are names, and the kind of answer it asks for (`kinds.py`).

Pure functions over the question text, plus the `Lexicon` lookups for term weights.
There is no hand-written synonym table: one helps only the corpus it was written for and
misleads others (docs/quality.md); general English synonyms come from the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import QuestionError
from ..ingest import tokens
from ..retrieval import Lexicon
from .kinds import answer_kind, asked_for
from .names import names_in
from .settings import MAX_QUESTION_CHARS

NO_WORDS = "the question has no searchable words (only stopwords or symbols)"


@dataclass(frozen=True)
class QueryTerm:
    stem: str
    surface: str  # the question's word ("al-Baghdadi" for "al")
    weight: float  # sentence-level IDF: always positive; unknown words weigh most
    entity: bool = False  # written with a capital inside the question: a name
    known: bool = True  # the corpus uses the word
    in_name: bool = False  # part of a name phrase ("al", "mosque" in "the Grand al Nuri mosque")


@dataclass(frozen=True)
class Query:
    """The question as every later stage reads it: worked out once (`analyze`), never
    recomputed from the text downstream."""

    text: str  # the question as searched (after any spelling correction)
    terms: tuple[QueryTerm, ...]
    answer_type: re.Pattern[str] | None  # what a quote is searched with for the answer
    # A number or a date is asked for (of any kind: "How long ...?" is not answered by a
    # quote without a number, though a date range answers it): what a later quote must hold.
    needs: re.Pattern[str] | None = None
    counted: str | None = None  # "How many fighters ...": the stem a number must count
    # The words that name the kind of answer ("wide" in "How wide is Titan?", "cost" in
    # "How much does it cost?", "score"): a quote holding that kind has answered them.
    cue: frozenset[str] = frozenset()
    # The kind of answer asked for ("number", "date", "name"...: kinds.answer_kind), and
    # the stems of each name the question holds ("Cany Ash", "Robert Sakula").
    kind: str | None = None
    names: tuple[frozenset[str], ...] = ()

    @property
    def total(self) -> float:
        return sum(t.weight for t in self.terms) or 1.0


def question_stems(question: str) -> tuple[list[str], list[str]]:
    """Unique content stems of the question, in order, with the word each came from.
    The word is the whole whitespace-delimited word ("al-Baghdadi" for "al")."""
    stems: list[str] = []
    surfaces: list[str] = []
    for stem, start, end in tokens.spans(question):
        if stem not in stems:
            stems.append(stem)
            lo = question.rfind(" ", 0, start) + 1
            hi = question.find(" ", end)
            word = question[lo : hi if hi >= 0 else len(question)]
            surfaces.append(word.strip("?!.,;:\"'“”‘’()"))
    return stems, surfaces


def is_entity(question: str, word: str) -> bool:
    """A word written with a capital (not just because it opens the question), or an
    acronym, is a name. A number is not: a year the corpus never uses is a word to
    weigh, not a subject the articles never mention."""
    if not word[:1].isalpha():
        return False
    if len(word) > 1 and word.isupper():
        return True
    if word[:1].islower() and not any(part[:1].isupper() for part in word.split("-")):
        return False
    return not _opens(question, word)


def _opens(question: str, word: str) -> bool:
    return question.lstrip(" \"'“‘(").startswith(word)


def _term(
    lexicon: Lexicon, question: str, stem: str, surface: str, name_words: frozenset[str]
) -> QueryTerm:
    return QueryTerm(
        stem,
        surface,
        lexicon.sentence_idf(stem),
        entity=is_entity(question, surface),
        known=lexicon.knows(stem),
        in_name=stem in name_words,
    )


def validate(question: str, max_chars: int = MAX_QUESTION_CHARS) -> str:
    q = question.strip()
    if not q:
        raise QuestionError("empty question: ask something about the articles")
    if len(q) > max_chars:
        raise QuestionError(
            f"question too long ({len(q):,} characters; the limit is {max_chars:,})"
        )
    if not tokens.has_word(q):
        raise QuestionError(NO_WORDS)
    return q


@lru_cache(maxsize=4096)
def name_groups(question: str) -> tuple[frozenset[str], ...]:
    """The words of each name the question holds ("Cany Ash", "Robert Sakula")."""
    groups = (frozenset(tokens.analyze(name)) for name in names_in(question))
    return tuple(g for g in groups if g)


def analyze(lexicon: Lexicon, question: str) -> Query:
    """The question's content terms, weighted by how rare they are in the corpus."""
    stems, surfaces = question_stems(question)
    names = name_groups(question)
    name_words = frozenset().union(*names)
    terms = tuple(
        _term(lexicon, question, stem, surface, name_words)
        for stem, surface in zip(stems, surfaces, strict=True)
    )
    kind, needs, cue = asked_for(question)
    counted = _HOW_MANY.search(question)
    noun = next(iter(tokens.analyze(counted.group(1))), None) if counted else None
    return Query(
        question, terms, kind, needs, noun, cue, answer_kind(kind) if kind else None, names
    )


_HOW_MANY = re.compile(r"\bhow many\s+([^\W\d_]+)", re.IGNORECASE)
