"""Spelling neighbours: a name the corpus never uses may be a typo of one it does.

"When was most of Sunnside developed?" should be read as "... Sunnyside ...", not
declined. Only words the corpus does not know are looked at, and only vocabulary terms
within a small edit distance count (rapidfuzz's optimal string alignment distance over
the index's terms, in C: a swap of two neighbouring letters is one edit): one edit for
short words, two for long ones, where a chance neighbour is unlikely.
The first letter must agree (typos seldom change it; "Turkish" is no typo of "Kurdish"),
and among equally close neighbours the one used in most sentences wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from ..retrieval import Neighbour

MIN_LENGTH = 4  # stems shorter than this have too many neighbours to guess from
LONG_WORD = 9  # from this length on, two edits are allowed
LOOSE_EXTRA = 1  # "Did you mean ...?" looks one edit further than a correction


def neighbour(
    stem: str, vocabulary: Sequence[str], sentence_df: Callable[[str], int]
) -> Neighbour | None:
    """The closest vocabulary term to an unknown stem, or None. One search serves both
    uses: within `strict` edits it is a correction, one edit further a suggestion."""
    if len(stem) < MIN_LENGTH or not stem.isalpha():
        return None
    strict = 2 if len(stem) >= LONG_WORD else 1
    # A suggestion may look one edit further, but never more than a third of the word
    # ("France" is no typo of "flank").
    limit = max(strict, min(strict + LOOSE_EXTRA, len(stem) // 3))
    found = process.extract(stem, vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=50)
    # Typos seldom change the first letter; "Turkish" is not a typo of "Kurdish".
    found = [f for f in found if f[0][:1] == stem[:1]]
    if not found:
        return None
    # Closest first; then the commonest; then alphabetical, so the choice is stable.
    best = min(found, key=lambda f: (f[1], -sentence_df(f[0]), f[0]))
    return Neighbour(str(best[0]), best[1] <= strict)
