"""A follow-up test set made from a SQuAD file: pairs of questions about an article's
subject, the second with the subject replaced by a pronoun.

    "How many people live in Warsaw?"  then  "What is its oldest building?"
    (written out: "What is Warsaw's oldest building?")

The bot must rewrite the pronoun back into the subject; its R@3 on the pronoun form is
compared with its R@3 on the written-out question. Pure: builds pairs from a `SquadSet`.
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass

from .squad import SquadQuestion, SquadSet


@dataclass(frozen=True)
class FollowupPair:
    first: str  # a question naming the subject
    second: SquadQuestion  # the scored question, subject written out
    pronoun_form: str  # the same question with the subject replaced by a pronoun


def subject(title: str) -> str:
    """ "Victoria (Australia)" -> "Victoria"; "Jacksonville, Florida" -> "Jacksonville"."""
    return re.split(r"\s*[(,]", title)[0].strip()


def _is_person(text: str, name: str) -> bool:
    """Whether the article calls its subject "he": a name of capitalised words, with more
    he/his/him than it/its within a few words after its last word."""
    if len(name.split()) < 2 or not all(w[:1].isupper() for w in name.split()):
        return False
    last = re.escape(name.split()[-1])
    near = r"\b{}\b(?:\W+\w+){{0,4}}?\W+({})\b"
    he = len(re.findall(near.format(last, "he|his|him"), text, re.I))
    it = len(re.findall(near.format(last, "it|its"), text, re.I))
    return he > it


def pronoun_form(question: str, name: str, person: bool) -> str | None:
    """`question` with `name` (and a "the" before it) replaced by he/his or it/its."""
    m = re.search(rf"(\b[Tt]he\s+)?\b{re.escape(name)}\b('s|’s)?", question)
    if m is None:
        return None
    word = ("his" if person else "its") if m.group(2) else ("he" if person else "it")
    # As an object ("... did the Mongols conquer Warsaw?") "he" becomes "him".
    if (
        word == "he"
        and m.start() > 0
        and not question[: m.start()]
        .rstrip()
        .endswith(("did", "was", "is", "does", "has", "had", "were", "are"))
    ):
        word = "him"
    if m.start() == 0:
        word = word.capitalize()
    return question[: m.start()] + word + question[m.end() :]


def followup_pairs(squad: SquadSet, n: int | None, seed: int) -> list[FollowupPair]:
    """Up to `n` pairs (all when None), drawn with random.Random(seed)."""
    pairs: list[FollowupPair] = []
    for a_i, art in enumerate(squad.articles):
        name = subject(art.title)
        person = _is_person(art.text, name)
        naming = [
            q
            for q in squad.questions
            if q.article == a_i and re.search(rf"\b{re.escape(name)}\b", q.question)
        ]
        for prev, q in itertools.pairwise(naming):
            form = pronoun_form(q.question, name, person)
            if form and form != q.question:
                pairs.append(FollowupPair(prev.question, q, form))
    if n is not None and n < len(pairs):
        pairs = random.Random(seed).sample(pairs, n)
    return pairs
