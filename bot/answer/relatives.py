"""Derivational relatives: index terms that differ from a question's word only in its
last letters ("percentage" / "percent", "destruction" / "destroyed", "invasion" /
"invaded", "jewish" / "jews" after stemming: "percentag" / "percent", ...).

A suffix stemmer joins inflections ("fighters" / "fighter") but not derivations, and a
question often uses another derivation than its answer ("What *percentage* ..." / "34
*percent*"). No thesaurus with its data installs from the package registries (see
docs/quality.md), so the rule is spelling only, the same for any English corpus: two
stems are relatives when both have at least MIN_SHARED letters, they share at least
MIN_SHARED leading letters, and the shorter one has at most MAX_TAIL letters beyond what
they share. A relative is weaker evidence than the word itself (a "state" is not a
"statement"), so it counts RELATIVE_CREDIT of the word's weight (candidates.py).

Measured (seed 1 SQuAD sample, bundled set): R@1 +0.4 points, bundled answerable
declined 2.7 → 1.8 %, off-corpus declined unchanged; docs/quality.md has the table.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

MIN_SHARED = 5  # shorter prefixes join unrelated words ("nati" would join "native")
MAX_TAIL = 2  # "destroy"/"destruct" share "destr": 2 letters left in the shorter one
RELATIVE_CREDIT = 0.7  # of the word's weight; 0.5-0.7 measured alike, 0 is no relatives


def shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def are_relatives(a: str, b: str) -> bool:
    """The rule in the module docstring, symmetric in a and b."""
    if a == b or min(len(a), len(b)) < MIN_SHARED or not (a.isalpha() and b.isalpha()):
        return False
    shared = shared_prefix(a, b)
    return shared >= MIN_SHARED and min(len(a), len(b)) - shared <= MAX_TAIL


def relatives(stem: str, sorted_vocabulary: Sequence[str]) -> frozenset[str]:
    """Every term of the (sorted) vocabulary that is a relative of `stem`: they all start
    with its first MIN_SHARED letters, so one bisection finds the range to check."""
    if len(stem) < MIN_SHARED or not stem.isalpha():
        return frozenset()
    head = stem[:MIN_SHARED]
    out = []
    i = bisect_left(sorted_vocabulary, head)
    while i < len(sorted_vocabulary) and sorted_vocabulary[i].startswith(head):
        if are_relatives(stem, sorted_vocabulary[i]):
            out.append(sorted_vocabulary[i])
        i += 1
    return frozenset(out)
