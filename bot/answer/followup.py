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
# Small words that may sit inside a name: "Grand al Nuri", "Abu Bakr al-Baghdadi".
_NAME_PARTICLES = frozenset("al el bin ibn de del der la le van von da di of the".split())
_CAPITALISED = re.compile(r"^[A-Z0-9][\w'’.-]*$")
_WORD = re.compile(r"[\w'’.-]+")
_PLACE_WORDS = frozenset("in into at near from to across inside outside".split())


@dataclass(frozen=True)
class Turn:
    """One answered (or declined) question, as conversation memory keeps it."""

    question: str  # as the user typed it
    resolved: str  # the standalone question that was searched
    subject: str | None  # the name later pronouns stand for
    place: str | None = None  # the place "there" stands for
    answered: bool = False
    at: float = 0.0  # time.monotonic() when asked


def _names(text: str) -> list[tuple[int, str, str]]:
    """Runs of capitalised words (with particles inside) as (length, name, word before).
    A run that opens a sentence loses its first word when that is a stopword ("Who",
    "Tell"). "the Grand al Nuri mosque": a run after "the" takes the noun that follows."""
    words = [(m.group(), m.start()) for m in _WORD.finditer(text)]
    out: list[tuple[int, str, str]] = []
    i = 0
    while i < len(words):
        if not _CAPITALISED.match(words[i][0]):
            i += 1
            continue
        j = i + 1
        while j < len(words):
            if _CAPITALISED.match(words[j][0]):
                j += 1
            elif (
                words[j][0].lower() in _NAME_PARTICLES
                and j + 1 < len(words)
                and _CAPITALISED.match(words[j + 1][0])
            ):
                j += 2
            else:
                break
        run = [w for w, _ in words[i:j]]
        opener = i == 0 or text[: words[i][1]].rstrip().endswith((".", "?", "!", ":", '"', "“"))
        if opener and tokens.term(run[0]) == "":  # "Who", "Tell", "When" open it
            run = run[1:]
        before = words[i - 1][0].lower() if i > 0 else ""
        if run and before == "the" and j < len(words) and not "".join(run).isupper():
            noun = words[j][0].rstrip(".'’")
            if noun.isalpha() and noun.islower() and tokens.term(noun):
                run = ["the", *run, noun]
        name = " ".join(run).strip("'’")
        if not _ACRONYM_DOTS.search(name):  # "U.S." keeps its last dot; "Raqqa." does not
            name = name.strip(".")
        if name:
            out.append((len(run), name, before))
        i = j
    return out


_ACRONYM_DOTS = re.compile(r"(?:\b[A-Za-z]\.){2,}$")


def names_in(text: str) -> list[str]:
    """Every name `text` holds ("the Grand al Nuri mosque", "Mustafa Bali", "SDF")."""
    return [name for _, name, _ in _names(text)]


def main_name(text: str) -> str | None:
    """The longest name in `text` (the first of equally long ones), or None."""
    names = _names(text)
    return max(names, key=lambda n: n[0])[1] if names else None


def place_name(text: str) -> str | None:
    """A name after "in", "into", "at", "near", "from" or "to": what "there" points to."""
    places = [n for n in _names(text) if n[2] in _PLACE_WORDS]
    return places[-1][1] if places else None


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
