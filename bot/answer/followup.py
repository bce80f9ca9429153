"""Follow-up questions, rewritten into questions that stand alone.

Pure functions over the question, the earlier turns and an agreement test (`Agrees`:
whether a pronoun of a kind may stand for a name; referents.py asks the corpus). What is
searched, what `Answer.resolved_question` holds and what the chat shows ("read as: ...")
are one and the same string:

    "Who is Mustafa Bali?"               then "Who does he speak for?"
                                           ->  "Who does Mustafa Bali speak for?"
    "When did Tesla depart Graz?"        then "What year did he die?"
                                           ->  "What year did Tesla die?" (never "December
                                               1878": no pronoun stands for a date)
    "How many water main breaks were there?" then "And potholes?"
                                           ->  "How many potholes were there?"
    "Who destroyed the mosque?"          then "When?"
                                           ->  "When? (Who destroyed the mosque?)"

Agreement: "he/she/his/her" stand for a person, "it/its" for a thing, a place or an
organisation, "they/their" for a group; never a date, a number or a month. Salience: a
conversation keeps a short stack of what its turns were about - each question's own
names first, then, when the question asked for one ("Who hired Tesla?"), its answer's -
most recent turn first. `rewrite` returns one reading per antecedent that agrees, most
salient first (at most MAX_READINGS); the answer stage keeps the one whose best
candidate has the most evidence. A question that names its own subject stands alone; a
rewrite never nests; a declined turn lends nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..ingest import tokens
from .names import PLACE_WORDS, main_name, names_with_context, place_name
from .referents import GROUP, HE, SHE, THING, is_date_or_number

Agrees = Callable[[str, str], bool]  # (kind, name) -> may a pronoun of that kind stand for it
MAX_READINGS = 3
STACK_TURNS = 3  # turns whose entities stay on the stack

_KIND = {
    **dict.fromkeys(("he", "him", "his"), HE),
    **dict.fromkeys(("she", "her", "hers"), SHE),
    **dict.fromkeys(("it", "its"), THING),
    **dict.fromkeys(("they", "them", "their", "theirs"), GROUP),
}
_POSSESSIVE = frozenset(("his", "its", "their", "hers", "theirs"))
_PRONOUN = re.compile(r"\b(" + "|".join([*_KIND, "there"]) + r")\b", re.IGNORECASE)
_EXISTENTIAL_THERE = re.compile(
    r"\bthere\s+(is|are|was|were|be|been|has|have|had)\b|\b(is|are|was|were)\s+there\b", re.I
)
_ELLIPSIS = re.compile(r"^\s*(and what about|what about|how about|and|but|also|so)\b\W*", re.I)
_QUESTION_WORD = re.compile(r"^\W*(who|whom|whose|what|when|where|why|how|which)\b", re.I)
_WRAPPED = re.compile(r"^[^()]*\((.*)\)$")
# Words after "her" that show it is an object, not a possessive ("gave her to", "her?").
_AFTER_OBJECT = frozenset("to in on at for with from by about and or as than after before".split())


def guess_agrees(kind: str, name: str) -> bool:
    """Agreement from the name's form alone (no corpus at hand): see referents.Kinds."""
    from .referents import Kinds

    return Kinds().agrees(kind, name)


@dataclass(frozen=True)
class Turn:
    """One answered (or declined) question, as conversation memory keeps it."""

    question: str  # as the user typed it
    resolved: str  # the standalone question that was searched
    answered: bool = False
    at: float = 0.0  # time.monotonic() when asked
    entities: tuple[str, ...] = ()  # what later pronouns may stand for, most salient first
    place: str | None = None  # what "there" stands for

    @property
    def base(self) -> str:
        """The standalone question a bare follow-up attaches to: "When? (Q)" -> "Q"."""
        m = _WRAPPED.match(self.resolved)
        return m.group(1) if m else self.resolved


