"""The question side of answering, before any passage is searched: the question checked,
rewritten when it is a follow-up, analysed into a `Query`, its misspelt names read as the
corpus spells them, and an early decline when it names what the corpus never mentions.

    question -> standalone question (followup.py)
             -> content terms weighted by sentence IDF (query.py)
             -> unknown names checked against spelling neighbours in the vocabulary
                (Lexicon.neighbour; a farther one counts when the corpus writes it beside
                the rest of the name)
             -> `Prepared`: the query to search, or why it is declined already

A name the corpus never uses declines at once (not an acronym, which the corpus may spell
out). Only the `Retriever` and `Lexicon` protocols are used.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from ..errors import QuestionError
from ..ingest import tokens
from ..retrieval import Engine, Retriever
from .query import NO_WORDS, Query, analyze, name_groups

NO_ANSWER = "The articles don't say."


@dataclass(frozen=True)
class Prepared:
    """A question ready to search: the query, the text shown as "read as" when it differs
    from what was asked, and a decline message when a rule settles it before search."""

    query: Query
    resolved: str | None = None
    decline: str | None = None


def prepare(engine: Engine, text: str, rewritten: bool, spelling: bool = True) -> Prepared:
    """`text` analysed, its names corrected (unless `spelling` is off), checked for names
    the corpus never mentions. `rewritten`: `text` is a follow-up's standalone form."""
    query = analyze(engine.lexicon, text)
    if not query.terms:
        raise QuestionError(NO_WORDS)
    query, fixed, near = correct(engine, query) if spelling else (query, False, [])
    resolved = query.text if (rewritten or fixed) else None
    decline = None
    if unknown := unknown_names(query):
        decline = f"{NO_ANSWER} They never mention {', '.join(unknown)}." + (
            f" Did you mean {' or '.join(dict.fromkeys(near))}?" if near else ""
        )
    return Prepared(query, resolved, decline)


# "WWII", "WW-II", "DSMs", "AAA", "NASA's": capitals (and digits, "&", "-"), a plural or
# possessive at most. Measured: SQuAD answerable declined 3.85 -> 3.55 %, negatives
# declined unchanged (docs/quality.md, sixth round).
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&-]*[A-Z0-9](s|'s|’s)?$")


def unknown_names(query: Query) -> list[str]:
    """The question's names the corpus never uses: whatever else matches, the articles
    are not about what was asked. Not an acronym: one the corpus never writes may still
    be spelt out there ("WWII" / "World War II"), so the evidence bar decides."""
    return [
        t.surface for t in query.terms if t.entity and not t.known and not _ACRONYM.match(t.surface)
    ]


def correct(engine: Engine, query: Query) -> tuple[Query, bool, list[str]]:
    """Names the corpus never uses, replaced by a close spelling the corpus does use;
    also the farther spellings to suggest when a name stays unknown."""
    text, terms, fixed, near = query.text, list(query.terms), False, []
    for i, t in enumerate(terms):
        if t.known or not t.entity:  # measured: correcting other words too cost more
            continue
        found = engine.lexicon.neighbour(t.stem)
        if found is None:
            continue
        word = surface(engine.retriever, found.term)
        if t.surface[:1].isupper():  # "Councel voted ..." reads "Council voted ..."
            word = word[:1].upper() + word[1:]
        if not found.close and not _written_beside(engine, found.term, _partners(query, t.stem)):
            near.append(word)
            continue
        text = re.sub(rf"(?<!\w){re.escape(t.surface)}(?!\w)", word, text, count=1)
        weight = engine.lexicon.sentence_idf(found.term)
        terms[i] = replace(t, stem=found.term, surface=word, weight=weight, known=True)
        fixed = True
    if not fixed:
        return query, False, near
    merged = {t.stem: t for t in terms}  # a correction may land on a word already asked
    corrected = replace(query, text=text, terms=tuple(merged.values()), names=name_groups(text))
    return corrected, True, near


def _partners(query: Query, stem: str) -> frozenset[str]:
    """The other words of the question's name that holds `stem` ("khan" for "ghengi" in
    "Ghengis Khan"), those the corpus knows."""
    groups = [g - {stem} for g in query.names if stem in g]
    known = {t.stem for t in query.terms if t.known}
    return frozenset().union(*groups) & known


def _written_beside(engine: Engine, candidate: str, partners: frozenset[str]) -> bool:
    """A spelling farther than a correction still is one when the corpus writes it right
    beside another word of the same name: "Ghengis Khan" (two edits) is "Genghis Khan",
    while "Ghandi" alone stays a suggestion. One search, only for a name the corpus never
    uses."""
    if not partners:
        return False
    for hit in engine.retriever.search([candidate, *sorted(partners)], 5):
        for sent in hit.sentences:
            stems = [stem for stem, _, _ in tokens.spans(sent.text)]
            for a, b in itertools.pairwise(stems):
                if candidate in (a, b) and ({a, b} - {candidate}) & partners:
                    return True
    return False


def surface(retriever: Retriever, stem: str) -> str:
    """How the corpus writes a term: its first occurrence in the best passage for it."""
    for hit in retriever.search([stem], 1):
        for sent in hit.sentences:
            for term, start, end in tokens.spans(sent.text):
                if term == stem:
                    return sent.text[start:end]
    return stem
