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
organisation, "they/their" for a group; never a date, a number, a month or an ordinal.
Salience: a conversation keeps a short stack of what its turns were about - each
question's own names (and the name inside "the Genghis Khan mausoleum") first, then, when
the question asked for one ("Who hired Tesla?"), its answer's - most recent turn first.
`rewrite` returns one reading per antecedent that agrees, most salient first (at most
MAX_READINGS); the answer stage keeps the one whose best candidate has the most evidence.
A question that names its own subject stands alone (but for a second pronoun of another
kind); a rewrite never nests; a declined turn lends nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..ingest import tokens
from .antecedents import THE_WORD, WRAPPED, the_phrase
from .names import PLACE_WORDS, main_name, names_with_context
from .referents import GROUP, HE, SHE, THING, is_plural

Agrees = Callable[[str, str], bool]  # (kind, name) -> may a pronoun of that kind stand for it
MAX_READINGS = 3
# Rules, by name, for `AnswerSettings.off` (`python -m bench.followups` measures each): a
# name inside "the X noun" and the verb after it (antecedents.py), a "the" phrase owning
# the "its" after it, a second pronoun of another kind, a capitalised opener that is no
# name (here), and ordinals (antecedents.py).
RULES = (
    "noun_phrases",
    "possessive_subject",
    "second_pronoun",
    "opener",
    "ordinals",
)
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
        m = WRAPPED.match(self.resolved)
        return m.group(1) if m else self.resolved


def rewrite(
    question: str,
    history: Sequence[Turn],
    agrees: Agrees = guess_agrees,
    off: frozenset[str] = frozenset(),
) -> list[str]:
    """The standalone readings of a follow-up, most salient first; [] when the question
    stands alone (or is no question: "thanks"). `off`: rules switched off (RULES)."""
    answered = [t for t in history if t.answered]  # a declined turn lends no subject
    if not answered or not _is_question(question):
        return []
    prev = answered[-1]
    ellipsis = _ELLIPSIS.match(question)
    if ellipsis and not _QUESTION_WORD.match(question[ellipsis.end() :]):
        made = _ellipsis(question[ellipsis.end() :].strip(), prev)
        return [made] if made else []
    own, pronoun = _pointing_back(question, off)
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


def _pointing_back(
    question: str, off: frozenset[str] = frozenset()
) -> tuple[bool, re.Match[str] | None]:
    """(whether the question names its own subject first - "Why did Trump change his
    mind?" -, the pronoun that points back to the conversation or None).

    A name before the pronouns binds those of the first pronoun's kind only: in "How do
    Mongolians describe their relationship to him?" "their" is the Mongolians and "him"
    someone the conversation was about (one clause does not call one name both "they"
    and "he")."""
    scan = _EXISTENTIAL_THERE.sub(lambda m: "\0" * len(m.group()), question)
    pronouns = list(_PRONOUN.finditer(scan))
    named_at = _first_name_at(question, "opener" not in off)
    if named_at is None or (pronouns and pronouns[0].start() < named_at):
        if pronouns and "possessive_subject" not in off and _phrase_owns(question, pronouns[0]):
            return True, None
        return False, pronouns[0] if pronouns else None
    bound = [p for p in pronouns if p.start() > named_at]
    if bound and bound[0].group().lower() != "there" and "second_pronoun" not in off:
        kind = _KIND[bound[0].group().lower()]
        for p in bound[1:]:
            word = p.group().lower()
            if word != "there" and _KIND[word] != kind:
                return False, p
    return True, None


def _phrase_owns(question: str, pronoun: re.Match[str]) -> bool:
    """Whether a "the" phrase before a possessive "its"/"their" of the same number is whose
    it is: "When did the island ferry resume its service?" is about the ferry. Not so for
    an object: in "What made the oil crisis worse in it?" "it" points back."""
    word = pronoun.group().lower()
    if word not in ("its", "their"):
        return False
    for the in THE_WORD.finditer(question, 0, pronoun.start()):
        phrase, _ = the_phrase(question, the.end(), 0)
        if phrase and is_plural(phrase) == (word == "their"):
            return True
    return False


def unresolved(
    question: str,
    history: Sequence[Turn],
    readings: Sequence[str],
    off: frozenset[str] = frozenset(),
) -> str | None:
    """The pronoun of a follow-up that no name of the conversation agrees with ("How old
    is he?" when no person was asked about), or None. Such a question is not searched
    alone: quoting anyone's age for "he" would answer what was not asked. The same after
    turns that were all declined, which lend nothing: "Where is it located?" after an
    unanswered "Which museum did gunmen attack?" once quoted a refugee camp's place."""
    if readings or not history or not _is_question(question):
        return None
    if _ELLIPSIS.match(question):
        return None
    _, pronoun = _pointing_back(question, off)
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


def _first_name_at(question: str, opener: bool = True) -> int | None:
    """Where the question's first name starts. A single capitalised word opening the
    question is not taken for one: "Soon after gaining it, ..." names nothing."""
    at = 0
    for name, before in names_with_context(question):
        found = question.find(name, at)
        if found < 0:
            continue
        at = found + len(name)
        if opener and before == "" and " " not in name and not question[:found].strip(" \"“'("):
            continue
        return found + (4 if name.startswith("the ") else 0)
    return None


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
