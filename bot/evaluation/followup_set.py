"""A follow-up test set made from a SQuAD file: pairs of questions about one subject of an
article, the second with the subject replaced by the pronoun the article uses for it.

    "How many people live in Warsaw?"        then  "What is its oldest building?"
    "When did Tesla depart Graz?"            then  "What year did he die?"
    "Where did the Mongols come from?"       then  "What did they call their empire?"

The bot must rewrite the pronoun back into the subject; its R@3 on the pronoun form (asked
after the first question) is compared with its R@3 on the written-out question.

A pair is only a test when the name matters: plain rank-bm25 (the baseline beside every
evaluation) finds the answer in its top 3 with the name written out, and does not with
the pronoun form alone. Pairs easy without the name say nothing about follow-ups.

Subjects are the article's title and the names its questions ask about most; each is a
person ("he"/"his"), a thing ("it"/"its") or a group ("they"/"their") as the article
itself refers back to it. Pure: builds pairs from a `SquadSet`.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..answer.referents import is_plural, mention_votes
from .squad import SquadQuestion, SquadSet

SUBJECTS_PER_ARTICLE = 4  # the title and the names most asked about
MIN_QUESTIONS = 3  # a name asked about this often is a subject of the article


@dataclass(frozen=True)
class FollowupPair:
    first: str  # a question naming the subject
    second: SquadQuestion  # the scored question, subject written out
    pronoun_form: str  # the same question with the subject replaced by a pronoun
    kind: str = "thing"  # "person", "thing" or "group": the pronoun used


def subject(title: str) -> str:
    """ "Victoria (Australia)" -> "Victoria"; "Jacksonville, Florida" -> "Jacksonville"."""
    return re.split(r"\s*[(,]", title)[0].strip()


def kind_in(text: str, name: str) -> str:
    """How the article refers back to `name`, read the way the bot reads its corpus
    (answer/referents.py): titles, ", who", the pronoun opening the next clause."""
    counts = {"person": 0, "thing": 0, "group": 0, "he": 0, "she": 0}
    sentences = re.split(r"(?<=[.!?])\s+", text)
    at = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
    plural = is_plural(name)
    for i, sentence in enumerate(sentences):
        nxt = sentences[i + 1] if i + 1 < len(sentences) else ""
        for m in at.finditer(sentence):
            votes = mention_votes(sentence[: m.start()], sentence[m.end() :], nxt, plural)
            for kind, weight in votes:
                counts[kind] += weight
    kinds = ("person", "thing", "group")  # "he" / "she" counts are within "person"
    best = max(kinds, key=lambda k: counts[k])
    return best if counts[best] else "thing"


_FORMS = {
    "person": ("he", "his", "him"),
    "thing": ("it", "its", "it"),
    "group": ("they", "their", "them"),
}
_AUX = ("did", "was", "is", "does", "has", "had", "were", "are", "do", "will", "can", "could")


def pronoun_form(question: str, name: str, kind: str) -> str | None:
    """`question` with `name` (and a "the" before it) replaced by the pronoun of `kind`."""
    m = re.search(rf"(\b[Tt]he\s+)?\b{re.escape(name)}\b('s|’s|')?", question)
    if m is None or _INSIDE.search(question[: m.start()]) or _GOES_ON.match(question[m.end() :]):
        return None  # "a Super Bowl", "Warsaw City Council": no pronoun takes its place
    before = question[: m.start()].split()
    after_aux = bool(before) and before[-1].lower() in _AUX and not before[-1][:1].isupper()
    if not m.group(2) and _NOUN_AFTER.match(question[m.end() :]) and (m.group(1) or not after_aux):
        return None  # "the Fermat primality test", "many Panthers players": part of a noun
    if before and before[-1][:1].isupper() and not m.group(1):
        return None  # "the Carolina Panthers": part of a longer name
    subj, poss, obj = _FORMS[kind]
    word = poss if m.group(2) else subj
    # As an object ("... did the Mongols conquer Warsaw?") "he" becomes "him".
    if not m.group(2) and m.start() > 0 and not question[: m.start()].rstrip().endswith(_AUX):
        word = obj
    if m.start() == 0:
        word = word.capitalize()
    return question[: m.start()] + word + question[m.end() :]


_INSIDE = re.compile(r"\b(a|an|this|that|these|those|each|every|another|any)\s+$", re.I)
_GOES_ON = re.compile(r"\s+([A-Z]|\d)")
_NOUN_AFTER = re.compile(
    r"\s+(?!(is|was|are|were|did|does|do|has|have|had|in|of|on|at|to|for|from|with|by|and|"
    r"or|as|that|which|who|when|after|before|during)\b)[a-z]"
)
_CAPITALISED_RUN = re.compile(r"\b(?:the\s+)?([A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)*)")


def subjects(squad: SquadSet, a_i: int) -> list[str]:
    """The article's title subject and the names its questions ask about most."""
    counts: Counter[str] = Counter()
    for q in squad.questions:
        if q.article == a_i:
            for m in _CAPITALISED_RUN.finditer(q.question[1:]):
                counts[re.sub(r"('s|’s|')$", "", m.group(1))] += 1
    title = subject(squad.articles[a_i].title)
    names = [n for n, c in counts.most_common() if c >= MIN_QUESTIONS and n != title]
    return [title, *names][:SUBJECTS_PER_ARTICLE]


def followup_pairs(
    squad: SquadSet,
    n: int | None,
    seed: int,
    hard: Callable[[SquadQuestion, str], bool] | None = None,
) -> list[FollowupPair]:
    """Up to `n` pairs (all when None), drawn with random.Random(seed). `hard(q, form)`:
    keep only the pairs where the name matters (see the module docstring)."""
    pairs: list[FollowupPair] = []
    for a_i, art in enumerate(squad.articles):
        for name in subjects(squad, a_i):
            kind = kind_in(art.text, name)
            naming = [
                q
                for q in squad.questions
                if q.article == a_i and re.search(rf"\b{re.escape(name)}\b", q.question)
            ]
            for prev, q in itertools.pairwise(naming):
                form = pronoun_form(q.question, name, kind)
                if form and form != q.question and (hard is None or hard(q, form)):
                    pairs.append(FollowupPair(prev.question, q, form, kind))
    if n is not None and n < len(pairs):
        pairs = random.Random(seed).sample(pairs, n)
    return pairs


def name_matters(
    baseline: Callable[[SquadQuestion, str], int | None],
) -> Callable[[SquadQuestion, str], bool]:
    """`hard` for `followup_pairs`: the baseline's rank (`baseline(q, text)`, None: not in
    its top 10) is at most 3 written out, and worse than 3 with the pronoun alone."""

    def hard(q: SquadQuestion, form: str) -> bool:
        named, alone = baseline(q, q.question), baseline(q, form)
        return named is not None and named <= 3 and (alone is None or alone > 3)

    return hard