def rewrite(question: str, history: Sequence[Turn], agrees: Agrees = guess_agrees) -> list[str]:
    """The standalone readings of a follow-up, most salient first; [] when the question
    stands alone (or is no question: "thanks")."""
    answered = [t for t in history if t.answered]  # a declined turn lends no subject
    if not answered or not _is_question(question):
        return []
    prev = answered[-1]
    ellipsis = _ELLIPSIS.match(question)
    if ellipsis and not _QUESTION_WORD.match(question[ellipsis.end() :]):
        made = _ellipsis(question[ellipsis.end() :].strip(), prev)
        return [made] if made else []
    own, pronoun = _pointing_back(question)
    if own:
        return []  # it names its own subject
    if pronoun is None:
        if len(set(tokens.analyze(question))) <= 1:
            # "When?", "Why?", "Who else?": the previous question supplies what it is about.
            return [f"{question.rstrip()} ({prev.base})"]
        return []
    word = pronoun.group().lower()
    if word == "there":
        place = prev.place
        return [_put(question, pronoun, f"in {place}")] if place else []
    kind = _KIND[word]
    possessive = word in _POSSESSIVE or (word == "her" and _her_is_possessive(question, pronoun))
    out = []
    for name in stack(answered):
        if agrees(kind, name):
            out.append(_put(question, pronoun, _possessive(name, kind) if possessive else name))
        if len(out) == MAX_READINGS:
            break
    return out


def _pointing_back(question: str) -> tuple[bool, re.Match[str] | None]:
    """(whether the question names its own subject first - "Why did Trump change his
    mind?" -, the pronoun that points back to the conversation or None)."""
    scan = _EXISTENTIAL_THERE.sub(lambda m: "\0" * len(m.group()), question)
    pronoun = _PRONOUN.search(scan)
    named_at = _first_name_at(question)
    if named_at is not None and (pronoun is None or pronoun.start() > named_at):
        return True, None
    return False, pronoun


def unresolved(question: str, history: Sequence[Turn], readings: Sequence[str]) -> str | None:
    """The pronoun of a follow-up that no name of the conversation agrees with ("How old
    is he?" when no person was asked about), or None. Such a question is not searched
    alone: quoting anyone's age for "he" would answer what was not asked."""
    if readings or not any(t.answered for t in history) or not _is_question(question):
        return None
    if _ELLIPSIS.match(question):
        return None
    _, pronoun = _pointing_back(question)
    if pronoun is None or pronoun.group().lower() == "there":
        return None
    return pronoun.group()


def stack(answered: Sequence[Turn]) -> list[str]:
    """The entities of the last turns, most recent turn first, each once."""
    out: list[str] = []
    for turn in reversed(answered[-STACK_TURNS:]):
        for name in turn.entities:
            if name not in out:
                out.append(name)
    return out


def _possessive(name: str, kind: str) -> str:
    """ "Warsaw's", "the tourists'"."""
    return name + ("'" if kind == GROUP and name.endswith("s") else "'s")


def _put(question: str, pronoun: re.Match[str], form: str) -> str:
    if pronoun.start() == 0 and form[:1].islower():
        form = form[:1].upper() + form[1:]
    return question[: pronoun.start()] + form + question[pronoun.end() :]


def _her_is_possessive(question: str, pronoun: re.Match[str]) -> bool:
    """ "her mother" (possessive) or "did they elect her?" (an object)."""
    rest = question[pronoun.end() :].split()
    nxt = rest[0].strip("?!.,;:").lower() if rest else ""
    return bool(nxt) and nxt.isalpha() and nxt not in _AFTER_OBJECT


def _first_name_at(question: str) -> int | None:
    name = main_name(question)
    return question.find(name.split()[0]) if name else None


def _is_question(text: str) -> bool:
    """ "clear", "thanks", "Baghdadi": a word or two without a question mark or a question
    word is not a turn of the conversation."""
    t = text.strip()
    return t.endswith("?") or bool(_QUESTION_WORD.match(t)) or len(t.split()) > 2


# "How many water main breaks were there": the slot that names what is asked about.
_SLOT = re.compile(
    r"^(\W*(?:how many|how much|what|which)\s+)((?:[a-z][\w'-]*\s+){0,3}?[a-z][\w'-]*)"
    r"(?=\s+(?:did|do|does|is|are|was|were|have|has|had|will|would|can|could|were)\b)",
    re.IGNORECASE,
)


