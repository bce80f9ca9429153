"""What a turn of a conversation leaves for later pronouns to stand for (pure functions).

After "Which Buddhist monastery hosted the Genghis Khan mausoleum?" the stack holds "the
Genghis Khan mausoleum", then "Genghis Khan" (the name inside it), then "Buddhist"... A
question's own names come first (its subject before names after "in", "of"), then its
"the" noun phrases, then - only when it asked for a name - its answer's names. The verb
after a subject is no part of it ("did the Broncos stay" gives "the Broncos"); a date, a
number or an ordinal is never on the stack. followup.py decides which of them a pronoun
agrees with.
"""

from __future__ import annotations

import re

from ..ingest import tokens
from .names import PLACE_WORDS, names_with_context, place_name
from .referents import is_date_or_number, is_ordinal, is_plural

MAX_ENTITIES = 8  # per turn: each name tried may cost one search (referents.kinds_of)
WRAPPED = re.compile(r"^[^()]*\((.*)\)$")  # "When? (Who destroyed the mosque?)"


# Names after these words are objects or places, not what the question is about.
_NOT_SUBJECT = PLACE_WORDS | {"of", "for", "against", "over", "by", "with", "about"}
THE_WORD = re.compile(r"\bthe\s+(?=[a-z])")
_WORD = re.compile(r"[\w'’-]+")
# The verb after a noun phrase: "did the Broncos stay", "When was the mosque built".
_DO_BEFORE = re.compile(r"\b(do|does|did|has|have|had|will|would|can|could|should)\s+$", re.I)
_BE_BEFORE = re.compile(r"^\W*(when|where|why|how)\b.*\b(is|are|was|were)\s+$", re.I)
_POSSESSIVE_END = re.compile(r"('s|’s|'|’)$")
# "What is feather duvet lung?": a subject in lower case, with no "the" to find it by.
_WHAT_IS = re.compile(
    r"^\W*(?i:what)\s+(?:is|are|was|were)\s+(?:an?\s+)?([a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,4})\s*\?*$"
)


def entities_of(
    resolved: str,
    best_quote: str | None,
    asked_for_name: bool,
    off: frozenset[str] = frozenset(),
) -> tuple[str, ...]:
    """What later pronouns may stand for after this turn, most salient first: the
    question's names (its subject before names after "in", "of" ...), its "the" noun
    phrases, then - only when it asked for a name ("Who hired Tesla?") - its answer's
    names. Never a date, a number or an ordinal."""
    m = WRAPPED.match(resolved)
    text = m.group(1) if m else resolved
    found: list[str] = []
    later: list[str] = []
    for name, before in names_with_context(text):
        name = _POSSESSIVE_END.sub("", name)
        words = name.split()
        if words[0] == "the" and len(words) > 2 and words[-1].islower():
            words = words[:-1]  # "the Grand al Nuri mosque": _the_phrase takes its nouns
        run = " ".join(words).removeprefix("the ")
        at = re.search(rf"\bthe\s+{re.escape(run)}\b", text) if before == "the" else None
        if at is None:
            names = [name]
        elif "noun_phrases" in off:  # the name as found: "the Broncos stay", "the SDF"
            names = [name if name.startswith("the ") else f"the {name}"]
        else:
            names = list(the_phrase(text, at.end() - len(run), len(run.split())))
        (later if before in _NOT_SUBJECT else found).extend(names)
    found += later
    for the in THE_WORD.finditer(text):
        phrase, _ = the_phrase(text, the.end(), 0)
        if tokens.analyze(phrase) and not any(n.endswith(phrase[4:]) for n in found):
            found.append(phrase)
    if what := _WHAT_IS.match(text):  # "What is feather duvet lung?": what it is about
        found.append(what.group(1))
    if asked_for_name and best_quote:
        found += _quote_names(best_quote)
    ordinals = "ordinals" not in off
    kept = [
        n
        for n in dict.fromkeys(found)
        if n and not is_date_or_number(n) and not (ordinals and is_ordinal(n))
    ]
    return tuple(kept[:MAX_ENTITIES])


def the_phrase(text: str, at: int, name_words: int) -> tuple[str, str]:
    """The noun phrase whose words start at `at`, just after a "the": its first
    `name_words` words (a name: "Super Bowl 50"), then up to three lower-case words up to
    a stopword or a comma. Returns (the phrase, the bare name when nouns follow it):
    ("the Super Bowl 50 halftime show", "Super Bowl 50"), ("the Genghis Khan mausoleum",
    "Genghis Khan"). The verb after a subject is left out: "did the Broncos stay" -> "the
    Broncos", "When was the mosque built" -> "the mosque"."""
    words = list(_WORD.finditer(text, at))
    run = [w.group() for w in words[:name_words]]
    rest: list[str] = []
    end = words[name_words - 1].end() if name_words and len(words) >= name_words else at
    # After a plural name the next word is its verb ("the Broncos played"), and a word in
    # "-ed" is a verb after any subject ("the mosque destroyed"): neither is a noun of it.
    plural = bool(run) and is_plural(" ".join(run))
    for w in words[name_words:]:
        word = w.group()
        if len(rest) == 3 or plural or text[end : w.start()].strip():
            break
        if not (word.isalpha() and word.islower() and tokens.term(word)) or word.endswith("ed"):
            break
        rest.append(word)
        end = w.end()
    before = text[: text.rfind("the", 0, at)]
    if rest and (run or len(rest) > 1) and (_DO_BEFORE.search(before) or _BE_BEFORE.match(before)):
        rest = rest[:-1]
    bare = " ".join(run)
    if not run and not rest:
        return "", ""
    return " ".join(["the", *run, *rest]), (bare if run and rest and not is_plural(bare) else "")


def _quote_names(quote: str) -> list[str]:
    """A quote's names, but not a single capitalised word opening it: "Police rescued
    ..." names no one."""
    opening = quote.lstrip(" “\"'(").split(" ", 1)[0]
    return [
        _POSSESSIVE_END.sub("", n)
        for n, _ in names_with_context(quote)
        if not (" " not in n and n == opening)
    ]


def place_of(resolved: str, best_quote: str | None) -> str | None:
    """What "there" stands for: the question's place, else its best quote's."""
    m = WRAPPED.match(resolved)
    text = m.group(1) if m else resolved
    return place_name(text) or place_name(best_quote or "")
