"""Follow-up questions, rewritten into questions that stand alone.

Pure functions over the question and the earlier turns. A follow-up is rewritten by
putting in the conversation's subject - the main name of the previous question, or else
of its best quote - so what is searched, what `Answer.resolved_question` holds and what
the chat shows ("read as: ...") are one and the same string:

    "Who is Mustafa Bali?"             then "Who does he speak for?"
                                         ->  "Who does Mustafa Bali speak for?"
    "How many fighters remain in Mosul?" then "And in Raqqa?"
                                         ->  "How many fighters remain in Raqqa?"
    "Who destroyed the mosque?"        then "When?"
                                         ->  "When? (Who destroyed the mosque?)"

A question that names its own subject stands alone and is never mixed with earlier turns,
unless a pronoun comes before that name ("What did he say about ISIS?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..ingest import tokens
from .names import main_name, place_name

# Pronouns that point back, and the form the subject takes in their place. "that"/"this"
# are left out: they are mostly determiners or conjunctions in questions.
_PRONOUNS = {
    **dict.fromkeys(("he", "she", "it", "they", "him", "her", "them"), "{}"),
    **dict.fromkeys(("his", "its", "their", "hers", "theirs"), "{}'s"),
    "there": "in {}",
}
_PRONOUN = re.compile(r"\b(" + "|".join(_PRONOUNS) + r")\b", re.IGNORECASE)
_EXISTENTIAL_THERE = re.compile(
    r"\bthere\s+(is|are|was|were|be|been|has|have|had)\b|\b(is|are|was|were)\s+there\b", re.I
)
_ELLIPSIS = re.compile(r"^\s*(and|but|also|so|what about|how about|and what about)\b\W*", re.I)


@dataclass(frozen=True)
class Turn:
    """One answered (or declined) question, as conversation memory keeps it."""

    question: str  # as the user typed it
    resolved: str  # the standalone question that was searched
    subject: str | None  # the name later pronouns stand for
    place: str | None = None  # the place "there" stands for
    answered: bool = False
    at: float = 0.0  # time.monotonic() when asked


def _first_name_at(question: str) -> int | None:
    name = main_name(question)
    return question.find(name.split()[0]) if name else None


def rewrite(question: str, history: Sequence[Turn]) -> str | None:
    """The standalone form of a follow-up, or None when the question stands alone."""
    if not history:
        return None
    prev = history[-1]
    ellipsis = _ELLIPSIS.match(question)
    if ellipsis:
        rest = question[ellipsis.end() :].strip()
        new = main_name(rest)
        old = main_name(prev.resolved)
        if new and old and old in prev.resolved:
            return prev.resolved.replace(old, new, 1)
        if rest:
            return f"{rest.rstrip(' ?')} ({prev.resolved})"
        return None
    scan = _EXISTENTIAL_THERE.sub(lambda m: "\0" * len(m.group()), question)
    pronoun = _PRONOUN.search(scan)
    named_at = _first_name_at(question)
    if named_at is not None and (pronoun is None or pronoun.start() > named_at):
        # It names its own subject, and any pronoun comes after the name and points to
        # it ("Why did Trump change his mind?"): the question stands alone.
        return None
    word = pronoun.group().lower() if pronoun else ""
    target = (prev.place or prev.subject) if word == "there" else prev.subject
    if pronoun and target:
        form = _PRONOUNS[word].format(target)
        return question[: pronoun.start()] + form + question[pronoun.end() :]
    if len(set(tokens.analyze(question))) <= 1 or pronoun:
        # "When?", "Why?", "Who else?": the previous question supplies what it is about.
        return f"{question.rstrip()} ({prev.resolved})"
    return None


def subject_of(resolved: str, best_quote: str | None) -> tuple[str | None, str | None]:
    """The name a later pronoun stands for (the question's main name, else its best
    quote's) and the place a later "there" stands for."""
    subject = main_name(resolved) or (main_name(best_quote) if best_quote else None)
    place = place_name(resolved) or (place_name(best_quote) if best_quote else None)
    return subject, place
