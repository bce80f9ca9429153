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
unless a pronoun comes before that name ("What did he say about ISIS?"). A rewrite never
nests: "When?" after "Why? (Q)" is "When? (Q)". A declined turn lends nothing. "he" and
"she" take a person, "it" a thing, "there" a place; a word that is not a question
("clear") is no follow-up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..ingest import tokens
from .names import PLACE_WORDS, main_name, names_with_context, person_name, place_name, thing_name

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
    subject: str | None  # the name "they" and, when nothing else fits, "it" stand for
    place: str | None = None  # the place "there" stands for
    answered: bool = False
    at: float = 0.0  # time.monotonic() when asked
    person: str | None = None  # the person "he", "she", "his", "her" stand for
    thing: str | None = None  # the thing "it" and "its" stand for

    @property
    def base(self) -> str:
        """The standalone question a bare follow-up attaches to: "When? (Q)" -> "Q"."""
        m = _WRAPPED.match(self.resolved)
        return m.group(1) if m else self.resolved


_WRAPPED = re.compile(r"^[^()]*\((.*)\)$")
_PERSON = frozenset("he she him her his hers".split())
_THING = frozenset(("it", "its"))
_QUESTION_WORD = re.compile(r"^\W*(who|whom|whose|what|when|where|why|how|which)\b", re.I)


def _first_name_at(question: str) -> int | None:
    name = main_name(question)
    return question.find(name.split()[0]) if name else None


def rewrite(question: str, history: Sequence[Turn]) -> str | None:
    """The standalone form of a follow-up, or None when the question stands alone."""
    answered = [t for t in history if t.answered]  # a declined turn lends no subject
    if not answered or not _is_question(question):
        return None
    prev = answered[-1]
    ellipsis = _ELLIPSIS.match(question)
    if ellipsis:
        return _ellipsis(question[ellipsis.end() :].strip(), prev)
    scan = _EXISTENTIAL_THERE.sub(lambda m: "\0" * len(m.group()), question)
    pronoun = _PRONOUN.search(scan)
    named_at = _first_name_at(question)
    if named_at is not None and (pronoun is None or pronoun.start() > named_at):
        # It names its own subject, and any pronoun comes after the name and points to
        # it ("Why did Trump change his mind?"): the question stands alone.
        return None
    word = pronoun.group().lower() if pronoun else ""
    target = _target(word, prev)
    if pronoun and target:
        form = _PRONOUNS[word].format(target)
        return question[: pronoun.start()] + form + question[pronoun.end() :]
    if len(set(tokens.analyze(question))) <= 1 or pronoun:
        # "When?", "Why?", "Who else?": the previous question supplies what it is about.
        return f"{question.rstrip()} ({prev.base})"
    return None


def _is_question(text: str) -> bool:
    """ "clear", "thanks", "Baghdadi": a word or two without a question mark or a question
    word is not a turn of the conversation."""
    t = text.strip()
    return t.endswith("?") or bool(_QUESTION_WORD.match(t)) or len(t.split()) > 2


def _target(word: str, prev: Turn) -> str | None:
    if word == "there":
        return prev.place or prev.subject
    if word in _PERSON:
        return prev.person
    if word in _THING:
        return prev.thing or (prev.subject if prev.subject != prev.person else None)
    return prev.subject


def _ellipsis(rest: str, prev: Turn) -> str | None:
    """ "And in Raqqa?": the new name takes the place of the previous question's topic
    (its last name after "in", "about", ...), else of its main name."""
    new = main_name(rest)
    base = prev.base
    topics = [(name, before) for name, before in names_with_context(base) if before in _TOPIC]
    old, before = topics[-1] if topics else (main_name(base), "")
    if new and old and old in base:
        if before == "the" or f"the {old}" in base:
            return base.replace(f"the {old}", new, 1)
        return base.replace(old, new, 1)
    if rest:
        return f"{rest.rstrip(' ?')} ({base})"
    return None


_TOPIC = PLACE_WORDS | {"about", "of", "on", "for", "against", "over", "the"}


@dataclass(frozen=True)
class Subjects:
    """What later pronouns may stand for, from one turn."""

    subject: str | None
    place: str | None
    person: str | None
    thing: str | None


def subject_of(resolved: str, best_quote: str | None) -> Subjects:
    """The names later pronouns stand for: the question's own, else its best quote's."""
    base = _WRAPPED.match(resolved)
    text = base.group(1) if base else resolved
    quote = best_quote or ""
    return Subjects(
        subject=main_name(text) or main_name(quote),
        place=place_name(text) or place_name(quote),
        person=person_name(text) or person_name(quote),
        thing=thing_name(text),
    )
