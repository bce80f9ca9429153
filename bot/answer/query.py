"""The question side of answering: validating it, its content terms and their weights,
which of them are names, and the kind of answer it asks for (a number, a date, a name).

Pure functions over the question text, plus the `Engine` lookups for term weights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QuestionError
from ..index.engine import Engine
from ..ingest import tokens
from .expand import synonyms

MAX_QUESTION_CHARS = 2000
MAX_TOP = 10
DEFAULT_TOP = 3


@dataclass(frozen=True)
class QueryTerm:
    stem: str
    surface: str
    weight: float
    alternatives: frozenset[str]  # synonyms that also count, with SYNONYM_CREDIT
    carried: bool = False
    entity: bool = False  # written with a capital inside the question: a name
    known: bool = True  # the corpus uses the word or one of its synonyms


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
    acronym, is a name."""
    if len(word) > 1 and word.isupper():
        return True
    if word[:1].islower() and not any(part[:1].isupper() for part in word.split("-")):
        return False
    return not question.lstrip(" \"'“‘(").startswith(word)


def validate(question: str) -> str:
    q = question.strip()
    if not q:
        raise QuestionError("empty question: ask something about the articles")
    if len(q) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"question too long ({len(q):,} characters; the limit is {MAX_QUESTION_CHARS:,})"
        )
    return q


def weigh(
    engine: Engine, question: str, stems: list[str], surfaces: list[str], carried: list[str]
) -> list[QueryTerm]:
    terms = []
    for stem, surface in zip(stems, surfaces, strict=True):
        alts = frozenset(a for a in synonyms(stem) if engine.knows(a))
        terms.append(
            QueryTerm(
                stem,
                surface,
                engine.sentence_idf(stem),
                alts,
                entity=is_entity(question, surface),
                known=engine.knows(stem) or bool(alts),
            )
        )
    for stem in carried:
        terms.append(QueryTerm(stem, stem, engine.sentence_idf(stem), frozenset(), True))
    return terms


_NUMBER = (
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|"
    r"thousands?|millions?)\b"
)
_DATE = (
    r"\b(1[89]\d\d|20\d\d|January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"yesterday|today|ago|last (week|month|year)|century|decade)\b"
)
_TYPES = (
    (
        re.compile(r"^\s*how (many|much)|\bnumber of\b|\bhow (big|large|long|old|far)\b", re.I),
        _NUMBER,
    ),
    (re.compile(r"^\s*(when|what (year|day|date|month|time))\b|\bsince when\b", re.I), _DATE),
    (re.compile(r"^\s*(who|whom|whose)\b", re.I), r"\b[A-Z][a-z]+ [A-Z][a-z]+"),
    (re.compile(r"^\s*where\b", re.I), r"\b(in|at|near|from|to) (the )?[A-Z][a-z]+"),
)


def answer_type(question: str) -> re.Pattern[str] | None:
    for cue, pattern in _TYPES:
        if cue.search(question):
            # Names and places are told by their capitals; numbers and dates are not.
            return re.compile(pattern, 0 if "A-Z" in pattern else re.IGNORECASE)
    return None
