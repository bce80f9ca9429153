"""What a name is, as the corpus itself refers to it: a person ("he", "she", "Mr", "said
Tesla"), a thing ("it"), or a group ("they"). Used to decide which pronoun may stand for
which name of a conversation (followup.py).

Any corpus tells this the same way, so nothing here lists names: the articles' sentences
that hold the name are read for the pronoun that refers back to it (within the rest of
that sentence and the next one), a title before it (Mr, Ms, Dr, President...), and
whether it is a date, a number or a month, which no pronoun stands for. One search per
name, remembered per conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..ingest import tokens
from ..retrieval import Retriever

PERSON, THING, GROUP = "person", "thing", "group"
HE, SHE = "he", "she"  # a person, as "he/him/his" or "she/her/hers" stand for one

# English honorifics and titles of office before a person's name: closed-class words of
# the language, not names of any corpus.
_TITLE = re.compile(
    r"\b(Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Lord|Lady|President|Prime Minister|Minister|"
    r"Senator|Sen|Rep|Governor|Gov|Mayor|King|Queen|Prince|Princess|Pope|General|Gen|"
    r"Colonel|Col|Captain|Capt|Judge|Chancellor|Secretary|Sheikh|Saint|St)\.?\s+$"
)
_BACK = {
    HE: re.compile(r"\b(he|his|him|himself)\b", re.I),
    SHE: re.compile(r"\b(she|her|hers|herself)\b", re.I),
    THING: re.compile(r"\b(it|its|itself)\b", re.I),
    GROUP: re.compile(r"\b(they|their|them|themselves)\b", re.I),
}
_PLACE_BEFORE = re.compile(r"\b(in|at|from|near|into|across|outside|inside)\s+(the\s+)?$", re.I)
_MONTHS = (
    "january february march april may june july august september october november "
    "december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday "
    "thursday friday saturday sunday"
).split()
_DATE_WORD = re.compile(r"^(\d[\d,.]*(s|th|st|nd|rd)?|" + "|".join(_MONTHS) + r")$", re.I)
# Ordinals: "Who was the first NASA scientist?" gives "the first", which no later "it"
# stands for.
_ORDINAL = re.compile(
    r"^(the\s+)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)$", re.I
)
HITS = 8  # passages read per name


def is_ordinal(name: str) -> bool:
    """ "the first", "last"."""
    return bool(_ORDINAL.match(name.strip()))


def is_date_or_number(name: str) -> bool:
    """ "December 1878", "1512", "19 October 1512", "the 1990s": no pronoun stands for it."""
    words = [w for w in re.findall(r"[\w'’]+", name) if w.lower() != "the"]
    return bool(words) and all(_DATE_WORD.match(w) for w in words)


@dataclass(frozen=True)
class Kinds:
    """How often the corpus refers back to a name as a person (and as "he" or "she"), a
    thing or a group."""

    person: int = 0
    thing: int = 0
    group: int = 0
    he: int = 0
    she: int = 0

    def agrees(self, kind: str, name: str) -> bool:
        """Whether a pronoun of `kind` (PERSON, HE, SHE, THING, GROUP) may stand for
        `name`."""
        if is_date_or_number(name):
            return False
        if kind in (HE, SHE):
            other = self.she if kind == HE else self.he
            mine = self.he if kind == HE else self.she
            if other > mine:  # the articles call this person by the other pronoun
                return False
            kind = PERSON
        words = name.split()
        if words[0].lower() == "the" and words[-1][:1].islower():
            # "the city", "the tourists": a common noun agrees by its number alone.
            return kind == (GROUP if is_plural(name) else THING)
        votes = {PERSON: self.person, THING: self.thing, GROUP: self.group}
        if any(votes.values()):
            best = max(votes.values())
            if kind == PERSON:  # a person is first of all a person
                return votes[kind] > 0 and votes[kind] >= best
            # A name the corpus calls "they" as often as "it" (an organisation) is both.
            return votes[kind] > 0 and votes[kind] * 2 >= best
        return kind in _guess(name)


def is_plural(name: str) -> bool:
    """ "Broncos", "the tourists" (not "Paris", "Congress", "Marcus")."""
    last = name.split()[-1].lower()
    return last.endswith("s") and not last.endswith(("ss", "us", "is", "'s", "’s"))


def _guess(name: str) -> frozenset[str]:
    """Without the corpus's word: "the tourists" a group, "the mosque" a thing, a run of
    capitalised words not after "the" a person or a thing ("Mustafa Bali", "European
    Union Law": the readings' evidence tells them apart), one word a thing."""
    words = name.split()
    if words[0].lower() == "the":
        return frozenset({GROUP if is_plural(name) else THING})
    if len(words) >= 2 and words[0][:1].isupper() and words[-1][:1].isalpha():
        return frozenset({PERSON, THING})
    return frozenset({THING})


def kinds_of(retriever: Retriever, name: str) -> Kinds:
    """Read the corpus's sentences holding `name` for how it is referred back to (one
    search; the caller keeps what it learnt for the conversation)."""
    stems = tokens.analyze(name)
    if not stems:
        return Kinds()
    bare = re.sub(r"^the\s+", "", name, flags=re.I)  # "the SDF" is written "The SDF" too
    # Case aside: "European Union Law" is written "European Union law" in the articles.
    at = re.compile(rf"(?<![\w-]){re.escape(bare)}(?![\w-])", re.IGNORECASE)
    counts = {PERSON: 0, THING: 0, GROUP: 0, HE: 0, SHE: 0}
    for hit in retriever.search(stems, HITS):
        texts = [s.text for s in hit.sentences]
        for i, text in enumerate(texts):
            for m in at.finditer(text):
                nxt = texts[i + 1] if i + 1 < len(texts) else ""
                votes = mention_votes(text[: m.start()], text[m.end() :], nxt, is_plural(bare))
                for kind, weight in votes:
                    counts[kind] += weight
    return Kinds(counts[PERSON], counts[THING], counts[GROUP], counts[HE], counts[SHE])


_WHO_WHICH = re.compile(r"^\s*,\s*(who|whose|whom)\b|^\s*,\s*(which)\b", re.I)
_SAID = re.compile(r"^\s*(said|says|told|added|tweeted|wrote)\b", re.I)
_SAID_BEFORE = re.compile(r"\b(said|says|told|added)\s+$", re.I)
_APPOSITION = re.compile(r"^\s*,\s*(a|an)\s+[a-z]", re.I)
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)