def _ellipsis(rest: str, prev: Turn) -> str | None:
    """ "And in Raqqa?" / "What about Raqqa?": the new name takes the place of the previous
    question's topic (its last name after "in", "about", ...), else of its main name.
    "And potholes?": a new noun takes the place of what it counted or asked about. It
    never wraps the whole previous question; when no slot fits, the words stand alone."""
    rest = rest.rstrip(" ?")
    base = prev.base
    new = main_name(rest)
    if new:
        topics = [(n, b) for n, b in names_with_context(base) if b in _TOPIC]
        old, before = topics[-1] if topics else (main_name(base), "")
        if old and old in base:
            if before == "the" or f"the {old}" in base:
                return base.replace(f"the {old}", new, 1)
            return base.replace(old, new, 1)
    slot = _SLOT.match(base)
    words = rest.split()
    if slot and words and words[0].lower() not in PLACE_WORDS:
        return base[: slot.start(2)] + rest + base[slot.end(2) :]
    return f"{rest}?" if rest else None


_TOPIC = PLACE_WORDS | {"about", "of", "on", "for", "against", "over", "the"}


# Names after these words are objects or places, not what the question is about.
_NOT_SUBJECT = PLACE_WORDS | {"of", "for", "against", "over", "by", "with", "about"}
_THE_PHRASE = re.compile(r"\bthe\s+((?:[a-z][\w'-]*\s+){0,2}[a-z][\w'-]*)")
_AUX_BEFORE = re.compile(
    r"\b(do|does|did|is|are|was|were|has|have|had|will|would|can|could|should)\s+$", re.I
)
_POSSESSIVE_END = re.compile(r"('s|’s|'|’)$")
# "What is feather duvet lung?": a subject in lower case, with no "the" to find it by.
_WHAT_IS = re.compile(
    r"^\W*(?i:what)\s+(?:is|are|was|were)\s+(?:an?\s+)?([a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,4})\s*\?*$"
)
_STOP_AT = re.compile(
    r"\s+(?:did|do|does|is|are|was|were|have|has|had|to|in|of|on|for|at|where|which|who|"
    r"whom|that|when|why|how)\b.*"
)


def entities_of(resolved: str, best_quote: str | None, asked_for_name: bool) -> tuple[str, ...]:
    """What later pronouns may stand for after this turn, most salient first: the
    question's names (its subject before names after "in", "of" ...), its "the" noun
    phrases, then - only when it asked for a name ("Who hired Tesla?") - its answer's
    names. Never a date or a number."""
    m = _WRAPPED.match(resolved)
    text = m.group(1) if m else resolved
    named = [
        (_POSSESSIVE_END.sub("", f"the {n}" if b == "the" and not n.startswith("the ") else n), b)
        for n, b in names_with_context(text)
    ]
    found = [n for n, b in named if b not in _NOT_SUBJECT]
    found += [n for n, b in named if b in _NOT_SUBJECT]
    for p in _THE_PHRASE.finditer(text):
        words = _STOP_AT.sub("", p.group(1)).split()
        if len(words) > 1 and _AUX_BEFORE.search(text[: p.start()]):
            words = words[:-1]  # "do the tourists spend": the subject, then its verb
        phrase = "the " + " ".join(words)
        if tokens.analyze(phrase) and not any(n.endswith(phrase[4:]) for n, _ in named):
            found.append(phrase)
    if what := _WHAT_IS.match(text):  # "What is feather duvet lung?": what it is about
        found.append(what.group(1))
    if asked_for_name and best_quote:
        # Not a single capitalised word opening the quote: "Police rescued ..." is no name.
        opening = best_quote.lstrip(" “\"'(").split(" ", 1)[0]
        found += [
            _POSSESSIVE_END.sub("", n)
            for n, _ in names_with_context(best_quote)
            if not (" " not in n and n == opening)
        ]
    out: list[str] = []
    for name in found:
        if name not in out and not is_date_or_number(name):
            out.append(name)
    return tuple(out[:8])


def place_of(resolved: str, best_quote: str | None) -> str | None:
    """What "there" stands for: the question's place, else its best quote's."""
    m = _WRAPPED.match(resolved)
    text = m.group(1) if m else resolved
    return place_name(text) or place_name(best_quote or "")