def mention_votes(before: str, after: str, nxt: str, plural: bool = False) -> list[tuple[str, int]]:
    """What one mention of a name says of it: a title before it or ", who" after it (a
    person), ", which" (a thing), "the" before it (a thing or a group), speech and an
    apposition without "the" (a person), and the pronoun that opens the next clause or
    sentence ("He", "It", "They")."""
    out: list[tuple[str, int]] = []
    if _TITLE.search(before):
        out.append((PERSON, 2))
    rel = _WHO_WHICH.match(after)
    if rel:
        out.append((PERSON, 2) if rel.group(1) else (THING, 2))
    the = bool(_THE_BEFORE.search(before))
    if _PLACE_BEFORE.search(before):  # "in Fort Worth": a place
        out.append((THING, 2))
    elif the:  # "the mosque" a thing, "the Broncos" a group
        out.append((GROUP if plural else THING, 1))
    elif _SAID.match(after) or _SAID_BEFORE.search(before) or _APPOSITION.match(after):
        out.append((PERSON, 1))
    opening = _first_back(nxt, 2) or _first_back(_clause(after), 6)
    if opening in (HE, SHE):
        out += [(PERSON, 1), (opening, 1)]
    elif opening:
        out.append((opening, 1))
    return out


def _clause(text: str) -> str:
    """The rest of the name's clause: up to the next comma, semicolon or quotation."""
    return re.split(r"[,;“”\"]", text, maxsplit=1)[0]


def _first_back(text: str, within: int) -> str | None:
    """The kind of the first pronoun among the first `within` words of `text`."""
    head = " ".join(text.split()[:within])
    best: tuple[int, str] | None = None
    for kind, pattern in _BACK.items():
        m = pattern.search(head)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), kind)
    return best[1] if best else None
